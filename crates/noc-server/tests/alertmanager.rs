//! The hub against a real Prometheus Alertmanager (Debian package
//! `prometheus-alertmanager`): an alert posted there shows on the console, and
//! losing Alertmanager turns the source unreachable without clearing the alarm;
//! two Alertmanagers as one HA source show an alert once and a lost member as
//! degraded; silences created and expired through the hub's API are real.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use noc_api::Console;
use noc_model::{AlarmStatus, Clock, HealthStatus, Snapshot};
use noc_server::RunningHub;
use noc_sources::alertmanager::time;
use noc_sources::SystemClock;

mod common;
use common::{
    acknowledge_with_write_back, as_operator, free_port, source_status, start_hub, wait_for,
    wait_on_timeline, Daemon,
};

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
    am.wait_answering(
        http,
        &url,
        "Alertmanager to answer /-/ready",
        "Alertmanager",
        log,
    )
    .await
}

/// RFC 3339 UTC time `ahead` from now, as Alertmanager's API wants it.
fn rfc3339_in(ahead: Duration) -> String {
    time::format(SystemClock.now() + ahead.as_millis() as i64)
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
    let http = client();

    let mut am = start_alertmanager(port, &storage, &log);
    wait_ready(&http, &base, &mut am, &log).await;

    let hub = start_hub(
        temp.path(),
        &format!("[[alertmanager]]\nname = \"{SOURCE}\"\nurl = \"{base}\"\ninterval_secs = 1\ntimeout_secs = 1\n"),
    )
    .await;
    let console = hub.console.clone();

    post_node_down(&http, &base).await;
    wait_for_node_down(&console).await;

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

/// A running Alertmanager with its own port and storage in `dir`.
struct Member {
    base: String,
    daemon: Daemon,
}

async fn start_member(http: &reqwest::Client, dir: &Path, name: &str) -> Member {
    let storage = dir.join(name);
    std::fs::create_dir_all(&storage).unwrap();
    let log = dir.join(format!("{name}.log"));
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut daemon = start_alertmanager(port, &storage, &log);
    wait_ready(http, &base, &mut daemon, &log).await;
    Member { base, daemon }
}

async fn post_node_down(http: &reqwest::Client, base: &str) {
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
}

/// Waits for NodeDown on the console with the source reporting ok.
async fn wait_for_node_down(console: &Console) {
    wait_for(
        "the alarm on the console",
        Duration::from_secs(30),
        || async {
            let snapshot = console.snapshot().await;
            (node_down_is_active(&snapshot)
                && source_status(&snapshot, SOURCE) == Some(HealthStatus::Ok))
            .then_some(())
        },
    )
    .await;
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_alertmanagers_as_one_source_show_an_alert_once_and_a_lost_member_as_degraded() {
    let temp = tempfile::tempdir().unwrap();
    let http = client();
    let first = start_member(&http, temp.path(), "am-a").await;
    let mut second = start_member(&http, temp.path(), "am-b").await;
    let hub = start_hub(
        temp.path(),
        &format!(
            "[[alertmanager]]\nname = \"{SOURCE}\"\nurls = [\"{}\", \"{}\"]\n\
             interval_secs = 1\ntimeout_secs = 1\n",
            first.base, second.base
        ),
    )
    .await;
    let console = hub.console.clone();
    post_node_down(&http, &first.base).await;
    post_node_down(&http, &second.base).await;

    wait_for_node_down(&console).await;
    // Several polls of both members later, still one alarm.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let snapshot = console.snapshot().await;
    let node_down: Vec<_> = snapshot
        .alarms
        .iter()
        .filter(|a| a.source == SOURCE && a.title.starts_with("NodeDown"))
        .collect();
    assert_eq!(node_down.len(), 1, "{node_down:?}");

    second.daemon.kill();
    let health = wait_for(
        "the source to turn degraded",
        Duration::from_secs(30),
        || {
            let console = console.clone();
            async move {
                console
                    .snapshot()
                    .await
                    .sources
                    .into_iter()
                    .find(|s| s.source == SOURCE && s.status == HealthStatus::Degraded)
            }
        },
    )
    .await;
    assert!(health.detail.contains(&second.base), "{}", health.detail);
    assert!(
        health
            .detail
            .contains(&format!("{} answers (Alertmanager 0.", first.base)),
        "{}",
        health.detail
    );
    assert!(node_down_is_active(&console.snapshot().await));

    hub.shutdown().await;
}

/// A request to the hub's API as the operator `alice`.
fn as_alice(request: reqwest::RequestBuilder, hub: &RunningHub) -> reqwest::RequestBuilder {
    as_operator(request, hub, "alice")
}

async fn post_as_alice(
    http: &reqwest::Client,
    hub: &RunningHub,
    url: &str,
    request: &serde_json::Value,
) -> reqwest::Response {
    as_alice(http.post(url), hub)
        .json(request)
        .send()
        .await
        .unwrap()
}

async fn delete_as_alice(http: &reqwest::Client, hub: &RunningHub, url: &str) -> reqwest::Response {
    as_alice(http.delete(url), hub).send().await.unwrap()
}

async fn alertmanager_silence(http: &reqwest::Client, base: &str, id: &str) -> serde_json::Value {
    json_of(http.get(format!("{base}/api/v2/silence/{id}"))).await
}

/// The JSON body of the answer to `request`.
async fn json_of<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    request.send().await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn silences_created_and_expired_through_the_hub_are_real_and_logged() {
    let temp = tempfile::tempdir().unwrap();
    let http = client();
    let member = start_member(&http, temp.path(), "am").await;
    let hub = start_hub(
        temp.path(),
        &format!(
            "[[alertmanager]]\nname = \"{SOURCE}\"\nurl = \"{}\"\ninterval_secs = 1\n",
            member.base
        ),
    )
    .await;
    let silences = format!("{}api/sources/{SOURCE}/silences", hub.url);

    let request = serde_json::json!({
        "matchers": [{"name": "alertname", "value": "NodeDown"}],
        "duration_minutes": 90,
        "comment": "core-sw1 line card swap, change 4711",
    });
    let answer = post_as_alice(&http, &hub, &silences, &request).await;
    assert_eq!(answer.status(), reqwest::StatusCode::CREATED);
    let created: serde_json::Value = answer.json().await.unwrap();
    let id = created["id"].as_str().expect("silence id").to_string();
    assert_eq!(created["state"], "active");

    // Alertmanager's own list has it, by alice and with the comment.
    let listed: Vec<serde_json::Value> =
        json_of(http.get(format!("{}/api/v2/silences", member.base))).await;
    let mine = listed
        .iter()
        .find(|s| s["id"] == id.as_str())
        .expect("in Alertmanager");
    assert_eq!(mine["createdBy"], "alice");
    assert_eq!(mine["comment"], "core-sw1 line card swap, change 4711");
    assert_eq!(mine["matchers"][0]["name"], "alertname");
    assert_eq!(mine["status"]["state"], "active");

    // The hub lists it too, and the log says who did it.
    let through_hub: Vec<serde_json::Value> = json_of(as_alice(http.get(&silences), &hub)).await;
    assert!(through_hub.iter().any(|s| s["id"] == id.as_str()));
    let events = hub.console.events_after(0, None).await.unwrap().events;
    let logged = events
        .iter()
        .find(|e| e.body.kind() == "silence_created")
        .expect("silence_created in the log");
    assert_eq!(logged.actor, "alice");
    assert_eq!(logged.subject, format!("source:{SOURCE}"));

    // Refusals: no comment is ours (400), a broken regex is Alertmanager's (502).
    let no_comment = serde_json::json!({"matchers": [{"name": "a", "value": "b"}], "duration_minutes": 5, "comment": " "});
    let answer = post_as_alice(&http, &hub, &silences, &no_comment).await;
    assert_eq!(answer.status(), reqwest::StatusCode::BAD_REQUEST);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["code"], "silence_comment_required");
    for (request, code) in [
        (
            serde_json::json!({"matchers": [{"name": "a", "value": "b"}], "duration_minutes": 0, "comment": "x"}),
            "silence_duration_invalid",
        ),
        (
            serde_json::json!({"matchers": [{"name": "a", "value": "b"}], "duration_minutes": 43_201, "comment": "x"}),
            "silence_duration_invalid",
        ),
        (
            serde_json::json!({"matchers": [], "duration_minutes": 5, "comment": "x"}),
            "silence_matchers_required",
        ),
    ] {
        let answer = post_as_alice(&http, &hub, &silences, &request).await;
        assert_eq!(answer.status(), reqwest::StatusCode::BAD_REQUEST);
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(body["code"], code, "{request}");
    }
    let elsewhere = format!("{}api/sources/no-such-source/silences", hub.url);
    let answer = post_as_alice(&http, &hub, &elsewhere, &request).await;
    assert_eq!(answer.status(), reqwest::StatusCode::NOT_FOUND);
    let bad_regex = serde_json::json!({
        "matchers": [{"name": "instance", "value": "core-(", "is_regex": true}],
        "duration_minutes": 5,
        "comment": "typo",
    });
    let answer = post_as_alice(&http, &hub, &silences, &bad_regex).await;
    assert_eq!(answer.status(), reqwest::StatusCode::BAD_GATEWAY);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["code"], "alertmanager_refused");
    assert!(
        body["message"].as_str().unwrap().contains("Alertmanager"),
        "{body}"
    );

    // Expired through the hub: expired in Alertmanager, and logged.
    let answer = delete_as_alice(&http, &hub, &format!("{silences}/{id}")).await;
    assert_eq!(answer.status(), reqwest::StatusCode::NO_CONTENT);
    let silence = alertmanager_silence(&http, &member.base, &id).await;
    assert_eq!(silence["status"]["state"], "expired");
    let events = hub.console.events_after(0, None).await.unwrap().events;
    assert!(events
        .iter()
        .any(|e| e.body.kind() == "silence_expired" && e.actor == "alice"));

    for unknown in ["no-such-silence", "00000000-0000-4000-8000-000000000000"] {
        let answer = delete_as_alice(&http, &hub, &format!("{silences}/{unknown}")).await;
        assert_eq!(answer.status(), reqwest::StatusCode::NOT_FOUND, "{unknown}");
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(body["code"], "silence_not_found");
    }

    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn acknowledging_with_write_back_silences_the_alarm_in_alertmanager() {
    let temp = tempfile::tempdir().unwrap();
    let http = client();
    let member = start_member(&http, temp.path(), "am").await;
    let hub = start_hub(
        temp.path(),
        &format!(
            "[duty]\nwrite_back_silence_mins = 30\n\n\
             [[alertmanager]]\nname = \"{SOURCE}\"\nurl = \"{}\"\ninterval_secs = 1\n",
            member.base
        ),
    )
    .await;
    post_node_down(&http, &member.base).await;
    let console = hub.console.clone();
    let incident = wait_for(
        "the incident on the console",
        Duration::from_secs(30),
        || {
            let console = console.clone();
            async move {
                let snapshot = console.snapshot().await;
                snapshot
                    .alarms
                    .iter()
                    .find(|a| a.source == SOURCE && a.title.starts_with("NodeDown"))
                    .and_then(|a| a.incident)
            }
        },
    )
    .await;

    let answer = acknowledge_with_write_back(&http, &hub, incident, "alice").await;
    assert_eq!(answer.status(), reqwest::StatusCode::OK);
    let acknowledged: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(acknowledged["acknowledged"]["by"], "alice");

    // The silence lands on the incident's timeline once Alertmanager confirmed it.
    let logged = wait_on_timeline(
        "silence_created on the incident's timeline",
        Duration::from_secs(30),
        &console,
        incident,
        |e| e.body.kind() == "silence_created",
    )
    .await;
    assert_eq!(logged.actor, "alice");
    let noc_model::EventBody::SilenceCreated {
        silence_id,
        ends_at,
        comment,
        ..
    } = &logged.body
    else {
        panic!("{logged:?}");
    };
    assert_eq!(
        comment,
        &format!("acknowledged in the NOC console, incident {incident}")
    );
    // 30 minutes as configured, counted from when it was made.
    let length = ends_at - logged.at;
    assert!(
        (29 * 60_000..=31 * 60_000).contains(&length),
        "silence of {length} ms"
    );

    // Alertmanager holds it, by alice, matching the alarm's labels, and silences the alert.
    let silence = alertmanager_silence(&http, &member.base, silence_id).await;
    assert_eq!(silence["createdBy"], "alice");
    assert_eq!(silence["status"]["state"], "active");
    let matchers: Vec<(String, String)> = silence["matchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_string(),
                m["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for expected in [("alertname", "NodeDown"), ("instance", "core-sw1:9100")] {
        assert!(
            matchers.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{matchers:?}"
        );
    }
    let silenced = wait_for(
        "Alertmanager to mark the alert silenced",
        Duration::from_secs(30),
        || {
            let request = http
                .get(format!("{}/api/v2/alerts?silenced=true", member.base))
                .send();
            let id = silence_id.clone();
            async move {
                let alerts: Vec<serde_json::Value> = request.await.ok()?.json().await.ok()?;
                alerts.into_iter().find(|a| {
                    a["status"]["silencedBy"]
                        .as_array()
                        .is_some_and(|by| by.iter().any(|s| s == id.as_str()))
                })
            }
        },
    )
    .await;
    assert_eq!(silenced["labels"]["alertname"], "NodeDown");
    let events = console.events_after(0, None).await.unwrap().events;
    assert!(
        !events.iter().any(|e| e.body.kind() == "write_back_failed"),
        "nothing failed"
    );

    hub.shutdown().await;
}
