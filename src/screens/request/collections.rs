//! The request builder's collection work beside its update code: opening a collection's
//! folder (reading it on the blocking pool), opening one of its requests in a tab, and
//! saving a tab's request into it (Ctrl+S), the folder written back on the blocking pool.

use std::path::PathBuf;

use crate::app::{Services, Task, finished};
use crate::model::{Collection, Item, RequestDraft, SavedRequest};
use crate::screens::shared::UserError;

use super::update::RequestBuilder;
use super::{OpenCollection, SavedAs};

/// What a collection's read or write gives back.
pub(super) enum Done {
    /// A collection read (or a new one for an empty folder), with its secret values from
    /// the keyring (or why they could not be read).
    Read(
        PathBuf,
        Collection,
        Result<Vec<crate::collection::SecretValue>, String>,
    ),
    /// A dialog was closed without choosing.
    Cancelled,
    /// The folder read again after it changed on disk.
    Reloaded(PathBuf, Box<Collection>),
    /// A file imported into a new folder: its summary, and the collection read back.
    Imported {
        report: super::ImportReport,
        collection: Box<Collection>,
        secrets: Result<Vec<crate::collection::SecretValue>, String>,
    },
    /// The collection exported; the notice says where.
    Exported(String),
    /// The tree changed and written: the collection and each tab's new place (by tab id).
    Changed {
        collection: Box<Collection>,
        places: Vec<(u64, Option<Vec<usize>>)>,
        notice: String,
    },
    /// The variables window saved: the collection as written and its secret values.
    Variables {
        collection: Box<Collection>,
        secrets: Vec<crate::collection::SecretValue>,
    },
    /// The collection written: the tab saved and what it now holds.
    Saved {
        tab: u64,
        saved: SavedAs,
        collection: Box<Collection>,
    },
}

/// A collection being read or written.
pub(super) type CollectionTask = Task<Result<Done, UserError>>;

pub(super) fn problem(message: String) -> UserError {
    UserError {
        message,
        advice: "Choose another folder, or mend the file named, then try again.".to_owned(),
    }
}

/// The collection in `dir`: read from its files, or a new one named after a folder that
/// is new or empty.
fn read(dir: &std::path::Path) -> Result<Collection, UserError> {
    if dir.join(crate::collection::COLLECTION_FILE).is_file() {
        return crate::collection::read_collection(dir).map_err(|e| problem(e.to_string()));
    }
    if !crate::collection::is_empty_folder(dir) {
        return Err(problem(format!(
            "{} holds other files but no collection.toml: it is not a collection's folder.",
            dir.display()
        )));
    }
    Ok(Collection {
        name: dir.file_name().map_or_else(
            || "Collection".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        ),
        ..Collection::default()
    })
}

/// The request at `at` (item indexes, folder by folder).
pub(super) fn request_at<'c>(collection: &'c Collection, at: &[usize]) -> Option<&'c SavedRequest> {
    let (last, folders) = at.split_last()?;
    let mut items = &collection.items;
    for &index in folders {
        match items.get(index)? {
            Item::Folder(folder) => items = &folder.items,
            Item::Request(_) => return None,
        }
    }
    match items.get(*last)? {
        Item::Request(request) => Some(request),
        Item::Folder(_) => None,
    }
}

fn request_at_mut<'c>(
    collection: &'c mut Collection,
    at: &[usize],
) -> Option<&'c mut SavedRequest> {
    let (last, folders) = at.split_last()?;
    let mut items = &mut collection.items;
    for &index in folders {
        match items.get_mut(index)? {
            Item::Folder(folder) => items = &mut folder.items,
            Item::Request(_) => return None,
        }
    }
    match items.get_mut(*last)? {
        Item::Request(request) => Some(request),
        Item::Folder(_) => None,
    }
}

