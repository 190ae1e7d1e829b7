//! Load against the demo server: the app fetches all 100,000 customers into Browse while
//! 50 page requests run at once beside it and the user goes on working in another screen.
//! Every answer must be complete and correct, nothing typed lost, and memory bounded.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use egui_kittest::kittest::Queryable;
use sage200_desk::api::{ApiClient, ApiRequest, CompanyScope, StaticToken, decode_list};
use sage200_desk::model::{Profile, Secret};

const CUSTOMERS: usize = 100_000;

/// The process's peak resident memory so far, in MB.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[test]
fn fifty_pages_and_a_full_fetch_at_once_while_the_user_works() {
    let rt = support::runtime();
    let wait = Duration::from_mins(2);
    let (server, mut h) =
        support::signed_in_to_company(&rt, CUSTOMERS, "load", "Stationery & Office Supplies", wait);
    support::step_until(&mut h, wait, "the first page", |app| {
        app.browse().page.is_some() && !app.browse().loading
    });

    // Fifty page requests at once, from a client of their own.
    let client = ApiClient::new(
        sage200_desk::api::build_http_client().unwrap(),
        &Profile::demo(&server.base_url()),
        Arc::new(StaticToken(Secret::new(server.mint_access_token()))),
    )
    .unwrap();
    let company = CompanyScope {
        site_id: "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        company_id: 101,
    };
    let pages: Vec<_> = (0..50)
        .map(|k| {
            let client = client.clone();
            let request = ApiRequest::get("customers")
                .for_company(Some(&company))
                .param("$select", "id,name")
                .param("$orderby", "id asc")
                .param("$top", "200")
                .param("$skip", (k * 1_000).to_string());
            rt.spawn(async move { (k, client.execute(&request).await) })
        })
        .collect();

    // The full fetch in the app, while the user writes a request in another screen.
    h.state_mut()
        .handle(sage200_desk::screens::records::Command::FetchAll);
    h.get_by_label("Request builder").click();
    let _ = h.run_ok();
    h.get_by_label("New request").click();
    let _ = h.run_ok();
    h.get_by_label("Path").click();
    let _ = h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.get_by_label("Path").type_text("suppliers");
    let _ = h.run_ok();

    for page in pages {
        let (k, answer) = rt.block_on(page).unwrap();
        let records: Vec<serde_json::Value> = decode_list(&answer.unwrap().body).unwrap();
        let ids: Vec<i64> = records.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        let first = i64::from(k * 1_000 + 1);
        assert_eq!(ids, (first..first + 200).collect::<Vec<_>>(), "page {k}");
    }
    support::step_until(&mut h, wait, "every customer", |app| {
        app.browse().everything
    });
    let all = h.state().browse().page.clone().unwrap();
    let table = all.table.as_ref().unwrap();
    assert_eq!(table.len(), CUSTOMERS);
    let id = table.columns.iter().position(|c| c == "id").unwrap();
    assert!(
        (0..CUSTOMERS).all(|r| table.cell(r, id) == (r + 1).to_string()),
        "every record, in order, once"
    );
    let state = h.state().request();
    let active = state
        .tabs
        .iter()
        .find(|t| t.id == state.active_tab)
        .unwrap();
    assert_eq!(
        active.draft.path, "suppliers",
        "what the user typed is kept"
    );
    // Demo server (100,000 seeded customers), app and test in one process: bounded.
    let peak = peak_rss_mb();
    assert!(peak < 3_000.0, "peak resident memory {peak:.0} MB");
}
