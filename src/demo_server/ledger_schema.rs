//! Field lists of the ledger resources the simulator serves, with the names, types and
//! lengths of Sage's published schemas (sales, purchases, nominal, financials and SOP):
//! the fields the demo has values for, in Sage's order. `tests/demo_ledgers.rs` checks
//! every one against Sage's files.

use super::schema::{Fields, Kind, Schema};

/// The value fields shared by posted transactions and transaction views, `document_` and
/// `base_` (document currency and base currency).
fn values(fields: Fields, prefix: &str, outstanding: bool) -> Fields {
    let mut fields = fields
        .dec(&format!("{prefix}_goods_value"))
        .dec(&format!("{prefix}_gross_value"))
        .dec(&format!("{prefix}_tax_value"))
        .dec(&format!("{prefix}_discount_value"))
        .dec(&format!("{prefix}_tax_discount_value"))
        .dec(&format!("{prefix}_allocated_value"));
    if outstanding {
        fields = fields.dec(&format!("{prefix}_outstanding_value"));
    }
    fields
}

/// `sales_posted_transactions` (`account` = `customer`) and `purchase_posted_transactions`
/// (`supplier`).
pub fn posted_transactions(account: &'static str, resource: &'static str) -> Schema {
    let via: &'static str = if account == "customer" {
        "customer_id"
    } else {
        "supplier_id"
    };
    let fields = Fields::new()
        .id()
        .int(via)
        .text("trader_transaction_type", 30)
        .text("reference", 20)
        .text("second_reference", 20)
        .text("queried", 1)
        .date("transaction_date")
        .date("posted_date")
        .date("due_date");
    let fields = values(fields, "document", true).dec("discount_percent");
    values(fields, "base", false)
        .dec("control_value_in_base_currency")
        .dec("exchange_rate")
        .flag("settled_immediately")
        .int("discount_days")
        .int("urn")
        .text("user_name", 20)
        .related(account, resource, via)
        .timestamps()
        .build()
}

/// `sales_transaction_views` and `purchase_transaction_views`: a transaction with its
/// account's reference and name and its currency, flattened.
pub fn transaction_views(account: &str) -> Schema {
    let fields = Fields::new()
        .int(&format!("posted_{account}_transaction_id"))
        .text("transaction_type", 30)
        .date("transaction_date")
        .date("posted_date")
        .date("due_date")
        .int("discount_days")
        .text("reference", 20)
        .text("second_reference", 20)
        .text("query", 1)
        .text("status", 20)
        .text("user_name", 20)
        .text("ledger_type", 30)
        .int("urn")
        .dec("exchange_rate")
        .flag("settled_immediately");
    let fields = values(fields, "base", true);
    values(fields, "document", true)
        .int(&format!("{account}_id"))
        .text(&format!("{account}_reference"), 8)
        .text(&format!("{account}_name"), 60)
        .text("currency_name", 30)
        .text("currency_symbol", 4)
        .date("transaction_date_time_updated")
        .build()
}

/// `sales_aged_debtor_summary_views` (`customer`) and
/// `purchase_aged_creditor_summary_views` (`supplier`): one row per account with a balance,
/// its outstanding values in ageing buckets.
pub fn aged_summary(account: &str) -> Schema {
    let mut fields = Fields::new()
        .int(&format!("{account}_id"))
        .int(&format!("posted_{account}_transaction_id"));
    for prefix in ["doc", "base"] {
        fields = fields
            .dec(&format!("{prefix}_past"))
            .dec(&format!("{prefix}_future"))
            .dec(&format!("{prefix}_current"))
            .numbered(&format!("{prefix}_period"), 8, Kind::Decimal, None);
    }
    fields.numbered("aged_period", 8, Kind::Text, None).build()
}

/// `customer_period_value_views`: a customer's totals in each accounting period.
pub fn customer_period_values() -> Schema {
    Fields::new()
        .int("customer_id")
        .text("customer_reference", 20)
        .text("customer_name", 60)
        .numbered("customer_analysis_code", 5, Kind::Text, Some(60))
        .int("customer_period_value_id")
        .dec("period_value_total_invoice_value_to_date")
        .dec("period_value_total_credit_note_value_to_date")
        .dec("period_value_total_cash_value_to_date")
        .dec("period_value_total_profit_value_to_date")
        .dec("period_value_total_invoice_value_to_date_in_base")
        .dec("period_value_total_cred_note_value_to_date_in_base")
        .dec("period_value_total_cash_value_to_date_in_base")
        .dec("period_value_total_profit_value_to_date_in_base")
        .int("customer_analysis_period_id")
        .text("analysis_period_reference", 20)
        .date("analysis_period_start_date")
        .date("analysis_period_end_date")
        .build()
}

/// `financial_year_period_views`: every period of every financial year.
pub fn financial_year_periods() -> Schema {
    Fields::new()
        .int("financial_year_id")
        .date("financial_year_start_date")
        .date("financial_year_end_date")
        .int("year_relative_to_current_year")
        .int("number_of_periods_in_year")
        .int("accounting_period_id")
        .int("period_number")
        .date("period_start_date")
        .date("period_end_date")
        .build()
}

/// `nominal_transaction_enquiry_views`: one debit or credit on one nominal code.
pub fn nominal_transactions() -> Schema {
    Fields::new()
        .id()
        .int("nominal_code_id")
        .date("transaction_date")
        .int("period_number")
        .text("reference", 20)
        .text("narrative", 6000)
        .text("transaction_analysis_code", 20)
        .dec("debit")
        .dec("credit")
        .text("user_name", 20)
        .text("source", 30)
        .int("urn")
        .int("accounting_period_id")
        .int("financial_year_id")
        .date("financial_year_start_date")
        .int("year_relative_to_current_year")
        .related("nominal_code", "nominal_codes", "nominal_code_id")
        .build()
}

/// `sop_order_lines`: the lines of a sales order.
pub fn sop_order_lines() -> Schema {
    Fields::new()
        .id()
        .int("sop_order_id")
        .text("line_type", 20)
        .int("product_id")
        .text("code", 30)
        .text("description", 6000)
        .dec("line_quantity")
        .int("line_number")
        .int("tax_code_id")
        .text("nominal_reference", 8)
        .dec("selling_unit_price")
        .dec("unit_discount_percent")
        .dec("line_tax_value")
        .dec("line_total_value")
        .flag("is_complete")
        .related("product", "products", "product_id")
        .timestamps()
        .build()
}
