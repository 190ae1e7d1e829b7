//! The demo's books: sales and purchase ledger transactions and their nominal double entry,
//! generated from the seed and kept compactly (one small `Posting` per transaction, every
//! answer row built on demand), so a million transactions fit in tens of megabytes.
//!
//! The rules that make the books consistent, and that `tests/demo_ledgers.rs` checks
//! through the API:
//! - a customer's (supplier's) `balance` is the sum of its transactions' outstanding
//!   values, invoices counting up and credit notes and receipts (payments) down;
//! - a receipt is allocated to the invoice it pays, so both carry the allocated value;
//! - every transaction posts to the nominal ledger with equal debits and credits (Sage's
//!   control accounts: debtors 1100, bank 1200, creditors 2100, VAT 2200);
//! - financial years start on 1 April and have twelve monthly periods; the demo's books
//!   are dated up to [`LEDGER_DATE`], the day they are aged at.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The first day of the oldest financial year the demo holds (year −2).
pub const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2024, 4, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// The demo's "today": transactions are dated up to it and aged balances are computed at
/// it, so the same seed always gives the same answers.
pub const LEDGER_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 30) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// Financial years held: two past, the current one (year 0) and, as Sage keeps them, five
/// future ones.
pub const YEARS: [i32; 8] = [-2, -1, 0, 1, 2, 3, 4, 5];

/// Periods in each financial year (calendar months from April).
pub const PERIODS_PER_YEAR: usize = 12;

/// Nominal code ids of the demo's chart (the `nominal_codes` table's ids, in its order).
pub mod codes {
    /// 1100 Debtors control.
    pub const DEBTORS: u8 = 1;
    /// 1200 Bank current account.
    pub const BANK: u8 = 2;
    /// 2100 Creditors control.
    pub const CREDITORS: u8 = 3;
    /// 2200 VAT liability.
    pub const VAT: u8 = 4;
    /// 4000 Sales - stationery.
    pub const SALES_STATIONERY: u8 = 5;
    /// 4010 Sales - furniture.
    pub const SALES_FURNITURE: u8 = 6;
    /// 5000 Purchases.
    pub const PURCHASES: u8 = 7;
    /// 7100 Rent and rates.
    pub const RENT: u8 = 9;
    /// 7500 Office costs.
    pub const OFFICE: u8 = 10;
}

/// Which ledger a transaction belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Sales ledger (customers).
    Sales,
    /// Purchase ledger (suppliers).
    Purchase,
}

/// The kind of a ledger transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxKind {
    /// An invoice: the account owes more.
    Invoice,
    /// A credit note: the account owes less.
    CreditNote,
    /// A receipt (sales) or payment (purchase): money moved.
    Receipt,
}

impl TxKind {
    /// Sage's `trader_transaction_type` value. Sage's schema says these are at most 30
    /// characters, yet its enumeration (`TradingAccountEntryType…`, as integrators
    /// document it: unconfirmed) has longer names; the demo sends the enumeration's.
    pub fn sage_name(self, _side: Side) -> &'static str {
        match self {
            Self::Invoice => "TradingAccountEntryTypeInvoice",
            Self::CreditNote => "TradingAccountEntryTypeCreditNote",
            Self::Receipt => "TradingAccountEntryTypePurchasePaymentSalesReceipt",
        }
    }

    /// The reference prefix of documents of this kind.
    pub fn prefix(self, side: Side) -> &'static str {
        match (self, side) {
            (Self::Invoice, Side::Sales) => "SI",
            (Self::CreditNote, Side::Sales) => "SC",
            (Self::Receipt, Side::Sales) => "REC",
            (Self::Invoice, Side::Purchase) => "PI",
            (Self::CreditNote, Side::Purchase) => "PC",
            (Self::Receipt, Side::Purchase) => "PAY",
        }
    }
}

/// One ledger transaction, in pence and days since [`FIRST_DAY`] (40 bytes).
#[derive(Debug, Clone, Copy)]
pub struct Posting {
    /// Goods (net) value in pence; for a receipt, the amount received.
    pub goods: i64,
    /// Tax in pence.
    pub tax: i64,
    /// How much of the gross value is allocated (settled), in pence.
    pub allocated: i64,
    /// The customer or supplier id.
    pub account: u32,
    /// Transaction date, days since [`FIRST_DAY`].
    pub day: u16,
    /// Due date, days since [`FIRST_DAY`].
    pub due_day: u16,
    /// Sales or purchase.
    pub side: Side,
    /// Invoice, credit note or receipt.
    pub kind: TxKind,
    /// The nominal code of the goods (net) leg.
    pub goods_code: u8,
}

