//! Writing a [`Collection`] as a Postman v2.1.0 collection, valid against Postman's
//! published schema, that reads back here as the same collection.

use serde_json::{Map, Value, json};

use super::KeyValue;
use super::PROFESSIONAL_API_URL;
use super::SCHEMA_V2_1;
use super::{Body, Collection, Item, SavedRequest, Variable};

/// The variable exported requests start with when they are paths under the Sage 200 API
/// address; reading the file back takes it for the address of the profile in use.
pub const SAGE_BASE_VARIABLE: &str = "sage200BaseUrl";

/// The collection as Postman v2.1.0 JSON. Paths under the API address become
/// `{{sage200BaseUrl}}/path` (the variable set to Sage 200 Professional's address), with
/// `X-Site: {{site_id}}` and `X-Company: {{company_id}}` headers and bearer auth reading
/// `{{accessToken}}` (addresses kept from an import send no auth, so the Sage token never
/// goes elsewhere), so the requests work in Postman once those are set. Secret variables
/// are written without a value.
#[must_use]
pub fn to_postman(collection: &Collection) -> Value {
    let mut info = Map::new();
    info.insert("name".into(), json!(collection.name));
    if !collection.description.is_empty() {
        info.insert("description".into(), json!(collection.description));
    }
    info.insert("schema".into(), json!(SCHEMA_V2_1));
    let mut variables: Vec<Value> = collection.variables.iter().map(variable).collect();
    let has = |key: &str| collection.variables.iter().any(|v| v.key == key);
    let relative = collection
        .requests()
        .iter()
        .any(|(_, r)| is_relative(&r.url));
    if relative {
        variables.push(json!({ "key": SAGE_BASE_VARIABLE, "value": PROFESSIONAL_API_URL.trim_end_matches('/'), "type": "string" }));
        for key in ["site_id", "company_id"] {
            if !has(key) {
                variables.push(json!({ "key": key, "value": "", "type": "string" }));
            }
        }
    }
    let mut root = Map::new();
    root.insert("info".into(), Value::Object(info));
    root.insert("item".into(), Value::Array(items(&collection.items)));

    if !variables.is_empty() {
        root.insert("variable".into(), Value::Array(variables));
    }
    Value::Object(root)
}

fn items(items: &[Item]) -> Vec<Value> {
    items
        .iter()
        .map(|item| match item {
            Item::Folder(folder) => {
                let mut out = Map::new();
                out.insert("name".into(), json!(folder.name));
                if !folder.description.is_empty() {
                    out.insert("description".into(), json!(folder.description));
                }
                if !folder.variables.is_empty() {
                    out.insert(
                        "variable".into(),
                        folder.variables.iter().map(variable).collect(),
                    );
                }
                out.insert("item".into(), Value::Array(self::items(&folder.items)));
                Value::Object(out)
            }
            Item::Request(request) => self::request(request),
        })
        .collect()
}

fn request(saved: &SavedRequest) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(saved.name));
    if !saved.description.is_empty() {
        out.insert("description".into(), json!(saved.description));
    }
    let mut headers: Vec<Value> = Vec::new();
    let relative = is_relative(&saved.url);
    if relative {
        headers.push(json!({ "key": "X-Site", "value": "{{site_id}}" }));
        headers.push(json!({ "key": "X-Company", "value": "{{company_id}}" }));
    }
    headers.extend(saved.headers.iter().map(key_value));
    let mut request = Map::new();
    request.insert("method".into(), json!(saved.method));
    request.insert("header".into(), Value::Array(headers));
    request.insert("url".into(), url(saved, relative));
    // The Sage token goes to the Sage API only; requests to other addresses send none.
    request.insert(
        "auth".into(),
        if relative {
            json!({ "type": "bearer", "bearer": [{ "key": "token", "value": "{{accessToken}}", "type": "string" }] })
        } else {
            json!({ "type": "noauth" })
        },
    );
    if let Some(body) = body(&saved.body) {
        request.insert("body".into(), body);
    }
    out.insert("request".into(), Value::Object(request));
    if !saved.captures.is_empty() {
        out.insert(
            "event".into(),
            json!([{
                "listen": "test",
                "script": { "type": "text/javascript", "exec": super::captures::script(&saved.captures) }
            }]),
        );
    }
    Value::Object(out)
}

