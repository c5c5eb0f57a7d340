//! Duty statistics and reports of the NOC console: what a shift saw and how fast it
//! answered, computed from the event log (the live state forgets old resolved
//! incidents), and rendered as HTML and PDF documents with charts.

mod charts;
mod html;
mod pdf;
mod report;
mod source;
mod stats;
mod typeset;
mod words;

pub use charts::Charts;
pub use html::{render_html, title_of};
pub use pdf::{render_pdf, render_pdf_with};
pub use report::{
    AlarmRow, ClockCompliance, ClockTally, ClockVerdicts, DurationSummary, IncidentReview,
    IncidentRow, NoticeRow, OverdueUpdate, ReportData, ReportFold, ReportKind, ReportRequest,
    SourceNoise, SystemCount, TimelineEntry, VolumeBucket, MAX_REPORT_DAYS,
};
pub use source::{report_from_recording, report_from_store};
pub use stats::{
    typescript_bindings, Compliance, DutyStats, ReportError, SeverityCounts, SourceCounts,
    StatsCache, StatsFold, Tally,
};
pub use typeset::Fonts;
pub use words::{format_duration, format_offset, format_time, parse_moment, Lang, Words};
