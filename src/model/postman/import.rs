//! Reading a Postman collection (v2.0.0 or v2.1.0) into a [`Collection`].

use serde_json::{Map, Value};

use super::KeyValue;
use super::values::{
    append, compose, decoded, description, form_part, graphql_body, key_value, sage_path,
    split_query, text_of, variable, variable_name,
};
use super::{Body, Collection, Folder, FormPart, Item, SavedRequest, Variable};
use super::{ImportNote, ImportSummary, PostmanImport, holds_credential};

/// Reads a Postman collection file's text.
///
/// # Errors
/// A sentence for people when the text is not JSON, or not a Postman collection of
/// format v2 (v1 files, which have no `info.schema`, are refused with that said).
pub fn from_postman(text: &str) -> Result<PostmanImport, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root: Value = serde_json::from_str(text)
        .map_err(|e| format!("The file is not JSON ({e}), so not a Postman collection."))?;
    let info = root
        .get("info")
        .and_then(Value::as_object)
        .ok_or("The file is not a Postman collection of format v2 (it has no \"info\"): export it from Postman as Collection v2.1.")?;
    let schema = info.get("schema").and_then(Value::as_str).unwrap_or("");
    let format = ["v2.1.0", "v2.0.0"]
        .into_iter()
        .find(|v| schema.contains(v))
        .ok_or_else(|| {
            format!("The file's format ({schema}) is not Postman Collection v2.0 or v2.1: export it from Postman as Collection v2.1.")
        })?;
    let items = root
        .get("item")
        .and_then(Value::as_array)
        .ok_or("The collection has no \"item\" list.")?;
    let mut reader = Reader {
        summary: ImportSummary {
            format: format.to_owned(),
            ..ImportSummary::default()
        },
        sage_bases: Vec::new(),
    };
    let mut collection = Collection {
        name: text_of(info.get("name")),
        description: description(info.get("description")),
        ..Collection::default()
    };
    let place = collection.name.clone();
    // v2.0.0 files may still carry the legacy `variables`.
    let declared = root.get("variable").or_else(|| root.get("variables"));
    collection.variables = reader.variables(declared, &place);
    // `{{baseUrl}}` that holds a Sage 200 API address stands for the profile's address.
    reader.sage_bases = collection
        .variables
        .iter()
        .filter(|v| sage_path(&v.value).is_some())
        .map(|v| v.key.clone())
        .collect();
    if !reader.sage_bases.is_empty() {
        let names = reader.sage_bases.join(", ");
        collection
            .variables
            .retain(|v| !reader.sage_bases.contains(&v.key));
        reader.note(
            &place,
            format!("{names} held the Sage 200 API address: its requests are paths under the address of the profile in use."),
        );
    }
    // What the app itself fills in: empty site and company variables would hide them.
    collection
        .variables
        .retain(|v| !(matches!(v.key.as_str(), "site_id" | "company_id") && v.value.is_empty()));
    reader.auth(root.get("auth"), &place, &mut collection.description);
    reader.events(root.get("event"), &place, &mut collection.description);
    for key in ["protocolProfileBehavior"] {
        if root.get(key).is_some() {
            reader.note(&place, format!("{key} is Postman's own setting; not kept."));
        }
    }
    collection.items = reader.items(items, &place);
    reader.summary.variables += collection.variables.len();
    Ok(PostmanImport {
        collection,
        summary: reader.summary,
    })
}

struct Reader {
    summary: ImportSummary,
    /// Variables that hold the Sage 200 API address.
    sage_bases: Vec<String>,
}

impl Reader {
    fn note(&mut self, place: &str, what: String) {
        self.summary.notes.push(ImportNote {
            place: place.to_owned(),
            what,
        });
    }