impl Posting {
    /// Goods plus tax, in pence.
    pub fn gross(&self) -> i64 {
        self.goods + self.tax
    }

    /// What is left to settle, in pence (never negative).
    pub fn outstanding(&self) -> i64 {
        self.gross() - self.allocated
    }

    /// The outstanding value as it counts towards the account's balance: invoices up,
    /// credit notes and receipts down.
    pub fn signed_outstanding(&self) -> i64 {
        match self.kind {
            TxKind::Invoice => self.outstanding(),
            TxKind::CreditNote | TxKind::Receipt => -self.outstanding(),
        }
    }

    /// The transaction date.
    pub fn date(&self) -> NaiveDate {
        FIRST_DAY + Duration::days(i64::from(self.day))
    }

    /// The due date.
    pub fn due_date(&self) -> NaiveDate {
        FIRST_DAY + Duration::days(i64::from(self.due_day))
    }

    /// The nominal legs: (nominal code id, debit pence, credit pence); debits equal
    /// credits. Sales invoices debit debtors and credit sales and VAT; receipts debit the
    /// bank and credit debtors; the purchase side mirrors it with creditors.
    pub fn legs(&self) -> Vec<(u8, i64, i64)> {
        let gross = self.gross();
        let mut legs = match (self.side, self.kind) {
            (Side::Sales, TxKind::Invoice) => vec![
                (codes::DEBTORS, gross, 0),
                (self.goods_code, 0, self.goods),
                (codes::VAT, 0, self.tax),
            ],
            (Side::Sales, TxKind::CreditNote) => vec![
                (codes::DEBTORS, 0, gross),
                (self.goods_code, self.goods, 0),
                (codes::VAT, self.tax, 0),
            ],
            (Side::Sales, TxKind::Receipt) => {
                vec![(codes::BANK, gross, 0), (codes::DEBTORS, 0, gross)]
            }
            (Side::Purchase, TxKind::Invoice) => vec![
                (codes::CREDITORS, 0, gross),
                (self.goods_code, self.goods, 0),
                (codes::VAT, self.tax, 0),
            ],
            (Side::Purchase, TxKind::CreditNote) => vec![
                (codes::CREDITORS, gross, 0),
                (self.goods_code, 0, self.goods),
                (codes::VAT, 0, self.tax),
            ],
            (Side::Purchase, TxKind::Receipt) => {
                vec![(codes::CREDITORS, gross, 0), (codes::BANK, 0, gross)]
            }
        };
        legs.retain(|(_, debit, credit)| *debit != 0 || *credit != 0);
        legs
    }
}

/// The financial year and period a date falls in: (index into [`YEARS`], period 1–12).
pub fn period_of(date: NaiveDate) -> Option<(usize, u32)> {
    let months = (date.year() - FIRST_DAY.year()) * 12 + date.month0().cast_signed() - 3;
    let year = usize::try_from(months.div_euclid(12)).ok()?;
    (year < YEARS.len()).then(|| (year, months.rem_euclid(12).unsigned_abs() + 1))
}

/// The first day of period `period` (1–12) of year index `year`.
pub fn period_start(year: usize, period: u32) -> NaiveDate {
    let months = u32::try_from(year).unwrap_or(0) * 12 + period.saturating_sub(1) + 3;
    NaiveDate::from_ymd_opt(
        2024 + i32::try_from(months / 12).unwrap_or(0),
        months % 12 + 1,
        1,
    )
    .unwrap_or(FIRST_DAY)
}

/// The last day of period `period` of year index `year`.
pub fn period_end(year: usize, period: u32) -> NaiveDate {
    let next = if period >= 12 {
        period_start(year + 1, 1)
    } else {
        period_start(year, period + 1)
    };
    next - Duration::days(1)
}

