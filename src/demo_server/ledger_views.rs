//! The ledger resources as lists: each row is built from the compact books
//! ([`super::ledger::Ledger`]) when a page needs it, and narrowed through the books'
//! indexes when the filter names an account, a nominal code or a URN.
//!
//! Values are in pounds with two decimals; dates are `YYYY-MM-DDT00:00:00Z` as Sage sends
//! document dates. Where Sage's meaning is not published (the ageing buckets, the status
//! words), the reading chosen here is said at the function.

use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use super::api::related_field as field;
use super::data::Company;
use super::ledger::{
    PERIODS_PER_YEAR, Posting, Side, TxKind, YEARS, period_end, period_of, period_start,
};
use super::odata::{Expr, Query, Rows};
use super::schema::Schema;
use super::store::Record;

/// A record being filled field by field, by name.
pub(super) struct Row<'s> {
    schema: &'s Schema,
    record: Record,
}

impl<'s> Row<'s> {
    pub(super) fn new(schema: &'s Schema) -> Self {
        Self {
            schema,
            record: Record::default(),
        }
    }
    pub(super) fn put(&mut self, name: &str, value: impl Into<Value>) -> &mut Self {
        if let Some(p) = self.schema.position(name) {
            self.record.set(p, value.into());
        }
        self
    }
    pub(super) fn done(self) -> Record {
        self.record
    }
}

/// Pence as pounds.
#[allow(clippy::cast_precision_loss)] // ledger values stay far below 2^53 pence
pub(super) fn pounds(pence: i64) -> Value {
    Value::from(pence as f64 / 100.0)
}

/// Pence in a foreign currency as base-currency pounds at `rate` (foreign per pound).
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
pub(super) fn base_pence(pence: i64, rate: f64) -> i64 {
    (pence as f64 / rate).round() as i64
}

/// A document date as Sage writes it.
pub(super) fn stamp(date: NaiveDate) -> Value {
    Value::from(format!("{}T00:00:00Z", date.format("%Y-%m-%d")))
}

/// The name of the account table of a side.
pub(super) fn accounts_table(side: Side) -> &'static str {
    match side {
        Side::Sales => "customers",
        Side::Purchase => "suppliers",
    }
}

/// An account's currency: (name, symbol, units per pound).
pub(super) fn currency_of(company: &Company, side: Side, account: u32) -> (Value, Value, f64) {
    let id = field(
        company,
        accounts_table(side),
        i64::from(account),
        "currency_id",
    )
    .as_i64()
    .unwrap_or(1);
    let rate = field(company, "currencies", id, "core_currency_rate")
        .as_f64()
        .filter(|r| *r > 0.0)
        .unwrap_or(1.0);
    (
        field(company, "currencies", id, "name"),
        field(company, "currencies", id, "symbol"),
        rate,
    )
}

/// A transaction's document reference: `SI0000042`.
fn reference(side: Side, posting: &Posting, id: usize) -> String {
    format!("{}{id:07}", posting.kind.prefix(side))
}

/// Transactions of one side, as `…_posted_transactions` or `…_transaction_views`.
pub struct Transactions<'a> {
    company: &'a Company,
    schema: &'a Schema,
    side: Side,
    /// Only this account's (a path like `customers/5/sales_posted_transactions`).
    account: Option<u32>,
}

impl<'a> Transactions<'a> {
    /// The transactions of `side` (of one account when given).
    pub fn new(company: &'a Company, schema: &'a Schema, side: Side, account: Option<u32>) -> Self {
        Self {
            company,
            schema,
            side,
            account,
        }
    }

    fn account_word(&self) -> &'static str {
        match self.side {
            Side::Sales => "customer",
            Side::Purchase => "supplier",
        }
    }
}

