//! What the UI asks the app to do: one variant per screen, each wrapping that screen's own
//! command enum. Views push their screen's commands; the app wraps and routes them.

use crate::screens::{
    browse, company, customers, history, reports, request, session, settings, shell, welcome,
};

/// One intent, addressed to the screen that handles it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// The frame: navigation, theme, server check, Help, folders, quit.
    Shell(shell::Command),
    /// Sign-in and the profile in use.
    Session(session::Command),
    /// The site and company picker.
    Company(company::Command),
    /// The Browse screen's records list.
    Browse(browse::Command),
    /// The Customers screen: its list and its form.
    Customers(customers::Command),
    /// The request builder.
    Request(request::Command),
    /// The history.
    History(history::Command),
    /// Settings.
    Settings(settings::Command),
    /// The first-run welcome.
    Welcome(welcome::Command),
    /// The Reports screen.
    Reports(reports::Command),
}

macro_rules! wraps {
    ($($variant:ident($screen:ident)),* $(,)?) => {
        $(impl From<$screen::Command> for Command {
            fn from(command: $screen::Command) -> Self {
                Self::$variant(command)
            }
        })*
    };
}

wraps!(
    Shell(shell),
    Session(session),
    Company(company),
    Browse(browse),
    Customers(customers),
    Request(request),
    History(history),
    Settings(settings),
    Welcome(welcome),
    Reports(reports),
);
