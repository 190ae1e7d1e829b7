//! Site and company: `GET sites` after sign-in, the one company chosen by itself or the
//! remembered choice, else the picker. The choice goes into every call as `X-Site` and
//! `X-Company` ([`crate::app::Services::company_scope`]) and is remembered per profile.

mod update;
pub mod view;

pub use update::CompanyPicker;

use std::collections::BTreeMap;

use crate::screens::shared::{CompanyChoice, UserError};

/// What the company picker is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Show the picker.
    Open,
    /// Hide it.
    Close,
    /// Fetch the sites (again).
    ReloadSites,
    /// Work with this company from now on.
    Choose(CompanyChoice),
    /// Signed out or switched profile: drop the sites and any fetch in flight.
    Forget,
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

/// What the picker shows, and the choices it remembers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// The sites and companies the user may open.
    pub sites: SitesView,
    /// Whether the picker is open.
    pub open: bool,
    /// The company last chosen, per profile name (persisted).
    pub remembered: BTreeMap<String, CompanyChoice>,
}
