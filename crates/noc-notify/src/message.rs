//! What a notification says: plain text without links (chat previews and lock
//! screens show the first line, so it carries severity, what and the trigger),
//! in Chinese or English.

use std::str::FromStr;

use noc_model::{IncidentId, Millis, NoticeKind, Severity};
use serde::Serialize;

use crate::channel::Language;

/// The events a channel can choose to be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// A new incident of at least the channel's `min_severity`.
    Opened,
    /// An incident was escalated (by policy or by an operator).
    Escalated,
    /// Nobody updated an incident before its update deadline.
    Overdue,
}

impl Trigger {
    pub const ALL: [Trigger; 3] = [Trigger::Opened, Trigger::Escalated, Trigger::Overdue];

    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Opened => "opened",
            Trigger::Escalated => "escalated",
            Trigger::Overdue => "overdue",
        }
    }
}

impl FromStr for Trigger {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Trigger::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown trigger \"{s}\"; expected \"opened\", \"escalated\" or \"overdue\""
                )
            })
    }
}

/// The incident as a notice shows it (and as a JSON webhook receives it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentBrief {
    pub id: IncidentId,
    pub title: String,
    pub severity: Severity,
    pub root_node: Option<String>,
    pub system: Option<String>,
    pub escalation_level: u32,
}

impl IncidentBrief {
    pub fn of(incident: &noc_model::Incident) -> Self {
        Self {
            id: incident.id,
            title: incident.title.clone(),
            severity: incident.severity,
            root_node: incident.root_node.clone(),
            system: incident.system.clone(),
            escalation_level: incident.escalation_level,
        }
    }
}

/// Why a notice is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    Opened,
    Escalated {
        level: u32,
        reason: String,
    },
    Overdue {
        due_at: Millis,
    },
    /// An open incident became worse than the channel's `min_severity` after it
    /// opened (a worse alarm joined): told as the new P1/P2 it now is.
    Worsened {
        from: Severity,
    },
    /// An operator pressed "test" for the channel.
    Test {
        channel: String,
        operator: String,
    },
    /// An operator's status notice (通报), already rendered in the languages the
    /// operator chose: sent as it is, whatever the channel's own language.
    Status {
        kind: NoticeKind,
        text: String,
    },
    /// The rate limit reopened: the notices it held back, one line each.
    Summary {
        per_minute: u32,
        missed: Vec<String>,
        total: usize,
    },
}

