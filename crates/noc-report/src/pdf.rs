//! A report as a PDF (A4), drawn with krilla: the text set by [`Typesetter`], rules
//! and cell borders as one SVG per page and the same plotters charts as the HTML
//! through krilla-svg. Text is embedded
//! (selectable, searchable) in a font found on the machine at run time; Chinese needs
//! a CJK font (fonts-wqy-microhei, Noto Sans CJK, …). Without one the PDF is written
//! in English and says why on its first page; the HTML always works.

use krilla::geom::{Size, Transform};
use krilla::page::PageSettings;
use krilla::Document;
use krilla_svg::{SurfaceExt, SvgSettings};

use crate::charts::{of_severity, Charts};
use crate::html::{review_clocks, title_of};
use crate::report::total;
use crate::typeset::{Fonts, PlacedText, Typesetter};
use crate::words::{format_duration, format_offset, format_time, Lang, Words};
use crate::{ReportData, ReportError};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 40.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
const ROW_H: f32 = 14.0;
const CELL_FONT: f32 = 8.0;

/// The report as a PDF in `lang`, with the system's fonts.
pub fn render_pdf(data: &ReportData, lang: Lang) -> Result<Vec<u8>, ReportError> {
    render_pdf_with(data, lang, Fonts::system())
}

/// As [`render_pdf`], with the given fonts.
pub fn render_pdf_with(
    data: &ReportData,
    lang: Lang,
    fonts: &Fonts,
) -> Result<Vec<u8>, ReportError> {
    let no_chinese = lang == Lang::Zh && fonts.cjk.is_none();
    let lang = if no_chinese { Lang::En } else { lang };
    let words = lang.words();
    let mut layout = Layout::new(Typesetter::new(fonts)?);
    if no_chinese {
        layout.paragraph(words.no_cjk_font, 9.0, "#c62828");
    }
    compose(&mut layout, data, words, lang);
    draw(layout, fonts)
}

