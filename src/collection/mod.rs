//! Collections as folders of plain-text files that diff well in git: a
//! `collection.toml` at the top (name, description, variables, the order of what is in
//! it), one TOML file per request, and a sub-folder with a `folder.toml` per folder. The
//! format is documented in the README ("Collections on disk").
//!
//! Nothing secret is written: a secret variable is written without its value, and a
//! request whose header, query parameter or form field holds a credential written out is
//! refused with a message saying to use a `{{variable}}`.

mod files;
mod secrets;
mod watch;

use std::path::{Path, PathBuf};

pub use files::{BodyFile, RequestFile, Row, request_from_toml, request_to_toml};
pub use secrets::{SecretScope, SecretValue, read_secrets, secret_variables, write_secret};
pub use watch::{FolderWatch, watch_folder};

use crate::model::{Collection, Folder, Item, SavedRequest, holds_credential};

/// The file at the top of a collection's folder.
pub const COLLECTION_FILE: &str = "collection.toml";
/// The file of each sub-folder.
pub const FOLDER_FILE: &str = "folder.toml";
/// The folder, at the top of a collection's, that holds one file per environment.
pub const ENVIRONMENTS_DIR: &str = "environments";

/// Why a collection could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CollectionError {
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A file is not a collection file (TOML that does not fit).
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong, with its line.
        message: String,
    },
    /// A request would write a credential into a file.
    #[error("{0}")]
    Secret(String),
}

/// Reads a Postman collection (v2.0, v2.1) or an `OpenAPI` 3 document `file` into a new
/// collection folder `dir` and returns what it read, as lines for people: for Postman,
/// the import's summary (what was kept differently); for `OpenAPI`, the requests made (the
/// command line's `collection import`).
///
/// # Errors
/// A sentence for people: the file cannot be read or is neither, `dir` already holds a
/// collection, or the folder cannot be written.
pub fn import_file(file: &Path, dir: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("{} cannot be read: {e}", file.display()))?;
    let said = |e: String| format!("{}: {e}", file.display());
    let is_openapi = serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}'))
        .is_ok_and(|v| v.get("openapi").is_some());
    let (collection, lines) = if is_openapi {
        let collection = crate::api::collection_from_openapi(&text).map_err(said)?;
        let line = format!(
            "Read an OpenAPI document: {} requests in {} folders (one a tag), bodies from the required fields.",
            collection.requests().len(),
            collection.folder_count()
        );
        (collection, vec![line])
    } else {
        let imported = crate::model::from_postman(&text).map_err(said)?;
        (imported.collection, imported.summary.lines())
    };
    // A new or empty folder only: saving a collection removes the files of items it no
    // longer has, and a folder of other things is not a collection's.
    if !is_empty_folder(dir) {
        return Err(format!(
            "{} is not empty; import into a new or empty folder.",
            dir.display()
        ));
    }
    write_collection(dir, &collection).map_err(|e| e.to_string())?;
    Ok(lines)
}

/// Writes the collection in folder `dir` as a Postman v2.1 collection `file` (the command
/// line's `collection export`).
///
/// # Errors
/// A sentence for people: the folder is not a collection, or the file cannot be written.
pub fn export_postman_file(dir: &Path, file: &Path) -> Result<(), String> {
    let collection = read_collection(dir).map_err(|e| e.to_string())?;
    // Files edited by hand are checked as saved ones are.
    check_collection(&collection).map_err(|e| e.to_string())?;
    let json = serde_json::to_vec_pretty(&crate::model::to_postman(&collection))
        .map_err(|e| e.to_string())?;
    crate::export::save_atomically(file, &json).map_err(|e| e.to_string())
}

/// Whether `dir` is missing or holds nothing but hidden entries (`.git`, `.DS_Store`):
/// a folder a collection can be started or imported in.
#[must_use]
pub fn is_empty_folder(dir: &Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |entries| {
        entries
            .filter_map(Result::ok)
            .all(|e| e.file_name().to_string_lossy().starts_with('.'))
    })
}

