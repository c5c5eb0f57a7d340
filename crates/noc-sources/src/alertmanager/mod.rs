//! Prometheus Alertmanager as a source: polls the v2 alert list of every member of
//! the cluster, reports each alert once as an alarm and an alert that disappeared
//! as resolved; writes silences back.

mod payload;
mod poll;
pub mod silences;
#[cfg(test)]
mod tests;
pub mod time;

use std::collections::BTreeMap;
use std::future::Future;

use noc_model::{HealthStatus, Millis, SourceDefinition, SourceSettings};
use tokio::task::JoinHandle;

pub use crate::polling::MAX_BODY_BYTES;
use crate::polling::{self, http_client, Credentials, FetchError, Observed, PollConfig};
use crate::source::{poll_config, CheckOutcome, Secret, SourceContext, SourceError};
pub use payload::ADDED_LABELS;

/// The `kind` of this source's health reports.
pub const KIND: &str = "alertmanager";

/// An Alertmanager source as configured: how to poll, and the members of its
/// cluster (one URL for a single Alertmanager).
#[derive(Debug, Clone)]
pub struct Cluster {
    pub config: PollConfig,
    pub members: Vec<String>,
}

impl Cluster {
    pub fn from_definition(
        definition: &SourceDefinition,
        secret: Option<&Secret>,
    ) -> Result<Cluster, SourceError> {
        let SourceSettings::Alertmanager { urls, auth } = &definition.settings else {
            return Err(SourceError::Invalid(format!(
                "source \"{}\" is not an Alertmanager",
                definition.name
            )));
        };
        let Some(first) = urls.first() else {
            return Err(SourceError::Invalid(
                "an Alertmanager source needs at least one URL".into(),
            ));
        };
        let mut config = poll_config(definition, first);
        config.credentials = Credentials::from_auth(auth.as_ref(), secret);
        Ok(Cluster {
            config,
            members: urls.clone(),
        })
    }

    fn client(&self) -> Result<reqwest::Client, (HealthStatus, String)> {
        http_client(self.config.timeout, self.config.credentials.as_ref())
            .map_err(|e| (HealthStatus::AuthFailed, e))
    }
}

/// Polls every member each interval until `ctx.shutdown` or until nobody listens.
pub fn spawn(
    definition: &SourceDefinition,
    ctx: SourceContext,
) -> Result<JoinHandle<()>, SourceError> {
    let cluster = Cluster::from_definition(definition, ctx.secret.as_ref())?;
    Ok(start(cluster, ctx))
}

fn start(cluster: Cluster, ctx: SourceContext) -> JoinHandle<()> {
    let members = cluster.members.clone();
    let source = cluster.config.name.clone();
    tokio::spawn(polling::run(
        cluster.config,
        KIND,
        ctx.clock,
        ctx.signals,
        ctx.shutdown,
        move |client, now| poll_members(client, source.clone(), members.clone(), now),
    ))
}

/// One poll of every member, at the same time. An alert every member lists is one
/// alarm: Alertmanager gives it the same fingerprint on each of them.
async fn poll_members(
    client: reqwest::Client,
    source: String,
    members: Vec<String>,
    now: Millis,
) -> Result<Observed, FetchError> {
    let answers = on_every_member(&members, |base| {
        let client = client.clone();
        async move { poll::fetch(&client, &poll::alerts_url(&base)).await }
    })
    .await;
    let mut alerts = BTreeMap::new();
    let mut failures = Vec::new();
    let mut answered = Vec::new();
    for (base, answer) in answers {
        match answer {
            // The first member's view wins where members disagree (a silence not
            // yet gossiped): the order is the configured one, so it is stable.
            Ok(list) => {
                answered.push(base);
                for alert in list {
                    alerts.entry(alert.fingerprint.clone()).or_insert(alert);
                }
            }
            Err(err) => failures.push((base, err)),
        }
    }
    if failures.len() == members.len() {
        return Err(all_failed(failures));
    }
    let mut observed = Observed::default();
    for alert in alerts.values() {
        observed.record(alert.to_signal(&source, now), alert.severity_word());
    }
    observed.failed_members = failures
        .into_iter()
        .map(|(base, err)| format!("member {base} failed: {err}"))
        .collect();
    if !observed.failed_members.is_empty() {
        observed
            .failed_members
            .extend(survivors(&client, &members, &answered).await);
    }
    Ok(observed)
}