fn compose(layout: &mut Layout<'_>, data: &ReportData, words: &Words, lang: Lang) {
    let time = |at| format_time(at, data.utc_offset_minutes);
    let charts = Charts::draw(data, words);
    layout.text_line(&title_of(data, words), 18.0, "#1b1f23", true);
    layout.text_line(
        &format!(
            "{}: {} — {} · {} {}",
            words.range,
            time(data.from),
            time(data.to),
            words.time_zone,
            format_offset(data.utc_offset_minutes)
        ),
        9.0,
        "#555555",
        false,
    );
    layout.text_line(
        &format!(
            "{}: {} / {} / {} · {}",
            words.targets,
            format_duration(data.targets.detect_ms),
            format_duration(data.targets.identify_ms),
            format_duration(data.targets.recover_ms),
            words.generated_from
        ),
        9.0,
        "#555555",
        false,
    );

    layout.heading(words.summary);
    let durations = |s: &crate::DurationSummary| {
        format!(
            "{} {} · {} {} ({} {})",
            words.median,
            opt_duration(s.median_ms),
            words.mean,
            opt_duration(s.mean_ms),
            s.count,
            words.of_incidents
        )
    };
    let c = &data.compliance;
    let tally = |t: crate::ClockTally| {
        format!(
            "{} {} · {} {} · {} {}",
            words.met, t.met, words.missed, t.missed, words.running, t.running
        )
    };
    let summary = vec![
        vec![
            words.alarms_raised.to_string(),
            total(&data.alarms_raised).to_string(),
        ],
        vec![
            words.incidents_opened.to_string(),
            data.incidents_opened.to_string(),
        ],
        vec![words.mtta.to_string(), durations(&data.mtta)],
        vec![words.mttr.to_string(), durations(&data.mttr)],
        vec![words.detect.to_string(), tally(c.detect)],
        vec![words.identify.to_string(), tally(c.identify)],
        vec![words.recover.to_string(), tally(c.recover)],
    ];
    layout.table(&[("", 0.35), ("", 0.65)], &summary, false);

    if let Some(review) = &data.review {
        compose_review(layout, review, data, words);
    }
    if data.kind == crate::ReportKind::Drill {
        compose_scorecard(layout, data, words, lang);
    }

    layout.heading(words.alarm_volume);
    layout.chart(&charts.volume);
    let by_severity: Vec<Vec<String>> = noc_model::Severity::ALL
        .iter()
        .filter(|&&s| of_severity(&data.alarms_raised, s) > 0)
        .map(|&s| {
            vec![
                words.severity(s).to_string(),
                of_severity(&data.alarms_raised, s).to_string(),
            ]
        })
        .collect();
    layout.table(
        &[(words.severity, 0.5), (words.alarms, 0.5)],
        &by_severity,
        true,
    );

    layout.heading(words.incidents);
    layout.chart_pair(&charts.by_severity, &charts.by_system);
    let systems: Vec<Vec<String>> = data
        .incidents_by_system
        .iter()
        .map(|s| {
            vec![
                s.system.clone().unwrap_or_else(|| words.no_system.into()),
                s.incidents.to_string(),
            ]
        })
        .collect();
    layout.table(
        &[(words.system, 0.7), (words.incidents, 0.3)],
        &systems,
        true,
    );

    layout.heading(words.compliance);
    layout.chart(&charts.compliance);

    layout.heading(words.noisiest);
    if data.noisiest_sources.is_empty() {
        layout.paragraph(words.none, 9.0, "#555555");
    } else {
        layout.chart(&charts.noisiest);
        let rows: Vec<Vec<String>> = data
            .noisiest_sources
            .iter()
            .map(|s| {
                vec![
                    s.source.clone(),
                    s.alarms.to_string(),
                    format!("{:.1} %", s.share * 100.0),
                ]
            })
            .collect();
        layout.table(
            &[(words.source, 0.6), (words.alarms, 0.2), (words.share, 0.2)],
            &rows,
            true,
        );
    }

    layout.heading(words.overdue);
    if data.overdue_updates.is_empty() {
        layout.paragraph(words.overdue_none, 9.0, "#555555");
    } else {
        let rows: Vec<Vec<String>> = data
            .overdue_updates
            .iter()
            .map(|o| {
                vec![
                    o.incident.to_string(),
                    o.title.clone(),
                    time(o.due_at),
                    o.ended_at
                        .map(time)
                        .unwrap_or_else(|| words.not_updated.into()),
                    format_duration(o.overdue_ms),
                ]
            })
            .collect();
        layout.table(
            &[
                (words.id, 0.07),
                (words.title, 0.38),
                (words.due_at, 0.2),
                (words.updated_at, 0.2),
                (words.overdue_for, 0.15),
            ],
            &rows,
            true,
        );
    }

    layout.heading(words.incident_list);
    if data.incidents.is_empty() {
        layout.paragraph(words.none, 9.0, "#555555");
    } else {
        let rows: Vec<Vec<String>> = data
            .incidents
            .iter()
            .map(|row| incident_cells(row, data, words))
            .collect();
        layout.table(&incident_columns(words), &rows, true);
    }
}

fn incident_columns(words: &Words) -> [(&'static str, f32); 9] {
    [
        (words.id, 0.05),
        (words.title, 0.24),
        (words.severity, 0.07),
        (words.system, 0.1),
        (words.opened, 0.17),
        (words.acknowledged, 0.1),
        (words.identified, 0.09),
        (words.resolved, 0.09),
        (words.clocks, 0.09),
    ]
}

fn incident_cells(row: &crate::IncidentRow, data: &ReportData, words: &Words) -> Vec<String> {
    vec![
        row.id.to_string(),
        row.title.clone(),
        words.severity(row.severity).to_string(),
        row.system.clone().unwrap_or_else(|| "—".into()),
        format_time(row.opened_at, data.utc_offset_minutes),
        opt_duration(row.time_to_acknowledge_ms),
        opt_duration(row.time_to_identify_ms),
        opt_duration(row.time_to_resolve_ms),
        [row.clocks.detect, row.clocks.identify, row.clocks.recover]
            .map(clock_mark)
            .join(" "),
    ]
}

/// A clock's verdict in a narrow column: ✓ met, ✗ missed, … running.
fn clock_mark(clock: noc_model::ClockState) -> &'static str {
    match clock {
        noc_model::ClockState::Met => "✓",
        noc_model::ClockState::Missed => "✗",
        noc_model::ClockState::Running | noc_model::ClockState::Amber => "…",
    }
}

