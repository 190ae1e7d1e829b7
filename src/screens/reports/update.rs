//! The Reports screen's work: reading Sage's summary resources for the chosen company (all
//! pages of each, several at once), shaping them into figures on the blocking pool, and
//! turning a click on a figure into the Browse screen's list of exactly those records.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::api::{self, ApiRequest};
use crate::app::{Services, Task, finished};
use crate::document::{
    AgedReport, Answered, Breach, PeriodSales, aged_report, credit_breaches, pence, sales_by_period,
};
use crate::screens::calls;
use crate::screens::shared::{Screen, UserError};

use super::{Command, Ledger, Overdue, Part, State, Table};

type Read<T> = Task<Result<Arc<T>, UserError>>;
type Names = Vec<((Ledger, i64), String)>;

/// The Reports screen: its figures and the reads in flight.
#[derive(Default)]
pub struct Reports {
    state: State,
    debtors: Option<Read<AgedReport>>,
    creditors: Option<Read<AgedReport>>,
    sales: Option<Read<Vec<PeriodSales>>>,
    customers: Option<Read<(Vec<Breach>, Names)>>,
    suppliers: Option<Read<Names>>,
    overdue: Option<Read<Overdue>>,
    export: Option<Task<Result<Option<PathBuf>, UserError>>>,
    /// When the reading began.
    started: Option<std::time::Instant>,
}

/// Reads every page of `path` with `params`, paged by `key` (`key gt last`: each page is
/// found by its key, not by reading past the ones before it), as one answer.
async fn read_all(
    client: api::ApiClient,
    request: ApiRequest,
    key: String,
) -> Result<Arc<Answered>, UserError> {
    let options = api::PageOptions {
        order_by: key,
        keyset: true,
        ..api::PageOptions::default()
    };
    calls::fetch_all_pages(client, request, options, false, |_| {}).await
}

/// Shapes an answer's table on the blocking pool.
async fn shape<T: Send + Sync + 'static>(
    answer: Arc<Answered>,
    make: impl FnOnce(&crate::document::TableModel) -> T + Send + 'static,
) -> Result<Arc<T>, UserError> {
    tokio::task::spawn_blocking(move || {
        let empty = crate::document::TableModel::from_rows(Vec::new(), &[]);
        Arc::new(make(answer.table.as_ref().unwrap_or(&empty)))
    })
    .await
    .map_err(|e| UserError {
        message: format!("Reading the figures stopped: {e}"),
        advice: "Try again.".to_owned(),
    })
}

/// A read's result as the view shows it.
fn part<T>(result: Result<Arc<T>, UserError>) -> Part<T> {
    match result {
        Ok(value) => Part::Ready(value),
        Err(problem) => Part::Failed(problem),
    }
}

/// How each row of a list with `id`, `reference` and `name` reads ("REF — Name"), by the
/// same rule as every link ([`crate::model::record_label`]).
fn names_of(table: &crate::document::TableModel, ledger: Ledger) -> Names {
    let column = |name: &str| table.columns.iter().position(|c| c == name);
    let Some(id) = column("id") else {
        return Vec::new();
    };
    let (reference, name) = (column("reference"), column("name"));
    (0..table.len())
        .filter_map(|row| {
            let key = table.cell(row, id).parse().ok()?;
            let text = |c: Option<usize>| c.map(|c| table.cell(row, c).into_owned());
            let record = serde_json::json!({ "reference": text(reference), "name": text(name) });
            Some(((ledger, key), crate::model::record_label(&record)?))
        })
        .collect()
}

impl Reports {
    /// What the view draws.
    #[must_use]
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Handles one of the screen's commands.
    pub fn handle(&mut self, cx: &mut Services, command: Command) {
        match command {
            Command::Reload => self.load(cx),
            Command::SetAgeing(ageing) => {
                self.state.ageing = ageing;
                self.load_aged(cx);
            }
            Command::OpenAged {
                ledger,
                account,
                band,
            } => self.open_aged(cx, ledger, account, band),
            Command::OpenPeriod(index) => self.open_period(cx, index),
            Command::OpenBreaches => self.open_breaches(cx),
            Command::OpenOverdue => self.open_overdue(cx),
            Command::Export(table, path) => self.export(cx, table, path),
        }
    }

    /// The day balances are aged at: the demo's books are as at their own date; any other
    /// company's today.
    fn as_at(cx: &Services) -> chrono::NaiveDate {
        if cx
            .shared
            .active_profile()
            .is_some_and(crate::model::Profile::is_demo)
        {
            crate::demo_server::LEDGER_DATE
        } else {
            chrono::Local::now().date_naive()
        }
    }

