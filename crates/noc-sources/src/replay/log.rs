//! Reading a recorded alarm log (`Alarm.csv`) and its device links
//! (`topology_edges.csv`), as published with the Huawei PCIC 2021 data sets: every
//! failure names the file and the line, because these files are edited and cut by hand.

use std::collections::BTreeSet;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use noc_model::{Millis, Node, NodeKind, Relation, RelationKind, Topology};
use thiserror::Error;

/// The columns of `Alarm.csv`, in the order the published files have them.
pub const ALARM_COLUMNS: [&str; 4] = ["alarm_id", "device_id", "start_timestamp", "end_timestamp"];
/// The columns of `topology_edges.csv` (undirected links).
pub const LINK_COLUMNS: [&str; 2] = ["device_a", "device_b"];

#[derive(Debug, Error)]
pub enum ReplayError {
    /// The I/O error is part of the message (not a `source`), so a chain of causes
    /// does not print it twice.
    #[error("cannot read {}: {cause}", path.display())]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{} is empty: expected a header line with the columns {expected}", path.display())]
    Empty { path: PathBuf, expected: String },
    #[error("{} line 1: unknown column \"{column}\" (expected the columns {expected})", path.display())]
    UnknownColumn {
        path: PathBuf,
        column: String,
        expected: String,
    },
    #[error("{} line 1: the column \"{column}\" is missing (expected the columns {expected})", path.display())]
    MissingColumn {
        path: PathBuf,
        column: String,
        expected: String,
    },
    #[error("{} line {line}: {reason}", path.display())]
    BadRow {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error("{} has a header but no rows", path.display())]
    NoRows { path: PathBuf },
}

/// One row of `Alarm.csv`: an alarm of one type on one device, in log time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlarmRow {
    /// The alarm type (0..V-1); the data sets name no type, only number them.
    pub alarm_type: u32,
    /// The network element (0..N-1).
    pub device: u32,
    /// Milliseconds from the start of the log.
    pub start_ms: Millis,
    pub end_ms: Millis,
    /// The row's line in the file, for the alarm's text (1 is the header).
    pub line: u64,
}

/// A whole recorded log: the alarm rows in time order and the device links.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayLog {
    pub alarms_file: PathBuf,
    pub rows: Vec<AlarmRow>,
    /// Undirected device links; empty when no topology file was given.
    pub links: Vec<(u32, u32)>,
    pub has_topology: bool,
}

impl ReplayLog {
    /// Reads `alarms` and, if given, `topology`.
    pub fn load(alarms: &Path, topology: Option<&Path>) -> Result<Self, ReplayError> {
        let mut rows = read_alarm_rows(alarms)?;
        // Stable: rows starting together keep the file's order, so a replay is the
        // same every time.
        rows.sort_by_key(|r| r.start_ms);
        let links = match topology {
            Some(path) => read_pairs(path, LINK_COLUMNS)?,
            None => Vec::new(),
        };
        Ok(Self {
            alarms_file: alarms.to_path_buf(),
            rows,
            links,
            has_topology: topology.is_some(),
        })
    }

    /// Every device named by a row or a link, as a network device node, and every
    /// link as a `connects_to` relation. Devices without links are kept so that
    /// their alarms are on known nodes.
    pub fn topology(&self) -> Topology {
        let mut devices: BTreeSet<u32> = self.rows.iter().map(|r| r.device).collect();
        devices.extend(self.links.iter().flat_map(|&(a, b)| [a, b]));
        let nodes = devices
            .into_iter()
            .map(|d| Node::new(device_node(d), format!("NE {d}"), NodeKind::NetworkDevice))
            .collect();
        let relations = self
            .links
            .iter()
            .map(|&(a, b)| Relation::new(device_node(a), device_node(b), RelationKind::ConnectsTo))
            .collect();
        Topology { nodes, relations }
    }

