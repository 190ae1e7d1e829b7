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
mod reports;
mod rows;
mod scan;
mod shown;
mod table;
mod totals;

pub use answer::{Answered, Child, JsonDoc, Kind, PagePieces, Span, TableModel, summary};
pub use body::{BodyError, check_body, format_body};
pub use flat::FlatTable;
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
