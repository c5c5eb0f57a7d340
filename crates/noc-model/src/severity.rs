use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How bad a signal is. `Unknown` is what a source's unmapped severity becomes:
/// it is shown, never dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    Major,
    Minor,
    Warning,
    Unknown,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 6] = [
        Severity::Critical,
        Severity::Major,
        Severity::Minor,
        Severity::Warning,
        Severity::Unknown,
        Severity::Info,
    ];

    /// Higher is worse; used to order the board and to take the worst of a group.
    pub fn rank(self) -> u8 {
        match self {
            Severity::Critical => 5,
            Severity::Major => 4,
            Severity::Minor => 3,
            Severity::Warning => 2,
            Severity::Unknown => 1,
            Severity::Info => 0,
        }
    }

    pub fn worst(self, other: Severity) -> Severity {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Major => "major",
            Severity::Minor => "minor",
            Severity::Warning => "warning",
            Severity::Unknown => "unknown",
            Severity::Info => "info",
        }
    }

    /// Maps the words sources use (Alertmanager labels, Zabbix names, webhook fields)
    /// to a severity; anything unrecognised is `Unknown`.
    pub fn from_source_word(word: &str) -> Severity {
        match word.trim().to_ascii_lowercase().as_str() {
            "critical" | "crit" | "disaster" | "emergency" | "fatal" | "p1" => Severity::Critical,
            "major" | "high" | "error" | "page" | "p2" => Severity::Major,
            "minor" | "average" | "p3" => Severity::Minor,
            "warning" | "warn" | "p4" => Severity::Warning,
            "info" | "information" | "informational" | "ok" | "none" | "not classified" => {
                Severity::Info
            }
            _ => Severity::Unknown,
        }
    }
}
