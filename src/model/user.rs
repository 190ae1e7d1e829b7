//! Who is signed in, as `GET current_user` tells.

use serde::{Deserialize, Serialize};

/// The signed-in Sage 200 user. Read leniently: missing fields default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CurrentUser {
    /// The logon name.
    pub logon_name: String,
    /// The name to show.
    pub friendly_name: String,
    /// The e-mail address.
    pub email_address: String,
}

impl CurrentUser {
    /// The best name to show for the user.
    #[must_use]
    pub fn display_name(&self) -> &str {
        [&self.friendly_name, &self.logon_name, &self.email_address]
            .into_iter()
            .find(|s| !s.trim().is_empty())
            .map_or("Signed-in user", String::as_str)
    }
}
