//! `{{name}}` variables in saved requests: finding them (for highlighting) and filling
//! them in from the places a request can see, nearest first: its folders (innermost
//! first), its collection, the active environment, then the built-ins the app provides
//! (`{{company_id}}`, `{{site_id}}`, `{{today}}`, `{{uuid}}`). The syntax is Postman's:
//! a name between `{{` and `}}`, without spaces around it; a variable's value may itself
//! use variables.

use std::collections::BTreeSet;
use std::ops::Range;

use super::collection::{Body, SavedRequest, Variable};

/// How deep variables may use variables.
const MAX_DEPTH: usize = 10;

/// The longest text filling may make (a chain of variables doubling each other stops here).
const MAX_FILLED: usize = 16 * 1024 * 1024;

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
    /// The app's own values, last: `company_id`, `site_id`, `today`, `uuid`.
    pub builtins: Vec<(String, String)>,
}

impl VariableScope<'_> {
    /// The value of `name`, if any layer has it. A secret whose value is not given (it is
    /// kept in the keyring, and the caller passes it in a layer of its own) has none.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.lookup(name).map(|(_, value)| value)
    }

    /// The variable `name` as `(its key, its value)`, from the nearest layer that has it.
    fn lookup(&self, name: &str) -> Option<(&str, &str)> {
        self.layers
            .iter()
            .flat_map(|layer| layer.iter())
            .find(|v| v.enabled && v.key == name && !(v.secret && v.value.is_empty()))
            .map(|v| (v.key.as_str(), v.value.as_str()))
            .or_else(|| {
                self.builtins
                    .iter()
                    .find(|(key, _)| key == name)
                    .map(|(key, value)| (key.as_str(), value.as_str()))
            })
    }

    /// `text` with every `{{name}}` filled in (values that use variables filled in
    /// too); `missing` gathers the names no layer has, which are left as written.
    pub fn fill(&self, text: &str, missing: &mut BTreeSet<String>) -> String {
        let mut out = String::with_capacity(text.len());
        self.fill_into(text, missing, &mut Vec::new(), &mut out);
        out
    }

    /// Fills `text` into `out`; `within` holds the variables being filled, so one that
    /// uses itself (at any remove) is said rather than filled for ever.
    fn fill_into<'s>(
        &'s self,
        text: &str,
        missing: &mut BTreeSet<String>,
        within: &mut Vec<&'s str>,
        out: &mut String,
    ) {
        let mut last = 0;
        for (range, name) in references(text) {
            out.push_str(&text[last..range.start]);
            last = range.end;
            match self.lookup(name) {
                Some((key, _)) if within.contains(&key) => {
                    missing.insert(format!("{name} (its value uses itself)"));
                    out.push_str(&text[range]);
                }
                Some(_) if within.len() >= MAX_DEPTH || out.len() > MAX_FILLED => {
                    missing.insert(format!(
                        "{name} (variables used more than {MAX_DEPTH} deep, or too long filled in)"
                    ));
                    out.push_str(&text[range]);
                }
                Some((key, value)) => {
                    within.push(key);
                    self.fill_into(value, missing, within, out);
                    within.pop();
                }
                None => {
                    missing.insert(name.to_owned());
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
        if missing.is_empty() {
            Ok(filled)
        } else {
            let names: Vec<String> = missing.iter().map(|n| format!("{{{{{n}}}}}")).collect();
            Err(format!(
                "{} {} not set: give {} a value in the environment, the collection or a folder, then send again.",
                names.join(", "),
                if names.len() == 1 { "is" } else { "are" },
                if names.len() == 1 { "it" } else { "them" },
            ))
        }
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
            builtins: Vec::new(),
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
            builtins: Vec::new(),
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
}
