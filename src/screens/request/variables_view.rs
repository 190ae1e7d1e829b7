//! The variables window: the open collection's variables and its environments (Demo,
//! Test site, Live) as rows of on, name, value and secret, saved together. A secret's
//! value is typed into a password field and kept in the system keyring, never in a file.

use egui::RichText;

use crate::model::{BUILTIN_NAMES, Variable};

use super::{Command, EditedEnvironment, EditedVariable, State, VariablesEditor};

/// Draws the variables window while it is open.
pub(super) fn window(ui: &mut egui::Ui, state: &State, commands: &mut Vec<Command>) {
    let (Some(editor), Some(open)) = (&state.variables_editor, &state.collection) else {
        return;
    };
    let mut edited = editor.clone();
    let mut save = false;
    let modal = egui::Modal::new(egui::Id::unique("variables_window")).show(ui.ctx(), |ui| {
        ui.set_width(620.0_f32.min(ui.ctx().content_rect().width() - 60.0));
        ui.heading(format!("Variables of {}", open.collection.name));
        ui.label(
            RichText::new(
                "{{name}} in a path, parameter, header or body reads the nearest value: one captured from an answer, the request's folder, the collection, then the environment in use.",
            )
            .weak(),
        );
        ui.add_space(4.0);
        sets(ui, &mut edited);
        ui.separator();
        let rows = match edited.showing {
            Some(i) if i < edited.environments.len() => {
                environment_header(ui, &mut edited, i);
                edited.showing.and_then(|i| edited.environments.get_mut(i)).map(|e| &mut e.variables)
            }
            _ => Some(&mut edited.collection),
        };
        if let Some(rows) = rows {
            variable_rows(ui, rows);
        }
        ui.add_space(4.0);
        ui.label(
            RichText::new(format!(
                "Built in: {}",
                BUILTIN_NAMES
                    .iter()
                    .map(|n| format!("{{{{{n}}}}}"))
                    .collect::<Vec<_>>()
                    .join("  ")
            ))
            .small()
            .weak(),
        );
        if let Some(problem) = &edited.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        ui.separator();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!state.collection_busy, egui::Button::new("Save"))
                .clicked()
            {
                save = true;
            }
            if ui.button("Cancel").clicked() {
                commands.push(Command::CloseVariables);
            }
            if state.collection_busy {
                ui.spinner();
            }
        });
    });
    if &edited != editor {
        commands.push(Command::EditVariables(Box::new(edited)));
    }
    if save {
        commands.push(Command::SaveVariables);
    } else if modal.should_close() {
        commands.push(Command::CloseVariables);
    }
}

