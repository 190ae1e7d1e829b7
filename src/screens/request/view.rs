//! The request builder: tabs of requests (method, path with completion, `OData` options,
//! parameters, headers, JSON body) and the answer as a tree, a table, raw text or headers.
//! Edits are reported as commands; nothing here sends anything.

use egui::{RichText, TextStyle};

use crate::document::{check_body, format_body};
use crate::model::{
    FilterGroup, HttpMethod, KeyValue, RequestDraft, check_filter, encode_query, with_placeholders,
};
use crate::screens::shared::Shared;
use crate::ui::{filter_builder, shortcuts, theme};

use super::answer_view::answer;
use super::{Command, RequestTab, State};

/// Text typed into numeric or list fields, kept per tab until it parses.
#[derive(Debug, Clone, Default)]
struct Typed {
    order_by: String,
    top: String,
    skip: String,
}

impl Typed {
    /// False when the draft was changed elsewhere (another tab state, a restore, a command):
    /// then the typed text is rebuilt from the draft instead of overwriting it.
    fn agrees_with(&self, draft: &RequestDraft) -> bool {
        let number = |text: &str, value: Option<u32>| {
            let text = text.trim();
            if text.is_empty() {
                value.is_none()
            } else {
                // Text that does not parse yet is the user's, mid-edit.
                text.parse::<u32>().map_or(true, |n| Some(n) == value)
            }
        };
        number(&self.top, draft.query.top)
            && number(&self.skip, draft.query.skip)
            && parse_order(&self.order_by).map_or(true, |order| order == draft.query.order_by)
    }
}

fn typed_of(draft: &RequestDraft) -> Typed {
    Typed {
        order_by: draft
            .query
            .order_by
            .iter()
            .map(|(f, d)| format!("{f} {}", if *d { "desc" } else { "asc" }))
            .collect::<Vec<_>>()
            .join(", "),
        top: draft.query.top.map(|t| t.to_string()).unwrap_or_default(),
        skip: draft.query.skip.map(|s| s.to_string()).unwrap_or_default(),
    }
}

/// Draws the request builder.
pub fn show(ui: &mut egui::Ui, state: &State, shared: &Shared, commands: &mut Vec<Command>) {
    super::collection_view::panel(ui, state, commands);
    super::variables_view::window(ui, state, commands);
    super::collection_dialogs_view::show(ui, state, commands);
    super::collection_dialogs_view::import_report(ui, state, commands);
    if let Some(tab) = state.tabs.iter().find(|t| t.id == state.active_tab) {
        super::capture_view::dialog(ui, tab, commands);
    }
    // Ctrl+S saves the request; Ctrl+Shift+S (the answer's) is left to the answer.
    if ui.input_mut(|i| shortcuts::consume_exact(i, shortcuts::SAVE_REQUEST)) {
        commands.push(Command::SaveRequest(state.active_tab));
    }
    tab_strip(ui, state, commands);
    ui.separator();
    let Some(tab) = state.tabs.iter().find(|t| t.id == state.active_tab) else {
        return;
    };
    let mut draft = tab.draft.clone();
    let typed_id = egui::Id::unique(("request_typed", tab.id));
    let mut typed: Typed = ui
        .data(|d| d.get_temp::<Typed>(typed_id))
        .filter(|typed| typed.agrees_with(&tab.draft))
        .unwrap_or_else(|| typed_of(&tab.draft));
    import_notes(ui, tab, commands);
    let known = super::marks_view::Known::of(state, tab);
    let send = request_line(ui, (state, &known), shared, tab, &mut draft, commands);
    egui::ScrollArea::vertical()
        .id_salt("request_form")
        .max_height((ui.available_height() * 0.45).max(160.0))
        .show(ui, |ui| {
            query_options(ui, shared, tab.id, &mut draft, &mut typed);
            rows(ui, "Parameters", "parameter", &mut draft.params, &known);
            rows(ui, "Headers", "header", &mut draft.headers, &known);
            super::capture_view::captures(ui, &mut draft.captures);
            if draft.method.has_body() {
                body_editor(ui, tab.id, &mut draft, &known, commands);
            }
        });
    ui.data_mut(|d| d.insert_temp(typed_id, typed));
    if draft != tab.draft {
        commands.push(Command::UpdateDraft(tab.id, Box::new(draft)));
    }
    if send {
        commands.push(Command::SendRequest(tab.id));
    }
    ui.separator();
    answer(ui, tab, commands);
}

