//! The simulator's description of each resource: its fields with their types, length limits
//! and rules, written from the Sage 200 field conventions (names, types and lengths match
//! Sage's published schema so the client meets the same shapes as in production).

use std::collections::HashMap;

/// The type of a field, as the wire shows it and as filters compare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A 64-bit integer (ids, counts, days).
    Int,
    /// A decimal number (money, rates, percentages).
    Decimal,
    /// `true` / `false`.
    Bool,
    /// Text, possibly with a length limit.
    Text,
    /// An ISO 8601 date-time, sent as `YYYY-MM-DDTHH:MM:SSZ`.
    DateTime,
    /// A nested object or list kept with the record, returned only with `$expand`.
    Child,
    /// A related record of another resource, returned only with `$expand`, looked up by
    /// the id in `via`.
    Related {
        /// The resource the related record belongs to.
        resource: &'static str,
        /// The id field of this record that points at it.
        via: &'static str,
    },
}

/// One field of a resource.
#[derive(Debug, Clone)]
pub struct Field {
    /// The field's wire name (`snake_case`).
    pub name: String,
    /// Its type.
    pub kind: Kind,
    /// The longest text accepted, for text fields.
    pub max_len: Option<usize>,
    /// Whether a create must supply it.
    pub required: bool,
    /// Whether the server ignores it on create and update.
    pub read_only: bool,
}

/// Builds a nested field of a seeded record on demand (see [`Schema::generate`]).
pub type Generator = fn(&Schema, &super::store::Record, &str) -> Option<serde_json::Value>;

/// A resource: its fields in wire order and an index from name to position.
#[derive(Debug)]
pub struct Schema {
    /// The fields, in the order records are written.
    pub fields: Vec<Field>,
    index: HashMap<String, usize>,
    /// Rebuilds the nested fields of seeded records that were never changed, so 100,000
    /// generated customers do not each hold their address and contacts in memory.
    pub generate: Option<Generator>,
}

impl Schema {
    fn new(fields: Vec<Field>) -> Self {
        let index = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i))
            .collect();
        Self {
            fields,
            index,
            generate: None,
        }
    }

    /// The position of a field.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.position(name).map(|i| &self.fields[i])
    }

    /// Whether `name` is a scalar field (one that can be filtered, sorted and selected).
    pub fn is_scalar(&self, name: &str) -> bool {
        self.field(name)
            .is_some_and(|f| !matches!(f.kind, Kind::Child | Kind::Related { .. }))
    }
}

/// A compact builder so the field lists below read like a table.
pub(super) struct Fields(Vec<Field>);

impl Fields {
    pub(super) fn new() -> Self {
        Self(Vec::new())
    }
    pub(super) fn add(mut self, name: &str, kind: Kind, max_len: Option<usize>) -> Self {
        self.0.push(Field {
            name: name.to_owned(),
            kind,
            max_len,
            required: false,
            read_only: false,
        });
        self
    }
    pub(super) fn id(self) -> Self {
        self.add("id", Kind::Int, None).read_only()
    }
    pub(super) fn int(self, name: &str) -> Self {
        self.add(name, Kind::Int, None)
    }
    pub(super) fn dec(self, name: &str) -> Self {
        self.add(name, Kind::Decimal, None)
    }
    pub(super) fn flag(self, name: &str) -> Self {
        self.add(name, Kind::Bool, None)
    }
    pub(super) fn text(self, name: &str, max: usize) -> Self {
        self.add(name, Kind::Text, Some(max))
    }
    pub(super) fn date(self, name: &str) -> Self {
        self.add(name, Kind::DateTime, None)
    }
    pub(super) fn child(self, name: &str) -> Self {
        self.add(name, Kind::Child, None)
    }
    pub(super) fn related(self, name: &str, resource: &'static str, via: &'static str) -> Self {
        self.add(name, Kind::Related { resource, via }, None)
            .read_only()
    }
    /// Marks the last field required.
    pub(super) fn required(mut self) -> Self {
        if let Some(last) = self.0.last_mut() {
            last.required = true;
        }
        self
    }
    /// Marks the last field read-only.
    pub(super) fn read_only(mut self) -> Self {
        if let Some(last) = self.0.last_mut() {
            last.read_only = true;
        }
        self
    }
    pub(super) fn numbered(
        mut self,
        prefix: &str,
        count: usize,
        kind: Kind,
        max: Option<usize>,
    ) -> Self {
        for n in 1..=count {
            self = self.add(&format!("{prefix}_{n}"), kind, max);
        }
        self
    }
    pub(super) fn timestamps(self) -> Self {
        self.date("date_time_created")
            .read_only()
            .date("date_time_updated")
            .read_only()
    }
    pub(super) fn build(self) -> Schema {
        Schema::new(self.0)
    }
}

