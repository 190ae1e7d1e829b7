//! The first run and the Help menu, through the real app: the welcome starts the built-in
//! demo server inside the run and signs in to it, or keeps the client id Sage issued and
//! sends the user to Sage's sign-in page; it can be closed and found again in Help; Help
//! lists the keyboard shortcuts, shows where files are, opens the log folder and tells the
//! version and commit.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::match_same_arms,
    clippy::cast_possible_truncation
)]

mod support;

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sage200_desk::app::{AppPaths, AuthView, PersistedState, SageApp, StartOptions};
use sage200_desk::demo_server::DemoConfig;

const WELCOME: &str = "Welcome to Sage 200 Desk";

fn first_run_options(
    rt: &tokio::runtime::Runtime,
    demo_url: Option<String>,
    scope: &str,
    data: &std::path::Path,
) -> StartOptions {
    StartOptions {
        open_browser: false,
        keyring_scope: support::keyring_scope(scope),
        paths: Some(AppPaths::resolve(Some(data.to_path_buf()))),
        ..StartOptions::new(rt.handle().clone(), demo_url)
    }
}

/// Lets the browser stand-in allow access and the app finish signing in.
fn allow_and_finish(rt: &tokio::runtime::Runtime, h: &mut Harness<'_, SageApp>, url: &str) {
    let callback = rt.block_on(support::consent(url, Some("allow")));
    let page = rt.spawn(async move { support::visit(&callback).await });
    support::step_until(h, Duration::from_secs(20), "signed in", |app| {
        matches!(app.shared().auth, AuthView::SignedIn { .. })
    });
    let (status, _) = rt.block_on(page).unwrap().unwrap();
    assert_eq!(status, 200);
}

#[test]
fn a_first_run_without_demo_starts_the_demo_server_and_signs_in_to_it() {
    let rt = support::runtime();
    let data = tempfile::tempdir().unwrap();
    let options = first_run_options(&rt, None, "welcome-demo", data.path());
    let mut h = support::harness_from(options, PersistedState::default());

    h.get_by_label(WELCOME);
    assert!(
        h.state().shared().server_url.is_none(),
        "no demo server before the user asks for one"
    );
    h.get_by_label("Try the demo").click();
    let url = support::waiting_url(&mut h);
    assert!(
        url.starts_with("http://127.0.0.1:") && url.contains("/authorize?"),
        "the demo's own Sage ID: {url}"
    );
    let app = h.state();
    assert_eq!(app.shared().profile, "Demo");
    assert!(app.welcome().done);
    let server = app.shared().server_url.clone().unwrap();
    assert!(url.starts_with(&server), "{url} is not on {server}");

    // The demo started here approves at once (as with --demo, where the app itself follows
    // the redirect): whoever follows the address lands on the app's callback.
    let url_to_follow = url.clone();
    let page = rt.spawn(async move { reqwest::get(&url_to_follow).await.map(|r| r.status()) });
    support::step_until(&mut h, Duration::from_secs(20), "signed in", |app| {
        matches!(app.shared().auth, AuthView::SignedIn { .. })
    });
    assert_eq!(rt.block_on(page).unwrap().unwrap(), 200);
    let _ = h.run_ok();
    assert!(h.query_by_label(WELCOME).is_none(), "the welcome is gone");
    h.get_by_label("Demo server reachable");
    // Like --demo, the demo keeps its data (here the hashed refresh grant) in the data
    // folder, so the next start signs in silently.
    let paths = AppPaths::resolve(Some(data.path().to_path_buf()));
    support::step_until(
        &mut h,
        Duration::from_secs(10),
        "the demo's state file",
        |_| paths.demo_state_file().exists(),
    );
}

