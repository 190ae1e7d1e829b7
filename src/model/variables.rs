//! `{{name}}` variables in saved requests: finding them (for highlighting) and filling
//! them in from the places a request can see, nearest first: its folders (innermost
//! first), its collection, the active environment, then the built-ins the app provides
//! (`{{company_id}}`, `{{site_id}}`, `{{today}}`, `{{uuid}}`). The syntax is Postman's:
//! a name between `{{` and `}}`, without spaces around it; a variable's value may itself
//! use variables.

use std::collections::BTreeSet;
use std::ops::Range;

use super::collection::{Body, Collection, Environment, Item, SavedRequest, Variable};
use super::request::RequestDraft;
use super::secret::Secret;

/// The names the app gives values to, after every layer: the company and site in use,
/// today's date (`YYYY-MM-DD`, local), a new UUID (version 4) for each request sent, and
/// Postman's dynamic variables of the same meaning (`$guid`, `$randomUUID`: a UUID;
/// `$timestamp`: seconds since 1970; `$isoTimestamp`: now in UTC, RFC 3339).
pub const BUILTIN_NAMES: [&str; 8] = [
    "company_id",
    "site_id",
    "today",
    "uuid",
    "$guid",
    "$randomUUID",
    "$timestamp",
    "$isoTimestamp",
];

/// How deep variables may use variables.
const MAX_DEPTH: usize = 10;

/// The longest text filling may make (a chain of variables doubling each other stops here).
const MAX_FILLED: usize = 16 * 1024 * 1024;

/// The most variables one filling looks up (a chain that multiplies lookups without
/// growing the text, such as ten variables each using the next ten times, stops here).
const MAX_STEPS: usize = 100_000;

/// What one filling gathers as it goes.
struct Filling<'m> {
    /// Names without a value.
    missing: &'m mut BTreeSet<String>,
    /// Secret variables whose values went in.
    secrets_used: BTreeSet<String>,
    /// Lookups made.
    steps: usize,
}

/// Every `{{name}}` in `text`: where it is (the braces included) and its name.
#[must_use]
pub fn references(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| from + i) {
        let Some(close) = text[open + 2..].find("}}").map(|i| open + 2 + i) else {
            break;
        };
        let name = &text[open + 2..close];
        if !name.is_empty() && !name.contains(['{', '}']) && name.trim() == name {
            found.push((open..close + 2, name));
            from = close + 2;
        } else {
            from = open + 1;
        }
    }
    found
}

/// The values a request's variables are read from, nearest first.
#[derive(Debug, Clone, Default)]
pub struct VariableScope<'a> {
    /// Layers of variables, nearest first (folders innermost first, the collection, the
    /// environment). Switched-off variables are passed over.
    pub layers: Vec<&'a [Variable]>,
    /// Values of secret variables, read from the keyring: `(key, value)`, in the order of
    /// the layers they belong to. A secret variable of a layer reads its value here.
    pub secrets: Vec<(&'a str, &'a Secret)>,
    /// The app's own values, last ([`BUILTIN_NAMES`]).
    pub builtins: Vec<(String, String)>,
}

impl<'a> VariableScope<'a> {
    /// The variables a request of `collection` sees: those of the request at `at` (its path
    /// variables), of each folder it is in (innermost first), of the collection, and of
    /// `environment`; `at` is `None` for a request not kept in the collection.
    #[must_use]
    pub fn of(
        collection: &'a Collection,
        at: Option<&[usize]>,
        environment: Option<&'a Environment>,
    ) -> Self {
        let mut layers: Vec<&'a [Variable]> = Vec::new();
        let mut items = &collection.items;
        for (depth, &index) in at.unwrap_or_default().iter().enumerate() {
            match items.get(index) {
                Some(Item::Folder(folder)) => {
                    layers.push(&folder.variables);
                    items = &folder.items;
                }
                Some(Item::Request(request)) if depth + 1 == at.map_or(0, <[usize]>::len) => {
                    layers.push(&request.path_variables);
                }
                _ => break,
            }
        }
        layers.reverse();
        layers.push(&collection.variables);
        if let Some(environment) = environment {
            layers.push(&environment.variables);
        }
        Self {
            layers,
            secrets: Vec::new(),
            builtins: Vec::new(),
        }
    }

