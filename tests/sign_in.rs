//! Sign-in as a public client, end to end: the real app (kittest) against the demo server
//! over real HTTP, with a test "browser" that follows the authorize URL and the redirect.
//! Keyring tests use the real Secret Service that `scripts/test.sh` provides.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod support;

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use sage200_desk::app::{AuthView, KeyringView};
use sage200_desk::auth::TokenStore;
use sage200_desk::demo_server::{DemoConfig, DemoServer};

const WAIT: Duration = Duration::from_secs(15);

fn consent_server(rt: &tokio::runtime::Runtime) -> DemoServer {
    support::demo_server(
        rt,
        DemoConfig {
            customers: 20,
            ..DemoConfig::default()
        },
    )
}

/// A consent-page demo server and the app, not yet signed in, with its own keyring scope.
fn consent_app(
    rt: &tokio::runtime::Runtime,
    scope: &str,
) -> (
    DemoServer,
    egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
) {
    let server = consent_server(rt);
    let harness =
        support::sign_in_harness(rt, &server.base_url(), &support::keyring_scope(scope), WAIT);
    (server, harness)
}

fn signed_in(app: &sage200_desk::app::SageApp) -> bool {
    matches!(app.shared().auth, AuthView::SignedIn { .. })
}

fn keyring_available(harness: &egui_kittest::Harness<'_, sage200_desk::app::SageApp>) -> bool {
    let available = harness.state().shared().keyring == KeyringView::Available;
    assert!(
        available || !support::required("SAGE200_REQUIRE_KEYRING"),
        "SAGE200_REQUIRE_KEYRING=1 but the keyring is {:?}",
        harness.state().shared().keyring
    );
    available
}

/// A demo server with `config` (approving at once) and the app with its own keyring scope;
/// `None` (the test is skipped) when there is no Secret Service and none is required.
fn keyring_app(
    rt: &tokio::runtime::Runtime,
    scope: &str,
    config: DemoConfig,
) -> Option<(
    DemoServer,
    String,
    egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
)> {
    let server = support::demo_server(
        rt,
        DemoConfig {
            auto_approve: true,
            ..config
        },
    );
    let scope = support::keyring_scope(scope);
    let h = support::sign_in_harness(rt, &server.base_url(), &scope, WAIT);
    if !keyring_available(&h) {
        eprintln!("skipped: no Secret Service (scripts/test.sh provides one)");
        return None;
    }
    Some((server, scope, h))
}

/// Saves a copy of the Demo profile as `name`, changed by `change`, switches to it and
/// starts its sign-in; returns the authorize URL the app waits on.
fn sign_in_with_demo_variant(
    h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
    name: &str,
    change: impl FnOnce(&mut sage200_desk::model::Profile),
) -> String {
    let mut profile = h
        .state()
        .shared()
        .profiles
        .iter()
        .find(|p| p.name == "Demo")
        .unwrap()
        .clone();
    name.clone_into(&mut profile.name);
    change(&mut profile);
    h.state_mut()
        .handle(sage200_desk::screens::settings::Command::SaveProfile {
            original: String::new(),
            profile: Box::new(profile),
        });
    h.state_mut()
        .handle(sage200_desk::screens::session::Command::SwitchAndSignIn(
            name.to_owned(),
        ));
    support::waiting_url(h)
}

/// Lets the demo (which approves at once) answer `url`, and waits until the app is signed in.
fn approve_and_finish(
    rt: &tokio::runtime::Runtime,
    h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
    url: &str,
) {
    let callback = rt.block_on(support::consent(url, None));
    let page = rt.spawn(async move { support::visit(&callback).await });
    support::step_until(h, WAIT, "signed in", signed_in);
    rt.block_on(page).unwrap().unwrap();
}

