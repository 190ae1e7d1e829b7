//! The request builder's variables beside its update code: filling a tab's `{{name}}`s in
//! before it is sent or copied (built-ins last), the environment in use, and the
//! variables window's save: files written and secret values put into the keyring, on the
//! blocking pool.

use std::path::PathBuf;

use crate::api::CompanyScope;
use crate::app::Services;
use crate::collection::{SecretScope, SecretValue};
use crate::model::{Collection, Environment, RequestDraft, Secret, Variable, VariableScope};
use crate::screens::shared::UserError;

use super::collections::Done;
use super::update::RequestBuilder;
use super::{EditedEnvironment, EditedVariable, RequestTab, VariablesEditor};

/// The values of [`crate::model::BUILTIN_NAMES`] now: the company and site in use (none
/// before one is chosen), today's local date, a new UUID, the time.
pub(super) fn builtins(company: Option<&CompanyScope>) -> Vec<(String, String)> {
    let now = chrono::Utc::now();
    let uuid = uuid::Uuid::new_v4().to_string();
    let mut values = vec![
        (
            "today".to_owned(),
            chrono::Local::now().format("%Y-%m-%d").to_string(),
        ),
        ("uuid".to_owned(), uuid.clone()),
        ("$guid".to_owned(), uuid.clone()),
        ("$randomUUID".to_owned(), uuid),
        ("$timestamp".to_owned(), now.timestamp().to_string()),
        (
            "$isoTimestamp".to_owned(),
            now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        ),
    ];
    if let Some(company) = company {
        values.push(("company_id".to_owned(), company.company_id.to_string()));
        values.push(("site_id".to_owned(), company.site_id.clone()));
    }
    values
}

/// `text` with each secret value that went into a request replaced by its `{{key}}`, for
/// what is kept (the history's address).
pub(super) fn redacted(text: &str, used: &[(String, Secret)]) -> String {
    let mut text = text.to_owned();
    for (key, value) in used {
        for written in written_forms(value.expose()) {
            text = text.replace(&written, &format!("{{{{{key}}}}}"));
        }
    }
    text
}

/// A secret value as a request may carry it: as typed, and percent-encoded as a query
/// value is.
pub(super) fn written_forms(value: &str) -> Vec<String> {
    let encoded = crate::model::encode_query(&[(String::new(), value.to_owned())]);
    let encoded = encoded.trim_start_matches('=').to_owned();
    let mut forms = vec![value.to_owned()];
    if encoded != value && !encoded.is_empty() {
        forms.push(encoded);
    }
    forms.retain(|f| !f.is_empty());
    forms
}

/// The secrets read for `collection`, as the state keeps them.
pub(super) fn kept_secrets(found: Vec<SecretValue>) -> Vec<(Option<String>, String, Secret)> {
    found
        .into_iter()
        .map(|s| {
            let environment = match s.scope {
                SecretScope::Collection => None,
                SecretScope::Environment(name) => Some(name),
            };
            (environment, s.key, s.value)
        })
        .collect()
}

