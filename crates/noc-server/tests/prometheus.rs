//! The hub against a real Prometheus (Debian package `prometheus`): Prometheus
//! scrapes a metric this test serves, an alerting rule fires while the metric is 0,
//! and the alarm appears on the console within a poll interval and a second of
//! Prometheus reporting it, and clears when the metric is back to 1. A scrape
//! target where nothing listens is an alarm on its node, KPI queries are read, and
//! losing Prometheus turns the source unreachable.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use noc_model::{AlarmStatus, HealthStatus, Snapshot};

mod common;
use common::prometheus::{serve_metric, start_prometheus};
use common::{free_port, source_status, start_hub, wait_for, Daemon};

const SOURCE: &str = "lab-prom";
const ALERT: &str = "TestNodeDown";

fn alert_is_active(snapshot: &Snapshot) -> bool {
    snapshot.alarms.iter().any(|a| {
        a.source == SOURCE && a.title.starts_with(ALERT) && a.status == AlarmStatus::Active
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn alerts_from_a_real_prometheus_reach_the_console_and_clear() {
    let temp = tempfile::tempdir().unwrap();
    let up = Arc::new(AtomicU8::new(1));
    let target = serve_metric(up.clone()).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let dead_port = free_port();
    let dead_target = format!("127.0.0.1:{dead_port}");
    let mut prometheus = start_prometheus(port, temp.path(), &target, &dead_target);

    let hub = start_hub(
        temp.path(),
        &format!(
            "[[prometheus]]\nname = \"{SOURCE}\"\nurl = \"{base}\"\ninterval_secs = 1\n\
             timeout_secs = 1\ntargets = true\n\n\
             [[prometheus.kpi]]\nname = \"answer\"\nquery = \"vector(42)\"\n\n\
             [[prometheus.kpi]]\nname = \"test up\"\nquery = \"up{{job=\\\"noc-test\\\"}}\"\n\n\
             [[prometheus.kpi]]\nname = \"every target\"\nquery = \"up\"\n"
        ),
    )
    .await;
    let console = hub.console.clone();
    let log = temp.path().join("prometheus.log");
    let exited = |prometheus: &mut Daemon| {
        if let Ok(Some(status)) = prometheus.child.try_wait() {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("Prometheus exited with {status}:\n{log}");
        }
    };

    // Up and healthy, nothing firing yet.
    wait_for("the source to be ok", Duration::from_secs(60), || {
        exited(&mut prometheus);
        let console = console.clone();
        async move {
            (source_status(&console.snapshot().await, SOURCE) == Some(HealthStatus::Ok))
                .then_some(())
        }
    })
    .await;

    // The target where nothing listens is an alarm on its node; KPIs are read.
    let target_down = wait_for("the target-down alarm", Duration::from_secs(60), || {
        exited(&mut prometheus);
        let console = console.clone();
        async move {
            console.snapshot().await.alarms.into_iter().find(|a| {
                a.source == SOURCE
                    && a.fingerprint.contains("target/noc-dead/")
                    && a.status == AlarmStatus::Active
            })
        }
    })
    .await;
    assert_eq!(target_down.node.as_deref(), Some("127.0.0.1"));
    assert_eq!(target_down.severity, noc_model::Severity::Major);
    assert!(
        target_down.text.contains("connection refused"),
        "{}",
        target_down.text
    );
    let kpi = |name: &'static str| {
        let console = console.clone();
        move || {
            let reading = console
                .kpis()
                .into_iter()
                .find(|k| k.source == SOURCE && k.name == name);
            async move { reading }
        }
    };
    let answer = wait_for("the KPI reading", Duration::from_secs(30), kpi("answer")).await;
    assert_eq!(answer.value, Some(42.0));
    let test_up = wait_for("the up KPI", Duration::from_secs(30), kpi("test up")).await;
    assert_eq!(test_up.value, Some(1.0));
    let every = wait_for(
        "the KPI over two series",
        Duration::from_secs(30),
        kpi("every target"),
    )
    .await;
    assert_eq!(every.value, None);
    assert!(every.error.unwrap().contains("2 series"));
    assert_eq!(
        source_status(&console.snapshot().await, SOURCE),
        Some(HealthStatus::Ok),
        "a KPI without a single value made the source unhealthy"
    );

    // The node goes down: the rule fires, and the alarm shows within one poll
    // interval (1 s) and a second of Prometheus itself reporting it firing.
    up.store(0, Ordering::SeqCst);
    let http = reqwest::Client::new();
    let alerts_url = format!("{base}/api/v1/alerts");
    let firing_in_prometheus = wait_for("Prometheus to fire", Duration::from_secs(60), || {
        exited(&mut prometheus);
        let request = http.get(&alerts_url).send();
        async move {
            let body: serde_json::Value = request.await.ok()?.json().await.ok()?;
            body["data"]["alerts"]
                .as_array()?
                .iter()
                .any(|a| a["labels"]["alertname"] == ALERT && a["state"] == "firing")
                .then(Instant::now)
        }
    })
    .await;
    let snapshot = loop {
        let snapshot = console.snapshot().await;
        if alert_is_active(&snapshot) {
            break snapshot;
        }
        assert!(
            firing_in_prometheus.elapsed() < Duration::from_secs(10),
            "the alarm did not reach the console"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let lag = firing_in_prometheus.elapsed();
    assert!(
        lag <= Duration::from_secs(2),
        "the alarm reached the console {lag:?} after Prometheus reported it firing"
    );
    let alarm = snapshot
        .alarms
        .iter()
        .find(|a| a.source == SOURCE && a.title.starts_with(ALERT))
        .unwrap();
    assert_eq!(alarm.severity, noc_model::Severity::Critical);

    // Back up: the alert leaves Prometheus' list and the alarm is no longer active.
    up.store(1, Ordering::SeqCst);
    wait_for("the alarm to clear", Duration::from_secs(60), || {
        exited(&mut prometheus);
        let console = console.clone();
        async move { (!alert_is_active(&console.snapshot().await)).then_some(()) }
    })
    .await;

    // Prometheus goes away: the source says so.
    prometheus.kill();
    wait_for(
        "the source to turn unreachable",
        Duration::from_secs(30),
        || {
            let console = console.clone();
            async move {
                (source_status(&console.snapshot().await, SOURCE)
                    == Some(HealthStatus::Unreachable))
                .then_some(())
            }
        },
    )
    .await;

    hub.shutdown().await;
}
