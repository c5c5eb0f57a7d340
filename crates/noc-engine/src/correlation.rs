//! Placement of a new alarm: topology correlation first, then the grouping rules, then
//! a new incident. Topology comes first because it says *why* two alarms belong
//! together (one node needs the other) and it picks the root-cause candidate; a
//! grouping rule only says they look alike.

use noc_model::{Alarm, IncidentId, Layer, Millis, Severity, State};

use crate::dependencies::Dependencies;
use crate::membership::{rule_values, Membership};
use crate::EngineConfig;

/// Where a new alarm goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Placement {
    Join {
        incident: IncidentId,
        root: bool,
        reason: String,
    },
    Open {
        title: String,
        severity: Severity,
        root_node: Option<String>,
        system: Option<String>,
        layer: Option<Layer>,
        reason: String,
    },
}

/// How the new alarm's node relates to a node already in an incident.
struct Link {
    hops: u32,
    incident: IncidentId,
    member: String,
    words: String,
}

pub(crate) fn place(
    alarm: &Alarm,
    state: &State,
    deps: &mut Dependencies,
    members: &Membership,
    config: &EngineConfig,
    now: Millis,
) -> Placement {
    let window = config.correlation_window_ms;
    let within = format!("within {}", describe_span(window));
    if let Some(node) = alarm.node.as_deref() {
        if let Some(link) = nearest_link(node, state, deps, members, window, now) {
            let root = becomes_root(node, link.incident, state, deps);
            let mut reason = format!("{} {within}", link.words);
            if root {
                reason.push_str("; it is upstream of the previous root-cause candidate");
            }
            return Placement::Join {
                incident: link.incident,
                root,
                reason,
            };
        }
    }
    if let Some(joined) = by_rule(alarm, state, members, config, now) {
        return joined;
    }
    match alarm.node.as_deref() {
        None => open_alone(
            alarm,
            "opened on its own: the source names no node for this alarm",
        ),
        Some(node) if !deps.knows(node) => open_alone(
            alarm,
            &format!("opened on its own: node {node} is not in the topology"),
        ),
        Some(node) => Placement::Open {
            title: incident_title(alarm, deps),
            severity: alarm.severity,
            root_node: Some(node.to_string()),
            system: deps.business_system_of(node),
            layer: deps.layer(node),
            reason: format!("first alarm on {node}: no open incident on a related node {within}"),
        },
    }
}

/// The first grouping rule (in the policy's order) under which an open incident,
/// opened within the rule's window, holds an alarm with the same values: the oldest
/// such incident, named by its earliest such alarm.
fn by_rule(
    alarm: &Alarm,
    state: &State,
    members: &Membership,
    config: &EngineConfig,
    now: Millis,
) -> Option<Placement> {
    for (i, rule) in config.policy.grouping.iter().enumerate() {
        let Some(values) = rule_values(rule, &alarm.labels) else {
            continue;
        };
        let key = (i, values);
        let since = now.saturating_sub(rule.window_ms);
        let found = members.with_values(&key).find(|(incident, _)| {
            state
                .incidents
                .get(incident)
                .is_some_and(|inc| !inc.status.is_closed() && inc.opened_at >= since)
        });
        if let Some((incident, member)) = found {
            let same: Vec<String> = rule
                .labels
                .iter()
                .zip(&key.1)
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            let reason = format!(
                "same {} as alarm {member} within {} (rule '{}')",
                same.join(", "),
                describe_span(rule.window_ms),
                rule.name
            );
            return Some(Placement::Join {
                incident,
                root: false,
                reason,
            });
        }
    }
    None
}

fn open_alone(alarm: &Alarm, reason: &str) -> Placement {
    Placement::Open {
        title: alarm.title.clone(),
        severity: alarm.severity,
        root_node: alarm.node.clone(),
        system: None,
        layer: None,
        reason: reason.to_string(),
    }
}

