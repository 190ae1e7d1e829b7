//! The endpoint catalogue: which Sage 200 resources exist, which methods and query options
//! each takes, and the fields of the main records. The built-in part is written here in the
//! project's own words; an `OpenAPI` 3 file chosen by the user (Sage publishes its reference in
//! that form) extends it.

use std::collections::BTreeMap;

use serde_json::Value;

/// An HTTP method a path accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verb {
    /// Read.
    Get,
    /// Create (or, for `x_new`, fetch defaults).
    Post,
    /// Update (a merge on Sage 200).
    Put,
    /// Delete.
    Delete,
}

impl Verb {
    /// The method as sent.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "get" => Some(Self::Get),
            "post" => Some(Self::Post),
            "put" => Some(Self::Put),
            "delete" => Some(Self::Delete),
            _ => None,
        }
    }
}

/// The kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A whole number (ids, counts).
    Integer,
    /// A decimal (money, rates).
    Decimal,
    /// Text.
    Text,
    /// `true` / `false`.
    Boolean,
    /// A date-time (ISO 8601).
    DateTime,
    /// A nested object.
    Object,
    /// A list of objects.
    List,
}

/// One field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    /// Its wire name.
    pub name: String,
    /// Its kind.
    pub kind: FieldKind,
    /// The longest text accepted.
    pub max_len: Option<usize>,
    /// Whether a create must give it.
    pub required: bool,
    /// Whether the server ignores it on writes.
    pub read_only: bool,
}

/// One path of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Relative to the API base URL, e.g. `customers/{id}`.
    pub path: String,
    /// What it is, for people.
    pub title: String,
    /// The methods it accepts.
    pub verbs: Vec<Verb>,
    /// Whether GET answers a list that takes `$select $filter $orderby $top $skip $expand $count`.
    pub is_list: bool,
    /// The fields of its records, when known.
    pub fields: Vec<FieldInfo>,
    /// Fields that the quick search looks in (name, reference, code…).
    pub search_fields: Vec<String>,
    /// The field that tells its records apart, for `$orderby` tie-breaks, paging and
    /// opening one: `id`, or a view's own key (`posted_customer_transaction_id` in
    /// `sales_transaction_views`, whose records have no `id`).
    pub key: String,
}

impl Endpoint {
    /// The names of the fields that can be filtered and sorted (not nested objects or lists).
    #[must_use]
    pub fn scalar_field_names(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| !matches!(f.kind, FieldKind::Object | FieldKind::List))
            .map(|f| f.name.clone())
            .collect()
    }

    /// Whether the path has `{…}` placeholders.
    #[must_use]
    pub fn has_placeholders(&self) -> bool {
        self.path.contains('{')
    }
}

/// A list related to a record, to drill down to (see [`Catalogue::related`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// What it is, for people.
    pub title: String,
    /// The list's path, `{id}` standing for the record's value.
    pub path: String,
    /// The records it lists (the path's last segment).
    pub resource: String,
    /// The field narrowing the list to the record (`customer_id`), for lists that are not
    /// nested under it.
    pub field: Option<String>,
    /// The record's field whose value the list is narrowed by (its key, or `urn`).
    pub value_from: String,
}

/// All known endpoints, by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    endpoints: BTreeMap<String, Endpoint>,
}

impl Catalogue {
    /// The catalogue the app ships with.
    #[must_use]
    pub fn builtin() -> Self {
        let mut catalogue = Self::default();
        for endpoint in super::builtin::endpoints() {
            catalogue.insert(endpoint);
        }
        catalogue
    }

    fn insert(&mut self, endpoint: Endpoint) {
        self.endpoints.insert(endpoint.path.clone(), endpoint);
    }

    /// Every endpoint, ordered by path.
    pub fn endpoints(&self) -> impl Iterator<Item = &Endpoint> {
        self.endpoints.values()
    }

    /// How many paths are known.
    #[must_use]
    pub fn len(&self) -> usize {
        self.endpoints.len()
    }

