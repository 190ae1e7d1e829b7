//! Reports: the pictures accountants would rather look at than read, from Sage's summary
//! resources: aged debtors and creditors as stacked bars by age band (the largest accounts
//! and the total), sales by period from customers' period values, and headline figures
//! (owed, overdue, over credit limit, owed to suppliers). A click on a bar, or on a number
//! in the table beside each chart, opens Browse on exactly the records behind it.

pub mod figures;
mod update;
pub mod view;

pub use update::Reports;

use std::path::PathBuf;
use std::sync::Arc;

use crate::document::{AgedReport, Breach, Pence, PeriodSales};
use crate::screens::shared::UserError;

/// Whose aged balances: customers' (debtors) or suppliers' (creditors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ledger {
    /// Sales ledger: what customers owe.
    Sales,
    /// Purchase ledger: what is owed to suppliers.
    Purchase,
}

/// How transactions are aged (Sage's `$ageingdatetype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Ageing {
    /// From the transaction date (Sage's default).
    #[default]
    TransactionDate,
    /// From the due date.
    DueDate,
    /// By calendar month.
    CalendarMonth,
}

impl Ageing {
    /// Every choice, in the order offered.
    pub const ALL: [Self; 3] = [Self::TransactionDate, Self::DueDate, Self::CalendarMonth];

    /// The words in the picker.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::TransactionDate => "By transaction date",
            Self::DueDate => "By due date",
            Self::CalendarMonth => "By calendar month",
        }
    }

    /// The value of `$ageingdatetype`.
    #[must_use]
    pub fn parameter(self) -> &'static str {
        match self {
            Self::TransactionDate => "transactiondate",
            Self::DueDate => "duedate",
            Self::CalendarMonth => "calendarmonth",
        }
    }
}

/// Which table of numbers to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// An aged report's accounts by band.
    Aged(Ledger),
    /// Sales by period.
    Sales,
    /// Customers over their credit limit.
    Breaches,
}

/// What the Reports screen is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Read every report again.
    Reload,
    /// Age transactions another way.
    SetAgeing(Ageing),
    /// Open the transactions behind an aged amount: one account's (`None`: every
    /// account's) outstanding transactions in band `band`.
    OpenAged {
        /// Whose.
        ledger: Ledger,
        /// The account, or every account.
        account: Option<i64>,
        /// The band's index in the report.
        band: usize,
    },
    /// Open the period values of period `index` of the sales chart.
    OpenPeriod(usize),
    /// Open the customers over their credit limit.
    OpenBreaches,
    /// Open the customers' overdue transactions.
    OpenOverdue,
    /// Save a chart's numbers as an Excel workbook (`None`: ask where).
    Export(Table, Option<PathBuf>),
}

/// One report's figures as they arrive.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Part<T> {
    /// Not asked for yet (no company).
    #[default]
    Idle,
    /// Being read.
    Loading,
    /// Read.
    Ready(Arc<T>),
    /// The server said no.
    Failed(UserError),
}

impl<T> Part<T> {
    /// The figures, once read.
    #[must_use]
    pub fn ready(&self) -> Option<&Arc<T>> {
        match self {
            Self::Ready(value) => Some(value),
            _ => None,
        }
    }
}

/// The customers' overdue transactions: how much, and how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Overdue {
    /// Outstanding past the due date, in the base currency.
    pub amount: Pence,
    /// How many transactions.
    pub count: usize,
}

/// What the Reports screen draws.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State {
    /// How transactions are aged.
    pub ageing: Ageing,
    /// The date the amounts are aged at and overdue by (the day the reports were read).
    pub as_at: Option<chrono::NaiveDate>,
    /// Aged debtors.
    pub debtors: Part<AgedReport>,
    /// Aged creditors.
    pub creditors: Part<AgedReport>,
    /// Sales in each period of the current financial year.
    pub sales: Part<Vec<PeriodSales>>,
    /// Customers over their credit limit.
    pub breaches: Part<Vec<Breach>>,
    /// Customers' overdue transactions.
    pub overdue: Part<Overdue>,
    /// How customers and suppliers read (`id` → "REF — Name"), for the charts' labels.
    pub names: Arc<std::collections::HashMap<(Ledger, i64), String>>,
    /// The company generation the reports belong to (read again when it changes).
    pub generation: Option<u64>,
    /// When each read came back, from the start of the reading (for the benchmark's
    /// account of where the time goes), in the order they came.
    pub read_times: Vec<(&'static str, std::time::Duration)>,
}
