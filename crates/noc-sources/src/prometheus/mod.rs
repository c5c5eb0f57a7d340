//! Prometheus as a source: polls its alert list (`GET /api/v1/alerts`, pending and
//! firing alerts) and reports each alert as an alarm, and an alert that
//! disappeared as resolved. For sites that run Prometheus without Alertmanager,
//! or want to see alerts while they are still pending.

mod payload;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use noc_model::{Clock, Signal};
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::polling::{self, fetch_body, FetchError, Observed, PollConfig};

/// The `kind` of this source's health reports.
pub const KIND: &str = "prometheus";

const PRODUCT: &str = "Prometheus";

/// Where and how often to poll a Prometheus (base URL e.g. `http://prometheus:9090`).
pub type PrometheusConfig = PollConfig;

/// Polls Prometheus every `interval` until `shutdown` or until nobody listens.
pub fn spawn(
    config: PrometheusConfig,
    clock: Arc<dyn Clock>,
    out: Sender<Signal>,
    shutdown: CancellationToken,
) -> JoinHandle<()> {
    let url = format!("{}/api/v1/alerts", config.url.trim_end_matches('/'));
    let source = config.name.clone();
    tokio::spawn(polling::run(
        config,
        KIND,
        clock,
        out,
        shutdown,
        move |client, now| {
            let url = url.clone();
            let source = source.clone();
            async move {
                let alerts = fetch(&client, &url).await?;
                let mut observed = Observed::default();
                for alert in &alerts {
                    observed.record(
                        alert.to_signal(&source, now),
                        polling::severity_word(&alert.labels),
                    );
                }
                Ok(observed)
            }
        },
    ))
}

async fn fetch(client: &reqwest::Client, url: &str) -> Result<Vec<payload::Alert>, FetchError> {
    let (status, body) = fetch_body(client, url, PRODUCT).await?;
    // Prometheus explains a refused query in the body, with a 4xx/5xx status; its
    // words are more use to the operator than the bare status code.
    match payload::parse(&body) {
        Ok(payload::Answer::Alerts(alerts)) if status.is_success() => Ok(alerts),
        Ok(payload::Answer::Error(error)) => Err(FetchError::BadPayload(error)),
        _ if !status.is_success() => Err(FetchError::HttpStatus {
            product: PRODUCT,
            code: status.as_u16(),
        }),
        Ok(payload::Answer::Alerts(_)) => unreachable!("success handled above"),
        Err(e) => Err(FetchError::BadPayload(format!(
            "answer is not a Prometheus alert list: {e}"
        ))),
    }
}
