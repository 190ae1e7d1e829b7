//! The Sage 200 API side: bearer-token and `X-Site`/`X-Company` checks, `sites`,
//! `current_user`, lists with `OData` options, and customers' create (with Sage's
//! validation), merge-update, delete, `customers_new`, `customer_views` and contacts.

#![allow(clippy::result_large_err)] // an axum `Response` is the natural error of a handler step

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::DemoState;
use super::data::Company;
use super::oauth::{DEMO_USER_EMAIL, DEMO_USER_NAME, TokenProblem};
use super::odata::Query;
use super::schema::{ADDRESS_FIELDS, CONTACT_TEXT_FIELDS, Kind, Schema};
use super::store::{Record, RecordView, Table, value_of};

/// The path prefixes of the two editions.
pub const PREFIXES: [&str; 2] = ["/uk/sage200extra/accounts/v1", "/uk/sage200/accounts/v1"];

/// Resources that can be listed and read by id.
const READABLE: [&str; 8] = [
    "customers",
    "suppliers",
    "products",
    "sop_orders",
    "nominal_codes",
    "currencies",
    "country_codes",
    "tax_codes",
];

fn message(status: StatusCode, text: &str) -> Response {
    (status, axum::Json(json!({ "Message": text }))).into_response()
}

fn json_bytes(body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Entry point for every API path under both edition prefixes.
pub async fn handle(
    State(state): State<Arc<DemoState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let Some(rest) = PREFIXES.iter().find_map(|p| path.strip_prefix(p)) else {
        return not_found(path);
    };
    if let Err(response) = check_bearer(&state, &headers) {
        return response;
    }
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let raw_query = uri.query().unwrap_or_default();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["sites"]) => return sites(&state),
        ("GET", ["current_user"]) => {
            return axum::Json(json!({
                "id": 1, "logon_name": "demo.user", "friendly_name": DEMO_USER_NAME,
                "email_address": DEMO_USER_EMAIL, "is_web_user": true,
                "last_logon_date_time": "2026-11-01T08:30:00Z",
            }))
            .into_response();
        }
        _ => {}
    }
    let response =
        handle_company_call(&state, &method, path, &segments, raw_query, &headers, &body);
    let changed = matches!(method.as_str(), "POST" | "PUT" | "DELETE")
        && segments.first() != Some(&"customers_new")
        && response.status() == StatusCode::OK;
    if changed {
        state.mark_changed();
    }
    response
}

/// Everything that needs a company: headers checked, then the resource call.
#[allow(clippy::too_many_lines)] // one flat dispatch table reads better than several
fn handle_company_call(
    state: &DemoState,
    method: &Method,
    path: &str,
    segments: &[&str],
    raw_query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let company_id = match company_from_headers(state, headers) {
        Ok(id) => id,
        Err(response) => return response,
    };
    let mut companies = state.lock_companies();
    let Some(company) = companies.iter_mut().find(|c| c.id == company_id) else {
        return message(
            StatusCode::FORBIDDEN,
            "Access to the requested company is denied.",
        );
    };
    match (method.as_str(), segments) {
        ("GET", [resource]) if READABLE.contains(resource) => {
            let table = &company.tables[*resource];
            list(company, &table.schema, &table.rows, raw_query)
        }
        ("GET", ["_demo_large_answer"]) => large_answer(raw_query),
        ("GET", ["customer_views"]) => {
            let schema = state.schemas.get("customer_views").cloned();
            let Some(schema) = schema else {
                return not_found(path);
            };
            let rows = customer_view_rows(company, &schema);
            list(company, &schema, &rows, raw_query)
        }
        ("GET", ["customers", id, "customer_contacts"]) => {
            let Some(schema) = state.schemas.get("customer_contacts").cloned() else {
                return not_found(path);
            };
            let Some(customer) = parse_id(id).and_then(|id| company.tables["customers"].get(id))
            else {
                return message(StatusCode::NOT_FOUND, "The customer was not found.");
            };
            let rows = contact_rows(&company.tables["customers"].schema, customer, &schema);
            list(company, &schema, &rows, raw_query)
        }
        ("GET", [resource, id]) if READABLE.contains(resource) => {
            let table = &company.tables[*resource];
            let Some(record) = parse_id(id).and_then(|id| table.get(id)) else {
                return message(
                    StatusCode::NOT_FOUND,
                    &format!("The {} record was not found.", singular(resource)),
                );
            };
            let query = match Query::parse(raw_query, &table.schema) {
                Ok(q) => q,
                Err(e) => return message(StatusCode::BAD_REQUEST, &e),
            };
            write_one(
                company,
                &table.schema,
                record,
                &query.output_fields(&table.schema),
            )
        }
        ("POST", ["customers_new"]) => customers_new(company),
        ("POST", ["customers"]) => create_customer(company, body),
        ("PUT", ["customers", id]) => match parse_id(id) {
            Some(id) => update_customer(company, id, body),
            None => message(StatusCode::NOT_FOUND, "The customer was not found."),
        },
        ("DELETE", ["customers", id]) => {
            if parse_id(id).is_some_and(|id| {
                company
                    .tables
                    .get_mut("customers")
                    .is_some_and(|t| t.remove(id))
            }) {
                StatusCode::OK.into_response()
            } else {
                message(StatusCode::NOT_FOUND, "The customer was not found.")
            }
        }
        (_, [resource, ..]) if READABLE.contains(resource) || *resource == "customer_views" => {
            message(
                StatusCode::METHOD_NOT_ALLOWED,
                &format!("The requested resource does not support http method '{method}'."),
            )
        }
        _ => not_found(path),
    }
}

