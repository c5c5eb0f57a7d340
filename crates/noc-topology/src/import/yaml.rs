//! YAML files, read event by event with saphyr-parser, whose markers give the line of
//! every item (serde-based readers lose them once a value is built).

use std::collections::HashMap;

use noc_model::Topology;
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::document::{word_of, FileNode, FileRelation, Item, Key, Value};
use crate::TopologyError;

/// How many items aliases may copy in all: far more than sharing attributes among
/// thousands of nodes needs, far less than a "billion laughs" file needs to exhaust
/// the hub's memory.
const MAX_COPIED_ITEMS: usize = 1_000_000;

/// A list or map being read, with how many items it holds so far (itself included),
/// so that an alias of it knows what copying it costs.
struct Open {
    line: usize,
    anchor: usize,
    size: usize,
    items: Items,
}

enum Items {
    List(Vec<Item>),
    Map {
        entries: Vec<(Key, Item)>,
        key: Option<Key>,
    },
}

struct Builder<'f> {
    file: &'f str,
    open: Vec<Open>,
    anchors: HashMap<usize, (Item, usize)>,
    copied: usize,
    root: Option<Item>,
}

pub(super) fn tree(file: &str, source: &str) -> Result<Item, TopologyError> {
    let mut builder = Builder {
        file,
        open: Vec::new(),
        anchors: HashMap::new(),
        copied: 0,
        root: None,
    };
    let mut documents = 0;
    for event in Parser::new_from_str(source) {
        let (event, span) = event.map_err(|e| TopologyError::AtLine {
            file: file.to_string(),
            line: e.marker().line().max(1),
            message: format!("{} (column {})", e.info(), e.marker().col() + 1),
        })?;
        if let Event::DocumentStart(_) = event {
            documents += 1;
            if documents > 1 {
                return Err(builder.at(line_of(&span), "a topology file holds one document"));
            }
        }
        builder.event(event, span)?;
    }
    Ok(builder.root.unwrap_or(Item {
        line: 1,
        value: Value::Null,
    }))
}

fn line_of(span: &Span) -> usize {
    span.start.line().max(1)
}

impl Builder<'_> {
    fn at(&self, line: usize, message: &str) -> TopologyError {
        TopologyError::AtLine {
            file: self.file.to_string(),
            line,
            message: message.to_string(),
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), TopologyError> {
        let line = line_of(&span);
        match event {
            Event::Scalar(text, style, anchor, _) => {
                let value = if style == ScalarStyle::Plain
                    && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
                {
                    Value::Null
                } else {
                    Value::Text(text.into_owned())
                };
                self.finish(Item { line, value }, anchor, 1)
            }
            Event::SequenceStart(anchor, _) => self.open(line, anchor, Items::List(Vec::new())),
            Event::MappingStart(anchor, _) => self.open(
                line,
                anchor,
                Items::Map {
                    entries: Vec::new(),
                    key: None,
                },
            ),
            Event::SequenceEnd | Event::MappingEnd => match self.open.pop() {
                Some(open) => {
                    let value = match open.items {
                        Items::List(items) => Value::List(items),
                        Items::Map { entries, .. } => Value::Map(entries),
                    };
                    let item = Item {
                        line: open.line,
                        value,
                    };
                    self.finish(item, open.anchor, open.size)
                }
                None => Ok(()),
            },
            Event::Alias(anchor) => {
                let size = self
                    .anchors
                    .get(&anchor)
                    .map(|(_, size)| *size)
                    .ok_or_else(|| self.at(line, "an alias names no anchor"))?;
                self.copied += size;
                if self.copied > MAX_COPIED_ITEMS {
                    return Err(self.at(line, "aliases copy too many items"));
                }
                let item = self.anchors[&anchor].0.clone();
                self.finish(Item { line, ..item }, 0, size)
            }
            _ => Ok(()),
        }
    }

    /// A list or map cannot be the key of a map: keys are field and attribute names.
    fn open(&mut self, line: usize, anchor: usize, items: Items) -> Result<(), TopologyError> {
        if let Some(Open {
            items: Items::Map { key: None, .. },
            ..
        }) = self.open.last()
        {
            return Err(self.at(line, "a key of a map should be a plain name"));
        }
        self.open.push(Open {
            line,
            anchor,
            size: 1,
            items,
        });
        Ok(())
    }

    /// Places a finished item into what is open around it.
    fn finish(&mut self, item: Item, anchor: usize, size: usize) -> Result<(), TopologyError> {
        if anchor > 0 {
            self.anchors.insert(anchor, (item.clone(), size));
        }
        let Some(open) = self.open.last_mut() else {
            self.root = Some(item);
            return Ok(());
        };
        open.size += size;
        match &mut open.items {
            Items::List(items) => items.push(item),
            Items::Map { entries, key } => match key.take() {
                Some(key) => entries.push((key, item)),
                None => match item.value {
                    Value::Text(name) => {
                        *key = Some(Key {
                            name,
                            line: item.line,
                        })
                    }
                    Value::Null => {
                        *key = Some(Key {
                            name: String::new(),
                            line: item.line,
                        })
                    }
                    _ => return Err(self.at(item.line, "a key of a map should be a plain name")),
                },
            },
        }
        Ok(())
    }
}

/// Writes the file by hand rather than through a serializer, to keep the compact shape
/// operators write themselves: one line per relation, short lists inline.
pub(super) fn write(topology: &Topology) -> String {
    let mut out = String::with_capacity(topology.nodes.len() * 120);
    out.push_str("nodes:\n");
    for node in &topology.nodes {
        let node = FileNode::of(node);
        out.push_str(&format!("  - id: {}\n", scalar(node.id)));
        out.push_str(&format!("    name: {}\n", scalar(node.name)));
        out.push_str(&format!("    kind: {}\n", word_of(&node.kind)));
        if let Some(layer) = node.layer {
            out.push_str(&format!("    layer: {}\n", word_of(&layer)));
        }
        for (field, list) in [("aliases", node.aliases), ("owners", node.owners)] {
            if !list.is_empty() {
                let items: Vec<String> = list.iter().map(|s| scalar(s)).collect();
                out.push_str(&format!("    {field}: [{}]\n", items.join(", ")));
            }
        }
        if !node.attributes.is_empty() {
            out.push_str("    attributes:\n");
            for (key, value) in node.attributes {
                out.push_str(&format!("      {}: {}\n", scalar(key), scalar(value)));
            }
        }
    }
    if topology.relations.is_empty() {
        out.push_str("relations: []\n");
        return out;
    }
    out.push_str("relations:\n");
    for relation in &topology.relations {
        let relation = FileRelation::of(relation);
        out.push_str(&format!(
            "  - {{from: {}, to: {}, kind: {}}}\n",
            scalar(relation.from),
            scalar(relation.to),
            word_of(&relation.kind)
        ));
    }
    out
}

/// Text as a YAML scalar: plain when it reads back as the same text in any YAML
/// reader, in block and flow context alike; otherwise double-quoted (JSON's escapes
/// are YAML's).
fn scalar(text: &str) -> String {
    if plain_is_safe(text) {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

fn plain_is_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let allowed =
        |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '/' | ' ' | '(' | ')');
    (first.is_alphanumeric() || first == '_' || first == '/')
        && !text.ends_with(' ')
        && text.chars().all(allowed)
        && !looks_typed(text)
}

/// Plain words other YAML readers would take for a number, a boolean or null.
fn looks_typed(text: &str) -> bool {
    text.parse::<f64>().is_ok()
        || text.starts_with(|c: char| c.is_ascii_digit())
        || matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "nan" | "inf"
        )
}
