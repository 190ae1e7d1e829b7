//! Customers: the customer list with its detail pane (contacts and main address included),
//! the new/edit customer form with checks as the user types, and delete with a
//! confirmation naming the customer.

use egui::RichText;
use serde_json::Value;

use crate::model::{ACCOUNT_STATUSES, ACCOUNT_TYPES, CustomerDraft, CustomerField};
use crate::screens::records::{ListState, view::list_screen};
use crate::screens::shared::Shared;
use crate::ui::{placeholder, theme};

use super::{Choice, Command, CustomerForm, State};

/// Draws the Customers screen.
pub fn show(
    ui: &mut egui::Ui,
    state: &State,
    list: &ListState,
    shared: &Shared,
    commands: &mut Vec<Command>,
) {
    if !shared.has_company() {
        placeholder::show(
            ui,
            "Customers",
            "Sign in and choose a company to list, inspect and create customers.",
        );
        return;
    }
    confirm_delete(ui, state, commands);
    if let (Some(form), Some(draft)) = (&state.form, &state.draft) {
        form_ui(ui, form, draft, commands);
        return;
    }
    ui.horizontal(|ui| match &state.draft {
        Some(draft) => {
            let what = if draft.reference.trim().is_empty() {
                "An unsaved customer".to_owned()
            } else {
                format!("Unsaved customer {}", draft.reference.trim())
            };
            ui.label(RichText::new(format!("{what} is waiting.")).strong());
            if ui.button("Continue editing").clicked() {
                commands.push(Command::New);
            }
            if ui.button("Discard draft").clicked() {
                commands.push(Command::DiscardDraft);
            }
        }
        None => {
            if ui.button("New customer").clicked() {
                commands.push(Command::New);
            }
        }
    });
    ui.separator();
    let mut list_commands = Vec::new();
    list_screen(ui, list, shared, &mut list_commands, |ui, record| {
        let id = record.get("id").and_then(Value::as_i64);
        let name = record
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if let Some(id) = id {
            if ui.button("Delete…").clicked() {
                commands.push(Command::AskDelete(id, name));
            }
            if ui.button("Edit").clicked() {
                commands.push(Command::Edit(Box::new(record.clone())));
            }
        }
    });
    commands.extend(list_commands.into_iter().map(Command::List));
}

/// The confirmation before a delete, naming the customer.
fn confirm_delete(ui: &mut egui::Ui, state: &State, commands: &mut Vec<Command>) {
    let Some((id, name)) = &state.confirm_delete else {
        return;
    };
    egui::Modal::new(egui::Id::unique("confirm_delete_customer")).show(ui.ctx(), |ui| {
        ui.set_max_width(420.0);
        ui.label(RichText::new(format!("Delete customer {name}?")).heading());
        ui.add_space(4.0);
        ui.label("The customer is removed from Sage 200. This cannot be undone.");
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let delete = egui::Button::new(
                RichText::new(format!("Delete {name}")).color(theme::error_color(ui)),
            );
            if ui.add(delete).clicked() {
                commands.push(Command::Delete(*id, name.clone()));
            }
            if ui.button("Cancel").clicked() {
                commands.push(Command::CancelDelete);
            }
        });
    });
}

