//! One record read as a form, not as JSON: fields grouped (Account, Contact, Address…) and
//! labelled in words, values formatted (money, dates, ticks), nested objects as their own
//! sections and child lists (contacts, addresses) as small tables. Also the cell drawing
//! shared by record tables.

use egui::{RichText, TextStyle};
use serde_json::Value;

use crate::document::ColumnKind;
use crate::model::{DateStyle, FieldGroup, enum_words, field_label, format_date, format_money};
use crate::screens::shared::Shared;

use super::theme;

/// Draws a tick mark, or nothing for false; `Yes`/`No` to screen readers and on hover.
pub fn tick(ui: &mut egui::Ui, value: bool) {
    let size = egui::vec2(
        ui.text_style_height(&TextStyle::Body),
        ui.text_style_height(&TextStyle::Body),
    );
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    let word = if value { "Yes" } else { "No" };
    response.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Label, true, word));
    if value {
        // Drawn rather than typed: the bundled fonts have no tick glyph.
        let stroke = egui::Stroke::new(2.0, theme::ok_color(ui));
        let r = rect.shrink(rect.height() * 0.2);
        ui.painter().line(
            vec![
                egui::pos2(r.left(), r.center().y),
                egui::pos2(r.left() + r.width() * 0.38, r.bottom()),
                egui::pos2(r.right(), r.top()),
            ],
            stroke,
        );
    }
    response.on_hover_text(word);
}

/// What the mark on a cell whose record has its field more than once means.
pub const REPEATED_FIELD: &str = "This record has this field more than once. Shown is the last value, as most JSON readers (serde, JavaScript) take it, and exports save that one; the Tree view shows every value.";

/// Draws a cell with `content`; when its record has the field more than once, a warning
/// sign goes before it on the same line, explained on hover and to screen readers.
pub fn marked_if_repeated(ui: &mut egui::Ui, repeated: bool, content: impl FnOnce(&mut egui::Ui)) {
    if !repeated {
        content(ui);
        return;
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new("⚠").color(ui.visuals().warn_fg_color))
            .on_hover_text(REPEATED_FIELD)
            .widget_info(|| {
                egui::WidgetInfo::labeled(egui::accesskit::Role::Label, true, "Repeated field")
            });
        content(ui);
    });
}

/// A cell's value as people read it: money with separators, Yes/No, dates in the chosen
/// style, Sage's enumeration words; else the text itself.
#[must_use]
pub fn shown_text<'a>(
    field: &str,
    text: &'a str,
    kind: ColumnKind,
    dates: DateStyle,
) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    let shown = match kind {
        ColumnKind::Money => format_money(text),
        ColumnKind::Bool => Some(if text == "true" { "Yes" } else { "No" }.to_owned()),
        ColumnKind::Date => format_date(text, dates),
        ColumnKind::Text => enum_words(field, text),
    };
    shown.map_or(Cow::Borrowed(text), Cow::Owned)
}

/// One table cell of column `field`, shown as its column's kind asks ([`shown_text`]):
/// amounts on the right like a ledger, ticks for true and false, the raw value on hover
/// when it reads differently.
pub fn cell(ui: &mut egui::Ui, field: &str, text: &str, kind: ColumnKind, dates: DateStyle) {
    if text.is_empty() {
        return;
    }
    if kind == ColumnKind::Bool {
        tick(ui, text == "true");
        return;
    }
    let shown = shown_text(field, text, kind, dates);
    let changed = shown != text;
    if kind == ColumnKind::Money && changed {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.add(egui::Label::new(shown.as_ref()).selectable(false));
        });
        return;
    }
    let label = ui.add(
        egui::Label::new(shown.as_ref())
            .truncate()
            .selectable(false),
    );
    label.on_hover_text(text);
}

/// Where a record's reference fields lead, and what followed links ask for.
#[derive(Debug, Default)]
pub struct Links {
    /// A link clicked: (list path, id) to open.
    pub open: Option<(String, i64)>,
    /// Links shown whose names are not known yet: (list path, id).
    pub unnamed: Vec<(String, i64)>,
}

/// Draws a field that refers to another record (`currency_id` 1): the record's code and
/// name (`£ — Pound Sterling`) once known, else its id, as a link that opens it; the field
/// and id on hover. Records the click, or the name still to look up, in `links`.
pub fn link_cell(
    ui: &mut egui::Ui,
    field: &str,
    target: &str,
    id: i64,
    shared: &Shared,
    links: &mut Links,
) {
    let label = shared.links.label(target, id);
    if label.is_none() && !shared.links.is_known_or_asked(target, id) {
        links.unnamed.push((target.to_owned(), id));
    }
    let text = label.map_or_else(|| id.to_string(), str::to_owned);
    let response = ui
        .add(egui::Link::new(RichText::new(text.clone())))
        .on_hover_text(format!("{field} {id}: click to open this record"));
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::accesskit::Role::Link,
            true,
            format!("{text}, {field} {id}"),
        )
    });
    if response.clicked() {
        links.open = Some((target.to_owned(), id));
    }
}

/// The list a whole-number field refers to and the id it holds, when it is a reference
/// (`currency_id` → `currencies`, read from the catalogue by Sage's naming).
#[must_use]
pub fn reference(shared: &Shared, field: &str, value: &Value) -> Option<(String, i64)> {
    let id = value.as_i64().filter(|id| *id > 0)?;
    let target = shared.catalogue.link_target(field)?;
    Some((target.path.clone(), id))
}

