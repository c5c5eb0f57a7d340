//! YAML and JSON files share one shape, `{nodes: [...], relations: [...]}`. Both are
//! first read into a tree that remembers the line of every item, then into a topology
//! here, so that both formats accept the same fields and name the same lines.

use std::collections::BTreeMap;

use noc_model::{Layer, Node, NodeKind, Point, Relation, RelationKind, Topology};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::lines::ItemLines;
use crate::validate::kind_word;
use crate::TopologyError;

/// A value of a file with the line it starts on.
#[derive(Debug, Clone)]
pub(super) struct Item {
    pub line: usize,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub(super) enum Value {
    Null,
    /// Every scalar that is not null, as written: ids like `10` or `true` stay text.
    Text(String),
    List(Vec<Item>),
    Map(Vec<(Key, Item)>),
}

#[derive(Debug, Clone)]
pub(super) struct Key {
    pub name: String,
    pub line: usize,
}

const FILE_FIELDS: &[&str] = &["nodes", "relations"];
const NODE_FIELDS: &[&str] = &[
    "id",
    "name",
    "kind",
    "layer",
    "aliases",
    "attributes",
    "owners",
    "located_in",
    "runs_on",
    "depends_on",
    "connects_to",
    "origins",
    "positions",
];
const RELATION_FIELDS: &[&str] = &["from", "to", "kind", "origins"];
const POSITION_FIELDS: &[&str] = &["layered", "network"];
const POINT_FIELDS: &[&str] = &["x", "y"];

/// Reads the tree of a YAML or JSON file into a topology (not yet checked as a whole).
pub(super) fn read(file: &str, root: &Item) -> Result<(Topology, ItemLines), TopologyError> {
    let reader = Reader { file };
    let mut topology = Topology::default();
    let mut lines = ItemLines::default();
    if let Value::Null = root.value {
        return Err(reader.at(root.line, "the file has no nodes list"));
    }
    let fields = reader.fields(root, "the file", FILE_FIELDS)?;
    if !fields.iter().any(|(key, _)| key.name == "nodes") {
        return Err(reader.at(root.line, "the file has no nodes list"));
    }
    for (key, item) in fields {
        if key.name == "nodes" {
            for node in reader.list(item, "nodes")? {
                reader.node(node, &mut topology, &mut lines)?;
            }
        }
    }
    for (key, item) in fields {
        if key.name == "relations" {
            for relation in reader.list(item, "relations")? {
                let read = reader.relation(relation)?;
                topology.relations.push(read);
                lines.relations.push(relation.line);
            }
        }
    }
    Ok((topology, lines))
}

struct Reader<'a> {
    file: &'a str,
}

