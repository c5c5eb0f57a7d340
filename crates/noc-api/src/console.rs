use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use noc_engine::{Engine, EngineConfig};
use noc_model::{
    Batch, Clock, Command, DutyPolicy, Event, Incident, IncidentId, KpiReading, Millis, Seq,
    Signal, Snapshot,
};
use noc_store::Store;
use serde::Serialize;
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::ingest::{Ingest, Input, Outcome};
use crate::liveness::Liveness;
use crate::sources::Sources;
use crate::{ApiError, Follow, WriteBackSettings};

/// How many committed batches the hub keeps to let reconnecting clients catch up
/// without a full snapshot.
const REPLAY_BATCHES: usize = 4096;
const FEED_CAPACITY: usize = 4096;
const INPUT_CAPACITY: usize = 65_536;
const MAX_COMMENT_CHARS: usize = 4000;
const MAX_EVENTS_PAGE: u32 = 10_000;

/// What a hub is and how it runs, for `/api/info`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HubInfo {
    pub version: String,
    /// Simulated data is being shown (the built-in demo).
    pub demo: bool,
    pub started_at: Millis,
    /// Live event-stream connections (screens following the board).
    pub stream_clients: usize,
    /// Set while the event log cannot be written (e.g. a full disk).
    pub store_error: Option<String>,
    /// SHA-256 of the hub's TLS certificate, for operators to compare before trusting it.
    pub tls_fingerprint: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventPage {
    pub events: Vec<Event>,
    pub last_seq: Seq,
}

#[derive(Debug, Clone, Default)]
pub struct HubSettings {
    pub engine: EngineConfig,
    pub demo: bool,
    /// How an acknowledgement reaches the alarms' sources when the operator asks.
    pub write_back: WriteBackSettings,
}

pub(crate) struct Shared {
    pub store: Store,
    pub feed: broadcast::Sender<Arc<Batch>>,
    recent: Mutex<VecDeque<Arc<Batch>>>,
    published_seq: AtomicI64,
    pub stream_clients: AtomicUsize,
    store_error: Mutex<Option<String>>,
    liveness: Mutex<Liveness>,
    kpis: Mutex<BTreeMap<(String, String), KpiReading>>,
}

impl Shared {
    pub fn publish(&self, batch: Batch) {
        let batch = Arc::new(batch);
        {
            let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
            if recent.len() == REPLAY_BATCHES {
                recent.pop_front();
            }
            recent.push_back(batch.clone());
        }
        self.published_seq.store(batch.last_seq, Ordering::SeqCst);
        // No receivers is normal (nobody watching); not an error.
        let _ = self.feed.send(batch);
    }

    /// The batches after `after`, if the hub still holds all of them and `after` is a
    /// batch boundary; `None` means the client needs a snapshot.
    pub fn replay_after(&self, after: Seq) -> Option<(Seq, Vec<Arc<Batch>>)> {
        if after == self.published_seq.load(Ordering::SeqCst) {
            return Some((after, Vec::new()));
        }
        let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let start = recent.iter().position(|b| b.first_seq == after + 1)?;
        Some((after, recent.iter().skip(start).cloned().collect()))
    }

    pub fn liveness(&self) -> std::sync::MutexGuard<'_, Liveness> {
        self.liveness.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn keep_kpi(&self, reading: KpiReading) {
        let key = (reading.source.clone(), reading.name.clone());
        self.kpis
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, reading);
    }

    pub fn set_store_error(&self, error: Option<String>) {
        *self.store_error.lock().unwrap_or_else(|e| e.into_inner()) = error;
    }
}

/// The hub's use cases. Cheap to clone; every transport holds one.
#[derive(Clone)]
pub struct Console {
    pub(crate) shared: Arc<Shared>,
    pub(crate) sources: Arc<Sources>,
    pub(crate) clock: Arc<dyn Clock>,
    inputs: mpsc::Sender<Input>,
    started_at: Millis,
    demo: bool,
    pub(crate) policy: Arc<DutyPolicy>,
    pub(crate) write_back: WriteBackSettings,
    pub(crate) shutdown: CancellationToken,
    pub(crate) impact: Arc<crate::topology::ImpactGraph>,
}

