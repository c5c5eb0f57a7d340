//! Topology files: the three formats read the same estate, exports read back as they
//! were written, and every bad file is refused naming its line.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use noc_model::{Layer, Node, NodeKind, Point, Relation, RelationKind, Topology};
use noc_topology::import::{export, parse, Format, MAX_IMPORT_BYTES};
use noc_topology::TopologyError;
use proptest::prelude::*;

fn example(name: &str) -> Vec<u8> {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "examples",
        "topology",
        name,
    ]
    .iter()
    .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Nodes by id and relations sorted: files may list them in any order.
fn sorted(topology: &Topology) -> Topology {
    let mut topology = topology.clone();
    topology.nodes.sort_by(|a, b| a.id.cmp(&b.id));
    topology.relations.sort_by(|a, b| {
        (&a.from, &a.to, format!("{:?}", a.kind)).cmp(&(&b.from, &b.to, format!("{:?}", b.kind)))
    });
    topology
}

/// The line and message of a refusal.
fn refused(file: &str, format: Format, text: &str) -> (usize, String) {
    match parse(file, format, text.as_bytes()) {
        Err(TopologyError::AtLine {
            file: named,
            line,
            message,
        }) => {
            assert_eq!(named, file);
            (line, message)
        }
        other => panic!("expected a refusal at a line, got {other:?}"),
    }
}

#[test]
fn formats_are_known_by_extension_and_word() {
    assert_eq!(Format::from_name("estate.yaml"), Some(Format::Yaml));
    assert_eq!(Format::from_name("ESTATE.YML"), Some(Format::Yaml));
    assert_eq!(Format::from_name("dc1.estate.json"), Some(Format::Json));
    assert_eq!(Format::from_name("estate.csv"), Some(Format::Csv));
    assert_eq!(Format::from_name("estate.xlsx"), None);
    assert_eq!(Format::from_name("estate"), None);
    assert_eq!(Format::parse_word("CSV"), Some(Format::Csv));
    assert_eq!(Format::parse_word("toml"), None);
    for format in [Format::Yaml, Format::Json, Format::Csv] {
        assert_eq!(Format::parse_word(format.extension()), Some(format));
        assert_eq!(
            Format::from_name(&format!("x.{}", format.extension())),
            Some(format)
        );
    }
    assert_eq!(Format::Json.media_type(), "application/json");
    assert_eq!(Format::Csv.media_type(), "text/csv");
    assert_eq!(Format::Yaml.media_type(), "application/yaml");
}

#[test]
fn the_three_example_files_describe_the_same_estate() {
    let yaml = parse("estate.yaml", Format::Yaml, &example("estate.yaml")).unwrap();
    let json = parse("estate.json", Format::Json, &example("estate.json")).unwrap();
    let csv = parse("estate.csv", Format::Csv, &example("estate.csv")).unwrap();
    assert_eq!(sorted(&yaml), sorted(&json));
    assert_eq!(sorted(&yaml), sorted(&csv));

    let count = |kind: NodeKind| yaml.nodes.iter().filter(|n| n.kind == kind).count();
    assert_eq!(count(NodeKind::BusinessSystem), 2);
    assert_eq!(count(NodeKind::Service), 6);
    assert_eq!(count(NodeKind::Database), 2);
    assert_eq!(count(NodeKind::Host), 8);
    assert_eq!(count(NodeKind::Rack), 2);
    assert_eq!(count(NodeKind::Site), 2);
    let login = yaml.node("svc-login").unwrap();
    assert_eq!(login.layer, Layer::Saas);
    assert_eq!(login.owners, vec!["identity-team"]);
    assert!(yaml.relations.contains(&Relation::new(
        "svc-transfer",
        "app-sh-02",
        RelationKind::RunsOn
    )));
    assert_eq!(yaml.node("10.10.1.41").unwrap().id, "db-sh-01");
    assert_eq!(
        yaml.node("db-core")
            .unwrap()
            .attributes
            .get("version")
            .map(String::as_str),
        Some("19c")
    );
}

