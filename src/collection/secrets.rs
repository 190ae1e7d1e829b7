//! Secret variable values in the system keyring (Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows), never in a collection's files: one keyring entry
//! per collection folder, scope (the collection's own variables, or an environment) and
//! variable. Every call blocks: run it on the blocking pool, never on the UI thread.

use std::path::Path;

use crate::model::{Collection, Secret};

/// The keyring service name of every entry the app writes (the same as the tokens').
const SERVICE: &str = "sage200-desk";

/// Which variables a secret belongs to: the collection's own, or an environment's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretScope {
    /// The collection's variables.
    Collection,
    /// The variables of the environment with this name.
    Environment(String),
}

/// A secret variable's value, with where it belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretValue {
    /// The collection's or an environment's.
    pub scope: SecretScope,
    /// The variable's key.
    pub key: String,
    /// Its value (redacted in `Debug`).
    pub value: Secret,
}

/// The keyring entry of one secret: the user name carries the collection's folder (made
/// absolute, so the same folder opened by another path finds it), the scope and the key.
fn entry(dir: &Path, scope: &SecretScope, key: &str) -> Result<keyring::Entry, String> {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let scope = match scope {
        SecretScope::Collection => "collection".to_owned(),
        SecretScope::Environment(name) => format!("environment {name}"),
    };
    keyring::Entry::new(
        SERVICE,
        &format!("collection {} | {scope} | {key}", dir.display()),
    )
    .map_err(|e| format!("The system keyring cannot be used: {e}"))
}

/// The secret variables of `collection`, its own and its environments', as
/// `(where, key)`: where their values are kept in the keyring.
#[must_use]
pub fn secret_variables(collection: &Collection) -> Vec<(SecretScope, &str)> {
    let mut found: Vec<(SecretScope, &str)> = collection
        .variables
        .iter()
        .filter(|v| v.secret)
        .map(|v| (SecretScope::Collection, v.key.as_str()))
        .collect();
    for environment in &collection.environments {
        found.extend(environment.variables.iter().filter(|v| v.secret).map(|v| {
            (
                SecretScope::Environment(environment.name.clone()),
                v.key.as_str(),
            )
        }));
    }
    found
}

/// Every secret value the keyring holds for the secret variables of `collection` (kept in
/// folder `dir`): its own and its environments'. Secrets never set are left out.
///
/// # Errors
/// What the keyring said, for people, when it cannot be read.
pub fn read_secrets(dir: &Path, collection: &Collection) -> Result<Vec<SecretValue>, String> {
    let mut found = Vec::new();
    for (scope, key) in secret_variables(collection) {
        match entry(dir, &scope, key)?.get_password() {
            Ok(value) => found.push(SecretValue {
                scope,
                key: key.to_owned(),
                value: Secret::new(value),
            }),
            Err(keyring::Error::NoEntry) => {}
            Err(keyring::Error::PlatformFailure(e)) if e.to_string().contains("does not exist") => {
            }
            Err(e) => return Err(format!("The system keyring cannot be read: {e}")),
        }
    }
    Ok(found)
}

/// Stores a secret variable's value in the keyring; `None` (or an empty value) deletes it.
///
/// # Errors
/// What the keyring said, for people.
pub fn write_secret(
    dir: &Path,
    scope: &SecretScope,
    key: &str,
    value: Option<&Secret>,
) -> Result<(), String> {
    let entry = entry(dir, scope, key)?;
    match value.filter(|v| !v.is_empty()) {
        Some(value) => entry
            .set_password(value.expose())
            .map_err(|e| format!("The system keyring did not keep {{{{{key}}}}}: {e}")),
        None => match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(format!(
                "The system keyring did not forget {{{{{key}}}}}: {e}"
            )),
        },
    }
}
