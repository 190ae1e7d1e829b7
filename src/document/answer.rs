//! A JSON answer held once, exactly as received, with small indexes over its bytes instead
//! of a tree of values: where each pretty-printed line starts, where each table cell lies,
//! and the children of the few containers too big to scan in a frame. Views read lines,
//! cells and tree nodes from the bytes when they are shown, so a 100 MB answer costs little
//! more than its own size, and numbers keep their exact digits.
//!
//! The scanning functions read valid JSON as JSON and anything else without failing (what
//! they read of a body that is not JSON is dropped); the walk that finds the raw view's
//! lines checks, as it goes, that the body is JSON by `serde_json`'s rules. None of them
//! recurse, so deep nesting cannot overflow the stack.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;

use super::charset::decode_charset;
use super::joined::Joined;
use super::rows::PageTable;
pub use super::rows::{PagePieces, TableModel};
pub use super::scan::{Child, Kind, Span};
use super::scan::{
    LINE_OFFSET_BITS, bom_len, pretty_lines, scan_children, skip_ws, span, string_end, to_u32,
    to_usize, value_end, value_text,
};

/// Containers with more bytes than this have their children listed once, when the answer
/// is read, rather than scanned while a frame is drawn.
const BIG: u64 = 256 * 1024;

/// Longest line (in characters) a view shows; the rest is summarised.
const SHOWN_LINE: usize = 2_000;

/// A JSON body with the index its views need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonDoc {
    text: Text,
    root: Span,
    /// Children of big containers, by their start offset.
    listed: HashMap<u64, Arc<[Child]>>,
}

/// The bytes a document reads from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    /// One body, as received.
    Whole(Bytes),
    /// The records of pages, read where they lie (a fetch of every page).
    Joined(Joined),
}

impl JsonDoc {
    /// Indexes `raw`, which must be valid JSON (checked by the caller).
    pub(super) fn new(raw: Bytes) -> Self {
        let start = skip_ws(&raw, bom_len(&raw));
        let root = span(start, value_end(&raw, start));
        let mut doc = Self {
            text: Text::Whole(raw),
            root,
            listed: HashMap::new(),
        };
        // The root and its big children (`{"value": [...]}`, say) are listed up front.
        let mut big = vec![root];
        while let Some(container) = big.pop() {
            if doc.kind(container) == Kind::Scalar || doc.kind(container) == Kind::Text {
                continue;
            }
            let children = doc.scan(container);
            if container == root {
                big.extend(
                    children
                        .iter()
                        .map(|c| c.value)
                        .filter(|v| v.end - v.start > BIG),
                );
            }
            doc.listed.insert(container.start, children.into());
        }
        doc
    }

    /// The array of the records of pages, read in place.
    pub(super) fn joined(joined: Joined) -> Self {
        Self {
            root: Span {
                start: 0,
                end: joined.len(),
            },
            text: Text::Joined(joined),
            listed: HashMap::new(),
        }
    }

    /// The bytes that hold all of `at`, and the offset they start at: the body, or the
    /// one page `at` lies in (the whole joined text, built once, for a span across pages).
    pub(super) fn piece(&self, at: Span) -> (&[u8], u64) {
        match &self.text {
            Text::Whole(raw) => (raw, 0),
            Text::Joined(joined) => joined.piece(at).unwrap_or_else(|| (&joined.whole()[..], 0)),
        }
    }

    /// The bytes of the value at `at`, shared (for a span across pages joined, a copy).
    pub(super) fn slice(&self, at: Span) -> Bytes {
        match &self.text {
            Text::Whole(raw) => raw.slice(at.within(0)),
            Text::Joined(joined) => match joined.run_of(at) {
                Some((bytes, base)) => bytes.slice(at.within(base)),
                None => joined.whole().slice(at.within(0)),
            },
        }
    }

    /// The bytes of the value at `at`.
    pub(super) fn bytes(&self, at: Span) -> &[u8] {
        let (bytes, base) = self.piece(at);
        bytes.get(at.within(base)).unwrap_or_default()
    }

    /// The whole text in one piece (for pages joined, built the first time it is asked for).
    pub(super) fn whole(&self) -> &Bytes {
        match &self.text {
            Text::Whole(raw) => raw,
            Text::Joined(joined) => joined.whole(),
        }
    }