/// The books of one company.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Every transaction in date order; its URN is its index + 1.
    pub postings: Vec<Posting>,
    /// Posting indexes of sales transactions; a sales transaction's id is its index + 1.
    pub sales: Vec<u32>,
    /// Posting indexes of purchase transactions, the same way.
    pub purchase: Vec<u32>,
    /// The first nominal row of each posting (and the row count at the end).
    nominal_start: Vec<u32>,
    /// Sales transaction indexes by customer id.
    by_customer: HashMap<u32, Vec<u32>>,
    /// Purchase transaction indexes by supplier id.
    by_supplier: HashMap<u32, Vec<u32>>,
    /// The transactions with something outstanding, by side and account (what ageing
    /// reads: a small part of the books).
    open: HashMap<(bool, u32), Vec<u32>>,
}

/// An account the generator may post to: its id and payment terms in days.
#[derive(Debug, Clone, Copy)]
pub struct Account {
    /// Customer or supplier id.
    pub id: u32,
    /// Days from invoice to due date.
    pub terms_days: u16,
}

impl Ledger {
    /// Generates about `count` transactions (sales and purchase together) from `seed`.
    pub fn generate(seed: u64, count: usize, customers: &[Account], suppliers: &[Account]) -> Self {
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5a6e_4c65_6467_6572);
        let today = days_since_start(LEDGER_DATE);
        let mut postings: Vec<Posting> = Vec::with_capacity(count + 16);
        while postings.len() < count && !(customers.is_empty() && suppliers.is_empty()) {
            let side = if suppliers.is_empty() || (!customers.is_empty() && rng.random_bool(0.7)) {
                Side::Sales
            } else {
                Side::Purchase
            };
            let accounts = if side == Side::Sales {
                customers
            } else {
                suppliers
            };
            // A power skews the choice, so a few accounts trade more than most.
            let pick = rng.random::<f64>().powf(1.5);
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss
            )]
            let account =
                accounts[((pick * accounts.len() as f64) as usize).min(accounts.len() - 1)];
            add_invoice(&mut rng, &mut postings, side, account, today);
        }
        postings.sort_by_key(|p| p.day);
        Self::index(postings)
    }

    fn index(postings: Vec<Posting>) -> Self {
        let mut ledger = Self {
            nominal_start: Vec::with_capacity(postings.len() + 1),
            ..Self::default()
        };
        let mut rows = 0_u32;
        for (i, posting) in postings.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            ledger.nominal_start.push(rows);
            rows += u32::try_from(posting.legs().len()).unwrap_or(0);
            let (list, by) = match posting.side {
                Side::Sales => (&mut ledger.sales, &mut ledger.by_customer),
                Side::Purchase => (&mut ledger.purchase, &mut ledger.by_supplier),
            };
            let index = u32::try_from(list.len()).unwrap_or(u32::MAX);
            by.entry(posting.account).or_default().push(index);
            if posting.outstanding() != 0 {
                ledger
                    .open
                    .entry((posting.side == Side::Sales, posting.account))
                    .or_default()
                    .push(index);
            }
            list.push(i);
        }
        ledger.nominal_start.push(rows);
        ledger.postings = postings;
        ledger
    }

    /// The transactions of one side.
    pub fn side(&self, side: Side) -> &[u32] {
        match side {
            Side::Sales => &self.sales,
            Side::Purchase => &self.purchase,
        }
    }

    /// The posting of transaction `index` (0-based) of `side`.
    pub fn transaction(&self, side: Side, index: usize) -> Option<&Posting> {
        let posting = *self.side(side).get(index)?;
        self.postings.get(posting as usize)
    }

    /// Transaction indexes (0-based) of one account on `side`.
    pub fn of_account(&self, side: Side, account: u32) -> &[u32] {
        let by = match side {
            Side::Sales => &self.by_customer,
            Side::Purchase => &self.by_supplier,
        };
        by.get(&account).map_or(&[], Vec::as_slice)
    }

    /// Transaction indexes (0-based) of one account on `side` with something outstanding.
    pub fn open_items(&self, side: Side, account: u32) -> &[u32] {
        self.open
            .get(&(side == Side::Sales, account))
            .map_or(&[], Vec::as_slice)
    }

    /// Accounts of `side` with something outstanding, ascending.
    pub fn open_accounts(&self, side: Side) -> Vec<u32> {
        let mut ids: Vec<u32> = self
            .open
            .keys()
            .filter(|(sales, _)| *sales == (side == Side::Sales))
            .map(|(_, account)| *account)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// An account's balance in pence: the sum of its signed outstanding values.
    pub fn balance(&self, side: Side, account: u32) -> i64 {
        self.of_account(side, account)
            .iter()
            .filter_map(|&i| self.transaction(side, i as usize))
            .map(Posting::signed_outstanding)
            .sum()
    }

    /// How many nominal rows the postings make.
    pub fn nominal_rows(&self) -> usize {
        self.nominal_start.last().map_or(0, |n| *n as usize)
    }

    /// Nominal row `row` (0-based): the posting's index and the leg.
    pub fn nominal_row(&self, row: usize) -> Option<(usize, (u8, i64, i64))> {
        let row = u32::try_from(row).ok()?;
        if row >= *self.nominal_start.last()? {
            return None;
        }
        let posting = self.nominal_start.partition_point(|&start| start <= row) - 1;
        let leg = (row - self.nominal_start[posting]) as usize;
        let legs = self.postings.get(posting)?.legs();
        legs.get(leg).map(|l| (posting, *l))
    }

    /// The nominal rows (0-based) of the posting with index `posting`.
    pub fn nominal_rows_of(&self, posting: usize) -> std::ops::Range<usize> {
        let Some(start) = self.nominal_start.get(posting).map(|n| *n as usize) else {
            return 0..0;
        };
        let end = posting
            .checked_add(1)
            .and_then(|next| self.nominal_start.get(next))
            .map_or(start, |n| *n as usize);
        start..end
    }

    /// Net movement (debit − credit, pence) of each nominal code id: (before the current
    /// year, within it).
    pub fn nominal_balances(&self) -> HashMap<u8, (i64, i64)> {
        let year_start = period_start(2, 1);
        let mut sums: HashMap<u8, (i64, i64)> = HashMap::new();
        for posting in &self.postings {
            let current = posting.date() >= year_start;
            for (code, debit, credit) in posting.legs() {
                let entry = sums.entry(code).or_default();
                if current {
                    entry.1 += debit - credit;
                } else {
                    entry.0 += debit - credit;
                }
            }
        }
        sums
    }
}