impl Rows for Transactions<'_> {
    fn build(&self, index: usize) -> Option<Record> {
        let ledger = &self.company.ledger;
        let posting = ledger.transaction(self.side, index)?;
        let id = index + 1;
        let urn = ledger.side(self.side)[index] + 1;
        let (currency_name, currency_symbol, rate) =
            currency_of(self.company, self.side, posting.account);
        let word = self.account_word();
        let mut row = Row::new(self.schema);
        let created = format!("{}T09:00:00Z", posting.date().format("%Y-%m-%d"));
        let second = match posting.kind {
            TxKind::Invoice => format!("ORD{:06}", urn % 1_000_000),
            TxKind::CreditNote => "Returned goods".to_owned(),
            TxKind::Receipt => "BACS".to_owned(),
        };
        row.put("id", id)
            .put(&format!("posted_{word}_transaction_id"), id)
            .put(&format!("{word}_id"), posting.account)
            .put("trader_transaction_type", posting.kind.sage_name(self.side))
            .put("transaction_type", posting.kind.sage_name(self.side))
            .put("reference", reference(self.side, posting, id))
            .put("second_reference", second)
            .put("transaction_date", stamp(posting.date()))
            .put("posted_date", stamp(posting.date()))
            .put("due_date", stamp(posting.due_date()))
            .put("exchange_rate", rate)
            .put("urn", urn)
            .put("user_name", "demo")
            .put("date_time_created", created.clone())
            .put("date_time_updated", created.clone())
            .put("transaction_date_time_updated", created)
            .put("currency_name", currency_name)
            .put("currency_symbol", currency_symbol)
            .put(
                "ledger_type",
                match self.side {
                    Side::Sales => "Sales",
                    Side::Purchase => "Purchase",
                },
            )
            // Not a published vocabulary: the demo's words for how far it is settled.
            .put(
                "status",
                match (posting.allocated, posting.outstanding()) {
                    (_, 0) => "Paid",
                    (0, _) => "Unpaid",
                    _ => "Part paid",
                },
            );
        let table = accounts_table(self.side);
        let account = i64::from(posting.account);
        row.put(
            &format!("{word}_reference"),
            field(self.company, table, account, "reference"),
        )
        .put(
            &format!("{word}_name"),
            field(self.company, table, account, "name"),
        );
        let values = [
            ("goods", posting.goods),
            ("gross", posting.gross()),
            ("tax", posting.tax),
            ("discount", 0),
            ("tax_discount", 0),
            ("allocated", posting.allocated),
            ("outstanding", posting.outstanding()),
        ];
        for (name, pence) in values {
            row.put(&format!("document_{name}_value"), pounds(pence));
            row.put(
                &format!("base_{name}_value"),
                pounds(base_pence(pence, rate)),
            );
        }
        row.put(
            "control_value_in_base_currency",
            pounds(base_pence(posting.gross(), rate)),
        );
        Some(row.done())
    }

    fn candidates<'b>(&'b self, filter: Option<&Expr>) -> Box<dyn Iterator<Item = usize> + 'b> {
        let ledger = &self.company.ledger;
        let account_field = self.schema.position(&format!("{}_id", self.account_word()));
        let account = self
            .account
            .map(i64::from)
            .or_else(|| filter.and_then(|f| account_field.and_then(|p| f.required_int(p))));
        let in_account = move |i: usize| {
            account.is_none_or(|a| {
                ledger
                    .transaction(self.side, i)
                    .is_some_and(|p| i64::from(p.account) == a)
            })
        };
        // One transaction: by its id, or by its URN (a posting of this side).
        let by_id = filter
            .and_then(|f| f.required_int(0))
            .map(|id| id.saturating_sub(1));
        let by_urn = filter
            .and_then(|f| self.schema.position("urn").and_then(|p| f.required_int(p)))
            .map(|urn| {
                usize::try_from(urn.saturating_sub(1))
                    .ok()
                    .and_then(|posting| u32::try_from(posting).ok())
                    .and_then(|posting| ledger.side(self.side).binary_search(&posting).ok())
                    .map_or(-1, |i| i64::try_from(i).unwrap_or(-1))
            });
        if let Some(index) = by_id.or(by_urn) {
            let one = usize::try_from(index).ok().filter(|&i| in_account(i));
            return Box::new(one.into_iter());
        }
        let first = filter
            .and_then(|f| f.lower_bound(0))
            .map_or(0, |n| usize::try_from(n.max(1) - 1).unwrap_or(usize::MAX));
        // Dates the filter bounds: transactions outside are skipped before being built.
        let bounds = |name: &str| {
            let (low, high) = self
                .schema
                .position(name)
                .zip(filter)
                .map_or((None, None), |(p, f)| f.time_bounds(p));
            (low.map(|t| t.date()), high.map(|t| t.date()))
        };
        let (due, dated) = (bounds("due_date"), bounds("transaction_date"));
        let inside = |day: NaiveDate, (low, high): (Option<NaiveDate>, Option<NaiveDate>)| {
            low.is_none_or(|low| day >= low) && high.is_none_or(|high| day <= high)
        };
        // `…_outstanding_value ne 0`: settled transactions are skipped too.
        let open_only = filter.is_some_and(|f| {
            ["base_outstanding_value", "document_outstanding_value"]
                .iter()
                .filter_map(|name| self.schema.position(name))
                .any(|p| f.excludes_zero(p))
        });
        let side = self.side;
        let may_match = move |i: &usize| {
            ledger.transaction(side, *i).is_none_or(|p| {
                inside(p.due_date(), due)
                    && inside(p.date(), dated)
                    && (!open_only || p.outstanding() != 0)
            })
        };
        match account {
            Some(account) => {
                let list =
                    u32::try_from(account).map_or(&[][..], |a| ledger.of_account(self.side, a));
                Box::new(
                    list.iter()
                        .map(|&i| i as usize)
                        .filter(move |&i| i >= first)
                        .filter(may_match),
                )
            }
            None => Box::new((first..ledger.side(self.side).len()).filter(may_match)),
        }
    }
}

