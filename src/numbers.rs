//! How parameters are written for people: in messages, on figures and on the page.

/// The shortest text that reads back to `value`, in exponent form when plain decimals
/// would be long (`1e300`, not three hundred digits; `0.1`, not `1e-1`).
pub fn short(value: f64) -> String {
    let plain = value.to_string();
    let exponent = format!("{value:e}");
    if plain.len() > 12 && exponent.len() < plain.len() {
        exponent
    } else {
        plain
    }
}

/// A count with its noun, singular for one: `1 point`, `2 points`, `0 points`.
pub fn counted(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::{counted, short};

    #[test]
    fn one_is_singular() {
        assert_eq!(counted(1, "panel", "panels"), "1 panel");
        assert_eq!(counted(3, "panel", "panels"), "3 panels");
        assert_eq!(counted(0, "point", "points"), "0 points");
    }

    #[test]
    fn plain_when_short_exponent_when_long() {
        assert_eq!(short(0.1), "0.1");
        assert_eq!(short(10.0), "10");
        assert_eq!(short(0.0), "0");
        assert_eq!(short(-2.5), "-2.5");
        assert_eq!(short(1e300), "1e300");
        assert_eq!(short(1e-300), "1e-300");
        assert_eq!(short(123_456.789), "123456.789");
        assert_eq!(short(f64::NAN), "NaN");
    }
}
