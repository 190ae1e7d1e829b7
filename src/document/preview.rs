//! The first records of an answer still arriving: the body so far, cut after its last
//! complete record and closed, read like any answer, so the first rows show while the
//! rest comes in. The whole answer is read again, as always, once it is complete.

use bytes::Bytes;

use super::answer::Answered;
use super::charset::decode_charset;
use super::scan::{bom_len, string_end};

/// Deepest array whose elements count as records: `[…]` (1) or `{"value": […]}` (2).
const RECORDS_DEPTH: usize = 2;

/// The records complete at the start of a body still arriving, as a JSON text of their
/// own: `prefix` cut after the last element completed in an array at depth one or two
/// (the records of `[…]` or `{"value": […]}`), the containers still open then closed
/// (`]`, `]}`). `None` when no such element is complete yet.
///
/// The text is only as valid as the prefix: it is checked when it is read.
#[must_use]
pub(super) fn closed_prefix(prefix: &[u8]) -> Option<Vec<u8>> {
    // The containers open (at most the records' depth is remembered exactly; deeper ones
    // are only counted) and the last cut: where it is, and what was open there.
    let mut open = [0u8; RECORDS_DEPTH];
    let mut depth = 0usize;
    let mut cut: Option<(usize, [u8; RECORDS_DEPTH], usize)> = None;
    let mut i = bom_len(prefix);
    while i < prefix.len() {
        match prefix[i] {
            b'"' => {
                i = string_end(prefix, i);
                continue;
            }
            b @ (b'[' | b'{') => {
                if let Some(slot) = open.get_mut(depth) {
                    *slot = b;
                }
                depth += 1;
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if (1..=RECORDS_DEPTH).contains(&depth) && open[depth - 1] == b'[' {
                    cut = Some((i + 1, open, depth));
                }
            }
            _ => {}
        }
        i += 1;
    }
    let (at, open, depth) = cut?;
    let mut text = Vec::with_capacity(at + RECORDS_DEPTH);
    text.extend_from_slice(&prefix[..at]);
    for &container in open[..depth].iter().rev() {
        text.push(if container == b'[' { b']' } else { b'}' });
    }
    Some(text)
}

/// The first records of a body still arriving, read for the views: `Some` when the body
/// so far holds at least one complete record of a table (see [`closed_prefix`]). The
/// answer's `meta` is the exchange so far; a body in another charset is decoded first.
#[must_use]
pub fn read_preview(meta: crate::model::ResponseMeta, prefix: &[u8]) -> Option<Answered> {
    let decoded = decode_charset(&meta.headers, prefix);
    let text = decoded.as_ref().map_or(prefix, |(text, _)| text.as_slice());
    let closed = closed_prefix(text)?;
    let answer = Answered::read_utf8_with(meta, &Bytes::from(closed), &super::InTurn);
    answer
        .table
        .as_ref()
        .is_some_and(|t| !t.is_empty())
        .then_some(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(text: &str) -> Option<String> {
        closed_prefix(text.as_bytes()).map(|t| String::from_utf8(t).unwrap())
    }

    #[test]
    fn a_bare_array_is_cut_after_its_last_whole_record() {
        assert_eq!(
            closed(r#"[{"id":1,"name":"A]}"},{"id":2,"tags":[1,{"x":"}"}]},{"id":3,"na"#),
            Some(r#"[{"id":1,"name":"A]}"},{"id":2,"tags":[1,{"x":"}"}]}]"#.to_owned())
        );
    }

    #[test]
    fn the_records_of_value_are_cut_and_both_containers_closed() {
        assert_eq!(
            closed("{\"@odata.count\":9,\"value\":[{\"id\":1},\n {\"id\":2,\"a\":\"\\\"}\"}, {\"i"),
            Some(
                "{\"@odata.count\":9,\"value\":[{\"id\":1},\n {\"id\":2,\"a\":\"\\\"}\"}]}"
                    .to_owned()
            )
        );
    }

    #[test]
    fn nothing_is_cut_before_a_record_is_whole() {
        assert_eq!(closed(r#"[{"id":1,"contacts":[{"id":5}],"x":"#), None);
        assert_eq!(closed(r#"{"value":"#), None);
        assert_eq!(closed(""), None);
        assert_eq!(closed("]"), None);
        // Deeper arrays are not records: a record's own lists do not cut it.
        assert_eq!(closed(r#"{"a":{"b":[{"c":1},{"#), None);
    }

    #[test]
    fn every_cut_of_a_valid_answer_reads_as_its_first_records() {
        let body = r#"{"value":[{"id":1,"name":"Ann \"A\" [x]","c":[{"e":"}"}]},{"id":2,"name":"Bo\\"},{"id":3,"name":"Cy"}]}"#;
        let whole = Answered::read(crate::model::ResponseMeta::ok("x", 0), &Bytes::from(body));
        let full = whole.table.as_ref().unwrap();
        for end in 0..body.len() {
            let meta = crate::model::ResponseMeta::ok("x", 0);
            if let Some(preview) = read_preview(meta, &body.as_bytes()[..end]) {
                let table = preview.table.as_ref().unwrap();
                assert!(table.len() <= full.len(), "at {end}");
                for row in 0..table.len() {
                    assert_eq!(table.cell(row, 1), full.cell(row, 1), "at {end}");
                }
            }
        }
        let at = body.find(r#",{"id":3"#).unwrap();
        let preview = read_preview(
            crate::model::ResponseMeta::ok("x", 0),
            &body.as_bytes()[..at + 3],
        );
        assert_eq!(preview.unwrap().table.unwrap().len(), 2);
    }

    #[test]
    fn a_prefix_that_is_not_json_gives_no_preview() {
        let meta = || crate::model::ResponseMeta::ok("x", 0);
        assert!(read_preview(meta(), b"[{\"id\":1,}, {\"id\":2}").is_none());
        assert!(read_preview(meta(), b"<html>[{}]").is_none());
        assert!(
            read_preview(meta(), b"[1,2,[3],4").is_none(),
            "no table, no preview"
        );
    }

    #[test]
    fn a_body_in_another_charset_is_decoded_before_it_is_cut() {
        let mut meta = crate::model::ResponseMeta::ok("x", 0);
        meta.headers.push((
            "Content-Type".to_owned(),
            "application/json; charset=windows-1252".to_owned(),
        ));
        let preview = read_preview(meta, b"[{\"name\":\"Caf\xe9\"},{\"name\":\"x").unwrap();
        assert_eq!(preview.table.unwrap().cell(0, 0), "Café");
    }
}
