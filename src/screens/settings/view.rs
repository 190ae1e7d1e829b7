//! Settings: appearance, sign-in profiles (with their client secret kept in the keyring),
//! and where the app keeps its files.

use egui::RichText;

use crate::model::{
    Edition, Profile, ProfileField, RedirectHost, RedirectSettings, Secret, parse_port,
};
use crate::screens::shared::{KeyringView, Shared, ThemeChoice};

use crate::ui::{file_locations::file_locations, theme};

use super::{Command, State};

/// What the settings screen draws from: its own state and the state every screen shares.
#[derive(Clone, Copy)]
struct Input<'a> {
    own: &'a State,
    shared: &'a Shared,
}

/// The profile being edited: text fields as typed, turned into a `Profile` on save.
/// Kept in egui's temporary (never persisted) memory, so a half-typed secret is never saved.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    original: String,
    name: String,
    edition: usize,
    custom_url: String,
    client_id: String,
    client_secret: String,
    authorize_url: String,
    token_url: String,
    revoke_url: String,
    audience: String,
    scopes: String,
    /// Extra authorize parameters as a query string: `prompt=consent&resource=…`.
    authorize_params: String,
    issuer: String,
    /// Days a browser sign-in lasts, as typed (empty: unknown).
    lifetime_days: String,
    host: RedirectHost,
    port: String,
    path: String,
    headers: Vec<(String, String)>,
}

impl Draft {
    fn of(profile: &Profile) -> Self {
        let (edition, custom_url) = match &profile.edition {
            Edition::Professional => (0, String::new()),
            Edition::Standard => (1, String::new()),
            Edition::Custom(url) => (2, url.clone()),
        };
        Self {
            original: profile.name.clone(),
            name: profile.name.clone(),
            edition,
            custom_url,
            client_id: profile.client_id.clone(),
            client_secret: String::new(),
            authorize_url: profile.authorize_url.clone(),
            token_url: profile.token_url.clone(),
            revoke_url: profile.revoke_url.clone().unwrap_or_default(),
            audience: profile.audience.clone(),
            scopes: profile.scopes.join(" "),
            authorize_params: url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&profile.authorize_params)
                .finish(),
            issuer: profile.issuer.clone().unwrap_or_default(),
            lifetime_days: profile
                .sign_in_lifetime_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
            host: profile.redirect.host,
            port: profile
                .redirect
                .port
                .map(|p| p.to_string())
                .unwrap_or_default(),
            path: profile.redirect.path.clone(),
            headers: profile.extra_headers.clone(),
        }
    }

    /// The sign-in lifetime as typed: a whole number of days, or none; `Err` says why not.
    fn lifetime(&self) -> Result<Option<u32>, &'static str> {
        let days = self.lifetime_days.trim();
        if days.is_empty() {
            return Ok(None);
        }
        days.parse::<u32>()
            .ok()
            .filter(|d| *d > 0)
            .map(Some)
            .ok_or("Give a whole number of days, or leave it empty.")
    }

    /// The profile as typed, or why the port cannot be read.
    fn to_profile(&self, base: &Profile) -> (Profile, Option<String>) {
        let (port, port_problem) = match parse_port(&self.port) {
            Ok(port) => (port, None),
            Err(problem) => (None, Some(problem)),
        };
        let profile = Profile {
            name: self.name.trim().to_owned(),
            edition: match self.edition {
                0 => Edition::Professional,
                1 => Edition::Standard,
                _ => Edition::Custom(self.custom_url.trim().to_owned()),
            },
            client_id: self.client_id.trim().to_owned(),
            authorize_url: self.authorize_url.trim().to_owned(),
            token_url: self.token_url.trim().to_owned(),
            revoke_url: Some(self.revoke_url.trim().to_owned()).filter(|u| !u.is_empty()),
            audience: self.audience.trim().to_owned(),
            scopes: self.scopes.split_whitespace().map(str::to_owned).collect(),
            authorize_params: url::form_urlencoded::parse(self.authorize_params.trim().as_bytes())
                .into_owned()
                .filter(|(name, _)| !name.trim().is_empty())
                .collect(),
            issuer: Some(self.issuer.trim().to_owned()).filter(|i| !i.is_empty()),
            // Not a whole number of days: unknown (the field says so as it is typed).
            sign_in_lifetime_days: self.lifetime().ok().flatten(),
            redirect: RedirectSettings {
                host: self.host,
                port,
                path: self.path.trim().to_owned(),
            },
            extra_headers: self
                .headers
                .iter()
                .filter(|(k, v)| !(k.trim().is_empty() && v.trim().is_empty()))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect(),
            ..base.clone()
        };
        (profile, port_problem)
    }
}

