//! Rows arranged here rather than by the server: sorted once every record is loaded,
//! grouped by a column with subtotals; and the selected cells copied to the clipboard as
//! tab-separated text. Each runs on the blocking pool (a million rows take a moment) as a
//! task that a newer one replaces.

use std::sync::Arc;

use crate::app::{Services, Task, finished};
use crate::document::{
    Answered, CellRange, Shown, group_rows_with, sort_rows, summed_columns, ungrouped,
};

use super::update::List;

/// Rows as shown, the answer they were arranged from, and the sorted order made on the way
/// (kept, so grouping again does not sort again).
type Arranged = (Arc<Answered>, Arc<Shown>, Option<Sorted>);

/// An order of a table's rows sorted here: by which column and direction, of which answer.
#[derive(Clone)]
pub(super) struct Sorted {
    sort: (String, bool),
    from: Arc<Answered>,
    order: Arc<Vec<usize>>,
}

/// Arranging and copying in flight.
#[derive(Default)]
pub(super) struct ArrangeTasks {
    /// The rows as shown, with the answer they were arranged from.
    arrange: Option<Task<Option<Arranged>>>,
    /// The last order sorted here.
    sorted: Option<Sorted>,
    copy: Option<Task<Result<(String, usize), String>>>,
}

impl ArrangeTasks {
    /// Drops an arrangement in flight (the table it was for is gone).
    pub(super) fn cancel(&mut self) {
        self.arrange = None;
        self.sorted = None;
    }
}

/// The table's row shown at `index`: through `shown` when the rows are arranged, else the
/// same index (`None` for a group header or past the end).
fn record_at(shown: Option<&Shown>, rows: usize, index: usize) -> Option<usize> {
    match shown {
        Some(shown) => shown.record(index),
        None => (index < rows).then_some(index),
    }
}

impl List {
    /// Groups the rows by `column` (or stops grouping), with subtotals.
    pub(super) fn group_by(&mut self, cx: &Services, column: Option<String>) {
        self.state.group_by = column;
        self.arrange(cx);
    }

    /// Sorts the rows here, every record being loaded: no new fetch.
    pub(super) fn sort_shown(&mut self, cx: &Services, column: String, descending: bool) {
        self.state.query.sort = Some((column, descending));
        if let Some(place) = self.state.trail.current_mut() {
            place.query.sort.clone_from(&self.state.query.sort);
        }
        self.arrange(cx);
    }

    /// Works out the rows as shown for the table now in the list: sorted here (after Fetch
    /// all) and grouped, when asked; else the table's own order, and no work.
    pub(super) fn arrange(&mut self, cx: &Services) {
        let state = &mut self.state;
        state.cells = None;
        let sort = state.query.sort.clone().filter(|_| state.sorts_locally());
        let group = state.group_by.clone();
        let answer: Option<Arc<Answered>> = state.page.clone();
        let (Some(answer), true) = (answer, sort.is_some() || group.is_some()) else {
            state.shown = None;
            state.arranging = false;
            self.arrange_tasks.arrange = None;
            return;
        };
        let kinds = state.kinds.clone();
        state.arranging = true;
        // The same sort of the same table: its order is reused, not sorted again.
        let known = self
            .arrange_tasks
            .sorted
            .clone()
            .filter(|s| Arc::ptr_eq(&s.from, &answer) && sort.as_ref() == Some(&s.sort));
        self.arrange_tasks.arrange = Some(cx.spawn(async move {
            tokio::task::spawn_blocking(move || {
                let arranged_from = answer.clone();
                let table = answer.table.as_ref()?;
                let column = |name: &str| table.columns.iter().position(|c| c == name);
                let sorted = known.or_else(|| {
                    let (name, descending) = sort?;
                    let order = sort_rows(table, column(&name)?, descending);
                    Some(Sorted {
                        sort: (name, descending),
                        from: arranged_from.clone(),
                        order: Arc::new(order),
                    })
                });
                let order = sorted.as_ref().map(|s| s.order.as_slice());
                let shown = match group.as_deref().and_then(column) {
                    // The amounts are read on a second thread while the groups are formed.
                    Some(by) => std::thread::scope(|scope| {
                        let amounts = scope.spawn(|| summed_columns(table, &kinds));
                        group_rows_with(table, by, order, || {
                            amounts
                                .join()
                                .unwrap_or_else(|_| summed_columns(table, &kinds))
                        })
                    }),
                    None => ungrouped(table, order),
                };
                Some((arranged_from, Arc::new(shown), sorted))
            })
            .await
            .ok()
            .flatten()
        }));
    }

