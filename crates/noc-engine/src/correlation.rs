//! Placement of a new alarm: topology correlation first, then the grouping rules, then
//! a new incident. Topology comes first because it says *why* two alarms belong
//! together (one node needs the other) and it picks the root-cause candidate; a
//! grouping rule only says they look alike. With causal rules between alarm types,
//! a topology link alone is not enough: the types must be related too, because on an
//! undirected network (devices linked to each other) neighbours' unrelated faults
//! would otherwise pile into one incident.

use noc_model::{alarm_type, Alarm, IncidentId, Layer, Millis, Severity, State};

use crate::causal::{CausalRules, TypeRelation};
use crate::membership::{rule_values, Membership};
use crate::EngineConfig;
use noc_topology::DependencyGraph;

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
    /// With causal rules: how the new alarm's type relates to a member's there.
    types: Option<(TypeRelation, String)>,
}

/// What placement consults besides the state.
pub(crate) struct Knowledge<'a> {
    pub deps: &'a mut DependencyGraph,
    pub members: &'a Membership,
    pub causal: &'a CausalRules,
    pub config: &'a EngineConfig,
}

pub(crate) fn place(alarm: &Alarm, state: &State, known: Knowledge<'_>, now: Millis) -> Placement {
    let Knowledge {
        deps,
        members,
        causal,
        config,
    } = known;
    let window = config.correlation_window_ms;
    let within = format!("within {}", describe_span(window));
    if let Some(node) = alarm.node.as_deref() {
        let near = Nearby {
            state,
            members,
            causal,
            window,
            now,
        };
        if let Some(link) = nearest_link(node, alarm_type(alarm), &near, deps) {
            return join_by_link(alarm, node, link, state, deps, causal, &within);
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

fn join_by_link(
    alarm: &Alarm,
    node: &str,
    link: Link,
    state: &State,
    deps: &mut DependencyGraph,
    causal: &CausalRules,
    within: &str,
) -> Placement {
    let mut reason = format!("{} {within}", link.words);
    if let Some((relation, member_type)) = &link.types {
        reason.push_str(&type_words(alarm_type(alarm), *relation, member_type));
    }
    let root = if becomes_root(node, link.incident, state, deps) {
        reason.push_str("; it is upstream of the previous root-cause candidate");
        true
    } else if let Some(root_type) = causes_root(alarm, link.incident, state, causal) {
        let own = alarm_type(alarm);
        reason.push_str(&format!(
            "; its type {own} causes {root_type} (causal rule), the type of the previous root-cause candidate"
        ));
        true
    } else {
        false
    };
    Placement::Join {
        incident: link.incident,
        root,
        reason,
    }
}

/// "; same type LOS there", "; its type LOS follows from LINK_DOWN there (causal rule)".
fn type_words(own: &str, relation: TypeRelation, member_type: &str) -> String {
    match relation {
        TypeRelation::Same => format!("; same type {own} there"),
        TypeRelation::Effect => {
            format!("; its type {own} follows from {member_type} there (causal rule)")
        }
        TypeRelation::Cause => format!("; its type {own} causes {member_type} there (causal rule)"),
    }
}

/// The type of the incident's root alarm, when the rules say the new alarm's type
/// causes it (a different type: a repeat of the root's own type is not its cause).
fn causes_root<'s>(
    alarm: &Alarm,
    incident: IncidentId,
    state: &'s State,
    causal: &CausalRules,
) -> Option<&'s str> {
    if !causal.is_active() {
        return None;
    }
    let root = state
        .incidents
        .get(&incident)?
        .root_alarm
        .and_then(|id| state.alarms.get(&id))?;
    let (own, root_type) = (alarm_type(alarm), alarm_type(root));
    (own != root_type && causal.causes(own, root_type)).then_some(root_type)
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

fn incident_title<'a>(alarm: &'a Alarm, deps: &'a DependencyGraph) -> String {
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
/// What [`nearest_link`] looks at: open incidents, and how types relate.
struct Nearby<'a> {
    state: &'a State,
    members: &'a Membership,
    causal: &'a CausalRules,
    window: Millis,
    now: Millis,
}

fn nearest_link(
    node: &str,
    own_type: &str,
    near: &Nearby<'_>,
    deps: &mut DependencyGraph,
) -> Option<Link> {
    let Nearby {
        state,
        members,
        causal,
        window,
        now,
    } = *near;
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
        let types = if causal.is_active() {
            match closest_type(own_type, &member, incident, near) {
                Some(found) => Some(found),
                None => continue,
            }
        } else {
            None
        };
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
                types,
            });
        }
    }
    best
}

/// The closest relation (same type first, then a cause of the new alarm's type, then
/// an effect of it) between `own_type` and the types of the incident's alarms on
/// `member`, with that member alarm's type; none when no alarm there is related.
fn closest_type(
    own_type: &str,
    member: &str,
    incident: IncidentId,
    near: &Nearby<'_>,
) -> Option<(TypeRelation, String)> {
    near.members
        .alarms_on(member, incident)
        .filter_map(|id| near.state.alarms.get(&id))
        .filter_map(|a| {
            let theirs = alarm_type(a);
            near.causal
                .relation(own_type, theirs)
                .map(|r| (r, theirs.to_string()))
        })
        .min()
}

/// `node` is the member itself, needs it, or is needed by it.
fn relate(node: &str, member: &str, deps: &mut DependencyGraph) -> Option<(u32, String)> {
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

fn becomes_root(
    node: &str,
    incident: IncidentId,
    state: &State,
    deps: &mut DependencyGraph,
) -> bool {
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
