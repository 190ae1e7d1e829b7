//! Answers in another charset than UTF-8 (a Windows code page declared in `Content-Type`,
//! or UTF-16 with a byte-order mark), decoded with `encoding_rs` so they read as text and,
//! when they are, as JSON.

/// A body in another charset than UTF-8, decoded (`encoding_rs`, as the WHATWG Encoding
/// Standard names charsets): from a UTF-16 byte-order mark, else from the `charset` of
/// `Content-Type`. `None` for UTF-8 (or no charset said) — the body is read as it is.
pub(super) fn decode_charset(
    headers: &[(String, String)],
    raw: &[u8],
) -> Option<(Vec<u8>, &'static str)> {
    let encoding = if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(raw) {
        encoding
    } else {
        let content_type = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))?;
        let label = content_type.1.split(';').skip(1).find_map(|part| {
            let (key, value) = part.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| value.trim().trim_matches('"'))
        })?;
        encoding_rs::Encoding::for_label(label.as_bytes())?
    };
    if encoding == encoding_rs::UTF_8 {
        return None;
    }
    let (text, _, _) = encoding.decode(raw);
    Some((text.into_owned().into_bytes(), encoding.name()))
}
