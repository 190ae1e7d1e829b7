//! A string that must never be shown, logged or persisted: tokens and client secrets.

use std::fmt;

/// A secret value (access token, refresh token, client secret).
///
/// It deliberately implements neither `Serialize` nor `Display`, and its `Debug` output is
/// redacted, so it cannot slip into persisted state, logs or `{:?}` output by accident.
/// The only way to read it is [`Secret::expose`], which makes every use easy to find.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret text, for the one place that must send or store it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Overwrite the bytes so a freed token does not linger in memory dumps.
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        bytes.fill(0);
        std::hint::black_box(&bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_output_hides_the_value() {
        let secret = Secret::new("eyJhbGciOi-very-secret");
        let shown = format!("{secret:?} {:?}", Some(secret.clone()));
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("redacted"));
        assert_eq!(secret.expose(), "eyJhbGciOi-very-secret");
    }
}
