//! JSON text that strict readers refuse but people still need to see: a string with a lone
//! UTF-16 surrogate escape (`"\ud800abc"`), which RFC 8259 (section 8.2) allows a sender to
//! write and `serde_json` will not turn into a Rust string. The escape is replaced with
//! `\ufffd` (U+FFFD, the replacement character), so the rest of the value reads as sent.

use std::borrow::Cow;

/// `bytes` with every lone surrogate escape replaced by `\ufffd`; borrowed when there is
/// none. Escaped backslashes (`\\ud800`) are text, not escapes, and are left alone.
#[must_use]
pub fn mend_lone_surrogates(bytes: &[u8]) -> Cow<'_, [u8]> {
    let hex4 = |at: usize| -> Option<u16> {
        let digits = bytes.get(at..at + 4)?;
        u16::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let escape_at = |at: usize| -> Option<u16> {
        (bytes.get(at) == Some(&b'\\') && bytes.get(at + 1) == Some(&b'u'))
            .then(|| hex4(at + 2))
            .flatten()
    };
    let mut lone: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        match escape_at(i) {
            Some(high @ 0xD800..=0xDBFF) => {
                let _ = high;
                if matches!(escape_at(i + 6), Some(0xDC00..=0xDFFF)) {
                    i += 12; // a proper pair
                } else {
                    lone.push(i);
                    i += 6;
                }
            }
            Some(0xDC00..=0xDFFF) => {
                lone.push(i);
                i += 6;
            }
            Some(_) => i += 6,
            None => i += 2, // `\\`, `\"`, `\n`…: the escaped character is not a backslash
        }
    }
    if lone.is_empty() {
        return Cow::Borrowed(bytes);
    }
    let mut mended = bytes.to_vec();
    for at in lone {
        mended[at + 2..at + 6].copy_from_slice(b"fffd");
    }
    Cow::Owned(mended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let mend = |text: &str| {
            String::from_utf8(mend_lone_surrogates(text.as_bytes()).into_owned()).unwrap()
        };
        assert_eq!(mend(r#""\ud800abc""#), r#""\ufffdabc""#);
        assert_eq!(mend(r#""x\udc00""#), r#""x\ufffd""#);
        assert_eq!(
            mend(r#""\ud83d\ude00""#),
            r#""\ud83d\ude00""#,
            "a pair is kept"
        );
        assert_eq!(
            mend(r#""\\ud800""#),
            r#""\\ud800""#,
            "an escaped backslash is text"
        );
        assert!(matches!(
            mend_lone_surrogates(br#""plain""#),
            Cow::Borrowed(_)
        ));
        let value: String =
            serde_json::from_slice(&mend_lone_surrogates(br#""\ud800abc""#)).unwrap();
        assert_eq!(value, "\u{fffd}abc");
    }
}
