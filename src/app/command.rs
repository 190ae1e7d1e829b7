//! What the UI asks the app to do. Views never do I/O: they push a [`Command`] and the app
//! turns it into state changes and background tasks.

use super::state::{Screen, ThemeChoice};

/// One intent from the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Open a screen.
    Navigate(Screen),
    /// Change the theme.
    SetTheme(ThemeChoice),
    /// Check that the current server answers.
    CheckServer,
    /// Hide the error in the status bar.
    DismissError,
    /// Sign in through the system browser.
    SignIn,
    /// Stop waiting for the browser.
    CancelSignIn,
    /// Sign out and forget the tokens.
    SignOut,
    /// Switch to another profile.
    SelectProfile(String),
}
