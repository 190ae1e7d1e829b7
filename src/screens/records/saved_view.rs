//! The "Views…" menu of a records list: the saved views of the resource shown, to open or
//! delete (after a second click), and the list as it is now saved under a name.

use egui::RichText;

use crate::model::{SavedView, same_name, view_name_problem};
use crate::screens::shared::Shared;

use super::state::columns_key;
use super::{Command, ListState};

/// "Views…": the resource's saved views and "Save this view".
pub fn views_menu(
    ui: &mut egui::Ui,
    list: &ListState,
    shared: &Shared,
    commands: &mut Vec<Command>,
) {
    let resource = columns_key(&list.query.resource);
    let views: Vec<&SavedView> = shared
        .views
        .iter()
        .filter(|v| v.resource == resource)
        .collect();
    let title = if views.is_empty() {
        "Views…".to_owned()
    } else {
        format!("Views ({})…", views.len())
    };
    // Clicks inside (the name field, "Delete…") keep it open; outside, it closes.
    let config = egui::containers::menu::MenuConfig::new()
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
    let (button, _) = egui::containers::menu::MenuButton::new(title)
        .config(config)
        .ui(ui, |ui| {
            ui.set_min_width(260.0);
            if views.is_empty() {
                ui.label(RichText::new("No saved views of this list yet.").weak());
            }
            let confirm_id = egui::Id::unique(("view_delete", list.which));
            let mut confirming: Option<String> = ui.data(|d| d.get_temp(confirm_id));
            for view in &views {
                ui.horizontal(|ui| {
                    if ui
                        .button(&view.name)
                        .on_hover_text(describe(view))
                        .clicked()
                    {
                        commands.push(Command::OpenView(view.name.clone()));
                        ui.close();
                    }
                    let asked = confirming
                        .as_deref()
                        .is_some_and(|n| same_name(n, &view.name));
                    if asked {
                        if ui.button("Really delete").clicked() {
                            commands.push(Command::DeleteView(view.name.clone()));
                            confirming = None;
                        }
                        if ui.button("Keep").clicked() {
                            confirming = None;
                        }
                    } else if ui
                        .small_button("Delete…")
                        .on_hover_text(format!("Delete the view “{}”", view.name))
                        .clicked()
                    {
                        confirming = Some(view.name.clone());
                    }
                });
            }
            ui.data_mut(|d| match &confirming {
                Some(name) => {
                    d.insert_temp(confirm_id, name.clone());
                }
                None => d.remove::<String>(confirm_id),
            });
            ui.separator();
            save_row(ui, list, &views, commands);
        });
    button.on_hover_text("Saved columns, search, filter, sort and groups of this list");
}

/// The name field and "Save" (or "Replace", for a name already in use).
fn save_row(
    ui: &mut egui::Ui,
    list: &ListState,
    views: &[&SavedView],
    commands: &mut Vec<Command>,
) {
    let name_id = egui::Id::unique(("view_name", list.which));
    let mut name: String = ui.data(|d| d.get_temp(name_id)).unwrap_or_default();
    let label = ui.label("Save this view as");
    let field = ui
        .add(egui::TextEdit::singleline(&mut name).hint_text("e.g. Over credit limit"))
        .labelled_by(label.id);
    let problem = view_name_problem(&name);
    let exists = views.iter().any(|v| same_name(&v.name, &name));
    let action = if exists { "Replace" } else { "Save" };
    let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    ui.horizontal(|ui| {
        let clicked = ui
            .add_enabled(problem.is_none(), egui::Button::new(action))
            .clicked();
        if (clicked || enter) && problem.is_none() {
            commands.push(Command::SaveView(name.trim().to_owned()));
            name.clear();
        }
        if let Some(problem) = problem.filter(|_| !name.is_empty()) {
            ui.label(RichText::new(problem).color(ui.visuals().warn_fg_color));
        }
    });
    ui.data_mut(|d| d.insert_temp(name_id, name));
}

/// What a view holds, in words, for its tooltip.
fn describe(view: &SavedView) -> String {
    let mut parts = Vec::new();
    parts.push(if view.columns.is_empty() {
        "every column".to_owned()
    } else {
        format!("{} columns", view.columns.len())
    });
    if !view.search.trim().is_empty() {
        parts.push(format!("search “{}”", view.search.trim()));
    }
    if !view.filter.items.is_empty() {
        parts.push(match view.filter.to_odata() {
            Ok(Some(text)) => format!("filter {text}"),
            _ => "a filter".to_owned(),
        });
    }
    if let Some((field, descending)) = &view.sort {
        parts.push(format!(
            "sorted by {field} {}",
            if *descending { "desc" } else { "asc" }
        ));
    }
    if let Some(group) = &view.group_by {
        parts.push(format!("grouped by {group}"));
    }
    parts.join(", ")
}
