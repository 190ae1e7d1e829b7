//! The part of the state that survives a restart, as one document in eframe's storage
//! (`<data dir>/ui-state.ron`). Each screen keeps its own part while the app runs; the app
//! gathers them here to save and hands them out at start. Only plain, non-secret fields:
//! [`crate::model::Secret`] cannot be serialized, so a token can never be added by mistake.

use serde::{Deserialize, Serialize};

use crate::model::{CustomerDraft, Profile, RequestDraft};
use crate::screens::records::ColumnChoices;
use crate::screens::shared::{CompanyChoice, Screen, ThemeChoice};

use super::SageApp;

/// How often eframe saves while something changes (and so how old the newest unsaved edit
/// can be when the app is killed).
pub(super) const AUTO_SAVE: std::time::Duration = std::time::Duration::from_secs(1);

/// The key under which [`PersistedState`] is stored.
pub const STATE_KEY: &str = "sage200-desk/state";

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
    pub request_tabs: Vec<RequestDraft>,
    /// The index of the open tab.
    pub active_tab: usize,
    /// `OpenAPI` files the user imported into the endpoint catalogue (read again at start).
    pub openapi_files: Vec<std::path::PathBuf>,
    /// The customer form's draft, until the customer is saved or the draft discarded.
    pub customer_draft: Option<CustomerDraft>,
    /// The first-run welcome was answered or closed (it then waits in the Help menu).
    pub welcome_done: bool,
    /// The hidden columns of each request tab's answer table, by position in
    /// `request_tabs` (an entry missing: none hidden).
    pub request_hidden_columns: Vec<Vec<String>>,
    /// The list resource Browse showed (`customers` when empty).
    pub browse_resource: String,
    /// The columns chosen in Browse, per resource (empty: all).
    pub browse_columns: ColumnChoices,
    /// The columns chosen in the Customers list (empty: all; absent: the default ones).
    pub customer_columns: ColumnChoices,
    /// Saved views of lists (columns, search, filter, sort and grouping by name).
    pub saved_views: Vec<crate::model::SavedView>,
    /// The collection open in the request builder, and each tab's place in it.
    pub request_collection: crate::screens::request::CollectionPlaces,
}

/// The built-in profiles, with the demo server's first when there is one.
#[must_use]
pub fn merge_profiles(saved: &[Profile], demo_url: Option<&str>) -> Vec<Profile> {
    let mut profiles: Vec<Profile> = Vec::new();
    if let Some(url) = demo_url {
        // The demo server's port changes every run: its profile is rebuilt, not restored.
        profiles.push(Profile::demo(url));
    }
    for profile in saved.iter().filter(|p| p.name != "Demo") {
        profiles.push(profile.clone());
    }
    for builtin in [Profile::sage_professional(), Profile::sage_standard()] {
        if !profiles.iter().any(|p| p.name == builtin.name) {
            profiles.push(builtin);
        }
    }
    profiles
}

/// The profile to start with: the demo's under `--demo`, else the saved one while it still
/// exists, else the first.
pub(super) fn profile_in_use(
    saved: String,
    profiles: &[Profile],
    options: &super::StartOptions,
) -> String {
    if options.demo_url.is_some() {
        "Demo".to_owned()
    } else if profiles.iter().any(|p| p.name == saved) {
        saved
    } else {
        profiles.first().map(|p| p.name.clone()).unwrap_or_default()
    }
}

impl SageApp {
    /// A fingerprint of what [`Self::persisted`] would save, without copying it: when it
    /// differs from the last save, a frame is asked for so eframe's auto-save runs even in
    /// an idle window (which paints no frames of its own).
    pub(super) fn persisted_hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let shared = &self.cx.shared;
        (
            shared.screen,
            shared.theme,
            &shared.profile,
            &shared.profiles,
        )
            .hash(&mut hasher);
        self.company.state().remembered.hash(&mut hasher);
        for tab in &self.request.state().tabs {
            tab.draft.hash(&mut hasher);
        }
        self.request.state().active_tab.hash(&mut hasher);
        self.settings.state().openapi_files.hash(&mut hasher);
        self.customers.state().draft.hash(&mut hasher);
        self.welcome.state().done.hash(&mut hasher);
        for tab in &self.request.state().tabs {
            tab.hidden_columns.hash(&mut hasher);
            // Read in place: this runs every frame.
            tab.saved_as.hash(&mut hasher);
        }
        self.request.collection_dir().hash(&mut hasher);
        self.request.state().environment.hash(&mut hasher);
        let browse = self.browse.state();
        browse.query.resource.hash(&mut hasher);
        browse.remembered_columns.hash(&mut hasher);
        self.customers.list().remembered_columns.hash(&mut hasher);
        shared.views.hash(&mut hasher);
        hasher.finish()
    }

    /// The state to save: each screen's persisted part gathered into one document.
    #[must_use]
    pub fn persisted(&self) -> PersistedState {
        let shared = &self.cx.shared;
        let (request_tabs, active_tab) = self.request.drafts();
        PersistedState {
            screen: shared.screen,
            theme: shared.theme,
            profile: shared.profile.clone(),
            profiles: shared.profiles.clone(),
            companies: self.company.state().remembered.clone(),
            request_tabs,
            active_tab,
            openapi_files: self.settings.state().openapi_files.clone(),
            customer_draft: self.customers.state().draft.clone(),
            welcome_done: self.welcome.state().done,
            request_hidden_columns: self.request.hidden_columns(),
            browse_resource: self.browse.state().query.resource.clone(),
            browse_columns: self.browse.state().remembered_columns.clone(),
            customer_columns: self.customers.list().remembered_columns.clone(),
            saved_views: shared.views.clone(),
            request_collection: self.request.places(),
        }
    }
}
