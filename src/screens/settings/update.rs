//! The settings screen's work: saving and deleting profiles (a profile's keyring entries go
//! with it), keeping or forgetting a client secret in the keyring, and importing `OpenAPI`
//! files into the catalogue one at a time.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use crate::api;
use crate::app::{Services, Task, finished};
use crate::auth::TokenStore;
use crate::model::{Profile, Secret};
use crate::screens::shared::{KeyringView, UserError};
use crate::screens::{session, shell};

use super::{Command, State};

/// An `OpenAPI` file read into a new catalogue.
#[derive(Debug)]
struct Imported {
    file: PathBuf,
    catalogue: api::Catalogue,
    paths: usize,
}

/// A client secret stored or removed.
#[derive(Debug)]
struct KeyringChange {
    profile: String,
    uses_client_secret: bool,
}

/// The settings screen and its keyring and import work.
#[derive(Default)]
pub struct Settings {
    state: State,
    import: Option<Task<Result<Option<Imported>, UserError>>>,
    queued_imports: VecDeque<Option<PathBuf>>,
    keyring: Option<Task<Result<KeyringChange, UserError>>>,
}

impl Settings {
    /// The screen; the `OpenAPI` files imported in earlier runs are read again in the
    /// background, one after another.
    #[must_use]
    pub fn new(openapi_files: Vec<PathBuf>) -> Self {
        Self {
            queued_imports: openapi_files.iter().cloned().map(Some).collect(),
            state: State {
                openapi_files,
                notice: None,
            },
            ..Self::default()
        }
    }

    /// What the view draws.
    #[must_use]
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Handles one of the screen's commands.
    pub fn handle(&mut self, cx: &mut Services, command: Command) {
        match command {
            Command::SetTheme(choice) => cx.set_theme(choice),
            Command::SaveProfile { original, profile } => {
                self.save_profile(cx, &original, *profile);
            }
            Command::DeleteProfile(name) => self.delete_profile(cx, &name),
            Command::SaveClientSecret { profile, secret } => {
                self.change_client_secret(cx, profile, Some(secret));
            }
            Command::ForgetClientSecret(profile) => self.change_client_secret(cx, profile, None),
            Command::ImportOpenApi(path) => self.start_import(cx, path),
            Command::OpenFolder(path) => cx.send(shell::Command::OpenFolder(path)),
        }
    }

    fn save_profile(&mut self, cx: &mut Services, original: &str, profile: Profile) {
        let profiles = &mut cx.shared.profiles;
        let clash = profiles
            .iter()
            .any(|p| p.name == profile.name && p.name != original);
        if clash || profile.name == "Demo" {
            cx.shared.error = Some(UserError {
                message: format!("A profile named '{}' already exists.", profile.name),
                advice: "Choose another name.".to_owned(),
            });
            return;
        }
        let was_active = cx.shared.profile == original;
        match profiles.iter_mut().find(|p| p.name == original) {
            Some(existing) => *existing = profile.clone(),
            None => profiles.push(profile.clone()),
        }
        self.state.notice = Some(format!("Profile '{}' saved.", profile.name));
        if was_active {
            // The active profile changed: sign in again with its new settings.
            cx.shared.profile = profile.name;
            cx.send(session::Command::Restart);
        }
    }

    fn delete_profile(&mut self, cx: &mut Services, name: &str) {
        if name == cx.shared.profile || name == "Demo" {
            return;
        }
        cx.shared.profiles.retain(|p| p.name != name);
        let store = TokenStore::new(&format!("{}{name}", cx.options.keyring_scope));
        cx.runtime().spawn_blocking(move || {
            // Forget everything the profile had in the keyring.
            let _ = store.delete_blocking();
            let _ = store.delete_client_secret_blocking();
        });
        self.state.notice = Some(format!("Profile '{name}' deleted."));
    }

