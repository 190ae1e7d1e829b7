//! The API client: base URL, the headers every call carries, the bearer token from the
//! session (refreshed and retried once after a 401), retries with backoff for idempotent
//! calls, and typed answers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use rand::Rng;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER,
};
use serde::de::DeserializeOwned;

use crate::model::{CurrentUser, Profile, ResponseMeta, Secret, SiteCompany, encode_query};

use super::ApiError;
use super::catalogue::Verb;
use super::error::sage_message;

/// A body still arriving, as [`ApiClient::execute_any_watched`] tells it after each piece.
#[derive(Debug, Clone, Copy)]
pub struct BodySoFar<'a> {
    /// Status and headers (time and size not yet final).
    pub meta: &'a ResponseMeta,
    /// Every byte of the body so far.
    pub body: &'a [u8],
    /// The body's length in bytes, when the server said it (`Content-Length`).
    pub expected: Option<u64>,
}

/// The most bytes reserved up front from a `Content-Length` (1 GiB): a larger body still
/// arrives whole, growing as it comes, so a false length cannot take the memory at once.
const RESERVED_AT_MOST: u64 = 1 << 30;

/// How long a body may be silent before its watcher is told again what it has.
const QUIET: Duration = Duration::from_millis(100);

/// Reads a body piece by piece into one buffer (reserved from `Content-Length`, so the
/// body is copied once), telling `watch` after each piece and after each [`QUIET`]
/// spell without one.
async fn read_body(
    mut response: reqwest::Response,
    meta: &mut ResponseMeta,
    watch: &mut (dyn FnMut(BodySoFar<'_>) + Send),
) -> Result<bytes::Bytes, reqwest::Error> {
    let expected = response.content_length();
    let mut body: Vec<u8> = Vec::new();
    let reserve = expected.unwrap_or(0).min(RESERVED_AT_MOST);
    // A reservation refused leaves the buffer to grow as pieces come.
    let _ = body.try_reserve_exact(usize::try_from(reserve).unwrap_or(0));
    loop {
        // Told again while the next piece is slow to come, so a watcher that passed over
        // the last one (telling at most so often) catches up.
        let Ok(piece) = tokio::time::timeout(QUIET, response.chunk()).await else {
            watch(BodySoFar {
                meta,
                body: &body,
                expected,
            });
            continue;
        };
        let piece = piece?;
        let Some(piece) = piece else { break };
        body.extend_from_slice(&piece);
        meta.size = body.len();
        watch(BodySoFar {
            meta,
            body: &body,
            expected,
        });
    }
    // Room kept beyond the body (a body of unknown length grew by doubling) is given back.
    body.shrink_to_fit();
    Ok(bytes::Bytes::from(body))
}

/// Hands out bearer tokens. The app implements it over the sign-in session, so this layer
/// needs nothing from `auth`.
pub trait TokenProvider: Send + Sync {
    /// A valid access token.
    fn token(&self) -> BoxFuture<'_, Result<Secret, ApiError>>;
    /// The token to retry with after `rejected` got a 401 (refreshing once).
    fn token_after_rejection<'a>(
        &'a self,
        rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Secret, ApiError>>;
}

/// A token that never changes: for scripts, benchmarks and tests that hold a token already.
/// After a 401 there is nothing to refresh, so it asks for a new sign-in.
#[derive(Debug, Clone)]
pub struct StaticToken(pub Secret);

impl TokenProvider for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<Secret, ApiError>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }

    fn token_after_rejection<'a>(
        &'a self,
        _rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Secret, ApiError>> {
        Box::pin(async move {
            Err(ApiError::SignIn {
                detail: "The fixed access token was refused; get a new one.".to_owned(),
            })
        })
    }
}

/// The company every call but `sites` is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyScope {
    /// `X-Site`.
    pub site_id: String,
    /// `X-Company`.
    pub company_id: i64,
}

/// One call to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    /// The method.
    pub verb: Verb,
    /// Relative to the API base URL, e.g. `customers/42`.
    pub path: String,
    /// Query parameters, in order (`OData` options included), not yet encoded.
    pub query: Vec<(String, String)>,
    /// A JSON body for POST and PUT.
    pub body: Option<Vec<u8>>,
    /// The company, for every call but `sites`.
    pub company: Option<CompanyScope>,
    /// Extra headers for this call.
    pub headers: Vec<(String, String)>,
}

