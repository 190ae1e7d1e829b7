//! Faults on demand: make the next N matching calls misbehave the way real networks and
//! servers do (error statuses with `Retry-After`, latency, dropped connections, HTML or
//! malformed bodies, empty answers, an empty `sites` list, a create whose answer is lost).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use serde::{Deserialize, Serialize};

use super::DemoState;

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with this status (and `Retry-After` when given, in seconds or as an HTTP date).
    Status {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header value.
        #[serde(default)]
        retry_after: Option<String>,
    },
    /// Wait this long before handling the call.
    Latency {
        /// Added delay in milliseconds.
        millis: u64,
    },
    /// Send half of the real body, then drop the connection.
    DropMidBody,
    /// Send the first `bytes` of the real body at once and the rest `millis` later, with
    /// its `Content-Length` (a slow link, or a large answer still on its way).
    SlowBody {
        /// Bytes sent at once.
        bytes: usize,
        /// The wait before the rest, in milliseconds.
        millis: u64,
    },
    /// Answer 200 with JSON cut off in the middle.
    Malformed,
    /// Answer with an HTML error page, as a proxy would.
    Html {
        /// The status to send with it.
        #[serde(default = "bad_gateway")]
        status: u16,
    },
    /// Answer 200 with an empty body.
    EmptyOk,
    /// `GET sites` answers an empty list (Sage's tunnel to the company server is down).
    EmptySites,
    /// Carry out the call (a create is saved) but drop the connection instead of answering.
    LoseAnswer,
    /// Answer as usual, with a UTF-8 byte-order mark before the body (as some .NET and IIS
    /// stacks send).
    ByteOrderMark,
    /// Give each record's `field` twice: first as `null`, then its real value (as some
    /// hand-written JSON writers do; RFC 8259 leaves the meaning to the reader).
    RepeatedField {
        /// The field repeated, e.g. `on_hold`.
        field: String,
    },
    /// Send at most this many records a page whatever `$top` asks (older Sage 200
    /// Professional sites cap `$top`).
    CapTop {
        /// The most records a page holds.
        max: u32,
    },
}

fn bad_gateway() -> u16 {
    502
}

fn one() -> u32 {
    1
}

/// A fault and the calls it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// What goes wrong.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Applies to calls whose path contains this text (empty: every call).
    #[serde(default)]
    pub path: String,
    /// Applies only to this method, when given (`GET`, `POST`, …).
    #[serde(default)]
    pub method: Option<String>,
    /// How many matching calls it affects.
    #[serde(default = "one")]
    pub count: u32,
}

impl Fault {
    /// A fault for the next `count` calls whose path contains `path`.
    #[must_use]
    pub fn new(kind: FaultKind, path: &str, count: u32) -> Self {
        Self {
            kind,
            path: path.to_owned(),
            method: None,
            count,
        }
    }

    /// Restricts the fault to one method.
    #[must_use]
    pub fn for_method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }
}

/// Takes the first fault matching a call, counting it down.
pub fn take(faults: &mut Vec<Fault>, method: &str, path: &str) -> Option<FaultKind> {
    let index = faults.iter().position(|f| {
        path.contains(&f.path)
            && f.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
    })?;
    let fault = &mut faults[index];
    let kind = fault.kind.clone();
    fault.count = fault.count.saturating_sub(1);
    if fault.count == 0 {
        faults.remove(index);
    }
    Some(kind)
}

fn broken_stream(first: Bytes) -> Body {
    let parts: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(first),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "fault: connection dropped",
        )),
    ];
    Body::from_stream(futures_util::stream::iter(parts))
}

/// A real answer read whole, to be sent changed: its head (without `Content-Length`, which
/// the change makes wrong) and its body.
async fn answer_of(response: Response) -> (axum::http::response::Parts, Bytes) {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    (parts, bytes)
}

/// The request with its `$top` lowered to `max` (or set to it when missing a number).
fn cap_top(request: Request, path: &str, max: u32) -> Request {
    let (mut parts, body) = request.into_parts();
    if let Some(query) = parts.uri.query() {
        let capped: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key @ ("$top" | "%24top" | "%24TOP"), value)) => {
                    let top = value.parse::<u32>().map_or(max, |t| t.min(max));
                    format!("{key}={top}")
                }
                _ => pair.to_owned(),
            })
            .collect();
        if let Ok(uri) = format!("{path}?{}", capped.join("&")).parse() {
            parts.uri = uri;
        }
    }
    Request::from_parts(parts, body)
}

