//! The collection beside the request builder's tabs: open or close a collection's folder,
//! find a request by name or path, and open it in a tab (Ctrl+S saves the tab back).

use egui::RichText;

use crate::model::{Item, TreeChange};
use crate::ui::shortcuts;

use super::collection_dialogs_view::Dialog;
use super::{Command, State};

/// The collection panel, at the left of the request builder.
pub(super) fn panel(ui: &mut egui::Ui, state: &State, commands: &mut Vec<Command>) {
    egui::Panel::left("collection_panel")
        .resizable(true)
        .default_size(230.0)
        .size_range(160.0..=480.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong("Collection");
                if state.collection_busy {
                    ui.spinner();
                }
            });
                        collection_buttons(ui, state, commands);
            save_as_and_new_folder(ui, state);
            let Some(open) = &state.collection else {
                ui.add_space(6.0);
                ui.label(
                    RichText::new(format!(
                        "No collection open. A collection keeps requests as files in a folder you can put in git; {} saves the open tab's request in it.",
                        ui.ctx().format_shortcut(&shortcuts::SAVE_REQUEST)
                    ))
                    .weak(),
                );
                return;
            };
                        ui.label(RichText::new(&open.collection.name).heading().size(15.0))
                .on_hover_text(open.dir.display().to_string());
            environment_row(ui, state, &open.collection, commands);
            let search_id = egui::Id::unique("collection_search");
            let mut search = ui.data(|d| d.get_temp::<String>(search_id)).unwrap_or_default();
            ui.horizontal(|ui| {
                let label = ui.label("Find request");
                ui.add(
                    egui::TextEdit::singleline(&mut search)
                        .hint_text("name or path")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            });
            ui.data_mut(|d| d.insert_temp(search_id, search.clone()));
            ui.separator();
            egui::ScrollArea::vertical()
                .id_salt("collection_tree")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    if open.collection.items.is_empty() {
                        ui.label(
                            RichText::new(format!(
                                "Empty. {} saves the open tab's request here.",
                                ui.ctx().format_shortcut(&shortcuts::SAVE_REQUEST)
                            ))
                            .weak(),
                        );
                    }
                    let open_tabs: Vec<&[usize]> = state
                        .tabs
                        .iter()
                        .filter_map(|t| t.saved_as.as_ref().map(|s| s.at.as_slice()))
                        .collect();
                                        let mut cx = TreeCx {
                        search: search.to_lowercase(),
                        open_tabs,
                        folders: open.collection.folders(),
                        commands,
                        dialog: None,
                    };
                    let found = tree(ui, &open.collection.items, &mut Vec::new(), &mut cx);
                    if let Some(dialog) = cx.dialog {
                        super::collection_dialogs_view::open(ui, dialog, &open.collection);
                    }
                    if found == 0 && !search.is_empty() {
                        ui.label(RichText::new(format!("Nothing is called \"{search}\".")).weak());
                    }
                });
        });
}

/// Open, import, and (for an open collection) export and close.
fn collection_buttons(ui: &mut egui::Ui, state: &State, commands: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        if ui
            .small_button("Open…")
            .on_hover_text("A collection's folder, or a new, empty one to start one in")
            .clicked()
        {
            commands.push(Command::OpenCollection(None));
        }
        if ui
            .small_button("Import…")
            .on_hover_text(
                "A Postman collection (v2.0, v2.1) or an OpenAPI file, into a new folder",
            )
            .clicked()
        {
            commands.push(Command::ImportCollection {
                file: None,
                dir: None,
            });
        }
        if state.collection.is_some() {
            ui.menu_button("More", |ui| {
                if ui
                    .button("Export to Postman…")
                    .on_hover_text("As a Postman v2.1 collection, for colleagues who use Postman")
                    .clicked()
                {
                    commands.push(Command::ExportCollection(None));
                }
                if ui.button("Close collection").clicked() {
                    commands.push(Command::CloseCollection);
                }
            });
        }
    });
}

/// "Save as…" and "New folder…", while a collection is open.
fn save_as_and_new_folder(ui: &mut egui::Ui, state: &State) {
    if let Some(open) = &state.collection {
        ui.horizontal_wrapped(|ui| {
            if ui
                .small_button("Save as…")
                .on_hover_text("The open tab's request as a new one, named and placed")
                .clicked()
            {
                let name = state
                    .tabs
                    .iter()
                    .find(|t| t.id == state.active_tab)
                    .map(|t| t.draft.path.trim().trim_start_matches('/').to_owned())
                    .unwrap_or_default();
                super::collection_dialogs_view::open(
                    ui,
                    Dialog::SaveAs {
                        folder: Vec::new(),
                        name,
                    },
                    &open.collection,
                );
            }

            if ui.small_button("New folder…").clicked() {
                super::collection_dialogs_view::open(
                    ui,
                    Dialog::NewFolder {
                        folder: Vec::new(),
                        name: String::new(),
                    },
                    &open.collection,
                );
            }
        });
    }
}