    /// The pages' runs, when the document joins pages.
    pub(super) fn runs(&self) -> Option<&[super::joined::Run]> {
        match &self.text {
            Text::Whole(_) => None,
            Text::Joined(joined) => Some(joined.runs()),
        }
    }

    /// Writes the whole text to `out` (pages joined are written page by page).
    ///
    /// # Errors
    /// Those of `out`.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        match &self.text {
            Text::Whole(raw) => out.write_all(raw),
            Text::Joined(joined) => joined.write_to(out),
        }
    }

    /// The children of a container, scanned from its bytes.
    pub(super) fn scan(&self, at: Span) -> Vec<Child> {
        let (bytes, base) = self.piece(at);
        let mut children = scan_children(
            bytes,
            Span {
                start: at.start - base,
                end: at.end - base,
            },
        );
        if base > 0 {
            for child in &mut children {
                child.key = child.key.map(|k| k.shifted(base));
                child.value = child.value.shifted(base);
            }
        }
        children
    }

    /// The whole document.
    #[must_use]
    pub fn root(&self) -> Span {
        self.root
    }

    /// What the value at `at` is.
    #[must_use]
    pub fn kind(&self, at: Span) -> Kind {
        let first = match &self.text {
            Text::Whole(raw) => raw.get(super::scan::to_usize(at.start)).copied(),
            Text::Joined(joined) => joined.byte(at.start),
        };
        match first {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::Text,
            _ => Kind::Scalar,
        }
    }

    /// The members or elements of a container (none for other values).
    #[must_use]
    pub fn children(&self, at: Span) -> Arc<[Child]> {
        if let Some(listed) = self.listed.get(&at.start) {
            return listed.clone();
        }
        if let Text::Joined(joined) = &self.text
            && at == self.root
        {
            return joined.children();
        }
        match self.kind(at) {
            Kind::Object | Kind::Array => self.scan(at).into(),
            Kind::Text | Kind::Scalar => Arc::new([]),
        }
    }

    /// Element `index` of the array at `at` (for the records of pages joined, found
    /// without listing them all).
    #[must_use]
    pub fn element(&self, at: Span, index: usize) -> Option<Span> {
        match &self.text {
            Text::Joined(joined) if at == self.root => joined.record(index),
            _ => self.children(at).get(index).map(|c| c.value),
        }
    }

    /// How many elements or members the container at `at` has.
    #[must_use]
    pub fn count(&self, at: Span) -> usize {
        match &self.text {
            Text::Joined(joined) if at == self.root => joined.count(),
            _ => self.children(at).len(),
        }
    }

    /// The text of a value exactly as sent (strings with their quotes and escapes).
    #[must_use]
    pub fn source(&self, at: Span) -> Cow<'_, str> {
        String::from_utf8_lossy(self.bytes(at))
    }

    /// A value as text for people: strings unescaped, `null` empty, numbers and booleans
    /// as sent, containers summarised ("[3 items]", "{5 fields}").
    #[must_use]
    pub fn text(&self, at: Span) -> Cow<'_, str> {
        let kind = self.kind(at);
        if let kind @ (Kind::Array | Kind::Object) = kind {
            return Cow::Owned(summary(kind, self.count(at)));
        }
        value_text(self.bytes(at))
    }

    /// A key's text, unescaped.
    #[must_use]
    pub fn key(&self, key: Span) -> Cow<'_, str> {
        self.text(key)
    }

    /// A value parsed into a `serde_json::Value` (for one record, not for the whole body).
    #[must_use]
    pub fn value(&self, at: Span) -> Option<serde_json::Value> {
        serde_json::from_slice(&crate::model::mend_lone_surrogates(self.bytes(at))).ok()
    }

    /// The list of records: the root array, or the array in `{"value": [...]}`.
    #[must_use]
    pub fn records(&self) -> Option<Span> {
        match self.kind(self.root) {
            Kind::Array => Some(self.root),
            Kind::Object => self
                .children(self.root)
                .iter()
                .find(|c| c.key.is_some_and(|k| self.key(k) == "value"))
                .map(|c| c.value)
                .filter(|v| self.kind(*v) == Kind::Array),
            _ => None,
        }
    }
}

