//! The templates of incident status notices (通报), in Chinese and English.
//!
//! A notice is the operator's fields ([`NoticeDraft`]: what, impact, actions, next
//! update) around the incident's facts ([`NoticeFacts`]: severity, start time,
//! affected nodes, the 1-5-10 clocks), in this order:
//!
//! ```text
//! [NOC] 【续报】【P1 紧急】故障 #12:BGP session down on core-1
//! 事件:…            What: …
//! 级别/开始/节点      Severity / started / nodes
//! 影响:…            Impact: …
//! 处置:…            Actions: …
//! 1-5-10:…          1-5-10: …
//! 下次更新:…         Next update: …
//! ```
//!
//! Every time is written with its offset from UTC (the draft's
//! `utc_offset_minutes`), so a reader in another time zone cannot misread it.
//! Rendering is pure: the same draft and facts give the same text.

use noc_model::{
    civil_from_days, clock_state, ClockState, ClockTargets, Incident, IncidentId, Millis,
    NoticeDraft, NoticeKind, NoticeLanguage, NoticeTexts, Severity,
};

use crate::message::{one_line, severity_label};
use crate::Language;

/// What the notice states about the incident beside the operator's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeFacts {
    pub id: IncidentId,
    pub title: String,
    pub severity: Severity,
    /// The first alarm: where the 1-5-10 clocks start.
    pub started_at: Millis,
    pub nodes: Vec<String>,
    pub acknowledged_at: Option<Millis>,
    pub identified_at: Option<Millis>,
    /// Mitigated or resolved, whichever came first.
    pub recovered_at: Option<Millis>,
    pub targets: ClockTargets,
    /// When the notice is rendered: running clocks count up to here.
    pub now: Millis,
}

impl NoticeFacts {
    pub fn of(incident: &Incident, targets: ClockTargets, now: Millis) -> Self {
        let mitigated = incident.mitigated.as_ref().map(|m| m.at);
        let recovered_at = match (mitigated, incident.resolved_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Self {
            id: incident.id,
            title: incident.title.clone(),
            severity: incident.severity,
            started_at: incident.started_at,
            nodes: incident.nodes.clone(),
            acknowledged_at: incident.acknowledged.as_ref().map(|m| m.at),
            identified_at: incident.identified.as_ref().map(|m| m.at),
            recovered_at,
            targets,
            now,
        }
    }
}

/// The notice in both languages.
pub fn render_both(draft: &NoticeDraft, facts: &NoticeFacts) -> NoticeTexts {
    NoticeTexts {
        zh: render(draft, facts, NoticeLanguage::Zh),
        en: render(draft, facts, NoticeLanguage::En),
    }
}

/// The whole notice in one language. It starts with `[NOC]`, as every message of
/// the hub does, for robots guarded by a keyword.
pub fn render(draft: &NoticeDraft, facts: &NoticeFacts, lang: NoticeLanguage) -> String {
    let words = Words::of(lang);
    let offset = draft.utc_offset_minutes;
    let mut lines = vec![headline(draft.kind, facts, lang)];
    lines.push(field(words.what, &draft.what, words.none_given));
    lines.push(particulars(facts, offset, lang));
    lines.push(field(words.impact, &draft.impact, words.no_impact));
    lines.push(field(words.actions, &draft.actions, words.none_given));
    lines.push(format!("{}{}", words.clocks, clocks(facts, lang)));
    let next = match (draft.next_update_at, draft.kind) {
        (Some(at), _) => local_time(at, offset),
        (None, NoticeKind::Final) => words.final_no_update.to_string(),
        (None, _) => words.to_be_announced.to_string(),
    };
    lines.push(format!("{}{next}", words.next_update));
    lines.join("\n")
}

/// The message a channel receives for the chosen languages: each rendering in
/// turn, Chinese first, a blank line between.
pub fn combined(texts: &NoticeTexts, languages: &[NoticeLanguage]) -> String {
    let mut parts = Vec::new();
    if languages.contains(&NoticeLanguage::Zh) {
        parts.push(texts.zh.as_str());
    }
    if languages.contains(&NoticeLanguage::En) {
        parts.push(texts.en.as_str());
    }
    parts.join("\n\n")
}

/// The labels and fixed phrases of one language.
struct Words {
    what: &'static str,
    impact: &'static str,
    actions: &'static str,
    clocks: &'static str,
    next_update: &'static str,
    none_given: &'static str,
    no_impact: &'static str,
    final_no_update: &'static str,
    to_be_announced: &'static str,
}

impl Words {
    fn of(lang: NoticeLanguage) -> &'static Words {
        match lang {
            NoticeLanguage::Zh => &Words {
                what: "事件",
                impact: "影响",
                actions: "处置",
                clocks: "1-5-10:",
                next_update: "下次更新:",
                none_given: "(暂无)",
                no_impact: "暂未发现受影响的业务系统",
                final_no_update: "无(终报)",
                to_be_announced: "另行通知",
            },
            NoticeLanguage::En => &Words {
                what: "What",
                impact: "Impact",
                actions: "Actions",
                clocks: "1-5-10: ",
                next_update: "Next update: ",
                none_given: "(none yet)",
                no_impact: "no business system known to be affected",
                final_no_update: "none (final notice)",
                to_be_announced: "to be announced",
            },
        }
    }
}