/// A topology with the awkward text operators do write: Chinese names, separators of
/// the CSV lists, quotes, words YAML would read as numbers or booleans.
fn awkward() -> Topology {
    let mut bs = Node::new("bs-1", "网上银行 \"online\"", NodeKind::BusinessSystem);
    bs.aliases = vec!["=HYPERLINK(\"http://x\")".into(), "'=1".into()];
    bs.owners = vec!["team;a".into(), "team\\b".into()];
    let mut db = Node::new("10", "true", NodeKind::Database);
    db.aliases = vec!["10.0.0.7".into(), "db=primary".into(), "null".into()];
    db.attributes = BTreeMap::from([
        ("k=1".to_string(), "a=b;c".to_string()),
        ("empty".to_string(), String::new()),
        ("multi".to_string(), "line one\nline two".to_string()),
        (
            "path".to_string(),
            "C:\\data\\#1: yes, - [x] {y}".to_string(),
        ),
    ]);
    let mut host = Node::new("host: 1", "- host #1", NodeKind::Host);
    host.layer = Layer::Paas;
    host.aliases = vec!["'quoted'".into(), "''".into()];
    host.owners = vec!["@ops".into(), "+86 21 5555".into()];
    host.attributes = BTreeMap::from([("=k".to_string(), "v".to_string())]);
    let site = Node::new("site", "Site", NodeKind::Site);
    Topology {
        nodes: vec![bs, db, host, site],
        relations: vec![
            Relation::new("bs-1", "10", RelationKind::DependsOn),
            Relation::new("10", "host: 1", RelationKind::RunsOn),
            Relation::new("host: 1", "site", RelationKind::LocatedIn),
            Relation::new("site", "bs-1", RelationKind::ConnectsTo),
        ],
    }
}

#[test]
fn every_format_reads_back_what_it_wrote() {
    let topology = awkward();
    for format in [Format::Yaml, Format::Json, Format::Csv] {
        let text = export(&topology, format);
        let back = parse("export", format, text.as_bytes())
            .unwrap_or_else(|e| panic!("{format:?}: {e}\n{text}"));
        assert_eq!(back, topology, "{format:?}:\n{text}");
        assert_eq!(export(&back, format), text, "{format:?}");
    }
}

#[test]
fn csv_exports_open_in_a_spreadsheet_as_text() {
    let text = export(&awkward(), Format::Csv);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    for row in reader.records() {
        for cell in row.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "{cell} would be a formula"
            );
        }
    }
    assert!(text.contains("'=HYPERLINK"), "{text}");
    // A spreadsheet's own text mark is read as such.
    let marked = "record,id,kind,owners\nnode,'-a,host,'@ops\n";
    let topology = parse("marked.csv", Format::Csv, marked.as_bytes()).unwrap();
    assert_eq!(topology.nodes[0].id, "-a");
    assert_eq!(topology.nodes[0].owners, ["@ops"]);
}

#[test]
fn exports_leave_out_origins_and_positions() {
    let mut topology = parse("estate.yaml", Format::Yaml, &example("estate.yaml")).unwrap();
    let plain = topology.clone();
    for node in &mut topology.nodes {
        node.origins = vec!["import:estate.yaml".into(), "source:zabbix".into()];
        node.positions.layered = Some(Point { x: 1.0, y: 2.0 });
    }
    for relation in &mut topology.relations {
        relation.origins = vec!["operator".into()];
    }
    for format in [Format::Yaml, Format::Json, Format::Csv] {
        let text = export(&topology, format);
        assert!(!text.contains("origins") && !text.contains("positions"));
        assert!(!text.contains("source:zabbix"));
        assert_eq!(parse("x", format, text.as_bytes()).unwrap(), plain);
    }
}

#[test]
fn the_model_serialised_as_json_is_an_import_file() {
    let mut topology = awkward();
    topology.nodes[0].origins = vec!["source:demo".into()];
    topology.nodes[0].positions.network = Some(Point { x: 10.5, y: -3.0 });
    topology.relations[0].origins = vec!["source:demo".into()];
    let text = serde_json::to_string(&topology).unwrap();
    let back = parse("model.json", Format::Json, text.as_bytes()).unwrap();
    assert_eq!(
        back.nodes[0].positions.network,
        Some(Point { x: 10.5, y: -3.0 })
    );
    assert!(
        back.nodes[0].origins.is_empty(),
        "the import gives its own origin"
    );
    assert!(back.relations[0].origins.is_empty());
    assert_eq!(back.nodes[1..], topology.nodes[1..]);
}

