//! Answers as documents: the JSON reader that keeps a body once, as received, with span
//! indexes over its bytes ([`Answered`]), and the pure functions the views and exports use
//! on it (search, sort, grouping with subtotals, JSON path, column kinds, body checks). Nothing here uses egui,
//! tokio or I/O, so the fuzz targets and benchmarks build it without the app.

mod answer;
mod body;
mod cells;
mod charset;
mod flat;
mod joined;
mod preview;
mod reports;
mod rows;
mod scan;
mod shown;
mod table;
mod totals;

pub use answer::{Answered, Child, JsonDoc, Kind, PagePieces, Span, TableModel, summary};
pub use body::{BodyError, check_body, format_body};
pub use flat::FlatTable;
pub use preview::read_preview;
pub use reports::{
    AgedAccount, AgedBand, AgedReport, Breach, Pence, PeriodSales, aged_report, credit_breaches,
    pence, pounds, sales_by_period,
};
pub use shown::{
    CellAt, CellRange, Group, Shown, ShownRow, Summed, group_rows, group_rows_with, summed_columns,
    ungrouped,
};
pub use table::{
    ColumnKind, Found, TableSort, column_kinds, json_path, reorder_rows, search_answer, sort_rows,
};
pub use totals::{ColumnTotal, column_totals, is_summable};

use crate::model::ResponseMeta;

/// Reads an answer's body for the views.
#[must_use]
pub fn read_answer(meta: ResponseMeta, body: &bytes::Bytes) -> Answered {
    Answered::read(meta, body)
}

/// [`read_answer`] with its independent parts (the raw view's lines, each half of the
/// table) run side by side through `join`: the same answer, sooner on a machine with
/// cores to spare.
#[must_use]
pub fn read_answer_with(meta: ResponseMeta, body: &bytes::Bytes, join: &impl Join) -> Answered {
    Answered::read_with(meta, body, join)
}

/// Runs two pieces of work and gives both results: at once on two threads where the
/// caller has them, one after the other otherwise ([`InTurn`]). Pure code takes one so
/// that it never starts a thread itself.
pub trait Join: Sync {
    /// `(a(), b())`, in whatever order or at once.
    fn join<A: Send, B: Send>(
        &self,
        a: impl FnOnce() -> A + Send,
        b: impl FnOnce() -> B + Send,
    ) -> (A, B);
}

/// [`Join`] one after the other, on the caller's thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct InTurn;

impl Join for InTurn {
    fn join<A: Send, B: Send>(
        &self,
        a: impl FnOnce() -> A + Send,
        b: impl FnOnce() -> B + Send,
    ) -> (A, B) {
        (a(), b())
    }
}