/// The form: sections of fields, each with its problem beside it as the user types.
fn form_ui(
    ui: &mut egui::Ui,
    form: &CustomerForm,
    draft: &CustomerDraft,
    commands: &mut Vec<Command>,
) {
    let mut edited = draft.clone();
    let editing = draft.id.is_some();
    ui.horizontal(|ui| {
        let title = if editing {
            format!("Edit customer {}", draft.reference.trim())
        } else {
            "New customer".to_owned()
        };
        ui.label(RichText::new(title).heading());
        if form.loading_defaults {
            ui.spinner();
            ui.label(RichText::new("Filling in the company's defaults…").weak());
        }
    });
    ui.separator();
    let mut problems = draft.problems();
    if let Some((reference, true)) = &form.reference_used
        && reference == draft.reference.trim()
    {
        problems.push((
            CustomerField::Reference,
            format!("{reference} is already used by another customer."),
        ));
    }
    let server_field = form.server_problem.as_ref().and_then(|(f, _)| *f);
    egui::ScrollArea::vertical()
        .id_salt("customer_form")
        .max_height((ui.available_height() - 70.0).max(120.0))
        .auto_shrink([false, true])
        .show(ui, |ui| {
            let shown = Shown {
                problems: &problems,
                server: server_field.zip(form.server_problem.as_ref().map(|(_, m)| m.as_str())),
            };
            sections(ui, form, &shown, &mut edited, commands);
        });
    ui.separator();
    if let Some((_, message)) = &form.server_problem {
        ui.colored_label(theme::error_color(ui), message);
    }
    ui.horizontal(|ui| {
        let ready = problems.is_empty() && !form.saving;
        let label = if editing {
            "Save changes"
        } else {
            "Create customer"
        };
        if ui.add_enabled(ready, egui::Button::new(label)).clicked() {
            commands.push(Command::Save);
        }
        if form.saving {
            ui.spinner();
            ui.label("Saving…");
        } else if !problems.is_empty() {
            let count = problems.len();
            ui.label(
                RichText::new(format!(
                    "{count} field{} to fix",
                    if count == 1 { "" } else { "s" }
                ))
                .color(theme::error_color(ui)),
            );
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Discard draft").clicked() {
                commands.push(Command::DiscardDraft);
            }
            if ui
                .button("Close")
                .on_hover_text("Keep the draft for later")
                .clicked()
            {
                commands.push(Command::CloseForm);
            }
        });
    });
    if edited != *draft {
        commands.push(Command::UpdateDraft(Box::new(edited)));
    }
}

/// The problems to show against fields.
struct Shown<'a> {
    problems: &'a [(CustomerField, String)],
    server: Option<(CustomerField, &'a str)>,
}

impl Shown<'_> {
    fn of(&self, field: CustomerField) -> Option<&str> {
        self.problems
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, p)| p.as_str())
            .or_else(|| self.server.filter(|(f, _)| *f == field).map(|(_, m)| m))
    }
}

fn sections(
    ui: &mut egui::Ui,
    form: &CustomerForm,
    shown: &Shown<'_>,
    draft: &mut CustomerDraft,
    commands: &mut Vec<Command>,
) {
    let lookups = form.lookups.as_deref();
    section(ui, "Account", |ui| {
        let reference = text_field(ui, shown, CustomerField::Reference, &mut draft.reference);
        if reference.lost_focus() {
            commands.push(Command::CheckReference);
        }
        text_field(ui, shown, CustomerField::Name, &mut draft.name);
        text_field(ui, shown, CustomerField::ShortName, &mut draft.short_name);
        fixed_choice(
            ui,
            CustomerField::Status,
            &ACCOUNT_STATUSES,
            &mut draft.account_status_type,
        );
        ui.label("On hold");
        ui.checkbox(&mut draft.on_hold, "").widget_info(|| {
            egui::WidgetInfo::labeled(egui::accesskit::Role::CheckBox, true, "On hold")
        });
        ui.end_row();
    });
    section(ui, "Contact", |ui| {
        text_field(ui, shown, CustomerField::FirstName, &mut draft.first_name);
        text_field(ui, shown, CustomerField::LastName, &mut draft.last_name);
        text_field(ui, shown, CustomerField::Email, &mut draft.email);
        text_field(
            ui,
            shown,
            CustomerField::PhoneCountry,
            &mut draft.telephone_country_code,
        );
        text_field(
            ui,
            shown,
            CustomerField::PhoneArea,
            &mut draft.telephone_area_code,
        );
        text_field(
            ui,
            shown,
            CustomerField::PhoneNumber,
            &mut draft.telephone_subscriber_number,
        );
    });
    section(ui, "Address", |ui| {
        text_field(ui, shown, CustomerField::Address1, &mut draft.address_1);
        text_field(ui, shown, CustomerField::Address2, &mut draft.address_2);
        text_field(ui, shown, CustomerField::City, &mut draft.city);
        text_field(ui, shown, CustomerField::County, &mut draft.county);
        text_field(ui, shown, CustomerField::Postcode, &mut draft.postcode);
    });
    section(ui, "Trading", |ui| {
        lookup_choice(
            ui,
            shown,
            CustomerField::Currency,
            lookups.map(|l| l.currencies.as_slice()),
            &mut draft.currency_id,
        );
        text_field(
            ui,
            shown,
            CustomerField::CreditLimit,
            &mut draft.credit_limit,
        );
        text_field(
            ui,
            shown,
            CustomerField::PaymentTermsDays,
            &mut draft.payment_terms_days,
        );
        fixed_choice(
            ui,
            CustomerField::AccountType,
            &ACCOUNT_TYPES,
            &mut draft.account_type,
        );
    });
    section(ui, "Tax", |ui| {
        lookup_choice(
            ui,
            shown,
            CustomerField::Country,
            lookups.map(|l| l.countries.as_slice()),
            &mut draft.country_code_id,
        );
        lookup_choice(
            ui,
            shown,
            CustomerField::TaxCode,
            lookups.map(|l| l.tax_codes.as_slice()),
            &mut draft.default_tax_code_id,
        );
        text_field(ui, shown, CustomerField::VatNumber, &mut draft.vat_number);
    });
}

