//! Helpers shared by the integration and UI tests: a runtime, the demo server, and an app
//! harness built the way `main` builds the app.
#![allow(dead_code)] // each test binary uses a different subset

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use sage200_desk::app::{AuthView, PersistedState, SageApp, StartOptions};
use sage200_desk::demo_server::{DemoConfig, DemoServer};

/// Runs the test `name` of this test binary again in a child process with `env` set (for
/// what belongs to a whole process: the time zone, a second copy of the app), and checks
/// that it ran and passed.
pub fn run_in_child(name: &str, env: &[(&str, &str)]) {
    let mut command = std::process::Command::new(std::env::current_exe().expect("this binary"));
    command.args(["--ignored", "--exact", name, "--nocapture"]);
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().expect("the child runs");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("1 passed"),
        "{said}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A multi-thread runtime like the app's.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Starts a demo server on a free port.
pub fn demo_server(runtime: &tokio::runtime::Runtime, config: DemoConfig) -> DemoServer {
    runtime
        .block_on(DemoServer::start(config))
        .expect("demo server starts")
}

/// Where most UI tests start: a demo server with `customers` customers (approving sign-in
/// at once), and the real app signed in to it (keyring scope from `scope`) with `company`
/// chosen.
pub fn signed_in_to_company(
    runtime: &tokio::runtime::Runtime,
    customers: usize,
    scope: &str,
    company: &str,
    timeout: Duration,
) -> (DemoServer, Harness<'static, SageApp>) {
    let server = demo_server(
        runtime,
        DemoConfig {
            auto_approve: true,
            customers,
            ..DemoConfig::default()
        },
    );
    let mut harness = sign_in_harness(runtime, &server.base_url(), &keyring_scope(scope), timeout);
    sign_in(runtime, &mut harness);
    pick_company(&mut harness, company);
    (server, harness)
}

/// Numbers the harnesses of a test binary, for their keyring scopes.
static HARNESSES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Builds the real app in a kittest harness.
pub fn app_harness(
    runtime: &tokio::runtime::Runtime,
    demo_url: Option<String>,
    persisted: PersistedState,
) -> Harness<'static, SageApp> {
    let options = StartOptions {
        open_browser: false,
        // Its own keyring entries: what other tests (or the real binary) stored under the
        // same profile name must not sign this app in.
        keyring_scope: keyring_scope(&format!(
            "harness{}",
            HARNESSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        )),
        ..StartOptions::new(runtime.handle().clone(), demo_url)
    };
    harness_from(options, persisted)
}

/// The real app in a harness, started with `options` from `persisted`, settled.
pub fn harness_from(options: StartOptions, persisted: PersistedState) -> Harness<'static, SageApp> {
    let mut harness = Harness::builder()
        // A finished background task may ask for a frame at any moment; allow a few.
        .with_max_steps(20)
        .with_size(egui::vec2(1100.0, 700.0))
        .build_eframe(move |cc| SageApp::with_state(&cc.egui_ctx, options, persisted));
    settle_startup(&mut harness);
    harness
}

/// Options for sign-in tests against the demo server at `demo_url`: no real browser, a
/// private keyring scope.
pub fn sign_in_options(
    runtime: &tokio::runtime::Runtime,
    demo_url: &str,
    scope: &str,
    timeout: Duration,
) -> StartOptions {
    StartOptions {
        open_browser: false,
        sign_in_timeout: timeout,
        keyring_scope: scope.to_owned(),
        ..StartOptions::new(runtime.handle().clone(), Some(demo_url.to_owned()))
    }
}

/// Steps until the start-up keyring probe and silent sign-in have finished.
pub fn settle_startup(harness: &mut Harness<'_, SageApp>) {
    step_until(harness, Duration::from_secs(20), "start-up", |app| {
        !matches!(app.shared().auth, AuthView::Restoring)
    });
}

/// Steps the harness until `done` holds, failing after `timeout`.
pub fn step_until(
    harness: &mut Harness<'_, SageApp>,
    timeout: Duration,
    what: &str,
    mut done: impl FnMut(&SageApp) -> bool,
) {
    let start = Instant::now();
    loop {
        harness.step();
        if done(harness.state()) {
            // Let the frame settle; a spinner may legitimately keep it busy.
            let _ = harness.run_ok();
            return;
        }
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The saved state of someone who has used the app before: the first-run welcome is
/// answered, so it does not cover the screen (`tests/ui_welcome.rs` covers a first run).
pub fn returning_user() -> PersistedState {
    PersistedState {
        welcome_done: true,
        ..PersistedState::default()
    }
}

/// A desktop whose default web browser runs `script` (a shell script body that gets the URL
/// as `$1`): `mimeapps.list` and a desktop entry, as a real desktop records the user's choice
/// of browser. [`use_default_browser`] points a child process at it, so `xdg-open` there (the
/// app's system opener) runs the script instead of whatever browser this machine has.
pub fn default_browser(script: &str) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("a temp dir");
    let browser = dir.path().join("browser");
    std::fs::write(&browser, format!("#!/bin/sh\n{script}\n")).expect("script written");
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755))
        .expect("script made executable");
    let applications = dir.path().join("data/applications");
    std::fs::create_dir_all(&applications).expect("applications folder");
    std::fs::create_dir_all(dir.path().join("config")).expect("config folder");
    std::fs::write(
        applications.join("test-browser.desktop"),
        format!(
            "[Desktop Entry]\nType=Application\nName=Test browser\nExec={} %u\nMimeType=x-scheme-handler/http;x-scheme-handler/https;\n",
            browser.display()
        ),
    )
    .expect("desktop entry written");
    std::fs::write(
        dir.path().join("config/mimeapps.list"),
        "[Default Applications]\nx-scheme-handler/http=test-browser.desktop\nx-scheme-handler/https=test-browser.desktop\n",
    )
    .expect("mimeapps.list written");
    dir
}

