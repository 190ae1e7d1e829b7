//! The profile in use and sign-in: start-up (keyring probe and silent sign-in), sign-in
//! through the system browser with its waiting dialog, sign-out, and switching profile.
//! Where sign-in stands is [`crate::screens::shared::AuthView`], which every screen reads.

mod flow;
mod update;
pub mod view;

pub use flow::{SignInProgress, SignedIn};
pub use update::SignIn;

/// What sign-in is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Sign in through the system browser.
    SignIn,
    /// Stop waiting for the browser.
    CancelSignIn,
    /// Sign out and forget the tokens.
    SignOut,
    /// Switch to another profile (its stored sign-in is tried silently).
    SelectProfile(String),
    /// The active profile's settings changed: forget this run's session and start again.
    Restart,
    /// Like `Restart`, then sign in through the browser unless a stored sign-in works.
    RestartAndSignIn,
    /// Use this profile and sign in (the welcome's choices).
    SwitchAndSignIn(String),
}
