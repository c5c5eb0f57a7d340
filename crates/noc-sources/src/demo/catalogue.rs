//! What each kind of node says when it fails: alert names, titles, texts and
//! severities in the style of real Prometheus / Zabbix rules.

use noc_model::Severity::{self, Critical, Major, Minor, Warning};

use super::network::Product;

/// One kind of alarm a node can raise.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Template {
    pub alertname: &'static str,
    pub title: &'static str,
    /// `{node}` and `{cause}` are filled in.
    pub text: &'static str,
    pub severity: Severity,
    /// How strongly a fault of this kind spreads to dependents (0 = stays local).
    pub spread: f64,
}

/// A struct literal (not a `const fn` call) so that `&[t!(..)]` is promoted to `'static`.
macro_rules! t {
    ($alertname:expr, $title:expr, $text:expr, $severity:expr, $spread:expr $(,)?) => {
        Template {
            alertname: $alertname,
            title: $title,
            text: $text,
            severity: $severity,
            spread: $spread,
        }
    };
}

/// Alarms a node raises when the fault starts on it.
pub(crate) fn causes(product: Product) -> &'static [Template] {
    match product {
        Product::Site => &[],
        Product::Link => &[
            t!(
                "LinkDown",
                "DCI link down",
                "Optical receive power on {node} fell below -28 dBm; the link is down",
                Critical,
                1.0,
            ),
            t!(
                "LinkLatencyHigh",
                "Link latency high",
                "Round-trip time over {node} is 38 ms (baseline 2 ms)",
                Major,
                0.3,
            ),
        ],
        Product::Firewall => &[
            t!(
                "FirewallSessionTableFull",
                "Session table almost full",
                "{node}: 96 % of the session table in use; new connections are being dropped",
                Major,
                0.8,
            ),
            t!(
                "FirewallHaFailover",
                "HA failover",
                "{node}: the standby unit took over after a heartbeat loss",
                Major,
                0.5,
            ),
        ],
        Product::Router => &[
            t!(
                "BgpPeerDown",
                "BGP peer down",
                "{node}: BGP session to the peer went Idle (hold timer expired)",
                Critical,
                1.0,
            ),
            t!(
                "RouterCpuHigh",
                "Router CPU high",
                "{node}: control-plane CPU at 97 % for 5 min",
                Major,
                0.3,
            ),
        ],
        Product::CoreSwitch | Product::AccessSwitch => &[
            t!(
                "InterfaceDown",
                "Uplink interface down",
                "{node}: TenGigE1/0/49 oper-status changed to down",
                Critical,
                1.0,
            ),
            t!(
                "SwitchCpuHigh",
                "Switch CPU high",
                "{node}: CPU at 92 % for 5 min",
                Major,
                0.2,
            ),
            t!(
                "InterfaceErrors",
                "CRC errors on interface",
                "{node}: 1,840 CRC errors/min on TenGigE1/0/12",
                Minor,
                0.1,
            ),
        ],
        Product::Host => &[
            t!(
                "HostDown",
                "Host down",
                "{node} has not answered ICMP or node_exporter for 60 s",
                Critical,
                1.0,
            ),
            t!(
                "HostHighCpuLoad",
                "CPU load high",
                "{node}: 15-minute load average 61.3 on 32 cores",
                Major,
                0.4,
            ),
            t!(
                "HostDiskFull",
                "Filesystem /data 98 % full",
                "{node}: /data has 2.1 GB left of 100 GB",
                Major,
                0.5,
            ),
            t!(
                "HostMemoryPressure",
                "Memory pressure",
                "{node}: 97 % memory used, OOM killer active",
                Major,
                0.6,
            ),
        ],
        Product::Nginx => &[
            t!(
                "NginxDown",
                "nginx down",
                "{node}: no nginx worker process; port 443 refuses connections",
                Critical,
                1.0,
            ),
            t!(
                "Nginx5xxHigh",
                "5xx rate high",
                "{node}: 12.4 % of responses are 5xx over 5 min",
                Major,
                0.6,
            ),
        ],
        Product::Redis => &[
            t!(
                "RedisDown",
                "Redis down",
                "{node}: redis_up == 0 for 1 min",
                Critical,
                1.0,
            ),
            t!(
                "RedisMemoryHigh",
                "Redis memory high",
                "{node}: used_memory at 95 % of maxmemory; evictions 3,200/s",
                Major,
                0.5,
            ),
            t!(
                "RedisReplicationBroken",
                "Redis replication broken",
                "{node}: replica link down for 90 s",
                Major,
                0.3,
            ),
        ],
        Product::Kafka => &[
            t!(
                "KafkaBrokerDown",
                "Kafka broker down",
                "{node}: broker left the cluster",
                Critical,
                1.0,
            ),
            t!(
                "KafkaUnderReplicatedPartitions",
                "Under-replicated partitions",
                "{node}: 37 partitions under-replicated",
                Major,
                0.5,
            ),
            t!(
                "KafkaConsumerLagHigh",
                "Consumer lag high",
                "{node}: consumer group payment-events lags 184,000 messages",
                Major,
                0.6,
            ),
        ],
        Product::ZooKeeper => &[
            t!(
                "ZookeeperDown",
                "ZooKeeper down",
                "{node}: ruok check failed for 60 s",
                Critical,
                1.0,
            ),
            t!(
                "ZookeeperLeaderElection",
                "Leader election in progress",
                "{node}: no leader for 25 s",
                Major,
                0.7,
            ),
        ],
        Product::MySql => &[
            t!(
                "MysqlDown",
                "MySQL down",
                "{node}: mysql_up == 0; connections refused on 3306",
                Critical,
                1.0,
            ),
            t!(
                "MysqlTooManyConnections",
                "Too many connections",
                "{node}: 1,950 of 2,000 max_connections used",
                Major,
                0.8,
            ),
            t!(
                "MysqlReplicationLag",
                "Replication lag",
                "{node}: replica 184 s behind the primary",
                Major,
                0.3,
            ),
            t!(
                "MysqlSlowQueries",
                "Slow queries",
                "{node}: 240 slow queries/min (>1 s)",
                Minor,
                0.4,
            ),
        ],
        Product::Service => &[
            t!(
                "ServiceErrorRateHigh",
                "HTTP 5xx rate high",
                "{node}: 8.3 % of requests fail with 5xx",
                Major,
                0.8,
            ),
            t!(
                "ServiceLatencyHigh",
                "p99 latency high",
                "{node}: p99 latency 2.4 s (SLO 300 ms)",
                Minor,
                0.5,
            ),
            t!(
                "ServiceCrashLooping",
                "Instances restarting",
                "{node}: 3 of 4 instances restarted 5 times in 10 min",
                Major,
                0.7,
            ),
        ],
        Product::Business => &[
            t!(
                "TransactionSuccessRateLow",
                "Transaction success rate low",
                "{node}: success rate 93.1 % over 5 min (target 99.9 %)",
                Major,
                0.0,
            ),
            t!(
                "SyntheticCheckFailed",
                "Dial test failed",
                "{node}: synthetic login check failed from 3 of 4 probe points",
                Major,
                0.0,
            ),
        ],
    }
}

