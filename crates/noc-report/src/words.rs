//! The words of a report, in English and Chinese. A report is a document handed
//! around after the shift, so it carries its own words rather than the UI's.

use noc_model::{ClockState, IncidentStatus, Millis, NoticeKind, Severity, Verdict};
use serde::{Deserialize, Serialize};

use crate::ReportKind;

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub fn parse(word: &str) -> Option<Lang> {
        match word {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    pub fn words(self) -> &'static Words {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

pub struct Words {
    pub shift_report: &'static str,
    pub daily_report: &'static str,
    pub weekly_report: &'static str,
    pub incident_report: &'static str,
    pub drill_report: &'static str,
    pub range: &'static str,
    pub time_zone: &'static str,
    pub targets: &'static str,
    pub summary: &'static str,
    pub alarms_raised: &'static str,
    pub incidents_opened: &'static str,
    pub mtta: &'static str,
    pub mttr: &'static str,
    pub median: &'static str,
    pub mean: &'static str,
    pub of_incidents: &'static str,
    pub alarm_volume: &'static str,
    pub alarms: &'static str,
    pub incidents: &'static str,
    pub by_severity: &'static str,
    pub by_system: &'static str,
    pub no_system: &'static str,
    pub compliance: &'static str,
    pub detect: &'static str,
    pub identify: &'static str,
    pub recover: &'static str,
    pub met: &'static str,
    pub missed: &'static str,
    pub running: &'static str,
    pub noisiest: &'static str,
    pub source: &'static str,
    pub share: &'static str,
    pub overdue: &'static str,
    pub overdue_none: &'static str,
    pub due_at: &'static str,
    pub updated_at: &'static str,
    pub not_updated: &'static str,
    pub overdue_for: &'static str,
    pub incident_list: &'static str,
    pub none: &'static str,
    pub id: &'static str,
    pub title: &'static str,
    pub severity: &'static str,
    pub system: &'static str,
    pub status: &'static str,
    pub opened: &'static str,
    pub acknowledged: &'static str,
    pub identified: &'static str,
    pub mitigated: &'static str,
    pub resolved: &'static str,
    pub clocks: &'static str,
    pub timeline: &'static str,
    pub when: &'static str,
    pub who: &'static str,
    pub what: &'static str,
    pub cause: &'static str,
    pub notices: &'static str,
    pub channels: &'static str,
    pub delivered: &'static str,
    pub count: &'static str,
    pub first_seen: &'static str,
    pub cleared: &'static str,
    pub node: &'static str,
    pub scorecard: &'static str,
    pub scorecard_missing: &'static str,
    pub phase: &'static str,
    pub target: &'static str,
    pub took: &'static str,
    pub verdict: &'static str,
    pub root_cause: &'static str,
    pub expected: &'static str,
    pub steps: &'static str,
    pub score: &'static str,
    pub generated_from: &'static str,
    pub no_cjk_font: &'static str,
}

impl Words {
    pub fn kind(&self, kind: ReportKind) -> &'static str {
        match kind {
            ReportKind::Shift => self.shift_report,
            ReportKind::Daily => self.daily_report,
            ReportKind::Weekly => self.weekly_report,
            ReportKind::Incident => self.incident_report,
            ReportKind::Drill => self.drill_report,
        }
    }

    pub fn severity(&self, severity: Severity) -> &'static str {
        let zh = std::ptr::eq(self, &ZH);
        match (severity, zh) {
            (Severity::Critical, false) => "Critical",
            (Severity::Major, false) => "Major",
            (Severity::Minor, false) => "Minor",
            (Severity::Warning, false) => "Warning",
            (Severity::Unknown, false) => "Unknown",
            (Severity::Info, false) => "Info",
            (Severity::Critical, true) => "紧急",
            (Severity::Major, true) => "重要",
            (Severity::Minor, true) => "次要",
            (Severity::Warning, true) => "警告",
            (Severity::Unknown, true) => "未知",
            (Severity::Info, true) => "提示",
        }
    }

    pub fn clock(&self, clock: ClockState) -> &'static str {
        match clock {
            ClockState::Met => self.met,
            ClockState::Missed => self.missed,
            ClockState::Running | ClockState::Amber => self.running,
        }
    }

    pub fn verdict(&self, verdict: Verdict) -> &'static str {
        let zh = std::ptr::eq(self, &ZH);
        match (verdict, zh) {
            (Verdict::Met, _) => self.met,
            (Verdict::Missed, _) => self.missed,
            (Verdict::Late, false) => "Late",
            (Verdict::Late, true) => "超时完成",
            (Verdict::Pending, false) => "Pending",
            (Verdict::Pending, true) => "未完成",
        }
    }

    pub fn status(&self, status: IncidentStatus) -> &'static str {
        let zh = std::ptr::eq(self, &ZH);
        match (status, zh) {
            (IncidentStatus::Open, false) => "Open",
            (IncidentStatus::Acknowledged, false) => "Acknowledged",
            (IncidentStatus::Identified, false) => "Identified",
            (IncidentStatus::Mitigated, false) => "Mitigated",
            (IncidentStatus::Resolved, false) => "Resolved",
            (IncidentStatus::Reviewed, false) => "Reviewed",
            (IncidentStatus::Merged, false) => "Merged",
            (IncidentStatus::Open, true) => "未处理",
            (IncidentStatus::Acknowledged, true) => "已确认",
            (IncidentStatus::Identified, true) => "已定界",
            (IncidentStatus::Mitigated, true) => "已止损",
            (IncidentStatus::Resolved, true) => "已恢复",
            (IncidentStatus::Reviewed, true) => "已复盘",
            (IncidentStatus::Merged, true) => "已合并",
        }
    }

    pub fn notice(&self, kind: NoticeKind) -> &'static str {
        let zh = std::ptr::eq(self, &ZH);
        match (kind, zh) {
            (NoticeKind::Initial, false) => "Initial",
            (NoticeKind::Update, false) => "Update",
            (NoticeKind::Final, false) => "Final",
            (NoticeKind::Initial, true) => "首报",
            (NoticeKind::Update, true) => "续报",
            (NoticeKind::Final, true) => "终报",
        }
    }

    pub fn phase(&self, phase: noc_model::DrillPhase) -> &'static str {
        use noc_model::DrillPhase::*;
        let zh = std::ptr::eq(self, &ZH);
        match (phase, zh) {
            (Detect, false) => "Detect",
            (Acknowledge, false) => "Acknowledge",
            (Identify, false) => "Identify",
            (Mitigate, false) => "Mitigate",
            (Recover, false) => "Recover",
            (Detect, true) => "发现",
            (Acknowledge, true) => "确认",
            (Identify, true) => "定界",
            (Mitigate, true) => "止损",
            (Recover, true) => "恢复",
        }
    }
}

