//! The stored layouts: every node placed, bands in order, places kept together, new
//! nodes placed by their neighbours without moving anyone, the same input giving the
//! same picture.

use std::collections::{HashMap, HashSet};

use noc_model::{
    Layer, Node, NodeKind, NodePosition, Relation, RelationKind, Topology, TopologyView,
};
use noc_topology::layout::{bands, lay_out, place_new, SPACING};

const VIEWS: [TopologyView; 2] = [TopologyView::Layered, TopologyView::Network];

/// Three sites of four racks, each rack an access switch and six hosts; two core
/// routers per site in a ring over WAN circuits; a database and a service on hosts of
/// each rack, one business system per site needing its services.
fn estate() -> Topology {
    use NodeKind::*;
    use RelationKind::*;
    let mut t = Topology::default();
    let add = |t: &mut Topology, id: String, kind: NodeKind| {
        t.nodes.push(Node::new(id.clone(), id, kind));
    };
    let rel = |t: &mut Topology, a: &str, b: &str, kind: RelationKind| {
        t.relations.push(Relation::new(a, b, kind));
    };
    for s in 0..3 {
        let site = format!("site-{s}");
        add(&mut t, site.clone(), Site);
        add(&mut t, format!("biz-{s}"), BusinessSystem);
        for c in 0..2 {
            let core = format!("core-{s}-{c}");
            add(&mut t, core.clone(), NetworkDevice);
            rel(&mut t, &core, &site, LocatedIn);
        }
        rel(
            &mut t,
            &format!("core-{s}-0"),
            &format!("core-{s}-1"),
            ConnectsTo,
        );
        let wan = format!("wan-{s}");
        add(&mut t, wan.clone(), Link);
        rel(&mut t, &wan, &format!("core-{s}-0"), ConnectsTo);
        rel(&mut t, &wan, &format!("core-{}-0", (s + 1) % 3), ConnectsTo);
        for r in 0..4 {
            let rack = format!("rack-{s}-{r}");
            let access = format!("acc-{s}-{r}");
            add(&mut t, rack.clone(), Rack);
            rel(&mut t, &rack, &site, LocatedIn);
            add(&mut t, access.clone(), NetworkDevice);
            rel(&mut t, &access, &rack, LocatedIn);
            rel(&mut t, &access, &format!("core-{s}-{}", r % 2), ConnectsTo);
            for h in 0..6 {
                let host = format!("host-{s}-{r}-{h}");
                add(&mut t, host.clone(), Host);
                rel(&mut t, &host, &rack, LocatedIn);
                rel(&mut t, &host, &access, ConnectsTo);
            }
            let (db, svc) = (format!("db-{s}-{r}"), format!("svc-{s}-{r}"));
            add(&mut t, db.clone(), Database);
            add(&mut t, svc.clone(), Service);
            rel(&mut t, &db, &format!("host-{s}-{r}-0"), RunsOn);
            rel(&mut t, &svc, &format!("host-{s}-{r}-1"), RunsOn);
            rel(&mut t, &svc, &db, DependsOn);
            rel(&mut t, &format!("biz-{s}"), &svc, DependsOn);
        }
    }
    t
}

/// 60 radio sites in a chain with spurs, links only: no site, no rack.
fn microwave() -> Topology {
    let mut t = Topology::default();
    for i in 0..60 {
        t.nodes.push(Node::new(
            format!("mw-{i}"),
            format!("MW {i}"),
            NodeKind::NetworkDevice,
        ));
        if i > 0 {
            let to = if i % 5 == 0 { i - 5 } else { i - 1 };
            t.relations.push(Relation::new(
                format!("mw-{i}"),
                format!("mw-{to}"),
                RelationKind::ConnectsTo,
            ));
        }
    }
    t
}

fn by_id(positions: &[NodePosition]) -> HashMap<&str, (f64, f64)> {
    positions
        .iter()
        .map(|p| (p.id.as_str(), (p.x, p.y)))
        .collect()
}

fn with_positions(mut t: Topology, view: TopologyView) -> Topology {
    let positions = lay_out(&t, view);
    t.set_positions(view, &positions);
    t
}

fn assert_complete_and_apart(t: &Topology, positions: &[NodePosition]) {
    let ids: HashSet<&str> = positions.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(positions.len(), t.nodes.len());
    for node in &t.nodes {
        assert!(
            ids.contains(node.id.as_str()),
            "{} has no position",
            node.id
        );
    }
    for p in positions {
        assert!(p.x.is_finite() && p.y.is_finite(), "{p:?}");
    }
    for (i, a) in positions.iter().enumerate() {
        for b in &positions[i + 1..] {
            let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
            assert!(d >= SPACING / 4.0, "{} and {} are {d} apart", a.id, b.id);
        }
    }
}

