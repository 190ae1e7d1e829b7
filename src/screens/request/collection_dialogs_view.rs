//! The collection tree's dialogs: rename, delete (confirmed, naming what goes), a new
//! folder, and "Save as…" (a name and a folder). What is being asked is kept in egui's
//! memory until it is answered or cancelled.

use egui::RichText;

use crate::model::TreeChange;

use super::{Command, State};

/// A question the collection tree is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Dialog {
    /// A new name for the item at `at`.
    Rename { at: Vec<usize>, name: String },
    /// Whether to delete the item at `at`, called `name`.
    Delete { at: Vec<usize>, name: String },
    /// A new folder's name, in the folder at `folder`.
    NewFolder { folder: Vec<usize>, name: String },
    /// The open tab's request saved as a new one: its name and folder.
    SaveAs { folder: Vec<usize>, name: String },
}

fn id() -> egui::Id {
    egui::Id::unique("collection_dialog")
}

impl Dialog {
    /// The item (or folder) the dialog is about.
    fn place(&self) -> &[usize] {
        match self {
            Self::Rename { at, .. } | Self::Delete { at, .. } => at,
            Self::NewFolder { folder, .. } | Self::SaveAs { folder, .. } => folder,
        }
    }
}

/// Asks `dialog` about an item of `collection` (from the next frame on). The names of
/// the folders down to that item are kept with it: if the tree changes meanwhile (git,
/// an editor), the dialog says so instead of acting on whatever is at that place now.
pub(super) fn open(ui: &egui::Ui, dialog: Dialog, collection: &crate::model::Collection) {
    let names = collection.names_at(dialog.place()).unwrap_or_default();
    ui.data_mut(|d| d.insert_temp(id(), (dialog, names)));
}

/// Draws the open dialog, if any.
pub(super) fn show(ui: &mut egui::Ui, state: &State, commands: &mut Vec<Command>) {
    let Some((mut dialog, mut names)) = ui.data(|d| d.get_temp::<(Dialog, Vec<String>)>(id()))
    else {
        return;
    };
    let Some(open) = &state.collection else {
        ui.data_mut(|d| d.remove::<(Dialog, Vec<String>)>(id()));
        return;
    };
    let mut done = false;
    let moved = open.collection.names_at(dialog.place()).as_ref() != Some(&names);
    let modal = egui::Modal::new(egui::Id::unique("collection_dialog_modal")).show(ui.ctx(), |ui| {
        ui.set_width(380.0);
        if moved {
            ui.heading("Changed meanwhile");
            ui.label(format!(
                "\"{}\" is no longer where it was: the collection changed on disk. Nothing was done; try again from the tree.",
                names.last().map_or("The collection", String::as_str)
            ));
            done = ui.button("OK").clicked();
            return;
        }
        match &mut dialog {
            Dialog::Rename { at, name } => {
                let was = open.collection.item_at(at).map_or("", crate::model::Item::name);
                ui.heading(format!("Rename \"{was}\""));
                let ok = name_field(ui, "New name", name);
                done = buttons(ui, "Rename", !name.trim().is_empty(), ok).map(|go| {
                    if go {
                        commands.push(Command::ChangeTree(TreeChange::Rename { at: at.clone(), name: name.clone() }));
                    }
                }).is_some();
            }
            Dialog::Delete { at, name } => {
                ui.heading(format!("Delete \"{name}\""));
                let what = match open.collection.item_at(at) {
                    Some(crate::model::Item::Folder(f)) => format!(
                        "Delete the folder \"{name}\" and the {} requests in it? Their files are removed from {}.",
                        count_requests(&f.items),
                        open.dir.display()
                    ),
                    _ => format!("Delete \"{name}\"? Its file is removed from {}.", open.dir.display()),
                };
                ui.label(what);
                ui.label(RichText::new("If the folder is in git, the file can be brought back from there.").weak());
                done = buttons(ui, "Delete", true, false).map(|go| {
                    if go {
                        commands.push(Command::ChangeTree(TreeChange::Delete(at.clone())));
                    }
                }).is_some();
            }
            Dialog::NewFolder { folder, name } => {
                ui.heading("New folder");
                let ok = name_field(ui, "Folder name", name);
                done = buttons(ui, "Make folder", !name.trim().is_empty(), ok).map(|go| {
                    if go {
                        commands.push(Command::ChangeTree(TreeChange::NewFolder { folder: folder.clone(), name: name.clone() }));
                    }
                }).is_some();
            }
            Dialog::SaveAs { folder, name } => {
                ui.heading("Save request as");
                let ok = name_field(ui, "Request name", name);
                ui.horizontal(|ui| {
                    let label = ui.label("In folder");
                    let folders = open.collection.folders();
                    let shown = folders
                        .iter()
                        .find(|(place, _)| place == folder)
                        .map_or_else(|| "Top of the collection".to_owned(), |(_, names)| names.join(" / "));
                    egui::ComboBox::from_id_salt("save_as_folder")
                        .selected_text(shown)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(folder, Vec::new(), "Top of the collection");
                            for (place, names) in folders {
                                ui.selectable_value(folder, place, names.join(" / "));
                            }
                        })
                        .response
                        .labelled_by(label.id);
                });
                done = buttons(ui, "Save", true, ok).map(|go| {
                    if go {
                        commands.push(Command::SaveRequestAs {
                            tab: state.active_tab,
                            folder: folder.clone(),
                            name: name.clone(),
                        });
                    }
                }).is_some();
            }
        }
    });
    if let Dialog::SaveAs { folder, .. } = &dialog {
        // The folder chosen in the list: its names are what is checked from now on.
        names = open.collection.names_at(folder).unwrap_or_default();
    }
    if done || modal.should_close() {
        ui.data_mut(|d| d.remove::<(Dialog, Vec<String>)>(id()));
    } else {
        ui.data_mut(|d| d.insert_temp(id(), (dialog, names)));
    }
}

