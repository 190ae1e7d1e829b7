//! Bad input never panics and loses nothing: any bytes as an answer (JSON-like, broken,
//! not UTF-8) read into the raw, table and tree views and searched; any text pasted as a
//! curl command or typed as a JSON path; and the awkward cases by name — deep nesting,
//! huge strings, numbers beyond `f64`.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use sage200_desk::document::{Answered, Kind, json_path, search_answer};
use sage200_desk::model::{ResponseMeta, from_curl};

fn meta() -> ResponseMeta {
    ResponseMeta::ok("u", 0)
}

/// Reads every part of an answer the views may read.
fn read_all(body: &[u8]) {
    let answer = Answered::read(meta(), &bytes::Bytes::copy_from_slice(body));
    for line in 0..answer.line_count().min(200) {
        let _ = answer.shown_line(line);
    }
    if let Some(table) = &answer.table {
        for row in 0..table.len().min(50) {
            let _ = table.row(row);
        }
    }
    if let Some(doc) = &answer.doc {
        let mut open = vec![doc.root()];
        let mut visited = 0;
        while let Some(node) = open.pop() {
            visited += 1;
            if visited > 500 {
                break;
            }
            let _ = doc.text(node);
            if matches!(doc.kind(node), Kind::Object | Kind::Array) {
                for child in doc.children(node).iter() {
                    if let Some(key) = child.key {
                        let _ = doc.key(key);
                    }
                    open.push(child.value);
                }
            }
        }
        let _ = json_path(doc, "$[*].a[0]");
        let _ = answer.record(0);
    }
    let _ = search_answer(&answer, "a");
}

/// JSON-shaped text: brackets, quotes, escapes and numbers in any order.
fn jsonish() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\\",
        "\\u00e9",
        "\\\"",
        "a",
        "\"k\"",
        "1",
        "-0.5e9",
        "true",
        "null",
        " ",
        "\n",
        "é",
        "\u{1F642}",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|p| p.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn any_bytes_are_read_without_panicking(body in prop::collection::vec(any::<u8>(), 0..300)) {
        read_all(&body);
    }

    #[test]
    fn json_shaped_text_is_read_without_panicking(body in jsonish()) {
        read_all(&body);
    }

    #[test]
    fn valid_json_reads_back_the_same_values(value in any_json()) {
        let text = serde_json::to_vec(&value).unwrap();
        let answer = Answered::read(meta(), &bytes::Bytes::from(text));
        let doc = answer.doc.as_ref().unwrap();
        let back: serde_json::Value = doc.value(doc.root()).unwrap();
        prop_assert_eq!(back, value.clone());
        // The pretty lines are the same document.
        let pretty: String = (0..answer.line_count()).map(|i| answer.line(i) + "\n").collect();
        let reparsed: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        prop_assert_eq!(reparsed, value);
    }

    #[test]
    fn an_answer_is_json_exactly_when_serde_json_says_so(
        body in prop_oneof![
            jsonish(),
            json_edges(),
            mutated_json(),
            prop::collection::vec(any::<u8>(), 0..40),
        ]
    ) {
        // UTF-16 (by its byte-order mark) is decoded first; a UTF-8 one is passed over.
        prop_assume!(!body.starts_with(&[0xFF, 0xFE]) && !body.starts_with(&[0xFE, 0xFF]));
        let text = body.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&body);
        let serde = !text.trim_ascii().is_empty()
            && serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok();
        let answer = Answered::read(meta(), &bytes::Bytes::from(body.clone()));
        prop_assert_eq!(answer.not_json.is_none(), serde, "{:?}", String::from_utf8_lossy(&body));
        if let Some(reason) = &answer.not_json {
            prop_assert!(!reason.contains("could not be read"), "{}", reason);
            prop_assert!(answer.doc.is_none() && answer.table.is_none());
        }
    }

    #[test]
    fn any_pasted_text_is_read_or_refused_as_curl(text in ".{0,200}") {
        let _ = from_curl(&text, "https://example.test/api/");
        let _ = from_curl(&format!("curl {text}"), "https://example.test/api/");
    }

    #[test]
    fn any_json_path_is_followed_or_refused(path in "[$.\\[\\]*0-9a-z]{0,20}") {
        let answer = Answered::read(
            meta(),
            &bytes::Bytes::from_static(br#"[{"a":[1,{"b":2}]},{"a":{"c":[3]}}]"#),
        );
        let _ = json_path(answer.doc.as_ref().unwrap(), &path);
    }
}

