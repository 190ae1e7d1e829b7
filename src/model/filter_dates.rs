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

/// A date-time from the filter builder in UTC, as Sage wants it, and the offset from UTC
/// it was read in (seconds east; 0 for a value given in UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtcDateTime {
    /// `YYYY-MM-DDThh:mm:ss[.fff]Z`.
    pub utc: String,
    /// The offset of the time as typed: the user's time zone at that moment, or the one
    /// written after it.
    pub offset_seconds: i32,
}

/// Reads a date-time typed in the filter builder (`2025-06-02 10:30`, `2025-06-02T10:30:00`)
/// as a time in `zone` (the user's own time zone in the app, so a UK user in summer types
/// BST) and writes it in UTC: `2025-06-02T09:30:00Z`. A time ending in `Z` or an offset
/// (`+02:00`) is read as written instead. Errors say why: not a date-time, a day that does
/// not exist, or a local time a clock change skips or passes twice (ISO 8601; RFC 3339 for
/// the offsets).
pub fn date_time_to_utc<Tz: chrono::TimeZone>(
    text: &str,
    zone: &Tz,
) -> Result<UtcDateTime, String> {
    use chrono::{FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset};
    let text = text.trim();
    let example = "use 2024-02-23 or 2024-02-23 10:30 (your local time), or add Z for UTC";
    let (date, time) = text
        .split_once(['T', ' '])
        .ok_or_else(|| format!("'{text}' is not a date-time: {example}."))?;
    let parts: Vec<&str> = date.split('-').collect();
    let shaped =
        matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2);
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .filter(|_| shaped)
        .ok_or_else(|| {
            if shaped && date.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                format!("'{date}' is a day that does not exist.")
            } else {
                format!("'{text}' is not a date-time: {example}.")
            }
        })?;
    // The zone written after the time, if any: `Z`, `+01:00`, `-0500`.
    let (clock, written) = if let Some(clock) = time.strip_suffix('Z') {
        (clock, Some(0))
    } else if let Some(at) = time.find(['+', '-']) {
        let (clock, zone_text) = time.split_at(at);
        let sign = if zone_text.starts_with('-') { -1 } else { 1 };
        let digits: String = zone_text[1..]
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let seconds = match digits.len() {
            2 | 4 => {
                let hours: i32 = digits[..2].parse().unwrap_or(99);
                let minutes: i32 = digits.get(2..).unwrap_or("0").parse().unwrap_or(99);
                (hours <= 23 && minutes <= 59).then_some(sign * (hours * 3600 + minutes * 60))
            }
            _ => None,
        };
        let seconds = seconds
            .ok_or_else(|| format!("'{zone_text}' is not a time zone offset (e.g. +01:00)."))?;
        (clock, Some(seconds))
    } else {
        (time, None)
    };
    let clock = NaiveTime::parse_from_str(clock, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(clock, "%H:%M"))
        .map_err(|_| format!("'{text}' has no valid time: {example}."))?;
    let naive = NaiveDateTime::new(day, clock);
    let (instant, offset_seconds) = if let Some(seconds) = written {
        let offset = FixedOffset::east_opt(seconds).ok_or("That offset is out of range.")?;
        let at = naive - chrono::Duration::seconds(i64::from(offset.local_minus_utc()));
        (at, seconds)
    } else {
        match zone.from_local_datetime(&naive) {
            LocalResult::Single(at) => {
                let offset = at.offset().fix().local_minus_utc();
                (at.naive_utc(), offset)
            }
            LocalResult::Ambiguous(first, second) => {
                return Err(format!(
                    "{naive} happens twice in your time zone (the clocks go back): add Z and give it in UTC ({} or {}).",
                    first.naive_utc().format("%H:%M"),
                    second.naive_utc().format("%H:%M"),
                ));
            }
            LocalResult::None => {
                return Err(format!(
                    "{naive} does not happen in your time zone (the clocks go forward): choose another time, or add Z for UTC."
                ));
            }
        }
    };
    Ok(UtcDateTime {
        utc: instant
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string()
            .replace(".000Z", "Z"),
        offset_seconds,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    #[test]
    fn a_local_date_time_is_written_in_utc_with_the_offset_said() {
        let bst = FixedOffset::east_opt(3600).unwrap();
        let at = date_time_to_utc("2025-06-02 10:30", &bst).unwrap();
        assert_eq!(at.utc, "2025-06-02T09:30:00Z");
        assert_eq!(at.offset_seconds, 3600);
        assert_eq!(
            date_time_to_utc("2025-06-02T00:15:00.250", &bst)
                .unwrap()
                .utc,
            "2025-06-01T23:15:00.250Z",
            "across midnight, with milliseconds"
        );
        // Written in UTC or with an offset: read as written, whatever the zone.
        let at = date_time_to_utc("2025-06-02T10:30:00Z", &bst).unwrap();
        assert_eq!(
            (at.utc.as_str(), at.offset_seconds),
            ("2025-06-02T10:30:00Z", 0)
        );
        assert_eq!(
            date_time_to_utc("2025-06-02T10:30-05:00", &bst)
                .unwrap()
                .utc,
            "2025-06-02T15:30:00Z"
        );
    }

    #[test]
    fn bad_date_times_say_what_is_wrong() {
        let utc = chrono::Utc;
        for (text, said) in [
            ("2023-02-30 10:00", "does not exist"),
            ("2025-6-2 10:00", "not a date-time"),
            ("2025-06-02 25:00", "no valid time"),
            ("2025-06-02T10:00+1:0", "not a time zone offset"),
            ("yesterday", "not a date-time"),
        ] {
            let problem = date_time_to_utc(text, &utc).unwrap_err();
            assert!(problem.contains(said), "{text}: {problem}");
        }
    }
}