/// Makes `command` use the desktop made by [`default_browser`].
pub fn use_default_browser(command: &mut std::process::Command, desktop: &tempfile::TempDir) {
    command
        .env("XDG_CONFIG_HOME", desktop.path().join("config"))
        .env("XDG_DATA_HOME", desktop.path().join("data"));
}

/// An app binary running with `--demo` (the one built here, or one unpacked from the
/// package), its standard error read line by line, with a default browser that runs
/// `browser_script` (see [`default_browser`]).
pub struct RunningApp {
    /// The process.
    pub child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    /// Every line logged so far.
    pub log: Vec<String>,
    _browser: tempfile::TempDir,
}

impl RunningApp {
    /// Starts `binary --demo` with its data in `data_dir`.
    pub fn start_demo(
        binary: &std::path::Path,
        data_dir: &std::path::Path,
        browser_script: &str,
    ) -> Self {
        use std::io::BufRead as _;
        let browser = default_browser(browser_script);
        let mut command = std::process::Command::new(binary);
        use_default_browser(&mut command, &browser);
        let mut child = command
            .arg("--demo")
            .env("SAGE200_DESK_DATA_DIR", data_dir)
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stderr = child.stderr.take().expect("piped standard error");
        let (lines_tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            log: Vec::new(),
            _browser: browser,
        }
    }

    /// Waits (up to a minute) until every one of `needles` has appeared in the log.
    pub fn wait_for(&mut self, needles: &[&str]) {
        use std::sync::mpsc::RecvTimeoutError;
        let deadline = Instant::now() + Duration::from_mins(1);
        let seen = |log: &[String], needle: &str| log.iter().any(|l| l.contains(needle));
        while !needles.iter().all(|n| seen(&self.log, n)) {
            assert!(
                Instant::now() < deadline,
                "no {needles:?} within 60 s:\n{}",
                self.log.join("\n")
            );
            match self.lines.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => self.log.push(line),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the app closed its output:\n{}", self.log.join("\n"))
                }
            }
            if let Some(status) = self.child.try_wait().expect("the process can be asked") {
                panic!("the app exited early ({status}):\n{}", self.log.join("\n"));
            }
        }
    }

    /// Kills the app (as a crash would) and waits for it.
    pub fn stop(mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Whether the environment promises a working display/keyring (set by scripts/test.sh).
pub fn required(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1")
}

/// An in-memory `eframe::Storage`, to read what the app persists.
#[derive(Debug, Default)]
pub struct MemoryStorage(pub std::collections::BTreeMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

/// A unique keyring scope, so parallel tests never see each other's entries.
pub fn keyring_scope(test: &str) -> String {
    format!("test-{test}-{}-", std::process::id())
}

/// Builds the real app for sign-in tests: no real browser, a private keyring scope.
pub fn sign_in_harness(
    runtime: &tokio::runtime::Runtime,
    demo_url: &str,
    scope: &str,
    timeout: Duration,
) -> Harness<'static, SageApp> {
    sign_in_harness_with(runtime, demo_url, scope, timeout, returning_user())
}

/// As `sign_in_harness`, starting from a saved state (a restart).
pub fn sign_in_harness_with(
    runtime: &tokio::runtime::Runtime,
    demo_url: &str,
    scope: &str,
    timeout: Duration,
    persisted: PersistedState,
) -> Harness<'static, SageApp> {
    harness_from(
        sign_in_options(runtime, demo_url, scope, timeout),
        persisted,
    )
}

/// A stand-in for the user's browser: follows the authorize URL, answers the consent page
/// with `decision` ("allow" / "deny", or nothing when the server auto-approves), and
/// returns where Sage ID redirected to (the app's loopback callback), without calling it.
pub async fn consent(authorize_url: &str, decision: Option<&str>) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = http.get(authorize_url).send().await.unwrap();
    let answer = match decision {
        None => answer,
        Some(decision) => {
            let html = answer.text().await.unwrap();
            let marker = "name=\"request_id\" value=\"";
            let start = html.find(marker).expect("a consent page") + marker.len();
            let id = &html[start..start + html[start..].find('"').unwrap()];
            let root = &authorize_url[..authorize_url.find("/authorize").unwrap()];
            http.post(format!("{root}/authorize/decision"))
                .form(&[("request_id", id), ("decision", decision)])
                .send()
                .await
                .unwrap()
        }
    };
    assert!(answer.status().is_redirection(), "{}", answer.status());
    answer.headers()["location"].to_str().unwrap().to_owned()
}

