//! The request builder's work: tabs opened and closed, drafts sent on the runtime (one
//! task per tab, replaced by a new send), "Fetch all pages" with progress, sorting and
//! searching an answer on the blocking pool, templates, curl in and out, and saving an
//! answer through the native dialog.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, mpsc};

use crate::api::{self, ApiError};
use crate::app::{Services, Task, finished, finished_by_key};
use crate::document::{Answered, Found, TableSort, search_answer, sort_rows};
use crate::export::ExportFormat;
use crate::model::{HistoryEntry, RequestDraft};
use crate::screens::calls;
use crate::screens::history;
use crate::screens::shared::UserError;

use super::sending::{build_request, send};
use super::{Command, RequestTab, State};

/// The request builder: its tabs and the work in flight for them.
#[derive(Default)]
pub struct RequestBuilder {
    pub(super) state: State,
    next_tab_id: u64,
    requests: HashMap<u64, Task<Result<Arc<Answered>, UserError>>>,
    fetch_progress: HashMap<u64, mpsc::Receiver<api::Progress>>,
    arrivals: HashMap<u64, mpsc::Receiver<super::Arrival>>,
    sorts: HashMap<u64, Task<TableSort>>,
    searches: HashMap<u64, Task<Found>>,
    template: Option<(u64, Task<Result<String, UserError>>)>,
    save: Option<Task<Result<Option<calls::Written>, UserError>>>,
    pub(super) curl: Option<Task<Result<(String, String), UserError>>>,
    import: Option<Task<Result<crate::model::Imported, String>>>,
    /// The collection being read or written (see `collections.rs`).
    pub(super) collection_task: Option<super::collections::CollectionTask>,
    /// The secret values each tab's request in flight carries (redacted in `Debug`).
    pub(super) sent_secrets: HashMap<u64, Vec<(String, crate::model::Secret)>>,
    /// The watch on the open collection's folder (see `watching.rs`).
    pub(super) watching: Option<super::watching::Watching>,
    /// A collection to open again at start (the one open when the app was closed).
    pub(super) reopen: Option<std::path::PathBuf>,
    /// The collection the restored tabs' places are in, until it is read again.
    pub(super) restored: Option<std::path::PathBuf>,
}

impl RequestBuilder {
    /// The tabs restored from `drafts` (one empty tab when there are none), `active` open.
    #[must_use]
    pub fn restore(
        drafts: Vec<RequestDraft>,
        active: usize,
        hidden: Vec<Vec<String>>,
        places: super::CollectionPlaces,
    ) -> Self {
        let mut builder = Self {
            next_tab_id: 1,
            // Read again on the first poll, off the UI thread.
            reopen: places.dir.clone(),
            restored: places.dir,
            ..Self::default()
        };
        builder.state.environment = places.environment;
        let mut hidden = hidden.into_iter();
        let mut saved_as = places.tabs.into_iter();
        for draft in drafts {
            let id = builder.add_tab(draft);
            if let Some(tab) = builder.tab_mut(id) {
                tab.hidden_columns = hidden.next().unwrap_or_default();
                tab.saved_as = saved_as.next().flatten();
            }
        }
        if builder.state.tabs.is_empty() {
            builder.add_tab(RequestDraft::default());
        }
        let active = active.min(builder.state.tabs.len() - 1);
        builder.state.active_tab = builder.state.tabs[active].id;
        builder
    }

    /// What the view draws.
    #[must_use]
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The drafts of every tab and the index of the open one, to persist.
    #[must_use]
    pub fn drafts(&self) -> (Vec<RequestDraft>, usize) {
        let drafts = self.state.tabs.iter().map(|t| t.draft.clone()).collect();
        let active = self
            .state
            .tabs
            .iter()
            .position(|t| t.id == self.state.active_tab)
            .unwrap_or(0);
        (drafts, active)
    }

    /// The open collection's folder and each tab's place in it, to persist.
    #[must_use]
    pub fn places(&self) -> super::CollectionPlaces {
        super::CollectionPlaces {
            dir: self.collection_dir().map(std::path::Path::to_path_buf),
            tabs: self.state.tabs.iter().map(|t| t.saved_as.clone()).collect(),
            environment: self.state.environment.clone(),
        }
    }

    /// The open collection's folder (or the one still to be opened again at start).
    #[must_use]
    pub fn collection_dir(&self) -> Option<&std::path::Path> {
        self.state
            .collection
            .as_ref()
            .map(|c| c.dir.as_path())
            .or(self.reopen.as_deref())
    }

