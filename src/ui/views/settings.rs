//! Settings: appearance now; profiles and data locations join as they are built.

use crate::app::{AppState, Command, ThemeChoice};

/// Draws the settings screen.
pub fn show(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    ui.heading("Settings");
    ui.add_space(8.0);
    ui.label(egui::RichText::new("Appearance").strong());
    ui.horizontal(|ui| {
        for choice in ThemeChoice::ALL {
            if ui
                .radio(state.persisted.theme == choice, choice.label())
                .clicked()
            {
                commands.push(Command::SetTheme(choice));
            }
        }
    });
}
