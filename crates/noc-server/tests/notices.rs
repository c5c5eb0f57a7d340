//! Incident status notices (通报) through the API of an in-process hub on a manual
//! clock. Two generic webhook channels point at a real HTTP receiver on 127.0.0.1
//! (it stands for the team's chat gateway): `ops` accepts, `broken` answers 500.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use noc_model::{AlarmSignal, Clock, IncidentId, Role, Severity, Signal};
use noc_notify::{ChannelKind, ChannelSpec, Notifier};
use serde_json::{json, Value};

mod common;
use common::accounts::{add_operator, fresh_name, log_in, PASSWORD};
use common::{
    answer, in_process_hub, in_process_hub_with, signed_in, wait_for, with_body, InProcessHub,
};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// 2026-11-23 06:00:00 UTC.
const NOW: i64 = 1_795_413_600_000;
const MIN: i64 = 60_000;
/// "alice 王", percent-encoded as browsers send it.
const OPERATOR: &str = "alice%20%E7%8E%8B";
const ALICE: &str = "alice 王";

/// What the gateway received, by path.
#[derive(Clone, Default)]
struct Gateway {
    got: Arc<Mutex<Vec<(String, Value)>>>,
}

impl Gateway {
    fn at(&self, path: &str) -> Vec<Value> {
        let got = self.got.lock().unwrap();
        got.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, b)| b.clone())
            .collect()
    }
}

async fn accept(State(gw): State<Gateway>, Json(body): Json<Value>) -> &'static str {
    gw.got.lock().unwrap().push(("/ok".into(), body));
    "{}"
}

async fn fail(State(gw): State<Gateway>, Json(body): Json<Value>) -> (StatusCode, &'static str) {
    gw.got.lock().unwrap().push(("/fail".into(), body));
    (StatusCode::INTERNAL_SERVER_ERROR, "gateway down")
}

async fn gateway() -> (String, Gateway) {
    let gw = Gateway::default();
    let app = Router::new()
        .route("/ok", post(accept))
        .route("/fail", post(fail))
        .with_state(gw.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), gw)
}

/// A hub whose channels are `ops` and `broken` on the gateway at `base`.
async fn hub_with_channels(base: &str) -> InProcessHub {
    let base = base.to_string();
    in_process_hub_with(TOKEN, NOW, |state| {
        let specs = vec![
            ChannelSpec::new("ops", ChannelKind::Webhook, format!("{base}/ok")),
            ChannelSpec::new("broken", ChannelKind::Webhook, format!("{base}/fail")),
        ];
        let notifier = Notifier::new(specs, state.clock.clone()).unwrap();
        state.with_notifier(notifier)
    })
    .await
}

/// Raises a critical alarm on `node` and answers the incident it opened.
async fn incident(hub: &InProcessHub, node: &str) -> IncidentId {
    let signal = Signal::Alarm(AlarmSignal {
        source: "test".into(),
        key: node.into(),
        node: Some(node.into()),
        severity: Severity::Critical,
        title: "BGP session down".into(),
        text: String::new(),
        labels: Default::default(),
        at: hub.clock.now(),
        firing: true,
    });
    hub.console.signal_sink().send(signal).await.unwrap();
    wait_for("the incident", Duration::from_secs(10), || async {
        let snapshot = hub.console.snapshot().await;
        snapshot
            .incidents
            .iter()
            .find(|i| i.nodes.iter().any(|n| n == node))
            .map(|i| i.id)
    })
    .await
}

async fn call(app: &Router, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("x-noc-operator", OPERATOR);
    answer(app, with_body(req, body)).await
}

async fn post_json(app: &Router, uri: &str, body: Value) -> (StatusCode, Value) {
    call(app, "POST", uri, Some(body)).await
}

async fn draft(app: &Router, id: IncidentId, body: Value) -> Value {
    let (status, draft) = post_json(app, &format!("/api/incidents/{id}/notices/draft"), body).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    draft
}

