//! The frame around every screen: top bar, left navigation and status bar.

use egui::{Align, Layout, RichText};

use crate::app::{
    AppState, AuthView, Command, CompanyChoice, KeyringView, Screen, ServerHealth, SitesView,
    ThemeChoice,
};
use crate::model::format_size;

use super::theme;

/// App name, profile, sign-in state, site and company, theme switch.
pub fn top_bar(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    egui::Panel::top("top_bar").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new(crate::APP_NAME).strong().size(16.0));
            ui.separator();
            profile_picker(ui, state, commands);
            ui.separator();
            sign_in_state(ui, state, commands);
            ui.separator();
            company_button(ui, state, commands);
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                super::help::menu(ui, state, commands);
                let dark = ui.visuals().dark_mode;
                let (icon, next, hint) = if dark {
                    ("☀", ThemeChoice::Light, "Switch to the light theme")
                } else {
                    ("🌙", ThemeChoice::Dark, "Switch to the dark theme")
                };
                if ui.button(icon).on_hover_text(hint).clicked() {
                    commands.push(Command::SetTheme(next));
                }
            });
        });
        ui.add_space(2.0);
    });
}

fn company_button(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    match (&state.company, &state.auth) {
        (Some(company), _) => {
            let text = format!("{} · {}", company.company_name, company.site_name);
            if ui
                .button(text)
                .on_hover_text(format!(
                    "Company {} on site {}. Click to choose another.",
                    company.company_id, company.site_id
                ))
                .clicked()
            {
                commands.push(Command::OpenCompanyPicker);
            }
        }
        (None, AuthView::SignedIn { .. }) => {
            if ui.button("Choose a company…").clicked() {
                commands.push(Command::OpenCompanyPicker);
            }
        }
        (None, _) => {
            ui.label(RichText::new("No company chosen").weak());
        }
    }
}

