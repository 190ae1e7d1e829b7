//! The Customers screen's work: the form's dropdown lists (cached per company), its
//! defaults from `customers_new`, the reference check, create (never twice: a lost answer
//! is looked up by reference before a retry is offered), update with only the changes,
//! and delete.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::api::{self, ApiClient, ApiError, ApiRequest, CompanyScope, Verb};
use crate::model::{CustomerDraft, CustomerField, FilterValue};

use super::state::{ListView, Screen, UserError};
use super::task::Task;
use super::{SageApp, finished};

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

/// What a create or update came to.
#[derive(Debug)]
pub(super) enum Saved {
    /// The customer as the server has it now.
    Done(Value),
    /// The answer was lost, but the lookup found the customer: it was created.
    FoundAfterLostAnswer(Value),
    /// Refused or failed; the form stays for another try.
    Failed(UserError, Option<CustomerField>),
}

/// Background work of the Customers screen.
#[derive(Default)]
pub(super) struct CustomerTasks {
    lookups: Option<Task<Result<Lookups, UserError>>>,
    defaults: Option<Task<Result<Value, UserError>>>,
    reference: Option<Task<Option<(String, bool)>>>,
    save: Option<Task<Saved>>,
    delete: Option<Task<Result<String, UserError>>>,
    /// Lists already loaded, per site and company.
    cache: HashMap<(String, i64), Arc<Lookups>>,
}

fn choices(records: &[Value], code: &str, name: &str) -> Vec<Choice> {
    let mut list: Vec<Choice> = records
        .iter()
        .filter_map(|r| {
            let id = r.get("id")?.as_i64()?;
            // Codes are text (`GB`, `£`) or numbers (tax code `1`).
            let text = |k: &str| match r.get(k) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            let label = match (text(code), text(name)) {
                (c, n) if c.is_empty() => n,
                (c, n) if n.is_empty() => c,
                (c, n) => format!("{c} — {n}"),
            };
            Some(Choice { id, label })
        })
        .collect();
    list.sort_by(|a, b| a.label.cmp(&b.label));
    list
}

async fn load_lookups(client: ApiClient, company: CompanyScope) -> Result<Lookups, UserError> {
    let list = |path: &'static str| {
        let client = client.clone();
        let request = ApiRequest::get(path)
            .for_company(Some(&company))
            .param("$top", "5000");
        async move {
            client
                .get_list::<Value>(&request)
                .await
                .map(|a| a.body)
                .map_err(|e| UserError::from(&e))
        }
    };
    let (currencies, countries, tax_codes) =
        tokio::try_join!(list("currencies"), list("country_codes"), list("tax_codes"))?;
    Ok(Lookups {
        currencies: choices(&currencies, "symbol", "name"),
        countries: choices(&countries, "code", "name"),
        tax_codes: choices(&tax_codes, "code", "name"),
    })
}

/// Looks customers up by reference: the ids of those that use it.
async fn find_by_reference(
    client: &ApiClient,
    company: &CompanyScope,
    reference: &str,
) -> Result<Vec<Value>, ApiError> {
    let filter = crate::model::Condition::new(
        "reference",
        crate::model::CompareOp::Equals,
        FilterValue::Text(reference.to_owned()),
    )
    .to_odata()
    .map_err(|e| ApiError::InvalidBody { detail: e.0 })?;
    let request = ApiRequest::get("customers")
        .for_company(Some(company))
        .param("$filter", filter)
        .param("$top", "2");
    client.get_list::<Value>(&request).await.map(|a| a.body)
}

/// Sends a request and reads its JSON answer.
async fn call_json(client: &ApiClient, request: &ApiRequest) -> Result<Value, ApiError> {
    let answer = client.execute(request).await?;
    api::decode::<Value>(&answer.body)
}

/// Creates a customer with one POST. When the answer is lost the customer may still have
/// been saved: it is looked up by reference, and only if it is not there is a retry offered.
async fn create(client: ApiClient, company: CompanyScope, draft: CustomerDraft) -> Saved {
    let mut request = ApiRequest::get("customers").for_company(Some(&company));
    request.verb = Verb::Post;
    request.body = serde_json::to_vec(&draft.to_json()).ok();
    match call_json(&client, &request).await {
        Ok(record) => Saved::Done(record),
        Err(error @ (ApiError::Network { .. } | ApiError::Timeout)) => {
            match find_by_reference(&client, &company, draft.reference.trim()).await {
                Ok(found) if !found.is_empty() => {
                    Saved::FoundAfterLostAnswer(found.into_iter().next().unwrap_or_default())
                }
                Ok(_) => Saved::Failed(
                    UserError {
                        message: format!(
                            "The answer to the create was lost ({error}), and no customer {} exists: it was not created.",
                            draft.reference.trim()
                        ),
                        advice: "Your form is kept. Create it again when the connection is back."
                            .to_owned(),
                    },
                    None,
                ),
                Err(lookup) => Saved::Failed(
                    UserError {
                        message: format!(
                            "The answer to the create was lost ({error}) and the check for customer {} failed too ({lookup}).",
                            draft.reference.trim()
                        ),
                        advice: "Look the reference up in the list before creating it again, so it is not created twice."
                            .to_owned(),
                    },
                    None,
                ),
            }
        }
        Err(error) => failed(&error),
    }
}

