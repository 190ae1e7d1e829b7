//! Sending a request builder draft: the API request it makes (or what must be fixed
//! first), and the call on the runtime with the answer read on the blocking pool.

use std::sync::Arc;

use crate::api::{ApiClient, ApiRequest, CompanyScope, Verb};
use crate::document::{Answered, check_body, read_answer_with};
use crate::model::{HttpMethod, RequestDraft};
use crate::screens::shared::UserError;

/// Builds the API request of a draft, or says what must be fixed first.
pub fn build_request(
    draft: &RequestDraft,
    company: Option<&CompanyScope>,
) -> Result<ApiRequest, UserError> {
    let fix = |message: String| UserError {
        message,
        advice: "Fix the request, then send it again.".to_owned(),
    };
    let path = draft.checked_path().map_err(|e| fix(e.0))?;
    let query = draft.query_pairs().map_err(|e| fix(e.0))?;
    let headers = draft.header_pairs().map_err(|e| fix(e.0))?;
    let body = if draft.method.has_body() {
        check_body(&draft.body).map_err(|e| {
            fix(format!(
                "The body is not valid JSON: {} (line {}, column {}).",
                e.message, e.line, e.column
            ))
        })?
    } else {
        None
    };
    let needs_company = path != "sites" && path != "current_user";
    Ok(ApiRequest {
        verb: match draft.method {
            HttpMethod::Get => Verb::Get,
            HttpMethod::Post => Verb::Post,
            HttpMethod::Put => Verb::Put,
            HttpMethod::Delete => Verb::Delete,
        },
        path,
        query,
        body,
        company: if needs_company {
            company.cloned()
        } else {
            None
        },
        headers,
    })
}

/// Sends a built request and reads whatever came back (error statuses included).
pub async fn send(client: ApiClient, request: ApiRequest) -> Result<Arc<Answered>, UserError> {
    let raw = client
        .execute_any(&request)
        .await
        .map_err(|e| UserError::from(&e))?;
    let answered = tokio::task::spawn_blocking(move || {
        read_answer_with(raw.meta, &raw.body, &crate::screens::calls::OnThreads)
    })
    .await
    .map_err(|e| UserError {
        message: format!("Reading the answer stopped: {e}"),
        advice: "Send the request again.".to_owned(),
    })?;
    Ok(Arc::new(answered))
}