fn compose_review(
    layout: &mut Layout<'_>,
    review: &crate::IncidentReview,
    data: &ReportData,
    words: &Words,
) {
    let time = |at| format_time(at, data.utc_offset_minutes);
    let row = &review.incident;
    layout.heading(&format!("#{} {}", row.id, row.title));
    layout.table(
        &incident_columns(words),
        &[incident_cells(row, data, words)],
        true,
    );
    if let Some(cause) = &review.cause {
        layout.paragraph(&format!("{}: {}", words.cause, cause), 9.0, "#1b1f23");
    }
    let clocks = review_clocks(row, data, words)
        .iter()
        .map(|(name, target, took, clock)| {
            vec![
                name.to_string(),
                format_duration(*target),
                opt_duration(*took),
                words.clock(*clock).to_string(),
            ]
        })
        .collect::<Vec<_>>();
    layout.table(
        &[
            (words.phase, 0.4),
            (words.target, 0.2),
            (words.took, 0.2),
            (words.verdict, 0.2),
        ],
        &clocks,
        true,
    );
    layout.subheading(words.timeline);
    let rows: Vec<Vec<String>> = review
        .timeline
        .iter()
        .map(|e| {
            vec![
                time(e.at),
                e.actor.clone(),
                e.kind.replace('_', " "),
                e.detail.clone(),
            ]
        })
        .collect();
    layout.table(
        &[
            (words.when, 0.18),
            (words.who, 0.14),
            (words.what, 0.22),
            ("", 0.46),
        ],
        &rows,
        true,
    );
    layout.subheading(words.alarms);
    let rows: Vec<Vec<String>> = review
        .alarms
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.source.clone(),
                words.severity(a.severity).to_string(),
                a.title.clone(),
                time(a.first_seen),
                a.count.to_string(),
            ]
        })
        .collect();
    layout.table(
        &[
            (words.id, 0.07),
            (words.source, 0.18),
            (words.severity, 0.1),
            (words.title, 0.38),
            (words.first_seen, 0.18),
            (words.count, 0.09),
        ],
        &rows,
        true,
    );
    layout.subheading(words.notices);
    let rows: Vec<Vec<String>> = review
        .notices
        .iter()
        .map(|n| {
            vec![
                time(n.at),
                words.notice(n.kind).to_string(),
                n.by.clone(),
                n.channels.join(", "),
                format!("{}/{}", n.delivered, n.attempted),
            ]
        })
        .collect();
    if rows.is_empty() {
        layout.paragraph(words.none, 9.0, "#555555");
    } else {
        layout.table(
            &[
                (words.when, 0.22),
                (words.what, 0.15),
                (words.who, 0.18),
                (words.channels, 0.3),
                (words.delivered, 0.15),
            ],
            &rows,
            true,
        );
    }
}

fn compose_scorecard(layout: &mut Layout<'_>, data: &ReportData, words: &Words, lang: Lang) {
    layout.heading(words.scorecard);
    let Some(card) = &data.scorecard else {
        layout.paragraph(words.scorecard_missing, 9.0, "#555555");
        return;
    };
    let title = match lang {
        Lang::Zh if !card.title_zh.is_empty() => &card.title_zh,
        _ => &card.title,
    };
    layout.paragraph(
        &format!(
            "{} ({}) · {}: {} / {}",
            title, card.scenario, words.score, card.met, card.total
        ),
        10.0,
        "#1b1f23",
    );
    let phases: Vec<Vec<String>> = card
        .phases
        .iter()
        .map(|p| {
            vec![
                words.phase(p.phase).to_string(),
                format_duration(p.target_ms),
                opt_duration(p.took_ms),
                p.by.clone().unwrap_or_else(|| "—".into()),
                words.verdict(p.verdict).to_string(),
            ]
        })
        .collect();
    layout.table(
        &[
            (words.phase, 0.25),
            (words.target, 0.15),
            (words.took, 0.15),
            (words.who, 0.25),
            (words.verdict, 0.2),
        ],
        &phases,
        true,
    );
    let rc = &card.root_cause;
    let verdict = match rc.matches {
        Some(true) => words.met,
        Some(false) => words.missed,
        None => words.running,
    };
    layout.table(
        &[
            (words.root_cause, 0.4),
            (words.expected, 0.2),
            (words.identified, 0.2),
            (words.verdict, 0.2),
        ],
        &[vec![
            rc.identified_cause.clone().unwrap_or_else(|| "—".into()),
            rc.expected_node.clone(),
            rc.identified_node.clone().unwrap_or_else(|| "—".into()),
            verdict.to_string(),
        ]],
        true,
    );
    layout.subheading(words.steps);
    let steps: Vec<Vec<String>> = card
        .steps
        .iter()
        .map(|s| {
            let title = match lang {
                Lang::Zh if !s.title_zh.is_empty() => &s.title_zh,
                _ => &s.title,
            };
            vec![
                title.clone(),
                opt_duration(s.within_ms),
                s.done_at
                    .map(|at| format_time(at, data.utc_offset_minutes))
                    .unwrap_or_else(|| "—".into()),
                s.by.clone().unwrap_or_else(|| "—".into()),
                words.verdict(s.verdict).to_string(),
            ]
        })
        .collect();
    layout.table(
        &[
            (words.title, 0.35),
            (words.target, 0.12),
            (words.when, 0.2),
            (words.who, 0.15),
            (words.verdict, 0.18),
        ],
        &steps,
        true,
    );
}

