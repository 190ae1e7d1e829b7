//! The table of an answer's records: rows and columns whose cells are spans into the body
//! (read when shown), built one page at a time, with the fields a record gives twice.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;

use super::answer::JsonDoc;
use super::cells::Cells;
use super::scan::{Child, Kind, Span, to_u32, value_text};

/// Rows and columns of an array of records: the cells are spans into the body, read when
/// shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableModel {
    /// Column names: the keys of the records, in first-seen order.
    pub columns: Vec<String>,
    pub(super) doc: Arc<JsonDoc>,
    /// The rows, in runs read one page at a time (one run for a single answer).
    pub(super) chunks: Vec<Chunk>,
    pub(super) rows: usize,
    /// Cells whose record has that field more than once, as `(row, column)` in order: the
    /// cell holds the last value, as `serde_json` and JavaScript read JSON.
    pub(super) duplicates: Vec<(usize, usize)>,
}

/// A run of rows: their cells, row-major over the run's own columns, as spans from the
/// run's `base` ([`Cells`]), and where each table column is among them. A run never spans
/// more than 4 GB of text, so its offsets fit 32 bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Chunk {
    pub(super) first_row: usize,
    pub(super) rows: usize,
    pub(super) width: usize,
    /// For each column of the table, its place in this run (`u32::MAX`: absent).
    pub(super) local: Vec<u32>,
    pub(super) cells: Cells,
    /// Where the run's offsets count from in the document.
    pub(super) base: u64,
    /// The run's text from `base` on (shared with the document, not copied): cells are
    /// read from it without finding their page again.
    pub(super) bytes: Bytes,
}

/// A record's span packed from `base`, `start << 32 | end` (the run's place of it).
fn pack(at: Span, base: u64) -> u64 {
    ((at.start - base) << 32) | (at.end - base)
}

/// The records of a list cut into runs of at most 4 GB of text (one run below that), as
/// ranges of their indexes: offsets within a run fit 32 bits. `None` when one record alone
/// is larger than 4 GB (it is then read as a tree, not as rows).
pub(super) fn runs_of(records: &[Child]) -> Option<Vec<std::ops::Range<usize>>> {
    let fits = |from: u64, to: u64| u32::try_from(to - from).is_ok();
    let mut runs = Vec::new();
    let mut first = 0;
    for (i, record) in records.iter().enumerate() {
        if !fits(record.value.start, record.value.end) {
            return None;
        }
        if !fits(records[first].value.start, record.value.end) {
            runs.push(first..i);
            first = i;
        }
    }
    if first < records.len() {
        runs.push(first..records.len());
    }
    Some(runs)
}

/// The most columns a table has: records with more different fields than this are not
/// read as rows (the tree and raw views show them), so that a list whose every record brings
/// new fields cannot take memory by rows times columns.
const MOST_COLUMNS: usize = 2_000;

/// Widenings of a run made to measure: after these, room is made for half as many
/// columns again, so that records bringing new fields one after another do not lay the
/// rows out again each time.
const EXACT_WIDENINGS: usize = 8;

/// Columns, chunks and repeated fields, as [`read_cells`] reads them.
type ReadCells = (Vec<String>, Vec<Chunk>, Vec<(usize, usize)>);

/// The cells of `records` (all objects) in runs: the columns in first-seen order, one
/// chunk per run of [`runs_of`], and the fields a record gives twice as `(row, column)`.
fn read_cells(doc: &JsonDoc, records: &[Child]) -> Option<ReadCells> {
    let mut columns: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut duplicates = Vec::new();
    let mut chunks = Vec::new();
    for run in runs_of(records)? {
        let base = records[run.start].value.start;
        let end = records[run.end - 1].value.end;
        let rows = run.len();
        // The matrix is laid out for the columns seen so far and widened in the rare
        // case a later record brings a new field.
        let mut width = columns.len();
        let mut widenings = 0;
        let mut cells = Cells::default();
        let mut row: Vec<Option<Span>> = Vec::new();
        for (r, item) in records[run.clone()].iter().enumerate() {
            row.clear();
            row.resize(width, None);
            for member in doc.scan(item.value) {
                let Some(key) = member.key else { continue };
                let name = doc.key(key);
                let column = if let Some(&column) = index.get(name.as_ref()) {
                    column
                } else {
                    if columns.len() == MOST_COLUMNS {
                        return None;
                    }
                    columns.push(name.to_string());
                    index.insert(name.into_owned(), columns.len() - 1);
                    columns.len() - 1
                };
                if column >= row.len() {
                    row.resize(column + 1, None);
                }
                if row[column].is_some() {
                    duplicates.push((run.start + r, column));
                }
                row[column] = Some(member.value.shifted_back(base));
            }
            if row.len() > width {
                widenings += 1;
                let wider = if widenings > EXACT_WIDENINGS {
                    row.len().max(width + width / 2)
                } else {
                    row.len()
                };
                cells = cells.widened(r, width, wider);
                width = wider;
                row.resize(width, None);
            }
            cells.push(item.value.shifted_back(base), &row);
            if r == 0 {
                cells.reserve(rows - 1, width);
            }
        }
        chunks.push(Chunk {
            first_row: run.start,
            rows,
            width,
            local: (0..width).map(to_u32).collect(),
            cells,
            base,
            bytes: doc.slice(Span { start: base, end }),
        });
    }
    duplicates.sort_unstable();
    Some((columns, chunks, duplicates))
}