    /// Reads every report for the company in use.
    pub fn load(&mut self, cx: &Services) {
        let (Some(client), Some(company)) = (cx.client.clone(), cx.company_scope()) else {
            return;
        };
        self.state.generation = Some(cx.shared.company_generation);
        self.state.as_at = Some(Self::as_at(cx));
        self.started = Some(std::time::Instant::now());
        self.state.read_times.clear();
        self.load_aged(cx);
        let get = |path: &str| ApiRequest::get(path).for_company(Some(&company));

        let request = get("customers").param("$select", "id,reference,name,balance,credit_limit");
        let c = client.clone();
        self.state.breaches = Part::Loading;
        self.customers = Some(cx.spawn(async move {
            let answer = read_all(c, request, "id".to_owned()).await?;
            shape(answer, |t| (credit_breaches(t), names_of(t, Ledger::Sales))).await
        }));

        let request = get("suppliers").param("$select", "id,reference,name");
        let c = client.clone();
        self.suppliers = Some(cx.spawn(async move {
            let answer = read_all(c, request, "id".to_owned()).await?;
            shape(answer, |t| names_of(t, Ledger::Purchase)).await
        }));

        let as_at = Self::as_at(cx);
        let request = get("sales_transaction_views")
            .param(
                "$select",
                "posted_customer_transaction_id,transaction_type,base_outstanding_value",
            )
            .param("$filter", super::figures::overdue_filter(as_at));
        let c = client.clone();
        self.state.overdue = Part::Loading;
        self.overdue = Some(cx.spawn(async move {
            let key = "posted_customer_transaction_id".to_owned();
            let answer = read_all(c, request, key).await?;
            shape(answer, |t| {
                let column = t.columns.iter().position(|c| c == "base_outstanding_value");
                let amount = (0..t.len())
                    .filter_map(|row| column.and_then(|c| pence(&t.cell(row, c))))
                    .sum();
                Overdue {
                    amount,
                    count: t.len(),
                }
            })
            .await
        }));

        let periods = get("financial_year_period_views")
            .param("$filter", "year_relative_to_current_year eq 0");
        let values = get("customer_period_value_views").param(
            "$select",
            "customer_period_value_id,customer_id,analysis_period_reference,\
             analysis_period_start_date,period_value_total_invoice_value_to_date_in_base,\
             period_value_total_cred_note_value_to_date_in_base",
        );
        self.state.sales = Part::Loading;
        self.sales = Some(cx.spawn(async move {
            // The current financial year's periods bound the period values read.
            let year = read_all(client.clone(), periods, "accounting_period_id".to_owned()).await?;
            let (first, last) = shape(year, |t| {
                let column = |name: &str| t.columns.iter().position(|c| c == name);
                let dates = |name: &str| {
                    column(name).map_or_else(Vec::new, |c| {
                        (0..t.len()).map(|r| t.cell(r, c).into_owned()).collect()
                    })
                };
                (
                    dates("period_start_date").into_iter().min(),
                    dates("period_start_date").into_iter().max(),
                )
            })
            .await?
            .as_ref()
            .clone();
            let mut values = values;
            let (Some(first), Some(last)) = (first, last) else {
                // No current financial year: no periods to show, rather than every year's.
                return Ok(Arc::new(Vec::new()));
            };
            {
                values = values.param(
                    "$filter",
                    format!(
                        "analysis_period_start_date ge {} and analysis_period_start_date le {}",
                        first.chars().take(10).collect::<String>(),
                        last.chars().take(10).collect::<String>()
                    ),
                );
            }
            let answer = read_all(client, values, "customer_period_value_id".to_owned()).await?;
            shape(answer, sales_by_period).await
        }));
    }

    /// Reads the aged debtors and creditors, aged as chosen.
    fn load_aged(&mut self, cx: &Services) {
        let (Some(client), Some(company)) = (cx.client.clone(), cx.company_scope()) else {
            return;
        };
        let ageing = self.state.ageing.parameter();
        for ledger in [Ledger::Sales, Ledger::Purchase] {
            let (path, account) = match ledger {
                Ledger::Sales => ("sales_aged_debtor_summary_views", "customer_id"),
                Ledger::Purchase => ("purchase_aged_creditor_summary_views", "supplier_id"),
            };
            let request = ApiRequest::get(path)
                .for_company(Some(&company))
                .param("$ageingdatetype", ageing);
            let c = client.clone();
            let task = cx.spawn(async move {
                let answer = read_all(c, request, account.to_owned()).await?;
                shape(answer, move |t| aged_report(t, account)).await
            });
            match ledger {
                Ledger::Sales => {
                    self.state.debtors = Part::Loading;
                    self.debtors = Some(task);
                }
                Ledger::Purchase => {
                    self.state.creditors = Part::Loading;
                    self.creditors = Some(task);
                }
            }
        }
    }

