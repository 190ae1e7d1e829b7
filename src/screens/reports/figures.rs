//! What a figure on the Reports screen stands for, as a list the Browse screen can show
//! (the query that brings exactly those records), and each chart's numbers as a table for
//! the export.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::document::{AgedBand, Breach, PeriodSales, pounds};
use crate::model::{CompareOp, Condition, FilterGroup, FilterItem, FilterValue};
use crate::screens::records::BrowseQuery;

use super::{Ageing, Ledger, State, Table};

fn condition(field: &str, op: CompareOp, value: FilterValue) -> FilterItem {
    FilterItem::Condition(Condition::new(field, op, value))
}

fn date(day: NaiveDate) -> FilterValue {
    FilterValue::Date(day.format("%Y-%m-%d").to_string())
}

/// A list of `resource` narrowed by `items` (all of them), sorted by `sort`.
fn query(resource: &str, items: Vec<FilterItem>, sort: &str) -> BrowseQuery {
    BrowseQuery {
        resource: resource.to_owned(),
        filter: FilterGroup {
            items,
            ..FilterGroup::default()
        },
        // The user's columns for the list (or its first ones): a figure must not change them.
        columns: Vec::new(),
        sort: Some((sort.to_owned(), false)),
        ..BrowseQuery::default()
    }
}

/// The outstanding transactions behind one aged amount: the account's (every account's
/// when `None`) transactions with something outstanding whose date falls in `band`, as at
/// `as_at` (by transaction date or due date: the band's days back from `as_at`; by calendar
/// month: the months back; "Future": dated after `as_at`).
#[must_use]
pub fn aged_filter(
    ledger: Ledger,
    account: Option<i64>,
    band: &AgedBand,
    ageing: Ageing,
    as_at: NaiveDate,
) -> BrowseQuery {
    let (resource, account_field) = match ledger {
        Ledger::Sales => ("sales_transaction_views", "customer_id"),
        Ledger::Purchase => ("purchase_transaction_views", "supplier_id"),
    };
    let field = match ageing {
        Ageing::DueDate => "due_date",
        Ageing::TransactionDate | Ageing::CalendarMonth => "transaction_date",
    };
    let mut items = Vec::new();
    if let Some(account) = account {
        items.push(condition(
            account_field,
            CompareOp::Equals,
            FilterValue::Number(account.to_string()),
        ));
    }
    items.push(condition(
        "base_outstanding_value",
        CompareOp::NotEquals,
        FilterValue::Number("0".to_owned()),
    ));
    let back = |days: u32| as_at.checked_sub_days(Days::new(u64::from(days)));
    if band.field == "base_future" {
        // Sage's "future" is by transaction date, whatever the ageing.
        items.push(condition(
            "transaction_date",
            CompareOp::Greater,
            date(as_at),
        ));
    } else if ageing == Ageing::CalendarMonth {
        // Band k holds the k-th month back (current: this month); "Older" all before.
        let k = match band.field.as_str() {
            "base_current" => 0,
            "base_past" => 5,
            other => other
                .trim_start_matches("base_period_")
                .parse::<u32>()
                .unwrap_or(0),
        };
        let month = as_at.with_day(1).unwrap_or(as_at);
        let start = month.checked_sub_months(Months::new(k));
        let end = start.and_then(|s| s.checked_add_months(Months::new(1)));
        if let Some(end) = end {
            items.push(condition(field, CompareOp::Less, date(end)));
        }
        if band.field != "base_past"
            && let Some(start) = start
        {
            items.push(condition(field, CompareOp::GreaterOrEqual, date(start)));
        }
        if k == 0 {
            // This month up to the day: later is "Future".
            items.push(condition(field, CompareOp::LessOrEqual, date(as_at)));
        }
    } else {
        let (from, to) = band.days;
        // By due date, "Current" holds what is not yet due too.
        let open_ahead = ageing == Ageing::DueDate && band.field == "base_current";
        if ageing == Ageing::DueDate {
            // Dated after the ageing date is "Future", whatever its due date.
            items.push(condition(
                "transaction_date",
                CompareOp::LessOrEqual,
                date(as_at),
            ));
        }
        if let Some(newest) = from.and_then(back).filter(|_| !open_ahead) {
            items.push(condition(field, CompareOp::LessOrEqual, date(newest)));
        }
        if let Some(oldest) = to.and_then(back) {
            items.push(condition(field, CompareOp::GreaterOrEqual, date(oldest)));
        }
    }
    query(resource, items, field)
}

/// The period values of one period of the sales chart.
#[must_use]
pub fn period_query(period: &PeriodSales) -> BrowseQuery {
    query(
        "customer_period_value_views",
        vec![condition(
            "analysis_period_reference",
            CompareOp::Equals,
            FilterValue::Text(period.reference.clone()),
        )],
        "customer_reference",
    )
}

/// How many over-limit customers a list opens on at most: they go into the URL one by one
/// (`id eq 1 or id eq 2 …`), and servers refuse very long URLs.
pub const BREACHES_LISTED: usize = 100;

/// The customers over their credit limit, the [`BREACHES_LISTED`] most over (by id:
/// `OData` cannot compare two fields).
#[must_use]
pub fn breaches_query(breaches: &[Breach]) -> BrowseQuery {
    let ids: Vec<FilterValue> = breaches
        .iter()
        .take(BREACHES_LISTED)
        .map(|b| FilterValue::Number(b.id.to_string()))
        .collect();
    let items = if ids.is_empty() {
        // None over: a list that shows none, rather than every customer.
        vec![condition(
            "id",
            CompareOp::Equals,
            FilterValue::Number("0".to_owned()),
        )]
    } else {
        vec![FilterItem::Condition(Condition {
            field: "id".to_owned(),
            op: CompareOp::OneOf,
            values: ids,
        })]
    };
    query("customers", items, "reference")
}

