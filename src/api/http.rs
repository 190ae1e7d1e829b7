//! The shared reqwest client and the simplest call: a server health check.

use std::time::{Duration, Instant};

use crate::model::ResponseMeta;

use super::ApiError;

/// Time allowed to open a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for a whole call, body included.
pub const CALL_TIMEOUT: Duration = Duration::from_mins(2);

/// Builds the one HTTP client the app shares: rustls, certificate checks on, no redirects
/// followed (an OAuth or API redirect is an answer to show, not to chase), a `User-Agent`
/// naming the app.
pub fn build_http_client() -> Result<reqwest::Client, ApiError> {
    build_http_client_with(CALL_TIMEOUT)
}

/// As `build_http_client`, allowing each call `call_timeout`.
pub fn build_http_client_with(call_timeout: Duration) -> Result<reqwest::Client, ApiError> {
    reqwest::Client::builder()
        .user_agent(concat!("sage200-desk/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(CONNECT_TIMEOUT.min(call_timeout))
        .timeout(call_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ApiError::Setup {
            detail: e.to_string(),
        })
}

/// Calls `url` with GET and reports how it answered; any 2xx is healthy.
pub async fn check_health(client: &reqwest::Client, url: &str) -> Result<ResponseMeta, ApiError> {
    let started = Instant::now();
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| ApiError::from_transport(&e))?;
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .bytes()
        .await
        .map_err(|e| ApiError::from_transport(&e))?;
    let meta = ResponseMeta {
        method: "GET".to_owned(),
        url: url.to_owned(),
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or_default().to_owned(),
        headers,
        elapsed: started.elapsed(),
        size: body.len(),
        attempts: 1,
    };
    if status.is_success() {
        Ok(meta)
    } else {
        Err(ApiError::Status {
            status: status.as_u16(),
            message: String::from_utf8_lossy(&body).chars().take(500).collect(),
        })
    }
}