fn draft_id() -> egui::Id {
    egui::Id::unique("settings_profile_draft")
}

/// Draws the settings screen.
pub fn show(ui: &mut egui::Ui, own: &State, shared: &Shared, commands: &mut Vec<Command>) {
    let state = &Input { own, shared };
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.heading("Settings");
            ui.add_space(8.0);
            ui.label(RichText::new("Appearance").strong());
            ui.horizontal(|ui| {
                for choice in ThemeChoice::ALL {
                    if ui
                        .radio(state.shared.theme == choice, choice.label())
                        .clicked()
                    {
                        commands.push(Command::SetTheme(choice));
                    }
                }
            });
            ui.add_space(14.0);
            profiles(ui, state, commands);
            ui.add_space(14.0);
            catalogue(ui, state, commands);
            ui.add_space(14.0);
            locations(ui, state, commands);
        });
}

fn profiles(ui: &mut egui::Ui, state: &Input<'_>, commands: &mut Vec<Command>) {
    ui.label(RichText::new("Profiles").strong());
    ui.label(
        RichText::new(
            "A profile says which Sage ID and which Sage 200 API to use. Sage issues a client id per application; add yours here.",
        )
        .weak(),
    );
    if let Some(notice) = &state.own.notice {
        ui.colored_label(theme::ok_color(ui), notice);
    }
    ui.add_space(4.0);
    let stored: Option<Draft> = ui
        .data(|d| d.get_temp::<Option<Draft>>(draft_id()))
        .flatten();
    let mut draft = stored.filter(|d| {
        d.original.is_empty() || state.shared.profiles.iter().any(|p| p.name == d.original)
    });
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(190.0);
            for profile in &state.shared.profiles {
                let editing = draft.as_ref().is_some_and(|d| d.original == profile.name);
                let mut label = profile.name.clone();
                if profile.name == state.shared.profile {
                    label.push_str("  (in use)");
                }
                if ui.selectable_label(editing, label).clicked() {
                    draft = Some(Draft::of(profile));
                }
            }
            ui.add_space(4.0);
            if ui.button("Add profile").clicked() {
                let mut fresh = Draft::of(&Profile::sage_professional());
                fresh.original = String::new();
                "New profile".clone_into(&mut fresh.name);
                draft = Some(fresh);
            }
        });
        ui.separator();
        ui.vertical(|ui| match &mut draft {
            None => {
                ui.label(RichText::new("Choose a profile to see or change its settings.").weak());
            }
            Some(draft) => {
                if draft.original == "Demo" {
                    ui.label(RichText::new("Demo").heading());
                    ui.label("The demo profile is built for each run of the built-in demo server and cannot be changed.");
                } else if profile_form(ui, state, draft, commands) {
                    draft.original.clone_from(&draft.name);
                }
            }
        });
    });
    ui.data_mut(|d| d.insert_temp(draft_id(), draft));
}

/// A field label, red with the problem under it when there is one.
/// The field's main widget is labelled by it, for screen readers and UI tests.
fn field(
    ui: &mut egui::Ui,
    label: &str,
    problem: Option<&str>,
    add: impl FnOnce(&mut egui::Ui) -> Option<egui::Response>,
) {
    let label = ui.label(label);
    ui.vertical(|ui| {
        if let Some(response) = add(ui) {
            response.labelled_by(label.id);
        }
        if let Some(problem) = problem {
            ui.colored_label(theme::error_color(ui), problem);
        }
    });
    ui.end_row();
}

