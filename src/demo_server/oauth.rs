//! The Sage ID side: `/authorize` with a consent page, `/oauth/token` (authorization code
//! with PKCE S256, refresh with rotation) and `/oauth/revoke`, following OAuth 2.0 as Sage ID
//! does: form-encoded requests, JSON answers, `{"error", "error_description"}` on failure.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Form, Json};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::DemoState;

/// The public client the demo accepts (no secret).
pub const PUBLIC_CLIENT_ID: &str = "demo-desktop";
/// A confidential client, to exercise the optional client secret.
pub const CONFIDENTIAL_CLIENT_ID: &str = "demo-confidential";
/// The secret of [`CONFIDENTIAL_CLIENT_ID`].
pub const CONFIDENTIAL_CLIENT_SECRET: &str = "demo-secret";
/// The audience Sage 200 requires.
pub const AUDIENCE: &str = "s200ukipd/sage200";

/// The demo user everyone signs in as.
pub const DEMO_USER_NAME: &str = "Demo User";
/// The demo user's e-mail address.
pub const DEMO_USER_EMAIL: &str = "demo.user@example.com";

#[derive(Debug)]
struct PendingConsent {
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    challenge: String,
    scope: String,
}

#[derive(Debug)]
struct IssuedCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    scope: String,
    issued: Instant,
    used: bool,
    /// The refresh-token family created from this code (revoked if the code is replayed).
    family: Option<u64>,
}

#[derive(Debug)]
struct AccessGrant {
    family: u64,
    expires: Instant,
}

#[derive(Debug)]
struct RefreshGrant {
    family: u64,
    client_id: String,
    scope: String,
}

/// Everything Sage ID remembers: pending consents, codes and tokens.
#[derive(Debug, Default)]
pub struct OAuthState {
    pending: HashMap<String, PendingConsent>,
    codes: HashMap<String, IssuedCode>,
    access: HashMap<String, AccessGrant>,
    /// Keyed by the SHA-256 of the token: the server never keeps refresh tokens themselves.
    refresh: HashMap<String, RefreshGrant>,
    next_family: u64,
    /// When each sign-in (token family) was made in the browser.
    family_started: HashMap<u64, Instant>,
    /// The fixed lifetime of a sign-in's refresh tokens, when set (`DemoConfig`).
    pub refresh_lifetime: Option<Duration>,
}

/// Why an access token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Unknown or revoked.
    Invalid,
    /// Past its lifetime.
    Expired,
}

impl OAuthState {
    /// Checks an access token.
    pub fn check_access(&self, token: &str) -> Result<(), TokenProblem> {
        match self.access.get(token) {
            None => Err(TokenProblem::Invalid),
            Some(grant) if grant.expires <= Instant::now() => Err(TokenProblem::Expired),
            Some(_) => Ok(()),
        }
    }

    /// The refresh grants for the state file (hashes only, never tokens).
    pub fn export(&self) -> serde_json::Value {
        let grants: Vec<serde_json::Value> = self
            .refresh
            .iter()
            .map(|(hash, g)| json!({"hash": hash, "family": g.family, "client_id": g.client_id, "scope": g.scope}))
            .collect();
        json!({ "next_family": self.next_family, "refresh_grants": grants })
    }

    /// Restores refresh grants saved by [`OAuthState::export`], so a restarted demo server
    /// still honours the refresh tokens it issued (silent sign-in across app restarts).
    pub fn import(&mut self, saved: &serde_json::Value) {
        self.next_family = self
            .next_family
            .max(saved["next_family"].as_u64().unwrap_or(0));
        for grant in saved["refresh_grants"].as_array().into_iter().flatten() {
            if let (Some(hash), Some(family)) = (grant["hash"].as_str(), grant["family"].as_u64()) {
                self.refresh.insert(
                    hash.to_owned(),
                    RefreshGrant {
                        family,
                        client_id: grant["client_id"].as_str().unwrap_or_default().to_owned(),
                        scope: grant["scope"].as_str().unwrap_or_default().to_owned(),
                    },
                );
            }
        }
    }

    /// Issues tokens directly, as if the demo user had signed in (for benchmarks and scripts).
    pub fn mint(&mut self, lifetime: Duration) -> serde_json::Value {
        self.next_family += 1;
        let family = self.next_family;
        self.issue(
            family,
            PUBLIC_CLIENT_ID,
            "openid profile email offline_access",
            lifetime,
        )
    }

    /// Makes every access token expire now (fault injection).
    pub fn expire_all_access(&mut self) {
        let now = Instant::now();
        for grant in self.access.values_mut() {
            grant.expires = now;
        }
    }

