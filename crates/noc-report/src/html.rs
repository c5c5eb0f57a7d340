//! A report as one self-contained HTML file: inline CSS, charts as inline SVG,
//! nothing fetched, no script; printable. Every text from the log (titles, alarm
//! texts, comments, names) is escaped with `html-escape`.

use std::fmt::Write;

use html_escape::encode_text;
use noc_model::{ClockState, Millis, Scorecard};

use crate::charts::{of_severity, Charts};
use crate::words::{format_duration, format_offset, format_time, Lang, Words};
use crate::{DurationSummary, IncidentReview, IncidentRow, ReportData};

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif;
  margin: 24px auto; max-width: 1000px; color: #1b1f23; background: #fff; font-size: 13px; line-height: 1.45; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 2px solid #37474f; padding-bottom: 3px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.meta { color: #555; margin: 2px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px; margin-top: 12px; }
.card { border: 1px solid #cfd8dc; border-radius: 6px; padding: 8px 10px; }
.card .label { color: #555; font-size: 12px; }
.card .value { font-size: 20px; font-weight: 600; }
.card .sub { color: #555; font-size: 12px; }
.row { display: flex; gap: 20px; flex-wrap: wrap; }
.chart svg { max-width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { border: 1px solid #cfd8dc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eceff1; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.met { color: #2e7d32; font-weight: 600; }
.missed { color: #c62828; font-weight: 600; }
.running { color: #616161; }
.empty { color: #555; font-style: italic; }
.sev-critical { color: #c62828; } .sev-major { color: #ef6c00; } .sev-minor { color: #a07800; }
.sev-warning { color: #1565c0; } .sev-unknown, .sev-info { color: #616161; }
@page { size: A4; margin: 14mm; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } .chart, tr { break-inside: avoid; } }
"#;

/// The report as one HTML document in `lang`.
pub fn render_html(data: &ReportData, lang: Lang) -> String {
    let words = lang.words();
    let charts = Charts::draw(data, words);
    let mut page = Page::default();
    page.raw(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>",
        lang.code()
    ));
    page.text(&title_of(data, words));
    page.raw("</title><style>");
    page.raw(STYLE);
    page.raw("</style></head><body>\n");
    header(&mut page, data, words);
    summary(&mut page, data, words);
    if let Some(review) = &data.review {
        incident_review(&mut page, review, data, words);
    }
    if data.kind == crate::ReportKind::Drill {
        scorecard(&mut page, data.scorecard.as_ref(), data, words, lang);
    }
    charts_section(&mut page, data, &charts, words);
    overdue(&mut page, data, words);
    incident_list(&mut page, data, words);
    page.raw("</body></html>\n");
    page.out
}

/// The report's title: the one asked for, or its kind.
pub fn title_of(data: &ReportData, words: &Words) -> String {
    data.title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| words.kind(data.kind).to_string())
}

#[derive(Default)]
struct Page {
    out: String,
}

impl Page {
    fn raw(&mut self, html: &str) {
        self.out.push_str(html);
    }

    /// Untrusted or not, text goes in escaped.
    fn text(&mut self, text: &str) {
        self.out.push_str(&encode_text(text));
    }

    fn element(&mut self, tag: &str, class: &str, text: &str) {
        if class.is_empty() {
            let _ = write!(self.out, "<{tag}>");
        } else {
            let _ = write!(self.out, "<{tag} class=\"{class}\">");
        }
        self.text(text);
        let _ = write!(self.out, "</{tag}>");
    }

    fn heading(&mut self, text: &str) {
        self.element("h2", "", text);
        self.raw("\n");
    }

    fn table_head(&mut self, columns: &[&str]) {
        self.raw("<table><thead><tr>");
        for column in columns {
            self.element("th", "", column);
        }
        self.raw("</tr></thead><tbody>\n");
    }

    fn cells(&mut self, cells: &[Cell]) {
        self.raw("<tr>");
        for cell in cells {
            match cell {
                Cell::Text(text) => self.element("td", "", text),
                Cell::Num(text) => self.element("td", "num", text),
                Cell::Class(class, text) => self.element("td", class, text),
            }
        }
        self.raw("</tr>\n");
    }

    fn table_end(&mut self) {
        self.raw("</tbody></table>\n");
    }

    fn empty(&mut self, text: &str) {
        self.element("p", "empty", text);
    }
}

enum Cell {
    Text(String),
    Num(String),
    Class(&'static str, String),
}

fn time(at: Millis, data: &ReportData) -> String {
    format_time(at, data.utc_offset_minutes)
}

fn opt_duration(ms: Option<Millis>) -> String {
    ms.map(format_duration).unwrap_or_else(|| "—".into())
}

fn clock_class(clock: ClockState) -> &'static str {
    match clock {
        ClockState::Met => "met",
        ClockState::Missed => "missed",
        ClockState::Running | ClockState::Amber => "running",
    }
}

fn header(page: &mut Page, data: &ReportData, words: &Words) {
    page.element("h1", "", &title_of(data, words));
    page.raw("\n");
    page.element(
        "p",
        "meta",
        &format!(
            "{}: {} — {} · {} {}",
            words.range,
            time(data.from, data),
            time(data.to, data),
            words.time_zone,
            format_offset(data.utc_offset_minutes)
        ),
    );
    page.element(
        "p",
        "meta",
        &format!(
            "{}: {} / {} / {} · {}",
            words.targets,
            format_duration(data.targets.detect_ms),
            format_duration(data.targets.identify_ms),
            format_duration(data.targets.recover_ms),
            words.generated_from
        ),
    );
    page.raw("\n");
}

fn card(page: &mut Page, label: &str, value: &str, sub: &str) {
    page.raw("<div class=\"card\">");
    page.element("div", "label", label);
    page.element("div", "value", value);
    page.element("div", "sub", sub);
    page.raw("</div>");
}

fn durations_sub(summary: &DurationSummary, words: &Words) -> String {
    format!(
        "{} {} · {} {} ({} {})",
        words.mean,
        opt_duration(summary.mean_ms),
        words.median,
        opt_duration(summary.median_ms),
        summary.count,
        words.of_incidents
    )
}

fn summary(page: &mut Page, data: &ReportData, words: &Words) {
    page.heading(words.summary);
    page.raw("<div class=\"cards\">");
    card(
        page,
        words.alarms_raised,
        &crate::report::total(&data.alarms_raised).to_string(),
        "",
    );
    card(
        page,
        words.incidents_opened,
        &data.incidents_opened.to_string(),
        "",
    );
    card(
        page,
        words.mtta,
        &opt_duration(data.mtta.median_ms),
        &durations_sub(&data.mtta, words),
    );
    card(
        page,
        words.mttr,
        &opt_duration(data.mttr.median_ms),
        &durations_sub(&data.mttr, words),
    );
    let c = &data.compliance;
    for (name, tally) in [
        (words.detect, c.detect),
        (words.identify, c.identify),
        (words.recover, c.recover),
    ] {
        card(
            page,
            name,
            &format!("{} / {}", tally.met, tally.met + tally.missed),
            &format!(
                "{} {} · {} {} · {} {}",
                words.met, tally.met, words.missed, tally.missed, words.running, tally.running
            ),
        );
    }
    page.raw("</div>\n");
}

fn chart(page: &mut Page, svg: &str) {
    page.raw("<div class=\"chart\">");
    // plotters' SVG backend escapes the labels it writes.
    page.raw(svg.trim_start_matches(|c| c != '<'));
    page.raw("</div>\n");
}

fn charts_section(page: &mut Page, data: &ReportData, charts: &Charts, words: &Words) {
    page.heading(words.alarm_volume);
    chart(page, &charts.volume);
    page.table_head(&[words.severity, words.alarms]);
    for severity in noc_model::Severity::ALL {
        let n = of_severity(&data.alarms_raised, severity);
        if n > 0 {
            page.cells(&[
                Cell::Class(sev_class(severity), words.severity(severity).into()),
                Cell::Num(n.to_string()),
            ]);
        }
    }
    page.table_end();

    page.heading(words.incidents);
    page.raw("<div class=\"row\">");
    chart(page, &charts.by_severity);
    chart(page, &charts.by_system);
    page.raw("</div>");
    page.table_head(&[words.system, words.incidents]);
    for system in &data.incidents_by_system {
        let name = system.system.as_deref().unwrap_or(words.no_system);
        page.cells(&[
            Cell::Text(name.into()),
            Cell::Num(system.incidents.to_string()),
        ]);
    }
    page.table_end();

    page.heading(words.compliance);
    chart(page, &charts.compliance);

    page.heading(words.noisiest);
    if data.noisiest_sources.is_empty() {
        page.empty(words.none);
        return;
    }
    chart(page, &charts.noisiest);
    page.table_head(&[words.source, words.alarms, words.share]);
    for source in &data.noisiest_sources {
        page.cells(&[
            Cell::Text(source.source.clone()),
            Cell::Num(source.alarms.to_string()),
            Cell::Num(format!("{:.1} %", source.share * 100.0)),
        ]);
    }
    page.table_end();
}

fn sev_class(severity: noc_model::Severity) -> &'static str {
    match severity {
        noc_model::Severity::Critical => "sev-critical",
        noc_model::Severity::Major => "sev-major",
        noc_model::Severity::Minor => "sev-minor",
        noc_model::Severity::Warning => "sev-warning",
        noc_model::Severity::Unknown => "sev-unknown",
        noc_model::Severity::Info => "sev-info",
    }
}

fn overdue(page: &mut Page, data: &ReportData, words: &Words) {
    page.heading(words.overdue);
    if data.overdue_updates.is_empty() {
        page.empty(words.overdue_none);
        return;
    }
    page.table_head(&[
        words.id,
        words.title,
        words.due_at,
        words.updated_at,
        words.overdue_for,
    ]);
    for spell in &data.overdue_updates {
        page.cells(&[
            Cell::Num(spell.incident.to_string()),
            Cell::Text(spell.title.clone()),
            Cell::Text(time(spell.due_at, data)),
            Cell::Text(
                spell
                    .ended_at
                    .map(|at| time(at, data))
                    .unwrap_or_else(|| words.not_updated.into()),
            ),
            Cell::Num(format_duration(spell.overdue_ms)),
        ]);
    }
    page.table_end();
}

fn mark(mark: Option<&noc_model::Mark>, data: &ReportData) -> String {
    mark.map(|m| format!("{} {}", time(m.at, data), m.by))
        .unwrap_or_else(|| "—".into())
}

fn incident_cells(row: &IncidentRow, data: &ReportData, words: &Words) -> Vec<Cell> {
    let clocks = [row.clocks.detect, row.clocks.identify, row.clocks.recover]
        .map(|c| words.clock(c))
        .join(" / ");
    let worst = [row.clocks.detect, row.clocks.identify, row.clocks.recover]
        .into_iter()
        .find(|c| *c == ClockState::Missed)
        .unwrap_or(row.clocks.recover);
    vec![
        Cell::Num(row.id.to_string()),
        Cell::Text(row.title.clone()),
        Cell::Class(sev_class(row.severity), words.severity(row.severity).into()),
        Cell::Text(row.system.clone().unwrap_or_else(|| "—".into())),
        Cell::Text(words.status(row.status).into()),
        Cell::Text(time(row.opened_at, data)),
        Cell::Text(format!(
            "{} ({})",
            mark(row.acknowledged.as_ref(), data),
            opt_duration(row.time_to_acknowledge_ms)
        )),
        Cell::Text(format!(
            "{} ({})",
            mark(row.identified.as_ref(), data),
            opt_duration(row.time_to_identify_ms)
        )),
        Cell::Text(format!(
            "{} ({})",
            mark(row.mitigated.as_ref(), data),
            opt_duration(row.time_to_mitigate_ms)
        )),
        Cell::Text(format!(
            "{} ({})",
            row.resolved_at
                .map(|at| time(at, data))
                .unwrap_or_else(|| "—".into()),
            opt_duration(row.time_to_resolve_ms)
        )),
        Cell::Class(clock_class(worst), clocks),
    ]
}

const INCIDENT_COLUMNS: fn(&Words) -> [&'static str; 11] = |w| {
    [
        w.id,
        w.title,
        w.severity,
        w.system,
        w.status,
        w.opened,
        w.acknowledged,
        w.identified,
        w.mitigated,
        w.resolved,
        w.clocks,
    ]
};

fn incident_list(page: &mut Page, data: &ReportData, words: &Words) {
    page.heading(words.incident_list);
    if data.incidents.is_empty() {
        page.empty(words.none);
        return;
    }
    page.table_head(&INCIDENT_COLUMNS(words));
    for row in &data.incidents {
        page.cells(&incident_cells(row, data, words));
    }
    page.table_end();
}

fn incident_review(page: &mut Page, review: &IncidentReview, data: &ReportData, words: &Words) {
    let row = &review.incident;
    page.heading(&format!("#{} {}", row.id, row.title));
    page.table_head(&INCIDENT_COLUMNS(words));
    page.cells(&incident_cells(row, data, words));
    page.table_end();
    if let Some(cause) = &review.cause {
        page.element("p", "", &format!("{}: {}", words.cause, cause));
    }
    page.element("h3", "", words.clocks);
    page.table_head(&[words.phase, words.target, words.took, words.verdict]);
    for (name, target, took, clock) in review_clocks(row, data, words) {
        page.cells(&[
            Cell::Text(name.into()),
            Cell::Num(format_duration(target)),
            Cell::Num(opt_duration(took)),
            Cell::Class(clock_class(clock), words.clock(clock).into()),
        ]);
    }
    page.table_end();

    page.element("h3", "", words.timeline);
    page.table_head(&[words.when, words.who, words.what, ""]);
    for entry in &review.timeline {
        page.cells(&[
            Cell::Text(time(entry.at, data)),
            Cell::Text(entry.actor.clone()),
            Cell::Text(entry.kind.replace('_', " ")),
            Cell::Text(entry.detail.clone()),
        ]);
    }
    page.table_end();

    page.element("h3", "", words.alarms);
    page.table_head(&[
        words.id,
        words.source,
        words.node,
        words.severity,
        words.title,
        words.first_seen,
        words.cleared,
        words.count,
    ]);
    for alarm in &review.alarms {
        page.cells(&[
            Cell::Num(alarm.id.to_string()),
            Cell::Text(alarm.source.clone()),
            Cell::Text(alarm.node.clone().unwrap_or_else(|| "—".into())),
            Cell::Class(
                sev_class(alarm.severity),
                words.severity(alarm.severity).into(),
            ),
            Cell::Text(alarm.title.clone()),
            Cell::Text(time(alarm.first_seen, data)),
            Cell::Text(
                alarm
                    .cleared_at
                    .map(|at| time(at, data))
                    .unwrap_or_else(|| "—".into()),
            ),
            Cell::Num(alarm.count.to_string()),
        ]);
    }
    page.table_end();

    page.element("h3", "", words.notices);
    if review.notices.is_empty() {
        page.empty(words.none);
        return;
    }
    page.table_head(&[
        words.when,
        words.who,
        words.what,
        words.channels,
        words.delivered,
    ]);
    for notice in &review.notices {
        let text = if notice.text_zh.is_empty() {
            notice.text_en.clone()
        } else if notice.text_en.is_empty() {
            notice.text_zh.clone()
        } else {
            format!("{}\n{}", notice.text_zh, notice.text_en)
        };
        page.cells(&[
            Cell::Text(format!(
                "{} · {}",
                time(notice.at, data),
                words.notice(notice.kind)
            )),
            Cell::Text(notice.by.clone()),
            Cell::Text(text),
            Cell::Text(notice.channels.join(", ")),
            Cell::Num(format!("{}/{}", notice.delivered, notice.attempted)),
        ]);
    }
    page.table_end();
}

/// An incident's three clocks for its review: the phase's name, its target, how long
/// it took (while it took) and the verdict.
pub(crate) fn review_clocks<'w>(
    row: &IncidentRow,
    data: &ReportData,
    words: &'w Words,
) -> [(&'w str, Millis, Option<Millis>, noc_model::ClockState); 3] {
    let targets = &data.targets;
    [
        (
            words.detect,
            targets.detect_ms,
            row.time_to_acknowledge_ms,
            row.clocks.detect,
        ),
        (
            words.identify,
            targets.identify_ms,
            row.time_to_identify_ms,
            row.clocks.identify,
        ),
        (
            words.recover,
            targets.recover_ms,
            recovered_in(row),
            row.clocks.recover,
        ),
    ]
}

/// The recover clock stops at mitigation or resolution, whichever came first.
fn recovered_in(row: &IncidentRow) -> Option<Millis> {
    match (row.time_to_mitigate_ms, row.time_to_resolve_ms) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn scorecard(
    page: &mut Page,
    card: Option<&Scorecard>,
    data: &ReportData,
    words: &Words,
    lang: Lang,
) {
    page.heading(words.scorecard);
    let Some(card) = card else {
        page.empty(words.scorecard_missing);
        return;
    };
    let title = match lang {
        Lang::Zh if !card.title_zh.is_empty() => &card.title_zh,
        _ => &card.title,
    };
    page.element(
        "p",
        "",
        &format!(
            "{} ({}) · {}: {} / {}",
            title, card.scenario, words.score, card.met, card.total
        ),
    );
    page.table_head(&[
        words.phase,
        words.target,
        words.took,
        words.who,
        words.verdict,
    ]);
    for phase in &card.phases {
        page.cells(&[
            Cell::Text(words.phase(phase.phase).into()),
            Cell::Num(format_duration(phase.target_ms)),
            Cell::Num(opt_duration(phase.took_ms)),
            Cell::Text(phase.by.clone().unwrap_or_else(|| "—".into())),
            Cell::Class(
                verdict_class(phase.verdict),
                words.verdict(phase.verdict).into(),
            ),
        ]);
    }
    page.table_end();
    let rc = &card.root_cause;
    let verdict = match rc.matches {
        Some(true) => (ClockState::Met, words.met),
        Some(false) => (ClockState::Missed, words.missed),
        None => (ClockState::Running, words.running),
    };
    page.table_head(&[
        words.root_cause,
        words.expected,
        words.identified,
        words.verdict,
    ]);
    page.cells(&[
        Cell::Text(rc.identified_cause.clone().unwrap_or_else(|| "—".into())),
        Cell::Text(rc.expected_node.clone()),
        Cell::Text(rc.identified_node.clone().unwrap_or_else(|| "—".into())),
        Cell::Class(clock_class(verdict.0), verdict.1.into()),
    ]);
    page.table_end();
    page.element("h3", "", words.steps);
    page.table_head(&[
        words.title,
        words.target,
        words.when,
        words.who,
        words.verdict,
    ]);
    for step in &card.steps {
        let title = match lang {
            Lang::Zh if !step.title_zh.is_empty() => &step.title_zh,
            _ => &step.title,
        };
        page.cells(&[
            Cell::Text(title.clone()),
            Cell::Num(opt_duration(step.within_ms)),
            Cell::Text(
                step.done_at
                    .map(|at| time(at, data))
                    .unwrap_or_else(|| "—".into()),
            ),
            Cell::Text(step.by.clone().unwrap_or_else(|| "—".into())),
            Cell::Class(
                verdict_class(step.verdict),
                words.verdict(step.verdict).into(),
            ),
        ]);
    }
    page.table_end();
}

fn verdict_class(verdict: noc_model::Verdict) -> &'static str {
    match verdict {
        noc_model::Verdict::Met => "met",
        noc_model::Verdict::Late | noc_model::Verdict::Missed => "missed",
        noc_model::Verdict::Pending => "running",
    }
}
