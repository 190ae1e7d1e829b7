//! Background calls more than one screen makes: a page read into an answer, every page of a
//! list read into one answer, and an answer written to a file. They run on the tokio
//! runtime (reading on its blocking pool), never in a frame.

use std::sync::Arc;

use crate::api::{ApiClient, ApiRequest};
use crate::document::{Answered, FlatTable, Join, PagePieces, read_answer_with};
use crate::screens::shared::UserError;

/// [`Join`] on two threads: the second piece of work on a scoped thread of its own while
/// the caller's does the first. A panic in either is the caller's, as if run in turn.
#[derive(Debug, Clone, Copy, Default)]
pub struct OnThreads;

impl Join for OnThreads {
    fn join<A: Send, B: Send>(
        &self,
        a: impl FnOnce() -> A + Send,
        b: impl FnOnce() -> B + Send,
    ) -> (A, B) {
        std::thread::scope(|scope| {
            let other = scope.spawn(b);
            let first = a();
            let second = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (first, second)
        })
    }
}

/// Writes an answer to `path` in the format its extension asks for (raw JSON when it has
/// none): through a temporary file, so a failure leaves no half-written file. CSV and Excel
/// get the records with nested values spread into columns ([`FlatTable`]). `Ok` carries a
/// remark for the user about what the file holds (records that had a field twice), if any.
pub fn write_answer(
    answer: &Answered,
    path: &std::path::Path,
    format: Option<crate::export::ExportFormat>,
) -> Result<Option<String>, UserError> {
    use crate::export::{CellNote, ExportFormat, csv_bytes, save_atomically, xlsx_bytes};
    let format = format
        .or_else(|| ExportFormat::from_path(path))
        .unwrap_or(ExportFormat::RawJson);
    let failed = |message: String| UserError {
        message,
        advice: "Choose another file name or folder, then save again.".to_owned(),
    };
    let mut remark = None;
    let bytes = match format {
        ExportFormat::RawJson => {
            if let Some(received) = &answer.received {
                received.to_vec()
            } else {
                let mut bytes = Vec::new();
                answer
                    .write_raw(&mut bytes)
                    .map_err(|e| failed(e.to_string()))?;
                bytes
            }
        }
        ExportFormat::PrettyJson => {
            let mut text = String::with_capacity(answer.raw().len() * 3 / 2);
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
            let flat = FlatTable::new(table);
            remark = repeated_fields_remark(&flat.duplicates);
            let rows = (0..flat.len()).map(|r| flat.row(r));
            if format == ExportFormat::Csv {
                let codes = crate::export::columns_with_zero_led_codes(
                    &flat.columns,
                    (0..flat.len()).map(|r| flat.row(r)),
                );
                if let Some(first) = codes.first() {
                    let said = format!(
                        "Column \"{first}\" has codes with leading zeros: a spreadsheet that opens this CSV reads them as numbers and drops the zeros (Excel and LibreOffice both do). Save as Excel (.xlsx) to keep them as text."
                    );
                    remark = Some(remark.map_or(said.clone(), |r| format!("{r} {said}")));
                }
                csv_bytes(&flat.columns, rows)
            } else {
                let notes: Vec<CellNote> = flat
                    .duplicates
                    .iter()
                    .filter_map(|(row, name)| {
                        Some(CellNote {
                            row: *row,
                            column: flat.columns.iter().position(|c| c == name)?,
                            text: format!("This record has \"{name}\" more than once: this is the last value, as most JSON readers take it."),
                        })
                    })
                    .collect();
                xlsx_bytes(&flat.columns, rows, &notes)
            }
            .map_err(|e| failed(e.to_string()))?
        }
    };
    save_atomically(path, &bytes).map_err(|e| failed(e.to_string()))?;
    Ok(remark)
}

/// A file written for the user: where, and what to tell them about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file.
    pub path: std::path::PathBuf,
    /// A remark from the writer (e.g. records that had a field twice).
    pub remark: Option<String>,
}