impl Console {
    /// Starts the ingest loop on the current tokio runtime. Stops when `shutdown` fires.
    pub async fn start(
        store: Store,
        clock: Arc<dyn Clock>,
        settings: HubSettings,
        shutdown: CancellationToken,
    ) -> Console {
        let (inputs, rx) = mpsc::channel(INPUT_CAPACITY);
        let (feed, _) = broadcast::channel(FEED_CAPACITY);
        let engine = Engine::from_state(store.state().await, settings.engine.clone());
        let shared = Arc::new(Shared {
            published_seq: AtomicI64::new(store.last_seq()),
            store,
            feed,
            recent: Mutex::new(VecDeque::new()),
            stream_clients: AtomicUsize::new(0),
            store_error: Mutex::new(None),
            liveness: Mutex::new(Liveness::default()),
            kpis: Mutex::new(BTreeMap::new()),
        });
        let started_at = clock.now();
        let ingest = Ingest {
            engine,
            config: settings.engine.clone(),
            shared: shared.clone(),
            clock: clock.clone(),
            inputs: rx,
            shutdown: shutdown.clone(),
            recorded: Vec::new(),
            closing: false,
        };
        tokio::spawn(ingest.run());
        let console = Console {
            shared,
            sources: Arc::new(Sources::new()),
            clock,
            inputs,
            started_at,
            demo: settings.demo,
            policy: Arc::new(settings.engine.policy),
            write_back: settings.write_back,
            shutdown,
            impact: Arc::default(),
        };
        crate::topology::follow(&console);
        console
    }

