//! Where the app keeps its files and secrets, with buttons that open the folders: one
//! drawing that Help → Where your files are and Settings both show.

use std::path::PathBuf;

use egui::RichText;

use crate::screens::shared::{KeyringView, Shared};

/// Every file the app keeps, where tokens and secrets go, and buttons that open the
/// folders: the Help window and Settings both show this. Returns the folder the user
/// asked to open, if any.
pub fn file_locations(ui: &mut egui::Ui, shared: &Shared) -> Option<PathBuf> {
    let mut open = None;
    egui::Grid::new("file_locations")
        .num_columns(2)
        .spacing([14.0, 6.0])
        .show(ui, |ui| {
            if let Some(paths) = &shared.paths {
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
            match &shared.keyring {
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
    let Some(paths) = &shared.paths else {
        ui.label(RichText::new("This run keeps nothing on disk.").weak());
        return None;
    };
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("Open the data folder").clicked() {
            open = Some(paths.data_dir.clone());
        }
        if ui.button("Open the log folder").clicked() {
            open = Some(paths.log_dir.clone());
        }
    });
    ui.label(
        RichText::new(
            "Start with --data-dir DIR (or SAGE200_DESK_DATA_DIR) to keep them elsewhere.",
        )
        .weak(),
    );
    open
}