#[test]
fn a_client_id_is_checked_kept_in_the_profile_and_used_to_sign_in_to_sage() {
    let rt = support::runtime();
    let data = tempfile::tempdir().unwrap();
    let options = first_run_options(&rt, None, "welcome-sage", data.path());
    let mut h = support::harness_from(options, PersistedState::default());

    let field = h.get_by_label("Client id");
    field.click();
    field.type_text("abc def");
    let _ = h.run_ok();
    h.get_by_label("A client id has no spaces: copy it again from Sage's email or portal.");
    h.get_by_label("Save and sign in").click();
    let _ = h.run_ok();
    assert!(
        !h.state().welcome().done,
        "a refused client id keeps the welcome open"
    );

    h.get_by_label("Client id").focus();
    for _ in 0.."abc def".len() {
        h.key_press(egui::Key::Backspace);
    }
    let _ = h.run_ok();
    h.get_by_label("Client id")
        .type_text("my-desktop-client-42");
    h.get_by_label("Standard").click();
    let _ = h.run_ok();
    h.get_by_label("Save and sign in").click();

    let url = support::waiting_url(&mut h);
    assert!(
        url.starts_with("https://id.sage.com/authorize?"),
        "Sage's own sign-in page: {url}"
    );
    assert!(url.contains("client_id=my-desktop-client-42"), "{url}");
    assert!(url.contains("audience=s200ukipd%2Fsage200"), "{url}");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    let app = h.state();
    assert_eq!(app.shared().profile, "Sage 200 Standard");
    let profile = app.shared().active_profile().unwrap();
    assert_eq!(profile.client_id, "my-desktop-client-42");
    assert!(app.welcome().done);
    h.get_by_label("Cancel").click();
    let _ = h.run_ok();
    assert!(matches!(
        h.state().shared().auth,
        AuthView::SignedOut { .. }
    ));
}

#[test]
fn with_demo_the_welcome_signs_in_to_it_and_can_be_closed_and_found_again() {
    let rt = support::runtime();
    let server = support::demo_server(&rt, DemoConfig::default());
    let data = tempfile::tempdir().unwrap();
    let options = first_run_options(&rt, Some(server.base_url()), "welcome-closed", data.path());
    let mut h = support::harness_from(options, PersistedState::default());

    h.get_by_label(WELCOME);
    h.get_by_label("Not now").click();
    let _ = h.run_ok();
    assert!(h.query_by_label(WELCOME).is_none());
    assert!(h.state().welcome().done);

    h.get_by_label("Help").click();
    let _ = h.run_ok();
    h.get_by_label("Welcome…").click();
    let _ = h.run_ok();
    h.get_by_label(WELCOME);
    h.get_by_label("Sign in to the demo").click();
    let url = support::waiting_url(&mut h);
    assert!(url.starts_with(&server.base_url()), "{url}");
    allow_and_finish(&rt, &mut h, &url);
    assert!(h.query_by_label(WELCOME).is_none());
}

#[test]
fn help_lists_shortcuts_files_and_the_version_and_opens_the_log_folder() {
    let rt = support::runtime();
    let data = tempfile::tempdir().unwrap();
    let options = first_run_options(&rt, None, "help", data.path());
    let paths = options.paths.clone().unwrap();
    let mut h = support::harness_from(options, support::returning_user());

    // F1: every shortcut, with its keys.
    h.key_press(egui::Key::F1);
    let _ = h.run_ok();
    h.get_by_label("Keyboard shortcuts");
    h.get_by_label("Send the request");
    h.get_by_label("Ctrl+Enter");
    h.get_by_label("Ctrl+S");
    h.get_by_label("Ctrl+Q");
    h.get_by_label("Close").click();
    let _ = h.run_ok();
    assert!(h.query_by_label("Send the request").is_none());

    h.get_by_label("Help").click();
    let _ = h.run_ok();
    h.get_by_label("Where your files are").click();
    let _ = h.run_ok();
    for path in [
        paths.ui_state_file(),
        paths.history_file(),
        paths.log_file(),
        paths.demo_state_file(),
    ] {
        h.get_by_label(&path.display().to_string());
    }
    h.get_by_label("Close").click();
    let _ = h.run_ok();

    h.get_by_label("Help").click();
    let _ = h.run_ok();
    h.get_by_label("Open the log folder").click();
    // The system opener may or may not exist here; either way the user is told, naming
    // the folder, and the folder exists for the file manager to show.
    let log_dir = paths.log_dir.display().to_string();
    support::step_until(
        &mut h,
        Duration::from_secs(10),
        "the folder opened",
        |app| {
            let state = app.shared();
            state
                .notice
                .as_deref()
                .is_some_and(|n| n.starts_with("Opened") && n.contains(&log_dir))
                || state
                    .error
                    .as_ref()
                    .is_some_and(|e| e.message.contains(&log_dir))
        },
    );
    assert!(paths.log_dir.is_dir());

    h.get_by_label("Help").click();
    let _ = h.run_ok();
    h.get_by_label("About Sage 200 Desk").click();
    let _ = h.run_ok();
    let version = format!(
        "Version {} (commit {})",
        sage200_desk::VERSION,
        sage200_desk::COMMIT
    );
    h.get_by_label(&version);
    assert_ne!(sage200_desk::COMMIT, "unknown", "built from a git checkout");
}
