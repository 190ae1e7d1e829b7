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
