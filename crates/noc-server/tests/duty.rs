//! The duty-loop API against a real hub in-process: milestones, escalation,
//! merge/split, bulk actions, the unseen queue, maintenance windows, the policy
//! from `noc.toml`, source capabilities, and acknowledgement write-back failures
//! landing on the timeline. Every action is checked to be logged under the operator.

use std::time::Duration;

use axum::http::{Request, StatusCode};
use noc_api::Console;
use noc_model::{AlarmSignal, IncidentId, Severity, Signal, Snapshot};
use serde_json::{json, Value};

mod common;
use common::{
    acknowledge_with_write_back, answer, free_port, in_process_hub, start_hub, wait_for,
    wait_on_timeline, with_body, InProcessHub,
};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const NOW: i64 = 1_700_000_000_000;
/// "alice 王", percent-encoded as browsers send it.
const OPERATOR: &str = "alice%20%E7%8E%8B";
const ALICE: &str = "alice 王";

async fn hub() -> InProcessHub {
    in_process_hub(TOKEN, NOW).await
}

fn alarm(key: &str, node: Option<&str>) -> Signal {
    Signal::Alarm(AlarmSignal {
        source: "test".into(),
        key: key.into(),
        node: node.map(str::to_string),
        severity: Severity::Critical,
        title: format!("{key} is down"),
        text: String::new(),
        labels: Default::default(),
        at: NOW,
        firing: true,
    })
}

async fn until(console: &Console, done: impl Fn(&Snapshot) -> bool) -> Snapshot {
    wait_for("the expected state", Duration::from_secs(10), || async {
        let snapshot = console.snapshot().await;
        done(&snapshot).then_some(snapshot)
    })
    .await
}

/// Raises one alarm per key (each on its own node unless `node` is given) and
/// answers the incidents they opened, in the order of the keys.
async fn incidents(hub: &InProcessHub, keys: &[&str], node: Option<&str>) -> Vec<IncidentId> {
    let sink = hub.console.signal_sink();
    for key in keys {
        sink.send(alarm(key, node.or(Some(key)))).await.unwrap();
    }
    let snapshot = until(&hub.console, |s| {
        keys.iter().all(|k| {
            s.alarms
                .iter()
                .any(|a| a.title == format!("{k} is down") && a.incident.is_some())
        })
    })
    .await;
    let mut ids = Vec::new();
    for key in keys {
        let alarm = snapshot
            .alarms
            .iter()
            .find(|a| a.title == format!("{key} is down"))
            .unwrap();
        ids.push(alarm.incident.unwrap());
    }
    ids
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("x-noc-operator", OPERATOR);
    let req = with_body(req, body);
    answer(app, req).await
}

async fn post(app: &axum::Router, uri: &str, body: Value) -> (StatusCode, Value) {
    call(app, "POST", uri, Some(body)).await
}

fn refused(answer: &(StatusCode, Value)) -> (StatusCode, &str) {
    (answer.0, answer.1["code"].as_str().unwrap_or("<no code>"))
}

