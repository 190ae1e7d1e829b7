//! Collections: named requests kept in folders, as developers keep them in Postman,
//! Insomnia or Bruno, with the variables they use. Plain data: the folder of files a
//! collection is saved as is read and written by `crate::collection`, and Postman's format
//! is read and written by [`super::postman`].
//!
//! A saved request keeps what its file (or an imported Postman item) says, not only what
//! the request builder can send: a method the Sage 200 API has no use for (`PATCH`), an
//! address on another host, a form-data body. [`SavedRequest::to_draft`] says why such a
//! request cannot be opened for sending instead of changing it silently.

use serde::{Deserialize, Serialize};

use super::request::{Capture, HttpMethod, KeyValue, RequestDraft};

/// A collection: its folders and requests in order, and the variables they share.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Collection {
    /// The collection's name.
    pub name: String,
    /// What it is for (Markdown, as Postman keeps descriptions).
    pub description: String,
    /// Variables every request in it may use as `{{key}}`.
    pub variables: Vec<Variable>,
    /// Folders and requests, in order.
    pub items: Vec<Item>,
    /// Named sets of values (Demo, Test site, Live), one active at a time, read after the
    /// collection's own variables.
    pub environments: Vec<Environment>,
}

/// A named set of variable values, such as one per Sage site the requests are tried on.
/// Secret values are not here: they live in the system keyring.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Environment {
    /// Its name (`Demo`, `Live`).
    pub name: String,
    /// Its variables.
    pub variables: Vec<Variable>,
}

/// A folder or a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Item {
    /// A group of items.
    Folder(Folder),
    /// A request.
    Request(SavedRequest),
}

impl Item {
    /// The item's name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::Folder(folder) => &folder.name,
            Self::Request(request) => &request.name,
        }
    }
}

/// A folder of items.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Folder {
    /// The folder's name.
    pub name: String,
    /// What it holds (Markdown).
    pub description: String,
    /// Variables its requests may use, over the collection's.
    pub variables: Vec<Variable>,
    /// Folders and requests, in order.
    pub items: Vec<Item>,
}

/// A variable: `{{key}}` in a request reads `value`. A secret one keeps no value here: it
/// lives in the system keyring.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Variable {
    /// Its name, as written between `{{` and `}}`.
    pub key: String,
    /// Its value (empty for a secret).
    pub value: String,
    /// Whether it is in use (Postman's `disabled` turned round).
    pub enabled: bool,
    /// Whether its value is a secret kept in the keyring.
    pub secret: bool,
    /// What it is for.
    pub description: String,
}

/// A request as saved: what the file says, in the shape of an HTTP request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedRequest {
    /// The request's name.
    pub name: String,
    /// What it does (Markdown).
    pub description: String,
    /// The method as written, upper case (`GET`, `POST`, …, or `PATCH` from an import).
    pub method: String,
    /// The path under the API address (`customers/{{customer_id}}`, `customers/:id`), or an
    /// absolute address kept from an import (`{{baseUrl}}/invoices`, `https://…`).
    pub url: String,
    /// Every query parameter in order, `OData` options (`$filter`, …) included; switched-off
    /// ones are kept switched off.
    pub query: Vec<KeyValue>,
    /// Values of the `:name` segments of `url`.
    pub path_variables: Vec<Variable>,
    /// Headers, in order.
    pub headers: Vec<KeyValue>,
    /// The body.
    pub body: Body,
    /// Values taken from each answer into variables.
    pub captures: Vec<Capture>,
}

impl Default for SavedRequest {
    fn default() -> Self {
        Self {
            name: String::new(),
            description: String::new(),
            method: "GET".to_owned(),
            url: String::new(),
            query: Vec::new(),
            path_variables: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            captures: Vec::new(),
        }
    }
}

/// A request's body, in the kinds Postman knows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Body {
    /// No body.
    #[default]
    None,
    /// Text as typed (JSON for the Sage 200 API); `language` as Postman's editor sets it
    /// (`json`, `text`, `xml`; empty when not said).
    Raw {
        /// The text.
        text: String,
        /// Its language.
        language: String,
    },
    /// `application/x-www-form-urlencoded` fields.
    UrlEncoded(Vec<KeyValue>),
    /// `multipart/form-data` parts.
    FormData(Vec<FormPart>),

    /// A file sent as the body, by the path it had where the collection was made.
    File {
        /// The file's path.
        src: String,
    },
}