#[test]
fn relations_may_name_a_node_by_alias() {
    let yaml = "\
nodes:
  - {id: app, kind: service, runs_on: 10.0.0.5}
  - {id: h1, kind: host, aliases: [10.0.0.5, h1.bank.local]}
relations:
  - {from: h1.bank.local, to: app, kind: connects_to}
";
    let topology = parse("a.yaml", Format::Yaml, yaml.as_bytes()).unwrap();
    assert_eq!(
        topology.relations,
        vec![
            Relation::new("app", "h1", RelationKind::RunsOn),
            Relation::new("h1", "app", RelationKind::ConnectsTo),
        ]
    );
}

#[test]
fn yaml_defaults_and_shorthands() {
    let yaml = "\
nodes:
  - id: svc
    name: ''
    kind: service
    depends_on: db
    runs_on: [h1, h2]
  - id: db
    kind: database
    layer: iaas
    attributes: {port: 5432, primary: true}
  - {id: h1, kind: host, located_in: [r1, g1]}
  - {id: h2, kind: host, located_in: r1, connects_to: h1}
  - {id: r1, kind: rack}
  - {id: g1, kind: group}
";
    let topology = parse("a.yaml", Format::Yaml, yaml.as_bytes()).unwrap();
    let svc = topology.node("svc").unwrap();
    assert_eq!(svc.name, "svc");
    assert_eq!(svc.layer, Layer::Saas);
    let db = topology.node("db").unwrap();
    assert_eq!(db.layer, Layer::Iaas);
    assert_eq!(db.attributes["port"], "5432");
    assert_eq!(db.attributes["primary"], "true");
    assert_eq!(topology.relations.len(), 7);
    assert!(topology
        .relations
        .contains(&Relation::new("h2", "h1", RelationKind::ConnectsTo)));
}

// --- Bad files, each refused at its line --------------------------------------------

#[test]
fn a_duplicate_id_names_both_lines() {
    let yaml = "\
nodes:
  - id: web
    kind: service
  - id: db
    kind: database
  - id: web
    kind: host
";
    let (line, message) = refused("estate.yaml", Format::Yaml, yaml);
    assert_eq!(line, 6);
    assert_eq!(message, "duplicate node id web (see line 2)");

    let csv = "record,id,name,kind\nnode,web,,service\nnode,web,,host\n";
    assert_eq!(
        refused("estate.csv", Format::Csv, csv),
        (3, "duplicate node id web (see line 2)".to_string())
    );
}

#[test]
fn a_dangling_reference_names_the_line_of_the_reference() {
    let yaml = "\
nodes:
  - id: svc-pay
    kind: service
    depends_on:
      - db-1
      - db-9
  - id: db-1
    kind: database
";
    let (line, message) = refused("estate.yaml", Format::Yaml, yaml);
    assert_eq!(line, 6);
    assert_eq!(
        message,
        "relation depends_on from svc-pay to db-9 names unknown node db-9"
    );
    let err = parse("estate.yaml", Format::Yaml, yaml.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "estate.yaml line 6: relation depends_on from svc-pay to db-9 names unknown node db-9"
    );

    let json = r#"{
  "nodes": [
    {"id": "svc-pay", "kind": "service"}
  ],
  "relations": [
    {"from": "svc-pay", "to": "svc-pay", "kind": "depends_on"},
    {"from": "svc-pay", "to": "db-9", "kind": "depends_on"}
  ]
}"#;
    // The self-relation comes first in the file and is reported first.
    assert_eq!(refused("estate.json", Format::Json, json).0, 6);
    let json = json.replace(
        r#"{"from": "svc-pay", "to": "svc-pay", "kind": "depends_on"},"#,
        "",
    );
    let (line, message) = refused("estate.json", Format::Json, &json);
    assert_eq!(line, 7);
    assert!(message.contains("unknown node db-9"), "{message}");

    let csv = "\
# an estate
record,id,name,kind,from,to,relation

