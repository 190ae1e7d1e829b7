//! A records list's work: loading a page (and its count, when what is counted changed),
//! the selected record in full, "Fetch all" with progress, and exports, each a task on the
//! runtime that a newer one replaces.

use std::path::PathBuf;
use std::sync::{Arc, mpsc};

use serde_json::Value;

use crate::api;
use crate::app::{Services, Task, finished};
use crate::document::column_kinds;
use crate::model::ExportFormat;
use crate::screens::calls;
use crate::screens::shared::UserError;

use super::drill::links_in;
use super::state::columns_key;
use super::{BrowseQuery, ColumnChoices, Command, ListState, ListView};

/// Background work of a records list.
#[derive(Default)]
pub(super) struct ListTasks {
    page: Option<Task<Result<Arc<crate::document::Answered>, UserError>>>,
    count: Option<Task<Option<u64>>>,
    record: Option<Task<Result<Arc<Value>, UserError>>>,
    fetch: Option<Task<Result<Arc<crate::document::Answered>, UserError>>>,
    export: Option<Task<Result<Option<calls::Written>, UserError>>>,
    progress: Option<mpsc::Receiver<api::Progress>>,
    /// Name look-ups in flight, by a number of their own.
    pub(super) links: std::collections::HashMap<u64, Task<LinkAnswer>>,
    totals: Option<Task<Option<super::Totals>>>,
    pub(super) next_link: u64,
}

/// A finished name look-up: the list path, the ids asked for, and what came back.
pub(super) type LinkAnswer = (
    u64,
    String,
    Vec<i64>,
    Result<Vec<(i64, Option<String>)>, UserError>,
);

/// The key field of the records at `path` (`id` unless the catalogue says otherwise).
pub(super) fn key_of(cx: &Services, path: &str) -> String {
    cx.shared
        .catalogue
        .find_for(path)
        .map_or_else(|| "id".to_owned(), |e| e.key.clone())
}

/// The resource a path lists: its last segment (`customers/5/sop_orders` → `sop_orders`).
#[must_use]
pub fn resource_of(path: &str) -> &str {
    path.trim_matches('/').rsplit('/').next().unwrap_or(path)
}

/// A records list: what it shows and the work in flight for it.
pub struct List {
    pub(super) state: ListState,
    pub(super) tasks: ListTasks,
    pub(super) arrange_tasks: super::arrange::ArrangeTasks,
}

impl List {
    /// An empty list of `which`, showing `query` once loaded: with the columns remembered
    /// for its resource, else (when `query` names none) the resource's first columns.
    #[must_use]
    pub fn new(which: ListView, mut query: BrowseQuery, remembered: ColumnChoices) -> Self {
        if query.columns.is_empty() && !remembered.contains_key(&columns_key(&query.resource)) {
            query.columns = api::Catalogue::default_columns(&query.resource);
        }
        Self {
            state: ListState::new(which, query, remembered),
            tasks: ListTasks::default(),
            arrange_tasks: super::arrange::ArrangeTasks::default(),
        }
    }

    /// What the view draws.
    #[must_use]
    pub fn state(&self) -> &ListState {
        &self.state
    }

    /// Handles one of the list's commands.
    pub fn handle(&mut self, cx: &mut Services, command: Command) {
        match command {
            Command::Load(query) => {
                // Another list picked by hand starts afresh: the trail was about the old one.
                if query.resource != self.state.query.resource {
                    self.state.trail = super::Trail::default();
                    self.state.open_first = false;
                }
                self.load(cx, *query);
            }
            Command::Visit(from, to) => self.visit_from(cx, *from, *to),
            Command::OpenRecord { resource, id } => self.open_record(cx, &resource, id),
            Command::Drill {
                path,
                filter,
                title,
            } => self.drill(cx, &path, filter, title),
            Command::Back => self.go(cx, self.state.trail.at.checked_sub(1)),
            Command::Forward => self.go(cx, Some(self.state.trail.at + 1)),
            Command::GoTo(index) => self.go(cx, Some(index)),
            Command::NameLinks(wanted) => self.name_links(cx, wanted),
            Command::Select(row) => self.select(cx, row),
            Command::SelectCells(range) => self.state.cells = range,
            Command::CopyCells(range) => self.copy_cells(cx, range),
            Command::GroupBy(column) => self.group_by(cx, column),
            Command::SaveView(name) => self.save_view(cx, &name),
            Command::OpenView(name) => self.open_view(cx, &name),
            Command::DeleteView(name) => self.delete_view(cx, &name),
            Command::SortShown(column, descending) => self.sort_shown(cx, column, descending),
            Command::FetchAll => self.fetch_all(cx),
            Command::CancelFetchAll => self.cancel_fetch(),
            Command::Export {
                everything,
                path,
                format,
            } => self.export(cx, everything, path, format),
        }
    }

