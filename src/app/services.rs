//! The services every screen's update code borrows: the tokio runtime and the waker that
//! repaints when a task ends, the shared HTTP client, the signed-in session and its API
//! client, the start options, the [`Shared`] state the views read, and an outbox through
//! which one screen asks another to act.

use std::future::Future;
use std::sync::Arc;

use tokio::runtime::Handle;

use crate::api::{self, ApiClient, ApiError};
use crate::auth::Session;
use crate::screens::shared::{AuthView, Shared, ThemeChoice, UserError};

use super::{Command, StartOptions, Task, Waker};

/// Shared services and state, owned by [`super::SageApp`] and lent to each screen.
pub struct Services {
    /// What every screen reads (views get it read-only).
    pub shared: Shared,
    /// How the app was started (runtime, keyring scope, time-outs, paths).
    pub options: StartOptions,
    /// Wakes the UI when background work ends.
    pub waker: Waker,
    /// The egui context: clipboard and viewport commands.
    pub egui: egui::Context,
    /// The signed-in session, if any.
    pub session: Option<Arc<Session>>,
    /// The API client of the signed-in session, if any.
    pub client: Option<ApiClient>,
    http: Result<reqwest::Client, ApiError>,
    outbox: Vec<Command>,
}

impl Services {
    /// Services for a new app: nobody signed in, the outbox empty.
    #[must_use]
    pub fn new(ctx: &egui::Context, options: StartOptions, shared: Shared) -> Self {
        Self {
            shared,
            waker: Waker::from_egui(ctx),
            egui: ctx.clone(),
            session: None,
            client: None,
            http: api::build_http_client_with(options.call_timeout),
            options,
            outbox: Vec::new(),
        }
    }

    /// The runtime every network call runs on.
    #[must_use]
    pub fn runtime(&self) -> &Handle {
        &self.options.runtime
    }

    /// Starts `future` on the runtime; the UI repaints when it ends.
    pub fn spawn<T, F>(&self, future: F) -> Task<T>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        Task::spawn(&self.options.runtime, self.waker.clone(), future)
    }

    /// Asks another screen (or this one) to act; the app handles it before the frame is
    /// drawn, after the current command.
    pub fn send(&mut self, command: impl Into<Command>) {
        self.outbox.push(command.into());
    }

    /// Takes what was sent since the last call.
    pub(super) fn take_outbox(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.outbox)
    }

    /// The shared HTTP client, or `None` after showing why it could not be built.
    pub fn http(&mut self) -> Option<reqwest::Client> {
        match &self.http {
            Ok(client) => Some(client.clone()),
            Err(error) => {
                self.shared.error = Some(UserError::from(error));
                None
            }
        }
    }

    /// The `X-Site` / `X-Company` pair of the chosen company.
    #[must_use]
    pub fn company_scope(&self) -> Option<api::CompanyScope> {
        self.shared.company.as_ref().map(|c| api::CompanyScope {
            site_id: c.site_id.clone(),
            company_id: c.company_id,
        })
    }

    /// A call found the sign-in gone: forget the session and say so.
    pub fn sign_in_lost(&mut self, error: &ApiError) {
        self.session = None;
        self.client = None;
        self.shared.company = None;
        self.shared.auth = AuthView::SignedOut {
            notice: Some(error.to_string()),
        };
    }

    /// Changes the theme and remembers the choice.
    pub fn set_theme(&mut self, choice: ThemeChoice) {
        self.shared.theme = choice;
        apply_theme(&self.egui, choice);
    }
}

/// Sets egui's theme preference from the user's choice.
pub(super) fn apply_theme(ctx: &egui::Context, choice: ThemeChoice) {
    ctx.set_theme(match choice {
        ThemeChoice::System => egui::ThemePreference::System,
        ThemeChoice::Light => egui::ThemePreference::Light,
        ThemeChoice::Dark => egui::ThemePreference::Dark,
    });
}
