//! What topology discovery from Prometheus and Zabbix has in common: when it runs,
//! how it remembers a failure, and how the nodes and relations one source found
//! become that source's part of the topology (docs/discovery.md).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use noc_model::{Node, NodeKind, Relation, RelationKind, Topology};

/// How often a source reads its estate again: hosts and targets change in minutes,
/// not seconds, and one discovery reads every host or target the source knows.
pub const DISCOVERY_PERIOD: Duration = Duration::from_secs(5 * 60);

/// The origin of what the source `name` discovers, as the topology records it.
pub fn origin(source: &str) -> String {
    format!("source:{source}")
}

/// When discovery is due, counted in polls: on the first poll, then every
/// [`DISCOVERY_PERIOD`]. A failed discovery is tried again after 1, 2, 4… polls (at
/// most the period), so a source that was down at the start fills the topology as
/// soon as it answers, while one that keeps failing is not asked for its whole
/// estate on every poll. The failure is remembered until a discovery succeeds, so
/// the source's health says so on every poll in between.
#[derive(Debug, Clone)]
pub struct Schedule {
    every: u32,
    countdown: u32,
    failures: u32,
    failure: Option<String>,
}

impl Schedule {
    /// Discovery every `DISCOVERY_PERIOD` for a source polled every `interval`.
    pub fn for_interval(interval: Duration) -> Schedule {
        let interval = interval.as_millis().max(1);
        let every = DISCOVERY_PERIOD.as_millis().div_ceil(interval);
        Schedule::every(u32::try_from(every).unwrap_or(u32::MAX))
    }

    /// Discovery on the first poll and then every `polls` polls.
    pub fn every(polls: u32) -> Schedule {
        Schedule {
            every: polls.max(1),
            countdown: 0,
            failures: 0,
            failure: None,
        }
    }

    /// Whether this poll discovers; counts the poll.
    pub fn due(&mut self) -> bool {
        if self.countdown == 0 {
            self.countdown = self.every - 1;
            true
        } else {
            self.countdown -= 1;
            false
        }
    }

    pub fn succeeded(&mut self) {
        self.failures = 0;
        self.failure = None;
    }

    /// Records why the discovery of this poll failed and when to try again.
    pub fn failed(&mut self, why: impl Into<String>) {
        self.try_again_soon();
        self.failure = Some(why.into());
    }

    /// The answer proves nothing (an empty target list right after Prometheus
    /// started): nothing is sent, and discovery is tried again as after a failure.
    pub fn try_again_soon(&mut self) {
        let wait = 1u32 << self.failures.min(16);
        self.failures = self.failures.saturating_add(1);
        self.countdown = wait.min(self.every) - 1;
    }

    /// What the health detail says while the last discovery failed.
    pub fn failure(&self) -> Option<String> {
        self.failure
            .as_ref()
            .map(|why| format!("topology discovery failed (the last topology stays): {why}"))
    }
}

/// The `noc_kind` label or tag: a node kind in its API spelling (`network_device`).
pub fn kind_named(word: &str) -> Option<NodeKind> {
    serde_json::from_value(serde_json::Value::String(word.trim().to_string())).ok()
}

/// The `noc_owner` label or tag: one owner, or several separated by commas.
pub fn owners_in(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|owner| !owner.is_empty())
        .map(str::to_string)
        .collect()
}

/// The label or tag names that place a node in a site, in the order they are read.
pub const SITE_KEYS: [&str; 3] = ["site", "datacenter", "dc"];
pub const RACK_KEY: &str = "rack";

/// The nodes and relations one discovery found, gathered by id so that a host seen
/// through several targets or groups is one node, and built in the same order every
/// time so that an unchanged estate is an unchanged topology.
#[derive(Debug, Default)]
pub struct Estate {
    nodes: BTreeMap<String, Node>,
    relations: BTreeSet<(String, String, RelationKindKey)>,
}

/// `RelationKind` has no order of its own; this gives the set one.
type RelationKindKey = u8;

fn kind_key(kind: RelationKind) -> RelationKindKey {
    match kind {
        RelationKind::RunsOn => 0,
        RelationKind::DependsOn => 1,
        RelationKind::ConnectsTo => 2,
        RelationKind::LocatedIn => 3,
    }
}

fn kind_of(key: RelationKindKey) -> RelationKind {
    match key {
        0 => RelationKind::RunsOn,
        1 => RelationKind::DependsOn,
        2 => RelationKind::ConnectsTo,
        _ => RelationKind::LocatedIn,
    }
}

impl Estate {
    /// The node `id`, added with `name` and `kind` when it is new.
    pub fn node(&mut self, id: &str, name: &str, kind: NodeKind) -> &mut Node {
        self.nodes
            .entry(id.to_string())
            .or_insert_with(|| Node::new(id, name, kind))
    }

    pub fn relate(&mut self, from: &str, to: &str, kind: RelationKind) {
        if from != to {
            self.relations
                .insert((from.to_string(), to.to_string(), kind_key(kind)));
        }
    }