/// The number of accounting periods held.
const ALL_PERIODS: usize = YEARS.len() * PERIODS_PER_YEAR;

/// (year index, period number) of accounting period `k` (0-based over every year).
fn period_at(k: usize) -> (usize, u32) {
    (
        k / PERIODS_PER_YEAR,
        u32::try_from(k % PERIODS_PER_YEAR + 1).unwrap_or(1),
    )
}

/// `financial_year_period_views`: every period of every year held.
pub struct FinancialPeriods<'a> {
    schema: &'a Schema,
}

impl<'a> FinancialPeriods<'a> {
    /// The calendar.
    pub fn new(schema: &'a Schema) -> Self {
        Self { schema }
    }
}

impl Rows for FinancialPeriods<'_> {
    fn in_row_order(&self, position: usize) -> bool {
        position == 0 || Some(position) == self.schema.position("accounting_period_id")
    }

    fn build(&self, index: usize) -> Option<Record> {
        if index >= ALL_PERIODS {
            return None;
        }
        let (year, period) = period_at(index);
        let mut row = Row::new(self.schema);
        row.put("financial_year_id", year + 1)
            .put("financial_year_start_date", stamp(period_start(year, 1)))
            .put("financial_year_end_date", stamp(period_end(year, 12)))
            .put("year_relative_to_current_year", YEARS[year])
            .put("number_of_periods_in_year", PERIODS_PER_YEAR)
            .put("accounting_period_id", index + 1)
            .put("period_number", period)
            .put("period_start_date", stamp(period_start(year, period)))
            .put("period_end_date", stamp(period_end(year, period)));
        Some(row.done())
    }

    fn candidates<'b>(&'b self, _: Option<&Expr>) -> Box<dyn Iterator<Item = usize> + 'b> {
        Box::new(0..ALL_PERIODS)
    }
}

/// `customer_period_value_views`: each customer's invoices, credit notes and cash in each
/// period (`_to_date`: within the period, up to [`LEDGER_DATE`]), every customer, every
/// period. Profit is 0: the demo keeps no cost of sales.
pub struct PeriodValues<'a> {
    company: &'a Company,
    schema: &'a Schema,
    customers: Vec<i64>,
}

impl<'a> PeriodValues<'a> {
    /// Every customer's period values.
    pub fn new(company: &'a Company, schema: &'a Schema) -> Self {
        let customers = company
            .tables
            .get("customers")
            .map(|t| t.rows.iter().map(Record::id).collect())
            .unwrap_or_default();
        Self {
            company,
            schema,
            customers,
        }
    }
}

impl PeriodValues<'_> {
    /// Whether period `k` can hold rows `filter` keeps, judged by the period's start date
    /// and reference alone (so the rows of other periods are never built).
    fn period_may_match(&self, filter: Option<&Expr>, k: usize) -> bool {
        let Some(filter) = filter else {
            return true;
        };
        let (year, period) = period_at(k);
        let start = period_start(year, period);
        if let Some(position) = self.schema.position("analysis_period_start_date") {
            let at = start.and_hms_opt(0, 0, 0);
            let (low, high) = filter.time_bounds(position);
            if low.is_some_and(|low| at < Some(low)) || high.is_some_and(|high| at > Some(high)) {
                return false;
            }
        }
        if let Some(wanted) = self
            .schema
            .position("analysis_period_reference")
            .and_then(|p| filter.required_text(p))
        {
            let reference = format!("{}/{period:02}", period_start(year, 1).year());
            return reference == wanted;
        }
        true
    }
}

