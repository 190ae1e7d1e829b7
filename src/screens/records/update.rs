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

use super::state::columns_key;
use super::{BrowseQuery, ColumnChoices, Command, ListState, ListView, Place};

/// Background work of a records list.
#[derive(Default)]
struct ListTasks {
    page: Option<Task<Result<Arc<crate::document::Answered>, UserError>>>,
    count: Option<Task<Option<u64>>>,
    record: Option<Task<Result<Arc<Value>, UserError>>>,
    fetch: Option<Task<Result<Arc<crate::document::Answered>, UserError>>>,
    export: Option<Task<Result<Option<calls::Written>, UserError>>>,
    progress: Option<mpsc::Receiver<api::Progress>>,
    /// Name look-ups in flight, by a number of their own.
    links: std::collections::HashMap<u64, Task<LinkAnswer>>,
    next_link: u64,
}

/// A finished name look-up: the list path, the ids asked for, and what came back.
type LinkAnswer = (
    String,
    Vec<i64>,
    Result<Vec<(i64, Option<String>)>, UserError>,
);

/// The key field of the records at `path` (`id` unless the catalogue says otherwise).
fn key_of(cx: &Services, path: &str) -> String {
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
    state: ListState,
    tasks: ListTasks,
}

impl List {
    /// An empty list of `which`, showing `query` once loaded (with the columns remembered
    /// for its resource, if any).
    #[must_use]
    pub fn new(which: ListView, query: BrowseQuery, remembered: ColumnChoices) -> Self {
        Self {
            state: ListState::new(which, query, remembered),
            tasks: ListTasks::default(),
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
            Command::Load(query) => self.load(cx, *query),
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
        let search_fields = cx
            .shared
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
        if query.resource != self.state.query.resource
            && query.columns.is_empty()
            && let Some(columns) = self
                .state
                .remembered_columns
                .get(&columns_key(&query.resource))
        {
            query.columns.clone_from(columns);
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
        list.everything = false;
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
    fn select(&mut self, cx: &Services, row: Option<usize>) {
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
        // The breadcrumb names a record place by the record (again once fetched in full).
        if let (Some(place), Some(label)) = (
            list.trail.current_mut(),
            shown.as_ref().and_then(crate::model::record_label),
        ) && place.record
        {
            place.title = label;
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

    /// The place shown now, for the trail: the list's query and its title.
    fn here(&self) -> Place {
        let query = self.state.query.clone();
        let title = self
            .state
            .trail
            .places
            .get(self.state.trail.at)
            .map_or_else(|| place_title(&query.resource), |p| p.title.clone());
        Place {
            record: self.state.open_first
                || self
                    .state
                    .trail
                    .places
                    .get(self.state.trail.at)
                    .is_some_and(|p| p.record),
            query,
            title,
        }
    }

    /// Goes to a place of the drill-down: on the Customers screen, the Browse screen does it.
    fn visit(&mut self, cx: &mut Services, next: Place) {
        if self.state.which != ListView::Browse {
            cx.shared.screen = crate::screens::shared::Screen::Browse;
            let command = if next.record {
                Command::OpenRecord {
                    resource: next.query.resource.clone(),
                    id: opened_id(&next.query).unwrap_or_default(),
                }
            } else {
                let filter = next.query.filter.items.first().and_then(|item| match item {
                    crate::model::FilterItem::Condition(c) => {
                        Some((c.field.clone(), opened_id(&next.query)?))
                    }
                    crate::model::FilterItem::Group(_) => None,
                });
                Command::Drill {
                    path: next.query.resource.clone(),
                    filter,
                    title: next.title.clone(),
                }
            };
            // The Browse list starts its trail from the customer shown here.
            cx.send(crate::screens::browse::Command::from(command));
            return;
        }
        let here = self.here();
        self.state.trail.visit(here, next.clone());
        self.state.counted = None;
        self.load(cx, next.query);
        self.state.open_first = next.record;
    }

    /// Opens record `id` of the list `resource` (a link was followed).
    fn open_record(&mut self, cx: &mut Services, resource: &str, id: i64) {
        let key = key_of(cx, resource);
        let mut query = narrowed(resource, &key, id);
        query.columns = self
            .state
            .remembered_columns
            .get(&columns_key(resource))
            .cloned()
            .unwrap_or_default();
        let title = cx.shared.links.label(resource, id).map_or_else(
            || format!("{} {id}", singular_words(resource)),
            str::to_owned,
        );
        self.visit(
            cx,
            Place {
                query,
                title,
                record: true,
            },
        );
    }

    /// Shows a list related to the record shown (its transactions, its postings).
    fn drill(
        &mut self,
        cx: &mut Services,
        path: &str,
        filter: Option<(String, i64)>,
        title: String,
    ) {
        let mut query = match filter {
            Some((field, id)) => narrowed(path, &field, id),
            None => BrowseQuery {
                resource: path.to_owned(),
                ..BrowseQuery::default()
            },
        };
        query.columns = self
            .state
            .remembered_columns
            .get(&columns_key(path))
            .cloned()
            .unwrap_or_default();
        self.visit(
            cx,
            Place {
                query,
                title,
                record: false,
            },
        );
    }

    /// Moves to place `index` of the trail (Back, Forward, a breadcrumb).
    fn go(&mut self, cx: &mut Services, index: Option<usize>) {
        let Some(place) = index.and_then(|i| self.state.trail.go(i)).cloned() else {
            return;
        };
        self.state.counted = None;
        self.load(cx, place.query);
        self.state.open_first = place.record;
    }

    /// Asks the server how the records in `wanted` read, batched per list.
    fn name_links(&mut self, cx: &mut Services, wanted: Vec<(String, i64)>) {
        let (Some(client), Some(company)) = (cx.client.clone(), cx.company_scope()) else {
            return;
        };
        cx.shared.links.for_generation(cx.shared.company_generation);
        let mut by_list: std::collections::BTreeMap<String, Vec<i64>> =
            std::collections::BTreeMap::new();
        for (path, id) in wanted {
            if id > 0 && !cx.shared.links.is_known_or_asked(&path, id) {
                cx.shared.links.pending.insert((path.clone(), id));
                by_list.entry(path).or_default().push(id);
            }
        }
        for (path, ids) in by_list {
            let key = key_of(cx, &path);
            let (client, company) = (client.clone(), company.clone());
            let task = cx.spawn(async move {
                let answer =
                    calls::link_names(client, Some(company), path.clone(), key, ids.clone()).await;
                (path, ids, answer)
            });
            self.tasks.next_link += 1;
            self.tasks.links.insert(self.tasks.next_link, task);
        }
    }

    /// Keeps the names that finished look-ups found (ids without one stay numbers and are
    /// not asked for again for this company).
    fn take_link_names(tasks: &mut ListTasks, cx: &mut Services) {
        for (_, (path, asked, result)) in crate::app::finished_by_key(&mut tasks.links) {
            let links = &mut cx.shared.links;
            for id in &asked {
                links.pending.remove(&(path.clone(), *id));
            }
            match result {
                Ok(found) => {
                    for (id, label) in found {
                        links.names.insert((path.clone(), id), label);
                    }
                }
                // Unnamed ids stay numbers; they are not asked for again this company.
                Err(_) => {
                    for id in asked {
                        links.names.insert((path.clone(), id), None);
                    }
                }
            }
        }
    }

    /// Takes finished work, and loads the list when its screen is shown for a new company.
    pub fn poll(&mut self, cx: &mut Services) {
        let mut open_now = false;
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
                    names_wanted = page
                        .table
                        .as_ref()
                        .map(|t| links_in(&cx.shared.catalogue, t))
                        .unwrap_or_default();
                    browse.page = Some(page);
                    open_now = std::mem::take(&mut browse.open_first) && rows > 0;
                }
                Err(problem) => browse.problem = Some(problem),
            }
        }
        if open_now {
            self.select(cx, Some(0));
        }
        if !names_wanted.is_empty() {
            self.name_links(cx, names_wanted);
        }
        let (browse, tasks) = (&mut self.state, &mut self.tasks);
        if let Some(count) = finished(&mut tasks.count) {
            browse.count = count;
        }
        if let Some(result) = finished(&mut tasks.record) {
            browse.record_loading = false;
            match result {
                Ok(record) => {
                    // The breadcrumb names a record place by the record once it is here.
                    if let (Some(place), Some(label)) = (
                        browse.trail.current_mut(),
                        crate::model::record_label(&record),
                    ) && place.record
                    {
                        place.title = label;
                    }
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
                Ok(Some(written)) => {
                    cx.shared.notice = Some(written.notice("Exported"));
                }
                Ok(None) => {}
                Err(problem) => cx.shared.error = Some(problem),
            }
        }
        // A list loads when its screen is shown, and again when the company changes.
        let browse = &self.state;
        if cx.shared.screen == browse.which.screen()
            && cx.client.is_some()
            && cx.shared.company.is_some()
            && !browse.loading
            && browse.generation != Some(cx.shared.company_generation)
        {
            let mut query = browse.query.clone();
            query.page = 0;
            self.state.counted = None;
            self.load(cx, query);
        }
    }
}

/// The list `path` narrowed to the records whose `field` is `id`.
fn narrowed(path: &str, field: &str, id: i64) -> BrowseQuery {
    let mut query = BrowseQuery {
        resource: path.to_owned(),
        ..BrowseQuery::default()
    };
    query.filter.items.push(crate::model::FilterItem::Condition(
        crate::model::Condition::new(
            field,
            crate::model::CompareOp::Equals,
            crate::model::FilterValue::Number(id.to_string()),
        ),
    ));
    query
}

/// The id a one-record place is narrowed to.
fn opened_id(query: &BrowseQuery) -> Option<i64> {
    query.filter.items.iter().find_map(|item| match item {
        crate::model::FilterItem::Condition(c) => match c.values.first()? {
            crate::model::FilterValue::Number(n) => n.parse().ok(),
            _ => None,
        },
        crate::model::FilterItem::Group(_) => None,
    })
}

/// A list path as the breadcrumb names it: `customers/5/sop_orders` → "Sop orders".
#[must_use]
pub fn place_title(path: &str) -> String {
    crate::model::field_label(resource_of(path))
}

/// One record of a list in words: `currencies` → "Currency", `tax_codes` → "Tax code".
fn singular_words(path: &str) -> String {
    let resource = resource_of(path);
    let one = resource
        .strip_suffix("ies")
        .map(|stem| format!("{stem}y"))
        .or_else(|| resource.strip_suffix('s').map(str::to_owned))
        .unwrap_or_else(|| resource.to_owned());
    crate::model::field_label(&one)
}

/// The rows of a page whose names are looked up when it arrives (later rows are looked up
/// as they are scrolled into sight).
const NAMED_ROWS: usize = 500;

/// The (list path, id) pairs the page's reference columns hold, in its first rows.
fn links_in(
    catalogue: &crate::api::Catalogue,
    table: &crate::document::TableModel,
) -> Vec<(String, i64)> {
    let mut wanted = Vec::new();
    for (column, name) in table.columns.iter().enumerate() {
        let Some(target) = (name != "id")
            .then(|| catalogue.link_target(name))
            .flatten()
        else {
            continue;
        };
        for row in 0..table.len().min(NAMED_ROWS) {
            if let Ok(id) = table.cell(row, column).parse::<i64>()
                && id > 0
            {
                wanted.push((target.path.clone(), id));
            }
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    wanted
}
