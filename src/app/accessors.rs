//! What tests and diagnostics read of the app: each screen's state, the shared state, the
//! session and its client; and the app's `Debug` (every state, never a task or a secret).

use std::sync::Arc;

use crate::api::{ApiClient, CompanyScope};
use crate::auth::Session;
use crate::screens::{company, customers, history, reports, request, settings, shell, welcome};

use super::{SageApp, Shared};

impl SageApp {
    /// The state every screen reads (for tests and diagnostics).
    #[must_use]
    pub fn shared(&self) -> &Shared {
        &self.cx.shared
    }

    /// The shell's state: server health, the Help window.
    #[must_use]
    pub fn shell(&self) -> &shell::State {
        self.shell.state()
    }

    /// The company picker's state.
    #[must_use]
    pub fn company(&self) -> &company::State {
        self.company.state()
    }

    /// The Browse screen's records list.
    #[must_use]
    pub fn browse(&self) -> &crate::screens::records::ListState {
        self.browse.state()
    }

    /// The Customers screen's records list.
    #[must_use]
    pub fn customer_list(&self) -> &crate::screens::records::ListState {
        self.customers.list()
    }

    /// The Customers screen's form and draft.
    #[must_use]
    pub fn customers(&self) -> &customers::State {
        self.customers.state()
    }

    /// The request builder's tabs.
    #[must_use]
    pub fn request(&self) -> &request::State {
        self.request.state()
    }

    /// The history of sent requests.
    #[must_use]
    pub fn history(&self) -> &history::State {
        self.history.state()
    }

    /// The settings screen's state.
    #[must_use]
    pub fn settings(&self) -> &settings::State {
        self.settings.state()
    }

    /// The welcome's state.
    #[must_use]
    pub fn welcome(&self) -> &welcome::State {
        self.welcome.state()
    }

    /// The signed-in session, if any.
    #[must_use]
    pub fn session(&self) -> Option<&Arc<Session>> {
        self.cx.session.as_ref()
    }

    /// The API client of the signed-in session, if any.
    #[must_use]
    pub fn api_client(&self) -> Option<&ApiClient> {
        self.cx.client.as_ref()
    }

    /// The `X-Site` / `X-Company` pair of the chosen company.
    #[must_use]
    pub fn company_scope(&self) -> Option<CompanyScope> {
        self.cx.company_scope()
    }

    /// The Reports screen's figures.
    #[must_use]
    pub fn reports(&self) -> &reports::State {
        self.reports.state()
    }
}

/// Every screen's state and the shared state (not the tasks): what diagnostics and the
/// secrets scan read.
impl std::fmt::Debug for SageApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SageApp")
            .field("shared", &self.cx.shared)
            .field("shell", self.shell.state())
            .field("company", self.company.state())
            .field("browse", self.browse.state())
            .field("customers", self.customers.state())
            .field("customer_list", self.customers.list())
            .field("request", self.request.state())
            .field("history", self.history.state())
            .field("settings", self.settings.state())
            .field("welcome", self.welcome.state())
            .field("reports", self.reports.state())
            .field("commands", &self.commands)
            .finish_non_exhaustive()
    }
}