fn kind_label(kind: NoticeKind, lang: NoticeLanguage) -> &'static str {
    match (kind, lang) {
        (NoticeKind::Initial, NoticeLanguage::Zh) => "首报",
        (NoticeKind::Update, NoticeLanguage::Zh) => "续报",
        (NoticeKind::Final, NoticeLanguage::Zh) => "终报",
        (NoticeKind::Initial, NoticeLanguage::En) => "Initial notice",
        (NoticeKind::Update, NoticeLanguage::En) => "Update",
        (NoticeKind::Final, NoticeLanguage::En) => "Final notice",
    }
}

fn language(lang: NoticeLanguage) -> Language {
    match lang {
        NoticeLanguage::Zh => Language::Zh,
        NoticeLanguage::En => Language::En,
    }
}

fn headline(kind: NoticeKind, facts: &NoticeFacts, lang: NoticeLanguage) -> String {
    let label = kind_label(kind, lang);
    let severity = severity_label(facts.severity, language(lang));
    let id = facts.id;
    // The title comes from a source: one line, so it cannot forge the lines below.
    let title = one_line(&facts.title);
    match lang {
        NoticeLanguage::Zh => format!("[NOC] 【{label}】【{severity}】故障 #{id}:{title}"),
        NoticeLanguage::En => format!("[NOC] [{label}] [{severity}] Incident #{id}: {title}"),
    }
}

/// `label:text`, or the label on its own line above the text's lines when the
/// operator wrote several.
fn field(label: &str, text: &str, empty: &str) -> String {
    let text = text.trim();
    let sep = if label.is_ascii() { ": " } else { ":" };
    if text.is_empty() {
        return format!("{label}{sep}{empty}");
    }
    if !text.contains('\n') {
        return format!("{label}{sep}{text}");
    }
    let body: Vec<String> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("  {l}"))
        .collect();
    format!("{label}{}\n{}", sep.trim_end(), body.join("\n"))
}

/// Severity, start time and the affected nodes.
fn particulars(facts: &NoticeFacts, offset: i32, lang: NoticeLanguage) -> String {
    let severity = severity_label(facts.severity, language(lang));
    let started = local_time(facts.started_at, offset);
    let nodes: Vec<String> = facts.nodes.iter().map(|n| one_line(n)).collect();
    match lang {
        NoticeLanguage::Zh => {
            let nodes = if nodes.is_empty() {
                "未知".to_string()
            } else {
                nodes.join("、")
            };
            format!("级别:{severity};开始时间:{started};涉及节点:{nodes}")
        }
        NoticeLanguage::En => {
            let nodes = if nodes.is_empty() {
                "unknown".to_string()
            } else {
                nodes.join(", ")
            };
            format!("Severity: {severity}; started {started}; nodes: {nodes}")
        }
    }
}

