//! Why signing in or refreshing failed, in words a user can act on.

use thiserror::Error;

/// A sign-in, refresh or token-store failure.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// The profile is incomplete or wrong.
    #[error("{0}")]
    Profile(String),
    /// The loopback listener could not start.
    #[error("could not listen for the browser's answer on {address}: {detail}")]
    Listener {
        /// The address it tried.
        address: String,
        /// What the OS said.
        detail: String,
    },
    /// The user did not finish in the browser in time.
    #[error("sign-in timed out: the browser did not come back in time")]
    TimedOut,
    /// The user (or the app) cancelled.
    #[error("sign-in was cancelled")]
    Cancelled,
    /// The browser's answer names another issuer than the profile's (RFC 9207): possibly a
    /// mix-up between providers.
    #[error("the sign-in answer came from {named}, not from {expected}; it was refused")]
    IssuerMismatch {
        /// The profile's issuer.
        expected: String,
        /// The issuer the answer named.
        named: String,
    },
    /// Sage ID said no (`access_denied` or another `error=`).
    #[error("sign-in was refused: {description}")]
    Denied {
        /// The OAuth error code.
        error: String,
        /// Its description.
        description: String,
    },
    /// The token endpoint refused (`invalid_grant`, `invalid_client`, …).
    #[error("Sage ID refused the request ({error}): {description}")]
    TokenRefused {
        /// The OAuth error code.
        error: String,
        /// Its description.
        description: String,
    },
    /// The stored sign-in is no longer valid; the user must sign in again.
    #[error("your sign-in has expired or was revoked; sign in again")]
    SessionExpired,
    /// Not signed in.
    #[error("not signed in")]
    SignedOut,
    /// The identity server could not be reached or answered nonsense.
    #[error("could not reach Sage ID: {0}")]
    Network(String),
    /// The OS keyring failed.
    #[error("the system keyring failed: {0}")]
    Keyring(String),
}

impl AuthError {
    /// Whether the user has to sign in again (as opposed to retrying later).
    #[must_use]
    pub fn needs_sign_in(&self) -> bool {
        matches!(
            self,
            Self::SessionExpired | Self::SignedOut | Self::TokenRefused { .. }
        )
    }
}
