//! The Browse screen's work: a page of any list resource with its sort, quick search,
//! filter and chosen columns; the record count; the selected record in full; "Fetch all"
//! with progress; exports of the page or of every matching record.

use std::path::PathBuf;
use std::sync::{Arc, mpsc};

use serde_json::Value;

use crate::api;
use crate::model::{
    Combine, CompareOp, Condition, ExportFormat, FilterGroup, FilterItem, FilterValue, format_date,
    format_money,
};

use super::answer::{Answered, TableModel};
use super::request;
use super::state::{BrowseQuery, BrowseView, ListView, UserError};
use super::task::Task;
use super::{SageApp, finished};

/// How a column's values are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// As text, truncated with the full text on hover.
    Text,
    /// Right-aligned with two places and thousands separators.
    Money,
    /// A tick for true.
    Bool,
    /// In the user's date order.
    Date,
}

/// Judges each column's kind from its first non-empty values (enough to tell, and cheap).
#[must_use]
pub fn column_kinds(table: &TableModel) -> Vec<ColumnKind> {
    (0..table.columns.len())
        .map(|column| {
            // The first few hundred rows are enough to tell, and keep this quick when a
            // column is empty throughout 100,000 rows.
            let sample: Vec<std::borrow::Cow<'_, str>> = (0..table.len().min(500))
                .map(|r| table.cell(r, column))
                .filter(|v| !v.is_empty())
                .take(50)
                .collect();
            if sample.is_empty() {
                ColumnKind::Text
            } else if sample.iter().all(|v| v == "true" || v == "false") {
                ColumnKind::Bool
            } else if sample
                .iter()
                .all(|v| format_date(v, crate::model::DateStyle::YearMonthDay).is_some())
            {
                ColumnKind::Date
            } else if sample.iter().any(|v| v.contains('.'))
                && sample.iter().all(|v| format_money(v).is_some())
            {
                ColumnKind::Money
            } else {
                ColumnKind::Text
            }
        })
        .collect()
}

impl BrowseQuery {
    /// The `$filter` text: the quick search (any search field contains the text) and the
    /// filter builder's conditions together. `Err` says what is wrong with the conditions.
    pub fn filter_text(&self, search_fields: &[String]) -> Result<Option<String>, String> {
        let mut both = FilterGroup {
            combine: Combine::All,
            items: Vec::new(),
        };
        let search = self.search.trim();
        if !search.is_empty() {
            both.items.push(FilterItem::Group(FilterGroup {
                combine: Combine::Any,
                items: search_fields
                    .iter()
                    .map(|field| {
                        FilterItem::Condition(Condition::new(
                            field,
                            CompareOp::Contains,
                            FilterValue::Text(search.to_owned()),
                        ))
                    })
                    .collect(),
            }));
        }
        if !self.filter.items.is_empty() {
            both.items.push(FilterItem::Group(self.filter.clone()));
        }
        both.to_odata().map_err(|e| e.0)
    }
}

/// Background work of the Browse screen.
#[derive(Default)]
pub(super) struct BrowseTasks {
    page: Option<Task<Result<Arc<Answered>, UserError>>>,
    count: Option<Task<Option<u64>>>,
    record: Option<Task<Result<Arc<Value>, UserError>>>,
    fetch: Option<Task<Result<Arc<Answered>, UserError>>>,
    export: Option<Task<Result<Option<PathBuf>, UserError>>>,
    progress: Option<mpsc::Receiver<api::Progress>>,
}

/// The Customers screen's starting query: the columns an accountant reads first.
#[must_use]
pub fn customers_query() -> BrowseQuery {
    BrowseQuery {
        resource: "customers".to_owned(),
        columns: [
            "reference",
            "name",
            "balance",
            "credit_limit",
            "on_hold",
            "account_status_type",
            "date_time_updated",
        ]
        .map(String::from)
        .to_vec(),
        ..BrowseQuery::default()
    }
}

impl SageApp {
    fn list_parts(&mut self, view: ListView) -> (&mut BrowseView, &mut BrowseTasks) {
        match view {
            ListView::Browse => (&mut self.state.browse, &mut self.browse_tasks),
            ListView::Customers => (&mut self.state.customers, &mut self.customer_tasks),
        }
    }