impl ApiRequest {
    /// A GET of `path`.
    #[must_use]
    pub fn get(path: &str) -> Self {
        Self {
            verb: Verb::Get,
            path: path.to_owned(),
            query: Vec::new(),
            body: None,
            company: None,
            headers: Vec::new(),
        }
    }

    /// The same call for `company`.
    #[must_use]
    pub fn for_company(mut self, company: Option<&CompanyScope>) -> Self {
        self.company = company.cloned();
        self
    }

    /// Adds a query parameter.
    #[must_use]
    pub fn param(mut self, key: &str, value: impl Into<String>) -> Self {
        self.query.push((key.to_owned(), value.into()));
        self
    }
}

/// How often and how patiently idempotent calls are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff delay; it doubles each time, with jitter.
    pub base_delay: Duration,
    /// The longest backoff delay.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured by waiting; a longer one is reported instead.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(400),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

/// Statuses worth retrying: rate limit and gateway trouble.
const RETRYABLE: [u16; 4] = [429, 502, 503, 504];

/// A client for one profile's API.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base_url: String,
    extra_headers: HeaderMap,
    tokens: Arc<dyn TokenProvider>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.base_url)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// A successful answer, decoded.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    /// The decoded body.
    pub body: T,
    /// Status, headers, time, size.
    pub meta: ResponseMeta,
}

/// A successful answer, as bytes.
#[derive(Debug, Clone)]
pub struct RawAnswer {
    /// The body.
    pub body: bytes::Bytes,
    /// Status, headers, time, size.
    pub meta: ResponseMeta,
}

/// Reads a list answer: a bare array, or `{"value": [...]}` as some gateways send.
pub fn decode_list<T: DeserializeOwned>(body: &[u8]) -> Result<Vec<T>, ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum ListShape<T> {
        Bare(Vec<T>),
        Wrapped { value: Vec<T> },
    }
    match decode::<ListShape<T>>(body)? {
        ListShape::Bare(items) | ListShape::Wrapped { value: items } => Ok(items),
    }
}

/// Reads the answer to `$count=true`, whose shape Sage does not document: a bare number
/// (`1234`, or `"1234"`), or an object carrying it as `@odata.count`, `odata.count`, `count`
/// or `Count`. `None` when none of these is there.
#[must_use]
pub fn decode_count(body: &[u8]) -> Option<u64> {
    let value: serde_json::Value =
        serde_json::from_slice(&crate::model::mend_lone_surrogates(json_text(body))).ok()?;
    let number = |v: &serde_json::Value| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    };
    number(&value).or_else(|| {
        ["@odata.count", "odata.count", "count", "Count"]
            .iter()
            .find_map(|key| value.get(key).and_then(number))
    })
}

/// The JSON text of a body: without a UTF-8 byte-order mark, which some .NET and IIS stacks
/// put first and RFC 8259 (section 8.1) lets a reader ignore, and without surrounding white
/// space.
#[must_use]
pub fn json_text(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(body)
        .trim_ascii()
}

/// Decodes JSON, explaining empty, HTML and malformed answers.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let trimmed = json_text(body);
    if trimmed.is_empty() {
        return Err(ApiError::InvalidBody {
            detail: "the server sent an empty answer".into(),
        });
    }
    if trimmed.starts_with(b"<") {
        return Err(ApiError::InvalidBody {
            detail: "the server sent an HTML page instead of JSON".into(),
        });
    }
    // A lone surrogate escape (`"\ud800"`) reads as U+FFFD rather than losing the record.
    serde_json::from_slice(&crate::model::mend_lone_surrogates(trimmed)).map_err(|e| {
        ApiError::InvalidBody {
            detail: format!("{e}"),
        }
    })
}

/// The wait a `Retry-After` header asks for: seconds, or an HTTP date.
#[must_use]
pub fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