/// A request's credential written out, if it has one: where, said for people.
///
/// # Errors
/// [`CollectionError::Secret`] naming the header, parameter or field that holds one.
pub fn check_no_secrets(place: &str, request: &SavedRequest) -> Result<(), CollectionError> {
    let mut fields: Vec<(&str, String, String)> = Vec::new();
    let mut add = |what: &'static str, key: &str, value: &str| {
        fields.push((what, key.to_owned(), value.to_owned()));
    };
    for h in &request.headers {
        add("header", &h.key, &h.value);
    }
    for q in &request.query {
        add("query parameter", &q.key, &q.value);
    }
    for v in request.path_variables.iter().filter(|v| !v.secret) {
        add("path variable", &v.key, &v.value);
    }
    // A query or a user's password written into the address itself.
    if let Some((_, query)) = request.url.split_once('?') {
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            add("query parameter", key, value);
        }
    }
    if let Some((_, rest)) = request.url.split_once("://")
        && let Some(authority) = rest.split('/').next()
        && let Some((user, _)) = authority.split_once('@')
        && user.contains(':')
        && crate::model::is_written_out(user.split_once(':').map_or("", |(_, p)| p))
    {
        add("address", "password", "written out");
    }
    match &request.body {
        crate::model::Body::UrlEncoded(rows) => {
            for f in rows {
                add("form field", &f.key, &f.value);
            }
        }
        crate::model::Body::FormData(parts) => {
            for p in parts.iter().filter(|p| !p.file) {
                add("form field", &p.key, &p.value);
            }
        }
        crate::model::Body::Raw { text, .. } => {
            // The members of a JSON body, at any depth.
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
                let mut stack = vec![&value];
                while let Some(value) = stack.pop() {
                    match value {
                        serde_json::Value::Object(map) => {
                            for (key, member) in map {
                                if let Some(text) = member.as_str() {
                                    add("body field", key, text);
                                }
                                stack.push(member);
                            }
                        }
                        serde_json::Value::Array(items) => stack.extend(items),
                        _ => {}
                    }
                }
            }
        }
        crate::model::Body::File { .. } | crate::model::Body::None => {}
    }
    for (what, key, value) in fields {
        if holds_credential(&key, &value) {
            return Err(secret_error(place, what, &key));
        }
    }
    Ok(())
}

fn secret_error(place: &str, what: &str, key: &str) -> CollectionError {
    CollectionError::Secret(format!(
        "{place}: the {what} {key} holds a credential written out; collection files go into git, so write {{{{{}}}}} instead and set its value in an environment (kept in the system keyring).",
        key.to_ascii_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    ))
}

/// [`check_no_secrets`] for every request of a collection, and its variables: one with a
/// credential's name and a value written out must be marked secret (its value then lives
/// in the keyring, never in a file).
///
/// # Errors
/// [`CollectionError::Secret`] for the first credential found, with where it is.
pub fn check_collection(collection: &Collection) -> Result<(), CollectionError> {
    let variables = |place: &str, vars: &[crate::model::Variable]| {
        vars.iter()
            .filter(|v| !v.secret && holds_credential(&v.key, &v.value))
            .map(|v| secret_error(place, "variable", &v.key))
            .next()
            .map_or(Ok(()), Err)
    };
    variables(&collection.name, &collection.variables)?;
    for environment in &collection.environments {
        variables(
            &format!("{} / environment {}", collection.name, environment.name),
            &environment.variables,
        )?;
    }
    let mut stack: Vec<(String, &[Item])> = vec![(collection.name.clone(), &collection.items)];
    while let Some((place, items)) = stack.pop() {
        for item in items {
            let here = format!("{place} / {}", item.name());
            match item {
                Item::Folder(folder) => {
                    variables(&here, &folder.variables)?;
                    stack.push((here, &folder.items));
                }
                Item::Request(request) => check_no_secrets(&here, request)?,
            }
        }
    }
    Ok(())
}

