//! A pasted URL's query string read into the draft: `OData` options into their fields, the
//! rest into plain parameters, with a note wherever the field would send an option
//! differently than it was written.

use super::{KeyValue, RequestDraft, percent_decode};

/// Moves a URL's query string into the draft: `OData` options to their fields, the rest to
/// plain parameters. Where the field would send the option differently, a note says so.
pub(super) fn apply_query(
    draft: &mut RequestDraft,
    query: &str,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let pairs = query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key), percent_decode(value))
    });
    apply_pairs(draft, pairs, notes)
}

/// [`apply_query`] for parameters already decoded, in order (a saved request's).
pub(crate) fn apply_pairs(
    draft: &mut RequestDraft,
    pairs: impl IntoIterator<Item = (String, String)>,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let mut seen: Vec<String> = Vec::new();
    for (key, value) in pairs {
        if key.starts_with('$') {
            if seen.contains(&key) {
                notes.push(format!(
                    "The query gives {key} twice; only the last is kept."
                ));
            }
            seen.push(key.clone());
        }
        let list = |v: &str| v.split(',').map(str::to_owned).collect::<Vec<_>>();
        let sent = match key.as_str() {
            "$select" => {
                draft.query.select = list(&value);
                Some(clean_list(&draft.query.select))
            }
            "$expand" => {
                draft.query.expand = list(&value);
                Some(clean_list(&draft.query.expand))
            }
            "$filter" => {
                draft.query.filter.clone_from(&value);
                Some(value.trim().to_owned())
            }
            "$orderby" => {
                draft.query.order_by = value
                    .split(',')
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| {
                        let mut w = p.split_whitespace();
                        let field = w.next().unwrap_or_default().to_owned();
                        let descending = w.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
                        (field, descending)
                    })
                    .collect();
                Some(
                    draft
                        .query
                        .order_by
                        .iter()
                        .map(|(f, d)| if *d { format!("{f} desc") } else { f.clone() })
                        .collect::<Vec<_>>()
                        .join(","),
                )
            }
            "$top" | "$skip" => {
                let number: u32 = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("{key}={value} is not a whole number."))?;
                if key == "$top" {
                    draft.query.top = Some(number);
                } else {
                    draft.query.skip = Some(number);
                }
                Some(number.to_string())
            }
            "$count" => {
                draft.query.count = value.eq_ignore_ascii_case("true");
                Some(if draft.query.count {
                    value.clone()
                } else {
                    String::new()
                })
            }
            other if other.starts_with('$') => {
                return Err(format!(
                    "The query has {other}, an option the app cannot send (it sends $select, $expand, $filter, $orderby, $top, $skip and $count)."
                ));
            }
            _ => {
                draft.params.push(KeyValue {
                    enabled: true,
                    key,
                    value: value.clone(),
                });
                None
            }
        };
        if let Some(sent) = sent
            && let Some(key) = seen.last()
            && sent != value
        {
            notes.push(if sent.is_empty() {
                format!("{key}={value} is not sent: the app sends {key}=true or nothing.")
            } else {
                format!("{key}={value} is sent as {key}={sent}.")
            });
        }
    }
    Ok(())
}

/// A list option as the app sends it: names trimmed, empty ones left out.
fn clean_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}
