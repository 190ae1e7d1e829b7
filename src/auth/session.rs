//! A signed-in session: hands out a fresh access token, refreshing shortly before expiry and
//! once after a 401, one refresh at a time; saves rotated tokens to the keyring at once;
//! signs out by revoking, deleting the keyring entry and forgetting every token.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::Mutex;

use crate::model::{Profile, Secret};

use super::flow::{refresh_tokens, revoke_token};
use super::{AuthError, TokenStore, Tokens};

/// Refresh this long before the access token expires.
const REFRESH_MARGIN: Duration = Duration::from_mins(1);

/// The tokens of one profile and how to renew them.
#[derive(Debug)]
pub struct Session {
    profile: Profile,
    http: reqwest::Client,
    client_secret: Option<Secret>,
    /// `None` when the keyring is unavailable: tokens then live in memory only.
    store: Option<TokenStore>,
    /// Locked for the whole of a refresh, so only one runs at a time.
    tokens: Mutex<Option<Tokens>>,
    /// The access token's expiry in Unix seconds (0: none), readable without waiting.
    expiry: AtomicU64,
}

fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Session {
    /// A session holding `tokens` for `profile`.
    #[must_use]
    pub fn new(
        profile: Profile,
        http: reqwest::Client,
        client_secret: Option<Secret>,
        store: Option<TokenStore>,
        tokens: Tokens,
    ) -> Self {
        Self {
            profile,
            http,
            client_secret,
            store,
            expiry: AtomicU64::new(unix_seconds(tokens.expires_at)),
            tokens: Mutex::new(Some(tokens)),
        }
    }

    /// The profile this session belongs to.
    #[must_use]
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Whether tokens are kept in the keyring (otherwise only in memory).
    #[must_use]
    pub fn remembers_tokens(&self) -> bool {
        self.store.is_some()
    }

    /// When the current access token expires.
    pub async fn expires_at(&self) -> Option<SystemTime> {
        self.tokens.lock().await.as_ref().map(|t| t.expires_at)
    }

    /// The same, without waiting for a refresh in progress (for the UI).
    #[must_use]
    pub fn expiry_now(&self) -> Option<SystemTime> {
        match self.expiry.load(Ordering::Acquire) {
            0 => None,
            seconds => Some(UNIX_EPOCH + Duration::from_secs(seconds)),
        }
    }

    /// A valid access token, refreshed first when it is about to expire.
    pub async fn access_token(&self) -> Result<Secret, AuthError> {
        let mut guard = self.tokens.lock().await;
        let Some(tokens) = guard.as_ref() else {
            return Err(AuthError::SignedOut);
        };
        if !tokens.expires_within(REFRESH_MARGIN) {
            return Ok(tokens.access.clone());
        }
        self.refresh_locked(&mut guard).await
    }

    /// After the server refused `rejected` with 401: refresh once (unless another call has
    /// refreshed meanwhile) and return the token to retry with.
    pub async fn token_after_rejection(&self, rejected: &Secret) -> Result<Secret, AuthError> {
        let mut guard = self.tokens.lock().await;
        match guard.as_ref() {
            None => Err(AuthError::SignedOut),
            Some(tokens) if &tokens.access != rejected => Ok(tokens.access.clone()),
            Some(_) => self.refresh_locked(&mut guard).await,
        }
    }

    async fn refresh_locked(&self, guard: &mut Option<Tokens>) -> Result<Secret, AuthError> {
        let Some(refresh) = guard.as_ref().and_then(|t| t.refresh.clone()) else {
            *guard = None;
            return Err(AuthError::SessionExpired);
        };
        match refresh_tokens(
            &self.profile,
            &self.http,
            self.client_secret.as_ref(),
            &refresh,
        )
        .await
        {
            Ok(fresh) => {
                let access = fresh.access.clone();
                if let Some(store) = &self.store {
                    // A rotated refresh token must be saved at once: the old one is dead.
                    if let Err(error) = store.save(fresh.clone()).await {
                        tracing::warn!(%error, "could not save refreshed tokens to the keyring");
                    }
                }
                self.expiry
                    .store(unix_seconds(fresh.expires_at), Ordering::Release);
                *guard = Some(fresh);
                tracing::info!(profile = %self.profile.name, "access token refreshed");
                Ok(access)
            }
            Err(AuthError::TokenRefused { error, .. }) if error == "invalid_grant" => {
                *guard = None;
                self.expiry.store(0, Ordering::Release);
                if let Some(store) = &self.store {
                    let _ = store.delete_tokens().await;
                }
                tracing::warn!(profile = %self.profile.name, "refresh token refused; signed out");
                Err(AuthError::SessionExpired)
            }
            Err(other) => Err(other),
        }
    }

    /// Signs out: revokes the refresh token where the profile can, deletes the keyring
    /// entry and forgets every token held in memory.
    pub async fn sign_out(&self) -> Result<(), AuthError> {
        let tokens = self.tokens.lock().await.take();
        self.expiry.store(0, Ordering::Release);
        if let Some(refresh) = tokens.as_ref().and_then(|t| t.refresh.as_ref())
            && let Err(error) = revoke_token(&self.profile, &self.http, refresh).await
        {
            tracing::warn!(%error, "could not revoke the refresh token");
        }
        drop(tokens);
        match &self.store {
            Some(store) => store.delete_tokens().await,
            None => Ok(()),
        }
    }
}
