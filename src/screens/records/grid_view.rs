//! The records table: the page (or every record) in the spreadsheet-like grid
//! ([`crate::ui::grid`]) with names for links, amounts on the right, a header row with
//! subtotals before each group, and the selected cells; and the "Group by" picker.

use egui::RichText;

use crate::document::{ColumnKind, Group, ShownRow, TableModel};
use crate::model::{field_label, format_money};
use crate::screens::shared::Shared;
use crate::ui::grid::{self, CellRange, GridColumn, GridEvent};
use crate::ui::record_view;

use super::{BrowseQuery, Command, ListState};

/// A column's first width: narrow for ids and ticks, wider for names.
fn initial_width(name: &str, kind: ColumnKind, link: bool) -> f32 {
    match kind {
        // A reference reads as its code and name.
        _ if link => 220.0,
        _ if name == "id" || name.ends_with("_id") => 70.0,
        ColumnKind::Bool => 80.0,
        ColumnKind::Money => 115.0,
        ColumnKind::Date => 145.0,
        ColumnKind::Text if name == "name" || name.contains("address") => 200.0,
        ColumnKind::Text => 140.0,
    }
}

/// "Group by": no groups, or a column of the table (rows grouped with subtotals).
pub fn group_picker(ui: &mut egui::Ui, list: &ListState, commands: &mut Vec<Command>) {
    let Some(table) = list.page.as_ref().and_then(|p| p.table.as_ref()) else {
        return;
    };
    let label = ui.label("Group by");
    let chosen = list
        .group_by
        .as_deref()
        .map_or_else(|| "No groups".to_owned(), field_label);
    egui::ComboBox::from_id_salt(("group_by", list.which))
        .selected_text(chosen)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(list.group_by.is_none(), "No groups")
                .clicked()
            {
                commands.push(Command::GroupBy(None));
            }
            for column in &table.columns {
                let on = list.group_by.as_ref() == Some(column);
                if ui
                    .selectable_label(on, field_label(column))
                    .on_hover_text(column)
                    .clicked()
                {
                    commands.push(Command::GroupBy(Some(column.clone())));
                }
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text("Rows with the same value together, each group with its subtotals");
}

/// The table of records; returns a new server-side sort when a column title is clicked
/// while the table holds one page (with every record loaded, it is sorted here).
pub(super) fn records(
    ui: &mut egui::Ui,
    (list, shared): (&ListState, &Shared),
    table: &TableModel,
    query: &BrowseQuery,
    commands: &mut Vec<Command>,
) -> Option<(String, bool)> {
    if list.arranging {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(RichText::new("Arranging the rows…").weak());
        });
    }
    // Which list each column's ids lead to (`currency_id` → `currencies`), read once.
    let targets: Vec<Option<String>> = table
        .columns
        .iter()
        .map(|name| {
            (name != "id")
                .then(|| shared.catalogue.link_target(name))
                .flatten()
                .map(|e| e.path.clone())
        })
        .collect();
    let kind_of = |column: usize| list.kinds.get(column).copied().unwrap_or(ColumnKind::Text);
    let columns: Vec<GridColumn> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mark = match query.sort.as_ref().filter(|(f, _)| f == name) {
                Some((_, true)) => " (desc)",
                Some(_) => " (asc)",
                None => "",
            };
            GridColumn {
                title: format!("{}{mark}", field_label(name)),
                hover: format!("{name}: click to sort"),
                width: initial_width(name, kind_of(i), targets[i].is_some()),
            }
        })
        .collect();
    let rows = list.shown_len();
    // The row open in the detail pane is shaded, and selected until cells are picked.
    let marked = list
        .selected
        .and_then(|row| list.shown.as_ref().map_or(Some(row), |s| s.position(row)));
    let selection = list.cells.or_else(|| {
        let at = marked?;
        Some(CellRange {
            anchor: (at, columns.len().saturating_sub(1)),
            cursor: (at, 0),
        })
    });
    let spec = grid::Grid {
        id: egui::Id::unique(("records_grid", list.which)),
        columns: &columns,
        rows,
        selection,
        marked,
        band: Some(&|row| match shown_row(list, row) {
            Some(ShownRow::Group(group)) => list
                .shown
                .as_ref()
                .and_then(|s| s.groups.get(group as usize))
                .map(|g| group_title(list, shared, table, g)),
            _ => None,
        }),
        name: &super::view::noun(&query.resource),
    };
    let mut links = record_view::Links::default();
    let events = grid::show(
        ui,
        &spec,
        |ui, (row, column)| match shown_row(list, row) {
            Some(ShownRow::Record(record)) => {
                let at = (record as usize, column, table.columns[column].as_str());
                table_cell(
                    ui,
                    shared,
                    table,
                    (at, kind_of(column)),
                    targets[column].as_deref(),
                    &mut links,
                );
            }
            Some(ShownRow::Group(group)) => {
                group_cell(ui, list, group as usize, column);
            }
            None => {}
        },
        |(row, column)| {
            spoken(
                list,
                shared,
                table,
                (row, column),
                targets[column].as_deref(),
            )
        },
    );
    super::totals_view::follow(links, commands);
    answer(events, list, table, query, commands)
}

