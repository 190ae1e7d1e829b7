//! Drawing shared by the screens, egui only: the theme, the keyboard-shortcut table, the
//! filter builder, the spreadsheet-like grid, the record detail, the JSON highlighter, the empty-screen placeholder
//! and the file-locations list. Like every view, nothing here does I/O (no reqwest, tokio,
//! file access or `await`).

pub mod file_locations;
pub mod filter_builder;
pub mod grid;
pub mod json_highlight;
pub mod placeholder;
pub mod record_view;
pub mod shortcuts;
pub mod theme;
pub mod variable_highlight;

/// Sage's getting-started page: developer registration, subscription keys, client ids.
pub const SAGE_CREDENTIALS_URL: &str = "https://developer.sage.com/200/api/get-started/";
/// Sage's developer pages for Sage 200 (guides and the API reference).
pub const SAGE_DEVELOPER_URL: &str = "https://developer.sage.com/200/";
