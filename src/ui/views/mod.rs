//! The screens behind the navigation.

mod placeholder;
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
        Screen::RequestBuilder => placeholder::show(
            ui,
            "Request builder",
            "Compose a request to any Sage 200 endpoint and read the answer as a tree, a table or text.",
        ),
        Screen::History => placeholder::show(
            ui,
            "History",
            "Requests you send appear here, newest first.",
        ),
        Screen::Settings => settings::show(ui, state, commands),
    }
}
