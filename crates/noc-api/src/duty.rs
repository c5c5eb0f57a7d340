//! The duty loop's use cases: an incident's milestones (acknowledge, identify,
//! mitigate, resolve, review), escalation, merge and split, actions on many incidents
//! at once, the unseen queue, maintenance windows, and what each kind of source lets
//! the console do in it.
//!
//! Every operator action is a [`Command`] checked by the engine and logged with who
//! did it; this module only shapes requests and answers.

use noc_model::{
    Alarm, AlarmId, AlarmStatus, Command, DutyPolicy, EventBody, Incident, IncidentId, Layer,
    MaintenanceWindow, Matcher, Millis, Recurrence, SourceSettings,
};
use serde::{Deserialize, Serialize};

use crate::silences::MAX_SILENCE_MINUTES;
use crate::{ApiError, Console, SilenceRequest};

/// One bulk request acts on at most this many incidents: a whole storm's board,
/// while one request stays one short commit.
pub const MAX_BULK_INCIDENTS: usize = 1000;
/// Two hours: long enough to work the incident, short enough that a forgotten
/// silence does not hide the next fault.
pub const DEFAULT_WRITE_BACK_SILENCE_MINUTES: u32 = 120;

/// How an acknowledgement reaches the alarms' source systems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteBackSettings {
    /// How long the silence lasts that stands for an acknowledgement in Alertmanager.
    pub silence_minutes: u32,
}