node,svc-pay,Payments,service,,,
relation,,,,svc-pay,db-9,depends_on
";
    assert_eq!(refused("estate.csv", Format::Csv, csv).0, 5);
}

#[test]
fn a_cycle_of_needs_is_refused_and_named() {
    let yaml = "\
nodes:
  - {id: a, kind: service, depends_on: b}
  - {id: b, kind: service, runs_on: c}
  - {id: c, kind: host,
     located_in: a}
";
    let (line, message) = refused("estate.yaml", Format::Yaml, yaml);
    assert_eq!(line, 5);
    assert!(message.contains("a → b → c → a"), "{message}");
}

#[test]
fn network_rings_are_fine() {
    let yaml = "\
nodes:
  - {id: sw1, kind: network_device, connects_to: [sw2]}
  - {id: sw2, kind: network_device, connects_to: [sw3]}
  - {id: sw3, kind: network_device, connects_to: [sw1]}
";
    assert_eq!(
        parse("ring.yaml", Format::Yaml, yaml.as_bytes())
            .unwrap()
            .relations
            .len(),
        3
    );
}

#[test]
fn a_node_in_two_places_is_refused() {
    let yaml = "\
nodes:
  - {id: h1, kind: host, located_in: [g1, r1, s1]}
  - {id: r1, kind: rack}
  - {id: s1, kind: site}
  - {id: g1, kind: group}
";
    let (line, message) = refused("estate.yaml", Format::Yaml, yaml);
    assert_eq!(line, 2);
    assert!(
        message.starts_with("h1 is located in both r1 and s1"),
        "{message}"
    );
}

#[test]
fn a_relation_given_twice_is_refused() {
    let csv = "\
record,id,kind,from,to,relation
node,sw1,network_device,,,
node,sw2,network_device,,,
relation,,,sw1,sw2,connects_to
relation,,,sw2,sw1,connects_to
";
    let (line, message) = refused("net.csv", Format::Csv, csv);
    assert_eq!(line, 5);
    assert_eq!(
        message,
        "duplicate relation connects_to from sw2 to sw1 (see line 4)"
    );
}

#[test]
fn an_unknown_field_is_named_with_its_line() {
    let yaml = "\
nodes:
  - id: web
    kind: service
    owner: web-team
";
    let (line, message) = refused("estate.yaml", Format::Yaml, yaml);
    assert_eq!(line, 4);
    assert!(
        message.starts_with("unknown field owner in a node"),
        "{message}"
    );

    let json = "{\"nodes\": [],\n \"relation\": []}";
    let (line, message) = refused("estate.json", Format::Json, json);
    assert_eq!(line, 2);
    assert!(message.starts_with("unknown field relation"), "{message}");

    let csv = "record,id,kind,owner\n";
    let (line, message) = refused("estate.csv", Format::Csv, csv);
    assert_eq!(line, 1);
    assert!(message.starts_with("unknown column \"owner\""), "{message}");
}

#[test]
fn an_unknown_kind_is_named_with_its_line() {
    let yaml = "nodes:\n  - id: web\n    kind: server\n";
    let (line, message) = refused("estate.yaml", Format::Yaml, yaml);
    assert_eq!(line, 3);
    assert!(message.starts_with("unknown kind server; one of business_system"));

    let json = "{\"nodes\": [{\"id\": \"a\", \"kind\": \"host\"}],\n\"relations\": [\n{\"from\": \"a\", \"to\": \"a\",\n \"kind\": \"uses\"}]}";
    let (line, message) = refused("estate.json", Format::Json, json);
    assert_eq!(line, 4);
    assert!(
        message.starts_with("unknown relation kind uses"),
        "{message}"
    );

    let csv = "record,id,kind\nnode,a,host\nnode,b,hots\n";
    assert_eq!(refused("estate.csv", Format::Csv, csv).0, 3);
}