fn failed(error: &ApiError) -> Saved {
    let field = match error {
        ApiError::Status { message, .. } => CustomerField::named_in(message),
        _ => None,
    };
    Saved::Failed(UserError::from(error), field)
}

impl SageApp {
    fn company_key(&self) -> Option<(String, i64)> {
        self.company_scope().map(|c| (c.site_id, c.company_id))
    }

    /// Opens the form: the restored draft when there is one, else a new one filled with
    /// the company's defaults.
    pub(super) fn new_customer(&mut self) {
        self.state.persisted.screen = Screen::Customers;
        let mut form = CustomerForm::default();
        if self.state.persisted.customer_draft.is_none() {
            self.state.persisted.customer_draft = Some(CustomerDraft::default());
            if let (Some(client), Some(company)) = (self.client.clone(), self.company_scope()) {
                let mut request = ApiRequest::get("customers_new").for_company(Some(&company));
                request.verb = Verb::Post;
                form.loading_defaults = true;
                self.customer_form_tasks.defaults = Some(Task::spawn(
                    &self.options.runtime,
                    self.waker.clone(),
                    async move {
                        call_json(&client, &request)
                            .await
                            .map_err(|e| UserError::from(&e))
                    },
                ));
            }
        }
        self.state.customer_form = Some(form);
        self.load_lookups();
    }

    /// Opens the form on an existing customer.
    pub(super) fn edit_customer(&mut self, record: &Value) {
        let mut draft = CustomerDraft::from_record(record);
        draft.id = record.get("id").and_then(Value::as_i64);
        let contact_id = record
            .get("contacts")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
            .and_then(|c| c.get("id"))
            .and_then(Value::as_i64);
        self.state.customer_form = Some(CustomerForm {
            original: Some((draft.clone(), contact_id)),
            ..CustomerForm::default()
        });
        self.state.persisted.customer_draft = Some(draft);
        self.load_lookups();
    }