    /// Copies `range` (rows as shown) as tab-separated text: group headers are left out,
    /// and the column names come first when every cell is selected (the whole table).
    pub(super) fn copy_cells(&mut self, cx: &Services, range: CellRange) {
        let state = &self.state;
        let Some(answer) = state.page.clone() else {
            return;
        };
        let shown = state.shown.clone();
        let rows_shown = state.shown_len();
        self.arrange_tasks.copy = Some(cx.spawn(async move {
            tokio::task::spawn_blocking(move || {
                let Some(table) = answer.table.as_ref() else {
                    return Err("There is no table to copy from.".to_owned());
                };
                let columns: Vec<usize> = range
                    .columns()
                    .filter(|c| *c < table.columns.len())
                    .collect();
                let whole =
                    range.rows().count() == rows_shown && columns.len() == table.columns.len();
                let names: Vec<String> =
                    columns.iter().map(|c| table.columns[*c].clone()).collect();
                let rows = range
                    .rows()
                    .filter_map(|index| record_at(shown.as_deref(), table.len(), index))
                    .map(|row| {
                        columns
                            .iter()
                            .map(|c| table.cell(row, *c))
                            .collect::<Vec<_>>()
                    });
                let mut cells = 0;
                let rows = rows.inspect(|r| cells += r.len());
                let text = crate::export::tsv_text(whole.then_some(names.as_slice()), rows)
                    .map_err(|e| e.to_string())?;
                Ok((text, cells))
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()))
        }));
    }

    /// Takes finished arranging and copying.
    pub(super) fn poll_arrange(&mut self, cx: &mut Services) {
        if let Some(arranged) = finished(&mut self.arrange_tasks.arrange) {
            self.state.arranging = false;
            // Only over the table it was arranged from: a page that came since keeps its own
            // order until its own arrangement is in.
            let current = arranged.filter(|(from, _, _)| {
                self.state
                    .page
                    .as_ref()
                    .is_some_and(|page| Arc::ptr_eq(from, page))
            });
            if let Some((_, shown, sorted)) = current {
                self.arrange_tasks.sorted = sorted;
                self.state.shown = Some(shown);
                // The rows moved: a selection would now cover other records.
                self.state.cells = None;
            }
        }
        match finished(&mut self.arrange_tasks.copy) {
            Some(Ok((text, cells))) => {
                cx.egui.copy_text(text);
                cx.shared.notice = Some(match cells {
                    1 => "Copied 1 cell".to_owned(),
                    n => format!("Copied {n} cells"),
                });
            }
            Some(Err(problem)) => {
                cx.shared.error = Some(crate::screens::shared::UserError {
                    message: format!("The cells could not be copied: {problem}"),
                    advice: "Select fewer cells and copy again.".to_owned(),
                });
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_shown_map_to_the_tables_rows() {
        assert_eq!(record_at(None, 3, 2), Some(2));
        assert_eq!(record_at(None, 3, 3), None);
        let shown = Shown {
            rows: vec![
                crate::document::ShownRow::Group(0),
                crate::document::ShownRow::Record(7),
            ],
            ..Shown::default()
        };
        assert_eq!(record_at(Some(&shown), 3, 0), None);
        assert_eq!(record_at(Some(&shown), 3, 1), Some(7));
    }
}
