//! The authorization-code flow with PKCE (S256) on the `oauth2` crate: build the authorize
//! URL for the system browser, wait on the loopback listener, exchange the code; refresh
//! and revoke. The token client never follows redirects.

use std::time::{Duration, SystemTime};

use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardErrorResponse,
    TokenResponse, TokenUrl,
};

use crate::model::{Profile, Secret};

use super::loopback::LoopbackListener;
use super::token_http::TokenClient;
use super::{AuthError, Tokens};

/// How long the app waits for the user in the browser.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_mins(5);

/// A started sign-in: the URL to open, and the listener waiting for its answer.
#[derive(Debug)]
pub struct PendingSignIn {
    /// The authorize URL for the system browser (holds no secret).
    pub authorize_url: String,
    listener: LoopbackListener,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
}

impl PendingSignIn {
    /// The `state` value the callback must carry.
    #[must_use]
    pub fn state(&self) -> &str {
        self.state.secret()
    }

    /// The redirect URI the listener answers on.
    #[must_use]
    pub fn redirect_uri(&self) -> &str {
        self.listener.redirect_uri()
    }

    /// Waits for the browser (at most `timeout`), then exchanges the code for tokens.
    pub async fn finish(
        self,
        profile: &Profile,
        http: &reqwest::Client,
        client_secret: Option<&Secret>,
        timeout: Duration,
    ) -> Result<Tokens, AuthError> {
        let redirect_uri = self.listener.redirect_uri().to_owned();
        let code = self.listener.wait(self.state.secret(), timeout).await?;
        let client = oauth_client(profile, client_secret)?.set_redirect_uri(
            RedirectUrl::new(redirect_uri).map_err(|e| AuthError::Profile(e.to_string()))?,
        );
        let token_client = TokenClient::new(http.clone());
        let answer = client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(self.verifier)
            .request_async(&token_client)
            .await;
        let mut tokens = tokens_from(answer, None)?;
        // When the sign-in lapses: the provider's word, else the profile's lifetime.
        tokens.lapses_at = token_client
            .refresh_lifetime()
            .or_else(|| {
                profile
                    .sign_in_lifetime_days
                    .map(|days| Duration::from_secs(u64::from(days) * 86_400))
            })
            .map(|lifetime| tokens.issued_at + lifetime);
        Ok(tokens)
    }
}

type TokenAnswer = Result<
    oauth2::basic::BasicTokenResponse,
    RequestTokenError<
        super::token_http::TokenHttpError,
        StandardErrorResponse<BasicErrorResponseType>,
    >,
>;

fn tokens_from(
    answer: TokenAnswer,
    previous_refresh: Option<&Secret>,
) -> Result<Tokens, AuthError> {
    match answer {
        Ok(response) => {
            let lifetime = response.expires_in().unwrap_or(Duration::from_hours(1));
            Ok(Tokens {
                issued_at: SystemTime::now(),
                access: Secret::new(response.access_token().secret().clone()),
                // Rotation is unconfirmed for Sage: keep the newest token, else the old one.
                refresh: response
                    .refresh_token()
                    .map(|t| Secret::new(t.secret().clone()))
                    .or_else(|| previous_refresh.cloned()),
                expires_at: SystemTime::now() + lifetime,
                lapses_at: None,
            })
        }
        Err(RequestTokenError::ServerResponse(error)) => Err(AuthError::TokenRefused {
            error: error.error().as_ref().to_owned(),
            description: error.error_description().cloned().unwrap_or_default(),
        }),
        Err(RequestTokenError::Request(error)) => Err(AuthError::Network(error.to_string())),
        Err(RequestTokenError::Parse(error, _)) => Err(AuthError::Network(format!(
            "the token answer could not be read ({error})"
        ))),
        Err(RequestTokenError::Other(detail)) => Err(AuthError::Network(detail)),
    }
}

type ConfiguredClient = BasicClient<
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn oauth_client(
    profile: &Profile,
    client_secret: Option<&Secret>,
) -> Result<ConfiguredClient, AuthError> {
    profile.validate().map_err(AuthError::Profile)?;
    let bad =
        |e: oauth2::url::ParseError| AuthError::Profile(format!("a sign-in URL is not valid: {e}"));
    let mut client = BasicClient::new(ClientId::new(profile.client_id.clone()))
        .set_auth_uri(AuthUrl::new(profile.authorize_url.clone()).map_err(bad)?)
        .set_token_uri(TokenUrl::new(profile.token_url.clone()).map_err(bad)?)
        // Sage expects the secret, when there is one, in the body, not in a Basic header.
        .set_auth_type(AuthType::RequestBody);
    if let Some(secret) = client_secret.filter(|s| !s.is_empty()) {
        client = client.set_client_secret(ClientSecret::new(secret.expose().to_owned()));
    }
    Ok(client)
}

/// Binds the loopback listener and builds the authorize URL (PKCE S256, random `state`,
/// `audience`, the profile's scopes). Nothing is opened yet.
pub async fn prepare_sign_in(profile: &Profile) -> Result<PendingSignIn, AuthError> {
    profile.validate().map_err(AuthError::Profile)?;
    // The listener is up before the browser can possibly come back.
    let listener = LoopbackListener::bind(&profile.redirect)
        .await?
        .for_provider(&profile.provider_name(), profile.issuer.as_deref());
    let client = oauth_client(profile, None)?.set_redirect_uri(
        RedirectUrl::new(listener.redirect_uri().to_owned())
            .map_err(|e| AuthError::Profile(e.to_string()))?,
    );
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(challenge)
        .add_scopes(profile.scopes.iter().map(|s| Scope::new(s.clone())));
    if !profile.audience.is_empty() {
        request = request.add_extra_param("audience", profile.audience.clone());
    }
    for (name, value) in &profile.authorize_params {
        if !name.trim().is_empty() {
            request = request.add_extra_param(name.trim().to_owned(), value.clone());
        }
    }
    let (url, state) = request.url();
    Ok(PendingSignIn {
        authorize_url: url.to_string(),
        listener,
        state,
        verifier,
    })
}

