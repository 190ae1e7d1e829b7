//! The API client: base URL, the headers every call carries, the bearer token from the
//! session (refreshed and retried once after a 401), and typed answers.

use std::sync::Arc;
use std::time::Instant;

use futures_util::future::BoxFuture;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;

use crate::model::{CurrentUser, Profile, ResponseMeta, Secret, SiteCompany};

use super::ApiError;

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

/// The company every call but `sites` is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyScope {
    /// `X-Site`.
    pub site_id: String,
    /// `X-Company`.
    pub company_id: i64,
}

/// A client for one profile's API.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base_url: String,
    extra_headers: HeaderMap,
    tokens: Arc<dyn TokenProvider>,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// A successful answer: the decoded body and the facts of the exchange.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    /// The decoded body.
    pub body: T,
    /// Status, headers, time, size.
    pub meta: ResponseMeta,
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
        })
    }

    /// The API base URL, ending in `/`.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// GETs `path` (relative to the base URL) and decodes the JSON answer.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        company: Option<&CompanyScope>,
    ) -> Result<Answer<T>, ApiError> {
        let url = format!("{}{}", self.base_url, path.trim_start_matches('/'));
        let mut token = self.tokens.token().await?;
        let mut retried = false;
        loop {
            let started = Instant::now();
            let mut request = self
                .http
                .get(&url)
                .headers(self.extra_headers.clone())
                .header(ACCEPT, "application/json")
                .header(AUTHORIZATION, format!("Bearer {}", token.expose()));
            if let Some(scope) = company {
                request = request
                    .header("X-Site", scope.site_id.as_str())
                    .header("X-Company", scope.company_id.to_string());
            }
            let response = request
                .send()
                .await
                .map_err(|e| ApiError::from_transport(&e))?;
            let status = response.status();
            if status == reqwest::StatusCode::UNAUTHORIZED && !retried {
                retried = true;
                tracing::debug!("401 from the API; refreshing the token once and retrying");
                token = self.tokens.token_after_rejection(&token).await?;
                continue;
            }
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
                url: url.clone(),
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or_default().to_owned(),
                headers,
                elapsed: started.elapsed(),
                size: body.len(),
            };
            if !status.is_success() {
                return Err(ApiError::Status {
                    status: status.as_u16(),
                    message: super::error::sage_message(&body),
                });
            }
            let decoded = serde_json::from_slice(&body).map_err(|e| ApiError::InvalidBody {
                detail: format!("{e} (line {}, column {})", e.line(), e.column()),
            })?;
            return Ok(Answer {
                body: decoded,
                meta,
            });
        }
    }

    /// `GET current_user`.
    pub async fn current_user(&self) -> Result<Answer<CurrentUser>, ApiError> {
        self.get_json("current_user", None).await
    }

    /// `GET sites`: every company the user may open.
    pub async fn sites(&self) -> Result<Answer<Vec<SiteCompany>>, ApiError> {
        self.get_json("sites", None).await
    }
}