fn opt_duration(ms: Option<noc_model::Millis>) -> String {
    ms.map(format_duration).unwrap_or_else(|| "—".into())
}

/// One page: its rules and cell borders as SVG, its text, and the charts placed on it.
#[derive(Default)]
struct PageContent {
    svg: String,
    texts: Vec<PlacedText>,
    charts: Vec<PlacedChart>,
}

struct PlacedChart {
    svg: String,
    x: f32,
    y: f32,
    scale: f32,
}

/// A top-to-bottom layout onto A4 pages.
struct Layout<'f> {
    pages: Vec<PageContent>,
    y: f32,
    typesetter: Typesetter<'f>,
}

impl<'f> Layout<'f> {
    fn new(typesetter: Typesetter<'f>) -> Self {
        Self {
            pages: vec![PageContent::default()],
            y: MARGIN,
            typesetter,
        }
    }

    fn page(&mut self) -> &mut PageContent {
        self.pages.last_mut().expect("a layout always has a page")
    }

    /// Starts a new page unless `height` still fits on this one.
    fn room_for(&mut self, height: f32) {
        if self.y + height > PAGE_H - MARGIN && self.y > MARGIN {
            self.pages.push(PageContent::default());
            self.y = MARGIN;
        }
    }

    fn text_at(&mut self, x: f32, baseline: f32, text: &str, size: f32, colour: &str, bold: bool) {
        let text = PlacedText {
            x,
            baseline,
            text: text.to_string(),
            size,
            colour: rgb_of(colour),
            bold,
        };
        self.page().texts.push(text);
    }

    fn text_line(&mut self, text: &str, size: f32, colour: &str, bold: bool) {
        let height = size * 1.5;
        self.room_for(height);
        let baseline = self.y + size * 1.1;
        let text = self.typesetter.fit(text, CONTENT_W, size);
        self.text_at(MARGIN, baseline, &text, size, colour, bold);
        self.y += height;
    }

    /// Text wrapped to the content width.
    fn paragraph(&mut self, text: &str, size: f32, colour: &str) {
        for line in self.typesetter.wrap(text, CONTENT_W, size) {
            self.text_line(&line, size, colour, false);
        }
        self.y += 4.0;
    }

    fn heading(&mut self, text: &str) {
        // A heading never ends a page: keep room for what follows it.
        self.room_for(80.0);
        self.y += 10.0;
        self.text_line(text, 13.0, "#1b1f23", true);
        let y = self.y - 2.0;
        let rule = format!(
            "<line x1=\"{MARGIN}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#37474f\" stroke-width=\"1.2\"/>\n",
            PAGE_W - MARGIN
        );
        self.page().svg.push_str(&rule);
        self.y += 4.0;
    }

    fn subheading(&mut self, text: &str) {
        self.room_for(50.0);
        self.y += 4.0;
        self.text_line(text, 10.5, "#1b1f23", true);
    }

    fn chart(&mut self, svg: &str) {
        let Some((w, h)) = svg_size(svg) else {
            return;
        };
        let scale = (CONTENT_W / w).min(1.0);
        self.room_for(h * scale + 6.0);
        let y = self.y;
        self.page().charts.push(PlacedChart {
            svg: svg.to_string(),
            x: MARGIN,
            y,
            scale,
        });
        self.y += h * scale + 6.0;
    }

