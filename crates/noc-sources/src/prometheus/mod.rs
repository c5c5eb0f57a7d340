//! Prometheus as a source: its alert list (`GET /api/v1/alerts`, pending and
//! firing alerts), alerting rules it cannot evaluate, optionally the scrape targets
//! that are down, and KPI queries. For sites that run Prometheus without
//! Alertmanager, or want to see alerts while they are still pending.

mod payload;
#[cfg(test)]
mod tests;

use noc_model::{HealthStatus, KpiQuery, KpiReading, Millis, SourceDefinition, SourceSettings};
use serde::de::DeserializeOwned;
use tokio::task::JoinHandle;

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
        } = &definition.settings
        else {
            return Err(SourceError::Invalid(format!(
                "source \"{}\" is not a Prometheus",
                definition.name
            )));
        };
        let mut config = poll_config(definition, url);
        config.credentials = Credentials::from_auth(auth.as_ref(), secret);
        Ok(Server {
            config,
            node: definition.node.clone(),
            targets: *targets,
            kpis: kpis.clone(),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.url.trim_end_matches('/'))
    }

    /// One poll: alerts, broken rules, targets that are down, KPI values. Only a
    /// failure of the alert, rule or target list fails the poll; a KPI query that
    /// fails is a reading with its error.
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
        if self.targets {
            let targets: payload::TargetsData = fetch(
                client,
                &self.url("/api/v1/targets?state=active"),
                "a Prometheus target list",
            )
            .await?;
            observed.alarms.extend(
                targets
                    .active_targets
                    .iter()
                    .filter_map(|target| target.down_alarm(source, now)),
            );
        }
        for kpi in &self.kpis {
            observed.readings.push(self.reading(client, kpi, now).await);
        }
        Ok(observed)
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