    /// Whether the catalogue is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
    }

    /// The endpoint at `path` (placeholders written as in the catalogue).
    #[must_use]
    pub fn get(&self, path: &str) -> Option<&Endpoint> {
        self.endpoints.get(path.trim_matches('/'))
    }

    /// The endpoint a concrete path belongs to: `customers/42` finds `customers/{id}`.
    #[must_use]
    pub fn find_for(&self, path: &str) -> Option<&Endpoint> {
        let path = path.trim().trim_matches('/');
        if let Some(exact) = self.get(path) {
            return Some(exact);
        }
        let wanted: Vec<&str> = path.split('/').collect();
        self.endpoints().find(|e| {
            let pattern: Vec<&str> = e.path.split('/').collect();
            pattern.len() == wanted.len()
                && pattern
                    .iter()
                    .zip(&wanted)
                    .all(|(p, w)| p.starts_with('{') || p.eq_ignore_ascii_case(w))
        })
    }

    /// Whether GET on `path` answers a list, read from its template: nested lists
    /// (`customers/5/sop_orders`) are lists too.
    #[must_use]
    pub fn is_list_path(&self, path: &str) -> bool {
        self.find_for(path).is_some_and(|e| e.is_list)
    }

    /// The columns a list at `path` shows until the user chooses (`$select`): those in
    /// [`super::builtin::DEFAULT_COLUMNS`] for its resource (Sage's field names, from its
    /// schemas); empty, meaning every column, for other lists.
    #[must_use]
    pub fn default_columns(path: &str) -> Vec<String> {
        let resource = path.trim_matches('/').rsplit('/').next().unwrap_or(path);
        super::builtin::DEFAULT_COLUMNS
            .iter()
            .find(|(name, _)| *name == resource)
            .map(|(_, columns)| columns.iter().map(|c| (*c).to_owned()).collect())
            .unwrap_or_default()
    }

    /// The filterable field names of the records at `path` (empty when unknown).
    #[must_use]
    pub fn scalar_fields_for(&self, path: &str) -> Vec<String> {
        self.find_for(path)
            .map(Endpoint::scalar_field_names)
            .unwrap_or_default()
    }

    /// A JSON body to start from for creating or updating at `path`: the required and
    /// writable fields of its records, with empty values of the right kind.
    #[must_use]
    pub fn template_for(&self, path: &str) -> Option<String> {
        template_of(&self.find_for(path)?.fields)
    }

    /// The list resource a field refers to, read from Sage's naming: `currency_id` →
    /// `currencies`, `country_code_id` → `country_codes`, `default_tax_code_id` →
    /// `tax_codes` (leading words are dropped until a resource matches), `customer_id` →
    /// `customers`. `None` for `id` itself, fields not ending in `_id`, or no such list.
    #[must_use]
    pub fn link_target(&self, field: &str) -> Option<&Endpoint> {
        let base = field.strip_suffix("_id")?;
        let mut words: Vec<&str> = base.split('_').filter(|w| !w.is_empty()).collect();
        while !words.is_empty() {
            let name = words.join("_");
            let plurals = [
                format!("{name}s"),
                format!("{name}es"),
                name.strip_suffix('y')
                    .map(|stem| format!("{stem}ies"))
                    .unwrap_or_default(),
                name.clone(),
            ];
            if let Some(found) = plurals
                .iter()
                .filter(|p| !p.is_empty())
                .find_map(|p| self.get(p).filter(|e| e.is_list))
            {
                return Some(found);
            }
            words.remove(0);
        }
        None
    }

    /// The lists related to a record of `resource`, for drilling down from it, read from
    /// the catalogue: paths nested under it (`customers/{id}/sop_orders`), lists whose
    /// records name it (`sales_aged_debtor_summary_views` by `customer_id`), and, between
    /// the nominal ledger and the others, lists that share its `urn` (Sage's unique
    /// reference number, which ties a ledger transaction to its nominal postings). A nested
    /// path wins over a list of the same records.
    #[must_use]
    pub fn related(&self, resource: &str) -> Vec<Related> {
        let resource = resource
            .trim_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(resource);
        let Some(own) = self.get(resource) else {
            return Vec::new();
        };
        let key = own.key.clone();
        let mut related: Vec<Related> = Vec::new();
        for endpoint in self.endpoints() {
            let parts: Vec<&str> = endpoint.path.split('/').collect();
            if let [parent, placeholder, child] = parts.as_slice()
                && *parent == resource
                && placeholder.starts_with('{')
                && endpoint.is_list
            {
                related.push(Related {
                    title: endpoint.title.clone(),
                    path: format!("{parent}/{{id}}/{child}"),
                    resource: (*child).to_owned(),
                    field: None,
                    value_from: key.clone(),
                });
            }
        }
        let naming = format!("{}_id", singular(resource));
        let own_urn = own.fields.iter().any(|f| f.name == "urn");
        for endpoint in self.lists() {
            if endpoint.path == resource || related.iter().any(|r| r.resource == endpoint.path) {
                continue;
            }
            let has = |name: &str| endpoint.fields.iter().any(|f| f.name == name);
            let (field, value_from) = if has(&naming) {
                (naming.clone(), key.clone())
            } else if own_urn
                && has("urn")
                && (resource.contains("nominal") || endpoint.path.contains("nominal"))
            {
                ("urn".to_owned(), "urn".to_owned())
            } else {
                continue;
            };
            related.push(Related {
                title: endpoint.title.clone(),
                path: endpoint.path.clone(),
                resource: endpoint.path.clone(),
                field: Some(field),
                value_from,
            });
        }
        related
    }

    /// The list resources, for the browse screen.
    pub fn lists(&self) -> impl Iterator<Item = &Endpoint> {
        self.endpoints()
            .filter(|e| e.is_list && !e.has_placeholders())
    }

    /// Paths for completion: those starting with `typed` first, then those containing it.
    #[must_use]
    pub fn complete(&self, typed: &str, limit: usize) -> Vec<&Endpoint> {
        let typed = typed.trim().trim_start_matches('/').to_ascii_lowercase();
        let mut starts: Vec<&Endpoint> = Vec::new();
        let mut contains: Vec<&Endpoint> = Vec::new();
        for endpoint in self.endpoints() {
            let path = endpoint.path.to_ascii_lowercase();
            if path.starts_with(&typed) {
                starts.push(endpoint);
            } else if path.contains(&typed) {
                contains.push(endpoint);
            }
        }
        starts.sort_by_key(|e| (e.path.len(), e.path.clone()));
        starts.into_iter().chain(contains).take(limit).collect()
    }

    /// Adds every path of an `OpenAPI` 3 document (JSON), with its methods and, where the
    /// answer's schema is given, its record fields. Returns how many paths it held.
    pub fn import_openapi(&mut self, text: &str) -> Result<usize, String> {
        let document = read_openapi(text)?;
        let paths = openapi_paths(&document)?;
        for (raw_path, item) in paths {
            let path = normalise_path(raw_path);
            let Some(item) = item.as_object() else {
                continue;
            };
            let verbs: Vec<Verb> = item.keys().filter_map(|k| Verb::parse(k)).collect();
            let title = item
                .get("x-sage-pathtitle")
                .or_else(|| item.get("get").and_then(|g| g.get("summary")))
                .and_then(Value::as_str)
                .unwrap_or(&path)
                .to_owned();
            let list_schema = item
                .get("get")
                .and_then(|g| g.pointer("/responses/200/content/application~1json/schema"));
            let is_list = list_schema
                .and_then(|s| s.get("type"))
                .and_then(Value::as_str)
                == Some("array");
            let record_schema = list_schema
                .and_then(|s| s.get("items").or(Some(s)))
                .and_then(|s| resolve(&document, s));
            let fields = record_schema
                .map(|s| fields_of(&document, s))
                .unwrap_or_default();
            let existing = self.endpoints.remove(&path);
            let key = key_of(&path, &fields);
            let mut endpoint = Endpoint {
                path: path.clone(),
                title,
                verbs,
                is_list,
                fields,
                search_fields: Vec::new(),
                key,
            };
            if let Some(existing) = existing {
                // Keep what the built-in catalogue knows best: titles, search fields, key.
                endpoint.title = existing.title;
                endpoint.search_fields = existing.search_fields;
                endpoint.key = existing.key;
                for verb in existing.verbs {
                    if !endpoint.verbs.contains(&verb) {
                        endpoint.verbs.push(verb);
                    }
                }
            }
            endpoint.verbs.sort();
            if endpoint.search_fields.is_empty() {
                endpoint.search_fields = ["name", "reference", "code"]
                    .iter()
                    .filter(|n| endpoint.fields.iter().any(|f| f.name == **n))
                    .map(|n| (*n).to_owned())
                    .collect();
            }
            self.insert(endpoint);
        }
        Ok(paths.len())
    }
}