    /// Every secret value in the scope, for taking it out of text that is kept (the
    /// history's address): `(key, value)`.
    pub fn secret_values(&self) -> impl Iterator<Item = (&str, &str)> {
        self.secrets
            .iter()
            .map(|(key, value)| (*key, value.expose()))
            .filter(|(_, value)| !value.is_empty())
    }
}

impl VariableScope<'_> {
    /// The value of `name`, if any layer has it. A secret whose value is not given (it is
    /// kept in the keyring, and the caller passes it in a layer of its own) has none.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.lookup(name).map(|(_, value, _)| value)
    }

    /// The variable `name` as `(its key, its value, whether it is a secret)`: from the
    /// nearest layer that gives it a value that is not empty, else the nearest that gives
    /// it an empty one (so an empty placeholder, as Postman collections carry, does not
    /// hide a value set further out), else the built-ins.
    fn lookup(&self, name: &str) -> Option<(&str, &str, bool)> {
        let mut empty = None;
        for v in self
            .layers
            .iter()
            .flat_map(|layer| layer.iter())
            .filter(|v| v.enabled && v.key == name)
        {
            let value = if v.secret {
                // Its value is in the keyring, not in the layer.
                match self
                    .secrets
                    .iter()
                    .find(|(key, value)| *key == name && !value.is_empty())
                {
                    Some((_, value)) => value.expose(),
                    None => continue,
                }
            } else {
                v.value.as_str()
            };
            if value.is_empty() {
                empty.get_or_insert((v.key.as_str(), value, v.secret));
            } else {
                return Some((v.key.as_str(), value, v.secret));
            }
        }
        self.builtins
            .iter()
            .find(|(key, value)| key == name && !value.is_empty())
            .map(|(key, value)| (key.as_str(), value.as_str(), false))
            .or(empty)
    }

    /// `text` with every `{{name}}` filled in (values that use variables filled in
    /// too); `missing` gathers the names no layer has, which are left as written.
    pub fn fill(&self, text: &str, missing: &mut BTreeSet<String>) -> String {
        let mut filling = Filling {
            missing,
            secrets_used: BTreeSet::new(),
            steps: 0,
        };
        let mut out = String::with_capacity(text.len());
        self.fill_into(text, &mut filling, &mut Vec::new(), &mut out);
        out
    }

    /// Fills `text` into `out`; `within` holds the variables being filled, so one that
    /// uses itself (at any remove) is said rather than filled for ever.
    fn fill_into<'s>(
        &'s self,
        text: &str,
        filling: &mut Filling<'_>,
        within: &mut Vec<&'s str>,
        out: &mut String,
    ) {
        let mut last = 0;
        for (range, name) in references(text) {
            out.push_str(&text[last..range.start]);
            last = range.end;
            filling.steps += 1;
            match self.lookup(name) {
                Some((key, _, _)) if within.contains(&key) => {
                    filling
                        .missing
                        .insert(format!("{name} (its value uses itself)"));
                    out.push_str(&text[range]);
                }
                Some(_)
                    if within.len() >= MAX_DEPTH
                        || out.len() > MAX_FILLED
                        || filling.steps > MAX_STEPS =>
                {
                    filling.missing.insert(format!(
                        "{name} (variables used more than {MAX_DEPTH} deep, or too many, or too long filled in)"
                    ));
                    out.push_str(&text[range]);
                }
                Some((key, value, secret)) => {
                    if secret {
                        filling.secrets_used.insert(key.to_owned());
                    }
                    within.push(key);
                    self.fill_into(value, filling, within, out);
                    within.pop();
                }
                None => {
                    filling.missing.insert(name.to_owned());
                    out.push_str(&text[range]);
                }
            }
        }
        out.push_str(&text[last..]);
    }

    /// The request with its variables filled in: URL, query, path variables, headers and
    /// body.
    ///
    /// # Errors
    /// The names no layer defines, said for people; nothing is sent with a `{{name}}` left
    /// in it.
    pub fn fill_request(&self, request: &SavedRequest) -> Result<SavedRequest, String> {
        let mut missing = BTreeSet::new();
        let mut filled = request.clone();
        filled.url = self.fill(&request.url, &mut missing);
        for row in filled
            .query
            .iter_mut()
            .chain(filled.headers.iter_mut())
            .filter(|r| r.enabled)
        {
            row.key = self.fill(&row.key, &mut missing);
            row.value = self.fill(&row.value, &mut missing);
        }
        for var in &mut filled.path_variables {
            var.value = self.fill(&var.value, &mut missing);
        }
        match &mut filled.body {
            Body::Raw { text, .. } => *text = self.fill(text, &mut missing),
            Body::UrlEncoded(fields) => {
                for field in fields.iter_mut().filter(|f| f.enabled) {
                    field.value = self.fill(&field.value, &mut missing);
                }
            }
            Body::FormData(parts) => {
                for part in parts.iter_mut().filter(|p| p.enabled) {
                    part.value = self.fill(&part.value, &mut missing);
                }
            }
            Body::File { src } => *src = self.fill(src, &mut missing),
            Body::None => {}
        }
        said_missing(&missing).map_or(Ok(filled), Err)
    }

    /// The request builder's draft with its variables filled in: path, `OData` options,
    /// parameters and headers that are switched on, and body.
    ///
    /// # Errors
    /// The names no layer defines (or that use themselves), said for people.
    pub fn fill_draft(&self, draft: &RequestDraft) -> Result<RequestDraft, String> {
        self.fill_draft_tracked(draft).map(|(filled, _)| filled)
    }

    /// [`Self::fill_draft`], with the names of the secret variables whose values went in
    /// (at any depth): what decides whether copied text may hold a secret, and which
    /// values the history must not keep.
    ///
    /// # Errors
    /// As [`Self::fill_draft`].
    pub fn fill_draft_tracked(
        &self,
        draft: &RequestDraft,
    ) -> Result<(RequestDraft, BTreeSet<String>), String> {
        let mut missing = BTreeSet::new();
        let mut filling = Filling {
            missing: &mut missing,
            secrets_used: BTreeSet::new(),
            steps: 0,
        };
        let filled = map_draft(draft, |text| {
            let mut out = String::with_capacity(text.len());
            self.fill_into(text, &mut filling, &mut Vec::new(), &mut out);
            out
        });
        let used = std::mem::take(&mut filling.secrets_used);
        said_missing(&missing).map_or(Ok((filled, used)), Err)
    }

    /// The value of the secret variable `key` in this scope, if it has one.
    #[must_use]
    pub fn secret_value(&self, key: &str) -> Option<&str> {
        self.secrets
            .iter()
            .find(|(k, value)| *k == key && !value.is_empty())
            .map(|(_, value)| value.expose())
    }

    /// Whether `name` has a value here (for highlighting: known names in one colour,
    /// unknown ones in the error colour).
    #[must_use]
    pub fn has(&self, name: &str) -> bool {
        self.lookup(name).is_some()
    }
}

