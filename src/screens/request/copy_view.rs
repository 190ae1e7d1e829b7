//! The request builder's copy row: *Copy as curl* for a shell, *Copy as code* in a
//! language, the switch that puts the token in, *Paste curl…*, and the full URL.

use egui::RichText;

use crate::model::{CodeLanguage, Shell};

use super::{Command, RequestTab};

/// "Copy as curl" for the chosen shell, "Copy as code" in the chosen language, their token
/// switch, "Paste curl…" and the full URL.
pub(super) fn curl_and_url(
    ui: &mut egui::Ui,
    tab: &RequestTab,
    url: String,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        let include_id = egui::Id::unique("curl_include_token");
        let mut include_token = ui.data(|d| d.get_temp::<bool>(include_id)).unwrap_or(false);
        let (clicked, shell) = copy_button(
            ui,
            (
                "Copy as curl",
                "The request exactly as the app sends it, as a curl command",
            ),
            (
                "curl_shell_choice",
                "for",
                "The shell the command is written for (PowerShell: 7.3 or later)",
            ),
            Shell::Bash,
            &Shell::ALL,
            Shell::label,
        );
        if clicked {
            commands.push(Command::CopyCurl {
                tab: tab.id,
                include_token,
                shell,
            });
        }
        let (clicked, language) = copy_button(
            ui,
            (
                "Copy as code",
                "The request exactly as the app sends it, as a program to paste",
            ),
            (
                "code_language_choice",
                "in",
                "The language the code is written in",
            ),
            CodeLanguage::CSharp,
            &CodeLanguage::ALL,
            CodeLanguage::label,
        );
        if clicked {
            commands.push(Command::CopyCode {
                tab: tab.id,
                include_token,
                language,
            });
        }
        ui.checkbox(&mut include_token, "include token")
            .on_hover_text("Off: the command or code reads the token from SAGE200_TOKEN");
        ui.data_mut(|d| d.insert_temp(include_id, include_token));
        if ui.small_button("Paste curl…").clicked() {
            ui.data_mut(|d| d.insert_temp(egui::Id::unique("paste_curl"), Some(String::new())));
        }
        ui.add(
            egui::Label::new(RichText::new(url).monospace().small().weak())
                .truncate()
                .selectable(true),
        );
    });
}

/// A copy button and the combo box beside it that chooses what it writes (kept in the
/// UI's memory under the combo's id): `button` is its text and hover, `combo` its id, the
/// word before the choice and its hover. Returns whether the button was clicked, and the
/// choice.
fn copy_button<T>(
    ui: &mut egui::Ui,
    button: (&str, &str),
    combo: (&str, &str, &str),
    first: T,
    all: &[T],
    label: fn(T) -> &'static str,
) -> (bool, T)
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let (salt, word, hover) = combo;
    let id = egui::Id::unique(salt);
    let mut choice = ui.data(|d| d.get_temp::<T>(id)).unwrap_or(first);
    let clicked = ui.small_button(button.0).on_hover_text(button.1).clicked();
    egui::ComboBox::from_id_salt(salt)
        .selected_text(RichText::new(format!("{word} {}", label(choice))).small())
        .show_ui(ui, |ui| {
            for &option in all {
                ui.selectable_value(&mut choice, option, label(option));
            }
        })
        .response
        .on_hover_text(hover);
    ui.data_mut(|d| d.insert_temp(id, choice));
    (clicked, choice)
}
