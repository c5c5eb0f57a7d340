//! The hub against a real Zabbix 6.0 (Debian 12 packages, started by
//! tests/integration/zabbix/start.sh): a problem raised by a trapper value shows on
//! the console on its host, an operator's acknowledgement through the hub shows in
//! Zabbix with the operator's name, and the problem's recovery clears the alarm.

use std::path::Path;
use std::time::Duration;

use noc_model::{
    Alarm, AlarmId, AlarmSignal, AlarmStatus, EventBody, HealthStatus, Severity, Signal, Snapshot,
};
use serde_json::json;

mod common;
use common::zabbix::{send_value, Admin, Zabbix, ADMIN_PASSWORD, PASSWORD_ENV};
use common::{
    acknowledge_with_write_back, as_operator, free_port, source_status, start_hub, wait_for,
    wait_on_timeline,
};

const SOURCE: &str = "lab-zabbix";
const HOST: &str = "core-sw1";
const ITEM_KEY: &str = "noc.link.up";
/// A host with a trapper item and a "high" trigger that fires on the value 0.
async fn create_link_check(admin: &Admin) {
    let group = admin.group_id("Linux servers").await;
    let host = admin
        .call(
            "host.create",
            json!({ "host": HOST, "name": "Core switch 1", "groups": [{ "groupid": group }] }),
        )
        .await;
    let tags = json!([{ "tag": "interface", "value": "Gi0/1" }]);
    admin
        .add_trapper_trigger(
            &host["hostids"][0],
            HOST,
            ITEM_KEY,
            "Uplink Gi0/1 down",
            tags,
        )
        .await;
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
    create_link_check(&admin).await;
    let admin = &admin;
    let port = zabbix.trapper_port;
    let eventid = admin.raise_problem(port, HOST, ITEM_KEY).await["eventid"]
        .as_str()
        .unwrap()
        .to_string();

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
            let _ = send_value(port, HOST, ITEM_KEY, "1").await;
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
