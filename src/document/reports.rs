//! The figures the Reports screen draws, read from Sage's summary resources exactly (in
//! pence, on the digits): aged balances by band (`sales_aged_debtor_summary_views`,
//! `purchase_aged_creditor_summary_views`), sales by period (`customer_period_value_views`)
//! and accounts over their credit limit (`customers`).

use super::TableModel;
use super::totals::{scaled, unscaled};

/// An amount in pence (hundredths of the base currency), exact.
pub type Pence = i128;

/// Reads a decimal amount as pence, rounding what lies beyond two places half away from
/// zero (`None` for text that is not a plain decimal).
#[must_use]
pub fn pence(text: &str) -> Option<Pence> {
    let text = text.trim();
    let places = text.split_once('.').map_or(0, |(_, f)| f.len());
    let exact = scaled(text, places.max(2))?;
    let cut = 10_i128.checked_pow(u32::try_from(places.max(2) - 2).ok()?)?;
    let half = cut / 2;
    Some(if exact >= 0 {
        (exact + half) / cut
    } else {
        (exact - half) / cut
    })
}

/// Pence as decimal text with two places (`-1234.50`).
#[must_use]
pub fn pounds(pence: Pence) -> String {
    unscaled(pence, 2)
}

/// One age band of an aged report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgedBand {
    /// Its words, as Sage names it: "Current", "31 - 60 days", "Older".
    pub name: String,
    /// The field it is read from (`base_period_1`).
    pub field: String,
    /// The ages it covers in days (from, to; `None`: open), when its name says so.
    pub days: (Option<u32>, Option<u32>),
}

/// One account's outstanding amounts by band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgedAccount {
    /// The customer's or supplier's id.
    pub id: i64,
    /// The amount in each band, in band order.
    pub bands: Vec<Pence>,
    /// What the account owes (or is owed) in all.
    pub total: Pence,
}

/// An aged debtors or creditors report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AgedReport {
    /// The bands, youngest first.
    pub bands: Vec<AgedBand>,
    /// The accounts, largest total first.
    pub accounts: Vec<AgedAccount>,
    /// Each band's total over every account.
    pub totals: Vec<Pence>,
}

impl AgedReport {
    /// Everything outstanding.
    #[must_use]
    pub fn total(&self) -> Pence {
        self.totals.iter().sum()
    }

    /// What is older than the current band: overdue by the ageing the report used.
    #[must_use]
    pub fn beyond_current(&self) -> Pence {
        self.bands
            .iter()
            .zip(&self.totals)
            .filter(|(band, _)| band.field != "base_current" && band.field != "base_future")
            .map(|(_, total)| *total)
            .sum()
    }
}

/// "31 - 60 days" → (31, 60); "1 month" and others → none.
fn day_range(name: &str) -> (Option<u32>, Option<u32>) {
    let Some(range) = name.trim().strip_suffix("days") else {
        return (None, None);
    };
    let mut ends = range.split('-').map(|n| n.trim().parse::<u32>().ok());
    match (ends.next().flatten(), ends.next().flatten()) {
        (Some(from), Some(to)) => (Some(from), Some(to)),
        _ => (None, None),
    }
}

/// Reads an aged summary (one row per account: `{account}_id`, `base_future`,
/// `base_current`, `base_period_1`…`8` named by `aged_period_1`…`8`, `base_past`) in the base
/// currency. Periods Sage leaves unnamed are left out; "Future" only when something is
/// dated ahead. Rows of accounts with nothing outstanding are left out.
#[must_use]
pub fn aged_report(table: &TableModel, account: &str) -> AgedReport {
    let column = |name: &str| table.columns.iter().position(|c| c == name);
    // The band names are the same on every row: read from the first.
    let first = |name: &str| {
        column(name)
            .filter(|_| !table.is_empty())
            .map(|c| table.cell(0, c).into_owned())
    };
    let mut bands = Vec::new();
    let mut current_days = None;
    let mut named = Vec::new();
    for n in 1..=8 {
        let field = format!("base_period_{n}");
        let Some(name) = first(&format!("aged_period_{n}")).filter(|n| !n.trim().is_empty()) else {
            continue;
        };
        if column(&field).is_some() {
            named.push(AgedBand {
                days: day_range(&name),
                name,
                field,
            });
        }
    }
    // Current is what comes before the first named period; Older what comes after the last.
    if let Some((Some(from), _)) = named.first().map(|b| b.days) {
        current_days = Some(from.saturating_sub(1));
    }
    let older_from = named.last().and_then(|b| b.days.1).map(|to| to + 1);
    if column("base_future").is_some() {
        bands.push(AgedBand {
            name: "Future".to_owned(),
            field: "base_future".to_owned(),
            days: (None, None),
        });
    }
    bands.push(AgedBand {
        name: "Current".to_owned(),
        field: "base_current".to_owned(),
        days: (Some(0), current_days),
    });
    bands.extend(named);
    bands.push(AgedBand {
        name: "Older".to_owned(),
        field: "base_past".to_owned(),
        days: (older_from, None),
    });
    let columns: Vec<Option<usize>> = bands.iter().map(|b| column(&b.field)).collect();
    let id_column = column(account);
    let mut report = AgedReport {
        totals: vec![0; bands.len()],
        bands,
        accounts: Vec::new(),
    };
    for row in 0..table.len() {
        let amounts: Vec<Pence> = columns
            .iter()
            .map(|c| c.and_then(|c| pence(&table.cell(row, c))).unwrap_or(0))
            .collect();
        let total: Pence = amounts.iter().sum();
        if amounts.iter().all(|a| *a == 0) {
            continue;
        }
        for (sum, amount) in report.totals.iter_mut().zip(&amounts) {
            *sum += amount;
        }
        let id = id_column
            .and_then(|c| table.cell(row, c).parse().ok())
            .unwrap_or_default();
        report.accounts.push(AgedAccount {
            id,
            bands: amounts,
            total,
        });
    }
    // Future is shown only when something is dated ahead.
    if report
        .bands
        .first()
        .is_some_and(|b| b.field == "base_future")
        && report.accounts.iter().all(|a| a.bands.first() == Some(&0))
    {
        report.bands.remove(0);
        report.totals.remove(0);
        for account in &mut report.accounts {
            account.bands.remove(0);
        }
    }
    report
        .accounts
        .sort_by(|a, b| b.total.cmp(&a.total).then(a.id.cmp(&b.id)));
    report
}