/// One record of a list, by Sage's plurals: `currencies` → `currency`, `tax_codes` →
/// `tax_code` (the inverse of what [`Catalogue::link_target`] tries).
#[must_use]
pub fn singular(resource: &str) -> String {
    resource
        .strip_suffix("ies")
        .map(|stem| format!("{stem}y"))
        .or_else(|| resource.strip_suffix('s').map(str::to_owned))
        .unwrap_or_else(|| resource.to_owned())
}

/// The key of a path's records read from its fields: `id` when they have one (or nothing is
/// known); otherwise the resource's own `…_id` (`customer_period_value_views` →
/// `customer_period_value_id`), else the first `…_id` field.
fn key_of(path: &str, fields: &[FieldInfo]) -> String {
    let has = |name: &str| fields.iter().any(|f| f.name == name);
    if fields.is_empty() || has("id") {
        return "id".to_owned();
    }
    let resource = path.rsplit('/').next().unwrap_or(path);
    let singular = resource
        .strip_suffix("_views")
        .or_else(|| resource.strip_suffix('s'))
        .unwrap_or(resource);
    let own = format!("{singular}_id");
    if has(&own) {
        return own;
    }
    fields
        .iter()
        .find(|f| f.name.ends_with("_id"))
        .map_or_else(|| "id".to_owned(), |f| f.name.clone())
}