/// A scalar value as text for people (`None` for objects and arrays).
fn scalar_text(name: &str, value: &Value, dates: DateStyle) -> Option<String> {
    match value {
        Value::Null => Some("—".to_owned()),
        Value::Bool(b) => Some(if *b { "Yes" } else { "No" }.to_owned()),
        Value::Number(n) => {
            let text = n.to_string();
            // Money by Sage's naming: trading figures, `…_value`s, debits and credits, and
            // the aged views' `doc_…`/`base_…` buckets; never ids, rates or percentages.
            let money = !name.ends_with("_id")
                && !name.contains("rate")
                && !name.contains("percent")
                && (FieldGroup::of(name) == FieldGroup::Trading
                    || name.ends_with("_value")
                    || matches!(name, "debit" | "credit")
                    || name.starts_with("doc_")
                    || name.starts_with("base_"));
            Some(if money && (text.contains('.') || name.contains("limit")) {
                format_money(&text).unwrap_or(text)
            } else {
                text
            })
        }
        Value::String(s) => Some(
            format_date(s, dates)
                .or_else(|| enum_words(name, s))
                .unwrap_or_else(|| s.clone()),
        ),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => Some(
            items
                .iter()
                .filter_map(|i| scalar_text(name, i, dates))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    }
}

fn field_grid(
    ui: &mut egui::Ui,
    id: egui::Id,
    fields: &[(&String, &Value)],
    dates: DateStyle,
    shared: Option<&Shared>,
    links: &mut Links,
) {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([16.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            for (name, value) in fields {
                ui.label(RichText::new(field_label(name)).weak())
                    .on_hover_text(name.as_str());
                match value {
                    Value::Bool(true) => {
                        ui.horizontal(|ui| {
                            tick(ui, true);
                            ui.label("Yes");
                        });
                    }
                    Value::Bool(false) => {
                        ui.label(RichText::new("No").weak());
                    }
                    other => {
                        if let Some((shared, (target, id))) =
                            shared.and_then(|s| Some((s, reference(s, name, other)?)))
                        {
                            link_cell(ui, name, &target, id, shared, links);
                        } else {
                            let text = scalar_text(name, other, dates).unwrap_or_default();
                            ui.add(egui::Label::new(text).wrap());
                        }
                    }
                }
                ui.end_row();
            }
        });
}

/// A list of records as a small table: one column per scalar field.
fn child_table(ui: &mut egui::Ui, id: egui::Id, items: &[Value], dates: DateStyle) {
    let mut columns: Vec<&String> = Vec::new();
    for item in items {
        for (key, value) in item.as_object().into_iter().flatten() {
            if !value.is_object() && !columns.contains(&key) {
                columns.push(key);
            }
        }
    }
    egui::ScrollArea::horizontal().id_salt(id).show(ui, |ui| {
        egui::Grid::new(id)
            .num_columns(columns.len())
            .spacing([14.0, 4.0])
            .striped(true)
            .show(ui, |ui| {
                for column in &columns {
                    ui.label(RichText::new(field_label(column)).strong());
                }
                ui.end_row();
                for item in items {
                    for column in &columns {
                        let value = item.get(column.as_str()).unwrap_or(&Value::Null);
                        match value {
                            Value::Bool(b) => tick(ui, *b),
                            Value::Array(children) if children.iter().any(Value::is_object) => {
                                ui.label(format!("{} items", children.len()));
                            }
                            other => {
                                ui.label(scalar_text(column, other, dates).unwrap_or_default());
                            }
                        }
                    }
                    ui.end_row();
                }
            });
    });
}

/// Draws a record: its scalar fields by group, then nested objects and child lists. With
/// `shared`, fields that refer to other records show those records' names as links; what
/// was clicked and what names are still to look up come back.
pub fn show(
    ui: &mut egui::Ui,
    id: egui::Id,
    record: &Value,
    dates: DateStyle,
    shared: Option<&Shared>,
) -> Links {
    let mut links = Links::default();
    let Some(map) = record.as_object() else {
        ui.label(scalar_text("", record, dates).unwrap_or_default());
        return links;
    };
    let scalars: Vec<(&String, &Value)> = map
        .iter()
        .filter(|(_, v)| scalar_text("", v, dates).is_some())
        .collect();
    for group in FieldGroup::ALL {
        let fields: Vec<(&String, &Value)> = scalars
            .iter()
            .copied()
            .filter(|(name, _)| FieldGroup::of(name) == group)
            .collect();
        if fields.is_empty() {
            continue;
        }
        egui::CollapsingHeader::new(RichText::new(group.title()).strong())
            .id_salt(id.with(group.title()))
            .default_open(group != FieldGroup::Analysis)
            .show(ui, |ui| {
                field_grid(
                    ui,
                    id.with(("grid", group.title())),
                    &fields,
                    dates,
                    shared,
                    &mut links,
                );
            });
    }
    for (name, value) in map {
        match value {
            Value::Object(inner) => {
                egui::CollapsingHeader::new(RichText::new(field_label(name)).strong())
                    .id_salt(id.with(name))
                    .default_open(true)
                    .show(ui, |ui| {
                        let fields: Vec<(&String, &Value)> = inner
                            .iter()
                            .filter(|(_, v)| scalar_text("", v, dates).is_some())
                            .collect();
                        field_grid(
                            ui,
                            id.with(("object", name)),
                            &fields,
                            dates,
                            shared,
                            &mut links,
                        );
                    });
            }
            Value::Array(items) if items.iter().any(Value::is_object) => {
                egui::CollapsingHeader::new(
                    RichText::new(format!("{} ({})", field_label(name), items.len())).strong(),
                )
                .id_salt(id.with(name))
                .default_open(true)
                .show(ui, |ui| {
                    child_table(ui, id.with(("list", name)), items, dates);
                });
            }
            _ => {}
        }
    }
    links
}