#[test]
fn signing_in_through_the_consent_page_shows_the_user() {
    let rt = support::runtime();
    let server = consent_server(&rt);
    let mut h =
        support::sign_in_harness(&rt, &server.base_url(), &support::keyring_scope("ok"), WAIT);
    h.get_by_label("Sign in…").click();
    let url = support::waiting_url(&mut h);
    h.run_steps(2);
    h.get_by_label("Waiting for you in the browser…");
    h.get_by_label("Copy address");
    assert!(url.contains("code_challenge_method=S256") && url.contains("audience="));

    let callback = rt.block_on(support::consent(&url, Some("allow")));
    let page = rt.spawn(async move { support::visit(&callback).await });
    support::step_until(&mut h, WAIT, "signed in", signed_in);
    let (status, html) = rt.block_on(page).unwrap().unwrap();
    assert_eq!(status, 200);
    assert!(html.contains("You can close this tab"));
    h.get_by_label("Signed in as Demo User");
    h.get_by_label_contains("token until ");
    h.get_by_label("Sign out");
    assert!(
        h.query_by_label("Waiting for you in the browser…")
            .is_none()
    );
    let last = h.state().shared().last_request.clone().unwrap();
    // `current_user` answered; `sites` may already have followed it.
    assert!(
        last.url.ends_with("/current_user") || last.url.ends_with("/sites"),
        "{}",
        last.url
    );
    assert_eq!(last.status, 200);
}

#[test]
fn denying_consent_signs_nobody_in() {
    let rt = support::runtime();
    let (_server, mut h) = consent_app(&rt, "deny");
    h.get_by_label("Sign in…").click();
    let url = support::waiting_url(&mut h);
    let callback = rt.block_on(support::consent(&url, Some("deny")));
    assert!(callback.contains("error=access_denied"));
    let page = rt.spawn(async move { support::visit(&callback).await });
    support::step_until(&mut h, WAIT, "the refusal", |app| {
        app.shared().error.is_some()
    });
    let html = rt.block_on(page).unwrap().unwrap().1;
    assert!(html.contains("not completed"), "{html}");
    assert!(
        html.contains("The demo server said:"),
        "the provider is named: {html}"
    );
    assert_eq!(
        h.state().shared().auth,
        AuthView::SignedOut { notice: None }
    );
    h.get_by_label_contains("Sign-in was refused");
    h.get_by_label("Sign in…");
}

/// A callback carrying another `state` (an old tab of an earlier sign-in, or a forged
/// request) is refused with a page saying so, and the sign-in in progress goes on.
#[test]
fn a_callback_of_an_earlier_sign_in_is_refused_and_the_wait_goes_on() {
    let rt = support::runtime();
    let (_server, mut h) = consent_app(&rt, "state");
    h.get_by_label("Sign in…").click();
    let url = support::waiting_url(&mut h);
    let callback = rt.block_on(support::consent(&url, Some("allow")));
    let forged = callback.replace("state=", "state=earlier");
    let (status, page) = rt.block_on(support::visit(&forged)).unwrap();
    assert_eq!(status, 400);
    assert!(page.contains("earlier sign-in"), "{page}");
    h.run_steps(3);
    assert!(
        matches!(h.state().shared().auth, AuthView::Waiting { .. }),
        "still waiting: {:?}",
        h.state().shared().auth
    );
    assert!(h.state().shared().error.is_none());
    let page = rt.spawn(async move { support::visit(&callback).await });
    support::step_until(&mut h, WAIT, "signed in", signed_in);
    assert_eq!(rt.block_on(page).unwrap().unwrap().0, 200);
}

#[test]
fn other_paths_get_404_and_the_listener_keeps_waiting_then_closes() {
    let rt = support::runtime();
    let (_server, mut h) = consent_app(&rt, "paths");
    h.get_by_label("Sign in…").click();
    let url = support::waiting_url(&mut h);
    let callback = rt.block_on(support::consent(&url, Some("allow")));
    let root = callback[..callback.find("/callback").unwrap()].to_owned();
    let (status, _) = rt
        .block_on(support::visit(&format!("{root}/favicon.ico")))
        .unwrap();
    assert_eq!(status, 404);
    let genuine = callback.clone();
    let page = rt.spawn(async move { support::visit(&genuine).await });
    support::step_until(&mut h, WAIT, "signed in", signed_in);
    assert_eq!(rt.block_on(page).unwrap().unwrap().0, 200);
    // A second callback: the one-shot listener is gone.
    assert!(rt.block_on(support::visit(&callback)).is_err());
}

