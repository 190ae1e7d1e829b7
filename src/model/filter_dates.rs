//! Dates and date-times in a typed `$filter`, checked as Sage 200 reads them: `YYYY-MM-DD`
//! and `YYYY-MM-DDThh:mm:ss[.fff]Z` (UTC), unquoted, with days that exist.

/// Whether `text` is shaped like a date (`2024-2-3`, `2023-02-30`, `2025-06-02T09:00:00Z`):
/// digits, a dash, digits, a dash, digits.
fn date_shaped(text: &str) -> bool {
    let date = text.split('T').next().unwrap_or_default();
    let parts: Vec<&str> = date.split('-').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether quoted text is a date-time (a date with a time), which Sage wants unquoted.
pub(super) fn looks_like_date_time(text: &str) -> bool {
    date_shaped(text) && text.contains('T')
}

/// What is wrong with a date or date-time literal, if anything: Sage takes `YYYY-MM-DD`
/// and `YYYY-MM-DDThh:mm:ss[.fff]Z` (UTC), with days that exist.
pub(super) fn date_problem(literal: &str) -> Option<String> {
    if !date_shaped(literal) {
        return None;
    }
    let (date, time) = match literal.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (literal, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    if parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return Some(format!(
            "write dates as YYYY-MM-DD with two-digit months and days (e.g. {:0>4}-{:0>2}-{:0>2}).",
            parts[0], parts[1], parts[2]
        ));
    }
    if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() {
        return Some("that day does not exist.".to_owned());
    }
    if let Some(time) = time {
        let Some(clock) = time.strip_suffix('Z') else {
            return Some("a date-time ends with Z (UTC), e.g. 2025-06-02T09:00:00Z.".to_owned());
        };
        let fine = chrono::NaiveTime::parse_from_str(clock, "%H:%M:%S%.f").is_ok();
        if !fine {
            return Some("write the time as hh:mm:ss, e.g. 2025-06-02T09:00:00Z.".to_owned());
        }
    }
    None
}