/// `draft` with `change` applied to each text a variable may be in: path, `OData` options,
/// parameters and headers that are switched on, and body.
fn map_draft(draft: &RequestDraft, mut change: impl FnMut(&str) -> String) -> RequestDraft {
    let mut changed = draft.clone();
    changed.path = change(&draft.path);
    let query = &mut changed.query;
    query.filter = change(&query.filter);
    for name in query.select.iter_mut().chain(query.expand.iter_mut()) {
        *name = change(name);
    }
    for (name, _) in &mut query.order_by {
        *name = change(name);
    }
    for row in changed
        .params
        .iter_mut()
        .chain(changed.headers.iter_mut())
        .filter(|r| r.enabled)
    {
        row.key = change(&row.key);
        row.value = change(&row.value);
    }
    // A method without a body sends none: its text is left as it is.
    if draft.method.has_body() {
        changed.body = change(&draft.body);
    }
    changed
}

/// `draft` with every `{{name}}` replaced by `1000…` of its length, to check what the user
/// typed before the values are known: a number, an id or a string stays valid in a path,
/// a filter or a JSON body, and a problem's line and column stay where they are.
#[must_use]
pub fn with_placeholders(draft: &RequestDraft) -> RequestDraft {
    map_draft(draft, |text| {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (range, _) in references(text) {
            out.push_str(&text[last..range.start]);
            // `1000…`: a valid number (no leading zero), id and path segment.
            out.push('1');
            out.push_str(&"0".repeat(range.len() - 1));
            last = range.end;
        }
        out.push_str(&text[last..]);
        out
    })
}

