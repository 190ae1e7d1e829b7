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

/// A table as an Excel workbook: a bold header row, numbers as numbers, text as text.
pub fn xlsx_bytes<R, S>(
    columns: &[String],
    rows: impl Iterator<Item = R>,
) -> Result<Vec<u8>, ExportError>
where
    R: AsRef<[S]>,
    S: AsRef<str>,
{
    use rust_xlsxwriter::{Format, Workbook};
    let workbook_error = |e: rust_xlsxwriter::XlsxError| ExportError::Workbook(e.to_string());
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Records").map_err(workbook_error)?;
    let bold = Format::new().set_bold();
    for (column, name) in columns.iter().enumerate() {
        let column =
            u16::try_from(column).map_err(|_| ExportError::Workbook("too many columns".into()))?;
        sheet
            .write_string_with_format(0, column, name, &bold)
            .map_err(workbook_error)?;
    }
    for (index, row) in rows.enumerate() {
        let line =
            u32::try_from(index + 1).map_err(|_| ExportError::Workbook("too many rows".into()))?;
        for (column, cell) in row.as_ref().iter().enumerate() {
            let cell = cell.as_ref();
            let column = u16::try_from(column)
                .map_err(|_| ExportError::Workbook("too many columns".into()))?;
            if cell.is_empty() {
                continue;
            }
            match as_number(cell) {
                Some(number) => sheet
                    .write_number(line, column, number)
                    .map_err(workbook_error)?,
                None => sheet
                    .write_string(line, column, cell)
                    .map_err(workbook_error)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(workbook_error)?;
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
