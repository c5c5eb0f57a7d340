//! Topology correlation: which incident a new alarm belongs to, and whether it becomes
//! that incident's root-cause candidate.

use std::collections::{BTreeSet, HashMap};

use noc_model::{Alarm, Incident, IncidentId, Layer, Millis, Severity, State};

use crate::dependencies::Dependencies;

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
    words: String,
}

pub(crate) fn place(
    alarm: &Alarm,
    state: &State,
    deps: &mut Dependencies,
    by_node: &HashMap<String, BTreeSet<IncidentId>>,
    window: Millis,
    now: Millis,
) -> Placement {
    let Some(node) = alarm.node.as_deref() else {
        return open_alone(
            alarm,
            "opened on its own: the source names no node for this alarm",
        );
    };
    let within = format!("within {}", describe_span(window));
    match nearest_link(node, state, deps, by_node, window, now) {
        Some(link) => {
            let root = becomes_root(node, link.incident, state, deps);
            let mut reason = format!("{} {within}", link.words);
            if root {
                reason.push_str("; it is upstream of the previous root-cause candidate");
            }
            Placement::Join {
                incident: link.incident,
                root,
                reason,
            }
        }
        None if !deps.knows(node) => open_alone(
            alarm,
            &format!("opened on its own: node {node} is not in the topology"),
        ),
        None => Placement::Open {
            title: incident_title(alarm, deps),
            severity: alarm.severity,
            root_node: Some(node.to_string()),
            system: deps.business_system_of(node),
            layer: deps.layer(node),
            reason: format!("first alarm on {node}: no open incident on a related node {within}"),
        },
    }
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
/// (fewest hops; the older incident on a tie).
fn nearest_link(
    node: &str,
    state: &State,
    deps: &mut Dependencies,
    by_node: &HashMap<String, BTreeSet<IncidentId>>,
    window: Millis,
    now: Millis,
) -> Option<Link> {
    let mut best: Option<Link> = None;
    // Outside the topology only the node itself relates, so only its own incidents count.
    let incidents: Box<dyn Iterator<Item = &Incident>> = if deps.knows(node) {
        Box::new(state.incidents.values())
    } else {
        let ids = by_node.get(node).into_iter().flatten();
        Box::new(ids.filter_map(|id| state.incidents.get(id)))
    };
    let candidates =
        incidents.filter(|inc| !inc.status.is_closed() && inc.opened_at >= now - window);
    for incident in candidates {
        for member in &incident.nodes {
            let Some((hops, words)) = relate(node, member, deps) else {
                continue;
            };
            if best.as_ref().is_none_or(|b| hops < b.hops) {
                best = Some(Link {
                    hops,
                    incident: incident.id,
                    words,
                });
            }
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
