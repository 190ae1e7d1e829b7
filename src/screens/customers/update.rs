//! The Customers screen's work: the form's dropdown lists (cached per company), its
//! defaults from `customers_new`, the reference check, create (never twice: a lost answer
//! is looked up by reference before a retry is offered), update with only the changes,
//! and delete.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::api::{self, ApiClient, ApiError, ApiRequest, CompanyScope, Verb};
use crate::app::{Services, Task, finished};
use crate::model::{CustomerDraft, CustomerField, FilterValue};
use crate::screens::records::{self, ListState, ListView, customers_query};
use crate::screens::shared::{Screen, UserError};

use super::{Choice, Command, CustomerForm, Lookups, State};

/// What a create or update came to.
#[derive(Debug)]
enum Saved {
    /// The customer as the server has it now.
    Done(Value),
    /// The answer was lost, but the lookup found the customer: it was created.
    FoundAfterLostAnswer(Value),
    /// Refused or failed; the form stays for another try.
    Failed(UserError, Option<CustomerField>),
}

/// Background work of the Customers screen.
#[derive(Default)]
struct CustomerTasks {
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

/// The site and company the lookups cache is keyed by.
fn company_key(cx: &Services) -> Option<(String, i64)> {
    cx.company_scope().map(|c| (c.site_id, c.company_id))
}

/// The Customers screen: its records list, the form and the work in flight for them.
pub struct Customers {
    state: State,
    list: records::List,
    tasks: CustomerTasks,
}

impl Customers {
    /// The screen with a draft restored from the last run, if any, and the list's columns
    /// as last chosen.
    #[must_use]
    pub fn new(draft: Option<CustomerDraft>, remembered: records::ColumnChoices) -> Self {
        Self {
            state: State {
                draft,
                ..State::default()
            },
            list: records::List::new(ListView::Customers, customers_query(), remembered),
            tasks: CustomerTasks::default(),
        }
    }

    /// What the view draws beside the list.
    #[must_use]
    pub fn state(&self) -> &State {
        &self.state
    }

    /// What the records list draws.
    #[must_use]
    pub fn list(&self) -> &ListState {
        self.list.state()
    }

    /// Handles one of the screen's commands.
    pub fn handle(&mut self, cx: &mut Services, command: Command) {
        match command {
            Command::List(command) => self.list.handle(cx, command),
            Command::New => self.new_customer(cx),
            Command::Edit(record) => self.edit_customer(cx, &record),
            Command::UpdateDraft(draft) => {
                if let Some(form) = &mut self.state.form {
                    form.server_problem = None;
                }
                self.state.draft = Some(*draft);
            }
            Command::CheckReference => self.check_reference(cx),
            Command::Save => self.save_customer(cx),
            Command::CloseForm => self.state.form = None,
            Command::DiscardDraft => self.discard_customer_draft(),
            Command::AskDelete(id, name) => self.state.confirm_delete = Some((id, name)),
            Command::CancelDelete => self.state.confirm_delete = None,
            Command::Delete(id, name) => self.delete_customer(cx, id, name),
        }
    }

    /// Opens the form: the restored draft when there is one, else a new one filled with
    /// the company's defaults.
    fn new_customer(&mut self, cx: &mut Services) {
        cx.shared.screen = Screen::Customers;
        let mut form = CustomerForm::default();
        if self.state.draft.is_none() {
            self.state.draft = Some(CustomerDraft::default());
            if let (Some(client), Some(company)) = (cx.client.clone(), cx.company_scope()) {
                let mut request = ApiRequest::get("customers_new").for_company(Some(&company));
                request.verb = Verb::Post;
                form.loading_defaults = true;
                self.tasks.defaults = Some(cx.spawn(async move {
                    call_json(&client, &request)
                        .await
                        .map_err(|e| UserError::from(&e))
                }));
            }
        }
        self.state.form = Some(form);
        self.load_lookups(cx);
    }

    /// Opens the form on an existing customer.
    fn edit_customer(&mut self, cx: &Services, record: &Value) {
        let mut draft = CustomerDraft::from_record(record);
        draft.id = record.get("id").and_then(Value::as_i64);
        let contact_id = record
            .get("contacts")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
            .and_then(|c| c.get("id"))
            .and_then(Value::as_i64);
        self.state.form = Some(CustomerForm {
            original: Some((draft.clone(), contact_id)),
            ..CustomerForm::default()
        });
        self.state.draft = Some(draft);
        self.load_lookups(cx);
    }

    fn load_lookups(&mut self, cx: &Services) {
        let Some(key) = company_key(cx) else {
            return;
        };
        if let Some(cached) = self.tasks.cache.get(&key).cloned() {
            if let Some(form) = &mut self.state.form {
                form.lookups = Some(cached);
            }
            return;
        }
        let (Some(client), Some(company)) = (cx.client.clone(), cx.company_scope()) else {
            return;
        };
        self.tasks.lookups = Some(cx.spawn(load_lookups(client, company)));
    }

