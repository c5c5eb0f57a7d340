//! Maintenance windows (维护窗口): planned work whose alarms are expected. Alarms that
//! match an active window are suppressed — kept and visible under a filter, but they
//! open no incident and notify nobody.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Labels, Matcher, Millis};

const DAY_MS: Millis = 24 * 60 * 60 * 1000;
const WEEK_MS: Millis = 7 * DAY_MS;

/// How a window repeats after its first occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Once,
    Daily,
    Weekly,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct MaintenanceWindow {
    pub id: String,
    pub title: String,
    /// Start of the first occurrence. A daily or weekly window repeats at the same
    /// instant every 24 h / 7 days (wall-clock time of the site that planned it).
    #[ts(type = "number")]
    pub starts_at: Millis,
    /// End of the first occurrence.
    #[ts(type = "number")]
    pub ends_at: Millis,
    pub recurrence: Recurrence,
    /// A recurring window stops repeating after this instant; `None` = for ever.
    #[ts(type = "number | null")]
    #[serde(default)]
    pub until: Option<Millis>,
    /// Alarms whose labels match every matcher (an empty list matches no labels-only rule).
    #[serde(default)]
    pub matchers: Vec<Matcher>,
    /// Alarms on these topology nodes (by id).
    #[serde(default)]
    pub nodes: Vec<String>,
    pub created_by: String,
}

impl MaintenanceWindow {
    /// The window is in force at `now`.
    pub fn is_active(&self, now: Millis) -> bool {
        if now < self.starts_at || self.until.is_some_and(|u| now >= u) {
            return false;
        }
        let length = self.ends_at - self.starts_at;
        let offset = now - self.starts_at;
        match self.recurrence {
            Recurrence::Once => offset < length,
            Recurrence::Daily => offset % DAY_MS < length,
            Recurrence::Weekly => offset % WEEK_MS < length,
        }
    }

    /// The alarm (its node and labels) falls under this window. A window with neither
    /// nodes nor matchers covers nothing: planned work always names what it touches.
    pub fn covers(&self, node: Option<&str>, labels: &Labels) -> bool {
        let on_node = node.is_some_and(|n| self.nodes.iter().any(|m| m == n));
        let by_labels =
            !self.matchers.is_empty() && self.matchers.iter().all(|m| matcher_holds(m, labels));
        on_node || by_labels
    }

    /// Checks what the planner typed: a clear reason when it cannot work.
    pub fn validate(&self) -> Result<(), String> {
        if self.id.trim().is_empty() || self.title.trim().is_empty() {
            return Err("a maintenance window needs an id and a title".into());
        }
        if self.ends_at <= self.starts_at {
            return Err("a maintenance window must end after it starts".into());
        }
        let length = self.ends_at - self.starts_at;
        let period = match self.recurrence {
            Recurrence::Once => None,
            Recurrence::Daily => Some(DAY_MS),
            Recurrence::Weekly => Some(WEEK_MS),
        };
        if period.is_some_and(|p| length >= p) {
            return Err("a recurring window must be shorter than its period".into());
        }
        if self.nodes.is_empty() && self.matchers.is_empty() {
            return Err("a maintenance window must name nodes or label matchers".into());
        }
        Ok(())
    }
}

/// Exact or regular-expression-free matching: a regex matcher compares literally
/// (the model has no regex engine; the API rejects regex matchers for windows).
fn matcher_holds(m: &Matcher, labels: &Labels) -> bool {
    let equal = labels.get(&m.name).is_some_and(|v| v == &m.value);
    equal == m.is_equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(recurrence: Recurrence) -> MaintenanceWindow {
        MaintenanceWindow {
            id: "w".into(),
            title: "patching".into(),
            starts_at: 1_000,
            ends_at: 1_000 + 3_600_000,
            recurrence,
            until: None,
            matchers: vec![],
            nodes: vec!["host-1".into()],
            created_by: "alice".into(),
        }
    }

    #[test]
    fn once_is_active_only_between_start_and_end() {
        let w = window(Recurrence::Once);
        assert!(!w.is_active(999));
        assert!(w.is_active(1_000));
        assert!(!w.is_active(1_000 + 3_600_000));
        assert!(!w.is_active(1_000 + DAY_MS));
    }

    #[test]
    fn daily_repeats_every_day_until_its_end() {
        let mut w = window(Recurrence::Daily);
        assert!(w.is_active(1_000 + DAY_MS + 10));
        assert!(!w.is_active(1_000 + DAY_MS + 3_600_000));
        w.until = Some(1_000 + DAY_MS);
        assert!(!w.is_active(1_000 + DAY_MS + 10));
    }

    #[test]
    fn weekly_skips_the_other_days() {
        let w = window(Recurrence::Weekly);
        assert!(!w.is_active(1_000 + DAY_MS + 10));
        assert!(w.is_active(1_000 + WEEK_MS + 10));
    }

    #[test]
    fn covers_by_node_or_by_every_matcher() {
        let mut w = window(Recurrence::Once);
        let mut labels = Labels::new();
        labels.insert("team".into(), "db".into());
        assert!(w.covers(Some("host-1"), &labels));
        assert!(!w.covers(Some("host-2"), &labels));
        w.matchers.push(Matcher {
            name: "team".into(),
            value: "db".into(),
            is_regex: false,
            is_equal: true,
        });
        assert!(w.covers(None, &labels));
        labels.insert("team".into(), "web".into());
        assert!(!w.covers(None, &labels));
    }

    #[test]
    fn validate_refuses_what_cannot_work() {
        let mut w = window(Recurrence::Daily);
        assert!(w.validate().is_ok());
        w.ends_at = w.starts_at + DAY_MS;
        assert!(w.validate().is_err());
        let mut w = window(Recurrence::Once);
        w.nodes.clear();
        assert!(w.validate().is_err());
    }
}
