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

/// A summable column's amounts: the decimal places its values use (Sage's amounts have
/// two; some five; at most 12) and every row's value in units of 10^-places, 8 bytes a
/// row while every value fits an `i64` (16 for a column with a larger one).
pub(super) struct Amounts {
    /// The column's index in the table.
    pub(super) column: usize,
    /// The places the values are scaled to.
    pub(super) places: usize,
    /// Each row's value.
    values: Values,
}

/// Rows' values: `i64::MIN` (or `None`) for a cell that is empty or not a plain decimal.
enum Values {
    Small(Vec<i64>),
    Big(Vec<Option<i128>>),
}

impl Amounts {
    /// Reads column `column` of `table`, in two passes over its cells (none kept).
    pub(super) fn of(table: &TableModel, column: usize) -> Self {
        let places = table
            .column_iter(column)
            .filter_map(|t| t.split_once('.').map(|(_, f)| f.len()))
            .max()
            .unwrap_or(0)
            .min(12);
        let mut values = Values::Small(Vec::with_capacity(table.len()));
        for text in table.column_iter(column) {
            let value = scaled(&text, places);
            let widen = match &mut values {
                Values::Small(small) => match value.map(i64::try_from) {
                    None => {
                        small.push(i64::MIN);
                        false
                    }
                    Some(Ok(v)) if v != i64::MIN => {
                        small.push(v);
                        false
                    }
                    Some(_) => true,
                },
                Values::Big(big) => {
                    big.push(value);
                    false
                }
            };
            // A value past `i64`: every row 16 bytes from here on.
            if widen && let Values::Small(small) = &values {
                let mut big: Vec<Option<i128>> = Vec::with_capacity(table.len());
                big.extend(
                    small
                        .iter()
                        .map(|&v| (v != i64::MIN).then_some(i128::from(v))),
                );
                big.push(value);
                values = Values::Big(big);
            }
        }
        Self {
            column,
            places,
            values,
        }
    }

    /// Row `row`'s value.
    fn value(&self, row: usize) -> Option<i128> {
        match &self.values {
            Values::Small(small) => small
                .get(row)
                .copied()
                .filter(|&v| v != i64::MIN)
                .map(i128::from),
            Values::Big(big) => big.get(row).copied().flatten(),
        }
    }

    /// The exact total over `rows` (`None` when none of them holds a number).
    pub(super) fn total(&self, rows: impl Iterator<Item = usize>) -> Option<ColumnTotal> {
        let mut sum: i128 = 0;
        let mut counted = 0;
        for value in rows.filter_map(|row| self.value(row)) {
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

    #[test]
    fn amounts_past_64_bits_still_add_up() {
        // The third value does not fit an i64 in pence: the column turns wide mid-way.
        let t = table(
            r#"[{"balance":1.25},{"balance":null},{"balance":123456789012345678901.50},{"balance":-0.25}]"#,
        );
        let kinds = column_kinds(&t);
        let totals = column_totals(&t, &kinds);
        assert_eq!(totals[0].sum, "123456789012345678902.50");
        assert_eq!(totals[0].counted, 3);
        let amounts = Amounts::of(&t, 0);
        assert_eq!(amounts.total([0, 1, 3].into_iter()).unwrap().sum, "1.00");
        assert!(amounts.total([1].into_iter()).is_none());
    }
}