/// The pieces of [`json_edges`].
const EDGES: &[&str] = &[
    "[", "]", "{", "}", ",", ":", "\"", "\"k\":", "0", "01", "-", "-0", "1.", ".5", "1.5", "1e",
    "1e+", "1E-7", "2e5", "+1", "tru", "true", "fals", "false", "nul", "null", "NaN", "\\",
    "\\u12", "\\u00E9", "\\ud800", "\\x", "\\/", "\\b", "\t", "\r", "\u{1}", "\u{7f}", "\u{0}",
    " ", "é", "\u{FEFF}", "a", ".", "e", "E", "+",
];

/// Text at JSON's edges: numbers, literals, escapes and whitespace nearly right, beside
/// the structure, so that what `serde_json` takes and refuses is met on both sides.
fn json_edges() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(EDGES);
    prop::collection::vec(pieces, 0..40).prop_map(|p| {
        let mut text = p.concat().into_bytes();
        // Bytes that are not UTF-8 inside a string, now and then.
        if text.len() % 7 == 3 {
            text.splice(0..0, b"[\"\xFF\xFE\x80\",".iter().copied());
        }
        text
    })
}

/// Valid JSON (compact or pretty) with one change: a piece of [`json_edges`] put in, a
/// byte taken out, or a byte replaced — text just either side of valid.
fn mutated_json() -> impl Strategy<Value = Vec<u8>> {
    (
        any_json(),
        any::<bool>(),
        any::<prop::sample::Index>(),
        prop::sample::select(EDGES),
        0..3u8,
        any::<u8>(),
    )
        .prop_map(|(value, pretty, at, piece, change, byte)| {
            let mut text = if pretty {
                serde_json::to_vec_pretty(&value).unwrap()
            } else {
                serde_json::to_vec(&value).unwrap()
            };
            let i = at.index(text.len() + 1);
            match change {
                0 => {
                    text.splice(i..i, piece.bytes());
                }
                1 if i < text.len() => {
                    text.remove(i);
                }
                _ if i < text.len() => text[i] = byte,
                _ => text.push(byte),
            }
            text
        })
}

fn any_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::vec(("[a-z]{1,6}", inner), 0..6)
                .prop_map(|pairs| serde_json::Value::Object(pairs.into_iter().collect())),
        ]
    })
}

#[test]
fn awkward_answers_are_handled() {
    // Nesting 10,000 deep: read without recursion.
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    read_all(deep.as_bytes());
    let deep_objects = "{\"a\":".repeat(10_000) + "1" + &"}".repeat(10_000);
    read_all(deep_objects.as_bytes());

    // A 20 MB string: kept whole, shown cut.
    let huge = format!("[{{\"note\":\"{}\"}}]", "x".repeat(20_000_000));
    let answer = Answered::read(meta(), &bytes::Bytes::from(huge));
    assert_eq!(answer.table.as_ref().unwrap().cell(0, 0).len(), 20_000_000);
    assert!(answer.shown_line(2).len() < 3_000);

    // Not UTF-8: shown as text, nothing lost.
    let answer = Answered::read(meta(), &bytes::Bytes::from_static(b"caf\xe9 \xff\xfe\n2nd"));
    assert!(answer.not_json.is_some());
    assert_eq!(answer.line_count(), 2);
    assert_eq!(
        &answer.raw()[..],
        b"caf\xe9 \xff\xfe\n2nd",
        "kept byte for byte"
    );

    // Numbers beyond f64: the exact digits, in the table and the raw view.
    let money = "123456789012345678901234567890.123456789";
    let answer = Answered::read(
        meta(),
        &bytes::Bytes::from(format!("[{{\"balance\":{money},\"big\":1e400}}]")),
    );
    let table = answer.table.as_ref().unwrap();
    assert_eq!(table.cell(0, 0), money);
    assert_eq!(table.cell(0, 1), "1e400");
    assert!(answer.line(2).contains(money));
    assert_eq!(
        sage200_desk::model::format_money(&table.cell(0, 0)).unwrap(),
        "123,456,789,012,345,678,901,234,567,890.12"
    );
}

