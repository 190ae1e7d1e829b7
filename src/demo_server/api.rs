//! The Sage 200 API side: bearer-token and `X-Site`/`X-Company` checks, `sites`,
//! `current_user`, lists with `OData` options, and customers' create (with Sage's
//! validation), merge-update, delete, `customers_new`, `customer_views` and contacts.

#![allow(clippy::result_large_err)] // an axum `Response` is the natural error of a handler step

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::DemoState;
use super::customer_writes::{create_customer, customers_new, update_customer};
use super::data::Company;
use super::oauth::{DEMO_USER_EMAIL, DEMO_USER_NAME, TokenProblem};
use super::odata::Query;
use super::schema::{Kind, Schema};
use super::store::{Record, RecordView, value_of};

/// The path prefixes of the two editions.
pub const PREFIXES: [&str; 2] = ["/uk/sage200extra/accounts/v1", "/uk/sage200/accounts/v1"];

/// Resources that can be listed and read by id.
const READABLE: [&str; 9] = [
    "customers",
    "sop_order_lines",
    "suppliers",
    "products",
    "sop_orders",
    "nominal_codes",
    "currencies",
    "country_codes",
    "tax_codes",
];

pub(super) fn message(status: StatusCode, text: &str) -> Response {
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
    let checked = match &state.config.outside_userinfo {
        Some(userinfo) => check_outside_bearer(userinfo, &headers).await,
        None => check_bearer(&state, &headers),
    };
    if let Err(response) = checked {
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
    if let Some(response) = super::ledger_api::handle(
        company,
        &state.schemas,
        method.as_str(),
        segments,
        raw_query,
    ) {
        return response;
    }
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
        ("GET", ["customer_contacts"]) => {
            // Every customer's contacts, as Sage lists them at `/customer_contacts`.
            let Some(schema) = state.schemas.get("customer_contacts").cloned() else {
                return not_found(path);
            };
            let customers = &company.tables["customers"];
            let rows: Vec<_> = customers
                .rows
                .iter()
                .flat_map(|customer| contact_rows(&customers.schema, customer, &schema))
                .collect();
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
        ("DELETE", ["customers", id])
            if parse_id(id).is_some_and(|id| {
                u32::try_from(id).is_ok_and(|account| {
                    !company
                        .ledger
                        .of_account(super::ledger::Side::Sales, account)
                        .is_empty()
                })
            }) =>
        {
            // Sage keeps an account while its ledger holds transactions for it.
            message(
                StatusCode::BAD_REQUEST,
                "The customer cannot be deleted because it has transactions on the sales ledger.",
            )
        }
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

pub(super) fn not_found(path: &str) -> Response {
    message(
        StatusCode::NOT_FOUND,
        &format!("No HTTP resource was found that matches the request URI '{path}'."),
    )
}

pub(super) fn singular(resource: &str) -> &str {
    resource.strip_suffix('s').unwrap_or(resource)
}

/// A path's record id: a whole number above zero.
pub(super) fn parse_id(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|id| *id > 0)
}

/// Sage's answer to a call without a token it accepts.
fn denied() -> Response {
    message(
        StatusCode::UNAUTHORIZED,
        "Authorization has been denied for this request.",
    )
}

/// The `Authorization` header's value, or the refusal.
fn authorization(headers: &HeaderMap) -> Result<&str, Response> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(denied)
}

fn check_bearer(state: &DemoState, headers: &HeaderMap) -> Result<(), Response> {
    let value = authorization(headers)?;
    // Sage needs exactly "Bearer <token>", with the space.
    let token = value.strip_prefix("Bearer ").ok_or_else(denied)?;
    match state.lock_oauth().check_access(token) {
        Ok(()) => Ok(()),
        // An expired token gets a bare 401, as Sage's gateway often sends.
        Err(TokenProblem::Expired) => Err(StatusCode::UNAUTHORIZED.into_response()),
        Err(TokenProblem::Invalid) => Err(denied()),
    }
}

/// Checks a bearer token issued by an outside provider at its userinfo endpoint.
async fn check_outside_bearer(userinfo: &str, headers: &HeaderMap) -> Result<(), Response> {
    let value = authorization(headers)?;
    match outside_accepts(userinfo, value).await {
        Some(true) => Ok(()),
        Some(false) => Err(denied()),
        None => Err(message(
            StatusCode::BAD_GATEWAY,
            "The sign-in provider could not be reached.",
        )),
    }
}

/// Whether the provider's userinfo endpoint (plain `http`, as a provider run beside the
/// demo for tests is) answers 2xx to `authorization`; `None` when it cannot be asked. A
/// bare HTTP/1.1 GET: the simulator keeps to its own server stack.
async fn outside_accepts(userinfo: &str, authorization: &str) -> Option<bool> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let url = url::Url::parse(userinfo).ok()?;
    if url.scheme() != "http" {
        return None;
    }
    let host = url.host_str()?.to_owned();
    let port = url.port_or_known_default()?;
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let mut stream = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .ok()?;
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: {authorization}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut head = Vec::new();
    let mut chunk = [0_u8; 512];
    while !head.windows(2).any(|w| w == b"\r\n") && head.len() < 4096 {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..read]);
    }
    let line = String::from_utf8_lossy(&head);
    let status: u16 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((200..300).contains(&status))
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

