//! CSV files: one table of node rows and relation rows, as a spreadsheet exports it.
//!
//! Columns: `record,id,name,kind,layer,aliases,owners,attributes,from,to,relation`.
//! Lists are separated by `;`, attributes written `key=value;key=value`; a `\` before
//! `;`, `=` or `\` takes it literally.

use std::borrow::Cow;
use std::collections::BTreeMap;

use csv::{ReaderBuilder, StringRecord, Trim, WriterBuilder};
use noc_model::{Layer, Node, NodeKind, Relation, RelationKind, Topology};

use super::document::{parse_word, word_of, NODE_KINDS, RELATION_KINDS};
use super::lines::ItemLines;
use crate::TopologyError;

const COLUMNS: [&str; 11] = [
    "record",
    "id",
    "name",
    "kind",
    "layer",
    "aliases",
    "owners",
    "attributes",
    "from",
    "to",
    "relation",
];
const RECORD: usize = 0;
const ID: usize = 1;
const NAME: usize = 2;
const KIND: usize = 3;
const LAYER: usize = 4;
const ALIASES: usize = 5;
const OWNERS: usize = 6;
const ATTRIBUTES: usize = 7;
const FROM: usize = 8;
const TO: usize = 9;
const RELATION: usize = 10;
const NODE_COLUMNS: [usize; 7] = [ID, NAME, KIND, LAYER, ALIASES, OWNERS, ATTRIBUTES];
const RELATION_COLUMNS: [usize; 3] = [FROM, TO, RELATION];

pub(super) fn read(file: &str, source: &str) -> Result<(Topology, ItemLines), TopologyError> {
    let at = |line: usize, message: String| TopologyError::AtLine {
        file: file.to_string(),
        line,
        message,
    };
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .comment(Some(b'#'))
        .flexible(true)
        .trim(Trim::All)
        .from_reader(source.as_bytes());
    let mut topology = Topology::default();
    let mut lines = ItemLines::default();
    // Where each of our columns is in this file, which may order or omit them.
    let mut columns: Option<[Option<usize>; 11]> = None;
    let mut width = 0;
    let mut record = StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(1);
                return Err(at(line, format!("not a CSV row: {e}")));
            }
        }
        let line = record.position().map(|p| p.line() as usize).unwrap_or(1);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let Some(columns) = &columns else {
            columns = Some(header(&record).map_err(|m| at(line, m))?);
            width = record.len();
            continue;
        };
        if record.len() > width {
            return Err(at(
                line,
                format!(
                    "the row has {} fields; the header names {width} columns",
                    record.len()
                ),
            ));
        }
        let row = Row {
            record: &record,
            columns,
        };
        match row.get(RECORD).to_ascii_lowercase().as_str() {
            "node" => {
                topology.nodes.push(row.node().map_err(|m| at(line, m))?);
                lines.nodes.push(line);
            }
            "relation" => {
                topology
                    .relations
                    .push(row.relation().map_err(|m| at(line, m))?);
                lines.relations.push(line);
            }
            other => {
                return Err(at(
                    line,
                    format!("record should be node or relation, not \"{other}\""),
                ))
            }
        }
    }
    if columns.is_none() {
        return Err(TopologyError::invalid(format!(
            "{file} has no header line: {}",
            COLUMNS.join(",")
        )));
    }
    Ok((topology, lines))
}

fn header(record: &StringRecord) -> Result<[Option<usize>; 11], String> {
    let mut columns = [None; 11];
    for (at, name) in record.iter().enumerate() {
        let name = name.to_ascii_lowercase();
        if matches!(name.as_str(), "node" | "relation") && at == 0 {
            return Err(format!(
                "the first line should name the columns: {}",
                COLUMNS.join(",")
            ));
        }
        let Some(column) = COLUMNS.iter().position(|c| *c == name) else {
            return Err(format!(
                "unknown column \"{name}\"; the columns are {}",
                COLUMNS.join(",")
            ));
        };
        if columns[column].replace(at).is_some() {
            return Err(format!("column {name} is named twice"));
        }
    }
    if columns[RECORD].is_none() {
        return Err(format!(
            "the header has no record column; the columns are {}",
            COLUMNS.join(",")
        ));
    }
    Ok(columns)
}

struct Row<'a> {
    record: &'a StringRecord,
    columns: &'a [Option<usize>; 11],
}

