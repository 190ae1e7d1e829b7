//! The site and company picker: the companies `GET sites` lists, grouped by site and
//! searchable; loading, failure and "no companies" each say what to do.

use egui::RichText;

use crate::screens::shared::{AuthView, CompanyChoice, Shared};
use crate::ui::theme;

use super::{Command, SitesView, State};

/// The site and company picker.
pub fn show(ui: &mut egui::Ui, state: &State, shared: &Shared, commands: &mut Vec<Command>) {
    if !state.open || !matches!(shared.auth, AuthView::SignedIn { .. }) {
        return;
    }
    let search_id = egui::Id::unique("company_search");
    let mut search: String = ui.data(|d| d.get_temp(search_id)).unwrap_or_default();
    let modal = egui::Modal::new(egui::Id::unique("company_picker")).show(ui.ctx(), |ui| {
        ui.set_width(440.0);
        ui.heading("Choose a company");
        ui.add_space(6.0);
        match &state.sites {
            SitesView::Idle | SitesView::Loading => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Loading your companies…");
                });
            }
            SitesView::Failed(error) => {
                ui.colored_label(theme::error_color(ui), &error.message);
                ui.label(&error.advice);
                if ui.button("Retry").clicked() {
                    commands.push(Command::ReloadSites);
                }
            }
            SitesView::Loaded(sites) if sites.is_empty() => {
                ui.label("No companies are available to this user.");
                ui.label(
                    RichText::new(
                        "On Sage 200 Professional an empty list often means Sage cannot reach your company's server (its connection to it is down). Try again in a while, or ask your administrator.",
                    )
                    .weak(),
                );
                if ui.button("Retry").clicked() {
                    commands.push(Command::ReloadSites);
                }
            }
            SitesView::Loaded(sites) => {
                let label = ui.label("Search companies");
                ui.add(egui::TextEdit::singleline(&mut search).hint_text("company or site name").desired_width(f32::INFINITY))
                    .labelled_by(label.id);
                ui.add_space(4.0);
                let needle = search.trim().to_lowercase();
                egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                    let mut shown = 0;
                    for site in sites {
                        let site_matches = site.name.to_lowercase().contains(&needle);
                        let companies: Vec<_> = site
                            .companies
                            .iter()
                            .filter(|c| site_matches || c.name.to_lowercase().contains(&needle))
                            .collect();
                        if companies.is_empty() {
                            continue;
                        }
                        ui.add_space(4.0);
                        ui.label(RichText::new(&site.name).strong());
                        for company in companies {
                            shown += 1;
                            let chosen = shared.company.as_ref().is_some_and(|c| c.company_id == company.id && c.site_id == site.id);
                            if ui.selectable_label(chosen, &company.name).clicked() {
                                commands.push(Command::Choose(CompanyChoice {
                                    site_id: site.id.clone(),
                                    site_name: site.name.clone(),
                                    company_id: company.id,
                                    company_name: company.name.clone(),
                                }));
                            }
                        }
                    }
                    if shown == 0 {
                        ui.label(RichText::new("No company matches the search.").weak());
                    }
                });
            }
        }
        ui.add_space(8.0);
        if ui.button("Close").clicked() {
            commands.push(Command::Close);
        }
    });
    if modal.should_close() {
        commands.push(Command::Close);
    }
    ui.data_mut(|d| d.insert_temp(search_id, search));
}
