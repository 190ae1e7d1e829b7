//! Writers that turn answers and tables into files: raw or pretty JSON, CSV and Excel
//! (`.xlsx`). Files are written to a temporary file beside the target and renamed, so a
//! failure never leaves half a file. No egui, no network.

use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

pub use crate::model::ExportFormat;

/// Why a file could not be written.
#[derive(Debug, Error)]
pub enum ExportError {
    /// The file system refused.
    #[error("could not write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The workbook could not be built.
    #[error("could not build the workbook: {0}")]
    Workbook(String),
    /// The CSV could not be built.
    #[error("could not build the CSV: {0}")]
    Csv(String),
}

/// Writes `bytes` to `path` through a temporary file in the same folder, then renames it.
pub fn save_atomically(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let io = |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{file_name}.{}.part", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(io)
}

/// Cells a spreadsheet would run as a formula get a leading `'` (CSV injection guard,
/// OWASP's rule: a cell starting with `=`, `+`, `-`, `@`, tab or carriage return). A plain
/// negative number (`-1234.50`) is the one exception, so it stays a number.
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = match cell.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => true,
        Some('-') => !is_plain_number(&cell[1..]),
        _ => false,
    };
    if risky {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// `1234`, `1234.50` or `.5`: digits with at most one point, nothing else.
fn is_plain_number(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && text.bytes().filter(|b| *b == b'.').count() <= 1
}

/// A table as CSV: a header row, then one row per record.
pub fn csv_bytes<R, S>(
    columns: &[String],
    rows: impl Iterator<Item = R>,
) -> Result<Vec<u8>, ExportError>
where
    R: AsRef<[S]>,
    S: AsRef<str>,
{
    // A byte-order mark makes Excel read the file as UTF-8 (names like "Zoë Café").
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer
        .write_record(columns.iter().map(|c| defuse(c).into_owned()))
        .map_err(|e| ExportError::Csv(e.to_string()))?;
    for row in rows {
        writer
            .write_record(row.as_ref().iter().map(|c| defuse(c.as_ref()).into_owned()))
            .map_err(|e| ExportError::Csv(e.to_string()))?;
    }
    writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.to_string()))
}

/// Cells as tab-separated text that pastes into Excel or `LibreOffice` Calc as cells (what
/// Excel itself puts on the clipboard): one line per row, cells quoted only when they hold
/// a tab, a line break or a quote (RFC 4180's rule, with tabs), formula starts defused as
/// in CSV, `true`/`false` as `TRUE`/`FALSE`, and Sage's date-times (`2026-11-30T00:00:00`)
/// as `2026-11-30` or `2026-11-30 14:05:09`, which both programs read as dates in any
/// locale. `columns`, when given, is the first line.
pub fn tsv_text<R, S>(
    columns: Option<&[String]>,
    rows: impl Iterator<Item = R>,
) -> Result<String, ExportError>
where
    R: AsRef<[S]>,
    S: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let fail = |e: csv::Error| ExportError::Csv(e.to_string());
    if let Some(columns) = columns {
        writer
            .write_record(columns.iter().map(|c| defuse(c).into_owned()))
            .map_err(fail)?;
    }
    for row in rows {
        writer
            .write_record(row.as_ref().iter().map(|c| tsv_cell(c.as_ref())))
            .map_err(fail)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ExportError::Csv(e.to_string()))
}

/// One cell as [`tsv_text`] writes it.
fn tsv_cell(cell: &str) -> String {
    match cell {
        "true" => return "TRUE".to_owned(),
        "false" => return "FALSE".to_owned(),
        _ => {}
    }
    let b = cell.as_bytes();
    // `YYYY-MM-DDTHH:MM:SS`, all ASCII, so the slices below fall on characters.
    let dated = b.len() >= 19
        && b[..19].iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        });
    if dated {
        let (day, time) = (&cell[..10], &cell[11..19]);
        let rest = cell[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
        // Only plain or UTC stamps: an offset would need converting, so it stays as text.
        if matches!(rest, "" | "Z" | "+00:00") {
            return if time == "00:00:00" {
                day.to_owned()
            } else {
                format!("{day} {time}")
            };
        }
    }
    defuse(cell).into_owned()
}

/// Whether a cell should be a number in Excel: plain decimals, but not codes with leading
/// zeros (`00123`) and not numbers too long to keep exactly.
fn as_number(cell: &str) -> Option<f64> {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let leading_zero = digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.");
    let plain = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1;
    if !plain || leading_zero || digits.len() > 15 {
        return None;
    }
    cell.parse().ok()
}

/// The columns holding a code made of digits with a leading zero (`00012`, `07700900123`):
/// a spreadsheet opening a CSV reads such a cell as a number and drops the zeros, so the
/// user is told to save as Excel instead (the workbook keeps them as text).
pub fn columns_with_zero_led_codes<R, S>(
    columns: &[String],
    rows: impl Iterator<Item = R>,
) -> Vec<String>
where
    R: AsRef<[S]>,
    S: AsRef<str>,
{
    let mut found = vec![false; columns.len()];
    for row in rows {
        for (flag, cell) in found.iter_mut().zip(row.as_ref()) {
            let cell = cell.as_ref();
            *flag |=
                cell.len() > 1 && cell.starts_with('0') && cell.bytes().all(|b| b.is_ascii_digit());
        }
    }
    columns
        .iter()
        .zip(found)
        .filter(|(_, found)| *found)
        .map(|(name, _)| name.clone())
        .collect()
}

