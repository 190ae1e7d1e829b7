//! Scanning JSON text that is known to be valid, without building values and without
//! recursion: where a value ends, the children of a container, and the pretty-printed
//! lines of a body as offsets and depths. What [`super::Answered`] indexes its bytes with.

/// Where a value lies in the body: `start..end` byte offsets, 64-bit so that answers and
/// joined pages past 4 GB are read like any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
}

impl Span {
    /// The span as a range of the bytes it lies in, which start at offset `base`.
    pub(super) fn within(self, base: u64) -> std::ops::Range<usize> {
        to_usize(self.start - base)..to_usize(self.end - base)
    }

    /// The span counted from `base` (a place in the text, within a piece of it).
    #[must_use]
    pub(super) fn shifted_back(self, base: u64) -> Self {
        Self {
            start: self.start - base,
            end: self.end - base,
        }
    }

    /// The span moved by `by` bytes (a span of a piece of the text, placed in the text).
    #[must_use]
    pub(super) fn shifted(self, by: u64) -> Self {
        Self {
            start: self.start + by,
            end: self.end + by,
        }
    }
}

/// An offset as an index; offsets come from slices of this machine's memory, so they fit.
pub(super) fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// A member of an object (with its key, quotes included) or an element of an array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Child {
    /// The key of an object member.
    pub key: Option<Span>,
    /// The value.
    pub value: Span,
}

/// What a value is, read from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{…}`
    Object,
    /// `[…]`
    Array,
    /// `"…"`
    Text,
    /// A number, `true`, `false` or `null`.
    Scalar,
}

pub(super) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// The length of a UTF-8 byte-order mark at the start of `b` (3), or 0: RFC 8259 lets a
/// reader ignore one, and some .NET and IIS stacks send it.
pub(super) fn bom_len(b: &[u8]) -> usize {
    if b.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 }
}

pub(super) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

/// `i` at an opening quote: the offset after the closing one. The text between is passed
/// over by `memchr` (many bytes at a time), stopping only at quotes and backslashes.
pub(super) fn string_end(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        match memchr::memchr2(b'"', b'\\', &b[j..]) {
            None => return b.len(),
            Some(k) if b[j + k] == b'\\' => j += k + 2,
            Some(k) => return j + k + 1,
        }
    }
    b.len()
}

pub(super) fn scalar_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && !matches!(b[i], b',' | b'}' | b']') && !is_ws(b[i]) {
        i += 1;
    }
    i
}

/// `i` at a value: the offset after it.
pub(super) fn value_end(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => string_end(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(b, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            b.len()
        }
        _ => scalar_end(b, i),
    }
}

/// A string or scalar value as text for people, from its bytes: strings unescaped (a lone
/// surrogate escape as U+FFFD, the rest kept), `null` empty, numbers and booleans as sent.
pub(super) fn value_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if bytes.first() == Some(&b'"') {
        let inner = &bytes[1..bytes.len().saturating_sub(1).max(1)];
        if inner.contains(&b'\\') {
            let mended = crate::model::mend_lone_surrogates(bytes);
            Cow::Owned(serde_json::from_slice::<String>(&mended).unwrap_or_default())
        } else {
            String::from_utf8_lossy(inner)
        }
    } else if bytes == b"null" {
        Cow::Borrowed("")
    } else {
        String::from_utf8_lossy(bytes)
    }
}

pub(super) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(super) fn span(start: usize, end: usize) -> Span {
    Span {
        start: start as u64,
        end: end as u64,
    }
}

/// The members or elements of the container at `container`, scanned from the bytes. Only
/// the container's own bytes are read, and a member whose key is not a string ends the
/// list: text that is not JSON (read beside its check) costs no more than its length.
pub(super) fn scan_children(b: &[u8], container: Span) -> Vec<Child> {
    let b = &b[..to_usize(container.end).min(b.len())];
    let object = b.get(to_usize(container.start)) == Some(&b'{');
    let mut children = Vec::new();
    let mut i = skip_ws(b, to_usize(container.start) + 1);
    while i < b.len() && !matches!(b[i], b'}' | b']') {
        let key = if object {
            if b[i] != b'"' {
                break;
            }
            let end = string_end(b, i);
            let key = span(i, end);
            i = skip_ws(b, skip_ws(b, end) + 1);
            Some(key)
        } else {
            None
        };
        let end = value_end(b, i);
        children.push(Child {
            key,
            value: span(i, end),
        });
        i = skip_ws(b, end);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
    }
    children
}

