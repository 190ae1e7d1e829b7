//! Records with nested values spread into columns, for spreadsheets: an object becomes
//! dotted columns (`main_address.city`), an array numbered ones counted from 1
//! (`contacts.1.email`). What is too deep, too long or too wide for a sheet goes into one
//! cell as compact JSON text; a cell never holds a summary such as `[2 items]`.
//!
//! Two passes over the table's spans: the first learns the shape of every column across
//! all records, the second reads one row at a time, so a big export is never held twice.

use std::borrow::Cow;
use std::collections::HashMap;

use super::answer::{JsonDoc, Kind, Span, TableModel};

/// Items of an array that get numbered columns; the rest of a longer array goes, as a JSON
/// array, into one `….more` column.
pub const MAX_ITEMS: usize = 10;
/// Levels of nesting spread into columns (a record's own field is level 1); values deeper
/// than this are written as JSON text.
pub const MAX_DEPTH: usize = 4;
/// The most columns spreading may make; past it the widest fields are written as JSON text
/// instead (Excel's own limit is 16,384 columns).
pub const MAX_COLUMNS: usize = 2_000;

/// The columns one value spreads into, learned over every record.
#[derive(Debug, Default)]
struct Node {
    /// A text, number, boolean or `null` was seen here (or a container that stays JSON).
    plain: bool,
    /// Containers here are written as JSON text in the plain column.
    collapsed: bool,
    /// Object members, in first-seen order.
    fields: Vec<(String, Node)>,
    index: HashMap<String, usize>,
    /// Array items, by position.
    items: Vec<Node>,
    /// Some array here was longer than [`MAX_ITEMS`].
    more: bool,
    /// The column of the plain value, once numbered.
    column: Option<usize>,
    /// The column of the items past [`MAX_ITEMS`], once numbered.
    more_column: Option<usize>,
}

impl Node {
    fn field(&mut self, name: &str) -> &mut Node {
        let at = if let Some(&at) = self.index.get(name) {
            at
        } else {
            self.fields.push((name.to_owned(), Node::default()));
            self.index.insert(name.to_owned(), self.fields.len() - 1);
            self.fields.len() - 1
        };
        &mut self.fields[at].1
    }

    fn width(&self) -> usize {
        let own = usize::from(self.plain || self.collapsed);
        if self.collapsed {
            return own;
        }
        own + self.fields.iter().map(|(_, n)| n.width()).sum::<usize>()
            + self.items.iter().map(Node::width).sum::<usize>()
            + usize::from(self.more)
    }

    fn collapse(&mut self) {
        *self = Node {
            plain: true,
            collapsed: true,
            ..Node::default()
        };
    }

    /// Numbers this node's columns, named from `path`, in first-seen order.
    fn number(&mut self, path: &str, columns: &mut Vec<String>) {
        // A value seen only as `{}` or `[]` still gets its column.
        if self.plain || self.collapsed || (self.fields.is_empty() && self.items.is_empty()) {
            self.plain = true;
            self.column = Some(columns.len());
            columns.push(path.to_owned());
        }
        if self.collapsed {
            return;
        }
        for (name, node) in &mut self.fields {
            node.number(&format!("{path}.{name}"), columns);
        }
        for (at, node) in self.items.iter_mut().enumerate() {
            node.number(&format!("{path}.{}", at + 1), columns);
        }
        if self.more {
            self.more_column = Some(columns.len());
            columns.push(format!("{path}.more"));
        }
    }
}

/// A table with its nested values spread into columns (see the module's documentation).
#[derive(Debug)]
pub struct FlatTable<'a> {
    table: &'a TableModel,
    nodes: Vec<Node>,
    /// The column names: a record's own fields, with dotted and numbered ones for nested
    /// values in their place.
    pub columns: Vec<String>,
    /// Fields a record or a nested object has more than once, as `(row, column name)` in
    /// row order: the cell holds the last value, as `serde_json` and JavaScript read JSON.
    pub duplicates: Vec<(usize, String)>,
}

