//! Faults, table-driven, through the real app against the demo server over real HTTP: for
//! each, what the user sees, how often the call was tried, that the UI kept answering and
//! that the request being worked on (its tab and draft) is still there. The create whose
//! answer is lost is covered with the customer form (`tests/ui_customers.rs`).
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod support;

use std::time::Duration;

use sage200_desk::app::AuthView;
use sage200_desk::demo_server::{DemoConfig, DemoServer, Fault, FaultKind};
use sage200_desk::screens::company::SitesView;

const WAIT: Duration = Duration::from_secs(30);
type H = egui_kittest::Harness<'static, sage200_desk::app::SageApp>;

/// What the user is shown after the call.
#[derive(Debug)]
enum Sees {
    /// An answer with this status, read as JSON.
    Answer(u16),
    /// An answer with this status that is shown as text, for this reason.
    Text(u16, &'static str),
}

struct Case {
    name: &'static str,
    fault: FaultKind,
    count: u32,
    sees: Sees,
    /// Calls the server received for the one Send.
    tries: u32,
}

fn status(status: u16, retry_after: Option<&str>) -> FaultKind {
    FaultKind::Status {
        status,
        retry_after: retry_after.map(str::to_owned),
    }
}

/// Sends the open tab's request and waits for its outcome, stepping the UI meanwhile (it
/// must keep answering: each step is a frame).
fn send(h: &mut H) {
    let id = h.state().request().active_tab;
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::SendRequest(id));
    let _ = h.run_ok();
    support::step_until(h, WAIT, "the outcome", |app| {
        !app.request().tabs.iter().any(|t| t.sending)
    });
}