    /// Revokes every refresh token (fault injection: "refresh token revoked").
    pub fn revoke_all_refresh(&mut self) {
        let families: Vec<u64> = self.refresh.values().map(|g| g.family).collect();
        for family in families {
            self.revoke_family(family);
        }
    }

    fn revoke_family(&mut self, family: u64) {
        self.refresh.retain(|_, g| g.family != family);
        self.access.retain(|_, g| g.family != family);
    }

    fn issue(
        &mut self,
        family: u64,
        client_id: &str,
        scope: &str,
        lifetime: Duration,
    ) -> serde_json::Value {
        let access_token = random_token("at");
        self.access.insert(
            access_token.clone(),
            AccessGrant {
                family,
                expires: Instant::now() + lifetime,
            },
        );
        let mut answer = json!({
            "access_token": access_token,
            "id_token": id_token(client_id),
            "scope": scope,
            "expires_in": lifetime.as_secs(),
            "token_type": "Bearer",
        });
        // A refresh token only for offline access, as OpenID Connect Core §11 says.
        if scope.split_whitespace().any(|s| s == "offline_access") {
            let refresh_token = random_token("rt");
            self.refresh.insert(
                token_hash(&refresh_token),
                RefreshGrant {
                    family,
                    client_id: client_id.to_owned(),
                    scope: scope.to_owned(),
                },
            );
            answer["refresh_token"] = refresh_token.into();
            if let Some(total) = self.refresh_lifetime {
                let started = *self
                    .family_started
                    .entry(family)
                    .or_insert_with(Instant::now);
                answer["refresh_token_expires_in"] =
                    total.saturating_sub(started.elapsed()).as_secs().into();
            }
        }
        answer
    }
}

/// How the server remembers a refresh token: its SHA-256, hex-encoded.
fn token_hash(token: &str) -> String {
    use std::fmt::Write;
    Sha256::digest(token.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

fn random_token(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::rng().random();
    format!("demo-{prefix}-{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// An unsigned JWT naming the demo user (the client only reads it, never trusts it).
fn id_token(client_id: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(
        json!({
            "iss": "demo-sage-id", "sub": "demo|1", "aud": client_id,
            "name": DEMO_USER_NAME, "email": DEMO_USER_EMAIL,
        })
        .to_string(),
    );
    format!("{header}.{payload}.")
}

/// Whether `uri` is an `http://127.0.0.1:<port>/…` or `http://localhost:<port>/…` loopback URI.
fn is_loopback_redirect(uri: &str) -> bool {
    let Ok(url) = url::Url::parse(uri) else {
        return false;
    };
    url.scheme() == "http"
        && matches!(url.host_str(), Some("127.0.0.1" | "localhost"))
        && url.port().is_some()
        && url.fragment().is_none()
}

fn error_page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign-in error</title></head>\
         <body style=\"font-family:sans-serif;max-width:36em;margin:4em auto\">\
         <h1>Sign-in cannot continue</h1><p>{}</p></body></html>",
        escape_html(message)
    );
    (status, Html(body)).into_response()
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "The redirect address is not valid.",
        );
    };
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in params {
            query.append_pair(k, v);
        }
    }
    Redirect::to(url.as_str()).into_response()
}

/// Query of `GET /authorize`.
#[derive(Debug, Deserialize)]
pub struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    scope: Option<String>,
    audience: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    prompt: Option<String>,
}

