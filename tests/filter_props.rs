//! Property tests of the client's `$filter` writing against the demo server's own `OData`
//! parser: any value — quotes, unicode, `&`, `#`, `%`, `/`, newlines — written by
//! `model::Condition`, sent through the query string as the client encodes it, parsed by
//! the server, keeps exactly the records a direct comparison keeps.
// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use sage200_desk::model::{CompareOp, Condition, FilterValue, encode_query};

/// Values with the characters that break naive filters, mixed with ordinary text.
fn value() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        "'",
        "''",
        "&",
        "#",
        "%",
        "/",
        "?",
        "+",
        "=",
        "\n",
        "\r\n",
        "\t",
        " ",
        "\\",
        "\"",
        "é",
        "ß",
        "漢",
        "🙂",
        "O'Brien & Sons",
        "%27",
        "%20",
        ")",
        "(",
        " or ",
        " eq ",
        ",",
    ]);
    prop::collection::vec(
        prop_oneof![tricky.prop_map(str::to_owned), "[a-zA-Z0-9]{0,4}"],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn expected(op: CompareOp, name: &str, value: &str) -> bool {
    // The demo server compares text without regard to case, as Sage's SQL collation does.
    let (name, value) = (name.to_lowercase(), value.to_lowercase());
    match op {
        CompareOp::Equals => name == value,
        CompareOp::NotEquals => name != value,
        CompareOp::Contains => name.contains(&value),
        CompareOp::StartsWith => name.starts_with(&value),
        CompareOp::EndsWith => name.ends_with(&value),
        _ => unreachable!(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn filters_round_trip_and_match_like_a_direct_comparison(
        value in value(),
        prefix in value(),
        suffix in value(),
        op in prop::sample::select(vec![
            CompareOp::Equals,
            CompareOp::NotEquals,
            CompareOp::Contains,
            CompareOp::StartsWith,
            CompareOp::EndsWith,
        ]),
    ) {
        let names = vec![
            value.clone(),
            format!("{prefix}{value}{suffix}"),
            format!("{prefix}{value}"),
            format!("{value}{suffix}"),
            prefix.clone(),
            "Acme Ltd".to_owned(),
            String::new(),
        ];
        let filter = Condition::new("name", op, FilterValue::Text(value.clone()))
            .to_odata()
            .unwrap();
        // The query string exactly as the client sends it.
        let query = encode_query(&[("$filter".to_owned(), filter.clone())]);
        let kept = sage200_desk::demo_server::customers_matching(&query, &names)
            .unwrap_or_else(|e| panic!("{filter:?} refused: {e}"));
        let wanted: Vec<usize> = names
            .iter()
            .enumerate()
            .filter(|(_, name)| expected(op, name, &value))
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(kept, wanted, "filter {:?}", filter);
    }
}