/// The three clocks as they stand: how long each took, or has run so far, against
/// its target.
fn clocks(facts: &NoticeFacts, lang: NoticeLanguage) -> String {
    let targets = &facts.targets;
    let parts = [
        (
            facts.acknowledged_at,
            targets.detect_ms,
            ["确认", "acknowledge"],
        ),
        (
            facts.identified_at,
            targets.identify_ms,
            ["定界", "identify"],
        ),
        (facts.recovered_at, targets.recover_ms, ["恢复", "recover"]),
    ]
    .map(|(stop, target, names)| {
        let elapsed = stop.unwrap_or(facts.now) - facts.started_at;
        let state = clock_state(facts.started_at, stop, target, facts.now);
        let took = duration(elapsed.max(0), lang);
        let target = duration(target, lang);
        let verdict = verdict(state, lang);
        match (lang, stop) {
            (NoticeLanguage::Zh, Some(_)) => {
                format!("{} 用时{took}(目标{target},{verdict})", names[0])
            }
            (NoticeLanguage::Zh, None) => {
                format!("{} 未完成,已{took}(目标{target},{verdict})", names[0])
            }
            (NoticeLanguage::En, Some(_)) => {
                format!("{} took {took} (target {target}, {verdict})", names[1])
            }
            (NoticeLanguage::En, None) => format!(
                "{} not yet, {took} so far (target {target}, {verdict})",
                names[1]
            ),
        }
    });
    match lang {
        NoticeLanguage::Zh => parts.join(";"),
        NoticeLanguage::En => parts.join("; "),
    }
}

fn verdict(state: ClockState, lang: NoticeLanguage) -> &'static str {
    match (state, lang) {
        (ClockState::Met, NoticeLanguage::Zh) => "达标",
        (ClockState::Missed, NoticeLanguage::Zh) => "超时",
        (ClockState::Running | ClockState::Amber, NoticeLanguage::Zh) => "计时中",
        (ClockState::Met, NoticeLanguage::En) => "met",
        (ClockState::Missed, NoticeLanguage::En) => "missed",
        (ClockState::Running | ClockState::Amber, NoticeLanguage::En) => "running",
    }
}

/// `1 h 5 min`, `6 min 10 s`, `45 s` (or `1小时5分`, `6分10秒`, `45秒`).
fn duration(ms: Millis, lang: NoticeLanguage) -> String {
    let secs = ms / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match lang {
        NoticeLanguage::Zh if h > 0 => format!("{h}小时{m}分"),
        NoticeLanguage::Zh if m > 0 && s > 0 => format!("{m}分{s}秒"),
        NoticeLanguage::Zh if m > 0 => format!("{m}分钟"),
        NoticeLanguage::Zh => format!("{s}秒"),
        NoticeLanguage::En if h > 0 => format!("{h} h {m} min"),
        NoticeLanguage::En if m > 0 && s > 0 => format!("{m} min {s} s"),
        NoticeLanguage::En if m > 0 => format!("{m} min"),
        NoticeLanguage::En => format!("{s} s"),
    }
}

