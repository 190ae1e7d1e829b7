//! The request builder's work: checking a draft, sending it, and reading the answer into
//! the forms the views show (pretty text, a JSON tree, a table for arrays of records).
//! Parsing happens on the runtime, never in a frame.

use std::sync::Arc;

use crate::api::{ApiClient, ApiRequest, CompanyScope, Verb};
use crate::model::{HttpMethod, RequestDraft, ResponseMeta};

use super::answer::{Answered, JsonDoc, Kind, PagePieces, Span};
use super::state::UserError;

/// A request-builder tab: its draft, and what came back.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestTab {
    /// Stable id (tabs move; ids do not).
    pub id: u64,
    /// The request as composed.
    pub draft: RequestDraft,
    /// Whether a send is in flight.
    pub sending: bool,
    /// The last answer.
    pub answer: Option<Arc<Answered>>,
    /// Why the last send could not go out or failed without an answer.
    pub problem: Option<UserError>,
    /// The table's sort: column and whether descending, with the row order it gives.
    pub sort: Option<TableSort>,
    /// Whether a sort is being computed.
    pub sorting: bool,
    /// Progress of "Fetch all pages", while it runs.
    pub fetching: Option<crate::api::Progress>,
    /// The rows and lines that contain the text searched for.
    pub found: Option<Found>,
}

/// What a search of an answer found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The text searched for.
    pub text: String,
    /// Table rows that contain it, in table order.
    pub rows: Arc<Vec<usize>>,
    /// Raw lines that contain it.
    pub lines: Arc<Vec<usize>>,
}

/// Finds `text` (without regard to case) in an answer's table rows and raw lines.
#[must_use]
pub fn search_answer(answer: &Answered, text: &str) -> Found {
    let needle = text.to_lowercase();
    let rows = answer.table.as_ref().map_or_else(Vec::new, |t| {
        (0..t.len())
            .filter(|&r| {
                (0..t.columns.len()).any(|c| t.cell(r, c).to_lowercase().contains(&needle))
            })
            .collect()
    });
    let lines = (0..answer.line_count())
        .filter(|&l| answer.line(l).to_lowercase().contains(&needle))
        .collect();
    Found {
        text: text.to_owned(),
        rows: Arc::new(rows),
        lines: Arc::new(lines),
    }
}

/// Picks values out of a JSON document with a path such as `$[0].contacts[*].first_name`:
/// `$` is the answer, `.name` a field, `[n]` an element, `[*]` every element or field.
pub fn json_path(doc: &JsonDoc, path: &str) -> Result<Vec<Span>, String> {
    let path = path.trim();
    let rest = path
        .strip_prefix('$')
        .ok_or("A path starts with $, e.g. $[0].name")?;
    let mut current = vec![doc.root()];
    let chars: Vec<char> = rest.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let start = i + 1;
                i = start;
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                if name.is_empty() {
                    return Err(format!(
                        "A field name is missing at position {}.",
                        start + 1
                    ));
                }
                current = current
                    .into_iter()
                    .filter(|v| doc.kind(*v) == Kind::Object)
                    .flat_map(|v| {
                        doc.children(v)
                            .iter()
                            .filter(|c| name == "*" || c.key.is_some_and(|k| doc.key(k) == name))
                            .map(|c| c.value)
                            .collect::<Vec<_>>()
                    })
                    .collect();
            }
            '[' => {
                let close = chars[i..]
                    .iter()
                    .position(|&c| c == ']')
                    .map(|p| i + p)
                    .ok_or_else(|| format!("The '[' at position {} is not closed.", i + 2))?;
                let inside: String = chars[i + 1..close].iter().collect();
                current = if inside == "*" {
                    current
                        .into_iter()
                        .flat_map(|v| doc.children(v).iter().map(|c| c.value).collect::<Vec<_>>())
                        .collect()
                } else {
                    let index: usize = inside.trim().parse().map_err(|_| {
                        format!("'[{inside}]' is not an index: use [0], [1]… or [*].")
                    })?;
                    current
                        .into_iter()
                        .filter(|v| doc.kind(*v) == Kind::Array)
                        .filter_map(|v| doc.children(v).get(index).map(|c| c.value))
                        .collect()
                };
                i = close + 1;
            }
            other => return Err(format!("Unexpected '{other}' at position {}.", i + 2)),
        }
    }
    Ok(current)
}

