//! The hub against a real Zabbix 6.0 (Debian 12 packages, started by
//! tests/integration/zabbix/start.sh): a problem raised by a trapper value shows on
//! the console on its host, an operator's acknowledgement through the hub shows in
//! Zabbix with the operator's name, and the problem's recovery clears the alarm.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use noc_model::{
    Alarm, AlarmId, AlarmSignal, AlarmStatus, EventBody, HealthStatus, Severity, Signal, Snapshot,
};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod common;
use common::{
    acknowledge_with_write_back, as_operator, free_port, source_status, start_hub, wait_for,
    wait_on_timeline,
};

const SOURCE: &str = "lab-zabbix";
const HOST: &str = "core-sw1";
const ITEM_KEY: &str = "noc.link.up";
/// The password of the Admin user of a fresh Zabbix database.
const ADMIN_PASSWORD: &str = "zabbix";
const PASSWORD_ENV: &str = "NOC_TEST_ZABBIX_PASSWORD";

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/integration/zabbix")
        .join(name)
}

/// The Zabbix of one test run; stopped however the test ends.
struct Zabbix {
    dir: PathBuf,
    api: String,
    trapper_port: u16,
}

/// A free port below 32768: zabbix_server refuses a higher `ListenPort`, and the
/// kernel hands out ports from 32768 up.
fn free_trapper_port() -> u16 {
    (20_000..32_768)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port below 32768")
}

impl Zabbix {
    fn start(dir: &Path) -> Zabbix {
        let trapper_port = free_trapper_port();
        let output = Command::new(script("start.sh"))
            .arg(dir)
            .arg(free_port().to_string())
            .arg(trapper_port.to_string())
            .arg(free_port().to_string())
            .output()
            .expect("run tests/integration/zabbix/start.sh");
        let zabbix = Zabbix {
            dir: dir.to_path_buf(),
            api: String::from_utf8_lossy(&output.stdout).trim().to_string(),
            trapper_port,
        };
        assert!(
            output.status.success(),
            "start.sh failed (make deps-test installs the Zabbix packages):\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        zabbix
    }
}

impl Drop for Zabbix {
    fn drop(&mut self) {
        let _ = Command::new(script("stop.sh")).arg(&self.dir).status();
    }
}

/// A JSON-RPC client as a Zabbix 6.0 administrator would script it.
struct Admin {
    http: reqwest::Client,
    api: String,
    session: Option<String>,
}

impl Admin {
    async fn call(&self, method: &str, params: Value) -> Value {
        let mut body = json!({ "jsonrpc": "2.0", "method": method, "params": params, "id": 1 });
        if let Some(session) = &self.session {
            body["auth"] = json!(session);
        }
        let answer: Value = self
            .http
            .post(&self.api)
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method}: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    async fn login(http: reqwest::Client, api: &str) -> Admin {
        let mut admin = Admin {
            http,
            api: api.to_string(),
            session: None,
        };
        let session = admin
            .call(
                "user.login",
                json!({ "username": "Admin", "password": ADMIN_PASSWORD }),
            )
            .await;
        admin.session = Some(session.as_str().unwrap().to_string());
        admin
    }

    /// A host with a trapper item and a "high" trigger that fires on the value 0.
    async fn create_link_check(&self) {
        let groups = self
            .call(
                "hostgroup.get",
                json!({ "output": ["groupid"], "filter": { "name": ["Linux servers"] } }),
            )
            .await;
        let host = self
            .call(
                "host.create",
                json!({ "host": HOST, "name": "Core switch 1", "groups": [{ "groupid": groups[0]["groupid"] }] }),
            )
            .await;
        let item = json!({ "hostid": host["hostids"][0], "name": "Uplink state", "key_": ITEM_KEY, "type": 2, "value_type": 3 });
        self.call("item.create", item).await;
        let trigger = json!({
            "description": "Uplink Gi0/1 down",
            "expression": format!("last(/{HOST}/{ITEM_KEY})=0"),
            "priority": 4,
            "tags": [{ "tag": "interface", "value": "Gi0/1" }],
        });
        self.call("trigger.create", trigger).await;
    }

    async fn open_problems(&self) -> Vec<Value> {
        let problems = self
            .call(
                "problem.get",
                json!({ "output": ["eventid", "name"], "recent": false }),
            )
            .await;
        problems.as_array().cloned().unwrap_or_default()
    }

