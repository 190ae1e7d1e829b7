//! The visual `$filter` builder: conditions (field, operator, value) joined by "all" or
//! "any", with nested groups. It writes the filter text through `model::FilterGroup`, so
//! quoting, escaping, dates and "one of" are always right.

use egui::RichText;

use crate::model::{Combine, CompareOp, Condition, FilterGroup, FilterItem, FilterValue};

use super::theme;

/// The kinds of value the builder offers.
const KINDS: [&str; 5] = ["text", "number", "date", "true/false", "empty"];

fn kind_of(value: &FilterValue) -> usize {
    match value {
        FilterValue::Text(_) => 0,
        FilterValue::Number(_) => 1,
        FilterValue::Date(_) => 2,
        FilterValue::Bool(_) => 3,
        FilterValue::Null => 4,
    }
}

fn value_text(value: &FilterValue) -> String {
    match value {
        FilterValue::Text(t) | FilterValue::Number(t) | FilterValue::Date(t) => t.clone(),
        FilterValue::Bool(b) => b.to_string(),
        FilterValue::Null => String::new(),
    }
}

fn make_value(kind: usize, text: &str) -> FilterValue {
    match kind {
        1 => FilterValue::Number(text.to_owned()),
        2 => FilterValue::Date(text.to_owned()),
        3 => FilterValue::Bool(text.trim() != "false"),
        4 => FilterValue::Null,
        _ => FilterValue::Text(text.to_owned()),
    }
}

/// Draws the builder for `group`; returns whether anything changed.
pub fn show(ui: &mut egui::Ui, group: &mut FilterGroup, fields: &[String]) -> bool {
    let changed = group_ui(
        ui,
        group,
        fields,
        0,
        egui::Id::unique("filter_builder_root"),
    );
    match group.to_odata() {
        Ok(Some(text)) => {
            ui.label(
                RichText::new(format!("$filter = {text}"))
                    .monospace()
                    .small()
                    .weak(),
            );
        }
        Ok(None) => {
            ui.label(RichText::new("No conditions: every record.").weak());
        }
        Err(problem) => {
            ui.colored_label(theme::error_color(ui), problem.0);
        }
    }
    changed
}

fn group_ui(
    ui: &mut egui::Ui,
    group: &mut FilterGroup,
    fields: &[String],
    depth: usize,
    id: egui::Id,
) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        ui.label("Match");
        changed |= ui
            .radio_value(&mut group.combine, Combine::All, "all of")
            .changed();
        changed |= ui
            .radio_value(&mut group.combine, Combine::Any, "any of")
            .changed();
    });
    let mut remove = None;
    for (index, item) in group.items.iter_mut().enumerate() {
        let item_id = id.with(index);
        match item {
            FilterItem::Condition(condition) => {
                ui.horizontal(|ui| {
                    changed |= condition_ui(ui, condition, fields, item_id);
                    if ui.small_button("Remove").clicked() {
                        remove = Some(index);
                    }
                });
            }
            FilterItem::Group(inner) => {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    changed |= group_ui(ui, inner, fields, depth + 1, item_id);
                    if ui.small_button("Remove group").clicked() {
                        remove = Some(index);
                    }
                });
            }
        }
    }
    if let Some(index) = remove {
        group.items.remove(index);
        changed = true;
    }
    ui.horizontal(|ui| {
        if ui.small_button("Add condition").clicked() {
            let field = fields.first().cloned().unwrap_or_else(|| "name".to_owned());
            group.items.push(FilterItem::Condition(Condition::new(
                &field,
                CompareOp::Equals,
                FilterValue::Text(String::new()),
            )));
            changed = true;
        }
        if depth < 2 && ui.small_button("Add group").clicked() {
            group.items.push(FilterItem::Group(FilterGroup {
                combine: Combine::Any,
                items: Vec::new(),
            }));
            changed = true;
        }
    });
    changed
}

