//! The frame around every screen: top bar, left navigation and status bar.

use egui::{Align, Layout, RichText};

use crate::app::{AppState, Command, Screen, ServerHealth, ThemeChoice};
use crate::model::format_size;

use super::theme;

/// App name, profile, sign-in state, site and company, theme switch.
pub fn top_bar(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    egui::Panel::top("top_bar").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new(crate::APP_NAME).strong().size(16.0));
            ui.separator();
            ui.label("Profile:");
            ui.label(RichText::new(&state.server_label).strong());
            ui.separator();
            ui.label("Not signed in");
            ui.separator();
            ui.label(RichText::new("No company chosen").weak());
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
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
