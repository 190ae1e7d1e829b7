//! Reading an answer's table and tree: finding text in it, sorting its rows, picking values
//! with a JSON path, and judging how each column is shown. Pure functions over
//! [`super::Answered`]; the app runs the slow ones on the blocking pool.

use std::sync::Arc;

use crate::model::{DateStyle, format_date, format_money};

use super::answer::{Answered, JsonDoc, Kind, Span, TableModel};

/// What a search of an answer found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The text searched for.
    pub text: String,
    /// Table rows that contain it, in table order.
    pub rows: Arc<Vec<usize>>,
    /// Raw lines that contain it.
    pub lines: Arc<Vec<usize>>,
}

/// Finds `text` (without regard to case) in an answer's table rows and raw lines.
#[must_use]
pub fn search_answer(answer: &Answered, text: &str) -> Found {
    let needle = text.to_lowercase();
    let rows = answer.table.as_ref().map_or_else(Vec::new, |t| {
        (0..t.len())
            .filter(|&r| {
                (0..t.columns.len()).any(|c| t.cell(r, c).to_lowercase().contains(&needle))
            })
            .collect()
    });
    let lines = (0..answer.line_count())
        .filter(|&l| answer.line(l).to_lowercase().contains(&needle))
        .collect();
    Found {
        text: text.to_owned(),
        rows: Arc::new(rows),
        lines: Arc::new(lines),
    }
}

/// Picks values out of a JSON document with a path such as `$[0].contacts[*].first_name`:
/// `$` is the answer, `.name` a field, `[n]` an element, `[*]` every element or field.
pub fn json_path(doc: &JsonDoc, path: &str) -> Result<Vec<Span>, String> {
    let path = path.trim();
    let rest = path
        .strip_prefix('$')
        .ok_or("A path starts with $, e.g. $[0].name")?;
    let mut current = vec![doc.root()];
    let chars: Vec<char> = rest.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let start = i + 1;
                i = start;
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                if name.is_empty() {
                    return Err(format!(
                        "A field name is missing at position {}.",
                        start + 1
                    ));
                }
                current = current
                    .into_iter()
                    .filter(|v| doc.kind(*v) == Kind::Object)
                    .flat_map(|v| {
                        doc.children(v)
                            .iter()
                            .filter(|c| name == "*" || c.key.is_some_and(|k| doc.key(k) == name))
                            .map(|c| c.value)
                            .collect::<Vec<_>>()
                    })
                    .collect();
            }
            '[' => {
                let close = chars[i..]
                    .iter()
                    .position(|&c| c == ']')
                    .map(|p| i + p)
                    .ok_or_else(|| format!("The '[' at position {} is not closed.", i + 2))?;
                let inside: String = chars[i + 1..close].iter().collect();
                current = if inside == "*" {
                    current
                        .into_iter()
                        .flat_map(|v| doc.children(v).iter().map(|c| c.value).collect::<Vec<_>>())
                        .collect()
                } else {
                    let index: usize = inside.trim().parse().map_err(|_| {
                        format!("'[{inside}]' is not an index: use [0], [1]… or [*].")
                    })?;
                    current
                        .into_iter()
                        .filter(|v| doc.kind(*v) == Kind::Array)
                        .filter_map(|v| doc.children(v).get(index).map(|c| c.value))
                        .collect()
                };
                i = close + 1;
            }
            other => return Err(format!("Unexpected '{other}' at position {}.", i + 2)),
        }
    }
    Ok(current)
}

/// A sorted view of an answer's table: row indices in display order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSort {
    /// The column sorted by.
    pub column: usize,
    /// Largest first.
    pub descending: bool,
    /// Row indices in display order.
    pub order: Arc<Vec<usize>>,
}

/// Orders rows by one column: numbers as numbers, text without regard to case, empty last.
#[must_use]
pub fn sort_rows(table: &TableModel, column: usize, descending: bool) -> Vec<usize> {
    reorder_rows(table, column, descending, (0..table.len()).collect())
}

/// Puts `order` (row indices) in order of one column, as [`sort_rows`] does, keeping the
/// order of rows that compare equal (a stable sort: grouping keeps the sort within groups).
#[must_use]
pub fn reorder_rows(
    table: &TableModel,
    column: usize,
    descending: bool,
    order: Vec<usize>,
) -> Vec<usize> {
    reorder_by(&table.column_cells(column), descending, order)
}

