//! The `eframe::App`: owns the state, draws it through [`crate::ui`], and turns the
//! commands the UI emits into state changes and background tasks on the tokio runtime.
//! This is the only layer that may use every other module.

mod answer;
mod browse;
mod command;
mod customers;
mod paths;
mod request;
mod signin;
mod state;
mod task;
mod welcome;

pub use answer::{Answered, Child, JsonDoc, Kind, Span, TableModel};
pub use browse::{ColumnKind, column_kinds};
pub use command::Command;
pub use customers::{Choice, CustomerForm, Lookups};
pub use paths::{AppPaths, DATA_DIR_ENV};
pub use request::{
    BodyError, Found, RequestTab, TableSort, check_body, fetch_all_pages, format_body, json_path,
    read_answer, search_answer, sort_rows,
};
pub use signin::{SignInProgress, SignedIn};
pub use state::{
    AppState, AuthView, BrowseQuery, BrowseView, CompanyChoice, HelpWindow, KeyringView, ListView,
    PersistedState, STATE_KEY, Screen, ServerHealth, SitesView, ThemeChoice, UserError,
    WelcomeView,
};
pub use task::{Task, Waker};
pub use welcome::client_id_problem;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::mpsc;

use crate::api::{self, ApiClient, ApiError};
use crate::auth::{KeyringStatus, SIGN_IN_TIMEOUT, Session, TokenStore};
use crate::model::{Profile, ResponseMeta};

/// What the app starts with.
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// The runtime that runs every network call; it outlives the app.
    pub runtime: Handle,
    /// Root URL of the in-process demo server, when started with `--demo`.
    pub demo_url: Option<String>,
    /// Open the system browser for sign-in (tests drive the URL themselves).
    pub open_browser: bool,
    /// How long to wait for the browser.
    pub sign_in_timeout: Duration,
    /// Prefix of this app's keyring entries (tests use their own, to stay apart).
    pub keyring_scope: String,
    /// Where the app keeps its files (shown in Settings).
    pub paths: Option<AppPaths>,
    /// How long one call may take, body included (tests shorten it).
    pub call_timeout: Duration,
    /// Sign in through the browser at start unless a stored sign-in works silently
    /// (`--demo`: the user has chosen the demo, so no welcome either).
    pub sign_in_at_start: bool,
}

impl StartOptions {
    /// Options for a normal run.
    #[must_use]
    pub fn new(runtime: Handle, demo_url: Option<String>) -> Self {
        Self {
            runtime,
            demo_url,
            open_browser: true,
            sign_in_timeout: SIGN_IN_TIMEOUT,
            keyring_scope: String::new(),
            paths: None,
            call_timeout: api::CALL_TIMEOUT,
            sign_in_at_start: false,
        }
    }
}

/// The application: state, in-flight tasks and the shared HTTP client.
pub struct SageApp {
    state: AppState,
    options: StartOptions,
    waker: Waker,
    http: Result<reqwest::Client, ApiError>,
    health_task: Option<Task<Result<ResponseMeta, ApiError>>>,
    startup_task: Option<Task<signin::Startup>>,
    sign_in_task: Option<Task<Result<SignedIn, UserError>>>,
    sign_in_progress: Option<mpsc::UnboundedReceiver<SignInProgress>>,
    sign_out_task: Option<Task<Result<(), UserError>>>,
    keyring_task: Option<Task<Result<KeyringChange, UserError>>>,
    sites_task: Option<Task<Result<api::Answer<Vec<crate::model::SiteCompany>>, ApiError>>>,
    import_task: Option<Task<Result<Option<Imported>, UserError>>>,
    request_tasks: std::collections::HashMap<u64, Task<Result<Arc<Answered>, UserError>>>,
    save_task: Option<Task<Result<Option<PathBuf>, UserError>>>,
    curl_task: Option<Task<Result<String, UserError>>>,
    history_task: Option<Task<Vec<crate::model::HistoryEntry>>>,
    sort_tasks: std::collections::HashMap<u64, Task<TableSort>>,
    template_task: Option<(u64, Task<Result<String, UserError>>)>,
    search_tasks: std::collections::HashMap<u64, Task<Found>>,
    browse_tasks: browse::BrowseTasks,
    customer_tasks: browse::BrowseTasks,
    customer_form_tasks: customers::CustomerTasks,
    fetch_progress: std::collections::HashMap<u64, std::sync::mpsc::Receiver<api::Progress>>,
    ctx: egui::Context,
    next_tab_id: u64,
    session: Option<Arc<Session>>,
    client: Option<ApiClient>,
    commands: Vec<Command>,
    first_frame_logged: bool,
    /// The demo server started from the welcome (not with `--demo`), kept for the run.
    demo_server: Option<crate::demo_server::DemoServer>,
    demo_task: Option<Task<Result<crate::demo_server::DemoServer, String>>>,
    /// Start the browser sign-in once start-up finds no stored sign-in (welcome choices).
    sign_in_after_startup: bool,
    open_task: Option<Task<Result<String, UserError>>>,
}

/// The user's order of day, month and year: from the locale variables (`LC_ALL`,
/// `LC_TIME`, `LANG`, as POSIX orders them), else from the system's setting.
fn user_date_style() -> crate::model::DateStyle {
    ["LC_ALL", "LC_TIME", "LANG"]
        .iter()
        .find_map(|key| std::env::var(key).ok().filter(|v| !v.is_empty()))
        .or_else(sys_locale::get_locale)
        .map(|locale| crate::model::DateStyle::from_locale(&locale))
        .unwrap_or_default()
}

