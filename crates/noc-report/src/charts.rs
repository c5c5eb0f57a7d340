//! The report's charts, drawn with plotters as SVG: text, no font files, the same
//! picture in the HTML and (converted) in the PDF. Labels go through plotters' SVG
//! backend, which escapes them; source and system names are untrusted.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use noc_model::Severity;

use crate::words::{format_time, Words};
use crate::{ReportData, SeverityCounts};

const WIDTH: u32 = 760;
const FONT: &str = "sans-serif";

/// Colours of the board's severities, readable on paper.
fn severity_colour(severity: Severity) -> RGBColor {
    match severity {
        Severity::Critical => RGBColor(0xc6, 0x28, 0x28),
        Severity::Major => RGBColor(0xef, 0x6c, 0x00),
        Severity::Minor => RGBColor(0xf9, 0xa8, 0x25),
        Severity::Warning => RGBColor(0x15, 0x65, 0xc0),
        Severity::Unknown => RGBColor(0x75, 0x75, 0x75),
        Severity::Info => RGBColor(0xb0, 0xbe, 0xc5),
    }
}

const MET: RGBColor = RGBColor(0x2e, 0x7d, 0x32);
const MISSED: RGBColor = RGBColor(0xc6, 0x28, 0x28);
const RUNNING: RGBColor = RGBColor(0x9e, 0x9e, 0x9e);
const BAR: RGBColor = RGBColor(0x37, 0x47, 0x4f);

pub(crate) fn of_severity(counts: &SeverityCounts, severity: Severity) -> u32 {
    match severity {
        Severity::Critical => counts.critical,
        Severity::Major => counts.major,
        Severity::Minor => counts.minor,
        Severity::Warning => counts.warning,
        Severity::Unknown => counts.unknown,
        Severity::Info => counts.info,
    }
}

/// The charts of a report, each one SVG document.
pub struct Charts {
    pub volume: String,
    pub by_severity: String,
    pub by_system: String,
    pub compliance: String,
    pub noisiest: String,
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

impl Charts {
    pub fn draw(data: &ReportData, words: &Words) -> Charts {
        Charts {
            volume: svg(WIDTH, 300, |area| volume(area, data, words)),
            by_severity: svg(WIDTH / 2 - 10, 260, |area| by_severity(area, data, words)),
            by_system: svg(
                WIDTH / 2 - 10,
                (90 + 26 * data.incidents_by_system.len().clamp(1, 12)) as u32,
                |area| by_system(area, data, words),
            ),
            compliance: svg(WIDTH, 220, |area| compliance(area, data, words)),
            noisiest: svg(
                WIDTH,
                (90 + 26 * data.noisiest_sources.len().clamp(1, 10)) as u32,
                |area| noisiest(area, data, words),
            ),
        }
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Draws into an SVG string. Drawing in memory fails only on a layout the numbers
/// cannot produce; a chart that did would keep what it drew rather than lose the report.
fn svg(width: u32, height: u32, draw: impl FnOnce(&Area) -> DrawResult) -> String {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        let _ = area
            .fill(&WHITE)
            .map_err(Into::into)
            .and_then(|()| draw(&area));
        let _ = area.present();
    }
    out
}

fn axis_max(max: u32) -> u32 {
    max.max(1) + max.max(1).div_ceil(10)
}

fn volume(area: &Area, data: &ReportData, words: &Words) -> DrawResult {
    let n = data.volume.len() as u32;
    let max = data
        .volume
        .iter()
        .map(|b| crate::report::total(&b.raised))
        .max()
        .unwrap_or(0);
    let mut chart = ChartBuilder::on(area)
        .caption(words.alarm_volume, (FONT, 18))
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d((0u32..n).into_segmented(), 0u32..axis_max(max))?;
    let label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => data
            .volume
            .get(*i as usize)
            .map(|b| bucket_label(b.start, data))
            .unwrap_or_default(),
        SegmentValue::Last => String::new(),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&label)
        .y_desc(words.alarms)
        .label_style((FONT, 11))
        .draw()?;
    // Stacked: the worst severity at the bottom of each bar.
    let mut floor = vec![0u32; data.volume.len()];
    for severity in Severity::ALL {
        let colour = severity_colour(severity);
        let bars: Vec<Rectangle<(SegmentValue<u32>, u32)>> = data
            .volume
            .iter()
            .enumerate()
            .filter_map(|(i, bucket)| {
                let count = of_severity(&bucket.raised, severity);
                (count > 0).then(|| {
                    let bottom = floor[i];
                    floor[i] += count;
                    let mut bar = Rectangle::new(
                        [
                            (SegmentValue::Exact(i as u32), bottom),
                            (SegmentValue::Exact(i as u32 + 1), bottom + count),
                        ],
                        colour.filled(),
                    );
                    bar.set_margin(0, 0, 1, 1);
                    bar
                })
            })
            .collect();
        if of_severity(&data.alarms_raised, severity) == 0 {
            continue;
        }
        chart
            .draw_series(bars)?
            .label(words.severity(severity))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled()));
    }
    if crate::report::total(&data.alarms_raised) > 0 {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font((FONT, 11))
            .draw()?;
    }
    Ok(())
}

/// Hours for a day's bars, dates for longer ranges.
fn bucket_label(start: noc_model::Millis, data: &ReportData) -> String {
    let text = format_time(start, data.utc_offset_minutes);
    if data.bucket_ms >= 24 * 3_600_000 {
        text[5..10].to_string()
    } else if data.to - data.from > 2 * 24 * 3_600_000 {
        format!("{} {}", &text[5..10], &text[11..13])
    } else {
        text[11..].to_string()
    }
}

