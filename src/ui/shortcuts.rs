//! Every keyboard shortcut in one table: the screens handle these constants and Help →
//! Keyboard shortcuts lists the same table, so the two cannot drift apart.

use egui::{Key, KeyboardShortcut, Modifiers};

/// Send the request of the open tab.
pub const SEND: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
/// Save the open tab's request into the open collection.
pub const SAVE_REQUEST: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
/// Save the open tab's answer to a file.
pub const SAVE_ANSWER: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);
/// Find in the open tab's answer.
pub const FIND: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
/// Open the list of keyboard shortcuts.
pub const HELP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F1);
/// Close the app (state and window are saved).
pub const QUIT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);
/// Run a quick search (in its field).
pub const SEARCH: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Enter);
/// Close a dialog or menu.
pub const CLOSE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Escape);

/// Back to the record or list before (drill-down), as in a web browser. The mouse's back
/// button does the same.
pub const BACK: KeyboardShortcut = KeyboardShortcut::new(Modifiers::ALT, Key::ArrowLeft);
/// Forward again (drill-down). The mouse's forward button does the same.
pub const FORWARD: KeyboardShortcut = KeyboardShortcut::new(Modifiers::ALT, Key::ArrowRight);

/// Select every cell of a records table (when it has the keyboard).
pub const SELECT_ALL: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::A);
/// Copy the selected cells as tab-separated text, which pastes into Excel or Calc as cells.
pub const COPY_CELLS: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::C);
/// Open the row with the keyboard's cursor in the detail pane.
pub const OPEN_ROW: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Enter);
/// Extend the selection of cells (with the arrows, Page Up/Down, Home and End).
pub const EXTEND: KeyboardShortcut = KeyboardShortcut::new(Modifiers::SHIFT, Key::ArrowDown);

/// Consumes `shortcut` when it was pressed with exactly its Shift: egui matches Ctrl+S on
/// Ctrl+Shift+S too, so shortcuts that differ only by Shift (saving the request, saving
/// the answer) are told apart here.
pub fn consume_exact(input: &mut egui::InputState, shortcut: KeyboardShortcut) -> bool {
    input.modifiers.shift == shortcut.modifiers.shift && input.consume_shortcut(&shortcut)
}

/// What each shortcut does and where, in the order Help lists them.
pub const ALL: [(KeyboardShortcut, &str, &str); 14] = [
    (SEND, "Send the request", "Request builder"),
    (
        SAVE_REQUEST,
        "Save the request in the open collection",
        "Request builder",
    ),
    (SAVE_ANSWER, "Save the answer to a file", "Request builder"),
    (FIND, "Find in the answer", "Request builder"),
    (SEARCH, "Run the quick search", "Browse, Customers"),
    (
        BACK,
        "Back to where a link was followed from (or the mouse's back button)",
        "Browse",
    ),
    (
        FORWARD,
        "Forward again (or the mouse's forward button)",
        "Browse",
    ),
    (
        EXTEND,
        "Select cells: arrows move, Shift extends (also Page Up/Down, Home, End)",
        "Records table",
    ),
    (SELECT_ALL, "Select every cell", "Records table"),
    (
        COPY_CELLS,
        "Copy the selected cells (pastes into Excel or Calc as cells)",
        "Records table",
    ),
    (OPEN_ROW, "Open the row in the detail pane", "Records table"),
    (CLOSE, "Close a dialog or menu", "Anywhere"),
    (HELP, "Show these shortcuts", "Anywhere"),
    (QUIT, "Quit", "Anywhere"),
];
