//! Prometheus as a source: its alert list (`GET /api/v1/alerts`, pending and
//! firing alerts), alerting rules it cannot evaluate, optionally the scrape targets
//! that are down, and KPI queries. For sites that run Prometheus without
//! Alertmanager, or want to see alerts while they are still pending. Its scrape
//! targets also describe the estate: see [`discovery`].

mod discovery;
mod payload;
#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex};

use noc_model::{HealthStatus, KpiQuery, KpiReading, Millis, SourceDefinition, SourceSettings};
use serde::de::DeserializeOwned;
use tokio::task::JoinHandle;

use crate::discovery::Schedule;
use crate::polling::{
    self, fetch_body, http_client, Credentials, FetchError, Observed, PollConfig,
};
use crate::source::{poll_config, CheckOutcome, Secret, SourceContext, SourceError};
use payload::Answer;

/// The `kind` of this source's health reports.
pub const KIND: &str = "prometheus";

const PRODUCT: &str = "Prometheus";

/// A Prometheus source as configured.
#[derive(Debug, Clone)]
pub struct Server {
    pub config: PollConfig,
    /// Where alarms about Prometheus itself (its rules) belong.
    pub node: Option<String>,
    pub targets: bool,
    pub kpis: Vec<KpiQuery>,
    /// When the targets are read for the topology, and whether the last reading
    /// failed; `None` with discovery turned off. Shared by the polls of one run.
    pub discovery: Option<Arc<Mutex<Schedule>>>,
}

