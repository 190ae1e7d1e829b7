//! What the UI shows about any HTTP answer: status, headers, time and size.

use std::time::Duration;

/// The facts of one HTTP exchange, recorded for every call the app makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseMeta {
    /// The method that was sent.
    pub method: String,
    /// The URL that was called (never with a token in it).
    pub url: String,
    /// The HTTP status code.
    pub status: u16,
    /// The reason phrase for the status, e.g. "OK".
    pub reason: String,
    /// Response headers in the order received.
    pub headers: Vec<(String, String)>,
    /// Time from sending to the last byte of the body.
    pub elapsed: Duration,
    /// Size of the body in bytes.
    pub size: usize,
    /// How many times the call was sent (1 unless it was retried).
    pub attempts: u32,
}

impl ResponseMeta {
    /// A `200 OK` to `GET url` with no headers, taken at once in one try: what tests, the
    /// fuzzer and other readers of a body need when no exchange took place.
    #[must_use]
    pub fn ok(url: &str, size: usize) -> Self {
        Self {
            method: "GET".to_owned(),
            url: url.to_owned(),
            status: 200,
            reason: "OK".to_owned(),
            headers: Vec::new(),
            elapsed: Duration::ZERO,
            size,
            attempts: 1,
        }
    }
}

/// A byte count for people: `512 B`, `1.5 KB`, `12.3 MB`.
#[must_use]
pub fn format_size(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    #[allow(clippy::cast_precision_loss)] // sizes are shown to one decimal place
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::format_size;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(format_size(0), "0 B");
        assert_eq!(format_size(1023), "1023 B");
        assert_eq!(format_size(1536), "1.5 KB");
        assert_eq!(format_size(5 * 1024 * 1024), "5.0 MB");
    }
}

/// A decimal written for accountants: two places and thousands separators
/// (`-12345.5` → `-12,345.50`). `None` when `text` is not a plain decimal number. The
/// digits are taken from the text as sent, so large amounts are never rounded through `f64`.
#[must_use]
pub fn format_money(text: &str) -> Option<String> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // Round half up to two places on the digits themselves.
    let mut cents: Vec<u8> = whole
        .bytes()
        .chain(fraction.bytes().chain(std::iter::repeat(b'0')).take(2))
        .map(|b| b - b'0')
        .collect();
    if fraction.as_bytes().get(2).is_some_and(|d| *d >= b'5') {
        let mut i = cents.len();
        loop {
            if i == 0 {
                cents.insert(0, 1);
                break;
            }
            i -= 1;
            if cents[i] == 9 {
                cents[i] = 0;
            } else {
                cents[i] += 1;
                break;
            }
        }
    }
    let split = cents.len() - 2;
    let (units, pence) = cents.split_at(split);
    let units: String = units.iter().map(|d| char::from(b'0' + d)).collect();
    let units = units.trim_start_matches('0');
    let units = if units.is_empty() { "0" } else { units };
    let mut grouped = String::with_capacity(units.len() + units.len() / 3);
    for (index, c) in units.chars().enumerate() {
        if index > 0 && (units.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let pence: String = pence.iter().map(|d| char::from(b'0' + d)).collect();
    let zero = grouped == "0" && pence == "00";
    Some(format!(
        "{}{grouped}.{pence}",
        if negative && !zero { "-" } else { "" }
    ))
}

#[cfg(test)]
mod money_tests {
    use super::format_money;

    #[test]
    fn money_has_two_places_and_separators_without_float_rounding() {
        assert_eq!(format_money("1234567.5").as_deref(), Some("1,234,567.50"));
        assert_eq!(format_money("-12345").as_deref(), Some("-12,345.00"));
        assert_eq!(format_money("0.005").as_deref(), Some("0.01"));
        assert_eq!(format_money("999.995").as_deref(), Some("1,000.00"));
        assert_eq!(format_money("-0.001").as_deref(), Some("0.00"));
        assert_eq!(
            format_money("12345678901234567890.12").as_deref(),
            Some("12,345,678,901,234,567,890.12")
        );
        assert_eq!(format_money("12.3.4"), None);
        assert_eq!(format_money("GB123"), None);
        assert_eq!(format_money(""), None);
    }
}
