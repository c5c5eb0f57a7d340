//! Probes run by a real Prometheus blackbox exporter (Debian package
//! `prometheus-blackbox-exporter`) against a web server this test serves: the
//! result comes back with the exporter's phase timings, and once the server is
//! gone the probe fails and its alarm reaches the console.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use noc_model::{
    AlarmStatus, BlackboxProbe, HealthStatus, ProbeResult, Severity, Signal, SourceDefinition,
    SourceSettings,
};
use noc_sources::{SourceContext, SystemClock};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

mod common;
use common::{free_port, source_status, start_hub, wait_for, Daemon};

const BINARY: &str = "/usr/bin/prometheus-blackbox-exporter";
const SOURCE: &str = "dc2-shop";
const MODULE: &str = "http_2xx";

fn start_exporter(port: u16, log: &Path) -> Daemon {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/integration/blackbox.yml");
    let mut command = Command::new(BINARY);
    command
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"));
    Daemon::spawn(command, log, "prometheus-blackbox-exporter")
}

async fn wait_ready(base: &str, exporter: &mut Daemon, log: &Path) {
    let http = reqwest::Client::new();
    let url = format!("{base}/-/healthy");
    exporter
        .wait_answering(
            &http,
            &url,
            "the exporter to answer /-/healthy",
            "the blackbox exporter",
            log,
        )
        .await
}

/// A web server answering every request with `200 ok` and closing the
/// connection, so that stopping it leaves nothing that still answers.
async fn serve_target() -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (format!("http://{addr}/health"), server)
}

/// A web server that accepts connections and never answers.
async fn serve_silence() -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    (format!("http://{addr}/health"), server)
}

/// The probe's results as the source sends them, without a hub.
async fn first_result(exporter: &str, target: &str) -> ProbeResult {
    let definition = SourceDefinition {
        name: SOURCE.into(),
        enabled: true,
        interval_secs: Some(1),
        timeout_secs: Some(2),
        node: None,
        settings: SourceSettings::BlackboxProbe(BlackboxProbe {
            exporter_url: exporter.into(),
            module: MODULE.into(),
            target: target.into(),
        }),
    };
    let (signals, mut signals_rx) = mpsc::channel(64);
    let (probe_results, mut results) = mpsc::channel(64);
    let shutdown = CancellationToken::new();
    let ctx = SourceContext {
        clock: Arc::new(SystemClock),
        signals,
        probe_results,
        shutdown: shutdown.clone(),
        secret: None,
    };
    noc_sources::spawn(&definition, ctx).expect("the probe starts");
    let result = tokio::time::timeout(Duration::from_secs(15), results.recv())
        .await
        .expect("a result within 15 s")
        .expect("the probe runs");
    let health = signals_rx.recv().await;
    assert!(
        matches!(&health, Some(Signal::Health(h)) if h.status == HealthStatus::Ok),
        "{health:?}"
    );
    shutdown.cancel();
    result
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blackbox_exporter_probes_for_the_console() {
    let temp = tempfile::tempdir().unwrap();
    let log = temp.path().join("blackbox.log");
    let port = free_port();
    let exporter = format!("http://127.0.0.1:{port}");
    let mut daemon = start_exporter(port, &log);
    wait_ready(&exporter, &mut daemon, &log).await;
    let (target, server) = serve_target().await;

    let result = first_result(&exporter, &target).await;
    assert!(result.ok, "{}", result.detail);
    assert_eq!(result.vantage, format!("127.0.0.1:{port}"));
    assert_eq!(result.status_code, Some(200));
    let timings = &result.timings;
    for (phase, value) in [
        ("connect", timings.connect_ms),
        ("first byte", timings.first_byte_ms),
        ("total", timings.total_ms),
    ] {
        assert!(
            value.is_some_and(|ms| ms > 0.0),
            "{phase} missing: {timings:?}"
        );
    }

    // A target that never answers: the exporter, told the probe's timeout, gives up
    // in time and reports a failed target rather than seeming gone itself.
    let (silent, silence) = serve_silence().await;
    let hanging = first_result(&exporter, &silent).await;
    assert!(!hanging.ok);
    assert_eq!(
        hanging.detail,
        format!("module {MODULE} reports failure for {silent}")
    );
    silence.abort();

    let hub = start_hub(
        temp.path(),
        &format!(
            "[[blackbox_probe]]\nname = \"{SOURCE}\"\nexporter_url = \"{exporter}\"\n\
             module = \"{MODULE}\"\ntarget = \"{target}\"\nnode = \"shop-web\"\n\
             interval_secs = 1\ntimeout_secs = 2\n"
        ),
    )
    .await;
    let console = hub.console.clone();
    wait_for("the probe to report ok", Duration::from_secs(30), || {
        let console = console.clone();
        async move {
            (source_status(&console.snapshot().await, SOURCE) == Some(HealthStatus::Ok))
                .then_some(())
        }
    })
    .await;

    // The target goes away: the exporter reports failure, the console an alarm,
    // and the source itself stays healthy.
    server.abort();
    let snapshot = wait_for("the probe's alarm", Duration::from_secs(30), || {
        let console = console.clone();
        async move {
            let snapshot = console.snapshot().await;
            snapshot
                .alarms
                .iter()
                .any(|a| a.source == SOURCE && a.status == AlarmStatus::Active)
                .then_some(snapshot)
        }
    })
    .await;
    let alarm = snapshot.alarms.iter().find(|a| a.source == SOURCE).unwrap();
    assert_eq!(alarm.title, format!("Blackbox probe {SOURCE} failing"));
    assert_eq!(alarm.node.as_deref(), Some("shop-web"));
    assert_eq!(alarm.severity, Severity::Major);
    assert_eq!(source_status(&snapshot, SOURCE), Some(HealthStatus::Ok));

    daemon.kill();
    hub.shutdown().await;
}