/// Bits of a pretty line's offset: 256 TB, past any body.
pub(super) const LINE_OFFSET_BITS: u32 = 48;

/// How many lines a block of [`Lines`] holds (as a power of two).
const LINE_BLOCK_BITS: u32 = 16;

/// Packed lines ([`pretty_lines`]) kept in blocks of 65,536: growing never copies what is
/// there, where one vector doubling would hold up to twice the index (and three times
/// while it moves). A block keeps each line in 5 bytes (its offset from the block's first
/// line in 32 bits, its depth held at 255: lines are indented at most 64 levels anyway)
/// unless its lines span 4 GB or more, then in 8.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Lines {
    blocks: Vec<LineBlock>,
    len: usize,
}

/// One block of [`Lines`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum LineBlock {
    /// Offsets from `base` and depths apart: 5 bytes a line.
    Narrow {
        base: u64,
        offsets: Vec<u32>,
        depths: Vec<u8>,
    },
    /// Packed as [`pretty_lines`] makes them: 8 bytes a line.
    Wide(Vec<u64>),
}

const OFFSET_MASK: u64 = (1 << LINE_OFFSET_BITS) - 1;

impl LineBlock {
    fn get(&self, index: usize) -> Option<u64> {
        match self {
            Self::Narrow {
                base,
                offsets,
                depths,
            } => Some(
                (base + u64::from(*offsets.get(index)?))
                    | (u64::from(*depths.get(index)?) << LINE_OFFSET_BITS),
            ),
            Self::Wide(packed) => packed.get(index).copied(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Narrow { offsets, .. } => offsets.len(),
            Self::Wide(packed) => packed.len(),
        }
    }
}

impl Lines {
    fn push(&mut self, packed: u64) {
        let offset = packed & OFFSET_MASK;
        let depth = packed >> LINE_OFFSET_BITS;
        if self.len.trailing_zeros() >= LINE_BLOCK_BITS || self.blocks.is_empty() {
            self.blocks.push(LineBlock::Narrow {
                base: offset,
                offsets: Vec::with_capacity(1 << LINE_BLOCK_BITS),
                depths: Vec::with_capacity(1 << LINE_BLOCK_BITS),
            });
        }
        self.len += 1;
        let Some(block) = self.blocks.last_mut() else {
            return;
        };
        if let LineBlock::Narrow {
            base,
            offsets,
            depths,
        } = block
        {
            if let Some(delta) = offset
                .checked_sub(*base)
                .and_then(|d| u32::try_from(d).ok())
            {
                offsets.push(delta);
                depths.push(u8::try_from(depth).unwrap_or(u8::MAX));
                return;
            }
            // This block's lines span 4 GB or more: 8 bytes a line from here on.
            let wide: Vec<u64> = (0..block.len()).filter_map(|i| block.get(i)).collect();
            *block = LineBlock::Wide(wide);
        }
        if let LineBlock::Wide(lines) = block {
            lines.push(packed);
        }
    }

