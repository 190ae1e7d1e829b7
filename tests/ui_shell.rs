//! UI tests of the application shell: the real `SageApp` in `egui_kittest`, clicked by label.
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

use egui_kittest::kittest::Queryable;
use sage200_desk::app::{PersistedState, Screen, ThemeChoice};
use sage200_desk::demo_server::DemoConfig;
use sage200_desk::screens::shell::ServerHealth;

#[test]
fn navigation_switches_screens_and_settings_switch_the_theme() {
    let rt = support::runtime();
    let mut harness = support::app_harness(&rt, None, support::returning_user());
    harness.run();
    for label in [
        "Browse",
        "Customers",
        "Request builder",
        "History",
        "Settings",
    ] {
        harness.get_by_label(label);
    }
    harness.get_by_label("Browse records");

    harness.get_by_label("Customers").click();
    harness.run();
    assert_eq!(harness.state().shared().screen, Screen::Customers);
    harness.get_by_label("Sign in and choose a company to list, inspect and create customers.");

    harness.get_by_label("Settings").click();
    harness.run();
    harness.get_by_label("Appearance");
    harness.get_by_label("Dark").click();
    harness.run();
    assert_eq!(harness.state().shared().theme, ThemeChoice::Dark);
    assert_eq!(harness.ctx.theme(), egui::Theme::Dark);
    harness.get_by_label("Light").click();
    harness.run();
    assert_eq!(harness.ctx.theme(), egui::Theme::Light);
}

#[test]
fn the_demo_server_is_checked_on_start_and_the_status_bar_reports_it() {
    let rt = support::runtime();
    let server = support::demo_server(&rt, DemoConfig::default());
    let mut harness = support::app_harness(&rt, Some(server.base_url()), support::returning_user());
    support::step_until(
        &mut harness,
        Duration::from_secs(10),
        "the health check",
        |app| {
            !matches!(
                app.shell().health,
                ServerHealth::Checking | ServerHealth::Unknown
            )
        },
    );
    assert_eq!(harness.state().shell().health, ServerHealth::Reachable);
    harness.get_by_label("Demo server reachable");
    let last = harness
        .state()
        .shared()
        .last_request
        .clone()
        .expect("recorded");
    assert_eq!(last.status, 200);
    assert!(last.size > 0);
    harness.get_by_label_contains("GET /_demo/health · 200 OK");
}

#[test]
fn an_unreachable_server_shows_an_error_that_can_be_dismissed() {
    let rt = support::runtime();
    // Bind and drop a listener to get a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut harness = support::app_harness(
        &rt,
        Some(format!("http://127.0.0.1:{port}")),
        support::returning_user(),
    );
    support::step_until(
        &mut harness,
        Duration::from_secs(15),
        "the failed check",
        |app| matches!(app.shell().health, ServerHealth::Unreachable(_)),
    );
    harness.get_by_label("Demo server unreachable");
    harness.get_by_label_contains("Could not reach the server");
    harness.get_by_label("Dismiss").click();
    harness.run();
    assert!(harness.state().shared().error.is_none());
    assert!(
        harness
            .query_by_label_contains("Could not reach the server")
            .is_none()
    );
}

#[test]
fn the_app_is_reactive_and_does_not_repaint_when_idle() {
    let rt = support::runtime();
    let server = support::demo_server(&rt, DemoConfig::default());
    let mut harness = support::app_harness(&rt, Some(server.base_url()), support::returning_user());
    support::step_until(
        &mut harness,
        Duration::from_secs(10),
        "the health check",
        |app| app.shell().health == ServerHealth::Reachable,
    );
    // `try_run` fails when the app keeps asking for frames with nothing happening.
    let frames = harness.try_run().expect("the app settles");
    assert!(frames <= 2, "{frames} frames to settle while idle");
    let output = harness.output();
    let root = &output.viewport_output[&egui::ViewportId::ROOT];
    assert!(
        root.repaint_delay > Duration::from_mins(1),
        "repaint requested: {:?}",
        root.repaint_delay
    );
}

#[test]
fn state_is_saved_and_restored_through_eframe_storage() {
    let rt = support::runtime();
    let mut harness = support::app_harness(&rt, None, support::returning_user());
    harness.run();
    harness.get_by_label("History").click();
    harness.run();
    let mut storage = support::MemoryStorage::default();
    eframe::App::save(harness.state_mut(), &mut storage);
    let restored: PersistedState =
        eframe::get_value(&storage, sage200_desk::app::STATE_KEY).expect("saved");
    assert_eq!(restored.screen, Screen::History);

    let mut again = support::app_harness(&rt, None, restored);
    again.run();
    assert_eq!(again.state().shared().screen, Screen::History);
    again.get_by_label("Requests you send appear here, newest first.");
}

/// An idle window paints no frames, and eframe saves only when it paints: after an edit
/// the app asks for a frame just after the save interval, so the edit reaches the disk
/// within about a second even if nothing else happens; once saved, it asks for nothing.
#[test]
fn an_edit_asks_for_a_frame_to_be_saved_in_and_then_the_app_rests() {
    let rt = support::runtime();
    let mut h = support::app_harness(&rt, None, support::returning_user());
    h.state_mut().set_saves_state(true);
    h.run();
    let mut storage = support::MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let delay = |h: &egui_kittest::Harness<'_, sage200_desk::app::SageApp>| {
        h.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay
    };
    // A start-up task finishing (the keyring probe, on a busy machine late) asks for a frame
    // at once: step past those; what is checked is the save's own delayed frame.
    let rested = |h: &mut egui_kittest::Harness<'_, sage200_desk::app::SageApp>| {
        for _ in 0..100 {
            h.step();
            if delay(h) != Duration::ZERO {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        delay(h)
    };
    let at_rest = rested(&mut h);
    assert!(
        at_rest > Duration::from_mins(1),
        "saved: at rest, {at_rest:?}"
    );

    h.get_by_label("History").click();
    h.run();
    let asked = delay(&h);
    assert!(
        asked > Duration::ZERO && asked <= Duration::from_millis(1_200),
        "an unsaved edit asks for a frame after the save interval: {asked:?}"
    );

    eframe::App::save(h.state_mut(), &mut storage);
    let at_rest = rested(&mut h);
    assert!(
        at_rest > Duration::from_mins(1),
        "saved again: at rest, {at_rest:?}"
    );
    let saved: PersistedState =
        eframe::get_value(&storage, sage200_desk::app::STATE_KEY).expect("saved");
    assert_eq!(saved.screen, Screen::History);
}