#[test]
fn cancel_and_timeout_end_the_wait() {
    let rt = support::runtime();
    let (server, mut h) = consent_app(&rt, "cancel");
    h.get_by_label("Sign in…").click();
    let url = support::waiting_url(&mut h);
    let callback = rt.block_on(support::consent(&url, Some("allow")));
    h.get_by_label("Cancel").click();
    h.run();
    assert_eq!(
        h.state().shared().auth,
        AuthView::SignedOut { notice: None }
    );
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        rt.block_on(support::visit(&callback)).is_err(),
        "the listener closed on cancel"
    );

    let mut h = support::sign_in_harness(
        &rt,
        &server.base_url(),
        &support::keyring_scope("timeout"),
        Duration::from_millis(600),
    );
    h.get_by_label("Sign in…").click();
    support::waiting_url(&mut h);
    support::step_until(&mut h, WAIT, "the time-out", |app| {
        app.shared().error.is_some()
    });
    h.get_by_label_contains("timed out");
    assert_eq!(
        h.state().shared().auth,
        AuthView::SignedOut { notice: None }
    );
}

#[test]
fn an_expired_token_is_refreshed_once_after_a_401_and_rotation_is_kept() {
    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        DemoConfig {
            auto_approve: true,
            customers: 20,
            ..DemoConfig::default()
        },
    );
    let scope = support::keyring_scope("refresh");
    let mut h = support::sign_in_harness(&rt, &server.base_url(), &scope, WAIT);
    support::sign_in(&rt, &mut h);
    let client = h.state().api_client().unwrap().clone();
    let session = h.state().session().unwrap().clone();
    let before = rt.block_on(session.access_token()).unwrap();
    let stored_before = keyring_available(&h).then(|| {
        TokenStore::new(&format!("{scope}Demo"))
            .load_blocking()
            .unwrap()
            .unwrap()
    });

    server.expire_tokens();
    let user = rt
        .block_on(client.current_user())
        .expect("401, refresh, retry");
    assert_eq!(user.body.friendly_name, "Demo User");
    let after = rt.block_on(session.access_token()).unwrap();
    assert_ne!(before, after, "a new access token");
    if let Some(stored_before) = stored_before {
        let stored_after = TokenStore::new(&format!("{scope}Demo"))
            .load_blocking()
            .unwrap()
            .unwrap();
        assert_ne!(
            stored_after.refresh, stored_before.refresh,
            "the rotated refresh token was saved"
        );
        assert_eq!(stored_after.access, after);
    }

    // A revoked refresh token means signing in again.
    server.revoke_refresh_tokens();
    server.expire_tokens();
    let error = rt.block_on(client.current_user()).unwrap_err();
    assert!(
        matches!(error, sage200_desk::api::ApiError::SignIn { .. }),
        "{error:?}"
    );
    assert_eq!(error.advice(), "Sign in again.");
}

