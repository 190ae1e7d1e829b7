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

/// All known endpoints, by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    endpoints: BTreeMap<String, Endpoint>,
}

fn f(name: &str, kind: FieldKind) -> FieldInfo {
    FieldInfo {
        name: name.to_owned(),
        kind,
        max_len: None,
        required: false,
        read_only: false,
    }
}

fn text(name: &str, max: usize) -> FieldInfo {
    FieldInfo {
        max_len: Some(max),
        ..f(name, FieldKind::Text)
    }
}

fn required(mut field: FieldInfo) -> FieldInfo {
    field.required = true;
    field
}

fn read_only(mut field: FieldInfo) -> FieldInfo {
    field.read_only = true;
    field
}

/// The customer fields the app works with (the rest are read as they come).
fn customer_fields() -> Vec<FieldInfo> {
    use FieldKind::{Boolean, DateTime, Decimal, Integer, List, Object};
    let mut fields = vec![
        read_only(f("id", Integer)),
        required(text("reference", 8)),
        required(text("name", 60)),
        text("short_name", 8),
        read_only(f("balance", Decimal)),
        f("on_hold", Boolean),
        text("status_reason", 256),
        text("account_status_type", 20),
        f("currency_id", Integer),
        text("exchange_rate_type", 20),
        text("telephone_country_code", 5),
        text("telephone_area_code", 20),
        text("telephone_subscriber_number", 200),
        text("fax_country_code", 5),
        text("fax_area_code", 20),
        text("fax_subscriber_number", 200),
        text("website", 200),
        f("credit_limit", Decimal),
        f("country_code_id", Integer),
        f("default_tax_code_id", Integer),
        text("vat_number", 30),
        text("duns_code", 9),
        text("account_type", 20),
        f("payment_terms_days", Integer),
        text("payment_terms_basis", 20),
        f("terms_agreed", Boolean),
        f("account_opened", DateTime),
        text("analysis_code_1", 60),
        read_only(f("date_time_created", DateTime)),
        read_only(f("date_time_updated", DateTime)),
        f("main_address", Object),
        f("contacts", List),
    ];
    for n in 2..=20 {
        fields.insert(fields.len() - 4, text(&format!("analysis_code_{n}"), 60));
    }
    fields
}

struct Builtin {
    path: &'static str,
    title: &'static str,
    verbs: &'static [Verb],
    list: bool,
    search: &'static [&'static str],
}

