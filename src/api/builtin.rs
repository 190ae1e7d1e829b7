//! The endpoints the app knows without any import: Sage 200's common lists and records,
//! the customer fields the form works with, and the ledger paths with their keys and the
//! fields that link them (enough for drill-down; Sage's `OpenAPI` files add the rest).

use super::catalogue::{Endpoint, FieldInfo, FieldKind, Verb};

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

/// A ledger path the app ships with: its key and the whole-number fields that link it to
/// other records (enough for drill-down; importing Sage's `OpenAPI` files adds the rest).
struct LedgerPath {
    path: &'static str,
    title: &'static str,
    key: &'static str,
    fields: &'static [&'static str],
    search: &'static [&'static str],
}

const fn ledger(
    path: &'static str,
    title: &'static str,
    key: &'static str,
    fields: &'static [&'static str],
    search: &'static [&'static str],
) -> LedgerPath {
    LedgerPath {
        path,
        title,
        key,
        fields,
        search,
    }
}

const SALES: &[&str] = &["id", "customer_id", "urn"];
const SALES_VIEW: &[&str] = &["posted_customer_transaction_id", "customer_id", "urn"];
const PURCHASE: &[&str] = &["id", "supplier_id", "urn"];
const PURCHASE_VIEW: &[&str] = &["posted_supplier_transaction_id", "supplier_id", "urn"];
const NOMINAL: &[&str] = &["id", "nominal_code_id", "urn"];
const REFERENCES: &[&str] = &["reference", "second_reference"];

/// The ledgers: paths of Sage's sales, purchase, nominal, financials and SOP documents.
const LEDGER: &[LedgerPath] = &[
    ledger(
        "sales_posted_transactions",
        "Sales ledger transactions",
        "id",
        SALES,
        REFERENCES,
    ),
    ledger(
        "sales_posted_transactions/{id}",
        "One sales ledger transaction",
        "id",
        SALES,
        &[],
    ),
    ledger(
        "customers/{id}/sales_posted_transactions",
        "A customer's transactions",
        "id",
        SALES,
        REFERENCES,
    ),
    ledger(
        "sales_transaction_views",
        "Sales transactions, with customer and currency",
        "posted_customer_transaction_id",
        SALES_VIEW,
        REFERENCES,
    ),
    ledger(
        "purchase_posted_transactions",
        "Purchase ledger transactions",
        "id",
        PURCHASE,
        REFERENCES,
    ),
    ledger(
        "purchase_posted_transactions/{id}",
        "One purchase ledger transaction",
        "id",
        PURCHASE,
        &[],
    ),
    ledger(
        "suppliers/{id}/purchase_posted_transactions",
        "A supplier's transactions",
        "id",
        PURCHASE,
        REFERENCES,
    ),
    ledger(
        "purchase_transaction_views",
        "Purchase transactions, with supplier and currency",
        "posted_supplier_transaction_id",
        PURCHASE_VIEW,
        REFERENCES,
    ),
    ledger(
        "sales_aged_debtor_summary_views",
        "Aged debtors: what each customer owes, by age",
        "customer_id",
        &["customer_id"],
        &[],
    ),
    ledger(
        "purchase_aged_creditor_summary_views",
        "Aged creditors: what is owed to each supplier, by age",
        "supplier_id",
        &["supplier_id"],
        &[],
    ),
    ledger(
        "customer_period_value_views",
        "Customers' invoices, credit notes and cash per period",
        "customer_period_value_id",
        &["customer_id", "customer_period_value_id"],
        &["customer_name", "customer_reference"],
    ),
    ledger(
        "financial_year_period_views",
        "Financial years and their periods",
        "accounting_period_id",
        &["financial_year_id", "accounting_period_id"],
        &[],
    ),
    ledger(
        "nominal_transaction_enquiry_views",
        "Nominal ledger postings (debits and credits)",
        "id",
        NOMINAL,
        &["reference", "narrative"],
    ),
    ledger(
        "nominal_transaction_enquiry_views/{id}",
        "One nominal posting",
        "id",
        NOMINAL,
        &[],
    ),
    ledger(
        "nominal_codes/{id}/nominal_transaction_enquiry_views",
        "A nominal code's postings",
        "id",
        NOMINAL,
        &["reference", "narrative"],
    ),
    ledger(
        "customers/{id}/sop_orders",
        "A customer's sales orders",
        "id",
        &["id", "customer_id"],
        &["document_no"],
    ),
    ledger(
        "sop_orders/{id}/sop_order_lines",
        "A sales order's lines",
        "id",
        &["id", "sop_order_id", "product_id"],
        &["code", "description"],
    ),
    ledger(
        "sop_order_lines/{id}",
        "One sales order line",
        "id",
        &["id", "sop_order_id", "product_id"],
        &[],
    ),
];

