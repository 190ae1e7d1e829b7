//! Browse: any list resource as a table, a page at a time from the server, with a detail
//! pane for the selected record. The screen is one [`records::List`]; what it can be asked
//! to do is what a records list can.

mod update;
pub mod view;

pub use update::Browse;

use crate::screens::records;

/// What the Browse screen is asked to do: a records list's commands.
pub type Command = records::Command;
