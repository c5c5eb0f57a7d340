//! Reading a scenario file (TOML) and checking it makes sense before a drill runs it.

use noc_model::{Fault, Scenario};
use serde::Deserialize;
use thiserror::Error;

/// What is wrong with a scenario file, in words the person who wrote it can act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScenarioError {
    /// The file is not valid TOML, or a value has the wrong shape.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// The file could not be read as a scenario, and the parser did not say where.
    #[error("the scenario file cannot be read: {message}")]
    Format { message: String },
    /// The file reads, but one of its values cannot be right.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

impl ScenarioError {
    /// The line (from 1) the problem is on, when it is one of the file's lines.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Syntax { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The field the problem is in (`faults[1].clear_at_secs`), when it is a value's.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Reads a scenario file and checks it; its faults come back in time order (their
/// index in the drill's log is their place in that order).
pub fn parse_scenario(text: &str) -> Result<Scenario, ScenarioError> {
    let mut scenario: Scenario = toml::from_str(text).map_err(|e| syntax_error(text, &e))?;
    check_fault_fields(text)?;
    // Checked in the file's order, so a fault's index in an error is its place there.
    validate(&scenario)?;
    scenario.faults.sort_by_key(|f| f.at_secs);
    Ok(scenario)
}

/// The faults' own fields, as they appear in the file with where each table starts.
#[derive(Deserialize)]
struct FaultTables {
    #[serde(default)]
    faults: Vec<toml::Spanned<toml::Table>>,
}

/// A fault's fields depend on its kind, which serde reads without refusing the ones
/// it does not know: a misspelt `detial` would silently be an empty detail.
fn check_fault_fields(text: &str) -> Result<(), ScenarioError> {
    let tables: FaultTables = toml::from_str(text).map_err(|e| syntax_error(text, &e))?;
    for (i, table) in tables.faults.iter().enumerate() {
        let kind = table
            .get_ref()
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or("");
        let known: &[&str] = match kind {
            "alarm" => &["node", "severity", "title", "text", "source"],
            "probe_failure" => &["probe", "node", "detail"],
            "source_outage" => &["source", "detail"],
            _ => continue,
        };
        let common = ["at_secs", "clear_at_secs", "kind"];
        let unknown = table
            .get_ref()
            .keys()
            .find(|k| !known.contains(&k.as_str()) && !common.contains(&k.as_str()));
        if let Some(field) = unknown {
            let (line, column) = line_column(text, table.span().start);
            let mut expected: Vec<&str> = common.to_vec();
            expected.extend(known);
            return Err(ScenarioError::Syntax {
                line,
                column,
                message: format!(
                    "faults[{i}] ({kind}) has an unknown field `{field}`; a {kind} fault has: {}",
                    expected.join(", ")
                ),
            });
        }
    }
    Ok(())
}

fn syntax_error(text: &str, error: &toml::de::Error) -> ScenarioError {
    // One line: the parser's message may come in several.
    let message = error
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    match error.span() {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            ScenarioError::Syntax {
                line,
                column,
                message,
            }
        }
        None => ScenarioError::Format { message },
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Checks a scenario (from a file or built in) can be run and scored.
pub fn validate(scenario: &Scenario) -> Result<(), ScenarioError> {
    validate_name(&scenario.name)?;
    if scenario.title.trim().is_empty() {
        return Err(ScenarioError::invalid(
            "title",
            "the scenario needs a title",
        ));
    }
    if scenario.faults.is_empty() {
        return Err(ScenarioError::invalid(
            "faults",
            "the scenario injects no fault: add at least one [[faults]] entry",
        ));
    }
    for (i, fault) in scenario.faults.iter().enumerate() {
        validate_fault(i, fault)?;
    }
    if scenario.expect.root_cause.node.trim().is_empty() {
        return Err(ScenarioError::invalid(
            "expect.root_cause.node",
            "name the topology node the fault is really on",
        ));
    }
    validate_steps(scenario)
}

fn validate_name(name: &str) -> Result<(), ScenarioError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if name.is_empty() || name.len() > 64 || !name.chars().all(allowed) {
        return Err(ScenarioError::invalid(
            "name",
            format!("\"{name}\" is not a usable name: use 1 to 64 letters, digits, '-' or '_'"),
        ));
    }
    Ok(())
}

fn validate_fault(i: usize, fault: &noc_model::InjectedFault) -> Result<(), ScenarioError> {
    let field = |name: &str| format!("faults[{i}].{name}");
    if let Some(clear) = fault.clear_at_secs {
        if clear <= fault.at_secs {
            return Err(ScenarioError::invalid(
                field("clear_at_secs"),
                format!(
                    "the fault clears at {clear} s, which is not after it starts ({} s)",
                    fault.at_secs
                ),
            ));
        }
    }
    let empty = match &fault.fault {
        Fault::Alarm { node, title, .. } => blank(
            node,
            field("node"),
            "an alarm fault needs the node it is raised on",
        )
        .or_else(|| blank(title, field("title"), "an alarm fault needs a title")),
        Fault::ProbeFailure { probe, .. } => {
            blank(probe, field("probe"), "name the probe that fails")
        }
        Fault::SourceOutage { source, .. } => blank(
            source,
            field("source"),
            "name the source that stops answering",
        ),
    };
    empty.map_or(Ok(()), Err)
}

fn blank(value: &str, field: String, message: &str) -> Option<ScenarioError> {
    value
        .trim()
        .is_empty()
        .then(|| ScenarioError::invalid(field, message))
}

fn validate_steps(scenario: &Scenario) -> Result<(), ScenarioError> {
    let steps = &scenario.expect.steps;
    for (i, step) in steps.iter().enumerate() {
        let field = |name: &str| format!("expect.steps[{i}].{name}");
        if step.id.trim().is_empty() {
            return Err(ScenarioError::invalid(
                field("id"),
                "every step needs an id",
            ));
        }
        if step.title.trim().is_empty() {
            return Err(ScenarioError::invalid(
                field("title"),
                format!("step \"{}\" needs a title", step.id),
            ));
        }
        if steps[..i].iter().any(|s| s.id == step.id) {
            return Err(ScenarioError::invalid(
                field("id"),
                format!(
                    "the step id \"{}\" is used twice: step ids must be unique",
                    step.id
                ),
            ));
        }
    }
    Ok(())
}