/// A part of a form-data body: text, or a file by its path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormPart {
    /// Whether it is sent.
    pub enabled: bool,
    /// The field name.
    pub key: String,
    /// The text, or the file's path when `file`.
    pub value: String,
    /// Whether `value` names a file.
    pub file: bool,
}

impl SavedRequest {
    /// A request saved from the request builder's draft: the `OData` options first as query
    /// parameters, then the plain ones (switched-off ones kept).
    #[must_use]
    pub fn from_draft(name: &str, draft: &RequestDraft) -> Self {
        let mut query: Vec<KeyValue> = draft
            .query
            .to_params()
            .unwrap_or_default()
            .into_iter()
            .map(|(key, value)| KeyValue {
                enabled: true,
                key,
                value,
            })
            .collect();
        query.extend(draft.params.iter().cloned());
        Self {
            name: name.to_owned(),
            description: String::new(),
            method: draft.method.as_str().to_owned(),
            url: draft.path.trim().trim_start_matches('/').to_owned(),
            query,
            path_variables: Vec::new(),
            headers: draft.headers.clone(),
            body: if draft.body.trim().is_empty() {
                Body::None
            } else {
                Body::Raw {
                    text: draft.body.clone(),
                    language: "json".to_owned(),
                }
            },
            captures: draft.captures.clone(),
        }
    }