    /// Places `node` in the site and rack its labels or tags name: `site:<site>`, and
    /// `rack:<site>/<rack>` inside it (`rack:<rack>` without a site).
    pub fn place(&mut self, node: &str, site: Option<&str>, rack: Option<&str>) {
        let site = site.map(str::trim).filter(|s| !s.is_empty());
        let rack = rack.map(str::trim).filter(|r| !r.is_empty());
        let site_id = site.map(|site| {
            let id = format!("site:{site}");
            self.node(&id, site, NodeKind::Site);
            id
        });
        let rack_id = rack.map(|rack| {
            let (id, name) = match site {
                Some(site) => (format!("rack:{site}/{rack}"), format!("{site}/{rack}")),
                None => (format!("rack:{rack}"), rack.to_string()),
            };
            self.node(&id, &name, NodeKind::Rack);
            if let Some(site_id) = &site_id {
                self.relate(&id, site_id, RelationKind::LocatedIn);
            }
            id
        });
        if let Some(container) = rack_id.or(site_id) {
            self.relate(node, &container, RelationKind::LocatedIn);
        }
    }

    /// The topology found. An alias two nodes claim (127.0.0.1 on several hosts
    /// whose agents listen locally) or that is another node's id names neither for
    /// sure, so it is dropped: kept, it would merge different machines into one.
    pub fn into_topology(self) -> Topology {
        let mut claims: BTreeMap<&str, usize> = BTreeMap::new();
        for node in self.nodes.values() {
            let names: BTreeSet<&str> = node.aliases.iter().map(String::as_str).collect();
            for name in names {
                *claims.entry(name).or_default() += 1;
            }
        }
        let ambiguous: BTreeSet<String> = claims
            .into_iter()
            .filter(|(name, count)| *count > 1 || self.nodes.contains_key(*name))
            .map(|(name, _)| name.to_string())
            .collect();
        let nodes = self
            .nodes
            .into_values()
            .map(|mut node| {
                let own: BTreeSet<String> = node
                    .aliases
                    .drain(..)
                    .filter(|a| !a.is_empty() && !ambiguous.contains(a))
                    .collect();
                node.aliases = own.into_iter().collect();
                node
            })
            .collect();
        let relations = self
            .relations
            .into_iter()
            .map(|(from, to, kind)| Relation::new(from, to, kind_of(kind)))
            .collect();
        Topology { nodes, relations }
    }
}

/// Adds `alias` to `node` unless it is its id or already there.
pub fn add_alias(node: &mut Node, alias: &str) {
    let alias = alias.trim();
    if !alias.is_empty() && alias != node.id && !node.aliases.iter().any(|a| a == alias) {
        node.aliases.push(alias.to_string());
    }
}

/// Adds `value` to the comma-separated attribute `key` unless it is there.
pub fn add_to_attribute(node: &mut Node, key: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    let entry = node.attributes.entry(key.to_string()).or_default();
    let mut values: BTreeSet<&str> = entry.split(", ").filter(|v| !v.is_empty()).collect();
    values.insert(value);
    *entry = values.into_iter().collect::<Vec<_>>().join(", ");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_runs_first_then_every_period() {
        let mut schedule = Schedule::for_interval(Duration::from_secs(15));
        assert!(schedule.due());
        let skipped = (0..19).filter(|_| !schedule.due()).count();
        assert_eq!(skipped, 19, "20 polls of 15 s are the 5 minutes");
        assert!(schedule.due());
        let mut every_poll = Schedule::for_interval(Duration::from_secs(600));
        assert!(every_poll.due() && every_poll.due());
    }

    #[test]
    fn a_failure_is_reported_until_a_discovery_succeeds() {
        let mut schedule = Schedule::every(3);
        assert!(schedule.due());
        schedule.failed("HTTP 500");
        assert!(schedule.failure().unwrap().contains("HTTP 500"));
        assert!(schedule.due(), "the next poll tries again");
        schedule.failed("HTTP 500");
        assert!(!schedule.due());
        assert!(schedule.due(), "then after two polls");
        schedule.failed("HTTP 500");
        assert!(!schedule.due() && !schedule.due());
        assert!(schedule.due(), "never later than the period");
        schedule.succeeded();
        assert_eq!(schedule.failure(), None);
        assert!(!schedule.due() && !schedule.due());
        assert!(schedule.due());
    }

    #[test]
    fn kinds_are_read_in_their_api_spelling() {
        assert_eq!(kind_named("network_device"), Some(NodeKind::NetworkDevice));
        assert_eq!(kind_named(" database "), Some(NodeKind::Database));
        assert_eq!(kind_named("switch"), None);
        assert_eq!(owners_in("net-team, dba ,"), ["net-team", "dba"]);
    }

    #[test]
    fn a_shared_alias_names_no_node() {
        let mut estate = Estate::default();
        for id in ["web-1", "web-2"] {
            let node = estate.node(id, id, NodeKind::Host);
            add_alias(node, "127.0.0.1");
            add_alias(node, &format!("{id}.example"));
        }
        add_alias(estate.node("db-1", "db-1", NodeKind::Host), "web-1");
        let topology = estate.into_topology();
        let aliases: Vec<_> = topology.nodes.iter().map(|n| n.aliases.clone()).collect();
        assert_eq!(
            aliases,
            [vec![], vec!["web-1.example"], vec!["web-2.example"]]
        );
    }

    #[test]
    fn a_rack_sits_in_its_site() {
        let mut estate = Estate::default();
        estate.node("web-1", "web-1", NodeKind::Host);
        estate.place("web-1", Some("bj"), Some("r12"));
        let topology = estate.into_topology();
        let located: Vec<_> = topology
            .relations
            .iter()
            .map(|r| (r.from.as_str(), r.to.as_str()))
            .collect();
        assert_eq!(
            located,
            [("rack:bj/r12", "site:bj"), ("web-1", "rack:bj/r12")]
        );
        assert_eq!(topology.node("site:bj").unwrap().kind, NodeKind::Site);
    }
}
