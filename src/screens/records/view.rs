//! Browse: any list resource as a table, a page at a time from the server — sorted by the
//! clicked column (`$orderby`), narrowed by a quick search and the filter builder, with the
//! columns chosen (`$select`), the record count, "Fetch all", exports, and a detail pane
//! for the selected record.

use egui::RichText;

use crate::model::ExportFormat;
use crate::model::{FilterGroup, format_size};
use crate::screens::shared::Shared;
use crate::ui::{filter_builder, record_view};

use super::{BrowseQuery, Command, ListState, ListView};

/// What a records list draws from: its own state and the state every screen shares.
#[derive(Clone, Copy)]
struct Input<'a> {
    list: &'a ListState,
    shared: &'a Shared,
}

/// Page sizes offered.
const PAGE_SIZES: [u32; 5] = [50, 100, 500, 1000, 5000];

/// Draws a records list (toolbar, filter, paging, table, detail pane). `record_actions`
/// adds buttons to the detail pane's title row for the record shown.
pub fn list_screen(
    ui: &mut egui::Ui,
    list: &ListState,
    shared: &Shared,
    commands: &mut Vec<Command>,
    record_actions: impl FnOnce(&mut egui::Ui, &serde_json::Value),
) {
    let view = list.which;
    let state = &Input { list, shared };
    let browse = state.list;
    let mut query = browse.query.clone();
    let mut reload = false;
    if view == ListView::Browse {
        super::trail_view::navigation_keys(ui, &list.trail, commands);
        super::trail_view::trail_bar(ui, &list.trail, commands);
    }
    reload |= toolbar(ui, state, &mut query);
    reload |= filter_panel(ui, state, view, &mut query);
    reload |= status_line(ui, (browse, state.shared), &mut query, commands);
    if let (Some(totals), Some(table)) = (
        &browse.totals,
        browse.page.as_ref().and_then(|p| p.table.as_ref()),
    ) {
        super::totals_view::totals_line(ui, totals, &table.columns);
    }
    ui.add_space(4.0);
    if browse.selected.is_some() || browse.record.is_some() {
        detail_pane(ui, state, view, commands, record_actions);
    }
    let noun = noun(&query.resource);
    if let Some(problem) = &browse.problem
        && message_card(
            ui,
            &format!("The {noun} could not be loaded"),
            &problem.message,
            &problem.advice,
            Some("Try again"),
        )
    {
        reload = true;
    }
    match browse.page.as_ref().and_then(|p| p.table.as_ref()) {
        Some(table) => {
            let shown = (state.list, state.shared);
            if let Some(sort) = super::grid_view::records(ui, shown, table, &query, commands) {
                query.sort = Some(sort);
                query.page = 0;
                reload = true;
            }
        }
        None if browse.loading => {
            ui.add_space(24.0);
            ui.vertical_centered(|ui| {
                ui.spinner();
                ui.label(RichText::new(format!("Loading {noun}…")).weak());
            });
        }
        None if browse.page.is_some() => {
            let narrowed = !query.search.trim().is_empty() || !query.filter.items.is_empty();
            let advice = if narrowed {
                "Nothing matches the search and filter. Clear them to see every record."
            } else {
                "This company has none yet."
            };
            if message_card(
                ui,
                &format!("No {noun}"),
                advice,
                "",
                narrowed.then_some("Clear search and filter"),
            ) {
                query.search.clear();
                query.filter = FilterGroup::default();
                query.page = 0;
                reload = true;
            }
        }
        None => {}
    }
    if reload {
        commands.push(Command::Load(Box::new(query)));
    }
}

/// The resource in words: `sop_orders` → "sop orders".
pub(super) fn noun(resource: &str) -> String {
    resource.replace('_', " ")
}