    /// How many lines there are.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Line `index`, packed (its depth held at 255).
    pub(super) fn get(&self, index: usize) -> Option<u64> {
        self.blocks
            .get(index >> LINE_BLOCK_BITS)?
            .get(index & ((1 << LINE_BLOCK_BITS) - 1))
    }
}

/// Pretty-printed lines, as offsets into the body: each packs where the line's first token
/// starts (low [`LINE_OFFSET_BITS`] bits) and its depth (the high 16 bits, held at 65,535
/// for deeper nesting: lines are shown indented at most 64 levels anyway).
///
/// The same walk checks that the body is JSON, exactly as `serde_json` reads a value it
/// ignores (`from_slice::<IgnoredAny>`: RFC 8259's grammar; strings free of control
/// characters with only its escapes, any `\uXXXX` taken, lone surrogates too; bytes past
/// ASCII not checked as UTF-8; nesting unlimited; nothing but whitespace after the
/// value), so no separate pass is needed: `None` when it is not.
pub(super) fn pretty_lines(b: &[u8]) -> Option<Lines> {
    let pack = |offset: usize, depth: u32| {
        (offset as u64 & ((1 << LINE_OFFSET_BITS) - 1))
            | (u64::from(depth.min(0xFFFF)) << LINE_OFFSET_BITS)
    };
    let mut lines = Lines::default();
    // (object?, depth) of each open container.
    let mut open: Vec<(bool, u32)> = Vec::new();
    let mut i = skip_ws(b, bom_len(b));
    let mut line_start = i;
    let mut depth = 0u32;
    loop {
        // At a value.
        lines.push(pack(line_start, depth));
        match *b.get(i)? {
            c @ (b'{' | b'[') => {
                let first = skip_ws(b, i + 1);
                let close = if c == b'{' { b'}' } else { b']' };
                if b.get(first) == Some(&close) {
                    i = first + 1;
                } else {
                    open.push((c == b'{', depth));
                    depth += 1;
                    line_start = first;
                    i = first;
                    if c == b'{' {
                        i = member_value(b, i)?;
                    }
                    continue;
                }
            }
            b'"' => i = checked_string_end(b, i)?,
            _ => i = checked_scalar_end(b, i)?,
        }
        // After a value: the next member, or the closing of containers.
        loop {
            i = skip_ws(b, i);
            let Some(&(object, outer)) = open.last() else {
                return (i == b.len()).then_some(lines);
            };
            match *b.get(i)? {
                b',' => {
                    i = skip_ws(b, i + 1);
                    line_start = i;
                    if object {
                        i = member_value(b, i)?;
                    }
                    depth = outer + 1;
                    break;
                }
                b'}' if object => {}
                b']' if !object => {}
                _ => return None,
            }
            open.pop();
            lines.push(pack(i, outer));
            i += 1;
        }
    }
}

/// `i` at a member's key: where its value starts (after the key, the colon and any
/// whitespace); `None` unless that is a string, then a colon.
fn member_value(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let colon = skip_ws(b, checked_string_end(b, i)?);
    (b.get(colon) == Some(&b':')).then(|| skip_ws(b, colon + 1))
}

/// `i` at an opening quote: the offset after the closing one, when the string is one
/// `serde_json` takes: no control character (below U+0020) unescaped, and only the escapes
/// `\" \\ \/ \b \f \n \r \t` and `\u` with four hex digits. Text between escapes is
/// passed over by `memchr`, its control characters looked for many bytes at a time.
pub(super) fn checked_string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = memchr::memchr2(b'"', b'\\', b.get(j..)?)?;
        if b[j..j + k].iter().any(|&c| c < 0x20) {
            return None;
        }
        j += k;
        if b[j] == b'"' {
            return Some(j + 1);
        }
        j += match *b.get(j + 1)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
            b'u' if b.get(j + 2..j + 6)?.iter().all(u8::is_ascii_hexdigit) => 6,
            _ => return None,
        };
    }
}

/// `i` at a value that is not a string or container: the offset after it, when it is
/// `true`, `false`, `null` or a number in RFC 8259's grammar (`-`, no leading zeros, at
/// least one digit after `.` and after `e`).
fn checked_scalar_end(b: &[u8], i: usize) -> Option<usize> {
    for word in [b"true".as_slice(), b"false", b"null"] {
        if b.get(i..)?.starts_with(word) {
            return Some(i + word.len());
        }
    }
    let digits = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut j = i + usize::from(b.get(i) == Some(&b'-'));
    j = match *b.get(j)? {
        b'0' if b.get(j + 1).is_some_and(u8::is_ascii_digit) => return None,
        b'0' => j + 1,
        b'1'..=b'9' => digits(j),
        _ => return None,
    };
    if b.get(j) == Some(&b'.') {
        let end = digits(j + 1);
        if end == j + 1 {
            return None;
        }
        j = end;
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        j += 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let end = digits(j);
        if end == j {
            return None;
        }
        j = end;
    }
    Some(j)
}

