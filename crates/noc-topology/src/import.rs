//! Topology files: the estate as operators write it down, in YAML, JSON or CSV
//! (docs/topology-files.md), read into a checked [`Topology`] and written back out.
//!
//! Every problem is reported with the file's name and the line of the item at fault,
//! because the operator fixing a file of thousands of nodes needs to know where to look.

mod document;
mod json;
mod lines;
mod table;
mod text;
mod yaml;

use noc_model::Topology;

use crate::TopologyError;

/// The largest file an import accepts. The hub holds the whole topology in memory and
/// in one event; an estate bigger than this is better imported site by site.
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

/// The file formats of a topology.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Yaml,
    Json,
    Csv,
}

impl Format {
    /// The format a file's name announces by its extension (`.yaml`, `.yml`, `.json`,
    /// `.csv`, in any case).
    pub fn from_name(file_name: &str) -> Option<Format> {
        let (_, extension) = file_name.rsplit_once('.')?;
        Format::parse_word(extension)
    }

    /// The format named by a word such as a query parameter: `yaml` (or `yml`), `json`,
    /// `csv`, in any case.
    pub fn parse_word(word: &str) -> Option<Format> {
        match word.trim().to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Yaml => "application/yaml",
            Format::Json => "application/json",
            Format::Csv => "text/csv",
        }
    }

    /// The extension of an exported file, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// Reads a topology file and checks it (see [`crate::validate`]). `file` is the name
/// used in messages: "estate.yaml line 12: relation depends_on from svc-pay names
/// unknown node db-9". Relations may name a node by an alias; they come back naming
/// its id. Origins in the file are ignored (the import gives its own); positions, when
/// present, are kept for nodes that have none yet.
pub fn parse(file: &str, format: Format, bytes: &[u8]) -> Result<Topology, TopologyError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(TopologyError::invalid(format!(
            "{file} is {}; an import may be at most {} MB — split it by site",
            megabytes(bytes.len()),
            MAX_IMPORT_BYTES / MEGABYTE
        )));
    }
    let source = text::decode(file, bytes)?;
    if source.trim().is_empty() {
        return Err(TopologyError::invalid(format!(
            "{file} is empty: a topology file lists nodes and relations \
             (see docs/topology-files.md)"
        )));
    }
    let (mut topology, at) = match format {
        Format::Yaml => document::read(file, &yaml::tree(file, source)?)?,
        Format::Json => document::read(file, &json::tree(file, source)?)?,
        Format::Csv => table::read(file, source)?,
    };
    lines::resolve_aliases(&mut topology);
    at.check(file, &topology)?;
    Ok(topology)
}

/// Writes a topology in a format, deterministically: nodes and relations in the
/// topology's order, fields in a fixed order. Origins and positions are not part of a
/// file; `parse` of the result gives back everything else.
pub fn export(topology: &Topology, format: Format) -> String {
    match format {
        Format::Yaml => yaml::write(topology),
        Format::Json => json::write(topology),
        Format::Csv => table::write(topology),
    }
}

const MEGABYTE: usize = 1024 * 1024;

fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / MEGABYTE as f64)
}