/// A framed message with an optional action; returns whether the action was clicked.
fn message_card(
    ui: &mut egui::Ui,
    heading: &str,
    message: &str,
    advice: &str,
    action: Option<&str>,
) -> bool {
    let mut clicked = false;
    ui.add_space(12.0);
    ui.vertical_centered(|ui| {
        egui::Frame::group(ui.style())
            .inner_margin(egui::Margin::same(16))
            .show(ui, |ui| {
                ui.set_max_width(520.0);
                ui.vertical_centered(|ui| {
                    ui.label(RichText::new(heading).heading());
                    ui.add_space(4.0);
                    if !message.is_empty() {
                        ui.add(egui::Label::new(message).wrap());
                    }
                    if !advice.is_empty() {
                        ui.add(egui::Label::new(RichText::new(advice).weak()).wrap());
                    }
                    if let Some(action) = action {
                        ui.add_space(6.0);
                        clicked = ui.button(action).clicked();
                    }
                });
            });
    });
    ui.add_space(8.0);
    clicked
}

/// Resource, quick search, filter, columns, page size and Reload; returns whether to load
/// again.
fn toolbar(ui: &mut egui::Ui, state: &Input<'_>, query: &mut BrowseQuery) -> bool {
    let browse = state.list;
    let view = browse.which;
    let mut reload = false;
    ui.horizontal_wrapped(|ui| {
        if view == ListView::Browse {
            reload |= resource_picker(ui, state, query);
        }
        reload |= quick_search(ui, view, query);
        let open_id = egui::Id::unique(("browse_filter_open", view));
        let mut open: bool = ui.data(|d| d.get_temp(open_id)).unwrap_or(false);
        let conditions = query.filter.items.len();
        let title = if conditions == 0 {
            "Filter…".to_owned()
        } else {
            format!("Filter ({conditions})…")
        };
        ui.toggle_value(&mut open, title)
            .on_hover_text("Conditions on any field, sent as $filter");
        ui.data_mut(|d| d.insert_temp(open_id, open));
        reload |= column_chooser(ui, state, query);
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

/// The resource shown; returns whether to load again.
fn resource_picker(ui: &mut egui::Ui, state: &Input<'_>, query: &mut BrowseQuery) -> bool {
    let mut reload = false;
    let label = ui.label("Records");
    egui::ComboBox::from_id_salt("browse_resource")
        .selected_text(&query.resource)
        .width(200.0)
        .show_ui(ui, |ui| {
            for endpoint in state.shared.catalogue.lists() {
                if ui
                    .selectable_value(&mut query.resource, endpoint.path.clone(), &endpoint.path)
                    .on_hover_text(&endpoint.title)
                    .clicked()
                {
                    *query = BrowseQuery {
                        resource: query.resource.clone(),
                        page_size: query.page_size,
                        ..BrowseQuery::default()
                    };
                    reload = true;
                }
            }
        })
        .response
        .labelled_by(label.id);
    reload
}

/// The quick search box: sent on Enter, not on every key.
fn quick_search(ui: &mut egui::Ui, view: ListView, query: &mut BrowseQuery) -> bool {
    let search_label = ui.label("Quick search");
    let search_id = egui::Id::unique(("browse_search", view));
    // (text in the box, the query's search when it was last seen)
    let (mut search, seen): (String, String) = ui
        .data(|d| d.get_temp(search_id))
        .unwrap_or_else(|| (query.search.clone(), query.search.clone()));
    // Changed elsewhere (a saved view opened, the empty state's button): follow the query.
    if seen != query.search {
        search.clone_from(&query.search);
    }
    let field = ui
        .add(
            egui::TextEdit::singleline(&mut search)
                .hint_text("name or reference")
                .desired_width(200.0),
        )
        .labelled_by(search_label.id);
    let mut reload = false;
    if field.lost_focus() && ui.input(|i| i.key_pressed(crate::ui::shortcuts::SEARCH.logical_key)) {
        query.search.clone_from(&search);
        query.page = 0;
        reload = true;
    }
    let seen = query.search.clone();
    ui.data_mut(|d| d.insert_temp(search_id, (search, seen)));
    reload
}

/// The fields of the resource: from the catalogue, or the columns of the page.
fn fields_of(state: &Input<'_>, resource: &str) -> Vec<String> {
    let fields = state.shared.catalogue.scalar_fields_for(resource);
    if fields.is_empty() {
        state
            .list
            .page
            .as_ref()
            .and_then(|p| p.table.as_ref())
            .map(|t| t.columns.clone())
            .unwrap_or_default()
    } else {
        fields
    }
}

/// "Columns…": tick the fields to fetch (`$select`); returns whether to load again.
fn column_chooser(ui: &mut egui::Ui, state: &Input<'_>, query: &mut BrowseQuery) -> bool {
    let fields = fields_of(state, &query.resource);
    let mut reload = false;
    ui.menu_button(
        if query.columns.is_empty() {
            "Columns…".to_owned()
        } else {
            format!("Columns ({})…", query.columns.len())
        },
        |ui| {
            if ui.button("All columns").clicked() {
                query.columns.clear();
                reload = true;
            }
            ui.separator();
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    for field in &fields {
                        let mut shown = query.columns.is_empty() || query.columns.contains(field);
                        if ui.checkbox(&mut shown, field.as_str()).changed() {
                            if query.columns.is_empty() {
                                query.columns.clone_from(&fields);
                            }
                            if shown {
                                query.columns.push(field.clone());
                            } else {
                                query.columns.retain(|c| c != field);
                            }
                            if query.columns.len() == fields.len() {
                                query.columns.clear();
                            }
                            reload = true;
                        }
                    }
                });
        },
    )
    .response
    .on_hover_text("Choose the columns fetched ($select)");
    reload
}

/// The filter builder, when open: edits a draft of the conditions, applied on request.
fn filter_panel(
    ui: &mut egui::Ui,
    state: &Input<'_>,
    view: ListView,
    query: &mut BrowseQuery,
) -> bool {
    let open: bool = ui
        .data(|d| d.get_temp(egui::Id::unique(("browse_filter_open", view))))
        .unwrap_or(false);
    if !open {
        return false;
    }
    let draft_id = egui::Id::unique(("browse_filter_draft", view, &query.resource));
    let mut draft: FilterGroup = ui
        .data(|d| d.get_temp(draft_id))
        .unwrap_or_else(|| query.filter.clone());
    let fields = fields_of(state, &query.resource);
    let mut reload = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        filter_builder::show(ui, &mut draft, &fields);
        ui.horizontal(|ui| {
            let complete = draft.to_odata().is_ok();
            if ui
                .add_enabled(complete, egui::Button::new("Apply filter"))
                .clicked()
            {
                query.filter = draft.clone();
                query.page = 0;
                reload = true;
            }
            if ui.button("Clear filter").clicked() {
                draft = FilterGroup::default();
                query.filter = FilterGroup::default();
                query.page = 0;
                reload = true;
            }
        });
    });
    ui.data_mut(|d| d.insert_temp(draft_id, draft));
    reload
}

