//! Sign-in's work: the start-up task, the browser sign-in with its progress channel,
//! sign-out, and switching profile; a finished sign-in asks the company picker for sites.

use tokio::sync::mpsc;

use crate::app::{Services, Task, finished};
use crate::auth::KeyringStatus;
use crate::model::Profile;
use crate::screens::company;
use crate::screens::shared::{AuthView, KeyringView, UserError};

use super::Command;
use super::flow::{self, SignInProgress, SignedIn, Startup};
use crate::screens::shared::capitalise;

/// Sign-in: the work in flight, and whether to open the browser once start-up finds no
/// stored sign-in.
#[derive(Default)]
pub struct SignIn {
    startup: Option<Task<Startup>>,
    browser: Option<Task<Result<SignedIn, UserError>>>,
    progress: Option<mpsc::UnboundedReceiver<SignInProgress>>,
    sign_out: Option<Task<Result<(), UserError>>>,
    /// Start the browser sign-in once start-up finds no stored sign-in (`--demo`, the
    /// welcome's choices).
    browser_after_startup: bool,
}

impl SignIn {
    /// Sign-in for a new app; `sign_in_at_start` opens the browser when nothing stored
    /// signs in silently.
    #[must_use]
    pub fn new(sign_in_at_start: bool) -> Self {
        Self {
            browser_after_startup: sign_in_at_start,
            ..Self::default()
        }
    }

    /// Handles one of sign-in's commands.
    pub fn handle(&mut self, cx: &mut Services, command: Command) {
        match command {
            Command::SignIn => self.start_sign_in(cx),
            Command::CancelSignIn => {
                // Dropping the task aborts it, which closes the loopback listener.
                self.browser = None;
                self.progress = None;
                cx.shared.auth = AuthView::SignedOut { notice: None };
            }
            Command::SignOut => self.start_sign_out(cx),
            Command::SelectProfile(name) => self.select_profile(cx, &name),
            Command::Restart => self.restart(cx),
            Command::RestartAndSignIn => {
                self.browser_after_startup = true;
                self.restart(cx);
            }
            Command::SwitchAndSignIn(name) => self.switch_and_sign_in(cx, &name),
        }
    }

    /// Forgets this run's session and looks for a stored sign-in of the active profile.
    fn restart(&mut self, cx: &mut Services) {
        cx.session = None;
        cx.client = None;
        self.start_startup(cx);
    }

    /// Probes the keyring and signs in silently with a stored refresh token, if any.
    pub fn start_startup(&mut self, cx: &mut Services) {
        let Some(profile) = cx.shared.active_profile().cloned() else {
            cx.shared.auth = AuthView::SignedOut { notice: None };
            return;
        };
        let Some(http) = cx.http() else { return };
        cx.shared.auth = AuthView::Restoring;
        self.startup = Some(cx.spawn(flow::startup(
            profile,
            http,
            cx.options.keyring_scope.clone(),
        )));
    }

    fn start_sign_in(&mut self, cx: &mut Services) {
        let Some(profile) = cx.shared.active_profile().cloned() else {
            return;
        };
        if let Err(problem) = profile.validate() {
            cx.shared.error = Some(UserError {
                message: problem,
                advice: "Open Settings to complete the profile.".to_owned(),
            });
            return;
        }
        let Some(http) = cx.http() else { return };
        let (sender, receiver) = mpsc::unbounded_channel();
        let remember = cx.shared.keyring == KeyringView::Available;
        cx.shared.auth = AuthView::Waiting { url: String::new() };
        cx.shared.error = None;
        // What was said about an earlier sign-in no longer holds.
        cx.shared.notice = None;
        self.progress = Some(receiver);
        let timeout = cx.options.sign_in_timeout;
        // The in-process demo approves at once: the app follows its redirect itself, so
        // `--demo` works on a machine without a browser.
        let in_process_demo = cx
            .shared
            .server_url
            .as_deref()
            .is_some_and(|url| profile.authorize_url.starts_with(url.trim_end_matches('/')));
        let follower = match (cx.options.open_browser, in_process_demo) {
            (true, true) => flow::Follower::App,
            (true, false) => flow::Follower::SystemBrowser,
            (false, _) => flow::Follower::Nobody,
        };
        // Progress arrives through the channel; the waker makes the UI look at it.
        let progress_waker = cx.waker.clone();
        let (forward, mut progress) = mpsc::unbounded_channel::<SignInProgress>();
        cx.runtime().spawn(async move {
            while let Some(event) = progress.recv().await {
                if sender.send(event).is_err() {
                    break;
                }
                progress_waker.wake();
            }
        });
        self.browser = Some(cx.spawn(flow::interactive_sign_in(
            profile,
            http,
            remember.then(|| cx.options.keyring_scope.clone()),
            follower,
            timeout,
            forward,
        )));
    }