/// `2026-11-23 14:02 (UTC+08:00)`: the moment at the offset, with the offset.
pub fn local_time(at: Millis, utc_offset_minutes: i32) -> String {
    let local = at.div_euclid(1000) + i64::from(utc_offset_minutes) * 60;
    let days = local.div_euclid(86_400);
    let minute_of_day = local.rem_euclid(86_400) / 60;
    let (year, month, day) = civil_from_days(days);
    let zone = match utc_offset_minutes {
        0 => "UTC".to_string(),
        m => {
            let sign = if m < 0 { '-' } else { '+' };
            let m = m.unsigned_abs();
            format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
        }
    };
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} ({zone})",
        minute_of_day / 60,
        minute_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Millis = 60_000;
    /// 2026-11-23 06:00:00 UTC.
    const START: Millis = 1_795_413_600_000;

    fn facts() -> NoticeFacts {
        NoticeFacts {
            id: 12,
            title: "BGP session down\non core-1".into(),
            severity: Severity::Critical,
            started_at: START,
            nodes: vec!["core-1".into(), "agg-2".into()],
            acknowledged_at: Some(START + 45_000),
            identified_at: None,
            recovered_at: None,
            targets: ClockTargets::default(),
            now: START + 6 * MIN + 10_000,
        }
    }

    fn draft(kind: NoticeKind) -> NoticeDraft {
        NoticeDraft {
            incident: 12,
            kind,
            what: "Core router core-1 lost its BGP sessions".into(),
            impact: "billing, payments".into(),
            actions: "Traffic moved to core-2\nVendor called".into(),
            next_update_at: Some(START + 36 * MIN),
            channels: vec!["ops".into()],
            utc_offset_minutes: 480,
        }
    }

    #[test]
    fn the_chinese_template_has_every_field_under_its_label() {
        let text = render(&draft(NoticeKind::Update), &facts(), NoticeLanguage::Zh);
        assert_eq!(
            text,
            "[NOC] 【续报】【P1 紧急】故障 #12:BGP session down on core-1\n\
             事件:Core router core-1 lost its BGP sessions\n\
             级别:P1 紧急;开始时间:2026-11-23 14:00 (UTC+08:00);涉及节点:core-1、agg-2\n\
             影响:billing, payments\n\
             处置:\n  Traffic moved to core-2\n  Vendor called\n\
             1-5-10:确认 用时45秒(目标1分钟,达标);\
             定界 未完成,已6分10秒(目标5分钟,超时);\
             恢复 未完成,已6分10秒(目标10分钟,计时中)\n\
             下次更新:2026-11-23 14:36 (UTC+08:00)"
        );
    }

    #[test]
    fn the_english_template_has_every_field_under_its_label() {
        let text = render(&draft(NoticeKind::Initial), &facts(), NoticeLanguage::En);
        assert_eq!(
            text,
            "[NOC] [Initial notice] [P1 critical] Incident #12: BGP session down on core-1\n\
             What: Core router core-1 lost its BGP sessions\n\
             Severity: P1 critical; started 2026-11-23 14:00 (UTC+08:00); nodes: core-1, agg-2\n\
             Impact: billing, payments\n\
             Actions:\n  Traffic moved to core-2\n  Vendor called\n\
             1-5-10: acknowledge took 45 s (target 1 min, met); \
             identify not yet, 6 min 10 s so far (target 5 min, missed); \
             recover not yet, 6 min 10 s so far (target 10 min, running)\n\
             Next update: 2026-11-23 14:36 (UTC+08:00)"
        );
    }

    #[test]
    fn a_final_notice_promises_no_next_update() {
        let mut final_draft = draft(NoticeKind::Final);
        final_draft.next_update_at = None;
        let mut recovered = facts();
        recovered.identified_at = Some(START + 4 * MIN);
        recovered.recovered_at = Some(START + 9 * MIN);
        let texts = render_both(&final_draft, &recovered);
        assert!(texts.zh.starts_with("[NOC] 【终报】"), "{}", texts.zh);
        assert!(texts.zh.ends_with("下次更新:无(终报)"), "{}", texts.zh);
        assert!(
            texts.zh.contains("恢复 用时9分钟(目标10分钟,达标)"),
            "{}",
            texts.zh
        );
        assert!(texts.en.starts_with("[NOC] [Final notice]"), "{}", texts.en);
        assert!(
            texts.en.ends_with("Next update: none (final notice)"),
            "{}",
            texts.en
        );
        assert!(
            texts.en.contains("identify took 4 min (target 5 min, met)"),
            "{}",
            texts.en
        );
    }

    #[test]
    fn empty_fields_say_so_instead_of_vanishing() {
        let mut empty = draft(NoticeKind::Update);
        empty.impact = "  ".into();
        empty.actions = String::new();
        empty.next_update_at = None;
        let zh = render(&empty, &facts(), NoticeLanguage::Zh);
        assert!(zh.contains("\n影响:暂未发现受影响的业务系统\n"), "{zh}");
        assert!(zh.contains("\n处置:(暂无)\n"), "{zh}");
        assert!(zh.ends_with("下次更新:另行通知"), "{zh}");
        let en = render(&empty, &facts(), NoticeLanguage::En);
        assert!(
            en.contains("\nImpact: no business system known to be affected\n"),
            "{en}"
        );
        assert!(en.ends_with("Next update: to be announced"), "{en}");
    }

    #[test]
    fn times_carry_their_offset() {
        assert_eq!(local_time(START, 0), "2026-11-23 06:00 (UTC)");
        assert_eq!(local_time(START, 480), "2026-11-23 14:00 (UTC+08:00)");
        assert_eq!(local_time(START, -330), "2026-11-23 00:30 (UTC-05:30)");
        assert_eq!(local_time(START, -420), "2026-11-22 23:00 (UTC-07:00)");
        assert_eq!(local_time(951_782_400_000, 0), "2000-02-29 00:00 (UTC)");
        assert_eq!(local_time(0, 0), "1970-01-01 00:00 (UTC)");
    }

    #[test]
    fn the_chosen_languages_are_combined_chinese_first() {
        let texts = NoticeTexts {
            zh: "中文".into(),
            en: "English".into(),
        };
        let both = [NoticeLanguage::En, NoticeLanguage::Zh];
        assert_eq!(combined(&texts, &both), "中文\n\nEnglish");
        assert_eq!(combined(&texts, &[NoticeLanguage::En]), "English");
    }
}