/// `GET /authorize`: checks the request, then shows the consent page (or, with
/// auto-approve, redirects with a code at once).
pub async fn authorize(
    State(state): State<Arc<DemoState>>,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    let client_id = q.client_id.unwrap_or_default();
    if client_id != PUBLIC_CLIENT_ID && client_id != CONFIDENTIAL_CLIENT_ID {
        return error_page(
            StatusCode::BAD_REQUEST,
            &format!("Unknown client '{client_id}'."),
        );
    }
    let redirect_uri = q.redirect_uri.unwrap_or_default();
    if !is_loopback_redirect(&redirect_uri) {
        // Never redirect to an address that is not registered: show the error here.
        return error_page(
            StatusCode::BAD_REQUEST,
            "The redirect address must be a loopback address such as http://127.0.0.1:PORT/callback.",
        );
    }
    let fail = |error: &str, description: &str| {
        let mut params = vec![("error", error), ("error_description", description)];
        if let Some(s) = q.state.as_deref() {
            params.push(("state", s));
        }
        redirect_with(&redirect_uri, &params)
    };
    if q.response_type.as_deref() != Some("code") {
        return fail(
            "unsupported_response_type",
            "Only response_type=code is supported.",
        );
    }
    if q.audience.as_deref() != Some(AUDIENCE) {
        return fail(
            "invalid_request",
            "The audience parameter is missing or wrong.",
        );
    }
    let challenge = q.code_challenge.unwrap_or_default();
    if q.code_challenge_method.as_deref() != Some("S256") || challenge.len() != 43 {
        return fail(
            "invalid_request",
            "PKCE with code_challenge_method=S256 is required.",
        );
    }
    let mut scope = q.scope.unwrap_or_else(|| "openid".into());
    let consent_asked = q
        .prompt
        .as_deref()
        .is_some_and(|p| p.split_whitespace().any(|p| p == "consent"));
    if state.config.refresh_needs_consent_prompt && !consent_asked {
        // Offline access is not granted without prompt=consent: no refresh token.
        scope = scope
            .split_whitespace()
            .filter(|s| *s != "offline_access")
            .collect::<Vec<_>>()
            .join(" ");
    }
    let consent = PendingConsent {
        client_id,
        redirect_uri,
        state: q.state,
        challenge,
        scope,
    };
    if state.config.auto_approve {
        return approve(&state, consent);
    }
    let request_id = random_token("consent");
    let page = consent_page(&request_id, &consent);
    state.lock_oauth().pending.insert(request_id, consent);
    ([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}

fn consent_page(request_id: &str, consent: &PendingConsent) -> String {
    let scopes = escape_html(&consent.scope);
    let id = escape_html(request_id);
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Sign in - Sage ID (demo)</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #f2f5f3; margin: 0; }}
main {{ max-width: 26em; margin: 6em auto; background: #fff; padding: 2em 2.4em;
        border-radius: 10px; box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
h1 {{ font-size: 1.3em; margin-top: 0; }} .user {{ color: #333; }}
button {{ font-size: 1em; padding: .55em 1.4em; border-radius: 6px; border: 1px solid #0a7a4a;
          cursor: pointer; margin-right: .6em; }}
#allow {{ background: #00a65a; color: #fff; border-color: #00a65a; }}
#deny {{ background: #fff; color: #333; border-color: #999; }}
small {{ color: #666; }}
</style></head><body><main>
<h1>Sign in to Sage 200 (demo)</h1>
<p class="user">Signed in as <b>{DEMO_USER_NAME}</b> ({DEMO_USER_EMAIL}).</p>
<p>The desktop app asks to use your Sage 200 companies with these permissions: <code>{scopes}</code>.</p>
<form method="post" action="/authorize/decision">
<input type="hidden" name="request_id" value="{id}">
<button id="allow" type="submit" name="decision" value="allow">Allow</button>
<button id="deny" type="submit" name="decision" value="deny">Deny</button>
</form>
<p><small>This page is served by the sage200-desk demo server; no real account is used.</small></p>
</main></body></html>"#
    )
}

/// Form of `POST /authorize/decision`.
#[derive(Debug, Deserialize)]
pub struct Decision {
    request_id: String,
    decision: String,
}

/// `POST /authorize/decision`: the user pressed Allow or Deny.
pub async fn decide(State(state): State<Arc<DemoState>>, Form(form): Form<Decision>) -> Response {
    let Some(consent) = state.lock_oauth().pending.remove(&form.request_id) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "This sign-in request has expired or was already answered.",
        );
    };
    if form.decision == "allow" {
        approve(&state, consent)
    } else {
        let mut params = vec![
            ("error", "access_denied"),
            ("error_description", "The user denied access."),
        ];
        if let Some(s) = consent.state.as_deref() {
            params.push(("state", s));
        }
        redirect_with(&consent.redirect_uri, &params)
    }
}

fn approve(state: &DemoState, consent: PendingConsent) -> Response {
    let code = random_token("code");
    let redirect_uri = consent.redirect_uri.clone();
    let returned_state = consent.state.clone();
    state.lock_oauth().codes.insert(
        code.clone(),
        IssuedCode {
            client_id: consent.client_id,
            redirect_uri: consent.redirect_uri,
            challenge: consent.challenge,
            scope: consent.scope,
            issued: Instant::now(),
            used: false,
            family: None,
        },
    );
    let mut params = vec![("code", code.as_str())];
    if let Some(s) = returned_state.as_deref() {
        params.push(("state", s));
    }
    redirect_with(&redirect_uri, &params)
}

/// Form of `POST /oauth/token`.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn client_is_valid(form: &TokenForm) -> bool {
    match form.client_id.as_deref() {
        Some(PUBLIC_CLIENT_ID) => form.client_secret.is_none(),
        Some(CONFIDENTIAL_CLIENT_ID) => {
            form.client_secret.as_deref() == Some(CONFIDENTIAL_CLIENT_SECRET)
        }
        _ => false,
    }
}

/// A PKCE verifier per RFC 7636: 43–128 characters of `A-Z a-z 0-9 - . _ ~`.
fn verifier_is_well_formed(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// `POST /oauth/token`.
#[allow(clippy::too_many_lines)] // both grants in one place, each check in order
pub async fn token(
    State(state): State<Arc<DemoState>>,
    form: Result<Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The body must be form-encoded.",
        );
    };
    if !client_is_valid(&form) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed.",
        );
    }
    let client_id = form.client_id.clone().unwrap_or_default();
    let lifetime = state.config.access_token_lifetime;
    match form.grant_type.as_deref() {
        Some("authorization_code") => {
            let mut oauth = state.lock_oauth();
            let code = form.code.clone().unwrap_or_default();
            let Some(issued) = oauth.codes.get_mut(&code) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Unknown authorization code.",
                );
            };
            if issued.used {
                // A replayed code: revoke what it produced, as RFC 6749 §4.1.2 recommends.
                let family = issued.family;
                if let Some(family) = family {
                    oauth.revoke_family(family);
                }
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The authorization code was already used.",
                );
            }
            if issued.issued.elapsed() > state.config.code_lifetime {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The authorization code has expired.",
                );
            }
            if issued.client_id != client_id {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The code was issued to another client.",
                );
            }
            if form.redirect_uri.as_deref() != Some(issued.redirect_uri.as_str()) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "redirect_uri does not match the authorization request.",
                );
            }
            let verifier = form.code_verifier.clone().unwrap_or_default();
            if !verifier_is_well_formed(&verifier) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "code_verifier is missing or malformed.",
                );
            }
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if computed != issued.challenge {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The code_verifier does not match the code_challenge.",
                );
            }
            issued.used = true;
            let scope = issued.scope.clone();
            oauth.next_family += 1;
            let family = oauth.next_family;
            if let Some(issued) = oauth.codes.get_mut(&code) {
                issued.family = Some(family);
            }
            let body = oauth.issue(family, &client_id, &scope, lifetime);
            drop(oauth);
            state.mark_changed();
            ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
        }
        Some("refresh_token") => {
            let mut oauth = state.lock_oauth();
            let presented = form.refresh_token.clone().unwrap_or_default();
            let Some(grant) = oauth.refresh.remove(&token_hash(&presented)) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The refresh token is invalid, expired or revoked.",
                );
            };
            if grant.client_id != client_id {
                oauth.refresh.insert(token_hash(&presented), grant);
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The refresh token was issued to another client.",
                );
            }
            if let (Some(total), Some(started)) = (
                oauth.refresh_lifetime,
                oauth.family_started.get(&grant.family),
            ) && started.elapsed() >= total
            {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The sign-in has lapsed: sign in again.",
                );
            }
            // Rotation: the presented token is gone; a new one replaces it.
            let body = oauth.issue(grant.family, &client_id, &grant.scope, lifetime);
            drop(oauth);
            state.mark_changed();
            ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
        }
        Some(other) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Grant type '{other}' is not supported."),
        ),
        None => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type is required.",
        ),
    }
}

