//! The event log of the NOC console in SQLite, with its projections and snapshots.
//!
//! One writer task owns the only write connection and the canonical live [`State`];
//! every write is one `BEGIN IMMEDIATE` transaction that appends events and updates
//! the projection tables (and now and then a snapshot) together. Queries go through a
//! pool of read-only connections, which WAL lets run alongside the writer.

pub mod accounts;
mod error;
pub mod probe_history;
pub mod recording;
mod replay;
mod store;
mod tables;
mod writer;

pub use accounts::{AccountRecords, AuditEntry, AuditQuery};
pub use error::StoreError;
pub use probe_history::ProbeHistory;
pub use store::{Store, StoreConfig};
pub use tables::ProjectionRows;

#[cfg(doc)]
use noc_model::State;
