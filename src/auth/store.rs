//! Tokens and client secrets in the OS keyring (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows), one entry per profile — and nowhere else. Every call
//! here blocks, so the async wrappers run it on tokio's blocking pool, never on the UI
//! thread nor on a runtime worker.

use crate::model::Secret;

use super::{AuthError, Tokens};

/// The keyring service name of every entry the app writes.
const SERVICE: &str = "sage200-desk";

/// Whether the OS keyring can be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyringStatus {
    /// Tokens are remembered between runs.
    Available,
    /// No keyring: tokens live in memory only, for this run.
    Unavailable(String),
}

/// Probes the keyring once (blocking; call it off the UI thread).
#[must_use]
pub fn keyring_status() -> KeyringStatus {
    match keyring::Entry::store_status() {
        Ok(()) => match keyring::Entry::new(SERVICE, "probe") {
            Ok(_) => KeyringStatus::Available,
            Err(e) => KeyringStatus::Unavailable(e.to_string()),
        },
        Err(e) => KeyringStatus::Unavailable(e.to_string()),
    }
}

/// The keyring entries of one profile.
#[derive(Debug, Clone)]
pub struct TokenStore {
    profile: String,
}

fn keyring_error(error: &keyring::Error) -> AuthError {
    AuthError::Keyring(error.to_string())
}

impl TokenStore {
    /// The entries of the profile named `profile`.
    #[must_use]
    pub fn new(profile: &str) -> Self {
        Self {
            profile: profile.to_owned(),
        }
    }

    fn entry(&self, suffix: &str) -> Result<keyring::Entry, AuthError> {
        keyring::Entry::new(SERVICE, &format!("{}{suffix}", self.profile))
            .map_err(|e| keyring_error(&e))
    }

    fn read(&self, suffix: &str) -> Result<Option<String>, AuthError> {
        match self.entry(suffix)?.get_password() {
            Ok(text) => Ok(Some(text)),
            Err(keyring::Error::NoEntry) => Ok(None),
            // Secret Service: the item was deleted between finding and reading it.
            Err(keyring::Error::PlatformFailure(e)) if e.to_string().contains("does not exist") => {
                Ok(None)
            }
            Err(e) => Err(keyring_error(&e)),
        }
    }

    fn delete(&self, suffix: &str) -> Result<(), AuthError> {
        match self.entry(suffix)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(&e)),
        }
    }

    /// Stores the tokens (blocking).
    pub fn save_blocking(&self, tokens: &Tokens) -> Result<(), AuthError> {
        self.entry("")?
            .set_password(&tokens.to_keyring())
            .map_err(|e| keyring_error(&e))
    }

    /// Reads the stored tokens, if any (blocking).
    pub fn load_blocking(&self) -> Result<Option<Tokens>, AuthError> {
        Ok(self.read("")?.and_then(|text| Tokens::from_keyring(&text)))
    }

    /// Deletes the stored tokens (blocking).
    pub fn delete_blocking(&self) -> Result<(), AuthError> {
        self.delete("")
    }

    /// Stores the profile's client secret (blocking).
    pub fn save_client_secret_blocking(&self, secret: &Secret) -> Result<(), AuthError> {
        self.entry("#client-secret")?
            .set_password(secret.expose())
            .map_err(|e| keyring_error(&e))
    }

    /// Reads the profile's client secret (blocking).
    pub fn load_client_secret_blocking(&self) -> Result<Option<Secret>, AuthError> {
        Ok(self.read("#client-secret")?.map(Secret::new))
    }

    /// Deletes the profile's client secret (blocking).
    pub fn delete_client_secret_blocking(&self) -> Result<(), AuthError> {
        self.delete("#client-secret")
    }

    /// [`Self::save_blocking`] on the blocking pool.
    pub async fn save(&self, tokens: Tokens) -> Result<(), AuthError> {
        let store = self.clone();
        blocking(move || store.save_blocking(&tokens)).await
    }

    /// [`Self::load_blocking`] on the blocking pool.
    pub async fn load(&self) -> Result<Option<Tokens>, AuthError> {
        let store = self.clone();
        blocking(move || store.load_blocking()).await
    }

    /// [`Self::delete_blocking`] on the blocking pool.
    pub async fn delete_tokens(&self) -> Result<(), AuthError> {
        let store = self.clone();
        blocking(move || store.delete_blocking()).await
    }

    /// [`Self::load_client_secret_blocking`] on the blocking pool.
    pub async fn client_secret(&self) -> Result<Option<Secret>, AuthError> {
        let store = self.clone();
        blocking(move || store.load_client_secret_blocking()).await
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
) -> Result<T, AuthError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AuthError::Keyring(format!("the keyring call did not finish: {e}")))?
}