#[test]
fn every_node_gets_its_own_finite_point_on_both_views() {
    for t in [estate(), microwave()] {
        for view in VIEWS {
            assert_complete_and_apart(&t, &lay_out(&t, view));
        }
    }
}

#[test]
fn the_bands_run_saas_paas_iaas_from_the_top_without_overlapping() {
    let t = estate();
    let positions = lay_out(&t, TopologyView::Layered);
    let found = bands(&positions, &t);
    let layers: Vec<Layer> = found.iter().map(|b| b.layer).collect();
    assert_eq!(layers, [Layer::Saas, Layer::Paas, Layer::Iaas]);
    for pair in found.windows(2) {
        assert!(
            pair[0].bottom + SPACING < pair[1].top,
            "{:?} reaches {} and {:?} starts at {}",
            pair[0].layer,
            pair[0].bottom,
            pair[1].layer,
            pair[1].top
        );
    }
}

#[test]
fn a_wide_band_wraps_into_rows() {
    let mut t = Topology::default();
    for i in 0..3_000 {
        t.nodes
            .push(Node::new(format!("h{i}"), format!("h{i}"), NodeKind::Host));
    }
    let positions = lay_out(&t, TopologyView::Layered);
    let xs = positions.iter().map(|p| p.x);
    let width = xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min);
    let ys = positions.iter().map(|p| p.y);
    let height = ys.clone().fold(f64::MIN, f64::max) - ys.fold(f64::MAX, f64::min);
    assert!(height > 0.0, "one line");
    assert!(width < 5.0 * height, "{width} wide, {height} tall");
}

#[test]
fn hosts_of_one_rack_sit_side_by_side_in_the_layered_band() {
    let t = estate();
    let positions = lay_out(&t, TopologyView::Layered);
    let at = by_id(&positions);
    let mut hosts: Vec<(&str, (f64, f64))> = positions
        .iter()
        .filter(|p| p.id.starts_with("host-"))
        .map(|p| (p.id.as_str(), (p.x, p.y)))
        .collect();
    hosts.sort_by(|a, b| a.1 .0.total_cmp(&b.1 .0).then(a.1 .1.total_cmp(&b.1 .1)));
    // Reading the hosts left to right, a rack's hosts come in one run.
    let racks: Vec<&str> = hosts.iter().map(|(id, _)| &id[..id.len() - 2]).collect();
    let mut runs = racks.clone();
    runs.dedup();
    assert_eq!(runs.len(), 12, "racks interleaved: {racks:?}");
    assert!(at.contains_key("biz-0"));
}

#[test]
fn the_children_of_a_rack_cluster_apart_from_other_racks() {
    let t = estate();
    let positions = lay_out(&t, TopologyView::Network);
    let at = by_id(&positions);
    let children = |rack: &str| -> Vec<(f64, f64)> {
        t.relations
            .iter()
            .filter(|r| r.kind == RelationKind::LocatedIn && r.to == rack)
            .map(|r| at[r.from.as_str()])
            .collect()
    };
    let racks: Vec<&str> = t
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Rack)
        .map(|n| n.id.as_str())
        .collect();
    for rack in &racks {
        let mine = children(rack);
        assert_eq!(mine.len(), 7);
        let (x0, x1, y0, y1) = mine.iter().fold(
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
            |(a, b, c, d), &(x, y)| (a.min(x), b.max(x), c.min(y), d.max(y)),
        );
        assert!(x1 - x0 <= 4.0 * SPACING && y1 - y0 <= 4.0 * SPACING);
        for other in racks.iter().filter(|o| *o != rack) {
            for (x, y) in children(other) {
                assert!(
                    !(x0..=x1).contains(&x) || !(y0..=y1).contains(&y),
                    "a child of {other} is inside {rack}'s box"
                );
            }
        }
    }
}