impl Rows for PeriodValues<'_> {
    fn in_row_order(&self, position: usize) -> bool {
        position == 0 || Some(position) == self.schema.position("customer_period_value_id")
    }

    fn build(&self, index: usize) -> Option<Record> {
        let customer = *self.customers.get(index / ALL_PERIODS)?;
        let k = index % ALL_PERIODS;
        let (year, period) = period_at(k);
        let account = u32::try_from(customer).unwrap_or(u32::MAX);
        let ledger = &self.company.ledger;
        let (_, _, rate) = currency_of(self.company, Side::Sales, account);
        // invoices, credit notes, cash
        let mut sums = [0_i64; 3];
        for &i in ledger.of_account(Side::Sales, account) {
            let Some(posting) = ledger.transaction(Side::Sales, i as usize) else {
                continue;
            };
            if period_of(posting.date()) == Some((year, period)) {
                let slot = match posting.kind {
                    TxKind::Invoice => 0,
                    TxKind::CreditNote => 1,
                    TxKind::Receipt => 2,
                };
                sums[slot] += posting.gross();
            }
        }
        let mut row = Row::new(self.schema);
        row.put("customer_id", customer)
            .put(
                "customer_reference",
                field(self.company, "customers", customer, "reference"),
            )
            .put(
                "customer_name",
                field(self.company, "customers", customer, "name"),
            )
            // Stable while customers come and go: from the customer's id, not its place.
            .put(
                "customer_period_value_id",
                customer
                    .saturating_mul(i64::try_from(ALL_PERIODS).unwrap_or(96))
                    .saturating_add(i64::try_from(k).unwrap_or(0) + 1),
            )
            .put("period_value_total_invoice_value_to_date", pounds(sums[0]))
            .put(
                "period_value_total_credit_note_value_to_date",
                pounds(sums[1]),
            )
            .put("period_value_total_cash_value_to_date", pounds(sums[2]))
            .put("period_value_total_profit_value_to_date", pounds(0))
            .put(
                "period_value_total_invoice_value_to_date_in_base",
                pounds(base_pence(sums[0], rate)),
            )
            .put(
                "period_value_total_cred_note_value_to_date_in_base",
                pounds(base_pence(sums[1], rate)),
            )
            .put(
                "period_value_total_cash_value_to_date_in_base",
                pounds(base_pence(sums[2], rate)),
            )
            .put("period_value_total_profit_value_to_date_in_base", pounds(0))
            .put("customer_analysis_period_id", k + 1)
            .put(
                "analysis_period_reference",
                format!("{}/{period:02}", period_start(year, 1).year()),
            )
            .put(
                "analysis_period_start_date",
                stamp(period_start(year, period)),
            )
            .put("analysis_period_end_date", stamp(period_end(year, period)));
        for n in 1..=5 {
            let name = format!("analysis_code_{n}");
            row.put(
                &format!("customer_{name}"),
                field(self.company, "customers", customer, &name),
            );
        }
        Some(row.done())
    }

    fn candidates<'b>(&'b self, filter: Option<&Expr>) -> Box<dyn Iterator<Item = usize> + 'b> {
        let periods: Vec<bool> = (0..ALL_PERIODS)
            .map(|k| self.period_may_match(filter, k))
            .collect();
        let rows: Box<dyn Iterator<Item = usize> + 'b> =
            match filter.and_then(|f| f.required_int(0)) {
                Some(customer) => match self.customers.binary_search(&customer) {
                    Ok(at) => Box::new(at * ALL_PERIODS..(at + 1) * ALL_PERIODS),
                    Err(_) => Box::new(std::iter::empty()),
                },
                None => Box::new(0..self.customers.len() * ALL_PERIODS),
            };
        Box::new(rows.filter(move |i| periods[i % ALL_PERIODS]))
    }
}

/// `nominal_transaction_enquiry_views`: every debit and credit the ledgers posted.
pub struct NominalRows<'a> {
    company: &'a Company,
    schema: &'a Schema,
    /// Only this nominal code's (`nominal_codes/3/nominal_transaction_enquiry_views`).
    code: Option<i64>,
}

impl<'a> NominalRows<'a> {
    /// The nominal rows (of one code when given).
    pub fn new(company: &'a Company, schema: &'a Schema, code: Option<i64>) -> Self {
        Self {
            company,
            schema,
            code,
        }
    }
}