/// What the members that still answer say of themselves: with one member down, the
/// operator wants to know whether the rest of the cluster is sound.
async fn survivors(
    client: &reqwest::Client,
    members: &[String],
    answered: &[String],
) -> Vec<String> {
    let mut notes = Vec::new();
    for base in members.iter().filter(|m| answered.contains(m)) {
        if let Ok(status) = poll::status(client, base).await {
            notes.push(format!(
                "{base} answers (Alertmanager {}, cluster {})",
                status.version_info.version, status.cluster.status
            ));
        }
    }
    notes
}

/// One member's failure as it is; several members' failures under the first one's
/// status, each named.
fn all_failed(mut failures: Vec<(String, FetchError)>) -> FetchError {
    if failures.len() == 1 {
        return failures.remove(0).1;
    }
    let status = failures[0].1.status();
    let detail = failures
        .iter()
        .map(|(base, err)| format!("{base}: {err}"))
        .collect::<Vec<_>>()
        .join("; ");
    FetchError::Members {
        status,
        detail: format!("every member failed: {detail}"),
    }
}

/// Runs `request` against each member concurrently; answers in member order.
async fn on_every_member<T, F, Fut>(
    members: &[String],
    request: F,
) -> Vec<(String, Result<T, FetchError>)>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<T, FetchError>> + Send + 'static,
    T: Send + 'static,
{
    let tasks: Vec<_> = members
        .iter()
        .map(|base| (base.clone(), tokio::spawn(request(base.clone()))))
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for (base, task) in tasks {
        let answer = task.await.unwrap_or_else(|e| {
            Err(FetchError::Unreachable {
                product: poll::PRODUCT,
                cause: format!("the request stopped: {e}"),
            })
        });
        answers.push((base, answer));
    }
    answers
}

/// "Test connection": each member's version, cluster state and alert count.
pub async fn check(definition: &SourceDefinition, secret: Option<Secret>) -> CheckOutcome {
    let cluster = Cluster::from_definition(definition, secret.as_ref())
        .map_err(|e| (HealthStatus::BadPayload, e.to_string()))?;
    let client = cluster.client()?;
    let answers = on_every_member(&cluster.members, |base| {
        let client = client.clone();
        async move {
            let status = poll::status(&client, &base).await?;
            let alerts = poll::fetch(&client, &poll::alerts_url(&base)).await?;
            Ok((status, alerts.len()))
        }
    })
    .await;
    let mut found = Vec::new();
    let mut failures = Vec::new();
    let mut version = None;
    for (base, answer) in answers {
        match answer {
            Ok((status, alerts)) => {
                version.get_or_insert(status.version_info.version.clone());
                found.push(format!(
                    "{base}: Alertmanager {}, cluster {} ({} peers), {alerts} alerts",
                    status.version_info.version,
                    status.cluster.status,
                    status.cluster.peers.len()
                ));
            }
            Err(err) => failures.push((base, err)),
        }
    }
    if found.is_empty() {
        let err = all_failed(failures);
        return Err((err.status(), err.to_string()));
    }
    if !failures.is_empty() {
        let failed: Vec<_> = failures
            .iter()
            .map(|(base, err)| format!("member {base} failed: {err}"))
            .collect();
        return Err((
            HealthStatus::Degraded,
            format!("{}; {}", failed.join("; "), found.join("; ")),
        ));
    }
    Ok((found.join("; "), version))
}