#[test]
fn sites_do_not_overlap_and_the_application_layer_sits_by_its_site() {
    let t = estate();
    let positions = lay_out(&t, TopologyView::Network);
    let at = by_id(&positions);
    let boxes: Vec<(f64, f64, f64, f64)> = (0..3)
        .map(|s| {
            positions
                .iter()
                .filter(|p| {
                    p.id.starts_with(&format!("host-{s}-"))
                        || p.id.starts_with(&format!("acc-{s}-"))
                })
                .fold(
                    (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
                    |(a, b, c, d), p| (a.min(p.x), b.max(p.x), c.min(p.y), d.max(p.y)),
                )
        })
        .collect();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart = a.1 < b.0 || b.1 < a.0 || a.3 < b.2 || b.3 < a.2;
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }
    // A service is nearer its own site's hosts than any other site's.
    let distance = |p: (f64, f64), b: &(f64, f64, f64, f64)| {
        let dx = (b.0 - p.0).max(p.0 - b.1).max(0.0);
        let dy = (b.2 - p.1).max(p.1 - b.3).max(0.0);
        (dx * dx + dy * dy).sqrt()
    };
    for s in 0..3 {
        let svc = at[format!("svc-{s}-0").as_str()];
        let own = distance(svc, &boxes[s]);
        for (o, other) in boxes.iter().enumerate().filter(|(o, _)| *o != s) {
            assert!(own < distance(svc, other), "svc-{s}-0 is nearer site {o}");
        }
    }
}

#[test]
fn linked_nodes_without_a_place_end_up_near_each_other() {
    let t = microwave();
    let positions = lay_out(&t, TopologyView::Network);
    let at = by_id(&positions);
    let length = |r: &Relation| {
        let (a, b) = (at[r.from.as_str()], at[r.to.as_str()]);
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    };
    let mean_link = t.relations.iter().map(length).sum::<f64>() / t.relations.len() as f64;
    let (mut sum, mut pairs) = (0.0, 0);
    for (i, a) in positions.iter().enumerate() {
        for b in &positions[i + 1..] {
            sum += ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
            pairs += 1;
        }
    }
    let mean_pair = sum / pairs as f64;
    assert!(
        mean_link * 3.0 < mean_pair,
        "links average {mean_link}, any two nodes {mean_pair}"
    );
}

#[test]
fn the_same_topology_gives_the_same_positions() {
    for t in [estate(), microwave()] {
        for view in VIEWS {
            assert_eq!(lay_out(&t, view), lay_out(&t, view));
        }
    }
}

#[test]
fn placing_new_nodes_keeps_everyone_else_and_puts_them_by_a_neighbour() {
    for view in VIEWS {
        let mut t = with_positions(estate(), view);
        let before = by_id(&lay_out(&estate(), view))
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<HashMap<_, _>>();
        t.nodes
            .push(Node::new("host-new", "host-new", NodeKind::Host));
        t.relations.push(Relation::new(
            "host-new",
            "rack-1-2",
            RelationKind::LocatedIn,
        ));
        t.relations.push(Relation::new(
            "host-new",
            "acc-1-2",
            RelationKind::ConnectsTo,
        ));
        t.nodes
            .push(Node::new("svc-new", "svc-new", NodeKind::Service));
        t.relations
            .push(Relation::new("svc-new", "host-new", RelationKind::RunsOn));
        t.nodes
            .push(Node::new("lonely", "lonely", NodeKind::Database));

        let placed = place_new(&t, view);
        let ids: HashSet<&str> = placed.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            HashSet::from(["host-new", "svc-new", "lonely"]),
            "{view:?}"
        );
        t.set_positions(view, &placed);
        for node in &t.nodes {
            if let Some(&(x, y)) = before.get(&node.id) {
                let p = node.positions.get(view).expect("placed");
                assert_eq!((p.x, p.y), (x, y), "{} moved on {view:?}", node.id);
            }
        }
        let all: Vec<NodePosition> = t
            .nodes
            .iter()
            .map(|n| {
                let p = n.positions.get(view).expect("every node placed");
                NodePosition {
                    id: n.id.clone(),
                    x: p.x,
                    y: p.y,
                }
            })
            .collect();
        assert_complete_and_apart(&t, &all);
        let at = by_id(&all);
        let near = |a: &str, b: &str| {
            let (p, q) = (at[a], at[b]);
            ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)).sqrt()
        };
        // Closer to its own rack's hosts than to another site's.
        assert!(
            near("host-new", "host-1-2-3") < near("host-new", "host-0-0-0"),
            "{view:?}"
        );
        if view == TopologyView::Layered {
            let y = |id: &str| at[id].1;
            let host_rows: HashSet<u64> = all
                .iter()
                .filter(|p| p.id.starts_with("host-"))
                .map(|p| p.y.to_bits())
                .collect();
            assert!(
                host_rows.contains(&y("host-new").to_bits()),
                "joins the hosts' rows"
            );
            assert_eq!(y("lonely"), y("db-0-0"), "joins the databases' row");
        }
        // Placing again has nothing left to do.
        assert!(place_new(&t, view).is_empty());
    }
}

#[test]
fn placing_on_an_empty_view_lays_out_everything() {
    let t = estate();
    for view in VIEWS {
        assert_eq!(place_new(&t, view), lay_out(&t, view));
    }
}