impl Rows for NominalRows<'_> {
    fn build(&self, index: usize) -> Option<Record> {
        let ledger = &self.company.ledger;
        let (posting_index, (code, debit, credit)) = ledger.nominal_row(index)?;
        let posting = ledger.postings.get(posting_index)?;
        let side_index = ledger
            .side(posting.side)
            .binary_search(&u32::try_from(posting_index).ok()?)
            .ok()?;
        let (year, period) = period_of(posting.date()).unwrap_or((0, 1));
        let table = accounts_table(posting.side);
        let account = field(self.company, table, i64::from(posting.account), "reference");
        let what = match (posting.side, posting.kind) {
            (Side::Sales, TxKind::Invoice) => "Sales invoice",
            (Side::Sales, TxKind::CreditNote) => "Sales credit note",
            (Side::Sales, TxKind::Receipt) => "Sales receipt",
            (Side::Purchase, TxKind::Invoice) => "Purchase invoice",
            (Side::Purchase, TxKind::CreditNote) => "Purchase credit note",
            (Side::Purchase, TxKind::Receipt) => "Purchase payment",
        };
        let mut row = Row::new(self.schema);
        row.put("id", index + 1)
            .put("nominal_code_id", code)
            .put("transaction_date", stamp(posting.date()))
            .put("period_number", period)
            .put(
                "reference",
                reference(posting.side, posting, side_index + 1),
            )
            .put(
                "narrative",
                format!("{what}, {}", account.as_str().unwrap_or_default()),
            )
            .put("debit", pounds(debit))
            .put("credit", pounds(credit))
            .put("user_name", "demo")
            .put(
                "source",
                match posting.side {
                    Side::Sales => "SalesLedger",
                    Side::Purchase => "PurchaseLedger",
                },
            )
            .put("urn", posting_index + 1)
            .put(
                "accounting_period_id",
                year * PERIODS_PER_YEAR + period as usize,
            )
            .put("financial_year_id", year + 1)
            .put("financial_year_start_date", stamp(period_start(year, 1)))
            .put("year_relative_to_current_year", YEARS[year]);
        Some(row.done())
    }

    fn candidates<'b>(&'b self, filter: Option<&Expr>) -> Box<dyn Iterator<Item = usize> + 'b> {
        let ledger = &self.company.ledger;
        let first = filter
            .and_then(|f| f.lower_bound(0))
            .map_or(0, |n| usize::try_from(n.max(1) - 1).unwrap_or(usize::MAX));
        let code = self.code.or_else(|| {
            filter.and_then(|f| {
                self.schema
                    .position("nominal_code_id")
                    .and_then(|p| f.required_int(p))
            })
        });
        let on_code = move |row: usize| {
            code.is_none_or(|c| {
                ledger
                    .nominal_row(row)
                    .is_some_and(|(_, (leg, _, _))| i64::from(leg) == c)
            })
        };
        if let Some(id) = filter.and_then(|f| f.required_int(0)) {
            let one = usize::try_from(id.saturating_sub(1))
                .ok()
                .filter(|&r| on_code(r));
            return Box::new(one.into_iter());
        }
        let urn = filter.and_then(|f| self.schema.position("urn").and_then(|p| f.required_int(p)));
        if let Some(urn) = urn {
            let rows = usize::try_from(urn.saturating_sub(1))
                .map_or(0..0, |posting| ledger.nominal_rows_of(posting));
            return Box::new(rows.filter(move |&r| r >= first && on_code(r)));
        }
        match code {
            Some(code) => Box::new(
                ledger
                    .postings
                    .iter()
                    .enumerate()
                    .flat_map(move |(i, p)| {
                        let start = ledger.nominal_rows_of(i).start;
                        p.legs()
                            .into_iter()
                            .enumerate()
                            .filter(move |(_, (c, _, _))| i64::from(*c) == code)
                            .map(move |(leg, _)| start + leg)
                    })
                    .filter(move |&r| r >= first),
            ),
            None => Box::new(first..ledger.nominal_rows()),
        }
    }
}

/// Answers a list of rows built on demand, as `api::list` answers stored ones.
pub fn answer(company: &Company, schema: &Schema, rows: &dyn Rows, raw_query: &str) -> Response {
    let query = match Query::parse(raw_query, schema) {
        Ok(q) => q,
        Err(e) => return super::api::message(StatusCode::BAD_REQUEST, &e),
    };
    if query.count {
        return axum::response::IntoResponse::into_response(axum::Json(
            query.count_rows(schema, rows),
        ));
    }
    let records = query.apply_rows(schema, rows);
    super::api::write_list(company, schema, &records, &query)
}
