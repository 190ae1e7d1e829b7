//! UI tests of Settings: profiles are edited with every field checked as the user types,
//! bad values are refused with a message (never a panic), and saved profiles persist
//! without secrets.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use egui_kittest::kittest::Queryable;
use sage200_desk::app::{PersistedState, Screen};

/// Types the profile's sign-in parameters, issuer and lifetime, checking that a lifetime
/// that is not a whole number of days holds the save back.
fn sign_in_fields(h: &mut egui_kittest::Harness<'_, sage200_desk::app::SageApp>) {
    // Sign-in parameters (a query string) and the issuer for RFC 9207's check.
    h.get_by_label("Sign-in parameters").click();
    h.run();
    h.get_by_label("Sign-in parameters")
        .type_text("prompt=consent&resource=https%3A%2F%2Fapi.example");
    h.run();
    h.get_by_label("Issuer").click();
    h.run();
    h.get_by_label("Issuer")
        .type_text(" https://id.example.com ");
    h.run();
    // How long a sign-in lasts: a whole number of days, else saving waits.
    h.get_by_label("Sign-in lasts (days)").scroll_to_me();
    h.run();
    h.get_by_label("Sign-in lasts (days)").click();
    h.run();
    h.get_by_label("Sign-in lasts (days)").type_text("ninety");
    h.run();
    h.get_by_label("Give a whole number of days, or leave it empty.");
    h.get_by_label("Save profile").click();
    h.run();
    assert!(
        h.query_by_label_contains("saved.").is_none(),
        "not saved with a lifetime that is not a number"
    );
    h.get_by_label("Sign-in lasts (days)").click();
    h.run();
    h.key_press(egui::Key::End);
    for _ in 0.."ninety".len() {
        h.key_press(egui::Key::Backspace);
    }
    h.run();
    h.get_by_label("Sign-in lasts (days)").type_text("90");
    h.run();
}

#[test]
fn a_profile_is_checked_as_typed_and_saved() {
    let rt = support::runtime();
    let persisted = PersistedState {
        screen: Screen::Settings,
        ..support::returning_user()
    };
    let mut h = support::app_harness(&rt, None, persisted);
    h.get_by_label("Profiles");
    h.get_by_label_contains("Sage 200 Standard").click();
    h.run();
    h.get_by_label("Add the client id Sage issued for this app.");
    h.get_by_label("Fix the fields marked in red to save.");
    h.get_by_label("Save profile").click();
    h.run();
    assert!(
        h.query_by_label_contains("saved.").is_none(),
        "an invalid profile is not saved"
    );

    h.get_by_label("Client id").click();
    h.run();
    h.get_by_label("Client id").type_text("my-client-123");
    h.run();
    assert!(
        h.query_by_label("Add the client id Sage issued for this app.")
            .is_none()
    );

    h.get_by_label("Port").click();
    h.run();
    h.get_by_label("Port").type_text("99999");
    h.run();
    h.get_by_label_contains("is not a port");
    h.get_by_label("Fix the fields marked in red to save.");

    for _ in 0..5 {
        h.key_press(egui::Key::Backspace);
    }
    h.run();
    h.get_by_label("Port").type_text("33333");
    h.get_by_label("Token URL").click();
    h.run();
    h.key_press(egui::Key::End);
    h.run();
    assert!(h.query_by_label_contains("is not a port").is_none());
    sign_in_fields(&mut h);
    h.get_by_label("Save profile").click();
    h.run();
    h.get_by_label_contains("Profile 'Sage 200 Standard' saved.");

    let saved = h
        .state()
        .shared()
        .profiles
        .iter()
        .find(|p| p.name == "Sage 200 Standard")
        .unwrap()
        .clone();
    assert_eq!(saved.client_id, "my-client-123");
    assert_eq!(saved.redirect.port, Some(33333));
    assert_eq!(
        saved.authorize_params,
        [
            ("prompt".to_owned(), "consent".to_owned()),
            ("resource".to_owned(), "https://api.example".to_owned())
        ]
    );
    assert_eq!(saved.issuer.as_deref(), Some("https://id.example.com"));
    assert_eq!(saved.sign_in_lifetime_days, Some(90));
    h.get_by_label_contains("Register http://127.0.0.1:33333/callback");

    let mut storage = support::MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let restored: PersistedState =
        eframe::get_value(&storage, sage200_desk::app::STATE_KEY).unwrap();
    assert!(
        restored
            .profiles
            .iter()
            .any(|p| p.client_id == "my-client-123")
    );
}

#[test]
fn insecure_urls_and_bad_headers_are_refused() {
    let rt = support::runtime();
    let persisted = PersistedState {
        screen: Screen::Settings,
        ..support::returning_user()
    };
    let mut h = support::app_harness(&rt, None, persisted);
    h.get_by_label("Add profile").click();
    h.run();
    h.get_by_label("Authorize URL").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Authorize URL")
        .type_text("http://id.example.com/authorize");
    h.run();
    h.get_by_label_contains("The authorize URL must start with https://");
    // The form is taller than the window: bring the button into view first.
    h.get_by_label("Add header").scroll_to_me();
    h.run();
    h.get_by_label("Add header").click();
    h.run();
    h.get_by_label("Header name").click();
    h.run();
    h.get_by_label("Header name").type_text("bad header");
    h.run();
    h.get_by_label_contains("'bad header' is not a valid header name.");
    h.get_by_label("Save profile").click();
    h.run();
    assert_eq!(h.state().shared().profiles.len(), 2, "nothing was added");
}

#[test]
fn an_openapi_file_is_imported_into_the_catalogue_and_bad_files_are_refused() {
    let rt = support::runtime();
    let persisted = PersistedState {
        screen: Screen::Settings,
        ..support::returning_user()
    };
    let mut h = support::app_harness(&rt, None, persisted);
    let before = h.state().shared().catalogue.len();
    h.get_by_label_contains(&format!("{before} endpoints known"));
    h.get_by_label("Import OpenAPI file…");

    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("widgets.json");
    std::fs::write(
        &good,
        r#"{"openapi": "3.0.1", "paths": {"/widgets": {"get": {}}, "/widgets/{Id}": {"get": {}}}}"#,
    )
    .unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{ not json").unwrap();

    h.state_mut()
        .handle(sage200_desk::screens::settings::Command::ImportOpenApi(
            Some(good.clone()),
        ));
    support::step_until(
        &mut h,
        std::time::Duration::from_secs(10),
        "the import",
        |app| app.shared().catalogue.len() == before + 2,
    );
    h.get_by_label_contains("Imported 2 paths from");
    assert!(h.state().shared().catalogue.get("widgets/{id}").is_some());
    assert_eq!(h.state().settings().openapi_files, [good]);

    h.state_mut()
        .handle(sage200_desk::screens::settings::Command::ImportOpenApi(
            Some(bad),
        ));
    support::step_until(
        &mut h,
        std::time::Duration::from_secs(10),
        "the refusal",
        |app| app.shared().error.is_some(),
    );
    h.get_by_label_contains("was not imported");
    assert_eq!(
        h.state().shared().catalogue.len(),
        before + 2,
        "nothing lost"
    );
}
