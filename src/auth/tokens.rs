//! The tokens of one sign-in, and their keyring encoding.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::model::Secret;

/// Access and refresh token with the access token's expiry. `Debug` shows no token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    /// When the access token was issued (its lifetime is `expires_at - issued_at`).
    pub issued_at: SystemTime,
    /// The bearer token for API calls.
    pub access: Secret,
    /// The refresh token, when the server issued one.
    pub refresh: Option<Secret>,
    /// When the access token stops working.
    pub expires_at: SystemTime,
    /// When the sign-in itself lapses (the refresh token's end), when known: from the
    /// token answer's `refresh_token_expires_in`, else the profile's configured lifetime
    /// counted from the browser sign-in.
    pub lapses_at: Option<SystemTime>,
}

impl Tokens {
    /// Whether the access token expires within `margin`.
    #[must_use]
    pub fn expires_within(&self, margin: Duration) -> bool {
        SystemTime::now() + margin >= self.expires_at
    }

    /// How long before expiry the access token is renewed: a minute, or a quarter of its
    /// lifetime when that is shorter, so a token that lives 60 s is not renewed before
    /// every call.
    #[must_use]
    pub fn refresh_margin(&self) -> Duration {
        let lifetime = self
            .expires_at
            .duration_since(self.issued_at)
            .unwrap_or_default();
        (lifetime / 4).min(Duration::from_mins(1))
    }

    /// The keyring form: a small JSON document. Only ever written to the keyring.
    pub(crate) fn to_keyring(&self) -> String {
        let seconds = |at: SystemTime| at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        json!({
            "access_token": self.access.expose(),
            "refresh_token": self.refresh.as_ref().map(Secret::expose),
            "expires_at": seconds(self.expires_at),
            "issued_at": seconds(self.issued_at),
            "lapses_at": self.lapses_at.map(seconds),
        })
        .to_string()
    }

    /// Reads the keyring form; `None` when it is not ours or is damaged.
    pub(crate) fn from_keyring(text: &str) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        let access = value["access_token"].as_str()?.to_owned();
        let refresh = value["refresh_token"].as_str().map(Secret::new);
        let expires = value["expires_at"].as_u64()?;
        // Entries written before `issued_at` was kept: an hour's lifetime, Sage's usual.
        let issued = value["issued_at"]
            .as_u64()
            .unwrap_or_else(|| expires.saturating_sub(3_600));
        Some(Self {
            issued_at: UNIX_EPOCH + Duration::from_secs(issued),
            access: Secret::new(access),
            refresh,
            expires_at: UNIX_EPOCH + Duration::from_secs(expires),
            lapses_at: value["lapses_at"]
                .as_u64()
                .map(|s| UNIX_EPOCH + Duration::from_secs(s)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyring_form_round_trips_and_debug_hides_tokens() {
        let tokens = Tokens {
            issued_at: UNIX_EPOCH + Duration::from_secs(1_899_996_400),
            access: Secret::new("access-abc"),
            refresh: Some(Secret::new("refresh-xyz")),
            expires_at: UNIX_EPOCH + Duration::from_secs(1_900_000_000),
            lapses_at: Some(UNIX_EPOCH + Duration::from_secs(1_905_000_001)),
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

    #[test]
    fn short_lived_tokens_are_renewed_a_quarter_of_their_life_early() {
        let now = SystemTime::now();
        let lasting = |seconds| Tokens {
            issued_at: now,
            access: Secret::new("a"),
            refresh: None,
            expires_at: now + Duration::from_secs(seconds),
            lapses_at: None,
        };
        assert_eq!(lasting(60).refresh_margin(), Duration::from_secs(15));
        assert_eq!(lasting(3_600).refresh_margin(), Duration::from_mins(1));
        assert!(!lasting(60).expires_within(lasting(60).refresh_margin()));
    }
}
