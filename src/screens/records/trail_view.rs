//! Drill-down drawing: the Back and Forward buttons with the breadcrumb of places visited,
//! their keyboard and mouse shortcuts, and the detail pane's "Related" links from a record
//! to the lists that name it (its transactions, orders, postings).

use egui::RichText;
use serde_json::Value;

use crate::screens::shared::Shared;
use crate::ui::shortcuts;

use super::{Command, Trail};

/// The longest breadcrumb title shown whole (longer ones end in "…", whole on hover).
const TITLE_CHARS: usize = 36;

/// Draws Back, Forward and the breadcrumb (only once a link has been followed).
pub fn trail_bar(ui: &mut egui::Ui, trail: &Trail, commands: &mut Vec<Command>) {
    if trail.places.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        let back = ui
            .add_enabled(trail.can_go_back(), egui::Button::new("◀ Back"))
            .on_hover_text(format!(
                "Back ({}, or the mouse's back button)",
                ui.ctx().format_shortcut(&shortcuts::BACK)
            ));
        if back.clicked() {
            commands.push(Command::Back);
        }
        let forward = ui
            .add_enabled(trail.can_go_forward(), egui::Button::new("Forward ▶"))
            .on_hover_text(format!(
                "Forward ({}, or the mouse's forward button)",
                ui.ctx().format_shortcut(&shortcuts::FORWARD)
            ));
        if forward.clicked() {
            commands.push(Command::Forward);
        }
        ui.separator();
        for (index, place) in trail.places.iter().enumerate() {
            if index > 0 {
                ui.label(RichText::new("›").weak());
            }
            let title = short(&place.title);
            // Screen readers hear where the place is in the trail.
            let spoken = format!(
                "{}, place {} of {}",
                place.title,
                index + 1,
                trail.places.len()
            );
            if index == trail.at {
                ui.label(RichText::new(title).strong())
                    .on_hover_text(&place.title)
                    .widget_info(|| {
                        egui::WidgetInfo::labeled(egui::accesskit::Role::Label, true, &spoken)
                    });
            } else {
                let link = ui
                    .link(title)
                    .on_hover_text(format!("Go to {}", place.title));
                link.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::accesskit::Role::Link, true, &spoken)
                });
                if link.clicked() {
                    commands.push(Command::GoTo(index));
                }
            }
        }
    });
    ui.add_space(2.0);
}

fn short(title: &str) -> String {
    if title.chars().count() <= TITLE_CHARS {
        title.to_owned()
    } else {
        let kept: String = title.chars().take(TITLE_CHARS - 1).collect();
        format!("{kept}…")
    }
}

/// Back and Forward from the keyboard (`Alt+←`, `Alt+→`) and the mouse's side buttons,
/// while no text field has the keyboard (where `Alt+←` moves the cursor).
pub fn navigation_keys(ui: &mut egui::Ui, trail: &Trail, commands: &mut Vec<Command>) {
    if trail.places.is_empty() || ui.ctx().text_edit_focused() {
        return;
    }
    let (back, forward) = ui.input_mut(|i| {
        (
            i.consume_shortcut(&shortcuts::BACK)
                || i.pointer.button_pressed(egui::PointerButton::Extra1),
            i.consume_shortcut(&shortcuts::FORWARD)
                || i.pointer.button_pressed(egui::PointerButton::Extra2),
        )
    });
    if back && trail.can_go_back() {
        commands.push(Command::Back);
    } else if forward && trail.can_go_forward() {
        commands.push(Command::Forward);
    }
}

/// The detail pane's links from `record` (of the list at `path`) to the lists related to
/// it, from the catalogue ([`crate::api::Catalogue::related`]).
pub fn related(
    ui: &mut egui::Ui,
    shared: &Shared,
    path: &str,
    record: &Value,
    commands: &mut Vec<Command>,
) {
    let related = shared.catalogue.related(path);
    let links: Vec<_> = related
        .iter()
        .filter_map(|r| {
            let value = record.get(&r.value_from)?.as_i64()?;
            Some((r, value))
        })
        .collect();
    if links.is_empty() {
        return;
    }
    let name = crate::model::record_label(record);
    egui::CollapsingHeader::new(RichText::new("Related").strong())
        .id_salt(("related", path))
        .default_open(true)
        .show(ui, |ui| {
            for (related, value) in links {
                let title = match &name {
                    Some(name) => format!("{} ({name})", related.title),
                    None => related.title.clone(),
                };
                let hover = match &related.field {
                    Some(field) => format!("{}: {field} = {value}", related.path),
                    None => related.path.replace("{id}", &value.to_string()),
                };
                if ui.link(&related.title).on_hover_text(hover).clicked() {
                    commands.push(Command::Drill {
                        path: related.path.replace("{id}", &value.to_string()),
                        filter: related.field.clone().map(|f| (f, value)),
                        title,
                    });
                }
            }
        });
}
