//! Collections as folders of plain-text files that diff well in git: a
//! `collection.toml` at the top (name, description, variables, the order of what is in
//! it), one TOML file per request, and a sub-folder with a `folder.toml` per folder. The
//! format is documented in the README ("Collections on disk").
//!
//! Nothing secret is written: a secret variable is written without its value, and a
//! request whose header, query parameter or form field holds a credential written out is
//! refused with a message saying to use a `{{variable}}`.

mod files;

use std::path::{Path, PathBuf};

pub use files::{BodyFile, RequestFile, Row, request_from_toml, request_to_toml};

use crate::model::{Collection, Folder, Item, SavedRequest, is_credential_name, is_written_out};

/// The file at the top of a collection's folder.
pub const COLLECTION_FILE: &str = "collection.toml";
/// The file of each sub-folder.
pub const FOLDER_FILE: &str = "folder.toml";

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
    if dir.join(COLLECTION_FILE).exists() {
        return Err(format!(
            "{} already holds a collection; import into a new folder.",
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
    let json = serde_json::to_vec_pretty(&crate::model::to_postman(&collection))
        .map_err(|e| e.to_string())?;
    crate::export::save_atomically(file, &json).map_err(|e| e.to_string())
}

/// A request's credential written out, if it has one: where, said for people.
///
/// # Errors
/// [`CollectionError::Secret`] naming the header, parameter or field that holds one.
pub fn check_no_secrets(place: &str, request: &SavedRequest) -> Result<(), CollectionError> {
    let fields = request
        .headers
        .iter()
        .map(|h| ("header", &h.key, &h.value))
        .chain(
            request
                .query
                .iter()
                .map(|q| ("query parameter", &q.key, &q.value)),
        )
        .chain(match &request.body {
            crate::model::Body::UrlEncoded(fields) => fields
                .iter()
                .map(|f| ("form field", &f.key, &f.value))
                .collect::<Vec<_>>(),
            crate::model::Body::FormData(parts) => parts
                .iter()
                .filter(|p| !p.file)
                .map(|p| ("form field", &p.key, &p.value))
                .collect(),
            _ => Vec::new(),
        });
    for (what, key, value) in fields {
        if is_credential_name(key) && is_written_out(value) {
            return Err(CollectionError::Secret(format!(
                "{place}: the {what} {key} holds a credential written out; collection files go into git, so write {{{{{}}}}} instead and set its value in an environment (kept in the system keyring).",
                key.to_ascii_lowercase()
                    .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
            )));
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
    if slug.is_empty() {
        "item".to_owned()
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
    };
    collection.items = read_items(dir, &top.order)?;
    Ok(collection)
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
    for (folders, request) in collection.requests() {
        let mut place = folders.join(" / ");
        if !place.is_empty() {
            place.push_str(" / ");
        }
        place.push_str(&request.name);
        check_no_secrets(&place, request)?;
    }
    let order = write_items(dir, &collection.items)?;
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
        };
        while taken(&name, &order) {
            n += 1;
            name = format!("{base}-{n}");
        }
        match item {
            Item::Folder(folder) => {
                let path = dir.join(&name);
                // A request file of the same name from before goes.
                let _ = std::fs::remove_file(dir.join(format!("{name}.toml")));
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
    // Files of items that are gone (renamed, moved, deleted) go too.
    for entry in std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if order.contains(&name) || name == FOLDER_FILE || name == COLLECTION_FILE {
            continue;
        }
        if path.is_dir() && path.join(FOLDER_FILE).is_file() {
            std::fs::remove_dir_all(&path).map_err(io(&path))?;
        } else if path.is_file() && is_toml(&name) {
            std::fs::remove_file(&path).map_err(io(&path))?;
        }
    }
    Ok(order)
}
