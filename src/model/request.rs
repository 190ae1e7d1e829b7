//! A request as composed in the request builder: method, path, `OData` options, plain query
//! parameters, headers and a JSON body. Plain data, persisted with the tabs (never a token:
//! the `Authorization` header is added when sending).

use serde::{Deserialize, Serialize};

use super::odata::{ODataQuery, QueryError};

/// The methods the Sage 200 API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Hash)]
pub enum HttpMethod {
    /// Read.
    #[default]
    Get,
    /// Create.
    Post,
    /// Update (a merge on Sage 200).
    Put,
    /// Delete.
    Delete,
}

impl HttpMethod {
    /// Every method.
    pub const ALL: [Self; 4] = [Self::Get, Self::Post, Self::Put, Self::Delete];

    /// The method as sent.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }

    /// Whether the method carries a body.
    #[must_use]
    pub fn has_body(self) -> bool {
        matches!(self, Self::Post | Self::Put)
    }
}

/// A row of plain query parameters or headers that can be switched off without deleting it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Hash)]
pub struct KeyValue {
    /// Whether it is sent.
    pub enabled: bool,
    /// The name.
    pub key: String,
    /// The value.
    pub value: String,
}

impl Default for KeyValue {
    fn default() -> Self {
        Self {
            enabled: true,
            key: String::new(),
            value: String::new(),
        }
    }
}

/// Headers the user may not set by hand: the app owns them.
const RESERVED_HEADERS: [&str; 4] = ["authorization", "x-site", "x-company", "host"];

/// One request being composed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(default)]
pub struct RequestDraft {
    /// The method.
    pub method: HttpMethod,
    /// Relative to the API base URL, e.g. `customers` or `customers/42`.
    pub path: String,
    /// `OData` options.
    pub query: ODataQuery,
    /// Other query parameters.
    pub params: Vec<KeyValue>,
    /// Extra headers.
    pub headers: Vec<KeyValue>,
    /// The JSON body, as typed.
    pub body: String,
    /// Values taken from each answer into variables (`{{variable}}` then reads them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<Capture>,
}

/// A value taken from an answer into a variable after each send: the first value the
/// JSON path (`$.id`, `$[0].reference`; see `crate::document::json_path`) finds. A text is
/// taken without its quotes; a number, `true`, `false` or `null` as written; an object or
/// array as its JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Hash, Default)]
#[serde(default)]
pub struct Capture {
    /// The variable's name.
    pub variable: String,
    /// Where its value is in the answer.
    pub path: String,
}

impl Default for RequestDraft {
    fn default() -> Self {
        Self {
            method: HttpMethod::Get,
            path: "customers".to_owned(),
            query: ODataQuery {
                top: Some(100),
                ..ODataQuery::default()
            },
            params: Vec::new(),
            headers: Vec::new(),
            body: String::new(),
            captures: Vec::new(),
        }
    }
}

impl RequestDraft {
    /// "GET customers", for tab titles and history.
    #[must_use]
    pub fn title(&self) -> String {
        let path = self.path.trim().trim_start_matches('/');
        if path.is_empty() {
            format!("{} (no path)", self.method.as_str())
        } else {
            format!("{} {path}", self.method.as_str())
        }
    }

    /// The path, checked: relative, no query string, no unfilled `{placeholders}`.
    pub fn checked_path(&self) -> Result<String, QueryError> {
        let path = self.path.trim().trim_start_matches('/');
        if path.is_empty() {
            return Err(QueryError("Type a path, e.g. customers.".into()));
        }
        if path.contains("://") {
            return Err(QueryError(
                "Type the path relative to the API address, e.g. customers/42.".into(),
            ));
        }
        if path.contains(['?', '#']) {
            return Err(QueryError(
                "Put query options in the fields below, not in the path.".into(),
            ));
        }
        if let Some(start) = path.find('{') {
            let end = path[start..]
                .find('}')
                .map_or(path.len(), |e| start + e + 1);
            return Err(QueryError(format!(
                "Replace {} in the path with a value.",
                &path[start..end]
            )));
        }
        if path.chars().any(char::is_whitespace) {
            return Err(QueryError("The path may not contain spaces.".into()));
        }
        Ok(path.to_owned())
    }

    /// Every query parameter to send: the `OData` options, then the enabled plain ones.
    pub fn query_pairs(&self) -> Result<Vec<(String, String)>, QueryError> {
        let mut pairs = self.query.to_params()?;
        for row in self
            .params
            .iter()
            .filter(|r| r.enabled && !r.key.trim().is_empty())
        {
            let key = row.key.trim();
            if key.starts_with('$') {
                return Err(QueryError(format!(
                    "Set {key} in the query options above, not as a plain parameter."
                )));
            }
            pairs.push((key.to_owned(), row.value.clone()));
        }
        Ok(pairs)
    }

