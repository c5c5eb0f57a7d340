//! The application facade: one function per use case, called by every transport
//! (the axum hub, the desktop shell) and nothing below it.
//!
//! All changes go through one ingest loop: source signals and operator commands are
//! decided by the engine, committed by the store, then published to subscribers. One
//! loop means one order of events, which is what makes the log replayable.

mod access;
pub mod accounts;
mod conflict;
mod console;
mod drill;
mod duty;
mod error;
mod follow;
mod ingest;
mod liveness;
mod notices;
mod presence;
mod probes;
mod reports;
pub mod review;
mod shift;
mod silences;
mod source_ack;
mod sources;
mod stats;
mod topology;

pub use access::{Caller, Credential};
pub use accounts::Accounts;
pub use console::{Console, EventPage, HubInfo, HubSettings};
pub use drill::{DrillEnd, DrillView, Drills, DRILL_ACTOR, DRILL_CONSOLE_PATH};
pub use duty::{
    AckWriteBack, BulkAction, BulkError, BulkOutcome, BulkRequest, BulkResult, MaintenanceRequest,
    SourceCapability, WriteBackSettings, DEFAULT_WRITE_BACK_SILENCE_MINUTES, MAX_BULK_INCIDENTS,
};
pub use error::ApiError;
pub use follow::{Follow, StreamItem};
pub use noc_report::DutyStats;
pub use noc_topology::import::{Format as TopologyFormat, MAX_IMPORT_BYTES};
pub use notices::{DraftRequest, NoticeReceipt, SendRequest, MAX_NOTICE_FIELD_CHARS};
pub use presence::{
    OperatorPresence, Presence, Seat, Whereabouts, MAX_SCREEN_CHARS, PRESENCE_COALESCE,
};
pub use probes::{ProbeView, Probes};
pub use reports::report_error;
pub use review::{DamagedFile, Library, RecordingList, ReviewFrame, ReviewTimeline};
pub use shift::{
    AcceptRequest, DutyView, LogRequest, OverrideRequest, PatrolRequest, Recorded, SignRequest,
    SwapRequest, UPCOMING_SLOTS,
};
pub use silences::{SilenceRequest, MAX_SILENCE_MINUTES};
pub use sources::{env_secret, EnvSecrets, SecretStore, SourceRequest, SourceView, NO_KEYRING};
pub use stats::Statistics;
pub use topology::{Committed, ImportSummary, TopologyAt, TopologyFile, LAYOUT_ACTOR};
