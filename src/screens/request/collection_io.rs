//! Collections in and out from the request builder: a Postman collection (v2.0, v2.1) or
//! an `OpenAPI` document imported into a new folder (the native dialogs pick both), with
//! the import's summary shown after; and the open collection exported as a Postman v2.1
//! file. Files are read and written on the blocking pool.

use std::path::{Path, PathBuf};

use crate::app::Services;
use crate::screens::shared::UserError;

use super::ImportReport;
use super::collections::Done;
use super::update::RequestBuilder;

fn problem(message: String, advice: &str) -> UserError {
    UserError {
        message,
        advice: advice.to_owned(),
    }
}

/// The folder an import writes into: `chosen` when it is new or empty (hidden entries such
/// as `.git` aside), else a new folder inside it named after the file
/// (`sage-200.postman_collection.json` → `sage-200`, then `sage-200-2`, …).
fn import_target(file: &Path, chosen: &Path) -> PathBuf {
    if crate::collection::is_empty_folder(chosen) {
        return chosen.to_path_buf();
    }
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .trim_end_matches(".json")
        .trim_end_matches(".postman_collection")
        .trim_end_matches(".openapi");
    let base = crate::collection::slug(stem);
    // Imported before: a folder of its own beside it (`name-2`, `name-3`, …).
    let mut target = chosen.join(&base);
    let mut n = 1;
    while !crate::collection::is_empty_folder(&target) {
        n += 1;
        target = chosen.join(format!("{base}-{n}"));
    }
    target
}

/// Imports `file` into `chosen` (blocking) and reads back what was written.
fn import_blocking(file: &Path, chosen: &Path) -> Result<Done, UserError> {
    let dir = import_target(file, chosen);
    let lines = crate::collection::import_file(file, &dir).map_err(|message| {
        problem(
            message,
            "Choose a Postman collection (v2.0 or v2.1) or an OpenAPI 3 file, and a new or empty folder.",
        )
    })?;
    let collection = crate::collection::read_collection(&dir)
        .map_err(|e| problem(e.to_string(), "Open the folder again."))?;
    let secrets = crate::collection::read_secrets(&dir, &collection);
    Ok(Done::Imported {
        report: ImportReport {
            file: file.to_path_buf(),
            dir: dir.clone(),
            lines,
        },
        collection: Box::new(collection),
        secrets,
    })
}

impl RequestBuilder {
    /// Imports a Postman or `OpenAPI` file (the given one, or one picked) into a folder
    /// (the given one, or one picked), then opens it and shows the summary.
    pub(super) fn import_collection(
        &mut self,
        cx: &mut Services,
        file: Option<PathBuf>,
        dir: Option<PathBuf>,
    ) {
        if self.collection_busy_said(cx) {
            return;
        }
        self.state.collection_busy = true;
        self.collection_task = Some(cx.spawn(async move {
            let file = match file {
                Some(file) => file,
                None => match rfd::AsyncFileDialog::new()
                    .set_title("Import a Postman collection or an OpenAPI file")
                    .add_filter("Postman collection or OpenAPI (JSON)", &["json"])
                    .add_filter("All files", &["*"])
                    .pick_file()
                    .await
                {
                    Some(picked) => picked.path().to_path_buf(),
                    None => return Ok(Done::Cancelled),
                },
            };
            let dir = match dir {
                Some(dir) => dir,
                None => match rfd::AsyncFileDialog::new()
                    .set_title("The folder to keep the collection in")
                    .pick_folder()
                    .await
                {
                    Some(picked) => picked.path().to_path_buf(),
                    None => return Ok(Done::Cancelled),
                },
            };
            tokio::task::spawn_blocking(move || import_blocking(&file, &dir))
                .await
                .map_err(|e| {
                    problem(format!("The import stopped: {e}"), "Import the file again.")
                })?
        }));
    }

    /// Writes the open collection (as its folder holds it) as a Postman v2.1 file: the
    /// given one, or one picked in the save dialog.
    pub(super) fn export_collection(&mut self, cx: &mut Services, file: Option<PathBuf>) {
        if self.collection_busy_said(cx) {
            return;
        }
        let Some(open) = &self.state.collection else {
            return;
        };
        let dir = open.dir.clone();
        let suggested = format!(
            "{}.postman_collection.json",
            crate::collection::slug(&open.collection.name)
        );
        let environments = open.collection.environments.len();
        self.state.collection_busy = true;
        self.collection_task = Some(cx.spawn(async move {
            let file = match file {
                Some(file) => file,
                None => match rfd::AsyncFileDialog::new()
                    .set_title("Export as a Postman collection")
                    .set_file_name(&suggested)
                    .add_filter("Postman collection v2.1 (JSON)", &["json"])
                    .save_file()
                    .await
                {
                    Some(picked) => picked.path().to_path_buf(),
                    None => return Ok(Done::Cancelled),
                },
            };
            tokio::task::spawn_blocking(move || {
                crate::collection::export_postman_file(&dir, &file)
                    .map(|()| {
                        let mut notice = format!("Exported to {} (Postman v2.1)", file.display());
                        if environments > 0 {
                            notice.push_str(
                                "; environments are not part of a Postman collection, so they stay in the folder",
                            );
                        }
                        Done::Exported(notice)
                    })
                    .map_err(|message| {
                        problem(message, "Save the collection's requests (Ctrl+S), then export again.")
                    })
            })
            .await
            .map_err(|e| problem(format!("The export stopped: {e}"), "Export again."))?
        }));
    }
}
