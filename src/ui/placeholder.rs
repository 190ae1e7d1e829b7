//! A centred empty state: what the screen is for and what to do first.

use egui::RichText;

/// Draws a heading and an explanation in the middle of the available space.
pub fn show(ui: &mut egui::Ui, heading: &str, explanation: &str) {
    ui.vertical_centered(|ui| {
        ui.add_space((ui.available_height() * 0.3).max(24.0));
        ui.label(RichText::new(heading).heading());
        ui.add_space(6.0);
        ui.add(egui::Label::new(RichText::new(explanation).weak()).wrap());
    });
}