/// Kinds and actors of the incident's timeline, as the API shows it.
async fn timeline(app: &axum::Router, id: IncidentId) -> Vec<(String, String)> {
    let (status, events) = call(app, "GET", &format!("/api/incidents/{id}/timeline"), None).await;
    assert_eq!(status, StatusCode::OK);
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["body"]["kind"].as_str().unwrap().to_string(),
                e["actor"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn by_alice(timeline: &[(String, String)], kind: &str) -> bool {
    timeline
        .iter()
        .any(|(k, actor)| k == kind && actor == ALICE)
}

#[tokio::test]
async fn an_incident_goes_through_the_duty_loop_with_each_step_logged_under_the_operator() {
    let hub = hub().await;
    let id = incidents(&hub, &["db-01"], None).await[0];
    let path = |action: &str| format!("/api/incidents/{id}/{action}");

    let (status, incident) = post(&hub.app, &path("acknowledge"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(incident["acknowledged"]["by"], ALICE);

    let answer = post(
        &hub.app,
        &path("identify"),
        json!({"cause": " ", "layer": null, "root_node": null}),
    )
    .await;
    assert_eq!(
        refused(&answer),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let answer = post(
        &hub.app,
        &path("identify"),
        json!({"cause": "disk full", "layer": null, "root_node": "no-such-node"}),
    )
    .await;
    assert_eq!(
        refused(&answer),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let (status, incident) = post(
        &hub.app,
        &path("identify"),
        json!({"cause": "disk full on /var", "layer": "iaas", "root_node": "db-01"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{incident}");
    assert_eq!(incident["status"], "identified");
    assert_eq!(incident["identified"]["cause"], "disk full on /var");
    assert_eq!(incident["identified"]["by"], ALICE);
    let answer = post(
        &hub.app,
        &path("identify"),
        json!({"cause": "again", "layer": null, "root_node": null}),
    )
    .await;
    assert_eq!(refused(&answer), (StatusCode::CONFLICT, "wrong_status"));

    let answer = post(&hub.app, &path("review"), json!({"summary": "too early"})).await;
    assert_eq!(refused(&answer), (StatusCode::CONFLICT, "wrong_status"));

    let (status, incident) = post(
        &hub.app,
        &path("escalate"),
        json!({"reason": "needs the DBA on call"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(incident["escalation_level"], 1);
    let answer = post(&hub.app, &path("escalate"), json!({"reason": ""})).await;
    assert_eq!(
        refused(&answer),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );

    let (status, incident) =
        post(&hub.app, &path("mitigate"), json!({"note": "logs rotated"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(incident["status"], "mitigated");
    let (status, incident) = post(&hub.app, &path("resolve"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(incident["status"], "resolved");
    assert_eq!(incident["resolved_by"], ALICE);
    let answer = post(&hub.app, &path("escalate"), json!({"reason": "late"})).await;
    assert_eq!(refused(&answer), (StatusCode::CONFLICT, "incident_closed"));
    let (status, incident) = post(
        &hub.app,
        &path("review"),
        json!({"summary": "log rotation was off on db-01; enabled everywhere"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(incident["status"], "reviewed");

    let logged = timeline(&hub.app, id).await;
    for kind in [
        "incident_acknowledged",
        "incident_identified",
        "incident_escalated",
        "incident_mitigated",
        "incident_resolved",
        "incident_reviewed",
    ] {
        assert!(by_alice(&logged, kind), "{kind} by alice in {logged:?}");
    }

    for action in [
        "identify",
        "mitigate",
        "resolve",
        "review",
        "escalate",
        "acknowledge",
    ] {
        let body = json!({"cause": "x", "note": "x", "summary": "x", "reason": "x", "layer": null, "root_node": null});
        let answer = post(&hub.app, &format!("/api/incidents/999/{action}"), body).await;
        assert_eq!(
            refused(&answer),
            (StatusCode::NOT_FOUND, "incident_not_found"),
            "{action}"
        );
    }
}

#[tokio::test]
async fn acknowledge_answers_at_once_with_or_without_write_back() {
    let hub = hub().await;
    let ids = incidents(&hub, &["a", "b"], None).await;
    // No body at all, as older clients send it.
    let (status, incident) = call(
        &hub.app,
        "POST",
        &format!("/api/incidents/{}/acknowledge", ids[0]),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(incident["status"], "acknowledged");
    // Write-back asked for, on alarms of a source the hub cannot write to (no
    // definition): acknowledged, and nothing is attempted or recorded as failed.
    let (status, incident) = post(
        &hub.app,
        &format!("/api/incidents/{}/acknowledge", ids[1]),
        json!({"write_back": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(incident["acknowledged"]["by"], ALICE);
    let answer = post(
        &hub.app,
        &format!("/api/incidents/{}/acknowledge", ids[1]),
        json!({"write_back": true}),
    )
    .await;
    assert_eq!(
        refused(&answer),
        (StatusCode::CONFLICT, "already_acknowledged")
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let logged = timeline(&hub.app, ids[1]).await;
    assert!(
        !logged.iter().any(|(k, _)| k == "write_back_failed"),
        "{logged:?}"
    );
}

#[tokio::test]
async fn a_write_back_that_fails_is_on_the_timeline_and_the_acknowledgement_stands() {
    let dir = tempfile::tempdir().unwrap();
    // An Alertmanager source nobody answers at.
    let hub = start_hub(
        dir.path(),
        &format!(
            "[[alertmanager]]\nname = \"dead-am\"\nurl = \"http://127.0.0.1:{}\"\ninterval_secs = 60\ntimeout_secs = 1\n",
            free_port()
        ),
    )
    .await;
    let mut signal = alarm("NodeDown", Some("core-sw1"));
    if let Signal::Alarm(a) = &mut signal {
        a.source = "dead-am".into();
        a.labels.insert("alertname".into(), "NodeDown".into());
    }
    hub.console.signal_sink().send(signal).await.unwrap();
    let snapshot = until(&hub.console, |s| {
        s.incidents
            .iter()
            .any(|i| i.root_node.as_deref() == Some("core-sw1"))
    })
    .await;
    let incident = snapshot.incidents[0].id;

    let http = reqwest::Client::new();
    let answer = acknowledge_with_write_back(&http, &hub, incident, "bob").await;
    assert_eq!(answer.status(), reqwest::StatusCode::OK);
    let failed = wait_on_timeline(
        "the failed write-back on the timeline",
        Duration::from_secs(15),
        &hub.console,
        incident,
        |e| e.body.kind() == "write_back_failed",
    )
    .await;
    assert_eq!(failed.actor, "bob");
    let noc_model::EventBody::WriteBackFailed { source, reason, .. } = &failed.body else {
        panic!("{failed:?}");
    };
    assert_eq!(source, "dead-am");
    assert!(!reason.is_empty());
    let now = hub.console.snapshot().await;
    let still = now.incidents.iter().find(|i| i.id == incident).unwrap();
    assert_eq!(
        still.acknowledged.as_ref().unwrap().by,
        "bob",
        "the acknowledgement stands"
    );
    hub.shutdown().await;
}

#[tokio::test]
async fn incidents_are_split_and_merged_and_answer_the_incident_to_continue_with() {
    let hub = hub().await;
    let sink = hub.console.signal_sink();
    sink.send(alarm("cpu", Some("host-1"))).await.unwrap();
    sink.send(alarm("disk", Some("host-1"))).await.unwrap();
    sink.send(alarm("link", Some("host-2"))).await.unwrap();
    let snapshot = until(&hub.console, |s| {
        s.alarms.len() == 3 && s.alarms.iter().all(|a| a.incident.is_some())
    })
    .await;
    let of = |title: &str| {
        snapshot
            .alarms
            .iter()
            .find(|a| a.title == format!("{title} is down"))
            .unwrap()
    };
    let (host1, host2) = (of("cpu").incident.unwrap(), of("link").incident.unwrap());
    assert_eq!(of("disk").incident, Some(host1), "one node, one incident");
    let disk = of("disk").id;

    let answer = post(
        &hub.app,
        &format!("/api/incidents/{host1}/split"),
        json!({"alarms": [of("link").id]}),
    )
    .await;
    assert_eq!(
        refused(&answer),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let answer = post(
        &hub.app,
        &format!("/api/incidents/{host1}/split"),
        json!({"alarms": []}),
    )
    .await;
    assert_eq!(
        refused(&answer),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let (status, new) = post(
        &hub.app,
        &format!("/api/incidents/{host1}/split"),
        json!({"alarms": [disk]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{new}");
    let new_id = new["id"].as_i64().unwrap();
    assert_ne!(new_id, host1, "the answer is the new incident");
    assert_eq!(new["alarms"], json!([disk]));
    assert!(by_alice(&timeline(&hub.app, host1).await, "incident_split"));

    let answer = post(
        &hub.app,
        &format!("/api/incidents/{host2}/merge"),
        json!({"from": [host2]}),
    )
    .await;
    assert_eq!(
        refused(&answer),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let answer = post(
        &hub.app,
        &format!("/api/incidents/{host2}/merge"),
        json!({"from": [999]}),
    )
    .await;
    assert_eq!(
        refused(&answer),
        (StatusCode::NOT_FOUND, "incident_not_found")
    );
    let (status, kept) = post(
        &hub.app,
        &format!("/api/incidents/{host2}/merge"),
        json!({"from": [host1, new_id]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(kept["id"], host2, "the answer is the incident that remains");
    assert_eq!(kept["alarms"].as_array().unwrap().len(), 3);
    let after = hub.console.snapshot().await;
    for gone in [host1, new_id] {
        let merged = after.incidents.iter().find(|i| i.id == gone);
        assert!(
            merged.is_none_or(|i| i.merged_into == Some(host2)),
            "{merged:?}"
        );
    }
    assert!(by_alice(
        &timeline(&hub.app, host2).await,
        "incidents_merged"
    ));
}

#[tokio::test]
async fn a_bulk_action_gives_each_incident_its_own_result_in_order() {
    let hub = hub().await;
    let ids = incidents(&hub, &["a", "b", "c"], None).await;
    let (status, _) = post(
        &hub.app,
        &format!("/api/incidents/{}/acknowledge", ids[0]),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (status, answer) = post(
        &hub.app,
        "/api/incidents/bulk",
        json!({"action": "acknowledge", "incidents": [ids[0], ids[1], 999, ids[2]], "text": null}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let results = answer["results"].as_array().unwrap();
    let summary: Vec<(i64, bool, Value)> = results
        .iter()
        .map(|r| {
            (
                r["incident"].as_i64().unwrap(),
                r["ok"].as_bool().unwrap(),
                r["error"]["code"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (ids[0], false, json!("already_acknowledged")),
            (ids[1], true, Value::Null),
            (999, false, json!("incident_not_found")),
            (ids[2], true, Value::Null),
        ]
    );
    assert!(results[0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains(ALICE));
    assert!(results[1]["error"].is_null());

    let (status, answer) = post(
        &hub.app,
        "/api/incidents/bulk",
        json!({"action": "comment", "incidents": ids, "text": "storm from the core switch"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["ok"] == true));
    let (status, answer) = post(
        &hub.app,
        "/api/incidents/bulk",
        json!({"action": "escalate", "incidents": [ids[1]], "text": "no progress"}),
    )
    .await;
    assert_eq!(
        (status, answer["results"][0]["ok"].clone()),
        (StatusCode::OK, json!(true))
    );
    let (status, answer) = post(
        &hub.app,
        "/api/incidents/bulk",
        json!({"action": "resolve", "incidents": [ids[2], ids[2]], "text": null}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["results"][0]["ok"], true);
    assert_eq!(answer["results"][1]["error"]["code"], "incident_closed");
    let logged = timeline(&hub.app, ids[1]).await;
    for kind in [
        "incident_acknowledged",
        "incident_commented",
        "incident_escalated",
    ] {
        assert!(by_alice(&logged, kind), "{kind} in {logged:?}");
    }

    for (body, why) in [
        (
            json!({"action": "comment", "incidents": ids, "text": null}),
            "comment without text",
        ),
        (
            json!({"action": "escalate", "incidents": ids, "text": "  "}),
            "escalate without reason",
        ),
        (
            json!({"action": "acknowledge", "incidents": [], "text": null}),
            "no incidents",
        ),
        (
            json!({"action": "acknowledge", "incidents": vec![1; noc_api::MAX_BULK_INCIDENTS + 1], "text": null}),
            "too many",
        ),
    ] {
        let answer = post(&hub.app, "/api/incidents/bulk", body).await;
        assert_eq!(
            refused(&answer),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{why}"
        );
    }
    let answer = post(
        &hub.app,
        "/api/incidents/bulk",
        json!({"action": "delete", "incidents": ids}),
    )
    .await;
    assert_eq!(
        refused(&answer),
        (StatusCode::BAD_REQUEST, "invalid_request"),
        "an unknown action"
    );
}

#[tokio::test]
async fn marking_alarms_seen_counts_those_that_left_the_unseen_queue() {
    let hub = hub().await;
    incidents(&hub, &["a", "b"], None).await;
    let snapshot = hub.console.snapshot().await;
    assert!(snapshot.alarms.iter().all(|a| a.unseen));
    let alarms: Vec<i64> = snapshot.alarms.iter().map(|a| a.id).collect();

    let (status, answer) = post(&hub.app, "/api/alarms/seen", json!({"alarms": [alarms[0]]})).await;
    assert_eq!((status, answer), (StatusCode::OK, json!({"seen": 1})));
    let (status, answer) = post(&hub.app, "/api/alarms/seen", json!({"alarms": alarms})).await;
    assert_eq!(
        (status, answer),
        (StatusCode::OK, json!({"seen": 1})),
        "only the one still unseen"
    );
    let (status, answer) = post(&hub.app, "/api/alarms/seen", json!({"alarms": alarms})).await;
    assert_eq!((status, answer), (StatusCode::OK, json!({"seen": 0})));
    assert!(hub
        .console
        .snapshot()
        .await
        .alarms
        .iter()
        .all(|a| !a.unseen));
    let answer = post(&hub.app, "/api/alarms/seen", json!({"alarms": []})).await;
    assert_eq!(
        refused(&answer),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let events = hub.console.events_after(0, None).await.unwrap().events;
    assert!(events
        .iter()
        .any(|e| e.body.kind() == "alarms_seen" && e.actor == ALICE));
}

fn window(id: &str) -> Value {
    json!({
        "id": id,
        "title": "core-sw1 line card swap",
        "starts_at": NOW + 3_600_000,
        "ends_at": NOW + 7_200_000,
        "recurrence": "once",
        "until": null,
        "matchers": [{"name": "team", "value": "network", "is_regex": false, "is_equal": true}],
        "nodes": ["core-sw1"],
    })
}

#[tokio::test]
async fn maintenance_windows_are_planned_by_the_operator_listed_and_cancelled() {
    let hub = hub().await;
    let (status, planned) = post(&hub.app, "/api/maintenance", window("chg-4711")).await;
    assert_eq!(status, StatusCode::OK, "{planned}");
    assert_eq!(planned["created_by"], ALICE);
    assert_eq!(planned["nodes"], json!(["core-sw1"]));
    let (status, planned) = post(&hub.app, "/api/maintenance", window("")).await;
    assert_eq!(status, StatusCode::OK, "{planned}");
    let generated = planned["id"].as_str().unwrap().to_string();
    assert!(!generated.is_empty() && generated != "chg-4711");

    let (status, listed) = call(&hub.app, "GET", "/api/maintenance", None).await;
    assert_eq!(status, StatusCode::OK);
    let mut ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut expected = vec!["chg-4711", generated.as_str()];
    expected.sort();
    assert_eq!(ids, expected);
    let (_, state) = call(&hub.app, "GET", "/api/state", None).await;
    assert_eq!(
        state["maintenance"].as_array().unwrap().len(),
        2,
        "in the snapshot"
    );

    let answer = post(&hub.app, "/api/maintenance", window("chg-4711")).await;
    assert_eq!(
        refused(&answer),
        (StatusCode::CONFLICT, "maintenance_exists")
    );
    let mut backwards = window("chg-1");
    backwards["ends_at"] = json!(NOW);
    let mut nothing = window("chg-2");
    nothing["nodes"] = json!([]);
    nothing["matchers"] = json!([]);
    let mut daily_too_long = window("chg-3");
    daily_too_long["recurrence"] = json!("daily");
    daily_too_long["ends_at"] = json!(NOW + 3_600_000 + 86_400_000);
    let mut regex = window("chg-4");
    regex["matchers"][0]["is_regex"] = json!(true);
    let mut untitled = window("chg-5");
    untitled["title"] = json!("  ");
    for (body, says) in [
        (backwards, "end after it starts"),
        (nothing, "nodes or label matchers"),
        (daily_too_long, "shorter than its period"),
        (regex, "regular expressions"),
        (untitled, "title"),
    ] {
        let answer = post(&hub.app, "/api/maintenance", body).await;
        assert_eq!(
            refused(&answer),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{says}"
        );
        let message = answer.1["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
    }

    // A body that is not a window at all is refused the same way, naming what is wrong.
    let mut no_title = window("chg-6");
    no_title.as_object_mut().unwrap().remove("title");
    let answer = post(&hub.app, "/api/maintenance", no_title).await;
    assert_eq!(
        refused(&answer),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    assert!(
        answer.1["message"].as_str().unwrap().contains("title"),
        "{}",
        answer.1
    );
    let mut weekday = window("chg-7");
    weekday["recurrence"] = json!("mondays");
    let answer = post(&hub.app, "/api/maintenance", weekday).await;
    assert_eq!(
        refused(&answer),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    assert!(
        answer.1["message"].as_str().unwrap().contains("mondays"),
        "{}",
        answer.1
    );

    let (status, _) = call(&hub.app, "DELETE", "/api/maintenance/chg-4711", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let answer = call(&hub.app, "DELETE", "/api/maintenance/chg-4711", None).await;
    assert_eq!(
        refused(&answer),
        (StatusCode::NOT_FOUND, "maintenance_not_found")
    );
    let (_, state) = call(&hub.app, "GET", "/api/state", None).await;
    assert_eq!(state["maintenance"][0]["id"], generated.as_str());
    let events = hub.console.events_after(0, None).await.unwrap().events;
    for kind in ["maintenance_scheduled", "maintenance_cancelled"] {
        assert!(
            events
                .iter()
                .any(|e| e.body.kind() == kind && e.actor == ALICE),
            "{kind}"
        );
    }
}

#[tokio::test]
async fn the_policy_is_what_noc_toml_says() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_hub(
        dir.path(),
        "[duty]\ndetect_mins = 2\nidentify_mins = 6\nrecover_mins = 15\nupdate_every_mins = 20\n\
         [duty.flapping]\nchanges = 4\nwindow_mins = 5\n\
         [[duty.escalation]]\nlevel = 2\nafter_mins = 30\nmin_severity = \"critical\"\nnotify = [\"duty-manager\"]\n\
         [[duty.escalation]]\nlevel = 1\nafter_mins = 10\nmin_severity = \"major\"\nnotify = [\"oncall-wecom\", \"noc-dingtalk\"]\n\
         [[duty.grouping]]\nname = \"same service\"\nlabels = [\"service\"]\nwindow_mins = 10\n\
         [[duty.fingerprint]]\nsource = \"prod-am\"\nlabels = [\"alertname\", \"instance\"]\n\
         [[duty.causal]]\ncause = \"LINK_DOWN\"\neffect = \"LOS\"\n",
    )
    .await;
    let policy: Value = reqwest::Client::new()
        .get(format!("{}api/policy", running.url))
        .bearer_auth(&running.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        policy,
        json!({
            "targets": {"detect_ms": 120_000, "identify_ms": 360_000, "recover_ms": 900_000},
            "update_every_ms": 1_200_000,
            "escalation": [
                {"level": 1, "after_ms": 600_000, "min_severity": "major", "notify": ["oncall-wecom", "noc-dingtalk"]},
                {"level": 2, "after_ms": 1_800_000, "min_severity": "critical", "notify": ["duty-manager"]},
            ],
            "flapping": {"changes": 4, "window_ms": 300_000},
            "grouping": [{"name": "same service", "labels": ["service"], "window_ms": 600_000}],
            "fingerprints": [{"source": "prod-am", "labels": ["alertname", "instance"]}],
            "causal": [{"cause": "LINK_DOWN", "effect": "LOS"}],
        })
    );
    running.shutdown().await;

    // Without a [duty] section: 1-5-10.
    let hub = hub().await;
    let (status, policy) = call(&hub.app, "GET", "/api/policy", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        policy["targets"],
        json!({"detect_ms": 60_000, "identify_ms": 300_000, "recover_ms": 600_000})
    );
}

#[tokio::test]
async fn capabilities_name_every_source_kind_and_what_acknowledging_does_there() {
    let hub = hub().await;
    let (status, list) = call(&hub.app, "GET", "/api/capabilities", None).await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().unwrap();
    let of = |kind: &str| {
        list.iter()
            .find(|c| c["kind"] == kind)
            .unwrap_or_else(|| panic!("{kind} missing"))
            .clone()
    };
    let am = of("alertmanager");
    assert_eq!(
        (
            am["acknowledge"].clone(),
            am["confirms"].clone(),
            am["silence"].clone()
        ),
        (json!("silence"), json!(true), json!(true))
    );
    assert!(am["detail"].as_str().unwrap().contains("120 minutes"));
    let zabbix = of("zabbix");
    assert_eq!(
        (zabbix["acknowledge"].clone(), zabbix["confirms"].clone()),
        (json!("native"), json!(true))
    );
    for kind in [
        "prometheus",
        "webhook",
        "http_probe",
        "tcp_probe",
        "dns_probe",
        "icmp_probe",
        "blackbox_probe",
        "replay",
        "demo",
    ] {
        let c = of(kind);
        assert_eq!(c["acknowledge"], "none", "{kind}");
        assert_eq!(c["confirms"], false, "{kind}");
        assert!(c["detail"].as_str().unwrap().len() > 20, "{kind} says why");
    }
}

#[tokio::test]
async fn the_openapi_document_lists_the_duty_endpoints() {
    let hub = hub().await;
    let (status, doc) = call(&hub.app, "GET", "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/api/incidents/{id}/acknowledge",
        "/api/incidents/{id}/identify",
        "/api/incidents/{id}/mitigate",
        "/api/incidents/{id}/resolve",
        "/api/incidents/{id}/review",
        "/api/incidents/{id}/escalate",
        "/api/incidents/{id}/merge",
        "/api/incidents/{id}/split",
        "/api/incidents/bulk",
        "/api/alarms/seen",
        "/api/maintenance",
        "/api/maintenance/{id}",
        "/api/policy",
        "/api/capabilities",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
}