impl Reader<'_> {
    fn at(&self, line: usize, message: impl Into<String>) -> TopologyError {
        TopologyError::AtLine {
            file: self.file.to_string(),
            line,
            message: message.into(),
        }
    }

    /// The fields of a map, each known and given once.
    fn fields<'i>(
        &self,
        item: &'i Item,
        what: &str,
        known: &[&str],
    ) -> Result<&'i [(Key, Item)], TopologyError> {
        let Value::Map(fields) = &item.value else {
            return Err(self.at(
                item.line,
                format!(
                    "{what} should be a map with the fields {}",
                    known.join(", ")
                ),
            ));
        };
        for (i, (key, _)) in fields.iter().enumerate() {
            if !known.contains(&key.name.as_str()) {
                return Err(self.at(
                    key.line,
                    format!(
                        "unknown field {} in {what}; the fields are {}",
                        key.name,
                        known.join(", ")
                    ),
                ));
            }
            if fields[..i].iter().any(|(other, _)| other.name == key.name) {
                return Err(self.at(key.line, format!("field {} is given twice", key.name)));
            }
        }
        Ok(fields)
    }

    fn list<'i>(&self, item: &'i Item, field: &str) -> Result<&'i [Item], TopologyError> {
        match &item.value {
            Value::List(items) => Ok(items),
            Value::Null => Ok(&[]),
            _ => Err(self.at(item.line, format!("{field} should be a list"))),
        }
    }

    fn text(&self, item: &Item, field: &str) -> Result<Option<String>, TopologyError> {
        match &item.value {
            Value::Text(text) => Ok(Some(text.clone())),
            Value::Null => Ok(None),
            _ => Err(self.at(item.line, format!("{field} should be text"))),
        }
    }

    /// A list of texts, each with its line; a single text is a list of one.
    fn texts(&self, item: &Item, field: &str) -> Result<Vec<(String, usize)>, TopologyError> {
        match &item.value {
            Value::Text(text) => Ok(vec![(text.clone(), item.line)]),
            Value::Null => Ok(Vec::new()),
            Value::List(items) => items
                .iter()
                .map(|entry| match &entry.value {
                    Value::Text(text) => Ok((text.clone(), entry.line)),
                    _ => Err(self.at(entry.line, format!("each entry of {field} should be text"))),
                })
                .collect(),
            Value::Map(_) => Err(self.at(item.line, format!("{field} should be a list"))),
        }
    }

    /// A list of names; empty ones are dropped, as empty entries of a CSV list.
    fn names(&self, item: &Item, field: &str) -> Result<Vec<String>, TopologyError> {
        Ok(self
            .texts(item, field)?
            .into_iter()
            .map(|(name, _)| name)
            .filter(|name| !name.is_empty())
            .collect())
    }

    fn word<T: DeserializeOwned>(
        &self,
        item: &Item,
        field: &str,
        choices: &str,
    ) -> Result<Option<T>, TopologyError> {
        let Some(word) = self.text(item, field)? else {
            return Ok(None);
        };
        parse_word(&word).map(Some).ok_or_else(|| {
            self.at(
                item.line,
                format!("unknown {field} {word}; one of {choices}"),
            )
        })
    }

    fn node(
        &self,
        item: &Item,
        topology: &mut Topology,
        lines: &mut ItemLines,
    ) -> Result<(), TopologyError> {
        let fields = self.fields(item, "a node", NODE_FIELDS)?;
        let field = |name: &str| fields.iter().find(|(k, _)| k.name == name).map(|(_, v)| v);
        let id = match field("id") {
            Some(value) => self.text(value, "id")?,
            None => None,
        }
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| self.at(item.line, "a node has no id"))?;
        let kind: NodeKind = match field("kind") {
            Some(value) => self.word(value, "kind", NODE_KINDS)?,
            None => None,
        }
        .ok_or_else(|| {
            self.at(
                item.line,
                format!("node {id} has no kind; one of {NODE_KINDS}"),
            )
        })?;
        let mut node = Node::new(id.clone(), id.clone(), kind);
        let name = field("name").map(|v| self.text(v, "name")).transpose()?;
        // An empty name is no name, as an empty cell of a CSV file.
        if let Some(name) = name.flatten().filter(|name| !name.is_empty()) {
            node.name = name;
        }
        if let Some(value) = field("layer") {
            if let Some(layer) = self.word::<Layer>(value, "layer", "saas, paas, iaas")? {
                node.layer = layer;
            }
        }
        if let Some(value) = field("aliases") {
            node.aliases = self.names(value, "aliases")?;
        }
        if let Some(value) = field("owners") {
            node.owners = self.names(value, "owners")?;
        }
        if let Some(value) = field("attributes") {
            node.attributes = self.attributes(value)?;
        }
        if let Some(value) = field("positions") {
            self.positions(value, &mut node)?;
        }
        if let Some(value) = field("origins") {
            self.texts(value, "origins")?;
        }
        lines.nodes.push(item.line);
        for kind in [
            RelationKind::LocatedIn,
            RelationKind::RunsOn,
            RelationKind::DependsOn,
            RelationKind::ConnectsTo,
        ] {
            let word = kind_word(kind);
            if let Some(value) = field(word) {
                for (to, line) in self.texts(value, word)? {
                    topology.relations.push(Relation::new(id.clone(), to, kind));
                    lines.relations.push(line);
                }
            }
        }
        topology.nodes.push(node);
        Ok(())
    }

    fn attributes(&self, item: &Item) -> Result<BTreeMap<String, String>, TopologyError> {
        let Value::Map(entries) = &item.value else {
            if let Value::Null = item.value {
                return Ok(BTreeMap::new());
            }
            return Err(self.at(item.line, "attributes should be a map of names to text"));
        };
        let mut attributes = BTreeMap::new();
        for (key, value) in entries {
            let text = self.text(value, &format!("attribute {}", key.name))?;
            if attributes
                .insert(key.name.clone(), text.unwrap_or_default())
                .is_some()
            {
                return Err(self.at(key.line, format!("attribute {} is given twice", key.name)));
            }
        }
        Ok(attributes)
    }

    fn positions(&self, item: &Item, node: &mut Node) -> Result<(), TopologyError> {
        for (key, value) in self.fields(item, "positions", POSITION_FIELDS)? {
            let Some(view) = parse_word(&key.name) else {
                continue;
            };
            let point = self.fields(value, "a position", POINT_FIELDS)?;
            let mut xy = [None, None];
            for (axis, number) in point {
                let slot = if axis.name == "x" { 0 } else { 1 };
                let text = self.text(number, &axis.name)?.unwrap_or_default();
                xy[slot] = Some(
                    text.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| {
                            self.at(number.line, format!("{} should be a number", axis.name))
                        })?,
                );
            }
            let [Some(x), Some(y)] = xy else {
                return Err(self.at(value.line, "a position has both x and y"));
            };
            node.positions.set(view, Point { x, y });
        }
        Ok(())
    }

    fn relation(&self, item: &Item) -> Result<Relation, TopologyError> {
        let fields = self.fields(item, "a relation", RELATION_FIELDS)?;
        let mut ends = [None, None];
        let mut kind = None;
        for (key, value) in fields {
            match key.name.as_str() {
                "from" => ends[0] = self.text(value, "from")?,
                "to" => ends[1] = self.text(value, "to")?,
                "kind" => {
                    kind = self.word::<RelationKind>(value, "relation kind", RELATION_KINDS)?
                }
                _ => {
                    self.texts(value, "origins")?;
                }
            }
        }
        match (ends, kind) {
            ([Some(from), Some(to)], Some(kind)) => Ok(Relation::new(from, to, kind)),
            _ => Err(self.at(
                item.line,
                format!("a relation needs from, to and kind (one of {RELATION_KINDS})"),
            )),
        }
    }
}