/// How many records a table must have before its two halves are read side by side.
const SPLIT_FROM: usize = 4096;

/// [`read_cells`] of the two halves of `records` side by side through `join`, merged into
/// exactly what reading them in one go gives: the second half's new columns after the
/// first's, in the order it first saw them, its chunks mapped onto those columns.
fn read_cells_halves(
    doc: &JsonDoc,
    records: &[Child],
    join: &impl super::Join,
    split_from: usize,
) -> Option<ReadCells> {
    if records.len() < split_from.max(2) {
        return read_cells(doc, records);
    }
    let mid = records.len() / 2;
    let (first, second) = join.join(
        || read_cells(doc, &records[..mid]),
        || read_cells(doc, &records[mid..]),
    );
    let (mut columns, mut chunks, mut duplicates) = first?;
    let (later_columns, later_chunks, later_duplicates) = second?;
    let mut index: HashMap<String, usize> = columns
        .iter()
        .enumerate()
        .map(|(i, name)| (name.clone(), i))
        .collect();
    let new = later_columns
        .iter()
        .filter(|c| !index.contains_key(*c))
        .count();
    if columns.len() + new > MOST_COLUMNS {
        return None;
    }
    let global: Vec<usize> = later_columns
        .into_iter()
        .map(|name| {
            *index.entry(name.clone()).or_insert_with(|| {
                columns.push(name);
                columns.len() - 1
            })
        })
        .collect();
    for mut chunk in later_chunks {
        chunk.first_row += mid;
        let mut local = vec![u32::MAX; columns.len()];
        for (column, &to) in global.iter().enumerate().take(chunk.width) {
            local[to] = to_u32(column);
        }
        chunk.local = local;
        chunks.push(chunk);
    }
    duplicates.extend(
        later_duplicates
            .into_iter()
            .map(|(row, column)| (row + mid, global[column])),
    );
    duplicates.sort_unstable();
    Some((columns, chunks, duplicates))
}

impl TableModel {
    /// A table of the records of `doc`, when it has records that are all objects.
    pub(super) fn of(doc: &Arc<JsonDoc>) -> Option<Self> {
        Self::of_with(doc, &super::InTurn)
    }

    /// [`Self::of`], the two halves of a long list read side by side through `join`.
    pub(super) fn of_with(doc: &Arc<JsonDoc>, join: &impl super::Join) -> Option<Self> {
        Self::of_split(doc, join, SPLIT_FROM)
    }

    fn of_split(doc: &Arc<JsonDoc>, join: &impl super::Join, split_from: usize) -> Option<Self> {
        let records = doc.records()?;
        let items = doc.children(records);
        if items.is_empty() || !items.iter().all(|i| doc.kind(i.value) == Kind::Object) {
            return None;
        }
        let (columns, chunks, duplicates) = read_cells_halves(doc, &items, join, split_from)?;
        Some(Self {
            chunks,
            columns,
            doc: doc.clone(),
            rows: items.len(),
            duplicates,
        })
    }

