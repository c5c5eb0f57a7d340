//! The sources the hub watches: those of the configuration file and those added
//! from the Sources page (kept in the event log), each running as one task that is
//! restarted when its definition changes and stopped when it is removed or disabled.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use noc_model::{
    AlarmSignal, AlarmStatus, CheckReport, EventBody, HealthStatus, ProbeResult, SecretRef, Signal,
    SourceDefinition, SourceHealth, SourceOrigin, State, Topology,
};
use noc_sources::{Secret, SourceContext};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::{ApiError, Console};

/// Where secrets are read from and typed-in secrets are kept. The hub provides the
/// OS keyring; without one only environment variables work.
pub trait SecretStore: Send + Sync {
    fn resolve(&self, secret: &SecretRef) -> Result<Secret, String>;
    /// Keeps a typed-in secret under `entry`; `Err` says why it cannot (no keyring).
    fn keep(&self, entry: &str, value: &Secret) -> Result<(), String>;
    fn forget(&self, entry: &str);
}

/// Environment variables only: the hub's default when no keyring is available.
#[derive(Debug, Default)]
pub struct EnvSecrets;

impl SecretStore for EnvSecrets {
    fn resolve(&self, secret: &SecretRef) -> Result<Secret, String> {
        match secret {
            SecretRef::Env { name } => env_secret(name),
            SecretRef::Keyring { entry } => Err(format!(
                "keyring entry \"{entry}\" cannot be read: this hub has no OS keyring"
            )),
        }
    }

    fn keep(&self, _entry: &str, _value: &Secret) -> Result<(), String> {
        Err(NO_KEYRING.to_string())
    }

    fn forget(&self, _entry: &str) {}
}

pub const NO_KEYRING: &str = "this hub has no OS keyring to keep a typed-in secret; \
     set an environment variable for the hub and refer to it instead";

/// Reads a secret from the hub's environment.
pub fn env_secret(name: &str) -> Result<Secret, String> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(Secret::new(value.trim())),
        Ok(_) => Err(format!("environment variable {name} is empty")),
        Err(_) => Err(format!("environment variable {name} is not set on the hub")),
    }
}

/// A source as the Sources page lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SourceView {
    pub definition: SourceDefinition,
    pub origin: SourceOrigin,
    pub health: Option<SourceHealth>,
}

/// A definition from the Sources page, with a secret typed in by the operator.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SourceRequest {
    pub definition: SourceDefinition,
    /// Kept in the keyring, never returned; the definition then refers to it.
    #[serde(default)]
    pub secret: Option<String>,
}

struct Running {
    definition: SourceDefinition,
    stop: CancellationToken,
}

/// The running source tasks and what they need.
pub(crate) struct Sources {
    file: Mutex<Vec<SourceDefinition>>,
    secrets: Mutex<Arc<dyn SecretStore>>,
    running: tokio::sync::Mutex<HashMap<String, Running>>,
    pub probe_results: mpsc::Sender<ProbeResult>,
    pub probe_receiver: Mutex<Option<mpsc::Receiver<ProbeResult>>>,
}

/// Probe results buffered between the probes and the history writer.
const PROBE_RESULTS_CAPACITY: usize = 16_384;

impl Sources {
    pub fn new() -> Self {
        let (probe_results, receiver) = mpsc::channel(PROBE_RESULTS_CAPACITY);
        Self {
            file: Mutex::new(Vec::new()),
            secrets: Mutex::new(Arc::new(EnvSecrets)),
            running: tokio::sync::Mutex::new(HashMap::new()),
            probe_results,
            probe_receiver: Mutex::new(Some(receiver)),
        }
    }

