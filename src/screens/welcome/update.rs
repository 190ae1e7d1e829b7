//! The welcome's work: starting the demo server inside this run, adding its profile and
//! signing in; saving a Sage client id in its edition's profile and signing in.

use crate::app::{AppPaths, Services, Task, merge_profiles};
use crate::demo_server::{DemoConfig, DemoServer};
use crate::model::{Edition, Profile};
use crate::screens::shared::UserError;
use crate::screens::{session, shell};

use super::{Command, State, WelcomeView, client_id_problem};

const DEMO_PROFILE: &str = "Demo";

/// The welcome, and the demo server it started (kept for the run).
#[derive(Default)]
pub struct Welcome {
    state: State,
    demo: Option<Task<Result<DemoServer, String>>>,
    /// The demo server started from the welcome (not with `--demo`), kept for the run.
    server: Option<DemoServer>,
}

impl Welcome {
    /// The welcome; `done` when it was answered in an earlier run.
    #[must_use]
    pub fn new(done: bool) -> Self {
        let mut welcome = Self::default();
        welcome.state.done = done;
        welcome
    }

    /// What the view draws.
    #[must_use]
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Handles one of the welcome's commands.
    pub fn handle(&mut self, cx: &mut Services, command: Command) {
        match command {
            Command::Show => {
                self.state.done = false;
                self.state.view = WelcomeView::Choosing;
            }
            Command::Dismiss => {
                self.state.done = true;
                self.state.view = WelcomeView::Choosing;
            }
            Command::TryDemo => self.try_demo(cx),
            Command::UseSage { edition, client_id } => self.use_sage(cx, &edition, &client_id),
        }
    }

    fn try_demo(&mut self, cx: &mut Services) {
        if cx.shared.server_url.is_some()
            && cx.shared.profiles.iter().any(|p| p.name == DEMO_PROFILE)
        {
            self.state.done = true;
            cx.send(session::Command::SwitchAndSignIn(DEMO_PROFILE.to_owned()));
            return;
        }
        if self.demo.is_some() {
            return;
        }
        self.state.view = WelcomeView::StartingDemo;
        let config = DemoConfig {
            // As with --demo: records created and refresh grants (hashed) survive restarts.
            state_file: cx.shared.paths.as_ref().map(AppPaths::demo_state_file),
            // As with --demo: it approves at once and the app follows the redirect itself.
            auto_approve: true,
            ..DemoConfig::default()
        };
        self.demo = Some(cx.spawn(async move {
            DemoServer::start(config)
                .await
                .map_err(|e| format!("The demo server could not start: {e}"))
        }));
    }

    /// Takes the demo server once it has started.
    pub fn poll(&mut self, cx: &mut Services) {
        let Some(task) = &mut self.demo else {
            return;
        };
        if task.poll().is_none() {
            return;
        }
        let outcome = self.demo.take().and_then(|task| task.into_result().ok());
        match outcome {
            Some(Ok(server)) => {
                let url = server.base_url();
                tracing::info!(base = %url, "demo server started from the welcome");
                self.server = Some(server);
                cx.shared.server_url = Some(url.clone());
                cx.shared.profiles = merge_profiles(&cx.shared.profiles, Some(&url));
                self.state.done = true;
                self.state.view = WelcomeView::Choosing;
                cx.send(session::Command::SwitchAndSignIn(DEMO_PROFILE.to_owned()));
                cx.send(shell::Command::CheckServer);
            }
            Some(Err(message)) => {
                self.state.view = WelcomeView::Failed(UserError {
                    message,
                    advice: "Try again, or start the app with --demo.".to_owned(),
                });
            }
            None => self.state.view = WelcomeView::Choosing,
        }
    }

    fn use_sage(&mut self, cx: &mut Services, edition: &Edition, client_id: &str) {
        if let Some(problem) = client_id_problem(client_id) {
            self.state.view = WelcomeView::Failed(UserError {
                message: problem.to_owned(),
                advice: String::new(),
            });
            return;
        }
        let builtin = match edition {
            Edition::Standard => Profile::sage_standard(),
            _ => Profile::sage_professional(),
        };
        let name = builtin.name.clone();
        let profiles = &mut cx.shared.profiles;
        let profile = if let Some(existing) = profiles.iter_mut().find(|p| p.name == name) {
            existing
        } else {
            profiles.push(builtin);
            let last = profiles.len() - 1;
            &mut profiles[last]
        };
        client_id.trim().clone_into(&mut profile.client_id);
        self.state.done = true;
        self.state.view = WelcomeView::Choosing;
        if cx.shared.profile == name {
            // Same profile, new client id: forget this run's session and start over.
            cx.send(session::Command::RestartAndSignIn);
        } else {
            cx.send(session::Command::SwitchAndSignIn(name));
        }
    }
}