async fn notices(app: &Router, id: IncidentId) -> Vec<Value> {
    let (status, events) = call(app, "GET", &format!("/api/incidents/{id}/timeline"), None).await;
    assert_eq!(status, StatusCode::OK);
    events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["body"]["kind"] == "notice_sent")
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_notice_is_drafted_corrected_previewed_sent_to_each_channel_and_kept_on_the_timeline() {
    let (base, gw) = gateway().await;
    let hub = hub_with_channels(&base).await;
    let id = incident(&hub, "core-1").await;
    let uri = format!("/api/incidents/{id}/comments");
    let (status, _) = post_json(&hub.app, &uri, json!({"text": "Traffic moved to core-2"})).await;
    assert_eq!(status, StatusCode::OK);
    hub.clock.advance(4 * MIN);

    // The first notice of an incident is the initial one; times at the console's offset.
    let mut first = draft(&hub.app, id, json!({"utc_offset_minutes": 480})).await;
    assert_eq!(first["kind"], "initial");
    assert_eq!(first["incident"], id);
    assert_eq!(first["what"], "BGP session down on core-1");
    assert_eq!(first["actions"], "Traffic moved to core-2");
    assert_eq!(first["next_update_at"], NOW + 4 * MIN + 30 * MIN);
    assert_eq!(first["channels"], json!(["ops", "broken"]));
    assert_eq!(first["utc_offset_minutes"], 480);

    // The operator corrects the impact; the preview shows both languages.
    first["impact"] = json!("网上银行、手机银行 / online and mobile banking");
    let (status, texts) = post_json(
        &hub.app,
        &format!("/api/incidents/{id}/notices/preview"),
        first.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{texts}");
    let zh = texts["zh"].as_str().unwrap();
    let en = texts["en"].as_str().unwrap();
    assert!(
        zh.starts_with(&format!("[NOC] 【首报】【P1 紧急】故障 #{id}:")),
        "{zh}"
    );
    assert!(
        zh.contains("\n影响:网上银行、手机银行 / online and mobile banking\n"),
        "{zh}"
    );
    assert!(zh.contains("开始时间:2026-11-23 14:00 (UTC+08:00)"), "{zh}");
    assert!(
        zh.contains("\n下次更新:2026-11-23 14:34 (UTC+08:00)"),
        "{zh}"
    );
    assert!(
        en.starts_with(&format!(
            "[NOC] [Initial notice] [P1 critical] Incident #{id}:"
        )),
        "{en}"
    );
    assert!(en.contains("\nActions: Traffic moved to core-2\n"), "{en}");

    // Sent: the gateway gets both languages; the failing channel is reported.
    let send = json!({"draft": first, "languages": ["en", "zh"], "channels": ["ops", "broken"]});
    let (status, receipt) =
        post_json(&hub.app, &format!("/api/incidents/{id}/notices"), send).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    let deliveries = receipt["deliveries"].as_array().unwrap();
    assert_eq!(
        deliveries[0],
        json!({"channel": "ops", "ok": true, "error": null})
    );
    assert_eq!(deliveries[1]["channel"], "broken");
    assert_eq!(deliveries[1]["ok"], false);
    let error = deliveries[1]["error"].as_str().unwrap();
    assert!(
        error.contains("HTTP 500") && error.contains("gateway down"),
        "{error}"
    );
    assert!(
        !error.contains(&base),
        "the channel's URL stays out: {error}"
    );

    let received = gw.at("/ok");
    assert_eq!(received.len(), 1);
    let message = &received[0];
    assert_eq!(message["channel"], "ops");
    assert_eq!(message["trigger"], "notice");
    assert_eq!(message["detail"]["kind"], "initial");
    assert_eq!(message["incident"]["id"], id);
    let text = message["text"].as_str().unwrap();
    assert_eq!(text, format!("{zh}\n\n{en}"), "Chinese first, then English");
    assert_eq!(gw.at("/fail").len(), 1, "the failing channel was tried");

    // On the timeline, by the operator, with both texts and every outcome.
    let recorded = notices(&hub.app, id).await;
    assert_eq!(recorded.len(), 1);
    let event = &recorded[0];
    assert_eq!(event["seq"], receipt["seq"]);
    assert_eq!(event["actor"], ALICE);
    assert_eq!(event["subject"], format!("incident:{id}"));
    let body = &event["body"];
    assert_eq!(body["notice_kind"], "initial");
    assert_eq!(body["languages"], json!(["zh", "en"]));
    assert_eq!(body["text_zh"], zh);
    assert_eq!(body["text_en"], en);
    assert_eq!(body["channels"], json!(["ops", "broken"]));
    assert_eq!(body["deliveries"], receipt["deliveries"]);
    assert_eq!(body["next_update_at"], NOW + 34 * MIN);

    // The next one is an update; once resolved, the final one promises no update.
    assert_eq!(draft(&hub.app, id, json!({})).await["kind"], "update");
    let (status, _) = post_json(&hub.app, &format!("/api/incidents/{id}/resolve"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let last = draft(&hub.app, id, json!({})).await;
    assert_eq!(last["kind"], "final");
    assert_eq!(last["next_update_at"], Value::Null);
    let send = json!({"draft": last, "languages": ["zh"], "channels": ["ops"]});
    let (status, _) = post_json(&hub.app, &format!("/api/incidents/{id}/notices"), send).await;
    assert_eq!(status, StatusCode::OK);
    let text = gw.at("/ok")[1]["text"].as_str().unwrap().to_string();
    assert!(text.starts_with("[NOC] 【终报】"), "{text}");
    assert!(text.ends_with("下次更新:无(终报)"), "{text}");
    assert!(!text.contains("Final notice"), "Chinese only: {text}");
}

#[tokio::test]
async fn a_notice_restarts_the_update_deadline_as_a_comment_does() {
    let (base, _gw) = gateway().await;
    let hub = hub_with_channels(&base).await;
    let id = incident(&hub, "db-1").await;

    // Twenty minutes in, a notice: the deadline moves from 30 to 50 minutes.
    hub.clock.advance(20 * MIN);
    let draft = draft(&hub.app, id, json!({})).await;
    let send = json!({"draft": draft, "languages": ["zh", "en"], "channels": []});
    let (status, receipt) =
        post_json(&hub.app, &format!("/api/incidents/{id}/notices"), send).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(receipt["deliveries"], json!([]));

    // Past both deadlines: the overdue that fires is due 30 minutes after the notice.
    hub.clock.advance(31 * MIN);
    let due_at = wait_for(
        "the update to be overdue",
        Duration::from_secs(15),
        || async {
            let timeline = hub.console.timeline(id).await.unwrap();
            timeline.iter().find_map(|e| match e.body {
                noc_model::EventBody::IncidentUpdateOverdue { due_at, .. } => Some(due_at),
                _ => None,
            })
        },
    )
    .await;
    assert_eq!(due_at, NOW + 50 * MIN);
    let overdue = hub.console.timeline(id).await.unwrap();
    let count = overdue
        .iter()
        .filter(|e| e.body.kind() == "incident_update_overdue")
        .count();
    assert_eq!(count, 1, "no overdue for the deadline the notice met");

    // A notice ends the overdue, as an operator's update does.
    let draft = self::draft(&hub.app, id, json!({})).await;
    let send = json!({"draft": draft, "languages": ["en"], "channels": []});
    let (status, _) = post_json(&hub.app, &format!("/api/incidents/{id}/notices"), send).await;
    assert_eq!(status, StatusCode::OK);
    let snapshot = hub.console.snapshot().await;
    let inc = snapshot.incidents.iter().find(|i| i.id == id).unwrap();
    assert!(!inc.update_overdue);
    assert_eq!(inc.last_update_at, NOW + 51 * MIN);
}

#[tokio::test]
async fn without_channels_a_notice_is_still_recorded() {
    let hub = in_process_hub(TOKEN, NOW).await;
    let id = incident(&hub, "web-1").await;
    let draft = draft(&hub.app, id, json!({"kind": "update"})).await;
    assert_eq!(draft["channels"], json!([]));
    assert_eq!(draft["kind"], "update");
    assert_eq!(draft["utc_offset_minutes"], 0);
    let send = json!({"draft": draft, "languages": ["zh", "en"], "channels": []});
    let (status, receipt) =
        post_json(&hub.app, &format!("/api/incidents/{id}/notices"), send).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    let recorded = notices(&hub.app, id).await;
    assert_eq!(recorded.len(), 1);
    let zh = recorded[0]["body"]["text_zh"].as_str().unwrap();
    assert!(zh.contains("开始时间:2026-11-23 06:00 (UTC)"), "{zh}");
}

#[tokio::test]
async fn bad_notices_are_refused_with_a_clear_reason() {
    let (base, gw) = gateway().await;
    let hub = hub_with_channels(&base).await;
    let id = incident(&hub, "fw-1").await;
    let good = draft(&hub.app, id, json!({})).await;
    let refused = |answer: (StatusCode, Value)| {
        (
            answer.0,
            answer.1["code"].as_str().unwrap_or("").to_string(),
            answer.1["message"].as_str().unwrap_or("").to_string(),
        )
    };

    let mut long = good.clone();
    long["impact"] = json!("影".repeat(2001));
    let preview = format!("/api/incidents/{id}/notices/preview");
    let (status, code, message) = refused(post_json(&hub.app, &preview, long.clone()).await);
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "notice_too_long")
    );
    assert!(
        message.contains("impact") && message.contains("2001") && message.contains("2000"),
        "{message}"
    );
    let send = format!("/api/incidents/{id}/notices");
    let body = json!({"draft": long, "languages": ["zh"], "channels": ["ops"]});
    let (status, code, _) = refused(post_json(&hub.app, &send, body).await);
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "notice_too_long")
    );

    let body = json!({"draft": good, "languages": ["zh"], "channels": ["pager"]});
    let (status, code, message) = refused(post_json(&hub.app, &send, body).await);
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_channel")
    );
    assert!(message.contains("pager"), "{message}");

    let body = json!({"draft": good, "languages": [], "channels": ["ops"]});
    let (status, code, _) = refused(post_json(&hub.app, &send, body).await);
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_notice")
    );

    let other = format!("/api/incidents/{}/notices", id + 1000);
    let body = json!({"draft": good, "languages": ["zh"], "channels": []});
    let (status, code, _) = refused(post_json(&hub.app, &other, body).await);
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_notice")
    );

    let missing = format!("/api/incidents/{}/notices/draft", id + 1000);
    let (status, code, _) = refused(post_json(&hub.app, &missing, json!({})).await);
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "incident_not_found")
    );

    assert!(gw.at("/ok").is_empty(), "nothing refused was sent");
    assert!(
        notices(&hub.app, id).await.is_empty(),
        "nothing refused was recorded"
    );
}

