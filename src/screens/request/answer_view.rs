//! The answer of a request-builder tab: its status line, Save and Find, and the answer as a
//! table (sortable, searchable, narrowed by a JSON path), a tree, raw text or headers.
//! Everything is read from the answer's bytes through its indexes when shown.

use egui::{RichText, TextStyle};

use crate::document::{Answered, JsonDoc, Kind, Span, json_path};
use crate::model::format_size;
use crate::ui::{shortcuts, theme};

use super::{Command, RequestTab};

/// Which view of the answer is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum AnswerView {
    #[default]
    Table,
    Tree,
    Raw,
    Headers,
}

pub fn answer(ui: &mut egui::Ui, tab: &RequestTab, commands: &mut Vec<Command>) {
    if let Some(preview) = tab.arriving.as_ref().and_then(|a| a.preview.as_ref()) {
        preview_view(ui, tab, preview);
        return;
    }
    let Some(answer) = &tab.answer else {
        ui.label(RichText::new("Send the request to see the answer here.").weak());
        return;
    };
    let meta = &answer.meta;
    ui.horizontal(|ui| {
        status(ui, meta);
        // A fixed width, so that Save… stays put from one send to the next.
        let time = ui.label(format!("{} ms", meta.elapsed.as_millis()));
        ui.add_space((56.0 - time.rect.width()).max(0.0));
        ui.label(format_size(meta.size));
        if meta.attempts > 1 {
            ui.label(RichText::new(format!("after {} attempts", meta.attempts)).weak());
        }
        let mut chosen = None;
        ui.menu_button("Save…", |ui| {
            use crate::model::ExportFormat;
            let formats = [
                ExportFormat::Xlsx,
                ExportFormat::Csv,
                ExportFormat::PrettyJson,
                ExportFormat::RawJson,
            ];
            for format in formats {
                let possible = !format.needs_table() || answer.table.is_some();
                if ui
                    .add_enabled(possible, egui::Button::new(format!("{}…", format.label())))
                    .clicked()
                {
                    chosen = Some(format);
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text(format!(
            "Save the answer to a file ({})",
            ui.ctx().format_shortcut(&shortcuts::SAVE_ANSWER)
        ));
        if let Some(format) = chosen {
            commands.push(Command::SaveAnswer {
                tab: tab.id,
                path: None,
                format: Some(format),
            });
        } else if ui.input_mut(|i| shortcuts::consume_exact(i, shortcuts::SAVE_ANSWER)) {
            commands.push(Command::SaveAnswer {
                tab: tab.id,
                path: None,
                format: None,
            });
        }
    });
    let view_id = egui::Id::unique(("answer_view", tab.id));
    let mut view: AnswerView = ui.data(|d| d.get_temp(view_id)).unwrap_or_else(|| {
        if answer.table.is_some() {
            AnswerView::Table
        } else {
            AnswerView::Tree
        }
    });
    ui.horizontal(|ui| {
        if answer.table.is_some() {
            ui.selectable_value(&mut view, AnswerView::Table, "Table");
        }
        if answer.doc.is_some() {
            ui.selectable_value(&mut view, AnswerView::Tree, "Tree");
        }
        ui.selectable_value(&mut view, AnswerView::Raw, "Raw");
        ui.selectable_value(
            &mut view,
            AnswerView::Headers,
            format!("Response headers ({})", meta.headers.len()),
        );
    });
    if view == AnswerView::Table && answer.table.is_none()
        || view == AnswerView::Tree && answer.doc.is_none()
    {
        view = AnswerView::Raw;
    }
    ui.data_mut(|d| d.insert_temp(view_id, view));
    if let Some(reason) = &answer.not_json {
        ui.label(RichText::new(reason).weak());
    }
    find_box(ui, tab, commands);
    match view {
        AnswerView::Table => table_view(ui, tab, answer, commands),
        AnswerView::Tree => tree_view(ui, tab, answer),
        AnswerView::Raw => raw_view(ui, tab, answer),
        AnswerView::Headers => headers_view(ui, answer),
    }
}

/// How a send or a fetch of every page is getting on, while it runs.
pub(super) fn progress(ui: &mut egui::Ui, tab: &RequestTab) {
    fetch_progress(ui, tab);
    arrival_progress(ui, tab);
}

/// The progress of "Fetch all pages", while it runs.
fn fetch_progress(ui: &mut egui::Ui, tab: &RequestTab) {
    if let Some(progress) = &tab.fetching {
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(if progress.pages == 0 { 0.0 } else { 0.5 })
                    .animate(true)
                    .desired_width(160.0),
            );
            ui.label(format!(
                "{} records in {} pages · {}",
                progress.records,
                progress.pages,
                format_size(progress.bytes)
            ));
        });
    }
}

/// How much of an answer has arrived, while it arrives: for a long one only (a short one
/// is in before the line could be read, and would only make the page jump).
fn arrival_progress(ui: &mut egui::Ui, tab: &RequestTab) {
    const LONG: usize = 256 * 1024;
    let Some(arriving) = tab
        .arriving
        .as_ref()
        .filter(|a| a.received >= LONG || a.preview.is_some())
    else {
        return;
    };
    ui.horizontal(|ui| {
        #[allow(clippy::cast_precision_loss)]
        let part = arriving
            .expected
            .filter(|&e| e > 0 && !arriving.complete)
            .map(|e| (arriving.received as f64 / e as f64).min(1.0));
        #[allow(clippy::cast_possible_truncation)]
        let bar = egui::ProgressBar::new(part.unwrap_or(0.0) as f32).desired_width(160.0);
        ui.add(if part.is_some() {
            bar
        } else {
            bar.animate(true)
        });
        ui.label(match arriving.expected {
            _ if arriving.complete => {
                format!("Reading the answer ({})…", format_size(arriving.received))
            }
            Some(expected) => format!(
                "Receiving the answer: {} of {}",
                format_size(arriving.received),
                format_size(usize::try_from(expected).unwrap_or(usize::MAX))
            ),
            None => format!("Receiving the answer: {}", format_size(arriving.received)),
        });
    });
}

/// The answer's status and reason, green or red.
fn status(ui: &mut egui::Ui, meta: &crate::model::ResponseMeta) {
    let colour = if meta.status < 400 {
        theme::ok_color(ui)
    } else {
        theme::error_color(ui)
    };
    ui.colored_label(
        colour,
        RichText::new(format!("{} {}", meta.status, meta.reason)).strong(),
    );
}

/// "Find in answer" (Ctrl+F): narrows the table and raw views to what contains the text.
fn find_box(ui: &mut egui::Ui, tab: &RequestTab, commands: &mut Vec<Command>) {
    let id = egui::Id::unique(("find_text", tab.id));
    let mut text: String = ui.data(|d| d.get_temp(id)).unwrap_or_default();
    ui.horizontal(|ui| {
        let label = ui.label("Find in answer");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut text)
                    .hint_text("Ctrl+F")
                    .desired_width(220.0),
            )
            .labelled_by(label.id);
        if ui.input_mut(|i| i.consume_shortcut(&shortcuts::FIND)) {
            field.request_focus();
        }
        if field.changed() {
            commands.push(Command::SearchAnswer {
                tab: tab.id,
                text: text.clone(),
            });
        }
        if let Some(found) = tab.found.as_ref().filter(|f| !f.text.is_empty()) {
            ui.label(
                RichText::new(format!(
                    "{} rows · {} lines match",
                    found.rows.len(),
                    found.lines.len()
                ))
                .weak(),
            );
        }
    });
    ui.data_mut(|d| d.insert_temp(id, text));
}