/// The alarm a node raises because something it needs (`cause`) failed.
pub(crate) fn symptom(product: Product, cause: Product) -> Template {
    match (product, cause) {
        (Product::Host, _) => t!(
            "HostUnreachable",
            "Host unreachable",
            "{node}: 100 % ICMP loss from the monitoring network (upstream {cause})",
            Critical,
            1.0,
        ),
        (Product::CoreSwitch | Product::AccessSwitch, _) => t!(
            "UplinkLost",
            "Uplink lost",
            "{node}: uplink to {cause} down; traffic on the backup path",
            Major,
            1.0,
        ),
        (Product::Router, _) => t!(
            "BgpPeerDown",
            "BGP peer down",
            "{node}: BGP session over {cause} went Idle",
            Critical,
            1.0,
        ),
        (Product::Firewall, _) => t!(
            "FirewallPathDown",
            "Firewall path down",
            "{node}: next hop {cause} unreachable",
            Major,
            1.0,
        ),
        (Product::Nginx, Product::Host) => t!(
            "NginxDown",
            "nginx down",
            "{node}: no answer on 443 ({cause} unreachable)",
            Critical,
            1.0,
        ),
        (Product::Nginx, _) => t!(
            "NginxUpstreamErrors",
            "Upstream errors",
            "{node}: 27 % of requests get 502/504 via {cause}",
            Major,
            1.0,
        ),
        (Product::Redis, _) => t!(
            "RedisDown",
            "Redis down",
            "{node}: redis_up == 0 ({cause} unreachable)",
            Critical,
            1.0,
        ),
        (Product::Kafka, Product::ZooKeeper) => t!(
            "KafkaControllerLost",
            "Kafka controller lost",
            "{node}: no active controller; session to {cause} expired",
            Critical,
            1.0,
        ),
        (Product::Kafka, _) => t!(
            "KafkaBrokerDown",
            "Kafka broker down",
            "{node}: broker left the cluster ({cause} unreachable)",
            Critical,
            1.0,
        ),
        (Product::ZooKeeper, _) => t!(
            "ZookeeperDown",
            "ZooKeeper down",
            "{node}: ruok check failed ({cause} unreachable)",
            Critical,
            1.0,
        ),
        (Product::MySql, _) => t!(
            "MysqlDown",
            "MySQL down",
            "{node}: mysql_up == 0 ({cause} unreachable)",
            Critical,
            1.0,
        ),
        (Product::Service, Product::Host) => t!(
            "ServiceInstancesDown",
            "Instances down",
            "{node}: instances on {cause} stopped answering health checks",
            Major,
            1.0,
        ),
        (Product::Service, _) => t!(
            "ServiceDependencyErrors",
            "Dependency calls failing",
            "{node}: 41 % of calls to {cause} time out",
            Major,
            1.0,
        ),
        (Product::Business, _) => t!(
            "TransactionSuccessRateLow",
            "Transaction success rate low",
            "{node}: success rate 82.4 % over 5 min (target 99.9 %); failing calls in {cause}",
            Critical,
            0.0,
        ),
        (Product::Site | Product::Link, _) => t!(
            "LinkDown",
            "Link down",
            "{node}: carrier lost towards {cause}",
            Critical,
            1.0,
        ),
    }
}

/// Standalone warnings that come and go on their own (flapping).
pub(crate) fn wobbles(product: Product) -> &'static [Template] {
    match product {
        Product::Host => &[
            t!(
                "NtpOffsetHigh",
                "Clock offset high",
                "{node}: NTP offset 180 ms",
                Warning,
                0.0,
            ),
            t!(
                "HostDiskSpaceLow",
                "Filesystem /var 85 % full",
                "{node}: /var has 3.0 GB left of 20 GB",
                Warning,
                0.0,
            ),
        ],
        Product::Nginx => &[t!(
            "CertificateExpiring",
            "TLS certificate expires soon",
            "{node}: certificate for *.example.cn expires in 12 days",
            Warning,
            0.0,
        )],
        Product::Link | Product::AccessSwitch | Product::CoreSwitch => &[t!(
            "PacketLoss",
            "Packet loss",
            "{node}: 0.4 % packet loss over 5 min",
            Warning,
            0.0,
        )],
        Product::Service => &[t!(
            "ServiceSaturation",
            "Thread pool busy",
            "{node}: 85 % of worker threads busy",
            Warning,
            0.0,
        )],
        _ => &[],
    }
}
