//! Draws the Browse screen: the records list, or what to do first when there is no
//! company to browse yet.

use crate::screens::records::{ListState, view::list_screen};
use crate::screens::shared::Shared;
use crate::ui::placeholder;

use super::Command;

/// Draws the Browse screen.
pub fn show(ui: &mut egui::Ui, list: &ListState, shared: &Shared, commands: &mut Vec<Command>) {
    if !shared.has_company() {
        placeholder::show(
            ui,
            "Browse records",
            "Sign in and choose a company to browse customers, suppliers, products, orders and more as tables.",
        );
        return;
    }
    list_screen(ui, list, shared, commands, |_, _| {});
}
