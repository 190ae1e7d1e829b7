//! The table of an answer's records: rows and columns whose cells are spans into the body
//! (read when shown), built one page at a time, with the fields a record gives twice.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;

use super::answer::JsonDoc;
use super::scan::{Kind, Span, scan_children, to_u32};

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

/// A run of rows: their cells, row-major over the run's own columns, as spans
/// (`start << 32 | end`, 0 for a missing field), and where each table column is among them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Chunk {
    pub(super) first_row: usize,
    pub(super) rows: usize,
    pub(super) width: usize,
    /// For each column of the table, its place in this run (`u32::MAX`: absent).
    pub(super) local: Vec<u32>,
    pub(super) cells: Vec<u64>,
}

pub(super) fn pack(at: Span) -> u64 {
    (u64::from(at.start) << 32) | u64::from(at.end)
}

impl TableModel {
    /// A table of the records of `doc`, when it has records that are all objects.
    pub(super) fn of(doc: &Arc<JsonDoc>) -> Option<Self> {
        let records = doc.records()?;
        let items = doc.children(records);
        if items.is_empty() || !items.iter().all(|i| doc.kind(i.value) == Kind::Object) {
            return None;
        }
        // One pass: the matrix is laid out for the columns seen so far and widened in the
        // rare case a later record brings a new field.
        let mut columns: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut cells: Vec<u64> = Vec::new();
        let mut duplicates = Vec::new();
        let mut width = 0;
        for (r, item) in items.iter().enumerate() {
            let members = scan_children(&doc.raw, item.value);
            let mut row = vec![0u64; width];
            for member in members {
                let Some(key) = member.key else { continue };
                let name = doc.key(key);
                let column = if let Some(&column) = index.get(name.as_ref()) {
                    column
                } else {
                    columns.push(name.to_string());
                    index.insert(name.into_owned(), columns.len() - 1);
                    columns.len() - 1
                };
                if column >= row.len() {
                    row.resize(column + 1, 0);
                }
                if row[column] != 0 {
                    duplicates.push((r, column));
                }
                row[column] = pack(member.value);
            }
            if row.len() > width {
                let wider = row.len();
                let mut widened = Vec::with_capacity(items.len() * wider);
                for old in cells.chunks(width.max(1)).take(r) {
                    widened.extend_from_slice(old);
                    widened.resize(widened.len() + wider - old.len(), 0);
                }
                cells = widened;
                width = wider;
            }
            if cells.capacity() == 0 {
                cells.reserve_exact(items.len() * width);
            }
            cells.extend_from_slice(&row);
        }
        let rows = items.len();
        duplicates.sort_unstable();
        Some(Self {
            chunks: vec![Chunk {
                first_row: 0,
                rows,
                width,
                local: (0..width).map(to_u32).collect(),
                cells,
            }],
            columns,
            doc: doc.clone(),
            rows,
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
        self.cell_span(row, column)
            .map_or(Cow::Borrowed(""), |at| self.doc.text(at))
    }

    /// Where a cell's value lies in [`Self::doc`]; `None` for a missing field.
    #[must_use]
    pub fn cell_span(&self, row: usize, column: usize) -> Option<Span> {
        let index = self.chunks.partition_point(|c| c.first_row + c.rows <= row);
        let packed = self
            .chunks
            .get(index)
            .filter(|c| row >= c.first_row)
            .and_then(|c| {
                let local = *c.local.get(column)? as usize;
                c.cells.get((row - c.first_row) * c.width + local).copied()
            })
            .unwrap_or(0);
        if packed == 0 {
            return None;
        }
        let start = u32::try_from(packed >> 32).unwrap_or(0);
        let end = u32::try_from(packed & u64::from(u32::MAX)).unwrap_or(0);
        Some(Span { start, end })
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

/// A page of a list, read as it arrived: its body, where its records are, and their cells.
#[derive(Debug)]
pub struct PagePieces {
    pub(super) body: Bytes,
    pub(super) records: Vec<Span>,
    /// The page's own table, when its records are all objects.
    pub(super) table: Option<PageTable>,
}

/// A page's own columns, row-major cells, and repeated fields as `(row, local column)`.
#[derive(Debug, Default)]
pub(super) struct PageTable {
    pub(super) columns: Vec<String>,
    pub(super) cells: Vec<u64>,
    pub(super) duplicates: Vec<(usize, usize)>,
}

impl PagePieces {
    /// Reads a page already known to be JSON; `None` when it holds no list.
    #[must_use]
    pub fn read(body: Bytes) -> Option<Self> {
        let doc = Arc::new(JsonDoc::checked(&body)?);
        let list = doc.records()?;
        let records = doc.children(list).iter().map(|c| c.value).collect();
        let table = TableModel::of(&doc).and_then(|mut t| {
            let chunk = t.chunks.pop()?;
            Some(PageTable {
                columns: t.columns,
                cells: chunk.cells,
                duplicates: t.duplicates,
            })
        });
        drop(doc);
        Some(Self {
            body,
            records,
            table,
        })
    }

    /// How many records the page holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the page holds no records.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}
