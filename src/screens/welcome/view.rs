//! The first-run welcome: try the built-in demo, or enter the client id Sage issued and
//! sign in. Closed, it waits in the Help menu.

use egui::RichText;

use crate::model::Edition;
use crate::screens::shared::Shared;
use crate::ui::{SAGE_CREDENTIALS_URL, theme};

use super::{Command, State, WelcomeView, client_id_problem};

/// What the user has typed, kept in egui's memory until they choose.
#[derive(Clone, Default)]
struct Typed {
    client_id: String,
    standard: bool,
}

/// The welcome, while the user has not answered or closed it.
pub fn show(ui: &mut egui::Ui, state: &State, shared: &Shared, commands: &mut Vec<Command>) {
    if state.done {
        return;
    }
    let typed_id = egui::Id::unique("welcome_typed");
    let mut typed: Typed = ui.data(|d| d.get_temp(typed_id)).unwrap_or_default();
    let modal = egui::Modal::new(egui::Id::unique("welcome")).show(ui.ctx(), |ui| {
        ui.set_width(720.0);
        ui.heading(format!("Welcome to {}", crate::APP_NAME));
        ui.add_space(4.0);
        ui.label("Browse your Sage 200 records as fast tables, create customers, and send requests to any endpoint of the Sage 200 API.");
        ui.add_space(12.0);
        ui.columns(2, |columns| {
            card(&mut columns[0], |ui| demo_card(ui, state, shared, commands));
            card(&mut columns[1], |ui| sage_card(ui, state, &mut typed, commands));
        });
        if let WelcomeView::Failed(problem) = &state.view {
            ui.add_space(8.0);
            ui.colored_label(theme::error_color(ui), &problem.message);
            if !problem.advice.is_empty() {
                ui.label(RichText::new(&problem.advice).weak());
            }
        }
        ui.add_space(12.0);
        ui.horizontal(|ui| {
            if ui.button("Not now").clicked() {
                commands.push(Command::Dismiss);
            }
            ui.label(RichText::new("You can open this welcome again from the Help menu.").weak());
        });
    });
    if modal.should_close() {
        commands.push(Command::Dismiss);
    }
    ui.data_mut(|d| d.insert_temp(typed_id, typed));
}

fn card(ui: &mut egui::Ui, content: impl FnOnce(&mut egui::Ui)) {
    egui::Frame::group(ui.style())
        .inner_margin(12.0)
        .corner_radius(6.0)
        .show(ui, |ui| {
            ui.set_min_height(250.0);
            ui.set_width(ui.available_width());
            // Columns lay out justified; text and buttons read better left-aligned.
            ui.with_layout(egui::Layout::top_down(egui::Align::Min), content);
        });
}

/// The main action of a card: filled with the accent colour.
fn primary_button<'a>(ui: &egui::Ui, label: &'a str) -> egui::Button<'a> {
    let visuals = &ui.visuals().selection;
    egui::Button::new(RichText::new(label).strong().color(visuals.stroke.color))
        .fill(visuals.bg_fill)
        .min_size(egui::vec2(150.0, 30.0))
}

fn demo_card(ui: &mut egui::Ui, state: &State, shared: &Shared, commands: &mut Vec<Command>) {
    ui.label(RichText::new("Explore with demo data").strong().size(16.0));
    ui.add_space(6.0);
    let running = shared.server_url.is_some();
    ui.label(
        "A simulator of Sage ID and the Sage 200 API runs inside the app: two sites, three companies and 2,000 customers to browse, edit and add to. Nothing leaves this computer.",
    );
    ui.add_space(4.0);
    ui.label(
        RichText::new("Signing in opens the demo's consent page in your browser: choose Allow.")
            .weak(),
    );
    ui.add_space(10.0);
    if state.view == WelcomeView::StartingDemo {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Starting the demo server…");
        });
    } else {
        let label = if running {
            "Sign in to the demo"
        } else {
            "Try the demo"
        };
        if ui.add(primary_button(ui, label)).clicked() {
            commands.push(Command::TryDemo);
        }
    }
}

fn sage_card(ui: &mut egui::Ui, state: &State, typed: &mut Typed, commands: &mut Vec<Command>) {
    ui.label(RichText::new("Use your Sage 200").strong().size(16.0));
    ui.add_space(6.0);
    ui.label("Sage issues a client id for desktop apps. Register the redirect URI http://127.0.0.1/callback with it (if Sage wants an exact port, set the same one later in the profile, under Settings).");
    ui.hyperlink_to("How Sage issues credentials", SAGE_CREDENTIALS_URL);
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        ui.radio_value(&mut typed.standard, false, "Professional");
        ui.radio_value(&mut typed.standard, true, "Standard");
    });
    let label = ui.label("Client id");
    ui.add(
        egui::TextEdit::singleline(&mut typed.client_id)
            .hint_text("from Sage")
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    let problem = client_id_problem(&typed.client_id);
    if let Some(problem) = problem.filter(|_| !typed.client_id.is_empty()) {
        ui.colored_label(theme::error_color(ui), problem);
    }
    ui.add_space(8.0);
    let busy = state.view == WelcomeView::StartingDemo;
    if ui
        .add_enabled(
            problem.is_none() && !busy,
            primary_button(ui, "Save and sign in"),
        )
        .clicked()
    {
        commands.push(Command::UseSage {
            edition: if typed.standard {
                Edition::Standard
            } else {
                Edition::Professional
            },
            client_id: typed.client_id.clone(),
        });
    }
}
