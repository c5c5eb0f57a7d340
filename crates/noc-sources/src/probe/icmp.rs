//! The ICMP probe (ping). Sending echo requests needs a permission many hub
//! processes lack; when the system refuses, the source says which one and how
//! to grant it, since a silently failing ping would look like a dead network.

use std::io;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use noc_model::{HealthStatus, IcmpProbe, ProbeTimings};
use surge_ping::{Client, Config, PingIdentifier, PingSequence, SurgeError, ICMP};

use super::http::resolve;
use super::{millis, millis_since, seconds, CannotRun, Reading};

pub(super) struct IcmpProber {
    host: String,
}

impl IcmpProber {
    pub fn new(probe: &IcmpProbe) -> Self {
        Self {
            host: probe.host.trim_matches(['[', ']']).to_string(),
        }
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub async fn run(&self, timeout: Duration) -> Result<Reading, CannotRun> {
        let started = Instant::now();
        let mut timings = ProbeTimings::default();
        let ip = match self.host.parse::<IpAddr>() {
            Ok(ip) => ip,
            Err(_) => match tokio::time::timeout(timeout, resolve(&self.host, 0)).await {
                Ok(Ok(found)) => {
                    timings.dns_ms = Some(millis_since(started));
                    found[0].ip()
                }
                Ok(Err(detail)) => return Ok(Reading::failed("", timings, detail)),
                Err(_) => {
                    let detail = format!("DNS: no answer within {}", seconds(timeout));
                    return Ok(Reading::failed("", timings, detail));
                }
            },
        };
        let kind = if ip.is_ipv4() { ICMP::V4 } else { ICMP::V6 };
        let client = Client::new(&Config::builder().kind(kind).build())
            .map_err(|err| not_permitted(&err))?;
        let mut pinger = client.pinger(ip, PingIdentifier(rand::random())).await;
        pinger.timeout(timeout);
        let echo = pinger.ping(PingSequence(0), &[0; 32]).await;
        timings.total_ms = Some(millis_since(started));
        Ok(match echo {
            Ok((_, rtt)) => Reading {
                ok: true,
                detail: format!("echo reply from {ip} in {:.1} ms", millis(rtt)),
                timings,
                ..Reading::default()
            },
            Err(SurgeError::Timeout { .. }) => Reading::failed(
                "",
                timings,
                format!("no echo reply from {ip} within {}", seconds(timeout)),
            ),
            Err(err) => Reading::failed("", timings, format!("ICMP: {err}")),
        })
    }
}

/// The system refused an ICMP socket: the source cannot run, and the operator
/// needs to know which of the two permissions to grant.
fn not_permitted(err: &io::Error) -> CannotRun {
    let detail = if err.kind() == io::ErrorKind::PermissionDenied {
        "ICMP echo is not permitted to the hub process: grant it CAP_NET_RAW \
         (setcap cap_net_raw+ep on the hub's binary, or AmbientCapabilities=CAP_NET_RAW \
         in its systemd unit), or allow its group unprivileged ping \
         (sysctl -w net.ipv4.ping_group_range=\"0 2147483647\")"
            .to_string()
    } else {
        format!("cannot open an ICMP socket: {err}")
    };
    CannotRun {
        status: HealthStatus::Unreachable,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_socket_names_the_missing_permission() {
        let refused = not_permitted(&io::Error::from(io::ErrorKind::PermissionDenied));
        assert_eq!(refused.status, HealthStatus::Unreachable);
        assert!(refused.detail.contains("CAP_NET_RAW"), "{}", refused.detail);
        assert!(
            refused.detail.contains("net.ipv4.ping_group_range"),
            "{}",
            refused.detail
        );
    }

    #[tokio::test]
    async fn loopback_answers_or_the_missing_permission_is_named() {
        let probe = IcmpProber::new(&IcmpProbe {
            host: "127.0.0.1".into(),
        });
        match probe.run(Duration::from_secs(5)).await {
            Ok(reading) => {
                assert!(reading.ok, "{}", reading.detail);
                assert!(reading.detail.starts_with("echo reply from 127.0.0.1"));
            }
            Err(cannot) => assert!(cannot.detail.contains("CAP_NET_RAW"), "{}", cannot.detail),
        }
    }
}
