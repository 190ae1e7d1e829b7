//! The sign-in work the app runs on the runtime: start-up (keyring probe and silent
//! sign-in), interactive sign-in through the system browser, and sign-out. Also the glue
//! that lets the API client take its tokens from an `auth::Session`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::future::BoxFuture;
use tokio::sync::mpsc::UnboundedSender;

use crate::api::{ApiClient, ApiError, TokenProvider};
use crate::auth::{AuthError, KeyringStatus, Session, TokenStore, keyring_status, prepare_sign_in};
use crate::model::{CurrentUser, Profile, ResponseMeta, Secret};

use crate::screens::shared::{UserError, capitalise};

/// Who follows the authorize URL to the provider and back to the loopback listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follower {
    /// The user's system browser (Sage ID and any real provider: the user signs in there).
    SystemBrowser,
    /// The app itself, following the redirects: only for the in-process demo server, which
    /// approves at once, so `--demo` needs no browser at all.
    App,
    /// Nobody: the caller drives the URL (UI tests).
    Nobody,
}

/// Progress of an interactive sign-in, reported before the task finishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInProgress {
    /// The browser was sent to this URL; waiting for the user.
    Waiting(String),
    /// The browser came back; exchanging the code.
    Finishing,
}

/// A finished sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The session that renews tokens.
    pub session: Arc<Session>,
    /// The API client that uses it.
    pub client: ApiClient,
    /// Who signed in; `None` when the API could not be asked (the sign-in itself holds).
    pub user: Option<CurrentUser>,
    /// The `current_user` exchange, for the status bar.
    pub meta: Option<ResponseMeta>,
    /// When the access token expires.
    pub expires_at: Option<SystemTime>,
    /// When the sign-in itself lapses, when known.
    pub lapses_at: Option<SystemTime>,
    /// Why the API could not say who signed in, when it could not (shown as an error,
    /// with Sign out still offered).
    pub problem: Option<UserError>,
    /// What to tell the user about the sign-in (e.g. that no refresh token came back).
    pub notice: Option<String>,
}

/// What start-up found.
#[derive(Debug)]
pub struct Startup {
    /// Whether the OS keyring works.
    pub keyring: KeyringStatus,
    /// The silent sign-in: nothing stored, signed in, or a stored sign-in that failed.
    pub signed_in: Result<Option<SignedIn>, UserError>,
}

/// Lets the API client take tokens from the session.
struct SessionTokens(Arc<Session>);

fn to_api_error(error: &AuthError) -> ApiError {
    if error.needs_sign_in() {
        ApiError::SignIn {
            detail: capitalise(&error.to_string()),
        }
    } else {
        ApiError::Network {
            detail: error.to_string(),
        }
    }
}

impl TokenProvider for SessionTokens {
    fn token(&self) -> BoxFuture<'_, Result<Secret, ApiError>> {
        Box::pin(async move { self.0.access_token().await.map_err(|e| to_api_error(&e)) })
    }

    fn token_after_rejection<'a>(
        &'a self,
        rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Secret, ApiError>> {
        Box::pin(async move {
            self.0
                .token_after_rejection(rejected)
                .await
                .map_err(|e| to_api_error(&e))
        })
    }
}

fn auth_failure(error: &AuthError) -> UserError {
    let advice = match error {
        AuthError::Profile(_) => "Complete the profile in Settings, then sign in.",
        AuthError::Keyring(_) => "Check that the system keyring is unlocked.",
        AuthError::Network(_) => "Check the network and the profile's URLs, then try again.",
        _ => "Sign in again.",
    };
    UserError {
        message: capitalise(&error.to_string()),
        advice: advice.to_owned(),
    }
}

async fn client_secret(
    profile: &Profile,
    store: Option<&TokenStore>,
) -> Result<Option<Secret>, UserError> {
    match (profile.uses_client_secret, store) {
        (true, Some(store)) => store.client_secret().await.map_err(|e| auth_failure(&e)),
        _ => Ok(None),
    }
}