/// [`reorder_rows`] over keys already read (`texts[row]`), for callers that use them again.
///
/// Numbers (when every cell is one) are sorted as `(number, row)` pairs. Text is ranked
/// once per distinct value, lowercase, and the rows put in order of their ranks by a
/// stable sort of `(rank, row)` pairs, which reads memory in order: a column of few values
/// (a currency, an account type) costs little more than a pass over its rows. Empty cells
/// come last either way.
#[must_use]
pub(super) fn reorder_by(
    texts: &[std::borrow::Cow<'_, str>],
    descending: bool,
    order: Vec<usize>,
) -> Vec<usize> {
    use std::cmp::Ordering;
    // Numbers as numbers when every cell is one: each row's number is read once and the
    // rows sorted as (number, row) pairs.
    let numbers: Option<Vec<Option<f64>>> = texts
        .iter()
        .map(|t| {
            if t.is_empty() {
                Some(None)
            } else {
                t.parse::<f64>().ok().map(Some)
            }
        })
        .collect();
    if let Some(numbers) = numbers {
        let mut keyed: Vec<(Option<f64>, usize)> = order
            .into_iter()
            .map(|row| (numbers.get(row).copied().flatten(), row))
            .collect();
        keyed.sort_by(|(a, _), (b, _)| match (a, b) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(a), Some(b)) => {
                // A total order (the text "NaN" parses too): sorting needs one.
                let ordering = a.total_cmp(b);
                if descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            }
        });
        return keyed.into_iter().map(|(_, row)| row).collect();
    }
    let mut ids: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    let row_ids: Vec<u32> = texts
        .iter()
        .map(|text| {
            *ids.entry(text.as_ref()).or_insert_with(|| {
                distinct.push(text.as_ref());
                u32::try_from(distinct.len() - 1).unwrap_or(u32::MAX)
            })
        })
        .collect();
    let lower: Vec<String> = distinct.iter().map(|t| t.to_lowercase()).collect();
    let compare = |a: usize, b: usize| {
        let ordering = match (distinct[a].is_empty(), distinct[b].is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            (false, false) => lower[a].cmp(&lower[b]),
        };
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    };
    let mut by_value: Vec<usize> = (0..distinct.len()).collect();
    by_value.sort_by(|&a, &b| compare(a, b));
    // Values that compare equal ("EUR" and "eur", "1" and "1.0") share a rank, so their
    // rows keep the order they came in.
    let mut rank = vec![0u32; distinct.len()];
    let mut current = 0u32;
    for (i, &value) in by_value.iter().enumerate() {
        if i > 0 && compare(by_value[i - 1], value) != Ordering::Equal {
            current += 1;
        }
        rank[value] = current;
    }
    let mut keyed: Vec<(u32, usize)> = order
        .into_iter()
        .map(|row| {
            (
                row_ids.get(row).map_or(u32::MAX, |&id| rank[id as usize]),
                row,
            )
        })
        .collect();
    keyed.sort_by_key(|&(rank, _)| rank);
    keyed.into_iter().map(|(_, row)| row).collect()
}

/// How a column's values are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// As text, truncated with the full text on hover.
    Text,
    /// Right-aligned with two places and thousands separators.
    Money,
    /// A tick for true.
    Bool,
    /// In the user's date order.
    Date,
}

