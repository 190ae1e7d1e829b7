//! The History screen's work: reading the history file at start, recording each answer
//! and writing the file again, and opening an entry in the request builder.

use std::path::PathBuf;

use crate::app::{AppPaths, Services, Task, finished};
use crate::model::{HISTORY_LIMIT, HistoryEntry};
use crate::screens::request;
use crate::screens::shared::Screen;

use super::{Command, State};

/// The History screen: its entries and the file being read.
#[derive(Default)]
pub struct History {
    state: State,
    load: Option<Task<Vec<HistoryEntry>>>,
}

impl History {
    /// What the view draws.
    #[must_use]
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Starts reading the history file, when the app has a data folder.
    pub fn load(&mut self, cx: &Services) {
        let Some(file) = history_file(cx) else {
            return;
        };
        self.load = Some(cx.spawn(async move {
            // A missing or damaged history starts empty rather than stopping the app.
            match tokio::fs::read(&file).await {
                Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
                Err(_) => Vec::new(),
            }
        }));
    }

    /// Handles one of the screen's commands.
    pub fn handle(&mut self, cx: &mut Services, command: Command) {
        match command {
            Command::Open(index) => {
                if let Some(entry) = self.state.entries.get(index) {
                    cx.send(request::Command::Open(Box::new(entry.draft.clone())));
                    cx.shared.screen = Screen::RequestBuilder;
                }
            }
            Command::Record(entry) => self.record(cx, *entry),
        }
    }

    fn record(&mut self, cx: &Services, entry: HistoryEntry) {
        crate::model::remember(&mut self.state.entries, entry);
        let Some(file) = history_file(cx) else {
            return;
        };
        let Ok(bytes) = serde_json::to_vec(&self.state.entries) else {
            return;
        };
        cx.runtime().spawn_blocking(move || {
            if let Some(folder) = file.parent() {
                let _ = std::fs::create_dir_all(folder);
            }
            if let Err(error) = crate::export::save_atomically(&file, &bytes) {
                tracing::warn!(%error, "could not save the history");
            }
        });
    }

    /// Takes the history file once it has been read.
    pub fn poll(&mut self) {
        if let Some(mut loaded) = finished(&mut self.load) {
            // Requests sent while the file was loading come first.
            let mut recent = std::mem::take(&mut self.state.entries);
            recent.append(&mut loaded);
            recent.truncate(HISTORY_LIMIT);
            self.state.entries = recent;
        }
    }
}

fn history_file(cx: &Services) -> Option<PathBuf> {
    cx.options.paths.as_ref().map(AppPaths::history_file)
}