/// Builds the session and client, and asks who signed in (which refreshes the token when
/// it has expired). Once tokens are held the user is signed in: an API that cannot be
/// reached is a problem to show, not a failed sign-in; only a sign-in the provider no
/// longer accepts is an error.
async fn finish(
    profile: Profile,
    http: reqwest::Client,
    secret: Option<Secret>,
    store: Option<TokenStore>,
    tokens: crate::auth::Tokens,
) -> Result<SignedIn, UserError> {
    let session = Arc::new(Session::new(
        profile.clone(),
        http.clone(),
        secret,
        store,
        tokens,
    ));
    let client = ApiClient::new(http, &profile, Arc::new(SessionTokens(session.clone())))
        .map_err(|e| UserError::from(&e))?;
    let (user, meta, problem) = match client.current_user().await {
        Ok(answer) => (Some(answer.body), Some(answer.meta), None),
        Err(error @ ApiError::SignIn { .. }) => return Err(UserError::from(&error)),
        Err(error) => {
            tracing::warn!(%error, "signed in, but the API could not say who");
            let mut problem = UserError::from(&error);
            problem.message = format!(
                "Signed in, but the API could not say who you are: {}",
                problem.message
            );
            (None, None, Some(problem))
        }
    };
    let expires_at = session.expires_at().await;
    let lapses_at = session.lapses_at().await;
    let notice = if session.can_refresh().await {
        None
    } else {
        Some(format!(
            "{} issued no refresh token, so this sign-in ends when the access token expires. If the provider needs it, add prompt=consent to the profile's sign-in parameters in Settings.",
            capitalise(&profile.provider_name())
        ))
    };
    Ok(SignedIn {
        session,
        client,
        user,
        meta,
        expires_at,
        lapses_at,
        problem,
        notice,
    })
}

/// Probes the keyring and signs in silently with a stored refresh token, if any.
pub async fn startup(profile: Profile, http: reqwest::Client, keyring_scope: String) -> Startup {
    let keyring = tokio::task::spawn_blocking(keyring_status)
        .await
        .unwrap_or_else(|e| KeyringStatus::Unavailable(e.to_string()));
    let signed_in = match &keyring {
        KeyringStatus::Unavailable(reason) => {
            tracing::warn!(%reason, "no system keyring: tokens will live in memory only");
            Ok(None)
        }
        KeyringStatus::Available => silent_sign_in(profile, http, &keyring_scope).await,
    };
    Startup { keyring, signed_in }
}

async fn silent_sign_in(
    profile: Profile,
    http: reqwest::Client,
    keyring_scope: &str,
) -> Result<Option<SignedIn>, UserError> {
    if profile.validate().is_err() {
        return Ok(None);
    }
    let store = TokenStore::new(&format!("{keyring_scope}{}", profile.name));
    let Some(tokens) = store.load().await.map_err(|e| auth_failure(&e))? else {
        return Ok(None);
    };
    tracing::info!(profile = %profile.name, "signing in silently with the stored refresh token");
    let secret = client_secret(&profile, Some(&store)).await?;
    finish(profile, http, secret, Some(store), tokens)
        .await
        .map(Some)
}

/// Signs in through the system browser: listener up, browser opened (when `open_browser`),
/// code exchanged, tokens kept in the keyring (or memory), user fetched.
pub async fn interactive_sign_in(
    profile: Profile,
    http: reqwest::Client,
    keyring_scope: Option<String>,
    follower: Follower,
    timeout: Duration,
    progress: UnboundedSender<SignInProgress>,
) -> Result<SignedIn, UserError> {
    // `None`: no keyring, so the tokens stay in memory for this run only.
    let store = keyring_scope.map(|scope| TokenStore::new(&format!("{scope}{}", profile.name)));
    let secret = client_secret(&profile, store.as_ref()).await?;
    let pending = prepare_sign_in(&profile)
        .await
        .map_err(|e| auth_failure(&e))?;
    let url = pending.authorize_url.clone();
    let _ = progress.send(SignInProgress::Waiting(url.clone()));
    match follower {
        Follower::SystemBrowser => {
            let opened = tokio::task::spawn_blocking(move || open::that_detached(&url)).await;
            if !matches!(opened, Ok(Ok(()))) {
                tracing::warn!("no browser could be opened; the user can copy the address");
            }
        }
        Follower::App => {
            // The demo approves at once: its redirect leads to the loopback listener,
            // which takes the code as it would from a browser.
            tokio::spawn(async move {
                let follow = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::limited(5))
                    .timeout(Duration::from_secs(30))
                    .build();
                match follow {
                    Ok(client) => {
                        if let Err(error) = client.get(&url).send().await {
                            tracing::warn!(error = %error.without_url(), "following the demo's sign-in failed");
                        }
                    }
                    Err(error) => tracing::warn!(%error, "no client to follow the demo's sign-in"),
                }
            });
        }
        Follower::Nobody => {}
    }
    let tokens = pending
        .finish(&profile, &http, secret.as_ref(), timeout)
        .await
        .map_err(|e| auth_failure(&e))?;
    let _ = progress.send(SignInProgress::Finishing);
    if let Some(store) = &store
        && let Err(error) = store.save(tokens.clone()).await
    {
        tracing::warn!(%error, "could not save the tokens to the keyring");
    }
    finish(profile, http, secret, store, tokens).await
}

/// Signs out: revoke, delete the keyring entry, forget the tokens.
pub async fn sign_out(session: Arc<Session>) -> Result<(), UserError> {
    session.sign_out().await.map_err(|e| auth_failure(&e))
}
