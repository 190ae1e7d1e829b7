//! The Customers screen's state: the form's draft (persisted until saved or discarded),
//! the form while open, and a delete awaiting confirmation.

use std::sync::Arc;

use crate::model::{CustomerDraft, CustomerField};

/// One entry of a dropdown: the id sent, the text shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The record's id.
    pub id: i64,
    /// What people read ("GBP — Pound Sterling").
    pub label: String,
}

/// The form's dropdown lists for one company.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lookups {
    /// From `currencies`.
    pub currencies: Vec<Choice>,
    /// From `country_codes`.
    pub countries: Vec<Choice>,
    /// From `tax_codes`.
    pub tax_codes: Vec<Choice>,
}

/// The new- or edit-customer form (its draft lives in the persisted state).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CustomerForm {
    /// When editing: the customer as it was, and its first contact's id.
    pub original: Option<(CustomerDraft, Option<i64>)>,
    /// The dropdown lists, once loaded.
    pub lookups: Option<Arc<Lookups>>,
    /// The reference last looked up, and whether a customer already uses it.
    pub reference_used: Option<(String, bool)>,
    /// Whether the draft is being sent.
    pub saving: bool,
    /// A problem from the server: the field it names (when it names one) and the message.
    pub server_problem: Option<(Option<CustomerField>, String)>,
    /// Whether the company's defaults are being fetched.
    pub loading_defaults: bool,
}

/// What the Customers screen shows beside its records list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    /// The form's draft, until the customer is saved or the draft discarded (persisted, so
    /// it survives a restart or crash).
    pub draft: Option<CustomerDraft>,
    /// The form, while open.
    pub form: Option<CustomerForm>,
    /// A customer the user asked to delete: id and name, awaiting confirmation.
    pub confirm_delete: Option<(i64, String)>,
}
