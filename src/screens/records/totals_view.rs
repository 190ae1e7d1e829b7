//! Lines drawn around the records table: the money columns' totals, and the commands the
//! table's links ask for.

use egui::RichText;

use crate::model::field_label;
use crate::ui::record_view;

use super::view::thousands;
use super::{Command, Totals};

/// The money columns' totals over the rows in the table, in one line under the paging:
/// "Totals of the 100 rows shown: Balance 1,234.56 · Credit limit 9,000.00".
pub fn totals_line(ui: &mut egui::Ui, totals: &Totals, columns: &[String]) {
    if totals.columns.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        let over = if totals.everything {
            format!(
                "Totals of all {} matching records:",
                thousands(totals.rows as u64)
            )
        } else {
            format!(
                "Totals of the {} rows shown:",
                thousands(totals.rows as u64)
            )
        };
        ui.label(RichText::new(over).weak());
        for (n, total) in totals.columns.iter().enumerate() {
            if n > 0 {
                ui.label(RichText::new("·").weak());
            }
            let name = columns
                .get(total.column)
                .map_or_else(String::new, |c| field_label(c));
            let amount =
                crate::model::format_money(&total.sum).unwrap_or_else(|| total.sum.clone());
            ui.label(RichText::new(format!("{name} {amount}")).strong())
                .on_hover_text(format!("{} values added up exactly", total.counted))
                .widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::accesskit::Role::Label,
                        true,
                        format!("Total {name}: {amount}"),
                    )
                });
        }
    });
}

/// Turns what the links of a frame asked for into commands: a record to open, names to
/// look up (each once).
pub fn follow(links: record_view::Links, commands: &mut Vec<Command>) {
    if let Some((resource, id)) = links.open {
        commands.push(Command::OpenRecord { resource, id });
    }
    let mut unnamed = links.unnamed;
    unnamed.sort_unstable();
    unnamed.dedup();
    if !unnamed.is_empty() {
        commands.push(Command::NameLinks(unnamed));
    }
}
