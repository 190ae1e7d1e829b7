//! sage200-desk: a native desktop client for the Sage 200 accounting API.
//!
//! The crate is split into layers (see `ARCHITECTURE.md`):
//! [`model`] and [`document`] hold plain data and pure logic, [`api`], [`auth`] and
//! [`export`] do I/O without a UI, [`screens`] are the screens (each with its state,
//! commands, update code and drawing), [`ui`] the drawing they share, [`app`] routes
//! commands to the screens and owns the services they borrow, and [`demo_server`] is a
//! self-contained simulator of Sage ID and the Sage 200 API.

pub mod api;
pub mod app;
pub mod auth;
pub mod collection;
pub mod demo_server;
pub mod document;
pub mod export;
pub mod model;
pub mod screens;
pub mod ui;

/// The application's identifier: window class / Wayland app id, storage folder name.
pub const APP_ID: &str = "sage200-desk";

/// The application's human-readable name.
pub const APP_NAME: &str = "Sage 200 Desk";

/// The crate version, shown in the About box and the `User-Agent`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git commit this build came from (short hash), or "unknown" (see `build.rs`).
pub const COMMIT: &str = env!("SAGE200_DESK_COMMIT");

/// "0.1.0 (commit 3f2a9c1d0)": what `--version` and the About box show.
#[must_use]
pub fn version_text() -> String {
    format!("{VERSION} (commit {COMMIT})")
}