/// One period's sales.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodSales {
    /// Sage's name for the period (`2026/08`).
    pub reference: String,
    /// When it starts (as the server wrote it).
    pub start: String,
    /// Invoices in the period, in the base currency.
    pub invoices: Pence,
    /// Credit notes in the period.
    pub credit_notes: Pence,
}

impl PeriodSales {
    /// Invoices less credit notes.
    #[must_use]
    pub fn net(&self) -> Pence {
        self.invoices - self.credit_notes
    }
}

/// Adds up customers' period values (`analysis_period_reference`,
/// `analysis_period_start_date`, `period_value_total_invoice_value_to_date_in_base`,
/// `period_value_total_cred_note_value_to_date_in_base`) by period, in period order.
#[must_use]
pub fn sales_by_period(table: &TableModel) -> Vec<PeriodSales> {
    let column = |name: &str| table.columns.iter().position(|c| c == name);
    let (Some(reference), Some(start)) = (
        column("analysis_period_reference"),
        column("analysis_period_start_date"),
    ) else {
        return Vec::new();
    };
    let invoices = column("period_value_total_invoice_value_to_date_in_base");
    let credits = column("period_value_total_cred_note_value_to_date_in_base");
    let mut periods: std::collections::BTreeMap<String, PeriodSales> =
        std::collections::BTreeMap::new();
    for row in 0..table.len() {
        let begins = table.cell(row, start).into_owned();
        let entry = periods
            .entry(begins.clone())
            .or_insert_with(|| PeriodSales {
                reference: table.cell(row, reference).into_owned(),
                start: begins,
                invoices: 0,
                credit_notes: 0,
            });
        let read = |c: Option<usize>| c.and_then(|c| pence(&table.cell(row, c))).unwrap_or(0);
        entry.invoices += read(invoices);
        entry.credit_notes += read(credits);
    }
    periods.into_values().collect()
}

/// A customer over its credit limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The customer's id.
    pub id: i64,
    /// Its account reference.
    pub reference: String,
    /// Its name.
    pub name: String,
    /// What it owes.
    pub balance: Pence,
    /// Its credit limit.
    pub limit: Pence,
}

