//! What paging needs to know of a page, read in one pass without building it: how many
//! records it lists (a bare array, or the array in `{"value": [...]}`, the two shapes Sage
//! and its gateways send) and the last record's key (for keyset paging).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ApiError;
use super::client::json_text;

/// How many records a page lists, and the value of `key` in its last record (`None` when
/// no key is asked for, or the last record has none).
#[derive(Debug, Clone, PartialEq)]
pub struct ListFacts {
    /// Records on the page.
    pub count: usize,
    /// The last record's `key`, as sent.
    pub last_key: Option<serde_json::Value>,
}

/// Reads a page's [`ListFacts`].
///
/// # Errors
/// [`ApiError::InvalidBody`] when the body is empty, HTML, not JSON, or not a list in
/// either shape (the same explanations as `decode`).
pub fn list_facts(body: &[u8], key: Option<&str>) -> Result<ListFacts, ApiError> {
    let text = json_text(body);
    let invalid = |detail: String| ApiError::InvalidBody { detail };
    if text.is_empty() {
        return Err(invalid("the server sent an empty answer".into()));
    }
    if text.starts_with(b"<") {
        return Err(invalid(
            "the server sent an HTML page instead of JSON".into(),
        ));
    }
    // A lone surrogate escape (`"\ud800"`) reads as U+FFFD, as `decode` reads it.
    let mended = crate::model::mend_lone_surrogates(text);
    let mut reader = serde_json::Deserializer::from_slice(&mended);
    let facts = Page { key }
        .deserialize(&mut reader)
        .and_then(|facts| reader.end().map(|()| facts))
        .map_err(|e| invalid(e.to_string()))?;
    Ok(facts)
}

/// The page: an array of records, or an object whose `value` is one.
struct Page<'k> {
    key: Option<&'k str>,
}

impl<'de> DeserializeSeed<'de> for Page<'_> {
    type Value = ListFacts;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ListFacts, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Page<'_> {
    type Value = ListFacts;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of records, or an object with the list as \"value\"")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ListFacts, A::Error> {
        let mut facts = ListFacts {
            count: 0,
            last_key: None,
        };
        while let Some(key) = seq.next_element_seed(Record { key: self.key })? {
            facts.count += 1;
            facts.last_key = key;
        }
        Ok(facts)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ListFacts, A::Error> {
        let mut list = None;
        while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if name == "value" && list.is_none() {
                list = Some(map.next_value_seed(List { key: self.key })?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        list.ok_or_else(|| serde::de::Error::missing_field("value"))
    }
}

/// The `value` of a wrapped page: it must be an array.
struct List<'k> {
    key: Option<&'k str>,
}

impl<'de> DeserializeSeed<'de> for List<'_> {
    type Value = ListFacts;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ListFacts, D::Error> {
        d.deserialize_seq(Page { key: self.key })
    }
}

/// One record: its `key` kept, the rest passed over.
struct Record<'k> {
    key: Option<&'k str>,
}

impl<'de> DeserializeSeed<'de> for Record<'_> {
    type Value = Option<serde_json::Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        match self.key {
            None => d.deserialize_ignored_any(IgnoredAny).map(|_| None),
            Some(_) => d.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Record<'_> {
    type Value = Option<serde_json::Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if Some(name.as_ref()) == self.key {
                // The last of a repeated field, as `serde_json` and JavaScript read JSON.
                found = Some(map.next_value::<serde_json::Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_counted_in_both_shapes_with_their_last_key() {
        let facts = |body: &str, key| list_facts(body.as_bytes(), key);
        let bare = facts(
            r#"[{"id":1},{"id":2,"x":[1,{"id":9}]},{"id":3}]"#,
            Some("id"),
        )
        .unwrap();
        assert_eq!(bare.count, 3);
        assert_eq!(bare.last_key, Some(serde_json::json!(3)));
        let wrapped = facts(
            "\u{feff}{\"odata.count\":3,\"value\":[{\"code\":\"A\"},{\"code\":\"B'C\"}],\"next\":null}",
            Some("code"),
        )
        .unwrap();
        assert_eq!(
            (wrapped.count, wrapped.last_key),
            (2, Some(serde_json::json!("B'C")))
        );
        assert_eq!(facts("[1,\"a\",null,[2]]", Some("id")).unwrap().count, 4);
        assert_eq!(facts("[]", Some("id")).unwrap().last_key, None);
        assert_eq!(
            facts(r#"[{"id":1},{"name":"no key"}]"#, Some("id"))
                .unwrap()
                .last_key,
            None
        );
        assert_eq!(facts(r#"[{"id":1}]"#, None).unwrap().last_key, None);
        assert_eq!(facts(r#"[{"name":"\ud800"}]"#, None).unwrap().count, 1);
        for bad in [
            "",
            "  ",
            "<html>",
            "{\"a\":1}",
            "{\"value\":{}}",
            "[1,",
            "[1] x",
            "42",
        ] {
            assert!(
                matches!(facts(bad, Some("id")), Err(ApiError::InvalidBody { .. })),
                "{bad:?}"
            );
        }
    }
}