    fn file(&self) -> Vec<SourceDefinition> {
        self.file.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn secrets(&self) -> Arc<dyn SecretStore> {
        self.secrets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Who takes a file source's topology away when the file turned its discovery off.
const CONFIG_ACTOR: &str = "noc.toml";

/// File sources first: a name in the file cannot be taken over from the UI.
fn all_definitions(
    file: &[SourceDefinition],
    state: &State,
) -> BTreeMap<String, (SourceDefinition, SourceOrigin)> {
    let mut all: BTreeMap<_, _> = state
        .definitions
        .values()
        .map(|d| (d.name.clone(), (d.clone(), SourceOrigin::Console)))
        .collect();
    for def in file {
        all.insert(def.name.clone(), (def.clone(), SourceOrigin::File));
    }
    all
}

impl Console {
    /// Starts the sources of the configuration file and of the log; call once at start.
    pub async fn start_sources(&self, file: Vec<SourceDefinition>, secrets: Arc<dyn SecretStore>) {
        for definition in file.iter().filter(|d| !d.settings.discovers_topology()) {
            // Discovery turned off in the file since the last run.
            let _ = self
                .forget_topology_of(&definition.name, CONFIG_ACTOR)
                .await;
        }
        *self.sources.file.lock().unwrap_or_else(|e| e.into_inner()) = file;
        *self
            .sources
            .secrets
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = secrets;
        self.sync_sources().await;
    }

    /// Marks `source` stale when nothing arrives from it for `within` (for pushed
    /// sources such as webhooks, whose senders may send a heartbeat).
    pub fn expect_deliveries(&self, source: &str, kind: &str, within: std::time::Duration) {
        self.shared
            .liveness()
            .watch_within(source, kind, within, within, self.clock.now());
    }

    /// Probe results for the history writer; `None` once taken.
    pub fn take_probe_results(&self) -> Option<mpsc::Receiver<ProbeResult>> {
        self.sources
            .probe_receiver
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    pub async fn sources(&self) -> Vec<SourceView> {
        let state = self.shared.store.state().await;
        all_definitions(&self.sources.file(), &state)
            .into_values()
            .map(|(definition, origin)| SourceView {
                health: state.sources.get(&definition.name).cloned(),
                definition,
                origin,
            })
            .collect()
    }

    pub async fn source(&self, name: &str) -> Result<SourceView, ApiError> {
        self.sources()
            .await
            .into_iter()
            .find(|v| v.definition.name == name)
            .ok_or_else(|| not_found(name))
    }

    /// A source's definition with its secret read, for write-back to the source.
    pub async fn resolved_source(
        &self,
        name: &str,
    ) -> Result<(SourceDefinition, Option<Secret>), ApiError> {
        let definition = self.source(name).await?.definition;
        let secret = match definition.secret_ref() {
            Some(secret) => Some(self.resolve_secret(secret).await?),
            None => None,
        };
        Ok((definition, secret))
    }

    /// Adds (`create`) or replaces a source defined from the Sources page.
    pub async fn save_source(
        &self,
        request: SourceRequest,
        create: bool,
        actor: &str,
    ) -> Result<SourceView, ApiError> {
        let mut definition = request.definition;
        definition.name = definition.name.trim().to_string();
        noc_sources::validate(&definition).map_err(|e| ApiError::invalid(e.to_string()))?;
        let name = definition.name.clone();
        match self.source(&name).await {
            Ok(view) if view.origin == SourceOrigin::File => return Err(in_file(&name)),
            Ok(_) if create => {
                return Err(ApiError::new(
                    409,
                    "source_exists",
                    format!("a source named \"{name}\" already exists"),
                ))
            }
            Err(_) if !create => return Err(not_found(&name)),
            _ => {}
        }
        if let Some(value) = request.secret.filter(|s| !s.trim().is_empty()) {
            let entry = format!("source/{name}");
            let secrets = self.sources.secrets();
            let secret = Secret::new(value.trim());
            let kept_entry = entry.clone();
            tokio::task::spawn_blocking(move || secrets.keep(&kept_entry, &secret))
                .await
                .map_err(|e| ApiError::new(500, "internal", e.to_string()))?
                .map_err(|message| ApiError::new(422, "keyring_unavailable", message))?;
            definition.set_secret_ref(SecretRef::Keyring { entry });
        } else if let Some(secret) = definition.secret_ref() {
            self.resolve_secret(secret).await?;
        }
        let discovers = definition.settings.discovers_topology();
        self.record(EventBody::SourceDefined { definition }, actor)
            .await?;
        self.sync_sources().await;
        if !discovers {
            self.forget_topology_of(&name, actor).await?;
        }
        self.source(&name).await
    }

    pub async fn remove_source(&self, name: &str, actor: &str) -> Result<(), ApiError> {
        let view = self.source(name).await?;
        if view.origin == SourceOrigin::File {
            return Err(in_file(name));
        }
        self.record(
            EventBody::SourceRemoved {
                name: name.to_string(),
            },
            actor,
        )
        .await?;
        if let Some(SecretRef::Keyring { entry }) = view.definition.secret_ref() {
            let secrets = self.sources.secrets();
            let entry = entry.clone();
            let _ = tokio::task::spawn_blocking(move || secrets.forget(&entry)).await;
        }
        self.sync_sources().await;
        self.forget_topology_of(name, actor).await
    }

    /// Takes what the source `name` discovered out of the topology, once its task no
    /// longer sends it (the source is gone or stopped discovering); nodes other
    /// origins also know stay. Nothing is recorded when it contributed nothing.
    async fn forget_topology_of(&self, name: &str, actor: &str) -> Result<(), ApiError> {
        let origin = noc_sources::topology_origin(name);
        let state = self.shared.store.state().await;
        let topology = &state.topology;
        let contributed = topology.nodes.iter().any(|n| n.origins.contains(&origin))
            || topology
                .relations
                .iter()
                .any(|r| r.origins.contains(&origin));
        if contributed {
            let body = EventBody::TopologyLoaded {
                origin,
                topology: Topology::default(),
            };
            self.record(body, actor).await?;
        }
        Ok(())
    }

    /// One real attempt to read a source, saved or not; a typed-in secret is used
    /// for this attempt only.
    pub async fn test_source(&self, request: SourceRequest) -> Result<CheckReport, ApiError> {
        let definition = request.definition;
        let secret = match (
            request.secret.filter(|s| !s.trim().is_empty()),
            definition.secret_ref(),
        ) {
            (Some(value), _) => Some(Secret::new(value.trim())),
            (None, Some(secret)) => match self.resolve_secret(secret).await {
                Ok(secret) => Some(secret),
                Err(err) => return Ok(secret_report(err.message)),
            },
            (None, None) => None,
        };
        Ok(noc_sources::check(&definition, secret).await)
    }

    async fn resolve_secret(&self, secret: &SecretRef) -> Result<Secret, ApiError> {
        let secrets = self.sources.secrets();
        let secret = secret.clone();
        tokio::task::spawn_blocking(move || secrets.resolve(&secret))
            .await
            .map_err(|e| ApiError::new(500, "internal", e.to_string()))?
            .map_err(|message| ApiError::new(400, "secret_unavailable", message))
    }

    /// Brings the running tasks in line with the definitions: stops what is gone,
    /// disabled or changed, starts what is new.
    async fn sync_sources(&self) {
        let state = self.shared.store.state().await;
        let wanted: BTreeMap<_, _> = all_definitions(&self.sources.file(), &state)
            .into_iter()
            .filter(|(_, (def, _))| def.enabled)
            .map(|(name, (def, _))| (name, def))
            .collect();
        let mut running = self.sources.running.lock().await;
        let stopped: Vec<String> = running
            .iter()
            .filter(|(name, r)| wanted.get(*name) != Some(&r.definition))
            .map(|(name, _)| name.clone())
            .collect();
        for name in stopped {
            if let Some(task) = running.remove(&name) {
                task.stop.cancel();
            }
            self.shared.liveness().forget(&name);
            if !wanted.contains_key(&name) {
                self.clear_alarms_of(&name, &state).await;
            }
        }
        for (name, definition) in wanted {
            if let std::collections::hash_map::Entry::Vacant(slot) = running.entry(name) {
                let stop = self.start_source(&definition).await;
                slot.insert(Running { definition, stop });
            }
        }
    }

    async fn start_source(&self, definition: &SourceDefinition) -> CancellationToken {
        let stop = self.shutdown.child_token();
        let secret = match definition.secret_ref() {
            Some(secret) => match self.resolve_secret(secret).await {
                Ok(secret) => Some(secret),
                Err(err) => {
                    self.report(definition, HealthStatus::AuthFailed, err.message)
                        .await;
                    return stop;
                }
            },
            None => None,
        };
        let ctx = SourceContext {
            clock: self.clock.clone(),
            signals: self.signal_sink(),
            probe_results: self.sources.probe_results.clone(),
            shutdown: stop.clone(),
            secret,
        };
        match noc_sources::spawn(definition, ctx) {
            Ok(()) => self.shared.liveness().watch(
                &definition.name,
                definition.settings.kind(),
                noc_sources::expected_interval(definition),
                self.clock.now(),
            ),
            Err(err) => {
                let detail = format!("cannot start: {err}");
                self.report(definition, HealthStatus::Unreachable, detail)
                    .await;
            }
        }
        stop
    }

    async fn report(&self, definition: &SourceDefinition, status: HealthStatus, detail: String) {
        let now = self.clock.now();
        let health = SourceHealth {
            source: definition.name.clone(),
            kind: definition.settings.kind().to_string(),
            status,
            detail,
            since: now,
            last_ok: None,
            demo: false,
        };
        let _ = self.signal_sink().send(Signal::Health(health)).await;
    }

    /// A source no longer watched cannot clear its alarms itself.
    async fn clear_alarms_of(&self, name: &str, state: &State) {
        let sink = self.signal_sink();
        let prefix = format!("{name}/");
        let now = self.clock.now();
        for alarm in state.alarms.values() {
            if alarm.source != name || alarm.status != AlarmStatus::Active {
                continue;
            }
            let Some(key) = alarm.fingerprint.strip_prefix(&prefix) else {
                continue;
            };
            let signal = AlarmSignal {
                source: name.to_string(),
                key: key.to_string(),
                node: alarm.node.clone(),
                severity: alarm.severity,
                title: alarm.title.clone(),
                text: alarm.text.clone(),
                labels: alarm.labels.clone(),
                at: now,
                firing: false,
            };
            if sink.send(Signal::Alarm(signal)).await.is_err() {
                return;
            }
        }
    }
}

fn secret_report(detail: String) -> CheckReport {
    CheckReport {
        status: HealthStatus::AuthFailed,
        detail,
        took_ms: 0,
        version: None,
    }
}

fn not_found(name: &str) -> ApiError {
    ApiError::not_found("source_not_found", format!("there is no source \"{name}\""))
}

fn in_file(name: &str) -> ApiError {
    ApiError::new(
        403,
        "defined_in_file",
        format!("source \"{name}\" is defined in the configuration file; change it there"),
    )
}