use super::answer::TableModel;

/// A sorted view of an answer's table: row indices in display order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSort {
    /// The column sorted by.
    pub column: usize,
    /// Largest first.
    pub descending: bool,
    /// Row indices in display order.
    pub order: Arc<Vec<usize>>,
}

/// Orders rows by one column: numbers as numbers, text without regard to case, empty last.
#[must_use]
pub fn sort_rows(table: &TableModel, column: usize, descending: bool) -> Vec<usize> {
    use std::cmp::Ordering;
    // Each key is read once: numbers as numbers when every cell is one, else lowercase text.
    let texts: Vec<std::borrow::Cow<'_, str>> =
        (0..table.len()).map(|r| table.cell(r, column)).collect();
    let numbers: Option<Vec<f64>> = texts
        .iter()
        .map(|t| {
            if t.is_empty() {
                Some(f64::NAN)
            } else {
                t.parse::<f64>().ok()
            }
        })
        .collect();
    let lower: Vec<String> = if numbers.is_some() {
        Vec::new()
    } else {
        texts.iter().map(|t| t.to_lowercase()).collect()
    };
    let mut order: Vec<usize> = (0..table.len()).collect();
    order.sort_by(|&a, &b| {
        let ordering = match (texts[a].is_empty(), texts[b].is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            (false, false) => match &numbers {
                Some(n) => n[a].partial_cmp(&n[b]).unwrap_or(Ordering::Equal),
                None => lower[a].cmp(&lower[b]),
            },
        };
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    order
}

/// Where a JSON body fails to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Checks a JSON body: `Ok(None)` for an empty one.
pub fn check_body(text: &str) -> Result<Option<Vec<u8>>, BodyError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) => Ok(Some(text.as_bytes().to_vec())),
        Err(e) => Err(BodyError {
            line: e.line(),
            // serde_json says column 0 at the start of a line; people count from 1.
            column: e.column().max(1),
            message: e
                .to_string()
                .split(" at line")
                .next()
                .unwrap_or_default()
                .to_owned(),
        }),
    }
}

/// Pretty-prints a JSON body (for the Format button); `None` when it is not valid JSON.
#[must_use]
pub fn format_body(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    serde_json::to_string_pretty(&value).ok()
}

/// Reads an answer's body for the views.
#[must_use]
pub fn read_answer(meta: ResponseMeta, body: &bytes::Bytes) -> Answered {
    Answered::read(meta, body)
}

/// Writes an answer to `path` in the format its extension asks for (raw JSON when it has
/// none): through a temporary file, so a failure leaves no half-written file.
pub fn write_answer(
    answer: &Answered,
    path: &std::path::Path,
    format: Option<crate::export::ExportFormat>,
) -> Result<(), UserError> {
    use crate::export::{ExportFormat, csv_bytes, save_atomically, xlsx_bytes};
    let format = format
        .or_else(|| ExportFormat::from_path(path))
        .unwrap_or(ExportFormat::RawJson);
    let failed = |message: String| UserError {
        message,
        advice: "Choose another file name or folder, then save again.".to_owned(),
    };
    let bytes = match format {
        ExportFormat::RawJson => answer.raw.to_vec(),
        ExportFormat::PrettyJson => {
            let mut text = String::with_capacity(answer.raw.len() * 3 / 2);
            for line in 0..answer.line_count() {
                text.push_str(&answer.line(line));
                text.push('\n');
            }
            text.into_bytes()
        }
        ExportFormat::Csv | ExportFormat::Xlsx => {
            let Some(table) = &answer.table else {
                return Err(failed(
                    "This answer is not a list of records, so it has no table to save; save it as .json.".to_owned(),
                ));
            };
            let rows = (0..table.len()).map(|r| table.row(r));
            if format == ExportFormat::Csv {
                csv_bytes(&table.columns, rows)
            } else {
                xlsx_bytes(&table.columns, rows)
            }
            .map_err(|e| failed(e.to_string()))?
        }
    };
    save_atomically(path, &bytes).map_err(|e| failed(e.to_string()))
}

