//! Which channels an event tells.

use noc_model::Severity;

use crate::channel::ChannelSpec;
use crate::message::Trigger;

/// The channels to tell about `trigger` on an incident of `severity`, and the names
/// in `named` that are no channel. Channels an escalation names are told whatever
/// their own triggers and minimum severity (the policy chose them); otherwise a
/// channel is told about the triggers it accepts for incidents at or above its
/// `min_severity`.
pub fn recipients<'a>(
    channels: impl IntoIterator<Item = &'a ChannelSpec>,
    trigger: Trigger,
    severity: Severity,
    named: &[String],
) -> (Vec<&'a ChannelSpec>, Vec<String>) {
    let channels: Vec<&ChannelSpec> = channels.into_iter().collect();
    if trigger == Trigger::Escalated && !named.is_empty() {
        let found = channels
            .iter()
            .copied()
            .filter(|c| named.contains(&c.name))
            .collect();
        let unknown = named
            .iter()
            .filter(|n| !channels.iter().any(|c| &c.name == *n))
            .cloned()
            .collect();
        return (found, unknown);
    }
    let found = channels
        .into_iter()
        .filter(|c| c.accepts(trigger) && severity.rank() >= c.min_severity.rank())
        .collect();
    (found, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChannelKind;

    fn channels() -> Vec<ChannelSpec> {
        let mut ops = ChannelSpec::new("ops", ChannelKind::WeCom, "http://127.0.0.1:1/");
        ops.triggers = vec![Trigger::Opened, Trigger::Overdue];
        let mut lead = ChannelSpec::new("lead", ChannelKind::Slack, "http://127.0.0.1:1/");
        lead.min_severity = Severity::Critical;
        vec![ops, lead]
    }

    fn names(found: &[&ChannelSpec]) -> Vec<String> {
        found.iter().map(|c| c.name.clone()).collect()
    }

    #[test]
    fn triggers_and_severity_choose_the_channels() {
        let channels = channels();
        let (found, _) = recipients(&channels, Trigger::Opened, Severity::Major, &[]);
        assert_eq!(names(&found), ["ops"]);
        let (found, _) = recipients(&channels, Trigger::Opened, Severity::Critical, &[]);
        assert_eq!(names(&found), ["ops", "lead"]);
        let (found, _) = recipients(&channels, Trigger::Opened, Severity::Minor, &[]);
        assert!(found.is_empty());
        let (found, _) = recipients(&channels, Trigger::Escalated, Severity::Critical, &[]);
        assert_eq!(names(&found), ["lead"]);
    }

    #[test]
    fn an_escalation_tells_the_channels_it_names() {
        let channels = channels();
        let named = vec!["ops".to_string(), "pager".to_string()];
        let (found, unknown) = recipients(&channels, Trigger::Escalated, Severity::Minor, &named);
        assert_eq!(names(&found), ["ops"]);
        assert_eq!(unknown, ["pager"]);
    }
}
