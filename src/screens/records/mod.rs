//! The records list that the Browse and Customers screens both show: a page of any list
//! resource with its sort, quick search, filter and chosen columns; the record count; the
//! selected record in full; "Fetch all" with progress; exports of the page or of every
//! matching record. A part of two screens, not a screen of its own: each owns a [`List`].

mod arrange;
mod drill;
pub mod grid_view;
mod saved;
pub mod saved_view;
mod state;
pub mod totals_view;
pub mod trail_view;
mod update;
pub mod view;

pub use state::{
    BrowseQuery, ColumnChoices, ListState, ListView, Place, Totals, Trail, customers_query,
};
pub use update::List;

use std::path::PathBuf;

use crate::document::CellRange;
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
    /// Follow a link to one record: the list `resource` narrowed to its key `id`, the
    /// record opened (on the Browse screen; the Customers screen hands it there).
    OpenRecord {
        /// The list path, e.g. `currencies`.
        resource: String,
        /// The record's key value.
        id: i64,
    },
    /// Drill down to a list related to the record shown: `path` (perhaps nested, like
    /// `customers/5/sales_posted_transactions`), narrowed by `field eq id` when given.
    Drill {
        /// The list path.
        path: String,
        /// A condition narrowing it: (field, value).
        filter: Option<(String, i64)>,
        /// The breadcrumb's words for it.
        title: String,
    },
    /// A link followed on another screen: a new trail from `from` (the record shown there)
    /// to the place it leads to.
    Visit(Box<Place>, Box<Place>),
    /// Back to the place before in the drill-down trail.
    Back,
    /// Forward again.
    Forward,
    /// To place N of the trail (a breadcrumb clicked).
    GoTo(usize),
    /// Select cells of the table (rows as shown); `None` clears the selection.
    SelectCells(Option<CellRange>),
    /// Copy the cells as tab-separated text to the clipboard (with the column names first
    /// when every cell is selected).
    CopyCells(CellRange),
    /// Group the rows by a column, with subtotals (`None`: no groups).
    GroupBy(Option<String>),
    /// Sort the rows here (every record is loaded): column, descending.
    SortShown(String, bool),
    /// Save the list as it is now (columns, search, filter, sort, groups) as a view with
    /// this name, replacing one of the same name.
    SaveView(String),
    /// Show the saved view of this name.
    OpenView(String),
    /// Forget the saved view of this name.
    DeleteView(String),
    /// Look up how these records read ((list path, id) pairs shown as links and not
    /// known yet), so their names replace their ids.
    NameLinks(Vec<(String, i64)>),
}
