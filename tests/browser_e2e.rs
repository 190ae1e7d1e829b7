//! Sign-in in a real browser: headless Chromium, driven over `WebDriver` (`chromedriver`),
//! opens the app's authorize URL, clicks "Allow" on the demo consent page, and its
//! redirect reaches the app's loopback listener; the app ends signed in.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sage200_desk::app::AuthView;
use sage200_desk::demo_server::DemoConfig;
use serde_json::{Value, json};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    base: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(program: &str) -> Option<String> {
    ["/usr/bin", "/usr/local/bin", "/usr/lib/chromium"]
        .iter()
        .map(|dir| format!("{dir}/{program}"))
        .find(|path| std::path::Path::new(path).exists())
}

async fn webdriver(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    body: Value,
) -> Value {
    let mut request = http.request(method.clone(), url);
    if method != reqwest::Method::GET {
        request = request.json(&body);
    }
    let answer = request.send().await.unwrap();
    let value: Value = answer.json().await.unwrap();
    assert!(
        value["value"].get("error").is_none(),
        "WebDriver error: {value}"
    );
    value["value"].clone()
}

#[test]
fn chromium_clicks_allow_and_the_app_signs_in() {
    let (Some(driver_path), Some(browser)) = (find("chromedriver"), find("chromium")) else {
        assert!(
            !support::required("SAGE200_REQUIRE_BROWSER"),
            "SAGE200_REQUIRE_BROWSER=1 but chromium/chromedriver are not installed"
        );
        eprintln!(
            "skipped: chromium and chromium-driver are not installed (scripts/test.sh installs them)"
        );
        return;
    };
    let rt = support::runtime();
    let server = support::demo_server(
        &rt,
        DemoConfig {
            customers: 20,
            ..DemoConfig::default()
        },
    );
    let scope = support::keyring_scope("browser");
    let mut h = support::sign_in_harness(&rt, &server.base_url(), &scope, Duration::from_mins(1));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Driver {
        child: Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
        base: format!("http://127.0.0.1:{port}"),
    };
    let http = reqwest::Client::new();
    let started = Instant::now();
    loop {
        let ready = rt.block_on(async { http.get(format!("{}/status", driver.base)).send().await });
        if ready.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let profile_dir = tempfile::tempdir().unwrap();
    let capabilities = json!({"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": browser,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic",
                format!("--user-data-dir={}", profile_dir.path().display()),
            ],
        },
    }}});
    let session = rt.block_on(webdriver(
        &http,
        reqwest::Method::POST,
        format!("{}/session", driver.base),
        capabilities,
    ));
    let session_url = format!(
        "{}/session/{}",
        driver.base,
        session["sessionId"].as_str().unwrap()
    );

    egui_kittest::kittest::Queryable::get_by_label(&h, "Sign in…").click();
    let authorize_url = support::waiting_url(&mut h);
    rt.block_on(webdriver(
        &http,
        reqwest::Method::POST,
        format!("{session_url}/url"),
        json!({"url": authorize_url}),
    ));
    let source = rt.block_on(webdriver(
        &http,
        reqwest::Method::GET,
        format!("{session_url}/source"),
        json!({}),
    ));
    assert!(
        source.as_str().unwrap_or_default().contains("Allow"),
        "the consent page: {source}"
    );
    let allow = rt.block_on(webdriver(
        &http,
        reqwest::Method::POST,
        format!("{session_url}/element"),
        json!({"using": "css selector", "value": "#allow"}),
    ));
    let element = allow[ELEMENT_KEY]
        .as_str()
        .unwrap_or_else(|| panic!("no #allow element: {allow}"))
        .to_owned();
    rt.block_on(webdriver(
        &http,
        reqwest::Method::POST,
        format!("{session_url}/element/{element}/click"),
        json!({}),
    ));

    support::step_until(
        &mut h,
        Duration::from_secs(30),
        "signed in through Chromium",
        |app| matches!(app.shared().auth, AuthView::SignedIn { .. }),
    );
    let page = rt.block_on(webdriver(
        &http,
        reqwest::Method::GET,
        format!("{session_url}/source"),
        json!({}),
    ));
    assert!(
        page.as_str().unwrap().contains("You can close this tab"),
        "{page}"
    );
    let location = rt.block_on(webdriver(
        &http,
        reqwest::Method::GET,
        format!("{session_url}/url"),
        json!({}),
    ));
    assert!(
        location.as_str().unwrap().starts_with("http://127.0.0.1:"),
        "{location}"
    );
    let _ = rt.block_on(http.delete(session_url).send());
}