    /// Where sources send what they observe.
    pub fn signal_sink(&self) -> mpsc::Sender<Signal> {
        let (tx, mut rx) = mpsc::channel::<Signal>(1024);
        let inputs = self.inputs.clone();
        tokio::spawn(async move {
            while let Some(signal) = rx.recv().await {
                if inputs.send(Input::Signal(signal)).await.is_err() {
                    break;
                }
            }
        });
        tx
    }

    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    pub fn info(&self) -> HubInfo {
        HubInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            demo: self.demo,
            started_at: self.started_at,
            stream_clients: self.shared.stream_clients.load(Ordering::SeqCst),
            store_error: self
                .shared
                .store_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
            tls_fingerprint: None,
        }
    }

    /// The latest value of every KPI query, by source and name.
    pub fn kpis(&self) -> Vec<KpiReading> {
        self.shared
            .kpis
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect()
    }

    pub async fn snapshot(&self) -> Snapshot {
        self.shared.store.snapshot().await
    }

    /// The live state as the log stood at `seq`.
    pub async fn snapshot_at(&self, seq: Seq) -> Result<Snapshot, ApiError> {
        let last = self.shared.store.last_seq();
        if seq < 0 || seq > last {
            return Err(ApiError::invalid(format!(
                "seq {seq} is outside the log (0..={last})"
            )));
        }
        Ok(self.shared.store.state_at(seq).await?.snapshot())
    }

    pub async fn events_after(
        &self,
        after: Seq,
        limit: Option<u32>,
    ) -> Result<EventPage, ApiError> {
        let limit = limit.unwrap_or(1000).clamp(1, MAX_EVENTS_PAGE);
        let events = self.shared.store.events_after(after, limit).await?;
        Ok(EventPage {
            events,
            last_seq: self.shared.store.last_seq(),
        })
    }

    pub async fn timeline(&self, incident: IncidentId) -> Result<Vec<Event>, ApiError> {
        if !self
            .shared
            .store
            .snapshot()
            .await
            .incidents
            .iter()
            .any(|i| i.id == incident)
        {
            let events = self
                .shared
                .store
                .timeline(&format!("incident:{incident}"), 1)
                .await?;
            if events.is_empty() {
                return Err(noc_model::CommandError::NoSuchIncident(incident).into());
            }
        }
        Ok(self
            .shared
            .store
            .timeline(&format!("incident:{incident}"), MAX_EVENTS_PAGE)
            .await?)
    }

    pub async fn acknowledge(
        &self,
        incident: IncidentId,
        actor: &str,
    ) -> Result<Incident, ApiError> {
        self.incident_command(Command::Acknowledge { incident }, actor)
            .await
    }

    pub async fn comment(
        &self,
        incident: IncidentId,
        actor: &str,
        text: &str,
    ) -> Result<Incident, ApiError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_COMMENT_CHARS {
            return Err(ApiError::invalid(format!(
                "a comment needs 1 to {MAX_COMMENT_CHARS} characters"
            )));
        }
        let command = Command::Comment {
            incident,
            text: text.to_string(),
        };
        self.incident_command(command, actor).await
    }

    /// Follows the event stream from `after` (or from a snapshot).
    pub async fn follow(&self, after: Option<Seq>) -> Follow {
        Follow::start(self.shared.clone(), after).await
    }

    /// Committed batches as they happen (for in-process shells: tray, notifications).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Batch>> {
        self.shared.feed.subscribe()
    }

    /// Records an operator action that was carried out elsewhere (in a source system)
    /// or checked by the caller; returns its place in the log once committed.
    pub async fn record(&self, body: noc_model::EventBody, actor: &str) -> Result<Seq, ApiError> {
        self.record_input(body, actor, false).await
    }

    /// Records `body` as the log's last event: the console decides nothing after it
    /// (alarms still in flight are not grouped, no tick runs) and stops taking input.
    pub async fn record_last(
        &self,
        body: noc_model::EventBody,
        actor: &str,
    ) -> Result<Seq, ApiError> {
        self.record_input(body, actor, true).await
    }

    async fn record_input(
        &self,
        body: noc_model::EventBody,
        actor: &str,
        last: bool,
    ) -> Result<Seq, ApiError> {
        let (reply, answer) = oneshot::channel();
        let input = Input::Record {
            body,
            actor: actor.to_string(),
            last,
            reply,
        };
        let stopped = || ApiError::unavailable("the hub is shutting down");
        self.inputs.send(input).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Carries out an operator command about an incident; returns the incident after it.
    pub async fn incident_command(
        &self,
        command: Command,
        actor: &str,
    ) -> Result<Incident, ApiError> {
        let id = command.incident();
        self.command(command, actor).await?.ok_or_else(|| {
            ApiError::not_found(
                "incident_not_found",
                format!("incident {} does not exist", id.unwrap_or_default()),
            )
        })
    }

    /// Carries out any operator command; the incident it was about (for a split: the
    /// new incident), if any.
    pub async fn command(
        &self,
        command: Command,
        actor: &str,
    ) -> Result<Option<Incident>, ApiError> {
        Ok(self.command_outcome(command, actor).await?.incident)
    }

    /// Carries out an operator command; what it did, events included.
    pub(crate) async fn command_outcome(
        &self,
        command: Command,
        actor: &str,
    ) -> Result<Outcome, ApiError> {
        self.submit(command, actor).await?.await
    }

    /// Queues a command for the ingest loop; the answer comes once it is committed.
    /// Commands submitted one after another are decided in that order, and those
    /// queued together share one commit.
    pub(crate) async fn submit(
        &self,
        command: Command,
        actor: &str,
    ) -> Result<impl std::future::Future<Output = Result<Outcome, ApiError>>, ApiError> {
        let (reply, answer) = oneshot::channel();
        let input = Input::Command {
            command,
            actor: actor.to_string(),
            reply,
        };
        self.inputs.send(input).await.map_err(|_| stopped())?;
        Ok(async move { answer.await.map_err(|_| stopped())? })
    }
}

fn stopped() -> ApiError {
    ApiError::unavailable("the hub is shutting down")
}