#[test]
fn the_keyring_remembers_a_sign_in_until_sign_out() {
    let rt = support::runtime();
    let Some((server, scope, mut h)) = keyring_app(
        &rt,
        "keyring",
        DemoConfig {
            customers: 20,
            ..DemoConfig::default()
        },
    ) else {
        return;
    };
    support::sign_in(&rt, &mut h);
    let store = TokenStore::new(&format!("{scope}Demo"));
    assert!(
        store.load_blocking().unwrap().is_some(),
        "tokens are in the keyring"
    );
    drop(h);

    // A new app instance signs in silently.
    let mut again = support::sign_in_harness(&rt, &server.base_url(), &scope, WAIT);
    assert!(
        signed_in(again.state()),
        "{:?}",
        again.state().shared().auth
    );
    again.get_by_label("Signed in as Demo User");
    support::pick_company(&mut again, "Demo Trading Ltd");
    let refresh = store.load_blocking().unwrap().unwrap().refresh.unwrap();

    again.get_by_label("Sign out").click();
    again.run();
    support::step_until(&mut again, WAIT, "the keyring entry to go", |_| {
        // A read racing the deletion may fail once; only "no entry" counts as gone.
        matches!(store.load_blocking(), Ok(None))
    });
    again.get_by_label("Sign in…");
    // Sign-out revoked the refresh token at the server too.
    let refused = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/oauth/token", server.base_url()))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.expose()),
                ("client_id", "demo-desktop"),
            ])
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(refused, 400, "the refresh token was revoked");
    let third = support::sign_in_harness(&rt, &server.base_url(), &scope, WAIT);
    assert_eq!(
        third.state().shared().auth,
        AuthView::SignedOut { notice: None }
    );
}

#[test]
fn a_stored_sign_in_that_was_revoked_asks_to_sign_in_again() {
    let rt = support::runtime();
    let Some((server, scope, mut h)) = keyring_app(
        &rt,
        "revoked",
        DemoConfig {
            customers: 20,
            ..DemoConfig::default()
        },
    ) else {
        return;
    };
    support::sign_in(&rt, &mut h);
    drop(h);
    server.revoke_refresh_tokens();
    server.expire_tokens();
    // Make the stored access token look expired so start-up must refresh.
    let store = TokenStore::new(&format!("{scope}Demo"));
    let mut tokens = store.load_blocking().unwrap().unwrap();
    tokens.expires_at = std::time::SystemTime::now();
    store.save_blocking(&tokens).unwrap();
    let mut again = support::sign_in_harness(&rt, &server.base_url(), &scope, WAIT);
    let AuthView::SignedOut {
        notice: Some(notice),
    } = again.state().shared().auth.clone()
    else {
        panic!("{:?}", again.state().shared().auth);
    };
    assert!(notice.contains("sign in again"), "{notice}");
    again.run();
    again.get_by_label("Sign in again");
    assert!(
        store.load_blocking().unwrap().is_none(),
        "the dead tokens were deleted"
    );
}

/// The code exchange worked but the API cannot be reached to ask who signed in: the app is
/// signed in (the tokens are held, and kept), says what failed, and offers Sign out.
#[test]
fn an_unreachable_api_after_the_code_exchange_keeps_the_sign_in() {
    use sage200_desk::demo_server::{Fault, FaultKind};
    let rt = support::runtime();
    let (server, mut h) = consent_app(&rt, "noapi");
    server.add_fault(Fault::new(
        FaultKind::Status {
            status: 503,
            retry_after: None,
        },
        "current_user",
        20,
    ));
    h.get_by_label("Sign in…").click();
    let url = support::waiting_url(&mut h);
    let callback = rt.block_on(support::consent(&url, Some("allow")));
    let page = rt.spawn(async move { support::visit(&callback).await });
    support::step_until(&mut h, WAIT, "the sign-in", |app| {
        !matches!(
            app.shared().auth,
            AuthView::Waiting { .. } | AuthView::Finishing
        )
    });
    assert_eq!(rt.block_on(page).unwrap().unwrap().0, 200);
    assert!(signed_in(h.state()), "{:?}", h.state().shared().auth);
    let problem = h
        .state()
        .shared()
        .error
        .clone()
        .expect("the failure is said");
    assert!(
        problem.message.contains("could not say who you are"),
        "{}",
        problem.message
    );
    h.run();
    h.get_by_label("Sign out");
    server.clear_faults();
    // The sign-in holds: the next call works with the same tokens.
    h.state_mut()
        .handle(sage200_desk::screens::company::Command::ReloadSites);
    support::step_until(&mut h, WAIT, "the companies", |app| {
        matches!(
            app.company().sites,
            sage200_desk::screens::company::SitesView::Loaded(_)
        )
    });
}