    /// A table from plain rows of text (for tests and small hand-made tables).
    #[must_use]
    pub fn from_rows(columns: Vec<String>, rows: &[Vec<String>]) -> Self {
        let records: Vec<serde_json::Value> = rows
            .iter()
            .map(|row| {
                serde_json::Value::Object(
                    columns
                        .iter()
                        .zip(row)
                        .filter(|(_, cell)| !cell.is_empty())
                        .map(|(c, cell)| (c.clone(), serde_json::Value::from(cell.as_str())))
                        .collect(),
                )
            })
            .collect();
        let raw = Bytes::from(serde_json::to_vec(&records).unwrap_or_default());
        let doc = Arc::new(JsonDoc::new(raw));
        let mut table = Self::of(&doc).unwrap_or(Self {
            columns: Vec::new(),
            doc,
            chunks: Vec::new(),
            rows: 0,
            duplicates: Vec::new(),
        });
        // Keep the given columns and their order even where every cell is empty.
        for chunk in &mut table.chunks {
            chunk.local = columns
                .iter()
                .map(|name| {
                    table
                        .columns
                        .iter()
                        .position(|n| n == name)
                        .map_or(u32::MAX, to_u32)
                })
                .collect();
        }
        table.columns = columns;
        table.rows = rows.len();
        table
    }

    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A cell's text (empty for a missing field or `null`).
    #[must_use]
    pub fn cell(&self, row: usize, column: usize) -> Cow<'_, str> {
        self.local_cell(row, column)
            .map_or(Cow::Borrowed(""), |(chunk, at)| self.read(chunk, at))
    }

    /// Every cell of `column`, in row order: [`Self::cell`] for each row, read run by run.
    #[must_use]
    pub fn column_cells(&self, column: usize) -> Vec<Cow<'_, str>> {
        let mut cells = Vec::with_capacity(self.rows);
        cells.extend(self.column_iter(column));
        cells
    }

    /// [`Self::column_cells`] one at a time, for a pass that keeps none of them.
    pub fn column_iter(&self, column: usize) -> impl Iterator<Item = Cow<'_, str>> + '_ {
        let empty = || Cow::Borrowed("");
        let mut next_row = 0;
        let runs = self.chunks.iter().flat_map(move |chunk| {
            // Rows no run holds (a hand-made table's) read as empty.
            let gap = chunk.first_row.saturating_sub(next_row);
            next_row = chunk.first_row + chunk.rows;
            let local = chunk
                .local
                .get(column)
                .map(|&l| l as usize)
                .filter(|&l| l < chunk.width);
            std::iter::repeat_with(empty)
                .take(gap)
                .chain((0..chunk.rows).map(move |r| {
                    local
                        .and_then(|local| chunk.cells.get(r * chunk.width + local, chunk.width))
                        .map_or_else(empty, |at| self.read(chunk, at))
                }))
        });
        let held: usize = self.chunks.last().map_or(0, |c| c.first_row + c.rows);
        runs.chain(std::iter::repeat_with(empty).take(self.rows.saturating_sub(held)))
    }

    /// The text of a cell of `chunk` (`at` from its base): scalars straight from the
    /// run's bytes.
    fn read<'a>(&'a self, chunk: &'a Chunk, at: Span) -> Cow<'a, str> {
        let bytes = chunk.bytes.get(at.within(0)).unwrap_or_default();
        match bytes.first() {
            Some(b'{' | b'[') => self.doc.text(at.shifted(chunk.base)),
            _ => value_text(bytes),
        }
    }

    /// The run holding `row` and where the cell lies from its base; `None` for a missing
    /// field.
    fn local_cell(&self, row: usize, column: usize) -> Option<(&Chunk, Span)> {
        let index = self.chunks.partition_point(|c| c.first_row + c.rows <= row);
        let chunk = self.chunks.get(index).filter(|c| row >= c.first_row)?;
        let local = *chunk.local.get(column)? as usize;
        if local >= chunk.width {
            return None;
        }
        let at = chunk
            .cells
            .get((row - chunk.first_row) * chunk.width + local, chunk.width)?;
        Some((chunk, at))
    }

    /// Where a cell's value lies in [`Self::doc`]; `None` for a missing field.
    #[must_use]
    pub fn cell_span(&self, row: usize, column: usize) -> Option<Span> {
        let (chunk, at) = self.local_cell(row, column)?;
        Some(at.shifted(chunk.base))
    }

    /// The document the cells lie in.
    #[must_use]
    pub fn doc(&self) -> &JsonDoc {
        &self.doc
    }

    /// Whether the record of `row` has the field of `column` more than once (the cell then
    /// holds the last value, as `serde_json` and JavaScript read JSON).
    #[must_use]
    pub fn is_duplicate(&self, row: usize, column: usize) -> bool {
        self.duplicates.binary_search(&(row, column)).is_ok()
    }

    /// Every cell whose record has its field more than once, as `(row, column)` in order.
    #[must_use]
    pub fn duplicates(&self) -> &[(usize, usize)] {
        &self.duplicates
    }

    /// A whole row's cells.
    #[must_use]
    pub fn row(&self, row: usize) -> Vec<Cow<'_, str>> {
        (0..self.columns.len()).map(|c| self.cell(row, c)).collect()
    }
}