/// The customers' invoices past their due date with something outstanding (credit notes
/// and receipts are not overdue; Sage's type names all hold "Invoice" for invoices).
#[must_use]
pub fn overdue_query(as_at: NaiveDate) -> BrowseQuery {
    query("sales_transaction_views", overdue_items(as_at), "due_date")
}

fn overdue_items(as_at: NaiveDate) -> Vec<FilterItem> {
    vec![
        condition("due_date", CompareOp::Less, date(as_at)),
        condition(
            "base_outstanding_value",
            CompareOp::NotEquals,
            FilterValue::Number("0".to_owned()),
        ),
        condition(
            "transaction_type",
            CompareOp::Contains,
            FilterValue::Text("Invoice".to_owned()),
        ),
    ]
}

/// [`overdue_query`]'s `$filter`.
#[must_use]
pub fn overdue_filter(as_at: NaiveDate) -> String {
    FilterGroup {
        items: overdue_items(as_at),
        ..FilterGroup::default()
    }
    .to_odata()
    .ok()
    .flatten()
    .unwrap_or_default()
}

/// A chart's numbers: a name for the file, the column names, the rows.
pub type Numbers = (&'static str, Vec<String>, Vec<Vec<String>>);

/// A chart's numbers as a table (name for the file, column names, rows), for the export
/// and the tables beside the charts; `None` until the figures are in.
#[must_use]
pub fn numbers(state: &State, table: Table) -> Option<Numbers> {
    match table {
        Table::Aged(ledger) => {
            let (report, name, who) = match ledger {
                Ledger::Sales => (state.debtors.ready()?, "aged_debtors", "Customer"),
                Ledger::Purchase => (state.creditors.ready()?, "aged_creditors", "Supplier"),
            };
            let mut columns = vec![who.to_owned()];
            columns.extend(report.bands.iter().map(|b| b.name.clone()));
            columns.push("Total".to_owned());
            let mut rows: Vec<Vec<String>> = report
                .accounts
                .iter()
                .map(|account| {
                    let mut row = vec![
                        state
                            .names
                            .get(&(ledger, account.id))
                            .cloned()
                            .unwrap_or_else(|| account.id.to_string()),
                    ];
                    row.extend(account.bands.iter().map(|p| pounds(*p)));
                    row.push(pounds(account.total));
                    row
                })
                .collect();
            let mut total = vec!["Total".to_owned()];
            total.extend(report.totals.iter().map(|p| pounds(*p)));
            total.push(pounds(report.total()));
            rows.push(total);
            Some((name, columns, rows))
        }
        Table::Sales => {
            let sales = state.sales.ready()?;
            let columns = ["Period", "Starts", "Invoices", "Credit notes", "Net sales"]
                .map(String::from)
                .to_vec();
            let rows = sales
                .iter()
                .map(|p| {
                    vec![
                        p.reference.clone(),
                        p.start.chars().take(10).collect(),
                        pounds(p.invoices),
                        pounds(p.credit_notes),
                        pounds(p.net()),
                    ]
                })
                .collect();
            Some(("sales_by_period", columns, rows))
        }
        Table::Breaches => {
            let breaches = state.breaches.ready()?;
            let columns = ["Reference", "Name", "Balance", "Credit limit", "Over by"]
                .map(String::from)
                .to_vec();
            let rows = breaches
                .iter()
                .map(|b| {
                    vec![
                        b.reference.clone(),
                        b.name.clone(),
                        pounds(b.balance),
                        pounds(b.limit),
                        pounds(b.balance - b.limit),
                    ]
                })
                .collect();
            Some(("over_credit_limit", columns, rows))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(field: &str, days: (Option<u32>, Option<u32>)) -> AgedBand {
        AgedBand {
            name: field.to_owned(),
            field: field.to_owned(),
            days,
        }
    }

    #[test]
    fn a_band_reads_as_the_dates_it_covers() {
        let as_at = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let text = |q: BrowseQuery| q.filter.to_odata().unwrap().unwrap();
        let current = band("base_current", (Some(0), Some(30)));
        assert_eq!(
            text(aged_filter(
                Ledger::Sales,
                Some(7),
                &current,
                Ageing::TransactionDate,
                as_at
            )),
            "customer_id eq 7 and base_outstanding_value ne 0 and transaction_date le 2026-11-30 \
             and transaction_date ge 2026-10-31"
        );
        let older = band("base_past", (Some(151), None));
        assert_eq!(
            text(aged_filter(
                Ledger::Purchase,
                None,
                &older,
                Ageing::TransactionDate,
                as_at
            )),
            "base_outstanding_value ne 0 and transaction_date le 2026-07-02"
        );
        assert_eq!(
            text(aged_filter(
                Ledger::Sales,
                None,
                &current,
                Ageing::DueDate,
                as_at
            )),
            "base_outstanding_value ne 0 and transaction_date le 2026-11-30 and due_date ge \
             2026-10-31",
            "not yet due is current too, but not what is dated ahead"
        );
        let second = band("base_period_2", (None, None));
        assert_eq!(
            text(aged_filter(
                Ledger::Sales,
                None,
                &second,
                Ageing::CalendarMonth,
                as_at
            )),
            "base_outstanding_value ne 0 and transaction_date lt 2026-10-01 and \
             transaction_date ge 2026-09-01"
        );
    }
}