fn edited(
    variables: &[Variable],
    secrets: &[(Option<String>, String, Secret)],
    environment: Option<&str>,
) -> Vec<EditedVariable> {
    variables
        .iter()
        .map(|variable| EditedVariable {
            variable: variable.clone(),
            secret_value: secrets
                .iter()
                .find(|(env, key, _)| env.as_deref() == environment && *key == variable.key)
                .filter(|_| variable.secret)
                .map(|(_, _, value)| value.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// The collection's variables and environments as the window shows them.
fn editor_of(
    collection: &Collection,
    secrets: &[(Option<String>, String, Secret)],
    showing: Option<usize>,
) -> VariablesEditor {
    VariablesEditor {
        showing,
        collection: edited(&collection.variables, secrets, None),
        environments: collection
            .environments
            .iter()
            .map(|e| EditedEnvironment {
                name: e.name.clone(),
                variables: edited(&e.variables, secrets, Some(&e.name)),
            })
            .collect(),
        problem: None,
    }
}

/// The variables as files keep them (a secret without its value), and the secret values
/// apart.
fn split(
    edited: &[EditedVariable],
    scope: &SecretScope,
    secrets: &mut Vec<SecretValue>,
) -> Vec<Variable> {
    edited
        .iter()
        .filter(|e| !e.variable.key.trim().is_empty())
        .map(|e| {
            let mut variable = e.variable.clone();
            variable.key = variable.key.trim().to_owned();
            if variable.secret {
                variable.value.clear();
                secrets.push(SecretValue {
                    scope: scope.clone(),
                    key: variable.key.clone(),
                    value: e.secret_value.clone(),
                });
            }
            variable
        })
        .collect()
}

/// What the window's save changes: the collection with the new variables and
/// environments, and every secret value to keep.
fn saved_from(
    editor: &VariablesEditor,
    collection: &Collection,
) -> Result<(Collection, Vec<SecretValue>), String> {
    let mut names: Vec<&str> = Vec::new();
    for environment in &editor.environments {
        let name = environment.name.trim();
        if name.is_empty() {
            return Err("Every environment needs a name.".to_owned());
        }
        if names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return Err(format!(
                "Two environments are called \"{name}\"; rename one."
            ));
        }
        names.push(name);
    }
    let mut secrets = Vec::new();
    let mut changed = collection.clone();
    changed.variables = split(&editor.collection, &SecretScope::Collection, &mut secrets);
    changed.environments = editor
        .environments
        .iter()
        .map(|e| Environment {
            name: e.name.trim().to_owned(),
            variables: split(
                &e.variables,
                &SecretScope::Environment(e.name.trim().to_owned()),
                &mut secrets,
            ),
        })
        .collect();
    // In the order reading the folder gives them (by file name), so the app's own write
    // reads back the same.
    changed
        .environments
        .sort_by_cached_key(|e| format!("{}.toml", crate::collection::slug(&e.name)));
    crate::collection::check_collection(&changed).map_err(|e| e.to_string())?;
    Ok((changed, secrets))
}

/// Writes the collection's files, then its secret values into the keyring, forgetting
/// those of variables that are gone or no longer secret (blocking).
fn write(
    dir: &std::path::Path,
    before: &Collection,
    collection: &Collection,
    secrets: &[SecretValue],
) -> Result<(), String> {
    crate::collection::write_collection(dir, collection).map_err(|e| e.to_string())?;
    for secret in secrets {
        crate::collection::write_secret(dir, &secret.scope, &secret.key, Some(&secret.value))?;
    }
    for (scope, key) in crate::collection::secret_variables(before) {
        if !secrets.iter().any(|s| s.scope == scope && s.key == key) {
            crate::collection::write_secret(dir, &scope, key, None)?;
        }
    }
    Ok(())
}

impl RequestBuilder {
    /// The tab's draft as it is sent: its `{{variables}}` filled in from the open
    /// collection, the environment in use and the built-ins.
    ///
    /// # Errors
    /// The variables that have no value, said for people; nothing is sent then.
    /// The secret variables whose values went in come with it, by key, with their values.
    pub(super) fn filled_draft(
        &self,
        cx: &Services,
        tab: &RequestTab,
    ) -> Result<(RequestDraft, Vec<(String, Secret)>), UserError> {
        if !VariableScope::draft_uses_variables(&tab.draft) {
            return Ok((tab.draft.clone(), Vec::new()));
        }
        let mut scope = self.state.scope_for(tab);
        scope.builtins = builtins(cx.company_scope().as_ref());
        let filled = scope.fill_draft_tracked(&tab.draft).map(|(draft, used)| {
            let used = used
                .into_iter()
                .filter_map(|key| {
                    scope
                        .secret_value(&key)
                        .map(|value| (key.clone(), Secret::new(value)))
                })
                .collect();
            (draft, used)
        });
        filled.map_err(|message| UserError {
            message,
            advice: if self.state.collection.is_some() {
                "Open Variables… beside the collection to set it, or choose another environment.".to_owned()
            } else {
                "Open a collection (its variables and environments fill them in), or write the value itself.".to_owned()
            },
        })
    }

    /// Uses the environment `name` (or none). Values captured from answers are let go when
    /// the environment changes: one taken from Demo's answers must not reach Live.
    pub(super) fn select_environment(&mut self, name: Option<String>) {
        let before = self.state.environment.clone();
        self.state.environment = name.filter(|name| {
            self.state
                .collection
                .as_ref()
                .is_some_and(|open| open.collection.environments.iter().any(|e| &e.name == name))
        });
        if self.state.environment != before {
            self.forget_captured();
        }
    }

    /// Opens the variables window on the open collection's variables.
    pub(super) fn open_variables(&mut self) {
        let Some(open) = &self.state.collection else {
            return;
        };
        let showing = self.state.environment.as_ref().and_then(|name| {
            open.collection
                .environments
                .iter()
                .position(|e| &e.name == name)
        });
        self.state.variables_editor =
            Some(editor_of(&open.collection, &self.state.secrets, showing));
    }

    /// Saves the variables window: the collection's files, then the keyring.
    pub(super) fn save_variables(&mut self, cx: &mut Services) {
        let (Some(open), Some(editor)) = (&self.state.collection, &mut self.state.variables_editor)
        else {
            return;
        };
        if self.collection_task.is_some() {
            editor.problem =
                Some("The collection is being read or written; save again in a moment.".to_owned());
            return;
        }
        if self.state.secrets_unreadable {
            // Saving would write empty values over the secrets the keyring still holds.
            editor.problem = Some("The system keyring could not be read when this collection was opened, so its secret values are unknown and saving could lose them. Unlock the keyring, open the collection again, then save.".to_owned());
            return;
        }
        let (collection, secrets) = match saved_from(editor, &open.collection) {
            Ok(saved) => saved,
            Err(problem) => {
                editor.problem = Some(problem);
                return;
            }
        };
        editor.problem = None;
        let dir: PathBuf = open.dir.clone();
        let before = open.collection.clone();
        self.state.collection_busy = true;
        self.collection_task = Some(cx.spawn(async move {
            tokio::task::spawn_blocking(move || {
                write(&dir, &before, &collection, &secrets)
                    .map(|()| Done::Variables {
                        collection: Box::new(collection),
                        secrets,
                    })
                    .map_err(|message| UserError {
                        message,
                        advice: "The variables window stays open; change what is named, then save again.".to_owned(),
                    })
            })
            .await
            .map_err(|e| UserError {
                message: format!("Saving the variables stopped: {e}"),
                advice: "Save them again.".to_owned(),
            })?
        }));
    }

    /// Takes the variables saved: the collection as written, the window closed.
    pub(super) fn variables_saved(
        &mut self,
        cx: &mut Services,
        collection: Collection,
        secrets: Vec<SecretValue>,
    ) {
        if let Some(open) = &mut self.state.collection {
            open.collection = collection;
            cx.shared.notice = Some(format!("Variables saved in {}", open.dir.display()));
        }
        self.state.secrets = kept_secrets(secrets);
        self.state.variables_editor = None;
        // An environment renamed or removed is no longer in use.
        self.select_environment(self.state.environment.clone());
    }

    /// Takes each capture of the tab's request from its answer into a variable (a 2xx
    /// answer with a JSON body only); says which found nothing.
    pub(super) fn apply_captures(&mut self, cx: &mut Services, id: u64) {
        let Some(tab) = self.state.tabs.iter().find(|t| t.id == id) else {
            return;
        };
        let Some(answer) = tab.answer.clone() else {
            return;
        };
        if tab.draft.captures.is_empty() || !(200..300).contains(&answer.meta.status) {
            return;
        }
        let Some(doc) = &answer.doc else {
            return;
        };
        let mut said = Vec::new();
        for capture in tab.draft.captures.clone() {
            match captured_value(doc, &capture.path) {
                Some(value) => {
                    self.set_captured(&capture.variable, value);
                    said.push(format!("{{{{{}}}}} set", capture.variable));
                }
                None => said.push(format!(
                    "{{{{{}}}}}: {} found nothing in the answer",
                    capture.variable, capture.path
                )),
            }
        }
        cx.shared.notice = Some(format!("Captured: {}", said.join("; ")));
    }

    /// Adds a capture to a tab's request and takes its value from the answer shown.
    pub(super) fn add_capture(
        &mut self,
        cx: &mut Services,
        id: u64,
        capture: &crate::model::Capture,
    ) {
        let Some(tab) = self.tab_mut(id) else {
            return;
        };
        tab.draft
            .captures
            .retain(|c| c.variable != capture.variable);
        tab.draft.captures.push(capture.clone());
        let value = tab
            .answer
            .as_ref()
            .and_then(|a| a.doc.as_ref())
            .and_then(|doc| captured_value(doc, &capture.path));
        match value {
            Some(value) => {
                self.set_captured(&capture.variable, value);
                cx.shared.notice = Some(format!(
                    "{{{{{}}}}} set from {}",
                    capture.variable, capture.path
                ));
            }
            None => {
                cx.shared.notice = Some(format!(
                    "{{{{{}}}}} will be set from {} by the next answer",
                    capture.variable, capture.path
                ));
            }
        }
    }

    /// Lets go of every value captured from answers.
    pub(super) fn forget_captured(&mut self) {
        self.state.captured.clear();
        self.state.captured_secrets.clear();
    }

    /// Sets a captured variable (a secret one when its name is a credential's).
    pub(super) fn set_captured(&mut self, variable: &str, value: String) {
        let state = &mut self.state;
        state.captured.retain(|v| v.key != variable);
        state.captured_secrets.retain(|(key, _)| key != variable);
        let secret = crate::model::is_credential_name(variable);
        state.captured.push(Variable {
            key: variable.to_owned(),
            value: if secret { String::new() } else { value.clone() },
            enabled: true,
            secret,
            description: "Captured from an answer".to_owned(),
        });
        if secret {
            state
                .captured_secrets
                .push((variable.to_owned(), Secret::new(value)));
        }
    }
}

/// The value a capture's path finds first: a text without its quotes, anything else as
/// its JSON text; `None` when the path is not valid or finds nothing.
pub(super) fn captured_value(doc: &crate::document::JsonDoc, path: &str) -> Option<String> {
    let found = crate::document::json_path(doc, path).ok()?;
    let first = *found.first()?;
    let source = doc.source(first);
    Some(match doc.kind(first) {
        crate::document::Kind::Text => {
            serde_json::from_str::<String>(&source).unwrap_or_else(|_| source.into_owned())
        }
        _ => source.into_owned(),
    })
}
