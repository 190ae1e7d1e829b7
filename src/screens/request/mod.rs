//! The request builder: tabs of requests to any endpoint (method, path with completion,
//! `OData` options, parameters, headers, JSON body), sent on the runtime, and the answer as
//! a table, a tree, raw text or headers; curl in and out; saving an answer to a file.

mod answer_view;
mod capture_view;
mod collection_dialogs_view;
mod collection_io;
mod collection_view;
mod collections;
mod copy_view;
mod curl;
mod marks_view;
mod sending;
mod state;
mod update;
mod variables;
mod variables_view;
pub mod view;
mod watching;

pub use curl::{code_for, curl_command};
pub use sending::{Arrival, build_request, send};
pub use state::{
    Arriving, CollectionPlaces, EditedEnvironment, EditedVariable, ImportReport, OpenCollection,
    RequestTab, SavedAs, State, VariablesEditor,
};
pub use update::RequestBuilder;

use std::path::PathBuf;

use crate::model::{ExportFormat, RequestDraft, Shell};

/// What the request builder is asked to do. Tabs are named by their stable id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Open a new, empty tab.
    NewTab,
    /// Close a tab.
    CloseTab(u64),
    /// Show a tab.
    SelectTab(u64),
    /// The user changed a tab's draft.
    UpdateDraft(u64, Box<RequestDraft>),
    /// Send a tab's request.
    SendRequest(u64),
    /// Stop waiting for a tab's answer.
    CancelRequest(u64),
    /// Fill a tab's body with a template: from `x_new` when the resource has one, else from
    /// the catalogue's fields.
    InsertTemplate(u64),
    /// Fetch every page of a tab's list request into one table.
    FetchAllPages(u64),
    /// Copy a tab's request as a curl command (the token only when asked for).
    CopyCurl {
        /// The tab.
        tab: u64,
        /// Put the real access token in the command instead of the shell's variable.
        include_token: bool,
        /// The shell the command is written for.
        shell: Shell,
    },
    /// Copy a tab's request as a program in a language (the token only when asked for).
    CopyCode {
        /// The tab.
        tab: u64,
        /// Put the real access token in the code instead of reading `SAGE200_TOKEN`.
        include_token: bool,
        /// The language.
        language: crate::model::CodeLanguage,
    },
    /// Open a collection's folder beside the tabs (`None`: pick it in the folder dialog).
    /// A new or empty folder becomes a new collection when a request is first saved in it.
    OpenCollection(Option<PathBuf>),
    /// Close the collection (tabs opened from it stay, as unsaved drafts).
    CloseCollection,
    /// Open the collection's request at this place (indexes, folder by folder) in a tab.
    OpenSaved(Vec<usize>),
    /// Save a tab's request into the open collection: where it came from, or as a new
    /// request at the top.
    SaveRequest(u64),
    /// Change the open collection's tree (rename, duplicate, delete, move, new folder) and
    /// write its folder; the tabs showing its requests follow them.
    ChangeTree(crate::model::TreeChange),
    /// Save a tab's request as a new request named `name` at the end of a folder
    /// (`[]`: the top of the collection); the tab then shows that one.
    SaveRequestAs {
        /// The tab.
        tab: u64,
        /// The folder, by its place.
        folder: Vec<usize>,
        /// The new request's name.
        name: String,
    },
    /// Import a Postman collection (v2.0, v2.1) or an `OpenAPI` file into a folder and open
    /// it, showing what the import kept differently (`None`: pick them in the dialogs). A
    /// folder that is not empty gets a new folder inside it, named after the file.
    ImportCollection {
        /// The file.
        file: Option<PathBuf>,
        /// The folder.
        dir: Option<PathBuf>,
    },
    /// Export the open collection as a Postman v2.1 file (`None`: pick it in the dialog).
    ExportCollection(Option<PathBuf>),
    /// Close the import's summary.
    CloseImportReport,
    /// Take a value of each answer of a tab's request into a variable (a capture of the
    /// same variable is replaced); it is taken from the answer shown at once.
    AddCapture {
        /// The tab.
        tab: u64,
        /// The variable and the value's JSON path.
        capture: crate::model::Capture,
    },
    /// Use the open collection's environment of this name (`None`: no environment).
    SelectEnvironment(Option<String>),
    /// Open the variables window on the open collection's variables and environments.
    OpenVariables,
    /// The user changed something in the variables window.
    EditVariables(Box<VariablesEditor>),
    /// Save the variables window: the collection's files, and secret values into the
    /// keyring.
    SaveVariables,
    /// Close the variables window without saving.
    CloseVariables,
    /// Hide the notes a pasted command left on a tab.
    DismissNotes(u64),
    /// Sort a tab's answer table by a column (computed off the UI thread).
    SortAnswer {
        /// The tab.
        tab: u64,
        /// The column.
        column: usize,
        /// Largest first.
        descending: bool,
    },
    /// Find text in a tab's answer (computed off the UI thread); empty clears the search.
    SearchAnswer {
        /// The tab.
        tab: u64,
        /// What to find.
        text: String,
    },
    /// Save a tab's answer to a file: the given one, or one chosen in the save dialog
    /// (the format follows the file's extension).
    SaveAnswer {
        /// The tab.
        tab: u64,
        /// The file, or `None` to ask the user.
        path: Option<PathBuf>,
        /// The format, or `None` to follow the file's extension.
        format: Option<ExportFormat>,
    },
    /// Hide these columns of a tab's answer table (by name; kept across restarts).
    HideColumns {
        /// The tab.
        tab: u64,
        /// The names of the hidden columns.
        hidden: Vec<String>,
    },
    /// Open a new tab from a pasted curl command (bash, cmd or PowerShell).
    ImportCurl(String),
    /// Open a draft in a new tab and show it (from the history).
    Open(Box<RequestDraft>),
}