fn by_severity(area: &Area, data: &ReportData, words: &Words) -> DrawResult {
    let counts: Vec<(Severity, u32)> = Severity::ALL
        .iter()
        .map(|&s| (s, of_severity(&data.incidents_by_severity, s)))
        .collect();
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0);
    let n = counts.len() as u32;
    let mut chart = ChartBuilder::on(area)
        .caption(words.by_severity, (FONT, 16))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(36)
        .build_cartesian_2d((0u32..n).into_segmented(), 0u32..axis_max(max))?;
    let label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => counts
            .get(*i as usize)
            .map(|c| words.severity(c.0).to_string())
            .unwrap_or_default(),
        SegmentValue::Last => String::new(),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(counts.len())
        .y_labels(5)
        .x_label_formatter(&label)
        .label_style((FONT, 11))
        .draw()?;
    // Empty bars are left out: a zero-height rectangle is not a valid shape.
    chart.draw_series(counts.iter().enumerate().filter(|(_, c)| c.1 > 0).map(
        |(i, &(severity, count))| {
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i as u32), 0),
                    (SegmentValue::Exact(i as u32 + 1), count),
                ],
                severity_colour(severity).filled(),
            );
            bar.set_margin(0, 0, 6, 6);
            bar
        },
    ))?;
    Ok(())
}

fn by_system(area: &Area, data: &ReportData, words: &Words) -> DrawResult {
    let rows: Vec<(String, u32)> = data
        .incidents_by_system
        .iter()
        .take(12)
        .map(|s| {
            let name = s.system.clone().unwrap_or_else(|| words.no_system.into());
            (name, s.incidents)
        })
        .collect();
    horizontal_bars(area, words.by_system, &rows, BAR)
}

fn noisiest(area: &Area, data: &ReportData, words: &Words) -> DrawResult {
    let rows: Vec<(String, u32)> = data
        .noisiest_sources
        .iter()
        .map(|s| (s.source.clone(), s.alarms))
        .collect();
    horizontal_bars(area, words.noisiest, &rows, BAR)
}

/// One bar per row, the first on top.
fn horizontal_bars(
    area: &Area,
    caption: &str,
    rows: &[(String, u32)],
    colour: RGBColor,
) -> DrawResult {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
    let n = rows.len().max(1) as u32;
    let longest = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(4);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FONT, 16))
        .margin(10)
        .x_label_area_size(24)
        .y_label_area_size((longest.clamp(4, 28) * 7 + 8) as u32)
        .build_cartesian_2d(0u32..axis_max(max), (0u32..n).into_segmented())?;
    let label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => rows
            .get((n - 1).checked_sub(*i).unwrap_or(u32::MAX) as usize)
            .map(|r| shorten(&r.0, 28))
            .unwrap_or_default(),
        SegmentValue::Last => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(rows.len().max(1))
        .x_labels(5)
        .y_label_formatter(&label)
        .label_style((FONT, 11))
        .draw()?;
    chart.draw_series(rows.iter().enumerate().map(|(i, row)| {
        let slot = n - 1 - i as u32;
        let mut bar = Rectangle::new(
            [
                (0, SegmentValue::Exact(slot)),
                (row.1, SegmentValue::Exact(slot + 1)),
            ],
            colour.filled(),
        );
        bar.set_margin(4, 4, 0, 0);
        bar
    }))?;
    Ok(())
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// One part of a clock's tally (met, missed or running).
type TallyPart = fn(&crate::ClockTally) -> u32;

/// Met / missed / running, stacked, one bar per clock.
fn compliance(area: &Area, data: &ReportData, words: &Words) -> DrawResult {
    let c = &data.compliance;
    let clocks = [
        (words.detect, c.detect),
        (words.identify, c.identify),
        (words.recover, c.recover),
    ];
    let max = clocks
        .iter()
        .map(|(_, t)| t.met + t.missed + t.running)
        .max()
        .unwrap_or(0);
    let mut chart = ChartBuilder::on(area)
        .caption(words.compliance, (FONT, 16))
        .margin(10)
        .x_label_area_size(24)
        .y_label_area_size(120)
        .build_cartesian_2d(0u32..axis_max(max), (0u32..3).into_segmented())?;
    let label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => clocks
            .get(2u32.checked_sub(*i).unwrap_or(u32::MAX) as usize)
            .map(|c| c.0.to_string())
            .unwrap_or_default(),
        SegmentValue::Last => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(3)
        .x_labels(5)
        .y_label_formatter(&label)
        .label_style((FONT, 11))
        .draw()?;
    let parts: [(&str, RGBColor, TallyPart); 3] = [
        (words.met, MET, |t| t.met),
        (words.missed, MISSED, |t| t.missed),
        (words.running, RUNNING, |t| t.running),
    ];
    let mut floor = [0u32; 3];
    for (name, colour, part) in parts {
        let bars: Vec<Rectangle<(u32, SegmentValue<u32>)>> = clocks
            .iter()
            .enumerate()
            .filter(|(_, (_, tally))| part(tally) > 0)
            .map(|(i, (_, tally))| {
                let slot = 2 - i as u32;
                let left = floor[i];
                floor[i] += part(tally);
                let mut bar = Rectangle::new(
                    [
                        (left, SegmentValue::Exact(slot)),
                        (left + part(tally), SegmentValue::Exact(slot + 1)),
                    ],
                    colour.filled(),
                );
                bar.set_margin(6, 6, 0, 0);
                bar
            })
            .collect();
        chart
            .draw_series(bars)?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font((FONT, 11))
        .draw()?;
    Ok(())
}
