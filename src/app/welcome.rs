//! The first-run welcome and the Help menu's actions: try the built-in demo (started inside
//! this run when the app was not opened with `--demo`), or save the client id Sage issued
//! and sign in; open folders; quit.

use crate::demo_server::{DemoConfig, DemoServer};
use crate::model::{Edition, Profile};

use super::state::{AuthView, UserError, WelcomeView};
use super::{SageApp, Task, merge_profiles};

/// The demo profile's name (built in, rebuilt every run).
const DEMO_PROFILE: &str = "Demo";

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

impl SageApp {
    /// "Try the demo": sign in to the demo server, starting it first if this run has none.
    pub(super) fn try_demo(&mut self) {
        if self.state.server_url.is_some()
            && self
                .state
                .persisted
                .profiles
                .iter()
                .any(|p| p.name == DEMO_PROFILE)
        {
            self.state.persisted.welcome_done = true;
            self.switch_and_sign_in(DEMO_PROFILE);
            return;
        }
        if self.demo_task.is_some() {
            return;
        }
        self.state.welcome = WelcomeView::StartingDemo;
        let config = DemoConfig {
            // As with --demo: records created and refresh grants (hashed) survive restarts.
            state_file: self
                .state
                .paths
                .as_ref()
                .map(super::AppPaths::demo_state_file),
            ..DemoConfig::default()
        };
        self.demo_task = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            async move {
                DemoServer::start(config)
                    .await
                    .map_err(|e| format!("The demo server could not start: {e}"))
            },
        ));
    }

    pub(super) fn poll_demo_start(&mut self) {
        let Some(task) = &mut self.demo_task else {
            return;
        };
        if task.poll().is_none() {
            return;
        }
        let outcome = self
            .demo_task
            .take()
            .and_then(|task| task.into_result().ok());
        match outcome {
            Some(Ok(server)) => {
                let url = server.base_url();
                tracing::info!(base = %url, "demo server started from the welcome");
                self.demo_server = Some(server);
                self.state.server_url = Some(url.clone());
                self.state.persisted.profiles =
                    merge_profiles(&self.state.persisted.profiles, Some(&url));
                self.state.persisted.welcome_done = true;
                self.state.welcome = WelcomeView::Choosing;
                self.commands.push(super::Command::CheckServer);
                self.switch_and_sign_in(DEMO_PROFILE);
            }
            Some(Err(message)) => {
                self.state.welcome = WelcomeView::Failed(UserError {
                    message,
                    advice: "Try again, or start the app with --demo.".to_owned(),
                });
            }
            None => self.state.welcome = WelcomeView::Choosing,
        }
    }

    /// "Use my Sage 200": keep the client id in the edition's profile and sign in.
    pub(super) fn use_sage(&mut self, edition: &Edition, client_id: &str) {
        if let Some(problem) = client_id_problem(client_id) {
            self.state.welcome = WelcomeView::Failed(UserError {
                message: problem.to_owned(),
                advice: String::new(),
            });
            return;
        }
        let builtin = match edition {
            Edition::Standard => Profile::sage_standard(),
            _ => Profile::sage_professional(),
        };
        let name = builtin.name.clone();
        let profiles = &mut self.state.persisted.profiles;
        let profile = if let Some(existing) = profiles.iter_mut().find(|p| p.name == name) {
            existing
        } else {
            profiles.push(builtin);
            let last = profiles.len() - 1;
            &mut profiles[last]
        };
        client_id.trim().clone_into(&mut profile.client_id);
        self.state.persisted.welcome_done = true;
        self.state.welcome = WelcomeView::Choosing;
        if self.state.persisted.profile == name {
            // Same profile, new client id: forget this run's session and start over.
            self.session = None;
            self.client = None;
            self.sign_in_after_startup = true;
            self.start_startup();
        } else {
            self.switch_and_sign_in(&name);
        }
    }

    /// Makes `profile` the active one and signs in: silently when the keyring holds a
    /// sign-in, else through the browser as soon as start-up has looked.
    fn switch_and_sign_in(&mut self, profile: &str) {
        if self.state.persisted.profile == profile {
            match self.state.auth {
                AuthView::SignedOut { .. } => self.start_sign_in(),
                AuthView::Restoring => self.sign_in_after_startup = true,
                _ => {}
            }
        } else {
            self.sign_in_after_startup = true;
            self.select_profile(profile);
        }
    }

    /// Opens `path` in the system's file manager, saying what happened in the status bar.
    pub(super) fn open_folder(&mut self, path: std::path::PathBuf) {
        let shown = path.display().to_string();
        self.state.notice = Some(format!("Opening {shown}…"));
        self.open_task = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            async move {
                let outcome = tokio::task::spawn_blocking(move || {
                    std::fs::create_dir_all(&path)?;
                    open::that_detached(&path)
                })
                .await;
                match outcome {
                    Ok(Ok(())) => Ok(shown),
                    Ok(Err(error)) => Err(UserError {
                        message: format!("Could not open {shown}: {error}"),
                        advice: "Open it from your file manager; the path is under Where your files are, in the Help menu.".to_owned(),
                    }),
                    Err(error) => Err(UserError {
                        message: format!("Could not open {shown}: {error}"),
                        advice: String::new(),
                    }),
                }
            },
        ));
    }

    pub(super) fn poll_open_folder(&mut self) {
        if let Some(result) = super::finished(&mut self.open_task) {
            match result {
                Ok(shown) => self.state.notice = Some(format!("Opened {shown}")),
                Err(error) => {
                    self.state.notice = None;
                    self.state.error = Some(error);
                }
            }
        }
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
