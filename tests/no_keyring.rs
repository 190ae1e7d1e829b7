//! Without a system keyring the app still works: sign-in succeeds, tokens stay in memory
//! for this run only, and a visible notice says so. The test re-runs itself in a child
//! process whose session bus points nowhere, so no Secret Service can be found.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use sage200_desk::app::{AuthView, KeyringView};
use sage200_desk::demo_server::DemoConfig;

const CHILD: &str = "SAGE200_NO_KEYRING_CHILD";

#[test]
fn without_a_keyring_sign_in_lasts_for_this_run_and_says_so() {
    if std::env::var(CHILD).is_err() {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "without_a_keyring_sign_in_lasts_for_this_run_and_says_so",
                "--nocapture",
            ])
            .env(CHILD, "1")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/sage200-desk-test-bus",
            )
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "the child run failed:\n{text}");
        assert!(text.contains("1 passed"), "{text}");
        return;
    }
    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        DemoConfig {
            auto_approve: true,
            customers: 5,
            ..DemoConfig::default()
        },
    );
    let mut h = support::sign_in_harness(
        &rt,
        &server.base_url(),
        &support::keyring_scope("none"),
        Duration::from_secs(15),
    );
    assert!(
        matches!(h.state().shared().keyring, KeyringView::Unavailable(_)),
        "{:?}",
        h.state().shared().keyring
    );
    h.get_by_label("Sign-in will not be remembered");
    support::sign_in(&rt, &mut h);
    assert!(matches!(h.state().shared().auth, AuthView::SignedIn { .. }));
    support::pick_company(&mut h, "Demo Trading Ltd");
    // The API works with the tokens held in memory.
    let client = h.state().api_client().unwrap().clone();
    assert_eq!(
        rt.block_on(client.current_user())
            .unwrap()
            .body
            .friendly_name,
        "Demo User"
    );
}