    /// The hidden answer-table columns of every tab, in tab order, to persist.
    #[must_use]
    pub fn hidden_columns(&self) -> Vec<Vec<String>> {
        self.state
            .tabs
            .iter()
            .map(|t| t.hidden_columns.clone())
            .collect()
    }

    /// Handles one of the screen's commands.
    pub fn handle(&mut self, cx: &mut Services, command: Command) {
        match command {
            Command::NewTab => {
                let id = self.add_tab(RequestDraft::default());
                self.state.active_tab = id;
            }
            Command::CloseTab(id) => self.close_tab(id),
            Command::SelectTab(id) => self.state.active_tab = id,
            Command::HideColumns { tab, hidden } => {
                if let Some(tab) = self.tab_mut(tab) {
                    tab.hidden_columns = hidden;
                }
            }
            Command::UpdateDraft(id, draft) => {
                if let Some(tab) = self.tab_mut(id) {
                    tab.draft = *draft;
                }
            }
            Command::SendRequest(id) => self.send_request(cx, id),
            Command::CancelRequest(id) => {
                // Dropping the task aborts the call (every page of a fetch-all too).
                self.requests.remove(&id);
                self.fetch_progress.remove(&id);
                self.arrivals.remove(&id);
                self.sent_secrets.remove(&id);
                if let Some(tab) = self.tab_mut(id) {
                    tab.sending = false;
                    tab.fetching = None;
                    tab.arriving = None;
                }
            }
            Command::InsertTemplate(id) => self.insert_template(cx, id),
            Command::FetchAllPages(id) => self.fetch_all_pages(cx, id),
            Command::CopyCurl {
                tab,
                include_token,
                shell,
            } => self.copy_as(cx, tab, include_token, super::curl::CopyTarget::Curl(shell)),
            Command::CopyCode {
                tab,
                include_token,
                language,
            } => self.copy_as(
                cx,
                tab,
                include_token,
                super::curl::CopyTarget::Code(language),
            ),
            Command::OpenCollection(dir) => self.open_collection(cx, dir),
            Command::CloseCollection => {
                self.state.collection = None;
                for tab in &mut self.state.tabs {
                    tab.saved_as = None;
                }
            }
            Command::OpenSaved(at) => self.open_saved(cx, at),
            Command::SelectEnvironment(name) => self.select_environment(name),
            Command::OpenVariables => self.open_variables(),
            Command::EditVariables(editor) => {
                if self.state.variables_editor.is_some() {
                    self.state.variables_editor = Some(*editor);
                }
            }
            Command::SaveVariables => self.save_variables(cx),
            Command::CloseVariables => self.state.variables_editor = None,
            Command::SaveRequest(id) => self.save_request(cx, id, None),
            Command::SaveRequestAs { tab, folder, name } => {
                self.save_request(cx, tab, Some((folder, name)));
            }
            Command::ChangeTree(change) => self.change_tree(cx, &change),
            Command::ImportCollection { file, dir } => self.import_collection(cx, file, dir),
            Command::ExportCollection(file) => self.export_collection(cx, file),
            Command::CloseImportReport => self.state.import_report = None,
            Command::AddCapture { tab, capture } => self.add_capture(cx, tab, &capture),
            Command::SortAnswer {
                tab,
                column,
                descending,
            } => self.sort_answer(cx, tab, column, descending),
            Command::SearchAnswer { tab, text } => self.search_answer(cx, tab, text),
            Command::SaveAnswer { tab, path, format } => self.save_answer(cx, tab, path, format),
            Command::ImportCurl(text) => self.import_curl(cx, text),
            Command::DismissNotes(id) => {
                if let Some(tab) = self.tab_mut(id) {
                    tab.notes.clear();
                }
            }
            Command::Open(draft) => {
                let id = self.add_tab(*draft);
                self.state.active_tab = id;
            }
        }
    }

    pub(super) fn tab_mut(&mut self, id: u64) -> Option<&mut RequestTab> {
        self.state.tabs.iter_mut().find(|t| t.id == id)
    }

    pub(super) fn add_tab(&mut self, draft: RequestDraft) -> u64 {
        let id = self.next_tab_id;
        self.next_tab_id += 1;
        self.state.tabs.push(RequestTab {
            id,
            draft,
            sending: false,
            answer: None,
            problem: None,
            sort: None,
            sorting: false,
            fetching: None,
            arriving: None,
            found: None,
            notes: Vec::new(),
            hidden_columns: Vec::new(),
            saved_as: None,
        });
        id
    }

