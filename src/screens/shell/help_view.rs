//! The Help menu and its windows: keyboard shortcuts, where the app keeps its files, and
//! About (version and commit).

use egui::RichText;

use crate::screens::shared::Shared;
use crate::ui::{file_locations::file_locations, shortcuts};

use crate::ui::{SAGE_CREDENTIALS_URL, SAGE_DEVELOPER_URL};

use super::{Command, HelpWindow, State};

/// The Help menu button of the top bar.
pub fn menu(ui: &mut egui::Ui, shared: &Shared, commands: &mut Vec<Command>) {
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
        let log_dir = shared.paths.as_ref().map(|p| p.log_dir.clone());
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
pub fn window(ui: &mut egui::Ui, state: &State, shared: &Shared, commands: &mut Vec<Command>) {
    let Some(which) = state.help else { return };
    let modal = egui::Modal::new(egui::Id::unique(("help", which))).show(ui.ctx(), |ui| {
        match which {
            HelpWindow::Shortcuts => shortcuts_list(ui),
            HelpWindow::Files => files(ui, shared, commands),
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

fn files(ui: &mut egui::Ui, shared: &Shared, commands: &mut Vec<Command>) {
    ui.set_width(620.0);
    ui.heading("Where your files are");
    ui.add_space(8.0);
    if let Some(folder) = file_locations(ui, shared) {
        commands.push(Command::OpenFolder(folder));
    }
}

fn about(ui: &mut egui::Ui) {
    ui.set_width(440.0);
    ui.heading(crate::APP_NAME);
    ui.add_space(4.0);
    let version = format!("Version {}", crate::version_text());
    ui.horizontal(|ui| {
        // A fixed width in monospace: every commit hash (or "unknown") takes the same room,
        // so the layout does not shift from build to build.
        let text = RichText::new(&version).monospace();
        let wide = format!("Version {} (commit 0123456789)", crate::VERSION);
        let width = egui::WidgetText::from(RichText::new(wide).monospace())
            .into_galley(
                ui,
                Some(egui::TextWrapMode::Extend),
                f32::INFINITY,
                egui::TextStyle::Monospace,
            )
            .size()
            .x;
        ui.add_sized(
            [width, ui.text_style_height(&egui::TextStyle::Monospace)],
            egui::Label::new(text).selectable(true),
        );
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