/// A page of a list, read as it arrived: where its records lie in its body and their
/// cells, in runs (one, below 4 GB) that the joined answer reads in place.
#[derive(Debug, Clone)]
pub struct PagePieces {
    /// The runs' bytes (slices of the body, not copies) and their records' places in them.
    pub(super) runs: Vec<(Bytes, Vec<u64>)>,
    pub(super) count: usize,
    /// The page's own table, when its records are all objects.
    pub(super) table: Option<PageTable>,
}

/// A page's own columns, a chunk of cells per run, and repeated fields as
/// `(row, local column)`.
#[derive(Debug, Clone, Default)]
pub(super) struct PageTable {
    pub(super) columns: Vec<String>,
    pub(super) chunks: Vec<Chunk>,
    pub(super) duplicates: Vec<(usize, usize)>,
}

impl PagePieces {
    /// Reads a page already known to be JSON; `None` when it holds no list.
    #[must_use]
    pub fn read(body: &Bytes) -> Option<Self> {
        let doc = JsonDoc::new(body.clone());
        let list = doc.records()?;
        let items = doc.children(list);
        let table = (!items.is_empty() && items.iter().all(|i| doc.kind(i.value) == Kind::Object))
            .then(|| read_cells(&doc, &items))
            .flatten()
            .map(|(columns, chunks, duplicates)| PageTable {
                columns,
                chunks,
                duplicates,
            });
        let runs = runs_of(&items)?
            .into_iter()
            .map(|run| {
                let base = items[run.start].value.start;
                let end = items[run.end - 1].value.end;
                let records = items[run].iter().map(|c| pack(c.value, base)).collect();
                (
                    body.slice(super::scan::to_usize(base)..super::scan::to_usize(end)),
                    records,
                )
            })
            .collect();
        Some(Self {
            runs,
            count: items.len(),
            table,
        })
    }

    /// How many records the page holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the page holds no records.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::InTurn;

    /// Reads a table whole, and again in halves (the merge under test), and says how each
    /// reads back: columns, every cell, and which are repeated.
    /// Columns, every row's cells, and the repeated cells, as a table reads back.
    type ReadBack = (Vec<String>, Vec<Vec<String>>, Vec<(usize, usize)>);

    fn both(text: &str) -> ReadBack {
        let doc = Arc::new(JsonDoc::new(Bytes::from(text.to_owned())));
        let whole = TableModel::of_split(&doc, &InTurn, usize::MAX).unwrap();
        let halves = TableModel::of_split(&doc, &InTurn, 2).unwrap();
        let read = |t: &TableModel| {
            (
                t.columns.clone(),
                (0..t.len())
                    .map(|r| {
                        (0..t.columns.len())
                            .map(|c| t.cell(r, c).into_owned())
                            .collect()
                    })
                    .collect::<Vec<Vec<String>>>(),
                (0..t.len())
                    .flat_map(|r| (0..t.columns.len()).map(move |c| (r, c)))
                    .filter(|&(r, c)| t.is_duplicate(r, c))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(halves.chunks.len(), 2, "read in two halves");
        assert_eq!(read(&halves), read(&whole));
        read(&halves)
    }

    #[test]
    fn halves_read_side_by_side_give_the_same_table() {
        // Columns first seen in the second half (in another order than the first's),
        // one seen in both, fields given twice in each half, a record with none.
        let (columns, cells, repeated) = both(
            r#"[{"a":1,"b":2},{"b":3,"a":4,"a":5},{},{"d":"x","c":true,"a":6},{"c":null,"e":[1],"e":{"f":2}}]"#,
        );
        assert_eq!(columns, ["a", "b", "d", "c", "e"]);
        assert_eq!(cells[3], ["6", "", "x", "true", ""]);
        assert_eq!(repeated, [(1, 0), (4, 4)]);
        // One record: nothing to split.
        let doc = Arc::new(JsonDoc::new(Bytes::from_static(br#"[{"a":1}]"#)));
        assert_eq!(
            TableModel::of_split(&doc, &InTurn, 2).unwrap().chunks.len(),
            1
        );
    }
}