/// The environment in use, and the button that opens the variables window.
fn environment_row(
    ui: &mut egui::Ui,
    state: &State,
    collection: &crate::model::Collection,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        let label = ui.label("Environment");
        let shown = state.environment.as_deref().unwrap_or("None");
        egui::ComboBox::from_id_salt("collection_environment")
            .selected_text(shown)
            .width(110.0)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(state.environment.is_none(), "None")
                    .clicked()
                {
                    commands.push(Command::SelectEnvironment(None));
                }
                for environment in &collection.environments {
                    let chosen = state.environment.as_deref() == Some(environment.name.as_str());
                    if ui.selectable_label(chosen, &environment.name).clicked() {
                        commands.push(Command::SelectEnvironment(Some(environment.name.clone())));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
    if ui
        .small_button("Variables…")
        .on_hover_text(
            "The collection's variables and environments; secret values stay in the keyring",
        )
        .clicked()
    {
        commands.push(Command::OpenVariables);
    }
}

/// What drawing the tree needs besides the items: the search, the places open in tabs,
/// the folders an item can move to, and where the menus put what they ask.
struct TreeCx<'a> {
    search: String,
    open_tabs: Vec<&'a [usize]>,
    folders: Vec<(Vec<usize>, Vec<String>)>,
    commands: &'a mut Vec<Command>,
    dialog: Option<Dialog>,
}

/// Draws `items` (folders open while searching); returns how many requests it showed.
fn tree(ui: &mut egui::Ui, items: &[Item], at: &mut Vec<usize>, cx: &mut TreeCx<'_>) -> usize {
    let mut shown = 0;
    for (index, item) in items.iter().enumerate() {
        at.push(index);
        match item {
            Item::Folder(folder) => {
                if cx.search.is_empty() || holds_match(&folder.items, &cx.search) {
                    // Kept open or closed by its name, not its place: moving items
                    // around it does not open or close it.
                    let same_before = items[..index]
                        .iter()
                        .filter(|i| matches!(i, Item::Folder(f) if f.name == folder.name))
                        .count();
                    let header = egui::CollapsingHeader::new(&folder.name).id_salt((
                        "collection_folder",
                        &folder.name,
                        same_before,
                    ));
                    let header = if cx.search.is_empty() {
                        header
                    } else {
                        header.open(Some(true))
                    };
                    let response = header.show(ui, |ui| {
                        shown += tree(ui, &folder.items, at, cx);
                    });
                    response
                        .header_response
                        .on_hover_text("Right-click: rename, move, duplicate, delete, new folder")
                        .context_menu(|ui| item_menu(ui, item, at, items.len(), cx));
                }
            }
            Item::Request(request) => {
                if cx.search.is_empty() || matches(request, &cx.search) {
                    shown += 1;
                    let is_open = cx.open_tabs.contains(&at.as_slice());
                    let text = format!("{} {}", request.method, request.name);
                    let response = ui
                        .selectable_label(is_open, RichText::new(text).monospace())
                        .on_hover_text(if request.url.is_empty() {
                            "(no path)".to_owned()
                        } else {
                            request.url.clone()
                        });
                    if response.clicked() {
                        cx.commands.push(Command::OpenSaved(at.clone()));
                    }
                    response.context_menu(|ui| item_menu(ui, item, at, items.len(), cx));
                }
            }
        }
        at.pop();
    }
    shown
}

/// The menu of a folder or request: rename, duplicate, move, delete (and a new folder
/// inside a folder).
fn item_menu(ui: &mut egui::Ui, item: &Item, at: &[usize], siblings: usize, cx: &mut TreeCx<'_>) {
    let name = item.name().to_owned();
    if ui.button("Rename…").clicked() {
        cx.dialog = Some(Dialog::Rename {
            at: at.to_vec(),
            name: name.clone(),
        });
        ui.close();
    }
    if ui.button("Duplicate").clicked() {
        cx.commands
            .push(Command::ChangeTree(TreeChange::Duplicate(at.to_vec())));
        ui.close();
    }
    let last = at.last().copied().unwrap_or(0);
    if ui
        .add_enabled(last > 0, egui::Button::new("Move up"))
        .clicked()
    {
        cx.commands.push(Command::ChangeTree(TreeChange::Shift {
            at: at.to_vec(),
            by: -1,
        }));
        ui.close();
    }
    if ui
        .add_enabled(last + 1 < siblings, egui::Button::new("Move down"))
        .clicked()
    {
        cx.commands.push(Command::ChangeTree(TreeChange::Shift {
            at: at.to_vec(),
            by: 1,
        }));
        ui.close();
    }
    ui.menu_button("Move to", |ui| {
        let parent = &at[..at.len().saturating_sub(1)];
        let targets = std::iter::once((Vec::new(), "Top of the collection".to_owned())).chain(
            cx.folders
                .iter()
                .map(|(place, names)| (place.clone(), names.join(" / "))),
        );
        for (folder, label) in targets {
            // Not into itself, nor where it already is.
            if folder.starts_with(at) || folder == parent {
                continue;
            }
            if ui.button(label).clicked() {
                cx.commands.push(Command::ChangeTree(TreeChange::MoveInto {
                    at: at.to_vec(),
                    folder,
                }));
                ui.close();
            }
        }
    });
    if matches!(item, Item::Folder(_)) && ui.button("New folder inside…").clicked() {
        cx.dialog = Some(Dialog::NewFolder {
            folder: at.to_vec(),
            name: String::new(),
        });
        ui.close();
    }
    ui.separator();
    if ui.button("Delete…").clicked() {
        cx.dialog = Some(Dialog::Delete {
            at: at.to_vec(),
            name,
        });
        ui.close();
    }
}

fn matches(request: &crate::model::SavedRequest, search: &str) -> bool {
    request.name.to_lowercase().contains(search) || request.url.to_lowercase().contains(search)
}

fn holds_match(items: &[Item], search: &str) -> bool {
    items.iter().any(|item| match item {
        Item::Folder(folder) => holds_match(&folder.items, search),
        Item::Request(request) => matches(request, search),
    })
}
