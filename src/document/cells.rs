//! A run's cells, packed small: where each field's value lies, row-major over the run's
//! columns. In most records every value starts within 64 KB of its record's start and is
//! shorter than 64 KB, so a cell is 4 bytes, that offset and the length as two `u16`,
//! beside one `u32` per row for where the record starts; a run with a value past that
//! keeps 8 bytes a cell (`start << 32 | end` from the run's base). A missing field is 0 either way: no value starts at its
//! record's first byte, which is `{`.

use super::scan::Span;

/// The cells of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Cells {
    /// Values within 64 KB of their record's start and shorter than 64 KB: `starts[row]`
    /// from the run's base, cells `offset << 16 | len` from their record's start.
    Narrow { starts: Vec<u32>, cells: Vec<u32> },
    /// Any record: `start << 32 | end` from the run's base.
    Wide(Vec<u64>),
}

impl Default for Cells {
    fn default() -> Self {
        Self::Narrow {
            starts: Vec::new(),
            cells: Vec::new(),
        }
    }
}

impl Cells {
    /// Makes room for `rows` more rows of `width` cells at once (what a run will hold, as
    /// far as its first row tells), rather than doubling as they come.
    pub(super) fn reserve(&mut self, rows: usize, width: usize) {
        match self {
            Self::Narrow { starts, cells } => {
                starts.reserve_exact(rows);
                cells.reserve_exact(rows.saturating_mul(width));
            }
            Self::Wide(cells) => cells.reserve_exact(rows.saturating_mul(width)),
        }
    }

    /// The cell at `index` (`row * width + column`), as a span from the run's base.
    pub(super) fn get(&self, index: usize, width: usize) -> Option<Span> {
        match self {
            Self::Narrow { starts, cells } => {
                let cell = *cells.get(index)?;
                if cell == 0 {
                    return None;
                }
                let record = u64::from(*starts.get(index / width.max(1))?);
                let start = record + u64::from(cell >> 16);
                Some(Span {
                    start,
                    end: start + u64::from(cell & 0xFFFF),
                })
            }
            Self::Wide(cells) => {
                let cell = *cells.get(index)?;
                (cell != 0).then(|| super::joined::unpack(cell))
            }
        }
    }

    /// Appends a row: its record's span and each cell's span (`None`: missing), both from
    /// the run's base. Turns the run wide when a value does not fit 16 bits.
    pub(super) fn push(&mut self, record: Span, row: &[Option<Span>]) {
        if let Self::Narrow { starts, cells } = self {
            let offset = |at: Span| {
                let from = u16::try_from(at.start - record.start).ok()?;
                let len = u16::try_from(at.end - at.start).ok()?;
                Some((u32::from(from) << 16) | u32::from(len))
            };
            // Checked first, then written: no vector a row.
            if let Ok(start) = u32::try_from(record.start)
                && row
                    .iter()
                    .all(|cell| cell.is_none_or(|at| offset(at).is_some()))
            {
                starts.push(start);
                cells.extend(row.iter().map(|cell| cell.and_then(offset).unwrap_or(0)));
                return;
            }
            self.widen_cells(row.len());
        }
        if let Self::Wide(cells) = self {
            cells.extend(
                row.iter()
                    .map(|cell| cell.map_or(0, |at| (at.start << 32) | at.end)),
            );
        }
    }

    /// Every cell 8 bytes from here on.
    fn widen_cells(&mut self, width: usize) {
        let Self::Narrow { starts, cells } = self else {
            return;
        };
        let wide = cells
            .iter()
            .enumerate()
            .map(|(i, &cell)| {
                if cell == 0 {
                    return 0;
                }
                let start = u64::from(starts[i / width.max(1)]) + u64::from(cell >> 16);
                (start << 32) | (start + u64::from(cell & 0xFFFF))
            })
            .collect();
        *self = Self::Wide(wide);
    }

    /// The same `rows` laid out `wider` columns across instead of `width` (the new
    /// columns missing).
    pub(super) fn widened(self, rows: usize, width: usize, wider: usize) -> Self {
        fn relaid<T: Copy + Default>(
            cells: &[T],
            rows: usize,
            width: usize,
            wider: usize,
        ) -> Vec<T> {
            let mut out = Vec::with_capacity(rows * wider);
            for row in 0..rows {
                out.extend_from_slice(cells.get(row * width..(row + 1) * width).unwrap_or(&[]));
                out.resize((row + 1) * wider, T::default());
            }
            out
        }
        match self {
            Self::Narrow { starts, cells } => Self::Narrow {
                cells: relaid(&cells, rows, width, wider),
                starts,
            },
            Self::Wide(cells) => Self::Wide(relaid(&cells, rows, width, wider)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::unnecessary_wraps)] // the shape `Cells::get` answers in
    fn at(start: u64, end: u64) -> Option<Span> {
        Some(Span { start, end })
    }

    #[test]
    fn cells_read_back_narrow_and_wide() {
        let mut cells = Cells::default();
        cells.push(at(0, 20).unwrap(), &[at(5, 7), None]);
        cells.push(at(21, 40).unwrap(), &[None, at(30, 39)]);
        assert!(matches!(cells, Cells::Narrow { .. }));
        assert_eq!(cells.get(0, 2), at(5, 7));
        assert_eq!(cells.get(1, 2), None);
        assert_eq!(cells.get(3, 2), at(30, 39));
        // A record of 64 KB turns the run wide; what was read before reads the same.
        cells.push(
            at(41, 41 + 70_000).unwrap(),
            &[at(50, 60_050), at(60_060, 41 + 69_999)],
        );
        assert!(
            matches!(cells, Cells::Narrow { .. }),
            "offsets and lengths still fit"
        );
        cells.push(at(70_042, 140_000).unwrap(), &[None, at(136_100, 136_110)]);
        assert!(
            matches!(cells, Cells::Wide(_)),
            "an offset past 64 KB in its record"
        );
        assert_eq!(cells.get(7, 2), at(136_100, 136_110));
        assert_eq!(cells.get(0, 2), at(5, 7));
        assert_eq!(cells.get(3, 2), at(30, 39));
        assert_eq!(cells.get(4, 2), at(50, 60_050));
        assert_eq!(cells.get(5, 2), at(60_060, 41 + 69_999));
        let wider = cells.widened(4, 2, 3);
        assert_eq!(wider.get(3 + 2, 3), None, "the new column");
        assert_eq!(wider.get(3, 3), None);
        assert_eq!(wider.get(3 + 1, 3), at(30, 39));
        assert_eq!(wider.get(3 * 2, 3), at(50, 60_050));
        assert_eq!(wider.get(3 * 3 + 1, 3), at(136_100, 136_110));
    }
}
