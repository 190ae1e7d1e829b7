//! The `eframe::App`: a router. It owns the [`Services`] every screen borrows and one
//! value per screen, routes each [`Command`] to the screen it names, polls the screens'
//! tasks each frame, and draws the shell around the open screen. This is the only layer
//! that may use every other module.

mod accessors;
mod command;
mod options;
mod paths;
mod persist;
mod services;
mod task;

pub use command::Command;
pub use options::StartOptions;
pub use paths::{AppPaths, DATA_DIR_ENV};
use persist::AUTO_SAVE;
pub use persist::{PersistedState, STATE_KEY, merge_profiles};
pub use services::Services;
pub use task::{Task, Waker, finished, finished_by_key};

pub use crate::screens::shared::{
    AuthView, CompanyChoice, KeyringView, Screen, Shared, ThemeChoice, UserError,
};

use std::sync::Arc;
use std::time::Duration;

use crate::api;
use crate::model::Profile;
use crate::screens::{
    browse, company, customers, history, reports, request, session, settings, shell, welcome,
};

/// The application: the services and one value per screen.
pub struct SageApp {
    cx: Services,
    shell: shell::Shell,
    session: session::SignIn,
    company: company::CompanyPicker,
    browse: browse::Browse,
    reports: reports::Reports,
    customers: customers::Customers,
    request: request::RequestBuilder,
    history: history::History,
    settings: settings::Settings,
    welcome: welcome::Welcome,
    /// What the user did this frame, handled at the start of the next.
    commands: Vec<Command>,
    first_frame_logged: bool,
    /// [`Self::persisted_hash`] at the last save.
    saved: u64,
    /// Whether eframe keeps the state (it does when started with storage, as `main` does).
    persistent: bool,
}

impl SageApp {
    /// Builds the app from eframe's creation context (used by `main` and by UI tests).
    #[must_use]
    pub fn new(cc: &eframe::CreationContext<'_>, options: StartOptions) -> Self {
        let persisted = cc
            .storage
            .and_then(|storage| eframe::get_value::<PersistedState>(storage, STATE_KEY))
            .unwrap_or_default();
        let mut app = Self::with_state(&cc.egui_ctx, options, persisted);
        app.persistent = cc.storage.is_some();
        app
    }

    /// Whether eframe saves this app's state (true when it was given storage): only then
    /// does an edit ask for a frame to save in. UI tests built without storage set it to
    /// check that.
    pub fn set_saves_state(&mut self, saves: bool) {
        self.persistent = saves;
    }

    /// Builds the app with a given persisted state, handing each screen its part.
    #[must_use]
    pub fn with_state(
        ctx: &egui::Context,
        options: StartOptions,
        persisted: PersistedState,
    ) -> Self {
        crate::ui::theme::install(ctx);
        services::apply_theme(ctx, persisted.theme);
        let mut profiles = merge_profiles(&persisted.profiles, options.demo_url.as_deref());
        let profile = persist::profile_in_use(persisted.profile, &profiles, &options);
        let mut shared = Shared {
            screen: persisted.screen,
            theme: persisted.theme,
            profile,
            profiles: std::mem::take(&mut profiles),
            server_url: options.demo_url.clone(),
            auth: AuthView::Restoring,
            paths: options.paths.clone(),
            catalogue: Arc::new(api::Catalogue::builtin()),
            date_style: options::user_date_style(),
            views: persisted.saved_views.clone(),
            ..Shared::default()
        };
        shared.api_base_url = shared
            .active_profile()
            .map(Profile::api_base_url)
            .unwrap_or_default();
        let sign_in_at_start = options.sign_in_at_start;
        let mut app = Self {
            cx: Services::new(ctx, options, shared),
            shell: shell::Shell::default(),
            session: session::SignIn::new(sign_in_at_start),
            company: company::CompanyPicker::new(persisted.companies),
            browse: browse::Browse::new(Some(persisted.browse_resource), persisted.browse_columns),
            customers: customers::Customers::new(
                persisted.customer_draft,
                persisted.customer_columns,
            ),
            request: request::RequestBuilder::restore(
                persisted.request_tabs,
                persisted.active_tab,
                persisted.request_hidden_columns,
                persisted.request_collection,
            ),
            history: history::History::default(),
            reports: reports::Reports::default(),
            settings: settings::Settings::new(persisted.openapi_files),
            welcome: welcome::Welcome::new(persisted.welcome_done || sign_in_at_start),
            commands: Vec::new(),
            first_frame_logged: false,
            saved: 0,
            persistent: false,
        };
        if app.cx.shared.server_url.is_some() {
            app.commands.push(shell::Command::CheckServer.into());
        }
        app.session.start_startup(&mut app.cx);
        app.history.load(&app.cx);
        app.route_outbox();
        app
    }

    /// Handles one command, then whatever the screens asked of each other while handling
    /// it (public so tests can drive the app without clicking).
    pub fn handle(&mut self, command: impl Into<Command>) {
        let command = command.into();
        tracing::debug!(?command, "command");
        self.route(command);
        self.route_outbox();
    }