    /// The file name of the alarm log, for health details and alarm texts.
    pub fn file_name(&self) -> String {
        self.alarms_file.file_name().map_or_else(
            || self.alarms_file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}

/// The topology node id of a device.
pub fn device_node(device: u32) -> String {
    format!("ne-{device}")
}

/// Reads a two-column CSV of numbers (`topology_edges.csv`, `causal_edges.csv`) with
/// the given header.
pub fn read_pairs(path: &Path, columns: [&str; 2]) -> Result<Vec<(u32, u32)>, ReplayError> {
    let mut table = Table::open(path, &columns)?;
    let mut pairs = Vec::new();
    while let Some(record) = table.next_record()? {
        let a = record.number::<u32>(0)?;
        let b = record.number::<u32>(1)?;
        pairs.push((a, b));
    }
    Ok(pairs)
}

fn read_alarm_rows(path: &Path) -> Result<Vec<AlarmRow>, ReplayError> {
    let mut table = Table::open(path, &ALARM_COLUMNS)?;
    let mut rows = Vec::new();
    while let Some(record) = table.next_record()? {
        let start_ms = record.seconds(2)?;
        let end_ms = record.seconds(3)?;
        if end_ms < start_ms {
            return Err(record.bad("end_timestamp is before start_timestamp".into()));
        }
        rows.push(AlarmRow {
            alarm_type: record.number(0)?,
            device: record.number(1)?,
            start_ms,
            end_ms,
            line: record.line,
        });
    }
    if rows.is_empty() {
        return Err(ReplayError::NoRows {
            path: path.to_path_buf(),
        });
    }
    Ok(rows)
}

/// A CSV file whose header must hold exactly the expected columns (in any order).
struct Table {
    path: PathBuf,
    /// Over the whole file in memory: the csv crate's own line count skips blank
    /// lines, so lines are counted here from byte offsets.
    reader: csv::Reader<Cursor<Vec<u8>>>,
    /// The line at `counted_to`, advanced record by record.
    counted_to: usize,
    counted_line: u64,
    /// For each expected column, its position in the file.
    positions: Vec<usize>,
    names: Vec<String>,
    record: csv::StringRecord,
}

impl Table {
    fn open(path: &Path, columns: &[&str]) -> Result<Self, ReplayError> {
        let bytes = std::fs::read(path).map_err(|cause| ReplayError::Read {
            path: path.to_path_buf(),
            cause,
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(Cursor::new(bytes));
        let expected = columns.join(",");
        let header = reader
            .headers()
            .map_err(|err| csv_failure(path, &err, &[]))?
            .clone();
        if header.iter().all(str::is_empty) {
            return Err(ReplayError::Empty {
                path: path.to_path_buf(),
                expected,
            });
        }
        if let Some(column) = header.iter().find(|c| !columns.contains(c)) {
            return Err(ReplayError::UnknownColumn {
                path: path.to_path_buf(),
                column: column.to_string(),
                expected,
            });
        }
        let positions = columns
            .iter()
            .map(|column| {
                header
                    .iter()
                    .position(|c| c == *column)
                    .ok_or_else(|| ReplayError::MissingColumn {
                        path: path.to_path_buf(),
                        column: (*column).to_string(),
                        expected: expected.clone(),
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            path: path.to_path_buf(),
            reader,
            counted_to: 0,
            counted_line: 1,
            positions,
            names: columns.iter().map(|c| (*c).to_string()).collect(),
            record: csv::StringRecord::new(),
        })
    }

    fn next_record(&mut self) -> Result<Option<Record<'_>>, ReplayError> {
        loop {
            let more = self
                .reader
                .read_record(&mut self.record)
                .map_err(|err| csv_failure(&self.path, &err, self.reader.get_ref().get_ref()))?;
            if !more {
                return Ok(None);
            }
            // A blank line (often the last one) is no row.
            if self.record.iter().all(str::is_empty) {
                continue;
            }
            let line = self.line_at(self.record.position().map_or(0, |p| p.byte()));
            return Ok(Some(Record {
                path: &self.path,
                fields: &self.record,
                positions: &self.positions,
                names: &self.names,
                line,
            }));
        }
    }
}

impl Table {
    fn line_at(&mut self, byte: u64) -> u64 {
        let data = self.reader.get_ref().get_ref();
        // A record's position is where the previous one ended: skip the blank lines
        // the reader passed over to reach it.
        let mut byte = (byte as usize).min(data.len());
        while data.get(byte).is_some_and(|b| matches!(b, b'\n' | b'\r')) {
            byte += 1;
        }
        if byte < self.counted_to {
            return line_at(data, byte);
        }
        self.counted_line += newlines(&data[self.counted_to..byte]);
        self.counted_to = byte;
        self.counted_line
    }
}

fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

fn line_at(data: &[u8], byte: usize) -> u64 {
    1 + newlines(&data[..byte.min(data.len())])
}

/// One data row, read by expected column.
struct Record<'a> {
    path: &'a Path,
    fields: &'a csv::StringRecord,
    positions: &'a [usize],
    names: &'a [String],
    line: u64,
}

impl Record<'_> {
    fn text(&self, column: usize) -> &str {
        self.fields.get(self.positions[column]).unwrap_or("")
    }

    fn header_name(&self, column: usize) -> &str {
        &self.names[column]
    }

    fn number<T: FromStr>(&self, column: usize) -> Result<T, ReplayError> {
        let text = self.text(column);
        text.parse().map_err(|_| {
            self.bad(format!(
                "{} must be a whole number of at least 0, not \"{text}\"",
                self.header_name(column)
            ))
        })
    }

    /// Seconds from the start of the log (whole or not) as milliseconds.
    fn seconds(&self, column: usize) -> Result<Millis, ReplayError> {
        let text = self.text(column);
        match text.parse::<f64>() {
            Ok(secs) if secs.is_finite() && (0.0..1e12).contains(&secs) => {
                Ok((secs * 1000.0).round() as Millis)
            }
            _ => Err(self.bad(format!(
                "{} must be seconds from the start of the log (a number of at least 0), not \"{text}\"",
                self.header_name(column)
            ))),
        }
    }

    fn bad(&self, reason: String) -> ReplayError {
        ReplayError::BadRow {
            path: self.path.to_path_buf(),
            line: self.line,
            reason,
        }
    }
}

/// A CSV-level failure (wrong number of fields, invalid UTF-8, I/O) with its line.
fn csv_failure(path: &Path, err: &csv::Error, data: &[u8]) -> ReplayError {
    let line = err
        .position()
        .map_or(1, |p| line_at(data, p.byte() as usize));
    let reason = match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".to_string(),
        csv::ErrorKind::Io(io) => {
            return ReplayError::Read {
                path: path.to_path_buf(),
                cause: std::io::Error::new(io.kind(), io.to_string()),
            }
        }
        _ => err.to_string(),
    };
    ReplayError::BadRow {
        path: path.to_path_buf(),
        line,
        reason,
    }
}