/// Every built-in endpoint.
pub(super) fn endpoints() -> Vec<Endpoint> {
    let mut endpoints = Vec::new();
    for entry in BUILTIN {
        let fields = if entry.path.starts_with("customers") && !entry.path.contains("contacts") {
            customer_fields()
        } else {
            Vec::new()
        };
        endpoints.push(Endpoint {
            path: entry.path.to_owned(),
            title: entry.title.to_owned(),
            verbs: entry.verbs.to_vec(),
            is_list: entry.list,
            fields,
            search_fields: entry.search.iter().map(|s| (*s).to_owned()).collect(),
            key: "id".to_owned(),
        });
    }
    for entry in LEDGER {
        let integer = |name: &&str| f(name, FieldKind::Integer);
        endpoints.push(Endpoint {
            path: entry.path.to_owned(),
            title: entry.title.to_owned(),
            verbs: vec![Verb::Get],
            is_list: !entry.path.ends_with("{id}"),
            fields: entry.fields.iter().map(integer).collect(),
            search_fields: entry.search.iter().map(|s| (*s).to_owned()).collect(),
            key: entry.key.to_owned(),
        });
    }
    endpoints
}

/// Columns shown first for the lists people read most: the fields an accountant looks at
/// (Sage's field names, checked against Sage's schemas by `tests/demo_schema.rs`); the rest
/// stay in the column chooser. Keyed by the list's resource (its last path segment).
pub const DEFAULT_COLUMNS: &[(&str, &[&str])] = &[
    ("customers", TRADER_COLUMNS),
    ("suppliers", TRADER_COLUMNS),
    (
        "sales_posted_transactions",
        &[
            "transaction_date",
            "trader_transaction_type",
            "reference",
            "second_reference",
            "customer_id",
            "document_gross_value",
            "document_outstanding_value",
            "due_date",
            "urn",
        ],
    ),
    (
        "purchase_posted_transactions",
        &[
            "transaction_date",
            "trader_transaction_type",
            "reference",
            "second_reference",
            "supplier_id",
            "document_gross_value",
            "document_outstanding_value",
            "due_date",
            "urn",
        ],
    ),
    (
        "sales_transaction_views",
        &[
            "transaction_date",
            "transaction_type",
            "reference",
            "customer_reference",
            "customer_name",
            "base_gross_value",
            "base_outstanding_value",
            "status",
            "due_date",
            "urn",
        ],
    ),
    (
        "purchase_transaction_views",
        &[
            "transaction_date",
            "transaction_type",
            "reference",
            "supplier_reference",
            "supplier_name",
            "base_gross_value",
            "base_outstanding_value",
            "status",
            "due_date",
            "urn",
        ],
    ),
    (
        "nominal_transaction_enquiry_views",
        &[
            "transaction_date",
            "nominal_code_id",
            "reference",
            "narrative",
            "debit",
            "credit",
            "source",
            "urn",
        ],
    ),
    (
        "nominal_codes",
        &[
            "reference",
            "name",
            "cost_centre_code",
            "department_code",
            "nominal_account_type",
            "brought_forward_balance",
            "balance_year_to_date",
        ],
    ),
    (
        "sop_orders",
        &[
            "document_no",
            "document_date",
            "customer_id",
            "document_status",
            "total_net_value",
            "total_gross_value",
            "requested_delivery_date",
        ],
    ),
    (
        "sop_order_lines",
        &[
            "line_number",
            "code",
            "description",
            "line_quantity",
            "selling_unit_price",
            "line_total_value",
        ],
    ),
    (
        "customer_contacts",
        &["name", "default_telephone", "default_email", "is_default"],
    ),
];

/// Customers' and suppliers' first columns.
const TRADER_COLUMNS: &[&str] = &[
    "reference",
    "name",
    "balance",
    "credit_limit",
    "on_hold",
    "account_status_type",
    "telephone_area_code",
    "telephone_subscriber_number",
];