/// Customers (`customers`): the sales ledger accounts.
pub fn customers() -> Schema {
    Fields::new()
        .id()
        .text("reference", 8)
        .required()
        .text("name", 60)
        .required()
        .text("short_name", 8)
        .dec("balance")
        .read_only()
        .flag("on_hold")
        .text("status_reason", 256)
        .text("account_status_type", 20)
        .int("currency_id")
        .text("exchange_rate_type", 20)
        .text("telephone_country_code", 5)
        .text("telephone_area_code", 20)
        .text("telephone_subscriber_number", 200)
        .text("fax_country_code", 5)
        .text("fax_area_code", 20)
        .text("fax_subscriber_number", 200)
        .text("website", 200)
        .dec("credit_limit")
        .int("country_code_id")
        .int("default_tax_code_id")
        .text("vat_number", 30)
        .text("duns_code", 9)
        .text("account_type", 20)
        .dec("early_settlement_discount_percent")
        .int("early_settlement_discount_days")
        .int("payment_terms_days")
        .text("payment_terms_basis", 20)
        .int("average_time_to_pay")
        .read_only()
        .flag("terms_agreed")
        .dec("value_of_current_orders_in_sop")
        .read_only()
        .text("trading_terms", 30)
        .text("credit_reference", 60)
        .date("account_opened")
        .date("last_credit_review")
        .date("next_credit_review")
        .text("order_priority", 1)
        .flag("use_tax_code_as_default")
        .int("months_to_keep_transactions")
        .dec("invoice_discount_percent")
        .dec("invoice_line_discount_percent")
        .numbered("analysis_code", 20, Kind::Text, Some(60))
        .numbered("spare_text", 10, Kind::Text, Some(100))
        .numbered("spare_number", 10, Kind::Decimal, None)
        .numbered("spare_date", 5, Kind::DateTime, None)
        .numbered("spare_bool", 5, Kind::Bool, None)
        .related("currency", "currencies", "currency_id")
        .related("country_code", "country_codes", "country_code_id")
        .related("default_tax_code", "tax_codes", "default_tax_code_id")
        .child("main_address")
        .child("contacts")
        .timestamps()
        .build()
}

/// Fields of a customer's `main_address` and their length limits.
pub const ADDRESS_FIELDS: [(&str, usize); 7] = [
    ("address_1", 60),
    ("address_2", 60),
    ("address_3", 60),
    ("address_4", 60),
    ("city", 60),
    ("county", 60),
    ("postcode", 10),
];

/// Fields of a customer contact and their length limits.
pub const CONTACT_TEXT_FIELDS: [(&str, usize); 4] = [
    ("name", 180),
    ("first_name", 60),
    ("middle_name", 60),
    ("last_name", 60),
];

/// The flattened, read-only `customer_views`.
pub fn customer_views() -> Schema {
    Fields::new()
        .id()
        .text("reference", 20)
        .text("name", 60)
        .text("short_name", 8)
        .int("country_code_id")
        .text("country_code", 2)
        .int("currency_id")
        .text("currency_name", 30)
        .text("currency_symbol", 4)
        .dec("balance")
        .dec("credit_limit")
        .text("vat_number", 30)
        .flag("account_is_on_hold")
        .text("account_status_type", 20)
        .text("city", 60)
        .text("postcode", 10)
        .text("contact_name", 180)
        .text("contact_email", 227)
        .build()
}