/// Turns what the user did to the grid into the list's commands; returns a new server-side
/// sort, if one was asked for.
fn answer(
    events: Vec<GridEvent>,
    list: &ListState,
    table: &TableModel,
    query: &BrowseQuery,
    commands: &mut Vec<Command>,
) -> Option<(String, bool)> {
    let mut sort = None;
    for event in events {
        match event {
            GridEvent::Sort(column) => {
                let name = table.columns[column].clone();
                let descending = query.sort.as_ref().is_some_and(|(f, d)| *f == name && !d);
                if list.sorts_locally() {
                    commands.push(Command::SortShown(name, descending));
                } else {
                    sort = Some((name, descending));
                }
            }
            GridEvent::Select { range, clicked } => {
                commands.push(Command::SelectCells(Some(range)));
                let row = list.record_at(range.cursor.0);
                // A click opens the row; the keyboard moves an open detail pane along.
                let follow = clicked || list.selected.is_some();
                if follow && row.is_some() && row != list.selected {
                    commands.push(Command::Select(row));
                }
            }
            GridEvent::Open(at) => {
                if let Some(row) = list.record_at(at) {
                    commands.push(Command::Select(Some(row)));
                }
            }
            GridEvent::Copy(range) => commands.push(Command::CopyCells(range)),
            GridEvent::Escape => {
                if list.selected.is_some() {
                    commands.push(Command::Select(None));
                } else {
                    commands.push(Command::SelectCells(None));
                }
            }
        }
    }
    sort
}

/// What is shown at `index`: a record or a group's header.
fn shown_row(list: &ListState, index: usize) -> Option<ShownRow> {
    match &list.shown {
        Some(shown) => shown.rows.get(index).copied(),
        None => u32::try_from(index).ok().map(ShownRow::Record),
    }
}

/// A group's title: "On hold: No · 27 rows" (the value as the column reads, a link's name).
fn group_title(list: &ListState, shared: &Shared, table: &TableModel, group: &Group) -> String {
    let column = list.shown.as_ref().and_then(|s| s.column);
    let name = column.and_then(|c| table.columns.get(c));
    let by = name.map_or_else(String::new, |c| field_label(c));
    let value = match (column, name) {
        _ if group.value.is_empty() => "(none)".to_owned(),
        (Some(column), Some(name)) => {
            let link = shared
                .catalogue
                .link_target(name)
                .filter(|_| name != "id")
                .zip(group.value.parse::<i64>().ok())
                .and_then(|(target, id)| shared.links.label(&target.path, id));
            link.map_or_else(
                || {
                    let kind = list.kinds.get(column).copied().unwrap_or(ColumnKind::Text);
                    record_view::shown_text(name, &group.value, kind, shared.date_style)
                        .into_owned()
                },
                str::to_owned,
            )
        }
        _ => group.value.clone(),
    };
    let rows = if group.count == 1 { "row" } else { "rows" };
    format!("{by}: {value} · {} {rows}", group.count)
}

/// A group header's cell: subtotals under the money columns.
fn group_cell(ui: &mut egui::Ui, list: &ListState, group: usize, column: usize) {
    let Some(group) = list.shown.as_ref().and_then(|s| s.groups.get(group)) else {
        return;
    };
    // The title is the grid's band over the row; the money columns carry subtotals.
    if let Some(total) = group.subtotals.iter().find(|t| t.column == column) {
        let amount = format_money(&total.sum).unwrap_or_else(|| total.sum.clone());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(RichText::new(amount).strong());
        });
    }
}

/// What a screen reader says for a cell (the grid adds the column's title): the value as
/// shown, a link's name, a group's value and count or subtotal.
fn spoken(
    list: &ListState,
    shared: &Shared,
    table: &TableModel,
    (row, column): (usize, usize),
    target: Option<&str>,
) -> String {
    let kind = list.kinds.get(column).copied().unwrap_or(ColumnKind::Text);
    match shown_row(list, row) {
        Some(ShownRow::Record(record)) => {
            let cell = table.cell(record as usize, column);
            if let Some(label) = target
                .zip(cell.parse::<i64>().ok())
                .and_then(|(target, id)| shared.links.label(target, id))
            {
                return label.to_owned();
            }
            let name = &table.columns[column];
            record_view::shown_text(name, &cell, kind, shared.date_style).into_owned()
        }
        Some(ShownRow::Group(group)) => {
            let Some(group) = list
                .shown
                .as_ref()
                .and_then(|s| s.groups.get(group as usize))
            else {
                return String::new();
            };
            group
                .subtotals
                .iter()
                .find(|t| t.column == column)
                .map(|t| {
                    format!(
                        "subtotal {}",
                        format_money(&t.sum).unwrap_or_else(|| t.sum.clone())
                    )
                })
                .unwrap_or_default()
        }
        None => String::new(),
    }
}

/// One cell of a record at (row, column, column name) of `kind`: a link when the column
/// refers to the list `target`, else the value as its kind reads.
fn table_cell(
    ui: &mut egui::Ui,
    shared: &Shared,
    table: &TableModel,
    ((row, column, name), kind): ((usize, usize, &str), ColumnKind),
    target: Option<&str>,
    links: &mut record_view::Links,
) {
    let cell = table.cell(row, column);
    let repeated = table.is_duplicate(row, column);
    let link = target.zip(cell.parse::<i64>().ok().filter(|id| *id > 0));
    record_view::marked_if_repeated(ui, repeated, |ui| {
        if let Some((target, id)) = link {
            record_view::link_cell(ui, name, target, id, shared, links);
        } else {
            record_view::cell(ui, name, &cell, kind, shared.date_style);
        }
    });
}
