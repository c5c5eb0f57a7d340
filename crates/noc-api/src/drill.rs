//! Running an emergency drill (应急演练) inside the hub: a console of its own on a
//! database of its own, so drill alarms, incidents and statistics never reach the
//! production log, with the production network and roster copied in so the team
//! works the drill on the board they know.
//!
//! One drill runs at a time. Nothing resumes after a restart: a drill the hub was
//! running when it stopped is ended then (reason `hub stopped`), and a database left
//! unfinished by a crash stays in `<data>/drills` untouched.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use noc_model::{
    civil_from_days, Clock, DrillState, EventBody, Millis, RecordingInfo, RecordingKind, Roster,
    Scenario, Scorecard, StepCompletion, Topology,
};
use noc_store::recording::{write_recording, RecordingRequest, RECORDING_EXTENSION};
use noc_store::Store;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::{ApiError, Console, HubSettings};

/// The actor of what the hub itself records in a drill's log: the copied network and
/// roster, and the injected faults. Not a person, so not an operator's action.
pub const DRILL_ACTOR: &str = "drill";

/// Where the UI of the drill's console is served.
pub const DRILL_CONSOLE_PATH: &str = "/drill/";

/// How often the injector looks for faults that are due.
const INJECT_EVERY: Duration = Duration::from_millis(250);

/// The drill as the screens show it: its run and its score at this moment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DrillView {
    pub drill: DrillState,
    pub scorecard: Scorecard,
    /// Where the drill's console is opened (every screen there is the drill's).
    pub console_path: String,
}

/// A finished drill: its final score and the recording kept for the review.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DrillEnd {
    pub scorecard: Scorecard,
    pub recording: RecordingInfo,
}

/// The drills of one hub. Cheap to clone.
#[derive(Clone)]
pub struct Drills {
    inner: Arc<Inner>,
}

struct Inner {
    data_dir: PathBuf,
    production: Console,
    clock: Arc<dyn Clock>,
    settings: HubSettings,
    /// Starting, checking and ending take turns, so two starts cannot both win.
    turns: tokio::sync::Mutex<()>,
    running: Mutex<Option<Arc<Running>>>,
}

/// The drill under way.
struct Running {
    id: String,
    scenario: Scenario,
    started_at: Millis,
    store: Store,
    console: Console,
    /// Stops the drill's console and its injector; a child of the hub's.
    stop: CancellationToken,
}

