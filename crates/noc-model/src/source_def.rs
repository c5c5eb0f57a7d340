//! What a source is (its definition, as configured in `noc.toml` or from the Sources
//! page) as opposed to how it is doing (its [`crate::SourceHealth`]).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::probe::{BlackboxProbe, DnsProbe, HttpProbe, IcmpProbe, TcpProbe};
use crate::HealthStatus;

/// Where a secret is kept. Only this reference travels through the API and the log;
/// the value is read by the hub when the source starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum SecretRef {
    /// An environment variable of the hub process.
    Env { name: String },
    /// An entry of the operating system's keyring (service `noc-console`).
    Keyring { entry: String },
}

/// HTTP credentials: with `user`, basic authentication with the secret as password;
/// without, the secret is sent as a bearer token.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct HttpAuth {
    #[serde(default)]
    pub user: Option<String>,
    pub secret: SecretRef,
}

/// A PromQL instant query whose value is shown as a KPI (tiles, the wall).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct KpiQuery {
    pub name: String,
    pub query: String,
    #[serde(default)]
    pub unit: Option<String>,
}

/// One configured source.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct SourceDefinition {
    /// Unique among sources; part of every alarm fingerprint of this source.
    pub name: String,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    #[serde(default)]
    pub interval_secs: Option<u32>,
    #[serde(default)]
    pub timeout_secs: Option<u32>,
    /// Optional topology node the source's alarms belong to when they name none.
    #[serde(default)]
    pub node: Option<String>,
    pub settings: SourceSettings,
}

fn enabled_by_default() -> bool {
    true
}

/// A source that knows the estate describes it unless told not to: the topology
/// then fills itself and alarms land on known nodes.
fn discover_by_default() -> bool {
    true
}

/// The kind of a source and what only that kind needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceSettings {
    /// One Alertmanager, or the members of one HA cluster (their alerts deduplicated).
    Alertmanager {
        urls: Vec<String>,
        #[serde(default)]
        auth: Option<HttpAuth>,
    },
    Prometheus {
        url: String,
        #[serde(default)]
        auth: Option<HttpAuth>,
        /// Report scrape targets that are down as alarms on their node.
        #[serde(default)]
        targets: bool,
        #[serde(default)]
        kpis: Vec<KpiQuery>,
        /// Discover the topology from the scrape targets and their labels
        /// (docs/discovery.md); on unless turned off.
        #[serde(default = "discover_by_default")]
        discover_topology: bool,
    },
    /// Zabbix JSON-RPC API (`.../api_jsonrpc.php`). With `user`, the secret is the
    /// password (`user.login`); without, it is an API token.
    Zabbix {
        url: String,
        #[serde(default)]
        user: Option<String>,
        secret: SecretRef,
        /// Discover the topology from the hosts and host groups (docs/discovery.md);
        /// on unless turned off.
        #[serde(default = "discover_by_default")]
        discover_topology: bool,
    },
    HttpProbe(HttpProbe),
    TcpProbe(TcpProbe),
    DnsProbe(DnsProbe),
    IcmpProbe(IcmpProbe),
    /// A probe run by a Prometheus blackbox exporter (e.g. one in another data centre).
    BlackboxProbe(BlackboxProbe),
}

impl SourceSettings {
    /// The `kind` word, as in health reports and the API.
    pub fn kind(&self) -> &'static str {
        match self {
            SourceSettings::Alertmanager { .. } => "alertmanager",
            SourceSettings::Prometheus { .. } => "prometheus",
            SourceSettings::Zabbix { .. } => "zabbix",
            SourceSettings::HttpProbe(_) => "http_probe",
            SourceSettings::TcpProbe(_) => "tcp_probe",
            SourceSettings::DnsProbe(_) => "dns_probe",
            SourceSettings::IcmpProbe(_) => "icmp_probe",
            SourceSettings::BlackboxProbe(_) => "blackbox_probe",
        }
    }

    /// Whether the source sends its view of the topology (`source:<name>`).
    pub fn discovers_topology(&self) -> bool {
        match self {
            SourceSettings::Prometheus {
                discover_topology, ..
            }
            | SourceSettings::Zabbix {
                discover_topology, ..
            } => *discover_topology,
            _ => false,
        }
    }

    pub fn is_probe(&self) -> bool {
        matches!(
            self,
            SourceSettings::HttpProbe(_)
                | SourceSettings::TcpProbe(_)
                | SourceSettings::DnsProbe(_)
                | SourceSettings::IcmpProbe(_)
                | SourceSettings::BlackboxProbe(_)
        )
    }
}

impl SourceDefinition {
    /// The one secret this source needs, if any.
    pub fn secret_ref(&self) -> Option<&SecretRef> {
        match &self.settings {
            SourceSettings::Alertmanager { auth, .. } | SourceSettings::Prometheus { auth, .. } => {
                auth.as_ref().map(|a| &a.secret)
            }
            SourceSettings::Zabbix { secret, .. } => Some(secret),
            SourceSettings::HttpProbe(probe) => probe.auth.as_ref().map(|a| &a.secret),
            _ => None,
        }
    }

    /// The same definition with its secret kept elsewhere (after the Sources page
    /// stored a typed-in secret in the keyring).
    pub fn set_secret_ref(&mut self, secret: SecretRef) {
        match &mut self.settings {
            SourceSettings::Alertmanager { auth, .. } | SourceSettings::Prometheus { auth, .. } => {
                let user = auth.as_ref().and_then(|a| a.user.clone());
                *auth = Some(HttpAuth { user, secret });
            }
            SourceSettings::Zabbix { secret: s, .. } => *s = secret,
            SourceSettings::HttpProbe(probe) => {
                let user = probe.auth.as_ref().and_then(|a| a.user.clone());
                probe.auth = Some(HttpAuth { user, secret });
            }
            _ => {}
        }
    }
}

/// Where a definition comes from: the configuration file (read-only in the UI) or
/// the Sources page (stored in the event log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceOrigin {
    File,
    Console,
}

/// The answer of "test connection": what one real attempt to read the source gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct CheckReport {
    pub status: HealthStatus,
    /// The error, or what was found ("12 alerts", "HTTP 200 in 84 ms").
    pub detail: String,
    #[ts(type = "number")]
    pub took_ms: u64,
    /// The software version the source reported, when it tells.
    pub version: Option<String>,
}