impl Server {
    pub fn from_definition(
        definition: &SourceDefinition,
        secret: Option<&Secret>,
    ) -> Result<Server, SourceError> {
        let SourceSettings::Prometheus {
            url,
            auth,
            targets,
            kpis,
            discover_topology,
        } = &definition.settings
        else {
            return Err(SourceError::Invalid(format!(
                "source \"{}\" is not a Prometheus",
                definition.name
            )));
        };
        let mut config = poll_config(definition, url);
        config.credentials = Credentials::from_auth(auth.as_ref(), secret);
        let discovery = discover_topology
            .then(|| Arc::new(Mutex::new(Schedule::for_interval(config.interval))));
        Ok(Server {
            config,
            node: definition.node.clone(),
            targets: *targets,
            kpis: kpis.clone(),
            discovery,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.url.trim_end_matches('/'))
    }

    /// One poll: alerts, broken rules, targets that are down, KPI values, and on
    /// some polls the topology. Only a failure of the alert, rule or (with
    /// `targets`) target list fails the poll; a KPI query that fails is a reading with
    /// its error, a discovery that fails a remark in the health.
    async fn poll(&self, client: &reqwest::Client, now: Millis) -> Result<Observed, FetchError> {
        let source = &self.config.name;
        let mut observed = Observed::default();
        let alerts: payload::AlertsData = fetch(
            client,
            &self.url("/api/v1/alerts"),
            "a Prometheus alert list",
        )
        .await?;
        for alert in &alerts.alerts {
            observed.record(
                alert.to_signal(source, now),
                polling::severity_word(&alert.labels),
            );
        }
        let rules: payload::RulesData = fetch(
            client,
            &self.url("/api/v1/rules?type=alert"),
            "a Prometheus rule list",
        )
        .await?;
        for group in &rules.groups {
            observed
                .alarms
                .extend(group.broken_rules(source, self.node.as_deref(), now));
        }
        let discover = self.discovery_due();
        let targets = if self.targets {
            let fetched = self.fetch_targets(client).await;
            if let (true, Err(e)) = (discover, &fetched) {
                self.discovery_failed(e.to_string());
            }
            Some(fetched?)
        } else if discover {
            // Only discovery wants the list: its failure must not stop the alarms.
            self.fetch_targets(client)
                .await
                .map_err(|e| self.discovery_failed(e.to_string()))
                .ok()
        } else {
            None
        };
        if let Some(targets) = &targets {
            if self.targets {
                observed.alarms.extend(
                    targets
                        .active_targets
                        .iter()
                        .filter_map(|target| target.down_alarm(source, now)),
                );
            }
            if discover {
                observed.topology = self.discovered(&targets.active_targets);
            }
        }
        if let Some(failure) = self.discovery_failure() {
            observed.failed_members.push(failure);
        }
        for kpi in &self.kpis {
            observed.readings.push(self.reading(client, kpi, now).await);
        }
        Ok(observed)
    }

    async fn fetch_targets(
        &self,
        client: &reqwest::Client,
    ) -> Result<payload::TargetsData, FetchError> {
        fetch(
            client,
            &self.url("/api/v1/targets?state=active"),
            "a Prometheus target list",
        )
        .await
    }

    fn schedule(&self) -> Option<std::sync::MutexGuard<'_, Schedule>> {
        self.discovery
            .as_ref()
            .map(|shared| shared.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn discovery_due(&self) -> bool {
        self.schedule().is_some_and(|mut schedule| schedule.due())
    }

    /// The topology of `targets`, unless there are none: Prometheus lists no target
    /// until its service discovery has run once after a start, and an empty list
    /// must not wipe out what the last discovery found.
    fn discovered(&self, targets: &[payload::Target]) -> Option<noc_model::Topology> {
        let mut schedule = self.schedule()?;
        if targets.is_empty() {
            schedule.try_again_soon();
            return None;
        }
        schedule.succeeded();
        Some(discovery::estate(targets))
    }

    fn discovery_failed(&self, why: String) {
        if let Some(mut schedule) = self.schedule() {
            schedule.failed(why);
        }
    }

    fn discovery_failure(&self) -> Option<String> {
        self.schedule().and_then(|schedule| schedule.failure())
    }

    async fn reading(&self, client: &reqwest::Client, kpi: &KpiQuery, now: Millis) -> KpiReading {
        let value = match reqwest::Url::parse_with_params(
            &self.url("/api/v1/query"),
            [("query", kpi.query.as_str())],
        ) {
            Ok(url) => fetch::<payload::QueryData>(client, url.as_str(), "a query result")
                .await
                .map_err(|e| e.to_string())
                .and_then(|result| result.single_value()),
            Err(e) => Err(format!("cannot build the query URL: {e}")),
        };
        KpiReading {
            source: self.config.name.clone(),
            name: kpi.name.clone(),
            value: value.as_ref().ok().copied(),
            unit: kpi.unit.clone(),
            at: now,
            error: value.err(),
        }
    }
}

/// Polls Prometheus every interval until `ctx.shutdown` or until nobody listens.
pub fn spawn(
    definition: &SourceDefinition,
    ctx: SourceContext,
) -> Result<JoinHandle<()>, SourceError> {
    let server = Server::from_definition(definition, ctx.secret.as_ref())?;
    Ok(start(server, ctx))
}

fn start(server: Server, ctx: SourceContext) -> JoinHandle<()> {
    let config = server.config.clone();
    tokio::spawn(polling::run(
        config,
        KIND,
        ctx.clock,
        ctx.signals,
        ctx.shutdown,
        move |client, now| {
            let server = server.clone();
            async move { server.poll(&client, now).await }
        },
    ))
}

/// "Test connection": the version from the build information, and the alert count.
pub async fn check(definition: &SourceDefinition, secret: Option<Secret>) -> CheckOutcome {
    let server = Server::from_definition(definition, secret.as_ref())
        .map_err(|e| (HealthStatus::BadPayload, e.to_string()))?;
    let client = http_client(server.config.timeout, server.config.credentials.as_ref())
        .map_err(|e| (HealthStatus::AuthFailed, e))?;
    let failed = |e: FetchError| (e.status(), e.to_string());
    let build: payload::BuildInfo = fetch(
        &client,
        &server.url("/api/v1/status/buildinfo"),
        "Prometheus build information",
    )
    .await
    .map_err(failed)?;
    let alerts: payload::AlertsData = fetch(
        &client,
        &server.url("/api/v1/alerts"),
        "a Prometheus alert list",
    )
    .await
    .map_err(failed)?;
    Ok((
        format!(
            "Prometheus {}, {} alerts pending or firing",
            build.version,
            alerts.alerts.len()
        ),
        Some(build.version),
    ))
}

async fn fetch<T: DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
    what: &str,
) -> Result<T, FetchError> {
    let (status, body) = fetch_body(client, url, PRODUCT).await?;
    // Prometheus explains a refused query in the body, with a 4xx/5xx status; its
    // words are more use to the operator than the bare status code.
    match (status.is_success(), payload::parse::<T>(&body)) {
        (_, Ok(Answer::Error(error))) => Err(FetchError::BadPayload(error)),
        (true, Ok(Answer::Data(data))) => Ok(data),
        (false, _) => Err(FetchError::HttpStatus {
            product: PRODUCT,
            code: status.as_u16(),
        }),
        (true, Err(e)) => Err(FetchError::BadPayload(format!("answer is not {what}: {e}"))),
    }
}
