//! The screens behind the navigation.

mod browse;
mod customers;
mod filter_builder;
mod history;
mod placeholder;
mod record_view;
mod request_builder;
mod settings;

use crate::app::{AppState, Command, Screen};

/// Draws the open screen.
pub fn show(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    match state.persisted.screen {
        Screen::Browse => browse::show(ui, state, commands),
        Screen::Customers => customers::show(ui, state, commands),
        Screen::RequestBuilder => request_builder::show(ui, state, commands),
        Screen::History => history::show(ui, state, commands),
        Screen::Settings => settings::show(ui, state, commands),
    }
}