/// Whether `url` is a path under the API address (not an address kept from an import).
fn is_relative(url: &str) -> bool {
    SavedRequest {
        url: url.to_owned(),
        ..SavedRequest::default()
    }
    .is_under_api()
}

fn url(saved: &SavedRequest, relative: bool) -> Value {
    let address = if relative {
        format!(
            "{{{{{SAGE_BASE_VARIABLE}}}}}/{}",
            saved.url.trim_start_matches('/')
        )
    } else {
        saved.url.clone()
    };
    let mut raw = address.clone();
    let sent: Vec<String> = saved
        .query
        .iter()
        .filter(|q| q.enabled)
        .map(|q| {
            format!(
                "{}={}",
                q.key.replace('%', "%25"),
                q.value.replace('%', "%25")
            )
        })
        .collect();
    if !sent.is_empty() {
        raw.push('?');
        raw.push_str(&sent.join("&"));
    }
    let mut url = Map::new();
    url.insert("raw".into(), json!(raw));
    let (protocol, rest) = match address.split_once("://") {
        Some((protocol, rest)) => (Some(protocol), rest),
        None => (None, address.as_str()),
    };
    if let Some(protocol) = protocol {
        url.insert("protocol".into(), json!(protocol));
    }
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (host, port) = match host.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => (h, Some(p)),
        _ => (host, None),
    };
    let host: Vec<&str> = if host.starts_with("{{") {
        vec![host]
    } else {
        host.split('.').collect()
    };
    url.insert("host".into(), json!(host));
    if let Some(port) = port {
        url.insert("port".into(), json!(port));
    }
    url.insert("path".into(), json!(path.split('/').collect::<Vec<_>>()));
    if !saved.query.is_empty() {
        // `%` written as `%25`: Postman sends a query as written, and reading it back
        // decodes escapes.
        let escaped = |text: &str| text.replace('%', "%25");
        url.insert(
            "query".into(),
            saved
                .query
                .iter()
                .map(|q| {
                    key_value(&KeyValue {
                        enabled: q.enabled,
                        key: escaped(&q.key),
                        value: escaped(&q.value),
                    })
                })
                .collect(),
        );
    }
    if !saved.path_variables.is_empty() {
        url.insert(
            "variable".into(),
            saved.path_variables.iter().map(variable).collect(),
        );
    }
    Value::Object(url)
}

fn body(body: &Body) -> Option<Value> {
    Some(match body {
        Body::None => return None,
        Body::Raw { text, language } => {
            let mut out = json!({ "mode": "raw", "raw": text });
            if !language.is_empty() {
                out["options"] = json!({ "raw": { "language": language } });
            }
            out
        }
        Body::UrlEncoded(fields) => {
            json!({ "mode": "urlencoded", "urlencoded": fields.iter().map(key_value).collect::<Vec<_>>() })
        }
        Body::FormData(parts) => json!({
            "mode": "formdata",
            "formdata": parts.iter().map(|p| {
                let mut part = if p.file {
                    json!({ "key": p.key, "src": p.value, "type": "file" })
                } else {
                    json!({ "key": p.key, "value": p.value, "type": "text" })
                };
                if !p.enabled {
                    part["disabled"] = json!(true);
                }
                part
            }).collect::<Vec<_>>(),
        }),
        Body::File { src } => json!({ "mode": "file", "file": { "src": src } }),
    })
}

fn key_value(row: &KeyValue) -> Value {
    let mut out = json!({ "key": row.key, "value": row.value });
    if !row.enabled {
        out["disabled"] = json!(true);
    }
    out
}

fn variable(var: &Variable) -> Value {
    let mut out = json!({ "key": var.key, "value": if var.secret { "" } else { var.value.as_str() }, "type": "string" });
    if !var.enabled {
        out["disabled"] = json!(true);
    }
    if var.secret {
        out["secret"] = json!(true);
    }
    if !var.description.is_empty() {
        out["description"] = json!(var.description);
    }
    out
}
