//! The request builder's state: its tabs, each with a draft and what came back.

use std::path::PathBuf;
use std::sync::Arc;

use crate::document::{Answered, Found, TableSort};
use crate::model::{Collection, RequestDraft, Secret, Variable, VariableScope};
use crate::screens::shared::UserError;

/// A request-builder tab: its draft, and what came back.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestTab {
    /// Stable id (tabs move; ids do not).
    pub id: u64,
    /// The request as composed.
    pub draft: RequestDraft,
    /// Whether a send is in flight.
    pub sending: bool,
    /// The last answer.
    pub answer: Option<Arc<Answered>>,
    /// Why the last send could not go out or failed without an answer.
    pub problem: Option<UserError>,
    /// The table's sort: column and whether descending, with the row order it gives.
    pub sort: Option<TableSort>,
    /// Whether a sort is being computed.
    pub sorting: bool,
    /// Progress of "Fetch all pages", while it runs.
    pub fetching: Option<crate::api::Progress>,
    /// The answer arriving, while a send reads it: bytes so far, and its first records.
    pub arriving: Option<Arriving>,
    /// The rows and lines that contain the text searched for.
    pub found: Option<Found>,
    /// What a pasted curl command left out or changes, shown above the request.
    pub notes: Vec<String>,
    /// Columns of the answer table the user hid, by name (kept across restarts).
    pub hidden_columns: Vec<String>,
    /// Where the request is kept in the open collection, when it is.
    pub saved_as: Option<SavedAs>,
}

/// An answer still arriving: how much of it, and its first records once they are whole.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Arriving {
    /// Bytes of the body received so far.
    pub received: usize,
    /// The body's length, when the server said it (`Content-Length`).
    pub expected: Option<u64>,
    /// Whether the whole body is in (and being read for the views).
    pub complete: bool,
    /// The try of the call the body so far belongs to (from 1; a call retried after its
    /// body broke off starts again).
    pub attempt: u32,
    /// The first records, read from the body so far (a table of at least one row);
    /// replaced by the whole answer when it is read.
    pub preview: Option<Arc<Answered>>,
}

impl RequestTab {
    /// Whether the tab's request differs from what its collection file holds.
    #[must_use]
    pub fn unsaved(&self) -> bool {
        self.saved_as
            .as_ref()
            .is_some_and(|s| s.saved != self.draft)
    }
}

/// A tab's place in the open collection: the request's index at each level of the tree
/// (folders, then the request), and the request as last saved there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SavedAs {
    /// Indexes into the collection's items, folder by folder.
    pub at: Vec<usize>,
    /// The draft as last saved (or opened).
    pub saved: RequestDraft,
}

/// What survives a restart of the open collection: its folder, and each tab's place in it
/// (by tab position).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CollectionPlaces {
    /// The collection's folder, when one was open.
    pub dir: Option<std::path::PathBuf>,
    /// Each tab's place in it.
    pub tabs: Vec<Option<SavedAs>>,
    /// The environment in use, by name.
    pub environment: Option<String>,
}

/// The collection open beside the tabs: its folder and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCollection {
    /// The collection's folder.
    pub dir: std::path::PathBuf,
    /// Its folders and requests.
    pub collection: Collection,
}

/// The request builder as the view draws it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    /// The tabs, in order.
    pub tabs: Vec<RequestTab>,
    /// The id of the open tab.
    pub active_tab: u64,
    /// Why the last pasted curl command could not be read (shown in the paste box).
    pub paste_problem: Option<String>,
    /// How many pasted commands became tabs (the paste box closes when this changes).
    pub pasted: u64,
    /// The collection open beside the tabs.
    pub collection: Option<OpenCollection>,
    /// Whether a collection is being read or written.
    pub collection_busy: bool,
    /// The open collection's environment in use, by name.
    pub environment: Option<String>,
    /// The values of the open collection's secret variables, read from the keyring:
    /// `(environment, key, value)`, the environment `None` for the collection's own.
    pub secrets: Vec<(Option<String>, String, Secret)>,
    /// Whether the keyring could not be read when the collection was opened (secret
    /// values are then unknown, and the variables window will not save over them).
    pub secrets_unreadable: bool,
    /// The variables window, while it is open.
    pub variables_editor: Option<VariablesEditor>,
    /// The summary of the import just made, until it is closed.
    pub import_report: Option<ImportReport>,
    /// Values taken from answers (captures), nearest of all variables, until the app
    /// closes. One whose name is a credential's is kept as a secret (its value in
    /// `captured_secrets`).
    pub captured: Vec<Variable>,
    /// The values of captured variables named like credentials (redacted in `Debug`).
    pub captured_secrets: Vec<(String, Secret)>,
}

/// What an import says when it is done: the file read, the folder made, and its summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// The file imported.
    pub file: PathBuf,
    /// The collection's new folder.
    pub dir: PathBuf,
    /// The summary, a line each: the counts, then what was kept differently.
    pub lines: Vec<String>,
}

/// The variables window's copy of the open collection's variables and environments,
/// saved together (files, and secret values into the keyring) or dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VariablesEditor {
    /// The set shown: `None` for the collection's own, `Some(i)` for environment `i`.
    pub showing: Option<usize>,
    /// The collection's variables.
    pub collection: Vec<EditedVariable>,
    /// The environments, in order.
    pub environments: Vec<EditedEnvironment>,
    /// Why the last save was refused.
    pub problem: Option<String>,
}

/// An environment being edited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditedEnvironment {
    /// Its name.
    pub name: String,
    /// Its variables.
    pub variables: Vec<EditedVariable>,
}

/// A variable being edited: a secret one's value is in `secret_value` (redacted in
/// `Debug`), never in `variable.value`. Its `Debug` output gives no value at all: a token
/// may be typed before *Secret* is ticked.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EditedVariable {
    /// The variable.
    pub variable: Variable,
    /// A secret variable's value.
    pub secret_value: Secret,
}

impl std::fmt::Debug for EditedVariable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EditedVariable")
            .field("key", &self.variable.key)
            .field("enabled", &self.variable.enabled)
            .field("secret", &self.variable.secret)
            .field("value", &"[not shown]")
            .finish_non_exhaustive()
    }
}

impl State {
    /// The variables the tab's request sees (without the built-ins, which the caller
    /// adds): its place in the open collection, the collection, the environment in use,
    /// and the secret values of those two. Empty when no collection is open.
    #[must_use]
    pub fn scope_for(&self, tab: &RequestTab) -> VariableScope<'_> {
        let mut scope = VariableScope::default();
        scope.layers.push(&self.captured);
        scope.secrets.extend(
            self.captured_secrets
                .iter()
                .map(|(key, value)| (key.as_str(), value)),
        );
        let Some(open) = &self.collection else {
            return scope;
        };
        let environment = self.environment.as_ref().and_then(|name| {
            open.collection
                .environments
                .iter()
                .find(|e| &e.name == name)
        });
        let at = tab.saved_as.as_ref().map(|s| s.at.as_slice());
        let of = VariableScope::of(&open.collection, at, environment);
        scope.layers.extend(of.layers);
        // The collection's secrets before the environment's, as their layers are.
        for wanted in [None, environment.map(|e| &e.name)] {
            scope.secrets.extend(
                self.secrets
                    .iter()
                    .filter(|(env, _, _)| env.as_ref() == wanted)
                    .map(|(_, key, value)| (key.as_str(), value)),
            );
        }
        scope
    }
}