fn section(ui: &mut egui::Ui, title: &str, body: impl FnOnce(&mut egui::Ui)) {
    ui.add_space(6.0);
    ui.label(RichText::new(title).strong().size(15.0));
    egui::Grid::new(("customer_section", title))
        .num_columns(2)
        .spacing([14.0, 6.0])
        .min_col_width(150.0)
        .show(ui, body);
}

/// A labelled text field with its problem below it.
fn text_field(
    ui: &mut egui::Ui,
    shown: &Shown<'_>,
    field: CustomerField,
    text: &mut String,
) -> egui::Response {
    let label = ui.label(field.label());
    let mut response = None;
    ui.vertical(|ui| {
        let edit = ui
            .add(egui::TextEdit::singleline(text).desired_width(320.0))
            .labelled_by(label.id);
        if let Some(problem) = shown.of(field) {
            ui.label(RichText::new(problem).small().color(theme::error_color(ui)));
        }
        response = Some(edit);
    });
    ui.end_row();
    response.unwrap_or(label)
}

/// A dropdown of fixed values (Sage's enumeration values, shown in words).
fn fixed_choice(
    ui: &mut egui::Ui,
    field: CustomerField,
    options: &[(&str, &str)],
    value: &mut String,
) {
    let label = ui.label(field.label());
    let shown = options
        .iter()
        .find(|(v, _)| v == value)
        .map_or_else(|| value.clone(), |(_, words)| (*words).to_owned());
    egui::ComboBox::from_id_salt(("customer_choice", field.label()))
        .selected_text(shown)
        .width(200.0)
        .show_ui(ui, |ui| {
            for (wire, words) in options {
                ui.selectable_value(value, (*wire).to_owned(), *words);
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
}

/// A searchable dropdown fed by a lookup list (currencies, country codes, tax codes).
fn lookup_choice(
    ui: &mut egui::Ui,
    shown: &Shown<'_>,
    field: CustomerField,
    choices: Option<&[Choice]>,
    value: &mut Option<i64>,
) {
    let label = ui.label(field.label());
    ui.vertical(|ui| {
        let Some(choices) = choices else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(RichText::new("Loading the list…").weak());
            });
            return;
        };
        let selected = value
            .and_then(|id| choices.iter().find(|c| c.id == id))
            .map_or_else(|| "(none)".to_owned(), |c| c.label.clone());
        let search_id = egui::Id::unique(("lookup_search", field.label()));
        egui::ComboBox::from_id_salt(("customer_lookup", field.label()))
            .selected_text(selected)
            .width(320.0)
            .height(320.0)
            .show_ui(ui, |ui| {
                let mut search: String = ui.data(|d| d.get_temp(search_id)).unwrap_or_default();
                ui.add(egui::TextEdit::singleline(&mut search).hint_text("Search…"));
                let needle = search.to_lowercase();
                ui.selectable_value(value, None, "(none)");
                for choice in choices
                    .iter()
                    .filter(|c| needle.is_empty() || c.label.to_lowercase().contains(&needle))
                {
                    ui.selectable_value(value, Some(choice.id), &choice.label);
                }
                ui.data_mut(|d| d.insert_temp(search_id, search));
            })
            .response
            .labelled_by(label.id);
        if let Some(problem) = shown.of(field) {
            ui.label(RichText::new(problem).small().color(theme::error_color(ui)));
        }
    });
    ui.end_row();
}
