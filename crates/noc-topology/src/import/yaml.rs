//! YAML files, read event by event with saphyr-parser, whose markers give the line of
//! every item (serde-based readers lose them once a value is built).

use std::collections::HashMap;

use noc_model::Topology;
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::document::{word_of, FileNode, FileRelation, Item, Key, Value};
use crate::TopologyError;

/// How many items anchors and aliases may expand to: far more than any estate, far
/// less than a "billion laughs" file needs to exhaust the hub's memory.
const MAX_ITEMS: usize = 20_000_000;

enum Open {
    List {
        line: usize,
        anchor: usize,
        items: Vec<Item>,
    },
    Map {
        line: usize,
        anchor: usize,
        entries: Vec<(Key, Item)>,
        key: Option<Key>,
    },
}

struct Builder<'f> {
    file: &'f str,
    open: Vec<Open>,
    anchors: HashMap<usize, (Item, usize)>,
    items: usize,
    root: Option<Item>,
}

pub(super) fn tree(file: &str, source: &str) -> Result<Item, TopologyError> {
    let mut builder = Builder {
        file,
        open: Vec::new(),
        anchors: HashMap::new(),
        items: 0,
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
            Event::SequenceStart(anchor, _) => {
                self.expect_value(line)?;
                self.open.push(Open::List {
                    line,
                    anchor,
                    items: Vec::new(),
                });
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.expect_value(line)?;
                self.open.push(Open::Map {
                    line,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => match self.open.pop() {
                Some(Open::List {
                    line,
                    anchor,
                    items,
                }) => self.finish(
                    Item {
                        line,
                        value: Value::List(items),
                    },
                    anchor,
                    1,
                ),
                Some(Open::Map {
                    line,
                    anchor,
                    entries,
                    ..
                }) => self.finish(
                    Item {
                        line,
                        value: Value::Map(entries),
                    },
                    anchor,
                    1,
                ),
                None => Ok(()),
            },
            Event::Alias(anchor) => {
                let (item, size) = self
                    .anchors
                    .get(&anchor)
                    .cloned()
                    .ok_or_else(|| self.at(line, "an alias names no anchor"))?;
                self.finish(Item { line, ..item }, 0, size)
            }
            _ => Ok(()),
        }
    }

    /// A list or map cannot be the key of a map: keys are field and attribute names.
    fn expect_value(&self, line: usize) -> Result<(), TopologyError> {
        match self.open.last() {
            Some(Open::Map { key: None, .. }) => {
                Err(self.at(line, "a key of a map should be a plain name"))
            }
            _ => Ok(()),
        }
    }

    /// Places a finished item into what is open around it.
    fn finish(&mut self, item: Item, anchor: usize, size: usize) -> Result<(), TopologyError> {
        self.items += size;
        if self.items > MAX_ITEMS {
            return Err(self.at(item.line, "anchors and aliases expand to too many items"));
        }
        if anchor > 0 {
            self.anchors.insert(anchor, (item.clone(), size));
        }
        match self.open.last_mut() {
            None => self.root = Some(item),
            Some(Open::List { items, .. }) => items.push(item),
            Some(Open::Map { entries, key, .. }) => match key.take() {
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