    fn load_lookups(&mut self) {
        let Some(key) = self.company_key() else {
            return;
        };
        if let Some(cached) = self.customer_form_tasks.cache.get(&key).cloned() {
            if let Some(form) = &mut self.state.customer_form {
                form.lookups = Some(cached);
            }
            return;
        }
        let (Some(client), Some(company)) = (self.client.clone(), self.company_scope()) else {
            return;
        };
        self.customer_form_tasks.lookups = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            load_lookups(client, company),
        ));
    }

    /// Looks the draft's reference up, to say before sending whether it is taken.
    pub(super) fn check_reference(&mut self) {
        let Some(draft) = &self.state.persisted.customer_draft else {
            return;
        };
        let reference = draft.reference.trim().to_owned();
        let editing = draft.id;
        if reference.is_empty() || draft.problem(CustomerField::Reference).is_some() {
            return;
        }
        let (Some(client), Some(company)) = (self.client.clone(), self.company_scope()) else {
            return;
        };
        self.customer_form_tasks.reference = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            async move {
                let found = find_by_reference(&client, &company, &reference)
                    .await
                    .ok()?;
                // The customer being edited may keep its own reference.
                let used = found
                    .iter()
                    .any(|r| r.get("id").and_then(Value::as_i64) != editing);
                Some((reference, used))
            },
        ));
    }

    /// Sends the form: a POST for a new customer, a PUT of the changes for an edit.
    pub(super) fn save_customer(&mut self) {
        let (Some(client), Some(company)) = (self.client.clone(), self.company_scope()) else {
            return;
        };
        let (Some(draft), Some(form)) = (
            self.state.persisted.customer_draft.clone(),
            self.state.customer_form.as_mut(),
        ) else {
            return;
        };
        if form.saving || !draft.problems().is_empty() {
            return;
        }
        form.saving = true;
        form.server_problem = None;
        let future: std::pin::Pin<Box<dyn Future<Output = Saved> + Send>> = match draft.id {
            Some(id) => {
                // Only the changes; a draft restored after a restart has lost what it
                // was, so it sends every field.
                let body = match &form.original {
                    Some((original, contact_id)) => draft.changes_from(original, *contact_id),
                    None => draft.to_json(),
                };
                let mut request =
                    ApiRequest::get(&format!("customers/{id}")).for_company(Some(&company));
                request.verb = Verb::Put;
                request.body = serde_json::to_vec(&body).ok();
                Box::pin(async move {
                    match call_json(&client, &request).await {
                        Ok(record) => Saved::Done(record),
                        Err(error) => failed(&error),
                    }
                })
            }
            None => Box::pin(create(client, company, draft)),
        };
        self.customer_form_tasks.save = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            future,
        ));
    }

    /// Closes the form and forgets its draft.
    pub(super) fn discard_customer_draft(&mut self) {
        self.state.persisted.customer_draft = None;
        self.state.customer_form = None;
        self.customer_form_tasks.save = None;
        self.customer_form_tasks.defaults = None;
        self.customer_form_tasks.reference = None;
    }

    /// Deletes a customer (the user has confirmed, naming it).
    pub(super) fn delete_customer(&mut self, id: i64, name: String) {
        self.state.confirm_delete = None;
        let (Some(client), Some(company)) = (self.client.clone(), self.company_scope()) else {
            return;
        };
        let mut request = ApiRequest::get(&format!("customers/{id}")).for_company(Some(&company));
        request.verb = Verb::Delete;
        self.customer_form_tasks.delete = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            async move {
                client
                    .execute(&request)
                    .await
                    .map(|_| name)
                    .map_err(|e| UserError::from(&e))
            },
        ));
    }

    /// Shows a saved customer in the list's detail pane, and reloads the list.
    fn show_saved_customer(&mut self, record: Value) {
        self.discard_customer_draft();
        let mut query = self.state.customers.query.clone();
        query.page = 0;
        self.browse(ListView::Customers, query);
        self.state.customers.record = Some(Arc::new(record));
    }

    /// Takes finished Customers work.
    pub(super) fn poll_customers(&mut self) {
        if let Some(result) = finished(&mut self.customer_form_tasks.lookups) {
            match result {
                Ok(lookups) => {
                    let lookups = Arc::new(lookups);
                    if let Some(key) = self.company_key() {
                        self.customer_form_tasks.cache.insert(key, lookups.clone());
                    }
                    if let Some(form) = &mut self.state.customer_form {
                        form.lookups = Some(lookups);
                    }
                }
                Err(problem) => self.state.error = Some(problem),
            }
        }
        if let Some(result) = finished(&mut self.customer_form_tasks.defaults) {
            if let Some(form) = &mut self.state.customer_form {
                form.loading_defaults = false;
            }
            match result {
                Ok(defaults) => {
                    // Defaults fill only what the user has not typed yet.
                    let filled = CustomerDraft::from_record(&defaults);
                    if let Some(draft) = &mut self.state.persisted.customer_draft {
                        merge_defaults(draft, &filled);
                    }
                }
                Err(problem) => self.state.error = Some(problem),
            }
        }
        if let Some(Some(checked)) = finished(&mut self.customer_form_tasks.reference)
            && let Some(form) = &mut self.state.customer_form
        {
            form.reference_used = Some(checked);
        }
        if let Some(saved) = finished(&mut self.customer_form_tasks.save) {
            if let Some(form) = &mut self.state.customer_form {
                form.saving = false;
            }
            match saved {
                Saved::Done(record) => {
                    let name = record
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    self.state.notice = Some(format!("Saved customer {name}"));
                    self.show_saved_customer(record);
                }
                Saved::FoundAfterLostAnswer(record) => {
                    self.state.notice = Some(
                        "The answer was lost, but the customer was created: it is shown here (not created twice).".to_owned(),
                    );
                    self.show_saved_customer(record);
                }
                Saved::Failed(problem, field) => {
                    if let Some(form) = &mut self.state.customer_form {
                        form.server_problem =
                            Some((field, format!("{} {}", problem.message, problem.advice)));
                    }
                }
            }
        }
        if let Some(result) = finished(&mut self.customer_form_tasks.delete) {
            match result {
                Ok(name) => {
                    self.state.notice = Some(format!("Deleted customer {name}"));
                    self.state.customers.record = None;
                    let mut query = self.state.customers.query.clone();
                    query.page = 0;
                    self.browse(ListView::Customers, query);
                }
                Err(problem) => self.state.error = Some(problem),
            }
        }
    }
}

/// Copies defaults into the fields the user left empty.
fn merge_defaults(draft: &mut CustomerDraft, defaults: &CustomerDraft) {
    let fill = |mine: &mut String, theirs: &String| {
        if mine.trim().is_empty() {
            mine.clone_from(theirs);
        }
    };
    fill(
        &mut draft.account_status_type,
        &defaults.account_status_type,
    );
    fill(&mut draft.account_type, &defaults.account_type);
    fill(&mut draft.credit_limit, &defaults.credit_limit);
    fill(&mut draft.payment_terms_days, &defaults.payment_terms_days);
    fill(
        &mut draft.telephone_country_code,
        &defaults.telephone_country_code,
    );
    draft.currency_id = draft.currency_id.or(defaults.currency_id);
    draft.country_code_id = draft.country_code_id.or(defaults.country_code_id);
    draft.default_tax_code_id = draft.default_tax_code_id.or(defaults.default_tax_code_id);
}