    fn start_sign_out(&mut self, cx: &mut Services) {
        self.browser = None;
        cx.send(company::Command::Forget);
        cx.client = None;
        cx.shared.company = None;
        cx.shared.auth = AuthView::SignedOut { notice: None };
        if let Some(session) = cx.session.take() {
            self.sign_out = Some(cx.spawn(flow::sign_out(session)));
        }
    }

    fn select_profile(&mut self, cx: &mut Services, name: &str) {
        if cx.shared.profile == name || !cx.shared.profiles.iter().any(|p| p.name == name) {
            return;
        }
        // Leave the old profile's tokens in the keyring; only this run forgets them.
        self.browser = None;
        cx.send(company::Command::Forget);
        cx.session = None;
        cx.client = None;
        cx.shared.company = None;
        name.clone_into(&mut cx.shared.profile);
        cx.shared.api_base_url = cx
            .shared
            .active_profile()
            .map(Profile::api_base_url)
            .unwrap_or_default();
        self.start_startup(cx);
    }

    fn switch_and_sign_in(&mut self, cx: &mut Services, profile: &str) {
        if cx.shared.profile == profile {
            match cx.shared.auth {
                AuthView::SignedOut { .. } => self.start_sign_in(cx),
                AuthView::Restoring => self.browser_after_startup = true,
                _ => {}
            }
        } else {
            self.browser_after_startup = true;
            self.select_profile(cx, profile);
        }
    }

    fn apply_signed_in(cx: &mut Services, signed_in: SignedIn) {
        tracing::info!(profile = %cx.shared.profile, "signed in");
        cx.shared.auth = AuthView::SignedIn {
            user: signed_in.user.as_ref().map_or_else(
                || "an unknown user (the API did not answer)".to_owned(),
                |u| u.display_name().to_owned(),
            ),
            expires_at: signed_in.expires_at,
            lapses_at: signed_in.lapses_at,
        };
        if let Some(meta) = signed_in.meta {
            cx.shared.last_request = Some(meta);
        }
        if let Some(problem) = signed_in.problem {
            cx.shared.error = Some(problem);
        }
        if let Some(notice) = signed_in.notice {
            cx.shared.notice = Some(notice);
        }
        cx.session = Some(signed_in.session);
        cx.client = Some(signed_in.client);
        cx.send(company::Command::ReloadSites);
    }

    /// Shows a refreshed token's expiry, signs the app out when the sign-in ended by itself
    /// (whichever screen's call found it), and takes the start-up's result.
    pub fn poll_startup(&mut self, cx: &mut Services) {
        if let Some(session) = cx.session.as_ref().filter(|s| s.has_ended()) {
            let provider = capitalise(&session.profile().provider_name());
            cx.sign_in_lost(&crate::api::ApiError::SignIn {
                detail: format!("{provider} no longer accepts this sign-in"),
            });
        }
        if let (Some(session), AuthView::SignedIn { expires_at, .. }) =
            (&cx.session, &mut cx.shared.auth)
        {
            // A refresh happens inside API calls; show the new expiry once it has.
            *expires_at = session.expiry_now();
        }
        if let Some(startup) = finished(&mut self.startup) {
            self.finish_startup(cx, startup);
        }
    }

    /// Takes the browser sign-in's progress and result.
    pub fn poll_sign_in(&mut self, cx: &mut Services) {
        if let Some(progress) = &mut self.progress {
            while let Ok(event) = progress.try_recv() {
                cx.shared.auth = match event {
                    SignInProgress::Waiting(url) => AuthView::Waiting { url },
                    SignInProgress::Finishing => AuthView::Finishing,
                };
            }
        }
        if let Some(result) = finished(&mut self.browser) {
            self.progress = None;
            match result {
                Ok(signed_in) => Self::apply_signed_in(cx, signed_in),
                Err(error) => {
                    tracing::warn!(message = %error.message, "sign-in failed");
                    cx.shared.auth = AuthView::SignedOut { notice: None };
                    cx.shared.error = Some(error);
                }
            }
        }
    }

    /// Takes the sign-out's result (only a failure shows).
    pub fn poll_sign_out(&mut self, cx: &mut Services) {
        if let Some(Err(error)) = finished(&mut self.sign_out) {
            cx.shared.error = Some(error);
        }
    }

    fn finish_startup(&mut self, cx: &mut Services, startup: Startup) {
        cx.shared.keyring = match startup.keyring {
            KeyringStatus::Available => KeyringView::Available,
            KeyringStatus::Unavailable(reason) => KeyringView::Unavailable(reason),
        };
        let sign_in_next = std::mem::take(&mut self.browser_after_startup);
        match startup.signed_in {
            Ok(Some(signed_in)) => Self::apply_signed_in(cx, signed_in),
            Ok(None) => cx.shared.auth = AuthView::SignedOut { notice: None },
            Err(error) => {
                cx.shared.auth = AuthView::SignedOut {
                    notice: Some(error.message),
                };
            }
        }
        if sign_in_next && matches!(cx.shared.auth, AuthView::SignedOut { .. }) {
            // The user asked to sign in (welcome); nothing stored did it silently.
            self.start_sign_in(cx);
        }
    }
}