/// Calls the app's loopback listener like a browser following the redirect.
pub async fn visit(url: &str) -> Result<(u16, String), reqwest::Error> {
    let answer = reqwest::get(url).await?;
    let status = answer.status().as_u16();
    Ok((status, answer.text().await.unwrap_or_default()))
}

/// The authorize URL the app is waiting on, once it shows the sign-in dialog.
pub fn waiting_url(harness: &mut Harness<'_, SageApp>) -> String {
    let mut url = String::new();
    step_until(
        harness,
        Duration::from_secs(10),
        "the sign-in dialog",
        |app| {
            if let AuthView::Waiting { url: u } = &app.shared().auth {
                url.clone_from(u);
            }
            !url.is_empty()
        },
    );
    url
}

/// Signs the app in against an auto-approving demo server.
pub fn sign_in(runtime: &tokio::runtime::Runtime, harness: &mut Harness<'_, SageApp>) {
    use egui_kittest::kittest::Queryable;
    harness.get_by_label("Sign in…").click();
    let url = waiting_url(harness);
    let callback = runtime.block_on(consent(&url, None));
    let page = runtime.spawn(async move { visit(&callback).await });
    step_until(harness, Duration::from_secs(15), "signed in", |app| {
        matches!(app.shared().auth, AuthView::SignedIn { .. })
    });
    runtime.block_on(page).unwrap().unwrap();
}

/// Waits for the company picker that follows sign-in and picks `company` in it.
pub fn pick_company(harness: &mut Harness<'_, SageApp>, company: &str) {
    use egui_kittest::kittest::Queryable;
    step_until(
        harness,
        Duration::from_secs(15),
        "the company picker",
        |app| app.company().open,
    );
    harness.run();
    harness.get_by_label(company).click();
    // The Browse screen may start loading (a spinner) as soon as a company is chosen.
    let _ = harness.run_ok();
    assert!(!harness.state().company().open);
}

/// Converts `input` with Calc (`LibreOffice`), headless (the spreadsheet people open exports
/// with), into an `.xlsx` in `out`, and reads back its first sheet's cells and formulas.
/// `None` when Calc is not installed and the run does not require it.
pub fn through_calc(
    input: &std::path::Path,
    out: &std::path::Path,
    infilter: Option<&str>,
) -> Option<(Vec<Vec<calamine::Data>>, usize)> {
    if std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("SAGE200_REQUIRE_CALC").is_none(),
            "LibreOffice Calc (soffice) is required: apt-get install libreoffice-calc-nogui"
        );
        eprintln!("skipped: LibreOffice Calc is not installed");
        return None;
    }
    // A profile of its own, so a desktop's running LibreOffice is neither used nor upset.
    let profile = out.join("profile");
    let mut command = std::process::Command::new("soffice");
    command
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "xlsx", "--outdir"])
        .arg(out);
    if let Some(filter) = infilter {
        command.arg(format!("--infilter={filter}"));
    }
    let status = command.arg(input).output().unwrap();
    assert!(status.status.success(), "{status:?}");
    let converted = out.join(input.with_extension("xlsx").file_name().unwrap());
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&converted).unwrap();
    let name = calamine::Reader::sheet_names(&workbook)[0].clone();
    let cells = calamine::Reader::worksheet_range(&mut workbook, &name)
        .unwrap()
        .rows()
        .map(<[calamine::Data]>::to_vec)
        .collect();
    let formulas = calamine::Reader::worksheet_formula(&mut workbook, &name)
        .unwrap()
        .used_cells()
        .filter(|(_, _, f)| !f.is_empty())
        .count();
    Some((cells, formulas))
}

/// The text the app put on the clipboard in the harness's last frame, if any.
pub fn copied_text(harness: &Harness<'_, SageApp>) -> Option<String> {
    harness
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
}

/// Whether every figure of the Reports screen has been read.
pub fn reports_ready(app: &SageApp) -> bool {
    let r = app.reports();
    r.debtors.ready().is_some()
        && r.creditors.ready().is_some()
        && r.sales.ready().is_some()
        && r.breaches.ready().is_some()
        && r.overdue.ready().is_some()
}

/// A request-builder draft for the demo's synthetic answer of about `mb` megabytes
/// (`GET _demo_large_answer?mb=…`).
pub fn large_answer_draft(mb: usize) -> sage200_desk::model::RequestDraft {
    let mut draft = sage200_desk::model::RequestDraft {
        path: "_demo_large_answer".to_owned(),
        ..sage200_desk::model::RequestDraft::default()
    };
    draft.params.push(sage200_desk::model::KeyValue {
        enabled: true,
        key: "mb".to_owned(),
        value: mb.to_string(),
    });
    draft
}
