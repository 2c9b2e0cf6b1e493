//! How numbers, counts and sentences are written for people: in messages, on figures and
//! on the page.

/// The shortest text that reads back to `value`, in exponent form when that saves at least
/// three characters (`1e300`, not three hundred digits; `1e-9`, not `0.000000001`; but `0.1`
/// and `0.001`, not `1e-1` and `1e-3`).
pub fn short(value: f64) -> String {
    let plain = value.to_string();
    let exponent = format!("{value:e}");
    if exponent.len() + 3 <= plain.len() {
        exponent
    } else {
        plain
    }
}

/// A parameter as prose writes it: [`short`], with a true minus sign (`−4`).
pub fn prose(value: f64) -> String {
    short(value).replace('-', "\u{2212}")
}

/// A strength as a label: [`short`] where that is at most eight characters (`0.1`, `1e-3`),
/// else three significant digits (`0.00178`, `31.6`), as the path's grid needs.
pub fn label(value: f64) -> String {
    let exact = short(value);
    if exact.len() <= 8 || !value.is_finite() || value == 0.0 {
        return exact;
    }
    let decimals = (2 - libm::floor(libm::log10(value.abs())) as i64).max(0) as usize;
    format!("{value:.decimals$}")
}

/// The smallest and largest of `values` (∞ and −∞ for none; NaNs are passed over).
pub fn bounds(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = (f64::INFINITY, f64::NEG_INFINITY);
    values
        .into_iter()
        .fold((lo, hi), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// A count with its noun, singular for one: `1 point`, `2 points`, `0 points`.
pub fn counted<N>(n: N, singular: &str, plural: &str) -> String
where
    N: std::fmt::Display + PartialEq + From<u8>,
{
    let noun = if n == N::from(1) { singular } else { plural };
    format!("{n} {noun}")
}

/// `text` with its first letter in upper case: a clause made the start of a sentence.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Two significant digits in exponent form, for distances and tolerances in messages
/// (`2.3e-6`); zero is `0`.
pub fn two_digits(value: f64) -> String {
    if value == 0.0 {
        "0".into()
    } else {
        format!("{value:.1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::{capitalised, counted, prose, short, two_digits};

    #[test]
    fn prose_uses_a_true_minus() {
        assert_eq!(prose(-4.0), "\u{2212}4");
        assert_eq!(prose(0.5), "0.5");
    }

    #[test]
    fn a_clause_starts_a_sentence() {
        assert_eq!(
            capitalised("the data are separable"),
            "The data are separable"
        );
        assert_eq!(capitalised("ä"), "Ä");
        assert_eq!(capitalised(""), "");
    }

    #[test]
    fn one_is_singular() {
        assert_eq!(counted(1u64, "step", "steps"), "1 step");
        assert_eq!(counted(1, "panel", "panels"), "1 panel");
        assert_eq!(counted(3, "panel", "panels"), "3 panels");
        assert_eq!(counted(0, "point", "points"), "0 points");
    }

    #[test]
    fn two_digits_in_exponent_form() {
        assert_eq!(two_digits(2.2944e-6), "2.3e-6");
        assert_eq!(two_digits(0.0), "0");
        assert_eq!(two_digits(1.0), "1.0e0");
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
        assert_eq!(short(1e-9), "1e-9");
        assert_eq!(short(1e-6), "1e-6");
        assert_eq!(short(0.001), "0.001");
        assert_eq!(short(1000.0), "1000");
        assert_eq!(short(1e6), "1e6");
    }
}