/// The built-in profiles, with the demo server's first when there is one.
fn merge_profiles(saved: &[Profile], demo_url: Option<&str>) -> Vec<Profile> {
    let mut profiles: Vec<Profile> = Vec::new();
    if let Some(url) = demo_url {
        // The demo server's port changes every run: its profile is rebuilt, not restored.
        profiles.push(Profile::demo(url));
    }
    for profile in saved.iter().filter(|p| p.name != "Demo") {
        profiles.push(profile.clone());
    }
    for builtin in [Profile::sage_professional(), Profile::sage_standard()] {
        if !profiles.iter().any(|p| p.name == builtin.name) {
            profiles.push(builtin);
        }
    }
    profiles
}

impl SageApp {
    /// Builds the app from eframe's creation context (used by `main` and by UI tests).
    #[must_use]
    pub fn new(cc: &eframe::CreationContext<'_>, options: StartOptions) -> Self {
        let persisted = cc
            .storage
            .and_then(|storage| eframe::get_value::<PersistedState>(storage, STATE_KEY))
            .unwrap_or_default();
        Self::with_state(&cc.egui_ctx, options, persisted)
    }

    /// Builds the app with a given persisted state.
    #[must_use]
    pub fn with_state(
        ctx: &egui::Context,
        options: StartOptions,
        mut persisted: PersistedState,
    ) -> Self {
        crate::ui::theme::install(ctx);
        apply_theme(ctx, persisted.theme);
        persisted.profiles = merge_profiles(&persisted.profiles, options.demo_url.as_deref());
        if options.demo_url.is_some() {
            "Demo".clone_into(&mut persisted.profile);
        } else if !persisted
            .profiles
            .iter()
            .any(|p| p.name == persisted.profile)
        {
            persisted.profile = persisted
                .profiles
                .first()
                .map(|p| p.name.clone())
                .unwrap_or_default();
        }
        if options.sign_in_at_start {
            persisted.welcome_done = true;
        }
        let server_label = server_label_of(&persisted);
        let sign_in_at_start = options.sign_in_at_start;
        let mut app = Self {
            state: AppState {
                persisted,
                server_label,
                server_url: options.demo_url.clone(),
                auth: AuthView::Restoring,
                paths: options.paths.clone(),
                catalogue: Arc::new(api::Catalogue::builtin()),
                date_style: user_date_style(),
                customers: BrowseView {
                    query: browse::customers_query(),
                    ..BrowseView::default()
                },
                ..AppState::default()
            },
            waker: Waker::from_egui(ctx),
            http: api::build_http_client_with(options.call_timeout),
            options,
            health_task: None,
            startup_task: None,
            sign_in_task: None,
            sign_in_progress: None,
            sign_out_task: None,
            keyring_task: None,
            sites_task: None,
            import_task: None,
            request_tasks: std::collections::HashMap::new(),
            save_task: None,
            curl_task: None,
            history_task: None,
            sort_tasks: std::collections::HashMap::new(),
            template_task: None,
            search_tasks: std::collections::HashMap::new(),
            browse_tasks: browse::BrowseTasks::default(),
            customer_tasks: browse::BrowseTasks::default(),
            customer_form_tasks: customers::CustomerTasks::default(),
            fetch_progress: std::collections::HashMap::new(),
            ctx: ctx.clone(),
            next_tab_id: 1,
            session: None,
            client: None,
            commands: Vec::new(),
            first_frame_logged: false,
            demo_server: None,
            demo_task: None,
            sign_in_after_startup: sign_in_at_start,
            open_task: None,
        };
        if app.state.server_url.is_some() {
            app.commands.push(Command::CheckServer);
        }
        let drafts = std::mem::take(&mut app.state.persisted.request_tabs);
        for draft in drafts {
            app.add_tab(draft);
        }
        if app.state.tabs.is_empty() {
            app.add_tab(crate::model::RequestDraft::default());
        }
        let active = app.state.persisted.active_tab.min(app.state.tabs.len() - 1);
        app.state.active_tab = app.state.tabs[active].id;
        app.state.api_base_url = app
            .state
            .active_profile()
            .map(Profile::api_base_url)
            .unwrap_or_default();
        app.start_startup();
        app.load_history();
        // Imported catalogues come back in the background, one file after another.
        for file in app.state.persisted.openapi_files.clone() {
            app.commands.push(Command::ImportOpenApi(Some(file)));
        }
        app
    }

    /// The state the UI draws from (for tests and diagnostics).
    #[must_use]
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The signed-in session, if any.
    #[must_use]
    pub fn session(&self) -> Option<&Arc<Session>> {
        self.session.as_ref()
    }

    /// The API client of the signed-in session, if any.
    #[must_use]
    pub fn api_client(&self) -> Option<&ApiClient> {
        self.client.as_ref()
    }

