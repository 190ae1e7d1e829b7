//! The Browse screen's work: all of it is its records list's.

use crate::app::Services;
use crate::screens::records::{self, BrowseQuery, ListState, ListView};

use super::Command;

/// The Browse screen.
pub struct Browse {
    list: records::List,
}

impl Default for Browse {
    fn default() -> Self {
        Self {
            list: records::List::new(ListView::Browse, BrowseQuery::default()),
        }
    }
}

impl Browse {
    /// What the view draws.
    #[must_use]
    pub fn state(&self) -> &ListState {
        self.list.state()
    }

    /// Handles one of the screen's commands.
    pub fn handle(&mut self, cx: &Services, command: Command) {
        self.list.handle(cx, command);
    }

    /// Takes finished work; loads the list when the screen is shown for a new company.
    pub fn poll(&mut self, cx: &mut Services) {
        self.list.poll(cx);
    }
}
