//! Who is in which open incident, indexed the two ways placement asks: by node (for
//! topology correlation) and by the values of each grouping rule's labels.

use std::collections::{BTreeSet, HashMap};

use noc_model::{Alarm, AlarmId, GroupingRule, IncidentId, Labels};

/// The key of a grouping rule's index: the rule's position and the alarm's values of
/// its labels, in the rule's order.
pub(crate) type RuleKey = (usize, Vec<String>);

#[derive(Debug, Default)]
pub(crate) struct Membership {
    /// Open incidents by member node.
    by_node: HashMap<String, BTreeSet<IncidentId>>,
    /// Open incidents, and their alarms, by grouping-rule values.
    by_labels: HashMap<RuleKey, BTreeSet<(IncidentId, AlarmId)>>,
    /// Member alarms by node and open incident, kept only when causal rules need to
    /// know which alarm types an incident holds on a node.
    alarms_on: Option<HashMap<(String, IncidentId), BTreeSet<AlarmId>>>,
}

impl Membership {
    /// `by_type`: also index member alarms by node (for causal rules).
    pub fn new(by_type: bool) -> Self {
        Self {
            alarms_on: by_type.then(HashMap::new),
            ..Self::default()
        }
    }

    /// The alarm joined the incident.
    pub fn join(&mut self, alarm: &Alarm, incident: IncidentId, rules: &[GroupingRule]) {
        if let Some(node) = &alarm.node {
            self.join_node(node, incident);
        }
        self.join_member(alarm, incident);
        self.join_labels(alarm, incident, rules);
    }

    /// The alarm left the incident (split off, or the incident closed).
    pub fn leave(&mut self, alarm: &Alarm, incident: IncidentId, rules: &[GroupingRule]) {
        self.leave_labels(alarm, incident, rules);
        let (Some(index), Some(node)) = (self.alarms_on.as_mut(), &alarm.node) else {
            return;
        };
        let key = (node.clone(), incident);
        if let Some(ids) = index.get_mut(&key) {
            ids.remove(&alarm.id);
            if ids.is_empty() {
                index.remove(&key);
            }
        }
    }

    /// Indexes the alarm by its node in the incident (when causal rules are in use).
    pub fn join_member(&mut self, alarm: &Alarm, incident: IncidentId) {
        if let (Some(index), Some(node)) = (self.alarms_on.as_mut(), &alarm.node) {
            index
                .entry((node.clone(), incident))
                .or_default()
                .insert(alarm.id);
        }
    }

    /// The incident's alarms on `node`; none unless built `by_type`.
    pub fn alarms_on(
        &self,
        node: &str,
        incident: IncidentId,
    ) -> impl Iterator<Item = AlarmId> + '_ {
        self.alarms_on
            .as_ref()
            .and_then(|index| index.get(&(node.to_string(), incident)))
            .into_iter()
            .flatten()
            .copied()
    }

    pub fn join_node(&mut self, node: &str, incident: IncidentId) {
        match self.by_node.get_mut(node) {
            Some(ids) => {
                ids.insert(incident);
            }
            None => {
                self.by_node
                    .insert(node.to_string(), BTreeSet::from([incident]));
            }
        }
    }

    pub fn leave_node(&mut self, node: &str, incident: IncidentId) {
        if let Some(ids) = self.by_node.get_mut(node) {
            ids.remove(&incident);
            if ids.is_empty() {
                self.by_node.remove(node);
            }
        }
    }

    pub fn join_labels(&mut self, alarm: &Alarm, incident: IncidentId, rules: &[GroupingRule]) {
        for (i, rule) in rules.iter().enumerate() {
            if let Some(values) = rule_values(rule, &alarm.labels) {
                self.by_labels
                    .entry((i, values))
                    .or_default()
                    .insert((incident, alarm.id));
            }
        }
    }

    /// The alarm (with the labels it had when it joined) left the incident.
    pub fn leave_labels(&mut self, alarm: &Alarm, incident: IncidentId, rules: &[GroupingRule]) {
        for (i, rule) in rules.iter().enumerate() {
            if let Some(values) = rule_values(rule, &alarm.labels) {
                let key = (i, values);
                if let Some(members) = self.by_labels.get_mut(&key) {
                    members.remove(&(incident, alarm.id));
                    if members.is_empty() {
                        self.by_labels.remove(&key);
                    }
                }
            }
        }
    }

    /// The open incidents holding `node`, oldest first.
    pub fn incidents_on(&self, node: &str) -> impl Iterator<Item = IncidentId> + '_ {
        self.by_node.get(node).into_iter().flatten().copied()
    }

    /// How many nodes open incidents hold.
    pub fn node_count(&self) -> usize {
        self.by_node.len()
    }

    /// Every node an open incident holds, with those incidents.
    pub fn nodes(&self) -> impl Iterator<Item = (&String, &BTreeSet<IncidentId>)> {
        self.by_node.iter()
    }

    /// The (incident, alarm) pairs with these rule values, oldest incident first and,
    /// within one incident, its earliest alarm first.
    pub fn with_values(&self, key: &RuleKey) -> impl Iterator<Item = (IncidentId, AlarmId)> + '_ {
        self.by_labels.get(key).into_iter().flatten().copied()
    }
}

/// The alarm's values of the rule's labels, when it has them all (a rule never groups
/// alarms by a label they lack).
pub(crate) fn rule_values(rule: &GroupingRule, labels: &Labels) -> Option<Vec<String>> {
    if rule.labels.is_empty() {
        return None;
    }
    rule.labels
        .iter()
        .map(|name| labels.get(name).cloned())
        .collect()
}