/// A name field with its label, focused when the dialog opens; true when Enter was
/// pressed in it.
fn name_field(ui: &mut egui::Ui, label: &str, name: &mut String) -> bool {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        let response = ui
            .add(egui::TextEdit::singleline(name).desired_width(240.0))
            .labelled_by(label.id);
        if !response.has_focus() && !response.lost_focus() && ui.memory(|m| m.focused().is_none()) {
            response.request_focus();
        }
        response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
    })
    .inner
}

/// The dialog's buttons: `Some(true)` when it is answered yes (or Enter in a field that
/// allows it), `Some(false)` when cancelled, `None` while it waits.
fn buttons(ui: &mut egui::Ui, yes: &str, allowed: bool, entered: bool) -> Option<bool> {
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        if ui.add_enabled(allowed, egui::Button::new(yes)).clicked() || (allowed && entered) {
            return Some(true);
        }
        if ui.button("Cancel").clicked() {
            return Some(false);
        }
        None
    })
    .inner
}

fn count_requests(items: &[crate::model::Item]) -> usize {
    items
        .iter()
        .map(|item| match item {
            crate::model::Item::Folder(f) => count_requests(&f.items),
            crate::model::Item::Request(_) => 1,
        })
        .sum()
}

/// The summary of the import just made: what was read, and what was kept differently.
pub(super) fn import_report(ui: &mut egui::Ui, state: &State, commands: &mut Vec<Command>) {
    let Some(report) = &state.import_report else {
        return;
    };
    let file = report.file.file_name().map_or_else(
        || report.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let modal = egui::Modal::new(egui::Id::unique("import_report")).show(ui.ctx(), |ui| {
        ui.set_width(600.0_f32.min(ui.ctx().content_rect().width() - 60.0));
        ui.heading(format!("Imported {file}"));
        ui.label(RichText::new(format!("Into {}", report.dir.display())).weak());
        ui.separator();
        egui::ScrollArea::vertical()
            .max_height(360.0)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                for line in &report.lines {
                    if let Some(note) = line.strip_prefix("- ") {
                        ui.horizontal_wrapped(|ui| {
                            ui.label("•");
                            ui.label(note);
                        });
                    } else {
                        ui.label(RichText::new(line).strong());
                    }
                }
            });
        ui.separator();
        ui.horizontal(|ui| {
            if ui.button("OK").clicked() {
                commands.push(Command::CloseImportReport);
            }
            if ui
                .button("Copy summary")
                .on_hover_text("The summary as text, to keep or send on")
                .clicked()
            {
                ui.ctx().copy_text(report.lines.join("\n"));
            }
        });
    });
    if modal.should_close() {
        commands.push(Command::CloseImportReport);
    }
}