/// A standard provider issues a refresh token for `offline_access` only with
/// `prompt=consent`: without it the app says plainly that no refresh token came back, and
/// Sign out revokes the access token instead; with the profile's sign-in parameter
/// `prompt=consent` the refresh token comes.
#[test]
fn no_refresh_token_is_said_and_prompt_consent_from_the_profile_brings_one() {
    let rt = support::runtime();
    let Some((server, scope, mut h)) = keyring_app(
        &rt,
        "noprompt",
        DemoConfig {
            customers: 5,
            refresh_needs_consent_prompt: true,
            ..DemoConfig::default()
        },
    ) else {
        return;
    };
    support::sign_in(&rt, &mut h);
    let notice = h.state().shared().notice.clone().unwrap_or_default();
    assert!(
        notice.contains("issued no refresh token") && notice.contains("prompt=consent"),
        "{notice}"
    );
    let store = TokenStore::new(&format!("{scope}Demo"));
    let tokens = store.load_blocking().unwrap().unwrap();
    assert!(tokens.refresh.is_none());
    support::pick_company(&mut h, "Demo Trading Ltd");

    // Sign out revokes the access token, the only one there is.
    h.get_by_label("Sign out").click();
    h.run();
    support::step_until(&mut h, WAIT, "the keyring entry to go", |_| {
        matches!(store.load_blocking(), Ok(None))
    });
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(format!(
                "{}/uk/sage200extra/accounts/v1/current_user",
                server.base_url()
            ))
            .bearer_auth(tokens.access.expose())
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 401, "the access token was revoked at sign-out");

    // A profile of the user's own that asks for consent: a refresh token comes, and
    // nothing is said about it.
    let url = sign_in_with_demo_variant(&mut h, "Strict provider", |p| {
        p.authorize_params = vec![("prompt".to_owned(), "consent".to_owned())];
    });
    assert!(url.contains("prompt=consent"), "{url}");
    let store = TokenStore::new(&format!("{scope}Strict provider"));
    approve_and_finish(&rt, &mut h, &url);
    assert!(
        store.load_blocking().unwrap().unwrap().refresh.is_some(),
        "a refresh token with prompt=consent"
    );
    assert!(
        !h.state()
            .shared()
            .notice
            .clone()
            .unwrap_or_default()
            .contains("no refresh token")
    );
}

/// A sign-in that lapses within a week is warned about above every screen, with when: the
/// date comes from the provider's `refresh_token_expires_in`, or else from the lifetime
/// the profile gives, counted from the browser sign-in.
#[test]
fn a_sign_in_that_lapses_within_a_week_is_warned_about() {
    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        DemoConfig {
            auto_approve: true,
            customers: 5,
            refresh_token_lifetime: Some(Duration::from_hours(6 * 24)),
            ..DemoConfig::default()
        },
    );
    let mut h = support::sign_in_harness(
        &rt,
        &server.base_url(),
        &support::keyring_scope("lapse"),
        WAIT,
    );
    support::sign_in(&rt, &mut h);
    let AuthView::SignedIn { lapses_at, .. } = h.state().shared().auth.clone() else {
        unreachable!()
    };
    let left = lapses_at
        .expect("the provider said when")
        .duration_since(std::time::SystemTime::now())
        .unwrap();
    assert!(
        left > Duration::from_hours(6 * 24 - 1) && left <= Duration::from_hours(6 * 24),
        "{left:?}"
    );
    h.run();
    h.get_by_label_contains("Your sign-in lapses in 6 days");
    h.get_by_label("Sign in again now");

    // No word from the provider: the profile's lifetime (90 days) counts; no banner yet.
    let plain = support::demo_server(
        &rt,
        DemoConfig {
            auto_approve: true,
            customers: 5,
            ..DemoConfig::default()
        },
    );
    let mut h = support::sign_in_harness(
        &rt,
        &plain.base_url(),
        &support::keyring_scope("lapse90"),
        WAIT,
    );
    let url = sign_in_with_demo_variant(&mut h, "Ninety days", |p| {
        p.sign_in_lifetime_days = Some(90);
    });
    approve_and_finish(&rt, &mut h, &url);
    let AuthView::SignedIn { lapses_at, .. } = h.state().shared().auth.clone() else {
        unreachable!()
    };
    let left = lapses_at
        .expect("the profile's lifetime")
        .duration_since(std::time::SystemTime::now())
        .unwrap();
    assert!(left > Duration::from_hours(89 * 24), "{left:?}");
    h.run();
    assert!(h.query_by_label_contains("Your sign-in lapses").is_none());
}