/// The form for one profile; returns true when it was saved.
#[allow(clippy::too_many_lines)] // one form, field after field, reads best in one place
fn profile_form(
    ui: &mut egui::Ui,
    state: &Input<'_>,
    draft: &mut Draft,
    commands: &mut Vec<Command>,
) -> bool {
    let base = state
        .shared
        .profiles
        .iter()
        .find(|p| p.name == draft.original)
        .cloned()
        .unwrap_or_else(Profile::sage_professional);
    let (profile, port_problem) = draft.to_profile(&base);
    let problems = profile.problems();
    let problem = |field: ProfileField| {
        problems
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    };
    let name_taken = state
        .shared
        .profiles
        .iter()
        .any(|p| p.name == profile.name && p.name != draft.original);
    let name_problem = if name_taken || profile.name == "Demo" {
        Some("Another profile has this name.")
    } else {
        problem(ProfileField::Name)
    };
    let wide = 380.0;
    egui::Grid::new("profile_form")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            field(ui, "Name", name_problem, |ui| {
                Some(ui.add(egui::TextEdit::singleline(&mut draft.name).desired_width(wide)))
            });
            field(ui, "Edition", problem(ProfileField::ApiUrl), |ui| {
                ui.horizontal(|ui| {
                    ui.radio_value(&mut draft.edition, 0, "Professional");
                    ui.radio_value(&mut draft.edition, 1, "Standard");
                    ui.radio_value(&mut draft.edition, 2, "Custom URL");
                });
                if draft.edition == 2 {
                    Some(
                        ui.add(
                            egui::TextEdit::singleline(&mut draft.custom_url)
                                .hint_text("https://your-server/…/accounts/v1/")
                                .desired_width(wide),
                        ),
                    )
                } else {
                    ui.label(RichText::new(profile.api_base_url()).weak().small());
                    None
                }
            });
            field(ui, "Client id", problem(ProfileField::ClientId), |ui| {
                Some(ui.add(egui::TextEdit::singleline(&mut draft.client_id).desired_width(wide)))
            });
            field(ui, "Client secret", None, |ui| {
                Some(client_secret_row(ui, state, draft, &base, commands))
            });
            field(
                ui,
                "Authorize URL",
                problem(ProfileField::AuthorizeUrl),
                |ui| {
                    Some(ui.add(
                        egui::TextEdit::singleline(&mut draft.authorize_url).desired_width(wide),
                    ))
                },
            );
            field(ui, "Token URL", problem(ProfileField::TokenUrl), |ui| {
                Some(ui.add(egui::TextEdit::singleline(&mut draft.token_url).desired_width(wide)))
            });
            field(ui, "Revoke URL", problem(ProfileField::RevokeUrl), |ui| {
                Some(
                    ui.add(
                        egui::TextEdit::singleline(&mut draft.revoke_url)
                            .hint_text("optional")
                            .desired_width(wide),
                    ),
                )
            });
            field(ui, "Audience", None, |ui| {
                Some(ui.add(egui::TextEdit::singleline(&mut draft.audience).desired_width(wide)))
            });
            field(ui, "Scopes", problem(ProfileField::Scopes), |ui| {
                Some(ui.add(egui::TextEdit::singleline(&mut draft.scopes).desired_width(wide)))
            });
            field(ui, "Sign-in parameters", None, |ui| {
                Some(
                    ui.add(
                        egui::TextEdit::singleline(&mut draft.authorize_params)
                            .hint_text("optional, e.g. prompt=consent")
                            .desired_width(wide),
                    )
                    .on_hover_text("Added to the authorize request. A standard OpenID provider may issue a refresh token only with prompt=consent."),
                )
            });
            let days_problem = draft.lifetime().err();
            field(ui, "Sign-in lasts (days)", days_problem, |ui| {
                Some(
                    ui.add(
                        egui::TextEdit::singleline(&mut draft.lifetime_days)
                            .hint_text("e.g. 90")
                            .desired_width(80.0),
                    )
                    .on_hover_text("How long a browser sign-in lasts before it must be made again (Sage: up to 180 days). The app warns a week before."),
                )
            });
            field(ui, "Issuer", None, |ui| {
                Some(
                    ui.add(
                        egui::TextEdit::singleline(&mut draft.issuer)
                            .hint_text("optional, e.g. https://id.example.com")
                            .desired_width(wide),
                    )
                    .on_hover_text("When set, a sign-in answer naming another issuer (iss) is refused (RFC 9207)."),
                )
            });
            let redirect_problem = port_problem.as_deref().or(problem(ProfileField::Redirect));
            field(ui, "Redirect", redirect_problem, |ui| {
                ui.horizontal(|ui| {
                    ui.radio_value(&mut draft.host, RedirectHost::Loopback, "127.0.0.1");
                    ui.radio_value(&mut draft.host, RedirectHost::Localhost, "localhost");
                    let port = ui.label("Port");
                    ui.add(
                        egui::TextEdit::singleline(&mut draft.port)
                            .hint_text("any")
                            .desired_width(60.0),
                    )
                    .labelled_by(port.id);
                    let path = ui.label("Path");
                    ui.add(egui::TextEdit::singleline(&mut draft.path).desired_width(110.0))
                        .labelled_by(path.id);
                });
                let port = profile
                    .redirect
                    .port
                    .map_or_else(|| "PORT".to_owned(), |p| p.to_string());
                ui.label(
                    RichText::new(format!(
                        "Register http://{}:{port}{} with Sage for this client id.",
                        profile.redirect.host.as_str(),
                        profile.redirect.path
                    ))
                    .weak()
                    .small(),
                );
                None
            });
            field(ui, "Extra headers", problem(ProfileField::Headers), |ui| {
                let mut remove = None;
                for (index, (name, value)) in draft.headers.iter_mut().enumerate() {
                    ui.horizontal(|ui| {
                        let enabled = ui.is_enabled();
                        ui.add(
                            egui::TextEdit::singleline(name)
                                .hint_text("Header")
                                .desired_width(150.0),
                        )
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(
                                egui::accesskit::Role::TextInput,
                                enabled,
                                "Header name",
                            )
                        });
                        ui.add(
                            egui::TextEdit::singleline(value)
                                .hint_text("Value")
                                .desired_width(180.0),
                        )
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(
                                egui::accesskit::Role::TextInput,
                                enabled,
                                "Header value",
                            )
                        });
                        if ui.small_button("Remove").clicked() {
                            remove = Some(index);
                        }
                    });
                }
                if let Some(index) = remove {
                    draft.headers.remove(index);
                }
                if ui.small_button("Add header").clicked() {
                    draft.headers.push((String::new(), String::new()));
                }
                None
            });
        });
    ui.add_space(8.0);
    // A lifetime that is not a whole number of days blocks saving, like a bad port.
    let valid = problems.is_empty()
        && port_problem.is_none()
        && name_problem.is_none()
        && draft.lifetime().is_ok();
    let mut saved = false;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(valid, egui::Button::new("Save profile"))
            .clicked()
        {
            commands.push(Command::SaveProfile {
                original: draft.original.clone(),
                profile: Box::new(profile.clone()),
            });
            saved = true;
        }
        let deletable = !draft.original.is_empty() && draft.original != state.shared.profile;
        if deletable && ui.button("Delete profile").clicked() {
            commands.push(Command::DeleteProfile(draft.original.clone()));
        }
        if !valid {
            ui.label(RichText::new("Fix the fields marked in red to save.").weak());
        }
    });
    saved
}