pub static EN: Words = Words {
    shift_report: "Shift report",
    daily_report: "Daily report",
    weekly_report: "Weekly report",
    incident_report: "Incident review",
    drill_report: "Drill report",
    range: "Range",
    time_zone: "Times in",
    targets: "1-5-10 targets",
    summary: "Summary",
    alarms_raised: "Alarms raised",
    incidents_opened: "Incidents opened",
    mtta: "MTTA",
    mttr: "MTTR",
    median: "median",
    mean: "mean",
    of_incidents: "incidents",
    alarm_volume: "Alarm volume",
    alarms: "Alarms",
    incidents: "Incidents",
    by_severity: "Incidents by severity",
    by_system: "Incidents by business system",
    no_system: "(no system)",
    compliance: "1-5-10 compliance",
    detect: "Detect ≤1 min",
    identify: "Identify ≤5 min",
    recover: "Recover ≤10 min",
    met: "Met",
    missed: "Missed",
    running: "Running",
    noisiest: "Noisiest sources",
    source: "Source",
    share: "Share",
    overdue: "Overdue updates",
    overdue_none: "No incident went past its update deadline.",
    due_at: "Update due",
    updated_at: "Next update",
    not_updated: "none in range",
    overdue_for: "Overdue for",
    incident_list: "Incidents",
    none: "None.",
    id: "#",
    title: "Title",
    severity: "Severity",
    system: "System",
    status: "Status",
    opened: "Opened",
    acknowledged: "Acknowledged",
    identified: "Identified",
    mitigated: "Mitigated",
    resolved: "Resolved",
    clocks: "1-5-10",
    timeline: "Timeline",
    when: "When",
    who: "Who",
    what: "What",
    cause: "Cause",
    notices: "Notices",
    channels: "Channels",
    delivered: "Delivered",
    count: "Count",
    first_seen: "First seen",
    cleared: "Cleared",
    node: "Node",
    scorecard: "Scorecard",
    scorecard_missing: "This range holds no drill: no scorecard.",
    phase: "Phase",
    target: "Target",
    took: "Took",
    verdict: "Verdict",
    root_cause: "Root cause",
    expected: "Expected",
    steps: "Runbook steps",
    score: "Score",
    generated_from: "Folded from the event log",
    no_cjk_font: "No CJK font was found on this machine: this PDF is in English. Install fonts-wqy-microhei (or Noto Sans CJK) for Chinese.",
};

