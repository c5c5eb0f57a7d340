//! Prometheus Alertmanager as a source: polls its v2 alert list and reports each
//! alert as an alarm, and an alert that disappeared as resolved.

mod payload;
mod poll;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use noc_model::{Clock, Signal};
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use crate::polling::MAX_BODY_BYTES;
use crate::polling::{self, Observed, PollConfig};

/// The `kind` of this source's health reports.
pub const KIND: &str = "alertmanager";

/// Where and how often to poll an Alertmanager (base URL e.g. `http://alertmanager:9093`).
pub type AlertmanagerConfig = PollConfig;

/// Polls Alertmanager every `interval` until `shutdown` or until nobody listens.
pub fn spawn(
    config: AlertmanagerConfig,
    clock: Arc<dyn Clock>,
    out: Sender<Signal>,
    shutdown: CancellationToken,
) -> JoinHandle<()> {
    let url = poll::alerts_url(&config.url);
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
                let alerts = poll::fetch(&client, &url).await?;
                let mut observed = Observed::default();
                for alert in &alerts {
                    observed.record(alert.to_signal(&source, now), alert.severity_word());
                }
                Ok(observed)
            }
        },
    ))
}