/// Days from [`FIRST_DAY`] to `date` (0 before it).
pub fn days_since_start(date: NaiveDate) -> u16 {
    u16::try_from((date - FIRST_DAY).num_days().max(0)).unwrap_or(u16::MAX)
}

fn pence(rng: &mut StdRng, low: i64, high: i64) -> i64 {
    rng.random_range(low..high)
}

/// Adds an invoice and what followed it: a receipt that pays it (in full or in part), a
/// credit note, or nothing yet.
fn add_invoice(
    rng: &mut StdRng,
    postings: &mut Vec<Posting>,
    side: Side,
    account: Account,
    today: u16,
) {
    let day = rng.random_range(0..=today);
    let goods = pence(rng, 2_000, 800_000);
    let zero_rated = rng.random_bool(0.08);
    let tax = if zero_rated { 0 } else { (goods + 2) / 5 };
    let goods_code = match side {
        Side::Sales if rng.random_bool(0.6) => codes::SALES_STATIONERY,
        Side::Sales => codes::SALES_FURNITURE,
        Side::Purchase => [
            codes::PURCHASES,
            codes::PURCHASES,
            codes::OFFICE,
            codes::RENT,
        ][rng.random_range(0..4)],
    };
    let due_day = day.saturating_add(account.terms_days);
    let mut invoice = Posting {
        goods,
        tax,
        allocated: 0,
        account: account.id,
        day,
        due_day,
        side,
        kind: TxKind::Invoice,
        goods_code,
    };
    let base = Posting {
        goods: 0,
        tax: 0,
        allocated: 0,
        kind: TxKind::Receipt,
        ..invoice
    };
    let mut follow = Vec::new();
    if rng.random_bool(0.04) {
        // A credit note for part of the goods, usually set against the invoice.
        let credit_goods = goods / rng.random_range(2..6);
        let credit_tax = if zero_rated {
            0
        } else {
            (credit_goods + 2) / 5
        };
        let credit_day = day.saturating_add(rng.random_range(1..20)).min(today);
        let allocated = rng.random_bool(0.95);
        let credit = Posting {
            goods: credit_goods,
            tax: credit_tax,
            allocated: if allocated {
                credit_goods + credit_tax
            } else {
                0
            },
            day: credit_day,
            due_day: credit_day,
            kind: TxKind::CreditNote,
            ..base
        };
        if allocated {
            invoice.allocated += credit.gross();
        }
        follow.push(credit);
    }
    settle_invoice(rng, &mut invoice, base, &mut follow, today);
    if rng.random_bool(0.003) {
        // Money on account, not yet allocated to anything.
        let on_account_day = rng.random_range(day..=today);
        follow.push(Posting {
            goods: pence(rng, 1_000, 50_000),
            day: on_account_day,
            due_day: on_account_day,
            ..base
        });
    }
    postings.push(invoice);
    postings.extend(follow);
}

