//! History: sent requests are listed newest first, searchable, re-openable in a tab, kept
//! on disk (never with a token) and loaded again at start.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sage200_desk::app::{AppPaths, SageApp, Screen, StartOptions};
use sage200_desk::demo_server::DemoConfig;

const WAIT: Duration = Duration::from_secs(15);

fn harness(
    rt: &tokio::runtime::Runtime,
    demo_url: &str,
    data: &std::path::Path,
    scope: &str,
) -> Harness<'static, SageApp> {
    let options = StartOptions {
        open_browser: false,
        keyring_scope: scope.to_owned(),
        paths: Some(AppPaths::resolve(Some(data.to_path_buf()))),
        ..StartOptions::new(rt.handle().clone(), Some(demo_url.to_owned()))
    };
    let mut h = Harness::builder()
        // A finished background task may ask for a frame at any moment; allow a few.
        .with_max_steps(20)
        .with_size(egui::vec2(1100.0, 700.0))
        .build_eframe(move |cc| {
            SageApp::with_state(&cc.egui_ctx, options, support::returning_user())
        });
    support::settle_startup(&mut h);
    h
}

fn send(h: &mut Harness<'static, SageApp>, path: &str) {
    let id = h.state().request().active_tab;
    let mut draft = h
        .state()
        .request()
        .tabs
        .iter()
        .find(|t| t.id == id)
        .unwrap()
        .draft
        .clone();
    path.clone_into(&mut draft.path);
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::UpdateDraft(
            id,
            Box::new(draft),
        ));
    let before = h.state().history().entries.len();
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::SendRequest(id));
    support::step_until(h, WAIT, "the answer", |app| {
        app.history().entries.len() == before + 1
    });
}

#[test]
fn sent_requests_are_kept_searched_reopened_and_reloaded() {
    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        DemoConfig {
            auto_approve: true,
            customers: 20,
            ..DemoConfig::default()
        },
    );
    let data = tempfile::tempdir().unwrap();
    let scope = support::keyring_scope("history");
    let mut h = harness(&rt, &server.base_url(), data.path(), &scope);
    support::sign_in(&rt, &mut h);
    support::pick_company(&mut h, "Stationery & Office Supplies");
    send(&mut h, "customers");
    send(&mut h, "suppliers");
    send(&mut h, "no_such_thing");

    h.get_by_label("History").click();
    h.run();
    h.get_by_label("3 requests kept");
    h.get_by_label("GET suppliers");
    h.get_by_label("404");
    h.get_by_label("Search").click();
    h.run();
    h.get_by_label("Search").type_text("supp");
    h.run();
    assert!(h.query_by_label("GET customers").is_none());
    h.get_by_label("Open").click();
    h.run();
    assert_eq!(h.state().shared().screen, Screen::RequestBuilder);
    let active = h.state().request().active_tab;
    assert_eq!(
        h.state()
            .request()
            .tabs
            .iter()
            .find(|t| t.id == active)
            .unwrap()
            .draft
            .path,
        "suppliers"
    );

    let file = data.path().join("history.json");
    support::step_until(&mut h, WAIT, "the history file", |_| {
        std::fs::read_to_string(&file).is_ok_and(|t| t.contains("no_such_thing"))
    });
    let saved = std::fs::read_to_string(&file).unwrap();
    let token = rt
        .block_on(h.state().session().unwrap().access_token())
        .unwrap();
    assert!(
        !saved.contains(token.expose()),
        "no token in the history file"
    );
    assert!(!saved.to_lowercase().contains("bearer"));
    drop(h);

    let mut again = harness(&rt, &server.base_url(), data.path(), &scope);
    support::step_until(&mut again, WAIT, "the history", |app| {
        app.history().entries.len() == 3
    });
    assert_eq!(
        again.state().history().entries[0].draft.path,
        "no_such_thing",
        "newest first"
    );
}