#[cfg(test)]
mod line_tests {
    use super::*;

    #[test]
    fn the_walk_takes_and_refuses_what_serde_json_does() {
        // After JSONTestSuite's y_ (taken) and n_ (refused) cases, as serde_json reads a
        // value it ignores: lone surrogates and bytes that are not UTF-8 taken, nesting
        // unlimited.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let taken: Vec<&[u8]> = vec![
            b"[]",
            b"{}",
            b" [1] ",
            b"[1e+2]",
            b"[-0]",
            b"[1E-2]",
            b"[0.5e007]",
            br#"["\ud800"]"#,
            br#"["\u0000"]"#,
            b"[\"\x7f\"]",
            b"[\"\xff\xfe\"]",
            br#"{"a":"b","a":"c"}"#,
            br#""\/\b\f\n\r\t\"\\""#,
            b"123",
            b"null",
            b"-1",
            b"[123456789012345678901234567890]",
            b"[1.7976931348623157e309]",
            b"\xEF\xBB\xBF[1]",
            b"{\"a\" :\t[ true , false,null ]\r\n}",
            deep.as_bytes(),
        ];
        let refused: Vec<&[u8]> = vec![
            b"[1,]",
            b"[,1]",
            br#"{"a":1,}"#,
            b"[01]",
            b"[1.]",
            b"[.1]",
            b"[1e]",
            b"[1e+]",
            b"[+1]",
            b"[NaN]",
            b"[-]",
            b"[- 1]",
            b"[\"a\x01\"]",
            b"[\"a\tb\"]",
            br#"["\x"]"#,
            br#"["\u12"]"#,
            br#"["\u12G4"]"#,
            b"[tru]",
            b"[truex]",
            br#"{"a" 1}"#,
            b"{1:1}",
            b"[1 2]",
            b"[1]x",
            b"[",
            b"]",
            br#"{"a":1]"#,
            b"[1}",
            br#"["a"#,
            b"[\x0c]",
            b"[1]\x00",
            b"[\"\\",
            b"{\"a\":",
            b"{\"a\"",
            b"",
            b" ",
            b"\xEF\xBB\xBF",
            b"[1]]",
            b"[]]",
            b"{}}",
        ];
        for (cases, valid) in [(taken, true), (refused, false)] {
            for case in cases {
                let text = case
                    .strip_prefix(b"\xEF\xBB\xBF".as_slice())
                    .unwrap_or(case);
                let serde = serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok();
                let shown = String::from_utf8_lossy(&case[..case.len().min(40)]);
                assert_eq!(serde, valid, "serde_json on {shown}");
                assert_eq!(pretty_lines(case).is_some(), valid, "{shown}");
            }
        }
    }

    #[test]
    fn lines_keep_offsets_and_depths_in_blocks_narrow_or_wide() {
        let pack = |offset: u64, depth: u64| offset | (depth << LINE_OFFSET_BITS);
        let mut lines = Lines::default();
        let count = (1usize << LINE_BLOCK_BITS) + 10_000;
        for i in 0..count as u64 {
            // Deep lines are held at 255; a line 5 GB on turns its block wide.
            let offset = if i == 70_000 { 5 << 30 } else { i * 3 };
            lines.push(pack(offset, i % 300));
        }
        assert_eq!(lines.len(), count);
        assert_eq!(lines.blocks.len(), 2);
        assert!(matches!(lines.blocks[0], LineBlock::Narrow { .. }));
        assert!(matches!(lines.blocks[1], LineBlock::Wide(_)));
        for i in [0usize, 1, 299, 65_535, 65_536, 69_999, 70_000, count - 1] {
            let i64_ = i as u64;
            let offset = if i == 70_000 { 5 << 30 } else { i64_ * 3 };
            // Held at 255 while narrow; a wide block keeps depths from then on.
            let depth = if i < 70_000 {
                (i64_ % 300).min(255)
            } else {
                i64_ % 300
            };
            assert_eq!(lines.get(i), Some(pack(offset, depth)), "line {i}");
        }
        assert_eq!(lines.get(count), None);
    }
}