/// A container summarised for people: `[1 item]`, `[3 items]`, `{1 field}`, `{5 fields}`
/// (empty for a text or scalar).
#[must_use]
pub fn summary(kind: Kind, count: usize) -> String {
    let plural = if count == 1 { "" } else { "s" };
    match kind {
        Kind::Array => format!("[{count} item{plural}]"),
        Kind::Object => format!("{{{count} field{plural}}}"),
        Kind::Text | Kind::Scalar => String::new(),
    }
}

/// The lines the raw view shows: pretty-printed JSON, or the text as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LineIndex {
    /// Offset and depth of each pretty line.
    Json(super::scan::Lines),
    /// Where each line of plain text starts.
    Text(Vec<u64>),
}

/// An answer, read for the views.
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    /// Status, headers, time, size.
    pub meta: crate::model::ResponseMeta,
    /// The body exactly as received (shared, not copied); empty for pages joined, whose
    /// records stay in their pages ([`Self::raw`] reads either).
    raw: Bytes,
    /// The JSON index, when the body is JSON.
    pub doc: Option<Arc<JsonDoc>>,
    /// A table, when the body is an array of objects (or `{"value": [...]}`).
    pub table: Option<TableModel>,
    /// Why the body is not shown as JSON, when it is not.
    pub not_json: Option<String>,
    /// The bytes as received when they were in another charset than UTF-8 (`raw` then
    /// holds them decoded): what "as received" saves.
    pub received: Option<Bytes>,
    /// Built when first needed (at once by `read`; fetch-all tables may never need it).
    lines: std::sync::OnceLock<LineIndex>,
}

impl Answered {
    /// Reads a body: indexes it as JSON when it is (as `serde_json` takes a value it
    /// ignores: no nesting limit, strings not checked as UTF-8), checked by the same walk
    /// that finds its pretty lines; otherwise keeps it as lines of text, with
    /// `serde_json`'s word on why it is not JSON.
    #[must_use]
    pub fn read(meta: crate::model::ResponseMeta, raw: &Bytes) -> Self {
        Self::read_with(meta, raw, &super::InTurn)
    }

    /// [`Self::read`], its independent parts run side by side through `join`.
    #[must_use]
    pub fn read_with(
        mut meta: crate::model::ResponseMeta,
        raw: &Bytes,
        join: &impl super::Join,
    ) -> Self {
        // Another charset (declared in Content-Type, or a UTF-16 byte-order mark) is read
        // as UTF-8 first; the bytes as received are kept for saving.
        if let Some((decoded, charset)) = decode_charset(&meta.headers, raw) {
            use std::fmt::Write as _;
            let _ = write!(meta.reason, " (decoded from {charset})");
            let mut answer = Self::read_utf8_with(meta, &Bytes::from(decoded), join);
            answer.received = Some(raw.clone());
            return answer;
        }
        Self::read_utf8_with(meta, raw, join)
    }

    /// [`Self::read`] for a body in UTF-8.
    pub(super) fn read_utf8_with(
        meta: crate::model::ResponseMeta,
        raw: &Bytes,
        join: &impl super::Join,
    ) -> Self {
        // A byte-order mark is read past; the bytes are kept as received.
        let text = &raw[bom_len(raw)..];
        let checked = if text.trim_ascii().is_empty() {
            Err("The answer has no body.".to_owned())
        } else {
            // The raw view's lines and the table are read side by side, and the walk that
            // finds the lines checks the body is JSON as it goes: no pass of its own. The
            // table's scanners take whatever comes (they never fail); what they read of a
            // body that is not JSON is dropped.
            let (answer, lines) = join.join(
                || Self::checked_json(meta.clone(), raw, join),
                || pretty_lines(raw),
            );
            match lines {
                Some(lines) => {
                    let _ = answer.lines.set(LineIndex::Json(lines));
                    return answer;
                }
                // serde_json says where and why (and agrees that it is not JSON: the
                // check follows its rules, and tests hold them together).
                None => Err(
                    serde_json::from_slice::<serde::de::IgnoredAny>(text).map_or_else(
                        |e| format!("The answer is not JSON ({e}); it is shown as text."),
                        |_| "The answer could not be read as JSON; it is shown as text.".to_owned(),
                    ),
                ),
            }
        };
        match checked {
            Ok(answer) => answer,
            Err(reason) => {
                let mut starts = vec![0u64];
                starts.extend(
                    raw.iter()
                        .enumerate()
                        .filter(|(_, b)| **b == b'\n')
                        .map(|(i, _)| i as u64 + 1)
                        .filter(|s| *s < raw.len() as u64),
                );
                if raw.is_empty() {
                    starts.clear();
                }
                Self {
                    meta,
                    doc: None,
                    table: None,
                    not_json: Some(reason),
                    lines: LineIndex::Text(starts).into(),
                    received: None,
                    raw: raw.clone(),
                }
            }
        }
    }

