//! The ledger paths: posted transactions and transaction views of both ledgers (also under
//! `customers/{id}/…` and `suppliers/{id}/…`), the aged summaries, customer period values,
//! the financial calendar, nominal transactions (also under `nominal_codes/{id}/…`) and a
//! customer's sales orders.

use axum::http::StatusCode;
use axum::response::Response;

use super::api::{message, not_found, parse_id, write_one};
use super::data::{Company, Schemas};
use super::ledger::Side;
use super::ledger_aged::{Aged, Ageing};
use super::ledger_views::{FinancialPeriods, NominalRows, PeriodValues, Transactions, answer};
use super::odata::{Query, Rows};

/// The list resources this module answers (GET only).
pub const LEDGER_LISTS: [&str; 9] = [
    "sales_posted_transactions",
    "sales_transaction_views",
    "purchase_posted_transactions",
    "purchase_transaction_views",
    "sales_aged_debtor_summary_views",
    "purchase_aged_creditor_summary_views",
    "customer_period_value_views",
    "financial_year_period_views",
    "nominal_transaction_enquiry_views",
];

fn side_of(resource: &str) -> Side {
    if resource.starts_with("purchase") {
        Side::Purchase
    } else {
        Side::Sales
    }
}

/// Splits `$ageingdatetype` (Sage's own option of the aged views) from the `OData` options.
fn ageing_option(raw_query: &str) -> Result<(Ageing, String), String> {
    let mut ageing = Ageing::TransactionDate;
    let mut rest = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url::form_urlencoded::parse(raw_query.as_bytes()) {
        if key.eq_ignore_ascii_case("$ageingdatetype") {
            ageing = Ageing::parse(&value)?;
        } else {
            rest.append_pair(&key, &value);
        }
    }
    Ok((ageing, rest.finish()))
}

/// Answers `segments` when they name a ledger path; `None` when they do not.
pub fn handle(
    company: &Company,
    schemas: &Schemas,
    method: &str,
    segments: &[&str],
    raw_query: &str,
) -> Option<Response> {
    let known = |name: &str| LEDGER_LISTS.contains(&name);
    let ledger_path = match segments {
        [resource] | [resource, _] => known(resource),
        ["customers" | "suppliers" | "nominal_codes", _, resource] => {
            known(resource) || *resource == "sop_orders"
        }
        ["sop_orders", _, "sop_order_lines"] => true,
        _ => false,
    };
    if !ledger_path {
        return None;
    }
    if method != "GET" {
        return Some(message(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("The requested resource does not support http method '{method}'."),
        ));
    }
    let resource = segments.last().copied().unwrap_or_default();
    let schema = schemas.get(if segments.len() == 2 {
        segments[0]
    } else {
        resource
    })?;
    let schema = schema.as_ref();
    Some(match segments {
        [resource] => match *resource {
            "sales_aged_debtor_summary_views" | "purchase_aged_creditor_summary_views" => {
                match ageing_option(raw_query) {
                    Ok((ageing, rest)) => {
                        let rows = Aged::new(company, schema, side_of(resource), ageing);
                        answer(company, schema, &rows, &rest)
                    }
                    Err(e) => message(StatusCode::BAD_REQUEST, &e),
                }
            }
            "customer_period_value_views" => answer(
                company,
                schema,
                &PeriodValues::new(company, schema),
                raw_query,
            ),
            "financial_year_period_views" => {
                answer(company, schema, &FinancialPeriods::new(schema), raw_query)
            }
            "nominal_transaction_enquiry_views" => answer(
                company,
                schema,
                &NominalRows::new(company, schema, None),
                raw_query,
            ),
            _ => answer(
                company,
                schema,
                &Transactions::new(company, schema, side_of(resource), None),
                raw_query,
            ),
        },
        [resource, id] => {
            let rows: Box<dyn Rows> = match *resource {
                "nominal_transaction_enquiry_views" => {
                    Box::new(NominalRows::new(company, schema, None))
                }
                "sales_posted_transactions" | "purchase_posted_transactions" => {
                    Box::new(Transactions::new(company, schema, side_of(resource), None))
                }
                _ => return Some(not_found(&segments.join("/"))),
            };
            one(company, schema, rows.as_ref(), id, raw_query)
        }
        [parent, id, _] => {
            let Some(id) = parse_id(id).filter(|id| {
                company
                    .tables
                    .get(*parent)
                    .is_some_and(|t| t.get(*id).is_some())
            }) else {
                return Some(message(
                    StatusCode::NOT_FOUND,
                    &format!("The {} was not found.", super::api::singular(parent)),
                ));
            };
            nested(company, schema, parent, id, resource, raw_query)
        }
        _ => not_found(&segments.join("/")),
    })
}

/// One row by id.
fn one(
    company: &Company,
    schema: &super::schema::Schema,
    rows: &dyn Rows,
    id: &str,
    raw_query: &str,
) -> Response {
    let query = match Query::parse(raw_query, schema) {
        Ok(q) => q,
        Err(e) => return message(StatusCode::BAD_REQUEST, &e),
    };
    let record = parse_id(id)
        .and_then(|id| usize::try_from(id - 1).ok())
        .and_then(|index| rows.build(index));
    match record {
        Some(record) => write_one(company, schema, &record, &query.output_fields(schema)),
        None => message(StatusCode::NOT_FOUND, "The transaction was not found."),
    }
}

/// A list under a parent record: `customers/5/sales_posted_transactions`.
fn nested(
    company: &Company,
    schema: &super::schema::Schema,
    parent: &str,
    id: i64,
    resource: &str,
    raw_query: &str,
) -> Response {
    let account = u32::try_from(id).ok();
    match (parent, resource) {
        ("nominal_codes", "nominal_transaction_enquiry_views") => answer(
            company,
            schema,
            &NominalRows::new(company, schema, Some(id)),
            raw_query,
        ),
        ("customers", "sales_posted_transactions" | "sales_transaction_views")
        | ("suppliers", "purchase_posted_transactions" | "purchase_transaction_views") => answer(
            company,
            schema,
            &Transactions::new(company, schema, side_of(resource), account),
            raw_query,
        ),
        ("customers", "sop_orders") => {
            restricted(company, "sop_orders", "customer_id", id, raw_query)
        }
        ("sop_orders", "sop_order_lines") => {
            restricted(company, "sop_order_lines", "sop_order_id", id, raw_query)
        }
        _ => not_found(&format!("{parent}/{id}/{resource}")),
    }
}

/// A stored list restricted to the records whose `field` is `id`.
fn restricted(company: &Company, table: &str, field: &str, id: i64, raw_query: &str) -> Response {
    let Some(table) = company.tables.get(table) else {
        return not_found(table);
    };
    let schema = table.schema.as_ref();
    let Some(position) = schema.position(field) else {
        return not_found(field);
    };
    let rows: Vec<super::store::Record> = table
        .rows
        .iter()
        .filter(|r| r.get(position).and_then(serde_json::Value::as_i64) == Some(id))
        .cloned()
        .collect();
    super::api::list(company, schema, &rows, raw_query)
}