/// Suppliers (`suppliers`): the purchase ledger accounts.
pub fn suppliers() -> Schema {
    Fields::new()
        .id()
        .text("reference", 8)
        .required()
        .text("name", 60)
        .required()
        .text("short_name", 8)
        .dec("balance")
        .read_only()
        .flag("on_hold")
        .text("account_status_type", 20)
        .int("currency_id")
        .text("telephone_country_code", 5)
        .text("telephone_area_code", 20)
        .text("telephone_subscriber_number", 200)
        .text("website", 200)
        .dec("credit_limit")
        .int("country_code_id")
        .int("default_tax_code_id")
        .text("vat_number", 30)
        .int("payment_terms_days")
        .timestamps()
        .build()
}

/// Products (`products`): stock items.
pub fn products() -> Schema {
    Fields::new()
        .id()
        .text("code", 30)
        .required()
        .text("name", 60)
        .required()
        .text("description", 1000)
        .text("barcode", 60)
        .flag("allow_sales_order")
        .dec("free_stock_quantity")
        .read_only()
        .int("product_group_id")
        .required()
        .int("tax_code_id")
        .text("product_status_type", 20)
        .text("manufacturer", 40)
        .dec("standard_cost")
        .dec("average_buying_price")
        .dec("weight")
        .timestamps()
        .build()
}

/// Sales orders (`sop_orders`).
pub fn sop_orders() -> Schema {
    Fields::new()
        .id()
        .int("customer_id")
        .required()
        .text("document_no", 20)
        .required()
        .date("document_date")
        .text("document_status", 20)
        .int("currency_id")
        .dec("total_net_value")
        .dec("total_tax_value")
        .dec("total_gross_value")
        .text("customer_document_no", 30)
        .date("requested_delivery_date")
        .date("promised_delivery_date")
        .text("document_created_by", 30)
        .related("customer", "customers", "customer_id")
        .timestamps()
        .build()
}

/// Nominal codes (`nominal_codes`): the general ledger accounts.
pub fn nominal_codes() -> Schema {
    Fields::new()
        .id()
        .text("name", 60)
        .text("reference", 8)
        .required()
        .text("cost_centre_code", 3)
        .text("department_code", 3)
        .text("nominal_account_type", 20)
        .text("account_status_type", 20)
        .int("report_category_id")
        .required()
        .dec("balance_year_to_date")
        .dec("brought_forward_balance")
        .flag("allow_manual_journal_entries")
        .build()
}

/// Currencies (`currencies`).
pub fn currencies() -> Schema {
    Fields::new()
        .id()
        .text("symbol", 4)
        .required()
        .text("name", 30)
        .required()
        .dec("core_currency_rate")
        .flag("is_base_currency")
        .text("exchange_rate_type", 20)
        .timestamps()
        .build()
}

/// Country codes (`country_codes`).
pub fn country_codes() -> Schema {
    Fields::new()
        .id()
        .text("code", 2)
        .required()
        .text("name", 60)
        .required()
        .flag("eu_member")
        .timestamps()
        .build()
}

/// Tax codes (`tax_codes`).
pub fn tax_codes() -> Schema {
    Fields::new()
        .id()
        .int("code")
        .required()
        .text("name", 60)
        .required()
        .dec("tax_rate")
        .text("terms", 54)
        .timestamps()
        .build()
}

/// Customer contacts, as listed by `customers/{id}/customer_contacts`.
pub fn customer_contacts() -> Schema {
    Fields::new()
        .id()
        .int("customer_id")
        .int("salutation_id")
        .text("name", 180)
        .text("first_name", 60)
        .text("middle_name", 60)
        .text("last_name", 60)
        .text("default_telephone", 227)
        .text("default_email", 227)
        .flag("is_default")
        .child("emails")
        .child("telephones")
        .timestamps()
        .build()
}
