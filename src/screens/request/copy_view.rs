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
        let shell_id = egui::Id::unique("curl_shell");
        let mut include_token = ui.data(|d| d.get_temp::<bool>(include_id)).unwrap_or(false);
        let mut shell = ui
            .data(|d| d.get_temp::<Shell>(shell_id))
            .unwrap_or(Shell::Bash);
        if ui
            .small_button("Copy as curl")
            .on_hover_text("The request exactly as the app sends it, as a curl command")
            .clicked()
        {
            commands.push(Command::CopyCurl {
                tab: tab.id,
                include_token,
                shell,
            });
        }
        egui::ComboBox::from_id_salt("curl_shell_choice")
            .selected_text(RichText::new(format!("for {}", shell.label())).small())
            .show_ui(ui, |ui| {
                for choice in Shell::ALL {
                    ui.selectable_value(&mut shell, choice, choice.label());
                }
            })
            .response
            .on_hover_text("The shell the command is written for (PowerShell: 7.3 or later)");
        let language_id = egui::Id::unique("code_language");
        let mut language = ui
            .data(|d| d.get_temp::<CodeLanguage>(language_id))
            .unwrap_or(CodeLanguage::CSharp);
        if ui
            .small_button("Copy as code")
            .on_hover_text("The request exactly as the app sends it, as a program to paste")
            .clicked()
        {
            commands.push(Command::CopyCode {
                tab: tab.id,
                include_token,
                language,
            });
        }
        egui::ComboBox::from_id_salt("code_language_choice")
            .selected_text(RichText::new(format!("in {}", language.label())).small())
            .show_ui(ui, |ui| {
                for choice in CodeLanguage::ALL {
                    ui.selectable_value(&mut language, choice, choice.label());
                }
            })
            .response
            .on_hover_text("The language the code is written in");
        ui.checkbox(&mut include_token, "include token")
            .on_hover_text("Off: the command or code reads the token from SAGE200_TOKEN");
        ui.data_mut(|d| {
            d.insert_temp(include_id, include_token);
            d.insert_temp(shell_id, shell);
            d.insert_temp(language_id, language);
        });
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