fn tab_strip(ui: &mut egui::Ui, state: &State, commands: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        for tab in &state.tabs {
            let selected = tab.id == state.active_tab;
            let mut title = tab.draft.title();
            if title.chars().count() > 28 {
                title = title.chars().take(27).collect::<String>() + "…";
            }
            // Changed since it was saved in the collection.
            if tab.unsaved() {
                title.push_str(" •");
            }
            if ui.selectable_label(selected, title).clicked() {
                commands.push(Command::SelectTab(tab.id));
            }
            if selected && state.tabs.len() > 1 && ui.small_button("Close tab").clicked() {
                commands.push(Command::CloseTab(tab.id));
            }
        }
        if ui.button("New request").clicked() {
            commands.push(Command::NewTab);
        }
    });
}

/// Method, path with completion, Send / Cancel and the full URL. Returns whether to send.
fn request_line(
    ui: &mut egui::Ui,
    (state, known): (&State, &super::marks_view::Known<'_>),
    shared: &Shared,
    tab: &RequestTab,
    draft: &mut RequestDraft,
    commands: &mut Vec<Command>,
) -> bool {
    let mut send = false;
    ui.horizontal(|ui| {
        let method_label = ui.label("Method");
        egui::ComboBox::from_id_salt(("method", tab.id))
            .selected_text(draft.method.as_str())
            .width(80.0)
            .show_ui(ui, |ui| {
                for method in HttpMethod::ALL {
                    ui.selectable_value(&mut draft.method, method, method.as_str());
                }
            })
            .response
            .labelled_by(method_label.id);
        let path_label = ui.label("Path");
                let width = (ui.available_width() - 250.0).max(120.0);
        let path =
            super::marks_view::marked_field(ui, &mut draft.path, known, "customers", width, true)
                .labelled_by(path_label.id);
        completion(shared, &path, draft);
        if tab.sending {
            ui.spinner();
            if ui.button("Cancel").clicked() {
                commands.push(Command::CancelRequest(tab.id));
            }
        } else {
            if ui.button("Send").on_hover_text("Ctrl+Enter").clicked() {
                send = true;
            }
            let is_list = shared.catalogue.is_list_path(&draft.path);
            if draft.method == HttpMethod::Get
                && is_list
                && ui
                    .button("Fetch all pages")
                    .on_hover_text("Page through every record ($top/$skip, a few requests at a time) into one table")
                    .clicked()
            {
                commands.push(Command::FetchAllPages(tab.id));
            }
        }
    });
    if !tab.sending && ui.input_mut(|i| i.consume_shortcut(&shortcuts::SEND)) {
        send = true;
    }
    let query = draft
        .query_pairs()
        .map(|q| encode_query(&q))
        .unwrap_or_default();
    let mut url = format!(
        "{}{}",
        shared.api_base_url,
        draft.path.trim().trim_start_matches('/')
    );
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query);
    }
    super::copy_view::curl_and_url(ui, tab, url, commands);
    paste_curl(ui, state, commands);
    super::answer_view::progress(ui, tab);
    // Checked with zeros for variables: Send fills them in, then checks again.
    if let Err(problem) = with_placeholders(draft).checked_path() {
        ui.colored_label(theme::error_color(ui), problem.0);
    }
    super::marks_view::unset_line(ui, known, draft, state.collection.is_some(), commands);
    if let Some(problem) = &tab.problem {
        ui.colored_label(theme::error_color(ui), &problem.message)
            .on_hover_text(&problem.advice);
    }
    send
}

/// What a pasted command left out or changes, above the request it made.
fn import_notes(ui: &mut egui::Ui, tab: &RequestTab, commands: &mut Vec<Command>) {
    if tab.notes.is_empty() {
        return;
    }
    egui::Frame::new()
        .fill(ui.visuals().warn_fg_color.gamma_multiply(0.12))
        .inner_margin(8.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new("From the pasted curl command").strong());
                if ui.small_button("Dismiss").clicked() {
                    commands.push(Command::DismissNotes(tab.id));
                }
            });
            for note in &tab.notes {
                ui.label(format!("• {note}"));
            }
        });
    ui.add_space(4.0);
}

