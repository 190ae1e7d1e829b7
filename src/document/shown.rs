//! A table's rows as a grid shows them: in a local order (sorted after every record was
//! fetched), perhaps grouped by one column with a header row and exact subtotals per group,
//! and the rectangle of cells selected. Pure functions; the grid and the copy use them.

use std::ops::RangeInclusive;

use super::table::reorder_by;
use super::totals::summable_amounts;
use super::{ColumnKind, ColumnTotal, TableModel};

/// A cell's place in a grid: (row as shown, column), both from 0.
pub type CellAt = (usize, usize);

/// The cells selected: the rectangle between `anchor`, where the selection began, and
/// `cursor`, where it ends (the keyboard moves the cursor; Shift keeps the anchor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRange {
    /// Where the selection began.
    pub anchor: CellAt,
    /// Where it ends: the cell with the keyboard's attention.
    pub cursor: CellAt,
}

impl CellRange {
    /// One cell.
    #[must_use]
    pub fn single(at: CellAt) -> Self {
        Self {
            anchor: at,
            cursor: at,
        }
    }

    /// The rows covered, first to last.
    #[must_use]
    pub fn rows(&self) -> RangeInclusive<usize> {
        self.anchor.0.min(self.cursor.0)..=self.anchor.0.max(self.cursor.0)
    }

    /// The columns covered, first to last.
    #[must_use]
    pub fn columns(&self) -> RangeInclusive<usize> {
        self.anchor.1.min(self.cursor.1)..=self.anchor.1.max(self.cursor.1)
    }

    /// Whether `at` is inside.
    #[must_use]
    pub fn contains(&self, at: CellAt) -> bool {
        self.rows().contains(&at.0) && self.columns().contains(&at.1)
    }

    /// The same selection kept inside a grid of `rows` × `columns` (after the grid shrank);
    /// `None` when the grid is empty.
    #[must_use]
    pub fn clamped(self, rows: usize, columns: usize) -> Option<Self> {
        if rows == 0 || columns == 0 {
            return None;
        }
        let clamp = |(r, c): CellAt| (r.min(rows - 1), c.min(columns - 1));
        Some(Self {
            anchor: clamp(self.anchor),
            cursor: clamp(self.cursor),
        })
    }
}

/// One row as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShownRow {
    /// A record: its row in the table.
    Record(u32),
    /// A group's header: its index in [`Shown::groups`].
    Group(u32),
}

/// One group of rows with the same value in the grouped column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The value the rows share, as text (empty for no value).
    pub value: String,
    /// How many rows.
    pub count: usize,
    /// The exact subtotals of the summable columns over the group's rows.
    pub subtotals: Vec<ColumnTotal>,
}

/// A table's rows in the order shown, with group headers when grouped.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// Every row shown, in order.
    pub rows: Vec<ShownRow>,
    /// The groups (empty when not grouped).
    pub groups: Vec<Group>,
    /// The column grouped by.
    pub column: Option<usize>,
    /// Where each table row is shown (table row → index into `rows`), built when first
    /// asked for.
    pub positions: std::sync::OnceLock<Vec<u32>>,
}

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        // The index is derived from `rows`.
        self.rows == other.rows && self.groups == other.groups && self.column == other.column
    }
}

impl Eq for Shown {}

impl Shown {
    /// The table's row shown at `index`, or `None` for a group header (or past the end).
    #[must_use]
    pub fn record(&self, index: usize) -> Option<usize> {
        match self.rows.get(index)? {
            ShownRow::Record(row) => Some(*row as usize),
            ShownRow::Group(_) => None,
        }
    }

    /// Where the table's `row` is shown (the inverse of [`Shown::record`]); looked up in
    /// an index built once, as the grid asks every frame.
    #[must_use]
    pub fn position(&self, row: usize) -> Option<usize> {
        let index = self.positions.get_or_init(|| {
            let mut at = Vec::new();
            for (i, shown) in self.rows.iter().enumerate() {
                if let ShownRow::Record(n) = shown {
                    let n = *n as usize;
                    if at.len() <= n {
                        at.resize(n + 1, u32::MAX);
                    }
                    at[n] = u32::try_from(i).unwrap_or(u32::MAX);
                }
            }
            at
        });
        index
            .get(row)
            .filter(|p| **p != u32::MAX)
            .map(|p| *p as usize)
    }
}

/// Rows in `order` (every row when `None`), as shown without groups.
#[must_use]
pub fn ungrouped(table: &TableModel, order: Option<&[usize]>) -> Shown {
    Shown {
        rows: rows_of(table, order).map(as_record).collect(),
        groups: Vec::new(),
        column: None,
        positions: std::sync::OnceLock::new(),
    }
}

/// Row `n` as a shown record (tables past 4 billion rows are not shown whole).
fn as_record(row: usize) -> ShownRow {
    ShownRow::Record(u32::try_from(row).unwrap_or(u32::MAX))
}

fn rows_of<'a>(
    table: &TableModel,
    order: Option<&'a [usize]>,
) -> Box<dyn Iterator<Item = usize> + 'a> {
    match order {
        Some(order) => Box::new(order.iter().copied()),
        None => Box::new(0..table.len()),
    }
}

