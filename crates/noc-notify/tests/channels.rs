//! Every channel kind against a local receiver on 127.0.0.1 that answers as the real
//! service does: DingTalk and Feishu signatures are recomputed from the received
//! timestamp with the shared secret, and refused like the services refuse them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use noc_model::{Clock, Millis, Severity};
use noc_notify::{
    ChannelKind, ChannelSpec, IncidentBrief, Language, Notice, Notifier, Reason, Trigger,
};
use serde_json::{json, Value};
use sha2::Sha256;

const DING_SECRET: &str = "SECc0ffee+/=with odd chars";
const FEISHU_SECRET: &str = "feishu-secret/+=";
const WECOM_KEY: &str = "693a91f6-good-key";

struct WallClock;

impl Clock for WallClock {
    fn now(&self) -> Millis {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as Millis
    }
}

#[derive(Debug, Clone)]
struct Received {
    path: String,
    query: HashMap<String, String>,
    authorization: Option<String>,
    body: Value,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn keep(&self, path: &str, query: HashMap<String, String>, headers: &HeaderMap, body: Value) {
        self.got.lock().unwrap().push(Received {
            path: path.to_string(),
            query,
            authorization: headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            body,
        });
    }

    fn all(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    fn on(&self, path: &str) -> Vec<Received> {
        self.all().into_iter().filter(|r| r.path == path).collect()
    }
}

fn now_ms() -> i64 {
    WallClock.now()
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// DingTalk: `sign` = base64(HMAC-SHA256(key = secret, timestamp + "\n" + secret)),
/// the timestamp in ms and within an hour of now.
async fn dingtalk(
    State(rx): State<Receiver>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Json<Value> {
    rx.keep("dingtalk", query.clone(), &headers, body);
    let timestamp = query.get("timestamp").cloned().unwrap_or_default();
    let fresh = timestamp
        .parse::<i64>()
        .is_ok_and(|t| (now_ms() - t).abs() < 3_600_000);
    let expected = hmac_sha256(
        DING_SECRET.as_bytes(),
        format!("{timestamp}\n{DING_SECRET}").as_bytes(),
    );
    if fresh && query.get("sign") == Some(&expected) {
        Json(json!({ "errcode": 0, "errmsg": "ok" }))
    } else {
        Json(
            json!({ "errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]" }),
        )
    }
}

/// Feishu: `sign` = base64(HMAC-SHA256(key = timestamp + "\n" + secret, "")), the
/// timestamp in seconds as a string, in the body.
async fn feishu(
    State(rx): State<Receiver>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Json<Value> {
    rx.keep("feishu", HashMap::new(), &headers, body.clone());
    let timestamp = body["timestamp"].as_str().unwrap_or_default().to_string();
    let fresh = timestamp
        .parse::<i64>()
        .is_ok_and(|t| (now_ms() / 1000 - t).abs() < 3600);
    let expected = hmac_sha256(format!("{timestamp}\n{FEISHU_SECRET}").as_bytes(), b"");
    if fresh && body["sign"].as_str() == Some(expected.as_str()) {
        Json(json!({ "code": 0, "msg": "success", "data": {} }))
    } else {
        Json(
            json!({ "code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time", "data": {} }),
        )
    }
}

async fn wecom(
    State(rx): State<Receiver>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Json<Value> {
    let good = query.get("key").map(String::as_str) == Some(WECOM_KEY);
    rx.keep("wecom", query, &headers, body);
    if good {
        Json(json!({ "errcode": 0, "errmsg": "ok" }))
    } else {
        Json(json!({ "errcode": 93000, "errmsg": "invalid webhook url, hint: [1700000000_1_abc]" }))
    }
}

async fn slack(
    State(rx): State<Receiver>,
    Path(service): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, &'static str) {
    rx.keep("slack", HashMap::new(), &headers, body);
    if service == "T1/B1/good" {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::NOT_FOUND, "no_service")
    }
}

async fn hook(
    State(rx): State<Receiver>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> &'static str {
    rx.keep("hook", HashMap::new(), &headers, body);
    "{}"
}

async fn broken(
    State(rx): State<Receiver>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, &'static str) {
    rx.keep("broken", HashMap::new(), &headers, Value::String(body));
    (StatusCode::INTERNAL_SERVER_ERROR, "database is down")
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(30)).await;
    "{}"
}

async fn receiver() -> (String, Receiver) {
    let rx = Receiver::default();
    let app = Router::new()
        .route("/robot/send", post(dingtalk))
        .route("/open-apis/bot/v2/hook/abc", post(feishu))
        .route("/cgi-bin/webhook/send", post(wecom))
        .route("/services/{*service}", post(slack))
        .route("/hook", post(hook))
        .route("/broken", post(broken))
        .route("/slow", post(slow))
        .with_state(rx.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), rx)
}

fn notifier(specs: Vec<ChannelSpec>) -> Notifier {
    Notifier::new(specs, Arc::new(WallClock)).unwrap()
}

fn incident() -> IncidentBrief {
    IncidentBrief {
        id: 7,
        title: "Link down on core-sw-1".into(),
        severity: Severity::Critical,
        root_node: Some("core-sw-1".into()),
        system: Some("payments".into()),
        escalation_level: 0,
    }
}

fn opened() -> Notice {
    Notice::about(incident(), Reason::Opened)
}

#[tokio::test]
async fn dingtalk_signs_as_dingtalk_checks() {
    let (base, rx) = receiver().await;
    let url = format!("{base}/robot/send?access_token=tok123");
    let good = ChannelSpec::new("ding", ChannelKind::DingTalk, &url).with_secret(DING_SECRET);
    let wrong = ChannelSpec::new("ding-wrong", ChannelKind::DingTalk, &url).with_secret("SECnot");
    let notifier = notifier(vec![good, wrong]);

    let delivery = notifier.send("ding", &opened()).await.unwrap();
    assert!(delivery.ok, "{delivery:?}");
    assert_eq!(delivery.detail, "delivered to DingTalk");
    let got = rx.on("dingtalk");
    assert_eq!(got.len(), 1);
    let request = &got[0];
    assert_eq!(request.query["access_token"], "tok123");
    // Recomputed here as well, from what arrived.
    let timestamp = &request.query["timestamp"];
    let expected = hmac_sha256(
        DING_SECRET.as_bytes(),
        format!("{timestamp}\n{DING_SECRET}").as_bytes(),
    );
    assert_eq!(request.query["sign"], expected);
    assert_eq!(request.body["msgtype"], "text");
    let content = request.body["text"]["content"].as_str().unwrap();
    assert!(
        content.starts_with("[NOC] 【P1 紧急】新故障 #7:Link down on core-sw-1"),
        "{content}"
    );
    assert!(
        content.contains("节点 core-sw-1,系统 payments"),
        "{content}"
    );

    let refused = notifier.send("ding-wrong", &opened()).await.unwrap();
    assert!(!refused.ok);
    assert!(
        refused
            .detail
            .starts_with("DingTalk refused the message: errcode 310000 (sign not match"),
        "{}",
        refused.detail
    );
    assert!(!refused.detail.contains("tok123"));
}

#[tokio::test]
async fn feishu_signs_as_feishu_checks() {
    let (base, rx) = receiver().await;
    let url = format!("{base}/open-apis/bot/v2/hook/abc");
    let mut good = ChannelSpec::new("lark", ChannelKind::Feishu, &url).with_secret(FEISHU_SECRET);
    good.language = Language::En;
    let wrong = ChannelSpec::new("lark-wrong", ChannelKind::Feishu, &url).with_secret("nope");
    let notifier = notifier(vec![good, wrong]);

    let delivery = notifier.send("lark", &opened()).await.unwrap();
    assert!(delivery.ok, "{delivery:?}");
    let got = rx.on("feishu");
    let body = &got[0].body;
    let timestamp = body["timestamp"].as_str().expect("timestamp is a string");
    let expected = hmac_sha256(format!("{timestamp}\n{FEISHU_SECRET}").as_bytes(), b"");
    assert_eq!(body["sign"], expected.as_str());
    assert_eq!(body["msg_type"], "text");
    assert_eq!(
        body["content"]["text"],
        "[NOC] [P1 critical] New incident #7: Link down on core-sw-1\n\
         Where: node core-sw-1, system payments\nTrigger: new P1 incident"
    );

    let refused = notifier.send("lark-wrong", &opened()).await.unwrap();
    assert!(!refused.ok);
    assert!(
        refused
            .detail
            .starts_with("Feishu refused the message: code 19021 (sign match fail"),
        "{}",
        refused.detail
    );
}

#[tokio::test]
async fn wecom_sends_text_and_reports_its_errcode() {
    let (base, rx) = receiver().await;
    let good = ChannelSpec::new(
        "wx",
        ChannelKind::WeCom,
        format!("{base}/cgi-bin/webhook/send?key={WECOM_KEY}"),
    );
    let bad = ChannelSpec::new(
        "wx-bad",
        ChannelKind::WeCom,
        format!("{base}/cgi-bin/webhook/send?key=revoked"),
    );
    let notifier = notifier(vec![good, bad]);
    let escalated = Notice::about(
        incident(),
        Reason::Escalated {
            level: 2,
            reason: "unacknowledged for 5 minutes".into(),
        },
    );
    let delivery = notifier.send("wx", &escalated).await.unwrap();
    assert!(delivery.ok, "{delivery:?}");
    let got = rx.on("wecom");
    assert_eq!(got[0].body["msgtype"], "text");
    let content = got[0].body["text"]["content"].as_str().unwrap();
    assert!(content.contains("故障 #7 已升级到第 2 级"), "{content}");
    assert!(
        content.contains("原因:unacknowledged for 5 minutes"),
        "{content}"
    );

    let mut markdown = ChannelSpec::new(
        "wx-md",
        ChannelKind::WeCom,
        format!("{base}/cgi-bin/webhook/send?key={WECOM_KEY}"),
    );
    markdown.markdown = true;
    let md = Notifier::new(vec![markdown], Arc::new(WallClock)).unwrap();
    assert!(md.send("wx-md", &escalated).await.unwrap().ok);
    let got = rx.on("wecom");
    assert_eq!(got[1].body["msgtype"], "markdown");
    let content = got[1].body["markdown"]["content"].as_str().unwrap();
    assert!(
        content
            .starts_with("<font color=\"warning\">**［NOC］ 【P1 紧急】故障 ＃7 已升级到第 2 级"),
        "{content}"
    );
    assert!(
        content.contains("\n> 原因:unacknowledged for 5 minutes"),
        "{content}"
    );

    let refused = notifier.send("wx-bad", &escalated).await.unwrap();
    assert!(!refused.ok);
    assert!(
        refused
            .detail
            .contains("errcode 93000 (invalid webhook url"),
        "{}",
        refused.detail
    );
    assert!(
        !refused.detail.contains("revoked"),
        "the key stays out: {}",
        refused.detail
    );
}

#[tokio::test]
async fn slack_sends_text_and_reports_its_refusal() {
    let (base, rx) = receiver().await;
    let good = ChannelSpec::new(
        "slack",
        ChannelKind::Slack,
        format!("{base}/services/T1/B1/good"),
    );
    let gone = ChannelSpec::new(
        "slack-gone",
        ChannelKind::Slack,
        format!("{base}/services/T1/B1/gone"),
    );
    let notifier = notifier(vec![good, gone]);
    let overdue = Notice::about(
        incident(),
        Reason::Overdue {
            due_at: 1_700_000_100_000,
        },
    );
    assert!(notifier.send("slack", &overdue).await.unwrap().ok);
    let got = rx.on("slack");
    assert_eq!(got[0].body.as_object().unwrap().len(), 1, "only text");
    let text = got[0].body["text"].as_str().unwrap();
    assert!(
        text.starts_with("[NOC] [P1 critical] Incident #7 update overdue"),
        "{text}"
    );
    assert!(text.contains("22:15 UTC"), "{text}");
    let refused = notifier.send("slack-gone", &overdue).await.unwrap();
    assert!(!refused.ok);
    assert_eq!(
        refused.detail,
        "Slack answered HTTP 404 Not Found: no_service"
    );
}

#[tokio::test]
async fn a_webhook_gets_the_incident_and_trigger_as_json_with_its_token() {
    let (base, rx) = receiver().await;
    let spec = ChannelSpec::new("tickets", ChannelKind::Webhook, format!("{base}/hook"))
        .with_secret("bearer-tok");
    let notifier = notifier(vec![spec]);
    let delivery = notifier.send("tickets", &opened()).await.unwrap();
    assert_eq!(delivery.detail, "delivered to the webhook (HTTP 200)");
    let got = rx.on("hook");
    assert_eq!(got[0].authorization.as_deref(), Some("Bearer bearer-tok"));
    let body = &got[0].body;
    assert_eq!(body["channel"], "tickets");
    assert_eq!(body["trigger"], "opened");
    assert_eq!(body["incident"]["id"], 7);
    assert_eq!(body["incident"]["severity"], "critical");
    assert_eq!(body["incident"]["root_node"], "core-sw-1");
    assert!(body["text"].as_str().unwrap().contains("New incident #7"));
    assert!(body["at"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn http_errors_timeouts_and_dead_hosts_are_failed_deliveries() {
    let (base, _rx) = receiver().await;
    let broken = ChannelSpec::new("broken", ChannelKind::Webhook, format!("{base}/broken"));
    let mut slow = ChannelSpec::new(
        "slow",
        ChannelKind::Webhook,
        format!("{base}/slow?token=abc"),
    );
    slow.timeout = Duration::from_millis(200);
    // A port that was just free: nobody listens there.
    let dead_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let dead = ChannelSpec::new(
        "dead",
        ChannelKind::WeCom,
        format!("http://127.0.0.1:{dead_port}/cgi-bin/webhook/send?key=secret-key"),
    );
    let notifier = notifier(vec![broken, slow, dead]);

    let failed = notifier.send("broken", &opened()).await.unwrap();
    assert!(!failed.ok);
    assert_eq!(
        failed.detail,
        "The webhook answered HTTP 500 Internal Server Error: database is down"
    );
    let failed = notifier.send("slow", &opened()).await.unwrap();
    assert!(!failed.ok);
    assert_eq!(failed.detail, "the webhook did not answer within 0.2 s");
    let failed = notifier.send("dead", &opened()).await.unwrap();
    assert!(!failed.ok);
    assert!(
        failed.detail.starts_with("cannot reach WeCom: "),
        "{}",
        failed.detail
    );
    assert!(!failed.detail.contains("secret-key"), "{}", failed.detail);
    let last = notifier.last("dead").unwrap();
    assert!(!last.ok);
    assert_eq!(last.detail, failed.detail);
    assert!(notifier.send("nobody", &opened()).await.is_none());
}

#[tokio::test]
async fn beyond_the_rate_messages_wait_for_one_summary() {
    let (base, rx) = receiver().await;
    let mut spec = ChannelSpec::new("tickets", ChannelKind::Webhook, format!("{base}/hook"));
    spec.rate_per_minute = 2;
    let notifier = notifier(vec![spec]);
    let t0 = Instant::now();
    let notice = |id: i64| {
        let mut brief = incident();
        brief.id = id;
        Notice::about(brief, Reason::Opened)
    };
    assert!(
        notifier
            .send_at("tickets", &notice(1), t0)
            .await
            .unwrap()
            .ok
    );
    assert!(
        notifier
            .send_at("tickets", &notice(2), t0)
            .await
            .unwrap()
            .ok
    );
    for id in [3, 4] {
        let held = notifier.send_at("tickets", &notice(id), t0).await.unwrap();
        assert!(!held.ok);
        assert!(
            held.detail
                .starts_with("rate limited: more than 2 messages a minute"),
            "{}",
            held.detail
        );
    }
    assert_eq!(rx.on("hook").len(), 2, "nothing beyond the rate was sent");
    assert_eq!(
        notifier.next_summary_after(t0),
        Some(t0 + Duration::from_secs(60))
    );
    // Not before the window reopens.
    let early = notifier
        .send_due_summaries_at(t0 + Duration::from_secs(30))
        .await;
    assert!(early.is_empty());
    assert_eq!(rx.on("hook").len(), 2);

    let sent = notifier
        .send_due_summaries_at(t0 + Duration::from_secs(60))
        .await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, "tickets");
    assert!(sent[0].1.ok, "{:?}", sent[0].1);
    let got = rx.on("hook");
    assert_eq!(got.len(), 3);
    let summary = &got[2].body;
    assert_eq!(summary["trigger"], "summary");
    assert_eq!(summary["detail"]["total"], 2);
    let text = summary["text"].as_str().unwrap();
    assert!(
        text.starts_with("[NOC] 2 notifications held back by the rate limit"),
        "{text}"
    );
    assert!(
        text.contains("- [P1 critical] New incident #3: Link down on core-sw-1"),
        "{text}"
    );
    assert!(text.contains("- [P1 critical] New incident #4:"), "{text}");
    // Once told, nothing is pending.
    assert_eq!(
        notifier.next_summary_after(t0 + Duration::from_secs(60)),
        None
    );
    assert!(notifier
        .send_due_summaries_at(t0 + Duration::from_secs(120))
        .await
        .is_empty());
}

#[tokio::test]
async fn a_channel_name_is_used_once() {
    let a = ChannelSpec::new("ops", ChannelKind::Slack, "http://127.0.0.1:9/");
    let err = Notifier::new(vec![a.clone(), a], Arc::new(WallClock))
        .err()
        .unwrap();
    assert_eq!(err.to_string(), "notify channel \"ops\" is defined twice");
    let spec =
        ChannelSpec::new("ops", ChannelKind::DingTalk, "http://127.0.0.1:9/").with_secret("s");
    assert!(
        !format!("{spec:?}").contains("127.0.0.1"),
        "Debug hides the URL"
    );
    assert!(spec.accepts(Trigger::Overdue));
}