    /// Two charts side by side, each in half the width.
    fn chart_pair(&mut self, left: &str, right: &str) {
        let (Some((lw, lh)), Some((rw, rh))) = (svg_size(left), svg_size(right)) else {
            return;
        };
        let half = CONTENT_W / 2.0 - 4.0;
        let (ls, rs) = ((half / lw).min(1.0), (half / rw).min(1.0));
        let height = (lh * ls).max(rh * rs);
        self.room_for(height + 6.0);
        let y = self.y;
        let page = self.page();
        page.charts.push(PlacedChart {
            svg: left.to_string(),
            x: MARGIN,
            y,
            scale: ls,
        });
        page.charts.push(PlacedChart {
            svg: right.to_string(),
            x: MARGIN + half + 8.0,
            y,
            scale: rs,
        });
        self.y += height + 6.0;
    }

    /// A table with column widths as fractions of the content width; cells that do not
    /// fit are shortened with an ellipsis (the HTML and the JSON hold them whole).
    fn table(&mut self, columns: &[(&str, f32)], rows: &[Vec<String>], header: bool) {
        let widths: Vec<f32> = columns.iter().map(|c| c.1 * CONTENT_W).collect();
        let head: Vec<String> = columns.iter().map(|c| c.0.to_string()).collect();
        if header {
            self.room_for(ROW_H * 2.0);
            self.row(&head, &widths, true);
        }
        for row in rows {
            if self.y + ROW_H > PAGE_H - MARGIN {
                self.room_for(PAGE_H);
                if header {
                    self.row(&head, &widths, true);
                }
            }
            self.row(row, &widths, false);
        }
        self.y += 6.0;
    }

    fn row(&mut self, cells: &[String], widths: &[f32], head: bool) {
        let y = self.y;
        let fill = if head { "#eceff1" } else { "#ffffff" };
        let rect = format!(
            "<rect x=\"{MARGIN}\" y=\"{y:.1}\" width=\"{CONTENT_W}\" height=\"{ROW_H}\" fill=\"{fill}\" stroke=\"#cfd8dc\" stroke-width=\"0.5\"/>\n"
        );
        self.page().svg.push_str(&rect);
        let mut x = MARGIN;
        for (cell, width) in cells.iter().zip(widths) {
            let text = self.typesetter.fit(cell, width - 6.0, CELL_FONT);
            self.text_at(x + 3.0, y + ROW_H - 4.0, &text, CELL_FONT, "#1b1f23", head);
            x += width;
        }
        self.y += ROW_H;
    }
}

/// A `#rrggbb` colour's channels.
fn rgb_of(hex: &str) -> [u8; 3] {
    let channel = |at: usize| {
        hex.get(at..at + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    [channel(1), channel(3), channel(5)]
}

/// The width and height a plotters SVG declares.
fn svg_size(svg: &str) -> Option<(f32, f32)> {
    let attr = |name: &str| -> Option<f32> {
        let start = svg.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = start + svg[start..].find('"')?;
        svg[start..end].parse().ok()
    };
    Some((attr("width")?, attr("height")?))
}

fn draw(layout: Layout, fonts: &Fonts) -> Result<Vec<u8>, ReportError> {
    let Layout {
        pages,
        mut typesetter,
        ..
    } = layout;
    let options = usvg::Options {
        fontdb: fonts.db.clone(),
        font_family: "sans-serif".into(),
        ..Default::default()
    };
    let settings = SvgSettings {
        embed_text: true,
        ..Default::default()
    };
    let parse = |svg: &str| {
        usvg::Tree::from_str(svg, &options).map_err(|e| ReportError::Pdf(e.to_string()))
    };
    let size = |w: f32, h: f32| {
        Size::from_wh(w, h).ok_or_else(|| ReportError::Pdf(format!("a page part of {w}×{h}")))
    };
    let mut document = Document::new();
    for content in pages {
        let page_svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{PAGE_W}\" height=\"{PAGE_H}\" viewBox=\"0 0 {PAGE_W} {PAGE_H}\">\n{}</svg>",
            content.svg
        );
        let tree = parse(&page_svg)?;
        let settings_page = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| ReportError::Pdf("an A4 page".into()))?;
        let mut page = document.start_page_with(settings_page);
        let mut surface = page.surface();
        surface.draw_svg(&tree, size(PAGE_W, PAGE_H)?, settings);
        for text in &content.texts {
            typesetter.draw(&mut surface, text);
        }
        for chart in content.charts {
            let tree = parse(&chart.svg)?;
            let (w, h) = (tree.size().width(), tree.size().height());
            surface.push_transform(&Transform::from_translate(chart.x, chart.y));
            surface.draw_svg(&tree, size(w * chart.scale, h * chart.scale)?, settings);
            surface.pop();
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| ReportError::Pdf(format!("{e:?}")))
}