    fn route(&mut self, command: Command) {
        let cx = &mut self.cx;
        match command {
            Command::Shell(command) => self.shell.handle(cx, command),
            Command::Session(command) => self.session.handle(cx, command),
            Command::Company(command) => self.company.handle(cx, command),
            Command::Browse(command) => self.browse.handle(cx, command),
            Command::Customers(command) => self.customers.handle(cx, command),
            Command::Request(command) => self.request.handle(cx, command),
            Command::History(command) => self.history.handle(cx, command),
            Command::Settings(command) => self.settings.handle(cx, command),
            Command::Welcome(command) => self.welcome.handle(cx, command),
            Command::Reports(command) => self.reports.handle(cx, command),
        }
    }

    /// Routes what the screens sent each other, until nothing more is sent.
    fn route_outbox(&mut self) {
        loop {
            let sent = self.cx.take_outbox();
            if sent.is_empty() {
                break;
            }
            for command in sent {
                self.route(command);
            }
        }
    }

    /// Moves finished task results into the screens' state, in the order the app has
    /// always taken them; what a screen sends another is routed before the next is polled.
    fn poll(&mut self) {
        self.shell.poll_health(&mut self.cx);
        self.session.poll_startup(&mut self.cx);
        self.route_outbox();
        self.welcome.poll(&mut self.cx);
        self.route_outbox();
        self.shell.poll_open_folder(&mut self.cx);
        self.session.poll_sign_in(&mut self.cx);
        self.route_outbox();
        self.company.poll(&mut self.cx);
        self.settings.poll(&mut self.cx);
        self.session.poll_sign_out(&mut self.cx);
        self.request.poll(&mut self.cx);
        self.request.poll_import(&mut self.cx);
        self.route_outbox();
        self.browse.poll(&mut self.cx);
        self.customers.poll(&mut self.cx);
        self.reports.poll(&mut self.cx);
        self.request.poll_searches();
        self.route_outbox();
        self.history.poll();
        self.request.poll_copies(&mut self.cx);
    }

    /// Draws the shell and the open screen, collecting what the user does in the order the
    /// views were drawn.
    fn draw(&mut self, ui: &mut egui::Ui) {
        use crate::ui::shortcuts;
        let shared = &self.cx.shared;
        let out = &mut self.commands;
        let mut shell_out = Vec::new();
        if ui.input_mut(|i| i.consume_shortcut(&shortcuts::QUIT)) {
            shell_out.push(shell::Command::Quit);
        }
        if ui.input_mut(|i| i.consume_shortcut(&shortcuts::HELP)) {
            shell_out.push(shell::Command::ShowHelp(shell::HelpWindow::Shortcuts));
        }
        shell::view::top_bar(ui, shared, &mut shell_out);
        shell::view::status_bar(ui, self.shell.state(), shared, &mut shell_out);
        shell::view::navigation(ui, shared, &mut shell_out);
        out.extend(shell_out.into_iter().map(Command::Shell));
        egui::CentralPanel::default().show(ui, |ui| {
            out.extend(drawn(|o| session::view::notices(ui, shared, o)));
            match shared.screen {
                Screen::Browse => {
                    out.extend(drawn(|o| {
                        browse::view::show(ui, self.browse.state(), shared, o);
                    }));
                }
                Screen::Customers => out.extend(drawn(|o| {
                    customers::view::show(
                        ui,
                        self.customers.state(),
                        self.customers.list(),
                        shared,
                        o,
                    );
                })),
                Screen::RequestBuilder => {
                    out.extend(drawn(|o| {
                        request::view::show(ui, self.request.state(), shared, o);
                    }));
                }
                Screen::Reports => {
                    out.extend(drawn(|o| {
                        reports::view::show(ui, self.reports.state(), shared, o);
                    }));
                }
                Screen::History => {
                    out.extend(drawn(|o| history::view::show(ui, self.history.state(), o)));
                }
                Screen::Settings => {
                    out.extend(drawn(|o| {
                        settings::view::show(ui, self.settings.state(), shared, o);
                    }));
                }
            }
        });
        out.extend(drawn(|o| {
            welcome::view::show(ui, self.welcome.state(), shared, o);
        }));
        out.extend(drawn(|o| session::view::sign_in_dialog(ui, shared, o)));
        out.extend(drawn(|o| {
            company::view::show(ui, self.company.state(), shared, o);
        }));
        out.extend(drawn(|o| {
            shell::help_window(ui, self.shell.state(), shared, o);
        }));
    }
}

/// What one view pushed while it was drawn, as app commands.
fn drawn<C: Into<Command>>(view: impl FnOnce(&mut Vec<C>)) -> impl Iterator<Item = Command> {
    let mut pushed = Vec::new();
    view(&mut pushed);
    pushed.into_iter().map(Into::into)
}

impl eframe::App for SageApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if !self.first_frame_logged {
            self.first_frame_logged = true;
            tracing::info!("first frame");
        }
        self.poll();
        for command in std::mem::take(&mut self.commands) {
            self.handle(command);
        }
        self.draw(ui);
        if !self.commands.is_empty() {
            // Handle what the user just did without waiting for another input event.
            ui.ctx().request_repaint();
        }
        if self.persistent && self.persisted_hash() != self.saved {
            // An idle window paints nothing, and eframe saves only when it paints.
            ui.ctx()
                .request_repaint_after(AUTO_SAVE + Duration::from_millis(100));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STATE_KEY, &self.persisted());
        self.saved = self.persisted_hash();
    }

    /// Drafts are saved within a second of a change, so a crash loses almost nothing.
    fn auto_save_interval(&self) -> Duration {
        AUTO_SAVE
    }
}