/// Paging, the count, "Fetch all" and "Export…"; returns whether to load again.
fn status_line(
    ui: &mut egui::Ui,
    (browse, shared): (&ListState, &Shared),
    query: &mut BrowseQuery,
    commands: &mut Vec<Command>,
) -> bool {
    let mut reload = false;
    let rows = browse
        .page
        .as_ref()
        .and_then(|p| p.table.as_ref())
        .map_or(0, crate::document::TableModel::len);
    ui.horizontal_wrapped(|ui| {
        if browse.everything {
            ui.label(format!("All {} records", thousands(rows as u64)));
            if ui.button("Back to pages").clicked() {
                query.page = 0;
                reload = true;
            }
        } else {
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
        }
        match browse.count {
            Some(count) => {
                ui.label(RichText::new(format!("{} records match", thousands(count))).strong());
            }
            None => {
                ui.label(RichText::new("count not available").weak())
                    .on_hover_text("The server did not answer $count=true");
            }
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
        ui.separator();
        fetch_and_export(ui, browse, commands);
        ui.separator();
        super::grid_view::group_picker(ui, browse, commands);
        super::saved_view::views_menu(ui, browse, shared, commands);
    });
    reload
}

fn fetch_and_export(ui: &mut egui::Ui, browse: &ListState, commands: &mut Vec<Command>) {
    if let Some(progress) = &browse.fetching {
        ui.spinner();
        let expected = browse.count.unwrap_or(0);
        #[allow(clippy::cast_precision_loss)] // a progress bar needs no exact ratio
        let fraction = if expected > 0 {
            (progress.records as f32 / expected as f32).min(1.0)
        } else {
            0.0
        };
        ui.add(
            egui::ProgressBar::new(fraction)
                .desired_width(160.0)
                .text(format!(
                    "{} records, {}",
                    thousands(progress.records as u64),
                    format_size(progress.bytes)
                )),
        );
        if ui.button("Cancel").clicked() {
            commands.push(Command::CancelFetchAll);
        }
        return;
    }
    if !browse.everything
        && ui
            .button("Fetch all")
            .on_hover_text("Every matching record in one table, a few pages at a time")
            .clicked()
    {
        commands.push(Command::FetchAll);
    }
    if browse.exporting {
        ui.spinner();
        ui.label("Exporting…");
        return;
    }
    ui.menu_button("Export…", |ui| {
        let shown = if browse.everything {
            "Every record"
        } else {
            "This page"
        };
        // What is shown, then (when only a page is shown) every matching record.
        let mut choices = vec![(false, shown)];
        if !browse.everything {
            choices.push((true, "Every matching record"));
        }
        for (everything, what) in choices {
            for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
                if ui
                    .button(format!("{what} as {}…", format.label()))
                    .clicked()
                {
                    commands.push(Command::Export {
                        everything,
                        path: None,
                        format,
                    });
                    ui.close();
                }
            }
        }
    });
}

