//! Incident status notices (通报): the first notice when a major incident is
//! confirmed (首报), progress notices before each update deadline (续报), and the
//! final notice on recovery (终报). The hub drafts one from the incident, the
//! operator corrects it, and the hub renders it in Chinese and English and sends it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{IncidentId, Millis};

/// Which of the fixed moments a notice marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// 首报: the incident is confirmed.
    Initial,
    /// 续报: progress, at least once per update deadline.
    Update,
    /// 终报: recovered; no further update is promised.
    Final,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Initial => "initial",
            NoticeKind::Update => "update",
            NoticeKind::Final => "final",
        }
    }
}

/// A language a notice is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeLanguage {
    Zh,
    En,
}

/// The editable content of a notice: drafted by the hub, corrected by the operator.
/// The incident's facts (severity, start time, the 1-5-10 clocks) are not part of
/// it: the hub renders them from the incident itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct NoticeDraft {
    #[ts(type = "number")]
    pub incident: IncidentId,
    pub kind: NoticeKind,
    /// 事件: what happened, where.
    pub what: String,
    /// 影响: the business systems and services affected.
    pub impact: String,
    /// 处置: what has been found and done.
    pub actions: String,
    /// 下次更新: when the next notice is due; `null` for a final notice.
    #[ts(type = "number | null")]
    pub next_update_at: Option<Millis>,
    /// Channel names: in a draft, every configured channel.
    pub channels: Vec<String>,
    /// The offset from UTC the notice's times are written in (480 for China
    /// Standard Time). The console drafts with its workstation's offset.
    #[serde(default)]
    pub utc_offset_minutes: i32,
}

/// One notice rendered in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct NoticeTexts {
    pub zh: String,
    pub en: String,
}

/// What one channel did with a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct NoticeDelivery {
    pub channel: String,
    pub ok: bool,
    /// Why it failed, in words; never the channel's URL or secret.
    pub error: Option<String>,
}
