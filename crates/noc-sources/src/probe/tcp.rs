//! The TCP probe: does the port accept a connection, and how fast.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use noc_model::{ProbeTimings, TcpProbe};

use super::http::{connect, resolve};
use super::{millis_since, seconds, Reading};

pub(super) struct TcpProber {
    host: String,
    port: u16,
}

impl TcpProber {
    pub fn new(probe: &TcpProbe) -> Self {
        Self {
            host: probe.host.trim_matches(['[', ']']).to_string(),
            port: probe.port,
        }
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub async fn run(&self, timeout: Duration) -> Reading {
        let started = Instant::now();
        let mut timings = ProbeTimings::default();
        let outcome = tokio::time::timeout(timeout, self.connect(&mut timings))
            .await
            .unwrap_or_else(|_| {
                let phase = if timings.dns_ms.is_none() && self.host.parse::<IpAddr>().is_err() {
                    "DNS"
                } else {
                    "connect"
                };
                Err(format!("{phase}: no answer within {}", seconds(timeout)))
            });
        timings.total_ms = Some(millis_since(started));
        match outcome {
            Ok(()) => Reading {
                ok: true,
                detail: format!(
                    "connected to port {} in {:.0} ms",
                    self.port,
                    timings.connect_ms.unwrap_or_default()
                ),
                timings,
                ..Reading::default()
            },
            Err(detail) => Reading::failed("", timings, detail),
        }
    }

    async fn connect(&self, timings: &mut ProbeTimings) -> Result<(), String> {
        let addresses = match self.host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, self.port)],
            Err(_) => {
                let started = Instant::now();
                let found = resolve(&self.host, self.port).await?;
                timings.dns_ms = Some(millis_since(started));
                found
            }
        };
        let started = Instant::now();
        connect(&addresses).await?;
        timings.connect_ms = Some(millis_since(started));
        Ok(())
    }
}