    /// Handles one command (public so tests can drive the app without clicking).
    pub fn handle(&mut self, ctx: &egui::Context, command: Command) {
        tracing::debug!(?command, "command");
        match command {
            Command::Navigate(screen) => self.state.persisted.screen = screen,
            Command::SetTheme(choice) => {
                self.state.persisted.theme = choice;
                apply_theme(ctx, choice);
            }
            Command::CheckServer => self.start_health_check(),
            Command::DismissError => self.state.error = None,
            Command::SignIn => self.start_sign_in(),
            Command::CancelSignIn => {
                // Dropping the task aborts it, which closes the loopback listener.
                self.sign_in_task = None;
                self.sign_in_progress = None;
                self.state.auth = AuthView::SignedOut { notice: None };
            }
            Command::SignOut => self.start_sign_out(),
            Command::SelectProfile(name) => self.select_profile(&name),
            Command::SaveProfile { original, profile } => self.save_profile(&original, *profile),
            Command::DeleteProfile(name) => self.delete_profile(&name),
            Command::SaveClientSecret { profile, secret } => {
                self.change_client_secret(profile, Some(secret));
            }
            Command::ForgetClientSecret(profile) => self.change_client_secret(profile, None),
            Command::OpenCompanyPicker => self.state.picker_open = true,
            Command::CloseCompanyPicker => self.state.picker_open = false,
            Command::ReloadSites => self.start_sites(),
            Command::ChooseCompany(choice) => self.choose_company(choice),
            Command::ImportOpenApi(path) => self.start_import(path),
            Command::NewTab => {
                let id = self.add_tab(crate::model::RequestDraft::default());
                self.state.active_tab = id;
            }
            Command::CloseTab(id) => self.close_tab(id),
            Command::SelectTab(id) => self.state.active_tab = id,
            Command::UpdateDraft(id, draft) => {
                if let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id) {
                    tab.draft = *draft;
                }
            }
            Command::SendRequest(id) => self.send_request(id),
            Command::FetchAllPages(id) => self.fetch_all_pages(id),
            Command::InsertTemplate(id) => self.insert_template(id),
            Command::SaveAnswer { tab, path, format } => self.save_answer(tab, path, format),
            Command::CopyCurl { tab, include_token } => self.copy_curl(tab, include_token),
            Command::SortAnswer {
                tab,
                column,
                descending,
            } => self.sort_answer(tab, column, descending),
            Command::OpenFromHistory(index) => self.open_from_history(index),
            Command::SearchAnswer { tab, text } => self.search_answer(tab, text),
            Command::Browse(view, query) => self.browse(view, *query),
            Command::NewCustomer => self.new_customer(),
            Command::EditCustomer(record) => self.edit_customer(&record),
            Command::UpdateCustomerDraft(draft) => {
                if let Some(form) = &mut self.state.customer_form {
                    form.server_problem = None;
                }
                self.state.persisted.customer_draft = Some(*draft);
            }
            Command::CheckCustomerReference => self.check_reference(),
            Command::SaveCustomer => self.save_customer(),
            Command::CloseCustomerForm => self.state.customer_form = None,
            Command::DiscardCustomerDraft => self.discard_customer_draft(),
            Command::AskDeleteCustomer(id, name) => self.state.confirm_delete = Some((id, name)),
            Command::CancelDeleteCustomer => self.state.confirm_delete = None,
            Command::DeleteCustomer(id, name) => self.delete_customer(id, name),
            Command::SelectRecord(view, row) => self.select_record(view, row),
            Command::FetchAllRecords(view) => self.fetch_all_records(view),
            Command::CancelFetchAllRecords(view) => self.cancel_browse_fetch(view),
            Command::ExportRecords {
                view,
                everything,
                path,
                format,
            } => self.export_records(view, everything, path, format),
            Command::ImportCurl(text) => self.import_curl(&text),
            Command::CancelRequest(id) => {
                // Dropping the task aborts the call (every page of a fetch-all too).
                self.request_tasks.remove(&id);
                self.fetch_progress.remove(&id);
                if let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id) {
                    tab.sending = false;
                    tab.fetching = None;
                }
            }
            Command::OpenFolder(path) => self.open_folder(path),
            Command::ShowWelcome => {
                self.state.persisted.welcome_done = false;
                self.state.welcome = WelcomeView::Choosing;
            }
            Command::DismissWelcome => {
                self.state.persisted.welcome_done = true;
                self.state.welcome = WelcomeView::Choosing;
            }
            Command::TryDemo => self.try_demo(),
            Command::UseSage { edition, client_id } => self.use_sage(&edition, &client_id),
            Command::ShowHelp(window) => self.state.help = Some(window),
            Command::CloseHelp => self.state.help = None,
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    fn save_profile(&mut self, original: &str, profile: Profile) {
        let profiles = &mut self.state.persisted.profiles;
        let clash = profiles
            .iter()
            .any(|p| p.name == profile.name && p.name != original);
        if clash || profile.name == "Demo" {
            self.state.error = Some(UserError {
                message: format!("A profile named '{}' already exists.", profile.name),
                advice: "Choose another name.".to_owned(),
            });
            return;
        }
        let was_active = self.state.persisted.profile == original;
        match profiles.iter_mut().find(|p| p.name == original) {
            Some(existing) => *existing = profile.clone(),
            None => profiles.push(profile.clone()),
        }
        self.state.settings_notice = Some(format!("Profile '{}' saved.", profile.name));
        if was_active {
            // The active profile changed: sign in again with its new settings.
            self.session = None;
            self.client = None;
            self.state.persisted.profile = profile.name;
            self.state.server_label = server_label_of(&self.state.persisted);
            self.start_startup();
        }
    }

    fn delete_profile(&mut self, name: &str) {
        if name == self.state.persisted.profile || name == "Demo" {
            return;
        }
        self.state.persisted.profiles.retain(|p| p.name != name);
        let store = TokenStore::new(&format!("{}{name}", self.options.keyring_scope));
        self.options.runtime.spawn_blocking(move || {
            // Forget everything the profile had in the keyring.
            let _ = store.delete_blocking();
            let _ = store.delete_client_secret_blocking();
        });
        self.state.settings_notice = Some(format!("Profile '{name}' deleted."));
    }

