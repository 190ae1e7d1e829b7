//! The demo server over real HTTP: Sage ID (PKCE, codes, rotation, revocation), the API's
//! headers, `OData` rules, customers' validation and CRUD, faults on demand and robustness.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::match_same_arms,
    clippy::cast_possible_truncation
)]

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use sage200_desk::demo_server::{DemoConfig, DemoServer, Fault, FaultKind};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const REDIRECT: &str = "http://127.0.0.1:45678/callback";
const VERIFIER: &str = "demo-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

async fn start(config: DemoConfig) -> DemoServer {
    DemoServer::start(config).await.unwrap()
}

async fn auto_server() -> DemoServer {
    start(DemoConfig {
        auto_approve: true,
        customers: 300,
        ..DemoConfig::default()
    })
    .await
}

fn authorize_url(server: &DemoServer, redirect: &str, verifier: &str) -> String {
    let mut url = url::Url::parse(&format!("{}/authorize", server.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", "demo-desktop")
        .append_pair("redirect_uri", redirect)
        .append_pair("state", "st-123")
        .append_pair("scope", "openid profile email offline_access")
        .append_pair("audience", "s200ukipd/sage200")
        .append_pair("code_challenge", &challenge(verifier))
        .append_pair("code_challenge_method", "S256");
    url.to_string()
}

fn query_of(location: &str) -> std::collections::HashMap<String, String> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

async fn get_code(server: &DemoServer, http: &reqwest::Client) -> String {
    let answer = http
        .get(authorize_url(server, REDIRECT, VERIFIER))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT), "{location}");
    let q = query_of(&location);
    assert_eq!(q["state"], "st-123");
    q["code"].clone()
}

