//! The screens, one folder each, and what they share.
//!
//! A screen's folder holds everything that is only its own: its command enum and state
//! (`mod.rs`, or `state.rs` when it is long), the code that turns its commands into tasks
//! and takes their results (`update.rs`), and its drawing (`view.rs`, and `*_view.rs` when
//! the drawing is split). Views read their own state and [`shared::Shared`] and push their
//! own commands; update code borrows [`crate::app::Services`] and asks other screens for
//! work through it. `tests/layering.rs` holds each kind of file to its imports.
//!
//! - [`shell`]: top bar, navigation, status bar and Help.
//! - [`session`]: profile in use and sign-in; [`company`]: the site and company picker.
//! - [`browse`] and [`customers`] both show a [`records`] list (a part, not a screen).
//! - [`request`]: the request builder; [`history`]; [`settings`]; [`welcome`].

pub mod browse;
pub mod calls;
pub mod company;
pub mod customers;
pub mod history;
pub mod records;
pub mod reports;
pub mod request;
pub mod session;
pub mod settings;
pub mod shared;
pub mod shell;
pub mod welcome;