#[test]
fn missing_ids_and_kinds_are_refused() {
    let (line, message) = refused(
        "a.yaml",
        Format::Yaml,
        "nodes:\n  - name: x\n    kind: host\n",
    );
    assert_eq!((line, message.as_str()), (2, "a node has no id"));
    let (line, message) = refused("a.yaml", Format::Yaml, "nodes:\n  - id: x\n");
    assert_eq!(line, 2);
    assert!(message.starts_with("node x has no kind"));
    let (line, _) = refused("a.csv", Format::Csv, "record,id,kind\nnode,,host\n");
    assert_eq!(line, 2);
}

#[test]
fn syntax_errors_carry_the_parser_line() {
    let yaml = "nodes:\n  - id: a\n    kind: host\n  - id: [b\n    kind: host\n";
    let (line, _) = refused("bad.yaml", Format::Yaml, yaml);
    assert!((4..=6).contains(&line), "line {line}");

    let json = "{\n\"nodes\": [\n{\"id\": \"a\" \"kind\": \"host\"}\n]}";
    let (line, message) = refused("bad.json", Format::Json, json);
    assert_eq!(line, 3);
    assert!(message.contains("column"), "{message}");

    let csv = "record,id,kind\nnode,a,host,extra,more\n";
    let (line, message) = refused("bad.csv", Format::Csv, csv);
    assert_eq!(line, 2);
    assert!(message.contains("fields"), "{message}");
}

#[test]
fn csv_rows_must_fit_their_record() {
    let header = "record,id,name,kind,layer,aliases,owners,attributes,from,to,relation\n";
    let shifted = format!("{header}node,a,A,host,,,,,x,,\n");
    let (line, message) = refused("a.csv", Format::Csv, &shifted);
    assert_eq!(line, 2);
    assert!(message.contains("leaves from empty"), "{message}");
    let record = format!("{header}nod,a,A,host,,,,,,,\n");
    assert_eq!(refused("a.csv", Format::Csv, &record).0, 2);
    let attribute = format!("{header}node,a,A,host,,,,port,,,\n");
    let (_, message) = refused("a.csv", Format::Csv, &attribute);
    assert!(message.contains("key=value"), "{message}");
    let (line, message) = refused("a.csv", Format::Csv, "node,a,A,host\n");
    assert_eq!(line, 1);
    assert!(message.contains("name the columns"), "{message}");
}