/// Under a date-time typed in the user's own time, the UTC time Sage is sent, so the
/// conversion is never a surprise (a UK user in summer is an hour ahead of UTC).
fn utc_note(ui: &mut egui::Ui, text: &str) {
    if !text.trim().contains([' ', 'T']) {
        return;
    }
    if let Ok(at) = crate::model::date_time_to_utc(text, &chrono::Local) {
        let hours = at.offset_seconds / 3600;
        let minutes = (at.offset_seconds % 3600).abs() / 60;
        let zone = if at.offset_seconds == 0 {
            "UTC".to_owned()
        } else {
            format!("UTC{hours:+}:{minutes:02}")
        };
        let said = if at.offset_seconds == 0 {
            format!("= {} (UTC)", at.utc)
        } else {
            format!("= {} (from {zone} to UTC)", at.utc)
        };
        ui.label(RichText::new(said).weak())
            .on_hover_text("Sage compares date-times in UTC: the time you typed is read in your time zone and sent in UTC.");
    }
}

/// Gives a widget an accessible name (for screen readers and UI tests).
fn named(response: &egui::Response, role: egui::accesskit::Role, name: &'static str) {
    let enabled = response.enabled();
    response.widget_info(|| egui::WidgetInfo::labeled(role, enabled, name));
}

fn condition_ui(
    ui: &mut egui::Ui,
    condition: &mut Condition,
    fields: &[String],
    id: egui::Id,
) -> bool {
    use egui::accesskit::Role;
    let mut changed = false;
    if fields.is_empty() {
        let field = ui.add(
            egui::TextEdit::singleline(&mut condition.field)
                .hint_text("field")
                .desired_width(140.0),
        );
        named(&field, Role::TextInput, "Field");
        changed |= field.changed();
    } else {
        let field = egui::ComboBox::from_id_salt(id.with("field"))
            .selected_text(condition.field.as_str())
            .width(150.0)
            .show_ui(ui, |ui| {
                for field in fields {
                    changed |= ui
                        .selectable_value(&mut condition.field, field.clone(), field)
                        .changed();
                }
            });
        named(&field.response, Role::ComboBox, "Field");
    }
    let op = egui::ComboBox::from_id_salt(id.with("op"))
        .selected_text(condition.op.label())
        .width(130.0)
        .show_ui(ui, |ui| {
            for op in CompareOp::ALL {
                changed |= ui
                    .selectable_value(&mut condition.op, op, op.label())
                    .changed();
            }
        });
    named(&op.response, Role::ComboBox, "Operator");
    let first = condition
        .values
        .first()
        .cloned()
        .unwrap_or(FilterValue::Text(String::new()));
    let mut kind = kind_of(&first);
    let kind_box = egui::ComboBox::from_id_salt(id.with("kind"))
        .selected_text(KINDS[kind])
        .width(90.0)
        .show_ui(ui, |ui| {
            for (index, name) in KINDS.iter().enumerate() {
                changed |= ui.selectable_value(&mut kind, index, *name).changed();
            }
        });
    named(&kind_box.response, Role::ComboBox, "Value kind");
    let mut text = if condition.op == CompareOp::OneOf {
        condition
            .values
            .iter()
            .map(value_text)
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        value_text(&first)
    };
    let hint = match (condition.op, kind) {
        (CompareOp::OneOf, _) => "a, b, c",
        (_, 1) => "1234.50",
        (_, 2) => "2024-02-23 or 2024-02-23 10:30 (your time)",
        (_, 3) => "true or false",
        (_, 4) => "",
        _ => "value",
    };
    if kind != 4 {
        let value = ui.add(
            egui::TextEdit::singleline(&mut text)
                .hint_text(hint)
                .desired_width(200.0),
        );
        named(&value, Role::TextInput, "Value");
        changed |= value.changed();
        if kind == 2 && condition.op != CompareOp::OneOf {
            utc_note(ui, &text);
        }
    }
    if changed {
        condition.values = if condition.op == CompareOp::OneOf {
            text.split(',')
                .map(|v| make_value(kind, v.trim()))
                .collect()
        } else {
            vec![make_value(kind, &text)]
        };
    }
    changed
}