/// Two copies of the app share one keyring entry. When both must renew an expired token,
/// the one that renews second has its (rotated-out) refresh token refused: it takes the
/// newer token the other saved, stays signed in, and the entry stays. The other copy is a
/// real second process (this test binary again, running `second_window_renews`).
#[test]
fn two_processes_sharing_a_keyring_entry_both_stay_signed_in() {
    let rt = support::runtime();
    let Some((server, scope, mut h)) = keyring_app(
        &rt,
        "twoprocs",
        DemoConfig {
            customers: 5,
            ..DemoConfig::default()
        },
    ) else {
        return;
    };
    support::sign_in(&rt, &mut h);
    support::pick_company(&mut h, "Demo Trading Ltd");
    let store = TokenStore::new(&format!("{scope}Demo"));
    let first = store.load_blocking().unwrap().unwrap().refresh.unwrap();

    // Every access token expires; the other window starts and renews first.
    server.expire_tokens();
    let second = format!("{}\n{scope}", server.base_url());
    support::run_in_child(
        "second_window_renews",
        &[("SAGE200_SECOND_WINDOW", second.as_str())],
    );
    let renewed = store.load_blocking().unwrap().unwrap().refresh.unwrap();
    assert_ne!(renewed, first, "the other window rotated the refresh token");

    // This window's next call finds its token refused, and carries on with the newer one.
    h.state_mut()
        .handle(sage200_desk::screens::company::Command::ReloadSites);
    support::step_until(&mut h, WAIT, "the companies", |app| {
        matches!(
            app.company().sites,
            sage200_desk::screens::company::SitesView::Loaded(_)
        )
    });
    assert!(signed_in(h.state()), "{:?}", h.state().shared().auth);
    assert!(
        store.load_blocking().unwrap().is_some(),
        "the keyring entry was kept"
    );
}

#[test]
#[ignore = "run by two_processes_sharing_a_keyring_entry_both_stay_signed_in"]
fn second_window_renews() {
    let spec = std::env::var("SAGE200_SECOND_WINDOW")
        .expect("run through two_processes_sharing_a_keyring_entry_both_stay_signed_in");
    let (base, scope) = spec.split_once('\n').unwrap();
    let rt = support::runtime();
    // A second window: its silent sign-in finds the access token refused and renews it.
    let h = support::sign_in_harness(&rt, base, scope, WAIT);
    assert!(signed_in(h.state()), "{:?}", h.state().shared().auth);
}

/// node-oidc-provider (`tests/oidc/provider.mjs`), a certified `OpenID` provider, on
/// 127.0.0.1; stopped when dropped. `None` when its modules are not installed and the run
/// does not require it (`scripts/test.sh` installs them and sets `SAGE200_REQUIRE_OIDC`).
struct OutsideProvider {
    child: std::process::Child,
    issuer: String,
}

