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

/// The name offered in the save dialog: the company, the resource and the date, as people
/// file exports (`Demo Trading - customers - 2026-11-30.xlsx`). Characters no file system
/// takes (`/ \\ : * ? " < > |` and control characters) become `-`; without a company the
/// name starts with the resource.
#[must_use]
pub fn suggested_file_name(
    company: Option<&str>,
    resource: &str,
    date: chrono::NaiveDate,
    format: ExportFormat,
) -> String {
    let clean = |text: &str| -> String {
        text.chars()
            .map(|c| {
                if c.is_control() || "/\\:*?\"<>|".contains(c) {
                    '-'
                } else {
                    c
                }
            })
            .collect::<String>()
            .trim()
            .trim_matches('.')
            .to_owned()
    };
    let resource = clean(resource.trim_matches('/'));
    let resource = if resource.is_empty() {
        "answer".to_owned()
    } else {
        resource
    };
    let stem = match company.map(clean).filter(|c| !c.is_empty()) {
        Some(company) => format!("{company} - {resource} - {date}"),
        None => format!("{resource} - {date}"),
    };
    format!("{stem}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_company_resource_and_date() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(
            suggested_file_name(Some("Demo Trading"), "customers", day, ExportFormat::Xlsx),
            "Demo Trading - customers - 2026-11-30.xlsx"
        );
        assert_eq!(
            suggested_file_name(Some("A/B: \"Ltd\""), "sop_orders", day, ExportFormat::Csv),
            "A-B- -Ltd- - sop_orders - 2026-11-30.csv"
        );
        assert_eq!(
            suggested_file_name(None, "", day, ExportFormat::PrettyJson),
            format!(
                "answer - 2026-11-30.{}",
                ExportFormat::PrettyJson.extension()
            )
        );
    }
}