/// `saved` with the request builder's draft in place of what it sends; its name,
/// description and path variables stay.
fn with_draft(saved: &SavedRequest, draft: &RequestDraft) -> SavedRequest {
    let fresh = SavedRequest::from_draft(&saved.name, draft);
    SavedRequest {
        name: saved.name.clone(),
        description: saved.description.clone(),
        path_variables: saved.path_variables.clone(),
        ..fresh
    }
}

/// A new saved request's name: its path (the tree shows the method beside it).
fn new_name(draft: &RequestDraft) -> String {
    let path = draft.path.trim().trim_start_matches('/');
    if path.is_empty() {
        "New request".to_owned()
    } else {
        path.to_owned()
    }
}

impl RequestBuilder {
    /// Opens the collection in `dir`, or the folder the user picks.
    pub(super) fn open_collection(&mut self, cx: &mut Services, dir: Option<PathBuf>) {
        self.state.collection_busy = true;
        self.collection_task = Some(cx.spawn(async move {
            let dir = match dir {
                Some(dir) => dir,
                None => match rfd::AsyncFileDialog::new()
                    .set_title("Open a collection's folder")
                    .pick_folder()
                    .await
                {
                    Some(picked) => picked.path().to_path_buf(),
                    None => return Ok(Done::Cancelled),
                },
            };
            tokio::task::spawn_blocking(move || {
                read(&dir).map(|c| {
                    let secrets = crate::collection::read_secrets(&dir, &c);
                    Done::Read(dir, c, secrets)
                })
            })
            .await
            .map_err(|e| problem(format!("Reading the collection stopped: {e}")))?
        }));
    }

    /// Whether the collection is being read or written, said to the user when it is:
    /// what they asked for is not done (a place in it may be about to change).
    /// A reading again after a change on disk gives way (it is read again afterwards).
    pub(super) fn collection_busy_said(&mut self, cx: &mut Services) -> bool {
        if self.collection_task.is_none() {
            return false;
        }
        if self.reloading() {
            self.stop_reloading();
            return false;
        }
        cx.shared.error = Some(UserError {
            message: "The collection is being read or written; that was not done.".to_owned(),
            advice: "Try again in a moment.".to_owned(),
        });
        true
    }

    /// Opens the request at `at` in a tab (the one already showing it, if any).
    pub(super) fn open_saved(&mut self, cx: &mut Services, at: Vec<usize>) {
        if let Some(tab) = self
            .state
            .tabs
            .iter()
            .find(|t| t.saved_as.as_ref().is_some_and(|s| s.at == at))
        {
            self.state.active_tab = tab.id;
            return;
        }
        let Some(request) = self
            .state
            .collection
            .as_ref()
            .and_then(|open| request_at(&open.collection, &at))
        else {
            return;
        };
        match request.to_draft() {
            Ok((draft, notes)) => {
                let id = self.add_tab(draft.clone());
                if let Some(tab) = self.tab_mut(id) {
                    tab.notes = notes;
                    tab.saved_as = Some(SavedAs { at, saved: draft });
                }
                self.state.active_tab = id;
            }
            Err(message) => {
                cx.shared.error = Some(UserError {
                    message: format!("{}: {message}", request.name),
                    advice: "It stays in the collection as it is; export the collection to use it in Postman.".to_owned(),
                });
            }
        }
    }

