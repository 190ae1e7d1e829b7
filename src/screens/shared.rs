//! What every screen may read: the screen open, the theme, the profiles, sign-in, the
//! chosen company, the endpoint catalogue, and the status bar's last request, notice and
//! error. [`Shared`] lives in the app's services; views get it read-only, update code
//! changes it through [`crate::app::Services`].

use std::sync::Arc;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::api::{ApiError, Catalogue};
use crate::app::AppPaths;
use crate::model::{DateStyle, Profile, ResponseMeta};

/// The screens of the left navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Hash)]
pub enum Screen {
    /// Browse any list resource as a table.
    #[default]
    Browse,
    /// Customers: list, detail and the new-customer form.
    Customers,
    /// Reports: aged balances, sales by period, headline figures.
    Reports,
    /// Compose any request and read the answer.
    RequestBuilder,
    /// Requests sent before.
    History,
    /// Profiles, data locations, theme.
    Settings,
}

impl Screen {
    /// Every screen, in navigation order.
    pub const ALL: [Self; 6] = [
        Self::Browse,
        Self::Customers,
        Self::Reports,
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
            Self::Reports => "Reports",
            Self::RequestBuilder => "Request builder",
            Self::History => "History",
            Self::Settings => "Settings",
        }
    }
}

/// Light, dark, or whatever the system uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Hash)]
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

/// A chosen site and company: what `X-Site` and `X-Company` carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Hash)]
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

/// `text` with its first letter upper case (error texts from libraries start lower case).
pub(crate) fn capitalise(text: &str) -> String {
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
        /// When the sign-in itself lapses and must be made again in the browser, when
        /// known (a banner warns a week before).
        lapses_at: Option<SystemTime>,
    },
}

/// How long before a sign-in lapses the app warns about it.
pub const LAPSE_WARNING: std::time::Duration = std::time::Duration::from_hours(7 * 24);

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

/// The state every screen reads.
#[derive(Debug, Default)]
pub struct Shared {
    /// The screen open (persisted).
    pub screen: Screen,
    /// The theme choice (persisted).
    pub theme: ThemeChoice,
    /// Sign-in state.
    pub auth: AuthView,
    /// Keyring availability.
    pub keyring: KeyringView,
    /// The name of the profile in use (persisted).
    pub profile: String,
    /// The API base URL of the profile in use, for showing full URLs.
    pub api_base_url: String,
    /// The order of day, month and year in the user's locale.
    pub date_style: DateStyle,
    /// Bumped whenever the company changes, so open views know to reload.
    pub company_generation: u64,
    /// Every profile (persisted; no secrets: a client secret lives only in the keyring).
    pub profiles: Vec<Profile>,
    /// The company every call is about.
    pub company: Option<CompanyChoice>,
    /// The demo server's root URL, when one runs in this process.
    pub server_url: Option<String>,
    /// Every known endpoint: built in, plus imported `OpenAPI` files.
    pub catalogue: Arc<Catalogue>,
    /// Where the app keeps its files, when known.
    pub paths: Option<AppPaths>,
    /// The last HTTP exchange, for the status bar.
    pub last_request: Option<ResponseMeta>,
    /// A passing confirmation for the status bar ("Saved to …").
    pub notice: Option<String>,
    /// The error to show, if any.
    pub error: Option<UserError>,
    /// How referred-to records read (`currency_id` 1 → `£ — Pound Sterling`), for the
    /// company in use.
    pub links: LinkNames,
    /// Saved views of lists, of every resource, kept between runs; Browse and Customers
    /// both list those of the resource they show.
    pub views: Vec<crate::model::SavedView>,
}

/// What a record that others refer to reads as, looked up once per company and kept:
/// (list path, id) → its label ([`crate::model::record_label`]), `None` when the server
/// has no such record or it has neither code nor name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LinkNames {
    /// The company generation the names belong to.
    pub generation: u64,
    /// Labels found (or found missing): list path → id → label. Nested so that drawing a
    /// cell looks one up without allocating.
    pub names: std::collections::HashMap<String, std::collections::HashMap<i64, Option<String>>>,
    /// Asked for and not answered yet.
    pub pending: std::collections::HashSet<(String, i64)>,
}

impl LinkNames {
    /// The label of record `id` of `resource`, when known.
    #[must_use]
    pub fn label(&self, resource: &str, id: i64) -> Option<&str> {
        self.names.get(resource)?.get(&id)?.as_deref()
    }

    /// Records what record `id` of `resource` reads as (`None`: nothing to show).
    pub fn insert(&mut self, resource: &str, id: i64, label: Option<String>) {
        self.names
            .entry(resource.to_owned())
            .or_default()
            .insert(id, label);
    }

    /// Whether `id` of `resource` is known or asked for already.
    #[must_use]
    pub fn is_known_or_asked(&self, resource: &str, id: i64) -> bool {
        self.names
            .get(resource)
            .is_some_and(|ids| ids.contains_key(&id))
            || self.pending.contains(&(resource.to_owned(), id))
    }

    /// Forgets everything when the company changed.
    pub fn for_generation(&mut self, generation: u64) {
        if self.generation != generation {
            *self = Self {
                generation,
                ..Self::default()
            };
        }
    }
}

impl Shared {
    /// The profile in use, if it exists.
    #[must_use]
    pub fn active_profile(&self) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == self.profile)
    }

    /// Whether the user is signed in and has chosen a company: what the record screens
    /// need before they can show anything.
    #[must_use]
    pub fn has_company(&self) -> bool {
        matches!(self.auth, AuthView::SignedIn { .. }) && self.company.is_some()
    }

    /// "Demo server", "Sage 200 Professional", … for the status bar.
    #[must_use]
    pub fn server_label(&self) -> String {
        match self.active_profile() {
            Some(profile) if profile.name == "Demo" => "Demo server".to_owned(),
            Some(profile) => profile.edition.label().to_owned(),
            None => "No profile".to_owned(),
        }
    }
}
