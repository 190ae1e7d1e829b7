//! Keeping the demo's stored records in step with its books: balances and nominal
//! figures from the ledger, credit limits fitted to what accounts owe, and sales order
//! lines whose totals make the orders'.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::data::{CREATED, Company, record};
use super::ledger::{Account, Side};
use super::ledger_views::pounds;
use super::store::{Record, Table};

/// The accounts of `table` the ledger may post to, with their payment terms.
pub fn accounts(company: &Company, table: &str) -> Vec<Account> {
    let Some(table) = company.tables.get(table) else {
        return Vec::new();
    };
    let terms = table.schema.position("payment_terms_days");
    table
        .rows
        .iter()
        .map(|r| Account {
            id: u32::try_from(r.id()).unwrap_or(0),
            terms_days: terms
                .and_then(|p| r.get(p))
                .and_then(Value::as_u64)
                .and_then(|d| u16::try_from(d).ok())
                .unwrap_or(30),
        })
        .collect()
}

/// Gives most generated accounts a credit limit above what they owe (to the next £500, with
/// a quarter to spare), as a credit controller would; every ninth keeps its smaller limit,
/// so some accounts are over their limit. Only at generation: limits are the user's to
/// change afterwards.
pub fn fit_credit_limits(company: &mut Company) {
    for table in ["customers", "suppliers"] {
        let Some(table) = company.tables.get_mut(table) else {
            continue;
        };
        let (Some(balance), Some(limit)) = (
            table.schema.position("balance"),
            table.schema.position("credit_limit"),
        ) else {
            continue;
        };
        for row in &mut table.rows {
            if row.id() % 9 == 4 {
                continue;
            }
            let owed = row.get(balance).and_then(Value::as_f64).unwrap_or(0.0);
            let current = row.get(limit).and_then(Value::as_f64).unwrap_or(0.0);
            let fitted = (owed * 1.25 / 500.0).ceil() * 500.0;
            if fitted > current {
                row.set(limit, json!(fitted));
            }
        }
    }
}

/// Makes the stored figures agree with the books: each customer's and supplier's `balance`
/// is the sum of its outstanding transactions, and each nominal code's balances are the
/// sums of its postings before and within the current financial year.
pub fn settle(company: &mut Company) {
    for (table, side) in [("customers", Side::Sales), ("suppliers", Side::Purchase)] {
        let ledger = &company.ledger;
        let Some(table) = company.tables.get_mut(table) else {
            continue;
        };
        let Some(position) = table.schema.position("balance") else {
            continue;
        };
        for row in &mut table.rows {
            let account = u32::try_from(row.id()).unwrap_or(0);
            row.set(position, pounds(ledger.balance(side, account)));
        }
    }
    let sums = company.ledger.nominal_balances();
    if let Some(table) = company.tables.get_mut("nominal_codes") {
        let forward = table.schema.position("brought_forward_balance");
        let year = table.schema.position("balance_year_to_date");
        for row in &mut table.rows {
            let code = u8::try_from(row.id()).unwrap_or(0);
            let (before, within) = sums.get(&code).copied().unwrap_or_default();
            if let Some(p) = forward {
                row.set(p, pounds(before));
            }
            if let Some(p) = year {
                row.set(p, pounds(within));
            }
        }
    }
}

/// Adds the lines of order `n` (1–4 products, 20% VAT) and returns its net and tax totals.
pub fn order_lines(lines: &mut Table, products: &Table, n: usize, complete: bool) -> (f64, f64) {
    let mut rng = StdRng::seed_from_u64(n as u64 ^ 0x0a0d_e511);
    let schema = lines.schema.clone();
    let product_schema = &products.schema;
    let text = |record: &Record, name: &str| {
        product_schema
            .position(name)
            .and_then(|p| record.get(p))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let (mut net, mut tax) = (0_i64, 0_i64);
    for line in 0..rng.random_range(1..=4_usize) {
        let Some(product) = products
            .rows
            .get(rng.random_range(0..products.rows.len().max(1)))
        else {
            break;
        };
        let cost = text(product, "standard_cost").as_f64().unwrap_or(1.0);
        #[allow(clippy::cast_possible_truncation)] // pence of a price under £1,000
        let price = (cost * 140.0).round() as i64;
        let quantity = rng.random_range(1..=20_i64);
        let line_net = price * quantity;
        let line_tax = (line_net + 2) / 5;
        net += line_net;
        tax += line_tax;
        let order_id = n + 1;
        let r = record(
            &schema,
            &[
                ("sop_order_id", json!(order_id)),
                ("line_type", json!("EnumLineTypeStandard")),
                ("product_id", json!(product.id())),
                ("code", text(product, "code")),
                ("description", text(product, "name")),
                ("line_quantity", json!(quantity)),
                ("line_number", json!(line + 1)),
                ("tax_code_id", json!(1)),
                ("nominal_reference", json!("4000")),
                ("selling_unit_price", pounds(price)),
                ("unit_discount_percent", json!(0.0)),
                ("line_tax_value", pounds(line_tax)),
                ("line_total_value", pounds(line_net)),
                ("is_complete", json!(complete)),
                ("date_time_created", json!(CREATED)),
                ("date_time_updated", json!(CREATED)),
            ],
        );
        lines.insert(r);
    }
    #[allow(clippy::cast_precision_loss)] // order totals stay far below 2^53 pence
    (net as f64 / 100.0, tax as f64 / 100.0)
}
