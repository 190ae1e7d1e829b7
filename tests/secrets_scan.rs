//! After a full session — sign in, call the API, send requests, export, copy as curl,
//! refresh, sign out — no token value may be found in eframe's storage, the data folder
//! (history, exports, anything else written there), the logs (at trace level), copied curl
//! commands, or the state's or session's `Debug` output. Runs alone in its binary so it can
//! capture every log line.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use egui_kittest::kittest::Queryable;
use sage200_desk::auth::TokenStore;
use sage200_desk::demo_server::DemoConfig;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn no_token_leaks_into_storage_logs_or_debug_output() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        DemoConfig {
            auto_approve: true,
            customers: 20,
            ..DemoConfig::default()
        },
    );
    let scope = support::keyring_scope("scan");
    let data = tempfile::tempdir().unwrap();
    let options = sage200_desk::app::StartOptions {
        paths: Some(sage200_desk::app::AppPaths::resolve(Some(
            data.path().to_path_buf(),
        ))),
        ..support::sign_in_options(&rt, &server.base_url(), &scope, Duration::from_secs(15))
    };
    let mut h = support::harness_from(options, support::returning_user());
    support::sign_in(&rt, &mut h);
    support::pick_company(&mut h, "Stationery & Office Supplies");

    // Work that writes files and copies text: a sent request (history), an export, and a
    // request copied as curl without its token.
    let tab = h.state().request().active_tab;
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::SendRequest(tab));
    support::step_until(&mut h, Duration::from_secs(15), "the answer", |app| {
        app.request().tabs[0].answer.is_some()
    });
    let export = data.path().join("customers.csv");
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::Export {
            everything: true,
            path: Some(export.clone()),
            format: sage200_desk::export::ExportFormat::Csv,
        });
    support::step_until(&mut h, Duration::from_secs(15), "the export", |_| {
        export.exists()
    });
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::CopyCurl {
            tab,
            include_token: false,
            shell: sage200_desk::model::Shell::Bash,
        });
    let mut copied = String::new();
    for _ in 0..300 {
        h.step();
        if let Some(text) = support::copied_text(&h) {
            copied = text;
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(copied.starts_with("curl"), "copied: {copied}");

    let mut secrets = Vec::new();
    let session = h.state().session().unwrap().clone();
    let client = h.state().api_client().unwrap().clone();
    secrets.push(
        rt.block_on(session.access_token())
            .unwrap()
            .expose()
            .to_owned(),
    );
    let store = TokenStore::new(&format!("{scope}Demo"));
    if let Ok(Some(tokens)) = store.load_blocking() {
        secrets.push(tokens.refresh.unwrap().expose().to_owned());
    }
    server.expire_tokens();
    rt.block_on(client.current_user()).unwrap();
    secrets.push(
        rt.block_on(session.access_token())
            .unwrap()
            .expose()
            .to_owned(),
    );
    if let Ok(Some(tokens)) = store.load_blocking() {
        secrets.push(tokens.refresh.unwrap().expose().to_owned());
    }
    let mut debug = vec![
        format!("{:?}", h.state()),
        format!("{session:?}"),
        format!("{client:?}"),
    ];

    h.get_by_label("Sign out").click();
    h.run();
    support::step_until(&mut h, Duration::from_secs(15), "sign-out", |_| {
        store.load_blocking().ok().flatten().is_none()
    });
    let mut storage = support::MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    debug.push(format!("{:?}", h.state()));

    let logged = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(logged.contains("signed in"), "the capture works: {logged}");
    let stored: String = storage.0.values().cloned().collect();
    assert!(!stored.is_empty());
    // Everything the app wrote in its data folder (history, the export, logs…).
    let mut written = String::new();
    let mut folders = vec![data.path().to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                written.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
            }
        }
    }
    assert!(
        written.contains("customers"),
        "history and export were written"
    );
    for secret in &secrets {
        assert!(secret.len() > 20);
        assert!(!logged.contains(secret.as_str()), "a token is in the logs");
        assert!(
            !stored.contains(secret.as_str()),
            "a token is in eframe storage"
        );
        assert!(
            !written.contains(secret.as_str()),
            "a token is in the data folder"
        );
        assert!(
            !copied.contains(secret.as_str()),
            "a token is in copied curl"
        );
        for text in &debug {
            assert!(
                !text.contains(secret.as_str()),
                "a token is in Debug output: {text}"
            );
        }
    }
    eprintln!("checked {} token values", secrets.len());
}