    /// The list request of a query, without paging: columns, filter and order.
    fn list_request(&self, query: &BrowseQuery) -> Result<api::ApiRequest, UserError> {
        let company = self.company_scope();
        let mut request = api::ApiRequest::get(&query.resource).for_company(company.as_ref());
        if !query.columns.is_empty() {
            // The id is always fetched: records are opened and paged by it.
            let mut columns = query.columns.clone();
            if !columns.iter().any(|c| c == "id") {
                columns.insert(0, "id".to_owned());
            }
            request = request.param("$select", columns.join(","));
        }
        let search_fields = self
            .state
            .catalogue
            .get(&query.resource)
            .map(|e| e.search_fields.clone())
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| vec!["name".to_owned()]);
        match query.filter_text(&search_fields) {
            Ok(Some(filter)) => request = request.param("$filter", filter),
            Ok(None) => {}
            Err(problem) => {
                return Err(UserError {
                    message: format!("The filter is not complete: {problem}"),
                    advice: "Finish or remove the condition, then apply the filter again."
                        .to_owned(),
                });
            }
        }
        let (field, descending) = query
            .sort
            .clone()
            .unwrap_or_else(|| ("id".to_owned(), false));
        Ok(request.param(
            "$orderby",
            format!("{field} {}", if descending { "desc" } else { "asc" }),
        ))
    }

    /// Loads a page of `query` (and its count, when what is counted changed).
    pub(super) fn browse(&mut self, view: ListView, query: BrowseQuery) {
        let generation = self.state.company_generation;
        self.list_parts(view).0.generation = Some(generation);
        let Some(client) = self.client.clone() else {
            return;
        };
        if self.company_scope().is_none() {
            return;
        }
        let base = match self.list_request(&query) {
            Ok(base) => base,
            Err(problem) => {
                let list = self.list_parts(view).0;
                list.query = query;
                list.problem = Some(problem);
                return;
            }
        };
        let runtime = self.options.runtime.clone();
        let waker = self.waker.clone();
        let (list, tasks) = self.list_parts(view);
        let mut page = base.clone().param(
            "$top",
            query.page_size.min(crate::model::MAX_TOP).to_string(),
        );
        if query.page > 0 {
            page = page.param(
                "$skip",
                (u64::from(query.page) * u64::from(query.page_size)).to_string(),
            );
        }
        let counted = format!(
            "{}?{}",
            query.resource,
            api::encode_query(
                &base
                    .query
                    .iter()
                    .filter(|(k, _)| k == "$filter")
                    .cloned()
                    .collect::<Vec<_>>()
            )
        );
        if list.counted.as_deref() != Some(&counted) {
            list.count = None;
            list.counted = Some(counted);
            let mut count = base.clone();
            count
                .query
                .retain(|(k, _)| k != "$select" && k != "$orderby");
            count = count.param("$count", "true");
            let count_client = client.clone();
            // A server that cannot count only loses the count: the page still shows.
            tasks.count = Some(Task::spawn(&runtime, waker.clone(), async move {
                let answer = count_client.execute(&count).await.ok()?;
                api::decode_count(&answer.body)
            }));
        }
        list.query = query;
        list.loading = true;
        list.problem = None;
        list.everything = false;
        list.selected = None;
        list.record = None;
        list.fetching = None;
        tasks.fetch = None;
        tasks.progress = None;
        tasks.page = Some(Task::spawn(
            &runtime,
            waker,
            request::send_checked(client, page),
        ));
    }

    /// Opens a record of the table in the detail pane, and fetches it in full.
    pub(super) fn select_record(&mut self, view: ListView, row: Option<usize>) {
        let client = self.client.clone();
        let (list, tasks) = self.list_parts(view);
        list.selected = row;
        list.record = None;
        list.record_loading = false;
        tasks.record = None;
        let (Some(row), Some(page), Some(client)) = (row, list.page.clone(), client) else {
            return;
        };
        let Some(id) = page.record(row).as_ref().and_then(|r| r.get("id")).cloned() else {
            return;
        };
        let resource = list.query.resource.clone();
        let Some(endpoint) = self.state.catalogue.get(&format!("{resource}/{{id}}")) else {
            return;
        };
        // Nested objects and child lists (address, contacts) come only when expanded.
        let expand: Vec<&str> = endpoint
            .fields
            .iter()
            .filter(|f| matches!(f.kind, api::FieldKind::Object | api::FieldKind::List))
            .map(|f| f.name.as_str())
            .collect();
        let mut request = api::ApiRequest::get(&format!("{resource}/{id}"))
            .for_company(self.company_scope().as_ref());
        if !expand.is_empty() {
            request = request.param("$expand", expand.join(","));
        }
        let runtime = self.options.runtime.clone();
        let waker = self.waker.clone();
        let (list, tasks) = self.list_parts(view);
        list.record_loading = true;
        tasks.record = Some(Task::spawn(&runtime, waker, async move {
            let answer = client
                .execute(&request)
                .await
                .map_err(|e| UserError::from(&e))?;
            api::decode::<Value>(&answer.body)
                .map(Arc::new)
                .map_err(|e| UserError::from(&e))
        }));
    }

    /// Fetches every matching record into the table, with progress.
    pub(super) fn fetch_all_records(&mut self, view: ListView) {
        let Some(client) = self.client.clone() else {
            return;
        };
        let base = match self.list_request(&self.state.list(view).query) {
            Ok(base) => base,
            Err(problem) => {
                self.list_parts(view).0.problem = Some(problem);
                return;
            }
        };
        let progress = self.progress_sender(view);
        let task = Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            request::fetch_all_pages(client, base, api::PageOptions::default(), false, progress),
        );
        let (list, tasks) = self.list_parts(view);
        list.problem = None;
        tasks.fetch = Some(task);
    }

    fn progress_sender(&mut self, view: ListView) -> impl FnMut(api::Progress) + Send + 'static {
        let (sender, receiver) = mpsc::channel();
        let waker = self.waker.clone();
        let (list, tasks) = self.list_parts(view);
        tasks.progress = Some(receiver);
        list.fetching = Some(api::Progress::default());
        move |p: api::Progress| {
            let _ = sender.send(p);
            waker.wake();
        }
    }

    /// Stops "Fetch all" (or an export that is fetching).
    pub(super) fn cancel_browse_fetch(&mut self, view: ListView) {
        let (list, tasks) = self.list_parts(view);
        // Dropping a task aborts its requests.
        tasks.fetch = None;
        if list.fetching.is_some() {
            tasks.export = None;
            list.exporting = false;
        }
        tasks.progress = None;
        list.fetching = None;
    }

    /// Saves the records shown (or every matching record, fetched first) as CSV or Excel,
    /// to `path` or to a file chosen in the save dialog.
    pub(super) fn export_records(
        &mut self,
        view: ListView,
        everything: bool,
        path: Option<PathBuf>,
        format: ExportFormat,
    ) {
        let shown = self.state.list(view).page.clone();
        let fetch = if everything && !self.state.list(view).everything {
            let Some(client) = self.client.clone() else {
                return;
            };
            match self.list_request(&self.state.list(view).query) {
                Ok(base) => Some((client, base, self.progress_sender(view))),
                Err(problem) => {
                    self.list_parts(view).0.problem = Some(problem);
                    return;
                }
            }
        } else {
            None
        };
        let suggested = format!(
            "{}.{}",
            self.state.list(view).query.resource,
            format.extension()
        );
        let task = Task::spawn(&self.options.runtime, self.waker.clone(), async move {
            let answer = match fetch {
                Some((client, base, progress)) => {
                    request::fetch_all_pages(
                        client,
                        base,
                        api::PageOptions::default(),
                        false,
                        progress,
                    )
                    .await?
                }
                None => shown.ok_or_else(|| UserError {
                    message: "There are no records to export yet.".to_owned(),
                    advice: "Wait for the records to load.".to_owned(),
                })?,
            };
            let path = if let Some(path) = path {
                path
            } else {
                let picked = rfd::AsyncFileDialog::new()
                    .set_title("Export records")
                    .set_file_name(&suggested)
                    .add_filter(format.label(), &[format.extension()])
                    .save_file()
                    .await;
                let Some(picked) = picked else {
                    return Ok(None); // the user closed the dialog
                };
                picked.path().to_path_buf()
            };
            let target = path.clone();
            tokio::task::spawn_blocking(move || {
                request::write_answer(&answer, &target, Some(format))
            })
            .await
            .map_err(|e| UserError {
                message: format!("Exporting stopped: {e}"),
                advice: "Try again.".to_owned(),
            })??;
            Ok(Some(path))
        });
        let (list, tasks) = self.list_parts(view);
        list.exporting = true;
        tasks.export = Some(task);
    }

    /// Takes finished work of both lists, and loads a list when its screen is shown for a
    /// new company.
    pub(super) fn poll_browse(&mut self) {
        for view in [ListView::Browse, ListView::Customers] {
            self.poll_list(view);
        }
    }

    /// Takes finished Browse work, and loads the screen when it is shown for a new company.
    fn poll_list(&mut self, view: ListView) {
        let mut last_request = None;
        let mut error = None;
        let mut notice = None;
        let (browse, tasks) = self.list_parts(view);
        if let Some(receiver) = &tasks.progress
            && let Some(latest) = receiver.try_iter().last()
        {
            browse.fetching = Some(latest);
        }
        if let Some(result) = finished(&mut tasks.page) {
            browse.loading = false;
            match result {
                Ok(page) => {
                    last_request = Some(page.meta.clone());
                    browse.kinds = page.table.as_ref().map(column_kinds).unwrap_or_default();
                    browse.page = Some(page);
                }
                Err(problem) => browse.problem = Some(problem),
            }
        }
        if let Some(count) = finished(&mut tasks.count) {
            browse.count = count;
        }
        if let Some(result) = finished(&mut tasks.record) {
            browse.record_loading = false;
            match result {
                Ok(record) => browse.record = Some(record),
                Err(problem) => browse.problem = Some(problem),
            }
        }
        if let Some(result) = finished(&mut tasks.fetch) {
            browse.fetching = None;
            tasks.progress = None;
            match result {
                Ok(all) => {
                    browse.kinds = all.table.as_ref().map(column_kinds).unwrap_or_default();
                    browse.count = Some(all.record_count() as u64);
                    browse.page = Some(all);
                    browse.everything = true;
                    browse.selected = None;
                    browse.record = None;
                }
                Err(problem) => browse.problem = Some(problem),
            }
        }
        if let Some(result) = finished(&mut tasks.export) {
            browse.exporting = false;
            browse.fetching = None;
            tasks.progress = None;
            match result {
                Ok(Some(path)) => notice = Some(format!("Exported to {}", path.display())),
                Ok(None) => {}
                Err(problem) => error = Some(problem),
            }
        }
        if last_request.is_some() {
            self.state.last_request = last_request;
        }
        if notice.is_some() {
            self.state.notice = notice;
        }
        if error.is_some() {
            self.state.error = error;
        }
        // A list loads when its screen is shown, and again when the company changes.
        let browse = self.state.list(view);
        if self.state.persisted.screen == view.screen()
            && self.client.is_some()
            && self.state.company.is_some()
            && !browse.loading
            && browse.generation != Some(self.state.company_generation)
        {
            let mut query = browse.query.clone();
            query.page = 0;
            self.list_parts(view).0.counted = None;
            self.browse(view, query);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_judged_by_their_values() {
        let table = TableModel::from_rows(
            ["name", "balance", "on_hold", "created", "id"]
                .map(String::from)
                .to_vec(),
            &[
                ["Acme", "12.50", "true", "2024-03-01T10:00:00Z", "1"]
                    .map(String::from)
                    .to_vec(),
                ["Zeta", "-3", "false", "2024-03-02", "2"]
                    .map(String::from)
                    .to_vec(),
                ["", "", "", "", "3"].map(String::from).to_vec(),
            ],
        );
        assert_eq!(
            column_kinds(&table),
            [
                ColumnKind::Text,
                ColumnKind::Money,
                ColumnKind::Bool,
                ColumnKind::Date,
                ColumnKind::Text
            ]
        );
    }

    #[test]
    fn quick_search_and_filter_combine() {
        let mut query = BrowseQuery {
            search: "O'Brien".to_owned(),
            ..BrowseQuery::default()
        };
        let fields = ["name".to_owned(), "reference".to_owned()];
        assert_eq!(
            query.filter_text(&fields).unwrap().unwrap(),
            "(contains(name,'O''Brien') or contains(reference,'O''Brien'))"
        );
        query
            .filter
            .items
            .push(FilterItem::Condition(Condition::new(
                "balance",
                CompareOp::Greater,
                FilterValue::Number("100".to_owned()),
            )));
        assert_eq!(
            query.filter_text(&fields).unwrap().unwrap(),
            "(contains(name,'O''Brien') or contains(reference,'O''Brien')) and balance gt 100"
        );
        query.search.clear();
        query
            .filter
            .items
            .push(FilterItem::Condition(Condition::new(
                "credit_limit",
                CompareOp::Greater,
                FilterValue::Number("lots".to_owned()),
            )));
        assert!(
            query.filter_text(&fields).is_err(),
            "a bad number is refused"
        );
        assert_eq!(BrowseQuery::default().filter_text(&fields), Ok(None));
    }
}