/// `/customers/{Id}` → `customers/{id}`.
/// A JSON body to start from for records with `fields`: the required and writable scalar
/// fields, then a few more writable ones, with empty values of the right kind (pretty
/// printed); `None` when no field is writable.
pub(super) fn template_of(fields: &[FieldInfo]) -> Option<String> {
    let fields: Vec<&FieldInfo> = fields
        .iter()
        .filter(|f| !f.read_only && !matches!(f.kind, FieldKind::Object | FieldKind::List))
        .collect();
    if fields.is_empty() {
        return None;
    }
    let mut body = serde_json::Map::new();
    // Required fields first, then a few common writable ones, so the template stays short.
    for field in fields
        .iter()
        .filter(|f| f.required)
        .chain(fields.iter().filter(|f| !f.required).take(8))
    {
        let value = match field.kind {
            FieldKind::Integer => Value::from(0),
            FieldKind::Decimal => Value::from(0.0),
            FieldKind::Boolean => Value::Bool(false),
            _ => Value::String(String::new()),
        };
        body.insert(field.name.clone(), value);
    }
    serde_json::to_string_pretty(&Value::Object(body)).ok()
}

/// An `OpenAPI` 3 document read from JSON text (a UTF-8 byte-order mark read past).
///
/// # Errors
/// A sentence for people when the text is not JSON, or not `OpenAPI` 3.
pub(super) fn read_openapi(text: &str) -> Result<Value, String> {
    let document: Value = serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text))
        .map_err(|e| {
            format!(
                "This is not a JSON file (line {}, column {}): {e}",
                e.line(),
                e.column()
            )
        })?;
    if document
        .get("openapi")
        .and_then(Value::as_str)
        .is_none_or(|v| !v.starts_with('3'))
    {
        return Err("This is not an OpenAPI 3 document (no \"openapi\": \"3…\" field).".into());
    }
    Ok(document)
}

/// A document's `paths`.
///
/// # Errors
/// When it has none.
pub(super) fn openapi_paths(document: &Value) -> Result<&serde_json::Map<String, Value>, String> {
    document
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| "The document has no paths.".to_owned())
}