/// The box a curl command is pasted into, while open. It closes once the command became a
/// tab; when it could not be read, the reason shows and the text stays.
fn paste_curl(ui: &mut egui::Ui, state: &State, commands: &mut Vec<Command>) {
    let paste_id = egui::Id::unique("paste_curl");
    let opened_id = egui::Id::unique("paste_curl_opened");
    let Some(mut text) = ui
        .data(|d| d.get_temp::<Option<String>>(paste_id))
        .flatten()
    else {
        ui.data_mut(|d| d.insert_temp(opened_id, state.pasted));
        return;
    };
    if ui.data(|d| d.get_temp::<u64>(opened_id)) != Some(state.pasted) {
        // The command became a tab.
        ui.data_mut(|d| {
            d.insert_temp(paste_id, None::<String>);
            d.insert_temp(opened_id, state.pasted);
        });
        return;
    }
    let mut open = true;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        let label = ui.label("Paste a curl command (bash, cmd or PowerShell)");
        ui.add(
            egui::TextEdit::multiline(&mut text)
                .code_editor()
                .desired_rows(3)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
        if let Some(problem) = &state.paste_problem {
            ui.colored_label(theme::error_color(ui), problem);
        }
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!text.trim().is_empty(), egui::Button::new("Create request"))
                .clicked()
            {
                commands.push(Command::ImportCurl(text.clone()));
            }
            if ui.button("Cancel").clicked() {
                open = false;
            }
        });
    });
    ui.data_mut(|d| d.insert_temp(paste_id, open.then_some(text)));
}

/// Paths from the catalogue that match what is typed, under the path field.
fn completion(shared: &Shared, field: &egui::Response, draft: &mut RequestDraft) {
    let typed = draft.path.trim().to_owned();
    if !field.has_focus() || typed.is_empty() {
        return;
    }
    let offers = shared.catalogue.complete(&typed, 8);
    if offers.is_empty() || (offers.len() == 1 && offers[0].path == typed) {
        return;
    }
    egui::Popup::from_response(field).open(true).show(|ui| {
        ui.set_min_width(field.rect.width());
        for endpoint in offers {
            let mut text = egui::text::LayoutJob::default();
            let base = TextStyle::Monospace.resolve(ui.style());
            // `{id}` placeholders stand out, so the user sees what to replace.
            for (index, part) in endpoint.path.split(['{', '}']).enumerate() {
                let colour = if index % 2 == 1 {
                    ui.visuals().warn_fg_color
                } else {
                    ui.visuals().text_color()
                };
                let shown = if index % 2 == 1 {
                    format!("{{{part}}}")
                } else {
                    part.to_owned()
                };
                text.append(&shown, 0.0, egui::TextFormat::simple(base.clone(), colour));
            }
            let verbs: Vec<&str> = endpoint.verbs.iter().map(|v| v.as_str()).collect();
            text.append(
                &format!("   {}", verbs.join(" ")),
                0.0,
                egui::TextFormat::simple(
                    TextStyle::Small.resolve(ui.style()),
                    ui.visuals().weak_text_color(),
                ),
            );
            if ui
                .selectable_label(false, text)
                .on_hover_text(&endpoint.title)
                .clicked()
            {
                draft.path.clone_from(&endpoint.path);
            }
        }
    });
}

/// A menu of the resource's fields to tick into `$select`.
fn field_picker(ui: &mut egui::Ui, shared: &Shared, draft: &mut RequestDraft) {
    let Some(endpoint) = shared.catalogue.find_for(&draft.path) else {
        return;
    };
    if endpoint.fields.is_empty() {
        return;
    }
    ui.menu_button("Fields…", |ui| {
        egui::ScrollArea::vertical()
            .max_height(320.0)
            .show(ui, |ui| {
                for field in &endpoint.fields {
                    let name = field.name.as_str();
                    let mut chosen = draft.query.select.iter().any(|s| s.trim() == name);
                    if ui.checkbox(&mut chosen, name).changed() {
                        if chosen {
                            draft.query.select.push(name.to_owned());
                        } else {
                            draft.query.select.retain(|s| s.trim() != name);
                        }
                    }
                }
            });
    });
}

