//! The Browse screen's work: all of it is its records list's.

use crate::app::Services;
use crate::screens::records::{self, BrowseQuery, ColumnChoices, ListState, ListView};

use super::Command;

/// The Browse screen.
pub struct Browse {
    list: records::List,
}

impl Default for Browse {
    fn default() -> Self {
        Self::new(None, ColumnChoices::new())
    }
}

impl Browse {
    /// The screen showing `resource` (customers when `None`), with the columns last chosen
    /// for each resource.
    #[must_use]
    pub fn new(resource: Option<String>, remembered: ColumnChoices) -> Self {
        let mut query = BrowseQuery::default();
        if let Some(resource) = resource.filter(|r| !r.trim().is_empty()) {
            query.resource = resource;
        }
        Self {
            list: records::List::new(ListView::Browse, query, remembered),
        }
    }

    /// What the view draws.
    #[must_use]
    pub fn state(&self) -> &ListState {
        self.list.state()
    }

    /// Handles one of the screen's commands.
    pub fn handle(&mut self, cx: &mut Services, command: Command) {
        self.list.handle(cx, command);
    }

    /// Takes finished work; loads the list when the screen is shown for a new company.
    pub fn poll(&mut self, cx: &mut Services) {
        self.list.poll(cx);
    }
}