impl Drills {
    pub fn new(
        data_dir: PathBuf,
        production: Console,
        clock: Arc<dyn Clock>,
        settings: HubSettings,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                data_dir,
                production,
                clock,
                settings,
                turns: tokio::sync::Mutex::new(()),
                running: Mutex::new(None),
            }),
        }
    }

    /// Opens the drill's own database and console, copies the production network and
    /// roster into it, records the start and begins injecting the scenario's faults.
    pub async fn start(&self, scenario: Scenario, by: &str) -> Result<DrillView, ApiError> {
        let _turn = self.inner.turns.lock().await;
        if let Some(running) = self.running() {
            return Err(ApiError::new(
                409,
                "drill_running",
                format!(
                    "drill {} is running: end it before starting another",
                    running.id
                ),
            ));
        }
        let now = self.inner.clock.now();
        let id = format!("{}-{}", scenario.name, utc_stamp(now));
        let store = self.open_database(&id).await?;
        let stop = self.inner.production.shutdown_token().child_token();
        let settings = HubSettings {
            demo: false,
            ..self.inner.settings.clone()
        };
        let console = Console::start(
            store.clone(),
            self.inner.clock.clone(),
            settings,
            stop.clone(),
        )
        .await;
        let started = self.begin(&console, &id, &scenario, by).await;
        let started_at = match started {
            Ok(at) => at,
            Err(err) => {
                stop.cancel();
                store.close().await;
                return Err(err);
            }
        };
        let running = Arc::new(Running {
            id,
            scenario,
            started_at,
            store,
            console,
            stop,
        });
        spawn_injector(&running, self.inner.clock.clone());
        *self.slot() = Some(running.clone());
        view_of(&running, self.inner.clock.now()).await
    }

    /// The drill under way, scored now.
    pub async fn current(&self) -> Option<DrillView> {
        let running = self.running()?;
        view_of(&running, self.inner.clock.now()).await.ok()
    }

    /// Ticks a runbook step that is done by checking it off; ticking it again changes
    /// nothing.
    pub async fn check_step(&self, step: &str, by: &str) -> Result<DrillView, ApiError> {
        let _turn = self.inner.turns.lock().await;
        let running = self.running().ok_or_else(no_drill)?;
        let checkable = running
            .scenario
            .expect
            .steps
            .iter()
            .any(|s| s.id == step && s.done_by == StepCompletion::Check);
        if !checkable {
            return Err(ApiError::not_found(
                "unknown_step",
                format!("the drill has no step {step:?} to check off"),
            ));
        }
        let done = drill_state(&running)
            .await?
            .steps
            .iter()
            .any(|s| s.id == step);
        if !done {
            let body = EventBody::DrillStepChecked {
                step: step.to_string(),
            };
            running.console.record(body, by).await?;
        }
        view_of(&running, self.inner.clock.now()).await
    }

    /// Ends the drill: records the end, takes the final scorecard, writes the
    /// recording to `<data>/recordings/<id>.nocrec`, then stops the drill's console
    /// and closes its database.
    pub async fn end(&self, reason: Option<String>, by: &str) -> Result<DrillEnd, ApiError> {
        let _turn = self.inner.turns.lock().await;
        let running = self.running().ok_or_else(no_drill)?;
        let reason = reason.map(|r| r.trim().to_string()).unwrap_or_default();
        running
            .console
            .record_last(EventBody::DrillEnded { reason }, by)
            .await?;
        let now = self.inner.clock.now();
        let scorecard = drill_state(&running).await?.scorecard(now);
        // Nothing is injected or decided after the end the log recorded.
        running.stop.cancel();
        *self.slot() = None;
        let recording = self.record(&running, by, now).await;
        running.store.clone().close().await;
        Ok(DrillEnd {
            scorecard,
            recording: recording?,
        })
    }

    /// The drill's console, while a drill runs: the server serves its API under
    /// `/drill/api`.
    pub fn drill_console(&self) -> Option<Console> {
        self.running().map(|r| r.console.clone())
    }

    /// The id and console of the drill under way.
    pub fn running_drill(&self) -> Option<(String, Console)> {
        self.running().map(|r| (r.id.clone(), r.console.clone()))
    }

    /// Ends a drill still running when the hub stops, so its recording is kept.
    pub async fn end_for_shutdown(&self) {
        if self.running().is_none() {
            return;
        }
        if let Err(err) = self.end(Some("hub stopped".into()), DRILL_ACTOR).await {
            tracing::warn!(error = %err, "the running drill could not be ended cleanly");
        }
    }

    fn running(&self) -> Option<Arc<Running>> {
        self.slot().clone()
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Arc<Running>>> {
        self.inner.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A fresh database at `<data>/drills/<id>.db`: never one that holds a run already.
    async fn open_database(&self, id: &str) -> Result<Store, ApiError> {
        let dir = self.inner.data_dir.join("drills");
        let path = dir.join(format!("{id}.db"));
        if path.exists() {
            return Err(ApiError::new(
                409,
                "drill_exists",
                format!(
                    "a drill database {} exists already: start again in a second",
                    path.display()
                ),
            ));
        }
        std::fs::create_dir_all(&dir).map_err(|e| cannot(&dir, e))?;
        let opened = on_own_thread({
            let path = path.clone();
            move || async move { Store::open(&path).await }
        })
        .await?;
        opened.map_err(|e| {
            ApiError::unavailable(format!(
                "cannot open the drill database {}: {e}",
                path.display()
            ))
        })
    }

    /// Copies the production network and roster and records the start; the drill's
    /// start time as the log has it.
    async fn begin(
        &self,
        console: &Console,
        id: &str,
        scenario: &Scenario,
        by: &str,
    ) -> Result<Millis, ApiError> {
        let (topology, roster) = self
            .inner
            .production
            .shared
            .store
            .read_state(|s| (s.topology.clone(), s.duty.roster.clone()))
            .await;
        copy_network(console, &topology).await?;
        copy_roster(console, roster).await?;
        let targets = scenario
            .targets
            .unwrap_or(self.inner.production.policy.targets);
        let body = EventBody::DrillStarted {
            drill: id.to_string(),
            scenario: scenario.clone(),
            targets,
        };
        console.record(body, by).await?;
        let at = console
            .shared
            .store
            .read_state(|s| s.drill.as_ref().map(|d| d.started_at))
            .await;
        Ok(at.unwrap_or_else(|| self.inner.clock.now()))
    }

    async fn record(
        &self,
        running: &Running,
        by: &str,
        now: Millis,
    ) -> Result<RecordingInfo, ApiError> {
        let dir = self.inner.data_dir.join("recordings");
        std::fs::create_dir_all(&dir).map_err(|e| cannot(&dir, e))?;
        let path = dir.join(format!("{}.{RECORDING_EXTENSION}", running.id));
        let request = RecordingRequest {
            id: running.id.clone(),
            title: running.scenario.title.clone(),
            kind: RecordingKind::Drill,
            from_at: running.started_at,
            to_at: now,
            created_by: by.to_string(),
            created_at: now,
            scenario: Some(running.scenario.name.clone()),
        };
        let store = running.store.clone();
        on_own_thread(move || async move { write_recording(&store, request, &path).await })
            .await?
            .map_err(|e| ApiError::new(500, "recording_failed", e.to_string()))
    }
}

/// The production topology into the drill's log, one `topology_loaded` per origin as
/// production loaded it, so later imports and discoveries in the drill replace their
/// own part only. A log older than origins is copied whole.
async fn copy_network(console: &Console, topology: &Topology) -> Result<(), ApiError> {
    if topology.nodes.is_empty() && topology.relations.is_empty() {
        return Ok(());
    }
    let unattributed = topology.nodes.iter().any(|n| n.origins.is_empty())
        || topology.relations.iter().any(|r| r.origins.is_empty());
    if unattributed {
        let body = EventBody::TopologyLoaded {
            origin: String::new(),
            topology: topology.clone(),
        };
        console.record(body, DRILL_ACTOR).await?;
        return Ok(());
    }
    for origin in origins(topology) {
        let part = Topology {
            nodes: topology
                .nodes
                .iter()
                .filter(|n| n.origins.contains(&origin))
                .cloned()
                .collect(),
            relations: topology
                .relations
                .iter()
                .filter(|r| r.origins.contains(&origin))
                .cloned()
                .collect(),
        };
        let body = EventBody::TopologyLoaded {
            origin,
            topology: part,
        };
        console.record(body, DRILL_ACTOR).await?;
    }
    Ok(())
}

/// Every origin of the topology, in the order its nodes first name them.
fn origins(topology: &Topology) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let named = topology
        .nodes
        .iter()
        .flat_map(|n| &n.origins)
        .chain(topology.relations.iter().flat_map(|r| &r.origins));
    named.filter(|o| seen.insert(o.as_str())).cloned().collect()
}

