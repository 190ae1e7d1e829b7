//! The one error type of the API layer: what went wrong and what the user can do about it.

use thiserror::Error;

/// Everything an API call can fail with.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The server could not be reached or the connection broke.
    #[error("could not reach the server: {detail}")]
    Network {
        /// What the network layer said.
        detail: String,
    },
    /// The server took too long to answer.
    #[error("the server did not answer in time")]
    Timeout,
    /// The server answered with an error status.
    #[error("the server answered {status}: {message}")]
    Status {
        /// The HTTP status code.
        status: u16,
        /// Sage's message, whatever shape it came in (may be empty).
        message: String,
    },
    /// The answer could not be read as what was expected.
    #[error("the server's answer could not be read: {detail}")]
    InvalidBody {
        /// Why the body was rejected.
        detail: String,
    },
    /// The user must sign in (again) before calling the API.
    #[error("{detail}")]
    SignIn {
        /// Why.
        detail: String,
    },
    /// The HTTP client could not be set up.
    #[error("the HTTP client could not start: {detail}")]
    Setup {
        /// What failed.
        detail: String,
    },
}

impl ApiError {
    /// What the user can do next, in a sentence.
    #[must_use]
    pub fn advice(&self) -> &'static str {
        match self {
            Self::SignIn { .. } | Self::Status { status: 401, .. } => "Sign in again.",
            Self::Network { .. } => {
                "Check the network connection and the server address, then retry."
            }
            Self::Timeout => "The server may be busy; retry in a moment.",
            Self::Status { status: 403, .. } => {
                "Your user lacks permission for this company or operation."
            }
            Self::Status { status: 404, .. } => "Check the path and the record id.",
            Self::Status { status: 504, .. } => {
                "The company's server may be unreachable (Sage's tunnel to it may be down); retry later."
            }
            Self::Status { status, .. } if *status >= 500 => {
                "The server had a problem; retry in a moment."
            }
            Self::Status { .. } => "Check the request and retry.",
            Self::InvalidBody { .. } => {
                "The server sent something unexpected; check the server address."
            }
            Self::Setup { .. } => "Check the profile's settings, or restart the app.",
        }
    }

    /// Builds the error for a transport failure reported by reqwest.
    pub(crate) fn from_transport(error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            Self::Timeout
        } else {
            // The URL is dropped from the message: it may carry query values the user typed.
            Self::Network {
                detail: error.without_url_ref(),
            }
        }
    }
}

/// Sage's error message from a body of any shape: `{"Message"}`, `{"message"}`,
/// `{"error_description"}`, plain text, or nothing.
pub(crate) fn sage_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(super::client::json_text(body));
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
        for key in ["Message", "message", "error_description", "error"] {
            if let Some(message) = value.get(key).and_then(serde_json::Value::as_str) {
                return message.to_owned();
            }
        }
    }
    let trimmed = text.trim();
    if trimmed.starts_with('<') {
        return "the server sent an HTML page instead of JSON".to_owned();
    }
    trimmed.chars().take(500).collect()
}

/// `reqwest::Error::without_url` takes the error by value; this borrows instead.
trait WithoutUrlRef {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrlRef for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let mut text = self.to_string();
        if let Some(url) = self.url() {
            text = text.replace(&format!(" for url ({url})"), "");
            text = text.replace(url.as_str(), "<url>");
        }
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::{ApiError, sage_message};

    #[test]
    fn sage_messages_are_read_from_every_shape() {
        assert_eq!(
            sage_message(br#"{"Message": "Name is required."}"#),
            "Name is required."
        );
        assert_eq!(
            sage_message(br#"{"statusCode": 400, "message": "Bad filter"}"#),
            "Bad filter"
        );
        assert_eq!(
            sage_message(br#"{"error": "invalid_grant", "error_description": "expired"}"#),
            "expired"
        );
        assert_eq!(sage_message(b"Plain text problem\n"), "Plain text problem");
        assert_eq!(sage_message(b""), "");
        assert!(sage_message(b"<html><h1>502</h1></html>").contains("HTML page"));
        assert_eq!(
            sage_message(&[0xff, 0xfe, b'o', b'k']),
            "\u{fffd}\u{fffd}ok"
        );
    }

    #[test]
    fn every_error_says_what_to_do() {
        let errors = [
            ApiError::Network {
                detail: "refused".into(),
            },
            ApiError::Timeout,
            ApiError::Status {
                status: 401,
                message: String::new(),
            },
            ApiError::Status {
                status: 403,
                message: String::new(),
            },
            ApiError::Status {
                status: 404,
                message: String::new(),
            },
            ApiError::Status {
                status: 429,
                message: String::new(),
            },
            ApiError::Status {
                status: 500,
                message: String::new(),
            },
            ApiError::Status {
                status: 504,
                message: String::new(),
            },
            ApiError::InvalidBody { detail: "x".into() },
            ApiError::SignIn { detail: "x".into() },
            ApiError::Setup { detail: "x".into() },
        ];
        for error in errors {
            assert!(error.advice().ends_with('.'), "{error:?}");
            assert!(!error.to_string().is_empty());
        }
        assert!(
            ApiError::Status {
                status: 504,
                message: String::new()
            }
            .advice()
            .contains("tunnel")
        );
    }
}
