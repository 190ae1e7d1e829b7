//! The history of sent requests: what was sent and how it answered. Never a token: drafts
//! cannot carry `Authorization`, and URLs never hold one.

use serde::{Deserialize, Serialize};

use super::request::RequestDraft;

/// How many requests the history keeps; older ones are dropped.
pub const HISTORY_LIMIT: usize = 500;

/// One sent request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When it was sent, in Unix seconds.
    pub sent_at: u64,
    /// The request as composed.
    pub draft: RequestDraft,
    /// The full URL.
    pub url: String,
    /// The answer's status (0 when none came).
    pub status: u16,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
    /// The answer's size in bytes.
    pub size: usize,
}

impl HistoryEntry {
    /// Whether the entry matches a search (method, path, URL or status), ignoring case.
    #[must_use]
    pub fn matches(&self, search: &str) -> bool {
        let search = search.trim().to_lowercase();
        search.is_empty()
            || self.draft.title().to_lowercase().contains(&search)
            || self.url.to_lowercase().contains(&search)
            || self.status.to_string() == search
    }
}

/// Adds `entry` as the newest and drops the oldest beyond [`HISTORY_LIMIT`].
pub fn remember(history: &mut Vec<HistoryEntry>, entry: HistoryEntry) {
    history.insert(0, entry);
    history.truncate(HISTORY_LIMIT);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, status: u16) -> HistoryEntry {
        HistoryEntry {
            sent_at: 1,
            draft: RequestDraft {
                path: path.to_owned(),
                ..RequestDraft::default()
            },
            url: format!("https://x/{path}"),
            status,
            elapsed_ms: 5,
            size: 10,
        }
    }

    #[test]
    fn history_is_capped_newest_first_and_searchable() {
        let mut history = Vec::new();
        for n in 0..(HISTORY_LIMIT + 10) {
            remember(&mut history, entry(&format!("customers/{n}"), 200));
        }
        assert_eq!(history.len(), HISTORY_LIMIT);
        assert_eq!(
            history[0].draft.path,
            format!("customers/{}", HISTORY_LIMIT + 9)
        );
        let e = entry("suppliers", 404);
        assert!(
            e.matches("SUPP") && e.matches("404") && e.matches("get") && !e.matches("customers")
        );
    }
}