    /// Looks the draft's reference up, to say before sending whether it is taken.
    fn check_reference(&mut self, cx: &Services) {
        let Some(draft) = &self.state.draft else {
            return;
        };
        let reference = draft.reference.trim().to_owned();
        let editing = draft.id;
        if reference.is_empty() || draft.problem(CustomerField::Reference).is_some() {
            return;
        }
        let (Some(client), Some(company)) = (cx.client.clone(), cx.company_scope()) else {
            return;
        };
        self.tasks.reference = Some(cx.spawn(async move {
            let found = find_by_reference(&client, &company, &reference)
                .await
                .ok()?;
            // The customer being edited may keep its own reference.
            let used = found
                .iter()
                .any(|r| r.get("id").and_then(Value::as_i64) != editing);
            Some((reference, used))
        }));
    }

    /// Sends the form: a POST for a new customer, a PUT of the changes for an edit.
    fn save_customer(&mut self, cx: &Services) {
        let (Some(client), Some(company)) = (cx.client.clone(), cx.company_scope()) else {
            return;
        };
        let (Some(draft), Some(form)) = (self.state.draft.clone(), self.state.form.as_mut()) else {
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
        self.tasks.save = Some(cx.spawn(future));
    }

    /// Closes the form and forgets its draft.
    fn discard_customer_draft(&mut self) {
        self.state.draft = None;
        self.state.form = None;
        self.tasks.save = None;
        self.tasks.defaults = None;
        self.tasks.reference = None;
    }

    /// Deletes a customer (the user has confirmed, naming it).
    fn delete_customer(&mut self, cx: &Services, id: i64, name: String) {
        self.state.confirm_delete = None;
        let (Some(client), Some(company)) = (cx.client.clone(), cx.company_scope()) else {
            return;
        };
        let mut request = ApiRequest::get(&format!("customers/{id}")).for_company(Some(&company));
        request.verb = Verb::Delete;
        self.tasks.delete = Some(cx.spawn(async move {
            client
                .execute(&request)
                .await
                .map(|_| name)
                .map_err(|e| UserError::from(&e))
        }));
    }

    /// Shows a saved customer in the list's detail pane, and reloads the list.
    fn show_saved_customer(&mut self, cx: &Services, record: Value) {
        self.discard_customer_draft();
        self.list.reload_showing(cx, Some(record));
    }

    /// Takes finished work of the list and of the form.
    pub fn poll(&mut self, cx: &mut Services) {
        self.list.poll(cx);
        if let Some(result) = finished(&mut self.tasks.lookups) {
            match result {
                Ok(lookups) => {
                    let lookups = Arc::new(lookups);
                    if let Some(key) = company_key(cx) {
                        self.tasks.cache.insert(key, lookups.clone());
                    }
                    if let Some(form) = &mut self.state.form {
                        form.lookups = Some(lookups);
                    }
                }
                Err(problem) => cx.shared.error = Some(problem),
            }
        }
        if let Some(result) = finished(&mut self.tasks.defaults) {
            if let Some(form) = &mut self.state.form {
                form.loading_defaults = false;
            }
            match result {
                Ok(defaults) => {
                    // Defaults fill only what the user has not typed yet.
                    let filled = CustomerDraft::from_record(&defaults);
                    if let Some(draft) = &mut self.state.draft {
                        merge_defaults(draft, &filled);
                    }
                }
                Err(problem) => cx.shared.error = Some(problem),
            }
        }
        if let Some(Some(checked)) = finished(&mut self.tasks.reference)
            && let Some(form) = &mut self.state.form
        {
            form.reference_used = Some(checked);
        }
        if let Some(saved) = finished(&mut self.tasks.save) {
            if let Some(form) = &mut self.state.form {
                form.saving = false;
            }
            match saved {
                Saved::Done(record) => {
                    let name = record
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    cx.shared.notice = Some(format!("Saved customer {name}"));
                    self.show_saved_customer(cx, record);
                }
                Saved::FoundAfterLostAnswer(record) => {
                    cx.shared.notice = Some(
                        "The answer was lost, but the customer was created: it is shown here (not created twice).".to_owned(),
                    );
                    self.show_saved_customer(cx, record);
                }
                Saved::Failed(problem, field) => {
                    if let Some(form) = &mut self.state.form {
                        form.server_problem =
                            Some((field, format!("{} {}", problem.message, problem.advice)));
                    }
                }
            }
        }
        if let Some(result) = finished(&mut self.tasks.delete) {
            match result {
                Ok(name) => {
                    cx.shared.notice = Some(format!("Deleted customer {name}"));
                    self.list.reload_showing(cx, None);
                }
                Err(problem) => cx.shared.error = Some(problem),
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
