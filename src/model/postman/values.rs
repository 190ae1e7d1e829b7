//! Reading the values of a Postman file: descriptions in either shape, rows, form parts,
//! variables, URLs from their parts, query escapes, GraphQL bodies, Sage addresses.

use serde_json::{Map, Value};

use super::{Body, FormPart, KeyValue, Variable};

pub(super) fn append(description: &mut String, text: &str) {
    if !description.trim().is_empty() {
        description.push_str("\n\n");
    }
    description.push_str(text);
}

/// A GraphQL body as the JSON a GraphQL server reads: `{"query": …, "variables": …}`.
pub(super) fn graphql_body(graphql: Option<&Value>) -> Body {
    let query = text_of(graphql.and_then(|g| g.get("query")));
    let variables = text_of(graphql.and_then(|g| g.get("variables")));
    let variables = if variables.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        // Postman keeps them as text; text that is not JSON is kept as text.
        serde_json::from_str(&variables).unwrap_or(Value::String(variables))
    };
    let text = serde_json::to_string_pretty(
        &serde_json::json!({ "query": query, "variables": variables }),
    )
    .unwrap_or_default();
    Body::Raw {
        text,
        language: "json".to_owned(),
    }
}

/// A description: a string, or `{content, type}`.
pub(super) fn description(value: Option<&Value>) -> String {
    match value {
        Some(Value::Object(d)) => text_of(d.get("content")),
        other => text_of(other),
    }
}

/// A JSON value as text: strings as they are, other scalars as written, null empty.
pub(super) fn text_of(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(lines)) if lines.iter().all(Value::is_string) => lines
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n"),
        Some(other) => other.to_string(),
    }
}

pub(super) fn key_value(entry: &Value) -> KeyValue {
    KeyValue {
        enabled: entry.get("disabled").and_then(Value::as_bool) != Some(true),
        key: text_of(entry.get("key")),
        value: text_of(entry.get("value")),
    }
}

/// A query parameter as the app holds it: `%XX` escapes decoded (Postman sends them as
/// written, and the app encodes what it sends, so `%20` kept would go as `%2520`); text
/// that does not decode to UTF-8 is kept as written. `+` stays `+`.
pub(super) fn decoded(row: &KeyValue) -> KeyValue {
    let decode = |text: &str| {
        if !text.contains('%') {
            return text.to_owned();
        }
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (bytes[i], hex) {
                (b'%', Some(byte)) => {
                    out.push(byte);
                    i += 3;
                }
                (byte, _) => {
                    out.push(byte);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
    };
    KeyValue {
        enabled: row.enabled,
        key: decode(&row.key),
        value: decode(&row.value),
    }
}

pub(super) fn form_part(entry: &Value) -> FormPart {
    let file = entry.get("type").and_then(Value::as_str) == Some("file");
    FormPart {
        enabled: entry.get("disabled").and_then(Value::as_bool) != Some(true),
        key: text_of(entry.get("key")),
        value: if file {
            text_of(entry.get("src"))
        } else {
            text_of(entry.get("value"))
        },
        file,
    }
}

pub(super) fn variable(entry: &Value) -> Variable {
    Variable {
        key: text_of(entry.get("key").or_else(|| entry.get("id"))),
        value: text_of(entry.get("value")),
        enabled: entry.get("disabled").and_then(Value::as_bool) != Some(true),
        secret: false,
        description: description(entry.get("description")),
    }
}

/// A variable name for a credential field: `X-API-Key` → `x_api_key`.
pub(super) fn variable_name(key: &str) -> String {
    let name: String = key
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        "secret".to_owned()
    } else {
        name
    }
}

/// The address and the query of a written URL (the `#fragment` dropped).
pub(super) fn split_query(raw: &str) -> (String, String) {
    let raw = raw.split('#').next().unwrap_or_default().trim();
    let (address, query) = raw.split_once('?').unwrap_or((raw, ""));
    (address.to_owned(), query.to_owned())
}

/// An address from a URL object's parts, when it has no `raw`.
pub(super) fn compose(url: &Map<String, Value>) -> String {
    let joined = |key: &str, by: &str| match url.get(key) {
        Some(Value::Array(parts)) => parts
            .iter()
            .map(|p| match p {
                Value::Object(segment) => text_of(segment.get("value")),
                other => text_of(Some(other)),
            })
            .collect::<Vec<_>>()
            .join(by),
        other => text_of(other),
    };
    let mut address = String::new();
    let protocol = joined("protocol", "");
    if !protocol.is_empty() {
        address.push_str(&protocol);
        address.push_str("://");
    }
    address.push_str(&joined("host", "."));
    let port = joined("port", "");
    if !port.is_empty() {
        address.push(':');
        address.push_str(&port);
    }
    let path = joined("path", "/");
    if !path.is_empty() {
        if !address.is_empty() {
            address.push('/');
        }
        address.push_str(&path);
    }
    address
}

/// The path below a Sage 200 API address (`https://…/accounts/v1/…`: `accounts` and `v1` whole
/// segments), when `address` is one.
pub(super) fn sage_path(address: &str) -> Option<String> {
    let lower = address.to_ascii_lowercase();
    lower.contains("://").then_some(())?;
    let marker = "/accounts/v1";
    let at = lower
        .match_indices(marker)
        .map(|(i, _)| i)
        .find(|&i| matches!(lower.as_bytes().get(i + marker.len()), None | Some(b'/')))?;
    Some(
        address[at + marker.len()..]
            .trim_start_matches('/')
            .to_owned(),
    )
}