/// The site and company picker.
pub fn company_picker(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    if !state.picker_open || !matches!(state.auth, AuthView::SignedIn { .. }) {
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
                            let chosen = state.company.as_ref().is_some_and(|c| c.company_id == company.id && c.site_id == site.id);
                            if ui.selectable_label(chosen, &company.name).clicked() {
                                commands.push(Command::ChooseCompany(CompanyChoice {
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
            commands.push(Command::CloseCompanyPicker);
        }
    });
    if modal.should_close() {
        commands.push(Command::CloseCompanyPicker);
    }
    ui.data_mut(|d| d.insert_temp(search_id, search));
}

fn profile_picker(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    let label = ui.label("Profile:");
    let busy = matches!(state.auth, AuthView::Waiting { .. } | AuthView::Finishing);
    ui.add_enabled_ui(!busy, |ui| {
        egui::ComboBox::from_id_salt("profile")
            .selected_text(RichText::new(&state.persisted.profile).strong())
            .show_ui(ui, |ui| {
                for profile in &state.persisted.profiles {
                    let selected = profile.name == state.persisted.profile;
                    if ui.selectable_label(selected, &profile.name).clicked() && !selected {
                        commands.push(Command::SelectProfile(profile.name.clone()));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
}

fn sign_in_state(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    match &state.auth {
        AuthView::SignedOut { .. } => {
            ui.label("Not signed in");
            if ui
                .button("Sign in…")
                .on_hover_text("Sign in to Sage in your browser")
                .clicked()
            {
                commands.push(Command::SignIn);
            }
        }
        AuthView::Restoring => {
            ui.spinner();
            ui.label("Signing in…");
        }
        AuthView::Waiting { .. } | AuthView::Finishing => {
            ui.spinner();
            ui.label("Waiting for the browser…");
        }
        AuthView::SignedIn { user, expires_at } => {
            ui.label(format!("Signed in as {user}"));
            ui.label(RichText::new(expiry_text(*expires_at)).weak())
                .on_hover_text("The access token is renewed automatically before it expires.");
            if ui.button("Sign out").clicked() {
                commands.push(Command::SignOut);
            }
        }
    }
}

/// "token until 14:05" in local time: a fixed time, so nothing repaints to count down.
fn expiry_text(expires_at: Option<std::time::SystemTime>) -> String {
    expires_at.map_or_else(
        || "token expiry unknown".to_owned(),
        |at| {
            let local: chrono::DateTime<chrono::Local> = at.into();
            format!("token until {}", local.format("%H:%M"))
        },
    )
}

/// The window shown while the user signs in in the browser.
pub fn sign_in_dialog(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    let url = match &state.auth {
        AuthView::Waiting { url } => url.as_str(),
        AuthView::Finishing => "",
        _ => return,
    };
    egui::Modal::new(egui::Id::unique("sign_in_dialog")).show(ui.ctx(), |ui| {
        ui.set_width(460.0);
        ui.heading("Waiting for you in the browser…");
        ui.add_space(6.0);
        if url.is_empty() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Finishing sign-in…");
            });
        } else {
            ui.label("Finish signing in to Sage in your browser. If no browser opened, copy this address into one:");
            ui.add_space(4.0);
            egui::ScrollArea::vertical().max_height(90.0).show(ui, |ui| {
                ui.add(egui::Label::new(RichText::new(url).monospace().small()).wrap().selectable(true));
            });
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if !url.is_empty() && ui.button("Copy address").clicked() {
                ui.ctx().copy_text(url.to_owned());
            }
            if ui.button("Cancel").clicked() {
                commands.push(Command::CancelSignIn);
            }
        });
    });
}

/// A bar above the screen when a sign-in was lost.
pub fn notices(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    if let AuthView::SignedOut {
        notice: Some(notice),
    } = &state.auth
    {
        egui::Frame::new()
            .fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
            .inner_margin(8.0)
            .corner_radius(4.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(notice);
                    if ui.button("Sign in again").clicked() {
                        commands.push(Command::SignIn);
                    }
                });
            });
        ui.add_space(8.0);
    }
}

/// The list of screens.
pub fn navigation(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    egui::Panel::left("navigation")
        .resizable(false)
        .exact_size(170.0)
        .show(ui, |ui| {
            ui.add_space(8.0);
            for screen in Screen::ALL {
                let selected = state.persisted.screen == screen;
                let button = egui::Button::selectable(selected, screen.label())
                    .min_size(egui::vec2(ui.available_width(), 28.0));
                if ui.add(button).clicked() && !selected {
                    commands.push(Command::Navigate(screen));
                }
            }
        });
}

/// Activity, the last request and the current error.
pub fn status_bar(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    egui::Panel::bottom("status_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            match &state.health {
                ServerHealth::Checking => {
                    ui.spinner();
                    ui.label(format!("Checking {}…", state.server_label.to_lowercase()));
                }
                ServerHealth::Reachable => {
                    theme::status_dot(ui, theme::ok_color(ui)).on_hover_text("The server answered");
                    ui.label(format!("{} reachable", state.server_label));
                }
                ServerHealth::Unreachable(_) => {
                    theme::status_dot(ui, theme::error_color(ui));
                    ui.label(format!("{} unreachable", state.server_label));
                }
                ServerHealth::Unknown => {
                    ui.label(RichText::new("Offline").weak());
                }
            }
            if state
                .active_profile()
                .is_some_and(crate::model::Profile::uses_plain_http)
            {
                ui.separator();
                ui.label(RichText::new("Plain http: this computer only").weak())
                    .on_hover_text(
                        "Traffic to this server is not encrypted. The app allows that only for a server on this computer, such as the built-in demo server; every other server must use https with a valid certificate.",
                    );
            }
            if let KeyringView::Unavailable(reason) = &state.keyring {
                ui.separator();
                ui.colored_label(ui.visuals().warn_fg_color, "Sign-in will not be remembered")
                    .on_hover_text(format!(
                        "No system keyring is available ({reason}). Tokens are kept in memory for this run only, never in a file."
                    ));
            }
            if let Some(notice) = &state.notice {
                ui.separator();
                ui.colored_label(theme::ok_color(ui), notice);
            }
            if let Some(last) = &state.last_request {
                ui.separator();
                ui.label(format!(
                    "{} {} · {} {} · {} ms · {}",
                    last.method,
                    path_of(&last.url),
                    last.status,
                    last.reason,
                    last.elapsed.as_millis(),
                    format_size(last.size)
                ))
                .on_hover_text(&last.url);
            }
            if let Some(error) = &state.error {
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    if ui.small_button("Dismiss").clicked() {
                        commands.push(Command::DismissError);
                    }
                    ui.colored_label(theme::error_color(ui), &error.message)
                        .on_hover_text(&error.advice);
                });
            }
        });
    });
}

/// The path part of a URL, for a compact status line.
fn path_of(url: &str) -> &str {
    url.split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or(url)
}

#[cfg(test)]
mod tests {
    #[test]
    fn status_line_shows_the_path_only() {
        assert_eq!(
            super::path_of("http://127.0.0.1:9/_demo/health"),
            "/_demo/health"
        );
        assert_eq!(super::path_of("no-scheme"), "no-scheme");
    }
}
