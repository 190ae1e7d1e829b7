//! The app's state as the UI reads it, and the part of it that is persisted.
//!
//! [`PersistedState`] is what goes to eframe's storage. It is built only from plain,
//! non-secret fields: the [`crate::model::Secret`] type cannot be serialized, so a token
//! can never be added here by mistake.

use serde::{Deserialize, Serialize};

use std::time::SystemTime;

use crate::api::ApiError;
use crate::model::{Profile, ResponseMeta};

/// The key under which [`PersistedState`] is stored.
pub const STATE_KEY: &str = "sage200-desk/state";

/// The screens of the left navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Screen {
    /// Browse any list resource as a table.
    #[default]
    Browse,
    /// Customers: list, detail and the new-customer form.
    Customers,
    /// Compose any request and read the answer.
    RequestBuilder,
    /// Requests sent before.
    History,
    /// Profiles, data locations, theme.
    Settings,
}

impl Screen {
    /// Every screen, in navigation order.
    pub const ALL: [Self; 5] = [
        Self::Browse,
        Self::Customers,
        Self::RequestBuilder,
        Self::History,
        Self::Settings,
    ];

    /// The label shown in the navigation.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Browse => "Browse",
            Self::Customers => "Customers",
            Self::RequestBuilder => "Request builder",
            Self::History => "History",
            Self::Settings => "Settings",
        }
    }
}

/// Light, dark, or whatever the system uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// Follow the operating system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl ThemeChoice {
    /// Every choice, in the order offered.
    pub const ALL: [Self; 3] = [Self::System, Self::Light, Self::Dark];

    /// The label shown in Settings.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::System => "Follow the system",
            Self::Light => "Light",
            Self::Dark => "Dark",
        }
    }
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

/// UI state that survives a restart. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PersistedState {
    /// The screen that was open.
    pub screen: Screen,
    /// The theme choice.
    pub theme: ThemeChoice,
    /// The name of the profile in use.
    pub profile: String,
    /// Every profile (no secrets: a client secret lives only in the keyring).
    pub profiles: Vec<Profile>,
    /// The company last chosen, per profile name.
    pub companies: std::collections::BTreeMap<String, CompanyChoice>,
    /// The request builder's tabs (drafts only; answers are not kept).
    pub request_tabs: Vec<crate::model::RequestDraft>,
    /// The index of the open tab.
    pub active_tab: usize,
    /// `OpenAPI` files the user imported into the endpoint catalogue (read again at start).
    pub openapi_files: Vec<std::path::PathBuf>,
    /// The customer form's draft, until the customer is saved or the draft discarded.
    pub customer_draft: Option<crate::model::CustomerDraft>,
    /// The first-run welcome was answered or closed (it then waits in the Help menu).
    pub welcome_done: bool,
}

/// A chosen site and company: what `X-Site` and `X-Company` carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyChoice {
    /// `X-Site`.
    pub site_id: String,
    /// The site's name.
    pub site_name: String,
    /// `X-Company`.
    pub company_id: i64,
    /// The company's name.
    pub company_name: String,
}

/// The `GET sites` answer, as the picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SitesView {
    /// Not asked yet (not signed in).
    #[default]
    Idle,
    /// Being fetched.
    Loading,
    /// The sites with their companies (possibly none).
    Loaded(Vec<crate::model::Site>),
    /// The call failed.
    Failed(UserError),
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

/// An error shown in the status bar until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// What happened.
    pub message: String,
    /// What the user can do.
    pub advice: String,
}

impl From<&ApiError> for UserError {
    fn from(error: &ApiError) -> Self {
        Self {
            message: capitalise(&error.to_string()),
            advice: error.advice().to_owned(),
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Where sign-in stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthView {
    /// Not signed in; `notice` says why when a sign-in was lost.
    SignedOut {
        /// Shown with a "Sign in again" button.
        notice: Option<String>,
    },
    /// Looking for a stored sign-in.
    Restoring,
    /// The browser is open at `url`; waiting for the user.
    Waiting {
        /// The authorize URL, copyable for when no browser opened.
        url: String,
    },
    /// The browser came back; finishing.
    Finishing,
    /// Signed in.
    SignedIn {
        /// The user's name.
        user: String,
        /// When the access token expires.
        expires_at: Option<SystemTime>,
    },
}

impl Default for AuthView {
    fn default() -> Self {
        Self::SignedOut { notice: None }
    }
}

/// Whether tokens can be remembered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum KeyringView {
    /// Not probed yet.
    #[default]
    Unknown,
    /// The OS keyring works.
    Available,
    /// No keyring: tokens live in memory for this run only.
    Unavailable(String),
}

/// Which records list: the Browse screen's or the Customers screen's (each keeps its own
/// query, page and selection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListView {
    /// The Browse screen: any list resource.
    Browse,
    /// The Customers screen.
    Customers,
}

impl ListView {
    /// The screen the list is shown on.
    #[must_use]
    pub fn screen(self) -> Screen {
        match self {
            Self::Browse => Screen::Browse,
            Self::Customers => Screen::Customers,
        }
    }
}

/// What the Browse screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowseQuery {
    /// The list resource, e.g. `customers`.
    pub resource: String,
    /// Records per page (`$top`).
    pub page_size: u32,
    /// The page, from 0.
    pub page: u32,
    /// Quick search text (name, reference… as the catalogue says).
    pub search: String,
    /// Sort column and whether descending; `id` ascending when none.
    pub sort: Option<(String, bool)>,
    /// Conditions from the filter builder, joined to the quick search with `and`.
    pub filter: crate::model::FilterGroup,
    /// The columns asked for (`$select`); all of them when empty.
    pub columns: Vec<String>,
}