impl Reason {
    /// The `trigger` of the `notification_sent` event.
    pub fn trigger(&self) -> &'static str {
        match self {
            Reason::Opened | Reason::Worsened { .. } => "opened",
            Reason::Escalated { .. } => "escalated",
            Reason::Overdue { .. } => "overdue",
            Reason::Test { .. } => "test",
            Reason::Status { .. } => "notice",
            Reason::Summary { .. } => "summary",
        }
    }

    /// The reason's particulars, for a JSON webhook.
    pub fn detail(&self) -> serde_json::Value {
        match self {
            Reason::Opened => serde_json::Value::Null,
            Reason::Worsened { from } => serde_json::json!({ "from": from }),
            Reason::Escalated { level, reason } => {
                serde_json::json!({ "level": level, "reason": reason })
            }
            Reason::Overdue { due_at } => serde_json::json!({ "due_at": due_at }),
            Reason::Test { operator, .. } => serde_json::json!({ "operator": operator }),
            Reason::Status { kind, .. } => serde_json::json!({ "kind": kind }),
            Reason::Summary { missed, total, .. } => {
                serde_json::json!({ "missed": missed, "total": total })
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub reason: Reason,
    pub incident: Option<IncidentBrief>,
}

impl Notice {
    pub fn about(incident: IncidentBrief, reason: Reason) -> Self {
        Self {
            reason,
            incident: Some(incident),
        }
    }

    /// An operator's status notice about `incident`, rendered as `text`.
    pub fn status(incident: IncidentBrief, kind: NoticeKind, text: String) -> Self {
        Self::about(incident, Reason::Status { kind, text })
    }

    pub fn test(channel: &str, operator: &str) -> Self {
        Self {
            reason: Reason::Test {
                channel: channel.to_string(),
                operator: operator.to_string(),
            },
            incident: None,
        }
    }

    /// The whole message. Every message starts with `[NOC]`, so a DingTalk or
    /// Feishu robot guarded by a keyword can use "NOC".
    pub fn text(&self, lang: Language) -> String {
        if let Reason::Status { text, .. } = &self.reason {
            return text.clone();
        }
        let mut lines = vec![format!("[NOC] {}", self.headline(lang))];
        if let Some(incident) = &self.incident {
            if let Some(place) = place(incident, lang) {
                lines.push(place);
            }
        }
        lines.extend(self.particulars(lang));
        lines.join("\n")
    }

    /// The message in WeCom's markdown: the headline bold, in orange for P1/P2 and
    /// grey otherwise, the rest quoted. Source text is neutralised first, so an alarm
    /// title cannot add a link, a colour or a heading.
    pub fn markdown(&self, lang: Language) -> String {
        let text = neutralise(&self.text(lang));
        let mut lines = text.lines();
        let headline = lines.next().unwrap_or_default();
        let colour = match self.incident.as_ref().map(|i| i.severity) {
            Some(Severity::Critical | Severity::Major) => "warning",
            Some(_) => "comment",
            None => "info",
        };
        let mut out = format!("<font color=\"{colour}\">**{headline}**</font>");
        for line in lines {
            out.push_str("\n> ");
            out.push_str(line);
        }
        out
    }

    /// One line: severity, what, and why now.
    pub fn headline(&self, lang: Language) -> String {
        if let Reason::Status { text, .. } = &self.reason {
            return text.lines().next().unwrap_or_default().to_string();
        }
        let Some(incident) = &self.incident else {
            return match (&self.reason, lang) {
                (Reason::Test { .. }, Language::Zh) => "通知通道测试".to_string(),
                (Reason::Test { .. }, Language::En) => "Notification channel test".to_string(),
                (Reason::Summary { total, .. }, Language::Zh) => {
                    format!("限流期间有 {total} 条通知未发出")
                }
                (Reason::Summary { total, .. }, Language::En) => {
                    format!("{total} notifications held back by the rate limit")
                }
                (_, Language::Zh) => "通知".to_string(),
                (_, Language::En) => "Notification".to_string(),
            };
        };
        let label = severity_label(incident.severity, lang);
        let id = incident.id;
        let title = one_line(&incident.title);
        match (&self.reason, lang) {
            (Reason::Escalated { level, .. }, Language::Zh) => {
                format!("【{label}】故障 #{id} 已升级到第 {level} 级:{title}")
            }
            (Reason::Escalated { level, .. }, Language::En) => {
                format!("[{label}] Incident #{id} escalated to level {level}: {title}")
            }
            (Reason::Overdue { .. }, Language::Zh) => {
                format!("【{label}】故障 #{id} 进展更新超时:{title}")
            }
            (Reason::Overdue { .. }, Language::En) => {
                format!("[{label}] Incident #{id} update overdue: {title}")
            }
            (Reason::Worsened { .. }, Language::Zh) => {
                format!("【{label}】故障 #{id} 级别升高:{title}")
            }
            (Reason::Worsened { .. }, Language::En) => {
                format!(
                    "[{label}] Incident #{id} is now {}: {title}",
                    incident.severity.as_str()
                )
            }
            (_, Language::Zh) => format!("【{label}】新故障 #{id}:{title}"),
            (_, Language::En) => format!("[{label}] New incident #{id}: {title}"),
        }
    }

    fn particulars(&self, lang: Language) -> Vec<String> {
        let severity = self.incident.as_ref().map(|i| i.severity);
        match (&self.reason, lang) {
            (Reason::Opened, Language::Zh) => vec![format!(
                "触发:新的{}故障",
                severity.map(priority).unwrap_or_default()
            )],
            (Reason::Opened, Language::En) => {
                vec![match severity.map(priority).unwrap_or_default() {
                    "" => "Trigger: new incident".to_string(),
                    p => format!("Trigger: new {p} incident"),
                }]
            }
            (Reason::Worsened { from }, Language::Zh) => vec![format!(
                "触发:由{}升为{}",
                severity_label(*from, Language::Zh),
                severity.map(|s| severity_label(s, Language::Zh)).unwrap_or_default()
            )],
            (Reason::Worsened { from }, Language::En) => vec![format!(
                "Trigger: worse than when it opened ({} until now)",
                severity_label(*from, Language::En)
            )],
            (Reason::Escalated { level, reason }, Language::Zh) => vec![
                format!("触发:升级到第 {level} 级"),
                format!("原因:{}", one_line(reason)),
            ],
            (Reason::Escalated { level, reason }, Language::En) => vec![
                format!("Trigger: escalated to level {level}"),
                format!("Reason: {}", one_line(reason)),
            ],
            (Reason::Overdue { due_at }, Language::Zh) => vec![format!(
                "触发:应在 {} 前更新进展,尚无更新",
                utc_clock(*due_at)
            )],
            (Reason::Overdue { due_at }, Language::En) => vec![format!(
                "Trigger: no update since the deadline {}",
                utc_clock(*due_at)
            )],
            (Reason::Test { channel, operator }, Language::Zh) => vec![format!(
                "{operator} 在 NOC 控制台测试通道 {channel}:收到此消息即表示通道可用。"
            )],
            (Reason::Test { channel, operator }, Language::En) => vec![format!(
                "{operator} tested the channel {channel} from the NOC console: if you can read this, it works."
            )],
            (Reason::Status { .. }, _) => Vec::new(),
            (Reason::Summary { per_minute, missed, .. }, lang) => {
                let mut lines = vec![match lang {
                    Language::Zh => format!("每分钟最多 {per_minute} 条;以下通知未单独发出:"),
                    Language::En => format!(
                        "At most {per_minute} messages a minute; these were not sent on their own:"
                    ),
                }];
                lines.extend(missed.iter().map(|m| format!("- {m}")));
                lines
            }
        }
    }
}

/// Where: the node and the business system, when known.
fn place(incident: &IncidentBrief, lang: Language) -> Option<String> {
    let node = incident.root_node.as_deref().map(one_line);
    let system = incident.system.as_deref().map(one_line);
    let parts: Vec<String> = match lang {
        Language::Zh => [
            node.map(|n| format!("节点 {n}")),
            system.map(|s| format!("系统 {s}")),
        ],
        Language::En => [
            node.map(|n| format!("node {n}")),
            system.map(|s| format!("system {s}")),
        ],
    }
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        return None;
    }
    Some(match lang {
        Language::Zh => format!("位置:{}", parts.join(",")),
        Language::En => format!("Where: {}", parts.join(", ")),
    })
}

/// P1 = critical, P2 = major, … as duty teams say it.
fn priority(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "P1",
        Severity::Major => "P2",
        Severity::Minor => "P3",
        Severity::Warning => "P4",
        Severity::Unknown | Severity::Info => "",
    }
}