impl Written {
    /// The status line: `"Saved to /path"` (with `done` = "Saved"), then the remark.
    #[must_use]
    pub fn notice(&self, done: &str) -> String {
        match &self.remark {
            Some(remark) => format!("{done} to {}. {remark}", self.path.display()),
            None => format!("{done} to {}", self.path.display()),
        }
    }
}

/// What to tell the user when records had a field more than once: how many, the first, and
/// which value was kept (the last, as `serde_json` and JavaScript read JSON).
fn repeated_fields_remark(duplicates: &[(usize, String)]) -> Option<String> {
    let (row, name) = duplicates.first()?;
    let records = {
        let mut rows: Vec<usize> = duplicates.iter().map(|(r, _)| *r).collect();
        rows.dedup();
        rows.len()
    };
    let which = if records == 1 {
        format!("Record {} has \"{name}\" more than once", row + 1)
    } else {
        format!(
            "{records} records have a field more than once (the first: record {}, \"{name}\")",
            row + 1
        )
    };
    Some(format!(
        "{which}: the file holds the last value of each, as most JSON readers take it."
    ))
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
    let options_page_size = options.page_size;
    // Each page is read on a blocking thread as it arrives, while the next ones download.
    let pages = crate::api::fetch_all_mapped(&client, &request, &options, progress, |page| {
        let size = page.body.len();
        (page.meta, size, PagePieces::read(&page.body))
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
        // A server that sent smaller pages than asked for is said, not hidden.
        if let Some(first) = pieces.first().map(PagePieces::len)
            && count > 1
            && first < options_page_size
        {
            use std::fmt::Write as _;
            let _ = write!(meta.reason, " (the server sends at most {first} a page)");
        }
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

/// Where an export goes: `path` when the caller has one (tests, scripts), else the file
/// the user picks in the system's save dialog (named `suggested`, filtered to `format`);
/// `None` when the user closes the dialog.
pub async fn save_path(
    path: Option<std::path::PathBuf>,
    title: &str,
    suggested: &str,
    format: crate::model::ExportFormat,
) -> Option<std::path::PathBuf> {
    if path.is_some() {
        return path;
    }
    rfd::AsyncFileDialog::new()
        .set_title(title)
        .set_file_name(suggested)
        .add_filter(format.label(), &[format.extension()])
        .save_file()
        .await
        .map(|picked| picked.path().to_path_buf())
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
    tokio::task::spawn_blocking(move || Arc::new(read_answer_with(raw.meta, &raw.body, &OnThreads)))
        .await
        .map_err(|e| UserError {
            message: format!("Reading the page stopped: {e}"),
            advice: "Try again.".to_owned(),
        })
}

/// How many ids one look-up asks for (`id eq 1 or id eq 2 …`: Sage has no `in`).
pub const LINK_BATCH: usize = 40;

/// Looks up how records `ids` of the list `resource` read (their code and name), for
/// showing them in place of ids: one `GET resource?$filter=key eq … or …` per batch of
/// [`LINK_BATCH`]. Ids the server does not return come back as `None` (no such record).
///
/// # Errors
/// When a look-up fails: the ids then stay unnamed (shown as numbers).
pub async fn link_names(
    client: ApiClient,
    company: Option<crate::api::CompanyScope>,
    resource: String,
    key: String,
    ids: Vec<i64>,
) -> Result<Vec<(i64, Option<String>)>, UserError> {
    let mut found = Vec::with_capacity(ids.len());
    for batch in ids.chunks(LINK_BATCH) {
        let filter = batch
            .iter()
            .map(|id| format!("{key} eq {id}"))
            .collect::<Vec<_>>()
            .join(" or ");
        let request = ApiRequest::get(&resource)
            .for_company(company.as_ref())
            .param("$filter", filter)
            .param("$top", batch.len().to_string());
        let answer = client
            .execute(&request)
            .await
            .map_err(|e| UserError::from(&e))?;
        let records: Vec<serde_json::Value> =
            crate::api::decode_list(&answer.body).map_err(|e| UserError::from(&e))?;
        for id in batch {
            let record = records
                .iter()
                .find(|r| r.get(&key).and_then(serde_json::Value::as_i64) == Some(*id));
            found.push((*id, record.and_then(crate::model::record_label)));
        }
    }
    Ok(found)
}
