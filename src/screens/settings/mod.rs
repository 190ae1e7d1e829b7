//! Settings: appearance, sign-in profiles (with their client secret kept only in the
//! keyring), `OpenAPI` files imported into the endpoint catalogue, and where the app keeps
//! its files.

mod update;
pub mod view;

pub use update::Settings;

use std::path::PathBuf;

use crate::model::{Profile, Secret};
use crate::screens::shared::ThemeChoice;

/// What the settings screen is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Change the theme.
    SetTheme(ThemeChoice),
    /// Add or replace a profile (`original` is its name before the edit; empty when new).
    SaveProfile {
        /// The name before editing.
        original: String,
        /// The edited profile.
        profile: Box<Profile>,
    },
    /// Remove a profile and its keyring entries.
    DeleteProfile(String),
    /// Keep a client secret for a profile in the OS keyring.
    SaveClientSecret {
        /// The profile's name.
        profile: String,
        /// The secret.
        secret: Secret,
    },
    /// Remove a profile's client secret from the keyring.
    ForgetClientSecret(String),
    /// Add an `OpenAPI` 3 file to the endpoint catalogue: the given one, or one the user picks
    /// in the system's file dialog.
    ImportOpenApi(Option<PathBuf>),
    /// Open a folder in the system's file manager (handed to the shell).
    OpenFolder(PathBuf),
}

/// What the settings screen shows beyond the shared state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// A confirmation to show briefly ("Client secret saved").
    pub notice: Option<String>,
    /// `OpenAPI` files the user imported (persisted; read again at start).
    pub openapi_files: Vec<PathBuf>,
}
