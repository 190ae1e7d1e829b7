//! The aged balance views: each account's outstanding transactions in age bands, by
//! Sage's three ageing types.

use chrono::Datelike;

use super::data::Company;
use super::ledger::{LEDGER_DATE, Ledger, Posting, Side};
use super::ledger_views::{Row, base_pence, currency_of, pounds};
use super::odata::{Expr, Rows};
use super::schema::Schema;
use super::store::Record;

/// How the aged views count a transaction's age (`$ageingdatetype`, as Sage's guide lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ageing {
    /// Days since the transaction date (`transactiondate`, the default).
    TransactionDate,
    /// Days since the due date (`duedate`): not yet due is current.
    DueDate,
    /// Calendar months back from the ageing date's month (`calendarmonth`).
    CalendarMonth,
}

impl Ageing {
    /// Reads `$ageingdatetype`.
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "transactiondate" => Ok(Self::TransactionDate),
            "duedate" => Ok(Self::DueDate),
            "calendarmonth" => Ok(Self::CalendarMonth),
            other => Err(format!(
                "$ageingdatetype must be transactiondate, duedate or calendarmonth, not '{other}'."
            )),
        }
    }

    /// The bucket of a posting aged at [`LEDGER_DATE`]: `None` for future, `Some(0)` current,
    /// 1–4 the named periods, 5 older than all of them ("past"). The demo's buckets are 30
    /// days (or one calendar month) wide, as Sage's default ageing periods are.
    fn bucket(self, posting: &Posting) -> Option<usize> {
        let date = posting.date();
        if date > LEDGER_DATE {
            return None;
        }
        let step = match self {
            Self::TransactionDate => (LEDGER_DATE - date).num_days().saturating_sub(1) / 30,
            Self::DueDate => {
                (LEDGER_DATE - posting.due_date())
                    .num_days()
                    .max(1)
                    .saturating_sub(1)
                    / 30
            }
            Self::CalendarMonth => i64::from(
                (LEDGER_DATE.year() - date.year()) * 12 + LEDGER_DATE.month0().cast_signed()
                    - date.month0().cast_signed(),
            ),
        };
        Some(usize::try_from(step.clamp(0, 5)).unwrap_or(5))
    }

    /// The names of periods 1–4.
    fn names(self) -> [&'static str; 4] {
        match self {
            Self::CalendarMonth => ["1 month", "2 months", "3 months", "4 months"],
            _ => [
                "31 - 60 days",
                "61 - 90 days",
                "91 - 120 days",
                "121 - 150 days",
            ],
        }
    }
}

/// `…_aged_debtor_summary_views` / `…_aged_creditor_summary_views`: one row per account
/// whose transactions leave something outstanding, ascending by account id.
pub struct Aged<'a> {
    company: &'a Company,
    schema: &'a Schema,
    side: Side,
    ageing: Ageing,
    accounts: Vec<u32>,
}

impl<'a> Aged<'a> {
    /// The aged balances of `side`.
    pub fn new(company: &'a Company, schema: &'a Schema, side: Side, ageing: Ageing) -> Self {
        let accounts = company.ledger.open_accounts(side);
        Self {
            company,
            schema,
            side,
            ageing,
            accounts,
        }
    }
}

impl Rows for Aged<'_> {
    fn build(&self, index: usize) -> Option<Record> {
        let account = *self.accounts.get(index)?;
        let ledger: &Ledger = &self.company.ledger;
        let (_, _, rate) = currency_of(self.company, self.side, account);
        // future, then buckets 0 (current) to 5 (past)
        let mut document = [0_i64; 7];
        let mut base = [0_i64; 7];
        for &i in ledger.open_items(self.side, account) {
            let Some(posting) = ledger.transaction(self.side, i as usize) else {
                continue;
            };
            let slot = self.ageing.bucket(posting).map_or(0, |b| b + 1);
            document[slot] += posting.signed_outstanding();
            base[slot] += base_pence(posting.signed_outstanding(), rate);
        }
        let word = match self.side {
            Side::Sales => "customer",
            Side::Purchase => "supplier",
        };
        let mut row = Row::new(self.schema);
        row.put(&format!("{word}_id"), account)
            .put(&format!("posted_{word}_transaction_id"), 0);
        for (prefix, sums) in [("doc", document), ("base", base)] {
            row.put(&format!("{prefix}_future"), pounds(sums[0]))
                .put(&format!("{prefix}_current"), pounds(sums[1]))
                .put(&format!("{prefix}_past"), pounds(sums[6]));
            for period in 1..=8 {
                let pence = if period <= 4 { sums[period + 1] } else { 0 };
                row.put(&format!("{prefix}_period_{period}"), pounds(pence));
            }
        }
        for (n, name) in self.ageing.names().iter().enumerate() {
            row.put(&format!("aged_period_{}", n + 1), *name);
        }
        Some(row.done())
    }

    fn candidates<'b>(&'b self, filter: Option<&Expr>) -> Box<dyn Iterator<Item = usize> + 'b> {
        match filter.and_then(|f| f.required_int(0)) {
            Some(account) => Box::new(
                self.accounts
                    .iter()
                    .position(|&a| i64::from(a) == account)
                    .into_iter(),
            ),
            None => Box::new(0..self.accounts.len()),
        }
    }
}