impl Default for BrowseQuery {
    fn default() -> Self {
        Self {
            resource: "customers".to_owned(),
            page_size: 100,
            page: 0,
            search: String::new(),
            sort: None,
            filter: crate::model::FilterGroup::default(),
            columns: Vec::new(),
        }
    }
}

/// The Browse screen: the query and the page it brought.
#[allow(clippy::struct_excessive_bools)] // independent facts the view shows side by side
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrowseView {
    /// What is shown.
    pub query: BrowseQuery,
    /// Whether a page is loading.
    pub loading: bool,
    /// The page of records.
    pub page: Option<std::sync::Arc<super::answer::Answered>>,
    /// Why the page could not be loaded.
    pub problem: Option<UserError>,
    /// The company generation the page belongs to (reload when it changes).
    pub generation: Option<u64>,
    /// How each column of the page is shown.
    pub kinds: Vec<super::browse::ColumnKind>,
    /// How many records match, when the server could say.
    pub count: Option<u64>,
    /// The resource and filter the count is for.
    pub counted: Option<String>,
    /// The row open in the detail pane.
    pub selected: Option<usize>,
    /// The selected record in full, once fetched.
    pub record: Option<std::sync::Arc<serde_json::Value>>,
    /// Whether the selected record is being fetched.
    pub record_loading: bool,
    /// Progress of "Fetch all" (or of an export fetching every record), while it runs.
    pub fetching: Option<crate::api::Progress>,
    /// Whether the table holds every matching record rather than one page.
    pub everything: bool,
    /// Whether an export is being written.
    pub exporting: bool,
}

/// Everything the UI draws from. The UI reads it and reports intent as commands.
#[derive(Debug, Default)]
pub struct AppState {
    /// The part that is saved between runs.
    pub persisted: PersistedState,
    /// A short name of the server in use ("Demo server", "Sage 200 Professional").
    pub server_label: String,
    /// The server's root URL, when known.
    pub server_url: Option<String>,
    /// The result of the last server check.
    pub health: ServerHealth,
    /// The last HTTP exchange, for the status bar.
    pub last_request: Option<ResponseMeta>,
    /// The error to show, if any.
    pub error: Option<UserError>,
    /// Sign-in state.
    pub auth: AuthView,
    /// Keyring availability.
    pub keyring: KeyringView,
    /// Where the app keeps its files, when known.
    pub paths: Option<super::AppPaths>,
    /// A confirmation to show briefly in Settings ("Client secret saved").
    pub settings_notice: Option<String>,
    /// The sites and companies the user may open.
    pub sites: SitesView,
    /// The company every call is about.
    pub company: Option<CompanyChoice>,
    /// Whether the company picker is open.
    pub picker_open: bool,
    /// Bumped whenever the company changes, so open views know to reload.
    pub company_generation: u64,
    /// Every known endpoint: built in, plus imported `OpenAPI` files.
    pub catalogue: std::sync::Arc<crate::api::Catalogue>,
    /// The request builder's tabs.
    pub tabs: Vec<super::request::RequestTab>,
    /// The id of the open tab.
    pub active_tab: u64,
    /// The API base URL of the profile in use, for showing full URLs.
    pub api_base_url: String,
    /// A passing confirmation for the status bar ("Saved to …").
    pub notice: Option<String>,
    /// Requests sent, newest first.
    pub history: Vec<crate::model::HistoryEntry>,
    /// The Browse screen.
    pub browse: BrowseView,
    /// The Customers screen's list.
    pub customers: BrowseView,
    /// The order of day, month and year in the user's locale.
    pub date_style: crate::model::DateStyle,
    /// The customer form, while open (its draft is in `persisted`).
    pub customer_form: Option<super::customers::CustomerForm>,
    /// A customer the user asked to delete: id and name, awaiting confirmation.
    pub confirm_delete: Option<(i64, String)>,
    /// The welcome's progress: starting the demo, or a problem with what was entered.
    pub welcome: WelcomeView,
    /// The Help window open, if any.
    pub help: Option<HelpWindow>,
}

impl AppState {
    /// The records list of a view.
    #[must_use]
    pub fn list(&self, view: ListView) -> &BrowseView {
        match view {
            ListView::Browse => &self.browse,
            ListView::Customers => &self.customers,
        }
    }

    /// Whether any background work is in flight (drives the status-bar spinner).
    #[must_use]
    pub fn is_busy(&self) -> bool {
        matches!(self.health, ServerHealth::Checking)
            || matches!(self.auth, AuthView::Restoring | AuthView::Finishing)
    }

    /// The profile in use, if it exists.
    #[must_use]
    pub fn active_profile(&self) -> Option<&Profile> {
        self.persisted
            .profiles
            .iter()
            .find(|p| p.name == self.persisted.profile)
    }
}