/// Excel's most characters in one cell.
pub const XLSX_CELL_LIMIT: usize = 32_767;
/// Excel's most rows in one sheet (the header takes one).
pub const XLSX_ROW_LIMIT: usize = 1_048_576;

/// A note on one cell of an exported sheet, shown when the cell is pointed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellNote {
    /// The record, from 0 (the sheet row below the header).
    pub row: usize,
    /// The column, from 0.
    pub column: usize,
    /// What the note says.
    pub text: String,
}

/// A date (`2025-03-31`) or a UTC date-time (`2025-03-31T14:05:09.123Z`) as Excel takes it,
/// with whether it has a time.
fn as_date(cell: &str) -> Option<(rust_xlsxwriter::ExcelDateTime, bool)> {
    use chrono::{Datelike, Timelike};
    use rust_xlsxwriter::ExcelDateTime;
    let day = |d: chrono::NaiveDate| {
        ExcelDateTime::from_ymd(
            u16::try_from(d.year()).ok()?,
            u8::try_from(d.month()).ok()?,
            u8::try_from(d.day()).ok()?,
        )
        .ok()
    };
    if cell.len() == 10 {
        let date = chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d").ok()?;
        return Some((day(date)?, false));
    }
    let stamp = chrono::DateTime::parse_from_rfc3339(cell).ok()?.naive_utc();
    let time = stamp.time();
    let at = day(stamp.date())?
        .and_hms_milli(
            u16::try_from(time.hour()).ok()?,
            u8::try_from(time.minute()).ok()?,
            u8::try_from(time.second()).ok()?,
            u16::try_from(time.nanosecond() / 1_000_000).ok()?.min(999),
        )
        .ok()?;
    Some((at, true))
}