    fn change_client_secret(&mut self, profile: String, secret: Option<crate::model::Secret>) {
        if self.state.keyring != KeyringView::Available {
            self.state.error = Some(UserError {
                message:
                    "No system keyring: a client secret cannot be kept safely, so it was not saved."
                        .to_owned(),
                advice: "Unlock or install a keyring (Secret Service), then try again.".to_owned(),
            });
            return;
        }
        let store = TokenStore::new(&format!("{}{profile}", self.options.keyring_scope));
        self.keyring_task = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            async move {
                let saved = secret.is_some();
                let outcome = tokio::task::spawn_blocking(move || match secret {
                    Some(secret) => store.save_client_secret_blocking(&secret),
                    None => store.delete_client_secret_blocking(),
                })
                .await;
                match outcome {
                    Ok(Ok(())) => Ok(KeyringChange {
                        profile,
                        uses_client_secret: saved,
                    }),
                    Ok(Err(error)) => Err(UserError {
                        message: error.to_string(),
                        advice: "Check that the system keyring is unlocked.".to_owned(),
                    }),
                    Err(error) => Err(UserError {
                        message: format!("The keyring call failed: {error}"),
                        advice: "Try again.".to_owned(),
                    }),
                }
            },
        ));
    }

    fn http(&mut self) -> Option<reqwest::Client> {
        match &self.http {
            Ok(client) => Some(client.clone()),
            Err(error) => {
                self.state.error = Some(UserError::from(error));
                None
            }
        }
    }

    fn start_health_check(&mut self) {
        let Some(root) = self.state.server_url.clone() else {
            return;
        };
        let Some(client) = self.http() else { return };
        let url = format!("{}/_demo/health", root.trim_end_matches('/'));
        self.state.health = ServerHealth::Checking;
        // Replacing an older check drops (and so cancels) it.
        self.health_task = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            async move { api::check_health(&client, &url).await },
        ));
    }

    fn start_startup(&mut self) {
        let Some(profile) = self.state.active_profile().cloned() else {
            self.state.auth = AuthView::SignedOut { notice: None };
            return;
        };
        let Some(http) = self.http() else { return };
        self.state.auth = AuthView::Restoring;
        self.startup_task = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            signin::startup(profile, http, self.options.keyring_scope.clone()),
        ));
    }

    fn start_sign_in(&mut self) {
        let Some(profile) = self.state.active_profile().cloned() else {
            return;
        };
        if let Err(problem) = profile.validate() {
            self.state.error = Some(UserError {
                message: problem,
                advice: "Open Settings to complete the profile.".to_owned(),
            });
            return;
        }
        let Some(http) = self.http() else { return };
        let (sender, receiver) = mpsc::unbounded_channel();
        let remember = self.state.keyring == KeyringView::Available;
        self.state.auth = AuthView::Waiting { url: String::new() };
        self.state.error = None;
        self.sign_in_progress = Some(receiver);
        let waker = self.waker.clone();
        let (open_browser, timeout) = (self.options.open_browser, self.options.sign_in_timeout);
        // Progress arrives through the channel; the waker makes the UI look at it.
        let progress_waker = waker.clone();
        let (forward, mut progress) = mpsc::unbounded_channel::<SignInProgress>();
        self.options.runtime.spawn(async move {
            while let Some(event) = progress.recv().await {
                if sender.send(event).is_err() {
                    break;
                }
                progress_waker.wake();
            }
        });
        self.sign_in_task = Some(Task::spawn(
            &self.options.runtime,
            waker,
            signin::interactive_sign_in(
                profile,
                http,
                remember.then(|| self.options.keyring_scope.clone()),
                open_browser,
                timeout,
                forward,
            ),
        ));
    }

    fn start_sign_out(&mut self) {
        self.sign_in_task = None;
        self.sites_task = None;
        self.client = None;
        self.state.company = None;
        self.state.sites = SitesView::Idle;
        self.state.auth = AuthView::SignedOut { notice: None };
        if let Some(session) = self.session.take() {
            self.sign_out_task = Some(Task::spawn(
                &self.options.runtime,
                self.waker.clone(),
                signin::sign_out(session),
            ));
        }
    }

    fn select_profile(&mut self, name: &str) {
        if self.state.persisted.profile == name
            || !self.state.persisted.profiles.iter().any(|p| p.name == name)
        {
            return;
        }
        // Leave the old profile's tokens in the keyring; only this run forgets them.
        self.sign_in_task = None;
        self.sites_task = None;
        self.session = None;
        self.client = None;
        self.state.company = None;
        self.state.sites = SitesView::Idle;
        name.clone_into(&mut self.state.persisted.profile);
        self.state.server_label = server_label_of(&self.state.persisted);
        self.state.api_base_url = self
            .state
            .active_profile()
            .map(Profile::api_base_url)
            .unwrap_or_default();
        self.start_startup();
    }

    fn add_tab(&mut self, draft: crate::model::RequestDraft) -> u64 {
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
            found: None,
        });
        id
    }

    fn close_tab(&mut self, id: u64) {
        self.request_tasks.remove(&id);
        let Some(index) = self.state.tabs.iter().position(|t| t.id == id) else {
            return;
        };
        self.state.tabs.remove(index);
        if self.state.tabs.is_empty() {
            self.add_tab(crate::model::RequestDraft::default());
        }
        if self.state.active_tab == id {
            let next = index.min(self.state.tabs.len() - 1);
            self.state.active_tab = self.state.tabs[next].id;
        }
    }

    fn send_request(&mut self, id: u64) {
        let company = self.company_scope();
        let client = self.client.clone();
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
        match request::build_request(&tab.draft, company.as_ref()) {
            Err(problem) => tab.problem = Some(problem),
            Ok(api_request) => {
                tab.problem = None;
                tab.sending = true;
                // Replacing an older task for this tab cancels it.
                self.request_tasks.insert(
                    id,
                    Task::spawn(
                        &self.options.runtime,
                        self.waker.clone(),
                        request::send(client, api_request),
                    ),
                );
            }
        }
    }

    fn history_file(&self) -> Option<PathBuf> {
        self.options.paths.as_ref().map(AppPaths::history_file)
    }

    fn load_history(&mut self) {
        let Some(file) = self.history_file() else {
            return;
        };
        self.history_task = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            async move {
                // A missing or damaged history starts empty rather than stopping the app.
                match tokio::fs::read(&file).await {
                    Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
                    Err(_) => Vec::new(),
                }
            },
        ));
    }

    fn record_history(&mut self, id: u64, meta: &crate::model::ResponseMeta) {
        let Some(tab) = self.state.tabs.iter().find(|t| t.id == id) else {
            return;
        };
        let sent_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        crate::model::remember(
            &mut self.state.history,
            crate::model::HistoryEntry {
                sent_at,
                draft: tab.draft.clone(),
                url: meta.url.clone(),
                status: meta.status,
                elapsed_ms: u64::try_from(meta.elapsed.as_millis()).unwrap_or(u64::MAX),
                size: meta.size,
            },
        );
        let Some(file) = self.history_file() else {
            return;
        };
        let Ok(bytes) = serde_json::to_vec(&self.state.history) else {
            return;
        };
        self.options.runtime.spawn_blocking(move || {
            if let Some(folder) = file.parent() {
                let _ = std::fs::create_dir_all(folder);
            }
            if let Err(error) = crate::export::save_atomically(&file, &bytes) {
                tracing::warn!(%error, "could not save the history");
            }
        });
    }

    fn sort_answer(&mut self, tab: u64, column: usize, descending: bool) {
        let Some(entry) = self.state.tabs.iter_mut().find(|t| t.id == tab) else {
            return;
        };
        let Some(answer) = entry.answer.clone() else {
            return;
        };
        entry.sorting = true;
        // Sorting 100,000 rows is work for the runtime, not for a frame.
        let task = Task::spawn(&self.options.runtime, self.waker.clone(), async move {
            let order = tokio::task::spawn_blocking(move || {
                answer
                    .table
                    .as_ref()
                    .map(|t| request::sort_rows(t, column, descending))
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
        self.sort_tasks.insert(tab, task);
    }

    fn search_answer(&mut self, id: u64, text: String) {
        let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id) else {
            return;
        };
        if text.trim().is_empty() {
            tab.found = None;
            self.search_tasks.remove(&id);
            return;
        }
        let Some(answer) = tab.answer.clone() else {
            return;
        };
        // Replacing an older search cancels it.
        let task = Task::spawn(&self.options.runtime, self.waker.clone(), async move {
            tokio::task::spawn_blocking(move || request::search_answer(&answer, &text))
                .await
                .unwrap_or_else(|_| Found {
                    text: String::new(),
                    rows: Arc::default(),
                    lines: Arc::default(),
                })
        });
        self.search_tasks.insert(id, task);
    }

    fn open_from_history(&mut self, index: usize) {
        if let Some(entry) = self.state.history.get(index) {
            let id = self.add_tab(entry.draft.clone());
            self.state.active_tab = id;
            self.state.persisted.screen = Screen::RequestBuilder;
        }
    }

    fn import_curl(&mut self, text: &str) {
        match crate::model::from_curl(text, &self.state.api_base_url) {
            Ok(draft) => {
                let id = self.add_tab(draft);
                self.state.active_tab = id;
                self.state.notice = Some("Request created from the curl command.".to_owned());
            }
            Err(problem) => {
                self.state.error = Some(UserError {
                    message: format!("The curl command could not be read: {problem}"),
                    advice: "Paste the whole command, starting with curl.".to_owned(),
                });
            }
        }
    }

    fn copy_curl(&mut self, id: u64, include_token: bool) {
        let Some(tab) = self.state.tabs.iter().find(|t| t.id == id) else {
            return;
        };
        let url = {
            let mut url = format!(
                "{}{}",
                self.state.api_base_url,
                tab.draft.path.trim().trim_start_matches('/')
            );
            if let Ok(query) = tab.draft.query_pairs()
                && !query.is_empty()
            {
                url.push('?');
                url.push_str(&crate::model::encode_query(&query));
            }
            url
        };
        let mut headers = tab.draft.header_pairs().unwrap_or_default();
        if let Some(company) = &self.state.company {
            headers.insert(0, ("X-Site".to_owned(), company.site_id.clone()));
            headers.insert(1, ("X-Company".to_owned(), company.company_id.to_string()));
        }
        let method = tab.draft.method;
        let body = method.has_body().then(|| tab.draft.body.clone());
        if !include_token {
            let command = crate::model::to_curl(method, &url, &headers, body.as_deref(), None);
            self.ctx.copy_text(command);
            self.state.notice = Some("Copied as curl; the token is $SAGE200_TOKEN.".to_owned());
            return;
        }
        let Some(session) = self.session.clone() else {
            self.state.error = Some(UserError {
                message: "Not signed in, so there is no token to include.".to_owned(),
                advice: "Sign in, or copy without the token.".to_owned(),
            });
            return;
        };
        self.curl_task = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            async move {
                let token = session.access_token().await.map_err(|e| UserError {
                    message: e.to_string(),
                    advice: "Sign in again.".to_owned(),
                })?;
                Ok(crate::model::to_curl(
                    method,
                    &url,
                    &headers,
                    body.as_deref(),
                    Some(token.expose()),
                ))
            },
        ));
    }

    fn save_answer(
        &mut self,
        id: u64,
        path: Option<PathBuf>,
        format: Option<crate::export::ExportFormat>,
    ) {
        use crate::export::ExportFormat;
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
        let suggested = format!("{resource}.{}", format.unwrap_or(default).extension());
        self.save_task = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            async move {
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
                tokio::task::spawn_blocking(move || {
                    request::write_answer(&answer, &target, format)
                })
                .await
                .map_err(|e| UserError {
                    message: format!("Saving stopped: {e}"),
                    advice: "Try again.".to_owned(),
                })??;
                Ok(Some(path))
            },
        ));
    }

    fn insert_template(&mut self, id: u64) {
        let Some(tab) = self.state.tabs.iter().find(|t| t.id == id) else {
            return;
        };
        let path = tab.draft.path.trim().trim_matches('/').to_owned();
        let resource = path.split('/').next().unwrap_or_default().to_owned();
        let defaults = format!("{resource}_new");
        let has_defaults = self.state.catalogue.get(&defaults).is_some();
        if let (true, Some(client)) = (has_defaults, self.client.clone()) {
            // The company's own defaults, as Sage fills them (nothing is saved).
            let mut request =
                api::ApiRequest::get(&defaults).for_company(self.company_scope().as_ref());
            request.verb = api::Verb::Post;
            let task = Task::spawn(&self.options.runtime, self.waker.clone(), async move {
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
            self.template_task = Some((id, task));
            return;
        }
        let template = self.state.catalogue.template_for(&path);
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

    fn fetch_all_pages(&mut self, id: u64) {
        let company = self.company_scope();
        let Some(client) = self.client.clone() else {
            return;
        };
        let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id) else {
            return;
        };
        let request = match request::build_request(&tab.draft, company.as_ref()) {
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
        let (sender, receiver) = std::sync::mpsc::channel();
        self.fetch_progress.insert(id, receiver);
        let waker = self.waker.clone();
        let progress = move |p: api::Progress| {
            let _ = sender.send(p);
            waker.wake();
        };
        self.request_tasks.insert(
            id,
            Task::spawn(
                &self.options.runtime,
                self.waker.clone(),
                request::fetch_all_pages(
                    client,
                    request,
                    api::PageOptions::default(),
                    true,
                    progress,
                ),
            ),
        );
    }

    fn poll_requests(&mut self) {
        for (id, receiver) in &self.fetch_progress {
            if let Some(latest) = receiver.try_iter().last()
                && let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == *id)
            {
                tab.fetching = Some(latest);
            }
        }
        for (id, result) in finished_by_tab(&mut self.request_tasks) {
            let signed_out = matches!(&result, Err(e) if e.advice == "Sign in again.");
            self.fetch_progress.remove(&id);
            if let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id) {
                tab.sending = false;
                tab.fetching = None;
                match result {
                    Ok(answer) => {
                        self.state.last_request = Some(answer.meta.clone());
                        tab.sort = None;
                        tab.found = None;
                        tab.answer = Some(answer.clone());
                        tab.problem = None;
                        self.record_history(id, &answer.meta);
                    }
                    Err(problem) => tab.problem = Some(problem),
                }
            }
            if signed_out {
                self.sign_in_lost(&ApiError::SignIn {
                    detail: "Your sign-in has expired or was revoked; sign in again.".to_owned(),
                });
            }
        }
    }

    fn start_import(&mut self, path: Option<PathBuf>) {
        if self.import_task.is_some() {
            // One import at a time; a queued one runs when this one is done.
            self.commands.push(Command::ImportOpenApi(path));
            return;
        }
        let mut catalogue = (*self.state.catalogue).clone();
        self.import_task = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            async move {
                let path = if let Some(path) = path {
                    path
                } else {
                    let picked = rfd::AsyncFileDialog::new()
                        .set_title("Import an OpenAPI file")
                        .add_filter("OpenAPI 3 (JSON)", &["json"])
                        .pick_file()
                        .await;
                    let Some(picked) = picked else {
                        return Ok(None); // the user closed the dialog
                    };
                    picked.path().to_path_buf()
                };
                let text = tokio::fs::read_to_string(&path)
                    .await
                    .map_err(|e| UserError {
                        message: format!("Could not read {}: {e}", path.display()),
                        advice: "Choose a readable OpenAPI 3 JSON file.".to_owned(),
                    })?;
                let imported = tokio::task::spawn_blocking(move || {
                    catalogue.import_openapi(&text).map(|n| (catalogue, n))
                })
                .await
                .map_err(|e| UserError {
                    message: format!("The import stopped: {e}"),
                    advice: "Try again.".to_owned(),
                })?
                .map_err(|problem| UserError {
                    message: format!("{} was not imported: {problem}", path.display()),
                    advice: "Choose an OpenAPI 3 document in JSON, such as Sage's reference files."
                        .to_owned(),
                })?;
                Ok(Some(Imported {
                    file: path,
                    catalogue: imported.0,
                    paths: imported.1,
                }))
            },
        ));
    }

    fn start_sites(&mut self) {
        let Some(client) = self.client.clone() else {
            return;
        };
        self.state.sites = SitesView::Loading;
        self.sites_task = Some(Task::spawn(
            &self.options.runtime,
            self.waker.clone(),
            async move { client.sites().await },
        ));
    }

    fn finish_sites(
        &mut self,
        result: Result<api::Answer<Vec<crate::model::SiteCompany>>, ApiError>,
    ) {
        match result {
            Ok(answer) => {
                let sites = crate::model::group_sites(&answer.body);
                self.state.last_request = Some(answer.meta);
                let remembered = self
                    .state
                    .persisted
                    .companies
                    .get(&self.state.persisted.profile)
                    .cloned();
                let available = |c: &CompanyChoice| {
                    sites.iter().any(|s| {
                        s.id == c.site_id && s.companies.iter().any(|co| co.id == c.company_id)
                    })
                };
                let only = match sites.as_slice() {
                    [site] if site.companies.len() == 1 => Some(CompanyChoice {
                        site_id: site.id.clone(),
                        site_name: site.name.clone(),
                        company_id: site.companies[0].id,
                        company_name: site.companies[0].name.clone(),
                    }),
                    _ => None,
                };
                let choice = remembered.filter(available).or(only);
                self.state.sites = SitesView::Loaded(sites);
                match choice {
                    Some(choice) => self.choose_company(choice),
                    None => self.state.picker_open = true,
                }
            }
            Err(error) => {
                if matches!(error, ApiError::SignIn { .. }) {
                    self.sign_in_lost(&error);
                }
                self.state.sites = SitesView::Failed(UserError::from(&error));
            }
        }
    }

    fn choose_company(&mut self, choice: CompanyChoice) {
        if self.state.company.as_ref() != Some(&choice) {
            self.state.company_generation += 1;
        }
        tracing::info!(company = choice.company_id, site = %choice.site_id, "company chosen");
        self.state
            .persisted
            .companies
            .insert(self.state.persisted.profile.clone(), choice.clone());
        self.state.company = Some(choice);
        self.state.picker_open = false;
    }

    /// A call found the sign-in gone: forget the session and say so.
    fn sign_in_lost(&mut self, error: &ApiError) {
        self.session = None;
        self.client = None;
        self.state.company = None;
        self.state.auth = AuthView::SignedOut {
            notice: Some(error.to_string()),
        };
    }

    /// The `X-Site` / `X-Company` pair of the chosen company.
    #[must_use]
    pub fn company_scope(&self) -> Option<api::CompanyScope> {
        self.state.company.as_ref().map(|c| api::CompanyScope {
            site_id: c.site_id.clone(),
            company_id: c.company_id,
        })
    }

    fn apply_signed_in(&mut self, signed_in: SignedIn) {
        tracing::info!(profile = %self.state.persisted.profile, "signed in");
        self.state.auth = AuthView::SignedIn {
            user: signed_in.user.display_name().to_owned(),
            expires_at: signed_in.expires_at,
        };
        self.state.last_request = Some(signed_in.meta);
        self.session = Some(signed_in.session);
        self.client = Some(signed_in.client);
        self.start_sites();
    }

    /// Moves finished task results into the state.
    fn poll_tasks(&mut self) {
        if let (Some(session), AuthView::SignedIn { expires_at, .. }) =
            (&self.session, &mut self.state.auth)
        {
            // A refresh happens inside API calls; show the new expiry once it has.
            *expires_at = session.expiry_now();
        }
        if let Some(result) = finished(&mut self.health_task) {
            self.finish_health_check(result);
        }
        if let Some(startup) = finished(&mut self.startup_task) {
            self.finish_startup(startup);
        }
        self.poll_demo_start();
        self.poll_open_folder();
        if let Some(progress) = &mut self.sign_in_progress {
            while let Ok(event) = progress.try_recv() {
                self.state.auth = match event {
                    SignInProgress::Waiting(url) => AuthView::Waiting { url },
                    SignInProgress::Finishing => AuthView::Finishing,
                };
            }
        }
        if let Some(result) = finished(&mut self.sign_in_task) {
            self.finish_sign_in(result);
        }
        if let Some(result) = finished(&mut self.sites_task) {
            self.finish_sites(result);
        }
        if let Some(result) = finished(&mut self.import_task) {
            self.finish_import(result);
        }
        if let Some(result) = finished(&mut self.keyring_task) {
            self.finish_keyring_change(result);
        }
        if let Some(Err(error)) = finished(&mut self.sign_out_task) {
            self.state.error = Some(error);
        }
        self.poll_requests();
        for (id, sort) in finished_by_tab(&mut self.sort_tasks) {
            if let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id) {
                tab.sorting = false;
                tab.sort = Some(sort);
            }
        }
        if let Some((id, task)) = &mut self.template_task
            && task.poll().is_some()
        {
            let id = *id;
            if let Some((_, task)) = self.template_task.take()
                && let Ok(result) = task.into_result()
                && let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id)
            {
                match result {
                    Ok(body) => tab.draft.body = body,
                    Err(problem) => tab.problem = Some(problem),
                }
            }
        }
        self.poll_browse();
        self.poll_customers();
        for (id, found) in finished_by_tab(&mut self.search_tasks) {
            if let Some(tab) = self.state.tabs.iter_mut().find(|t| t.id == id) {
                tab.found = Some(found);
            }
        }
        if let Some(mut loaded) = finished(&mut self.history_task) {
            // Requests sent while the file was loading come first.
            let mut recent = std::mem::take(&mut self.state.history);
            recent.append(&mut loaded);
            recent.truncate(crate::model::HISTORY_LIMIT);
            self.state.history = recent;
        }
        match finished(&mut self.curl_task) {
            Some(Ok(command)) => {
                self.ctx.copy_text(command);
                self.state.notice =
                    Some("Copied as curl with your access token: keep it private.".to_owned());
            }
            Some(Err(error)) => self.state.error = Some(error),
            None => {}
        }
        match finished(&mut self.save_task) {
            Some(Ok(Some(path))) => {
                self.state.notice = Some(format!("Saved to {}", path.display()));
            }
            Some(Err(error)) => self.state.error = Some(error),
            Some(Ok(None)) | None => {}
        }
    }

    fn finish_startup(&mut self, startup: signin::Startup) {
        self.state.keyring = match startup.keyring {
            KeyringStatus::Available => KeyringView::Available,
            KeyringStatus::Unavailable(reason) => KeyringView::Unavailable(reason),
        };
        let sign_in_next = std::mem::take(&mut self.sign_in_after_startup);
        match startup.signed_in {
            Ok(Some(signed_in)) => self.apply_signed_in(signed_in),
            Ok(None) => self.state.auth = AuthView::SignedOut { notice: None },
            Err(error) => {
                self.state.auth = AuthView::SignedOut {
                    notice: Some(error.message),
                };
            }
        }
        if sign_in_next && matches!(self.state.auth, AuthView::SignedOut { .. }) {
            // The user asked to sign in (welcome); nothing stored did it silently.
            self.start_sign_in();
        }
    }

    fn finish_sign_in(&mut self, result: Result<SignedIn, UserError>) {
        self.sign_in_progress = None;
        match result {
            Ok(signed_in) => self.apply_signed_in(signed_in),
            Err(error) => {
                tracing::warn!(message = %error.message, "sign-in failed");
                self.state.auth = AuthView::SignedOut { notice: None };
                self.state.error = Some(error);
            }
        }
    }

    fn finish_import(&mut self, result: Result<Option<Imported>, UserError>) {
        match result {
            Ok(Some(imported)) => {
                self.state.settings_notice = Some(format!(
                    "Imported {} paths from {}; {} endpoints known.",
                    imported.paths,
                    imported.file.display(),
                    imported.catalogue.len()
                ));
                self.state.catalogue = Arc::new(imported.catalogue);
                if !self.state.persisted.openapi_files.contains(&imported.file) {
                    self.state.persisted.openapi_files.push(imported.file);
                }
            }
            Ok(None) => {}
            Err(error) => self.state.error = Some(error),
        }
    }

    fn finish_keyring_change(&mut self, result: Result<KeyringChange, UserError>) {
        match result {
            Ok(change) => {
                let profiles = &mut self.state.persisted.profiles;
                if let Some(profile) = profiles.iter_mut().find(|p| p.name == change.profile) {
                    profile.uses_client_secret = change.uses_client_secret;
                }
                let done = if change.uses_client_secret {
                    "saved in"
                } else {
                    "removed from"
                };
                self.state.settings_notice = Some(format!(
                    "Client secret for '{}' {done} the system keyring.",
                    change.profile
                ));
            }
            Err(error) => self.state.error = Some(error),
        }
    }

    fn finish_health_check(&mut self, result: Result<ResponseMeta, ApiError>) {
        match result {
            Ok(meta) => {
                tracing::info!(
                    status = meta.status,
                    elapsed_ms = meta.elapsed.as_millis(),
                    "server reachable"
                );
                self.state.health = ServerHealth::Reachable;
                if self.state.last_request.is_none() {
                    self.state.last_request = Some(meta);
                }
            }
            Err(error) => {
                tracing::warn!(%error, "server check failed");
                self.state.error = Some(UserError::from(&error));
                self.state.health = ServerHealth::Unreachable(error);
            }
        }
    }
}

