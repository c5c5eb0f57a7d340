//! Recordings for the offline review (复盘): one portable file holding a drill or a
//! range of the production log, with the reviewers' annotations.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Millis, Seq};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordingKind {
    Drill,
    Production,
}

/// What a recording holds, as its file says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct RecordingInfo {
    /// The file's name in the hub's recordings folder, without `.nocrec`.
    pub id: String,
    pub title: String,
    pub kind: RecordingKind,
    /// The recorded time range: the board at `from_at` is where the replay starts.
    #[ts(type = "number")]
    pub from_at: Millis,
    #[ts(type = "number")]
    pub to_at: Millis,
    /// The log's seqs in the recording (the original seqs, kept).
    #[ts(type = "number")]
    pub first_seq: Seq,
    #[ts(type = "number")]
    pub last_seq: Seq,
    #[ts(type = "number")]
    pub events: u64,
    #[ts(type = "number")]
    pub created_at: Millis,
    pub created_by: String,
    /// The version of the console that wrote it.
    pub written_by: String,
    /// The scenario's name for a drill.
    pub scenario: Option<String>,
    pub annotations: u32,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// A reviewer's note on a moment of the recording, saved into the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Annotation {
    #[ts(type = "number")]
    pub id: i64,
    /// The moment of the recording it is about.
    #[ts(type = "number")]
    pub at: Millis,
    pub by: String,
    #[ts(type = "number")]
    pub written_at: Millis,
    pub text: String,
}