#[test]
fn lists_that_are_almost_json_or_have_a_field_a_record_cost_their_length() {
    // Python's or JavaScript's idea of JSON, 40,000 records: read beside its check, each
    // record's members are read only within the record (a key that is not a string ends
    // them), so this is not JSON in one pass rather than a column a record.
    for style in ["{'id': %, 'name': 'N%'}", "{id: %, name: \"N%\"}"] {
        let records: Vec<String> = (0..40_000)
            .map(|i| style.replace('%', &i.to_string()))
            .collect();
        let body = bytes::Bytes::from(format!("[{}]", records.join(", ")));
        let answer = Answered::read(meta(), &body);
        assert!(answer.not_json.is_some() && answer.table.is_none());
        assert!(sage200_desk::document::read_preview(meta(), &body[..1 << 20]).is_none());
    }
    // Valid JSON whose every record brings a field of its own: up to 2,000 columns a
    // table (its rows laid out again only now and then), past that a tree.
    let distinct = |count: usize| {
        let records: Vec<String> = (0..count)
            .map(|i| format!("{{\"id\":{i},\"k{i}\":{i}}}"))
            .collect();
        Answered::read(
            meta(),
            &bytes::Bytes::from(format!("[{}]", records.join(","))),
        )
    };
    let wide = distinct(1_999);
    let table = wide.table.as_ref().unwrap();
    assert_eq!((table.len(), table.columns.len()), (1_999, 2_000));
    assert_eq!(table.cell(1_500, 1_501), "1500");
    assert_eq!(table.cell(1_500, 1_500), "");
    assert_eq!(table.cell(7, 0), "7");
    let too_wide = distinct(40_000);
    assert!(too_wide.not_json.is_none() && too_wide.table.is_none());
    let doc = too_wide.doc.as_ref().unwrap();
    assert_eq!(doc.children(doc.root()).len(), 40_000);
}

/// Any text in any input field: a value or a message, never a panic.
mod input_fields {
    use proptest::prelude::*;
    use sage200_desk::document::check_body;
    use sage200_desk::model::{
        CustomerDraft, CustomerField, KeyValue, Profile, RequestDraft, check_filter, parse_port,
    };

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![".{0,40}", "[ '\"\\\\(){}\\[\\]$&#%/:?=,\n\t0-9a-z]{0,40}"]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn filters_paths_parameters_headers_and_bodies(
            filter in text(), path in text(), key in text(), value in text(), body in text(),
            order in text(), select in text(),
        ) {
            if let Err(problem) = check_filter(&filter) {
                prop_assert!(!problem.0.is_empty());
            }
            if let Err(problem) = check_body(&body) {
                prop_assert!(problem.line >= 1 && problem.column >= 1 && !problem.message.is_empty());
            }
            let mut draft = RequestDraft {
                path,
                body,
                ..RequestDraft::default()
            };
            draft.query.filter = filter;
            draft.query.select = vec![select];
            draft.query.order_by = vec![(order, true)];
            draft.params.push(KeyValue { enabled: true, key: key.clone(), value: value.clone() });
            draft.headers.push(KeyValue { enabled: true, key, value });
            for result in [
                draft.checked_path().map(|_| ()),
                draft.query_pairs().map(|_| ()),
                draft.header_pairs().map(|_| ()),
            ] {
                if let Err(problem) = result {
                    prop_assert!(!problem.0.is_empty());
                }
            }
        }

        #[test]
        fn profile_settings_and_the_redirect_port(
            name in text(), url in text(), scope in text(), port in text(), header in text(),
        ) {
            match parse_port(&port) {
                Ok(Some(p)) => prop_assert!(p >= 1),
                Ok(None) => prop_assert!(port.trim().is_empty()),
                Err(message) => prop_assert!(!message.is_empty()),
            }
            let mut profile = Profile::sage_professional();
            profile.name = name;
            profile.authorize_url.clone_from(&url);
            profile.token_url = url;
            profile.scopes = vec![scope];
            profile.extra_headers = vec![(header.clone(), header)];
            for (_, problem) in profile.problems() {
                prop_assert!(!problem.is_empty());
            }
        }

        #[test]
        fn customer_form_fields(values in prop::collection::vec(text(), 17)) {
            let mut draft = CustomerDraft::default();
            let fields = [
                &mut draft.reference, &mut draft.name, &mut draft.short_name,
                &mut draft.first_name, &mut draft.last_name, &mut draft.email,
                &mut draft.telephone_country_code, &mut draft.telephone_area_code,
                &mut draft.telephone_subscriber_number, &mut draft.address_1,
                &mut draft.address_2, &mut draft.city, &mut draft.county, &mut draft.postcode,
                &mut draft.credit_limit, &mut draft.payment_terms_days, &mut draft.vat_number,
            ];
            for (field, value) in fields.into_iter().zip(values) {
                *field = value;
            }
            for field in CustomerField::ALL {
                if let Some(problem) = draft.problem(field) {
                    prop_assert!(!problem.is_empty());
                }
            }
            // A draft that passes its checks always makes a body.
            if draft.problems().is_empty() {
                prop_assert!(draft.to_json().is_object());
            }
        }
    }
}