fn incident_title<'a>(alarm: &'a Alarm, deps: &'a Dependencies) -> String {
    noc_model::incident_title(alarm, |id| deps.name(id))
}

/// The open incident, opened within the window, holding the node closest to `node`
/// (fewest hops; the older incident on a tie; within one incident, the member it
/// gained first).
///
/// Only nodes related to `node` can match, so the candidates come from an index of
/// open incidents by node: either the nodes `node` reaches in the topology are looked
/// up there, or (when open incidents hold fewer nodes than that reach) every node they
/// hold is related to `node`. Both give the same pairs; the cheaper one is taken, so a
/// storm costs the size of the reach per alarm, not the number of open incidents.
fn nearest_link(
    node: &str,
    state: &State,
    deps: &mut Dependencies,
    members: &Membership,
    window: Millis,
    now: Millis,
) -> Option<Link> {
    let since = now.saturating_sub(window);
    let eligible = |id: &IncidentId| {
        state
            .incidents
            .get(id)
            .is_some_and(|inc| !inc.status.is_closed() && inc.opened_at >= since)
    };
    let mut pairs: Vec<(String, IncidentId)> = Vec::new();
    for id in members.incidents_on(node).filter(eligible) {
        pairs.push((node.to_string(), id));
    }
    // Outside the topology only the node itself relates.
    if deps.knows(node) {
        deps.prepare(node);
        let related = deps.related(node);
        if related.len() < members.node_count() {
            for &i in related {
                let member = deps.id(i);
                for id in members.incidents_on(member).filter(eligible) {
                    pairs.push((member.to_string(), id));
                }
            }
        } else {
            for (member, ids) in members.nodes() {
                if member != node {
                    for id in ids.iter().filter(|id| eligible(id)) {
                        pairs.push((member.clone(), *id));
                    }
                }
            }
        }
    }
    let mut best: Option<Link> = None;
    for (member, incident) in pairs {
        let Some((hops, words)) = relate(node, &member, deps) else {
            continue;
        };
        let better = match &best {
            None => true,
            Some(b) if (hops, incident) != (b.hops, b.incident) => {
                (hops, incident) < (b.hops, b.incident)
            }
            Some(b) => {
                let nodes = &state.incidents[&incident].nodes;
                let position = |m: &str| nodes.iter().position(|n| n == m);
                position(&member) < position(&b.member)
            }
        };
        if better {
            best = Some(Link {
                hops,
                incident,
                member,
                words,
            });
        }
    }
    best
}

/// `node` is the member itself, needs it, or is needed by it.
fn relate(node: &str, member: &str, deps: &mut Dependencies) -> Option<(u32, String)> {
    if node == member {
        return Some((0, format!("{node} already has an alarm in this incident")));
    }
    if let Some(path) = deps.dependency_path(node, member) {
        let words = format!("{member} is a dependency of {node} ({})", path.describe());
        return Some((path.hops, words));
    }
    let path = deps.dependency_path(member, node)?;
    let words = format!("{node} is a dependency of {member} ({})", path.describe());
    Some((path.hops, words))
}

fn becomes_root(node: &str, incident: IncidentId, state: &State, deps: &mut Dependencies) -> bool {
    let Some(root) = state
        .incidents
        .get(&incident)
        .and_then(|inc| inc.root_node.as_deref())
    else {
        return false;
    };
    root != node && deps.is_strictly_upstream(node, root)
}

/// "10 min", "30 s", "1 h 30 min": how operators say a duration.
pub(crate) fn describe_span(ms: Millis) -> String {
    let secs = ms / 1000;
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s} s"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::describe_span;

    #[test]
    fn spans_read_like_speech() {
        assert_eq!(describe_span(600_000), "10 min");
        assert_eq!(describe_span(30_000), "30 s");
        assert_eq!(describe_span(5_400_000), "1 h 30 min");
        assert_eq!(describe_span(0), "0 s");
    }
}
