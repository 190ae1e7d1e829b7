//! Helpers shared by the integration and UI tests: a runtime, the demo server, and an app
//! harness built the way `main` builds the app.
#![allow(dead_code)] // each test binary uses a different subset

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use sage200_desk::app::{PersistedState, SageApp, StartOptions};
use sage200_desk::demo_server::{DemoConfig, DemoServer};

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

/// Builds the real app in a kittest harness.
pub fn app_harness(
    runtime: &tokio::runtime::Runtime,
    demo_url: Option<String>,
    persisted: PersistedState,
) -> Harness<'static, SageApp> {
    let options = StartOptions {
        runtime: runtime.handle().clone(),
        demo_url,
    };
    Harness::builder()
        .with_size(egui::vec2(1100.0, 700.0))
        .build_eframe(move |cc| SageApp::with_state(&cc.egui_ctx, options, persisted))
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
            harness.run();
            return;
        }
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
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
