//! A real Prometheus (Debian package `prometheus`) scraping a metric the test
//! serves, with the alerting rule of tests/integration/prometheus-rules.yml.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use axum::routing::get;
use axum::Router;

use super::Daemon;

const BINARY: &str = "/usr/bin/prometheus";

/// Prometheus on `port` scraping `target` (job `noc-test`) and `dead_target`
/// (job `noc-dead`), both `host:port`.
pub fn start_prometheus(port: u16, dir: &Path, target: &str, dead_target: &str) -> Daemon {
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/integration");
    let config = std::fs::read_to_string(templates.join("prometheus.yml"))
        .expect("prometheus.yml template")
        .replace("NOC_TEST_DEAD_TARGET", dead_target)
        .replace("NOC_TEST_TARGET", target);
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    std::fs::copy(
        templates.join("prometheus-rules.yml"),
        dir.join("prometheus-rules.yml"),
    )
    .unwrap();
    let mut command = Command::new(BINARY);
    command
        .arg(format!(
            "--config.file={}",
            dir.join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("tsdb").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"));
    Daemon::spawn(command, &dir.join("prometheus.log"), "prometheus")
}

/// Serves `noc_test_up` in the text exposition format; the test sets its value.
pub async fn serve_metric(value: Arc<AtomicU8>) -> String {
    let app = Router::new().route(
        "/metrics",
        get(move || {
            let value = value.load(Ordering::SeqCst);
            async move { format!("# TYPE noc_test_up gauge\nnoc_test_up {value}\n") }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr.to_string()
}