/// A table as an Excel workbook people can work with at once: a bold, frozen header row
/// with an autofilter, columns sized to their content, numbers as numbers (money with two
/// places), dates and date-times as Excel dates (date-time columns say `(UTC)` in their
/// header), codes with leading zeros as text. A cell longer than Excel takes is cut with a
/// marker saying so; more rows than a sheet holds is refused before anything is written.
/// `notes` are attached to their cells (e.g. why a cell holds the last of two values).
pub fn xlsx_bytes<R, S>(
    columns: &[String],
    rows: impl Iterator<Item = R>,
    notes: &[CellNote],
) -> Result<Vec<u8>, ExportError>
where
    R: AsRef<[S]>,
    S: AsRef<str>,
{
    use rust_xlsxwriter::{Format, Workbook};
    let workbook_error = |e: rust_xlsxwriter::XlsxError| ExportError::Workbook(e.to_string());
    let column_number = |column: usize| {
        u16::try_from(column).map_err(|_| ExportError::Workbook("too many columns".into()))
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Records").map_err(workbook_error)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let date_time = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let mut timed = vec![false; columns.len()];
    let mut last_line = 0;
    for (index, row) in rows.enumerate() {
        if index + 1 >= XLSX_ROW_LIMIT {
            return Err(ExportError::Workbook(format!(
                "More than {} records: an Excel sheet holds at most that many rows. Export as CSV, or narrow the filter.",
                XLSX_ROW_LIMIT - 1
            )));
        }
        let line =
            u32::try_from(index + 1).map_err(|_| ExportError::Workbook("too many rows".into()))?;
        last_line = line;
        for (column, cell) in row.as_ref().iter().enumerate() {
            let cell = cell.as_ref();
            let number = column_number(column)?;
            if cell.is_empty() {
                continue;
            }
            if let Some(value) = as_number(cell) {
                let decimals = cell.split_once('.').map_or(0, |(_, d)| d.len());
                if (1..=2).contains(&decimals) {
                    sheet.write_number_with_format(line, number, value, &money)
                } else {
                    sheet.write_number(line, number, value)
                }
                .map_err(workbook_error)?;
            } else if let Some((at, with_time)) = as_date(cell) {
                if let Some(flag) = timed.get_mut(column) {
                    *flag |= with_time;
                }
                let format = if with_time { &date_time } else { &date };
                sheet
                    .write_datetime_with_format(line, number, at, format)
                    .map_err(workbook_error)?;
            } else if cell.chars().count() > XLSX_CELL_LIMIT {
                let total = cell.chars().count();
                let marker = format!(
                    " … [cut: {} more characters; the full text is in the JSON export]",
                    total - (XLSX_CELL_LIMIT - 100)
                );
                let kept: String = cell.chars().take(XLSX_CELL_LIMIT - 100).collect();
                sheet
                    .write_string(line, number, format!("{kept}{marker}"))
                    .map_err(workbook_error)?;
            } else {
                sheet
                    .write_string(line, number, cell)
                    .map_err(workbook_error)?;
            }
        }
    }
    for (column, name) in columns.iter().enumerate() {
        let header = if timed.get(column).copied().unwrap_or(false) {
            format!("{name} (UTC)")
        } else {
            name.clone()
        };
        sheet
            .write_string_with_format(0, column_number(column)?, header, &bold)
            .map_err(workbook_error)?;
    }
    for note in notes {
        let line = u32::try_from(note.row + 1)
            .map_err(|_| ExportError::Workbook("too many rows".into()))?;
        let comment = rust_xlsxwriter::Note::new(&note.text).set_author("sage200-desk");
        sheet
            .insert_note(line, column_number(note.column)?, &comment)
            .map_err(workbook_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(workbook_error)?;
    if let Some(last_column) = columns.len().checked_sub(1) {
        sheet
            .autofilter(0, 0, last_line, column_number(last_column)?)
            .map_err(workbook_error)?;
    }
    sheet.autofit();
    workbook.save_to_buffer().map_err(workbook_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> (Vec<String>, Vec<Vec<String>>) {
        let columns = vec![
            "reference".to_owned(),
            "name".to_owned(),
            "balance".to_owned(),
        ];
        let rows = vec![
            vec![
                "00012".to_owned(),
                "O'Brien & Sons, \"Ltd\"".to_owned(),
                "1234.50".to_owned(),
            ],
            vec![
                "ZOE01".to_owned(),
                "Zoë Café\nNorth".to_owned(),
                "-7".to_owned(),
            ],
            vec![
                "EVIL".to_owned(),
                "=HYPERLINK(\"x\")".to_owned(),
                String::new(),
            ],
        ];
        (columns, rows)
    }

    #[test]
    fn csv_reads_back_with_every_value_intact() {
        let (columns, rows) = table();
        let bytes = csv_bytes(&columns, rows.iter().map(Vec::as_slice)).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        assert_eq!(
            reader.headers().unwrap(),
            vec!["reference", "name", "balance"]
        );
        let back: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(back[0], rows[0]);
        assert_eq!(back[1], rows[1]);
        assert_eq!(back[2][1], "'=HYPERLINK(\"x\")", "formulas are defused");
    }

    #[test]
    fn every_formula_start_is_defused_but_plain_negative_numbers_stay() {
        for risky in [
            "-2+3+cmd|' /C calc'!A0",
            "=1+1",
            "+44 20 7946 0000",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "-A1",
            "-",
            "-1e5",
            "-1.2.3",
        ] {
            assert_eq!(defuse(risky), format!("'{risky}"), "{risky:?}");
        }
        for plain in ["-1234.50", "-7", "-.5", "1234", "name", ""] {
            assert_eq!(defuse(plain), plain, "{plain:?}");
        }
    }

    #[test]
    fn numbers_are_recognised_carefully() {
        assert_eq!(as_number("1234.50"), Some(1234.5));
        assert_eq!(as_number("-7"), Some(-7.0));
        assert_eq!(as_number("0.25"), Some(0.25));
        assert_eq!(as_number("00012"), None, "codes keep their zeros");
        assert_eq!(
            as_number("12345678901234567890"),
            None,
            "too long to keep exactly"
        );
        assert_eq!(as_number("1.2.3"), None);
        assert_eq!(as_number("GB123"), None);
    }

    #[test]
    fn tab_separated_text_keeps_cells_whole_and_reads_as_values() {
        let columns = ["name".to_owned(), "balance".to_owned(), "when".to_owned()];
        let rows = [
            ["Tab\there", "-12.50", "2026-11-30T00:00:00"],
            ["=HYPERLINK(1)", "true", "2026-11-30T14:05:09.123Z"],
            ["Line\nbreak \"q\"", "false", "2026-11-30T14:05:09+01:00"],
        ];
        let text = tsv_text(Some(&columns), rows.iter()).unwrap();
        assert_eq!(
            text,
            "name\tbalance\twhen\n\"Tab\there\"\t-12.50\t2026-11-30\n\
             '=HYPERLINK(1)\tTRUE\t2026-11-30 14:05:09\n\
             \"Line\nbreak \"\"q\"\"\"\tFALSE\t2026-11-30T14:05:09+01:00\n"
        );
        assert_eq!(
            tsv_text::<[&str; 0], &str>(None, std::iter::empty()).unwrap(),
            ""
        );
        // Looks like a date-time up to the T, then is not one: kept as it is, whole.
        let odd = [["2026-11-30Tééé€ later"], ["2026-11-30T12:00"]];
        assert_eq!(
            tsv_text(None, odd.iter()).unwrap(),
            "2026-11-30Tééé€ later\n2026-11-30T12:00\n"
        );
    }

    #[test]
    fn files_are_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answer.json");
        save_atomically(&path, b"first").unwrap();
        save_atomically(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
        let missing = dir.path().join("no-such-folder/answer.json");
        assert!(save_atomically(&missing, b"x").is_err());
        assert_eq!(
            ExportFormat::from_path(Path::new("a.XLSX")),
            Some(ExportFormat::Xlsx)
        );
        assert_eq!(ExportFormat::from_path(Path::new("a.txt")), None);
    }
}