    /// Indexes a body as JSON (checked beside it, or, for each page of a fetch-all, as it
    /// arrived); the raw view's lines are left until first asked for.
    #[must_use]
    fn checked_json(
        meta: crate::model::ResponseMeta,
        raw: &Bytes,
        join: &impl super::Join,
    ) -> Self {
        let doc = Arc::new(JsonDoc::new(raw.clone()));
        Self {
            meta,
            table: TableModel::of_with(&doc, join),
            doc: Some(doc),
            not_json: None,
            raw: raw.clone(),
            received: None,
            lines: std::sync::OnceLock::new(),
        }
    }

    /// Joins pages read as they arrived into one answer: their records in one array and
    /// one table, read where they lie in the pages' bodies (nothing is copied).
    #[must_use]
    pub fn from_pages(meta: crate::model::ResponseMeta, pages: Vec<PagePieces>) -> Self {
        let count: usize = pages.iter().map(PagePieces::len).sum();
        let tabular = count > 0 && pages.iter().all(|p| p.is_empty() || p.table.is_some());
        let mut columns: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for page_table in pages.iter().filter_map(|p| p.table.as_ref()) {
            for name in &page_table.columns {
                if !index.contains_key(name) {
                    index.insert(name.clone(), columns.len());
                    columns.push(name.clone());
                }
            }
        }
        let mut runs = Vec::new();
        let mut chunks = Vec::new();
        let mut duplicates = Vec::new();
        let mut first_row = 0;
        for page in pages {
            let PageTable {
                columns: local_columns,
                chunks: page_chunks,
                duplicates: repeated,
            } = page.table.unwrap_or_default();
            duplicates.extend(repeated.into_iter().filter_map(|(row, local)| {
                Some((first_row + row, *index.get(local_columns.get(local)?)?))
            }));
            for mut chunk in page_chunks.into_iter().filter(|_| tabular) {
                // The table's columns, placed among this chunk's own (`u32::MAX`: absent).
                let mut local = vec![u32::MAX; columns.len()];
                for (i, name) in local_columns.iter().enumerate().take(chunk.width) {
                    if let Some(&global) = index.get(name) {
                        local[global] = to_u32(i);
                    }
                }
                chunk.local = local;
                chunk.first_row += first_row;
                chunks.push(chunk);
            }
            first_row += page.count;
            runs.extend(page.runs);
        }
        let joined = Joined::new(runs);
        // Each chunk reads from its run, now placed in the joined text.
        for (chunk, run) in chunks.iter_mut().zip(joined.runs()) {
            chunk.base = run.at;
        }
        let doc = Arc::new(JsonDoc::joined(joined));
        let table = tabular.then(|| TableModel {
            columns,
            doc: doc.clone(),
            chunks,
            rows: count,
            duplicates: {
                duplicates.sort_unstable();
                duplicates
            },
        });
        Self {
            meta,
            raw: Bytes::new(),
            doc: Some(doc),
            table,
            not_json: None,
            received: None,
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The body in one piece: as received, or for pages joined, their records in one
    /// array (built the first time it is asked for).
    #[must_use]
    pub fn raw(&self) -> &Bytes {
        match &self.doc {
            Some(doc) if doc.runs().is_some() => doc.whole(),
            _ => &self.raw,
        }
    }

    /// Writes the body to `out` as [`Self::raw`] holds it, without building pages joined
    /// in one piece.
    ///
    /// # Errors
    /// Those of `out`.
    pub fn write_raw(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        match &self.doc {
            Some(doc) if doc.runs().is_some() => doc.write_to(out),
            _ => out.write_all(&self.raw),
        }
    }

    /// Builds the raw view's line index now (off the UI thread), if it is not built yet.
    pub fn index_lines(&self) {
        let _ = self.lines();
    }

    fn lines(&self) -> &LineIndex {
        self.lines
            .get_or_init(|| LineIndex::Json(pretty_lines(self.raw()).unwrap_or_default()))
    }

    /// Number of lines in the raw view.
    #[must_use]
    pub fn line_count(&self) -> usize {
        match self.lines() {
            LineIndex::Json(lines) => lines.len(),
            LineIndex::Text(starts) => starts.len(),
        }
    }

    /// One line in full.
    #[must_use]
    pub fn line(&self, index: usize) -> String {
        let b = &self.raw()[..];
        match self.lines() {
            LineIndex::Text(starts) => {
                let start = starts.get(index).map_or(b.len(), |s| to_usize(*s));
                let end = starts.get(index + 1).map_or(b.len(), |s| to_usize(*s));
                String::from_utf8_lossy(&b[start..end])
                    .trim_end_matches(['\n', '\r'])
                    .to_owned()
            }
            LineIndex::Json(lines) => {
                let Some(packed) = lines.get(index) else {
                    return String::new();
                };
                let mut p = to_usize(packed & ((1 << LINE_OFFSET_BITS) - 1));
                let depth = to_usize(packed >> LINE_OFFSET_BITS);
                let mut line = "  ".repeat(depth.min(64));
                let text = |from: usize, to: usize| String::from_utf8_lossy(&b[from..to]);
                if matches!(b.get(p), Some(b'}' | b']')) {
                    line.push(char::from(b[p]));
                    p += 1;
                } else {
                    if b.get(p) == Some(&b'"') {
                        let end = string_end(b, p);
                        let colon = skip_ws(b, end);
                        if b.get(colon) == Some(&b':') {
                            line.push_str(&text(p, end));
                            line.push_str(": ");
                            p = skip_ws(b, colon + 1);
                        }
                    }
                    match b.get(p) {
                        Some(&open @ (b'{' | b'[')) => {
                            let first = skip_ws(b, p + 1);
                            line.push(char::from(open));
                            if let Some(&close @ (b'}' | b']')) = b.get(first) {
                                line.push(char::from(close));
                                p = first + 1;
                            } else {
                                return line;
                            }
                        }
                        Some(_) => {
                            let end = value_end(b, p);
                            line.push_str(&text(p, end));
                            p = end;
                        }
                        None => {}
                    }
                }
                if b.get(skip_ws(b, p)) == Some(&b',') {
                    line.push(',');
                }
                line
            }
        }
    }

    /// One line as a view shows it: very long lines are cut, with what was left out said.
    #[must_use]
    pub fn shown_line(&self, index: usize) -> String {
        let line = self.line(index);
        match line.char_indices().nth(SHOWN_LINE) {
            Some((cut, _)) => format!(
                "{}… ({} more characters; save the answer to see them)",
                &line[..cut],
                line[cut..].chars().count()
            ),
            None => line,
        }
    }

    /// How many records the body lists, and record `index` parsed (for a detail view).
    #[must_use]
    pub fn record(&self, index: usize) -> Option<serde_json::Value> {
        let doc = self.doc.as_ref()?;
        doc.value(doc.element(doc.records()?, index)?)
    }

    /// How many records the body lists.
    #[must_use]
    pub fn record_count(&self) -> usize {
        self.doc
            .as_ref()
            .and_then(|doc| Some(doc.count(doc.records()?)))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> crate::model::ResponseMeta {
        crate::model::ResponseMeta::ok("u", 0)
    }

    fn body(text: &str) -> Answered {
        Answered::read(meta(), &Bytes::from(text.to_owned()))
    }

    fn lines(body: &Answered) -> Vec<String> {
        (0..body.line_count()).map(|i| body.line(i)).collect()
    }

    #[test]
    fn lines_are_pretty_printed_from_the_bytes() {
        let b = body(r#"{"a":1,"b":[true,{"c":"x\"y"}],"e":{},"f":[],"g":null}"#);
        assert_eq!(
            lines(&b),
            [
                "{",
                "  \"a\": 1,",
                "  \"b\": [",
                "    true,",
                "    {",
                "      \"c\": \"x\\\"y\"",
                "    }",
                "  ],",
                "  \"e\": {},",
                "  \"f\": [],",
                "  \"g\": null",
                "}"
            ]
        );
        assert_eq!(lines(&body(" 42 ")), ["42"]);
        assert_eq!(lines(&body("[]")), ["[]"]);
        // The same text as serde_json's pretty printer, for ordinary documents.
        let text = r#"[{"id":1,"name":"Acme","tags":["a","b"],"address":{"city":"Leeds"}}]"#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(lines(&body(text)).join("\n"), pretty);
    }

    #[test]
    fn numbers_keep_their_exact_digits() {
        let b = body(r#"[{"amount":12345678901234567890.123456789}]"#);
        let table = b.table.as_ref().unwrap();
        assert_eq!(table.cell(0, 0), "12345678901234567890.123456789");
        assert!(lines(&b)[2].contains("12345678901234567890.123456789"));
    }

    #[test]
    fn tables_read_cells_from_the_bytes() {
        let b = body(
            r#"{"value":[{"id":1,"name":"A \u00e9","contacts":[1,2]},{"id":2,"extra":true,"name":null}]}"#,
        );
        let table = b.table.as_ref().unwrap();
        assert_eq!(table.columns, ["id", "name", "contacts", "extra"]);
        assert_eq!(table.len(), 2);
        assert_eq!(table.row(0), ["1", "A é", "[2 items]", ""]);
        assert_eq!(table.row(1), ["2", "", "", "true"]);
        assert_eq!(b.record_count(), 2);
        assert_eq!(b.record(1).unwrap()["extra"], true);
        let hand = TableModel::from_rows(
            vec!["x".into(), "y".into()],
            &[
                vec!["1".into(), String::new()],
                vec![String::new(), "b".into()],
            ],
        );
        assert_eq!(hand.row(0), ["1", ""]);
        assert_eq!(hand.row(1), ["", "b"]);
        assert_eq!(hand.column_cells(1), ["", "b"]);
        assert_eq!(table.column_cells(2), ["[2 items]", ""]);
        assert_eq!(table.column_cells(3), ["", "true"]);
    }

    #[test]
    fn a_field_first_seen_after_empty_records_stays_in_its_row() {
        let b = body(r#"[{},{},{"a":1},{"b":2},{"a":3,"b":4}]"#);
        let table = b.table.as_ref().unwrap();
        assert_eq!(table.columns, ["a", "b"]);
        let rows: Vec<Vec<_>> = (0..5).map(|r| table.row(r)).collect();
        assert_eq!(rows, [["", ""], ["", ""], ["1", ""], ["", "2"], ["3", "4"]]);
        assert_eq!(table.column_cells(0), ["", "", "1", "", "3"]);
    }

    #[test]
    fn the_tree_lists_children_from_the_bytes() {
        let b = body(r#"{"a":{"b":[1,2,3]},"c":"d"}"#);
        let doc = b.doc.as_ref().unwrap();
        let root = doc.children(doc.root());
        assert_eq!(root.len(), 2);
        assert_eq!(doc.key(root[0].key.unwrap()), "a");
        let a = doc.children(root[0].value);
        assert_eq!(doc.kind(a[0].value), Kind::Array);
        assert_eq!(doc.children(a[0].value).len(), 3);
        assert_eq!(doc.text(root[1].value), "d");
        assert_eq!(doc.source(root[1].value), "\"d\"");
    }

    #[test]
    fn text_and_broken_bodies_are_lines_of_text() {
        let html = body("<html>\n<p>oops</p>\n</html>");
        assert!(html.doc.is_none() && html.not_json.as_ref().unwrap().contains("not JSON"));
        assert_eq!(lines(&html), ["<html>", "<p>oops</p>", "</html>"]);
        let bad = Answered::read(meta(), &Bytes::from_static(b"\xff\xfe{\"a\":"));
        assert!(bad.not_json.is_some());
        assert_eq!(bad.line_count(), 1);
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        let deep = body(&deep);
        // Read without recursion: no stack overflow, every level a line.
        assert!(deep.doc.is_some() && deep.table.is_none());
        assert_eq!(deep.line_count(), 19_999);
        assert_eq!(deep.line(9_999).trim(), "[]");
        let doc = deep.doc.as_ref().unwrap();
        assert_eq!(doc.children(doc.root()).len(), 1);
        assert_eq!(body("").line_count(), 0);
    }

    #[test]
    fn pages_join_into_one_answer_and_one_table() {
        let page = |text: &str| PagePieces::read(&Bytes::from(text.to_owned())).unwrap();
        let pages = vec![
            page(r#"[ {"id":1,"name":"A"} ,  {"id":2,"name":"B\u00e9"} ]"#),
            page(r#"{"value":[{"id":3,"extra":true}]}"#),
            page("[]"),
        ];
        let joined = Answered::from_pages(meta(), pages);
        assert_eq!(
            &joined.raw()[..],
            br#"[{"id":1,"name":"A"} ,  {"id":2,"name":"B\u00e9"},{"id":3,"extra":true}]"#,
            "each page's records as sent, between one page and the next a comma"
        );
        let mut written = Vec::new();
        joined.write_raw(&mut written).unwrap();
        assert_eq!(written, joined.raw().to_vec());
        let table = joined.table.as_ref().unwrap();
        assert_eq!(table.columns, ["id", "name", "extra"]);
        for column in 0..3 {
            let cells: Vec<_> = (0..3).map(|r| table.cell(r, column)).collect();
            assert_eq!(table.column_cells(column), cells, "column {column}");
        }
        assert_eq!(table.len(), 3);
        assert_eq!(table.row(0), ["1", "A", ""]);
        assert_eq!(table.row(1), ["2", "Bé", ""]);
        assert_eq!(table.row(2), ["3", "", "true"]);
        assert_eq!(joined.record_count(), 3);
        assert_eq!(joined.record(2).unwrap()["extra"], true);
        assert_eq!(joined.line_count(), 14);
        let value: serde_json::Value = serde_json::from_slice(joined.raw()).unwrap();
        assert_eq!(
            lines(&joined).join("\n"),
            serde_json::to_string_pretty(&value)
                .unwrap()
                .replace("é", "\\u00e9")
        );
    }

    #[test]
    fn pages_joined_past_4_gb_are_read_where_they_lie() {
        // One 64 MB page of 1 MB records, read once and joined 70 times (its bytes
        // shared, not copied): the joined text is 4.5 GB, so offsets pass 32 bits.
        let pad = "x".repeat(1 << 20);
        let records: Vec<String> = (0..64)
            .map(|i| format!(r#"{{"id":{i},"pad":"{pad}","name":"R{i}"}}"#))
            .collect();
        let body = Bytes::from(format!(r#"{{"value":[{}]}}"#, records.join(",")));
        let page = PagePieces::read(&body).unwrap();
        let pages: Vec<PagePieces> = (0..70).map(|_| page.clone()).collect();
        let joined = Answered::from_pages(meta(), pages);
        let doc = joined.doc.as_ref().unwrap();
        assert!(
            doc.root().end > u64::from(u32::MAX) + (1 << 28),
            "{:?}",
            doc.root()
        );
        let table = joined.table.as_ref().unwrap();
        assert_eq!(table.len(), 70 * 64);
        assert_eq!(table.columns, ["id", "pad", "name"]);
        for row in [0, 63, 64, 4_095, 4_096, 70 * 64 - 1] {
            assert_eq!(table.cell(row, 0), (row % 64).to_string(), "row {row}");
            assert_eq!(table.cell(row, 2), format!("R{}", row % 64), "row {row}");
            assert_eq!(table.cell(row, 1).len(), 1 << 20);
            let record = joined.record(row).unwrap();
            assert_eq!(record["name"], format!("R{}", row % 64));
        }
        let last = table.cell_span(70 * 64 - 1, 2).unwrap();
        assert!(last.start > u64::from(u32::MAX), "{last:?}");
        assert_eq!(doc.text(last), "R63");
        assert_eq!(joined.record_count(), 70 * 64);
        assert!(joined.record(70 * 64).is_none());
    }

    #[test]
    fn records_are_cut_into_runs_before_4_gb() {
        let at = |start: u64, end: u64| Child {
            key: None,
            value: Span { start, end },
        };
        let gb = 1u64 << 30;
        let records = [
            at(10, gb),
            at(gb + 1, 3 * gb),
            at(3 * gb + 1, 4 * gb + 20),
            at(4 * gb + 21, 5 * gb),
            at(7 * gb, 8 * gb),
        ];
        let runs = super::super::rows::runs_of;
        assert_eq!(runs(&records), Some(vec![0..2, 2..4, 4..5]));
        assert_eq!(
            runs(&records[..2]).unwrap(),
            std::iter::once(0..2).collect::<Vec<_>>()
        );
        assert_eq!(runs(&[]), Some(vec![]));
        // One record over 4 GB is no row: the answer is read as a tree.
        assert_eq!(runs(&[at(0, 10), at(11, 4 * gb + 12)]), None);
    }

    #[test]
    fn long_lines_are_cut_for_showing() {
        let b = body(&format!("[\"{}\"]", "x".repeat(5_000)));
        assert!(b.line(1).len() > 5_000);
        let shown = b.shown_line(1);
        assert!(shown.contains("more characters") && shown.len() < 2_200);
    }

    #[test]
    fn arrays_of_records_become_tables() {
        let answer = Answered::read(
            meta(),
            &bytes::Bytes::from_static(
                br#"[{"id":1,"name":"A","contacts":[1,2]},{"id":2,"extra":true}]"#,
            ),
        );
        let table = answer.table.unwrap();
        assert_eq!(table.columns, ["id", "name", "contacts", "extra"]);
        assert_eq!(table.row(0), ["1", "A", "[2 items]", ""]);
        assert_eq!(table.cell(1, 3), "true");
        let wrapped = Answered::read(
            meta(),
            &bytes::Bytes::from_static(br#"{"value":[{"id":7}]}"#),
        );
        assert_eq!(wrapped.table.unwrap().row(0), ["7"]);
        let html = Answered::read(meta(), &bytes::Bytes::from_static(b"<html>oops</html>"));
        assert!(html.doc.is_none() && html.not_json.as_ref().unwrap().contains("not JSON"));
        assert_eq!(html.line(0), "<html>oops</html>");
    }

    #[test]
    fn a_byte_order_mark_is_read_past_and_kept() {
        let raw = b"\xEF\xBB\xBF[{\"id\":1,\"name\":\"Acme\"}]";
        let answer = Answered::read(meta(), &Bytes::from_static(raw));
        assert!(answer.not_json.is_none(), "{:?}", answer.not_json);
        assert_eq!(answer.table.as_ref().unwrap().row(0), ["1", "Acme"]);
        assert_eq!(answer.line(0), "[");
        assert_eq!(answer.record_count(), 1);
        assert_eq!(&answer.raw()[..], &raw[..], "saved as received");
    }

    #[test]
    fn a_lone_surrogate_never_blanks_a_record() {
        let raw = br#"[{"id":1,"name":"\ud800abc"},{"id":2,"name":"ok"}]"#;
        let answer = Answered::read(meta(), &Bytes::from_static(raw));
        assert!(answer.not_json.is_none(), "{:?}", answer.not_json);
        let table = answer.table.as_ref().unwrap();
        assert_eq!(table.cell(0, 1), "\u{fffd}abc", "the table cell");
        assert_eq!(
            answer.record(0).unwrap()["name"],
            "\u{fffd}abc",
            "the record's detail"
        );
        assert_eq!(
            *crate::document::search_answer(&answer, "abc").rows,
            [0],
            "search"
        );
        let csv = crate::export::csv_bytes(&table.columns, (0..table.len()).map(|r| table.row(r)))
            .unwrap();
        assert!(
            String::from_utf8_lossy(&csv).contains("\u{fffd}abc"),
            "the CSV cell"
        );
    }

    #[test]
    fn other_charsets_are_decoded_and_kept_as_received() {
        let mut latin = meta();
        latin.headers = vec![(
            "Content-Type".into(),
            "application/json; charset=windows-1252".into(),
        )];
        let raw = Bytes::from_static(b"[{\"name\":\"Caf\xe9 \x80\"}]");
        let answer = Answered::read(latin, &raw);
        assert!(answer.not_json.is_none(), "{:?}", answer.not_json);
        assert_eq!(answer.table.as_ref().unwrap().cell(0, 0), "Café €");
        assert_eq!(answer.received.as_ref(), Some(&raw), "saved as received");
        assert!(
            answer.meta.reason.contains("windows-1252"),
            "{}",
            answer.meta.reason
        );

        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("[{\"id\":1}]".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let answer = Answered::read(meta(), &Bytes::from(utf16));
        assert_eq!(answer.table.as_ref().unwrap().cell(0, 0), "1");
        assert!(
            answer.meta.reason.contains("UTF-16LE"),
            "{}",
            answer.meta.reason
        );

        let mut text = meta();
        text.headers = vec![(
            "content-type".into(),
            "text/plain; charset=iso-8859-1".into(),
        )];
        let answer = Answered::read(text, &Bytes::from_static(b"Fehler: \xfcberlastet"));
        assert!(answer.not_json.is_some());
        assert_eq!(
            answer.line(0),
            "Fehler: überlastet",
            "shown as text, decoded"
        );
    }
}