    fn close_tab(&mut self, id: u64) {
        self.requests.remove(&id);
        self.arrivals.remove(&id);
        let Some(index) = self.state.tabs.iter().position(|t| t.id == id) else {
            return;
        };
        self.state.tabs.remove(index);
        if self.state.tabs.is_empty() {
            self.add_tab(RequestDraft::default());
        }
        if self.state.active_tab == id {
            let next = index.min(self.state.tabs.len() - 1);
            self.state.active_tab = self.state.tabs[next].id;
        }
    }

    fn send_request(&mut self, cx: &Services, id: u64) {
        let company = cx.company_scope();
        let client = cx.client.clone();
        let Some(tab) = self.state.tabs.iter().find(|t| t.id == id) else {
            return;
        };
        let filled = self.filled_draft(cx, tab).map(|(draft, used)| {
            // The secret values that went in, for keeping them out of the history.
            self.sent_secrets.insert(id, used);
            draft
        });
        let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id) else {
            return;
        };
        let Some(client) = client else {
            tab.problem = Some(UserError {
                message: "Not signed in.".to_owned(),
                advice: "Sign in, choose a company, then send.".to_owned(),
            });
            return;
        };
        match filled.and_then(|draft| build_request(&draft, company.as_ref())) {
            Err(problem) => tab.problem = Some(problem),
            Ok(api_request) => {
                tab.problem = None;
                tab.sending = true;
                tab.arriving = Some(super::Arriving::default());
                let (tell, receiver) = super::sending::arrivals(cx.waker.clone());
                // Replacing an older receiver drops what an older send still tells.
                self.arrivals.insert(id, receiver);
                // Replacing an older task for this tab cancels it.
                self.requests
                    .insert(id, cx.spawn(send(client, api_request, tell)));
            }
        }
    }

    fn sort_answer(&mut self, cx: &Services, tab: u64, column: usize, descending: bool) {
        let Some(entry) = self.state.tabs.iter_mut().find(|t| t.id == tab) else {
            return;
        };
        let Some(answer) = entry.answer.clone() else {
            return;
        };
        entry.sorting = true;
        // Sorting 100,000 rows is work for the runtime, not for a frame.
        let task = cx.spawn(async move {
            let order = tokio::task::spawn_blocking(move || {
                answer
                    .table
                    .as_ref()
                    .map(|t| sort_rows(t, column, descending))
                    .unwrap_or_default()
            })
            .await
            .unwrap_or_default();
            TableSort {
                column,
                descending,
                order: Arc::new(order),
            }
        });
        self.sorts.insert(tab, task);
    }

    fn search_answer(&mut self, cx: &Services, id: u64, text: String) {
        let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id) else {
            return;
        };
        if text.trim().is_empty() {
            tab.found = None;
            self.searches.remove(&id);
            return;
        }
        let Some(answer) = tab.answer.clone() else {
            return;
        };
        // Replacing an older search cancels it.
        let task = cx.spawn(async move {
            tokio::task::spawn_blocking(move || search_answer(&answer, &text))
                .await
                .unwrap_or_else(|_| Found {
                    text: String::new(),
                    rows: Arc::default(),
                    lines: Arc::default(),
                })
        });
        self.searches.insert(id, task);
    }

    /// Reads a pasted command on the blocking pool (it may name files to read).
    fn import_curl(&mut self, cx: &Services, text: String) {
        let base = cx.shared.api_base_url.clone();
        self.state.paste_problem = None;
        self.import = Some(cx.spawn(async move {
            tokio::task::spawn_blocking(move || {
                crate::model::from_curl_reading(&text, &base, &super::curl::read_named_file)
            })
            .await
            .unwrap_or_else(|e| Err(format!("reading the command stopped: {e}")))
        }));
    }

    fn save_answer(
        &mut self,
        cx: &Services,
        id: u64,
        path: Option<PathBuf>,
        format: Option<crate::export::ExportFormat>,
    ) {
        let Some(answer) = self
            .state
            .tabs
            .iter()
            .find(|t| t.id == id)
            .and_then(|t| t.answer.clone())
        else {
            return;
        };
        let resource = answer
            .meta
            .url
            .rsplit('/')
            .next()
            .and_then(|p| p.split('?').next())
            .filter(|p| !p.is_empty())
            .unwrap_or("answer")
            .to_owned();
        let default = if answer.table.is_some() {
            ExportFormat::Xlsx
        } else {
            ExportFormat::PrettyJson
        };
        let suggested = crate::model::suggested_file_name(
            cx.shared.company.as_ref().map(|c| c.company_name.as_str()),
            &resource,
            chrono::Local::now().date_naive(),
            format.unwrap_or(default),
        );
        self.save = Some(cx.spawn(async move {
            let path = if let Some(path) = path {
                path
            } else {
                let offered: Vec<ExportFormat> =
                    format.map_or_else(|| ExportFormat::ALL.to_vec(), |f| vec![f]);
                let mut dialog = rfd::AsyncFileDialog::new()
                    .set_title("Save the answer")
                    .set_file_name(&suggested);
                for offer in offered
                    .into_iter()
                    .filter(|f| !f.needs_table() || answer.table.is_some())
                {
                    dialog = dialog.add_filter(offer.label(), &[offer.extension()]);
                }
                let Some(picked) = dialog.save_file().await else {
                    return Ok(None); // the user closed the dialog
                };
                picked.path().to_path_buf()
            };
            let target = path.clone();
            let remark =
                tokio::task::spawn_blocking(move || calls::write_answer(&answer, &target, format))
                    .await
                    .map_err(|e| UserError {
                        message: format!("Saving stopped: {e}"),
                        advice: "Try again.".to_owned(),
                    })??;
            Ok(Some(calls::Written { path, remark }))
        }));
    }

    fn insert_template(&mut self, cx: &Services, id: u64) {
        let Some(tab) = self.state.tabs.iter().find(|t| t.id == id) else {
            return;
        };
        let path = tab.draft.path.trim().trim_matches('/').to_owned();
        let resource = path.split('/').next().unwrap_or_default().to_owned();
        let defaults = format!("{resource}_new");
        let has_defaults = cx.shared.catalogue.get(&defaults).is_some();
        if let (true, Some(client)) = (has_defaults, cx.client.clone()) {
            // The company's own defaults, as Sage fills them (nothing is saved).
            let mut request =
                api::ApiRequest::get(&defaults).for_company(cx.company_scope().as_ref());
            request.verb = api::Verb::Post;
            let task = cx.spawn(async move {
                let answer = client
                    .execute(&request)
                    .await
                    .map_err(|e| UserError::from(&e))?;
                let value: serde_json::Value =
                    api::decode(&answer.body).map_err(|e| UserError::from(&e))?;
                serde_json::to_string_pretty(&value).map_err(|e| UserError {
                    message: e.to_string(),
                    advice: "Try again.".to_owned(),
                })
            });
            self.template = Some((id, task));
            return;
        }
        let template = cx.shared.catalogue.template_for(&path);
        if let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id) {
            match template {
                Some(body) => tab.draft.body = body,
                None => {
                    tab.problem = Some(UserError {
                        message: format!("No template is known for {path}."),
                        advice:
                            "Import Sage's OpenAPI files in Settings for every resource's fields."
                                .to_owned(),
                    });
                }
            }
        }
    }

    fn fetch_all_pages(&mut self, cx: &Services, id: u64) {
        let company = cx.company_scope();
        let Some(client) = cx.client.clone() else {
            return;
        };
        let Some(tab) = self.state.tabs.iter().find(|t| t.id == id) else {
            return;
        };
        let filled = self.filled_draft(cx, tab).map(|(draft, used)| {
            // The secret values that went in, for keeping them out of the history.
            self.sent_secrets.insert(id, used);
            draft
        });
        let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id) else {
            return;
        };
        let request = match filled.and_then(|draft| build_request(&draft, company.as_ref())) {
            Ok(request) if request.verb == api::Verb::Get => request,
            Ok(_) => {
                tab.problem = Some(UserError {
                    message: "Fetch all pages works on GET requests of lists.".to_owned(),
                    advice: "Set the method to GET.".to_owned(),
                });
                return;
            }
            Err(problem) => {
                tab.problem = Some(problem);
                return;
            }
        };
        tab.problem = None;
        tab.sending = true;
        tab.sort = None;
        tab.fetching = Some(api::Progress::default());
        // A send this replaces tells nothing more.
        tab.arriving = None;
        self.arrivals.remove(&id);
        let (sender, receiver) = std::sync::mpsc::channel();
        self.fetch_progress.insert(id, receiver);
        let waker = cx.waker.clone();
        let progress = move |p: api::Progress| {
            let _ = sender.send(p);
            waker.wake();
        };
        // Pages are cut in the order of the list's key: `id`, or a view's own field.
        let options = api::PageOptions {
            order_by: cx
                .shared
                .catalogue
                .find_for(&request.path)
                .map_or_else(|| "id".to_owned(), |e| e.key.clone()),
            ..api::PageOptions::default()
        };
        self.requests.insert(
            id,
            cx.spawn(calls::fetch_all_pages(
                client, request, options, true, progress,
            )),
        );
    }

    fn poll_requests(&mut self, cx: &mut Services) {
        for (id, receiver) in &self.fetch_progress {
            if let Some(latest) = receiver.try_iter().last()
                && let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == *id)
            {
                tab.fetching = Some(latest);
            }
        }
        for (id, receiver) in &self.arrivals {
            let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == *id) else {
                continue;
            };
            super::sending::take_arrivals(
                receiver,
                tab.arriving.get_or_insert_with(Default::default),
            );
        }
        for (id, result) in finished_by_key(&mut self.requests) {
            let used = self.sent_secrets.remove(&id).unwrap_or_default();
            let kept_url = match &result {
                Ok(answer) => super::variables::redacted(&answer.meta.url, &used),
                Err(_) => String::new(),
            };
            let signed_out = matches!(&result, Err(e) if e.advice == "Sign in again.");
            let answered = result.is_ok();
            self.fetch_progress.remove(&id);
            self.arrivals.remove(&id);
            if let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id) {
                tab.sending = false;
                tab.fetching = None;
                tab.arriving = None;
                match result {
                    Ok(answer) => {
                        cx.shared.last_request = Some(answer.meta.clone());
                        tab.sort = None;
                        tab.found = None;
                        tab.answer = Some(answer.clone());
                        tab.problem = None;
                        let mut entry = history_entry(&tab.draft, &answer.meta);
                        entry.url = kept_url;
                        cx.send(history::Command::Record(Box::new(entry)));
                    }
                    Err(problem) => tab.problem = Some(problem),
                }
            }
            if answered {
                self.apply_captures(cx, id);
            }
            if signed_out {
                cx.sign_in_lost(&ApiError::SignIn {
                    detail: "Your sign-in has expired or was revoked; sign in again.".to_owned(),
                });
            }
        }
    }

    /// Takes finished sends, sorts and templates of every tab.
    pub fn poll(&mut self, cx: &mut Services) {
        self.poll_requests(cx);
        self.poll_collection(cx);
        for (id, sort) in finished_by_key(&mut self.sorts) {
            if let Some(tab) = self.tab_mut(id) {
                tab.sorting = false;
                tab.sort = Some(sort);
            }
        }
        if let Some((id, task)) = &mut self.template
            && task.poll().is_some()
        {
            let id = *id;
            if let Some((_, task)) = self.template.take()
                && let Ok(result) = task.into_result()
                && let Some(tab) = self.tab_mut(id)
            {
                match result {
                    Ok(body) => tab.draft.body = body,
                    Err(problem) => tab.problem = Some(problem),
                }
            }
        }
    }

    /// Takes a pasted command once read: a new tab with its notes, or the reason it was not
    /// read, shown in the paste box (which keeps the text).
    pub fn poll_import(&mut self, cx: &mut Services) {
        match finished(&mut self.import) {
            Some(Ok(imported)) => {
                let id = self.add_tab(imported.draft);
                self.state.active_tab = id;
                self.state.pasted += 1;
                let noted = !imported.notes.is_empty();
                if let Some(tab) = self.tab_mut(id) {
                    tab.notes = imported.notes;
                }
                cx.shared.notice = Some(if noted {
                    "Request created from the curl command; see the notes above it.".to_owned()
                } else {
                    "Request created from the curl command.".to_owned()
                });
            }
            Some(Err(problem)) => {
                self.state.paste_problem =
                    Some(format!("The curl command could not be read: {problem}"));
            }
            None => {}
        }
    }

    /// Takes finished searches of every tab.
    pub fn poll_searches(&mut self) {
        for (id, found) in finished_by_key(&mut self.searches) {
            if let Some(tab) = self.tab_mut(id) {
                tab.found = Some(found);
            }
        }
    }

    /// Takes a finished Copy as curl or code (with the token) and Save answer.
    pub fn poll_copies(&mut self, cx: &mut Services) {
        match finished(&mut self.curl) {
            Some(Ok((text, what))) => {
                cx.egui.copy_text(text);
                cx.shared.notice = Some(format!(
                    "Copied as {what} with your access token: keep it private."
                ));
            }
            Some(Err(error)) => cx.shared.error = Some(error),
            None => {}
        }
        match finished(&mut self.save) {
            Some(Ok(Some(written))) => {
                cx.shared.notice = Some(written.notice("Saved"));
            }
            Some(Err(error)) => cx.shared.error = Some(error),
            Some(Ok(None)) | None => {}
        }
    }
}

/// What the history keeps of an answered request.
fn history_entry(draft: &RequestDraft, meta: &crate::model::ResponseMeta) -> HistoryEntry {
    let sent_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    HistoryEntry {
        sent_at,
        draft: draft.clone(),
        url: meta.url.clone(),
        status: meta.status,
        elapsed_ms: u64::try_from(meta.elapsed.as_millis()).unwrap_or(u64::MAX),
        size: meta.size,
    }
}
