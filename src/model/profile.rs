//! Sign-in profiles: which Sage ID and which Sage 200 API to talk to, as whom. Plain data,
//! persisted without secrets (a client secret lives only in the OS keyring).

use serde::{Deserialize, Serialize};

/// Sage's production authorize endpoint.
pub const SAGE_AUTHORIZE_URL: &str = "https://id.sage.com/authorize";
/// Sage's production token endpoint.
pub const SAGE_TOKEN_URL: &str = "https://id.sage.com/oauth/token";
/// Sage's revoke endpoint (standard for the provider; unconfirmed for Sage 200).
pub const SAGE_REVOKE_URL: &str = "https://id.sage.com/oauth/revoke";
/// The audience Sage 200 requires on the authorize request.
pub const SAGE_AUDIENCE: &str = "s200ukipd/sage200";
/// Sage 200 Professional / Extra Online API base URL.
pub const PROFESSIONAL_API_URL: &str = "https://api.columbus.sage.com/uk/sage200extra/accounts/v1/";
/// Sage 200 Standard Online API base URL.
pub const STANDARD_API_URL: &str = "https://api.columbus.sage.com/uk/sage200/accounts/v1/";
/// Scopes asked for by default; without `offline_access` no refresh token is issued.
pub const DEFAULT_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];
/// The demo server's public client id.
pub const DEMO_CLIENT_ID: &str = "demo-desktop";

/// Which Sage 200 edition (and so which API base URL) a profile uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Hash)]
pub enum Edition {
    /// Sage 200 Professional / Extra Online.
    Professional,
    /// Sage 200 Standard Online.
    Standard,
    /// Any other base URL (on-premise installs, the demo server).
    Custom(String),
}

impl Edition {
    /// The API base URL, ending in `/`.
    #[must_use]
    pub fn api_base_url(&self) -> String {
        let url = match self {
            Self::Professional => PROFESSIONAL_API_URL,
            Self::Standard => STANDARD_API_URL,
            Self::Custom(url) => url.as_str(),
        };
        if url.ends_with('/') {
            url.to_owned()
        } else {
            format!("{url}/")
        }
    }

    /// A name for people.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Professional => "Sage 200 Professional",
            Self::Standard => "Sage 200 Standard",
            Self::Custom(_) => "Custom server",
        }
    }
}

/// Which host name the loopback redirect uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
pub enum RedirectHost {
    /// `127.0.0.1` (what RFC 8252 recommends).
    #[default]
    Loopback,
    /// `localhost`, for credentials registered with it.
    Localhost,
}

impl RedirectHost {
    /// The host name as written in the redirect URI.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Loopback => "127.0.0.1",
            Self::Localhost => "localhost",
        }
    }
}

/// Where Sage ID sends the browser back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(default)]
pub struct RedirectSettings {
    /// The host name.
    pub host: RedirectHost,
    /// A fixed port, or `None` for any free one.
    pub port: Option<u16>,
    /// The path, starting with `/`.
    pub path: String,
}

impl Default for RedirectSettings {
    fn default() -> Self {
        Self {
            host: RedirectHost::Loopback,
            port: None,
            path: "/callback".to_owned(),
        }
    }
}

impl RedirectSettings {
    /// The redirect URI for a listener on `port`.
    #[must_use]
    pub fn uri(&self, port: u16) -> String {
        format!("http://{}:{port}{}", self.host.as_str(), self.path)
    }

    /// What is wrong with these settings, if anything.
    pub fn validate(&self) -> Result<(), String> {
        if !self.path.starts_with('/') {
            return Err("The redirect path must start with '/'.".into());
        }
        if self
            .path
            .chars()
            .any(|c| c.is_whitespace() || c == '?' || c == '#')
        {
            return Err("The redirect path may not contain spaces, '?' or '#'.".into());
        }
        if self.port == Some(0) {
            return Err("Port 0 is not a port; leave it empty for any free port.".into());
        }
        Ok(())
    }
}

/// A named way to sign in and reach one Sage 200 API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(default)]
pub struct Profile {
    /// The profile's name (unique; also names its keyring entries).
    pub name: String,
    /// The edition, which gives the API base URL.
    pub edition: Edition,
    /// Sage ID's authorize endpoint.
    pub authorize_url: String,
    /// Sage ID's token endpoint.
    pub token_url: String,
    /// The revoke endpoint, when there is one.
    pub revoke_url: Option<String>,
    /// The `audience` parameter.
    pub audience: String,
    /// Scopes to ask for.
    pub scopes: Vec<String>,
    /// The client id Sage issued (empty until the user adds it).
    pub client_id: String,
    /// Whether a client secret is kept for this profile in the keyring.
    pub uses_client_secret: bool,
    /// The loopback redirect.
    pub redirect: RedirectSettings,
    /// Extra headers sent on every API call (e.g. an old `ocp-apim-subscription-key`).
    pub extra_headers: Vec<(String, String)>,
    /// Extra parameters of the authorize request, e.g. `prompt=consent` (which a standard
    /// `OpenID` provider needs before it issues a refresh token for `offline_access`) or
    /// `resource=…`.
    pub authorize_params: Vec<(String, String)>,
    /// The provider's issuer identifier, when known: a browser answer naming another
    /// issuer in `iss` is refused (RFC 9207, against mix-up attacks).
    pub issuer: Option<String>,
    /// How many days a browser sign-in lasts before it must be made again (the refresh
    /// token's fixed lifetime), when the provider does not say: Sage's guide gives up to
    /// 180 days, integrators report 60–90. Used to warn a week before.
    pub sign_in_lifetime_days: Option<u32>,
}

