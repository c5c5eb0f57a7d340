//! How the topology folds what several contributors say: discovery from each source, each
//! imported file, the operators' edits, and the stored layouts.

use noc_model::{
    Node, NodeKind, NodePosition, Point, Relation, RelationKind, Topology, TopologyChange,
    TopologyView, OPERATOR_ORIGIN,
};

fn host(id: &str, aliases: &[&str]) -> Node {
    let mut node = Node::new(id, id, NodeKind::Host);
    node.aliases = aliases.iter().map(|a| a.to_string()).collect();
    node
}

fn service(id: &str) -> Node {
    Node::new(id, id, NodeKind::Service)
}

fn topology(nodes: Vec<Node>, relations: Vec<Relation>) -> Topology {
    Topology { nodes, relations }
}

fn ids(topology: &Topology) -> Vec<&str> {
    topology.nodes.iter().map(|n| n.id.as_str()).collect()
}

fn origins<'a>(topology: &'a Topology, id: &str) -> Vec<&'a str> {
    topology
        .nodes
        .iter()
        .find(|n| n.id == id)
        .map(|n| n.origins.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

fn runs_on(from: &str, to: &str) -> Relation {
    Relation::new(from, to, RelationKind::RunsOn)
}

#[test]
fn a_reload_replaces_only_what_that_origin_contributed() {
    let mut estate = Topology::default();
    estate.load(
        "source:zabbix",
        &topology(vec![host("web01", &[]), host("web02", &[])], vec![]),
    );
    estate.load(
        "import:estate.yaml",
        &topology(
            vec![service("pay"), host("web02", &[])],
            vec![runs_on("pay", "web02")],
        ),
    );
    assert_eq!(ids(&estate), ["web01", "web02", "pay"]);
    assert_eq!(
        origins(&estate, "web02"),
        ["source:zabbix", "import:estate.yaml"]
    );

    // Zabbix no longer knows web02 and web01: web01 goes, web02 stays for the file.
    estate.load("source:zabbix", &topology(vec![host("web03", &[])], vec![]));
    assert_eq!(ids(&estate), ["web02", "pay", "web03"]);
    assert_eq!(origins(&estate, "web02"), ["import:estate.yaml"]);
    assert_eq!(
        estate.relations,
        vec![{
            let mut r = runs_on("pay", "web02");
            r.origins = vec!["import:estate.yaml".into()];
            r
        }]
    );

    // The file is imported again without the relation: only its relation goes.
    estate.load(
        "import:estate.yaml",
        &topology(vec![service("pay"), host("web02", &[])], vec![]),
    );
    assert!(estate.relations.is_empty());
    assert_eq!(ids(&estate), ["web02", "pay", "web03"]);
}

#[test]
fn two_origins_naming_one_host_differently_make_one_node() {
    let mut estate = Topology::default();
    let mut web = host("web01", &["10.0.0.5", "web01.bank.local"]);
    web.attributes.insert("os".into(), "rhel-9".into());
    estate.load("source:zabbix", &topology(vec![web], vec![]));

    // Prometheus knows the host by its address, and a service scraped on it.
    let mut scraped = host("10.0.0.5", &["10.0.0.5:9100"]);
    scraped.attributes.insert("os".into(), "linux".into());
    scraped.attributes.insert("job".into(), "node".into());
    estate.load(
        "source:prometheus",
        &topology(
            vec![scraped, service("pay")],
            vec![runs_on("pay", "10.0.0.5")],
        ),
    );

    assert_eq!(ids(&estate), ["web01", "pay"]);
    let web = estate.node("web01").unwrap();
    assert_eq!(web.origins, ["source:zabbix", "source:prometheus"]);
    assert_eq!(
        web.aliases,
        ["10.0.0.5", "web01.bank.local", "10.0.0.5:9100"]
    );
    // The first word about an attribute wins; new attributes are added.
    assert_eq!(web.attributes["os"], "rhel-9");
    assert_eq!(web.attributes["job"], "node");
    // The relation names the surviving id.
    assert_eq!(estate.relations.len(), 1);
    assert_eq!(
        (
            estate.relations[0].from.as_str(),
            estate.relations[0].to.as_str()
        ),
        ("pay", "web01")
    );
    assert_eq!(estate.node("10.0.0.5:9100").unwrap().id, "web01");

    // Loading the same again changes nothing.
    let before = estate.clone();
    estate.load(
        "source:prometheus",
        &topology(
            vec![host("10.0.0.5", &["10.0.0.5:9100"]), service("pay")],
            vec![runs_on("pay", "10.0.0.5")],
        ),
    );
    assert_eq!(estate.nodes.len(), before.nodes.len());
    assert_eq!(estate.relations, before.relations);

    // When Zabbix forgets the host, Prometheus still knows it.
    estate.load("source:zabbix", &Topology::default());
    assert_eq!(ids(&estate), ["web01", "pay"]);
    assert_eq!(origins(&estate, "web01"), ["source:prometheus"]);
    estate.load("source:prometheus", &Topology::default());
    assert!(estate.nodes.is_empty() && estate.relations.is_empty());
}

#[test]
fn a_relation_naming_an_alias_of_a_known_node_is_kept_on_its_id() {
    let mut estate = Topology::default();
    estate.load(
        "source:zabbix",
        &topology(vec![host("web01", &["10.0.0.5"])], vec![]),
    );
    estate.load(
        "source:prometheus",
        &topology(vec![service("pay")], vec![runs_on("pay", "10.0.0.5")]),
    );
    assert_eq!(estate.relations.len(), 1);
    assert_eq!(estate.relations[0].to, "web01");
}

#[test]
fn a_node_only_one_origin_knew_takes_its_new_fields() {
    let mut estate = Topology::default();
    let mut web = host("web01", &["10.0.0.5"]);
    web.attributes.insert("os".into(), "rhel-8".into());
    estate.load("source:zabbix", &topology(vec![web.clone()], vec![]));
    web.attributes.insert("os".into(), "rhel-9".into());
    web.aliases = vec!["10.0.0.6".into()];
    web.name = "Web 01".into();
    estate.load("source:zabbix", &topology(vec![web], vec![]));
    let node = estate.node("web01").unwrap();
    assert_eq!(node.attributes["os"], "rhel-9");
    assert_eq!(node.aliases, ["10.0.0.6"]);
    assert_eq!(node.name, "Web 01");
}

#[test]
fn positions_survive_reloads_and_edits() {
    let mut estate = Topology::default();
    estate.load(
        "source:zabbix",
        &topology(vec![host("web01", &[]), host("db01", &[])], vec![]),
    );
    estate.set_positions(
        TopologyView::Layered,
        &[
            NodePosition {
                id: "web01".into(),
                x: 10.0,
                y: 20.0,
            },
            NodePosition {
                id: "nobody".into(),
                x: 1.0,
                y: 1.0,
            },
        ],
    );
    estate.set_positions(
        TopologyView::Network,
        &[NodePosition {
            id: "web01".into(),
            x: -5.0,
            y: 0.5,
        }],
    );
    let at = |estate: &Topology, id: &str| estate.node(id).unwrap().positions;
    assert_eq!(
        at(&estate, "web01").layered,
        Some(Point { x: 10.0, y: 20.0 })
    );
    assert_eq!(
        at(&estate, "web01").network,
        Some(Point { x: -5.0, y: 0.5 })
    );
    assert_eq!(at(&estate, "db01").layered, None);
    assert_eq!(estate.nodes.len(), 2, "unknown ids are ignored");

    // A reload, even one whose nodes carry other positions, keeps the stored ones.
    let mut moved = host("web01", &[]);
    moved.positions.layered = Some(Point { x: 99.0, y: 99.0 });
    estate.load(
        "source:zabbix",
        &topology(vec![moved, host("db01", &[])], vec![]),
    );
    assert_eq!(
        at(&estate, "web01").layered,
        Some(Point { x: 10.0, y: 20.0 })
    );

    // An operator's edit of the node replaces its fields, not its place.
    let mut edited = host("web01", &["10.0.0.5"]);
    edited.name = "Web server 1".into();
    edited.owners = vec!["ops".into()];
    estate.edit(&TopologyChange {
        upsert_nodes: vec![edited],
        ..TopologyChange::default()
    });
    let web = estate.node("web01").unwrap();
    assert_eq!(web.name, "Web server 1");
    assert_eq!(web.aliases, ["10.0.0.5"]);
    assert_eq!(web.owners, ["ops"]);
    assert_eq!(web.origins, ["source:zabbix", OPERATOR_ORIGIN]);
    assert_eq!(web.positions.layered, Some(Point { x: 10.0, y: 20.0 }));
    assert_eq!(web.positions.network, Some(Point { x: -5.0, y: 0.5 }));

    // The operator's word keeps the node when the source forgets it.
    estate.load("source:zabbix", &topology(vec![host("db01", &[])], vec![]));
    assert_eq!(ids(&estate), ["web01", "db01"]);
    assert_eq!(origins(&estate, "web01"), [OPERATOR_ORIGIN]);
}

#[test]
fn removing_a_node_removes_its_relations() {
    let mut estate = Topology::default();
    estate.load(
        "import:estate.yaml",
        &topology(
            vec![service("pay"), host("web01", &[]), host("web02", &[])],
            vec![
                runs_on("pay", "web01"),
                runs_on("pay", "web02"),
                Relation::new("web01", "web02", RelationKind::ConnectsTo),
            ],
        ),
    );
    estate.edit(&TopologyChange {
        remove_nodes: vec!["web01".into()],
        upsert_relations: vec![Relation::new("web02", "pay", RelationKind::ConnectsTo)],
        remove_relations: vec![runs_on("pay", "web02")],
        ..TopologyChange::default()
    });
    assert_eq!(ids(&estate), ["pay", "web02"]);
    assert_eq!(estate.relations.len(), 1);
    let added = &estate.relations[0];
    assert_eq!((added.from.as_str(), added.to.as_str()), ("web02", "pay"));
    assert_eq!(added.origins, [OPERATOR_ORIGIN]);
}

#[test]
fn an_operator_may_add_nodes_and_relations() {
    let mut estate = Topology::default();
    estate.edit(&TopologyChange {
        upsert_nodes: vec![service("pay"), host("web01", &[])],
        upsert_relations: vec![runs_on("pay", "web01")],
        ..TopologyChange::default()
    });
    assert_eq!(ids(&estate), ["pay", "web01"]);
    assert_eq!(origins(&estate, "pay"), [OPERATOR_ORIGIN]);
    // A relation given again is the same relation.
    estate.edit(&TopologyChange {
        upsert_relations: vec![runs_on("pay", "web01")],
        ..TopologyChange::default()
    });
    assert_eq!(estate.relations.len(), 1);
    // An import of the same relation shares it.
    estate.load(
        "import:estate.yaml",
        &topology(
            vec![service("pay"), host("web01", &[])],
            vec![runs_on("pay", "web01")],
        ),
    );
    assert_eq!(estate.relations.len(), 1);
    assert_eq!(
        estate.relations[0].origins,
        [OPERATOR_ORIGIN, "import:estate.yaml"]
    );
    estate.load("import:estate.yaml", &Topology::default());
    assert_eq!(estate.relations.len(), 1, "the operator's relation stays");
    assert_eq!(ids(&estate), ["pay", "web01"]);
}

#[test]
fn an_empty_origin_replaces_everything() {
    let mut estate = Topology::default();
    estate.load("source:zabbix", &topology(vec![host("web01", &[])], vec![]));
    estate.set_positions(
        TopologyView::Layered,
        &[NodePosition {
            id: "web01".into(),
            x: 1.0,
            y: 2.0,
        }],
    );
    let older = topology(
        vec![host("db01", &[]), service("pay")],
        vec![runs_on("pay", "db01")],
    );
    estate.load("", &older);
    assert_eq!(estate, older);
}
