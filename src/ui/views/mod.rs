//! The screens behind the navigation.

mod filter_builder;
mod history;
mod placeholder;
mod request_builder;
mod settings;

use crate::app::{AppState, Command, Screen};

/// Draws the open screen.
pub fn show(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    match state.persisted.screen {
        Screen::Browse => placeholder::show(
            ui,
            "Browse records",
            "Sign in and choose a company to browse customers, suppliers, products, orders and more as tables.",
        ),
        Screen::Customers => placeholder::show(
            ui,
            "Customers",
            "Sign in and choose a company to list, inspect and create customers.",
        ),
        Screen::RequestBuilder => request_builder::show(ui, state, commands),
        Screen::History => history::show(ui, state, commands),
        Screen::Settings => settings::show(ui, state, commands),
    }
}