/// A file or folder name for an item: its name in lower case, letters and digits with
/// `-` between words (`List customers` → `list-customers`), never empty, never `.`-led.
#[must_use]
pub fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug: String = slug.chars().take(60).collect();
    // Names Windows keeps for devices, whatever the extension.
    let reserved = matches!(slug.as_str(), "con" | "prn" | "aux" | "nul")
        || (slug.len() == 4
            && (slug.starts_with("com") || slug.starts_with("lpt"))
            && slug.as_bytes()[3].is_ascii_digit());
    if slug.is_empty() {
        "item".to_owned()
    } else if reserved {
        format!("{slug}-item")
    } else {
        slug
    }
}

/// Whether a file name ends in `.toml` (in any case).
fn is_toml(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// Reads the collection in folder `dir`.
///
/// # Errors
/// [`CollectionError`] when `collection.toml` or any file in the folder cannot be read, or
/// does not fit the format.
pub fn read_collection(dir: &Path) -> Result<Collection, CollectionError> {
    let top = files::read_folder_file(&dir.join(COLLECTION_FILE))?;
    let mut collection = Collection {
        name: top.name,
        description: top.description,
        variables: top.variables,
        items: Vec::new(),
        environments: read_environments(&dir.join(ENVIRONMENTS_DIR))?,
    };
    collection.items = read_items(dir, &top.order)?;
    Ok(collection)
}

/// The environments in `dir` (one TOML file each, by file name), none when it is missing.
fn read_environments(dir: &Path) -> Result<Vec<crate::model::Environment>, CollectionError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|path| {
            path.is_file()
                && path.file_name().is_some_and(|n| {
                    is_toml(&n.to_string_lossy()) && !n.to_string_lossy().starts_with('.')
                })
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            files::read_folder_file(path).map(|file| crate::model::Environment {
                name: file.name,
                variables: file.variables,
            })
        })
        .collect()
}

/// Writes each environment as `dir/<name>.toml` and removes the `.toml` files of
/// environments that are gone (nothing else in `dir` is touched).
fn write_environments(
    dir: &Path,
    environments: &[crate::model::Environment],
) -> Result<(), CollectionError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CollectionError::Io { path, source }
    };
    if environments.is_empty() && !dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut written: Vec<String> = Vec::with_capacity(environments.len());
    for environment in environments {
        let base = slug(&environment.name);
        let mut name = format!("{base}.toml");
        let mut n = 1;
        while written.contains(&name) {
            n += 1;
            name = format!("{base}-{n}.toml");
        }
        files::write_folder_file(
            &dir.join(&name),
            &files::FolderFile {
                name: environment.name.clone(),
                variables: environment.variables.clone(),
                ..files::FolderFile::default()
            },
        )?;
        written.push(name);
    }
    for entry in std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !written.contains(&name) && is_toml(&name) && entry.path().is_file() {
            std::fs::remove_file(entry.path()).map_err(io(&entry.path()))?;
        }
    }
    // An environments folder left empty goes; one holding anything else stays.
    let _ = std::fs::remove_dir(dir);
    Ok(())
}

fn read_items(dir: &Path, order: &[String]) -> Result<Vec<Item>, CollectionError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CollectionError::Io { path, source }
    };
    let mut entries: Vec<String> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .filter(|name| {
            let path = dir.join(name);
            (path.is_dir() && path.join(FOLDER_FILE).is_file())
                || (is_toml(name) && name != FOLDER_FILE && name != COLLECTION_FILE)
        })
        .collect();
    entries.sort();
    // The order the folder file gives, then anything added by hand or by git, by name.
    let mut ordered: Vec<String> = order
        .iter()
        .filter(|name| entries.contains(name))
        .cloned()
        .collect();
    ordered.extend(entries.into_iter().filter(|name| !order.contains(name)));
    let mut items = Vec::with_capacity(ordered.len());
    for name in ordered {
        let path = dir.join(&name);
        if path.is_dir() {
            let file = files::read_folder_file(&path.join(FOLDER_FILE))?;
            items.push(Item::Folder(Folder {
                name: file.name,
                description: file.description,
                variables: file.variables,
                items: read_items(&path, &file.order)?,
            }));
        } else {
            let text = std::fs::read_to_string(&path).map_err(io(&path))?;
            let request = request_from_toml(&text).map_err(|message| CollectionError::Format {
                path: path.clone(),
                message,
            })?;
            items.push(Item::Request(request));
        }
    }
    Ok(items)
}

