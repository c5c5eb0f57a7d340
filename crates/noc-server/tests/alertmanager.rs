//! The hub against a real Prometheus Alertmanager (Debian package
//! `prometheus-alertmanager`): an alert posted there shows on the console, and
//! losing Alertmanager turns the source unreachable without clearing the alarm.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use noc_model::{AlarmStatus, HealthStatus, Snapshot};
use noc_server::{start, HubOptions};

mod common;
use common::{free_port, source_status, wait_for, Daemon};

const BINARY: &str = "/usr/bin/prometheus-alertmanager";
const SOURCE: &str = "lab-am";

fn start_alertmanager(port: u16, storage: &Path, log: &Path) -> Daemon {
    let config =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/integration/alertmanager.yml");
    let mut command = Command::new(BINARY);
    command
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.path={}", storage.display()))
        // Empty: no cluster gossip, so nothing listens beyond the web port.
        .arg("--cluster.listen-address=")
        .arg(format!("--web.listen-address=127.0.0.1:{port}"));
    Daemon::spawn(command, log, "prometheus-alertmanager")
}

async fn wait_ready(http: &reqwest::Client, base: &str, am: &mut Daemon, log: &Path) {
    let url = format!("{base}/-/ready");
    wait_for(
        "Alertmanager to answer /-/ready",
        Duration::from_secs(30),
        || {
            if let Ok(Some(status)) = am.child.try_wait() {
                let log = std::fs::read_to_string(log).unwrap_or_default();
                panic!("Alertmanager exited with {status}:\n{log}");
            }
            let request = http.get(&url).send();
            async move {
                match request.await {
                    Ok(response) if response.status().is_success() => Some(()),
                    _ => None,
                }
            }
        },
    )
    .await
}

/// RFC 3339 UTC time `ahead` from now, as Alertmanager's API wants it.
fn rfc3339_in(ahead: Duration) -> String {
    let secs = (SystemTime::now() + ahead)
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

fn node_down_is_active(snapshot: &Snapshot) -> bool {
    snapshot.alarms.iter().any(|a| {
        a.source == SOURCE && a.title.starts_with("NodeDown") && a.status == AlarmStatus::Active
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn alerts_from_a_real_alertmanager_reach_the_console() {
    let temp = tempfile::tempdir().unwrap();
    let storage: PathBuf = temp.path().join("alertmanager");
    std::fs::create_dir_all(&storage).unwrap();
    let log = temp.path().join("alertmanager.log");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();

    let mut am = start_alertmanager(port, &storage, &log);
    wait_ready(&http, &base, &mut am, &log).await;

    let config = temp.path().join("noc.toml");
    std::fs::write(
        &config,
        format!("[[alertmanager]]\nname = \"{SOURCE}\"\nurl = \"{base}\"\ninterval_secs = 1\ntimeout_secs = 1\n"),
    )
    .unwrap();
    let mut options = HubOptions::loopback(temp.path().join("data"));
    options.demo = None;
    options.config = Some(config);
    let hub = start(options).await.expect("hub starts");
    let console = hub.console.clone();

    let alert = serde_json::json!([{
        "labels": {"alertname": "NodeDown", "instance": "core-sw1:9100", "severity": "critical"},
        "annotations": {"summary": "Node down"},
        "endsAt": rfc3339_in(Duration::from_secs(3600)),
    }]);
    let posted = http
        .post(format!("{base}/api/v2/alerts"))
        .json(&alert)
        .send()
        .await
        .expect("POST /api/v2/alerts");
    assert!(
        posted.status().is_success(),
        "POST answered {}",
        posted.status()
    );

    wait_for("the alarm on the console", Duration::from_secs(30), || {
        let console = console.clone();
        async move {
            let snapshot = console.snapshot().await;
            (node_down_is_active(&snapshot)
                && source_status(&snapshot, SOURCE) == Some(HealthStatus::Ok))
            .then_some(())
        }
    })
    .await;

    // Alertmanager goes away: the source says so, and the alarm stays.
    am.kill();
    let snapshot = wait_for(
        "the source to turn unreachable",
        Duration::from_secs(30),
        || {
            let console = console.clone();
            async move {
                let snapshot = console.snapshot().await;
                (source_status(&snapshot, SOURCE) == Some(HealthStatus::Unreachable))
                    .then_some(snapshot)
            }
        },
    )
    .await;
    assert!(
        node_down_is_active(&snapshot),
        "losing Alertmanager cleared the alarm"
    );

    let mut am = start_alertmanager(port, &storage, &log);
    wait_ready(&http, &base, &mut am, &log).await;
    wait_for("the source to be ok again", Duration::from_secs(30), || {
        let console = console.clone();
        async move {
            (source_status(&console.snapshot().await, SOURCE) == Some(HealthStatus::Ok))
                .then_some(())
        }
    })
    .await;

    am.kill();
    hub.shutdown().await;
}