const BUILTIN: &[Builtin] = &[
    Builtin {
        path: "sites",
        title: "Sites and companies you may open",
        verbs: &[Verb::Get],
        list: false,
        search: &[],
    },
    Builtin {
        path: "current_user",
        title: "The signed-in user",
        verbs: &[Verb::Get],
        list: false,
        search: &[],
    },
    Builtin {
        path: "customers",
        title: "Customers",
        verbs: &[Verb::Get, Verb::Post],
        list: true,
        search: &["name", "reference"],
    },
    Builtin {
        path: "customers/{id}",
        title: "One customer",
        verbs: &[Verb::Get, Verb::Put, Verb::Delete],
        list: false,
        search: &[],
    },
    Builtin {
        path: "customers_new",
        title: "A new customer filled with the company's defaults (not saved)",
        verbs: &[Verb::Post],
        list: false,
        search: &[],
    },
    Builtin {
        path: "customer_views",
        title: "Customers, flattened for fast reading",
        verbs: &[Verb::Get],
        list: true,
        search: &["name", "reference"],
    },
    Builtin {
        path: "customers/{id}/customer_contacts",
        title: "A customer's contacts",
        verbs: &[Verb::Get],
        list: true,
        search: &["name"],
    },
    Builtin {
        path: "customer_contacts",
        title: "Customer contacts",
        verbs: &[Verb::Get, Verb::Post],
        list: true,
        search: &["name"],
    },
    Builtin {
        path: "suppliers",
        title: "Suppliers",
        verbs: &[Verb::Get, Verb::Post],
        list: true,
        search: &["name", "reference"],
    },
    Builtin {
        path: "suppliers/{id}",
        title: "One supplier",
        verbs: &[Verb::Get, Verb::Put, Verb::Delete],
        list: false,
        search: &[],
    },
    Builtin {
        path: "supplier_views",
        title: "Suppliers, flattened for fast reading",
        verbs: &[Verb::Get],
        list: true,
        search: &["name", "reference"],
    },
    Builtin {
        path: "products",
        title: "Products (stock items)",
        verbs: &[Verb::Get, Verb::Post],
        list: true,
        search: &["name", "code"],
    },
    Builtin {
        path: "products/{id}",
        title: "One product",
        verbs: &[Verb::Get, Verb::Put, Verb::Delete],
        list: false,
        search: &[],
    },
    Builtin {
        path: "sop_orders",
        title: "Sales orders",
        verbs: &[Verb::Get, Verb::Post],
        list: true,
        search: &["document_no", "customer_document_no"],
    },
    Builtin {
        path: "sop_orders/{id}",
        title: "One sales order",
        verbs: &[Verb::Get, Verb::Put, Verb::Delete],
        list: false,
        search: &[],
    },
    Builtin {
        path: "nominal_codes",
        title: "Nominal codes (general ledger accounts)",
        verbs: &[Verb::Get, Verb::Post],
        list: true,
        search: &["name", "reference"],
    },
    Builtin {
        path: "nominal_codes/{id}",
        title: "One nominal code",
        verbs: &[Verb::Get, Verb::Put, Verb::Delete],
        list: false,
        search: &[],
    },
    Builtin {
        path: "currencies",
        title: "Currencies",
        verbs: &[Verb::Get],
        list: true,
        search: &["name", "symbol"],
    },
    Builtin {
        path: "currencies/{id}",
        title: "One currency",
        verbs: &[Verb::Get],
        list: false,
        search: &[],
    },
    Builtin {
        path: "country_codes",
        title: "Country codes",
        verbs: &[Verb::Get],
        list: true,
        search: &["name", "code"],
    },
    Builtin {
        path: "tax_codes",
        title: "Tax codes",
        verbs: &[Verb::Get],
        list: true,
        search: &["name"],
    },
    Builtin {
        path: "trader_payment_terms",
        title: "Payment terms",
        verbs: &[Verb::Get],
        list: true,
        search: &[],
    },
    Builtin {
        path: "account_status_types",
        title: "Account status values",
        verbs: &[Verb::Get],
        list: true,
        search: &[],
    },
];

impl Catalogue {
    /// The catalogue the app ships with.
    #[must_use]
    pub fn builtin() -> Self {
        let mut catalogue = Self::default();
        for entry in BUILTIN {
            let fields = if entry.path.starts_with("customers") && !entry.path.contains("contacts")
            {
                customer_fields()
            } else {
                Vec::new()
            };
            catalogue.insert(Endpoint {
                path: entry.path.to_owned(),
                title: entry.title.to_owned(),
                verbs: entry.verbs.to_vec(),
                is_list: entry.list,
                fields,
                search_fields: entry.search.iter().map(|s| (*s).to_owned()).collect(),
            });
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
        let endpoint = self.find_for(path)?;
        let fields: Vec<&FieldInfo> = endpoint
            .fields
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
        let document: Value = serde_json::from_str(text).map_err(|e| {
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
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("The document has no paths.")?;
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
            let mut endpoint = Endpoint {
                path: path.clone(),
                title,
                verbs,
                is_list,
                fields,
                search_fields: Vec::new(),
            };
            if let Some(existing) = existing {
                // Keep what the built-in catalogue knows best: its titles and search fields.
                endpoint.title = existing.title;
                endpoint.search_fields = existing.search_fields;
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

/// `/customers/{Id}` → `customers/{id}`.
fn normalise_path(raw: &str) -> String {
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

fn resolve<'a>(document: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => document.pointer(reference.strip_prefix('#')?),
        None => Some(schema),
    }
}

fn fields_of(document: &Value, schema: &Value) -> Vec<FieldInfo> {
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
                .complete("views", 10)
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