pub(super) const NODE_KINDS: &str = "business_system, service, middleware, database, host, \
     network_device, link, site, rack, group";
pub(super) const RELATION_KINDS: &str = "depends_on, runs_on, connects_to, located_in";

/// A snake_case word of the model (a kind, a layer, a view), as the model spells it.
pub(super) fn parse_word<T: DeserializeOwned>(word: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(word.trim().to_string())).ok()
}

/// A node as written to a file: what the file formats carry, in a fixed order.
#[derive(Serialize)]
pub(super) struct FileNode<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: NodeKind,
    /// Only when it differs from the kind's usual layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<Layer>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub aliases: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub owners: &'a [String],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: &'a BTreeMap<String, String>,
}

impl<'a> FileNode<'a> {
    pub fn of(node: &'a Node) -> Self {
        FileNode {
            id: &node.id,
            name: &node.name,
            kind: node.kind,
            layer: (node.layer != node.kind.layer()).then_some(node.layer),
            aliases: &node.aliases,
            owners: &node.owners,
            attributes: &node.attributes,
        }
    }
}

#[derive(Serialize)]
pub(super) struct FileRelation<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub kind: RelationKind,
}

impl<'a> FileRelation<'a> {
    pub fn of(relation: &'a Relation) -> Self {
        FileRelation {
            from: &relation.from,
            to: &relation.to,
            kind: relation.kind,
        }
    }
}

/// The word a model value is written as (`network_device`, `iaas`).
pub(super) fn word_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(word)) => word,
        _ => String::new(),
    }
}
