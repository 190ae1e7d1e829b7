//! The records list that the Browse and Customers screens both show: a page of any list
//! resource with its sort, quick search, filter and chosen columns; the record count; the
//! selected record in full; "Fetch all" with progress; exports of the page or of every
//! matching record. A part of two screens, not a screen of its own: each owns a [`List`].

mod state;
mod update;
pub mod view;

pub use state::{BrowseQuery, ColumnChoices, ListState, ListView, customers_query};
pub use update::List;

use std::path::PathBuf;

use crate::model::ExportFormat;

/// What a records list is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Show a page of a list resource.
    Load(Box<BrowseQuery>),
    /// Open a row in the detail pane (`None` closes it).
    Select(Option<usize>),
    /// Fetch every record matching the query into the table.
    FetchAll,
    /// Stop fetching every record.
    CancelFetchAll,
    /// Export the records: those shown, or every matching one.
    Export {
        /// Every matching record (fetched first), not only those shown.
        everything: bool,
        /// The file, or `None` to ask the user.
        path: Option<PathBuf>,
        /// CSV or Excel.
        format: ExportFormat,
    },
}