/// Exchanges a refresh token for new tokens. The sign-in's lapse is `lapses_at` (the
/// previous tokens'), unless the answer gives a new `refresh_token_expires_in`.
pub async fn refresh_tokens(
    profile: &Profile,
    http: &reqwest::Client,
    client_secret: Option<&Secret>,
    refresh_token: &Secret,
    lapses_at: Option<SystemTime>,
) -> Result<Tokens, AuthError> {
    let client = oauth_client(profile, client_secret)?;
    let token = RefreshToken::new(refresh_token.expose().to_owned());
    let token_client = TokenClient::new(http.clone());
    let answer = client
        .exchange_refresh_token(&token)
        .request_async(&token_client)
        .await;
    let mut tokens = tokens_from(answer, Some(refresh_token))?;
    tokens.lapses_at = token_client
        .refresh_lifetime()
        .map(|lifetime| tokens.issued_at + lifetime)
        .or(lapses_at);
    Ok(tokens)
}

/// Which kind of token is revoked (RFC 7009's `token_type_hint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A refresh token (revoking it ends the grant).
    Refresh,
    /// An access token (when no refresh token was issued).
    Access,
}

/// Asks the profile's revoke endpoint to forget `token` (RFC 7009); best effort.
pub async fn revoke_token(
    profile: &Profile,
    http: &reqwest::Client,
    token: &Secret,
    kind: TokenKind,
) -> Result<(), AuthError> {
    let Some(url) = profile.revoke_url.as_deref() else {
        return Ok(());
    };
    let answer = http
        .post(url)
        .form(&[
            ("token", token.expose()),
            (
                "token_type_hint",
                match kind {
                    TokenKind::Refresh => "refresh_token",
                    TokenKind::Access => "access_token",
                },
            ),
            ("client_id", profile.client_id.as_str()),
        ])
        .send()
        .await
        .map_err(|e| AuthError::Network(e.without_url().to_string()))?;
    if answer.status().is_success() {
        Ok(())
    } else {
        Err(AuthError::Network(format!(
            "the revoke endpoint answered {}",
            answer.status()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The PKCE verifier rules of RFC 7636: 43–128 characters of the unreserved set.
    fn verifier_is_valid(verifier: &str) -> bool {
        (43..=128).contains(&verifier.len())
            && verifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    }

    #[tokio::test]
    async fn authorize_urls_carry_pkce_state_audience_and_scopes() {
        let profile = Profile::demo("http://127.0.0.1:9");
        let pending = prepare_sign_in(&profile).await.unwrap();
        let url = url::Url::parse(&pending.authorize_url).unwrap();
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "demo-desktop");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["code_challenge"].len(), 43);
        assert_eq!(q["audience"], "s200ukipd/sage200");
        assert!(q["scope"].contains("offline_access"));
        assert_eq!(q["state"], pending.state());
        assert!(pending.state().len() >= 16);
        assert!(q["redirect_uri"].starts_with("http://127.0.0.1:"));
        assert!(verifier_is_valid(pending.verifier.secret()));
        let other = prepare_sign_in(&profile).await.unwrap();
        assert_ne!(other.state(), pending.state(), "state is random");
        assert_ne!(
            other.verifier.secret(),
            pending.verifier.secret(),
            "so is the verifier"
        );
    }

    /// A one-shot HTTP server on 127.0.0.1 that answers every request with `answer`.
    async fn token_endpoint(answer: &'static str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buffer = [0_u8; 4096];
                let _ = stream.read(&mut buffer).await;
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            }
        });
        format!("http://{address}/oauth/token")
    }

    /// Token answers as real providers and proxies send them, through the real exchange.
    #[tokio::test]
    async fn odd_token_answers_are_read_or_reported_precisely() {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let refresh = Secret::new("r0");
        let with_endpoint = |url: String| Profile {
            token_url: url,
            ..Profile::demo("http://127.0.0.1:9")
        };

        // `expires_in` as a string, the JSON labelled text/plain: read.
        let url = token_endpoint(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n{\"access_token\":\"a1\",\"token_type\":\"Bearer\",\"expires_in\":\"120\",\"refresh_token\":\"r1\"}",
        )
        .await;
        let tokens = refresh_tokens(&with_endpoint(url), &http, None, &refresh, None)
            .await
            .unwrap();
        assert_eq!(tokens.access.expose(), "a1");
        let lifetime = tokens.expires_at.duration_since(tokens.issued_at).unwrap();
        assert!(lifetime.as_secs().abs_diff(120) <= 1, "{lifetime:?}");

        // A proxy's HTML error page: its status and the start of its text.
        let url = token_endpoint(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body><h1>Service Unavailable</h1><p>Back soon.</p></body></html>",
        )
        .await;
        let error = refresh_tokens(&with_endpoint(url), &http, None, &refresh, None)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("503") && error.contains("Service Unavailable Back soon."),
            "{error}"
        );

        // An OAuth error sent as text/plain: read as the error it is.
        let url = token_endpoint(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n{\"error\":\"invalid_grant\",\"error_description\":\"gone\"}",
        )
        .await;
        let refused = refresh_tokens(&with_endpoint(url), &http, None, &refresh, None).await;
        assert!(
            matches!(&refused, Err(AuthError::TokenRefused { error, description }) if error == "invalid_grant" && description == "gone"),
            "{refused:?}"
        );
    }
}