async fn exchange(
    server: &DemoServer,
    http: &reqwest::Client,
    code: &str,
    verifier: &str,
) -> reqwest::Response {
    http.post(format!("{}/oauth/token", server.base_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("client_id", "demo-desktop"),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
}

async fn refresh(server: &DemoServer, http: &reqwest::Client, token: &str) -> reqwest::Response {
    http.post(format!("{}/oauth/token", server.base_url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
            ("client_id", "demo-desktop"),
        ])
        .send()
        .await
        .unwrap()
}

async fn sign_in(server: &DemoServer, http: &reqwest::Client) -> Value {
    let code = get_code(server, http).await;
    let answer = exchange(server, http, &code, VERIFIER).await;
    assert_eq!(answer.status(), StatusCode::OK);
    answer.json().await.unwrap()
}

/// A signed-in API caller for company 101 on the Professional paths.
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn new(server: &DemoServer) -> Self {
        let http = client();
        let tokens = sign_in(server, &http).await;
        Self {
            http,
            base: server.professional_api_url(),
            token: tokens["access_token"].as_str().unwrap().to_owned(),
        }
    }
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("X-Site", "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
            .header("X-Company", "101")
    }
    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let answer = self
            .request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap();
        let status = answer.status();
        let text = answer.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
    async fn send(&self, method: reqwest::Method, path: &str, body: &Value) -> (StatusCode, Value) {
        let answer = self.request(method, path).json(body).send().await.unwrap();
        let status = answer.status();
        let text = answer.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

// ---- Sage ID ------------------------------------------------------------------------

#[tokio::test]
async fn pkce_code_flow_issues_bearer_tokens() {
    let server = auto_server().await;
    let tokens = sign_in(&server, &client()).await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    for field in ["access_token", "refresh_token", "id_token", "scope"] {
        assert!(
            tokens[field].as_str().is_some_and(|s| !s.is_empty()),
            "{field}"
        );
    }
}

#[tokio::test]
async fn a_wrong_verifier_and_a_reused_code_are_refused() {
    let server = auto_server().await;
    let http = client();
    let code = get_code(&server, &http).await;
    let wrong = exchange(&server, &http, &code, &"x".repeat(50)).await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("code_verifier")
    );

    let other_redirect = http
        .post(format!("{}/oauth/token", server.base_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "http://127.0.0.1:45678/other"),
            ("client_id", "demo-desktop"),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(other_redirect.status(), StatusCode::BAD_REQUEST);
    assert!(
        other_redirect
            .text()
            .await
            .unwrap()
            .contains("redirect_uri")
    );

    let ok = exchange(&server, &http, &code, VERIFIER).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let tokens: Value = ok.json().await.unwrap();
    let again = exchange(&server, &http, &code, VERIFIER).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
    // The replay revoked what the code had produced.
    let refreshed = refresh(&server, &http, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refreshed.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn codes_are_short_lived() {
    let server = start(DemoConfig {
        auto_approve: true,
        customers: 5,
        code_lifetime: Duration::from_millis(200),
        ..DemoConfig::default()
    })
    .await;
    let http = client();
    let code = get_code(&server, &http).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let late = exchange(&server, &http, &code, VERIFIER).await;
    assert_eq!(late.status(), StatusCode::BAD_REQUEST);
    assert!(late.text().await.unwrap().contains("expired"));
}

#[tokio::test]
async fn refresh_rotates_and_revoke_invalidates() {
    let server = auto_server().await;
    let http = client();
    let first = sign_in(&server, &http).await;
    let old = first["refresh_token"].as_str().unwrap();
    let second: Value = refresh(&server, &http, old).await.json().await.unwrap();
    let new = second["refresh_token"].as_str().unwrap();
    assert_ne!(old, new, "the refresh token rotates");
    let reuse = refresh(&server, &http, old).await;
    assert_eq!(reuse.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        reuse.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );

    // Revoking the refresh token also kills the access token issued with it.
    let access = second["access_token"].as_str().unwrap();
    let api = |token: &str| {
        http.get(format!("{}sites", server.professional_api_url()))
            .header("Authorization", format!("Bearer {token}"))
            .send()
    };
    assert_eq!(api(access).await.unwrap().status(), StatusCode::OK);
    let revoked = http
        .post(format!("{}/oauth/revoke", server.base_url()))
        .form(&[("token", new)])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(
        refresh(&server, &http, new).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        api(access).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn bad_clients_and_redirects_are_refused() {
    let server = auto_server().await;
    let http = client();
    let bad_client = http
        .post(format!("{}/oauth/token", server.base_url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
            ("client_id", "someone-else"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad_client.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        bad_client.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );

    let evil = http
        .get(authorize_url(
            &server,
            "https://evil.example/callback",
            VERIFIER,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        evil.status(),
        StatusCode::BAD_REQUEST,
        "an error page, never a redirect"
    );
    assert!(evil.headers().get("location").is_none());

    let localhost = http
        .get(authorize_url(
            &server,
            "http://localhost:33333/callback",
            VERIFIER,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(localhost.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_consent_page_allows_and_denies() {
    let server = start(DemoConfig {
        customers: 10,
        ..DemoConfig::default()
    })
    .await;
    let http = client();
    for (decision, expect) in [("deny", "access_denied"), ("allow", "code")] {
        let page = http
            .get(authorize_url(&server, REDIRECT, VERIFIER))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("Allow") && html.contains("Deny"));
        let id_start = html.find("name=\"request_id\" value=\"").unwrap() + 25;
        let request_id = &html[id_start..id_start + html[id_start..].find('"').unwrap()];
        let answer = http
            .post(format!("{}/authorize/decision", server.base_url()))
            .form(&[("request_id", request_id), ("decision", decision)])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::SEE_OTHER);
        let q = query_of(answer.headers()["location"].to_str().unwrap());
        assert_eq!(q["state"], "st-123");
        if expect == "code" {
            assert!(q.contains_key("code"));
        } else {
            assert_eq!(q["error"], "access_denied");
        }
    }
}

#[tokio::test]
async fn expired_access_tokens_get_a_bare_401() {
    let server = start(DemoConfig {
        auto_approve: true,
        customers: 10,
        access_token_lifetime: Duration::from_secs(1),
        ..DemoConfig::default()
    })
    .await;
    let api = Api::new(&server).await;
    assert_eq!(api.get("customers").await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let answer = api
        .request(reqwest::Method::GET, "customers")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    assert!(answer.text().await.unwrap().is_empty());
}

// ---- API: headers -----------------------------------------------------------------

#[tokio::test]
async fn the_api_checks_bearer_and_company_headers() {
    let server = auto_server().await;
    let api = Api::new(&server).await;
    let http = client();
    for auth in [
        None,
        Some(format!("Bearer{}", api.token)),
        Some("Bearer nope".to_owned()),
    ] {
        let mut request = http.get(format!("{}sites", server.professional_api_url()));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
        let body: Value = answer.json().await.unwrap();
        assert_eq!(
            body["Message"],
            "Authorization has been denied for this request."
        );
    }
    // sites needs no X-Site/X-Company; both editions answer.
    for base in [server.professional_api_url(), server.standard_api_url()] {
        let sites: Value = http
            .get(format!("{base}sites"))
            .header("Authorization", format!("Bearer {}", api.token))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let sites = sites.as_array().unwrap();
        assert_eq!(sites.len(), 3);
        let site_ids: std::collections::HashSet<_> =
            sites.iter().map(|s| s["site_id"].clone()).collect();
        assert_eq!(site_ids.len(), 2);
        assert!(sites[0]["company_id"].is_i64());
    }
    let missing = http
        .get(format!("{}customers", server.professional_api_url()))
        .header("Authorization", format!("Bearer {}", api.token))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let wrong_pair = http
        .get(format!("{}customers", server.professional_api_url()))
        .header("Authorization", format!("Bearer {}", api.token))
        .header("X-Site", "0a9b8c7d-6e5f-4d3c-2b1a-0f9e8d7c6b5a")
        .header("X-Company", "101")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_pair.status(), StatusCode::FORBIDDEN);
    let user = api.get("current_user").await.1;
    assert_eq!(user["friendly_name"], "Demo User");
}

// ---- API: OData --------------------------------------------------------------------

#[tokio::test]
async fn lists_follow_sage_odata_rules() {
    let server = auto_server().await;
    let api = Api::new(&server).await;
    let (status, all) = api.get("customers").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        all.as_array().unwrap().len(),
        300,
        "300 < the default $top of 500"
    );
    assert!(
        all[0].get("contacts").is_none(),
        "children only with $expand"
    );

    let (status, page) = api.get("customers?$orderby=id&$top=50&$skip=100").await;
    assert_eq!(status, StatusCode::OK);
    let page = page.as_array().unwrap();
    assert_eq!(page.len(), 50);
    assert_eq!(page[0]["id"], 101);

    assert_eq!(
        api.get("customers?$top=5001").await.0,
        StatusCode::BAD_REQUEST
    );
    let (status, body) = api.get("customers?$skip=10").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["Message"].as_str().unwrap().contains("$orderby"));
    let (status, body) = api.get("customers?$select=id,nonsense").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["Message"].as_str().unwrap().contains("nonsense"));
    let (status, body) = api
        .get("customers?$filter=reference%20in%20('A','B')")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["Message"].as_str().unwrap().contains("'in'"));
    let (status, body) = api.get("customers?$filter=name%20eq%20'unclosed").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["Message"].as_str().unwrap().contains("position"));

    let (_, selected) = api.get("customers?$select=id,reference,name&$top=3").await;
    let first = selected[0].as_object().unwrap();
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        ["id", "reference", "name"]
    );

    let (_, sorted) = api.get("customers?$orderby=name%20desc,id&$top=40").await;
    let names: Vec<String> = sorted
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] >= w[1]), "sorted descending");

    let (_, hold) = api
        .get("customers?$filter=on_hold%20eq%20true%20and%20balance%20gt%200")
        .await;
    for c in hold.as_array().unwrap() {
        assert_eq!(c["on_hold"], true);
        assert!(c["balance"].as_f64().unwrap() > 0.0);
    }
    let (_, count) = api
        .get("customers?$count=true&$filter=on_hold%20eq%20true")
        .await;
    assert_eq!(
        count.as_u64().unwrap() as usize,
        api.get("customers?$filter=on_hold%20eq%20true")
            .await
            .1
            .as_array()
            .unwrap()
            .len()
    );

    let (_, expanded) = api
        .get("customers?$expand=contacts,main_address,currency&$top=1")
        .await;
    assert!(
        expanded[0]["contacts"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
    assert!(expanded[0]["main_address"]["postcode"].as_str().is_some());
    assert_eq!(expanded[0]["currency"]["symbol"], "£");

    let (_, views) = api.get("customer_views?$top=2").await;
    assert!(views[0]["currency_symbol"].is_string());
    let (_, contacts) = api.get("customers/1/customer_contacts").await;
    assert_eq!(contacts[0]["customer_id"], 1);
    for resource in [
        "suppliers",
        "products",
        "sop_orders",
        "nominal_codes",
        "currencies",
        "country_codes",
        "tax_codes",
    ] {
        let (status, rows) = api.get(resource).await;
        assert_eq!(status, StatusCode::OK, "{resource}");
        assert!(!rows.as_array().unwrap().is_empty(), "{resource}");
    }
}

#[tokio::test]
async fn the_data_is_deterministic_for_a_seed() {
    let a = auto_server().await;
    let b = auto_server().await;
    let (_, from_a) = Api::new(&a)
        .await
        .get("customers?$top=20&$expand=main_address")
        .await;
    let (_, from_b) = Api::new(&b)
        .await
        .get("customers?$top=20&$expand=main_address")
        .await;
    assert_eq!(from_a, from_b);
    let references: std::collections::HashSet<_> = Api::new(&a)
        .await
        .get("customers")
        .await
        .1
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reference"].clone())
        .collect();
    assert_eq!(references.len(), 300, "references are unique");
}

// ---- API: customers ----------------------------------------------------------------

#[tokio::test]
async fn customers_are_validated_created_merged_and_deleted() {
    use reqwest::Method;
    let server = auto_server().await;
    let api = Api::new(&server).await;
    let (_, defaults) = api.send(Method::POST, "customers_new", &json!({})).await;
    assert_eq!(defaults["id"], 0);
    assert_eq!(defaults["currency_id"], 1);
    assert_eq!(
        api.get("customers?$count=true").await.1,
        300,
        "customers_new saves nothing"
    );

    let cases = [
        (json!({"reference": "NEW01"}), "'name' is required"),
        (json!({"name": "No Ref Ltd"}), "'reference' is required"),
        (
            json!({"name": "X", "reference": "TOOLONGREF"}),
            "'reference' must be 8",
        ),
        (
            json!({"name": "x".repeat(61), "reference": "A1"}),
            "'name' must be 60",
        ),
        (
            json!({"name": "X", "reference": "A1", "credit_limit": "lots"}),
            "'credit_limit' is not valid",
        ),
        (
            json!({"name": "X", "reference": "A1", "currency_id": 999}),
            "'currency_id'",
        ),
        (
            json!({"name": "X", "reference": "A1", "account_status_type": "Sleepy"}),
            "not a valid value",
        ),
        (
            json!({"name": "X", "reference": "A1", "main_address": {"postcode": "TOO LONG POSTCODE"}}),
            "main_address.postcode",
        ),
    ];
    for (body, expected) in cases {
        let (status, answer) = api.send(Method::POST, "customers", &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            answer["Message"].as_str().unwrap().contains(expected),
            "{answer} for {body}"
        );
    }
    // Sage's enumeration names are accepted though longer than the schema's maxLength.
    let (status, answer) = api
        .send(
            Method::POST,
            "customers",
            &json!({"name": "Forward Ltd", "reference": "FWD01",
                    "account_type": "TradingAccountTypeBalanceForward"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["account_type"], "TradingAccountTypeBalanceForward");
    let forward = answer["id"].as_i64().unwrap();
    let (status, _) = api
        .send(Method::DELETE, &format!("customers/{forward}"), &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let taken = api.get("customers?$top=1").await.1[0]["reference"]
        .as_str()
        .unwrap()
        .to_lowercase();
    let (status, answer) = api
        .send(
            Method::POST,
            "customers",
            &json!({"name": "Dup", "reference": taken}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        answer["Message"]
            .as_str()
            .unwrap()
            .contains("already in use")
    );
    let answer = api
        .request(Method::POST, "customers")
        .header("Content-Type", "application/json")
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);

    let (status, created) = api
        .send(Method::POST, "customers", &json!({
            "name": "O'Brien & Sons", "reference": "OBRIEN01", "balance": 999_999, "id": 5,
            "credit_limit": 2500.5,
            "main_address": {"address_1": "1 Quay St", "city": "Bristol", "postcode": "BS1 4AA"},
            "contacts": [{"first_name": "Siobhan", "last_name": "O'Brien", "name": "Siobhan O'Brien"}],
        }))
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert!(
        id > 300,
        "read-only id ignored: the server numbers new records ({id})"
    );
    assert_eq!(created["balance"], 0.0, "read-only balance ignored");
    assert_eq!(created["main_address"]["city"], "Bristol");
    let contact_id = created["contacts"][0]["id"].as_i64().unwrap();

    let (_, found) = api
        .get("customers?$filter=reference%20eq%20'obrien01'")
        .await;
    assert_eq!(found.as_array().unwrap().len(), 1);

    let (status, merged) = api
        .send(Method::PUT, &format!("customers/{id}"), &json!({
            "credit_limit": 5000,
            "main_address": {"postcode": "BS2 0AA"},
            "contacts": [{"id": contact_id, "is_to_delete": true}, {"first_name": "Liam", "last_name": "O'Brien"}],
        }))
        .await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    assert_eq!(merged["name"], "O'Brien & Sons", "PUT merges");
    assert_eq!(merged["credit_limit"], 5000);
    assert_eq!(merged["main_address"]["city"], "Bristol");
    assert_eq!(merged["main_address"]["postcode"], "BS2 0AA");
    let contacts = merged["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["first_name"], "Liam");

    let delete = api
        .request(Method::DELETE, &format!("customers/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), StatusCode::OK);
    let again = api
        .request(Method::DELETE, &format!("customers/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        api.get(&format!("customers/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
}

// ---- Faults and robustness ---------------------------------------------------------

#[tokio::test]
async fn faults_misbehave_on_demand() {
    let server = auto_server().await;
    let api = Api::new(&server).await;
    server.add_fault(Fault::new(
        FaultKind::Status {
            status: 429,
            retry_after: Some("2".into()),
        },
        "customers",
        2,
    ));
    for _ in 0..2 {
        let answer = api
            .request(reqwest::Method::GET, "customers")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(answer.headers()["retry-after"], "2");
    }
    assert_eq!(
        api.get("customers").await.0,
        StatusCode::OK,
        "only N calls fail"
    );

    server.add_fault(Fault::new(FaultKind::Html { status: 502 }, "customers", 1));
    let answer = api
        .request(reqwest::Method::GET, "customers")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_GATEWAY);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );

    server.add_fault(Fault::new(FaultKind::Malformed, "customers", 1));
    let (status, body) = api.get("customers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_string(), "not parseable JSON");

    server.add_fault(Fault::new(FaultKind::EmptyOk, "customers", 1));
    assert_eq!(api.get("customers").await.1, Value::String(String::new()));

    server.add_fault(Fault::new(FaultKind::EmptySites, "sites", 1));
    assert_eq!(api.get("sites").await.1, json!([]));

    server.add_fault(Fault::new(FaultKind::DropMidBody, "customers", 1));
    let broken = match api.request(reqwest::Method::GET, "customers").send().await {
        Err(_) => true,
        Ok(answer) => answer.bytes().await.is_err(),
    };
    assert!(broken, "the body breaks off");

    server.add_fault(Fault::new(FaultKind::LoseAnswer, "customers", 1).for_method("POST"));
    let lost = api
        .request(reqwest::Method::POST, "customers")
        .json(&json!({"name": "Lost Answer Ltd", "reference": "LOST01"}))
        .send()
        .await;
    let failed = match lost {
        Err(_) => true,
        Ok(answer) => answer.bytes().await.is_err(),
    };
    assert!(failed, "the answer is lost");
    let (_, found) = api.get("customers?$filter=reference%20eq%20'LOST01'").await;
    assert_eq!(
        found.as_array().unwrap().len(),
        1,
        "but the customer was saved"
    );

    server.add_fault(Fault::new(
        FaultKind::Latency { millis: 300 },
        "customers",
        1,
    ));
    let started = std::time::Instant::now();
    assert_eq!(api.get("customers?$top=1").await.0, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));

    server.expire_tokens();
    assert_eq!(
        api.get("customers?$top=1").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn faults_can_be_set_over_http() {
    let server = auto_server().await;
    let api = Api::new(&server).await;
    let http = client();
    let set = http
        .post(format!("{}/_demo/faults", server.base_url()))
        .json(&json!({"kind": "status", "status": 503, "path": "suppliers", "count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(
        api.get("suppliers").await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(api.get("suppliers").await.0, StatusCode::OK);
    let bad = http
        .post(format!("{}/_demo/faults", server.base_url()))
        .body("nonsense")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    http.post(format!("{}/_demo/faults", server.base_url()))
        .json(&json!([{"kind": "empty_sites", "path": "sites", "count": 5}]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        http.delete(format!("{}/_demo/faults", server.base_url()))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(api.get("sites").await.1.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn bad_input_gets_400_or_413_and_never_hangs() {
    let server = auto_server().await;
    let api = Api::new(&server).await;
    let huge = "x".repeat(sage200_desk::demo_server::MAX_BODY_BYTES + 10);
    let answer = api
        .request(reqwest::Method::POST, "customers")
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
    for query in [
        "$filter=((((((((",
        "$filter=name%20eq%20",
        "$top=-1",
        "$top=abc",
        "$orderby=",
        "$filter=balance%20gt%201e999999",
        "$filter=%27%27%27",
        "$count=maybe",
    ] {
        let status = api.get(&format!("customers?{query}")).await.0;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::OK,
            "{query}: {status}"
        );
    }
    let long = format!("customers?$filter=name%20eq%20'{}'", "a".repeat(10_000));
    assert_eq!(api.get(&long).await.0, StatusCode::OK);
    let (status, _) = api
        .send(
            reqwest::Method::PUT,
            "customers/1",
            &json!({"on_hold": "yes"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = api
        .send(reqwest::Method::POST, "customers", &json!([1, 2]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_clients_are_served() {
    let server = auto_server().await;
    let api = std::sync::Arc::new(Api::new(&server).await);
    let mut tasks = Vec::new();
    for i in 0..50 {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            api.get(&format!("customers?$orderby=id&$top=20&$skip={}", i * 5))
                .await
        }));
    }
    for (i, task) in tasks.into_iter().enumerate() {
        let (status, page) = tokio::time::timeout(Duration::from_secs(30), task)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page[0]["id"], i64::try_from(i * 5 + 1).unwrap());
    }
}

#[tokio::test]
async fn a_state_file_keeps_changes_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let (file, config) = with_state_file(&dir);
    let server = start(config.clone()).await;
    let api = Api::new(&server).await;
    let tokens = sign_in(&server, &client()).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (status, created) = api
        .send(
            reqwest::Method::POST,
            "customers",
            &json!({"name": "Kept Ltd", "reference": "KEPT01"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Seeded customers have ledger transactions and cannot be deleted: delete a new one.
    let (_, gone) = api
        .send(
            reqwest::Method::POST,
            "customers",
            &json!({"name": "Gone Ltd", "reference": "GONE01"}),
        )
        .await;
    let gone_path = format!("customers/{}", gone["id"]);
    let delete = api
        .request(reqwest::Method::DELETE, &gone_path)
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), StatusCode::OK);
    server.shutdown().await;
    assert!(file.exists());
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(
        !saved.contains(&refresh_token),
        "refresh tokens are kept only as hashes"
    );

    let again = start(config).await;
    let api = Api::new(&again).await;
    let (_, found) = api.get("customers?$filter=reference%20eq%20'KEPT01'").await;
    assert_eq!(found[0]["id"], created["id"]);
    assert_eq!(api.get(&gone_path).await.0, StatusCode::NOT_FOUND);
    let (_, next) = api
        .send(
            reqwest::Method::POST,
            "customers",
            &json!({"name": "Next Ltd", "reference": "NEXT01"}),
        )
        .await;
    assert_eq!(
        next["id"],
        gone["id"].as_i64().unwrap() + 1,
        "ids continue past deleted ones"
    );
    // A refresh token issued before the restart still works (silent sign-in after --demo restarts).
    assert_eq!(
        refresh(&again, &client(), &refresh_token).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_large_synthetic_answer_is_served_for_measurements() {
    let server = auto_server().await;
    let api = Api::new(&server).await;
    let (status, body) = api.get("_demo_large_answer?mb=3").await;
    assert_eq!(status, StatusCode::OK);
    let records = body.as_array().unwrap();
    let size = serde_json::to_vec(&body).unwrap().len();
    // Read back and written again, so a little shorter than sent (1.00 becomes 1.0).
    assert!((3_000_000..4 * 1024 * 1024).contains(&size), "{size}");
    assert!(records.len() > 1_000);
    assert_eq!(records[0]["reference"], "LRG00001");
    assert!(records[9]["contacts"][0]["emails"].is_array());
    // Made as sent (as answers past 1 GB are, in pieces of 4 MB): the same records.
    let (status, streamed) = api.get("_demo_large_answer?mb=9&stream=1").await;
    assert_eq!(status, StatusCode::OK);
    let (_, kept) = api.get("_demo_large_answer?mb=9").await;
    assert_eq!(streamed, kept);
    assert!(streamed.as_array().unwrap().len() > 2 * records.len());
}

#[tokio::test]
async fn a_record_created_just_before_the_app_closes_is_kept() {
    // The app drops its in-process demo server as it closes (after a signal, too), without
    // waiting for `shutdown`: what was created a moment before must still reach the file.
    let dir = tempfile::tempdir().unwrap();
    let (file, config) = with_state_file(&dir);
    let server = start(config.clone()).await;
    let api = Api::new(&server).await;
    let (status, _) = api
        .send(
            reqwest::Method::POST,
            "customers",
            &json!({"name": "Last Moment Ltd", "reference": "LAST01"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    drop(server); // well inside the 300 ms the background saver waits
    let saved = std::fs::read_to_string(&file).expect("the state file was written");
    assert!(saved.contains("LAST01"), "the new customer was lost");
}

/// A demo with 20 customers that keeps its state in a file in `dir`.
fn with_state_file(dir: &tempfile::TempDir) -> (std::path::PathBuf, DemoConfig) {
    let file = dir.path().join("demo-state.json");
    let config = DemoConfig {
        auto_approve: true,
        customers: 20,
        state_file: Some(file.clone()),
        ..DemoConfig::default()
    };
    (file, config)
}
