//! History: every request sent, newest first, searchable, and re-openable in a new tab.

use egui::RichText;

use crate::model::format_size;
use crate::ui::theme;

use super::{Command, State};

/// Draws the history screen.
pub fn show(ui: &mut egui::Ui, state: &State, commands: &mut Vec<Command>) {
    ui.heading("History");
    if state.entries.is_empty() {
        ui.add_space(8.0);
        ui.label(RichText::new("Requests you send appear here, newest first.").weak());
        return;
    }
    let search_id = egui::Id::unique("history_search");
    let mut search: String = ui.data(|d| d.get_temp(search_id)).unwrap_or_default();
    ui.horizontal(|ui| {
        let label = ui.label("Search");
        ui.add(
            egui::TextEdit::singleline(&mut search)
                .hint_text("path, URL or status")
                .desired_width(320.0),
        )
        .labelled_by(label.id);
        ui.label(RichText::new(format!("{} requests kept", state.entries.len())).weak());
    });
    ui.data_mut(|d| d.insert_temp(search_id, search.clone()));
    ui.add_space(4.0);
    let matching: Vec<usize> = (0..state.entries.len())
        .filter(|&i| state.entries[i].matches(&search))
        .collect();
    if matching.is_empty() {
        ui.label(RichText::new("No request matches the search.").weak());
        return;
    }
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 10.0;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_rows(ui, row_height, matching.len(), |ui, range| {
            for &index in &matching[range] {
                let entry = &state.entries[index];
                ui.horizontal(|ui| {
                    let colour = if entry.status != 0 && entry.status < 400 {
                        theme::ok_color(ui)
                    } else {
                        theme::error_color(ui)
                    };
                    ui.colored_label(colour, RichText::new(entry.status.to_string()).monospace());
                    ui.label(RichText::new(entry.draft.title()).strong());
                    ui.label(
                        RichText::new(format!(
                            "{} ms · {}",
                            entry.elapsed_ms,
                            format_size(entry.size)
                        ))
                        .weak(),
                    );
                    ui.label(RichText::new(when(entry.sent_at)).weak());
                    if ui.small_button("Open").on_hover_text(&entry.url).clicked() {
                        commands.push(Command::Open(index));
                    }
                });
            }
        });
}

/// "2026-11-28 14:05" in local time.
fn when(unix_seconds: u64) -> String {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix_seconds);
    let local: chrono::DateTime<chrono::Local> = at.into();
    local.format("%Y-%m-%d %H:%M").to_string()
}
