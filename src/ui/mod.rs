//! Everything drawn with egui: theme, the shell (top bar, navigation, status bar) and the
//! screens. Views read [`crate::app::AppState`] and push [`crate::app::Command`]s; they never
//! do I/O (no reqwest, tokio, file access or `await` here).

mod help;
mod json_highlight;
mod shell;
pub mod shortcuts;
pub mod theme;
mod views;
mod welcome;

use crate::app::{AppState, Command};

/// Draws the whole window for one frame, collecting what the user asked for in `commands`.
pub fn show(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    if ui.input_mut(|i| i.consume_shortcut(&shortcuts::QUIT)) {
        commands.push(Command::Quit);
    }
    if ui.input_mut(|i| i.consume_shortcut(&shortcuts::HELP)) {
        commands.push(Command::ShowHelp(crate::app::HelpWindow::Shortcuts));
    }
    shell::top_bar(ui, state, commands);
    shell::status_bar(ui, state, commands);
    shell::navigation(ui, state, commands);
    egui::CentralPanel::default().show(ui, |ui| {
        shell::notices(ui, state, commands);
        views::show(ui, state, commands);
    });
    welcome::show(ui, state, commands);
    shell::sign_in_dialog(ui, state, commands);
    shell::company_picker(ui, state, commands);
    help::window(ui, state, commands);
}