/// The customers whose balance is above a credit limit they have (a limit of 0 is taken as
/// none, as Sage's "no limit"), most over first.
#[must_use]
pub fn credit_breaches(table: &TableModel) -> Vec<Breach> {
    let column = |name: &str| table.columns.iter().position(|c| c == name);
    let (Some(balance), Some(limit)) = (column("balance"), column("credit_limit")) else {
        return Vec::new();
    };
    let text = |row: usize, name: &str| {
        column(name).map_or_else(String::new, |c| table.cell(row, c).into_owned())
    };
    let mut breaches: Vec<Breach> = (0..table.len())
        .filter_map(|row| {
            let owed = pence(&table.cell(row, balance))?;
            let allowed = pence(&table.cell(row, limit))?;
            (allowed > 0 && owed > allowed).then(|| Breach {
                id: text(row, "id").parse().unwrap_or_default(),
                reference: text(row, "reference"),
                name: text(row, "name"),
                balance: owed,
                limit: allowed,
            })
        })
        .collect();
    breaches.sort_by_key(|b| std::cmp::Reverse(b.balance - b.limit));
    breaches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::read_answer;
    use crate::model::ResponseMeta;

    fn table(json: &str) -> TableModel {
        read_answer(
            ResponseMeta::ok("u", 0),
            &bytes::Bytes::from(json.to_owned()),
        )
        .table
        .unwrap()
    }

    #[test]
    fn amounts_read_as_exact_pence() {
        assert_eq!(pence("1234.5"), Some(123_450));
        assert_eq!(pence("-0.005"), Some(-1));
        assert_eq!(pence("0.004"), Some(0));
        assert_eq!(pence("12"), Some(1200));
        assert_eq!(pence("x"), None);
        assert_eq!(pounds(-5), "-0.05");
    }

    #[test]
    fn aged_bands_come_from_sages_names_with_their_days() {
        type Named<'a> = (&'a str, (Option<u32>, Option<u32>));
        let t = table(
            r#"[{"customer_id":7,"base_future":0,"base_current":10.5,"base_period_1":1,
                 "base_period_2":0,"base_period_3":0,"base_period_4":2,"base_period_5":0,
                 "base_past":3.25,"aged_period_1":"31 - 60 days","aged_period_2":"61 - 90 days",
                 "aged_period_3":"91 - 120 days","aged_period_4":"121 - 150 days",
                 "aged_period_5":""},
                {"customer_id":8,"base_future":0,"base_current":0,"base_period_1":0,
                 "base_period_2":0,"base_period_3":0,"base_period_4":0,"base_period_5":0,
                 "base_past":0,"aged_period_1":"31 - 60 days","aged_period_2":"61 - 90 days",
                 "aged_period_3":"91 - 120 days","aged_period_4":"121 - 150 days",
                 "aged_period_5":""},
                {"customer_id":9,"base_future":0,"base_current":100,"base_period_1":0,
                 "base_period_2":0,"base_period_3":0,"base_period_4":0,"base_period_5":0,
                 "base_past":0,"aged_period_1":"31 - 60 days","aged_period_2":"61 - 90 days",
                 "aged_period_3":"91 - 120 days","aged_period_4":"121 - 150 days",
                 "aged_period_5":""}]"#,
        );
        let report = aged_report(&t, "customer_id");
        let names: Vec<Named<'_>> = report
            .bands
            .iter()
            .map(|b| (b.name.as_str(), b.days))
            .collect();
        assert_eq!(
            names,
            [
                ("Current", (Some(0), Some(30))),
                ("31 - 60 days", (Some(31), Some(60))),
                ("61 - 90 days", (Some(61), Some(90))),
                ("91 - 120 days", (Some(91), Some(120))),
                ("121 - 150 days", (Some(121), Some(150))),
                ("Older", (Some(151), None)),
            ]
        );
        assert_eq!(
            report.accounts.iter().map(|a| a.id).collect::<Vec<_>>(),
            [9, 7],
            "largest first, nothing-owed left out"
        );
        assert_eq!(report.totals, [11_050, 100, 0, 0, 200, 325]);
        assert_eq!(report.total(), 11_675);
        assert_eq!(report.beyond_current(), 625);
    }

    #[test]
    fn sales_add_up_by_period_and_breaches_are_found() {
        let t = table(
            r#"[{"analysis_period_reference":"2026/02","analysis_period_start_date":"2026-05-01T00:00:00",
                 "period_value_total_invoice_value_to_date_in_base":10.10,
                 "period_value_total_cred_note_value_to_date_in_base":1},
                {"analysis_period_reference":"2026/01","analysis_period_start_date":"2026-04-01T00:00:00",
                 "period_value_total_invoice_value_to_date_in_base":5,
                 "period_value_total_cred_note_value_to_date_in_base":0},
                {"analysis_period_reference":"2026/02","analysis_period_start_date":"2026-05-01T00:00:00",
                 "period_value_total_invoice_value_to_date_in_base":0.2,
                 "period_value_total_cred_note_value_to_date_in_base":0}]"#,
        );
        let sales = sales_by_period(&t);
        assert_eq!(sales.len(), 2);
        assert_eq!(
            (sales[0].reference.as_str(), sales[0].net()),
            ("2026/01", 500)
        );
        assert_eq!((sales[1].invoices, sales[1].net()), (1030, 930));

        let c = table(
            r#"[{"id":1,"reference":"A","name":"Over","balance":150.5,"credit_limit":100},
                {"id":2,"reference":"B","name":"Under","balance":50,"credit_limit":100},
                {"id":3,"reference":"C","name":"No limit","balance":5000,"credit_limit":0},
                {"id":4,"reference":"D","name":"Far over","balance":900,"credit_limit":100}]"#,
        );
        let breaches = credit_breaches(&c);
        assert_eq!(
            breaches.iter().map(|b| b.id).collect::<Vec<_>>(),
            [4, 1],
            "most over first; a zero limit is no limit"
        );
    }
}
