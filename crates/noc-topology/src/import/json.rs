//! JSON files. serde_json checks the syntax (its messages and positions are the ones
//! operators know from other tools); a small reader then walks the now valid text to
//! build the tree with lines, which serde_json does not keep.

use noc_model::Topology;
use serde::de::IgnoredAny;
use serde::Serialize;

use super::document::{FileNode, FileRelation, Item, Key, Value};
use crate::TopologyError;

pub(super) fn tree(file: &str, source: &str) -> Result<Item, TopologyError> {
    if let Err(e) = serde_json::from_str::<IgnoredAny>(source) {
        let text = e.to_string();
        let reason = text.split(" at line ").next().unwrap_or(&text);
        return Err(TopologyError::AtLine {
            file: file.to_string(),
            line: e.line().max(1),
            message: format!("{reason} (column {})", e.column()),
        });
    }
    let mut reader = Reader {
        source,
        bytes: source.as_bytes(),
        at: 0,
        line: 1,
    };
    Ok(reader.value())
}

/// Walks JSON that serde_json has accepted, so it trusts the grammar; its recursion is
/// bounded by serde_json's own depth limit.
struct Reader<'a> {
    source: &'a str,
    bytes: &'a [u8],
    at: usize,
    line: usize,
}

impl Reader<'_> {
    fn skip_space(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.at += 1;
        }
    }

    fn peek(&self) -> u8 {
        self.bytes.get(self.at).copied().unwrap_or(b'\0')
    }

    fn value(&mut self) -> Item {
        self.skip_space();
        let line = self.line;
        let value = match self.peek() {
            b'{' => Value::Map(self.entries()),
            b'[' => Value::List(self.items()),
            b'"' => Value::Text(self.string()),
            _ => {
                let start = self.at;
                while !matches!(
                    self.peek(),
                    b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n' | b'\0'
                ) {
                    self.at += 1;
                }
                match &self.source[start..self.at] {
                    "null" => Value::Null,
                    token => Value::Text(token.to_string()),
                }
            }
        };
        Item { line, value }
    }

    fn entries(&mut self) -> Vec<(Key, Item)> {
        self.at += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                b'}' | b'\0' => break,
                b',' => self.at += 1,
                _ => {
                    let line = self.line;
                    let name = self.string();
                    self.skip_space();
                    self.at += 1;
                    let item = self.value();
                    entries.push((Key { name, line }, item));
                }
            }
        }
        self.at += 1;
        entries
    }

    fn items(&mut self) -> Vec<Item> {
        self.at += 1;
        let mut items = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                b']' | b'\0' => break,
                b',' => self.at += 1,
                _ => items.push(self.value()),
            }
        }
        self.at += 1;
        items
    }

    fn string(&mut self) -> String {
        let start = self.at;
        self.at += 1;
        let mut escaped = false;
        loop {
            match self.peek() {
                b'\\' => {
                    escaped = true;
                    self.at += 2;
                }
                b'"' | b'\0' => break,
                _ => self.at += 1,
            }
        }
        self.at += 1;
        let end = self.at.min(self.bytes.len());
        let quoted = &self.source[start..end];
        if escaped {
            serde_json::from_str(quoted).unwrap_or_default()
        } else {
            quoted[1..quoted.len() - 1].to_string()
        }
    }
}

#[derive(Serialize)]
struct File<'a> {
    nodes: Vec<FileNode<'a>>,
    relations: Vec<FileRelation<'a>>,
}

pub(super) fn write(topology: &Topology) -> String {
    let file = File {
        nodes: topology.nodes.iter().map(FileNode::of).collect(),
        relations: topology.relations.iter().map(FileRelation::of).collect(),
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}
