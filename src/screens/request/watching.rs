//! The open collection's folder watched for changes made elsewhere (git, an editor): once
//! the changes settle, the folder is read again on the blocking pool and what the tabs
//! show follows it. A tab with unsaved edits keeps them: the file's new version becomes
//! what the tab is compared with, so it stays marked, and Ctrl+S writes the user's over
//! it only when asked.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::app::Services;
use crate::collection::FolderWatch;
use crate::model::Collection;

use super::SavedAs;
use super::collections::{Done, problem, request_at};
use super::update::RequestBuilder;

/// How long the folder must be quiet before it is read again (git writes many files).
const SETTLE: Duration = Duration::from_millis(300);

/// The watch on the open collection's folder.
pub(super) struct Watching {
    dir: PathBuf,
    _watch: FolderWatch,
    changed: Arc<AtomicBool>,
    due: Option<Instant>,
    /// Whether the collection task in flight is this reading again.
    reading: bool,
}

impl RequestBuilder {
    /// Watches the open collection's folder (again, when it is another); a folder the
    /// system will not watch is said once, and the collection stays open.
    pub(super) fn watch_open_collection(&mut self, cx: &mut Services) {
        let Some(open) = &self.state.collection else {
            self.watching = None;
            return;
        };
        if self.watching.as_ref().is_some_and(|w| w.dir == open.dir) {
            return;
        }
        let changed = Arc::new(AtomicBool::new(false));
        let flag = changed.clone();
        let waker = cx.waker.clone();
        match crate::collection::watch_folder(&open.dir, move || {
            flag.store(true, Ordering::SeqCst);
            waker.wake();
        }) {
            Ok(watch) => {
                self.watching = Some(Watching {
                    dir: open.dir.clone(),
                    _watch: watch,
                    changed,
                    due: None,
                    reading: false,
                });
            }
            Err(message) => {
                self.watching = None;
                cx.shared.notice = Some(message);
            }
        }
    }

    /// Reads the folder again once changes to it have settled (not while the app itself
    /// is reading or writing it).
    pub(super) fn poll_watch(&mut self, cx: &mut Services) {
        if self.state.collection.as_ref().map(|c| &c.dir) != self.watching.as_ref().map(|w| &w.dir)
        {
            self.watch_open_collection(cx);
        }
        let Some(watching) = &mut self.watching else {
            return;
        };
        if watching.changed.swap(false, Ordering::SeqCst) {
            watching.due = Some(Instant::now() + SETTLE);
            cx.egui.request_repaint_after(SETTLE);
        }
        let Some(due) = watching.due else {
            return;
        };
        if Instant::now() < due {
            cx.egui.request_repaint_after(due - Instant::now());
            return;
        }
        if self.collection_task.is_some() {
            return;
        }
        watching.due = None;
        watching.reading = true;
        let dir = watching.dir.clone();
        self.state.collection_busy = true;
        self.collection_task = Some(cx.spawn(async move {
            tokio::task::spawn_blocking(move || {
                crate::collection::read_collection(&dir)
                    .map(|c| Done::Reloaded(dir, Box::new(c)))
                    .map_err(|e| {
                        problem(format!(
                            "The collection changed on disk and cannot be read: {e}"
                        ))
                    })
            })
            .await
            .map_err(|e| problem(format!("Reading the collection stopped: {e}")))?
        }));
    }

    /// Whether the task in flight is a reading again after a change on disk.
    pub(super) fn reloading(&self) -> bool {
        self.watching.as_ref().is_some_and(|w| w.reading)
    }

    /// Drops the reading again in flight (the app is about to write the folder); the folder
    /// is read again once that is done.
    pub(super) fn stop_reloading(&mut self) {
        self.collection_task = None;
        self.state.collection_busy = false;
        if let Some(watching) = &mut self.watching {
            watching.reading = false;
            watching.due = Some(Instant::now() + SETTLE);
        }
    }

    /// Takes the folder as read again: tabs follow their requests by name; unsaved edits
    /// are kept.
    pub(super) fn reloaded(
        &mut self,
        cx: &mut Services,
        dir: &std::path::Path,
        collection: Collection,
    ) {
        self.state.collection_busy = false;
        if let Some(watching) = &mut self.watching {
            watching.reading = false;
        }
        let Some(open) = &mut self.state.collection else {
            return;
        };
        if open.dir != dir || open.collection == collection {
            return; // another collection by now, or the app's own write
        }
        let old = std::mem::replace(&mut open.collection, collection);
        let new = &open.collection;
        let mut kept = Vec::new();
        let mut gone = Vec::new();
        for tab in &mut self.state.tabs {
            let Some(saved) = tab.saved_as.take() else {
                continue;
            };
            let found = old
                .names_at(&saved.at)
                .and_then(|names| new.find_request(&names, &saved.at))
                .and_then(|at| request_at(new, &at).map(|r| (at, r)))
                .and_then(|(at, request)| request.to_draft().ok().map(|(draft, _)| (at, draft)));
            let Some((at, draft)) = found else {
                gone.push(tab.draft.title());
                continue;
            };
            if tab.draft == saved.saved {
                tab.draft = draft.clone();
            } else if draft != saved.saved {
                kept.push(tab.draft.title());
            }
            tab.saved_as = Some(SavedAs { at, saved: draft });
        }
        let mut notice = vec![format!(
            "{} changed on disk and was read again.",
            dir.display()
        )];
        if !kept.is_empty() {
            notice.push(format!(
                "Your unsaved changes to {} are kept; Ctrl+S writes them over the file's.",
                kept.join(", ")
            ));
        }
        if !gone.is_empty() {
            notice.push(format!(
                "{} {} no longer in it; the tabs keep their drafts.",
                gone.join(", "),
                if gone.len() == 1 { "is" } else { "are" }
            ));
        }
        if let Some(editor) = &mut self.state.variables_editor {
            editor.problem = Some("The collection changed on disk while this window was open; saving writes these variables over the file's.".to_owned());
        }
        cx.shared.notice = Some(notice.join(" "));
        // An environment renamed or removed on disk is no longer in use.
        self.select_environment(self.state.environment.clone());
    }
}