impl ApiClient {
    /// A client for `profile`'s API, using `tokens` for the bearer token.
    pub fn new(
        http: reqwest::Client,
        profile: &Profile,
        tokens: Arc<dyn TokenProvider>,
    ) -> Result<Self, ApiError> {
        let mut extra_headers = HeaderMap::new();
        for (name, value) in &profile.extra_headers {
            let name =
                HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| ApiError::Setup {
                    detail: format!("'{name}' is not a valid header name"),
                })?;
            let value = HeaderValue::from_str(value.trim()).map_err(|_| ApiError::Setup {
                detail: format!("the value of header '{name}' is not valid"),
            })?;
            extra_headers.insert(name, value);
        }
        Ok(Self {
            http,
            base_url: profile.api_base_url(),
            extra_headers,
            tokens,
            retry: RetryPolicy::default(),
            timeout: None,
        })
    }

    /// The same client with another retry policy.
    #[must_use]
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The same client with a time limit on each whole call.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The API base URL, ending in `/`.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The full URL of a request (without secrets: tokens never go in URLs).
    #[must_use]
    pub fn url_of(&self, request: &ApiRequest) -> String {
        let mut url = format!("{}{}", self.base_url, request.path.trim_start_matches('/'));
        if !request.query.is_empty() {
            url.push('?');
            url.push_str(&encode_query(&request.query));
        }
        url
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let doubled = self
            .retry
            .base_delay
            .saturating_mul(2_u32.saturating_pow(attempt));
        let capped = doubled.min(self.retry.max_delay);
        // Jitter spreads retries of many clients apart.
        capped.mul_f64(rand::rng().random_range(0.5..=1.0))
    }

    /// Sends `request` like [`ApiClient::execute`], but hands back any answer the server
    /// gave, error statuses included (the request builder shows them as they came).
    pub async fn execute_any(&self, request: &ApiRequest) -> Result<RawAnswer, ApiError> {
        self.send_with_retries(request, &mut |_| {}).await
    }

    /// [`ApiClient::execute_any`], telling `watch` of the body as it arrives: after each
    /// piece (and every 100 ms while none comes), the status and headers with all the bytes so far (a retried call starts
    /// again from none), so a view can show the first records of a long answer.
    pub async fn execute_any_watched(
        &self,
        request: &ApiRequest,
        watch: &mut (dyn FnMut(BodySoFar<'_>) + Send),
    ) -> Result<RawAnswer, ApiError> {
        self.send_with_retries(request, watch).await
    }

    /// Sends `request`, refreshing the token once after a 401, and retrying idempotent calls
    /// (GET, PUT, DELETE) on 429/502/503/504, timeouts and connection failures. A POST is
    /// retried only when it never reached the server. An error status becomes an error.
    pub async fn execute(&self, request: &ApiRequest) -> Result<RawAnswer, ApiError> {
        let answer = self.send_with_retries(request, &mut |_| {}).await?;
        if (200..300).contains(&answer.meta.status) {
            Ok(answer)
        } else {
            Err(ApiError::Status {
                status: answer.meta.status,
                message: sage_message(&answer.body),
            })
        }
    }

    async fn send_with_retries(
        &self,
        request: &ApiRequest,
        watch: &mut (dyn FnMut(BodySoFar<'_>) + Send),
    ) -> Result<RawAnswer, ApiError> {
        let url = self.url_of(request);
        let idempotent = request.verb != Verb::Post;
        let mut token = self.tokens.token().await?;
        let mut refreshed = false;
        let mut attempts = 0_u32;
        loop {
            attempts += 1;
            let started = Instant::now();
            let sent = self.build(request, &url, &token).send().await;
            let response = match sent {
                Ok(response) => response,
                Err(error) => {
                    let safe = idempotent || error.is_connect();
                    if safe && attempts <= self.retry.max_retries {
                        tracing::debug!(attempt = attempts, "transport error; retrying");
                        tokio::time::sleep(self.backoff(attempts - 1)).await;
                        continue;
                    }
                    return Err(ApiError::from_transport(&error));
                }
            };
            let status = response.status().as_u16();
            if status == 401 && !refreshed {
                // The call was refused before being carried out: refresh once and resend.
                refreshed = true;
                token = self.tokens.token_after_rejection(&token).await?;
                continue;
            }
            if idempotent && RETRYABLE.contains(&status) && attempts <= self.retry.max_retries {
                let asked = response
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(retry_after);
                let wait = asked.unwrap_or_else(|| self.backoff(attempts - 1));
                if wait <= self.retry.max_retry_after {
                    tracing::debug!(
                        status,
                        attempt = attempts,
                        wait_ms = wait.as_millis(),
                        "retrying"
                    );
                    drop(response);
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            let reason = response
                .status()
                .canonical_reason()
                .unwrap_or_default()
                .to_owned();
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
            let mut meta = ResponseMeta {
                method: request.verb.as_str().to_owned(),
                url: url.clone(),
                status,
                reason,
                headers,
                elapsed: started.elapsed(),
                size: 0,
                attempts,
            };
            let body = match read_body(response, &mut meta, watch).await {
                Ok(body) => body,
                Err(error) => {
                    if idempotent && attempts <= self.retry.max_retries {
                        tokio::time::sleep(self.backoff(attempts - 1)).await;
                        continue;
                    }
                    return Err(ApiError::from_transport(&error));
                }
            };
            meta.elapsed = started.elapsed();
            meta.size = body.len();
            return Ok(RawAnswer { body, meta });
        }
    }

    fn build(&self, request: &ApiRequest, url: &str, token: &Secret) -> reqwest::RequestBuilder {
        let method = match request.verb {
            Verb::Get => reqwest::Method::GET,
            Verb::Post => reqwest::Method::POST,
            Verb::Put => reqwest::Method::PUT,
            Verb::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self
            .http
            .request(method, url)
            .headers(self.extra_headers.clone())
            .header(ACCEPT, "application/json")
            .header(AUTHORIZATION, format!("Bearer {}", token.expose()));
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(scope) = &request.company {
            builder = builder
                .header("X-Site", scope.site_id.as_str())
                .header("X-Company", scope.company_id.to_string());
        }
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        } else if matches!(request.verb, Verb::Post | Verb::Put) {
            builder = builder.header(CONTENT_TYPE, "application/json").body("{}");
        }
        builder
    }

    /// GETs `path` (relative to the base URL) and decodes the JSON answer.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        company: Option<&CompanyScope>,
    ) -> Result<Answer<T>, ApiError> {
        let raw = self
            .execute(&ApiRequest::get(path).for_company(company))
            .await?;
        Ok(Answer {
            body: decode(&raw.body)?,
            meta: raw.meta,
        })
    }

    /// Sends `request` and reads a list answer, bare or wrapped in `{"value": …}`.
    pub async fn get_list<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
    ) -> Result<Answer<Vec<T>>, ApiError> {
        let raw = self.execute(request).await?;
        Ok(Answer {
            body: decode_list(&raw.body)?,
            meta: raw.meta,
        })
    }

    /// `GET current_user`.
    pub async fn current_user(&self) -> Result<Answer<CurrentUser>, ApiError> {
        self.get_json("current_user", None).await
    }

    /// `GET sites`: every company the user may open.
    pub async fn sites(&self) -> Result<Answer<Vec<SiteCompany>>, ApiError> {
        self.get_list(&ApiRequest::get("sites")).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        assert_eq!(retry_after("7"), Some(Duration::from_secs(7)));
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let wait = retry_after(&soon).unwrap();
        assert!(
            wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon"), None);
    }

    #[test]
    fn lists_are_read_bare_or_wrapped_and_bad_bodies_explained() {
        let bare: Vec<i32> = decode_list(b"[1,2]").unwrap();
        let wrapped: Vec<i32> = decode_list(br#"{"value":[3], "@odata.count": 1}"#).unwrap();
        assert_eq!(decode_count(b" 1234 "), Some(1234));
        assert_eq!(decode_count(br#""77""#), Some(77));
        assert_eq!(
            decode_count(br#"{"@odata.count": 5, "value": []}"#),
            Some(5)
        );
        assert_eq!(decode_count(br#"{"Count": 9}"#), Some(9));
        assert_eq!(decode_count(b"<html>"), None);
        assert_eq!(decode_count(b"[1,2]"), None);
        assert_eq!((bare, wrapped), (vec![1, 2], vec![3]));
        let empty = decode_list::<i32>(b"  ").unwrap_err();
        assert!(empty.to_string().contains("empty answer"));
        let html = decode_list::<i32>(b"<html><body>502</body></html>").unwrap_err();
        assert!(html.to_string().contains("HTML page"));
        assert!(decode_list::<i32>(br#"[{"id": 1, "na"#).is_err());
    }

    #[test]
    fn a_byte_order_mark_is_read_past_by_every_decode() {
        let marked = |text: &str| [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode_list::<i32>(&marked("[1,2]")).unwrap(), [1, 2]);
        assert_eq!(decode_count(&marked("42")), Some(42));
        assert_eq!(
            decode::<serde_json::Value>(&marked("{\"a\":1}")).unwrap()["a"],
            1
        );
        assert_eq!(
            super::super::error::sage_message(&marked("{\"Message\":\"No\"}")),
            "No"
        );
    }
}