/// Groups the rows (in `order`, or the table's own) by `column` (values equal but for case
/// are one group, named by its first row's value): groups in order of their value (as [`reorder_rows`] compares: numbers as numbers, text without regard to case,
/// no value last), the rows within a group in their order before, a header row before each
/// group, and each group's exact subtotals of the summable columns (see
/// [`is_summable`](super::is_summable)).
#[must_use]
pub fn group_rows(
    table: &TableModel,
    column: usize,
    order: Option<&[usize]>,
    kinds: &[ColumnKind],
) -> Shown {
    group_rows_with(table, column, order, || summed_columns(table, kinds))
}

/// The summable columns' amounts of a table, each cell read once: what
/// [`group_rows_with`] adds up (see [`is_summable`](super::is_summable)).
pub struct Summed(Vec<super::totals::Amounts>);

/// Reads a table's [`Summed`] amounts (the column kinds say which are money).
#[must_use]
pub fn summed_columns(table: &TableModel, kinds: &[ColumnKind]) -> Summed {
    Summed(summable_amounts(table, kinds))
}

/// [`group_rows`] with the amounts from `summed`, asked for only once the groups are
/// formed: a caller may read them on another thread meanwhile.
#[must_use]
pub fn group_rows_with(
    table: &TableModel,
    column: usize,
    order: Option<&[usize]>,
    summed: impl FnOnce() -> Summed,
) -> Shown {
    let base: Vec<usize> = rows_of(table, order).collect();
    // Every cell used is read once: the keys, then each summed column's amounts.
    let keys = table.column_cells(column);
    let grouped = reorder_by(&keys, false, base);
    let Summed(summed) = summed();
    let mut shown = Shown {
        rows: Vec::with_capacity(grouped.len() + 16),
        groups: Vec::new(),
        column: Some(column),
        positions: std::sync::OnceLock::new(),
    };
    let mut start = 0;
    while start < grouped.len() {
        let value = &keys[grouped[start]];
        let end = grouped[start..]
            .iter()
            .position(|&row| !same_group(&keys[row], value))
            .map_or(grouped.len(), |n| start + n);
        let members = &grouped[start..end];
        let subtotals = summed
            .iter()
            .filter_map(|amounts| amounts.total(members.iter().copied()))
            .collect();
        shown.rows.push(ShownRow::Group(
            u32::try_from(shown.groups.len()).unwrap_or(u32::MAX),
        ));
        shown.rows.extend(members.iter().copied().map(as_record));
        shown.groups.push(Group {
            value: value.clone().into_owned(),
            count: members.len(),
            subtotals,
        });
        start = end;
    }
    shown
}

/// Whether two values fall in one group: equal but for case, as the sort compares them
/// (so "EUR" and "eur", sorted side by side, are not split into two groups).
fn same_group(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (!a.is_ascii() && a.to_lowercase() == b.to_lowercase())
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
    fn groups_come_in_value_order_with_exact_subtotals() {
        let t = table(
            r#"[{"id":1,"currency":"EUR","balance":0.1},
                {"id":2,"currency":"GBP","balance":0.2},
                {"id":3,"currency":"EUR","balance":0.2},
                {"id":4,"currency":null,"balance":5},
                {"id":5,"currency":"eur","balance":-1.05}]"#,
        );
        let kinds = column_kinds(&t);
        let currency = t.columns.iter().position(|c| c == "currency").unwrap();
        // The rows sorted by id descending first: each group keeps that order.
        let order = [4, 3, 2, 1, 0];
        let shown = group_rows(&t, currency, Some(&order), &kinds);
        let values: Vec<(&str, usize, &str)> = shown
            .groups
            .iter()
            .map(|g| (g.value.as_str(), g.count, g.subtotals[0].sum.as_str()))
            .collect();
        assert_eq!(
            values,
            [("eur", 3, "-0.75"), ("GBP", 1, "0.20"), ("", 1, "5.00")]
        );
        assert_eq!(
            shown.rows,
            [
                ShownRow::Group(0),
                ShownRow::Record(4),
                ShownRow::Record(2),
                ShownRow::Record(0),
                ShownRow::Group(1),
                ShownRow::Record(1),
                ShownRow::Group(2),
                ShownRow::Record(3),
            ]
        );
        assert_eq!(shown.record(0), None);
        assert_eq!(shown.record(3), Some(0));
        assert_eq!(shown.record(4), None);
        assert_eq!(shown.position(0), Some(3));
        assert!(same_group("Ærø", "æRØ") && !same_group("Ærø", "Aero"));
        assert_eq!(ungrouped(&t, Some(&order)).record(0), Some(4));
    }

    #[test]
    fn a_range_covers_the_rectangle_between_its_corners() {
        let range = CellRange {
            anchor: (5, 3),
            cursor: (2, 1),
        };
        assert_eq!(range.rows(), 2..=5);
        assert_eq!(range.columns(), 1..=3);
        assert!(range.contains((2, 1)) && range.contains((5, 3)) && range.contains((3, 2)));
        assert!(!range.contains((6, 2)) && !range.contains((3, 0)));
        assert_eq!(range.clamped(3, 2), Some(CellRange::single((2, 1))));
        assert_eq!(range.clamped(0, 2), None);
    }
}
