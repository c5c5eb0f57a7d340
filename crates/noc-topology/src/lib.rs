//! The topology as a graph. One model serves the engine's correlation (which node
//! depends on which), the impact analysis shown to operators, imports and exports of
//! the documented file formats, and the layouts stored for the two views.

pub mod graph;
pub mod impact;
pub mod import;
pub mod layout;
pub mod validate;

pub use graph::{DependencyGraph, Path};

/// Why a topology (a file, an edit) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopologyError {
    /// A problem at a place in a file: `line` is 1-based.
    #[error("{file} line {line}: {message}")]
    AtLine {
        file: String,
        line: usize,
        message: String,
    },
    /// A problem with the topology as a whole, or one not tied to a line.
    #[error("{0}")]
    Invalid(String),
}

impl TopologyError {
    pub fn invalid(message: impl Into<String>) -> Self {
        TopologyError::Invalid(message.into())
    }
}