/// The table rows to show, in order: sorted, and narrowed by a search.
fn shown_rows(tab: &RequestTab, total: usize) -> Vec<usize> {
    let ordered: Vec<usize> = tab
        .sort
        .as_ref()
        .map_or_else(|| (0..total).collect(), |s| s.order.to_vec());
    match &tab.found {
        Some(found) => {
            let mut wanted = vec![false; total];
            for &row in found.rows.iter() {
                if let Some(slot) = wanted.get_mut(row) {
                    *slot = true;
                }
            }
            ordered.into_iter().filter(|&r| wanted[r]).collect()
        }
        None => ordered,
    }
}

fn table_view(ui: &mut egui::Ui, tab: &RequestTab, answer: &Answered, commands: &mut Vec<Command>) {
    let Some(table) = &answer.table else { return };
    let hidden: Vec<bool> = table
        .columns
        .iter()
        .map(|name| tab.hidden_columns.contains(name))
        .collect();
    table_toolbar(ui, tab, table, &hidden, commands);
    let visible: Vec<usize> = (0..table.columns.len()).filter(|&c| !hidden[c]).collect();
    let rows = shown_rows(tab, table.len());
    grid(ui, tab, table, &rows, &visible, Some(commands));
}

/// The first records of an answer still arriving, as a table that cannot yet be sorted,
/// searched or saved (those wait for the whole answer, so none acts on part of it).
fn preview_view(ui: &mut egui::Ui, tab: &RequestTab, preview: &Answered) {
    let Some(table) = &preview.table else { return };
    ui.horizontal(|ui| {
        status(ui, &preview.meta);
        ui.label(
            RichText::new(format!(
                "The first {} records, shown while the rest arrives; sorting, finding and saving wait for the whole answer.",
                table.len()
            ))
            .weak(),
        );
    });
    let visible: Vec<usize> = (0..table.columns.len())
        .filter(|&c| !tab.hidden_columns.contains(&table.columns[c]))
        .collect();
    let rows: Vec<usize> = (0..table.len()).collect();
    grid(ui, tab, table, &rows, &visible, None);
}