impl<'a> FlatTable<'a> {
    /// Learns the columns of `table`'s records (one pass over every cell).
    #[must_use]
    pub fn new(table: &'a TableModel) -> Self {
        let doc = table.doc();
        let mut nodes: Vec<Node> = table.columns.iter().map(|_| Node::default()).collect();
        let mut nested = Vec::new();
        for row in 0..table.len() {
            for (column, node) in nodes.iter_mut().enumerate() {
                if let Some(at) = table.cell_span(row, column) {
                    let mut trail = vec![Cow::Borrowed(table.columns[column].as_str())];
                    learn(doc, node, at, 1, &mut trail, &mut |path| {
                        nested.push((row, path));
                    });
                }
            }
        }
        // Too wide for a sheet: the widest fields become JSON text until it fits.
        let mut total: usize = nodes.iter().map(Node::width).sum();
        while total > MAX_COLUMNS {
            let Some(widest) = nodes
                .iter_mut()
                .filter(|n| !n.collapsed)
                .max_by_key(|n| n.width())
                .filter(|n| n.width() > 1)
            else {
                break;
            };
            total -= widest.width() - 1;
            widest.collapse();
        }
        let mut columns = Vec::with_capacity(total);
        for (node, name) in nodes.iter_mut().zip(&table.columns) {
            node.number(name, &mut columns);
        }
        let mut duplicates: Vec<(usize, String)> = table
            .duplicates()
            .iter()
            .map(|&(row, column)| (row, table.columns[column].clone()))
            .chain(nested)
            .collect();
        duplicates.sort();
        duplicates.dedup();
        Self {
            table,
            nodes,
            columns,
            duplicates,
        }
    }

    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// One row's cells, as wide as [`Self::columns`] (empty where a record has nothing).
    #[must_use]
    pub fn row(&self, row: usize) -> Vec<Cow<'a, str>> {
        let table: &'a TableModel = self.table;
        let mut cells = vec![Cow::Borrowed(""); self.columns.len()];
        for (column, node) in self.nodes.iter().enumerate() {
            if let Some(at) = table.cell_span(row, column) {
                fill(table.doc(), node, at, &mut cells);
            }
        }
        cells
    }
}

/// Learns the shape of the value at `at` into `node`; `repeated` hears of each object
/// member that has the same key as an earlier one, by its dotted path.
fn learn<'d>(
    doc: &'d JsonDoc,
    node: &mut Node,
    at: Span,
    depth: usize,
    trail: &mut Vec<Cow<'d, str>>,
    repeated: &mut dyn FnMut(String),
) {
    match doc.kind(at) {
        // `null` alone makes no column of its own beside a nested value's columns.
        Kind::Scalar if doc.source(at) == "null" => {}
        Kind::Text | Kind::Scalar => node.plain = true,
        Kind::Object | Kind::Array if node.collapsed || depth >= MAX_DEPTH => {
            node.collapse();
        }
        Kind::Object => {
            let children = doc.children(at);
            let mut seen: Vec<Cow<'d, str>> = Vec::with_capacity(children.len());
            for child in children.iter() {
                let Some(key) = child.key else { continue };
                let name = doc.key(key);
                if seen.contains(&name) {
                    trail.push(name.clone());
                    repeated(trail.join("."));
                    trail.pop();
                } else {
                    seen.push(name.clone());
                }
                trail.push(name.clone());
                learn(
                    doc,
                    node.field(&name),
                    child.value,
                    depth + 1,
                    trail,
                    repeated,
                );
                trail.pop();
            }
        }
        Kind::Array => {
            let children = doc.children(at);
            node.more |= children.len() > MAX_ITEMS;
            for (position, child) in children.iter().take(MAX_ITEMS).enumerate() {
                if node.items.len() <= position {
                    node.items.push(Node::default());
                }
                trail.push(Cow::Owned((position + 1).to_string()));
                learn(
                    doc,
                    &mut node.items[position],
                    child.value,
                    depth + 1,
                    trail,
                    repeated,
                );
                trail.pop();
            }
        }
    }
}