    /// Saves a tab's request into the open collection and writes the folder: where it came
    /// from, or (`as_new`: a folder's place and a name, or when it has no place yet) as a
    /// new request.
    pub(super) fn save_request(
        &mut self,
        cx: &mut Services,
        id: u64,
        as_new: Option<(Vec<usize>, String)>,
    ) {
        if self.collection_busy_said(cx) {
            return;
        }
        let Some(tab) = self.state.tabs.iter().find(|t| t.id == id) else {
            return;
        };
        let Some(open) = &self.state.collection else {
            cx.shared.error = Some(UserError {
                message: "No collection is open to save the request in.".to_owned(),
                advice: "Open a collection's folder (or a new, empty one) beside the tabs, then press Ctrl+S again.".to_owned(),
            });
            return;
        };
        let mut collection = open.collection.clone();
        let draft = tab.draft.clone();
        let at = if let Some((folder, name)) = as_new {
            let name = name.trim();
            // A copy keeps what the builder has no field for (description, path variables).
            let base = tab
                .saved_as
                .as_ref()
                .and_then(|s| request_at(&collection, &s.at))
                .cloned()
                .unwrap_or_default();
            let mut request = with_draft(&base, &draft);
            request.name = if name.is_empty() {
                new_name(&draft)
            } else {
                name.to_owned()
            };
            match collection.add_to(&folder, Item::Request(request)) {
                Ok(at) => at,
                Err(message) => {
                    cx.shared.error = Some(problem(message));
                    return;
                }
            }
        } else if let Some(saved_as) = tab
            .saved_as
            .as_ref()
            .filter(|s| request_at(&collection, &s.at).is_some())
        {
            if let Some(request) = request_at_mut(&mut collection, &saved_as.at) {
                *request = with_draft(request, &draft);
            }
            saved_as.at.clone()
        } else {
            collection
                .items
                .push(Item::Request(SavedRequest::from_draft(
                    &new_name(&draft),
                    &draft,
                )));
            vec![collection.items.len() - 1]
        };
        let dir = open.dir.clone();
        self.state.collection_busy = true;
        self.collection_task = Some(cx.spawn(async move {
            tokio::task::spawn_blocking(move || {
                crate::collection::write_collection(&dir, &collection)
                    .map(|()| Done::Saved {
                        tab: id,
                        saved: SavedAs { at, saved: draft },
                        collection: Box::new(collection),
                    })
                    .map_err(|e| UserError {
                        message: e.to_string(),
                        advice: "The request was not saved; change it, then press Ctrl+S again."
                            .to_owned(),
                    })
            })
            .await
            .map_err(|e| problem(format!("Saving the collection stopped: {e}")))?
        }));
    }

    /// Changes the open collection's tree and writes its folder; tabs follow their
    /// requests (a deleted request's tab keeps its draft, no longer saved anywhere).
    pub(super) fn change_tree(&mut self, cx: &mut Services, change: &crate::model::TreeChange) {
        if self.collection_busy_said(cx) {
            return;
        }
        let Some(open) = &self.state.collection else {
            return;
        };
        let mut collection = open.collection.clone();
        let ids: Vec<u64> = self.state.tabs.iter().map(|t| t.id).collect();
        let mut places: Vec<Option<Vec<usize>>> = self
            .state
            .tabs
            .iter()
            .map(|t| t.saved_as.as_ref().map(|s| s.at.clone()))
            .collect();
        if let Err(message) = collection.change(change, &mut places) {
            cx.shared.error = Some(problem(message));
            return;
        }
        let notice = match change {
            crate::model::TreeChange::Delete(at) => format!(
                "Deleted {}",
                open.collection.item_at(at).map_or("", |i| i.name())
            ),
            crate::model::TreeChange::NewFolder { name, .. } => {
                format!("Folder {} made", name.trim())
            }
            _ => format!("Saved in {}", open.dir.display()),
        };
        let dir = open.dir.clone();
        self.state.collection_busy = true;
        self.collection_task = Some(cx.spawn(async move {
            tokio::task::spawn_blocking(move || {
                crate::collection::write_collection(&dir, &collection)
                    .map(|()| Done::Changed {
                        collection: Box::new(collection),
                        places: ids.into_iter().zip(places).collect(),
                        notice,
                    })
                    .map_err(|e| problem(e.to_string()))
            })
            .await
            .map_err(|e| problem(format!("Writing the collection stopped: {e}")))?
        }));
    }