pub(super) fn list(
    company: &Company,
    schema: &Schema,
    rows: &[Record],
    raw_query: &str,
) -> Response {
    let query = match Query::parse(raw_query, schema) {
        Ok(q) => q,
        Err(e) => return message(StatusCode::BAD_REQUEST, &e),
    };
    if query.count {
        return axum::Json(query.count_matching(schema, rows)).into_response();
    }
    let matched = query.apply(schema, rows);
    write_list(company, schema, &matched, &query)
}

/// Writes a page of records as a JSON array, with the query's fields and expansions.
pub(super) fn write_list<R: std::borrow::Borrow<Record>>(
    company: &Company,
    schema: &Schema,
    records: &[R],
    query: &Query,
) -> Response {
    let fields = query.output_fields(schema);
    let related = |resource: &str, id: i64| related_json(company, resource, id);
    let views: Vec<RecordView<'_, _>> = records
        .iter()
        .map(|record| RecordView {
            schema,
            record: record.borrow(),
            fields: &fields,
            related: &related,
        })
        .collect();
    match serde_json::to_vec(&views) {
        Ok(body) => json_bytes(body),
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

pub(super) fn write_one(
    company: &Company,
    schema: &Schema,
    record: &Record,
    fields: &[usize],
) -> Response {
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
pub(super) fn full_fields(schema: &Schema) -> Vec<usize> {
    (0..schema.fields.len())
        .filter(|&p| !matches!(schema.fields[p].kind, Kind::Related { .. }))
        .collect()
}

/// One field of a related record (`currencies` 2's `symbol`), or null.
pub(super) fn related_field(company: &Company, resource: &str, id: i64, field: &str) -> Value {
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

/// The largest synthetic answer kept whole once made (larger ones are made as sent).
const LARGE_KEPT_MB: usize = 1024;
/// The largest synthetic answer (8 GB): past 4 GB, offsets need 64 bits.
const LARGE_MAX_MB: usize = 8192;
/// The size of each piece of a synthetic answer made as sent.
const PIECE: usize = 4 * 1024 * 1024;

/// A synthetic answer of about `mb` megabytes (`?mb=N`, default 10, at most 8192; add
/// `stream=1` to have a small one made as sent) of
/// customer-like records, for measuring how clients cope with very large answers. Up to
/// 1 GB the body is made once and kept, so later calls measure the client, not the
/// making; larger ones are made as they are sent, a few megabytes at a time, so the
/// server never holds them whole.
fn large_answer(raw_query: &str) -> Response {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static KEPT: OnceLock<Mutex<HashMap<usize, Bytes>>> = OnceLock::new();
    let mb: usize = raw_query
        .split('&')
        .find_map(|pair| pair.strip_prefix("mb="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
        .min(LARGE_MAX_MB);
    let target = mb * 1024 * 1024;
    let json = [(axum::http::header::CONTENT_TYPE, "application/json")];
    // `stream=1` makes a small one as sent too (the tests compare the two).
    let streamed = raw_query.split('&').any(|pair| pair == "stream=1");
    if mb <= LARGE_KEPT_MB && !streamed {
        let kept = KEPT.get_or_init(|| Mutex::new(HashMap::new()));
        let body = kept
            .lock()
            .ok()
            .and_then(|k| k.get(&mb).cloned())
            .unwrap_or_else(|| {
                let mut body = String::with_capacity(target + 4096);
                body.push('[');
                let mut id = 0;
                while body.len() < target {
                    id += 1;
                    large_record(&mut body, id);
                }
                body.push(']');
                let body = Bytes::from(body);
                if let Ok(mut k) = kept.lock() {
                    // Only the latest size is kept: a benchmark asks for one at a time.
                    k.clear();
                    k.insert(mb, body.clone());
                }
                body
            });
        return (StatusCode::OK, json, body).into_response();
    }
    // Made as sent: pieces of about 4 MB, the records numbered on from piece to piece.

    let pieces =
        futures_util::stream::unfold((0usize, 0u64, false), move |(sent, id, done)| async move {
            if done {
                return None;
            }
            let mut piece = String::with_capacity(PIECE + 4096);
            if sent == 0 {
                piece.push('[');
            }
            let mut id = id;
            while piece.len() < PIECE && sent + piece.len() < target {
                id += 1;
                large_record(&mut piece, id);
            }
            let last = sent + piece.len() >= target;
            if last {
                piece.push(']');
            }
            let sent = sent + piece.len();
            Some((
                Ok::<_, std::convert::Infallible>(Bytes::from(piece)),
                (sent, id, last),
            ))
        });
    (StatusCode::OK, json, axum::body::Body::from_stream(pieces)).into_response()
}

/// One record of the synthetic answer (`id` from 1, a comma before all but the first).
fn large_record(body: &mut String, id: u64) {
    use std::fmt::Write as _;
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