    /// The enabled extra headers, checked.
    pub fn header_pairs(&self) -> Result<Vec<(String, String)>, QueryError> {
        let mut headers = Vec::new();
        for row in self
            .headers
            .iter()
            .filter(|r| r.enabled && !r.key.trim().is_empty())
        {
            let key = row.key.trim();
            if let Some(problem) = header_problem(key, &row.value) {
                return Err(QueryError(problem));
            }
            headers.push((key.to_owned(), row.value.trim().to_owned()));
        }
        Ok(headers)
    }
}

/// What is wrong with a header the user set, if anything: a name outside RFC 9110's token
/// characters, a header the app sets itself, a line break or control character, or text
/// outside ASCII (HTTP carries header values as ASCII; `é` would fail only when sending).
#[must_use]
pub fn header_problem(name: &str, value: &str) -> Option<String> {
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid {
        return Some(format!("'{name}' is not a valid header name."));
    }
    if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        return Some(format!(
            "{name} is set by the app from the sign-in and the chosen company."
        ));
    }
    if value.chars().any(char::is_control) {
        return Some(format!(
            "The value of {name} has a line break or control character."
        ));
    }
    if let Some(other) = value.chars().find(|c| !c.is_ascii()) {
        return Some(format!(
            "The value of {name} has '{other}', which a header cannot carry (ASCII only); percent-encode it or leave it out."
        ));
    }
    None
}

/// Percent-encodes query parameters the way Sage expects: spaces as `%20`, and every
/// character that could end or split a value (`&`, `#`, `+`, `%`, `'`…) escaped.
#[must_use]
pub fn encode_query(query: &[(String, String)]) -> String {
    fn escape(text: &str) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(text.len());
        for byte in text.bytes() {
            if byte.is_ascii_alphanumeric()
                || matches!(
                    byte,
                    b'-' | b'_' | b'.' | b'~' | b'$' | b',' | b'(' | b')' | b'/' | b':'
                )
            {
                out.push(char::from(byte));
            } else {
                let _ = write!(out, "%{byte:02X}");
            }
        }
        out
    }
    query
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_escaped() {
        let query = vec![
            (
                "$filter".to_owned(),
                "name eq 'O''Brien & Sons' and x eq '#1+2%'".to_owned(),
            ),
            ("$top".to_owned(), "10".to_owned()),
        ];
        assert_eq!(
            encode_query(&query),
            "$filter=name%20eq%20%27O%27%27Brien%20%26%20Sons%27%20and%20x%20eq%20%27%231%2B2%25%27&$top=10"
        );
    }

    #[test]
    fn paths_are_checked() {
        let mut draft = RequestDraft::default();
        assert_eq!(draft.checked_path().unwrap(), "customers");
        for (path, problem) in [
            ("", "Type a path"),
            ("https://api.example.com/customers", "relative"),
            ("customers?$top=1", "query options"),
            ("customers/{id}", "{id}"),
            ("customers/1 2", "spaces"),
        ] {
            draft.path = path.into();
            assert!(
                draft.checked_path().unwrap_err().0.contains(problem),
                "{path}"
            );
        }
        draft.path = "/customers/42/".into();
        assert_eq!(draft.checked_path().unwrap(), "customers/42/");
        assert_eq!(draft.title(), "GET customers/42/");
    }

    #[test]
    fn parameters_and_headers_are_checked() {
        let mut draft = RequestDraft::default();
        draft.params.push(KeyValue {
            key: "page".into(),
            value: "2".into(),
            ..KeyValue::default()
        });
        draft.params.push(KeyValue {
            enabled: false,
            key: "skipped".into(),
            value: "x".into(),
        });
        let pairs = draft.query_pairs().unwrap();
        assert_eq!(pairs.last().unwrap(), &("page".to_owned(), "2".to_owned()));
        assert!(!pairs.iter().any(|(k, _)| k == "skipped"));
        draft.params.push(KeyValue {
            key: "$top".into(),
            value: "9".into(),
            ..KeyValue::default()
        });
        assert!(draft.query_pairs().is_err());

        draft.headers.push(KeyValue {
            key: "X-Trace".into(),
            value: "abc".into(),
            ..KeyValue::default()
        });
        assert_eq!(
            draft.header_pairs().unwrap(),
            [("X-Trace".to_owned(), "abc".to_owned())]
        );
        draft.headers.push(KeyValue {
            key: "Authorization".into(),
            value: "Bearer x".into(),
            ..KeyValue::default()
        });
        assert!(
            draft
                .header_pairs()
                .unwrap_err()
                .0
                .contains("set by the app")
        );
        draft.headers.pop();
        draft.headers.push(KeyValue {
            key: "Bad Header".into(),
            value: "x".into(),
            ..KeyValue::default()
        });
        assert!(draft.header_pairs().is_err());
        draft.headers.pop();
        draft.headers.push(KeyValue {
            key: "X-Name".into(),
            value: "Café".into(),
            ..KeyValue::default()
        });
        assert!(draft.header_pairs().unwrap_err().0.contains("'é'"));
    }
}
