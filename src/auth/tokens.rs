//! The tokens of one sign-in, and their keyring encoding.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::model::Secret;

/// Access and refresh token with the access token's expiry. `Debug` shows no token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    /// The bearer token for API calls.
    pub access: Secret,
    /// The refresh token, when the server issued one.
    pub refresh: Option<Secret>,
    /// When the access token stops working.
    pub expires_at: SystemTime,
}

impl Tokens {
    /// Whether the access token expires within `margin`.
    #[must_use]
    pub fn expires_within(&self, margin: Duration) -> bool {
        SystemTime::now() + margin >= self.expires_at
    }

    /// The keyring form: a small JSON document. Only ever written to the keyring.
    pub(crate) fn to_keyring(&self) -> String {
        let expires = self
            .expires_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        json!({
            "access_token": self.access.expose(),
            "refresh_token": self.refresh.as_ref().map(Secret::expose),
            "expires_at": expires,
        })
        .to_string()
    }

    /// Reads the keyring form; `None` when it is not ours or is damaged.
    pub(crate) fn from_keyring(text: &str) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        let access = value["access_token"].as_str()?.to_owned();
        let refresh = value["refresh_token"].as_str().map(Secret::new);
        let expires = value["expires_at"].as_u64()?;
        Some(Self {
            access: Secret::new(access),
            refresh,
            expires_at: UNIX_EPOCH + Duration::from_secs(expires),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyring_form_round_trips_and_debug_hides_tokens() {
        let tokens = Tokens {
            access: Secret::new("access-abc"),
            refresh: Some(Secret::new("refresh-xyz")),
            expires_at: UNIX_EPOCH + Duration::from_secs(1_900_000_000),
        };
        let back = Tokens::from_keyring(&tokens.to_keyring()).unwrap();
        assert_eq!(back, tokens);
        let shown = format!("{tokens:?}");
        assert!(
            !shown.contains("access-abc") && !shown.contains("refresh-xyz"),
            "{shown}"
        );
        assert!(Tokens::from_keyring("not json").is_none());
    }
}