#[tokio::test]
async fn a_viewer_may_read_a_draft_but_not_send_it_and_an_operator_sends_in_their_own_name() {
    let (base, gw) = gateway().await;
    let hub = hub_with_channels(&base).await;
    let id = incident(&hub, "lb-1").await;
    let as_role = |token: String, uri: String, body: Value| {
        let req = Request::post(uri).header("authorization", format!("Bearer {token}"));
        with_body(req, Some(body))
    };

    let viewer = signed_in(&hub, Role::Viewer).await;
    let draft_uri = format!("/api/incidents/{id}/notices/draft");
    let (status, draft) = answer(
        &hub.app,
        as_role(viewer.clone(), draft_uri.clone(), json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    let preview_uri = format!("/api/incidents/{id}/notices/preview");
    let (status, _) = answer(
        &hub.app,
        as_role(viewer.clone(), preview_uri, draft.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let send_uri = format!("/api/incidents/{id}/notices");
    let send = json!({"draft": draft, "languages": ["zh"], "channels": ["ops"]});
    let (status, refusal) = answer(&hub.app, as_role(viewer, send_uri.clone(), send.clone())).await;
    assert_eq!(
        (status, refusal["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    assert!(gw.at("/ok").is_empty());
    assert!(notices(&hub.app, id).await.is_empty());

    let name = fresh_name(Role::Operator);
    add_operator(&hub, &name, Role::Operator).await;
    let operator = log_in(&hub, &name, PASSWORD).await;
    let (status, receipt) = answer(&hub.app, as_role(operator, send_uri, send)).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(gw.at("/ok").len(), 1);
    assert_eq!(notices(&hub.app, id).await[0]["actor"], name);
}

#[tokio::test]
async fn the_draft_names_the_business_systems_the_impact_analysis_finds() {
    let hub = in_process_hub(TOKEN, NOW).await;
    let estate = "nodes:\n\
        \x20 - {id: bs-bank, name: 网上银行 Online banking, kind: business_system, depends_on: svc-login}\n\
        \x20 - {id: svc-login, name: Login service, kind: service, runs_on: app-01}\n\
        \x20 - {id: app-01, name: App server 01, kind: host}\n";
    let req = Request::post("/api/topology/import?name=bank.yaml")
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/yaml")
        .body(axum::body::Body::from(estate))
        .unwrap();
    let (status, imported) = answer(&hub.app, req).await;
    assert_eq!(status, StatusCode::OK, "{imported}");
    let id = incident(&hub, "app-01").await;

    let draft = draft(&hub.app, id, json!({})).await;
    assert_eq!(draft["impact"], "网上银行 Online banking");
    let uri = format!("/api/incidents/{id}/notices/preview");
    let (status, texts) = post_json(&hub.app, &uri, draft).await;
    assert_eq!(status, StatusCode::OK, "{texts}");
    let zh = texts["zh"].as_str().unwrap();
    assert!(zh.contains("涉及节点:App server 01"), "{zh}");
    assert!(zh.contains("\n影响:网上银行 Online banking\n"), "{zh}");
}