    /// Takes finished reads; reads again when the screen is shown for a new company.
    pub fn poll(&mut self, cx: &mut Services) {
        let started = self.started;
        let came = |what: &'static str, times: &mut Vec<_>| {
            if let Some(started) = started {
                times.push((what, started.elapsed()));
            }
        };
        if let Some(result) = finished(&mut self.debtors) {
            self.state.debtors = part(result);
            came("aged debtors", &mut self.state.read_times);
        }
        if let Some(result) = finished(&mut self.creditors) {
            self.state.creditors = part(result);
            came("aged creditors", &mut self.state.read_times);
        }
        if let Some(result) = finished(&mut self.sales) {
            self.state.sales = part(result);
            came("sales by period", &mut self.state.read_times);
        }
        if let Some(result) = finished(&mut self.overdue) {
            self.state.overdue = part(result);
            came("overdue transactions", &mut self.state.read_times);
        }
        let mut names: Vec<((Ledger, i64), String)> = Vec::new();
        if let Some(result) = finished(&mut self.customers) {
            came("customers", &mut self.state.read_times);
            self.state.breaches = match result {
                Ok(both) => {
                    names.extend(both.1.iter().cloned());
                    Part::Ready(Arc::new(both.0.clone()))
                }
                Err(problem) => Part::Failed(problem),
            };
        }
        if let Some(found) = finished(&mut self.suppliers) {
            came("suppliers", &mut self.state.read_times);
            if let Ok(found) = found {
                names.extend(found.iter().cloned());
            }
        }
        if !names.is_empty() {
            let mut all: HashMap<(Ledger, i64), String> = (*self.state.names).clone();
            all.extend(names);
            self.state.names = Arc::new(all);
        }
        if let Some(result) = finished(&mut self.export) {
            match result {
                Ok(Some(path)) => {
                    cx.shared.notice = Some(format!("Exported to {}", path.display()));
                }
                Ok(None) => {}
                Err(problem) => cx.shared.error = Some(problem),
            }
        }
        let stale = self.state.generation != Some(cx.shared.company_generation);
        if cx.shared.screen == Screen::Reports && stale && cx.company_scope().is_some() {
            self.state.names = Arc::default();
            self.load(cx);
        }
    }

    /// Shows `query` on the Browse screen.
    fn browse(cx: &mut Services, query: crate::screens::records::BrowseQuery) {
        cx.shared.screen = Screen::Browse;
        cx.send(crate::screens::browse::Command::Load(Box::new(query)));
    }

    fn open_aged(&mut self, cx: &mut Services, ledger: Ledger, account: Option<i64>, band: usize) {
        let report = match ledger {
            Ledger::Sales => self.state.debtors.ready(),
            Ledger::Purchase => self.state.creditors.ready(),
        };
        let Some(band) = report.and_then(|r| r.bands.get(band)).cloned() else {
            return;
        };
        let as_at = self.state.as_at.unwrap_or_else(|| Self::as_at(cx));
        let filter = super::figures::aged_filter(ledger, account, &band, self.state.ageing, as_at);
        Self::browse(cx, filter);
    }

    fn open_period(&mut self, cx: &mut Services, index: usize) {
        let Some(period) = self.state.sales.ready().and_then(|s| s.get(index)).cloned() else {
            return;
        };
        Self::browse(cx, super::figures::period_query(&period));
    }

    fn open_breaches(&mut self, cx: &mut Services) {
        let Some(breaches) = self.state.breaches.ready().cloned() else {
            return;
        };
        Self::browse(cx, super::figures::breaches_query(&breaches));
    }

    fn open_overdue(&mut self, cx: &mut Services) {
        let as_at = self.state.as_at.unwrap_or_else(|| Self::as_at(cx));
        Self::browse(cx, super::figures::overdue_query(as_at));
    }

    /// Writes a chart's numbers as an Excel workbook.
    fn export(&mut self, cx: &Services, table: Table, path: Option<PathBuf>) {
        let Some((name, columns, rows)) = super::figures::numbers(&self.state, table) else {
            return;
        };
        let suggested = crate::model::suggested_file_name(
            cx.shared.company.as_ref().map(|c| c.company_name.as_str()),
            name,
            chrono::Local::now().date_naive(),
            crate::model::ExportFormat::Xlsx,
        );
        self.export = Some(cx.spawn(async move {
            let format = crate::model::ExportFormat::Xlsx;
            let Some(path) = calls::save_path(path, "Export the figures", &suggested, format).await
            else {
                return Ok(None); // the user closed the dialog
            };
            let target = path.clone();
            tokio::task::spawn_blocking(move || {
                let bytes = crate::export::xlsx_bytes(&columns, rows.iter(), &[])?;
                crate::export::save_atomically(&target, &bytes)
            })
            .await
            .map_err(|e| UserError {
                message: format!("Writing the file stopped: {e}"),
                advice: "Try again.".to_owned(),
            })?
            .map_err(|e| UserError {
                message: crate::screens::shared::capitalise(&e.to_string()),
                advice: "Choose another folder or file name.".to_owned(),
            })?;
            Ok(Some(path))
        }));
    }
}
