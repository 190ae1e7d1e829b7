//! The demo server against Sage's own `OpenAPI` schemas (`../shared/sage200-openapi/`):
//! every field of customers and of the ledger resources exists there with a compatible type
//! and length, and customers' required rules agree. Also the demo's books: balances, ageing,
//! double entry and period values agree with the transactions.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::match_same_arms,
    clippy::cast_possible_truncation
)]

use std::path::PathBuf;

use sage200_desk::demo_server::{DemoConfig, DemoServer};
use serde_json::{Value, json};

fn sales_schema() -> Option<Value> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/sage200-openapi/sales.json");
    let text = std::fs::read_to_string(&path).ok()?;
    Some(serde_json::from_str(&text).unwrap())
}

fn compatible(schema_type: &str, value: &Value) -> bool {
    match (schema_type, value) {
        ("integer", Value::Number(n)) => n.is_i64(),
        ("number", Value::Number(_))
        | ("string", Value::String(_))
        | ("boolean", Value::Bool(_)) => true,
        ("object", Value::Object(_)) | ("array", Value::Array(_)) | (_, Value::Null) => true,
        _ => false,
    }
}

#[tokio::test]
async fn customers_match_sages_schema() {
    let Some(openapi) = sales_schema() else {
        eprintln!("skipped: ../shared/sage200-openapi/sales.json is not there");
        return;
    };
    let customer = &openapi["components"]["schemas"]["customer"];
    let properties = customer["properties"].as_object().unwrap();

    let server = DemoServer::start(DemoConfig {
        auto_approve: true,
        customers: 5,
        ..DemoConfig::default()
    })
    .await
    .unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = server.mint_access_token();
    let call = |method: reqwest::Method, path: &str| {
        http.request(method, format!("{}{path}", server.professional_api_url()))
            .header("Authorization", format!("Bearer {token}"))
            .header("X-Site", "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
            .header("X-Company", "101")
    };

    let record: Value = call(
        reqwest::Method::GET,
        "customers/1?$expand=main_address,contacts,currency,country_code,default_tax_code",
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let record = record.as_object().unwrap();
    assert!(record.len() > 60, "a full customer has many fields");
    for (name, value) in record {
        let property = properties
            .get(name)
            .unwrap_or_else(|| panic!("'{name}' is not in Sage's customer schema"));
        let schema_type = property["type"].as_str().unwrap_or("object");
        assert!(
            compatible(schema_type, value),
            "'{name}': {value} is not a {schema_type}"
        );
    }

    // Required fields agree.
    let mut required: Vec<&str> = customer["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    required.sort_unstable();
    assert_eq!(required, ["name", "reference"]);
    for missing in &required {
        let mut body = json!({"name": "Schema Test Ltd", "reference": "SCH01"});
        body.as_object_mut().unwrap().remove(*missing);
        let answer = call(reqwest::Method::POST, "customers")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "missing {missing}");
        let text = answer.text().await.unwrap();
        assert!(text.contains(missing), "{text}");
    }

    // Every length limit agrees: one past the limit is refused; at the limit is accepted.
    let mut checked = 0;
    for (name, property) in properties {
        let (Some(max), false) = (
            property["maxLength"].as_u64(),
            property["readOnly"].as_bool().unwrap_or(false),
        ) else {
            continue;
        };
        if !record.contains_key(name) || name == "reference" || name == "name" {
            continue;
        }
        let max = usize::try_from(max).unwrap();
        let too_long = call(reqwest::Method::PUT, "customers/1")
            .json(&json!({ name: "x".repeat(max + 1) }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            too_long.status(),
            400,
            "{name} accepted {} characters",
            max + 1
        );
        let ok = call(reqwest::Method::PUT, "customers/1")
            .json(&json!({ name: "x".repeat(max) }))
            .send()
            .await
            .unwrap();
        let status = ok.status();
        let text = ok.text().await.unwrap();
        // Enumerations refuse arbitrary text of any length; that is a value rule, not a length one.
        assert!(
            status == 200 || text.contains("not a valid value"),
            "{name} at {max}: {status} {text}"
        );
        checked += 1;
    }
    assert!(checked > 40, "only {checked} length limits checked");
    for (name, max) in [("reference", 8), ("name", 60)] {
        let answer = call(reqwest::Method::POST, "customers")
            .json(&json!({"name": "N", "reference": "R1", name: "y".repeat(max + 1)}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "{name}");
        assert_eq!(properties[name]["maxLength"].as_u64(), Some(max as u64));
    }
}

/// Reads one of Sage's `OpenAPI` files.
fn openapi(file: &str) -> Option<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/sage200-openapi")
        .join(file);
    let text = std::fs::read_to_string(&path).ok()?;
    Some(serde_json::from_str(&text).unwrap())
}

/// A signed-in caller of company 101.
struct Caller {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Caller {
    fn new(server: &DemoServer) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: server.professional_api_url(),
            token: server.mint_access_token(),
        }
    }
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("X-Site", "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
            .header("X-Company", "101")
    }
    async fn get(&self, path: &str) -> Value {
        let answer = self
            .request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        answer.json().await.unwrap()
    }
    /// Every record of a list, page by page (`$orderby` + `$top` + `$skip`).
    async fn all(&self, resource: &str, order: &str) -> Vec<Value> {
        let mut records = Vec::new();
        loop {
            let separator = if resource.contains('?') { '&' } else { '?' };
            let page = self
                .get(&format!(
                    "{resource}{separator}$orderby={order}&$top=5000&$skip={}",
                    records.len()
                ))
                .await;
            let page = page.as_array().unwrap().clone();
            let short = page.len() < 5000;
            records.extend(page);
            if short {
                return records;
            }
        }
    }
}

/// A demo server whose first company has `customers` customers and about `transactions`
/// ledger transactions.
async fn books(customers: usize, transactions: usize) -> DemoServer {
    DemoServer::start(DemoConfig {
        customers,
        transactions,
        ..DemoConfig::default()
    })
    .await
    .unwrap()
}

fn pence(value: &Value) -> i64 {
    (value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"))
        * 100.0)
        .round() as i64
}

#[tokio::test]
async fn ledger_resources_match_sages_schemas() {
    let files: Vec<(&str, Value)> = [
        "sales.json",
        "purchases.json",
        "nominal.json",
        "financials.json",
        "sop.json",
    ]
    .into_iter()
    .filter_map(|f| openapi(f).map(|v| (f, v)))
    .collect();
    if files.len() < 5 {
        eprintln!("skipped: ../shared/sage200-openapi is not there");
        return;
    }
    let definition = |name: &str| {
        files
            .iter()
            .find_map(|(_, v)| v["components"]["schemas"].get(name).cloned())
            .unwrap_or_else(|| panic!("Sage's files have no schema '{name}'"))
    };
    let server = books(50, 2_000).await;
    let caller = Caller::new(&server);
    let cases = [
        (
            "sales_posted_transactions?$expand=customer",
            "sales_posted_transaction",
        ),
        ("sales_transaction_views", "sales_transaction_view"),
        (
            "purchase_posted_transactions?$expand=supplier",
            "purchase_posted_transaction",
        ),
        ("purchase_transaction_views", "purchase_transaction_view"),
        ("sales_aged_debtor_summary_views", "sales_aged_debtor_view"),
        (
            "purchase_aged_creditor_summary_views",
            "purchase_aged_creditor_view",
        ),
        ("customer_period_value_views", "customer_period_value_view"),
        ("financial_year_period_views", "financial_year_period_view"),
        (
            "nominal_transaction_enquiry_views",
            "nominal_transaction_enquiry_view",
        ),
        ("sop_orders/1/sop_order_lines", "sop_order_line"),
    ];
    for (path, name) in cases {
        // Sage's paths are the resource names: a list exists where the schema says.
        let resource = path.split(['?', '/']).next().unwrap();
        assert!(
            files
                .iter()
                .any(|(_, v)| v["paths"].get(format!("/{resource}")).is_some()),
            "{resource} is not a path in Sage's files"
        );
        let properties = definition(name)["properties"].as_object().unwrap().clone();
        let separator = if path.contains('?') { '&' } else { '?' };
        let rows = caller.get(&format!("{path}{separator}$top=300")).await;
        let rows = rows.as_array().unwrap();
        assert!(!rows.is_empty(), "{path} is empty");
        for row in rows {
            let row = row.as_object().unwrap();
            assert!(row.len() >= 9, "{path}: only {} fields", row.len());
            for (field, value) in row {
                let property = properties
                    .get(field)
                    .unwrap_or_else(|| panic!("{path}: '{field}' is not in Sage's {name}"));
                let schema_type = property["type"].as_str().unwrap_or("object");
                assert!(
                    compatible(schema_type, value),
                    "{path}: '{field}': {value} is not a {schema_type}"
                );
                // Sage's own transaction types are longer than its schema's 30 characters
                // (`TradingAccountEntryTypePurchasePaymentSalesReceipt`): names, not text.
                let enumeration = value
                    .as_str()
                    .is_some_and(|v| v.starts_with("TradingAccountEntryType"));
                if let (Some(max), Some(text), false) =
                    (property["maxLength"].as_u64(), value.as_str(), enumeration)
                {
                    assert!(
                        text.chars().count() as u64 <= max,
                        "{path}: '{field}' is longer than {max}: {text}"
                    );
                }
                if property["format"] == "date-time" && !value.is_null() {
                    let text = value.as_str().unwrap();
                    assert!(
                        chrono::DateTime::parse_from_rfc3339(text).is_ok(),
                        "{path}: '{field}' = {text}"
                    );
                }
            }
        }
    }
    server.shutdown().await;
}

#[tokio::test]
async fn the_demo_books_are_consistent() {
    let server = books(120, 12_000).await;
    let caller = Caller::new(&server);
    let customers = caller.all("customers?$select=id,balance", "id").await;
    let transactions = caller.all("sales_posted_transactions", "id").await;
    assert!(transactions.len() > 6_000, "{}", transactions.len());

    // Balances: each customer's balance is the sum of its outstanding transactions.
    let mut outstanding: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for t in &transactions {
        let sign = match t["trader_transaction_type"].as_str().unwrap() {
            "TradingAccountEntryTypeInvoice" => 1,
            "TradingAccountEntryTypeCreditNote"
            | "TradingAccountEntryTypePurchasePaymentSalesReceipt" => -1,
            other => panic!("unexpected type {other}"),
        };
        let gross = pence(&t["document_gross_value"]);
        let allocated = pence(&t["document_allocated_value"]);
        let left = pence(&t["document_outstanding_value"]);
        assert_eq!(gross - allocated, left, "{t}");
        assert!((0..=gross).contains(&allocated), "{t}");
        assert_eq!(
            pence(&t["document_goods_value"]) + pence(&t["document_tax_value"]),
            gross,
            "{t}"
        );
        *outstanding
            .entry(t["customer_id"].as_i64().unwrap())
            .or_default() += sign * left;
    }
    let mut with_balance = 0;
    for c in &customers {
        let id = c["id"].as_i64().unwrap();
        let expected = outstanding.get(&id).copied().unwrap_or_default();
        assert_eq!(pence(&c["balance"]), expected, "customer {id}");
        if expected != 0 {
            with_balance += 1;
        }
    }
    assert!(
        with_balance > 20,
        "only {with_balance} customers owe anything"
    );

    // Ageing: every customer with a balance has a row, and its buckets add up to it, by
    // each of Sage's three ageing types.
    for ageing in [
        "",
        "&$ageingdatetype=duedate",
        "&$ageingdatetype=calendarmonth",
    ] {
        let aged = caller
            .get(&format!(
                "sales_aged_debtor_summary_views?$top=5000{ageing}"
            ))
            .await;
        let aged = aged.as_array().unwrap();
        assert_eq!(aged.len(), with_balance, "{ageing}");
        let mut older = 0;
        for row in aged {
            let id = row["customer_id"].as_i64().unwrap();
            let mut sum =
                pence(&row["doc_future"]) + pence(&row["doc_current"]) + pence(&row["doc_past"]);
            for n in 1..=8 {
                sum += pence(&row[format!("doc_period_{n}")]);
            }
            assert_eq!(sum, outstanding[&id], "customer {id} {ageing}: {row}");
            older += pence(&row["doc_period_2"]).abs() + pence(&row["doc_past"]).abs();
        }
        assert!(older > 0, "nothing is older than two months ({ageing})");
    }
    let refused = caller
        .request(
            reqwest::Method::GET,
            "sales_aged_debtor_summary_views?$ageingdatetype=weekly",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);

    // Double entry: every posting's debits equal its credits, and the ledger nets to zero.
    let nominal = caller.all("nominal_transaction_enquiry_views", "id").await;
    let mut by_urn: std::collections::HashMap<i64, (i64, i64)> = std::collections::HashMap::new();
    let mut by_code: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for row in &nominal {
        let entry = by_urn.entry(row["urn"].as_i64().unwrap()).or_default();
        entry.0 += pence(&row["debit"]);
        entry.1 += pence(&row["credit"]);
        *by_code
            .entry(row["nominal_code_id"].as_i64().unwrap())
            .or_default() += pence(&row["debit"]) - pence(&row["credit"]);
    }
    for (urn, (debit, credit)) in &by_urn {
        assert_eq!(debit, credit, "posting {urn} does not balance");
    }
    assert_eq!(by_code.values().sum::<i64>(), 0);
    for t in &transactions {
        let (debit, _) = by_urn[&t["urn"].as_i64().unwrap()];
        assert_eq!(debit, pence(&t["document_gross_value"]), "{t}");
    }
    // Each nominal code's stored balances are its postings before and within the year.
    for code in caller.all("nominal_codes", "id").await {
        let id = code["id"].as_i64().unwrap();
        assert_eq!(
            pence(&code["brought_forward_balance"]) + pence(&code["balance_year_to_date"]),
            by_code.get(&id).copied().unwrap_or_default(),
            "nominal code {id}"
        );
    }
    // The debtors control account holds what customers owe.
    assert_eq!(by_code[&1], outstanding.values().sum::<i64>());

    // Period values: each customer's invoices, credit notes and cash per period match its
    // transactions dated in that period.
    let periods = caller.get("financial_year_period_views").await;
    let periods = periods.as_array().unwrap().clone();
    assert_eq!(periods.len(), 96);
    let values = caller
        .all("customer_period_value_views", "customer_id")
        .await;
    assert_eq!(values.len(), customers.len() * 96);
    let mut checked = 0;
    for v in values
        .iter()
        .filter(|v| v["customer_id"].as_i64().unwrap() <= 10)
    {
        let start = v["analysis_period_start_date"].as_str().unwrap();
        let end = v["analysis_period_end_date"].as_str().unwrap();
        let id = v["customer_id"].as_i64().unwrap();
        let mut sums = [0_i64; 3];
        for t in transactions.iter().filter(|t| t["customer_id"] == id) {
            let date = t["transaction_date"].as_str().unwrap();
            if date >= start && date <= end {
                let slot = match t["trader_transaction_type"].as_str().unwrap() {
                    "TradingAccountEntryTypeInvoice" => 0,
                    "TradingAccountEntryTypeCreditNote" => 1,
                    _ => 2,
                };
                sums[slot] += pence(&t["document_gross_value"]);
            }
        }
        assert_eq!(
            pence(&v["period_value_total_invoice_value_to_date"]),
            sums[0],
            "{v}"
        );
        assert_eq!(
            pence(&v["period_value_total_credit_note_value_to_date"]),
            sums[1],
            "{v}"
        );
        assert_eq!(
            pence(&v["period_value_total_cash_value_to_date"]),
            sums[2],
            "{v}"
        );
        checked += usize::from(sums.iter().any(|s| *s != 0));
        assert!(
            periods
                .iter()
                .any(|p| p["period_start_date"] == v["analysis_period_start_date"]),
            "{v}"
        );
    }
    assert!(checked > 10, "only {checked} periods had values");

    // Narrowed reads (keyset pages, one posting's rows, counts) agree with the full lists.
    let keyset = caller
        .get("sales_posted_transactions?$filter=id%20gt%205000&$orderby=id&$top=3")
        .await;
    let ids: Vec<i64> = keyset
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [5001, 5002, 5003]);
    let urn = transactions[77]["urn"].as_i64().unwrap();
    let rows = caller
        .get(&format!(
            "nominal_transaction_enquiry_views?$filter=urn%20eq%20{urn}%20and%20id%20ge%201"
        ))
        .await;
    let expected: Vec<&Value> = nominal.iter().filter(|r| r["urn"] == urn).collect();
    assert_eq!(
        rows.as_array().unwrap().iter().collect::<Vec<_>>(),
        expected
    );
    let on_code: Vec<&Value> = expected
        .iter()
        .copied()
        .filter(|r| r["nominal_code_id"] == 1)
        .collect();
    let nested = caller
        .get(&format!(
            "nominal_codes/1/nominal_transaction_enquiry_views?$filter=urn%20eq%20{urn}"
        ))
        .await;
    assert_eq!(
        nested.as_array().unwrap().iter().collect::<Vec<_>>(),
        on_code,
        "one code's rows only"
    );
    for nothing in [
        "urn%20eq%200",
        "id%20eq%200",
        "urn%20eq%20-9223372036854775807",
        "id%20eq%2099999999",
    ] {
        for list in [
            "nominal_transaction_enquiry_views",
            "sales_posted_transactions",
        ] {
            let answer = caller.get(&format!("{list}?$filter={nothing}")).await;
            assert_eq!(answer, json!([]), "{list} {nothing}");
        }
    }
    let by_urn = caller
        .get(&format!(
            "sales_posted_transactions?$filter=urn%20eq%20{urn}"
        ))
        .await;
    assert_eq!(by_urn, json!([transactions[77].clone()]));
    let count = caller
        .get("nominal_transaction_enquiry_views?$count=true")
        .await;
    assert_eq!(count.as_u64().unwrap() as usize, nominal.len());
    let debtors = caller
        .get("nominal_transaction_enquiry_views?$filter=nominal_code_id%20eq%201&$count=true")
        .await;
    let on_debtors = nominal.iter().filter(|r| r["nominal_code_id"] == 1).count();
    assert_eq!(debtors.as_u64().unwrap() as usize, on_debtors);

    // A customer's own list is the filtered list; orders' totals are their lines'.
    let own = caller
        .get("customers/3/sales_posted_transactions?$top=5000")
        .await;
    let filtered = caller
        .get("sales_posted_transactions?$filter=customer_id%20eq%203&$top=5000")
        .await;
    assert_eq!(own, filtered);
    assert!(!own.as_array().unwrap().is_empty());
    for order in caller.get("sop_orders?$top=30").await.as_array().unwrap() {
        let id = order["id"].as_i64().unwrap();
        let lines = caller
            .get(&format!("sop_orders/{id}/sop_order_lines"))
            .await;
        let net: i64 = lines
            .as_array()
            .unwrap()
            .iter()
            .map(|l| pence(&l["line_total_value"]))
            .sum();
        assert_eq!(net, pence(&order["total_net_value"]), "order {id}");
    }

    // A new customer starts with a zero balance and a row for each period; a customer with
    // transactions cannot be deleted, so the books never lose an account.
    let created: Value = caller
        .request(reqwest::Method::POST, "customers")
        .json(&json!({"name": "Ledger Test Ltd", "reference": "LEDG01"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new_id = created["id"].as_i64().unwrap();
    assert_eq!(pence(&created["balance"]), 0);
    let rows = caller
        .get(&format!(
            "customer_period_value_views?$filter=customer_id%20eq%20{new_id}"
        ))
        .await;
    assert_eq!(rows.as_array().unwrap().len(), 96);
    let aged = caller
        .get("sales_aged_debtor_summary_views?$top=5000")
        .await;
    assert_eq!(aged.as_array().unwrap().len(), with_balance);
    let refused = caller
        .request(reqwest::Method::DELETE, "customers/3")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("transactions"));
    let gone = caller
        .request(reqwest::Method::DELETE, &format!("customers/{new_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 200);
    server.shutdown().await;
}

/// The columns lists show first are fields of Sage's schemas for those resources, and the
/// demo serves each of them under `$select` (so a first page never asks for a field that
/// does not exist).
#[tokio::test]
async fn default_columns_are_sages_fields_and_the_demo_serves_them() {
    let files: Vec<Value> = [
        "sales.json",
        "purchases.json",
        "nominal.json",
        "sop.json",
        "general.json",
    ]
    .into_iter()
    .filter_map(openapi)
    .collect();
    if files.len() < 5 {
        eprintln!("skipped: ../shared/sage200-openapi is not there");
        return;
    }
    let server = books(20, 500).await;
    let caller = Caller::new(&server);
    // Where the demo serves each resource (nested ones under a record of its own).
    let demo_path = |resource: &str| match resource {
        "sop_orders" => "customers/1/sop_orders".to_owned(),
        "sop_order_lines" => "sop_orders/1/sop_order_lines".to_owned(),
        other => other.to_owned(),
    };
    for (resource, columns) in sage200_desk::api::DEFAULT_COLUMNS {
        let schema = sage200_desk::api::singular(resource);
        let properties = files
            .iter()
            .find_map(|v| v["components"]["schemas"].get(&schema).cloned())
            .unwrap_or_else(|| panic!("Sage's files have no schema '{schema}'"));
        for column in *columns {
            assert!(
                properties["properties"].get(column).is_some(),
                "{resource}: '{column}' is not a field of Sage's '{schema}'"
            );
        }
        let rows = caller
            .get(&format!(
                "{}?$select={}&$top=5",
                demo_path(resource),
                columns.join(",")
            ))
            .await;
        let rows = rows.as_array().unwrap();
        assert!(!rows.is_empty(), "{resource}: the demo has none");
        for column in *columns {
            assert!(
                rows[0].get(column).is_some(),
                "{resource}: the demo leaves out '{column}'"
            );
        }
    }
}