    /// Loads the first page of the current query again, and shows `record` in the
    /// detail pane (a record just saved or, with `None`, just deleted).
    pub fn reload_showing(&mut self, cx: &Services, record: Option<Value>) {
        let mut query = self.state.query.clone();
        query.page = 0;
        self.load(cx, query);
        self.state.record = record.map(Arc::new);
    }

    /// The list request of a query, without paging: columns, filter and order.
    fn list_request(cx: &Services, query: &BrowseQuery) -> Result<api::ApiRequest, UserError> {
        let company = cx.company_scope();
        let key = key_of(cx, &query.resource);
        let mut request = api::ApiRequest::get(&query.resource).for_company(company.as_ref());
        if !query.columns.is_empty() {
            // The key is always fetched: records are opened and paged by it.
            let mut columns = query.columns.clone();
            if !columns.contains(&key) {
                columns.insert(0, key.clone());
            }
            request = request.param("$select", columns.join(","));
        }
        // Nested lists (`customers/5/sales_posted_transactions`) search their template's
        // fields; an unknown list is searched by name.
        let search_fields = cx
            .shared
            .catalogue
            .find_for(&query.resource)
            .map_or_else(|| vec!["name".to_owned()], |e| e.search_fields.clone());
        if search_fields.is_empty() && !query.search.trim().is_empty() {
            return Err(UserError {
                message: "This list has no name or reference for the quick search to look in."
                    .to_owned(),
                advice: "Clear the quick search, and use Filter… to narrow the list by one of its fields."
                    .to_owned(),
            });
        }
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
        let (field, descending) = query.sort.clone().unwrap_or((key.clone(), false));
        // Pages are cut from one order: ties broken by the key, so no row repeats or goes
        // missing.
        Ok(request.param(
            "$orderby",
            api::with_tie_breaker_on(
                &format!("{field} {}", if descending { "desc" } else { "asc" }),
                &key,
            ),
        ))
    }

    /// Loads a page of `query` (and its count, when what is counted changed). A query for
    /// another resource that names no columns gets those last chosen for it; the columns
    /// shown are remembered for the resource.
    pub fn load(&mut self, cx: &Services, mut query: BrowseQuery) {
        if columns_key(&query.resource) != columns_key(&self.state.query.resource) {
            // Groups were of the list before (a saved view sets its own after this).
            self.state.group_by = None;
        }
        if query.resource != self.state.query.resource && query.columns.is_empty() {
            // Those last chosen for the list, else its first columns (every column when
            // the user chose "All columns": remembered as none).
            query.columns = match self
                .state
                .remembered_columns
                .get(&columns_key(&query.resource))
            {
                Some(columns) => columns.clone(),
                None => api::Catalogue::default_columns(&query.resource),
            };
        }
        self.state
            .remembered_columns
            .insert(columns_key(&query.resource), query.columns.clone());
        if let Some(place) = self.state.trail.current_mut() {
            place.query = query.clone();
        }
        let generation = cx.shared.company_generation;
        self.state.generation = Some(generation);
        let Some(client) = cx.client.clone() else {
            return;
        };
        if cx.company_scope().is_none() {
            return;
        }
        let base = match Self::list_request(cx, &query) {
            Ok(base) => base,
            Err(problem) => {
                let list = &mut self.state;
                list.query = query;
                list.problem = Some(problem);
                return;
            }
        };
        let runtime = cx.runtime().clone();
        let waker = cx.waker.clone();
        let (list, tasks) = (&mut self.state, &mut self.tasks);
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
        list.totals = None;
        tasks.totals = None;
        list.everything = false;
        list.shown = None;
        list.cells = None;
        list.arranging = false;
        self.arrange_tasks.cancel();
        list.selected = None;
        list.record = None;
        list.fetching = None;
        tasks.fetch = None;
        tasks.progress = None;
        tasks.page = Some(Task::spawn(
            &runtime,
            waker,
            calls::send_checked(client, page),
        ));
    }