/// Middleware that applies faults to every call outside `/_demo/`.
pub async fn apply(State(state): State<Arc<DemoState>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("/_demo/") {
        return next.run(request).await;
    }
    let method = request.method().as_str().to_owned();
    let fault = take(&mut state.lock_faults(), &method, &path);
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    tracing::debug!(?fault, %method, %path, "demo server fault");
    match fault {
        FaultKind::CapTop { max } => next.run(cap_top(request, &path, max)).await,
        FaultKind::Latency { millis } => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            next.run(request).await
        }
        FaultKind::Status {
            status,
            retry_after,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = serde_json::json!({
                "Message": format!("The demo server was asked to answer {status}."),
            });
            let mut response = (status, axum::Json(body)).into_response();
            if let Some(value) = retry_after.and_then(|v| v.parse().ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        FaultKind::DropMidBody => {
            let (parts, bytes) = answer_of(next.run(request).await).await;
            let half = bytes.slice(..bytes.len() / 2);
            Response::from_parts(parts, broken_stream(half))
        }
        FaultKind::SlowBody { bytes, millis } => {
            let (mut parts, body) = answer_of(next.run(request).await).await;
            parts
                .headers
                .insert(header::CONTENT_LENGTH, body.len().into());
            let first = body.slice(..bytes.min(body.len()));
            let rest = body.slice(first.len()..);
            let pieces = futures_util::stream::iter([(first, 0), (rest, millis)]).then(
                |(piece, wait)| async move {
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                    Ok::<_, std::convert::Infallible>(piece)
                },
            );
            Response::from_parts(parts, Body::from_stream(pieces))
        }
        FaultKind::LoseAnswer => {
            // The call is carried out in full; only its answer never arrives.
            let _ = next.run(request).await;
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .body(broken_stream(Bytes::new()))
                .unwrap_or_default()
        }
        FaultKind::Malformed => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            r#"[{"id": 1, "name": "Trunc"#,
        )
            .into_response(),
        FaultKind::Html { status } => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>\
             <h1>Bad Gateway</h1><p>The upstream server did not answer.</p></body></html>",
        )
            .into_response(),
        FaultKind::EmptyOk => StatusCode::OK.into_response(),
        FaultKind::ByteOrderMark => {
            let (parts, bytes) = answer_of(next.run(request).await).await;
            let mut marked = b"\xEF\xBB\xBF".to_vec();
            marked.extend_from_slice(&bytes);
            Response::from_parts(parts, Body::from(marked))
        }
        FaultKind::RepeatedField { field } => {
            let (parts, bytes) = answer_of(next.run(request).await).await;
            let repeated = repeat_field(&bytes, &field).unwrap_or_else(|| bytes.to_vec());
            Response::from_parts(parts, Body::from(repeated))
        }
        FaultKind::EmptySites => {
            if path.ends_with("/sites") {
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                    "[]",
                )
                    .into_response()
            } else {
                next.run(request).await
            }
        }
    }
}

/// A list (or one record) written again with `field` given twice in each record that has
/// it: `null` first, then the real value. `None` when the body is not JSON.
fn repeat_field(body: &[u8], field: &str) -> Option<Vec<u8>> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let records = match &value {
        serde_json::Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let key = serde_json::to_string(field).ok()?;
    let written: Vec<String> = records
        .into_iter()
        .map(|record| {
            let text = record.to_string();
            match record {
                serde_json::Value::Object(members) if members.contains_key(field) => {
                    format!("{{{key}:null,{}", &text[1..])
                }
                _ => text,
            }
        })
        .collect();
    Some(if value.is_array() {
        format!("[{}]", written.join(",")).into_bytes()
    } else {
        written.concat().into_bytes()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_field_comes_first_as_null() {
        let body = br#"[{"id":1,"on_hold":true},{"id":2}]"#;
        let repeated = repeat_field(body, "on_hold").unwrap();
        assert_eq!(
            String::from_utf8(repeated).unwrap(),
            r#"[{"on_hold":null,"id":1,"on_hold":true},{"id":2}]"#
        );
    }

    #[test]
    fn faults_count_down_and_match_path_and_method() {
        let mut faults = vec![
            Fault::new(
                FaultKind::Status {
                    status: 503,
                    retry_after: None,
                },
                "customers",
                2,
            )
            .for_method("get"),
        ];
        assert!(take(&mut faults, "POST", "/x/customers").is_none());
        assert!(take(&mut faults, "GET", "/x/suppliers").is_none());
        assert!(take(&mut faults, "GET", "/x/customers").is_some());
        assert!(take(&mut faults, "GET", "/x/customers").is_some());
        assert!(take(&mut faults, "GET", "/x/customers").is_none());
        assert!(faults.is_empty());
    }

    #[test]
    fn faults_read_from_json() {
        let fault: Fault = serde_json::from_str(
            r#"{"kind":"status","status":429,"retry_after":"2","path":"customers","count":3}"#,
        )
        .unwrap();
        assert_eq!(fault.count, 3);
        assert_eq!(
            fault.kind,
            FaultKind::Status {
                status: 429,
                retry_after: Some("2".into())
            }
        );
        let html: Fault = serde_json::from_str(r#"{"kind":"html"}"#).unwrap();
        assert_eq!(html.kind, FaultKind::Html { status: 502 });
        assert_eq!(html.count, 1);
    }
}