/// Judges each column's kind from its first non-empty values (enough to tell, and cheap).
#[must_use]
pub fn column_kinds(table: &TableModel) -> Vec<ColumnKind> {
    (0..table.columns.len())
        .map(|column| {
            // The first few hundred rows are enough to tell, and keep this quick when a
            // column is empty throughout 100,000 rows.
            let sample: Vec<std::borrow::Cow<'_, str>> = (0..table.len().min(500))
                .map(|r| table.cell(r, column))
                .filter(|v| !v.is_empty())
                .take(50)
                .collect();
            if sample.is_empty() {
                ColumnKind::Text
            } else if sample.iter().all(|v| v == "true" || v == "false") {
                ColumnKind::Bool
            } else if sample
                .iter()
                .all(|v| format_date(v, DateStyle::YearMonthDay).is_some())
            {
                ColumnKind::Date
            } else if sample.iter().any(|v| v.contains('.'))
                && sample.iter().all(|v| format_money(v).is_some())
            {
                ColumnKind::Money
            } else {
                ColumnKind::Text
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::read_answer;
    use crate::model::ResponseMeta;

    fn meta() -> ResponseMeta {
        ResponseMeta::ok("u", 0)
    }

    #[test]
    fn json_paths_pick_values() {
        let answer = read_answer(
            meta(),
            &bytes::Bytes::from_static(
                br#"[{"name":"A","contacts":[{"first_name":"Ann"},{"first_name":"Bob"}]},{"name":"B","contacts":[]}]"#,
            ),
        );
        let doc = answer.doc.as_ref().unwrap();
        let texts = |spans: Vec<Span>| {
            spans
                .iter()
                .map(|s| doc.text(*s).into_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(json_path(doc, "$[*].name").unwrap()), ["A", "B"]);
        assert_eq!(
            texts(json_path(doc, "$[0].contacts[*].first_name").unwrap()),
            ["Ann", "Bob"]
        );
        assert_eq!(json_path(doc, "$").unwrap().len(), 1);
        assert!(json_path(doc, "$[5].name").unwrap().is_empty());
        assert!(
            json_path(doc, "name")
                .unwrap_err()
                .contains("starts with $")
        );
        assert!(json_path(doc, "$[x]").unwrap_err().contains("not an index"));
        assert!(json_path(doc, "$[0").unwrap_err().contains("not closed"));
        assert!(json_path(doc, "$..name").unwrap_err().contains("missing"));
    }

    #[test]
    fn searches_find_rows_and_lines_without_case() {
        let answer = read_answer(
            meta(),
            &bytes::Bytes::from_static(br#"[{"id":1,"name":"Acme"},{"id":2,"name":"Zeta"}]"#),
        );
        let found = search_answer(&answer, "ACME");
        assert_eq!(*found.rows, [0]);
        assert_eq!(found.lines.len(), 1);
        assert!(answer.line(found.lines[0]).contains("Acme"));
    }

    /// The rule [`reorder_by`] keeps, as a plain stable sort comparing the rows' texts.
    fn reorder_plainly(texts: &[String], descending: bool, mut order: Vec<usize>) -> Vec<usize> {
        use std::cmp::Ordering;
        let numbers: Option<Vec<f64>> = texts
            .iter()
            .map(|t| {
                if t.is_empty() {
                    Some(f64::NAN)
                } else {
                    t.parse().ok()
                }
            })
            .collect();
        order.sort_by(|&a, &b| {
            let ordering = match (texts[a].is_empty(), texts[b].is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => return Ordering::Greater,
                (false, true) => return Ordering::Less,
                (false, false) => match &numbers {
                    Some(n) => n[a].total_cmp(&n[b]),
                    None => texts[a].to_lowercase().cmp(&texts[b].to_lowercase()),
                },
            };
            if descending {
                ordering.reverse()
            } else {
                ordering
            }
        });
        order
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        #[test]
        fn ranked_sorting_keeps_the_plain_rule(
            texts in proptest::collection::vec(
                proptest::prop_oneof!["", "[aAbB]{1,2}", "-?[0-9]{1,2}(\\.[05])?", "É|é|e"],
                0..60,
            ),
            descending: bool,
            numeric: bool,
            seed: u64,
        ) {
            let texts: Vec<String> = if numeric {
                texts.into_iter().filter(|t| t.is_empty() || t.parse::<f64>().is_ok()).collect()
            } else {
                texts
            };
            // Any starting order (a sort already made), as grouping passes one.
            let mut order: Vec<usize> = (0..texts.len()).collect();
            let mut state = seed | 1;
            for i in (1..order.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                order.swap(i, usize::try_from(state % (i as u64 + 1)).unwrap());
            }
            let cows: Vec<std::borrow::Cow<'_, str>> =
                texts.iter().map(|t| std::borrow::Cow::Borrowed(t.as_str())).collect();
            proptest::prop_assert_eq!(
                reorder_by(&cows, descending, order.clone()),
                reorder_plainly(&texts, descending, order)
            );
        }
    }

    #[test]
    fn tables_sort_numbers_as_numbers_and_text_without_case() {
        let table = TableModel::from_rows(
            vec!["balance".into(), "name".into()],
            &[
                vec!["10".into(), "beta".into()],
                vec!["9.5".into(), "Alpha".into()],
                vec![String::new(), "gamma".into()],
                vec!["-3".into(), "ALPHA".into()],
            ],
        );
        assert_eq!(
            sort_rows(&table, 0, false),
            [3, 1, 0, 2],
            "numbers, empty last"
        );
        assert_eq!(sort_rows(&table, 0, true), [0, 1, 3, 2]);
        assert_eq!(
            sort_rows(&table, 1, false),
            [1, 3, 0, 2],
            "case ignored, stable"
        );
    }

    #[test]
    fn columns_are_judged_by_their_values() {
        let table = TableModel::from_rows(
            ["name", "balance", "on_hold", "created", "id"]
                .map(String::from)
                .to_vec(),
            &[
                ["Acme", "12.50", "true", "2024-03-01T10:00:00Z", "1"]
                    .map(String::from)
                    .to_vec(),
                ["Zeta", "-3", "false", "2024-03-02", "2"]
                    .map(String::from)
                    .to_vec(),
                ["", "", "", "", "3"].map(String::from).to_vec(),
            ],
        );
        assert_eq!(
            column_kinds(&table),
            [
                ColumnKind::Text,
                ColumnKind::Money,
                ColumnKind::Bool,
                ColumnKind::Date,
                ColumnKind::Text
            ]
        );
    }
}