pub(crate) fn severity_label(severity: Severity, lang: Language) -> String {
    let word = match lang {
        Language::En => severity.as_str(),
        Language::Zh => match severity {
            Severity::Critical => "紧急",
            Severity::Major => "严重",
            Severity::Minor => "次要",
            Severity::Warning => "警告",
            Severity::Unknown => "未知",
            Severity::Info => "提示",
        },
    };
    match priority(severity) {
        "" => word.to_string(),
        p => format!("{p} {word}"),
    }
}

/// Markdown's active characters as their full-width look-alikes: the text still
/// reads the same, and renders as nothing but text.
fn neutralise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '[' => '［',
            ']' => '］',
            '(' => '（',
            ')' => '）',
            '<' => '＜',
            '>' => '＞',
            '*' => '＊',
            '`' => '｀',
            '#' => '＃',
            '_' => '＿',
            other => other,
        })
        .collect()
}

/// Source text is untrusted: one line, so it cannot forge lines of the message.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `HH:MM UTC`: duty teams across sites read one clock.
fn utc_clock(at: Millis) -> String {
    let minutes = at.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{:02}:{:02} UTC", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident() -> IncidentBrief {
        IncidentBrief {
            id: 12,
            title: "BGP session down\non core-1".into(),
            severity: Severity::Critical,
            root_node: Some("core-1".into()),
            system: Some("billing".into()),
            escalation_level: 0,
        }
    }

    #[test]
    fn an_opened_incident_reads_what_where_and_why() {
        let notice = Notice::about(incident(), Reason::Opened);
        assert_eq!(
            notice.text(Language::En),
            "[NOC] [P1 critical] New incident #12: BGP session down on core-1\n\
             Where: node core-1, system billing\nTrigger: new P1 incident"
        );
        assert_eq!(
            notice.text(Language::Zh),
            "[NOC] 【P1 紧急】新故障 #12:BGP session down on core-1\n\
             位置:节点 core-1,系统 billing\n触发:新的P1故障"
        );
    }

    #[test]
    fn escalation_and_overdue_say_their_trigger() {
        let escalated = Notice::about(
            incident(),
            Reason::Escalated {
                level: 2,
                reason: "unacknowledged for 5 min".into(),
            },
        );
        let text = escalated.text(Language::En);
        assert!(text.contains("escalated to level 2"), "{text}");
        assert!(text.contains("Reason: unacknowledged for 5 min"), "{text}");
        assert!(escalated.text(Language::Zh).contains("已升级到第 2 级"));
        let overdue = Notice::about(
            incident(),
            Reason::Overdue {
                due_at: 1_700_000_100_000,
            },
        );
        assert!(overdue.text(Language::En).contains("deadline 22:15 UTC"));
        assert!(overdue.text(Language::Zh).contains("进展更新超时"));
    }

    #[test]
    fn markdown_cannot_be_forged_by_source_text() {
        let mut brief = incident();
        brief.title = "[click](http://evil.example) <font color=\"info\">ok</font> **x**".into();
        let markdown = Notice::about(brief, Reason::Opened).markdown(Language::En);
        let mut lines = markdown.lines();
        assert_eq!(
            lines.next().unwrap(),
            "<font color=\"warning\">**［NOC］ ［P1 critical］ New incident ＃12: \
             ［click］（http://evil.example） ＜font color=\"info\"＞ok＜/font＞ ＊＊x＊＊**</font>"
        );
        assert_eq!(
            lines.next().unwrap(),
            "> Where: node core-1, system billing"
        );
        assert_eq!(lines.next().unwrap(), "> Trigger: new P1 incident");
    }

    #[test]
    fn a_worsened_incident_says_what_it_was() {
        let notice = Notice::about(
            incident(),
            Reason::Worsened {
                from: Severity::Minor,
            },
        );
        assert_eq!(
            notice.text(Language::En),
            "[NOC] [P1 critical] Incident #12 is now critical: BGP session down on core-1\n\
             Where: node core-1, system billing\nTrigger: worse than when it opened (P3 minor until now)"
        );
        assert!(notice
            .text(Language::Zh)
            .contains("触发:由P3 次要升为P1 紧急"));
        assert_eq!(notice.reason.trigger(), "opened");
    }
}