pub static ZH: Words = Words {
    shift_report: "班次报告",
    daily_report: "日报",
    weekly_report: "周报",
    incident_report: "故障复盘报告",
    drill_report: "演练报告",
    range: "时间范围",
    time_zone: "时区",
    targets: "1-5-10 目标",
    summary: "概览",
    alarms_raised: "告警数",
    incidents_opened: "新增故障",
    mtta: "平均确认时长 MTTA",
    mttr: "平均恢复时长 MTTR",
    median: "中位数",
    mean: "平均",
    of_incidents: "个故障",
    alarm_volume: "告警量",
    alarms: "告警",
    incidents: "故障",
    by_severity: "故障按级别",
    by_system: "故障按业务系统",
    no_system: "（无系统）",
    compliance: "1-5-10 达标",
    detect: "发现 ≤1 分钟",
    identify: "定界 ≤5 分钟",
    recover: "恢复 ≤10 分钟",
    met: "达标",
    missed: "未达标",
    running: "计时中",
    noisiest: "告警最多的来源",
    source: "来源",
    share: "占比",
    overdue: "通报超时",
    overdue_none: "没有故障超过通报期限。",
    due_at: "应通报时间",
    updated_at: "下次通报",
    not_updated: "范围内无",
    overdue_for: "超时时长",
    incident_list: "故障列表",
    none: "无。",
    id: "编号",
    title: "标题",
    severity: "级别",
    system: "系统",
    status: "状态",
    opened: "创建",
    acknowledged: "确认",
    identified: "定界",
    mitigated: "止损",
    resolved: "恢复",
    clocks: "1-5-10",
    timeline: "时间线",
    when: "时间",
    who: "人员",
    what: "内容",
    cause: "原因",
    notices: "通报",
    channels: "渠道",
    delivered: "送达",
    count: "次数",
    first_seen: "首次出现",
    cleared: "清除",
    node: "节点",
    scorecard: "评分表",
    scorecard_missing: "该范围内没有演练：无评分表。",
    phase: "阶段",
    target: "目标",
    took: "用时",
    verdict: "结果",
    root_cause: "根因",
    expected: "预期",
    steps: "预案步骤",
    score: "得分",
    generated_from: "由事件日志汇总",
    no_cjk_font: "No CJK font was found on this machine: this PDF is in English. Install fonts-wqy-microhei (or Noto Sans CJK) for Chinese.",
};

/// A time in the report's offset: `2026-11-16 08:05`.
pub fn format_time(at: Millis, offset_minutes: i32) -> String {
    let local = at + Millis::from(offset_minutes) * 60_000;
    let days = local.div_euclid(86_400_000);
    let ms_of_day = local.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60
    )
}

/// `UTC+08:00`.
pub fn format_offset(offset_minutes: i32) -> String {
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let abs = offset_minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", abs / 60, abs % 60)
}

/// A duration as an operator reads it: `45s`, `4m 30s`, `2h 05m`, `3d 4h`.
pub fn format_duration(ms: Millis) -> String {
    let secs = ms.max(0) / 1000;
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m {:02}s", s / 60, s % 60),
        s if s < 86_400 => format!("{}h {:02}m", s / 3600, s / 60 % 60),
        s => format!("{}d {}h", s / 86_400, s / 3600 % 24),
    }
}

/// Days since 1970-01-01 to a civil date (proleptic Gregorian), after Howard
/// Hinnant's well-known algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A moment as a caller writes it: unix ms (`1763251200000`), a date (`2026-11-16`,
/// its midnight) or a date and time (`2026-11-16T08:00`, `2026-11-16 08:00`), the
/// last two on the clock `offset_minutes` from UTC.
pub fn parse_moment(text: &str, offset_minutes: i32) -> Result<Millis, String> {
    let text = text.trim();
    if let Ok(ms) = text.parse::<Millis>() {
        return Ok(ms);
    }
    let bad = || {
        format!(
            "`{text}` is neither unix milliseconds nor a date like 2026-11-16 or 2026-11-16T08:00"
        )
    };
    let (date, clock) = match text.split_once(['T', ' ']) {
        Some((date, clock)) => (date, Some(clock)),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    let minutes = match clock {
        None => 0,
        Some(clock) => {
            let mut hm = clock.splitn(3, ':').map(|p| p.parse::<i64>().ok());
            match (hm.next(), hm.next()) {
                (Some(Some(h)), Some(Some(min)))
                    if (0..24).contains(&h) && (0..60).contains(&min) =>
                {
                    h * 60 + min
                }
                _ => return Err(bad()),
            }
        }
    };
    let days = days_from_civil(y, m, d);
    Ok((days * 1440 + minutes - i64::from(offset_minutes)) * 60_000)
}

/// The inverse of [`civil_from_days`].
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
