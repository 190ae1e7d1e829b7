//! The token endpoint's HTTP exchange for the `oauth2` crate, on reqwest, reading the answers
//! real providers and proxies send that the crate's strict reader would turn into vague
//! errors: `expires_in` as a string (`"3600"`; RFC 6749 §5.1 says a number), a JSON answer
//! labelled `text/plain`, and an HTML or text error page (a proxy's 503), which is reported
//! with its status and the start of its text. Redirects are never followed (the client
//! given is built that way).

use oauth2::{HttpRequest, HttpResponse};

/// How much of a non-JSON answer's text an error quotes.
const QUOTED: usize = 160;

/// Why a token request got no answer the app could read.
#[derive(Debug, thiserror::Error)]
pub enum TokenHttpError {
    /// The endpoint could not be reached, or the answer broke off.
    #[error("could not reach the token endpoint: {0}")]
    Network(String),
    /// The endpoint answered something other than JSON (an error page, say).
    #[error("the token endpoint answered {status} with a page instead of JSON: \"{start}\"")]
    NotJson {
        /// The HTTP status, e.g. "503 Service Unavailable".
        status: String,
        /// The start of the answer's text, tags removed.
        start: String,
    },
}

/// The HTTP client `oauth2` sends token requests through (see [`send`]). It also keeps
/// what the crate's reader drops: `refresh_token_expires_in` (seconds), which some
/// providers send to say when the sign-in itself lapses.
#[derive(Debug, Clone)]
pub struct TokenClient {
    http: reqwest::Client,
    refresh_lifetime: std::sync::Arc<std::sync::Mutex<Option<u64>>>,
}

impl TokenClient {
    /// A client on `http` (which must not follow redirects).
    #[must_use]
    pub fn new(http: reqwest::Client) -> Self {
        Self {
            http,
            refresh_lifetime: std::sync::Arc::default(),
        }
    }

    /// The last answer's `refresh_token_expires_in`, in seconds, if it had one.
    #[must_use]
    pub fn refresh_lifetime(&self) -> Option<std::time::Duration> {
        self.refresh_lifetime
            .lock()
            .ok()
            .and_then(|seconds| *seconds)
            .map(std::time::Duration::from_secs)
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for TokenClient {
    type Error = TokenHttpError;
    type Future = std::pin::Pin<
        Box<dyn Future<Output = Result<HttpResponse, TokenHttpError>> + Send + Sync + 'c>,
    >;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let answer = send(&self.http, request).await?;
            let lifetime = serde_json::from_slice::<serde_json::Value>(answer.body())
                .ok()
                .and_then(|v| {
                    v.get("refresh_token_expires_in")
                        .and_then(serde_json::Value::as_u64)
                });
            if let Ok(mut kept) = self.refresh_lifetime.lock() {
                *kept = lifetime;
            }
            Ok(answer)
        })
    }
}

/// Sends one token-endpoint request and hands `oauth2` an answer it can read: any JSON body
/// (whatever its `Content-Type`) as `application/json`, with a quoted `expires_in` made a
/// number. A body that is not JSON is an error naming the status and the start of the text.
pub async fn send(
    http: &reqwest::Client,
    request: HttpRequest,
) -> Result<HttpResponse, TokenHttpError> {
    let network = |e: reqwest::Error| TokenHttpError::Network(e.without_url().to_string());
    let (parts, body) = request.into_parts();
    let answer = http
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .map_err(network)?;
    let status = answer.status();
    let bytes = answer.bytes().await.map_err(network)?;
    let body = readable(&bytes).ok_or_else(|| TokenHttpError::NotJson {
        status: status.to_string(),
        start: start_of_text(&bytes),
    })?;
    oauth2::http::Response::builder()
        .status(status)
        .header(oauth2::http::header::CONTENT_TYPE, "application/json")
        .body(body)
        .map_err(|e| TokenHttpError::Network(e.to_string()))
}

/// The body as JSON `oauth2` reads, or `None` when it is not JSON.
fn readable(body: &[u8]) -> Option<Vec<u8>> {
    let mut value: serde_json::Value =
        serde_json::from_slice(body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)).ok()?;
    if let Some(object) = value.as_object_mut() {
        for field in ["expires_in", "refresh_token_expires_in"] {
            if let Some(serde_json::Value::String(text)) = object.get(field)
                && let Ok(seconds) = text.trim().parse::<u64>()
            {
                object.insert(field.to_owned(), seconds.into());
            }
        }
    }
    serde_json::to_vec(&value).ok()
}

/// The start of a page's text for a message: tags removed, spaces collapsed.
fn start_of_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut plain = String::with_capacity(QUOTED);
    let mut in_tag = false;
    let mut space = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                space = true;
            }
            _ if in_tag => {}
            c if c.is_whitespace() => space = true,
            c => {
                if space && !plain.is_empty() {
                    plain.push(' ');
                }
                space = false;
                plain.push(c);
            }
        }
        if plain.chars().count() >= QUOTED {
            plain.push('…');
            break;
        }
    }
    if plain.is_empty() {
        "(empty)".to_owned()
    } else {
        plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_lifetimes_and_mislabelled_json_are_read() {
        let fixed =
            readable(br#"{"access_token":"a","token_type":"Bearer","expires_in":"3600"}"#).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&fixed).unwrap();
        assert_eq!(value["expires_in"], 3600);
        assert!(readable(b"<html>nope</html>").is_none());
    }

    #[test]
    fn an_error_page_is_quoted_without_its_tags() {
        let page = b"<html><head><title>503 Service Unavailable</title></head>\n<body><h1>Service   Unavailable</h1><p>The proxy could not reach Sage ID.</p></body></html>";
        assert_eq!(
            start_of_text(page),
            "503 Service Unavailable Service Unavailable The proxy could not reach Sage ID."
        );
        assert_eq!(start_of_text(b""), "(empty)");
    }
}
