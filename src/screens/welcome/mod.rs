//! The first-run welcome: try the built-in demo (started inside this run when the app was
//! not opened with `--demo`), or save the client id Sage issued and sign in. Closed, it
//! waits in the Help menu.

mod update;
pub mod view;

pub use update::Welcome;

use crate::model::Edition;
use crate::screens::shared::UserError;

/// What the welcome is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Show the welcome again (from the Help menu).
    Show,
    /// Close it without choosing (it stays in the Help menu).
    Dismiss,
    /// Start the built-in demo server in this run (when not started with `--demo`), switch
    /// to it and sign in; with `--demo`, sign in to it.
    TryDemo,
    /// Use Sage 200 with the client id Sage issued: save it in the edition's profile and
    /// sign in.
    UseSage {
        /// Professional or Standard.
        edition: Edition,
        /// The client id, as typed.
        client_id: String,
    },
}

/// The welcome's state beyond what the user types.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum WelcomeView {
    /// Waiting for a choice.
    #[default]
    Choosing,
    /// The built-in demo server is starting.
    StartingDemo,
    /// The demo server could not start, or what was entered cannot be used.
    Failed(UserError),
}

/// What the welcome shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// The first-run welcome was answered or closed (persisted).
    pub done: bool,
    /// Starting the demo, or a problem with what was entered.
    pub view: WelcomeView,
}

/// Why a client id cannot be used, if it cannot.
#[must_use]
pub fn client_id_problem(client_id: &str) -> Option<&'static str> {
    let id = client_id.trim();
    if id.is_empty() {
        Some("Enter the client id Sage issued for this app.")
    } else if id.chars().any(char::is_whitespace) {
        Some("A client id has no spaces: copy it again from Sage's email or portal.")
    } else if id.len() > 256 {
        Some("That is too long for a client id: copy just the id.")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::client_id_problem;

    #[test]
    fn a_client_id_is_one_word() {
        assert!(client_id_problem("").is_some());
        assert!(client_id_problem("   ").is_some());
        assert!(client_id_problem("abc def").is_some());
        assert!(client_id_problem(&"x".repeat(300)).is_some());
        assert_eq!(client_id_problem("  aBc123-XYZ.apps  "), None);
    }
}
