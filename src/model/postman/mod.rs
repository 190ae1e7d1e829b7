//! Postman's collection format (v2.0.0 and v2.1.0, the schemas at
//! <https://schema.getpostman.com/json/collection/>) read into a [`Collection`] and written
//! back as v2.1.0.
//!
//! Reading keeps everything a [`Collection`] can hold: folders, requests, query parameters
//! (switched-off ones switched off), path variables, headers, every kind of body, variables
//! and descriptions. What it cannot hold is never dropped silently: scripts are kept in the
//! description of their item, and the [`ImportSummary`] lists each thing left out, by the
//! place it was in. No secret is kept: a credential written out in a header, a query
//! parameter, a form field or a variable is replaced by a `{{variable}}` whose value the
//! user sets where secrets live (the system keyring), and auth blocks are noted by their
//! kind, never copied.

mod captures;
mod export;
mod import;
mod values;

pub use export::to_postman;
pub use import::from_postman;

use super::collection::{Body, Collection, Folder, FormPart, Item, SavedRequest, Variable};
use super::profile::PROFESSIONAL_API_URL;
use super::request::{Capture, KeyValue};

/// The v2.1.0 schema's address, as an exported collection's `info.schema` gives it.
pub const SCHEMA_V2_1: &str =
    "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";

/// A collection read from Postman, and what the reading did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostmanImport {
    /// The collection.
    pub collection: Collection,
    /// What was read and what was left out.
    pub summary: ImportSummary,
}

/// What an import read: every item of the file is either a folder or a request counted
/// here, and everything with no place in a [`Collection`] is a note.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportSummary {
    /// The format version the file said (`v2.1.0`, `v2.0.0`).
    pub format: String,
    /// Folders read, at every depth.
    pub folders: usize,
    /// Requests read.
    pub requests: usize,
    /// Variables read (the collection's and its folders').
    pub variables: usize,
    /// What had no equivalent, and where it was.
    pub notes: Vec<ImportNote>,
}

/// One thing an import could not keep as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportNote {
    /// Where it was: the collection, or `Folder / Request`.
    pub place: String,
    /// What happened to it.
    pub what: String,
}

impl ImportSummary {
    /// The summary as lines for people: the counts, then each note with its place.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "Read a Postman {} collection: {} folders, {} requests, {} variables.",
            self.format, self.folders, self.requests, self.variables
        )];
        if self.notes.is_empty() {
            lines.push("Everything in it was kept.".to_owned());
        } else {
            lines.push(format!(
                "{} things were kept differently:",
                self.notes.len()
            ));
            lines.extend(
                self.notes
                    .iter()
                    .map(|n| format!("- {}: {}", n.place, n.what)),
            );
        }
        lines
    }
}

/// Header, parameter and field names that carry credentials: their values are never kept
/// as written. Compared without case; a name containing one of these counts.
const CREDENTIAL_NAMES: [&str; 12] = [
    "authorization",
    "api-key",
    "api_key",
    "apikey",
    "x-api-key",
    "token",
    "secret",
    "password",
    "cookie",
    "x-auth",
    "subscription-key",
    "signature",
];

/// Whether a header, parameter, field or variable named `name` holds a credential.
#[must_use]
pub fn is_credential_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    CREDENTIAL_NAMES.iter().any(|c| lower.contains(c))
}

/// Whether a field named `name` holding `value` is a credential written out, which no
/// collection file may hold: a credential's name, a value that is not only
/// `{{variables}}`, and not an address (`tokenUrl = "https://…"` names where a token comes
/// from, not a token).
#[must_use]
pub fn holds_credential(name: &str, value: &str) -> bool {
    is_credential_name(name) && is_written_out(value) && !value.trim_start().starts_with("http")
}

/// Whether `value` is written out rather than a reference: what is left after an auth
/// scheme word (`Bearer`, `Basic`, …) is not only `{{variables}}`.
#[must_use]
pub fn is_written_out(value: &str) -> bool {
    let value = value.trim();
    let rest = match value.split_once(char::is_whitespace) {
        Some((scheme, rest)) if scheme.chars().all(|c| c.is_ascii_alphabetic()) => rest.trim(),
        _ => value,
    };
    let mut left = rest;
    while let Some(start) = left.find("{{") {
        if !left[..start].trim().is_empty() {
            return true;
        }
        let Some(end) = left[start..].find("}}") else {
            return true;
        };
        left = &left[start + end + 2..];
    }
    !left.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_told_from_references() {
        assert!(is_credential_name("Authorization"));
        assert!(is_credential_name("X-API-Key"));
        assert!(is_credential_name("client_secret"));
        assert!(is_credential_name("refresh_token"));
        assert!(!is_credential_name("Accept"));
        assert!(!is_written_out("Bearer {{accessToken}}"));
        assert!(!is_written_out("{{a}}{{b}}"));
        assert!(!is_written_out(""));
        assert!(is_written_out("Bearer eyJhbGciOi"));
        assert!(is_written_out("Basic dXNlcjpwYXNz"));
        assert!(is_written_out("abc{{x}}"));
        assert!(is_written_out("{{x"));
    }
}
