//! The frame around every screen: top bar, left navigation and status bar.

use egui::{Align, Layout, RichText};

use crate::model::format_size;
use crate::screens::shared::{AuthView, KeyringView, Screen, Shared, ThemeChoice};
use crate::ui::theme;

use super::{Command, ServerHealth, State};

/// App name, profile, sign-in state, site and company, theme switch.
pub fn top_bar(ui: &mut egui::Ui, shared: &Shared, commands: &mut Vec<Command>) {
    egui::Panel::top("top_bar").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new(crate::APP_NAME).strong().size(16.0));
            ui.separator();
            profile_picker(ui, shared, commands);
            ui.separator();
            sign_in_state(ui, shared, commands);
            ui.separator();
            company_button(ui, shared, commands);
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                super::help_view::menu(ui, shared, commands);
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

fn company_button(ui: &mut egui::Ui, shared: &Shared, commands: &mut Vec<Command>) {
    match (&shared.company, &shared.auth) {
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

fn profile_picker(ui: &mut egui::Ui, shared: &Shared, commands: &mut Vec<Command>) {
    let label = ui.label("Profile:");
    let busy = matches!(shared.auth, AuthView::Waiting { .. } | AuthView::Finishing);
    ui.add_enabled_ui(!busy, |ui| {
        egui::ComboBox::from_id_salt("profile")
            .selected_text(RichText::new(&shared.profile).strong())
            .show_ui(ui, |ui| {
                for profile in &shared.profiles {
                    let selected = profile.name == shared.profile;
                    if ui.selectable_label(selected, &profile.name).clicked() && !selected {
                        commands.push(Command::SelectProfile(profile.name.clone()));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
}

fn sign_in_state(ui: &mut egui::Ui, shared: &Shared, commands: &mut Vec<Command>) {
    match &shared.auth {
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
        AuthView::SignedIn {
            user,
            expires_at,
            lapses_at,
        } => {
            ui.label(format!("Signed in as {user}"));
            let lapse = lapses_at.map_or_else(String::new, |at| {
                let local: chrono::DateTime<chrono::Local> = at.into();
                format!(
                    " The sign-in itself lasts until {}; then sign in again in the browser.",
                    local.format("%Y-%m-%d %H:%M")
                )
            });
            ui.label(RichText::new(expiry_text(*expires_at)).weak())
                .on_hover_text(format!(
                    "The access token is renewed automatically before it expires.{lapse}"
                ));
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

/// The list of screens.
pub fn navigation(ui: &mut egui::Ui, shared: &Shared, commands: &mut Vec<Command>) {
    egui::Panel::left("navigation")
        .resizable(false)
        .exact_size(170.0)
        .show(ui, |ui| {
            ui.add_space(8.0);
            for screen in Screen::ALL {
                let selected = shared.screen == screen;
                let button = egui::Button::selectable(selected, screen.label())
                    .min_size(egui::vec2(ui.available_width(), 28.0));
                if ui.add(button).clicked() && !selected {
                    commands.push(Command::Navigate(screen));
                }
            }
        });
}

/// Activity, the last request and the current error.
pub fn status_bar(ui: &mut egui::Ui, state: &State, shared: &Shared, commands: &mut Vec<Command>) {
    egui::Panel::bottom("status_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            match &state.health {
                ServerHealth::Checking => {
                    ui.spinner();
                    ui.label(format!("Checking {}…", shared.server_label().to_lowercase()));
                }
                ServerHealth::Reachable => {
                    theme::status_dot(ui, theme::ok_color(ui)).on_hover_text("The server answered");
                    ui.label(format!("{} reachable", shared.server_label()));
                }
                ServerHealth::Unreachable(_) => {
                    theme::status_dot(ui, theme::error_color(ui));
                    ui.label(format!("{} unreachable", shared.server_label()));
                }
                ServerHealth::Unknown => {
                    ui.label(RichText::new("Offline").weak());
                }
            }
            if shared
                .active_profile()
                .is_some_and(crate::model::Profile::uses_plain_http)
            {
                ui.separator();
                ui.label(RichText::new("Plain http: this computer only").weak())
                    .on_hover_text(
                        "Traffic to this server is not encrypted. The app allows that only for a server on this computer, such as the built-in demo server; every other server must use https with a valid certificate.",
                    );
            }
            if let KeyringView::Unavailable(reason) = &shared.keyring {
                ui.separator();
                ui.colored_label(ui.visuals().warn_fg_color, "Sign-in will not be remembered")
                    .on_hover_text(format!(
                        "No system keyring is available ({reason}). Tokens are kept in memory for this run only, never in a file."
                    ));
            }
            if let Some(notice) = &shared.notice {
                ui.separator();
                ui.colored_label(theme::ok_color(ui), notice);
            }
            if let Some(last) = &shared.last_request {
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
            if let Some(error) = &shared.error {
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