/// Fetches every page of a list request (paging as `options` say) and reads them as one
/// answer: the records of all pages in one array and one table. `progress` hears of each
/// page as it arrives. The raw view's line index is built now when `with_lines` (the
/// request builder shows it), else only if ever asked for (a records table never does).
pub async fn fetch_all_pages(
    client: ApiClient,
    request: ApiRequest,
    options: crate::api::PageOptions,
    with_lines: bool,
    progress: impl FnMut(crate::api::Progress) + Send,
) -> Result<Arc<Answered>, UserError> {
    let started = std::time::Instant::now();
    // Each page is read on a blocking thread as it arrives, while the next ones download.
    let pages = crate::api::fetch_all_mapped(&client, &request, &options, progress, |page| {
        let size = page.body.len();
        (page.meta, size, PagePieces::read(page.body))
    })
    .await
    .map_err(|e| UserError::from(&e))?;
    tokio::task::spawn_blocking(move || {
        let mut meta = pages
            .first()
            .map(|p| p.0.clone())
            .ok_or_else(|| UserError {
                message: "No page came back.".to_owned(),
                advice: "Send the request again.".to_owned(),
            })?;
        let size: usize = pages.iter().map(|p| p.1).sum();
        let count = pages.len();
        let pieces = pages
            .into_iter()
            .map(|(_, _, pieces)| {
                pieces.ok_or_else(|| UserError {
                    message: "A page of the list was not a list of records.".to_owned(),
                    advice: "Fetch all works on list resources such as customers.".to_owned(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let records: usize = pieces.iter().map(PagePieces::len).sum();
        meta.elapsed = started.elapsed();
        meta.size = size;
        meta.attempts = u32::try_from(count).unwrap_or(u32::MAX);
        meta.reason = format!("OK · {records} records in {count} pages");
        let answer = Answered::from_pages(meta, pieces);
        if with_lines {
            answer.index_lines();
        }
        Ok(Arc::new(answer))
    })
    .await
    .map_err(|e| UserError {
        message: format!("Reading the pages stopped: {e}"),
        advice: "Try again.".to_owned(),
    })?
}

/// Sends a request whose error statuses are errors (the Browse screen) and reads the page.
pub async fn send_checked(
    client: ApiClient,
    request: ApiRequest,
) -> Result<Arc<Answered>, UserError> {
    let raw = client
        .execute(&request)
        .await
        .map_err(|e| UserError::from(&e))?;
    tokio::task::spawn_blocking(move || Arc::new(read_answer(raw.meta, &raw.body)))
        .await
        .map_err(|e| UserError {
            message: format!("Reading the page stopped: {e}"),
            advice: "Try again.".to_owned(),
        })
}

/// Builds the API request of a draft, or says what must be fixed first.
pub fn build_request(
    draft: &RequestDraft,
    company: Option<&CompanyScope>,
) -> Result<ApiRequest, UserError> {
    let fix = |message: String| UserError {
        message,
        advice: "Fix the request, then send it again.".to_owned(),
    };
    let path = draft.checked_path().map_err(|e| fix(e.0))?;
    let query = draft.query_pairs().map_err(|e| fix(e.0))?;
    let headers = draft.header_pairs().map_err(|e| fix(e.0))?;
    let body = if draft.method.has_body() {
        check_body(&draft.body).map_err(|e| {
            fix(format!(
                "The body is not valid JSON: {} (line {}, column {}).",
                e.message, e.line, e.column
            ))
        })?
    } else {
        None
    };
    let needs_company = path != "sites" && path != "current_user";
    Ok(ApiRequest {
        verb: match draft.method {
            HttpMethod::Get => Verb::Get,
            HttpMethod::Post => Verb::Post,
            HttpMethod::Put => Verb::Put,
            HttpMethod::Delete => Verb::Delete,
        },
        path,
        query,
        body,
        company: if needs_company {
            company.cloned()
        } else {
            None
        },
        headers,
    })
}

/// Sends a built request and reads whatever came back (error statuses included).
pub async fn send(client: ApiClient, request: ApiRequest) -> Result<Arc<Answered>, UserError> {
    let raw = client
        .execute_any(&request)
        .await
        .map_err(|e| UserError::from(&e))?;
    let answered = tokio::task::spawn_blocking(move || read_answer(raw.meta, &raw.body))
        .await
        .map_err(|e| UserError {
            message: format!("Reading the answer stopped: {e}"),
            advice: "Send the request again.".to_owned(),
        })?;
    Ok(Arc::new(answered))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> ResponseMeta {
        ResponseMeta::ok("u", 0)
    }

    #[test]
    fn json_paths_pick_values() {
        let answer = read_answer(
            meta(),
            &bytes::Bytes::from_static(
                br#"[{"name":"A","contacts":[{"first_name":"Ann"},{"first_name":"Bob"}]},{"name":"B","contacts":[]}]"#,
            ),
        );
        let doc = answer.doc.as_ref().unwrap();
        let texts = |spans: Vec<Span>| {
            spans
                .iter()
                .map(|s| doc.text(*s).into_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(json_path(doc, "$[*].name").unwrap()), ["A", "B"]);
        assert_eq!(
            texts(json_path(doc, "$[0].contacts[*].first_name").unwrap()),
            ["Ann", "Bob"]
        );
        assert_eq!(json_path(doc, "$").unwrap().len(), 1);
        assert!(json_path(doc, "$[5].name").unwrap().is_empty());
        assert!(
            json_path(doc, "name")
                .unwrap_err()
                .contains("starts with $")
        );
        assert!(json_path(doc, "$[x]").unwrap_err().contains("not an index"));
        assert!(json_path(doc, "$[0").unwrap_err().contains("not closed"));
        assert!(json_path(doc, "$..name").unwrap_err().contains("missing"));
    }

    #[test]
    fn searches_find_rows_and_lines_without_case() {
        let answer = read_answer(
            meta(),
            &bytes::Bytes::from_static(br#"[{"id":1,"name":"Acme"},{"id":2,"name":"Zeta"}]"#),
        );
        let found = search_answer(&answer, "ACME");
        assert_eq!(*found.rows, [0]);
        assert_eq!(found.lines.len(), 1);
        assert!(answer.line(found.lines[0]).contains("Acme"));
    }

    #[test]
    fn bodies_are_checked_with_line_and_column() {
        assert_eq!(check_body("  "), Ok(None));
        assert!(check_body("{\"a\": 1}").unwrap().is_some());
        let problem = check_body("{\n  \"name\": \"x\",\n  \"oops\"\n}").unwrap_err();
        assert_eq!((problem.line, problem.column), (4, 1));
        assert_eq!(
            format_body("{\"a\":[1,2]}").unwrap(),
            "{\n  \"a\": [\n    1,\n    2\n  ]\n}"
        );
        assert!(format_body("{").is_none());
    }

    #[test]
    fn tables_sort_numbers_as_numbers_and_text_without_case() {
        let table = TableModel::from_rows(
            vec!["balance".into(), "name".into()],
            &[
                vec!["10".into(), "beta".into()],
                vec!["9.5".into(), "Alpha".into()],
                vec![String::new(), "gamma".into()],
                vec!["-3".into(), "ALPHA".into()],
            ],
        );
        assert_eq!(
            sort_rows(&table, 0, false),
            [3, 1, 0, 2],
            "numbers, empty last"
        );
        assert_eq!(sort_rows(&table, 0, true), [0, 1, 3, 2]);
        assert_eq!(
            sort_rows(&table, 1, false),
            [1, 3, 0, 2],
            "case ignored, stable"
        );
    }

    #[test]
    fn arrays_of_records_become_tables() {
        let answer = read_answer(
            meta(),
            &bytes::Bytes::from_static(
                br#"[{"id":1,"name":"A","contacts":[1,2]},{"id":2,"extra":true}]"#,
            ),
        );
        let table = answer.table.unwrap();
        assert_eq!(table.columns, ["id", "name", "contacts", "extra"]);
        assert_eq!(table.row(0), ["1", "A", "[2 items]", ""]);
        assert_eq!(table.cell(1, 3), "true");
        let wrapped = read_answer(
            meta(),
            &bytes::Bytes::from_static(br#"{"value":[{"id":7}]}"#),
        );
        assert_eq!(wrapped.table.unwrap().row(0), ["7"]);
        let html = read_answer(meta(), &bytes::Bytes::from_static(b"<html>oops</html>"));
        assert!(html.doc.is_none() && html.not_json.as_ref().unwrap().contains("not JSON"));
        assert_eq!(html.line(0), "<html>oops</html>");
    }
}
