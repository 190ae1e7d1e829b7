//! Customers: the customer list (a records list) with its detail pane, the new/edit
//! customer form with checks as the user types, its dropdowns from `currencies`,
//! `country_codes` and `tax_codes` (cached per company), defaults from `customers_new`,
//! create without duplicates, update with only the changes, and delete with a
//! confirmation naming the customer.

mod state;
mod update;
pub mod view;

pub use state::{Choice, CustomerForm, Lookups, State};
pub use update::Customers;

use crate::model::CustomerDraft;
use crate::screens::records;

/// What the Customers screen is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Something for the customer list.
    List(records::Command),
    /// Open the new-customer form (the saved draft, when there is one).
    New,
    /// Open the form on an existing customer.
    Edit(Box<serde_json::Value>),
    /// The form's draft changed.
    UpdateDraft(Box<CustomerDraft>),
    /// Look the draft's reference up (is it taken?).
    CheckReference,
    /// Create or update the customer from the form.
    Save,
    /// Close the form, keeping the draft for later.
    CloseForm,
    /// Close the form and forget the draft.
    DiscardDraft,
    /// Ask to confirm deleting a customer (id, name).
    AskDelete(i64, String),
    /// Do not delete after all.
    CancelDelete,
    /// Delete a customer (id, name), confirmed.
    Delete(i64, String),
}