fn client_secret_row(
    ui: &mut egui::Ui,
    state: &Input<'_>,
    draft: &mut Draft,
    base: &Profile,
    commands: &mut Vec<Command>,
) -> egui::Response {
    let keyring = state.shared.keyring == KeyringView::Available;
    let row = ui.horizontal(|ui| {
        let input = ui.add_enabled(
            keyring && !draft.original.is_empty(),
            egui::TextEdit::singleline(&mut draft.client_secret)
                .password(true)
                .hint_text(if base.uses_client_secret {
                    "stored in the keyring"
                } else {
                    "only if Sage issued one"
                })
                .desired_width(200.0),
        );
        if ui
            .add_enabled(
                keyring && !draft.client_secret.is_empty(),
                egui::Button::new("Save to keyring"),
            )
            .clicked()
        {
            commands.push(Command::SaveClientSecret {
                profile: draft.original.clone(),
                secret: Secret::new(std::mem::take(&mut draft.client_secret)),
            });
        }
        if base.uses_client_secret && ui.button("Remove").clicked() {
            commands.push(Command::ForgetClientSecret(draft.original.clone()));
        }
        input
    });
    if !keyring {
        ui.label(
            RichText::new("No system keyring: a client secret cannot be kept, and is never written to a file.")
                .color(ui.visuals().warn_fg_color)
                .small(),
        );
    } else if draft.original.is_empty() {
        ui.label(RichText::new("Save the profile first.").weak().small());
    }
    row.inner
}

fn catalogue(ui: &mut egui::Ui, state: &Input<'_>, commands: &mut Vec<Command>) {
    ui.label(RichText::new("Endpoint catalogue").strong());
    ui.horizontal(|ui| {
        ui.label(format!(
            "{} endpoints known, {} of them lists.",
            state.shared.catalogue.len(),
            state.shared.catalogue.lists().count()
        ));
        if ui
            .button("Import OpenAPI file…")
            .on_hover_text(
                "Add every path of an OpenAPI 3 JSON file, such as Sage's published reference",
            )
            .clicked()
        {
            commands.push(Command::ImportOpenApi(None));
        }
    });
    for file in &state.own.openapi_files {
        ui.label(RichText::new(file.display().to_string()).weak().small());
    }
}

fn locations(ui: &mut egui::Ui, state: &Input<'_>, commands: &mut Vec<Command>) {
    ui.label(RichText::new("Where things are kept").strong());
    if let Some(folder) = file_locations(ui, state.shared) {
        commands.push(Command::OpenFolder(folder));
    }
}