impl Default for Profile {
    fn default() -> Self {
        Self::sage_professional()
    }
}

impl Profile {
    fn sage(name: &str, edition: Edition) -> Self {
        Self {
            name: name.to_owned(),
            edition,
            authorize_url: SAGE_AUTHORIZE_URL.to_owned(),
            token_url: SAGE_TOKEN_URL.to_owned(),
            revoke_url: Some(SAGE_REVOKE_URL.to_owned()),
            audience: SAGE_AUDIENCE.to_owned(),
            scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            client_id: String::new(),
            uses_client_secret: false,
            redirect: RedirectSettings::default(),
            extra_headers: Vec::new(),
            authorize_params: Vec::new(),
            issuer: None,
            sign_in_lifetime_days: None,
        }
    }

    /// Sage 200 Professional / Extra Online with Sage's real endpoints.
    #[must_use]
    pub fn sage_professional() -> Self {
        Self::sage("Sage 200 Professional", Edition::Professional)
    }

    /// Sage 200 Standard Online with Sage's real endpoints.
    #[must_use]
    pub fn sage_standard() -> Self {
        Self::sage("Sage 200 Standard", Edition::Standard)
    }

    /// The demo server at `root` (e.g. `http://127.0.0.1:18200`).
    #[must_use]
    pub fn demo(root: &str) -> Self {
        let root = root.trim_end_matches('/');
        Self {
            name: "Demo".to_owned(),
            edition: Edition::Custom(format!("{root}/uk/sage200extra/accounts/v1/")),
            authorize_url: format!("{root}/authorize"),
            token_url: format!("{root}/oauth/token"),
            revoke_url: Some(format!("{root}/oauth/revoke")),
            client_id: DEMO_CLIENT_ID.to_owned(),
            ..Self::sage("Demo", Edition::Professional)
        }
    }

    /// Whether this is the built-in demo server's profile ([`Profile::demo`]).
    #[must_use]
    pub fn is_demo(&self) -> bool {
        self.name == "Demo" && self.client_id == DEMO_CLIENT_ID
    }

    /// Who signs the user in, for messages: "Sage ID" for Sage's endpoints, "the demo
    /// server" for the built-in one, else the authorize URL's host.
    #[must_use]
    pub fn provider_name(&self) -> String {
        let host = self
            .authorize_url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', '?', '#']).next())
            .map(|authority| authority.rsplit('@').next().unwrap_or(authority))
            .unwrap_or_default();
        let name = host.split(':').next().unwrap_or_default();
        if name == "sage.com" || name.ends_with(".sage.com") {
            "Sage ID".to_owned()
        } else if self.name == "Demo" && self.client_id == DEMO_CLIENT_ID {
            "the demo server".to_owned()
        } else if host.is_empty() {
            "the sign-in provider".to_owned()
        } else {
            host.to_owned()
        }
    }

    /// The API base URL, ending in `/`.
    #[must_use]
    pub fn api_base_url(&self) -> String {
        self.edition.api_base_url()
    }

    /// What must be fixed before signing in, if anything.
    pub fn validate(&self) -> Result<(), String> {
        match self.problems().into_iter().next() {
            Some((_, message)) => Err(message),
            None => Ok(()),
        }
    }