    /// The request as the request builder opens it, with notes on anything it shows
    /// differently. `:name` segments are filled from [`Self::path_variables`].
    ///
    /// # Errors
    /// Why the request builder cannot send it: a method the Sage 200 API does not use, an
    /// address on another host, a body other than text, or an `OData` option it cannot send.
    pub fn to_draft(&self) -> Result<(RequestDraft, Vec<String>), String> {
        let method = HttpMethod::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(self.method.trim()))
            .ok_or_else(|| {
                format!(
                    "The Sage 200 API takes GET, POST, PUT and DELETE; this request is {}. It is kept as imported.",
                    self.method
                )
            })?;
        if !self.is_under_api() {
            return Err(format!(
                "This request goes to {}, not to a path under the API address; it is kept as imported, and sage200-desk sends only to the Sage 200 API of the profile in use.",
                self.url
            ));
        }
        let mut notes = Vec::new();
        let body = match &self.body {
            Body::None => String::new(),
            Body::Raw { text, language } => {
                if !language.is_empty() && !language.eq_ignore_ascii_case("json") {
                    notes.push(format!(
                        "The body was written as {language}; the request builder sends it as JSON (Content-Type: application/json)."
                    ));
                }
                text.clone()
            }
            other => {
                return Err(format!(
                    "This request's body is {}; the request builder sends JSON bodies only. It is kept as imported.",
                    other.kind()
                ));
            }
        };
        let mut draft = RequestDraft {
            method,
            path: self.filled_path(),
            query: super::odata::ODataQuery::default(),
            params: Vec::new(),
            headers: self.headers.clone(),
            body,
            captures: self.captures.clone(),
        };
        super::curl::apply_pairs(
            &mut draft,
            self.query
                .iter()
                .filter(|q| q.enabled)
                .map(|q| (q.key.clone(), q.value.clone())),
            &mut notes,
        )?;
        // Switched-off parameters stay in the list, switched off, where they were.
        for off in self.query.iter().filter(|q| !q.enabled) {
            draft.params.push(off.clone());
        }
        Ok((draft, notes))
    }

    /// Whether the request goes to a path under the API address: not an absolute address
    /// (`https://…`), nor one that starts with a variable naming an address
    /// (`{{baseUrl}}/…`).
    #[must_use]
    pub fn is_under_api(&self) -> bool {
        !self.url.contains("://") && !starts_with_address_variable(&self.url)
    }

    /// [`Self::url`] with each `:name` segment replaced by its path variable's value (kept
    /// as written when the variable has no value).
    #[must_use]
    pub fn filled_path(&self) -> String {
        self.url
            .split('/')
            .map(|segment| {
                segment
                    .strip_prefix(':')
                    .and_then(|name| {
                        self.path_variables
                            .iter()
                            .find(|v| v.enabled && v.key == name && !v.value.is_empty())
                    })
                    .map_or_else(|| segment.to_owned(), |v| v.value.clone())
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// Whether `url` starts with a variable that names an address rather than part of a path
/// (`{{baseUrl}}/invoices`, `{{host}}`: Postman's way of writing another API's address),
/// by its name: one holding `url`, `host`, `base`, `domain` or `server`.
fn starts_with_address_variable(url: &str) -> bool {
    let url = url.trim_start();
    super::variables::references(url)
        .first()
        .filter(|(range, _)| range.start == 0)
        .is_some_and(|(_, name)| {
            let name = name.to_ascii_lowercase();
            ["url", "host", "base", "domain", "server"]
                .iter()
                .any(|word| name.contains(word))
        })
}

impl Body {
    /// The body's kind in words: "no body", "text", "form fields (URL-encoded)", …
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::None => "no body",
            Self::Raw { .. } => "text",
            Self::UrlEncoded(_) => "form fields (URL-encoded)",
            Self::FormData(_) => "form data (multipart)",

            Self::File { .. } => "a file",
        }
    }
}

impl Collection {
    /// Every request, depth first, with the names of the folders it is in.
    #[must_use]
    pub fn requests(&self) -> Vec<(Vec<&str>, &SavedRequest)> {
        let mut found = Vec::new();
        let mut stack: Vec<(Vec<&str>, std::slice::Iter<'_, Item>)> =
            vec![(Vec::new(), self.items.iter())];
        while let Some((folders, items)) = stack.last_mut() {
            let Some(item) = items.next() else {
                stack.pop();
                continue;
            };
            match item {
                Item::Request(request) => found.push((folders.clone(), request)),
                Item::Folder(folder) => {
                    let mut inner = folders.clone();
                    inner.push(&folder.name);
                    stack.push((inner, folder.items.iter()));
                }
            }
        }
        found
    }

    /// How many folders the collection holds, at every depth.
    #[must_use]
    pub fn folder_count(&self) -> usize {
        let mut count = 0;
        let mut stack: Vec<&[Item]> = vec![&self.items];
        while let Some(items) = stack.pop() {
            for item in items {
                if let Item::Folder(folder) = item {
                    count += 1;
                    stack.push(&folder.items);
                }
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_saved_opens_as_the_same_draft() {
        let mut draft = RequestDraft {
            method: HttpMethod::Post,
            path: "customers".to_owned(),
            body: "{\"reference\":\"A1\"}".to_owned(),
            ..RequestDraft::default()
        };
        draft.query.select = vec!["id".into(), "name".into()];
        draft.query.filter = "balance gt 0".into();
        draft.params.push(KeyValue {
            enabled: false,
            key: "trace".into(),
            value: "1".into(),
        });
        draft.headers.push(KeyValue {
            enabled: true,
            key: "Accept-Language".into(),
            value: "en-GB".into(),
        });
        let saved = SavedRequest::from_draft("New customer", &draft);
        assert_eq!(saved.method, "POST");
        assert!(
            saved
                .query
                .iter()
                .any(|q| q.key == "$filter" && q.value == "balance gt 0")
        );
        let (opened, notes) = saved.to_draft().unwrap();
        assert_eq!(opened, draft);
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn what_the_builder_cannot_send_is_said_not_changed() {
        let request = |method: &str, url: &str, body: Body| SavedRequest {
            method: method.into(),
            url: url.into(),
            body,
            ..SavedRequest::default()
        };
        for (saved, said) in [
            (request("PATCH", "customers/1", Body::None), "PATCH"),
            (
                request("GET", "{{baseUrl}}/companies", Body::None),
                "{{baseUrl}}",
            ),
            (request("GET", "{{host}}", Body::None), "{{host}}"),
            (
                request("GET", "https://api.xero.com/connections", Body::None),
                "api.xero.com",
            ),
            (
                request("POST", "x", Body::UrlEncoded(Vec::new())),
                "form fields",
            ),
        ] {
            let problem = saved.to_draft().unwrap_err();
            assert!(problem.contains(said), "{problem}");
        }
        let with_id = SavedRequest {
            url: "customers/:id/contacts/:contact".into(),
            path_variables: vec![Variable {
                key: "id".into(),
                value: "42".into(),
                enabled: true,
                ..Variable::default()
            }],
            ..SavedRequest::default()
        };
        assert_eq!(
            with_id.to_draft().unwrap().0.path,
            "customers/42/contacts/:contact"
        );
        // A variable that is part of the path opens as the path.
        let variable_path = request("GET", "{{resource}}/{{id}}", Body::None);
        assert_eq!(
            variable_path.to_draft().unwrap().0.path,
            "{{resource}}/{{id}}"
        );
    }
}