/// Form of `POST /oauth/revoke`.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    token: Option<String>,
}

/// `POST /oauth/revoke`: invalidates a refresh token and every access token of its family
/// (or one access token). Always 200, as RFC 7009 asks.
pub async fn revoke(
    State(state): State<Arc<DemoState>>,
    form: Result<Form<RevokeForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let token = form.ok().and_then(|Form(f)| f.token).unwrap_or_default();
    let mut oauth = state.lock_oauth();
    if let Some(grant) = oauth.refresh.get(&token_hash(&token)) {
        let family = grant.family;
        oauth.revoke_family(family);
    } else {
        oauth.access.remove(&token);
    }
    drop(oauth);
    state.mark_changed();
    StatusCode::OK.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_redirects_with_a_port_are_accepted() {
        assert!(is_loopback_redirect("http://127.0.0.1:5000/callback"));
        assert!(is_loopback_redirect("http://localhost:33333/callback"));
        assert!(!is_loopback_redirect("http://127.0.0.1/callback"));
        assert!(!is_loopback_redirect("https://evil.example/callback"));
        assert!(!is_loopback_redirect("http://0.0.0.0:80/callback"));
        assert!(!is_loopback_redirect("not a url"));
    }

    #[test]
    fn verifiers_follow_rfc_7636() {
        assert!(verifier_is_well_formed(&"a".repeat(43)));
        assert!(!verifier_is_well_formed(&"a".repeat(42)));
        assert!(!verifier_is_well_formed(&"a".repeat(129)));
        assert!(!verifier_is_well_formed(&format!("{}+", "a".repeat(43))));
    }
}