#[test]
fn text_that_is_not_utf8_is_refused_at_its_line() {
    let mut bytes = b"record,id,name,kind\nnode,a,A,host\nnode,b,Caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b",host\n");
    match parse("latin1.csv", Format::Csv, &bytes) {
        Err(TopologyError::AtLine { line, message, .. }) => {
            assert_eq!(line, 3);
            assert!(message.contains("UTF-8"), "{message}");
            assert!(message.contains("column 11"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // A byte-order mark, as spreadsheets write, is fine.
    let bom = b"\xEF\xBB\xBFrecord,id,kind\nnode,a,host\n";
    assert_eq!(parse("bom.csv", Format::Csv, bom).unwrap().nodes.len(), 1);
}

#[test]
fn an_empty_file_is_refused() {
    for format in [Format::Yaml, Format::Json, Format::Csv] {
        let err = parse("empty", format, b"  \n").unwrap_err();
        assert!(err.to_string().starts_with("empty is empty"), "{err}");
    }
    let err = parse("comments.yaml", Format::Yaml, b"# nothing yet\n").unwrap_err();
    assert!(err.to_string().contains("no nodes"), "{err}");
    // Saying there is nothing, on purpose, is an import of nothing.
    let nothing = parse("none.yaml", Format::Yaml, b"nodes: []\n").unwrap();
    assert_eq!(nothing, Topology::default());
    let header_only = parse("none.csv", Format::Csv, b"record,id,kind\n").unwrap();
    assert_eq!(header_only, Topology::default());
}

#[test]
fn a_file_over_the_limit_is_refused_before_reading() {
    let row = "node,host-000000,Host,host,,10.0.0.1,ops,rack=a1;os=linux,,,\n";
    let mut text =
        String::from("record,id,name,kind,layer,aliases,owners,attributes,from,to,relation\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(row);
    }
    text.truncate(50 * 1024 * 1024);
    assert!(text.len() > MAX_IMPORT_BYTES);
    let err = parse("estate.csv", Format::Csv, text.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        TopologyError::Invalid(
            "estate.csv is 50.0 MB; an import may be at most 32 MB — split it by site".into()
        )
    );
}

/// A generated estate of 5,000 nodes and 10,000 relations, valid by construction:
/// needs only point to nodes written later, so they cannot close a cycle.
fn large_estate() -> Topology {
    let mut nodes = Vec::new();
    let mut relations = Vec::new();
    let sites = 10;
    let racks = 90;
    for s in 0..sites {
        nodes.push(Node::new(
            format!("site-{s}"),
            format!("Site {s}"),
            NodeKind::Site,
        ));
    }
    for r in 0..racks {
        nodes.push(Node::new(
            format!("rack-{r}"),
            format!("Rack {r}"),
            NodeKind::Rack,
        ));
        relations.push(Relation::new(
            format!("rack-{r}"),
            format!("site-{}", r % sites),
            RelationKind::LocatedIn,
        ));
    }
    let hosts = 3000;
    for h in 0..hosts {
        let mut host = Node::new(format!("host-{h}"), format!("Host {h}"), NodeKind::Host);
        host.aliases = vec![format!("10.{}.{}.{}", h / 65536, (h / 256) % 256, h % 256)];
        host.attributes.insert("os".into(), "linux".into());
        nodes.push(host);
        relations.push(Relation::new(
            format!("host-{h}"),
            format!("rack-{}", h % racks),
            RelationKind::LocatedIn,
        ));
        if h > 0 {
            relations.push(Relation::new(
                format!("host-{h}"),
                format!("host-{}", h - 1),
                RelationKind::ConnectsTo,
            ));
        }
    }
    let services = 5000 - sites - racks - hosts;
    for s in 0..services {
        let mut service = Node::new(
            format!("svc-{s}"),
            format!("Service {s}"),
            NodeKind::Service,
        );
        service.owners = vec![format!("team-{}", s % 40)];
        nodes.push(service);
        relations.push(Relation::new(
            format!("svc-{s}"),
            format!("host-{}", s % hosts),
            RelationKind::RunsOn,
        ));
        relations.push(Relation::new(
            format!("svc-{s}"),
            format!("host-{}", (s + 7) % hosts),
            RelationKind::RunsOn,
        ));
    }
    let mut s = 0;
    while relations.len() < 10_000 {
        relations.push(Relation::new(
            format!("svc-{s}"),
            format!("svc-{}", s + 1),
            RelationKind::DependsOn,
        ));
        s += 1;
    }
    Topology { nodes, relations }
}

#[test]
fn an_estate_of_five_thousand_nodes_reads_in_every_format() {
    let estate = large_estate();
    assert_eq!((estate.nodes.len(), estate.relations.len()), (5000, 10_000));
    for format in [Format::Yaml, Format::Json, Format::Csv] {
        let text = export(&estate, format);
        let started = Instant::now();
        let back = parse("large", format, text.as_bytes()).unwrap();
        let took = started.elapsed();
        println!(
            "{format:?}: {} bytes, 5,000 nodes + 10,000 relations parsed and checked in {took:?}",
            text.len()
        );
        assert_eq!(back, estate);
    }
}

// --- Round trips of generated topologies ----------------------------------------------

fn text() -> impl Strategy<Value = String> {
    // Printable text with the characters each format treats specially, no surrounding
    // spaces (CSV cells are trimmed).
    "[a-z0-9网络 ;=+@\\\\:#,\"'\\-\\[\\]{}]{0,12}".prop_map(|s: String| s.trim().to_string())
}

fn kind() -> impl Strategy<Value = NodeKind> {
    prop_oneof![
        Just(NodeKind::BusinessSystem),
        Just(NodeKind::Service),
        Just(NodeKind::Middleware),
        Just(NodeKind::Database),
        Just(NodeKind::Host),
        Just(NodeKind::NetworkDevice),
        Just(NodeKind::Link),
        Just(NodeKind::Group),
    ]
}

fn topology() -> impl Strategy<Value = Topology> {
    let node = (
        text(),
        kind(),
        proptest::option::of(prop_oneof![
            Just(Layer::Saas),
            Just(Layer::Paas),
            Just(Layer::Iaas)
        ]),
        proptest::collection::vec(text(), 0..3),
        proptest::collection::btree_map(text(), text(), 0..3),
    );
    (
        proptest::collection::vec(node, 1..12),
        proptest::collection::vec((0usize..12, 0usize..12, 0usize..3), 0..20),
    )
        .prop_map(|(nodes, links)| {
            let nodes: Vec<Node> = nodes
                .into_iter()
                .enumerate()
                .map(|(i, (name, kind, layer, owners, attributes))| {
                    let mut node = Node::new(
                        format!("n{i}-{}", name.replace(' ', "")),
                        name.clone(),
                        kind,
                    );
                    if name.is_empty() {
                        node.name = node.id.clone();
                    }
                    node.layer = layer.unwrap_or(node.layer);
                    node.owners = owners.into_iter().filter(|o| !o.is_empty()).collect();
                    node.attributes = attributes
                        .into_iter()
                        .filter(|(k, _)| !k.is_empty())
                        .collect();
                    node
                })
                .collect();
            let mut relations: Vec<Relation> = Vec::new();
            for (a, b, kind) in links {
                let (a, b) = (a % nodes.len(), b % nodes.len());
                // Needs only point forward, so they never close a cycle.
                if a >= b {
                    continue;
                }
                let kind = [
                    RelationKind::DependsOn,
                    RelationKind::RunsOn,
                    RelationKind::ConnectsTo,
                ][kind];
                let relation = Relation::new(nodes[a].id.clone(), nodes[b].id.clone(), kind);
                if !relations
                    .iter()
                    .any(|r| r.from == relation.from && r.to == relation.to)
                {
                    relations.push(relation);
                }
            }
            Topology { nodes, relations }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn generated_topologies_read_back_in_every_format(topology in topology()) {
        for format in [Format::Yaml, Format::Json, Format::Csv] {
            let text = export(&topology, format);
            let back = parse("generated", format, text.as_bytes());
            prop_assert_eq!(back.as_ref().ok(), Some(&topology), "{:?} {:?}\n{}", format, back.as_ref().err(), text);
        }
    }
}

#[test]
fn the_examples_in_the_documentation_are_valid_files() {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "docs",
        "topology-files.md",
    ]
    .iter()
    .collect();
    let doc = std::fs::read_to_string(path).unwrap();
    let mut read = Vec::new();
    for block in doc.split("```").skip(1).step_by(2) {
        let (word, text) = block.split_once('\n').unwrap();
        let format = Format::parse_word(word).unwrap_or_else(|| panic!("block {word}"));
        let topology = parse(&format!("doc.{word}"), format, text.as_bytes())
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        read.push((format, topology));
    }
    let formats: Vec<Format> = read.iter().map(|(f, _)| *f).collect();
    assert_eq!(formats, [Format::Yaml, Format::Json, Format::Csv]);
    let yaml = &read[0].1;
    assert!(yaml.relations.contains(&Relation::new(
        "svc-login",
        "app-sh-01",
        RelationKind::ConnectsTo
    )));
    let csv = &read[2].1;
    assert_eq!(csv.node("10.10.1.11").unwrap().id, "app-sh-01");
    assert_eq!(csv.relations.len(), 5);
}

#[test]
fn yaml_anchors_repeat_values_and_a_second_document_is_refused() {
    let yaml = "\
nodes:
  - id: h1
    kind: host
    attributes: &linux {os: rhel-9, patch: monthly}
  - id: h2
    kind: host
    attributes: *linux
";
    let topology = parse("a.yaml", Format::Yaml, yaml.as_bytes()).unwrap();
    assert_eq!(topology.nodes[1].attributes, topology.nodes[0].attributes);
    assert_eq!(topology.nodes[1].attributes["patch"], "monthly");

    let two = "nodes: []\n---\nnodes: []\n";
    let (line, message) = refused("two.yaml", Format::Yaml, two);
    assert_eq!(
        (line, message.as_str()),
        (2, "a topology file holds one document")
    );

    let bomb = "\
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
";
    let (line, message) = refused("bomb.yaml", Format::Yaml, bomb);
    assert!(message.contains("too many items"), "{message}");
    assert!(line <= 8, "{line}");
}