/// The table's grid: `rows` (in order) by `visible` columns; headers sort when
/// `commands` is given.
fn grid(
    ui: &mut egui::Ui,
    tab: &RequestTab,
    table: &crate::document::TableModel,
    rows: &[usize],
    visible: &[usize],
    mut commands: Option<&mut Vec<Command>>,
) {
    use egui_extras::{Column, TableBuilder};
    let row_height = ui.text_style_height(&TextStyle::Body) + 4.0;
    egui::ScrollArea::horizontal()
        .id_salt("answer_table")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .resizable(true)
                .columns(
                    Column::initial(130.0).at_least(40.0).clip(true),
                    visible.len(),
                )
                .header(row_height + 4.0, |mut header| {
                    for &column in visible {
                        header.col(|ui| {
                            // A preview (no commands) is never sorted, whatever the answer before was.
                            let sorted = tab
                                .sort
                                .as_ref()
                                .filter(|s| s.column == column && commands.is_some());
                            let arrow = match sorted {
                                Some(s) if s.descending => " (desc)",
                                Some(_) => " (asc)",
                                None => "",
                            };
                            let title = format!("{}{arrow}", table.columns[column]);
                            let Some(commands) = commands.as_deref_mut() else {
                                ui.label(RichText::new(title).strong());
                                return;
                            };
                            if ui
                                .add(egui::Button::new(RichText::new(title).strong()).frame(false))
                                .on_hover_text("Sort by this column (again to reverse)")
                                .clicked()
                            {
                                let descending = sorted.is_some_and(|s| !s.descending);
                                commands.push(Command::SortAnswer {
                                    tab: tab.id,
                                    column,
                                    descending,
                                });
                            }
                        });
                    }
                })
                .body(|body| {
                    // Only the visible rows are laid out, however many there are.
                    body.rows(row_height, rows.len(), |mut row| {
                        let index = rows[row.index()];
                        for &column in visible {
                            row.col(|ui| {
                                // Columns scrolled out of sight are not read or laid out.
                                if !ui.is_rect_visible(ui.max_rect()) {
                                    return;
                                }
                                let cell = table.cell(index, column);
                                let cell = cell.as_ref();
                                let repeated = table.is_duplicate(index, column);
                                crate::ui::record_view::marked_if_repeated(ui, repeated, |ui| {
                                    ui.add(
                                        egui::Label::new(cell)
                                            .truncate()
                                            .sense(egui::Sense::click()),
                                    )
                                    .context_menu(|ui| {
                                        if ui.button("Copy").clicked() {
                                            ui.ctx().copy_text(cell.to_owned());
                                            ui.close();
                                        }
                                    });
                                });
                            });
                        }
                    });
                });
        });
}