    async fn acknowledgements(&self, eventid: &str) -> Vec<String> {
        let events = self
            .call(
                "event.get",
                json!({ "eventids": [eventid], "output": ["eventid"], "select_acknowledges": ["message"] }),
            )
            .await;
        events[0]["acknowledges"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|a| a["message"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Sends `value` for the trapper item as zabbix_sender does (the Zabbix protocol:
/// "ZBXD", flags, little-endian length, JSON) and waits for the server's answer.
async fn send_value(port: u16, value: &str) -> std::io::Result<()> {
    let data = json!({ "request": "sender data", "data": [{ "host": HOST, "key": ITEM_KEY, "value": value }] });
    let payload = data.to_string().into_bytes();
    let mut frame = b"ZBXD\x01".to_vec();
    frame.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    frame.extend_from_slice(&payload);
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    stream.write_all(&frame).await?;
    stream.read_to_end(&mut Vec::new()).await?;
    Ok(())
}

/// A hub whose only source is the Zabbix at `api`.
async fn hub_with_zabbix(dir: &Path, api: &str) -> noc_server::RunningHub {
    // The only process-wide setting this test binary makes, before a hub reads it.
    std::env::set_var(PASSWORD_ENV, ADMIN_PASSWORD);
    let toml = format!(
        "[[zabbix]]\nname = \"{SOURCE}\"\nurl = \"{api}\"\nuser = \"Admin\"\nsecret_env = \"{PASSWORD_ENV}\"\ninterval_secs = 1\ntimeout_secs = 5\n"
    );
    start_hub(dir, &toml).await
}

async fn acknowledge_at_source(
    http: &reqwest::Client,
    hub: &noc_server::RunningHub,
    alarm: AlarmId,
    message: &str,
) -> (u16, String) {
    let url = format!("{}api/alarms/{alarm}/acknowledge-at-source", hub.url);
    let answer = as_operator(http.post(url), hub, "alice")
        .json(&json!({ "message": message }))
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

fn uplink_alarm(snapshot: &Snapshot) -> Option<Alarm> {
    snapshot
        .alarms
        .iter()
        .find(|a| a.source == SOURCE && a.title == "Uplink Gi0/1 down")
        .cloned()
}

#[tokio::test(flavor = "multi_thread")]
async fn problems_of_a_real_zabbix_reach_the_console_and_are_acknowledged_there() {
    let temp = tempfile::tempdir().unwrap();
    let zabbix = Zabbix::start(&temp.path().join("zabbix"));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let admin = Admin::login(http.clone(), &zabbix.api).await;
    admin.create_link_check().await;
    let admin = &admin;
    let port = zabbix.trapper_port;
    // Sent until there is a problem: the item and its trigger may reach the server's
    // configuration in different syncs, and a trigger only sees values after it.
    let eventid = wait_for(
        "the problem in Zabbix",
        Duration::from_secs(120),
        || async move {
            // A trapper that does not listen yet gets the value in a later round.
            let _ = send_value(port, "0").await;
            let problems = admin.open_problems().await;
            problems
                .first()
                .and_then(|p| p["eventid"].as_str().map(str::to_string))
        },
    )
    .await;

    let hub = hub_with_zabbix(temp.path(), &zabbix.api).await;
    let console = hub.console.clone();

    let alarm = wait_for(
        "the problem on the console",
        Duration::from_secs(30),
        || {
            let console = console.clone();
            async move {
                let snapshot = console.snapshot().await;
                let ok = source_status(&snapshot, SOURCE) == Some(HealthStatus::Ok);
                uplink_alarm(&snapshot).filter(|_| ok)
            }
        },
    )
    .await;
    assert_eq!(alarm.node.as_deref(), Some(HOST));
    assert_eq!(alarm.severity, Severity::Major);
    assert_eq!(alarm.status, AlarmStatus::Active);
    assert_eq!(alarm.labels["eventid"], eventid);
    assert_eq!(alarm.labels["tag.interface"], "Gi0/1");

    let (status, answer) = acknowledge_at_source(&http, &hub, alarm.id, "uplink replaced").await;
    assert_eq!(status, 204, "{answer}");
    assert_eq!(
        admin.acknowledgements(&eventid).await,
        ["[alice] uplink replaced"]
    );
    let log = console.events_after(0, None).await.unwrap();
    let recorded = log.events.iter().find_map(|event| match &event.body {
        EventBody::AlarmAcknowledgedAtSource {
            alarm: id,
            source,
            message,
            incident,
        } if *id == alarm.id => Some((
            event.actor.clone(),
            source.clone(),
            message.clone(),
            *incident,
        )),
        _ => None,
    });
    assert_eq!(
        recorded,
        Some((
            "alice".to_string(),
            SOURCE.to_string(),
            "[alice] uplink replaced".to_string(),
            alarm.incident
        ))
    );

    // Acknowledging the incident with write-back acknowledges the problem in Zabbix too,
    // in the acknowledging operator's name, after the console's answer.
    let incident = alarm.incident.expect("the alarm opened an incident");
    let answer = acknowledge_with_write_back(&http, &hub, incident, "bob").await;
    assert_eq!(answer.status(), 200);
    let signed = format!("[bob] acknowledged in the NOC console, incident {incident}");
    let written = wait_on_timeline(
        "the write-back on the incident's timeline",
        Duration::from_secs(30),
        &console,
        incident,
        |e| e.actor == "bob" && e.body.kind() != "incident_acknowledged",
    )
    .await;
    assert!(
        matches!(&written.body, EventBody::AlarmAcknowledgedAtSource { message, .. } if *message == signed),
        "{written:?}"
    );
    assert!(
        admin.acknowledgements(&eventid).await.contains(&signed),
        "in Zabbix"
    );

    // The next poll reads the acknowledgement back and the board's alarm shows it.
    wait_for(
        "the acknowledged flag on the board",
        Duration::from_secs(60),
        || {
            let console = console.clone();
            async move {
                let alarm = uplink_alarm(&console.snapshot().await)?;
                (alarm.labels.get("acknowledged").map(String::as_str) == Some("true")).then_some(())
            }
        },
    )
    .await;

    // The uplink is back: Zabbix resolves the problem and the console clears the alarm.
    wait_for("the alarm to clear", Duration::from_secs(60), || {
        let console = console.clone();
        async move {
            let _ = send_value(port, "1").await;
            let alarm = uplink_alarm(&console.snapshot().await);
            alarm
                .is_none_or(|a| a.status != AlarmStatus::Active)
                .then_some(())
        }
    })
    .await;

    hub.shutdown().await;
    drop(zabbix);
}

#[tokio::test(flavor = "multi_thread")]
async fn acknowledging_at_a_source_that_cannot_is_refused_and_nothing_is_logged() {
    let temp = tempfile::tempdir().unwrap();
    // Nothing listens on this port: the Zabbix is down.
    let api = format!("http://127.0.0.1:{}/api_jsonrpc.php", free_port());
    let hub = hub_with_zabbix(temp.path(), &api).await;
    let console = hub.console.clone();
    let http = reqwest::Client::new();
    for (source, key) in [(SOURCE, "4711"), ("lab-webhook", "disk-full")] {
        let signal = AlarmSignal {
            source: source.into(),
            key: key.into(),
            node: Some(HOST.into()),
            severity: Severity::Major,
            title: format!("{key} on {HOST}"),
            text: String::new(),
            labels: Default::default(),
            at: 1_795_000_000_000,
            firing: true,
        };
        console
            .signal_sink()
            .send(Signal::Alarm(signal))
            .await
            .unwrap();
    }
    let snapshot = wait_for("both alarms", Duration::from_secs(10), || {
        let console = console.clone();
        async move {
            let snapshot = console.snapshot().await;
            (snapshot.alarms.len() == 2).then_some(snapshot)
        }
    })
    .await;
    let id_of = |source: &str| {
        snapshot
            .alarms
            .iter()
            .find(|a| a.source == source)
            .unwrap()
            .id
    };

    let (status, answer) = acknowledge_at_source(&http, &hub, id_of(SOURCE), "on it").await;
    assert_eq!(status, 502, "{answer}");
    assert!(
        answer.contains("source_failed") && answer.contains("cannot reach Zabbix"),
        "{answer}"
    );
    assert!(!answer.contains(ADMIN_PASSWORD));

    let (status, answer) = acknowledge_at_source(&http, &hub, id_of("lab-webhook"), "on it").await;
    assert_eq!(status, 409, "{answer}");
    assert!(answer.contains("not_supported"), "{answer}");

    let (status, answer) = acknowledge_at_source(&http, &hub, 999_999, "on it").await;
    assert_eq!(status, 404, "{answer}");
    let (status, answer) = acknowledge_at_source(&http, &hub, id_of(SOURCE), "  ").await;
    assert_eq!(status, 400, "{answer}");

    let log = console.events_after(0, None).await.unwrap();
    assert!(
        log.events
            .iter()
            .all(|e| e.body.kind() != "alarm_acknowledged_at_source"),
        "a refused acknowledgement was logged"
    );
    hub.shutdown().await;
}
