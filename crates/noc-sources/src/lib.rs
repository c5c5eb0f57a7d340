//! Monitoring sources: each module turns one kind of source into [`noc_model::Signal`]s
//! and reports its own health.

pub mod alertmanager;
mod clock;
pub mod demo;
mod discovery;
#[cfg(test)]
mod fake_endpoint;
mod polling;
pub mod probe;
pub mod prometheus;
pub mod replay;
mod source;
pub mod webhook;
pub mod zabbix;

pub use clock::SystemClock;
pub use discovery::origin as topology_origin;
pub use polling::PollConfig;
pub use source::{
    check, expected_interval, poll_config, spawn, validate, CheckOutcome, Secret, SourceContext,
    SourceError,
};
