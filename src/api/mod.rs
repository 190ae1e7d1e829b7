//! The Sage 200 API client: HTTP on reqwest (rustls), typed errors, and the calls every
//! screen uses. Uses `model` and its own crates; never egui, `ui` or `app`.

mod client;
mod error;
mod http;

pub use client::{Answer, ApiClient, CompanyScope, TokenProvider};
pub use error::ApiError;
pub use http::{build_http_client, check_health};
