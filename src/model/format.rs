//! The file formats an answer or a table can be saved as (plain data; the writers live in
//! `export`).

use std::path::Path;

/// What a file can be saved as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The answer's bytes as received.
    RawJson,
    /// The answer pretty-printed.
    PrettyJson,
    /// The table as comma-separated values (UTF-8 with a byte-order mark, for Excel).
    Csv,
    /// The table as an Excel workbook.
    Xlsx,
}

impl ExportFormat {
    /// The formats a save dialog offers, in order (raw JSON is written for unknown extensions).
    pub const ALL: [Self; 3] = [Self::Xlsx, Self::Csv, Self::PrettyJson];

    /// The format a file name asks for (`.json` means pretty JSON).
    #[must_use]
    pub fn from_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Self::PrettyJson),
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }

    /// The file extension.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::RawJson | Self::PrettyJson => "json",
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// A name for people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::RawJson => "JSON as received",
            Self::PrettyJson => "JSON, formatted",
            Self::Csv => "CSV (table)",
            Self::Xlsx => "Excel workbook (table)",
        }
    }

    /// Whether the format needs a table (an array of records).
    #[must_use]
    pub fn needs_table(self) -> bool {
        matches!(self, Self::Csv | Self::Xlsx)
    }
}
