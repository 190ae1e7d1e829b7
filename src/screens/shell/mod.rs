//! The frame around every screen: the top bar (profile, sign-in, company, theme, Help),
//! the navigation, the status bar (server, notices, the last request, the error), and the
//! Help menu's windows. Sign-in, company and welcome actions started here are handed to
//! their own screens.

mod help_view;
mod update;
pub mod view;

pub use help_view::{menu as help_menu, window as help_window};
pub use update::Shell;

use std::path::PathBuf;

use crate::api::ApiError;
use crate::screens::shared::{Screen, ThemeChoice};

/// What the shell is asked to do.
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
    /// Open a Help window.
    ShowHelp(HelpWindow),
    /// Close the Help window.
    CloseHelp,
    /// Open a folder in the system's file manager.
    OpenFolder(PathBuf),
    /// Close the app, saving its state and window.
    Quit,
    /// Show the first-run welcome again (handed to the welcome).
    ShowWelcome,
    /// Sign in (handed to sign-in).
    SignIn,
    /// Sign out (handed to sign-in).
    SignOut,
    /// Switch profile (handed to sign-in).
    SelectProfile(String),
    /// Show the company picker (handed to it).
    OpenCompanyPicker,
}

/// The windows of the Help menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HelpWindow {
    /// Every keyboard shortcut.
    Shortcuts,
    /// Where the app keeps its files and secrets.
    Files,
    /// Name, version, commit, licence.
    About,
}

/// How the server behind the current profile answered its last check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ServerHealth {
    /// Not checked yet.
    #[default]
    Unknown,
    /// A check is in flight.
    Checking,
    /// The server answered.
    Reachable,
    /// The server could not be reached or answered with an error.
    Unreachable(ApiError),
}

/// What the shell shows beyond the shared state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// The result of the last server check.
    pub health: ServerHealth,
    /// The Help window open, if any.
    pub help: Option<HelpWindow>,
}