    /// Opens a record of the table in the detail pane, and fetches it in full.
    pub(super) fn select(&mut self, cx: &Services, row: Option<usize>) {
        let client = cx.client.clone();
        let (list, tasks) = (&mut self.state, &mut self.tasks);
        list.selected = row;
        list.record = None;
        list.record_loading = false;
        tasks.record = None;
        let (Some(row), Some(page), Some(client)) = (row, list.page.clone(), client) else {
            return;
        };
        let key = key_of(cx, &list.query.resource);
        let shown = page.record(row);
        // Named from the row now, and again once fetched in full.
        if let Some(record) = &shown {
            list.trail.name_record_place(record);
        }
        let Some(id) = shown.as_ref().and_then(|r| r.get(&key)).cloned() else {
            return;
        };
        let resource = resource_of(&list.query.resource).to_owned();
        let Some(endpoint) = cx.shared.catalogue.get(&format!("{resource}/{{id}}")) else {
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
            .for_company(cx.company_scope().as_ref());
        if !expand.is_empty() {
            request = request.param("$expand", expand.join(","));
        }
        let runtime = cx.runtime().clone();
        let waker = cx.waker.clone();
        let (list, tasks) = (&mut self.state, &mut self.tasks);
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
    fn fetch_all(&mut self, cx: &Services) {
        let Some(client) = cx.client.clone() else {
            return;
        };
        let base = match Self::list_request(cx, &self.state.query) {
            Ok(base) => base,
            Err(problem) => {
                self.state.problem = Some(problem);
                return;
            }
        };
        let progress = self.progress_sender(cx);
        let options = api::PageOptions {
            order_by: key_of(cx, &self.state.query.resource),
            ..api::PageOptions::default()
        };
        let task = cx.spawn(calls::fetch_all_pages(
            client, base, options, false, progress,
        ));
        let (list, tasks) = (&mut self.state, &mut self.tasks);
        list.problem = None;
        tasks.fetch = Some(task);
    }

    fn progress_sender(&mut self, cx: &Services) -> impl FnMut(api::Progress) + Send + 'static {
        let (sender, receiver) = mpsc::channel();
        let waker = cx.waker.clone();
        let (list, tasks) = (&mut self.state, &mut self.tasks);
        tasks.progress = Some(receiver);
        list.fetching = Some(api::Progress::default());
        move |p: api::Progress| {
            let _ = sender.send(p);
            waker.wake();
        }
    }

    /// Stops "Fetch all" (or an export that is fetching).
    fn cancel_fetch(&mut self) {
        let (list, tasks) = (&mut self.state, &mut self.tasks);
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
    fn export(
        &mut self,
        cx: &Services,
        everything: bool,
        path: Option<PathBuf>,
        format: ExportFormat,
    ) {
        let shown = self.state.page.clone();
        let options = api::PageOptions {
            order_by: key_of(cx, &self.state.query.resource),
            ..api::PageOptions::default()
        };
        let fetch = if everything && !self.state.everything {
            let Some(client) = cx.client.clone() else {
                return;
            };
            match Self::list_request(cx, &self.state.query) {
                Ok(base) => Some((client, base, self.progress_sender(cx))),
                Err(problem) => {
                    self.state.problem = Some(problem);
                    return;
                }
            }
        } else {
            None
        };
        let suggested = crate::model::suggested_file_name(
            cx.shared.company.as_ref().map(|c| c.company_name.as_str()),
            &self.state.query.resource,
            chrono::Local::now().date_naive(),
            format,
        );
        let task = cx.spawn(async move {
            let answer = match fetch {
                Some((client, base, progress)) => {
                    calls::fetch_all_pages(client, base, options, false, progress).await?
                }
                None => shown.ok_or_else(|| UserError {
                    message: "There are no records to export yet.".to_owned(),
                    advice: "Wait for the records to load.".to_owned(),
                })?,
            };
            let Some(path) = calls::save_path(path, "Export records", &suggested, format).await
            else {
                return Ok(None); // the user closed the dialog
            };
            let target = path.clone();
            let remark = tokio::task::spawn_blocking(move || {
                calls::write_answer(&answer, &target, Some(format))
            })
            .await
            .map_err(|e| UserError {
                message: format!("Exporting stopped: {e}"),
                advice: "Try again.".to_owned(),
            })??;
            Ok(Some(calls::Written { path, remark }))
        });
        let (list, tasks) = (&mut self.state, &mut self.tasks);
        list.exporting = true;
        tasks.export = Some(task);
    }

    /// Loads the list when its screen is shown, and again when the company changes.
    fn load_for_company(&mut self, cx: &Services) {
        let browse = &self.state;
        if cx.shared.screen == browse.which.screen()
            && cx.client.is_some()
            && cx.shared.company.is_some()
            && !browse.loading
            && browse.generation != Some(cx.shared.company_generation)
        {
            let mut query = browse.query.clone();
            // Another company: the trail's records and ids were the old one's. Start again
            // from the plain list the trail began at.
            if let Some(first) = browse.trail.places.first() {
                query = BrowseQuery {
                    resource: resource_of(&first.query.resource).to_owned(),
                    ..BrowseQuery::default()
                };
                if let Some(columns) = browse.remembered_columns.get(&query.resource) {
                    query.columns.clone_from(columns);
                }
            }
            self.state.trail = super::Trail::default();
            self.state.open_first = false;
            query.page = 0;
            self.state.counted = None;
            self.load(cx, query);
        }
    }

    /// Takes finished work, and loads the list when its screen is shown for a new company.
    pub fn poll(&mut self, cx: &mut Services) {
        let mut open_now = false;
        let mut arrange_now = false;
        let mut names_wanted = Vec::new();
        let (browse, tasks) = (&mut self.state, &mut self.tasks);
        if let Some(receiver) = &tasks.progress
            && let Some(latest) = receiver.try_iter().last()
        {
            browse.fetching = Some(latest);
        }
        if let Some(result) = finished(&mut tasks.page) {
            browse.loading = false;
            match result {
                Ok(page) => {
                    cx.shared.last_request = Some(page.meta.clone());
                    browse.kinds = page.table.as_ref().map(column_kinds).unwrap_or_default();
                    let rows = page.record_count();
                    tasks.totals = Some(add_up(cx, page.clone(), browse.kinds.clone(), false));
                    names_wanted = page
                        .table
                        .as_ref()
                        .map(|t| links_in(&cx.shared.catalogue, t))
                        .unwrap_or_default();
                    browse.page = Some(page);
                    // The old arrangement was of the old table.
                    browse.shown = None;
                    open_now = std::mem::take(&mut browse.open_first) && rows > 0;
                    arrange_now = true;
                }
                Err(problem) => browse.problem = Some(problem),
            }
        }
        if open_now {
            self.select(cx, Some(0));
        }
        if arrange_now {
            self.arrange(cx);
        }
        if !names_wanted.is_empty() {
            self.name_links(cx, names_wanted);
        }
        let (browse, tasks) = (&mut self.state, &mut self.tasks);
        if let Some(totals) = finished(&mut tasks.totals) {
            browse.totals = totals;
        }
        if let Some(count) = finished(&mut tasks.count) {
            browse.count = count;
        }
        if let Some(result) = finished(&mut tasks.record) {
            browse.record_loading = false;
            match result {
                Ok(record) => {
                    browse.trail.name_record_place(&record);
                    browse.record = Some(record);
                }
                Err(problem) => browse.problem = Some(problem),
            }
        }
        Self::take_link_names(tasks, cx);
        if let Some(result) = finished(&mut tasks.fetch) {
            browse.fetching = None;
            tasks.progress = None;
            match result {
                Ok(all) => {
                    browse.kinds = all.table.as_ref().map(column_kinds).unwrap_or_default();
                    browse.totals = None;
                    tasks.totals = Some(add_up(cx, all.clone(), browse.kinds.clone(), true));
                    browse.count = Some(all.record_count() as u64);
                    browse.page = Some(all);
                    browse.shown = None;
                    browse.everything = true;
                    browse.selected = None;
                    browse.record = None;
                    arrange_now = true;
                }
                Err(problem) => browse.problem = Some(problem),
            }
        }
        if std::mem::take(&mut arrange_now) {
            self.arrange(cx);
        }
        self.poll_arrange(cx);
        let (browse, tasks) = (&mut self.state, &mut self.tasks);
        if let Some(result) = finished(&mut tasks.export) {
            browse.exporting = false;
            browse.fetching = None;
            tasks.progress = None;
            match result {
                Ok(Some(written)) => {
                    cx.shared.notice = Some(written.notice("Exported"));
                }
                Ok(None) => {}
                Err(problem) => cx.shared.error = Some(problem),
            }
        }
        self.load_for_company(cx);
    }
}

/// Adds up the money columns of `answer` on the blocking pool (a million rows take a
/// moment), for the totals shown over the table.
fn add_up(
    cx: &Services,
    answer: Arc<crate::document::Answered>,
    kinds: Vec<crate::document::ColumnKind>,
    everything: bool,
) -> Task<Option<super::Totals>> {
    cx.spawn(async move {
        tokio::task::spawn_blocking(move || {
            let table = answer.table.as_ref()?;
            Some(super::Totals {
                rows: table.len(),
                everything,
                columns: crate::document::column_totals(table, &kinds),
            })
        })
        .await
        .ok()
        .flatten()
    })
}