/// The sentence for variables that could not be filled in, if any.
fn said_missing(missing: &BTreeSet<String>) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let names: Vec<String> = missing.iter().map(|n| format!("{{{{{n}}}}}")).collect();
    Some(format!(
        "{} {} not set: give {} a value in the environment, the collection or a folder (Variables…), then send again.",
        names.join(", "),
        if names.len() == 1 { "is" } else { "are" },
        if names.len() == 1 { "it" } else { "them" },
    ))
}

impl VariableScope<'_> {
    /// Whether some text of the draft uses a variable (`{{…}}`).
    #[must_use]
    pub fn draft_uses_variables(draft: &RequestDraft) -> bool {
        let has = |text: &str| !references(text).is_empty();
        has(&draft.path)
            || (draft.method.has_body() && has(&draft.body))
            || has(&draft.query.filter)
            || draft
                .query
                .select
                .iter()
                .chain(&draft.query.expand)
                .any(|n| has(n))
            || draft.query.order_by.iter().any(|(n, _)| has(n))
            || draft
                .params
                .iter()
                .chain(&draft.headers)
                .any(|r| r.enabled && (has(&r.key) || has(&r.value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::KeyValue;

    fn var(key: &str, value: &str) -> Variable {
        Variable {
            key: key.to_owned(),
            value: value.to_owned(),
            enabled: true,
            ..Variable::default()
        }
    }

    #[test]
    fn references_are_found_where_they_are() {
        let text = "a{{x}}b{{ y }}{{}}{{z}}{{ {{w}}";
        let found: Vec<(Range<usize>, &str)> = references(text);
        assert_eq!(found, [(1..6, "x"), (18..23, "z"), (26..31, "w")]);
        assert!(references("{{unclosed").is_empty());
    }

    #[test]
    fn the_nearest_value_wins_and_values_may_use_variables() {
        let folder = [
            var("id", "7"),
            Variable {
                enabled: false,
                ..var("off", "x")
            },
        ];
        let collection = [
            var("id", "1"),
            var("base", "customers/{{id}}"),
            var("loop", "{{loop}}"),
        ];
        let environment = [var("company", "env")];
        let scope = VariableScope {
            layers: vec![&folder, &collection, &environment],
            secrets: Vec::new(),
            builtins: vec![
                ("company_id".into(), "102".into()),
                ("company".into(), "builtin".into()),
            ],
        };
        let mut missing = BTreeSet::new();
        assert_eq!(
            scope.fill("{{base}}/{{company_id}}/{{company}}", &mut missing),
            "customers/7/102/env"
        );
        assert!(missing.is_empty());
        assert_eq!(
            scope.fill("{{off}} {{nope}}", &mut missing),
            "{{off}} {{nope}}"
        );
        assert_eq!(missing.into_iter().collect::<Vec<_>>(), ["nope", "off"]);
        let mut missing = BTreeSet::new();
        let _ = scope.fill("{{loop}}", &mut missing);
        assert!(
            missing.iter().any(|m| m.contains("uses itself")),
            "{missing:?}"
        );
        // A chain that doubles at each step stops instead of filling memory.
        let doubling: Vec<Variable> = (0..40)
            .map(|i| {
                var(
                    &format!("v{i}"),
                    &format!("{{{{v{}}}}}{{{{v{}}}}}", i + 1, i + 1),
                )
            })
            .collect();
        let scope_of = VariableScope {
            layers: vec![&doubling],
            ..VariableScope::default()
        };
        let mut missing = BTreeSet::new();
        let filled = scope_of.fill("{{v0}}", &mut missing);
        assert!(!missing.is_empty() && filled.len() < 64 * 1024 * 1024);
        // A secret kept in the keyring is not an empty value.
        let secret = [Variable {
            secret: true,
            ..var("token", "")
        }];
        let scope_of = VariableScope {
            layers: vec![&secret],
            ..VariableScope::default()
        };
        let mut missing = BTreeSet::new();
        assert_eq!(scope_of.fill("{{token}}", &mut missing), "{{token}}");
        assert_eq!(missing.into_iter().collect::<Vec<_>>(), ["token"]);

        let request = SavedRequest {
            url: "{{base}}".into(),
            headers: vec![KeyValue {
                enabled: true,
                key: "X-Trace".into(),
                value: "{{trace}}".into(),
            }],
            body: Body::Raw {
                text: "{\"company\":\"{{company}}\"}".into(),
                language: "json".into(),
            },
            ..SavedRequest::default()
        };
        let problem = scope.fill_request(&request).unwrap_err();
        assert!(problem.starts_with("{{trace}} is not set"), "{problem}");
        let with_trace = [var("trace", "t-1")];
        let mut layers = scope.layers.clone();
        layers.push(&with_trace);
        let scope = VariableScope { layers, ..scope };
        let filled = scope.fill_request(&request).unwrap();
        assert_eq!(filled.url, "customers/7");
        assert_eq!(filled.headers[0].value, "t-1");
        assert_eq!(
            filled.body,
            Body::Raw {
                text: "{\"company\":\"env\"}".into(),
                language: "json".into()
            }
        );
    }

    #[test]
    fn a_request_sees_its_folders_collection_environment_and_secrets() {
        let folder = |name: &str, variables: Vec<Variable>, items: Vec<Item>| {
            Item::Folder(crate::model::Folder {
                name: name.into(),
                variables,
                items,
                ..Default::default()
            })
        };
        let request = SavedRequest {
            path_variables: vec![var("id", "from-request")],
            ..SavedRequest::default()
        };
        let collection = Collection {
            variables: vec![
                var("id", "from-collection"),
                var("site", "c"),
                var("key", ""),
            ],
            items: vec![folder(
                "outer",
                vec![var("id", "outer"), var("deep", "outer")],
                vec![folder(
                    "inner",
                    vec![var("deep", "inner")],
                    vec![Item::Request(request)],
                )],
            )],
            ..Collection::default()
        };
        let mut key = var("key", "");
        key.secret = true;
        let environment = Environment {
            name: "Live".into(),
            variables: vec![var("site", "env"), var("only_env", "e"), key],
        };
        let secret = Secret::new("s3cr3t");
        let mut scope = VariableScope::of(&collection, Some(&[0, 0, 0]), Some(&environment));
        let mut missing = BTreeSet::new();
        assert_eq!(
            scope.fill("{{id}} {{deep}} {{site}} {{only_env}}", &mut missing),
            "from-request inner c e"
        );
        // The collection's empty `key` is not secret, so it wins, empty; a secret one of
        // the environment's reads the keyring's value.
        assert_eq!(scope.fill("[{{key}}]", &mut missing), "[]");
        let mut collection_without_key = collection.clone();
        collection_without_key.variables.pop();
        scope = VariableScope::of(&collection_without_key, None, Some(&environment));
        assert!(!scope.has("key"), "a secret with no value in the keyring");
        scope.secrets.push(("key", &secret));
        assert_eq!(
            scope.fill("{{key}} {{id}}", &mut missing),
            "s3cr3t from-collection"
        );
        assert_eq!(
            scope.secret_values().collect::<Vec<_>>(),
            [("key", "s3cr3t")]
        );
        assert!(missing.is_empty(), "{missing:?}");
        assert!(
            !format!("{scope:?}").contains("s3cr3t"),
            "secrets stay out of Debug"
        );

        let mut draft = RequestDraft {
            method: crate::model::HttpMethod::Post,
            path: "customers/{{id}}".into(),
            body: "{\"k\":\"{{key}}\"}".into(),
            ..RequestDraft::default()
        };
        draft.query.filter = "name eq '{{site}}'".into();
        draft.query.select = vec!["{{only_env}}".into()];
        draft.headers.push(crate_kv(true, "X-Key", "{{key}}"));
        draft.headers.push(crate_kv(false, "X-Off", "{{nowhere}}"));
        assert!(VariableScope::draft_uses_variables(&draft));
        let filled = scope.fill_draft(&draft).unwrap();
        assert_eq!(filled.path, "customers/from-collection");
        assert_eq!(filled.query.filter, "name eq 'c'");
        assert_eq!(filled.query.select, ["e"]);
        assert_eq!(filled.headers[0].value, "s3cr3t");
        assert_eq!(
            filled.headers[1].value, "{{nowhere}}",
            "switched-off rows are left"
        );
        assert_eq!(filled.body, "{\"k\":\"s3cr3t\"}");
        draft.params.push(crate_kv(true, "{{a}}", "{{b}}"));
        let problem = scope.fill_draft(&draft).unwrap_err();
        assert!(problem.starts_with("{{a}}, {{b}} are not set"), "{problem}");
        assert!(!VariableScope::draft_uses_variables(
            &RequestDraft::default()
        ));
    }

    fn crate_kv(enabled: bool, key: &str, value: &str) -> KeyValue {
        KeyValue {
            enabled,
            key: key.into(),
            value: value.into(),
        }
    }

    #[test]
    fn placeholders_defer_lookups_are_bounded_and_secrets_used_are_named() {
        // An empty placeholder (as Postman collections carry) does not hide a value set
        // further out; with nothing further out it is the empty value.
        let collection = [var("api_key", ""), var("empty", "")];
        let mut key = var("api_key", "");
        key.secret = true;
        let environment = [key, var("auth", "Bearer {{api_key}}")];
        let secret = Secret::new("s'e\"c&r%t");
        let scope = VariableScope {
            layers: vec![&collection, &environment],
            secrets: vec![("api_key", &secret)],
            builtins: Vec::new(),
        };
        let mut draft = RequestDraft {
            path: "x/{{empty}}".into(),
            ..RequestDraft::default()
        };
        draft
            .headers
            .push(crate_kv(true, "Authorization", "{{auth}}"));
        let (filled, used) = scope.fill_draft_tracked(&draft).unwrap();
        assert_eq!(filled.headers[0].value, "Bearer s'e\"c&r%t");
        assert_eq!(filled.path, "x/");
        assert_eq!(
            used.into_iter().collect::<Vec<_>>(),
            ["api_key"],
            "found through {{auth}}"
        );

        // Ten variables each using the next ten times: stopped, not 10^10 lookups.
        let chain: Vec<Variable> = (0..10)
            .map(|i| var(&format!("v{i}"), &format!("{{{{v{}}}}}", i + 1).repeat(10)))
            .chain(std::iter::once(var("v10", "")))
            .collect();
        let scope = VariableScope {
            layers: vec![&chain],
            ..VariableScope::default()
        };
        let mut missing = BTreeSet::new();
        let _ = scope.fill("{{v0}}", &mut missing);
        assert!(
            missing.iter().any(|m| m.contains("too many")),
            "{missing:?}"
        );

        // A method without a body: its (hidden) body is neither filled nor checked.
        let get = RequestDraft {
            body: "{{only_in_a_post}}".into(),
            ..RequestDraft::default()
        };
        assert!(!VariableScope::draft_uses_variables(&get));
        assert_eq!(scope.fill_draft(&get).unwrap().body, "{{only_in_a_post}}");
        let post = RequestDraft {
            method: crate::model::HttpMethod::Post,
            ..get
        };
        assert!(scope.fill_draft(&post).is_err());
        // Checked before sending: `{"id": {{id}}}` is valid JSON once a number goes in.
        let checked = with_placeholders(&RequestDraft {
            body: "{\"id\": {{id}}}".into(),
            ..post
        });
        assert_eq!(checked.body, "{\"id\": 100000}");
    }
}