impl Default for WriteBackSettings {
    fn default() -> Self {
        Self {
            silence_minutes: DEFAULT_WRITE_BACK_SILENCE_MINUTES,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    Acknowledge,
    Resolve,
    /// Needs `text`: the reason.
    Escalate,
    /// Needs `text`.
    Comment,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct BulkRequest {
    pub action: BulkAction,
    /// In the order the results come back; 1 to 1000.
    #[schema(value_type = Vec<i64>)]
    pub incidents: Vec<IncidentId>,
    /// The comment, or the reason to escalate.
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BulkError {
    pub code: String,
    pub message: String,
    /// Who got there first, when another operator's action collided with this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// What became of one incident of a bulk request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BulkResult {
    #[schema(value_type = i64)]
    pub incident: IncidentId,
    pub ok: bool,
    pub error: Option<BulkError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BulkOutcome {
    pub results: Vec<BulkResult>,
}

/// A maintenance window as a planner submits it: the hub fills in who planned it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct MaintenanceRequest {
    /// Blank: the hub picks one.
    #[serde(default)]
    pub id: String,
    pub title: String,
    #[schema(value_type = i64)]
    pub starts_at: Millis,
    #[schema(value_type = i64)]
    pub ends_at: Millis,
    pub recurrence: Recurrence,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub until: Option<Millis>,
    #[serde(default)]
    pub matchers: Vec<Matcher>,
    #[serde(default)]
    pub nodes: Vec<String>,
}

/// How acknowledging an incident reaches a kind of source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AckWriteBack {
    /// The source's own acknowledgement (Zabbix `event.acknowledge`).
    Native,
    /// A silence standing for the acknowledgement (Alertmanager).
    Silence,
    None,
}

/// What the console can do in one kind of source system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SourceCapability {
    pub kind: String,
    pub acknowledge: AckWriteBack,
    /// What was written is read back before the console records it.
    pub confirms: bool,
    /// Silences can be created and expired from the console.
    pub silence: bool,
    pub detail: String,
}

impl Console {
    /// Claims the incident for `actor`; with `write_back`, also tells the sources of
    /// its active alarms, in the background: their answers (confirmed or failed, with
    /// why) land on the incident's timeline and never undo the acknowledgement.
    pub async fn acknowledge_incident(
        &self,
        incident: IncidentId,
        actor: &str,
        write_back: bool,
    ) -> Result<Incident, ApiError> {
        let acknowledged = self.acknowledge(incident, actor).await?;
        if write_back {
            let console = self.clone();
            let (target, actor) = (acknowledged.clone(), actor.to_string());
            tokio::spawn(async move { console.write_back(&target, &actor).await });
        }
        Ok(acknowledged)
    }

    /// 定界: the cause, and the layer and root node when the operator knows them.
    pub async fn identify(
        &self,
        incident: IncidentId,
        actor: &str,
        cause: &str,
        layer: Option<Layer>,
        root_node: Option<String>,
    ) -> Result<Incident, ApiError> {
        let root_node = root_node
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        let command = Command::Identify {
            incident,
            cause: cause.to_string(),
            layer,
            root_node,
        };
        self.incident_command(command, actor).await
    }

    /// 止损: service restored; `note` says how (may be empty).
    pub async fn mitigate(
        &self,
        incident: IncidentId,
        actor: &str,
        note: &str,
    ) -> Result<Incident, ApiError> {
        let command = Command::Mitigate {
            incident,
            note: note.to_string(),
        };
        self.incident_command(command, actor).await
    }

    pub async fn resolve(&self, incident: IncidentId, actor: &str) -> Result<Incident, ApiError> {
        self.incident_command(Command::Resolve { incident }, actor)
            .await
    }

    /// 复盘: the summary of a resolved incident.
    pub async fn review(
        &self,
        incident: IncidentId,
        actor: &str,
        summary: &str,
    ) -> Result<Incident, ApiError> {
        let command = Command::Review {
            incident,
            summary: summary.to_string(),
        };
        self.incident_command(command, actor).await
    }

    pub async fn escalate(
        &self,
        incident: IncidentId,
        actor: &str,
        reason: &str,
    ) -> Result<Incident, ApiError> {
        let command = Command::Escalate {
            incident,
            reason: reason.to_string(),
        };
        self.incident_command(command, actor).await
    }

    /// Moves the alarms of `from` into `incident`; the incident that remains.
    pub async fn merge(
        &self,
        incident: IncidentId,
        actor: &str,
        from: Vec<IncidentId>,
    ) -> Result<Incident, ApiError> {
        self.incident_command(Command::Merge { incident, from }, actor)
            .await
    }

    /// Moves `alarms` out of `incident`; the new incident they form.
    pub async fn split(
        &self,
        incident: IncidentId,
        actor: &str,
        alarms: Vec<AlarmId>,
    ) -> Result<Incident, ApiError> {
        self.incident_command(Command::Split { incident, alarms }, actor)
            .await
    }

    /// One action on many incidents. Each is decided on its own, in the order given
    /// (a refusal stops nothing), and all of them share one commit.
    pub async fn bulk(&self, request: BulkRequest, actor: &str) -> Result<BulkOutcome, ApiError> {
        if request.incidents.is_empty() || request.incidents.len() > MAX_BULK_INCIDENTS {
            return Err(ApiError::invalid(format!(
                "a bulk action names 1 to {MAX_BULK_INCIDENTS} incidents, not {}",
                request.incidents.len()
            )));
        }
        let text = bulk_text(&request)?;
        let mut pending = Vec::with_capacity(request.incidents.len());
        for &incident in &request.incidents {
            let command = bulk_command(request.action, incident, &text);
            pending.push((incident, self.submit(command, actor).await?));
        }
        let mut results = Vec::with_capacity(pending.len());
        for (incident, answer) in pending {
            let error = answer.await.err().map(|e| BulkError {
                code: e.code.to_string(),
                message: e.message,
                by: e.by,
            });
            results.push(BulkResult {
                incident,
                ok: error.is_none(),
                error,
            });
        }
        Ok(BulkOutcome { results })
    }

    /// Takes alarms out of the unseen queue; how many were still in it.
    pub async fn mark_seen(&self, alarms: Vec<AlarmId>, actor: &str) -> Result<usize, ApiError> {
        let outcome = self
            .command_outcome(Command::MarkSeen { alarms }, actor)
            .await?;
        Ok(outcome
            .events
            .iter()
            .map(|e| match e {
                EventBody::AlarmsSeen { alarms } => alarms.len(),
                _ => 0,
            })
            .sum())
    }

    pub async fn maintenance(&self) -> Vec<MaintenanceWindow> {
        self.snapshot().await.maintenance
    }

    /// Plans a window; `actor` is recorded as its planner.
    pub async fn schedule_maintenance(
        &self,
        request: MaintenanceRequest,
        actor: &str,
    ) -> Result<MaintenanceWindow, ApiError> {
        let known = self.maintenance().await;
        let id = match request.id.trim() {
            "" => self.fresh_maintenance_id(&known),
            given if known.iter().any(|w| w.id == given) => {
                return Err(ApiError::new(
                    409,
                    "maintenance_exists",
                    format!("a maintenance window with id \"{given}\" already exists; cancel it first or pick another id"),
                ))
            }
            given => given.to_string(),
        };
        let window = MaintenanceWindow {
            id,
            title: request.title.trim().to_string(),
            starts_at: request.starts_at,
            ends_at: request.ends_at,
            recurrence: request.recurrence,
            until: request.until,
            matchers: request.matchers,
            nodes: request.nodes,
            created_by: actor.to_string(),
        };
        if let Err(why) = window.validate() {
            return Err(ApiError::invalid(why));
        }
        let command = Command::ScheduleMaintenance {
            window: window.clone(),
        };
        self.command(command, actor).await?;
        Ok(window)
    }

    pub async fn cancel_maintenance(&self, id: &str, actor: &str) -> Result<(), ApiError> {
        let command = Command::CancelMaintenance { id: id.to_string() };
        self.command(command, actor).await?;
        Ok(())
    }

    /// The duty rules this hub runs with (from `noc.toml`'s `[duty]`).
    pub fn policy(&self) -> DutyPolicy {
        (*self.policy).clone()
    }

    /// Every kind of source the console reads, and what it can do there.
    pub fn capabilities(&self) -> Vec<SourceCapability> {
        let minutes = self.write_back.silence_minutes;
        let none = |kind: &str, detail: &str| SourceCapability {
            kind: kind.to_string(),
            acknowledge: AckWriteBack::None,
            confirms: false,
            silence: false,
            detail: detail.to_string(),
        };
        let probe = "The hub runs this probe itself: its alarms exist only in the console, \
                     so acknowledging on the board is all there is.";
        vec![
            SourceCapability {
                kind: "alertmanager".into(),
                acknowledge: AckWriteBack::Silence,
                confirms: true,
                silence: true,
                detail: format!(
                    "Alertmanager has no acknowledgement: acknowledging with write-back creates \
                     a silence matching each alarm's labels for {minutes} minutes, by the \
                     operator and naming the incident, read back before it is recorded. \
                     Silences can also be created and expired from the console."
                ),
            },
            SourceCapability {
                kind: "zabbix".into(),
                acknowledge: AckWriteBack::Native,
                confirms: true,
                silence: false,
                detail: "Acknowledging with write-back acknowledges each problem in Zabbix \
                         (event.acknowledge) with the operator's name and the incident, read \
                         back before it is recorded."
                    .into(),
            },
            none(
                "prometheus",
                "Prometheus only evaluates rules: its alerts cannot be acknowledged there. \
                 Silence them in the Alertmanager they are sent to.",
            ),
            none(
                "webhook",
                "A pushed alert carries no way back to its sender: the hub knows only what was \
                 posted, so there is nothing to write to.",
            ),
            none("http_probe", probe),
            none("tcp_probe", probe),
            none("dns_probe", probe),
            none("icmp_probe", probe),
            none(
                "blackbox_probe",
                "A blackbox exporter runs the probe but keeps no alert state: the alarm exists \
                 only in the console.",
            ),
            none(
                "replay",
                "A recorded alarm log played back: there is no live system behind it to \
                 write to.",
            ),
            none(
                "demo",
                "Simulated data: there is no system behind it to write to.",
            ),
        ]
    }

    fn fresh_maintenance_id(&self, known: &[MaintenanceWindow]) -> String {
        let base = format!("mw-{}", self.clock.now());
        (1..)
            .map(|n| match n {
                1 => base.clone(),
                n => format!("{base}-{n}"),
            })
            .find(|id| known.iter().all(|w| &w.id != id))
            .unwrap_or(base)
    }

    /// Tells the source of every active alarm of `incident` that the NOC has it.
    async fn write_back(&self, incident: &Incident, actor: &str) {
        let message = format!("acknowledged in the NOC console, incident {}", incident.id);
        for alarm in self.active_members(incident).await {
            let Some(kind) = self.write_back_kind(&alarm).await else {
                continue;
            };
            let written = match kind {
                AckWriteBack::Native => self.acknowledge_at_source(alarm.id, &message, actor).await,
                AckWriteBack::Silence => self.silence_for_ack(&alarm, &message, actor).await,
                AckWriteBack::None => continue,
            };
            if let Err(err) = written {
                self.record_write_back_failure(incident.id, &alarm, &err, actor)
                    .await;
            }
        }
    }

    async fn active_members(&self, incident: &Incident) -> Vec<Alarm> {
        self.snapshot()
            .await
            .alarms
            .into_iter()
            .filter(|a| {
                a.incident == Some(incident.id)
                    && a.status == AlarmStatus::Active
                    && incident.alarms.contains(&a.id)
            })
            .collect()
    }

    /// How the alarm's source takes an acknowledgement; `None` for alarms of no
    /// defined source (demo, webhooks) and of kinds that cannot take one.
    async fn write_back_kind(&self, alarm: &Alarm) -> Option<AckWriteBack> {
        let view = self.source(&alarm.source).await.ok()?;
        match view.definition.settings {
            SourceSettings::Zabbix { .. } => Some(AckWriteBack::Native),
            SourceSettings::Alertmanager { .. } => Some(AckWriteBack::Silence),
            _ => None,
        }
    }

    async fn silence_for_ack(
        &self,
        alarm: &Alarm,
        message: &str,
        actor: &str,
    ) -> Result<(), ApiError> {
        let request = SilenceRequest {
            matchers: Vec::new(),
            duration_minutes: self
                .write_back
                .silence_minutes
                .clamp(1, MAX_SILENCE_MINUTES),
            comment: message.to_string(),
            alarm: Some(alarm.id),
        };
        self.create_silence(&alarm.source, request, actor)
            .await
            .map(|_| ())
    }

    async fn record_write_back_failure(
        &self,
        incident: IncidentId,
        alarm: &Alarm,
        err: &ApiError,
        actor: &str,
    ) {
        tracing::warn!(incident, alarm = alarm.id, source = %alarm.source, error = %err, "acknowledgement not written back");
        let body = EventBody::WriteBackFailed {
            incident,
            alarm: alarm.id,
            source: alarm.source.clone(),
            reason: err.message.clone(),
        };
        if let Err(err) = self.record(body, actor).await {
            tracing::error!(incident, error = %err, "could not record a failed write-back");
        }
    }
}

/// The trimmed text an action needs, or a refusal of the whole request.
fn bulk_text(request: &BulkRequest) -> Result<String, ApiError> {
    let text = request.text.as_deref().unwrap_or("").trim().to_string();
    let needs = match request.action {
        BulkAction::Comment => Some("comment"),
        BulkAction::Escalate => Some("escalate"),
        BulkAction::Acknowledge | BulkAction::Resolve => None,
    };
    match needs {
        Some(action) if text.is_empty() => Err(ApiError::invalid(format!(
            "a bulk {action} needs text (the comment or the reason)"
        ))),
        _ => Ok(text),
    }
}

fn bulk_command(action: BulkAction, incident: IncidentId, text: &str) -> Command {
    match action {
        BulkAction::Acknowledge => Command::Acknowledge { incident },
        BulkAction::Resolve => Command::Resolve { incident },
        BulkAction::Escalate => Command::Escalate {
            incident,
            reason: text.to_string(),
        },
        BulkAction::Comment => Command::Comment {
            incident,
            text: text.to_string(),
        },
    }
}