/// 1234567 → "1,234,567".
pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The selected record, grouped and labelled, beside the table.
fn detail_pane(
    ui: &mut egui::Ui,
    state: &Input<'_>,
    view: ListView,
    commands: &mut Vec<Command>,
    record_actions: impl FnOnce(&mut egui::Ui, &serde_json::Value),
) {
    let browse = state.list;
    let from_page = browse
        .selected
        .zip(browse.page.as_ref())
        .and_then(|(row, p)| p.record(row));
    let record = browse.record.as_deref().or(from_page.as_ref());
    egui::Panel::right(("browse_detail", view))
        .resizable(true)
        .default_size(380.0)
        .min_size(260.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                let title = record
                    .and_then(|r| r.get("name").or_else(|| r.get("reference")))
                    .and_then(|v| v.as_str())
                    .map_or_else(|| "Record".to_owned(), str::to_owned);
                ui.label(RichText::new(title).heading());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button("Close").clicked() {
                        commands.push(Command::Select(None));
                    }
                    if browse.record_loading {
                        ui.spinner();
                    } else if let Some(record) = record {
                        record_actions(ui, record);
                    }
                });
            });
            ui.separator();
            egui::ScrollArea::vertical()
                .id_salt("browse_detail_scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| match record {
                    Some(record) => {
                        let links = record_view::show(
                            ui,
                            egui::Id::unique(("browse_record", view)),
                            record,
                            state.shared.date_style,
                            Some(state.shared),
                        );
                        super::totals_view::follow(links, commands);
                        super::trail_view::related(
                            ui,
                            state.shared,
                            &browse.query.resource,
                            record,
                            commands,
                        );
                    }
                    None => {
                        ui.label(RichText::new("This record has no fields to show.").weak());
                    }
                });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_with_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn resources_read_as_words() {
        assert_eq!(noun("sop_orders"), "sop orders");
    }
}
