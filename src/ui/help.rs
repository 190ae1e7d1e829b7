//! The Help menu and its windows: keyboard shortcuts, where the app keeps its files, and
//! About (version and commit).

use egui::RichText;

use crate::app::{AppState, Command, HelpWindow, KeyringView};

use super::shortcuts;

/// Sage's getting-started page: developer registration, subscription keys, client ids.
pub const SAGE_CREDENTIALS_URL: &str = "https://developer.sage.com/200/api/get-started/";
/// Sage's developer pages for Sage 200 (guides and the API reference).
pub const SAGE_DEVELOPER_URL: &str = "https://developer.sage.com/200/";

/// The Help menu button of the top bar.
pub fn menu(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    ui.menu_button("Help", |ui| {
        if ui.button("Welcome…").clicked() {
            commands.push(Command::ShowWelcome);
        }
        let shortcut_text = ui.ctx().format_shortcut(&shortcuts::HELP);
        if ui
            .add(egui::Button::new("Keyboard shortcuts").shortcut_text(shortcut_text))
            .clicked()
        {
            commands.push(Command::ShowHelp(HelpWindow::Shortcuts));
        }
        if ui.button("Where your files are").clicked() {
            commands.push(Command::ShowHelp(HelpWindow::Files));
        }
        let log_dir = state.paths.as_ref().map(|p| p.log_dir.clone());
        if ui
            .add_enabled(log_dir.is_some(), egui::Button::new("Open the log folder"))
            .clicked()
            && let Some(dir) = log_dir
        {
            commands.push(Command::OpenFolder(dir));
        }
        ui.separator();
        ui.hyperlink_to("Sage 200 developer pages", SAGE_DEVELOPER_URL);
        ui.hyperlink_to("Getting Sage 200 API credentials", SAGE_CREDENTIALS_URL);
        ui.separator();
        if ui.button(format!("About {}", crate::APP_NAME)).clicked() {
            commands.push(Command::ShowHelp(HelpWindow::About));
        }
    });
}

/// The open Help window, if any.
pub fn window(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    let Some(which) = state.help else { return };
    let modal = egui::Modal::new(egui::Id::unique(("help", which))).show(ui.ctx(), |ui| {
        match which {
            HelpWindow::Shortcuts => shortcuts_list(ui),
            HelpWindow::Files => files(ui, state, commands),
            HelpWindow::About => about(ui),
        }
        ui.add_space(10.0);
        if ui.button("Close").clicked() {
            commands.push(Command::CloseHelp);
        }
    });
    if modal.should_close() {
        commands.push(Command::CloseHelp);
    }
}

fn shortcuts_list(ui: &mut egui::Ui) {
    ui.heading("Keyboard shortcuts");
    ui.add_space(8.0);
    egui::Grid::new("shortcuts")
        .num_columns(3)
        .striped(true)
        .spacing([18.0, 6.0])
        .show(ui, |ui| {
            for (shortcut, what, place) in shortcuts::ALL {
                ui.label(RichText::new(ui.ctx().format_shortcut(&shortcut)).monospace());
                ui.label(what);
                ui.label(RichText::new(place).weak());
                ui.end_row();
            }
        });
}

fn files(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    ui.set_width(620.0);
    ui.heading("Where your files are");
    ui.add_space(8.0);
    file_locations(ui, state, commands);
}

/// Every file the app keeps, where tokens and secrets go, and buttons that open the
/// folders: the Help window and Settings both show this.
pub fn file_locations(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    egui::Grid::new("file_locations")
        .num_columns(2)
        .spacing([14.0, 6.0])
        .show(ui, |ui| {
            if let Some(paths) = &state.paths {
                let rows = [
                    ("Data folder", paths.data_dir.clone()),
                    ("Window, screens, profiles, drafts", paths.ui_state_file()),
                    ("History of sent requests", paths.history_file()),
                    ("Log", paths.log_file()),
                    ("Demo server's records", paths.demo_state_file()),
                ];
                for (what, path) in rows {
                    ui.label(what);
                    ui.add(
                        egui::Label::new(RichText::new(path.display().to_string()).monospace())
                            .selectable(true),
                    );
                    ui.end_row();
                }
            }
            ui.label("Tokens and client secrets");
            match &state.keyring {
                KeyringView::Available => {
                    ui.label(
                        "Only in the system keyring (service \"sage200-desk\"), never in a file.",
                    );
                }
                KeyringView::Unknown => {
                    ui.label("Checking the system keyring…");
                }
                KeyringView::Unavailable(reason) => {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!(
                            "No system keyring ({reason}): kept in memory for this run only, never in a file."
                        ),
                    );
                }
            }
            ui.end_row();
        });
    let Some(paths) = &state.paths else {
        ui.label(RichText::new("This run keeps nothing on disk.").weak());
        return;
    };
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("Open the data folder").clicked() {
            commands.push(Command::OpenFolder(paths.data_dir.clone()));
        }
        if ui.button("Open the log folder").clicked() {
            commands.push(Command::OpenFolder(paths.log_dir.clone()));
        }
    });
    ui.label(
        RichText::new(
            "Start with --data-dir DIR (or SAGE200_DESK_DATA_DIR) to keep them elsewhere.",
        )
        .weak(),
    );
}

fn about(ui: &mut egui::Ui) {
    ui.set_width(440.0);
    ui.heading(crate::APP_NAME);
    ui.add_space(4.0);
    let version = format!("Version {}", crate::version_text());
    ui.horizontal(|ui| {
        // Monospace: every commit hash takes the same width, so the layout does not shift.
        ui.add(egui::Label::new(RichText::new(&version).monospace()).selectable(true));
        if ui
            .small_button("Copy")
            .on_hover_text("Copy the version, for a bug report")
            .clicked()
        {
            ui.ctx()
                .copy_text(format!("{} {}", crate::APP_NAME, crate::version_text()));
        }
    });
    ui.add_space(6.0);
    ui.label("A desktop client for the Sage 200 accounting API (Sage 200 Standard and Professional, UK), with a built-in simulator of Sage ID and the API.");
    ui.add_space(6.0);
    ui.label(RichText::new("Licence: MIT or Apache-2.0").weak());
    ui.label(
        RichText::new("Written in Rust with egui and eframe; connections secured by rustls.")
            .weak(),
    );
    ui.label(
        RichText::new(
            "Not made or endorsed by Sage. Sage and Sage 200 are trademarks of The Sage Group plc.",
        )
        .weak(),
    );
}
