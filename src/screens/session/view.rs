//! What sign-in draws outside the top bar: the dialog while the user signs in in the
//! browser, and the bar above the screen when a sign-in was lost.

use egui::RichText;

use crate::screens::shared::{AuthView, LAPSE_WARNING, Shared};

use super::Command;

/// The window shown while the user signs in in the browser.
pub fn sign_in_dialog(ui: &mut egui::Ui, shared: &Shared, commands: &mut Vec<Command>) {
    let url = match &shared.auth {
        AuthView::Waiting { url } => url.as_str(),
        AuthView::Finishing => "",
        _ => return,
    };
    egui::Modal::new(egui::Id::unique("sign_in_dialog")).show(ui.ctx(), |ui| {
        ui.set_width(460.0);
        ui.heading("Waiting for you in the browser…");
        ui.add_space(6.0);
        if url.is_empty() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Finishing sign-in…");
            });
        } else {
            ui.label("Finish signing in to Sage in your browser. If no browser opened, copy this address into one:");
            ui.add_space(4.0);
            egui::ScrollArea::vertical().max_height(90.0).show(ui, |ui| {
                ui.add(egui::Label::new(RichText::new(url).monospace().small()).wrap().selectable(true));
            });
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if !url.is_empty() && ui.button("Copy address").clicked() {
                ui.ctx().copy_text(url.to_owned());
            }
            if ui.button("Cancel").clicked() {
                commands.push(Command::CancelSignIn);
            }
        });
    });
}

/// A bar above the screen when a sign-in was lost, or lapses within a week.
pub fn notices(ui: &mut egui::Ui, shared: &Shared, commands: &mut Vec<Command>) {
    if let AuthView::SignedIn {
        lapses_at: Some(at),
        ..
    } = &shared.auth
    {
        let left = at
            .duration_since(std::time::SystemTime::now())
            .unwrap_or_default();
        if left <= LAPSE_WARNING {
            let local: chrono::DateTime<chrono::Local> = (*at).into();
            let days = left.as_secs().div_ceil(86_400);
            let when = match days {
                0 => "now".to_owned(),
                1 => "within a day".to_owned(),
                n => format!("in {n} days"),
            };
            banner(ui, |ui| {
                ui.label(format!(
                    "Your sign-in lapses {when} (on {}): sign in again in the browser before then, or integrations using it stop.",
                    local.format("%Y-%m-%d %H:%M")
                ));
                if ui.button("Sign in again now").clicked() {
                    commands.push(Command::SignIn);
                }
            });
        }
    }
    if let AuthView::SignedOut {
        notice: Some(notice),
    } = &shared.auth
    {
        banner(ui, |ui| {
            ui.label(notice);
            if ui.button("Sign in again").clicked() {
                commands.push(Command::SignIn);
            }
        });
    }
}

/// A warning bar above the screen.
fn banner(ui: &mut egui::Ui, content: impl FnOnce(&mut egui::Ui)) {
    egui::Frame::new()
        .fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
        .inner_margin(8.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.horizontal_wrapped(content);
        });
    ui.add_space(8.0);
}
