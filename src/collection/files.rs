//! The TOML shape of each file of a collection's folder, and reading and writing them.
//! Fields left at their defaults are not written, so files stay short; every field is
//! optional when read, so a file written by hand needs only a `url`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::CollectionError;
use crate::model::{Body, Capture, FormPart, KeyValue, SavedRequest, Variable};

/// `collection.toml` and each `folder.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub(super) struct FolderFile {
    pub(super) name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(super) description: String,
    /// The files and folders in it, in the order they are shown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) order: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", with = "variables")]
    pub(super) variables: Vec<Variable>,
}

/// One request's file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestFile {
    /// The request's name.
    pub name: String,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path under the API address, or an address kept from an import.
    pub url: String,
    /// What it does.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Query parameters, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<Row>,
    /// Values of `:name` segments.
    #[serde(skip_serializing_if = "Vec::is_empty", with = "variables")]
    pub path_variables: Vec<Variable>,
    /// Headers, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Row>,
    /// The body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<BodyFile>,
    /// Values taken from each answer into variables (`[[capture]]` tables).
    #[serde(rename = "capture", skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<Capture>,
}

/// A parameter, header or form field; `enabled` is written only when it is off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// The name.
    pub key: String,
    /// The value (for a form file, its path).
    #[serde(default)]
    pub value: String,
    /// Whether it is sent.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
    /// Whether `value` names a file (form data only).
    #[serde(default, skip_serializing_if = "is_false")]
    pub file: bool,
}

/// A request's body: `mode` says which of the other fields it uses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BodyFile {
    /// `raw`, `urlencoded`, `formdata` or `file`.
    pub mode: String,
    /// The language of a raw body (`json`, `text`, …).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub language: String,
    /// A raw body's text.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Form fields or parts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Row>,
    /// The file a `file` body sends.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub src: String,
}

fn yes() -> bool {
    true
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
fn is_true(b: &bool) -> bool {
    *b
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
fn is_false(b: &bool) -> bool {
    !*b
}

/// Variables in files: a secret one is written without its value.
mod variables {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::model::Variable;

    #[derive(Serialize, Deserialize)]
    struct VariableFile {
        key: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        value: String,
        #[serde(default = "super::yes", skip_serializing_if = "super::is_true")]
        enabled: bool,
        #[serde(default, skip_serializing_if = "super::is_false")]
        secret: bool,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        description: String,
    }

    pub(super) fn serialize<S: Serializer>(vars: &[Variable], s: S) -> Result<S::Ok, S::Error> {
        vars.iter()
            .map(|v| VariableFile {
                key: v.key.clone(),
                value: if v.secret {
                    String::new()
                } else {
                    v.value.clone()
                },
                enabled: v.enabled,
                secret: v.secret,
                description: v.description.clone(),
            })
            .collect::<Vec<_>>()
            .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Variable>, D::Error> {
        Ok(Vec::<VariableFile>::deserialize(d)?
            .into_iter()
            .map(|v| Variable {
                key: v.key,
                // A value typed into a file by hand for a secret is not taken from there.
                value: if v.secret { String::new() } else { v.value },
                enabled: v.enabled,
                secret: v.secret,
                description: v.description,
            })
            .collect())
    }
}

fn row(kv: &KeyValue) -> Row {
    Row {
        key: kv.key.clone(),
        value: kv.value.clone(),
        enabled: kv.enabled,
        file: false,
    }
}

fn key_value(row: Row) -> KeyValue {
    KeyValue {
        enabled: row.enabled,
        key: row.key,
        value: row.value,
    }
}

impl From<&SavedRequest> for RequestFile {
    fn from(r: &SavedRequest) -> Self {
        let body = match &r.body {
            Body::None => None,
            Body::Raw { text, language } => Some(BodyFile {
                mode: "raw".into(),
                language: language.clone(),
                text: text.clone(),
                ..BodyFile::default()
            }),
            Body::UrlEncoded(fields) => Some(BodyFile {
                mode: "urlencoded".into(),
                fields: fields.iter().map(row).collect(),
                ..BodyFile::default()
            }),
            Body::FormData(parts) => Some(BodyFile {
                mode: "formdata".into(),
                fields: parts
                    .iter()
                    .map(|p| Row {
                        key: p.key.clone(),
                        value: p.value.clone(),
                        enabled: p.enabled,
                        file: p.file,
                    })
                    .collect(),
                ..BodyFile::default()
            }),
            Body::File { src } => Some(BodyFile {
                mode: "file".into(),
                src: src.clone(),
                ..BodyFile::default()
            }),
        };
        Self {
            name: r.name.clone(),
            method: r.method.clone(),
            url: r.url.clone(),
            description: r.description.clone(),
            query: r.query.iter().map(row).collect(),
            path_variables: r.path_variables.clone(),
            headers: r.headers.iter().map(row).collect(),
            body,
            captures: r.captures.clone(),
        }
    }
}

impl RequestFile {
    /// The request the file describes.
    ///
    /// # Errors
    /// A body `mode` this format does not have.
    pub fn into_request(self) -> Result<SavedRequest, String> {
        let body = match self.body {
            None => Body::None,
            Some(body) => match body.mode.as_str() {
                "" | "none" => Body::None,
                "raw" => Body::Raw {
                    text: body.text,
                    language: body.language,
                },
                "urlencoded" => Body::UrlEncoded(body.fields.into_iter().map(key_value).collect()),
                "formdata" => Body::FormData(
                    body.fields
                        .into_iter()
                        .map(|f| FormPart {
                            enabled: f.enabled,
                            key: f.key,
                            value: f.value,
                            file: f.file,
                        })
                        .collect(),
                ),
                "file" => Body::File { src: body.src },
                other => {
                    return Err(format!(
                        "body mode \"{other}\" is not one of raw, urlencoded, formdata, file"
                    ));
                }
            },
        };
        Ok(SavedRequest {
            name: self.name,
            description: self.description,
            method: if self.method.trim().is_empty() {
                "GET".to_owned()
            } else {
                self.method.trim().to_ascii_uppercase()
            },
            url: self.url,
            query: self.query.into_iter().map(key_value).collect(),
            path_variables: self.path_variables,
            headers: self.headers.into_iter().map(key_value).collect(),
            body,
            captures: self.captures,
        })
    }
}

/// A request as its file's text.
///
/// # Errors
/// When TOML cannot hold it (it always can; said rather than unwrapped).
pub fn request_to_toml(request: &SavedRequest) -> Result<String, String> {
    toml::to_string_pretty(&RequestFile::from(request)).map_err(|e| e.to_string())
}

/// A request read from its file's text.
///
/// # Errors
/// What is wrong with the text, with its line and column.
pub fn request_from_toml(text: &str) -> Result<SavedRequest, String> {
    toml::from_str::<RequestFile>(text)
        .map_err(|e| e.to_string())?
        .into_request()
}

pub(super) fn read_folder_file(path: &Path) -> Result<FolderFile, CollectionError> {
    let text = std::fs::read_to_string(path).map_err(|source| CollectionError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| CollectionError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

pub(super) fn write_folder_file(path: &Path, file: &FolderFile) -> Result<(), CollectionError> {
    let text = toml::to_string_pretty(file).map_err(|e| CollectionError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    write_file(path, text.as_bytes())
}

/// Writes a file whole: a temporary file beside it, renamed into place.
pub(super) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CollectionError> {
    // Unchanged files are left alone, so git and editors see no change.
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    crate::export::save_atomically(path, bytes).map_err(|e| CollectionError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })
}