fn tries_left(server: &DemoServer, rt: &tokio::runtime::Runtime) -> u32 {
    let faults: serde_json::Value = rt.block_on(async {
        reqwest::get(format!("{}/_demo/faults", server.base_url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    faults
        .as_array()
        .unwrap()
        .first()
        .map_or(0, |f| u32::try_from(f["count"].as_u64().unwrap()).unwrap())
}

#[test]
fn every_fault_is_shown_with_an_action_and_loses_nothing() {
    let rt = support::runtime();
    let (server, mut h) =
        support::signed_in_to_company(&rt, 40, "faults", "Stationery & Office Supplies", WAIT);
    let id = h.state().request().active_tab;
    let mut draft = h.state().request().tabs[0].draft.clone();
    draft.path = "customers".to_owned();
    draft.query.top = Some(5);
    draft.query.select = vec!["id".to_owned(), "name".to_owned()];
    h.state_mut()
        .handle(sage200_desk::screens::request::Command::UpdateDraft(
            id,
            Box::new(draft.clone()),
        ));
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc2822();
    let soon: &'static str = Box::leak(soon.into_boxed_str());

    let cases = [
        Case {
            name: "429 with Retry-After in seconds",
            fault: status(429, Some("1")),
            count: 1,
            sees: Sees::Answer(200),
            tries: 2,
        },
        Case {
            name: "429 with Retry-After as an HTTP date",
            fault: status(429, Some(soon)),
            count: 1,
            sees: Sees::Answer(200),
            tries: 2,
        },
        Case {
            name: "500: not retried, shown",
            fault: status(500, None),
            count: 1,
            sees: Sees::Answer(500),
            tries: 1,
        },
        Case {
            name: "502 once: retried",
            fault: status(502, None),
            count: 1,
            sees: Sees::Answer(200),
            tries: 2,
        },
        Case {
            name: "503 throughout: three retries, then shown",
            fault: status(503, None),
            count: 10,
            sees: Sees::Answer(503),
            tries: 4,
        },
        Case {
            name: "504 once: retried",
            fault: status(504, None),
            count: 1,
            sees: Sees::Answer(200),
            tries: 2,
        },
        Case {
            name: "connection dropped mid-body: retried",
            fault: FaultKind::DropMidBody,
            count: 1,
            sees: Sees::Answer(200),
            tries: 2,
        },
        Case {
            name: "an HTML error page from a proxy",
            fault: FaultKind::Html { status: 502 },
            count: 10,
            sees: Sees::Text(502, "not JSON"),
            tries: 4,
        },
        Case {
            name: "malformed JSON",
            fault: FaultKind::Malformed,
            count: 1,
            sees: Sees::Text(200, "not JSON"),
            tries: 1,
        },
        Case {
            name: "an empty body with 200",
            fault: FaultKind::EmptyOk,
            count: 1,
            sees: Sees::Text(200, "no body"),
            tries: 1,
        },
    ];
    for case in cases {
        server.clear_faults();
        server.add_fault(Fault::new(case.fault.clone(), "customers", case.count));
        send(&mut h);
        let state = h.state().request();
        let tab = &state.tabs[0];
        assert_eq!(tab.draft, draft, "{}: the draft is kept", case.name);
        assert_eq!(state.tabs.len(), 1, "{}: no tab lost", case.name);
        match case.sees {
            Sees::Answer(code) => {
                let answer = tab
                    .answer
                    .as_ref()
                    .unwrap_or_else(|| panic!("{}", case.name));
                assert_eq!(answer.meta.status, code, "{}", case.name);
                assert!(answer.doc.is_some(), "{}: read as JSON", case.name);
                assert_eq!(answer.meta.attempts, case.tries, "{}", case.name);
            }
            Sees::Text(code, why) => {
                let answer = tab
                    .answer
                    .as_ref()
                    .unwrap_or_else(|| panic!("{}", case.name));
                assert_eq!(answer.meta.status, code, "{}", case.name);
                let reason = answer.not_json.clone().unwrap_or_default();
                assert!(reason.contains(why), "{}: {reason}", case.name);
            }
        }
        assert_eq!(
            case.count - tries_left(&server, &rt).min(case.count),
            case.tries.min(case.count),
            "{}: calls made",
            case.name
        );
    }
    server.clear_faults();

    // The access token expires mid-session (Sage answers an empty 401): refreshed, retried.
    server.expire_tokens();
    send(&mut h);
    let answer = h.state().request().tabs[0].answer.clone().unwrap();
    assert_eq!(answer.meta.status, 200, "refreshed and retried");
    assert!(matches!(h.state().shared().auth, AuthView::SignedIn { .. }));

    // GET sites answers no companies (Sage's tunnel is down): said, with a way to retry.
    server.add_fault(Fault::new(FaultKind::EmptySites, "sites", 1));
    reload_sites(&mut h);
    match &h.state().company().sites {
        SitesView::Loaded(sites) => assert!(sites.is_empty()),
        SitesView::Failed(problem) => assert!(!problem.advice.is_empty()),
        other => panic!("{other:?}"),
    }

    // A byte-order mark before the JSON (some .NET and IIS stacks send one): the companies
    // still load, and an answer is still a table, saved as received.
    server.add_fault(Fault::new(FaultKind::ByteOrderMark, "sites", 1));
    reload_sites(&mut h);
    match &h.state().company().sites {
        SitesView::Loaded(sites) => assert!(!sites.is_empty(), "no companies read"),
        other => panic!("sites with a byte-order mark: {other:?}"),
    }
    server.add_fault(Fault::new(FaultKind::ByteOrderMark, "customers", 1));
    send(&mut h);
    let answer = h.state().request().tabs[0].answer.clone().unwrap();
    assert!(answer.not_json.is_none(), "{:?}", answer.not_json);
    assert!(answer.table.as_ref().is_some_and(|t| !t.is_empty()));
    assert!(
        answer.raw().starts_with(b"\xEF\xBB\xBF"),
        "kept as received"
    );

    // The refresh token is revoked: the user is asked to sign in again; nothing is lost.
    server.revoke_refresh_tokens();
    server.expire_tokens();
    send(&mut h);
    let state = h.state().request();
    let problem = state.tabs[0].problem.clone().expect("a problem is shown");
    assert!(!problem.message.is_empty());
    assert_eq!(problem.advice, "Sign in again.");
    assert!(matches!(
        h.state().shared().auth,
        AuthView::SignedOut { .. }
    ));
    assert_eq!(state.tabs[0].draft, draft, "the draft is kept");

    // The server is gone (connection refused): a clear message with what to do.
    support::sign_in(&rt, &mut h);
    rt.block_on(server.shutdown());
    send(&mut h);
    let state = h.state().request();
    let problem = state.tabs[0].problem.clone().expect("a problem is shown");
    assert!(
        problem
            .message
            .to_lowercase()
            .contains("could not reach the server"),
        "{}",
        problem.message
    );
    assert!(!problem.advice.is_empty());
    assert_eq!(state.tabs[0].draft, draft, "the draft is kept");
}

/// A server slower than the client's patience: the call times out, is tried again (a GET
/// is safe to repeat) a bounded number of times, and the user is told, with advice.
#[test]
fn a_server_past_the_timeout_is_reported_after_bounded_retries() {
    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        DemoConfig {
            auto_approve: true,
            customers: 10,
            ..DemoConfig::default()
        },
    );
    let options = sage200_desk::app::StartOptions {
        call_timeout: Duration::from_secs(1),
        ..support::sign_in_options(
            &rt,
            &server.base_url(),
            &support::keyring_scope("timeout"),
            WAIT,
        )
    };
    let mut h = support::harness_from(options, support::returning_user());
    support::sign_in(&rt, &mut h);
    support::pick_company(&mut h, "Stationery & Office Supplies");
    server.add_fault(Fault::new(
        FaultKind::Latency { millis: 2_500 },
        "customers",
        10,
    ));
    let draft = h.state().request().tabs[0].draft.clone();
    send(&mut h);
    let state = h.state().request();
    let problem = state.tabs[0].problem.clone().expect("a problem is shown");
    assert!(problem.message.contains("in time"), "{}", problem.message);
    assert!(!problem.advice.is_empty());
    assert_eq!(state.tabs[0].draft, draft, "the draft is kept");
    assert_eq!(
        10 - tries_left(&server, &rt),
        4,
        "one try and three retries"
    );
}

/// Asks for `GET sites` again and waits for the answer.
fn reload_sites(h: &mut H) {
    h.state_mut()
        .handle(sage200_desk::screens::company::Command::ReloadSites);
    support::step_until(h, WAIT, "the sites", |app| {
        !matches!(app.company().sites, SitesView::Loading)
    });
}
