//! The resolutions the history keeps, how long each is kept, and which of them
//! answer a question about a time window.

use noc_model::Millis;
use serde::Serialize;

const MINUTE: Millis = 60_000;
const HOUR: Millis = 60 * MINUTE;
const DAY: Millis = 24 * HOUR;

/// One level of the history: every result, or one of the roll-up bucket sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Raw,
    Minute,
    Hour,
    Day,
}

impl Resolution {
    pub(crate) const ROLLUPS: [Resolution; 3] =
        [Resolution::Minute, Resolution::Hour, Resolution::Day];

    /// The bucket length; a raw result stands for itself (1 ms).
    pub fn bucket_ms(self) -> Millis {
        match self {
            Resolution::Raw => 1,
            Resolution::Minute => MINUTE,
            Resolution::Hour => HOUR,
            Resolution::Day => DAY,
        }
    }

    /// The widest window a chart is drawn from at this resolution: a few thousand
    /// points per line at most at a 30 s interval.
    fn max_span(self) -> Millis {
        match self {
            Resolution::Raw => 6 * HOUR,
            Resolution::Minute => 2 * DAY,
            Resolution::Hour => 90 * DAY,
            Resolution::Day => Millis::MAX,
        }
    }

    pub(crate) fn table(self) -> &'static str {
        match self {
            Resolution::Raw => "raw",
            Resolution::Minute => "minute",
            Resolution::Hour => "hour",
            Resolution::Day => "day",
        }
    }

    fn finer(self) -> Option<Resolution> {
        match self {
            Resolution::Raw => None,
            Resolution::Minute => Some(Resolution::Raw),
            Resolution::Hour => Some(Resolution::Minute),
            Resolution::Day => Some(Resolution::Hour),
        }
    }
}

/// How long each level is kept. The defaults bound the file for 1,000 probes at a
/// 30 s interval to about 0.5 GB for ever (see bench/BENCHMARKS.md): every result
/// for a day (incident review), minutes for two days (the 24 h chart), hours for
/// 90 days (the 7 and 30 day charts and uptimes, a quarter's review) and days for two
/// years (year-on-year uptime).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub raw: Millis,
    pub minute: Millis,
    pub hour: Millis,
    pub day: Millis,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            raw: DAY,
            minute: 2 * DAY,
            hour: 90 * DAY,
            day: 730 * DAY,
        }
    }
}

impl Retention {
    pub fn of(&self, resolution: Resolution) -> Millis {
        match resolution {
            Resolution::Raw => self.raw,
            Resolution::Minute => self.minute,
            Resolution::Hour => self.hour,
            Resolution::Day => self.day,
        }
    }

    /// The finest resolution that is still kept for all of `[from, to)` and draws it in
    /// a sensible number of points.
    pub fn chart_resolution(&self, from: Millis, to: Millis, now: Millis) -> Resolution {
        let span = to.saturating_sub(from);
        [Resolution::Raw, Resolution::Minute, Resolution::Hour]
            .into_iter()
            .find(|r| span <= r.max_span() && from >= now.saturating_sub(self.of(*r)))
            .unwrap_or(Resolution::Day)
    }

    /// Splits `[from, to)` into pieces each read from one level: whole days from the
    /// day level, the hours left at the edges from the hour level, and so on down to
    /// single results. An edge piece older than its level's retention is left out (at
    /// most one bucket of the next coarser level at each end).
    pub(crate) fn cover(&self, from: Millis, to: Millis, now: Millis) -> Vec<Piece> {
        let mut pieces = Vec::new();
        self.cover_at(Resolution::Day, from, to, now, &mut pieces);
        pieces
    }

    fn cover_at(
        &self,
        level: Resolution,
        from: Millis,
        to: Millis,
        now: Millis,
        out: &mut Vec<Piece>,
    ) {
        if from >= to || to <= now.saturating_sub(self.of(level)) {
            return;
        }
        let size = level.bucket_ms();
        let start =
            from.div_euclid(size) * size + if from.rem_euclid(size) == 0 { 0 } else { size };
        let end = to.div_euclid(size) * size;
        let Some(finer) = level.finer() else {
            out.push(Piece { level, from, to });
            return;
        };
        if start < end {
            self.cover_at(finer, from, start, now, out);
            out.push(Piece {
                level,
                from: start,
                to: end,
            });
            self.cover_at(finer, end, to, now, out);
        } else {
            self.cover_at(finer, from, to, now, out);
        }
    }
}

/// A part of a window read from one level: `[from, to)`, aligned to its buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Piece {
    pub level: Resolution,
    pub from: Millis,
    pub to: Millis,
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_795_000_000_000;

    fn total(pieces: &[Piece]) -> Millis {
        pieces.iter().map(|p| p.to - p.from).sum()
    }

    #[test]
    fn a_recent_window_is_covered_exactly_without_overlap() {
        let retention = Retention::default();
        let from = NOW - 30 * DAY + 12_345;
        let pieces = retention.cover(from, NOW, NOW);
        let mut sorted = pieces.clone();
        sorted.sort_by_key(|p| p.from);
        for pair in sorted.windows(2) {
            assert!(pair[0].to <= pair[1].from, "{pair:?} overlap");
        }
        // Only the oldest part finer than an hour is past its retention.
        let head_lost = sorted[0].from - from;
        assert!(head_lost < HOUR, "lost {head_lost} ms at the head");
        assert_eq!(total(&pieces), NOW - sorted[0].from);
        for piece in &pieces {
            let size = piece.level.bucket_ms();
            assert_eq!(piece.from % size, 0, "{piece:?} not aligned");
            assert_eq!(piece.to % size, 0, "{piece:?} not aligned");
        }
        assert!(pieces.iter().any(|p| p.level == Resolution::Day));
        assert!(pieces.iter().any(|p| p.level == Resolution::Raw));
    }

    #[test]
    fn a_window_within_a_day_of_now_is_covered_entirely() {
        let retention = Retention::default();
        let from = NOW - 5 * HOUR - 7 * MINUTE - 3_000;
        let pieces = retention.cover(from, NOW, NOW);
        assert_eq!(total(&pieces), NOW - from);
        assert!(pieces.iter().all(|p| p.level != Resolution::Day));
    }

    #[test]
    fn charts_get_finer_points_for_shorter_recent_windows() {
        let r = Retention::default();
        assert_eq!(r.chart_resolution(NOW - HOUR, NOW, NOW), Resolution::Raw);
        assert_eq!(r.chart_resolution(NOW - DAY, NOW, NOW), Resolution::Minute);
        assert_eq!(
            r.chart_resolution(NOW - 7 * DAY, NOW, NOW),
            Resolution::Hour
        );
        assert_eq!(
            r.chart_resolution(NOW - 365 * DAY, NOW, NOW),
            Resolution::Day
        );
        // An hour three days ago: its results and minutes are gone.
        let old = NOW - 3 * DAY;
        assert_eq!(r.chart_resolution(old, old + HOUR, NOW), Resolution::Hour);
    }
}