fn not_found(path: &str) -> Response {
    message(
        StatusCode::NOT_FOUND,
        &format!("No HTTP resource was found that matches the request URI '{path}'."),
    )
}

fn singular(resource: &str) -> &str {
    resource.strip_suffix('s').unwrap_or(resource)
}

fn parse_id(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|id| *id > 0)
}

fn check_bearer(state: &DemoState, headers: &HeaderMap) -> Result<(), Response> {
    let denied = || {
        message(
            StatusCode::UNAUTHORIZED,
            "Authorization has been denied for this request.",
        )
    };
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(denied)?;
    // Sage needs exactly "Bearer <token>", with the space.
    let token = value.strip_prefix("Bearer ").ok_or_else(denied)?;
    match state.lock_oauth().check_access(token) {
        Ok(()) => Ok(()),
        // An expired token gets a bare 401, as Sage's gateway often sends.
        Err(TokenProblem::Expired) => Err(StatusCode::UNAUTHORIZED.into_response()),
        Err(TokenProblem::Invalid) => Err(denied()),
    }
}

fn company_from_headers(state: &DemoState, headers: &HeaderMap) -> Result<i64, Response> {
    let site = headers.get("x-site").and_then(|v| v.to_str().ok());
    let company = headers.get("x-company").and_then(|v| v.to_str().ok());
    let (Some(site), Some(company)) = (site, company) else {
        return Err(message(
            StatusCode::BAD_REQUEST,
            "The X-Site and X-Company headers are required for this request.",
        ));
    };
    let Ok(company_id) = company.trim().parse::<i64>() else {
        return Err(message(
            StatusCode::BAD_REQUEST,
            "X-Company must be a company id (a whole number).",
        ));
    };
    let known = state
        .lock_companies()
        .iter()
        .any(|c| c.id == company_id && c.site_id.eq_ignore_ascii_case(site.trim()));
    if known {
        Ok(company_id)
    } else {
        Err(message(
            StatusCode::FORBIDDEN,
            "Access to the requested company is denied.",
        ))
    }
}

fn sites(state: &DemoState) -> Response {
    let rows: Vec<Value> = state
        .lock_companies()
        .iter()
        .map(|c| {
            json!({
                "company_id": c.id, "company_name": c.name, "site_id": c.site_id,
                "site_name": c.site_name, "site_short_name": c.site_short_name, "tenant_id": 4321,
            })
        })
        .collect();
    axum::Json(rows).into_response()
}

