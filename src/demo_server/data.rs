//! Seeded, deterministic demo data: sites, companies and their records. The same seed
//! always gives the same records, so tests can rely on them.

use super::names::{
    FIRST_NAMES, LAST_NAMES, NAME_ENDINGS, NAME_STEMS, NAME_TRADES, STREETS, TOWNS,
};
use std::collections::HashMap;
use std::sync::Arc;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::books;
use super::ledger::Ledger;
use super::ledger_schema;
use super::schema::{self, Schema};
use super::store::{Record, Table};

/// A resource name and the function that describes it.
type SchemaEntry = (&'static str, fn() -> Schema);

/// The resources every company has, with their schemas.
#[derive(Debug)]
pub struct Schemas(HashMap<&'static str, Arc<Schema>>);

impl Schemas {
    /// Builds every schema once.
    pub fn new() -> Self {
        let list: [SchemaEntry; 20] = [
            ("customers", schema::customers),
            ("customer_views", schema::customer_views),
            ("customer_contacts", schema::customer_contacts),
            ("suppliers", schema::suppliers),
            ("products", schema::products),
            ("sop_orders", schema::sop_orders),
            ("nominal_codes", schema::nominal_codes),
            ("currencies", schema::currencies),
            ("country_codes", schema::country_codes),
            ("tax_codes", schema::tax_codes),
            ("sop_order_lines", ledger_schema::sop_order_lines),
            ("sales_posted_transactions", || {
                ledger_schema::posted_transactions("customer", "customers")
            }),
            ("purchase_posted_transactions", || {
                ledger_schema::posted_transactions("supplier", "suppliers")
            }),
            ("sales_transaction_views", || {
                ledger_schema::transaction_views("customer")
            }),
            ("purchase_transaction_views", || {
                ledger_schema::transaction_views("supplier")
            }),
            ("sales_aged_debtor_summary_views", || {
                ledger_schema::aged_summary("customer")
            }),
            ("purchase_aged_creditor_summary_views", || {
                ledger_schema::aged_summary("supplier")
            }),
            (
                "customer_period_value_views",
                ledger_schema::customer_period_values,
            ),
            (
                "financial_year_period_views",
                ledger_schema::financial_year_periods,
            ),
            (
                "nominal_transaction_enquiry_views",
                ledger_schema::nominal_transactions,
            ),
        ];
        Self(
            list.into_iter()
                .map(|(name, describe)| {
                    let mut schema = describe();
                    if name == "customers" {
                        schema.generate = Some(customer_children);
                    }
                    (name, Arc::new(schema))
                })
                .collect(),
        )
    }

    /// The schema of `resource`.
    pub fn get(&self, resource: &str) -> Option<&Arc<Schema>> {
        self.0.get(resource)
    }
}

/// A company and everything in it.
#[derive(Debug)]
pub struct Company {
    /// `company_id`, sent as `X-Company`.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The site holding it.
    pub site_id: String,
    /// The site's name.
    pub site_name: String,
    /// The site's short name.
    pub site_short_name: String,
    /// Records by resource name (stored resources only; views are derived).
    pub tables: HashMap<&'static str, Table>,
    /// The sales and purchase ledgers and their nominal postings, generated from the seed.
    pub ledger: Ledger,
}

/// Every company's tables as JSON, for the state file.
pub fn export(companies: &[Company]) -> Value {
    let list: Vec<Value> = companies
        .iter()
        .map(|c| {
            let tables: serde_json::Map<String, Value> = c
                .tables
                .iter()
                .map(|(name, table)| ((*name).to_owned(), table.to_json()))
                .collect();
            json!({ "company_id": c.id, "tables": tables })
        })
        .collect();
    json!({ "format": "sage200-desk demo state 1", "companies": list })
}

/// Loads tables saved by [`export`] into the generated companies.
pub fn import(companies: &mut [Company], state: &Value) -> Result<(), String> {
    let list = state["companies"]
        .as_array()
        .ok_or("no companies in the state file")?;
    for saved in list {
        let id = saved["company_id"].as_i64().ok_or("a company has no id")?;
        let Some(company) = companies.iter_mut().find(|c| c.id == id) else {
            continue;
        };
        let Some(tables) = saved["tables"].as_object() else {
            continue;
        };
        for (name, table_state) in tables {
            if let Some(table) = company.tables.get_mut(name.as_str()) {
                table.load_json(table_state)?;
            }
        }
        books::settle(company);
    }
    Ok(())
}

/// Builds the demo sites and companies; the first holds `customers` customers and about
/// `transactions` ledger transactions, the others smaller books.
pub fn build_companies(
    schemas: &Schemas,
    seed: u64,
    customers: usize,
    transactions: usize,
) -> Vec<Company> {
    let plan = [
        (
            101,
            "Stationery & Office Supplies",
            0,
            customers,
            transactions,
        ),
        (102, "Demo Trading Ltd", 0, 150, transactions.min(3_000)),
        (
            201,
            "Northern Builders Merchants",
            1,
            75,
            transactions.min(1_500),
        ),
    ];
    let sites = [
        ("6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "Head office", "HO"),
        (
            "0a9b8c7d-6e5f-4d3c-2b1a-0f9e8d7c6b5a",
            "Northern branch",
            "NB",
        ),
    ];
    plan.iter()
        .enumerate()
        .map(|(i, &(id, name, site, count, postings))| {
            let (site_id, site_name, short) = sites[site];
            let company_seed = seed.wrapping_add(i as u64 * 7919);
            let mut rng = StdRng::seed_from_u64(company_seed);
            let mut company = Company {
                id,
                name: name.to_owned(),
                site_id: site_id.to_owned(),
                site_name: site_name.to_owned(),
                site_short_name: short.to_owned(),
                tables: build_tables(schemas, &mut rng, count),
                ledger: Ledger::default(),
            };
            company.ledger = Ledger::generate(
                company_seed,
                postings,
                &books::accounts(&company, "customers"),
                &books::accounts(&company, "suppliers"),
            );
            books::settle(&mut company);
            books::fit_credit_limits(&mut company);
            company
        })
        .collect()
}

fn set(record: &mut Record, schema: &Schema, name: &str, value: Value) {
    if let Some(position) = schema.position(name) {
        record.set(position, value);
    }
}

/// A record of `schema` with the given fields set.
pub(super) fn record(schema: &Schema, pairs: &[(&str, Value)]) -> Record {
    let mut record = Record::default();
    for (name, value) in pairs {
        set(&mut record, schema, name, value.clone());
    }
    record
}

fn table_of(schemas: &Schemas, name: &str, first_id: i64) -> Table {
    let schema = schemas
        .get(name)
        .cloned()
        .unwrap_or_else(|| Arc::new(schema::currencies()));
    Table::new(schema, first_id)
}

/// When the seeded records were created.
pub(super) const CREATED: &str = "2019-04-01T09:00:00Z";

#[allow(clippy::too_many_lines)] // the seed data reads best as one table per resource
fn build_tables(
    schemas: &Schemas,
    rng: &mut StdRng,
    customer_count: usize,
) -> HashMap<&'static str, Table> {
    let mut tables = HashMap::new();

    let mut currencies = table_of(schemas, "currencies", 1);
    for (symbol, name, rate, base) in [
        ("£", "Pound Sterling", 1.0, true),
        ("€", "Euro", 1.17, false),
        ("$", "US Dollar", 1.27, false),
    ] {
        let r = record(
            &currencies.schema,
            &[
                ("symbol", json!(symbol)),
                ("name", json!(name)),
                ("core_currency_rate", json!(rate)),
                ("is_base_currency", json!(base)),
                ("exchange_rate_type", json!("ExchangeRateSingle")),
                ("date_time_created", json!(CREATED)),
                ("date_time_updated", json!(CREATED)),
            ],
        );
        currencies.insert(r);
    }

    let mut countries = table_of(schemas, "country_codes", 1);
    for (code, name, eu) in [
        ("GB", "United Kingdom", false),
        ("IE", "Ireland", true),
        ("FR", "France", true),
        ("DE", "Germany", true),
        ("NL", "Netherlands", true),
        ("US", "United States", false),
    ] {
        let r = record(
            &countries.schema,
            &[
                ("code", json!(code)),
                ("name", json!(name)),
                ("eu_member", json!(eu)),
                ("date_time_created", json!(CREATED)),
                ("date_time_updated", json!(CREATED)),
            ],
        );
        countries.insert(r);
    }

    let mut taxes = table_of(schemas, "tax_codes", 1);
    for (code, name, rate) in [
        (1, "Standard rate", 20.0),
        (0, "Zero rated", 0.0),
        (2, "Exempt", 0.0),
        (5, "Reduced rate", 5.0),
        (9, "Outside the scope of VAT", 0.0),
    ] {
        let r = record(
            &taxes.schema,
            &[
                ("code", json!(code)),
                ("name", json!(name)),
                ("tax_rate", json!(rate)),
                ("date_time_created", json!(CREATED)),
                ("date_time_updated", json!(CREATED)),
            ],
        );
        taxes.insert(r);
    }

    let mut customers = table_of(schemas, "customers", 1);
    for n in 0..customer_count {
        let r = customer(&customers.schema, rng, n);
        customers.insert(r);
    }

    let mut suppliers = table_of(schemas, "suppliers", 1);
    for n in 0..60 {
        let name = company_name(rng);
        let r = record(
            &suppliers.schema,
            &[
                ("reference", json!(reference(&name, n))),
                ("name", json!(name)),
                ("balance", json!(money(rng, -5_000.0, 40_000.0))),
                ("on_hold", json!(n % 17 == 3)),
                ("account_status_type", json!("AccountStatusActive")),
                ("currency_id", json!(1)),
                // From the number, not the generator, so the rest of the books stay as they were.
                ("telephone_country_code", json!("44")),
                (
                    "telephone_area_code",
                    json!(format!("0{}", 113 + (n * 7) % 87)),
                ),
                (
                    "telephone_subscriber_number",
                    json!(format!(
                        "{} {:04}",
                        200 + (n * 37) % 799,
                        (n * 1237) % 10_000
                    )),
                ),
                (
                    "credit_limit",
                    json!(f64::from(rng.random_range(1..=50_u32)) * 1000.0),
                ),
                ("country_code_id", json!(1)),
                ("default_tax_code_id", json!(1)),
                ("payment_terms_days", json!(30)),
                ("date_time_created", json!(CREATED)),
                ("date_time_updated", json!(CREATED)),
            ],
        );
        suppliers.insert(r);
    }

    let mut products = table_of(schemas, "products", 1);
    for n in 0..120 {
        let item = [
            "A4 paper",
            "Ballpoint pens",
            "Stapler",
            "Desk lamp",
            "Filing cabinet",
            "Toner cartridge",
            "Notebook",
            "Envelopes",
            "Office chair",
            "Whiteboard",
        ][n % 10];
        let r = record(
            &products.schema,
            &[
                ("code", json!(format!("PRD{:05}", n + 1))),
                ("name", json!(format!("{item} ({})", n / 10 + 1))),
                (
                    "description",
                    json!(format!("{item}, pack size {}", (n % 5 + 1) * 5)),
                ),
                (
                    "barcode",
                    json!(format!("50{:011}", n * 7919 % 100_000_000_000)),
                ),
                ("allow_sales_order", json!(true)),
                ("free_stock_quantity", json!(rng.random_range(0..500))),
                ("product_group_id", json!(1 + n % 4)),
                ("tax_code_id", json!(1)),
                ("product_status_type", json!("ProductStatusActive")),
                ("standard_cost", json!(money(rng, 0.5, 300.0))),
                ("average_buying_price", json!(money(rng, 0.5, 300.0))),
                ("date_time_created", json!(CREATED)),
                ("date_time_updated", json!(CREATED)),
            ],
        );
        products.insert(r);
    }

    let mut orders = table_of(schemas, "sop_orders", 1);
    let mut lines = table_of(schemas, "sop_order_lines", 1);
    let order_count = customer_count.min(500);
    for n in 0..order_count {
        // Drawn so the records after the orders stay as they were; totals come from lines.
        let _ = money(rng, 20.0, 8_000.0);
        let complete = n % 3 == 1;
        let (net, tax) = books::order_lines(&mut lines, &products, n, complete);
        let day = 1 + n % 28;
        let month = 1 + n % 12;
        let r = record(
            &orders.schema,
            &[
                ("customer_id", json!(1 + (n * 37) % customer_count.max(1))),
                ("document_no", json!(format!("{:010}", 1000 + n))),
                (
                    "document_date",
                    json!(format!("2026-{month:02}-{day:02}T00:00:00Z")),
                ),
                (
                    "document_status",
                    json!(
                        [
                            "DocumentStatusLive",
                            "DocumentStatusComplete",
                            "DocumentStatusLive"
                        ][n % 3]
                    ),
                ),
                ("currency_id", json!(1)),
                ("total_net_value", json!(net)),
                ("total_tax_value", json!(tax)),
                (
                    "total_gross_value",
                    json!(((net + tax) * 100.0).round() / 100.0),
                ),
                ("customer_document_no", json!(format!("PO-{}", 5000 + n))),
                ("document_created_by", json!("demo")),
                ("date_time_created", json!(CREATED)),
                ("date_time_updated", json!(CREATED)),
            ],
        );
        orders.insert(r);
    }

    let mut nominals = table_of(schemas, "nominal_codes", 1);
    for (reference, name, kind) in [
        ("1100", "Debtors control", "NominalAccountTypeBalanceSheet"),
        (
            "1200",
            "Bank current account",
            "NominalAccountTypeBalanceSheet",
        ),
        (
            "2100",
            "Creditors control",
            "NominalAccountTypeBalanceSheet",
        ),
        ("2200", "VAT liability", "NominalAccountTypeBalanceSheet"),
        (
            "4000",
            "Sales - stationery",
            "NominalAccountTypeProfitAndLoss",
        ),
        (
            "4010",
            "Sales - furniture",
            "NominalAccountTypeProfitAndLoss",
        ),
        ("5000", "Purchases", "NominalAccountTypeProfitAndLoss"),
        (
            "7000",
            "Wages and salaries",
            "NominalAccountTypeProfitAndLoss",
        ),
        ("7100", "Rent and rates", "NominalAccountTypeProfitAndLoss"),
        ("7500", "Office costs", "NominalAccountTypeProfitAndLoss"),
    ] {
        let r = record(
            &nominals.schema,
            &[
                ("name", json!(name)),
                ("reference", json!(reference)),
                ("nominal_account_type", json!(kind)),
                ("account_status_type", json!("AccountStatusActive")),
                ("report_category_id", json!(1)),
                (
                    "balance_year_to_date",
                    json!(money(rng, -50_000.0, 50_000.0)),
                ),
                ("allow_manual_journal_entries", json!(true)),
            ],
        );
        nominals.insert(r);
    }

    tables.insert("currencies", currencies);
    tables.insert("country_codes", countries);
    tables.insert("tax_codes", taxes);
    tables.insert("customers", customers);
    tables.insert("suppliers", suppliers);
    tables.insert("products", products);
    tables.insert("sop_orders", orders);
    tables.insert("sop_order_lines", lines);
    tables.insert("nominal_codes", nominals);
    tables
}

fn money(rng: &mut StdRng, low: f64, high: f64) -> f64 {
    (rng.random_range(low..high) * 100.0).round() / 100.0
}

fn company_name(rng: &mut StdRng) -> String {
    let stem = NAME_STEMS[rng.random_range(0..NAME_STEMS.len())];
    let trade = NAME_TRADES[rng.random_range(0..NAME_TRADES.len())];
    if rng.random_bool(0.15) {
        let surname = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
        format!(
            "{surname} {trade} {}",
            NAME_ENDINGS[rng.random_range(0..NAME_ENDINGS.len())]
        )
    } else {
        format!(
            "{stem} {trade} {}",
            NAME_ENDINGS[rng.random_range(0..NAME_ENDINGS.len())]
        )
    }
}

/// A unique 8-character account reference: three letters of the name and a number.
fn reference(name: &str, n: usize) -> String {
    let letters: String = name
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(3)
        .collect::<String>()
        .to_ascii_uppercase();
    format!("{letters:X<3}{:05}", n + 1)
}

/// The seed of customer `n`'s nested fields.
fn child_seed(rng: &mut StdRng) -> u64 {
    rng.random::<u64>() | 1
}

/// Builds `main_address` or `contacts` of a generated customer from its seed and scalars.
fn customer_children(schema: &Schema, record: &Record, field: &str) -> Option<Value> {
    let text = |name: &str| {
        schema
            .position(name)
            .and_then(|p| record.get(p))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let mut rng = StdRng::seed_from_u64(record.seed());
    let (town, county, district) = TOWNS[rng.random_range(0..TOWNS.len())];
    let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
    let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
    let street = STREETS[rng.random_range(0..STREETS.len())];
    let number = rng.random_range(1..240);
    let unit = rng.random_bool(0.3);
    let postcode = format!(
        "{district} {}{}{}",
        rng.random_range(1..10),
        char::from(b'A' + rng.random_range(0..26_u8)),
        char::from(b'A' + rng.random_range(0..26_u8))
    );
    match field {
        "main_address" => Some(json!({
            "address_1": format!("{number} {street}"),
            "address_2": if unit { "Unit 4" } else { "" },
            "address_3": "", "address_4": "",
            "city": town, "county": county, "postcode": postcode,
            "address_country_code_id": 1,
        })),
        "contacts" => {
            let domain: String = text("name")
                .to_lowercase()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(18)
                .collect();
            let email = format!(
                "{}.{}@{domain}.co.uk",
                first.to_lowercase(),
                last.to_lowercase().replace('\'', "")
            );
            let area = text("telephone_area_code");
            let subscriber = text("telephone_subscriber_number");
            // A generated customer's one contact shares the customer's id.
            let id = record.id();
            Some(json!([{
                "id": id, "salutation_id": 0,
                "name": format!("{first} {last}"), "first_name": first, "middle_name": "", "last_name": last,
                "default_telephone": format!("{area} {subscriber}"), "default_email": email,
                "is_default": true,
                "emails": [{"id": id, "email": email, "is_default": true}],
                "telephones": [{"id": id, "country_code": "44", "area_code": area,
                    "subscriber_number": subscriber, "is_default": true}],
            }]))
        }
        _ => None,
    }
}

#[allow(clippy::too_many_lines)] // one field per line
fn customer(schema: &Schema, rng: &mut StdRng, n: usize) -> Record {
    let name = company_name(rng);
    let domain: String = name
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(18)
        .collect();
    let status = if n % 41 == 7 {
        "AccountStatusHidden"
    } else {
        "AccountStatusActive"
    };
    let area = format!("0{}", rng.random_range(113..=199));
    let subscriber = format!(
        "{} {:04}",
        rng.random_range(200..999),
        rng.random_range(0..10_000)
    );
    let opened_year = 2005 + rng.random_range(0..20);
    let seed = child_seed(rng);
    let mut r = Record::seeded(seed);
    for (field, value) in [
        ("reference", json!(reference(&name, n))),
        (
            "short_name",
            json!(
                name.split_whitespace()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(8)
                    .collect::<String>()
            ),
        ),
        ("balance", json!(money(rng, -500.0, 25_000.0))),
        ("on_hold", json!(n % 23 == 5)),
        ("account_status_type", json!(status)),
        ("currency_id", json!(if n % 19 == 4 { 2 } else { 1 })),
        ("exchange_rate_type", json!("ExchangeRateSingle")),
        ("telephone_country_code", json!("44")),
        ("telephone_area_code", json!(area)),
        ("telephone_subscriber_number", json!(subscriber)),
        ("website", json!(format!("www.{domain}.co.uk"))),
        (
            "credit_limit",
            json!(f64::from(rng.random_range(1..=40_u32)) * 500.0),
        ),
        ("country_code_id", json!(1)),
        ("default_tax_code_id", json!(1)),
        (
            "vat_number",
            json!(format!(
                "GB{:09}",
                rng.random_range(100_000_000..999_999_999_u32)
            )),
        ),
        ("account_type", json!("TradingAccountTypeOpenItem")),
        ("payment_terms_days", json!([30, 30, 14, 60][n % 4])),
        ("payment_terms_basis", json!("PaymentDueDaysFromInvoice")),
        ("average_time_to_pay", json!(rng.random_range(10..70))),
        ("terms_agreed", json!(true)),
        (
            "account_opened",
            json!(format!("{opened_year}-{:02}-01T00:00:00Z", 1 + n % 12)),
        ),
        ("order_priority", json!("B")),
        ("months_to_keep_transactions", json!(12)),
        (
            "analysis_code_1",
            json!(["Retail", "Trade", "Public sector", "Education"][n % 4]),
        ),
        (
            "date_time_created",
            json!(format!("{opened_year}-{:02}-01T09:30:00Z", 1 + n % 12)),
        ),
        ("date_time_updated", json!("2026-01-15T16:45:00Z")),
        ("name", json!(name)),
    ] {
        set(&mut r, schema, field, value);
    }
    r
}