/// Receipts that pay `invoice` once it falls due: usually in full, sometimes in part, the
/// rest mostly later; none when payment would fall after `today`.
fn settle_invoice(
    rng: &mut StdRng,
    invoice: &mut Posting,
    base: Posting,
    follow: &mut Vec<Posting>,
    today: u16,
) {
    let (day, due_day, gross) = (invoice.day, invoice.due_day, invoice.gross());
    let paid_day = i32::from(due_day) + rng.random_range(-12..40);
    let paid_day = u16::try_from(paid_day.max(i32::from(day) + 1)).unwrap_or(u16::MAX);
    if paid_day <= today {
        let left = gross - invoice.allocated;
        let amount = if rng.random_bool(0.94) {
            left
        } else {
            left * rng.random_range(2..8) / 10
        };
        if amount > 0 {
            invoice.allocated += amount;
            follow.push(Posting {
                goods: amount,
                allocated: amount,
                day: paid_day,
                due_day: paid_day,
                ..base
            });
        }
        // Most part-paid invoices are settled by a later receipt.
        let rest = gross - invoice.allocated;
        let later = paid_day.saturating_add(rng.random_range(20..60));
        if rest > 0 && later <= today && rng.random_bool(0.85) {
            invoice.allocated += rest;
            follow.push(Posting {
                goods: rest,
                allocated: rest,
                day: later,
                due_day: later,
                ..base
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(n: u32) -> Vec<Account> {
        (1..=n).map(|id| Account { id, terms_days: 30 }).collect()
    }

    #[test]
    fn every_posting_balances_and_settles_within_its_value() {
        let ledger = Ledger::generate(7, 5_000, &accounts(50), &accounts(10));
        assert!(ledger.postings.len() >= 5_000);
        for posting in &ledger.postings {
            let (debit, credit) = posting
                .legs()
                .iter()
                .fold((0, 0), |(d, c), (_, debit, credit)| (d + debit, c + credit));
            assert_eq!(debit, credit, "{posting:?}");
            assert!(
                (0..=posting.gross()).contains(&posting.allocated),
                "{posting:?}"
            );
            assert!(posting.date() <= LEDGER_DATE);
        }
        let rows: usize = ledger.postings.iter().map(|p| p.legs().len()).sum();
        assert_eq!(ledger.nominal_rows(), rows);
        let (posting, leg) = ledger.nominal_row(rows - 1).unwrap();
        assert_eq!(posting, ledger.postings.len() - 1);
        assert_eq!(leg, *ledger.postings[posting].legs().last().unwrap());
        assert!(ledger.nominal_row(rows).is_none());
    }

    #[test]
    fn the_same_seed_gives_the_same_books() {
        let a = Ledger::generate(3, 2_000, &accounts(20), &accounts(5));
        let b = Ledger::generate(3, 2_000, &accounts(20), &accounts(5));
        let sum = |l: &Ledger| {
            l.postings
                .iter()
                .map(|p| p.gross() * i64::from(p.day))
                .sum::<i64>()
        };
        assert_eq!(sum(&a), sum(&b));
        assert_ne!(
            sum(&a),
            sum(&Ledger::generate(4, 2_000, &accounts(20), &accounts(5)))
        );
    }

    #[test]
    fn periods_run_april_to_march() {
        assert_eq!(period_of(FIRST_DAY), Some((0, 1)));
        assert_eq!(
            period_of(NaiveDate::from_ymd_opt(2025, 3, 31).unwrap()),
            Some((0, 12))
        );
        assert_eq!(period_of(LEDGER_DATE), Some((2, 8)));
        assert_eq!(
            period_of(NaiveDate::from_ymd_opt(2024, 3, 31).unwrap()),
            None
        );
        assert_eq!(
            period_start(2, 8),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
        );
        assert_eq!(
            period_end(2, 12),
            NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()
        );
        assert_eq!(
            period_end(7, 12),
            NaiveDate::from_ymd_opt(2032, 3, 31).unwrap()
        );
    }
}