    fn items(&mut self, items: &[Value], place: &str) -> Vec<Item> {
        let mut read = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let name = item
                .get("name")
                .map(|n| text_of(Some(n)))
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| format!("Item {}", index + 1));
            let here = format!("{place} / {name}");
            if let Some(children) = item.get("item").and_then(Value::as_array) {
                self.summary.folders += 1;
                let mut folder = Folder {
                    name,
                    description: description(item.get("description")),
                    ..Folder::default()
                };
                folder.variables = self.variables(item.get("variable"), &here);
                self.summary.variables += folder.variables.len();
                self.auth(item.get("auth"), &here, &mut folder.description);
                self.events(item.get("event"), &here, &mut folder.description);
                folder.items = self.items(children, &here);
                read.push(Item::Folder(folder));
            } else {
                self.summary.requests += 1;
                read.push(Item::Request(self.request(item, name, &here)));
            }
        }
        read
    }

    fn request(&mut self, item: &Value, name: String, place: &str) -> SavedRequest {
        let mut saved = SavedRequest {
            name,
            description: description(item.get("description")),
            ..SavedRequest::default()
        };
        let request = item.get("request").cloned().unwrap_or(Value::Null);
        // A request may be only its URL.
        let request = match request {
            Value::String(url) => {
                Value::Object(Map::from_iter([("url".to_owned(), Value::String(url))]))
            }
            other => other,
        };
        if saved.description.is_empty() {
            saved.description = description(request.get("description"));
        }
        saved.method = request
            .get("method")
            .and_then(Value::as_str)
            .map_or_else(|| "GET".to_owned(), |m| m.trim().to_ascii_uppercase());
        self.url(request.get("url"), &mut saved, place);
        self.headers(request.get("header"), &mut saved, place);
        saved.body = self.body(request.get("body"), place);
        self.auth(request.get("auth"), place, &mut saved.description);
        // A capture script written here comes back as captures; other scripts are kept.
        let events: Vec<Value> = item
            .get("event")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|event| {
                let code = event
                    .pointer("/script/exec")
                    .map(|exec| match exec {
                        Value::Array(lines) => lines
                            .iter()
                            .map(|l| l.as_str().unwrap_or(""))
                            .collect::<Vec<_>>()
                            .join("\n"),
                        other => other.as_str().unwrap_or("").to_owned(),
                    })
                    .unwrap_or_default();
                match super::captures::read(&code) {
                    Some(captures) => {
                        saved.captures.extend(captures);
                        false
                    }
                    None => true,
                }
            })
            .cloned()
            .collect();
        self.events(Some(&Value::Array(events)), place, &mut saved.description);
        if let Some(examples) = item.get("response").and_then(Value::as_array)
            && !examples.is_empty()
        {
            self.note(
                place,
                format!(
                    "{} saved example answer{} not kept (send the request to see its answer).",
                    examples.len(),
                    if examples.len() == 1 {
                        " was"
                    } else {
                        "s were"
                    }
                ),
            );
        }
        for key in ["protocolProfileBehavior"] {
            if item.get(key).is_some() {
                self.note(place, format!("{key} is Postman's own setting; not kept."));
            }
        }
        for key in ["proxy", "certificate"] {
            if request.get(key).is_some() {
                self.note(place, format!("the request's {key} setting is not kept."));
            }
        }
        saved
    }

    fn url(&mut self, url: Option<&Value>, saved: &mut SavedRequest, place: &str) {
        let (mut address, written_query) = match url {
            Some(Value::String(raw)) => split_query(raw),
            Some(Value::Object(url)) => {
                let (address, query) = url
                    .get("raw")
                    .and_then(Value::as_str)
                    .map_or_else(|| (compose(url), String::new()), split_query);
                if let Some(query) = url.get("query").and_then(Value::as_array) {
                    saved.query = query
                        .iter()
                        .map(|entry| decoded(&key_value(entry)))
                        .collect();
                    (address, String::new())
                } else {
                    (address, query)
                }
            }
            _ => (String::new(), String::new()),
        };
        if !written_query.is_empty() {
            saved.query = written_query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    decoded(&KeyValue {
                        enabled: true,
                        key: key.to_owned(),
                        value: value.to_owned(),
                    })
                })
                .collect();
        }
        if let Some(Value::Object(url)) = url {
            saved.path_variables = url
                .get("variable")
                .and_then(Value::as_array)
                .map(|vars| vars.iter().map(variable).collect())
                .unwrap_or_default();
            for var in &mut saved.path_variables {
                self.unwrite(&var.key.clone(), &mut var.value, place, "path variable");
            }
            if url
                .get("hash")
                .is_some_and(|h| !text_of(Some(h)).is_empty())
            {
                self.note(
                    place,
                    "the URL's #fragment is not sent by HTTP; not kept.".into(),
                );
            }
        }
        // `{{baseUrl}}/customers`, where baseUrl is the Sage 200 API address.
        for base in &self.sage_bases {
            let prefix = format!("{{{{{base}}}}}");
            if address.starts_with(&prefix) {
                let rest = address[prefix.len()..].trim_start_matches('/').to_owned();
                address = rest;
            }
        }
        if let Some(path) = sage_path(&address) {
            self.note(
                place,
                format!("{address} is a Sage 200 API address: the request is the path {path} under the API of the profile in use."),
            );
            address = path;
        }
        saved.url = address;
        for entry in &mut saved.query {
            self.unwrite(
                &entry.key.clone(),
                &mut entry.value,
                place,
                "query parameter",
            );
        }
    }

    fn headers(&mut self, header: Option<&Value>, saved: &mut SavedRequest, place: &str) {
        let rows: Vec<KeyValue> = match header {
            Some(Value::Array(rows)) => rows.iter().map(key_value).collect(),
            // v2.0.0 allows the headers as one "Key: Value" text.
            Some(Value::String(text)) => text
                .lines()
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| KeyValue {
                    enabled: true,
                    key: k.trim().to_owned(),
                    value: v.trim().to_owned(),
                })
                .collect(),
            _ => Vec::new(),
        };
        for mut row in rows {
            let lower = row.key.trim().to_ascii_lowercase();
            if lower == "x-site" || lower == "x-company" {
                let own = if lower == "x-site" {
                    "{{site_id}}"
                } else {
                    "{{company_id}}"
                };
                if row.value.trim() != own {
                    self.note(
                        place,
                        format!(
                            "the {} header ({}) is left out: the app sends the company chosen.",
                            row.key, row.value
                        ),
                    );
                }
                continue;
            }
            if lower == "authorization"
                && row
                    .value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("bearer")
            {
                self.note(
                    place,
                    "the Authorization: Bearer header is left out: the app sends the token of the sign-in.".into(),
                );
                continue;
            }
            self.unwrite(&row.key.clone(), &mut row.value, place, "header");
            saved.headers.push(row);
        }
    }

    fn body(&mut self, body: Option<&Value>, place: &str) -> Body {
        let Some(body) = body.and_then(Value::as_object) else {
            return Body::None;
        };
        if body.get("disabled").and_then(Value::as_bool) == Some(true) {
            self.note(
                place,
                "the body was switched off; it is kept switched off as no body.".into(),
            );
            return Body::None;
        }
        let mode = body.get("mode").and_then(Value::as_str).unwrap_or("");
        match mode {
            "raw" => {
                let text = text_of(body.get("raw"));
                let language = body
                    .get("options")
                    .and_then(|o| o.get("raw"))
                    .and_then(|r| r.get("language"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                if text.is_empty() {
                    Body::None
                } else {
                    Body::Raw {
                        text: self.unwrite_json(text, place),
                        language,
                    }
                }
            }
            "urlencoded" => {
                let mut fields: Vec<KeyValue> = body
                    .get("urlencoded")
                    .and_then(Value::as_array)
                    .map(|f| f.iter().map(key_value).collect())
                    .unwrap_or_default();
                for field in &mut fields {
                    self.unwrite(&field.key.clone(), &mut field.value, place, "form field");
                }
                if fields.is_empty() {
                    Body::None
                } else {
                    Body::UrlEncoded(fields)
                }
            }
            "formdata" => {
                let mut parts: Vec<FormPart> = body
                    .get("formdata")
                    .and_then(Value::as_array)
                    .map(|f| f.iter().map(form_part).collect())
                    .unwrap_or_default();
                let files = parts.iter().filter(|p| p.file).count();
                if files > 0 {
                    self.note(
                        place,
                        format!("the form sends {files} file{}, named by a path on the machine it was made on; check the path before sending.", if files == 1 { "" } else { "s" }),
                    );
                }
                for part in parts.iter_mut().filter(|p| !p.file) {
                    self.unwrite(&part.key.clone(), &mut part.value, place, "form field");
                }
                if parts.is_empty() {
                    Body::None
                } else {
                    Body::FormData(parts)
                }
            }
            "graphql" => {
                self.note(
                    place,
                    "the GraphQL query is kept as its JSON body ({\"query\", \"variables\"})."
                        .into(),
                );
                graphql_body(body.get("graphql"))
            }
            "file" => {
                let src = text_of(body.get("file").and_then(|f| f.get("src")));
                self.note(place, format!("the body is the file {src}, a path on the machine it was made on; check it before sending."));
                Body::File { src }
            }
            "" | "none" => Body::None,
            other => {
                self.note(
                    place,
                    format!("a body of kind \"{other}\" is not known here; not kept."),
                );
                Body::None
            }
        }
    }

    /// Replaces a credential written out in `value` by a `{{variable}}` (never kept).
    fn unwrite(&mut self, key: &str, value: &mut String, place: &str, what: &str) {
        if !holds_credential(key, value) {
            return;
        }
        let variable = variable_name(key);
        let scheme = value
            .trim()
            .split_once(char::is_whitespace)
            .filter(|(s, _)| {
                ["bearer", "basic", "token", "digest"].contains(&s.to_ascii_lowercase().as_str())
            })
            .map(|(s, _)| format!("{s} "))
            .unwrap_or_default();
        *value = format!("{scheme}{{{{{variable}}}}}");
        self.note(
            place,
            format!("the {what} {key} held a credential: it is not kept; the request reads {{{{{variable}}}}}, to be set in an environment (kept in the system keyring)."),
        );
    }

    /// A JSON body whose credential fields are written out, with each replaced by a
    /// `{{variable}}` (the body then pretty-printed); other bodies as they are.
    fn unwrite_json(&mut self, text: String, place: &str) -> String {
        let Ok(mut value) = serde_json::from_str::<Value>(&text) else {
            return text;
        };
        let mut replaced = Vec::new();
        let mut stack = vec![&mut value];
        while let Some(value) = stack.pop() {
            match value {
                Value::Object(map) => {
                    for (key, member) in map.iter_mut() {
                        if member.as_str().is_some_and(|v| holds_credential(key, v)) {
                            *member = Value::String(format!("{{{{{}}}}}", variable_name(key)));
                            replaced.push(key.clone());
                        } else {
                            stack.push(member);
                        }
                    }
                }
                Value::Array(items) => stack.extend(items.iter_mut()),
                _ => {}
            }
        }
        if replaced.is_empty() {
            return text;
        }
        self.note(
            place,
            format!("the body's {} held a credential: not kept; the body reads {{{{variables}}}} in their place (and is laid out anew).", replaced.join(", ")),
        );
        serde_json::to_string_pretty(&value).unwrap_or(text)
    }

    fn variables(&mut self, declared: Option<&Value>, place: &str) -> Vec<Variable> {
        let mut kept: Vec<Variable> = Vec::new();
        for raw in declared.and_then(Value::as_array).into_iter().flatten() {
            let mut var = variable(raw);
            if var.key.is_empty() {
                continue;
            }
            // Postman's newer files say `"type": "secret"`; this app's exports `"secret": true`
            // (the v2.1.0 schema has no secret type).
            let typed_secret = raw.get("type").and_then(Value::as_str) == Some("secret")
                || raw.get("secret").and_then(Value::as_bool) == Some(true);
            let looks_secret = holds_credential(&var.key, &var.value);
            if typed_secret || looks_secret {
                if !var.value.is_empty() {
                    self.note(
                        place,
                        format!("the variable {} held a secret: its value is not kept; set it in an environment (kept in the system keyring).", var.key),
                    );
                }
                var.value.clear();
                var.secret = true;
            }
            if let Some(earlier) = kept.iter().position(|v| v.key == var.key) {
                self.note(
                    place,
                    format!("the variable {} is declared twice; the last value is kept, as Postman reads it.", var.key),
                );
                kept.remove(earlier);
            }
            kept.push(var);
        }
        kept
    }

    /// Notes an auth block (its kind and setting names, never its values) in the
    /// summary and the item's description.
    fn auth(&mut self, auth: Option<&Value>, place: &str, description: &mut String) {
        let Some(kind) = auth.and_then(|a| a.get("type")).and_then(Value::as_str) else {
            return;
        };
        match kind {
            "bearer" => self.note(
                place,
                "bearer auth: the app signs each request with the token of the sign-in.".into(),
            ),
            "noauth" | "inherit" => {}
            other => {
                let settings: Vec<String> = match auth.and_then(|a| a.get(other)) {
                    Some(Value::Array(entries)) => entries
                        .iter()
                        .filter_map(|e| e.get("key").and_then(Value::as_str).map(str::to_owned))
                        .collect(),
                    Some(Value::Object(map)) => map.keys().cloned().collect(),
                    _ => Vec::new(),
                };
                let said = format!(
                    "Postman auth \"{other}\" ({}) is not used here: the app signs in to Sage itself.",
                    if settings.is_empty() {
                        "no settings".to_owned()
                    } else {
                        settings.join(", ")
                    }
                );
                append(description, &said);
                self.note(place, format!("{said} Its values were not kept."));
            }
        }
    }

    /// Keeps scripts in the description (they are not run here).
    fn events(&mut self, events: Option<&Value>, place: &str, description: &mut String) {
        for event in events.and_then(Value::as_array).into_iter().flatten() {
            let listen = event
                .get("listen")
                .and_then(Value::as_str)
                .unwrap_or("script");
            let exec = event.get("script").and_then(|s| s.get("exec"));
            let code = match exec {
                Some(Value::Array(lines)) => lines
                    .iter()
                    .map(|l| l.as_str().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join("\n"),
                Some(Value::String(code)) => code.clone(),
                _ => String::new(),
            };
            if code.trim().is_empty() {
                continue;
            }
            let which = if listen == "prerequest" {
                "pre-request"
            } else {
                listen
            };
            append(
                description,
                &format!("Postman {which} script (not run here):\n\n```javascript\n{code}\n```"),
            );
            self.note(
                place,
                format!("its {which} script is kept in its description; it is not run here."),
            );
        }
    }
}
