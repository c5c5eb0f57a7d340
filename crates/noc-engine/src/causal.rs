//! The team's cause → effect rules between alarm types, closed transitively once per
//! policy: placement asks "does A cause B?" for every candidate pair of a storm, so the
//! answer must be a lookup, not a walk through the rules.

use std::collections::{BTreeSet, HashMap};

use noc_model::CausalRule;

#[derive(Debug, Default)]
pub(crate) struct CausalRules {
    index: HashMap<String, usize>,
    /// `effects[t]`: every type `t` leads to through one or more rules.
    effects: Vec<BTreeSet<usize>>,
}

impl CausalRules {
    pub fn new(rules: &[CausalRule]) -> Self {
        let mut closure = CausalRules::default();
        let mut direct: Vec<Vec<usize>> = Vec::new();
        for rule in rules {
            let cause = closure.intern(&rule.cause, &mut direct);
            let effect = closure.intern(&rule.effect, &mut direct);
            direct[cause].push(effect);
        }
        closure.effects = (0..direct.len()).map(|t| reachable(t, &direct)).collect();
        closure
    }

    fn intern(&mut self, name: &str, direct: &mut Vec<Vec<usize>>) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.index.insert(name.to_string(), direct.len());
        direct.push(Vec::new());
        direct.len() - 1
    }

    /// Whether the policy has any rule: without rules, types play no part in placement.
    pub fn is_active(&self) -> bool {
        !self.index.is_empty()
    }

    /// `cause` leads to `effect` through the rules (directly or not).
    pub fn causes(&self, cause: &str, effect: &str) -> bool {
        match (self.index.get(cause), self.index.get(effect)) {
            (Some(&c), Some(&e)) => self.effects[c].contains(&e),
            _ => false,
        }
    }

    /// How two types relate, if they do: the same type, or one causes the other.
    pub fn relation(&self, new: &str, member: &str) -> Option<TypeRelation> {
        if new == member {
            Some(TypeRelation::Same)
        } else if self.causes(member, new) {
            Some(TypeRelation::Effect)
        } else if self.causes(new, member) {
            Some(TypeRelation::Cause)
        } else {
            None
        }
    }
}

/// How a new alarm's type relates to a member alarm's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TypeRelation {
    Same,
    /// The member's type causes the new alarm's.
    Effect,
    /// The new alarm's type causes the member's.
    Cause,
}

fn reachable(start: usize, direct: &[Vec<usize>]) -> BTreeSet<usize> {
    let mut found = BTreeSet::new();
    let mut stack = direct[start].clone();
    while let Some(t) = stack.pop() {
        if found.insert(t) {
            stack.extend(&direct[t]);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(cause: &str, effect: &str) -> CausalRule {
        CausalRule {
            cause: cause.into(),
            effect: effect.into(),
        }
    }

    #[test]
    fn rules_chain_but_do_not_run_backwards() {
        let rules = CausalRules::new(&[rule("A", "B"), rule("B", "C"), rule("X", "C")]);
        assert!(rules.causes("A", "C"));
        assert!(!rules.causes("C", "A"));
        assert!(!rules.causes("A", "X"));
        assert_eq!(rules.relation("C", "A"), Some(TypeRelation::Effect));
        assert_eq!(rules.relation("A", "C"), Some(TypeRelation::Cause));
        assert_eq!(rules.relation("Q", "Q"), Some(TypeRelation::Same));
        assert_eq!(rules.relation("A", "X"), None);
    }

    #[test]
    fn a_cycle_ends() {
        let rules = CausalRules::new(&[rule("A", "B"), rule("B", "A")]);
        assert!(rules.causes("A", "B") && rules.causes("B", "A"));
    }
}
