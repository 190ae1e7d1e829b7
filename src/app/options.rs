//! How the app is started: the runtime, the demo server's address, the keyring scope,
//! time-outs and paths (`main` sets them from the command line, tests set their own).

use std::time::Duration;

use tokio::runtime::Handle;

use crate::api;
use crate::auth::SIGN_IN_TIMEOUT;

use super::AppPaths;

/// What the app starts with.
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// The runtime that runs every network call; it outlives the app.
    pub runtime: Handle,
    /// Root URL of the in-process demo server, when started with `--demo`.
    pub demo_url: Option<String>,
    /// Open the system browser for sign-in (tests drive the URL themselves).
    pub open_browser: bool,
    /// How long to wait for the browser.
    pub sign_in_timeout: Duration,
    /// Prefix of this app's keyring entries (tests use their own, to stay apart).
    pub keyring_scope: String,
    /// Where the app keeps its files (shown in Settings).
    pub paths: Option<AppPaths>,
    /// How long one call may take, body included (tests shorten it).
    pub call_timeout: Duration,
    /// Sign in through the browser at start unless a stored sign-in works silently
    /// (`--demo`: the user has chosen the demo, so no welcome either).
    pub sign_in_at_start: bool,
}

impl StartOptions {
    /// Options for a normal run.
    #[must_use]
    pub fn new(runtime: Handle, demo_url: Option<String>) -> Self {
        Self {
            runtime,
            demo_url,
            open_browser: true,
            sign_in_timeout: SIGN_IN_TIMEOUT,
            keyring_scope: String::new(),
            paths: None,
            call_timeout: api::CALL_TIMEOUT,
            sign_in_at_start: false,
        }
    }
}

/// The user's order of day, month and year: from the locale variables (`LC_ALL`,
/// `LC_TIME`, `LANG`, as POSIX orders them), else from the system's setting.
pub(super) fn user_date_style() -> crate::model::DateStyle {
    ["LC_ALL", "LC_TIME", "LANG"]
        .iter()
        .find_map(|key| std::env::var(key).ok().filter(|v| !v.is_empty()))
        .or_else(sys_locale::get_locale)
        .map(|locale| crate::model::DateStyle::from_locale(&locale))
        .unwrap_or_default()
}
