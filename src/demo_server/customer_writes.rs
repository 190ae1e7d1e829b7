//! Customers written through the demo API: `customers_new` (the company's defaults), and
//! create and merge-update with Sage's validation (types, lengths, enumerations, unique
//! references, known currency, country and tax code, contacts merged by id).

#![allow(clippy::result_large_err)] // an axum `Response` is the natural error of a handler step

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::api::{full_fields, message, singular, write_one};
use super::data::Company;
use super::schema::{ADDRESS_FIELDS, CONTACT_TEXT_FIELDS, Kind, Schema};
use super::store::{Record, Table, value_of};

const ACCOUNT_STATUS_TYPES: [&str; 2] = ["AccountStatusActive", "AccountStatusHidden"];
const ACCOUNT_TYPES: [&str; 2] = [
    "TradingAccountTypeOpenItem",
    "TradingAccountTypeBalanceForward",
];
const EXCHANGE_RATE_TYPES: [&str; 2] = ["ExchangeRateSingle", "ExchangeRateMultiple"];

fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Sets the named fields the schema has (others are left out, as Sage's own records do).
fn set_fields<'a>(
    record: &mut Record,
    schema: &Schema,
    fields: impl IntoIterator<Item = (&'a str, Value)>,
) {
    for (name, value) in fields {
        if let Some(p) = schema.position(name) {
            record.set(p, value);
        }
    }
}

/// A new customer with what every company defaults to: the first currency, country and tax
/// code, active, open item, single exchange rate.
fn new_customer(schema: &Schema) -> Record {
    let mut record = Record::default();
    set_fields(
        &mut record,
        schema,
        [
            ("currency_id", json!(1)),
            ("country_code_id", json!(1)),
            ("default_tax_code_id", json!(1)),
            ("account_status_type", json!("AccountStatusActive")),
            ("account_type", json!("TradingAccountTypeOpenItem")),
            ("exchange_rate_type", json!("ExchangeRateSingle")),
        ],
    );
    record
}

pub(super) fn customers_new(company: &Company) -> Response {
    let table = &company.tables["customers"];
    let schema = &table.schema;
    let mut record = new_customer(schema);
    set_fields(
        &mut record,
        schema,
        [
            ("payment_terms_days", json!(30)),
            ("payment_terms_basis", json!("PaymentDueDaysFromInvoice")),
            ("telephone_country_code", json!("44")),
            ("order_priority", json!("B")),
            ("months_to_keep_transactions", json!(12)),
            ("terms_agreed", json!(true)),
        ],
    );
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

pub(super) fn create_customer(company: &mut Company, body: &[u8]) -> Response {
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
    let mut record = new_customer(&schema);
    set_fields(
        &mut record,
        &schema,
        [
            ("date_time_created", json!(now_text())),
            ("date_time_updated", json!(now_text())),
        ],
    );
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

pub(super) fn update_customer(company: &mut Company, id: i64, body: &[u8]) -> Response {
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
