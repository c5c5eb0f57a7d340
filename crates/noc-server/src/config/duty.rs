//! `[duty]`: the team's duty rules (1-5-10 targets, update deadline, escalation,
//! flapping, grouping, fingerprints, causal rules) and how an acknowledgement is written back,
//! in minutes as people plan them, checked with the line of the offending key.

use std::collections::BTreeSet;

use noc_api::WriteBackSettings;
use noc_model::{
    CausalRule, ClockTargets, DutyPolicy, EscalationStep, FingerprintRule, FlappingRule,
    GroupingRule, Millis, Severity,
};
use serde::Deserialize;
use toml::Spanned;

use super::sources::Refusal;

const MINUTE_MS: Millis = 60_000;
/// A week: beyond it a target or deadline no longer describes a duty shift.
const MAX_MINUTES: u32 = 7 * 24 * 60;
/// Thirty days, as for silences made by hand.
const MAX_SILENCE_MINUTES: u32 = noc_api::MAX_SILENCE_MINUTES;

type Minutes = Option<Spanned<u32>>;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DutySection {
    /// 1-5-10: minutes to acknowledge, to identify (定界) and to recover.
    pub detect_mins: Minutes,
    pub identify_mins: Minutes,
    pub recover_mins: Minutes,
    /// An open incident needs an operator update at least this often.
    pub update_every_mins: Minutes,
    /// How long the Alertmanager silence lasts that acknowledging with write-back makes.
    pub write_back_silence_mins: Minutes,
    pub flapping: Option<FlappingSection>,
    #[serde(default)]
    pub escalation: Vec<EscalationSection>,
    #[serde(default)]
    pub grouping: Vec<GroupingSection>,
    #[serde(default)]
    pub fingerprint: Vec<FingerprintSection>,
    #[serde(default)]
    pub causal: Vec<CausalSection>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlappingSection {
    pub changes: Spanned<u32>,
    pub window_mins: Spanned<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationSection {
    pub level: Spanned<u32>,
    pub after_mins: Spanned<u32>,
    pub min_severity: Spanned<Severity>,
    #[serde(default)]
    pub notify: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupingSection {
    pub name: Spanned<String>,
    pub labels: Spanned<Vec<String>>,
    pub window_mins: Spanned<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FingerprintSection {
    pub source: Spanned<String>,
    pub labels: Spanned<Vec<String>>,
}

/// `cause` brings `effect` (alarm types: `alertname`, else `alarm_type`, else the title).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CausalSection {
    pub cause: Spanned<String>,
    pub effect: Spanned<String>,
}

impl DutySection {
    /// The rules the engine runs with; defaults where the file says nothing.
    pub fn policy(&self) -> Result<DutyPolicy, Refusal> {
        let defaults = DutyPolicy::default();
        let targets = ClockTargets {
            detect_ms: minutes(
                "duty.detect_mins",
                &self.detect_mins,
                defaults.targets.detect_ms,
            )?,
            identify_ms: minutes(
                "duty.identify_mins",
                &self.identify_mins,
                defaults.targets.identify_ms,
            )?,
            recover_ms: minutes(
                "duty.recover_mins",
                &self.recover_mins,
                defaults.targets.recover_ms,
            )?,
        };
        if targets.identify_ms < targets.detect_ms || targets.recover_ms < targets.identify_ms {
            let at = [&self.identify_mins, &self.recover_mins, &self.detect_mins]
                .into_iter()
                .flatten()
                .map(|m| m.span().start)
                .next()
                .unwrap_or(0);
            return Err((
                at,
                "duty targets must not shrink along the loop: detect_mins ≤ identify_mins ≤ recover_mins"
                    .into(),
            ));
        }
        Ok(DutyPolicy {
            targets,
            update_every_ms: minutes(
                "duty.update_every_mins",
                &self.update_every_mins,
                defaults.update_every_ms,
            )?,
            escalation: self.escalation_steps()?,
            flapping: match &self.flapping {
                Some(f) => f.rule()?,
                None => defaults.flapping,
            },
            grouping: self
                .grouping
                .iter()
                .map(GroupingSection::rule)
                .collect::<Result<_, _>>()?,
            fingerprints: self
                .fingerprint
                .iter()
                .map(FingerprintSection::rule)
                .collect::<Result<_, _>>()?,
            causal: self
                .causal
                .iter()
                .map(CausalSection::rule)
                .collect::<Result<_, _>>()?,
        })
    }

    pub fn write_back(&self) -> Result<WriteBackSettings, Refusal> {
        let mut settings = WriteBackSettings::default();
        if let Some(mins) = &self.write_back_silence_mins {
            if *mins.get_ref() == 0 || *mins.get_ref() > MAX_SILENCE_MINUTES {
                return Err((
                    mins.span().start,
                    format!(
                        "duty.write_back_silence_mins must be 1 to {MAX_SILENCE_MINUTES} (30 days)"
                    ),
                ));
            }
            settings.silence_minutes = *mins.get_ref();
        }
        Ok(settings)
    }

    /// Steps in the order of their delay; a level or a delay used twice is a typo.
    fn escalation_steps(&self) -> Result<Vec<EscalationStep>, Refusal> {
        let mut levels = BTreeSet::new();
        let mut steps = Vec::new();
        for entry in &self.escalation {
            let level = *entry.level.get_ref();
            if level == 0 {
                return Err((
                    entry.level.span().start,
                    "duty.escalation.level starts at 1".into(),
                ));
            }
            if !levels.insert(level) {
                return Err((
                    entry.level.span().start,
                    format!("duty.escalation.level {level} is defined twice"),
                ));
            }
            let after_ms = minutes_of("duty.escalation.after_mins", &entry.after_mins)?;
            let mut notify = Vec::new();
            for channel in &entry.notify {
                let name = channel.get_ref().trim();
                if name.is_empty() {
                    return Err((
                        channel.span().start,
                        "duty.escalation.notify names channels; an empty name is not one".into(),
                    ));
                }
                notify.push(name.to_string());
            }
            steps.push(EscalationStep {
                level,
                after_ms,
                min_severity: *entry.min_severity.get_ref(),
                notify,
            });
        }
        steps.sort_by_key(|s| (s.after_ms, s.level));
        Ok(steps)
    }
}

impl FlappingSection {
    fn rule(&self) -> Result<FlappingRule, Refusal> {
        if *self.changes.get_ref() < 2 {
            return Err((
                self.changes.span().start,
                "duty.flapping.changes must be at least 2 (one change is just a fault)".into(),
            ));
        }
        Ok(FlappingRule {
            changes: *self.changes.get_ref(),
            window_ms: minutes_of("duty.flapping.window_mins", &self.window_mins)?,
        })
    }
}

impl GroupingSection {
    fn rule(&self) -> Result<GroupingRule, Refusal> {
        let name = self.name.get_ref().trim();
        if name.is_empty() {
            return Err((
                self.name.span().start,
                "duty.grouping.name must not be empty".into(),
            ));
        }
        Ok(GroupingRule {
            name: name.to_string(),
            labels: label_names("duty.grouping.labels", &self.labels)?,
            window_ms: minutes_of("duty.grouping.window_mins", &self.window_mins)?,
        })
    }
}

impl FingerprintSection {
    fn rule(&self) -> Result<FingerprintRule, Refusal> {
        let source = self.source.get_ref().trim();
        if source.is_empty() {
            return Err((
                self.source.span().start,
                "duty.fingerprint.source must name a source".into(),
            ));
        }
        Ok(FingerprintRule {
            source: source.to_string(),
            labels: label_names("duty.fingerprint.labels", &self.labels)?,
        })
    }
}

impl CausalSection {
    /// A rule from a type to itself says nothing (an alarm always relates to its own
    /// type), so it is taken for a typo.
    fn rule(&self) -> Result<CausalRule, Refusal> {
        let cause = alarm_type_name("duty.causal.cause", &self.cause)?;
        let effect = alarm_type_name("duty.causal.effect", &self.effect)?;
        if cause == effect {
            return Err((
                self.effect.span().start,
                format!("duty.causal: {cause} causing itself is not a rule; name two different alarm types"),
            ));
        }
        Ok(CausalRule { cause, effect })
    }
}

fn alarm_type_name(key: &str, value: &Spanned<String>) -> Result<String, Refusal> {
    let name = value.get_ref().trim();
    if name.is_empty() {
        return Err((value.span().start, format!("{key} must name an alarm type")));
    }
    Ok(name.to_string())
}

fn minutes(key: &str, value: &Minutes, default: Millis) -> Result<Millis, Refusal> {
    match value {
        Some(v) => minutes_of(key, v),
        None => Ok(default),
    }
}

fn minutes_of(key: &str, value: &Spanned<u32>) -> Result<Millis, Refusal> {
    let mins = *value.get_ref();
    if mins == 0 || mins > MAX_MINUTES {
        return Err((
            value.span().start,
            format!("{key} must be 1 to {MAX_MINUTES} minutes (a week), not {mins}"),
        ));
    }
    Ok(Millis::from(mins) * MINUTE_MS)
}

fn label_names(key: &str, labels: &Spanned<Vec<String>>) -> Result<Vec<String>, Refusal> {
    let names: Vec<String> = labels
        .get_ref()
        .iter()
        .map(|l| l.trim().to_string())
        .collect();
    if names.is_empty() || names.iter().any(String::is_empty) {
        return Err((
            labels.span().start,
            format!("{key} lists one or more label names, none of them empty"),
        ));
    }
    Ok(names)
}
