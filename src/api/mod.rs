//! The Sage 200 API client: HTTP on reqwest (rustls), typed errors, and the calls every
//! screen uses. Uses `model` and its own crates; never egui, `ui` or `app`.

mod builtin;
mod catalogue;
mod client;
mod error;
mod http;
mod list_facts;
mod openapi_collection;
mod paging;

pub use crate::model::encode_query;
pub use builtin::DEFAULT_COLUMNS;
pub use catalogue::{Catalogue, Endpoint, FieldInfo, FieldKind, Related, Verb, singular};
pub use client::{
    Answer, ApiClient, ApiRequest, BodySoFar, CompanyScope, RawAnswer, RetryPolicy, StaticToken,
    TokenProvider, decode, decode_count, decode_list, retry_after,
};
pub use error::ApiError;
pub use http::{CALL_TIMEOUT, build_http_client, build_http_client_with, check_health};
pub use openapi_collection::collection_from_openapi;
pub use paging::{
    PageOptions, Progress, fetch_all, fetch_all_mapped, with_tie_breaker, with_tie_breaker_on,
};
