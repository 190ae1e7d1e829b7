//! The request builder's state: its tabs, each with a draft and what came back.

use std::sync::Arc;

use crate::document::{Answered, Found, TableSort};
use crate::model::{Collection, RequestDraft};
use crate::screens::shared::UserError;

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
    /// What a pasted curl command left out or changes, shown above the request.
    pub notes: Vec<String>,
    /// Columns of the answer table the user hid, by name (kept across restarts).
    pub hidden_columns: Vec<String>,
    /// Where the request is kept in the open collection, when it is.
    pub saved_as: Option<SavedAs>,
}

impl RequestTab {
    /// Whether the tab's request differs from what its collection file holds.
    #[must_use]
    pub fn unsaved(&self) -> bool {
        self.saved_as
            .as_ref()
            .is_some_and(|s| s.saved != self.draft)
    }
}

/// A tab's place in the open collection: the request's index at each level of the tree
/// (folders, then the request), and the request as last saved there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SavedAs {
    /// Indexes into the collection's items, folder by folder.
    pub at: Vec<usize>,
    /// The draft as last saved (or opened).
    pub saved: RequestDraft,
}

/// What survives a restart of the open collection: its folder, and each tab's place in it
/// (by tab position).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CollectionPlaces {
    /// The collection's folder, when one was open.
    pub dir: Option<std::path::PathBuf>,
    /// Each tab's place in it.
    pub tabs: Vec<Option<SavedAs>>,
}

/// The collection open beside the tabs: its folder and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCollection {
    /// The collection's folder.
    pub dir: std::path::PathBuf,
    /// Its folders and requests.
    pub collection: Collection,
}

/// The request builder as the view draws it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    /// The tabs, in order.
    pub tabs: Vec<RequestTab>,
    /// The id of the open tab.
    pub active_tab: u64,
    /// Why the last pasted curl command could not be read (shown in the paste box).
    pub paste_problem: Option<String>,
    /// How many pasted commands became tabs (the paste box closes when this changes).
    pub pasted: u64,
    /// The collection open beside the tabs.
    pub collection: Option<OpenCollection>,
    /// Whether a collection is being read or written.
    pub collection_busy: bool,
}