    /// Every problem, with the field it belongs to, for showing next to the field.
    #[must_use]
    pub fn problems(&self) -> Vec<(ProfileField, String)> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push((ProfileField::Name, "Give the profile a name.".to_owned()));
        }
        if self.client_id.trim().is_empty() {
            problems.push((
                ProfileField::ClientId,
                "Add the client id Sage issued for this app.".to_owned(),
            ));
        }
        let checks = [
            (
                ProfileField::AuthorizeUrl,
                "authorize",
                self.authorize_url.clone(),
            ),
            (ProfileField::TokenUrl, "token", self.token_url.clone()),
            (ProfileField::ApiUrl, "API", self.api_base_url()),
        ];
        for (field, label, url) in checks {
            if let Err(message) = check_url(label, &url) {
                problems.push((field, message));
            }
        }
        if let Some(revoke) = self.revoke_url.as_deref().filter(|u| !u.is_empty())
            && let Err(message) = check_url("revoke", revoke)
        {
            problems.push((ProfileField::RevokeUrl, message));
        }
        if !self.scopes.iter().any(|s| s == "offline_access") {
            problems.push((
                ProfileField::Scopes,
                "Include offline_access, or Sage issues no refresh token and every start needs a browser sign-in.".to_owned(),
            ));
        }
        if let Err(message) = self.redirect.validate() {
            problems.push((ProfileField::Redirect, message));
        }
        for (name, value) in &self.extra_headers {
            let valid_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !valid_name {
                problems.push((
                    ProfileField::Headers,
                    format!("'{name}' is not a valid header name."),
                ));
            } else if value.chars().any(char::is_control) {
                problems.push((
                    ProfileField::Headers,
                    format!("The value of '{name}' has a control character."),
                ));
            }
        }
        problems
    }

    /// Whether any endpoint of the profile is plain http (allowed only on this computer).
    #[must_use]
    pub fn uses_plain_http(&self) -> bool {
        [&self.authorize_url, &self.token_url, &self.api_base_url()]
            .iter()
            .any(|u| u.starts_with("http://"))
    }
}

/// The fields of a profile a problem can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileField {
    /// The name.
    Name,
    /// The client id.
    ClientId,
    /// The authorize URL.
    AuthorizeUrl,
    /// The token URL.
    TokenUrl,
    /// The revoke URL.
    RevokeUrl,
    /// The API base URL.
    ApiUrl,
    /// The scopes.
    Scopes,
    /// The redirect settings.
    Redirect,
    /// The extra headers.
    Headers,
}

fn check_url(label: &str, url: &str) -> Result<(), String> {
    let secure = url.starts_with("https://") && url.len() > "https://".len();
    if secure || is_loopback_http(url) {
        Ok(())
    } else {
        Err(format!(
            "The {label} URL must start with https:// (plain http only for a server on this computer)."
        ))
    }
}

/// Reads a port typed by the user: empty means "any free port".
pub fn parse_port(text: &str) -> Result<Option<u16>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u16>() {
        Ok(0) | Err(_) => Err(format!(
            "'{text}' is not a port: use a number from 1 to 65535, or leave it empty for any free port."
        )),
        Ok(port) => Ok(Some(port)),
    }
}

/// Whether `url` is `http://` to a loopback host.
#[must_use]
pub fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_point_at_sage() {
        let pro = Profile::sage_professional();
        assert_eq!(pro.api_base_url(), PROFESSIONAL_API_URL);
        assert!(pro.scopes.iter().any(|s| s == "offline_access"));
        assert_eq!(pro.audience, SAGE_AUDIENCE);
        assert!(pro.validate().unwrap_err().contains("client id"));
        assert_eq!(Profile::sage_standard().api_base_url(), STANDARD_API_URL);
        let demo = Profile::demo("http://127.0.0.1:9000/");
        assert_eq!(
            demo.api_base_url(),
            "http://127.0.0.1:9000/uk/sage200extra/accounts/v1/"
        );
        assert!(demo.validate().is_ok());
        assert!(demo.uses_plain_http());
    }

    #[test]
    fn plain_http_is_refused_except_on_loopback() {
        let mut p = Profile::demo("http://127.0.0.1:9000");
        p.token_url = "http://id.example.com/oauth/token".into();
        assert!(p.validate().unwrap_err().contains("https"));
        assert_eq!(p.problems()[0].0, ProfileField::TokenUrl);
        assert!(is_loopback_http("http://localhost:1/x"));
        assert!(!is_loopback_http("http://127.0.0.1.evil.com/x"));
        assert!(!is_loopback_http("https://127.0.0.1/x"));
    }

    #[test]
    fn ports_and_headers_are_checked() {
        assert_eq!(parse_port(""), Ok(None));
        assert_eq!(parse_port(" 33333 "), Ok(Some(33333)));
        for bad in ["0", "65536", "-1", "http", "80a"] {
            assert!(parse_port(bad).unwrap_err().contains("not a port"), "{bad}");
        }
        let mut p = Profile::demo("http://127.0.0.1:9");
        p.extra_headers.push(("bad header".into(), "x".into()));
        p.extra_headers.push(("ok".into(), "line\nbreak".into()));
        let fields: Vec<_> = p.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, [ProfileField::Headers, ProfileField::Headers]);
        p.extra_headers.clear();
        p.scopes.retain(|s| s != "offline_access");
        assert!(p.validate().unwrap_err().contains("offline_access"));
    }

    #[test]
    fn redirects_are_built_and_checked() {
        let mut r = RedirectSettings::default();
        assert_eq!(r.uri(5000), "http://127.0.0.1:5000/callback");
        r.host = RedirectHost::Localhost;
        r.port = Some(33333);
        assert_eq!(r.uri(33333), "http://localhost:33333/callback");
        r.path = "callback".into();
        assert!(r.validate().is_err());
        r.path = "/cb".into();
        r.port = Some(0);
        assert!(r.validate().is_err());
    }
}
