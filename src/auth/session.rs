//! A signed-in session: hands out a fresh access token, refreshing shortly before expiry and
//! once after a 401, one refresh at a time; saves rotated tokens to the keyring at once;
//! signs out by revoking, deleting the keyring entry and forgetting every token.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::Mutex;

use crate::model::{Profile, Secret};

use super::flow::{TokenKind, refresh_tokens, revoke_token};
use super::{AuthError, TokenStore, Tokens};

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
    /// The sign-in ended by itself (its refresh token refused, or none to renew with).
    ended: AtomicBool,
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
            ended: AtomicBool::new(false),
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

    /// When the sign-in itself lapses (its refresh token ends), when known.
    pub async fn lapses_at(&self) -> Option<SystemTime> {
        self.tokens.lock().await.as_ref().and_then(|t| t.lapses_at)
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

    /// Whether the sign-in ended by itself (the provider refused its refresh token, or
    /// there was none to renew an expired token with): the app then shows it signed out.
    #[must_use]
    pub fn has_ended(&self) -> bool {
        self.ended.load(Ordering::Acquire)
    }

    /// Whether the provider issued a refresh token (without one, the sign-in ends when
    /// the access token expires).
    pub async fn can_refresh(&self) -> bool {
        self.tokens
            .lock()
            .await
            .as_ref()
            .is_some_and(|t| t.refresh.is_some())
    }

    /// A valid access token, refreshed first when it is about to expire.
    pub async fn access_token(&self) -> Result<Secret, AuthError> {
        let mut guard = self.tokens.lock().await;
        let Some(tokens) = guard.as_ref() else {
            return Err(AuthError::SignedOut);
        };
        if !tokens.expires_within(tokens.refresh_margin()) {
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
            self.end();
            return Err(AuthError::SessionExpired);
        };
        let lapses_at = guard.as_ref().and_then(|t| t.lapses_at);
        match self.renew(&refresh, lapses_at).await {
            Ok(fresh) => Ok(self.keep(guard, fresh).await),
            Err(AuthError::TokenRefused { error, .. }) if error == "invalid_grant" => {
                // Another copy of the app sharing this keyring entry may have renewed first
                // (rotation makes the older refresh token invalid): use what it saved.
                let newer = self.newer_stored(&refresh).await;
                if let Some(stored) = &newer {
                    if !stored.expires_within(stored.refresh_margin()) {
                        tracing::info!(profile = %self.profile.name, "took the tokens another window renewed");
                        return Ok(self.keep(guard, stored.clone()).await);
                    }
                    if let Some(next) = stored.refresh.clone()
                        && let Ok(fresh) = self.renew(&next, stored.lapses_at).await
                    {
                        return Ok(self.keep(guard, fresh).await);
                    }
                }
                *guard = None;
                self.end();
                // Only the refused token is deleted, never one another window saved.
                if let (Some(store), None) = (&self.store, &newer) {
                    let _ = store.delete_tokens().await;
                }
                tracing::warn!(profile = %self.profile.name, "refresh token refused; signed out");
                Err(AuthError::SessionExpired)
            }
            Err(other) => Err(other),
        }
    }

    async fn renew(
        &self,
        refresh: &Secret,
        lapses_at: Option<SystemTime>,
    ) -> Result<Tokens, AuthError> {
        refresh_tokens(
            &self.profile,
            &self.http,
            self.client_secret.as_ref(),
            refresh,
            lapses_at,
        )
        .await
    }

    /// Tokens in the keyring whose refresh token is not `refused`, if any.
    async fn newer_stored(&self, refused: &Secret) -> Option<Tokens> {
        let stored = self.store.as_ref()?.load().await.ok()??;
        stored
            .refresh
            .as_ref()
            .is_some_and(|r| r != refused)
            .then_some(stored)
    }

    /// Holds `fresh` (saved to the keyring at once: a rotated refresh token replaces the
    /// old one) and returns its access token.
    async fn keep(&self, guard: &mut Option<Tokens>, fresh: Tokens) -> Secret {
        let access = fresh.access.clone();
        // Saved before any other refresh can start: the caller holds the lock.
        if let Some(store) = &self.store
            && let Err(error) = store.save(fresh.clone()).await
        {
            tracing::warn!(%error, "could not save refreshed tokens to the keyring");
        }
        self.expiry
            .store(unix_seconds(fresh.expires_at), Ordering::Release);
        *guard = Some(fresh);
        tracing::info!(profile = %self.profile.name, "access token refreshed");
        access
    }

    fn end(&self) {
        self.expiry.store(0, Ordering::Release);
        self.ended.store(true, Ordering::Release);
    }

    /// Signs out: revokes the refresh token where the profile can (the access token when
    /// there is no refresh token), deletes the keyring entry and forgets every token held
    /// in memory.
    pub async fn sign_out(&self) -> Result<(), AuthError> {
        let tokens = self.tokens.lock().await.take();
        self.expiry.store(0, Ordering::Release);
        let revoked = tokens.as_ref().map(|t| match &t.refresh {
            Some(refresh) => (refresh, TokenKind::Refresh),
            None => (&t.access, TokenKind::Access),
        });
        if let Some((token, kind)) = revoked
            && let Err(error) = revoke_token(&self.profile, &self.http, token, kind).await
        {
            tracing::warn!(%error, ?kind, "could not revoke the token");
        }
        drop(tokens);
        match &self.store {
            Some(store) => store.delete_tokens().await,
            None => Ok(()),
        }
    }
}
