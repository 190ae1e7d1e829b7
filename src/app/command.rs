//! What the UI asks the app to do. Views never do I/O: they push a [`Command`] and the app
//! turns it into state changes and background tasks.

use std::path::PathBuf;

use crate::model::{Profile, RequestDraft, Secret};

use super::state::{BrowseQuery, CompanyChoice, HelpWindow, ListView, Screen, ThemeChoice};

/// One intent from the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Open a screen.
    Navigate(Screen),
    /// Change the theme.
    SetTheme(ThemeChoice),
    /// Check that the current server answers.
    CheckServer,
    /// Hide the error in the status bar.
    DismissError,
    /// Sign in through the system browser.
    SignIn,
    /// Stop waiting for the browser.
    CancelSignIn,
    /// Sign out and forget the tokens.
    SignOut,
    /// Switch to another profile.
    SelectProfile(String),
    /// Add or replace a profile (`original` is its name before the edit; empty when new).
    SaveProfile {
        /// The name before editing.
        original: String,
        /// The edited profile.
        profile: Box<Profile>,
    },
    /// Remove a profile and its keyring entries.
    DeleteProfile(String),
    /// Keep a client secret for a profile in the OS keyring.
    SaveClientSecret {
        /// The profile's name.
        profile: String,
        /// The secret.
        secret: Secret,
    },
    /// Remove a profile's client secret from the keyring.
    ForgetClientSecret(String),
    /// Open a folder in the system's file manager.
    OpenFolder(PathBuf),
    /// Show the site and company picker.
    OpenCompanyPicker,
    /// Hide it.
    CloseCompanyPicker,
    /// Fetch the sites again.
    ReloadSites,
    /// Work with this company from now on.
    ChooseCompany(CompanyChoice),
    /// Add an `OpenAPI` 3 file to the endpoint catalogue: the given one, or one the user picks
    /// in the system's file dialog.
    ImportOpenApi(Option<PathBuf>),
    /// Open a new request tab.
    NewTab,
    /// Close a request tab.
    CloseTab(u64),
    /// Show a request tab.
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
        /// Put the real access token in the command instead of `$SAGE200_TOKEN`.
        include_token: bool,
    },
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
    /// Open the new-customer form (the saved draft, when there is one).
    NewCustomer,
    /// Open the form on an existing customer.
    EditCustomer(Box<serde_json::Value>),
    /// The form's draft changed.
    UpdateCustomerDraft(Box<crate::model::CustomerDraft>),
    /// Look the draft's reference up (is it taken?).
    CheckCustomerReference,
    /// Create or update the customer from the form.
    SaveCustomer,
    /// Close the form, keeping the draft for later.
    CloseCustomerForm,
    /// Close the form and forget the draft.
    DiscardCustomerDraft,
    /// Ask to confirm deleting a customer (id, name).
    AskDeleteCustomer(i64, String),
    /// Do not delete after all.
    CancelDeleteCustomer,
    /// Delete a customer (id, name), confirmed.
    DeleteCustomer(i64, String),
    /// Show a page of a list resource in a records list.
    Browse(ListView, Box<BrowseQuery>),
    /// Open a row of a records list in its detail pane (`None` closes it).
    SelectRecord(ListView, Option<usize>),
    /// Fetch every record matching a list's query into its table.
    FetchAllRecords(ListView),
    /// Stop fetching every record.
    CancelFetchAllRecords(ListView),
    /// Export a list's records: those shown, or every matching one.
    ExportRecords {
        /// The list.
        view: ListView,
        /// Every matching record (fetched first), not only those shown.
        everything: bool,
        /// The file, or `None` to ask the user.
        path: Option<PathBuf>,
        /// CSV or Excel.
        format: crate::export::ExportFormat,
    },
    /// Show the first-run welcome again (from the Help menu).
    ShowWelcome,
    /// Close the welcome without choosing (it stays in the Help menu).
    DismissWelcome,
    /// Start the built-in demo server in this run (when not started with `--demo`), switch
    /// to it and sign in; with `--demo`, sign in to it.
    TryDemo,
    /// Use Sage 200 with the client id Sage issued: save it in the edition's profile and
    /// sign in.
    UseSage {
        /// Professional or Standard.
        edition: crate::model::Edition,
        /// The client id, as typed.
        client_id: String,
    },
    /// Open a Help window.
    ShowHelp(HelpWindow),
    /// Close the Help window.
    CloseHelp,
    /// Close the app, saving its state and window.
    Quit,
    /// Open a new tab from a pasted curl command.
    ImportCurl(String),
    /// Open a request from the history in a new tab.
    OpenFromHistory(usize),
    /// Save a tab's answer to a file: the given one, or one chosen in the save dialog
    /// (the format follows the file's extension).
    SaveAnswer {
        /// The tab.
        tab: u64,
        /// The file, or `None` to ask the user.
        path: Option<PathBuf>,
        /// The format, or `None` to follow the file's extension.
        format: Option<crate::export::ExportFormat>,
    },
}