pub(super) fn normalise_path(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut in_braces = false;
    for c in raw.trim_matches('/').chars() {
        match c {
            '{' => {
                in_braces = true;
                out.push(c);
            }
            '}' => {
                in_braces = false;
                out.push(c);
            }
            _ if in_braces => out.extend(c.to_lowercase()),
            _ => out.push(c),
        }
    }
    out
}

pub(super) fn resolve<'a>(document: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => document.pointer(reference.strip_prefix('#')?),
        None => Some(schema),
    }
}

pub(super) fn fields_of(document: &Value, schema: &Value) -> Vec<FieldInfo> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| {
            let property = resolve(document, property).unwrap_or(property);
            let kind = match property.get("type").and_then(Value::as_str) {
                Some("integer") => FieldKind::Integer,
                Some("number") => FieldKind::Decimal,
                Some("boolean") => FieldKind::Boolean,
                Some("array") => FieldKind::List,
                Some("string")
                    if property.get("format").and_then(Value::as_str) == Some("date-time") =>
                {
                    FieldKind::DateTime
                }
                Some("string") => FieldKind::Text,
                _ => FieldKind::Object,
            };
            FieldInfo {
                name: name.clone(),
                kind,
                max_len: property
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .and_then(|n| usize::try_from(n).ok()),
                required: required.contains(&name.as_str()),
                read_only: property
                    .get("readOnly")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drills(catalogue: &Catalogue, resource: &str) -> Vec<(String, Option<String>, String)> {
        catalogue
            .related(resource)
            .into_iter()
            .map(|r| (r.path, r.field, r.value_from))
            .collect()
    }

    #[test]
    fn a_record_leads_to_the_lists_that_name_it() {
        let catalogue = Catalogue::builtin();
        let customer = drills(&catalogue, "customers");
        for nested in [
            "customers/{id}/sales_posted_transactions",
            "customers/{id}/sop_orders",
            "customers/{id}/customer_contacts",
        ] {
            assert!(
                customer.contains(&(nested.to_owned(), None, "id".to_owned())),
                "{nested}: {customer:?}"
            );
        }
        assert!(customer.contains(&(
            "sales_aged_debtor_summary_views".to_owned(),
            Some("customer_id".to_owned()),
            "id".to_owned()
        )));
        // The nested path stands for the plain list of the same records.
        assert!(
            !customer
                .iter()
                .any(|(p, _, _)| p == "sales_posted_transactions")
        );
        // A transaction leads to its nominal postings by URN, and a posting back to it.
        assert!(drills(&catalogue, "sales_posted_transactions").contains(&(
            "nominal_transaction_enquiry_views".to_owned(),
            Some("urn".to_owned()),
            "urn".to_owned()
        )));
        assert!(
            drills(&catalogue, "nominal_transaction_enquiry_views").contains(&(
                "sales_posted_transactions".to_owned(),
                Some("urn".to_owned()),
                "urn".to_owned()
            ))
        );
        assert!(
            !drills(&catalogue, "sales_posted_transactions")
                .iter()
                .any(|(p, _, _)| p == "purchase_posted_transactions"),
            "ledgers do not share URNs with each other, only with the nominal ledger"
        );
        assert_eq!(
            drills(&catalogue, "nominal_codes"),
            [(
                "nominal_codes/{id}/nominal_transaction_enquiry_views".to_owned(),
                None,
                "id".to_owned()
            )]
        );
        assert!(drills(&catalogue, "no_such_list").is_empty());
    }

    #[test]
    fn views_without_an_id_are_keyed_by_their_own_field() {
        let catalogue = Catalogue::builtin();
        let key = |path: &str| catalogue.find_for(path).map(|e| e.key.clone());
        assert_eq!(key("customers").as_deref(), Some("id"));
        assert_eq!(
            key("sales_transaction_views").as_deref(),
            Some("posted_customer_transaction_id")
        );
        assert_eq!(
            key("customers/12/sales_posted_transactions").as_deref(),
            Some("id")
        );
        let field = |name: &str| FieldInfo {
            name: name.to_owned(),
            kind: FieldKind::Integer,
            max_len: None,
            required: false,
            read_only: false,
        };
        assert_eq!(key_of("x", &[]), "id");
        assert_eq!(
            key_of(
                "customer_period_value_views",
                &[field("customer_id"), field("customer_period_value_id")]
            ),
            "customer_period_value_id"
        );
        assert_eq!(
            key_of(
                "purchase_transaction_views",
                &[
                    field("posted_supplier_transaction_id"),
                    field("supplier_id")
                ]
            ),
            "posted_supplier_transaction_id"
        );
    }

    #[test]
    fn completion_offers_what_starts_with_the_text_first() {
        let catalogue = Catalogue::builtin();
        let offered: Vec<&str> = catalogue
            .complete("cust", 10)
            .iter()
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(offered[0], "customers");
        assert!(offered.contains(&"customers/{id}"));
        assert!(offered.contains(&"customer_views"));
        assert!(
            catalogue
                .complete("plier_views", 10)
                .iter()
                .any(|e| e.path == "supplier_views")
        );
        assert!(catalogue.get("customers/{id}").unwrap().has_placeholders());
        assert_eq!(
            catalogue.find_for("customers/42").unwrap().path,
            "customers/{id}"
        );
        assert_eq!(catalogue.find_for("/customers/").unwrap().path, "customers");
        assert!(catalogue.find_for("nothing/here").is_none());
        let template: Value =
            serde_json::from_str(&catalogue.template_for("customers").unwrap()).unwrap();
        let keys: Vec<&String> = template.as_object().unwrap().keys().collect();
        assert_eq!(&keys[..2], ["reference", "name"], "required fields first");
        assert!(
            !keys.iter().any(|k| *k == "id" || *k == "balance"),
            "read-only fields left out"
        );
        let lists: Vec<&str> = catalogue.lists().map(|e| e.path.as_str()).collect();
        assert!(lists.contains(&"customers") && lists.contains(&"nominal_codes"));
        assert!(!lists.contains(&"customers/{id}/customer_contacts"));
    }

    #[test]
    fn openapi_import_reads_paths_methods_and_fields() {
        let document = r##"{"openapi": "3.0.1", "paths": {
            "/widgets": {"get": {"responses": {"200": {"content": {"application/json": {"schema":
                {"type": "array", "items": {"$ref": "#/components/schemas/widget"}}}}}}},
                "post": {}},
            "/widgets/{Id}": {"get": {}, "delete": {}}},
            "components": {"schemas": {"widget": {"required": ["name"], "properties": {
                "id": {"type": "integer", "readOnly": true},
                "name": {"type": "string", "maxLength": 60},
                "made": {"type": "string", "format": "date-time"}}}}}}"##;
        let mut catalogue = Catalogue::default();
        assert_eq!(catalogue.import_openapi(document), Ok(2));
        let widgets = catalogue.get("widgets").unwrap();
        assert!(widgets.is_list);
        assert_eq!(widgets.verbs, [Verb::Get, Verb::Post]);
        let name = widgets.fields.iter().find(|f| f.name == "name").unwrap();
        assert_eq!((name.max_len, name.required), (Some(60), true));
        assert_eq!(widgets.search_fields, ["name"]);
        assert_eq!(
            catalogue.get("widgets/{id}").unwrap().verbs,
            [Verb::Get, Verb::Delete]
        );
        assert!(
            catalogue
                .import_openapi("{\"swagger\": \"2.0\"}")
                .unwrap_err()
                .contains("OpenAPI 3")
        );
        assert!(
            catalogue
                .import_openapi("not json")
                .unwrap_err()
                .contains("line 1")
        );
    }

    #[test]
    fn reference_fields_lead_to_their_list_by_sage_naming() {
        let catalogue = Catalogue::builtin();
        let target = |field: &str| catalogue.link_target(field).map(|e| e.path.clone());
        assert_eq!(target("currency_id").as_deref(), Some("currencies"));
        assert_eq!(target("country_code_id").as_deref(), Some("country_codes"));
        assert_eq!(target("default_tax_code_id").as_deref(), Some("tax_codes"));
        assert_eq!(target("customer_id").as_deref(), Some("customers"));
        assert_eq!(target("id"), None, "a record's own id leads nowhere");
        assert_eq!(target("name"), None);
        assert_eq!(target("no_such_thing_id"), None);
    }
}