/// The row of sets: the collection's own, each environment, and a new one.
fn sets(ui: &mut egui::Ui, edited: &mut VariablesEditor) {
    ui.horizontal_wrapped(|ui| {
        if ui
            .selectable_label(edited.showing.is_none(), "Collection")
            .clicked()
        {
            edited.showing = None;
        }
        for (i, environment) in edited.environments.iter().enumerate() {
            let name = if environment.name.trim().is_empty() {
                "(no name)"
            } else {
                environment.name.as_str()
            };
            if ui
                .selectable_label(edited.showing == Some(i), name)
                .on_hover_text("An environment")
                .clicked()
            {
                edited.showing = Some(i);
            }
        }
        if ui.button("+ Environment").clicked() {
            let taken = |name: &str| edited.environments.iter().any(|e| e.name == name);
            let mut name = "New environment".to_owned();
            let mut n = 1;
            while taken(&name) {
                n += 1;
                name = format!("New environment {n}");
            }
            // A new environment starts with the names the others use, values to fill.
            let variables = edited
                .environments
                .first()
                .map(|e| {
                    e.variables
                        .iter()
                        .map(|v| EditedVariable {
                            variable: Variable {
                                value: String::new(),
                                ..v.variable.clone()
                            },
                            secret_value: crate::model::Secret::default(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            edited
                .environments
                .push(EditedEnvironment { name, variables });
            edited.showing = Some(edited.environments.len() - 1);
        }
    });
}

/// The shown environment's name and its removal.
fn environment_header(ui: &mut egui::Ui, edited: &mut VariablesEditor, i: usize) {
    ui.horizontal(|ui| {
        let label = ui.label("Environment name");
        if let Some(environment) = edited.environments.get_mut(i) {
            ui.add(egui::TextEdit::singleline(&mut environment.name).desired_width(220.0))
                .labelled_by(label.id);
        }
        if ui
            .button("Remove environment")
            .on_hover_text("Removed when you save; its secret values leave the keyring")
            .clicked()
        {
            edited.environments.remove(i);
            edited.showing = None;
        }
    });
}

/// The rows of one set of variables, with a button for one more.
fn variable_rows(ui: &mut egui::Ui, rows: &mut Vec<EditedVariable>) {
    let mut remove = None;
    egui::ScrollArea::vertical()
        .id_salt("variables_rows")
        .max_height(320.0)
        .show(ui, |ui| {
            egui::Grid::new("variables_grid")
                .num_columns(5)
                .striped(true)
                .spacing([8.0, 4.0])
                .show(ui, |ui| {
                    ui.label(RichText::new("On").strong());
                    ui.label(RichText::new("Name").strong());
                    ui.label(RichText::new("Value").strong());
                    ui.label(RichText::new("Secret").strong()).on_hover_text(
                        "Kept in the system keyring, never in the collection's files",
                    );
                    ui.label("");
                    ui.end_row();
                    for (i, row) in rows.iter_mut().enumerate() {
                        let name = if row.variable.key.trim().is_empty() {
                            format!("variable {}", i + 1)
                        } else {
                            row.variable.key.clone()
                        };
                        crate::ui::theme::named_checkbox(
                            ui,
                            &mut row.variable.enabled,
                            &format!("Use {name}"),
                            "Switched off: requests do not read it",
                        );
                        // Sized, not desired: a grid's first frame would shrink them for good.
                        let height = ui.spacing().interact_size.y;
                        ui.add_sized(
                            [150.0, height],
                            egui::TextEdit::singleline(&mut row.variable.key).hint_text("name"),
                        );
                        if row.variable.secret {
                            let mut text = row.secret_value.expose().to_owned();
                            if ui
                                .add_sized(
                                    [260.0, height],
                                    egui::TextEdit::singleline(&mut text)
                                        .password(true)
                                        .hint_text("kept in the keyring"),
                                )
                                .changed()
                            {
                                row.secret_value = crate::model::Secret::new(text);
                            }
                        } else {
                            ui.add_sized(
                                [260.0, height],
                                egui::TextEdit::singleline(&mut row.variable.value)
                                    .hint_text("value"),
                            );
                        }
                        let was_secret = row.variable.secret;
                        crate::ui::theme::named_checkbox(
                            ui,
                            &mut row.variable.secret,
                            &format!("{name} is secret"),
                            "Secret: kept in the system keyring",
                        );
                        if was_secret != row.variable.secret {
                            // The value moves between the file and the keyring with the tick.
                            if row.variable.secret {
                                row.secret_value = crate::model::Secret::new(std::mem::take(
                                    &mut row.variable.value,
                                ));
                            } else {
                                row.variable.value = row.secret_value.expose().to_owned();
                                row.secret_value = crate::model::Secret::default();
                            }
                        }
                        if ui.small_button("Remove").clicked() {
                            remove = Some(i);
                        }
                        ui.end_row();
                    }
                });
        });
    if let Some(i) = remove {
        rows.remove(i);
    }
    if ui.button("+ Variable").clicked() {
        rows.push(EditedVariable {
            variable: Variable {
                enabled: true,
                ..Variable::default()
            },
            secret_value: crate::model::Secret::default(),
        });
    }
}