impl Row<'_> {
    fn get(&self, column: usize) -> &str {
        let cell = self.columns[column]
            .and_then(|at| self.record.get(at))
            .unwrap_or("");
        unguarded(cell)
    }

    fn must_be_empty(&self, columns: &[usize], record: &str) -> Result<(), String> {
        match columns.iter().find(|&&c| !self.get(c).is_empty()) {
            Some(&c) => Err(format!(
                "a {record} row leaves {} empty (is a column shifted?)",
                COLUMNS[c]
            )),
            None => Ok(()),
        }
    }

    fn node(&self) -> Result<Node, String> {
        self.must_be_empty(&RELATION_COLUMNS, "node")?;
        let id = self.get(ID);
        if id.is_empty() {
            return Err("a node row has no id".into());
        }
        let kind = self.get(KIND);
        if kind.is_empty() {
            return Err(format!("node {id} has no kind; one of {NODE_KINDS}"));
        }
        let kind: NodeKind =
            parse_word(kind).ok_or_else(|| format!("unknown kind {kind}; one of {NODE_KINDS}"))?;
        let name = match self.get(NAME) {
            "" => id,
            name => name,
        };
        let mut node = Node::new(id, name, kind);
        let layer = self.get(LAYER);
        if !layer.is_empty() {
            node.layer = parse_word::<Layer>(layer)
                .ok_or_else(|| format!("unknown layer {layer}; one of saas, paas, iaas"))?;
        }
        node.aliases = split(self.get(ALIASES));
        node.owners = split(self.get(OWNERS));
        node.attributes = attributes(self.get(ATTRIBUTES))?;
        Ok(node)
    }

    fn relation(&self) -> Result<Relation, String> {
        self.must_be_empty(&NODE_COLUMNS, "relation")?;
        let (from, to, kind) = (self.get(FROM), self.get(TO), self.get(RELATION));
        if from.is_empty() || to.is_empty() || kind.is_empty() {
            return Err(format!(
                "a relation row needs from, to and relation (one of {RELATION_KINDS})"
            ));
        }
        let kind: RelationKind = parse_word(kind)
            .ok_or_else(|| format!("unknown relation {kind}; one of {RELATION_KINDS}"))?;
        Ok(Relation::new(from, to, kind))
    }
}

/// A list: entries at each `;` not taken literally by a `\`, unescaped; empty entries
/// are dropped.
fn split(text: &str) -> Vec<String> {
    split_raw(text)
        .iter()
        .map(|part| unescape(part.trim()))
        .filter(|part| !part.is_empty())
        .collect()
}

fn attributes(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut attributes = BTreeMap::new();
    for pair in split_raw(text) {
        let (key, value) = split_pair(&pair)
            .ok_or_else(|| format!("attribute \"{}\" should be written key=value", pair.trim()))?;
        if attributes.insert(key.clone(), value).is_some() {
            return Err(format!("attribute {key} is given twice"));
        }
    }
    Ok(attributes)
}

/// Splits at each `;` not escaped, keeping the escapes, so that an attribute's `=` can
/// still be told from an escaped one.
fn split_raw(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                part.push(c);
                if let Some(next) = chars.next() {
                    part.push(next);
                }
            }
            ';' => parts.push(std::mem::take(&mut part)),
            _ => part.push(c),
        }
    }
    parts.push(part);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// `key=value` at the first `=` not escaped; each side unescaped.
fn split_pair(pair: &str) -> Option<(String, String)> {
    let mut escaped = false;
    let at = pair.char_indices().find_map(|(i, c)| {
        let found = c == '=' && !escaped;
        escaped = c == '\\' && !escaped;
        found.then_some(i)
    })?;
    let key = unescape(pair[..at].trim());
    let value = unescape(pair[at + 1..].trim());
    (!key.is_empty()).then_some((key, value))
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(next @ (';' | '=' | '\\')) => out.push(next),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn escape(text: &str, specials: &[char]) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\\' || specials.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(super) fn write(topology: &Topology) -> String {
    let mut writer = WriterBuilder::new().from_writer(Vec::new());
    let mut rows: Vec<[String; 11]> =
        Vec::with_capacity(topology.nodes.len() + topology.relations.len());
    for node in &topology.nodes {
        let mut row: [String; 11] = Default::default();
        row[RECORD] = "node".into();
        row[ID] = node.id.clone();
        row[NAME] = node.name.clone();
        row[KIND] = word_of(&node.kind);
        if node.layer != node.kind.layer() {
            row[LAYER] = word_of(&node.layer);
        }
        row[ALIASES] = join(&node.aliases);
        row[OWNERS] = join(&node.owners);
        row[ATTRIBUTES] = node
            .attributes
            .iter()
            .map(|(k, v)| format!("{}={}", escape(k, &[';', '=']), escape(v, &[';'])))
            .collect::<Vec<_>>()
            .join(";");
        rows.push(row);
    }
    for relation in &topology.relations {
        let mut row: [String; 11] = Default::default();
        row[RECORD] = "relation".into();
        row[FROM] = relation.from.clone();
        row[TO] = relation.to.clone();
        row[RELATION] = word_of(&relation.kind);
        rows.push(row);
    }
    // Writing to memory cannot fail.
    let _ = writer.write_record(COLUMNS);
    for row in &rows {
        let _ = writer.write_record(row.iter().map(|cell| guarded(cell).into_owned()));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Characters that make a spreadsheet read a cell as a formula. Names come from
/// monitoring systems and other people's files: an exported `=HYPERLINK(...)` must
/// open as text. A `'` before them is the spreadsheets' own way to say "text".
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

fn guarded(cell: &str) -> Cow<'_, str> {
    let risky = match cell.strip_prefix('\'') {
        // A cell that already starts with the mark keeps it through a round trip.
        Some(rest) => rest.starts_with(FORMULA_STARTS) || rest.starts_with('\''),
        None => cell.starts_with(FORMULA_STARTS),
    };
    if risky {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The cell as written before [`guarded`]: one leading `'` before a formula character
/// (or before another `'`) is dropped, whether this console or a spreadsheet put it
/// there.
fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) || rest.starts_with('\'') => rest,
        _ => cell,
    }
}

fn join(list: &[String]) -> String {
    list.iter()
        .map(|item| escape(item, &[';']))
        .collect::<Vec<_>>()
        .join(";")
}