    /// Shows a collection just read, with its secret values; `same`: it is the one the
    /// tabs' places (and the environment in use) belong to.
    fn opened(
        &mut self,
        cx: &mut Services,
        open: OpenCollection,
        secrets: Result<Vec<crate::collection::SecretValue>, String>,
        same: bool,
    ) {
        if !same {
            // Another collection: tabs keep their drafts, not their places.
            for tab in &mut self.state.tabs {
                tab.saved_as = None;
            }
            self.state.environment = None;
            self.forget_captured();
        }
        match secrets {
            Ok(secrets) => {
                self.state.secrets = super::variables::kept_secrets(secrets);
                self.state.secrets_unreadable = false;
            }
            Err(message) => {
                self.state.secrets.clear();
                self.state.secrets_unreadable = true;
                cx.shared.error = Some(UserError {
                    message,
                    advice: "Secret variables have no value until the keyring can be read; the collection is open.".to_owned(),
                });
            }
        }
        self.state.collection = Some(open);
        self.select_environment(self.state.environment.clone());
    }

    /// Takes a finished read or write of the collection; at start, opens again the
    /// collection that was open.
    pub(super) fn poll_collection(&mut self, cx: &mut Services) {
        self.poll_watch(cx);
        if let Some(dir) = self.reopen.take() {
            self.open_collection(cx, Some(dir));
        }
        match finished(&mut self.collection_task) {
            Some(Ok(Done::Read(dir, collection, secrets))) => {
                self.state.collection_busy = false;
                // Tabs keep their places only in the collection they came from.
                let same = self.state.collection.as_ref().is_some_and(|c| c.dir == dir)
                    || self.restored.take().is_some_and(|restored| restored == dir);
                self.opened(cx, OpenCollection { dir, collection }, secrets, same);
            }
            Some(Ok(Done::Cancelled)) => self.state.collection_busy = false,
            Some(Ok(Done::Reloaded(dir, collection))) => self.reloaded(cx, &dir, *collection),
            Some(Ok(Done::Exported(notice))) => {
                self.state.collection_busy = false;
                cx.shared.notice = Some(notice);
            }
            Some(Ok(Done::Imported {
                report,
                collection,
                secrets,
            })) => {
                self.state.collection_busy = false;
                let open = OpenCollection {
                    dir: report.dir.clone(),
                    collection: *collection,
                };
                self.opened(cx, open, secrets, false);
                self.state.import_report = Some(report);
            }
            Some(Ok(Done::Changed {
                collection,
                places,
                notice,
            })) => {
                self.state.collection_busy = false;
                let old = self
                    .state
                    .collection
                    .as_mut()
                    .map(|open| std::mem::replace(&mut open.collection, *collection));
                for tab in &mut self.state.tabs {
                    let place = match places.iter().find(|(id, _)| *id == tab.id) {
                        Some((_, place)) => place.clone(),
                        // A tab opened while the change was written: found again by name.
                        None => tab.saved_as.as_ref().and_then(|saved| {
                            let names = old.as_ref()?.names_at(&saved.at)?;
                            let new = &self.state.collection.as_ref()?.collection;
                            new.find_request(&names, &saved.at)
                        }),
                    };
                    tab.saved_as = match (tab.saved_as.take(), place) {
                        (Some(saved), Some(at)) => Some(SavedAs { at, ..saved }),
                        _ => None,
                    };
                }
                cx.shared.notice = Some(notice);
            }
            Some(Ok(Done::Variables {
                collection,
                secrets,
            })) => {
                self.state.collection_busy = false;
                self.variables_saved(cx, *collection, secrets);
            }
            Some(Ok(Done::Saved {
                tab,
                saved,
                collection,
            })) => {
                self.state.collection_busy = false;
                if let Some(open) = &mut self.state.collection {
                    open.collection = *collection;
                    cx.shared.notice = Some(format!("Saved in {}", open.dir.display()));
                }
                if let Some(tab) = self.tab_mut(tab) {
                    tab.saved_as = Some(saved);
                }
            }
            Some(Err(error)) => {
                self.state.collection_busy = false;
                cx.shared.error = Some(error);
            }
            None => {}
        }
    }
}