impl Drop for OutsideProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn outside_provider() -> Option<OutsideProvider> {
    use std::io::BufRead as _;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
    if !dir.join("node_modules/oidc-provider").exists() {
        assert!(
            !support::required("SAGE200_REQUIRE_OIDC"),
            "node-oidc-provider is required: npm ci --prefix tests/oidc"
        );
        eprintln!("skipped: node-oidc-provider is not installed (npm ci --prefix tests/oidc)");
        return None;
    }
    let mut child = std::process::Command::new("node")
        .arg("provider.mjs")
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("node runs");
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(stdout).lines();
    let port = lines
        .find_map(|line| line.ok()?.strip_prefix("listening ").map(str::to_owned))
        .expect("the provider says its port");
    // Its later notices must find a reader, or node dies of a broken pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Some(OutsideProvider {
        child,
        issuer: format!("http://127.0.0.1:{port}"),
    })
}

/// The user's browser at an outside provider: follows the authorize URL through the
/// provider's own pages (keeping its cookies; `deny` refuses at the first page) and
/// returns the address it sends the browser back to (the app's callback), without calling
/// it.
async fn through_provider(authorize_url: &str, deny: bool) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut cookies: Vec<String> = Vec::new();
    let mut url = url::Url::parse(authorize_url).unwrap();
    let callback_port = url
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .and_then(|(_, v)| url::Url::parse(&v).ok()?.port())
        .unwrap();
    for _ in 0..12 {
        if url.port() == Some(callback_port) {
            return url.to_string();
        }
        if deny && url.path().starts_with("/interaction/") {
            url.query_pairs_mut().append_pair("deny", "1");
        }
        let answer = http
            .get(url.clone())
            .header(reqwest::header::COOKIE, cookies.join("; "))
            .send()
            .await
            .unwrap();
        for set in answer.headers().get_all(reqwest::header::SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_owned();
            let name = pair.split('=').next().unwrap().to_owned();
            cookies.retain(|c| !c.starts_with(&format!("{name}=")));
            cookies.push(pair);
        }
        let location = answer
            .headers()
            .get(reqwest::header::LOCATION)
            .unwrap_or_else(|| panic!("no redirect from {url}: {}", answer.status()))
            .to_str()
            .unwrap()
            .to_owned();
        url = url.join(&location).unwrap();
    }
    panic!("the provider never sent the browser back");
}