/// Writes the value at `at` into the cells `node` numbered.
fn fill<'d>(doc: &'d JsonDoc, node: &Node, at: Span, cells: &mut [Cow<'d, str>]) {
    let kind = doc.kind(at);
    let put = |cells: &mut [Cow<'d, str>], column: Option<usize>, text: Cow<'d, str>| {
        if let Some(cell) = column.and_then(|c| cells.get_mut(c)) {
            *cell = text;
        }
    };
    match kind {
        Kind::Text | Kind::Scalar => put(cells, node.column, doc.text(at)),
        Kind::Object | Kind::Array if node.collapsed => put(cells, node.column, compact(doc, at)),
        Kind::Object => {
            let children = doc.children(at);
            if children.is_empty() {
                put(cells, node.column, Cow::Borrowed("{}"));
            }
            for child in children.iter() {
                let Some(key) = child.key else { continue };
                if let Some(&field) = node.index.get(doc.key(key).as_ref()) {
                    fill(doc, &node.fields[field].1, child.value, cells);
                }
            }
        }
        Kind::Array => {
            let children = doc.children(at);
            if children.is_empty() {
                put(cells, node.column, Cow::Borrowed("[]"));
            }
            for (item, child) in node.items.iter().zip(children.iter()) {
                fill(doc, item, child.value, cells);
            }
            if children.len() > MAX_ITEMS {
                let rest: Vec<Cow<'_, str>> = children[MAX_ITEMS..]
                    .iter()
                    .map(|c| compact(doc, c.value))
                    .collect();
                put(
                    cells,
                    node.more_column,
                    Cow::Owned(format!("[{}]", rest.join(","))),
                );
            }
        }
    }
}

/// A value as compact JSON text (lone surrogate escapes read as U+FFFD, as elsewhere).
fn compact(doc: &JsonDoc, at: Span) -> Cow<'_, str> {
    doc.value(at)
        .map_or_else(|| doc.source(at), |value| Cow::Owned(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Answered;

    type Flat = (Vec<String>, Vec<Vec<String>>, Vec<(usize, String)>);

    fn flat_of(body: &str) -> Flat {
        let answer = Answered::read(
            crate::model::ResponseMeta::ok("u", 0),
            &bytes::Bytes::from(body.to_owned()),
        );
        let table = answer.table.as_ref().expect("a table");
        let flat = FlatTable::new(table);
        let rows = (0..flat.len())
            .map(|r| flat.row(r).into_iter().map(Cow::into_owned).collect())
            .collect();
        (flat.columns.clone(), rows, flat.duplicates.clone())
    }

    #[test]
    fn objects_become_dotted_columns_and_arrays_numbered_ones() {
        let (columns, rows, _) = flat_of(
            r#"[{"id":1,"main_address":{"city":"Leeds","postcode":"LS1"},
                 "contacts":[{"email":"a@x"},{"email":"b@x","name":"B"}]},
                {"id":2,"main_address":{"city":"York","country":"GB"},"contacts":[]}]"#,
        );
        assert_eq!(
            columns,
            [
                "id",
                "main_address.city",
                "main_address.postcode",
                "main_address.country",
                "contacts.1.email",
                "contacts.2.email",
                "contacts.2.name"
            ]
        );
        assert_eq!(rows[0], ["1", "Leeds", "LS1", "", "a@x", "b@x", "B"]);
        assert_eq!(rows[1], ["2", "York", "", "GB", "", "", ""]);
    }

    #[test]
    fn long_deep_and_mixed_values_stay_json_never_a_summary() {
        let items: Vec<String> = (1..=12).map(|n| n.to_string()).collect();
        let body = format!(
            r#"[{{"none":[],"n":[{}],"deep":{{"a":{{"b":{{"c":{{"d":1}}}}}}}},"mixed":"text"}},
                {{"n":[],"deep":null,"mixed":{{"x":"\ud800y"}}}}]"#,
            items.join(",")
        );
        let (columns, rows, _) = flat_of(&body);
        let at = |name: &str| columns.iter().position(|c| c == name).expect(name);
        assert_eq!(rows[0][at("n.10")], "10");
        assert_eq!(rows[0][at("n.more")], "[11,12]", "the rest as JSON");
        assert_eq!(rows[0][at("deep.a.b.c")], r#"{"d":1}"#, "too deep: JSON");
        assert_eq!(rows[0][at("mixed")], "text");
        assert_eq!(rows[0][at("none")], "[]", "only ever empty: still a column");
        assert_eq!(rows[1][at("mixed.x")], "\u{FFFD}y");
        assert_eq!(
            rows[1][at("n.1")],
            "",
            "an empty list leaves its columns empty"
        );
        for row in &rows {
            for cell in row {
                assert!(
                    !cell.ends_with("items]") && !cell.ends_with("fields}"),
                    "a summary: {cell}"
                );
            }
        }
    }

    #[test]
    fn too_many_columns_fall_back_to_json_text_for_the_widest_field() {
        let wide: Vec<String> = (0..3_000).map(|n| format!(r#""f{n}":{n}"#)).collect();
        let body = format!(r#"[{{"id":7,"extra":{{{}}}}}]"#, wide.join(","));
        let (columns, rows, _) = flat_of(&body);
        assert_eq!(columns, ["id", "extra"]);
        assert!(
            rows[0][1].starts_with(r#"{"f0":0,"f1":1"#),
            "{}",
            &rows[0][1][..40]
        );
    }

    #[test]
    fn repeated_keys_are_reported_and_the_last_value_is_used() {
        let (columns, rows, duplicates) = flat_of(
            r#"[{"id":1,"on_hold":false,"on_hold":true,"a":{"b":1,"b":2}},{"id":2,"on_hold":false}]"#,
        );
        assert_eq!(columns, ["id", "on_hold", "a.b"]);
        assert_eq!(rows[0], ["1", "true", "2"]);
        assert_eq!(
            duplicates,
            [(0, "a.b".to_owned()), (0, "on_hold".to_owned())]
        );
    }
}