/// The table's size, its "Columns…" menu (hidden columns are kept with the tab) and the
/// sorting spinner.
fn table_toolbar(
    ui: &mut egui::Ui,
    tab: &RequestTab,
    table: &crate::document::TableModel,
    hidden: &[bool],
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!(
                "{} rows × {} columns",
                table.len(),
                table.columns.len()
            ))
            .weak(),
        );
        ui.menu_button("Columns…", |ui| {
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .show(ui, |ui| {
                    for (index, name) in table.columns.iter().enumerate() {
                        let mut shown = !hidden[index];
                        if ui.checkbox(&mut shown, name).changed() {
                            let mut names = tab.hidden_columns.clone();
                            if shown {
                                names.retain(|n| n != name);
                            } else {
                                names.push(name.clone());
                            }
                            commands.push(Command::HideColumns {
                                tab: tab.id,
                                hidden: names,
                            });
                        }
                    }
                });
        });
        if tab.sorting {
            ui.spinner();
            ui.label("Sorting…");
        }
    });
}

fn tree_view(ui: &mut egui::Ui, tab: &RequestTab, answer: &Answered) {
    let Some(doc) = &answer.doc else { return };
    let id = egui::Id::unique(("json_path", tab.id));
    let mut path: String = ui.data(|d| d.get_temp(id)).unwrap_or_default();
    ui.horizontal(|ui| {
        let label = ui.label("JSON path");
        ui.add(
            egui::TextEdit::singleline(&mut path)
                .hint_text("$[0].contacts[*].first_name")
                .desired_width(280.0),
        )
        .labelled_by(label.id);
    });
    ui.data_mut(|d| d.insert_temp(id, path.clone()));
    if !path.trim().is_empty() {
        match json_path(doc, &path) {
            Ok(values) => {
                ui.label(RichText::new(format!("{} values", values.len())).weak());
                egui::ScrollArea::both()
                    .id_salt("answer_path")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        for (index, value) in values.iter().enumerate().take(500) {
                            json_node(
                                ui,
                                doc,
                                (&index.to_string(), None),
                                *value,
                                egui::Id::unique(("path_result", index)),
                                false,
                            );
                        }
                    });
            }
            Err(problem) => {
                ui.colored_label(theme::error_color(ui), problem);
            }
        }
        return;
    }
    egui::ScrollArea::both()
        .id_salt("answer_tree")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            json_node(
                ui,
                doc,
                ("answer", Some("$")),
                doc.root(),
                egui::Id::unique("json_root"),
                true,
            );
        });
}