/// Takes the result of a finished task out of its slot.
fn finished<T>(slot: &mut Option<Task<T>>) -> Option<T> {
    if slot.as_mut()?.poll().is_some() {
        slot.take()?.into_result().ok()
    } else {
        None
    }
}

/// Takes the results of the finished tasks of a per-tab task map.
fn finished_by_tab<T>(tasks: &mut std::collections::HashMap<u64, Task<T>>) -> Vec<(u64, T)> {
    let done: Vec<u64> = tasks
        .iter_mut()
        .filter_map(|(id, task)| task.poll().is_some().then_some(*id))
        .collect();
    done.into_iter()
        .filter_map(|id| Some((id, tasks.remove(&id)?.into_result().ok()?)))
        .collect()
}

/// An `OpenAPI` file read into a new catalogue.
#[derive(Debug)]
struct Imported {
    file: PathBuf,
    catalogue: api::Catalogue,
    paths: usize,
}

/// A client secret stored or removed.
#[derive(Debug)]
struct KeyringChange {
    profile: String,
    uses_client_secret: bool,
}

/// "Demo server", "Sage 200 Professional", … for the status bar.
fn server_label_of(persisted: &PersistedState) -> String {
    match persisted
        .profiles
        .iter()
        .find(|p| p.name == persisted.profile)
    {
        Some(profile) if profile.name == "Demo" => "Demo server".to_owned(),
        Some(profile) => profile.edition.label().to_owned(),
        None => "No profile".to_owned(),
    }
}

