//! Browse: any list resource as a table, a page at a time from the server — sorted by the
//! clicked column (`$orderby`), narrowed by a quick search, with Previous/Next paging.

use egui::{RichText, TextStyle};

use crate::app::{AppState, AuthView, BrowseQuery, Command};
use crate::model::format_money;

use super::super::theme;
use super::placeholder;

/// Page sizes offered.
const PAGE_SIZES: [u32; 5] = [50, 100, 500, 1000, 5000];

/// Draws the Browse screen.
pub fn show(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    if !matches!(state.auth, AuthView::SignedIn { .. }) || state.company.is_none() {
        placeholder::show(
            ui,
            "Browse records",
            "Sign in and choose a company to browse customers, suppliers, products, orders and more as tables.",
        );
        return;
    }
    let browse = &state.browse;
    let mut query = browse.query.clone();
    let mut reload = false;
    reload |= toolbar(ui, state, &mut query);
    let rows = browse
        .page
        .as_ref()
        .and_then(|p| p.table.as_ref())
        .map_or(0, |t| t.rows.len());
    reload |= pager(ui, &mut query, rows);
    if let Some(problem) = &browse.problem {
        ui.colored_label(theme::error_color(ui), &problem.message);
        ui.label(RichText::new(&problem.advice).weak());
    }
    match browse.page.as_ref().and_then(|p| p.table.as_ref()) {
        Some(table) => {
            if let Some(sort) = records(ui, table, &query) {
                query.sort = Some(sort);
                query.page = 0;
                reload = true;
            }
        }
        None if browse.loading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading…");
            });
        }
        None if browse.page.is_some() => {
            ui.label(RichText::new("No records match.").weak());
        }
        None => {}
    }
    if reload {
        commands.push(Command::Browse(Box::new(query)));
    }
}

/// Resource, quick search, page size and Reload; returns whether to load again.
fn toolbar(ui: &mut egui::Ui, state: &AppState, query: &mut BrowseQuery) -> bool {
    let browse = &state.browse;
    let mut reload = false;
    ui.horizontal(|ui| {
        let label = ui.label("Records");
        egui::ComboBox::from_id_salt("browse_resource")
            .selected_text(&query.resource)
            .width(200.0)
            .show_ui(ui, |ui| {
                for endpoint in state.catalogue.lists() {
                    if ui
                        .selectable_value(
                            &mut query.resource,
                            endpoint.path.clone(),
                            &endpoint.path,
                        )
                        .on_hover_text(&endpoint.title)
                        .clicked()
                    {
                        query.page = 0;
                        query.sort = None;
                        reload = true;
                    }
                }
            })
            .response
            .labelled_by(label.id);
        let search_label = ui.label("Quick search");
        let search_id = egui::Id::unique("browse_search");
        let mut search: String = ui
            .data(|d| d.get_temp(search_id))
            .unwrap_or_else(|| query.search.clone());
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut search)
                    .hint_text("name or reference")
                    .desired_width(220.0),
            )
            .labelled_by(search_label.id);
        // The search goes to the server on Enter, not on every key.
        if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            query.search.clone_from(&search);
            query.page = 0;
            reload = true;
        }
        ui.data_mut(|d| d.insert_temp(search_id, search));
        let size_label = ui.label("Page size");
        egui::ComboBox::from_id_salt("browse_page_size")
            .selected_text(query.page_size.to_string())
            .show_ui(ui, |ui| {
                for size in PAGE_SIZES {
                    if ui
                        .selectable_value(&mut query.page_size, size, size.to_string())
                        .clicked()
                    {
                        query.page = 0;
                        reload = true;
                    }
                }
            })
            .response
            .labelled_by(size_label.id);
        if browse.loading {
            ui.spinner();
        } else if ui.button("Reload").clicked() {
            reload = true;
        }
    });
    reload
}

/// Previous / Next; returns whether to load again.
fn pager(ui: &mut egui::Ui, query: &mut BrowseQuery, rows: usize) -> bool {
    let mut reload = false;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(query.page > 0, egui::Button::new("Previous"))
            .clicked()
        {
            query.page -= 1;
            reload = true;
        }
        ui.label(format!("Page {}", query.page + 1));
        let full = u32::try_from(rows).is_ok_and(|r| r == query.page_size);
        if ui.add_enabled(full, egui::Button::new("Next")).clicked() {
            query.page += 1;
            reload = true;
        }
        if let Some((field, descending)) = &query.sort {
            ui.label(
                RichText::new(format!(
                    "sorted by {field} {}",
                    if *descending { "desc" } else { "asc" }
                ))
                .weak(),
            );
        }
    });
    reload
}

/// The page as a table; returns a new sort when a column title is clicked.
fn records(
    ui: &mut egui::Ui,
    table: &crate::app::TableModel,
    query: &BrowseQuery,
) -> Option<(String, bool)> {
    use egui_extras::{Column, TableBuilder};
    let mut sort = None;
    let row_height = ui.text_style_height(&TextStyle::Body) + 4.0;
    // Money columns: decimals in the first rows (cheap to check, and enough to tell).
    let money: Vec<bool> = (0..table.columns.len())
        .map(|c| {
            let sample: Vec<&str> = table
                .rows
                .iter()
                .take(50)
                .map(|r| r[c].as_str())
                .filter(|v| !v.is_empty())
                .collect();
            !sample.is_empty()
                && sample.iter().any(|v| v.contains('.'))
                && sample.iter().all(|v| format_money(v).is_some())
        })
        .collect();
    egui::ScrollArea::horizontal()
        .id_salt("browse_table")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .resizable(true)
                .columns(
                    Column::initial(130.0).at_least(40.0).clip(true),
                    table.columns.len(),
                )
                .header(row_height + 4.0, |mut header| {
                    for column in &table.columns {
                        header.col(|ui| {
                            let current = query.sort.as_ref().filter(|(f, _)| f == column);
                            let mark = match current {
                                Some((_, true)) => " (desc)",
                                Some(_) => " (asc)",
                                None => "",
                            };
                            let title = RichText::new(format!("{column}{mark}")).strong();
                            if ui
                                .add(egui::Button::new(title).frame(false))
                                .on_hover_text("Sort on the server")
                                .clicked()
                            {
                                sort = Some((column.clone(), current.is_some_and(|(_, d)| !d)));
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, table.rows.len(), |mut row| {
                        for (column, cell) in table.rows[row.index()].iter().enumerate() {
                            row.col(|ui| cell_ui(ui, cell, money[column]));
                        }
                    });
                });
        });
    sort
}

/// One cell: amounts right-aligned with two places, other text truncated with the full
/// text on hover.
fn cell_ui(ui: &mut egui::Ui, cell: &str, money: bool) {
    if money && let Some(amount) = format_money(cell) {
        // Amounts line up on the right, like a ledger.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(amount);
        });
    } else if !cell.is_empty() {
        ui.add(egui::Label::new(cell).truncate())
            .on_hover_text(cell);
    }
}
