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

#[cfg(test)]
mod tests {
    use super::short;

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
