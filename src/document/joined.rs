//! The pages of a list read in place as one JSON array: each page's records stay in the
//! page's own body, as received (nothing is copied to join them), and the array they make,
//! `[run,run,…]`, is addressed with 64-bit offsets, so a join is not stopped at 4 GB.
//!
//! A *run* is a stretch of one page's body from its first record to its last, with the
//! commas and white space between them as sent. The joined text puts `[` before the first
//! run, `,` between runs and `]` after the last; [`Joined::whole`] builds those bytes only
//! when a view needs the text in one piece (the raw view, a save as JSON).

use std::sync::{Arc, OnceLock};

use bytes::Bytes;

use super::scan::{Child, Span};

/// Records of one page, in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Run {
    /// Where the run's first byte lies in the joined text.
    pub(super) at: u64,
    /// The records with what lies between them, as the page sent them.
    pub(super) bytes: Bytes,
    /// How many records come before this run's first.
    pub(super) first: usize,
    /// Each record's place in `bytes`, packed `start << 32 | end`.
    pub(super) records: Vec<u64>,
}

/// A run's packed place of a record, as a span of `bytes` (its own offsets).
pub(super) fn unpack(packed: u64) -> Span {
    Span {
        start: packed >> 32,
        end: packed & u64::from(u32::MAX),
    }
}

/// Runs of records joined into one array, read where they lie.
#[derive(Debug, Clone)]
pub(super) struct Joined {
    runs: Vec<Run>,
    len: u64,
    count: usize,
    /// The joined text in one piece, once a view has asked for it.
    whole: OnceLock<Bytes>,
    /// The array's elements as children, once the tree has asked for them.
    children: OnceLock<Arc<[Child]>>,
}

impl PartialEq for Joined {
    fn eq(&self, other: &Self) -> bool {
        self.runs == other.runs
    }
}

impl Eq for Joined {}

impl Joined {
    /// Joins `runs` (each the bytes of a page's records and their places in those bytes),
    /// in order; empty runs are left out.
    pub(super) fn new(runs: impl IntoIterator<Item = (Bytes, Vec<u64>)>) -> Self {
        let mut placed = Vec::new();
        // After the `[`; each later run after a `,`.
        let mut at = 1u64;
        let mut count = 0;
        for (bytes, records) in runs.into_iter().filter(|(_, r)| !r.is_empty()) {
            if !placed.is_empty() {
                at += 1;
            }
            let len = bytes.len() as u64;
            let first = count;
            count += records.len();
            placed.push(Run {
                at,
                bytes,
                first,
                records,
            });
            at += len;
        }
        Self {
            runs: placed,
            len: at + 1,
            count,
            whole: OnceLock::new(),
            children: OnceLock::new(),
        }
    }

    /// The runs, in order.
    pub(super) fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// Bytes in the joined text.
    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// How many records the array holds.
    pub(super) fn count(&self) -> usize {
        self.count
    }

    /// The run that holds the byte at `offset`, if any (the brackets and the commas
    /// between runs lie in none).
    fn run_at(&self, offset: u64) -> Option<&Run> {
        let index = self
            .runs
            .partition_point(|r| r.at <= offset)
            .checked_sub(1)?;
        let run = &self.runs[index];
        (offset < run.at + run.bytes.len() as u64).then_some(run)
    }

    /// The byte at `offset` of the joined text.
    pub(super) fn byte(&self, offset: u64) -> Option<u8> {
        if offset >= self.len {
            return None;
        }
        if offset == 0 {
            return Some(b'[');
        }
        if offset == self.len - 1 {
            return Some(b']');
        }
        Some(match self.run_at(offset) {
            Some(run) => run.bytes[super::scan::to_usize(offset - run.at)],
            None => b',',
        })
    }

    /// The bytes of the run that holds all of `at`, and the offset they start at.
    pub(super) fn piece(&self, at: Span) -> Option<(&[u8], u64)> {
        self.run_of(at).map(|(bytes, at)| (&bytes[..], at))
    }

    /// [`Self::piece`] as the run's shared bytes.
    pub(super) fn run_of(&self, at: Span) -> Option<(&Bytes, u64)> {
        let run = self.run_at(at.start)?;
        (at.end <= run.at + run.bytes.len() as u64).then_some((&run.bytes, run.at))
    }

    /// Record `index`, where it lies in the joined text.
    pub(super) fn record(&self, index: usize) -> Option<Span> {
        let run = self
            .runs
            .partition_point(|r| r.first <= index)
            .checked_sub(1)?;
        let run = &self.runs[run];
        let packed = *run.records.get(index - run.first)?;
        Some(unpack(packed).shifted(run.at))
    }

    /// Every record as an element of the array.
    pub(super) fn children(&self) -> Arc<[Child]> {
        self.children
            .get_or_init(|| {
                self.runs
                    .iter()
                    .flat_map(|run| {
                        run.records.iter().map(|&packed| Child {
                            key: None,
                            value: unpack(packed).shifted(run.at),
                        })
                    })
                    .collect()
            })
            .clone()
    }

    /// The joined text in one piece (built the first time it is asked for).
    pub(super) fn whole(&self) -> &Bytes {
        self.whole.get_or_init(|| {
            let mut text = Vec::with_capacity(super::scan::to_usize(self.len));
            text.push(b'[');
            for (i, run) in self.runs.iter().enumerate() {
                if i > 0 {
                    text.push(b',');
                }
                text.extend_from_slice(&run.bytes);
            }
            text.push(b']');
            Bytes::from(text)
        })
    }

    /// Writes the joined text to `out` run by run, without building it in one piece.
    pub(super) fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        out.write_all(b"[")?;
        for (i, run) in self.runs.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(&run.bytes)?;
        }
        out.write_all(b"]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined() -> Joined {
        let pack = |s: u64, e: u64| (s << 32) | e;
        Joined::new([
            (
                Bytes::from_static(b"{\"a\":1} ,\n{\"a\":2}"),
                vec![pack(0, 7), pack(10, 17)],
            ),
            (Bytes::new(), Vec::new()),
            (Bytes::from_static(b"{\"a\":3}"), vec![pack(0, 7)]),
        ])
    }

    #[test]
    fn the_joined_text_is_read_in_place() {
        let j = joined();
        let whole = j.whole().clone();
        assert_eq!(&whole[..], b"[{\"a\":1} ,\n{\"a\":2},{\"a\":3}]");
        assert_eq!(j.len(), whole.len() as u64);
        assert_eq!(j.count(), 3);
        for (offset, byte) in whole.iter().enumerate() {
            assert_eq!(j.byte(offset as u64), Some(*byte), "byte {offset}");
        }
        assert_eq!(j.byte(whole.len() as u64), None);
        let texts: Vec<&[u8]> = (0..3)
            .map(|i| {
                let at = j.record(i).unwrap();
                let (bytes, base) = j.piece(at).unwrap();
                assert_eq!(&bytes[at.within(base)], &whole[at.within(0)]);
                &whole[at.within(0)]
            })
            .collect();
        assert_eq!(texts, [&b"{\"a\":1}"[..], b"{\"a\":2}", b"{\"a\":3}"]);
        assert_eq!(j.record(3), None);
        assert_eq!(j.children().len(), 3);
        assert_eq!(j.children()[2].value, j.record(2).unwrap());
        // The whole array lies in no one run.
        assert!(
            j.piece(Span {
                start: 0,
                end: j.len()
            })
            .is_none()
        );
        let mut written = Vec::new();
        j.write_to(&mut written).unwrap();
        assert_eq!(written, whole);
    }
}
