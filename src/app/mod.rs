//! The `eframe::App`: owns the state, draws it through [`crate::ui`], and turns the
//! commands the UI emits into state changes and background tasks on the tokio runtime.
//! This is the only layer that may use every other module.

mod command;
mod paths;
mod state;
mod task;

pub use command::Command;
pub use paths::{AppPaths, DATA_DIR_ENV};
pub use state::{
    AppState, PersistedState, STATE_KEY, Screen, ServerHealth, ThemeChoice, UserError,
};
pub use task::{Task, Waker};

use tokio::runtime::Handle;

use crate::api::{self, ApiError};
use crate::model::ResponseMeta;

/// What the app starts with.
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// The runtime that runs every network call; it outlives the app.
    pub runtime: Handle,
    /// Root URL of the in-process demo server, when started with `--demo`.
    pub demo_url: Option<String>,
}

/// The application: state, in-flight tasks and the shared HTTP client.
pub struct SageApp {
    state: AppState,
    runtime: Handle,
    waker: Waker,
    http: Result<reqwest::Client, ApiError>,
    health_task: Option<Task<Result<ResponseMeta, ApiError>>>,
    commands: Vec<Command>,
    first_frame_logged: bool,
}

impl SageApp {
    /// Builds the app from eframe's creation context (used by `main` and by UI tests).
    #[must_use]
    pub fn new(cc: &eframe::CreationContext<'_>, options: StartOptions) -> Self {
        let persisted = cc
            .storage
            .and_then(|storage| eframe::get_value::<PersistedState>(storage, STATE_KEY))
            .unwrap_or_default();
        Self::with_state(&cc.egui_ctx, options, persisted)
    }

    /// Builds the app with a given persisted state.
    #[must_use]
    pub fn with_state(
        ctx: &egui::Context,
        options: StartOptions,
        persisted: PersistedState,
    ) -> Self {
        crate::ui::theme::install(ctx);
        apply_theme(ctx, persisted.theme);
        let (server_label, server_url) = match &options.demo_url {
            Some(url) => ("Demo server".to_owned(), Some(url.clone())),
            None => ("No profile".to_owned(), None),
        };
        let mut app = Self {
            state: AppState {
                persisted,
                server_label,
                server_url,
                ..AppState::default()
            },
            runtime: options.runtime,
            waker: Waker::from_egui(ctx),
            http: api::build_http_client(),
            health_task: None,
            commands: Vec::new(),
            first_frame_logged: false,
        };
        if app.state.server_url.is_some() {
            app.commands.push(Command::CheckServer);
        }
        app
    }

    /// The state the UI draws from (for tests and diagnostics).
    #[must_use]
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Handles one command (public so tests can drive the app without clicking).
    #[allow(clippy::needless_pass_by_value)] // later commands carry owned payloads
    pub fn handle(&mut self, ctx: &egui::Context, command: Command) {
        tracing::debug!(?command, "command");
        match command {
            Command::Navigate(screen) => self.state.persisted.screen = screen,
            Command::SetTheme(choice) => {
                self.state.persisted.theme = choice;
                apply_theme(ctx, choice);
            }
            Command::CheckServer => self.start_health_check(),
            Command::DismissError => self.state.error = None,
        }
    }

    fn start_health_check(&mut self) {
        let Some(root) = self.state.server_url.clone() else {
            return;
        };
        let client = match &self.http {
            Ok(client) => client.clone(),
            Err(error) => {
                self.state.error = Some(UserError::from(error));
                return;
            }
        };
        let url = format!("{}/_demo/health", root.trim_end_matches('/'));
        self.state.health = ServerHealth::Checking;
        // Replacing an older check drops (and so cancels) it.
        self.health_task = Some(Task::spawn(&self.runtime, self.waker.clone(), async move {
            api::check_health(&client, &url).await
        }));
    }

    /// Moves finished task results into the state.
    fn poll_tasks(&mut self) {
        if let Some(task) = &mut self.health_task {
            if task.is_lost() {
                self.health_task = None;
                self.state.health = ServerHealth::Unknown;
            } else if task.poll().is_some()
                && let Some(Ok(result)) = self.health_task.take().map(Task::into_result)
            {
                self.finish_health_check(result);
            }
        }
    }

    fn finish_health_check(&mut self, result: Result<ResponseMeta, ApiError>) {
        match result {
            Ok(meta) => {
                tracing::info!(
                    status = meta.status,
                    elapsed_ms = meta.elapsed.as_millis(),
                    "server reachable"
                );
                self.state.health = ServerHealth::Reachable;
                self.state.last_request = Some(meta);
            }
            Err(error) => {
                tracing::warn!(%error, "server check failed");
                self.state.error = Some(UserError::from(&error));
                self.state.health = ServerHealth::Unreachable(error);
            }
        }
    }
}

fn apply_theme(ctx: &egui::Context, choice: ThemeChoice) {
    ctx.set_theme(match choice {
        ThemeChoice::System => egui::ThemePreference::System,
        ThemeChoice::Light => egui::ThemePreference::Light,
        ThemeChoice::Dark => egui::ThemePreference::Dark,
    });
}

impl eframe::App for SageApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if !self.first_frame_logged {
            self.first_frame_logged = true;
            tracing::info!("first frame");
        }
        self.poll_tasks();
        let ctx = ui.ctx().clone();
        for command in std::mem::take(&mut self.commands) {
            self.handle(&ctx, command);
        }
        crate::ui::show(ui, &self.state, &mut self.commands);
        if !self.commands.is_empty() {
            // Handle what the user just did without waiting for another input event.
            ctx.request_repaint();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STATE_KEY, &self.state.persisted);
    }
}