/// Writes `collection` into folder `dir` (made if missing): every file written whole and
/// renamed into place, and files of items no longer in the collection removed (only
/// `.toml` files and folders with a `folder.toml`: nothing else in the folder is touched).
///
/// # Errors
/// [`CollectionError`] when a file cannot be written, or a request holds a credential
/// written out (then nothing is written).
pub fn write_collection(dir: &Path, collection: &Collection) -> Result<(), CollectionError> {
    check_collection(collection)?;
    let order = write_items(dir, &collection.items)?;
    write_environments(&dir.join(ENVIRONMENTS_DIR), &collection.environments)?;
    let top = files::FolderFile {
        name: collection.name.clone(),
        description: collection.description.clone(),
        variables: collection.variables.clone(),
        order,
    };
    files::write_folder_file(&dir.join(COLLECTION_FILE), &top)
}

fn write_items(dir: &Path, items: &[Item]) -> Result<Vec<String>, CollectionError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CollectionError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut order: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let base = slug(item.name());
        let mut name = base.clone();
        let mut n = 1;
        let taken = |name: &str, order: &[String]| {
            order
                .iter()
                .any(|o| o == name || o.strip_suffix(".toml") == Some(name))
                || [COLLECTION_FILE, FOLDER_FILE].contains(&format!("{name}.toml").as_str())
                || name == ENVIRONMENTS_DIR
        };
        while taken(&name, &order) {
            n += 1;
            name = format!("{base}-{n}");
        }
        match item {
            Item::Folder(folder) => {
                let path = dir.join(&name);
                let inner = write_items(&path, &folder.items)?;
                files::write_folder_file(
                    &path.join(FOLDER_FILE),
                    &files::FolderFile {
                        name: folder.name.clone(),
                        description: folder.description.clone(),
                        variables: folder.variables.clone(),
                        order: inner,
                    },
                )?;
                order.push(name);
            }
            Item::Request(request) => {
                let file = format!("{name}.toml");
                let text = request_to_toml(request).map_err(|message| CollectionError::Format {
                    path: dir.join(&file),
                    message,
                })?;
                files::write_file(&dir.join(&file), text.as_bytes())?;
                order.push(file);
            }
        }
    }
    // Files of items that are gone (renamed, moved, deleted) go too: what reading the
    // folder takes for part of the collection, and nothing else.
    for entry in std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if order.contains(&name)
            || name == FOLDER_FILE
            || name == COLLECTION_FILE
            || name == ENVIRONMENTS_DIR
            || name.starts_with('.')
        {
            continue;
        }
        remove_item(&entry.path())?;
    }
    Ok(order)
}

/// Removes an item's file, or a folder's own files (its `folder.toml` and the items in it),
/// leaving anything else in the folder, and the folder itself when something is left.
fn remove_item(path: &Path) -> Result<(), CollectionError> {
    let io = |source| CollectionError::Io {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if path.is_dir() && path.join(FOLDER_FILE).is_file() {
        for entry in std::fs::read_dir(path).map_err(io)?.filter_map(Result::ok) {
            let inner = entry.file_name().to_string_lossy().into_owned();
            if inner != FOLDER_FILE && !inner.starts_with('.') {
                remove_item(&entry.path())?;
            }
        }
        std::fs::remove_file(path.join(FOLDER_FILE)).map_err(io)?;
        // Only when nothing of anyone else's is left in it.
        let _ = std::fs::remove_dir(path);
    } else if path.is_file() && is_toml(&name) {
        std::fs::remove_file(path).map_err(io)?;
    }
    Ok(())
}