    fn change_client_secret(&mut self, cx: &mut Services, profile: String, secret: Option<Secret>) {
        if cx.shared.keyring != KeyringView::Available {
            cx.shared.error = Some(UserError {
                message:
                    "No system keyring: a client secret cannot be kept safely, so it was not saved."
                        .to_owned(),
                advice: "Unlock or install a keyring (Secret Service), then try again.".to_owned(),
            });
            return;
        }
        let store = TokenStore::new(&format!("{}{profile}", cx.options.keyring_scope));
        self.keyring = Some(cx.spawn(async move {
            let saved = secret.is_some();
            let outcome = tokio::task::spawn_blocking(move || match secret {
                Some(secret) => store.save_client_secret_blocking(&secret),
                None => store.delete_client_secret_blocking(),
            })
            .await;
            match outcome {
                Ok(Ok(())) => Ok(KeyringChange {
                    profile,
                    uses_client_secret: saved,
                }),
                Ok(Err(error)) => Err(UserError {
                    message: error.to_string(),
                    advice: "Check that the system keyring is unlocked.".to_owned(),
                }),
                Err(error) => Err(UserError {
                    message: format!("The keyring call failed: {error}"),
                    advice: "Try again.".to_owned(),
                }),
            }
        }));
    }

    fn start_import(&mut self, cx: &Services, path: Option<PathBuf>) {
        if self.import.is_some() {
            // One import at a time; a queued one runs when this one is done.
            self.queued_imports.push_back(path);
            return;
        }
        let mut catalogue = (*cx.shared.catalogue).clone();
        self.import = Some(cx.spawn(async move {
            let path = if let Some(path) = path {
                path
            } else {
                let picked = rfd::AsyncFileDialog::new()
                    .set_title("Import an OpenAPI file")
                    .add_filter("OpenAPI 3 (JSON)", &["json"])
                    .pick_file()
                    .await;
                let Some(picked) = picked else {
                    return Ok(None); // the user closed the dialog
                };
                picked.path().to_path_buf()
            };
            let text = tokio::fs::read_to_string(&path)
                .await
                .map_err(|e| UserError {
                    message: format!("Could not read {}: {e}", path.display()),
                    advice: "Choose a readable OpenAPI 3 JSON file.".to_owned(),
                })?;
            let imported = tokio::task::spawn_blocking(move || {
                catalogue.import_openapi(&text).map(|n| (catalogue, n))
            })
            .await
            .map_err(|e| UserError {
                message: format!("The import stopped: {e}"),
                advice: "Try again.".to_owned(),
            })?
            .map_err(|problem| UserError {
                message: format!("{} was not imported: {problem}", path.display()),
                advice: "Choose an OpenAPI 3 document in JSON, such as Sage's reference files."
                    .to_owned(),
            })?;
            Ok(Some(Imported {
                file: path,
                catalogue: imported.0,
                paths: imported.1,
            }))
        }));
    }

    fn finish_import(&mut self, cx: &mut Services, result: Result<Option<Imported>, UserError>) {
        match result {
            Ok(Some(imported)) => {
                self.state.notice = Some(format!(
                    "Imported {} paths from {}; {} endpoints known.",
                    imported.paths,
                    imported.file.display(),
                    imported.catalogue.len()
                ));
                cx.shared.catalogue = Arc::new(imported.catalogue);
                if !self.state.openapi_files.contains(&imported.file) {
                    self.state.openapi_files.push(imported.file);
                }
            }
            Ok(None) => {}
            Err(error) => cx.shared.error = Some(error),
        }
    }

    fn finish_keyring_change(
        &mut self,
        cx: &mut Services,
        result: Result<KeyringChange, UserError>,
    ) {
        match result {
            Ok(change) => {
                let profiles = &mut cx.shared.profiles;
                if let Some(profile) = profiles.iter_mut().find(|p| p.name == change.profile) {
                    profile.uses_client_secret = change.uses_client_secret;
                }
                let done = if change.uses_client_secret {
                    "saved in"
                } else {
                    "removed from"
                };
                self.state.notice = Some(format!(
                    "Client secret for '{}' {done} the system keyring.",
                    change.profile
                ));
            }
            Err(error) => cx.shared.error = Some(error),
        }
    }

    /// Takes finished import and keyring work, and starts the next queued import.
    pub fn poll(&mut self, cx: &mut Services) {
        if let Some(result) = finished(&mut self.import) {
            self.finish_import(cx, result);
        }
        if self.import.is_none()
            && let Some(next) = self.queued_imports.pop_front()
        {
            self.start_import(cx, next);
        }
        if let Some(result) = finished(&mut self.keyring) {
            self.finish_keyring_change(cx, result);
        }
    }
}