/// Against node-oidc-provider with the demo API behind it (taking that provider's tokens):
/// sign-in with PKCE and `iss`, the plain "no refresh token" without `prompt=consent`,
/// sign-out revoking the access token, a profile that asks for consent getting a refresh
/// token, refresh with rotation (the old refresh token then refused), a refused consent,
/// and an answer from another issuer refused.
#[test]
fn interop_with_a_certified_openid_provider() {
    use sage200_desk::model::{Edition, Profile};
    let Some(provider) = outside_provider() else {
        return;
    };
    let rt = support::runtime();
    let api = support::demo_server(
        &rt,
        DemoConfig {
            customers: 5,
            outside_userinfo: Some(format!("{}/me", provider.issuer)),
            ..DemoConfig::default()
        },
    );
    let scope = support::keyring_scope("interop");
    let mut h = support::sign_in_harness(&rt, &api.base_url(), &scope, WAIT);
    if !keyring_available(&h) {
        eprintln!("skipped: no Secret Service (scripts/test.sh provides one)");
        return;
    }
    let issuer = provider.issuer.clone();
    let mut profile = Profile {
        name: "Interop".to_owned(),
        edition: Edition::Custom(format!("{}/uk/sage200extra/accounts/v1/", api.base_url())),
        authorize_url: format!("{issuer}/auth"),
        token_url: format!("{issuer}/token"),
        revoke_url: Some(format!("{issuer}/token/revocation")),
        audience: String::new(),
        scopes: vec!["openid".to_owned(), "offline_access".to_owned()],
        client_id: "desk-interop".to_owned(),
        issuer: Some(issuer.clone()),
        ..Profile::default()
    };
    let save = |h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
                original: &str,
                profile: &Profile| {
        h.state_mut()
            .handle(sage200_desk::screens::settings::Command::SaveProfile {
                original: original.to_owned(),
                profile: Box::new(profile.clone()),
            });
    };
    let sign_in = |h: &mut egui_kittest::Harness<'static, sage200_desk::app::SageApp>,
                   deny: bool| {
        h.state_mut()
            .handle(sage200_desk::screens::session::Command::SwitchAndSignIn(
                "Interop".to_owned(),
            ));
        let url = support::waiting_url(h);
        let callback = rt.block_on(through_provider(&url, deny));
        let page = rt.spawn(async move { support::visit(&callback).await });
        support::step_until(h, WAIT, "the sign-in to end", |app| {
            !matches!(
                app.shared().auth,
                AuthView::Waiting { .. } | AuthView::Finishing
            )
        });
        let _ = rt.block_on(page);
        url
    };
    save(&mut h, "", &profile);

    // Sign-in, PKCE and `iss` checked; without prompt=consent no refresh token comes.
    let url = sign_in(&mut h, false);
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert!(signed_in(h.state()), "{:?}", h.state().shared().error);
    let notice = h.state().shared().notice.clone().unwrap_or_default();
    assert!(notice.contains("issued no refresh token"), "{notice}");
    let store = TokenStore::new(&format!("{scope}Interop"));
    let tokens = store.load_blocking().unwrap().unwrap();
    assert!(tokens.refresh.is_none());
    let userinfo = |token: &str| {
        rt.block_on(async {
            reqwest::Client::new()
                .get(format!("{issuer}/me"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    };
    assert_eq!(userinfo(tokens.access.expose()), 200);
    // Sign-out revokes the access token, the only one there is.
    h.state_mut()
        .handle(sage200_desk::screens::session::Command::SignOut);
    support::step_until(&mut h, WAIT, "the keyring entry to go", |_| {
        matches!(store.load_blocking(), Ok(None))
    });
    support::step_until(&mut h, WAIT, "the revocation", |_| {
        userinfo(tokens.access.expose()) == 401
    });

    // With prompt=consent from the profile, a refresh token comes; it rotates on use.
    profile.authorize_params = vec![("prompt".to_owned(), "consent".to_owned())];
    save(&mut h, "Interop", &profile);
    sign_in(&mut h, false);
    assert!(signed_in(h.state()), "{:?}", h.state().shared().error);
    let tokens = store.load_blocking().unwrap().unwrap();
    let first = tokens
        .refresh
        .clone()
        .expect("a refresh token with prompt=consent");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let renewed = rt
        .block_on(sage200_desk::auth::refresh_tokens(
            &profile, &http, None, &first, None,
        ))
        .unwrap();
    let second = renewed.refresh.clone().unwrap();
    assert_ne!(second, first, "rotated");
    assert_eq!(userinfo(renewed.access.expose()), 200);
    let reused = rt.block_on(sage200_desk::auth::refresh_tokens(
        &profile, &http, None, &first, None,
    ));
    assert!(
        matches!(&reused, Err(sage200_desk::auth::AuthError::TokenRefused { error, .. }) if error == "invalid_grant"),
        "{reused:?}"
    );

    // A refused consent: nobody is signed in, and the provider's words are shown.
    h.state_mut()
        .handle(sage200_desk::screens::session::Command::SignOut);
    h.run();
    sign_in(&mut h, true);
    assert!(!signed_in(h.state()));
    let error = h
        .state()
        .shared()
        .error
        .clone()
        .expect("the refusal is said");
    assert!(error.message.contains("refused"), "{}", error.message);

    // A profile expecting another issuer refuses this provider's answer (RFC 9207).
    profile.issuer = Some("http://127.0.0.1:1".to_owned());
    save(&mut h, "Interop", &profile);
    sign_in(&mut h, false);
    assert!(!signed_in(h.state()));
    let error = h
        .state()
        .shared()
        .error
        .clone()
        .expect("the mix-up is said");
    assert!(error.message.contains("came from"), "{}", error.message);
}
