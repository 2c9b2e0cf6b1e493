//! Numbers as the report prints them: formatted once, here, so templates carry no logic.

/// `value` with `digits` decimals; never prints "-0.000".
pub fn fixed(value: f64, digits: usize) -> String {
    let text = format!("{value:.digits$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => text,
    }
}

/// An objective value: six decimals, or three significant digits in exponent form when it is
/// too small for six decimals to show (the unregularised separable fit ends near 1e-7).
pub fn objective(value: f64) -> String {
    if value != 0.0 && value.abs() < 1e-3 {
        sci(value)
    } else {
        fixed(value, 6)
    }
}

/// Scientific notation with three significant digits, e.g. `1.23e-7`.
pub fn sci(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    format!("{value:.2e}")
}

/// A vector as `[a, b, c]` with `digits` decimals.
pub fn vector(values: impl IntoIterator<Item = f64>, digits: usize) -> String {
    let parts: Vec<String> = values.into_iter().map(|v| fixed(v, digits)).collect();
    format!("[{}]", parts.join(", "))
}

/// Items as prose lists them: `a`, `a and b`, `a, b and c`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A share as a percentage with one decimal.
pub fn percent(share: f64) -> String {
    format!("{} %", fixed(100.0 * share, 1))
}

/// A count with thin-space thousands separators, e.g. `1 000 000`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// Seconds since the Unix epoch as `YYYY-MM-DD HH:MM:SS UTC` (proleptic Gregorian).
pub fn utc_timestamp(seconds: i64) -> String {
    let rest = seconds.rem_euclid(86_400);
    // Days to civil date (Howard Hinnant's algorithm).
    let z = seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_is_printed_as_zero() {
        assert_eq!(fixed(-0.00001, 3), "0.000");
        assert_eq!(fixed(-0.5, 1), "-0.5");
        assert_eq!(fixed(2.0, 2), "2.00");
    }

    #[test]
    fn counts_and_timestamps() {
        assert_eq!(count(1_000_000), "1\u{2009}000\u{2009}000");
        assert_eq!(count(100), "100");
        assert_eq!(utc_timestamp(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_timestamp(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc_timestamp(951_782_400), "2000-02-29 00:00:00 UTC");
    }

    #[test]
    fn objective_values_keep_their_digits() {
        assert_eq!(objective(16.4607341), "16.460734");
        assert_eq!(objective(1.234e-7), "1.23e-7");
        assert_eq!(objective(0.0), "0.000000");
    }

    #[test]
    fn lists_read_as_prose() {
        let list =
            |items: &[&str]| and_list(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["0"]), "0");
        assert_eq!(list(&["0", "0.1"]), "0 and 0.1");
        assert_eq!(list(&["0", "0.1", "10"]), "0, 0.1 and 10");
    }

    #[test]
    fn scientific() {
        assert_eq!(sci(0.0), "0");
        assert_eq!(sci(1.234e-7), "1.23e-7");
    }
}
