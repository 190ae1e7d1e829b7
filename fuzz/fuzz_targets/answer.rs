//! Any bytes as an answer: read (as JSON exactly when `serde_json` says it is), then every
//! view's reading of it (lines, table cells, tree children, records, JSON path) must never
//! panic.
#![no_main]
#![allow(dead_code, unused_imports, missing_docs)]

#[path = "../../src/model/mod.rs"]
mod model;

#[path = "../../src/document/mod.rs"]
mod document;

use document::{Answered, Kind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let meta = model::ResponseMeta::ok("u", data.len());
    let answer = Answered::read(meta, &bytes::Bytes::copy_from_slice(data));
    // JSON exactly when serde_json says so (UTF-16, by its byte-order mark, is decoded
    // first; a UTF-8 one is passed over).
    if !data.starts_with(&[0xFF, 0xFE]) && !data.starts_with(&[0xFE, 0xFF]) {
        let text = data.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(data);
        let serde = !text.trim_ascii().is_empty()
            && serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok();
        assert_eq!(answer.not_json.is_none(), serde);
    }
    for line in 0..answer.line_count().min(100) {
        let _ = answer.shown_line(line);
    }
    if let Some(table) = &answer.table {
        for row in 0..table.len().min(20) {
            let _ = table.row(row);
        }
        // The spreadsheet export's columns: nested values spread, the rest JSON text.
        let flat = document::FlatTable::new(table);
        for row in 0..flat.len().min(20) {
            assert_eq!(flat.row(row).len(), flat.columns.len());
        }
    }
    if let Some(doc) = &answer.doc {
        let mut open = vec![doc.root()];
        let mut seen = 0;
        while let Some(node) = open.pop() {
            seen += 1;
            if seen > 200 {
                break;
            }
            let _ = doc.text(node);
            let _ = doc.source(node);
            if matches!(doc.kind(node), Kind::Object | Kind::Array) {
                for child in doc.children(node).iter() {
                    if let Some(key) = child.key {
                        let _ = doc.key(key);
                    }
                    open.push(child.value);
                }
            }
        }
        let _ = answer.record(0);
        let _ = answer.record_count();
    }
});
