//! Watching a collection's folder for changes made outside the app (git checkout, an
//! editor) through the `notify` crate (`inotify` on Linux, `FSEvents` on macOS,
//! `ReadDirectoryChangesW` on Windows). What changed is not read here: the caller is told,
//! waits for the burst of events to settle, and reads the folder again.

use std::path::{Component, Path};

use notify::{EventKind, RecursiveMode, Watcher as _};

/// A watch on a folder; dropping it stops watching.
pub struct FolderWatch {
    _watcher: notify::RecommendedWatcher,
}

impl std::fmt::Debug for FolderWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FolderWatch")
    }
}

/// Whether a change at `path` (inside `dir`) can change the collection: not one in a
/// hidden file or folder (`.git`, an editor's swap file), and only `.toml` files or
/// folders.
fn matters(dir: &Path, path: &Path) -> bool {
    let inside = path.strip_prefix(dir).unwrap_or(path);
    let hidden = inside.components().any(|c| match c {
        Component::Normal(name) => {
            let name = name.to_string_lossy();
            name.starts_with('.') || name.ends_with('~')
        }
        _ => false,
    });
    let toml_or_folder = path
        .extension()
        .is_none_or(|e| e.eq_ignore_ascii_case("toml"));
    !hidden && toml_or_folder
}

/// Watches `dir` and everything in it; `changed` is called (on the watcher's thread) for
/// each change that can matter to the collection.
///
/// # Errors
/// Why the system would not watch the folder (for people), e.g. too many watches.
pub fn watch_folder(
    dir: &Path,
    changed: impl Fn() + Send + 'static,
) -> Result<FolderWatch, String> {
    let root = dir.to_path_buf();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else {
            // An error (events lost): read the folder again to be sure.
            changed();
            return;
        };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        if event.paths.iter().any(|p| matters(&root, p)) {
            changed();
        }
    })
    .map_err(|e| {
        format!(
            "Changes to {} made elsewhere are not seen: {e}",
            dir.display()
        )
    })?;
    watcher.watch(dir, RecursiveMode::Recursive).map_err(|e| {
        format!(
            "Changes to {} made elsewhere are not seen: {e}",
            dir.display()
        )
    })?;
    Ok(FolderWatch { _watcher: watcher })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_foreign_files_do_not_matter() {
        let dir = Path::new("/c");
        assert!(matters(dir, Path::new("/c/customers/list.toml")));
        assert!(matters(dir, Path::new("/c/customers")));
        assert!(!matters(dir, Path::new("/c/.git/index")));
        assert!(!matters(dir, Path::new("/c/.list.toml.swp")));
        assert!(!matters(dir, Path::new("/c/list.toml~")));
        assert!(!matters(dir, Path::new("/c/notes.txt")));
    }
}
