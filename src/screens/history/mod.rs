//! History: every request sent, newest first, searchable, and re-openable in a new tab.
//! Kept in `<data dir>/history.json`, written atomically off the UI thread.

mod update;
pub mod view;

pub use update::History;

use crate::model::HistoryEntry;

/// What the History screen is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Open an entry (its index, newest first) in a new request tab.
    Open(usize),
    /// Remember a request just answered (sent by the request builder).
    Record(Box<HistoryEntry>),
}

/// What the History screen shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// Requests sent, newest first.
    pub entries: Vec<HistoryEntry>,
}