/// Writes the full JSON of a related record (its scalar fields).
fn related_json(company: &Company, resource: &str, id: i64) -> Value {
    let Some(table) = company.tables.get(resource) else {
        return Value::Null;
    };
    let Some(record) = table.get(id) else {
        return Value::Null;
    };
    let fields: Vec<usize> = (0..table.schema.fields.len())
        .filter(|&p| table.schema.is_scalar(&table.schema.fields[p].name))
        .collect();
    let no_related = |_: &str, _: i64| Value::Null;
    serde_json::to_value(RecordView {
        schema: &table.schema,
        record,
        fields: &fields,
        related: &no_related,
    })
    .unwrap_or(Value::Null)
}

fn list(company: &Company, schema: &Schema, rows: &[Record], raw_query: &str) -> Response {
    let query = match Query::parse(raw_query, schema) {
        Ok(q) => q,
        Err(e) => return message(StatusCode::BAD_REQUEST, &e),
    };
    if query.count {
        return axum::Json(query.count_matching(schema, rows)).into_response();
    }
    let matched = query.apply(schema, rows);
    let fields = query.output_fields(schema);
    let related = |resource: &str, id: i64| related_json(company, resource, id);
    let views: Vec<RecordView<'_, _>> = matched
        .into_iter()
        .map(|record| RecordView {
            schema,
            record,
            fields: &fields,
            related: &related,
        })
        .collect();
    match serde_json::to_vec(&views) {
        Ok(body) => json_bytes(body),
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

fn write_one(company: &Company, schema: &Schema, record: &Record, fields: &[usize]) -> Response {
    let related = |resource: &str, id: i64| related_json(company, resource, id);
    match serde_json::to_vec(&RecordView {
        schema,
        record,
        fields,
        related: &related,
    }) {
        Ok(body) => json_bytes(body),
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// Every field of a customer, children included, as POST and PUT answer.
fn full_fields(schema: &Schema) -> Vec<usize> {
    (0..schema.fields.len())
        .filter(|&p| !matches!(schema.fields[p].kind, Kind::Related { .. }))
        .collect()
}

/// One field of a related record (`currencies` 2's `symbol`), or null.
fn related_field(company: &Company, resource: &str, id: i64, field: &str) -> Value {
    let Some(table) = company.tables.get(resource) else {
        return Value::Null;
    };
    match (table.get(id), table.schema.position(field)) {
        (Some(record), Some(position)) => value_of(&table.schema, record, position).into_owned(),
        _ => Value::Null,
    }
}

fn customer_view_rows(company: &Company, view: &Schema) -> Vec<Record> {
    let customers = &company.tables["customers"];
    let schema = &customers.schema;
    let get = |r: &Record, name: &str| {
        schema
            .position(name)
            .map_or(Value::Null, |p| value_of(schema, r, p).into_owned())
    };
    customers
        .rows
        .iter()
        .map(|c| {
            let mut v = Record::default();
            let mut put = |name: &str, value: Value| {
                if let Some(p) = view.position(name) {
                    v.set(p, value);
                }
            };
            for name in [
                "id",
                "reference",
                "name",
                "short_name",
                "country_code_id",
                "currency_id",
                "balance",
                "credit_limit",
                "vat_number",
                "account_status_type",
            ] {
                put(name, get(c, name));
            }
            put("account_is_on_hold", get(c, "on_hold"));
            let currency_id = get(c, "currency_id").as_i64().unwrap_or_default();
            put(
                "currency_name",
                related_field(company, "currencies", currency_id, "name"),
            );
            put(
                "currency_symbol",
                related_field(company, "currencies", currency_id, "symbol"),
            );
            let country_id = get(c, "country_code_id").as_i64().unwrap_or_default();
            put(
                "country_code",
                related_field(company, "country_codes", country_id, "code"),
            );
            let address = get(c, "main_address");
            put("city", address.get("city").cloned().unwrap_or(Value::Null));
            put(
                "postcode",
                address.get("postcode").cloned().unwrap_or(Value::Null),
            );
            if let Some(first) = get(c, "contacts").as_array().and_then(|a| a.first()) {
                put(
                    "contact_name",
                    first.get("name").cloned().unwrap_or(Value::Null),
                );
                put(
                    "contact_email",
                    first.get("default_email").cloned().unwrap_or(Value::Null),
                );
            }
            v
        })
        .collect()
}

fn contact_rows(
    customer_schema: &Schema,
    customer: &Record,
    contact_schema: &Schema,
) -> Vec<Record> {
    let contacts = customer_schema
        .position("contacts")
        .map_or(Value::Null, |p| {
            value_of(customer_schema, customer, p).into_owned()
        });
    contacts
        .as_array()
        .map(|list| {
            list.iter()
                .map(|contact| {
                    let mut r = Record::default();
                    if let Some(p) = contact_schema.position("customer_id") {
                        r.set(p, json!(customer.id()));
                    }
                    if let Some(object) = contact.as_object() {
                        for (key, value) in object {
                            if let Some(p) = contact_schema.position(key) {
                                r.set(p, value.clone());
                            }
                        }
                    }
                    r
                })
                .collect()
        })
        .unwrap_or_default()
}

const ACCOUNT_STATUS_TYPES: [&str; 2] = ["AccountStatusActive", "AccountStatusHidden"];
const ACCOUNT_TYPES: [&str; 2] = [
    "TradingAccountTypeOpenItem",
    "TradingAccountTypeBalanceForward",
];
const EXCHANGE_RATE_TYPES: [&str; 2] = ["ExchangeRateSingle", "ExchangeRateMultiple"];

fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn customers_new(company: &Company) -> Response {
    let table = &company.tables["customers"];
    let schema = &table.schema;
    let mut record = Record::default();
    for (name, value) in [
        ("currency_id", json!(1)),
        ("country_code_id", json!(1)),
        ("default_tax_code_id", json!(1)),
        ("account_status_type", json!("AccountStatusActive")),
        ("account_type", json!("TradingAccountTypeOpenItem")),
        ("exchange_rate_type", json!("ExchangeRateSingle")),
        ("payment_terms_days", json!(30)),
        ("payment_terms_basis", json!("PaymentDueDaysFromInvoice")),
        ("telephone_country_code", json!("44")),
        ("order_priority", json!("B")),
        ("months_to_keep_transactions", json!(12)),
        ("terms_agreed", json!(true)),
    ] {
        if let Some(p) = schema.position(name) {
            record.set(p, value);
        }
    }
    write_one(company, schema, &record, &full_fields(schema))
}

fn parse_body(body: &[u8]) -> Result<Map<String, Value>, Response> {
    if body.is_empty() {
        return Err(message(
            StatusCode::BAD_REQUEST,
            "The request body is empty.",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(message(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(message(
            StatusCode::BAD_REQUEST,
            &format!(
                "The request body is not valid JSON (line {}, column {}).",
                e.line(),
                e.column()
            ),
        )),
    }
}

/// A synthetic answer of about `mb` megabytes (`?mb=N`, default 10, at most 1024) of
/// customer-like records, for measuring how clients cope with very large answers.
fn large_answer(raw_query: &str) -> Response {
    use std::fmt::Write as _;
    let mb: usize = raw_query
        .split('&')
        .find_map(|pair| pair.strip_prefix("mb="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
        .min(1024);
    let target = mb * 1024 * 1024;
    let mut body = String::with_capacity(target + 4096);
    body.push('[');
    let mut id = 0u64;
    while body.len() < target {
        id += 1;
        if id > 1 {
            body.push(',');
        }
        let _ = write!(
            body,
            r#"{{"id":{id},"reference":"LRG{id:05}","name":"Large Answer Customer {id} & Sons","short_name":"Large","balance":{}.{:02},"credit_limit":{}.00,"on_hold":{},"account_status_type":"AccountStatusActive","currency_id":1,"telephone_area_code":"0161","telephone_subscriber_number":"{} {:04}","website":"www.large-{id}.example","vat_number":"GB{:09}","analysis_code_1":"North","analysis_code_2":"Trade","date_time_created":"2024-03-{:02}T09:30:00Z","date_time_updated":"2025-01-{:02}T16:45:12Z","main_address":{{"address_1":"{} High Street","city":"Leeds","postcode":"LS1 {}AB"}},"contacts":[{{"id":{id},"first_name":"Ann","last_name":"O'Brien","emails":[{{"email":"ann{id}@large.example"}}]}}]}}"#,
            id * 37 % 100_000,
            id % 100,
            (id % 50) * 500,
            id.is_multiple_of(7),
            100 + id % 900,
            id % 10_000,
            id * 7919 % 1_000_000_000,
            1 + id % 28,
            1 + id % 28,
            1 + id % 200,
            id % 10,
        );
    }
    body.push(']');
    (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// Checks one incoming scalar value against its field; `Ok(None)` means "ignore it".
fn check_value(
    schema: &Schema,
    name: &str,
    value: &Value,
) -> Result<Option<(usize, Value)>, String> {
    let Some(position) = schema.position(name) else {
        return Ok(None); // unknown fields are ignored, as Sage's model binding does
    };
    let field = &schema.fields[position];
    if field.read_only || matches!(field.kind, Kind::Child | Kind::Related { .. }) {
        return Ok(None);
    }
    let allowed: Option<&[&str]> = match name {
        "account_status_type" => Some(&ACCOUNT_STATUS_TYPES),
        "account_type" => Some(&ACCOUNT_TYPES),
        "exchange_rate_type" => Some(&EXCHANGE_RATE_TYPES),
        _ => None,
    };
    let ok = match (field.kind, value) {
        (_, Value::Null) => return Ok(None),
        (Kind::Text, Value::String(s)) => {
            // Enumerations are checked by value: Sage's own names (such as
            // `TradingAccountTypeOpenItem`) are longer than the schema's maxLength.
            if let Some(max) = field.max_len
                && allowed.is_none()
                && s.chars().count() > max
            {
                return Err(format!(
                    "The field '{name}' must be {max} characters or fewer."
                ));
            }
            true
        }
        (Kind::Int, Value::Number(n)) => n.is_i64(),
        (Kind::Decimal, Value::Number(_)) | (Kind::Bool, Value::Bool(_)) => true,
        (Kind::DateTime, Value::String(s)) => {
            chrono::DateTime::parse_from_rfc3339(s).is_ok()
                || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok()
        }
        _ => false,
    };
    if !ok {
        return Err(format!("The value for '{name}' is not valid."));
    }
    if let (Some(allowed), Some(text)) = (allowed, value.as_str())
        && !allowed.contains(&text)
    {
        return Err(format!("'{text}' is not a valid value for '{name}'."));
    }
    Ok(Some((position, value.clone())))
}

fn check_children(body: &Map<String, Value>) -> Result<(), String> {
    if let Some(address) = body.get("main_address") {
        let Some(address) = address.as_object() else {
            return Err("The value for 'main_address' is not valid.".into());
        };
        for (name, max) in ADDRESS_FIELDS {
            if let Some(value) = address.get(name) {
                let Some(text) = value.as_str() else {
                    return Err(format!("The value for 'main_address.{name}' is not valid."));
                };
                if text.chars().count() > max {
                    return Err(format!(
                        "The field 'main_address.{name}' must be {max} characters or fewer."
                    ));
                }
            }
        }
    }
    if let Some(contacts) = body.get("contacts") {
        let Some(contacts) = contacts.as_array() else {
            return Err("The value for 'contacts' is not valid.".into());
        };
        for (i, contact) in contacts.iter().enumerate() {
            let Some(contact) = contact.as_object() else {
                return Err(format!("The value for 'contacts[{i}]' is not valid."));
            };
            for (name, max) in CONTACT_TEXT_FIELDS {
                if let Some(value) = contact.get(name) {
                    let Some(text) = value.as_str() else {
                        return Err(format!(
                            "The value for 'contacts[{i}].{name}' is not valid."
                        ));
                    };
                    if text.chars().count() > max {
                        return Err(format!(
                            "The field 'contacts[{i}].{name}' must be {max} characters or fewer."
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

fn check_references(
    company: &Company,
    changes: &[(usize, Value)],
    schema: &Schema,
) -> Result<(), String> {
    for (link, resource) in [
        ("currency_id", "currencies"),
        ("country_code_id", "country_codes"),
        ("default_tax_code_id", "tax_codes"),
    ] {
        let Some(position) = schema.position(link) else {
            continue;
        };
        if let Some((_, value)) = changes.iter().find(|(p, _)| *p == position) {
            let id = value.as_i64().unwrap_or_default();
            if company.tables[resource].get(id).is_none() {
                return Err(format!(
                    "The {} with id {id} does not exist ('{link}').",
                    singular(resource).replace('_', " ")
                ));
            }
        }
    }
    Ok(())
}

fn reference_taken(table: &Table, reference: &str, except: Option<i64>) -> bool {
    let Some(position) = table.schema.position("reference") else {
        return false;
    };
    table.rows.iter().any(|r| {
        Some(r.id()) != except
            && r.get(position)
                .and_then(Value::as_str)
                .is_some_and(|existing| existing.eq_ignore_ascii_case(reference))
    })
}

fn next_contact_id(table: &Table) -> i64 {
    // Generated contacts share their customer's id; stored ones have their own.
    let Some(position) = table.schema.position("contacts") else {
        return 1;
    };
    let stored = table
        .rows
        .iter()
        .filter_map(|r| r.get(position))
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|c| c.get("id").and_then(Value::as_i64))
        .max()
        .unwrap_or(0);
    let customers = table.rows.last().map_or(0, Record::id);
    stored.max(customers + 1_000_000) + 1
}

/// Sage's checks for a create (`creating`) or a merge-update, in the order Sage reports
/// them: types and lengths, required fields, children, related ids. Returns the changes.
fn validate_write(
    company: &Company,
    schema: &Schema,
    body: &Map<String, Value>,
    creating: bool,
) -> Result<Vec<(usize, Value)>, String> {
    let mut changes = Vec::new();
    for (name, value) in body {
        if let Some(change) = check_value(schema, name, value)? {
            changes.push(change);
        }
    }
    for field in schema.fields.iter().filter(|f| f.required) {
        let text = body.get(&field.name).and_then(Value::as_str);
        // A create must give it; an update may leave it out but not empty it.
        let missing = if creating {
            text.is_none_or(|s| s.trim().is_empty())
        } else {
            text.is_some_and(|s| s.trim().is_empty())
        };
        if missing {
            return Err(format!("The field '{}' is required.", field.name));
        }
    }
    check_children(body)?;
    check_references(company, &changes, schema)?;
    Ok(changes)
}

fn create_customer(company: &mut Company, body: &[u8]) -> Response {
    let body = match parse_body(body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let table = &company.tables["customers"];
    let schema = table.schema.clone();
    let changes = match validate_write(company, &schema, &body, true) {
        Ok(changes) => changes,
        Err(e) => return message(StatusCode::BAD_REQUEST, &e),
    };
    let reference = body
        .get("reference")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let table = &company.tables["customers"];
    if reference_taken(table, reference, None) {
        return message(
            StatusCode::BAD_REQUEST,
            &format!("The reference '{reference}' is already in use by another customer."),
        );
    }
    let mut record = Record::default();
    for (name, value) in [
        ("currency_id", json!(1)),
        ("country_code_id", json!(1)),
        ("default_tax_code_id", json!(1)),
        ("account_status_type", json!("AccountStatusActive")),
        ("account_type", json!("TradingAccountTypeOpenItem")),
        ("exchange_rate_type", json!("ExchangeRateSingle")),
        ("date_time_created", json!(now_text())),
        ("date_time_updated", json!(now_text())),
    ] {
        if let Some(p) = schema.position(name) {
            record.set(p, value);
        }
    }
    for (position, value) in changes {
        record.set(position, value);
    }
    let mut contact_id = next_contact_id(table);
    if let (Some(p), Some(address)) = (schema.position("main_address"), body.get("main_address")) {
        record.set(p, address.clone());
    }
    if let (Some(p), Some(contacts)) = (
        schema.position("contacts"),
        body.get("contacts").and_then(Value::as_array),
    ) {
        let with_ids: Vec<Value> = contacts
            .iter()
            .map(|c| {
                let mut c = c.clone();
                if let Some(object) = c.as_object_mut() {
                    object.insert("id".into(), json!(contact_id));
                    contact_id += 1;
                }
                c
            })
            .collect();
        record.set(p, Value::Array(with_ids));
    }
    let Some(table) = company.tables.get_mut("customers") else {
        return message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The customer table is missing.",
        );
    };
    let id = table.insert(record);
    let company_ref: &Company = company;
    let table = &company_ref.tables["customers"];
    match table.get(id) {
        Some(record) => write_one(company_ref, &schema, record, &full_fields(&schema)),
        None => message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The new customer was lost.",
        ),
    }
}

fn merge_contacts(existing: &Value, incoming: &[Value], next_id: &mut i64) -> Value {
    let mut contacts: Vec<Value> = existing.as_array().cloned().unwrap_or_default();
    for change in incoming {
        let Some(object) = change.as_object() else {
            continue;
        };
        let id = object.get("id").and_then(Value::as_i64);
        let delete = object
            .get("is_to_delete")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        match id.and_then(|id| {
            contacts
                .iter()
                .position(|c| c.get("id").and_then(Value::as_i64) == Some(id))
        }) {
            Some(i) if delete => {
                contacts.remove(i);
            }
            Some(i) => {
                if let Some(target) = contacts[i].as_object_mut() {
                    for (k, v) in object {
                        if k != "is_to_delete" {
                            target.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            None if !delete => {
                let mut added = object.clone();
                added.remove("is_to_delete");
                added.insert("id".into(), json!(*next_id));
                *next_id += 1;
                contacts.push(Value::Object(added));
            }
            None => {}
        }
    }
    Value::Array(contacts)
}

fn update_customer(company: &mut Company, id: i64, body: &[u8]) -> Response {
    let body = match parse_body(body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let table = &company.tables["customers"];
    let schema = table.schema.clone();
    if table.get(id).is_none() {
        return message(StatusCode::NOT_FOUND, "The customer was not found.");
    }
    let changes = match validate_write(company, &schema, &body, false) {
        Ok(changes) => changes,
        Err(e) => return message(StatusCode::BAD_REQUEST, &e),
    };
    if let Some(reference) = body.get("reference").and_then(Value::as_str)
        && reference_taken(&company.tables["customers"], reference, Some(id))
    {
        return message(
            StatusCode::BAD_REQUEST,
            &format!("The reference '{reference}' is already in use by another customer."),
        );
    }
    let mut next_id = next_contact_id(&company.tables["customers"]);
    let Some(table) = company.tables.get_mut("customers") else {
        return message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The customer table is missing.",
        );
    };
    let Some(record) = table.get_mut(id) else {
        return message(StatusCode::NOT_FOUND, "The customer was not found.");
    };
    for (position, value) in changes {
        record.set(position, value);
    }
    if let (Some(p), Some(Value::Object(incoming))) =
        (schema.position("main_address"), body.get("main_address"))
    {
        let mut address = value_of(&schema, record, p).into_owned();
        if let Some(target) = address.as_object_mut() {
            for (k, v) in incoming {
                target.insert(k.clone(), v.clone());
            }
        }
        record.set(p, address);
    }
    if let (Some(p), Some(Value::Array(incoming))) =
        (schema.position("contacts"), body.get("contacts"))
    {
        let merged = merge_contacts(&value_of(&schema, record, p), incoming, &mut next_id);
        record.set(p, merged);
    }
    if let Some(p) = schema.position("date_time_updated") {
        record.set(p, json!(now_text()));
    }
    let company_ref: &Company = company;
    match company_ref.tables["customers"].get(id) {
        Some(record) => write_one(company_ref, &schema, record, &full_fields(&schema)),
        None => message(StatusCode::NOT_FOUND, "The customer was not found."),
    }
}