fn apply_theme(ctx: &egui::Context, choice: ThemeChoice) {
    ctx.set_theme(match choice {
        ThemeChoice::System => egui::ThemePreference::System,
        ThemeChoice::Light => egui::ThemePreference::Light,
        ThemeChoice::Dark => egui::ThemePreference::Dark,
    });
}

impl eframe::App for SageApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if !self.first_frame_logged {
            self.first_frame_logged = true;
            tracing::info!("first frame");
        }
        self.poll_tasks();
        let ctx = ui.ctx().clone();
        for command in std::mem::take(&mut self.commands) {
            self.handle(&ctx, command);
        }
        crate::ui::show(ui, &self.state, &mut self.commands);
        if !self.commands.is_empty() {
            // Handle what the user just did without waiting for another input event.
            ctx.request_repaint();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let persisted = &mut self.state.persisted;
        persisted.request_tabs = self.state.tabs.iter().map(|t| t.draft.clone()).collect();
        persisted.active_tab = self
            .state
            .tabs
            .iter()
            .position(|t| t.id == self.state.active_tab)
            .unwrap_or(0);
        eframe::set_value(storage, STATE_KEY, persisted);
    }

    /// Drafts are saved within a second of a change, so a crash loses almost nothing.
    fn auto_save_interval(&self) -> Duration {
        Duration::from_secs(1)
    }
}
