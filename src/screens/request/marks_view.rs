//! `{{variables}}` in the request builder's fields: which have a value (for the marks of
//! `crate::ui::variable_highlight`), the line that names those without one before Send
//! is pressed, and a single-line field that marks them.

use std::collections::BTreeSet;

use egui::{RichText, TextStyle};

use crate::model::{BUILTIN_NAMES, RequestDraft, VariableScope, references};
use crate::ui::{theme, variable_highlight};

use super::{Command, RequestTab, State};

/// Which variable names have a value for a tab: its collection's layers, then the
/// built-ins.
pub(super) struct Known<'a> {
    scope: VariableScope<'a>,
}

impl<'a> Known<'a> {
    /// The names a tab's request can read.
    pub(super) fn of(state: &'a State, tab: &RequestTab) -> Self {
        Self {
            scope: state.scope_for(tab),
        }
    }

    /// Whether `name` has a value.
    pub(super) fn has(&self, name: &str) -> bool {
        BUILTIN_NAMES.contains(&name) || self.scope.has(name)
    }

    /// The names used in `draft` (where Send fills them) that have no value.
    fn unset(&self, draft: &RequestDraft) -> BTreeSet<String> {
        let mut unset = BTreeSet::new();
        let mut note = |text: &str| {
            for (_, name) in references(text) {
                if !self.has(name) {
                    unset.insert(format!("{{{{{name}}}}}"));
                }
            }
        };
        note(&draft.path);
        note(&draft.body);
        note(&draft.query.filter);
        for name in draft.query.select.iter().chain(&draft.query.expand) {
            note(name);
        }
        for (name, _) in &draft.query.order_by {
            note(name);
        }
        for row in draft
            .params
            .iter()
            .chain(&draft.headers)
            .filter(|r| r.enabled)
        {
            note(&row.key);
            note(&row.value);
        }
        unset
    }
}

/// Says, under the request line, which variables have no value (Send refuses them).
pub(super) fn unset_line(
    ui: &mut egui::Ui,
    known: &Known<'_>,
    draft: &RequestDraft,
    has_collection: bool,
    commands: &mut Vec<Command>,
) {
    let unset = known.unset(draft);
    if unset.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.colored_label(
            theme::error_color(ui),
            format!(
                "Not set: {}. Send fills in variables; these have no value.",
                unset.into_iter().collect::<Vec<_>>().join(", ")
            ),
        );
        if has_collection && ui.small_button("Variables…").clicked() {
            commands.push(Command::OpenVariables);
        }
    });
}

/// A single-line field whose `{{variables}}` are marked.
pub(super) fn marked_field(
    ui: &mut egui::Ui,
    text: &mut String,
    known: &Known<'_>,
    hint: &str,
    width: f32,
    monospace: bool,
) -> egui::Response {
    let style = if monospace {
        TextStyle::Monospace
    } else {
        TextStyle::Body
    };
    let mut layouter = |ui: &egui::Ui, text: &dyn egui::TextBuffer, _wrap: f32| {
        let font = style.resolve(ui.style());
        let job = variable_highlight::single_line(
            text.as_str(),
            font,
            ui.visuals().text_color(),
            &|name| known.has(name),
            ui.visuals(),
        );
        ui.fonts_mut(|f| f.layout_job(job))
    };
    ui.add(
        egui::TextEdit::singleline(text)
            .font(style.clone())
            .hint_text(RichText::new(hint))
            .desired_width(width)
            .layouter(&mut layouter),
    )
}
