//! "Set variable from this value…": the dialog that names a variable for a value of the
//! answer tree, and the request form's list of captures (each taken from every answer of
//! the request into its variable).

use egui::RichText;

use crate::model::Capture;

use super::{Command, RequestTab};

/// The capture being named: its variable and the value's path.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Asking {
    variable: String,
    path: String,
}

fn id() -> egui::Id {
    egui::Id::unique("capture_dialog")
}

/// Opens the dialog for the value at `path` whose key is `key` (the name offered).
pub(super) fn ask(ui: &egui::Ui, key: &str, path: &str) {
    let variable: String = key
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let variable = if variable.chars().all(|c| c.is_ascii_digit() || c == '_') {
        "value".to_owned()
    } else {
        variable
    };
    ui.data_mut(|d| {
        d.insert_temp(
            id(),
            Asking {
                variable,
                path: path.to_owned(),
            },
        );
    });
}

/// The dialog, while it is open.
pub(super) fn dialog(ui: &mut egui::Ui, tab: &RequestTab, commands: &mut Vec<Command>) {
    let Some(mut asking) = ui.data(|d| d.get_temp::<Asking>(id())) else {
        return;
    };
    let mut done = false;
    let modal = egui::Modal::new(egui::Id::unique("capture_modal")).show(ui.ctx(), |ui| {
        ui.set_width(420.0);
        ui.heading("Set a variable from the answer");
        let response = ui
            .horizontal(|ui| {
                let label = ui.label("Variable name");
                ui.add(egui::TextEdit::singleline(&mut asking.variable).desired_width(220.0))
                    .labelled_by(label.id)
            })
            .inner;
        let name = asking.variable.trim();
        let valid = !name.is_empty() && !name.contains(['{', '}']) && !name.contains(char::is_whitespace);
        ui.label(
            RichText::new(format!(
                "Every answer of this request sets {{{{{name}}}}} from {}. Other requests read it as {{{{{name}}}}} until the app closes; save the request (Ctrl+S) to keep the capture.",
                asking.path
            ))
            .weak(),
        );
        if !valid {
            ui.colored_label(ui.visuals().error_fg_color, "A name without spaces or braces.");
        }
        ui.horizontal(|ui| {
            let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.add_enabled(valid, egui::Button::new("Capture")).clicked() || (valid && entered) {
                commands.push(Command::AddCapture {
                    tab: tab.id,
                    capture: Capture {
                        variable: name.to_owned(),
                        path: asking.path.clone(),
                    },
                });
                done = true;
            }
            if ui.button("Cancel").clicked() {
                done = true;
            }
        });
    });
    if done || modal.should_close() {
        ui.data_mut(|d| d.remove::<Asking>(id()));
    } else {
        ui.data_mut(|d| d.insert_temp(id(), asking));
    }
}

/// The request's captures, each with a button that removes it.
pub(super) fn captures(ui: &mut egui::Ui, captures: &mut Vec<Capture>) {
    if captures.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(format!("Captures ({})", captures.len()))
        .id_salt("captures")
        .default_open(true)
        .show(ui, |ui| {
            let mut remove = None;
            for (index, capture) in captures.iter().enumerate() {
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(format!("{{{{{}}}}}", capture.variable))
                            .monospace()
                            .strong(),
                    );
                    ui.label("from");
                    ui.label(RichText::new(&capture.path).monospace());
                    if ui
                        .small_button("Remove")
                        .on_hover_text(format!("Stop setting {{{{{}}}}}", capture.variable))
                        .clicked()
                    {
                        remove = Some(index);
                    }
                });
            }
            if let Some(index) = remove {
                captures.remove(index);
            }
        });
}