/// One node of the tree; children are only listed while the node is open.
/// `path`: the node's JSON path (`$.id`, `$[0].name`), when one can name it: its value can
/// then be captured into a variable.
fn json_node(
    ui: &mut egui::Ui,
    doc: &JsonDoc,
    (key, path): (&str, Option<&str>),
    value: Span,
    id: egui::Id,
    open: bool,
) {
    const SHOWN: usize = 500;
    match doc.kind(value) {
        kind @ (Kind::Object | Kind::Array) => {
            let children = doc.children(value);
            let title = format!("{key}  {}", crate::document::summary(kind, children.len()));
            egui::CollapsingHeader::new(title)
                .id_salt(id)
                .default_open(open)
                .show(ui, |ui| {
                    let keys: Vec<Option<std::borrow::Cow<'_, str>>> = children
                        .iter()
                        .take(SHOWN)
                        .map(|c| c.key.map(|k| doc.key(k)))
                        .collect();
                    // Where each key is given last, and how often (a key given more than
                    // once: each is shown, and marked).
                    let mut last: std::collections::HashMap<&str, (usize, usize)> =
                        std::collections::HashMap::new();
                    for (index, key) in keys.iter().enumerate() {
                        if let Some(key) = key {
                            let entry = last.entry(key.as_ref()).or_insert((0, index));
                            *entry = (entry.0 + 1, index);
                        }
                    }
                    for (index, child) in children.iter().enumerate().take(SHOWN) {
                        let name = match keys.get(index) {
                            Some(Some(key)) => match last.get(key.as_ref()) {
                                Some(&(count, used)) if count > 1 => {
                                    let role = if used == index {
                                        "repeated, this one is used"
                                    } else {
                                        "repeated, not used"
                                    };
                                    format!("{key} ⚠ ({role})")
                                }
                                _ => key.to_string(),
                            },
                            _ => index.to_string(),
                        };
                        // A key with `.`, `[` or `]` cannot be written in a path.
                        let child_path = path.and_then(|path| match keys.get(index) {
                            Some(Some(key))
                                if !key.is_empty() && !key.contains(['.', '[', ']']) =>
                            {
                                Some(format!("{path}.{key}"))
                            }
                            Some(Some(_)) => None,
                            _ => Some(format!("{path}[{index}]")),
                        });
                        json_node(
                            ui,
                            doc,
                            (&name, child_path.as_deref()),
                            child.value,
                            id.with(index),
                            false,
                        );
                    }
                    if children.len() > SHOWN {
                        let rest = children.len() - SHOWN;
                        let more = if kind == Kind::Object {
                            format!("… {rest} more fields (see Raw)")
                        } else {
                            format!("… {rest} more items (see Table or Raw)")
                        };
                        ui.label(RichText::new(more).weak());
                    }
                });
        }
        Kind::Text | Kind::Scalar => {
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("{key}:")).strong());
                let shown = ui.add(
                    egui::Label::new(RichText::new(doc.source(value)).monospace())
                        .truncate()
                        .selectable(true)
                        .sense(egui::Sense::click()),
                );
                if let Some(path) = path {
                    shown
                        .on_hover_text(format!("{path}  (right-click: set a variable from it)"))
                        .context_menu(|ui| {
                            if ui.button("Set variable from this value…").clicked() {
                                super::capture_view::ask(ui, key, path);
                                ui.close();
                            }
                        });
                }
            });
        }
    }
}

fn raw_view(ui: &mut egui::Ui, tab: &RequestTab, answer: &Answered) {
    let row_height = ui.text_style_height(&TextStyle::Monospace);
    // A window of lines, never the whole text in one widget; a search narrows it.
    let lines: Option<&[usize]> = tab.found.as_ref().map(|f| f.lines.as_slice());
    let count = lines.map_or(answer.line_count(), <[usize]>::len);
    egui::ScrollArea::both()
        .id_salt("answer_raw")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, count, |ui, range| {
            for shown in range {
                let index = lines.map_or(shown, |l| l[shown]);
                let line = answer.shown_line(index);
                let job = if answer.doc.is_some() {
                    crate::ui::json_highlight::highlight(ui, &line, f32::INFINITY)
                } else {
                    egui::text::LayoutJob::simple_singleline(
                        line,
                        TextStyle::Monospace.resolve(ui.style()),
                        ui.visuals().text_color(),
                    )
                };
                ui.add(egui::Label::new(job).extend().selectable(true));
            }
        });
}

fn headers_view(ui: &mut egui::Ui, answer: &Answered) {
    egui::Grid::new("answer_headers")
        .striped(true)
        .num_columns(2)
        .show(ui, |ui| {
            for (name, value) in &answer.meta.headers {
                ui.label(RichText::new(name).strong());
                ui.horizontal(|ui| {
                    // A steady width: the grid does not jump with each answer's date.
                    ui.set_min_width(360.0);
                    ui.add(egui::Label::new(value).selectable(true));
                });
                ui.end_row();
            }
        });
}
