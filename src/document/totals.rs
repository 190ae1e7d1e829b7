//! Totals of a table's money columns, summed exactly on the decimal digits (never through
//! floating point, so 0.1 + 0.2 is 0.30 and a million rows add up to the penny).

use super::{ColumnKind, TableModel};

/// The total of one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnTotal {
    /// The column's index in the table.
    pub column: usize,
    /// The exact sum as decimal text (`-1234.5`, as many places as the values had).
    pub sum: String,
    /// How many cells held a number.
    pub counted: usize,
}

/// Whether a column holds amounts worth adding up: a money column that is not a rate, a
/// percentage or an id (Sage's naming: `exchange_rate`, `discount_percent`, `…_id`).
#[must_use]
pub fn is_summable(name: &str, kind: ColumnKind) -> bool {
    kind == ColumnKind::Money
        && !name.contains("rate")
        && !name.contains("percent")
        && !name.ends_with("_id")
        && name != "id"
}

/// A summable column's amounts, each cell read once: the decimal places its values use
/// (Sage's amounts have two; some five; at most 12) and every row's value in units of
/// 10^-places (`None` for a cell that is empty or not a plain decimal).
pub(super) struct Amounts {
    /// The column's index in the table.
    pub(super) column: usize,
    /// The places the values are scaled to.
    pub(super) places: usize,
    /// Each row's value.
    pub(super) values: Vec<Option<i128>>,
}

impl Amounts {
    /// Reads column `column` of `table`.
    pub(super) fn of(table: &TableModel, column: usize) -> Self {
        let texts = table.column_cells(column);
        let places = texts
            .iter()
            .filter_map(|t| t.split_once('.').map(|(_, f)| f.len()))
            .max()
            .unwrap_or(0)
            .min(12);
        let values = texts.iter().map(|t| scaled(t, places)).collect();
        Self {
            column,
            places,
            values,
        }
    }

    /// The exact total over `rows` (`None` when none of them holds a number).
    pub(super) fn total(&self, rows: impl Iterator<Item = usize>) -> Option<ColumnTotal> {
        let mut sum: i128 = 0;
        let mut counted = 0;
        for value in rows.filter_map(|row| self.values.get(row).copied().flatten()) {
            sum = sum.saturating_add(value);
            counted += 1;
        }
        (counted > 0).then(|| ColumnTotal {
            column: self.column,
            sum: unscaled(sum, self.places),
            counted,
        })
    }
}

/// The summable columns' amounts (see [`is_summable`]), read once each.
pub(super) fn summable_amounts(table: &TableModel, kinds: &[ColumnKind]) -> Vec<Amounts> {
    table
        .columns
        .iter()
        .enumerate()
        .filter(|(i, name)| is_summable(name, kinds.get(*i).copied().unwrap_or(ColumnKind::Text)))
        .map(|(i, _)| Amounts::of(table, i))
        .collect()
}

/// A decimal number as an integer of units of 10^-`places`: `-12.5` at 2 places is -1250.
/// `None` for text that is not a plain decimal, or has more than `places` places.
pub(super) fn scaled(text: &str, places: usize) -> Option<i128> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !plain(whole) || !plain(fraction) || fraction.len() > places {
        return None;
    }
    let mut value: i128 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        value = value.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    for _ in fraction.len()..places {
        value = value.checked_mul(10)?;
    }
    Some(if negative { -value } else { value })
}

/// Writes `value` units of 10^-`places` as decimal text.
pub(super) fn unscaled(value: i128, places: usize) -> String {
    let digits = value.unsigned_abs().to_string();
    let digits = format!("{digits:0>width$}", width = places + 1);
    let (whole, fraction) = digits.split_at(digits.len() - places);
    let sign = if value < 0 { "-" } else { "" };
    if places == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// The totals of the summable columns (see [`is_summable`]) over every row of `table`.
/// Cells that are empty or not numbers are left out.
#[must_use]
pub fn column_totals(table: &TableModel, kinds: &[ColumnKind]) -> Vec<ColumnTotal> {
    summable_amounts(table, kinds)
        .iter()
        .filter_map(|amounts| amounts.total(0..table.len()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{column_kinds, read_answer};
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
    fn money_adds_up_exactly_and_rates_are_left_alone() {
        let t = table(
            r#"[{"id":1,"balance":0.1,"exchange_rate":1.17,"name":"A","credit_limit":100.0},
                {"id":2,"balance":0.2,"exchange_rate":1.0,"name":"B","credit_limit":null},
                {"id":3,"balance":-1234.56,"exchange_rate":1.0,"name":"C","credit_limit":500.25}]"#,
        );
        let kinds = column_kinds(&t);
        let totals = column_totals(&t, &kinds);
        let named: Vec<(&str, &str, usize)> = totals
            .iter()
            .map(|t2| (t.columns[t2.column].as_str(), t2.sum.as_str(), t2.counted))
            .collect();
        assert_eq!(
            named,
            [("balance", "-1234.26", 3), ("credit_limit", "600.25", 2)]
        );
        // Exponent forms are not plain decimals: left out rather than misread.
        assert_eq!(scaled("5e2", 2), None);
    }

    #[test]
    fn big_sums_keep_every_penny() {
        let rows: Vec<String> = (0..100_000)
            .map(|i| format!(r#"{{"id":{i},"balance":{}.{:02}}}"#, i * 37, i % 100))
            .collect();
        let t = table(&format!("[{}]", rows.join(",")));
        let totals = column_totals(&t, &column_kinds(&t));
        let pence: i128 = (0..100_000_i128).map(|i| i * 37 * 100 + i % 100).sum();
        assert_eq!(totals[0].sum, unscaled(pence, 2));
        assert_eq!(unscaled(-5, 2), "-0.05");
        assert_eq!(unscaled(0, 0), "0");
        assert_eq!(scaled("12.345", 2), None);
        assert_eq!(scaled("1.5", 2), Some(150));
        assert_eq!(scaled("abc", 2), None);
    }
}
