//! The site and company picker: after sign-in the app asks `sites`, lets the user search
//! and pick a company by label, shows it in the top bar, remembers it per profile, and
//! explains an empty list or an error with Retry.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use sage200_desk::app::PersistedState;
use sage200_desk::demo_server::{DemoConfig, Fault, FaultKind};
use sage200_desk::screens::company::SitesView;

const WAIT: Duration = Duration::from_secs(15);

fn loaded(app: &sage200_desk::app::SageApp) -> bool {
    !matches!(app.company().sites, SitesView::Idle | SitesView::Loading)
}

#[test]
fn a_company_is_searched_picked_shown_and_remembered() {
    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        DemoConfig {
            auto_approve: true,
            customers: 10,
            ..DemoConfig::default()
        },
    );
    let scope = support::keyring_scope("picker");
    let mut h = support::sign_in_harness(&rt, &server.base_url(), &scope, WAIT);
    support::sign_in(&rt, &mut h);
    support::step_until(&mut h, WAIT, "the sites", loaded);
    let _ = h.run_ok();
    // Three companies on two sites: the picker opens for the user to choose.
    h.get_by_label("Choose a company");
    h.get_by_label("Head office");
    h.get_by_label("Northern branch");
    h.get_by_label("Stationery & Office Supplies");

    h.get_by_label("Search companies").click();
    let _ = h.run_ok();
    h.get_by_label("Search companies").type_text("north");
    let _ = h.run_ok();
    assert!(
        h.query_by_label("Stationery & Office Supplies").is_none(),
        "filtered out"
    );
    h.get_by_label("Northern Builders Merchants").click();
    let _ = h.run_ok();
    let chosen = h.state().shared().company.clone().unwrap();
    assert_eq!(
        (chosen.company_id, chosen.site_id.as_str()),
        (201, "0a9b8c7d-6e5f-4d3c-2b1a-0f9e8d7c6b5a")
    );
    assert_eq!(h.state().shared().company_generation, 1);
    assert!(
        h.query_by_label("Choose a company").is_none(),
        "the picker closed"
    );
    h.get_by_label("Northern Builders Merchants · Northern branch")
        .click();
    let _ = h.run_ok();
    h.get_by_label("Search companies").click();
    let _ = h.run_ok();
    for _ in 0..5 {
        h.key_press(egui::Key::Backspace);
    }
    let _ = h.run_ok();
    h.get_by_label("Demo Trading Ltd").click();
    let _ = h.run_ok();
    h.get_by_label("Demo Trading Ltd · Head office");
    assert_eq!(
        h.state().shared().company_generation,
        2,
        "views are told to reload"
    );
    assert_eq!(h.state().company_scope().unwrap().company_id, 102);

    let mut storage = support::MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let persisted: PersistedState =
        eframe::get_value(&storage, sage200_desk::app::STATE_KEY).unwrap();
    assert_eq!(persisted.companies["Demo"].company_id, 102);
    drop(h);

    // Next time, the remembered company is chosen without asking.
    let options = sage200_desk::app::StartOptions {
        open_browser: false,
        keyring_scope: scope,
        ..sage200_desk::app::StartOptions::new(rt.handle().clone(), Some(server.base_url()))
    };
    let mut again = egui_kittest::Harness::builder()
        .with_max_steps(20)
        .with_size(egui::vec2(1100.0, 700.0))
        .build_eframe(move |cc| {
            sage200_desk::app::SageApp::with_state(&cc.egui_ctx, options, persisted)
        });
    support::settle_startup(&mut again);
    if !matches!(
        again.state().shared().auth,
        sage200_desk::app::AuthView::SignedIn { .. }
    ) {
        support::sign_in(&rt, &mut again);
    }
    support::step_until(&mut again, WAIT, "the sites", loaded);
    let _ = again.run_ok();
    again.get_by_label("Demo Trading Ltd · Head office");
    assert!(again.query_by_label("Choose a company").is_none());
}

#[test]
fn an_empty_list_or_an_error_is_explained_with_retry() {
    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        DemoConfig {
            auto_approve: true,
            customers: 10,
            ..DemoConfig::default()
        },
    );
    server.add_fault(Fault::new(FaultKind::EmptySites, "sites", 1));
    let mut h = support::sign_in_harness(
        &rt,
        &server.base_url(),
        &support::keyring_scope("empty"),
        WAIT,
    );
    support::sign_in(&rt, &mut h);
    support::step_until(&mut h, WAIT, "the sites", loaded);
    h.run();
    h.get_by_label("No companies are available to this user.");
    h.get_by_label_contains("Sage cannot reach your company's server");

    server.add_fault(Fault::new(
        FaultKind::Status {
            status: 500,
            retry_after: None,
        },
        "sites",
        1,
    ));
    h.get_by_label("Retry").click();
    support::step_until(&mut h, WAIT, "the failure", |app| {
        matches!(app.company().sites, SitesView::Failed(_))
    });
    h.run();
    h.get_by_label_contains("The server answered 500");
    h.get_by_label("Retry").click();
    support::step_until(
        &mut h,
        WAIT,
        "the list",
        |app| matches!(&app.company().sites, SitesView::Loaded(s) if !s.is_empty()),
    );
    h.run();
    h.get_by_label("Northern Builders Merchants");
}
