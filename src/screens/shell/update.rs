//! The shell's work: navigation, theme, the server check, Help windows, opening folders in
//! the file manager (on the blocking pool), quitting; sign-in, company and welcome actions
//! go to their screens.

use std::path::PathBuf;

use crate::api::{self, ApiError};
use crate::app::{Services, Task, finished};
use crate::model::ResponseMeta;
use crate::screens::shared::UserError;
use crate::screens::{company, session, welcome};

use super::{Command, ServerHealth, State};

/// The shell: its state and its tasks.
#[derive(Default)]
pub struct Shell {
    state: State,
    health: Option<Task<Result<ResponseMeta, ApiError>>>,
    open_folder: Option<Task<Result<String, UserError>>>,
}

impl Shell {
    /// What the view draws.
    #[must_use]
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Handles one of the shell's commands.
    pub fn handle(&mut self, cx: &mut Services, command: Command) {
        match command {
            Command::Navigate(screen) => cx.shared.screen = screen,
            Command::SetTheme(choice) => cx.set_theme(choice),
            Command::CheckServer => self.start_health_check(cx),
            Command::DismissError => cx.shared.error = None,
            Command::ShowHelp(window) => self.state.help = Some(window),
            Command::CloseHelp => self.state.help = None,
            Command::OpenFolder(path) => self.open_folder(cx, path),
            Command::Quit => cx.egui.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::ShowWelcome => cx.send(welcome::Command::Show),
            Command::SignIn => cx.send(session::Command::SignIn),
            Command::SignOut => cx.send(session::Command::SignOut),
            Command::SelectProfile(name) => cx.send(session::Command::SelectProfile(name)),
            Command::OpenCompanyPicker => cx.send(company::Command::Open),
        }
    }

    fn start_health_check(&mut self, cx: &mut Services) {
        let Some(root) = cx.shared.server_url.clone() else {
            return;
        };
        let Some(client) = cx.http() else { return };
        let url = format!("{}/_demo/health", root.trim_end_matches('/'));
        self.state.health = ServerHealth::Checking;
        // Replacing an older check drops (and so cancels) it.
        self.health = Some(cx.spawn(async move { api::check_health(&client, &url).await }));
    }

    fn open_folder(&mut self, cx: &mut Services, path: PathBuf) {
        let shown = path.display().to_string();
        cx.shared.notice = Some(format!("Opening {shown}…"));
        self.open_folder = Some(cx.spawn(async move {
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
        }));
    }

    /// Takes the server check's result.
    pub fn poll_health(&mut self, cx: &mut Services) {
        if let Some(result) = finished(&mut self.health) {
            match result {
                Ok(meta) => {
                    tracing::info!(
                        status = meta.status,
                        elapsed_ms = meta.elapsed.as_millis(),
                        "server reachable"
                    );
                    self.state.health = ServerHealth::Reachable;
                    if cx.shared.last_request.is_none() {
                        cx.shared.last_request = Some(meta);
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "server check failed");
                    cx.shared.error = Some(UserError::from(&error));
                    self.state.health = ServerHealth::Unreachable(error);
                }
            }
        }
    }

    /// Takes the folder opener's result.
    pub fn poll_open_folder(&mut self, cx: &mut Services) {
        if let Some(result) = finished(&mut self.open_folder) {
            match result {
                Ok(shown) => cx.shared.notice = Some(format!("Opened {shown}")),
                Err(error) => {
                    cx.shared.notice = None;
                    cx.shared.error = Some(error);
                }
            }
        }
    }
}
