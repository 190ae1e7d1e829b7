//! The company picker's work: fetching `sites`, choosing the remembered or only company,
//! and recording a choice (which bumps the company generation, so lists reload).

use crate::api::{self, ApiError};
use crate::app::{Services, Task, finished};
use crate::model::SiteCompany;
use crate::screens::shared::{CompanyChoice, UserError};

use super::{Command, SitesView, State};

/// The company picker and its `sites` call.
#[derive(Default)]
pub struct CompanyPicker {
    state: State,
    sites: Option<Task<Result<api::Answer<Vec<SiteCompany>>, ApiError>>>,
}

impl CompanyPicker {
    /// The picker with the choices remembered from the last run.
    #[must_use]
    pub fn new(remembered: std::collections::BTreeMap<String, CompanyChoice>) -> Self {
        Self {
            state: State {
                remembered,
                ..State::default()
            },
            sites: None,
        }
    }

    /// What the view draws.
    #[must_use]
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Handles one of the picker's commands.
    pub fn handle(&mut self, cx: &mut Services, command: Command) {
        match command {
            Command::Open => self.state.open = true,
            Command::Close => self.state.open = false,
            Command::ReloadSites => self.start_sites(cx),
            Command::Choose(choice) => self.choose(cx, choice),
            Command::Forget => {
                self.sites = None;
                self.state.sites = SitesView::Idle;
            }
        }
    }

    fn start_sites(&mut self, cx: &Services) {
        let Some(client) = cx.client.clone() else {
            return;
        };
        self.state.sites = SitesView::Loading;
        self.sites = Some(cx.spawn(async move { client.sites().await }));
    }

    fn finish_sites(
        &mut self,
        cx: &mut Services,
        result: Result<api::Answer<Vec<SiteCompany>>, ApiError>,
    ) {
        match result {
            Ok(answer) => {
                let sites = crate::model::group_sites(&answer.body);
                cx.shared.last_request = Some(answer.meta);
                let remembered = self.state.remembered.get(&cx.shared.profile).cloned();
                let available = |c: &CompanyChoice| {
                    sites.iter().any(|s| {
                        s.id == c.site_id && s.companies.iter().any(|co| co.id == c.company_id)
                    })
                };
                let only = match sites.as_slice() {
                    [site] if site.companies.len() == 1 => Some(CompanyChoice {
                        site_id: site.id.clone(),
                        site_name: site.name.clone(),
                        company_id: site.companies[0].id,
                        company_name: site.companies[0].name.clone(),
                    }),
                    _ => None,
                };
                let choice = remembered.filter(available).or(only);
                self.state.sites = SitesView::Loaded(sites);
                match choice {
                    Some(choice) => self.choose(cx, choice),
                    None => self.state.open = true,
                }
            }
            Err(error) => {
                if matches!(error, ApiError::SignIn { .. }) {
                    cx.sign_in_lost(&error);
                }
                self.state.sites = SitesView::Failed(UserError::from(&error));
            }
        }
    }

    fn choose(&mut self, cx: &mut Services, choice: CompanyChoice) {
        if cx.shared.company.as_ref() != Some(&choice) {
            cx.shared.company_generation += 1;
            // Names of another company's records must not label this one's ids.
            cx.shared.links.for_generation(cx.shared.company_generation);
        }
        tracing::info!(company = choice.company_id, site = %choice.site_id, "company chosen");
        self.state
            .remembered
            .insert(cx.shared.profile.clone(), choice.clone());
        cx.shared.company = Some(choice);
        self.state.open = false;
    }

    /// Takes the `sites` answer once it is in.
    pub fn poll(&mut self, cx: &mut Services) {
        if let Some(result) = finished(&mut self.sites) {
            self.finish_sites(cx, result);
        }
    }
}