/// `$filter`: typed by hand, or built from conditions.
fn filter_row(ui: &mut egui::Ui, tab_id: u64, draft: &mut RequestDraft, fields: &[String]) {
    let builder_id = egui::Id::unique(("filter_builder", tab_id));
    let mut building: Option<FilterGroup> = ui
        .data(|d| d.get_temp::<Option<FilterGroup>>(builder_id))
        .flatten();
    let label = ui.label("$filter");
    ui.vertical(|ui| {
        ui.horizontal(|ui| {
            let mut visual = building.is_some();
            if ui
                .toggle_value(&mut visual, "Build")
                .on_hover_text("Build the filter from conditions")
                .changed()
            {
                building = visual.then(FilterGroup::default);
            }
            if building.is_none() {
                ui.add(
                    egui::TextEdit::singleline(&mut draft.query.filter)
                        .font(TextStyle::Monospace)
                        .hint_text("contains(name,'ltd') and on_hold eq false")
                        .desired_width((field_width(ui) - 70.0).max(120.0)),
                )
                .labelled_by(label.id);
            }
        });
        if let Some(group) = &mut building
            && filter_builder::show(ui, group, fields)
        {
            draft.query.filter = group.to_odata().ok().flatten().unwrap_or_default();
        }
    });
    ui.data_mut(|d| d.insert_temp(builder_id, building));
}

fn query_options(
    ui: &mut egui::Ui,
    shared: &Shared,
    tab_id: u64,
    draft: &mut RequestDraft,
    typed: &mut Typed,
) {
    let fields = shared.catalogue.scalar_fields_for(&draft.path);
    let width = (ui.available_width() - 110.0).max(200.0);
    ui.data_mut(|d| d.insert_temp(egui::Id::unique("odata_field_width"), width));
    egui::CollapsingHeader::new("Query options")
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("odata")
                .num_columns(2)
                .spacing([10.0, 4.0])
                .show(ui, |ui| {
                    let label = ui.label("$select");
                    ui.horizontal(|ui| {
                        // The picker goes first, so the text shows what it just ticked.
                        field_picker(ui, shared, draft);
                        let mut select = draft.query.select.join(",");
                        let width = (field_width(ui) - 80.0).max(120.0);
                        ui.add(
                            egui::TextEdit::singleline(&mut select)
                                .font(TextStyle::Monospace)
                                .hint_text("id,reference,name")
                                .desired_width(width),
                        )
                        .labelled_by(label.id);
                        draft.query.select = if select.trim().is_empty() {
                            Vec::new()
                        } else {
                            select.split(',').map(str::to_owned).collect()
                        };
                    });
                    ui.end_row();

                    filter_row(ui, tab_id, draft, &fields);
                    ui.end_row();
                    if !draft.query.filter.trim().is_empty()
                        && let Err(problem) =
                            check_filter(with_placeholders(draft).query.filter.trim())
                    {
                        ui.label("");
                        ui.colored_label(theme::error_color(ui), problem.0);
                        ui.end_row();
                    }

                    labelled_edit(ui, "$orderby", &mut typed.order_by, "name asc, id desc");
                    ui.end_row();
                    match parse_order(&typed.order_by) {
                        Ok(order) => draft.query.order_by = order,
                        Err(problem) => {
                            ui.label("");
                            ui.colored_label(theme::error_color(ui), problem);
                            ui.end_row();
                        }
                    }
                    number_field(
                        ui,
                        "$top",
                        &mut typed.top,
                        &mut draft.query.top,
                        "at most 5000; 500 when empty",
                    );
                    number_field(
                        ui,
                        "$skip",
                        &mut typed.skip,
                        &mut draft.query.skip,
                        "needs $orderby",
                    );
                    let mut expand = draft.query.expand.join(",");
                    labelled_edit(ui, "$expand", &mut expand, "contacts,main_address");
                    draft.query.expand = if expand.trim().is_empty() {
                        Vec::new()
                    } else {
                        expand.split(',').map(str::to_owned).collect()
                    };
                    ui.end_row();
                    ui.label("$count");
                    ui.checkbox(&mut draft.query.count, "Only count the records");
                    ui.end_row();
                });
            // Filter problems are shown under the filter; show the others here.
            let checked = with_placeholders(draft);
            if let Err(problem) = checked.query.to_params()
                && check_filter(checked.query.filter.trim()).is_ok()
            {
                ui.colored_label(theme::error_color(ui), problem.0);
            }
        });
}

/// The width of the query option fields: the form's width less the labels.
fn field_width(ui: &egui::Ui) -> f32 {
    ui.data(|d| d.get_temp::<f32>(egui::Id::unique("odata_field_width")))
        .unwrap_or(400.0)
}

fn labelled_edit(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str) {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .font(TextStyle::Monospace)
            .hint_text(hint)
            .desired_width(field_width(ui)),
    )
    .labelled_by(label.id);
}