async fn copy_roster(console: &Console, roster: Option<Roster>) -> Result<(), ApiError> {
    if let Some(roster) = roster {
        console
            .record(EventBody::RosterDefined { roster }, DRILL_ACTOR)
            .await?;
    }
    Ok(())
}

/// Asks the scenario's injection plan, four times a second, for the faults that are
/// due; each is recorded before its signals reach the drill's console, so the log
/// says what was injected before showing what it caused.
fn spawn_injector(running: &Running, clock: Arc<dyn Clock>) {
    let mut injector = noc_drill::Injector::new(&running.scenario, running.started_at);
    let console = running.console.clone();
    let stop = running.stop.clone();
    let sink = console.signal_sink();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(INJECT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                _ = stop.cancelled() => break,
                _ = every.tick() => {}
            }
            for injection in injector.due(clock.now()) {
                let body = EventBody::DrillFaultInjected {
                    index: injection.index,
                    started: injection.started,
                    summary: injection.summary.clone(),
                };
                if let Err(err) = console.record(body, DRILL_ACTOR).await {
                    tracing::warn!(error = %err, "an injected drill fault was not recorded");
                    return;
                }
                for signal in injection.signals {
                    if sink.send(signal).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
}

async fn drill_state(running: &Running) -> Result<DrillState, ApiError> {
    running
        .store
        .read_state(|s| s.drill.as_deref().cloned())
        .await
        .ok_or_else(|| ApiError::unavailable("the drill's log holds no drill"))
}

async fn view_of(running: &Running, now: Millis) -> Result<DrillView, ApiError> {
    let drill = drill_state(running).await?;
    Ok(DrillView {
        scorecard: drill.scorecard(now),
        drill,
        console_path: DRILL_CONSOLE_PATH.to_string(),
    })
}

/// Runs `work` to completion on a blocking thread of the runtime. Opening a SQLite
/// file through sqlx gives a future the compiler cannot prove `Send` for every
/// lifetime (rust-lang/rust#102211), which a request handler's future must be; built
/// and awaited on a thread of its own, it never has to be.
async fn on_own_thread<F, Fut, T>(work: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T>,
    T: Send + 'static,
{
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || runtime.block_on(work()))
        .await
        .map_err(|e| ApiError::unavailable(format!("the drill's files could not be written: {e}")))
}

fn no_drill() -> ApiError {
    ApiError::not_found("no_drill", "no drill is running")
}

fn cannot(dir: &Path, err: std::io::Error) -> ApiError {
    ApiError::unavailable(format!("cannot create the folder {}: {err}", dir.display()))
}

/// `yyyymmdd-hhmmss` in UTC.
fn utc_stamp(at: Millis) -> String {
    let secs = at.div_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let of_day = secs.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stamp_is_the_utc_date_and_time() {
        // 2023-11-14 22:13:20 UTC
        assert_eq!(utc_stamp(1_700_000_000_000), "20231114-221320");
        assert_eq!(utc_stamp(0), "19700101-000000");
    }

    #[test]
    fn origins_come_in_the_order_the_nodes_name_them() {
        let mut a = noc_model::Node::new("a", "a", noc_model::NodeKind::Host);
        a.origins = vec!["source:z".into(), "import:net".into()];
        let mut b = noc_model::Node::new("b", "b", noc_model::NodeKind::Host);
        b.origins = vec!["import:net".into(), "operator".into()];
        let topology = Topology {
            nodes: vec![a, b],
            relations: Vec::new(),
        };
        assert_eq!(origins(&topology), ["source:z", "import:net", "operator"]);
    }
}
