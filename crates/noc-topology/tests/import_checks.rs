//! The checks every topology passes, as the engine runs them on operator edits: the
//! first problem in words, and linear work on large and deep estates.

use std::time::Instant;

use noc_model::{Node, NodeKind, Relation, RelationKind, Topology};
use noc_topology::validate::{check, find_problem, Culprit};
use noc_topology::TopologyError;

fn estate(nodes: &[(&str, NodeKind)], relations: &[(&str, &str, RelationKind)]) -> Topology {
    Topology {
        nodes: nodes
            .iter()
            .map(|(id, kind)| Node::new(*id, *id, *kind))
            .collect(),
        relations: relations
            .iter()
            .map(|(from, to, kind)| Relation::new(*from, *to, *kind))
            .collect(),
    }
}

fn refusal(topology: &Topology) -> String {
    match check(topology) {
        Err(TopologyError::Invalid(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

use NodeKind::{Group, Host, Rack, Service, Site};
use RelationKind::{ConnectsTo, DependsOn, LocatedIn, RunsOn};

#[test]
fn a_sound_estate_passes() {
    let topology = estate(
        &[
            ("svc", Service),
            ("h1", Host),
            ("h2", Host),
            ("r1", Rack),
            ("s1", Site),
            ("g1", Group),
            ("g2", Group),
        ],
        &[
            ("svc", "h1", RunsOn),
            ("svc", "h2", RunsOn),
            ("h1", "r1", LocatedIn),
            ("h1", "g1", LocatedIn),
            ("h1", "g2", LocatedIn),
            ("r1", "s1", LocatedIn),
            ("h1", "h2", ConnectsTo),
            ("h2", "r1", ConnectsTo),
            ("r1", "h1", ConnectsTo),
            // The same ends joined in another way is another relation.
            ("svc", "h1", DependsOn),
        ],
    );
    assert_eq!(check(&topology), Ok(()));
}

#[test]
fn each_problem_is_named() {
    let dup = estate(&[("a", Host), ("a", Service)], &[]);
    assert_eq!(refusal(&dup), "duplicate node id a");
    assert_eq!(find_problem(&dup).unwrap().at, Culprit::Node(1));
    assert_eq!(find_problem(&dup).unwrap().earlier, Some(Culprit::Node(0)));

    let blank = estate(&[(" ", Host)], &[]);
    assert_eq!(refusal(&blank), "node \" \" has no id");

    let dangling = estate(&[("a", Host)], &[("a", "b", DependsOn)]);
    assert_eq!(
        refusal(&dangling),
        "relation depends_on from a to b names unknown node b"
    );

    let itself = estate(&[("a", Host)], &[("a", "a", ConnectsTo)]);
    assert_eq!(refusal(&itself), "relation connects_to joins a to itself");

    let twice = estate(
        &[("a", Service), ("b", Host)],
        &[("a", "b", RunsOn), ("a", "b", RunsOn)],
    );
    assert_eq!(refusal(&twice), "duplicate relation runs_on from a to b");
    let reversed = estate(
        &[("a", Host), ("b", Host)],
        &[("a", "b", ConnectsTo), ("b", "a", ConnectsTo)],
    );
    assert_eq!(find_problem(&reversed).unwrap().at, Culprit::Relation(1));
    // Needs have a direction: a on b and b on a is a cycle, not a duplicate.
    let both_ways = estate(
        &[("a", Service), ("b", Service)],
        &[("a", "b", DependsOn), ("b", "a", DependsOn)],
    );
    assert!(refusal(&both_ways).starts_with("cycle: a → b → a"));

    let two_places = estate(
        &[("h", Host), ("r1", Rack), ("r2", Rack)],
        &[("h", "r1", LocatedIn), ("h", "r2", LocatedIn)],
    );
    assert_eq!(
        refusal(&two_places),
        "h is located in both r1 and r2; a node is in at most one site or rack"
    );
}

#[test]
fn a_cycle_through_every_kind_of_need_is_named_in_order() {
    let topology = estate(
        &[
            ("bs", NodeKind::BusinessSystem),
            ("svc", Service),
            ("h1", Host),
            ("r1", Rack),
            ("ok", Host),
        ],
        &[
            ("bs", "svc", DependsOn),
            ("bs", "ok", DependsOn),
            ("svc", "h1", RunsOn),
            ("h1", "r1", LocatedIn),
            ("r1", "svc", DependsOn),
        ],
    );
    let problem = find_problem(&topology).unwrap();
    assert_eq!(
        problem.message,
        "cycle: svc → h1 → r1 → svc — a node cannot need itself through depends_on, runs_on or located_in"
    );
    assert_eq!(problem.at, Culprit::Relation(4));
}

#[test]
fn a_very_deep_chain_is_checked_without_recursion() {
    let n = 200_000;
    let mut topology = Topology::default();
    for i in 0..n {
        topology
            .nodes
            .push(Node::new(format!("n{i}"), format!("n{i}"), Service));
    }
    for i in 1..n {
        topology.relations.push(Relation::new(
            format!("n{}", i - 1),
            format!("n{i}"),
            DependsOn,
        ));
    }
    assert_eq!(check(&topology), Ok(()));
    topology
        .relations
        .push(Relation::new(format!("n{}", n - 1), "n0", DependsOn));
    let message = refusal(&topology);
    assert!(
        message.starts_with("cycle: n0 → n1 → n2"),
        "{}",
        &message[..40]
    );
    assert!(message.contains(&format!("n{} → n0", n - 1)));
}

#[test]
fn an_estate_of_five_thousand_nodes_is_checked_quickly() {
    // 5,000 nodes and 10,000 relations of every kind; the figure is printed, not asserted.
    let mut topology = Topology::default();
    for i in 0..5000 {
        let kind = match i % 10 {
            0 => Site,
            1 => Rack,
            2..=6 => Host,
            _ => Service,
        };
        topology
            .nodes
            .push(Node::new(format!("n{i}"), format!("n{i}"), kind));
    }
    // Needs point to later nodes only, so the estate is sound by construction.
    'fill: for step in [1, 13, 97] {
        for from in 0..5000 {
            let to = from + step;
            if to >= 5000 {
                continue;
            }
            let kind = [DependsOn, RunsOn, ConnectsTo][to % 3];
            topology
                .relations
                .push(Relation::new(format!("n{from}"), format!("n{to}"), kind));
            if topology.relations.len() == 10_000 {
                break 'fill;
            }
        }
    }
    assert_eq!(topology.relations.len(), 10_000);
    let started = Instant::now();
    let result = check(&topology);
    println!(
        "checked 5,000 nodes + 10,000 relations in {:?}",
        started.elapsed()
    );
    assert_eq!(result, Ok(()));
}