fn number_field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    value: &mut Option<u32>,
    hint: &str,
) {
    labelled_edit(ui, label, text, hint);
    ui.end_row();
    let trimmed = text.trim();
    if trimmed.is_empty() {
        *value = None;
    } else if let Ok(number) = trimmed.parse::<u32>() {
        *value = Some(number);
    } else {
        ui.label("");
        ui.colored_label(
            theme::error_color(ui),
            format!("{label} must be a whole number."),
        );
        ui.end_row();
    }
}

/// "name asc, id desc" → fields with their direction.
fn parse_order(text: &str) -> Result<Vec<(String, bool)>, String> {
    let mut order = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = part.split_whitespace();
        let field = words.next().unwrap_or_default().to_owned();
        let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => return Err(format!("'{other}' after {field}: write asc or desc.")),
        };
        if words.next().is_some() {
            return Err(format!("'{part}': one field and asc or desc per entry."));
        }
        order.push((field, descending));
    }
    Ok(order)
}

fn rows(
    ui: &mut egui::Ui,
    title: &str,
    noun: &str,
    rows: &mut Vec<KeyValue>,
    known: &super::marks_view::Known<'_>,
) {
    let headers = noun == "header";
    egui::CollapsingHeader::new(format!(
        "{title} ({})",
        rows.iter().filter(|r| r.enabled).count()
    ))
    .id_salt(title)
    .show(ui, |ui| {
        let mut remove = None;
        for (index, row) in rows.iter_mut().enumerate() {
            ui.horizontal(|ui| {
                let name = format!("Send {noun} {}", row.key);
                theme::named_checkbox(ui, &mut row.enabled, &name, "Send this one");
                super::marks_view::marked_field(ui, &mut row.key, known, "name", 160.0, false);
                super::marks_view::marked_field(ui, &mut row.value, known, "value", 240.0, false);
                if ui.small_button("Remove").clicked() {
                    remove = Some(index);
                }
                // Said at the row, before sending: a header that cannot go out as typed.
                if headers
                    && row.enabled
                    && !row.key.trim().is_empty()
                    && let Some(problem) = crate::model::header_problem(row.key.trim(), &row.value)
                {
                    ui.colored_label(theme::error_color(ui), problem);
                }
            });
        }
        if let Some(index) = remove {
            rows.remove(index);
        }
        if ui.small_button(format!("Add {noun}")).clicked() {
            rows.push(KeyValue::default());
        }
    });
}

fn body_editor(
    ui: &mut egui::Ui,
    tab_id: u64,
    draft: &mut RequestDraft,
    known: &super::marks_view::Known<'_>,
    commands: &mut Vec<Command>,
) {
    egui::CollapsingHeader::new("Body (JSON)")
        .default_open(true)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                if ui
                    .button("Insert template")
                    .on_hover_text("Fill the body with the company's defaults (x_new) or the resource's fields")
                    .clicked()
                {
                    commands.push(Command::InsertTemplate(tab_id));
                }
                if ui.button("Format").clicked()
                    && let Some(pretty) = format_body(&draft.body)
                {
                    draft.body = pretty;
                }
                                match check_body(&with_placeholders(draft).body) {
                    Ok(None) => {
                        ui.label(RichText::new("Empty body: {} is sent.").weak());
                    }
                    Ok(Some(_)) => {
                        ui.colored_label(theme::ok_color(ui), "Valid JSON");
                    }
                    Err(problem) => {
                        ui.colored_label(
                            theme::error_color(ui),
                            format!(
                                "Not valid JSON at line {}, column {}: {}. It will not be sent.",
                                problem.line, problem.column, problem.message
                            ),
                        );
                    }
                }
            });
            let label = ui.label("Body");
            let mut layouter = |ui: &egui::Ui, text: &dyn egui::TextBuffer, wrap_width: f32| {
                                let mut job = crate::ui::json_highlight::highlight(ui, text.as_str(), wrap_width);
                crate::ui::variable_highlight::mark(&mut job, &|name| known.has(name), ui.visuals());
                ui.fonts_mut(|f| f.layout_job(job))
            };
            ui.add(
                egui::TextEdit::multiline(&mut draft.body)
                    .code_editor()
                    .desired_rows(8)
                    .desired_width(f32::INFINITY)
                    .layouter(&mut layouter),
            )
            .labelled_by(label.id);
        });
}
