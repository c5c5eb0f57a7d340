//! Outbound notifications through a whole hub started from a `noc.toml`: alarms
//! arrive on the hub's generic webhook, incidents open, and a local receiver on
//! 127.0.0.1 plays the notification channel.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use noc_model::{EventBody, IncidentId};
use noc_server::config::HubConfig;
use noc_server::{HubOptions, RunningHub};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const POLL: Duration = Duration::from_millis(20);
const ATTEMPTS: usize = 1500;

/// One request: its `Authorization` header and JSON body.
type Request = (Option<String>, Value);

/// The notification channel's end: keeps each request, and answers once the gate
/// lets it (open unless a test closes it).
#[derive(Clone)]
struct Receiver {
    got: Arc<Mutex<Vec<Request>>>,
    gate: Arc<Semaphore>,
}

impl Receiver {
    fn bodies(&self) -> Vec<Value> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(_, b)| b.clone())
            .collect()
    }

    fn about(&self, incident: IncidentId) -> Vec<Value> {
        self.bodies()
            .into_iter()
            .filter(|b| b["incident"]["id"] == incident)
            .collect()
    }

    async fn until(&self, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        for _ in 0..ATTEMPTS {
            let bodies = self.bodies();
            if done(&bodies) {
                return bodies;
            }
            tokio::time::sleep(POLL).await;
        }
        panic!("the receiver never got {what}: {:#?}", self.bodies());
    }
}

async fn receive(
    State(rx): State<Receiver>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> &'static str {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    rx.got.lock().unwrap().push((auth, body));
    rx.gate.acquire().await.unwrap().forget();
    "{}"
}

async fn receiver(open: bool) -> (String, Receiver) {
    let rx = Receiver {
        got: Arc::default(),
        gate: Arc::new(Semaphore::new(if open {
            Semaphore::MAX_PERMITS
        } else {
            0
        })),
    };
    let app = Router::new()
        .route("/notify", post(receive))
        .with_state(rx.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/notify"), rx)
}

/// A hub whose `noc.toml` has the inbound hook `scripts` and the channel `ops`.
async fn hub(dir: &std::path::Path, receiver_url: &str, hook_env: &str) -> RunningHub {
    hub_with_rate(dir, receiver_url, hook_env, 1000).await
}

async fn hub_with_rate(
    dir: &std::path::Path,
    receiver_url: &str,
    hook_env: &str,
    rate_per_minute: u32,
) -> RunningHub {
    std::env::set_var(hook_env, "hook-secret");
    std::env::set_var("NOC_TEST_NOTIFY_BEARER", "bearer-for-ops");
    let config = format!(
        "[[webhook]]\nname = \"scripts\"\nformat = \"generic\"\ntoken_env = \"{hook_env}\"\n\n\
         [[notify]]\nname = \"ops\"\nkind = \"webhook\"\nurl = \"{receiver_url}\"\n\
         secret_env = \"NOC_TEST_NOTIFY_BEARER\"\nmin_severity = \"major\"\n\
         triggers = [\"opened\", \"escalated\", \"overdue\"]\nrate_per_minute = {rate_per_minute}\nlanguage = \"en\"\n"
    );
    let path = dir.join("noc.toml");
    std::fs::write(&path, config).unwrap();
    noc_server::start(HubOptions {
        bind: [127, 0, 0, 1].into(),
        port: 0,
        data_dir: dir.join("data"),
        config: Some(path),
        demo: None,
        token: Some(TOKEN.into()),
        tls: None,
    })
    .await
    .expect("the hub starts")
}

async fn raise(hub: &RunningHub, key: &str, severity: &str) {
    let body = json!({ "alerts": [{ "key": key, "status": "firing", "title": format!("{key} down"), "severity": severity }] });
    let res = reqwest::Client::new()
        .post(format!("{}hooks/scripts", hub.url))
        .bearer_auth("hook-secret")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
}

/// The incident whose root alarm has the key `key`, once it exists.
async fn incident_of(hub: &RunningHub, key: &str) -> IncidentId {
    for _ in 0..ATTEMPTS {
        let snapshot = hub.console.snapshot().await;
        let found = snapshot
            .alarms
            .iter()
            .find(|a| a.fingerprint.ends_with(&format!("/{key}")))
            .and_then(|a| a.incident);
        if let Some(id) = found {
            return id;
        }
        tokio::time::sleep(POLL).await;
    }
    panic!("no incident for {key}");
}

async fn root_alarm(hub: &RunningHub, incident: IncidentId) -> i64 {
    let snapshot = hub.console.snapshot().await;
    snapshot
        .incidents
        .iter()
        .find(|i| i.id == incident)
        .and_then(|i| i.root_alarm)
        .expect("the incident has a root alarm")
}

async fn api(hub: &RunningHub, method: reqwest::Method, path: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .request(method, format!("{}api{path}", hub.url))
        .bearer_auth(TOKEN)
        .header("x-noc-operator", "%E5%BC%A0%E4%B8%89")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The `notification_sent` events of the incident's timeline, once there are `n`.
async fn notifications(hub: &RunningHub, incident: IncidentId, n: usize) -> Vec<Value> {
    for _ in 0..ATTEMPTS {
        let (_, timeline) = api(
            hub,
            reqwest::Method::GET,
            &format!("/incidents/{incident}/timeline"),
        )
        .await;
        let sent: Vec<Value> = timeline
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["body"]["kind"] == "notification_sent")
            .cloned()
            .collect();
        if sent.len() >= n {
            return sent;
        }
        tokio::time::sleep(POLL).await;
    }
    panic!("incident {incident} never had {n} notifications");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_critical_incident_is_told_and_the_timeline_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (url, rx) = receiver(true).await;
    let hub = hub(dir.path(), &url, "NOC_TEST_HOOK_TOLD").await;

    raise(&hub, "core-link", "critical").await;
    let incident = incident_of(&hub, "core-link").await;
    let got = rx.until("the new incident", |b| !b.is_empty()).await;
    let body = &got[0];
    assert_eq!(body["channel"], "ops");
    assert_eq!(body["trigger"], "opened");
    assert_eq!(body["incident"]["id"], incident);
    assert_eq!(body["incident"]["severity"], "critical");
    assert!(body["text"].as_str().unwrap().starts_with(&format!(
        "[NOC] [P1 critical] New incident #{incident}: core-link down"
    )));
    assert_eq!(
        rx.got.lock().unwrap()[0].0.as_deref(),
        Some("Bearer bearer-for-ops")
    );
    let sent = notifications(&hub, incident, 1).await;
    assert_eq!(sent[0]["actor"], "notifier");
    assert_eq!(sent[0]["body"]["channel"], "ops");
    assert_eq!(sent[0]["body"]["trigger"], "opened");
    assert_eq!(sent[0]["body"]["ok"], true);
    assert_eq!(
        sent[0]["body"]["detail"],
        "delivered to the webhook (HTTP 200)"
    );

    // A minor incident is below the channel's min_severity; the escalation of one
    // names the channel, which tells it anyway.
    raise(&hub, "disk-usage", "minor").await;
    let minor = incident_of(&hub, "disk-usage").await;
    hub.console
        .record(
            EventBody::IncidentEscalated {
                incident: minor,
                level: 1,
                reason: "nobody acknowledged it".into(),
                notify: vec!["ops".into(), "pager".into()],
            },
            "engine",
        )
        .await
        .unwrap();
    let got = rx
        .until("the escalation", |b| {
            b.iter().any(|b| b["trigger"] == "escalated")
        })
        .await;
    assert_eq!(
        rx.about(minor).len(),
        1,
        "the minor opening was not told: {got:#?}"
    );
    let escalated = &rx.about(minor)[0];
    assert_eq!(escalated["detail"]["level"], 1);
    assert!(escalated["text"]
        .as_str()
        .unwrap()
        .contains("escalated to level 1"));
    let sent = notifications(&hub, minor, 2).await;
    let pager = sent
        .iter()
        .find(|e| e["body"]["channel"] == "pager")
        .unwrap();
    assert_eq!(pager["body"]["ok"], false);
    assert!(pager["body"]["detail"]
        .as_str()
        .unwrap()
        .contains("no [[notify]] channel"));

    // Overdue: the channel accepts it.
    hub.console
        .record(
            EventBody::IncidentUpdateOverdue {
                incident,
                due_at: 1_700_000_100_000,
            },
            "engine",
        )
        .await
        .unwrap();
    rx.until("the overdue notice", |b| {
        b.iter().any(|b| b["trigger"] == "overdue")
    })
    .await;
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_with_a_flapping_or_suppressed_root_is_held_until_it_settles() {
    let dir = tempfile::tempdir().unwrap();
    // Closed: the dispatcher waits on the first delivery while the test arranges the
    // state the next incidents open into.
    let (url, rx) = receiver(false).await;
    let hub = hub(dir.path(), &url, "NOC_TEST_HOOK_HELD").await;

    raise(&hub, "first", "critical").await;
    let first = incident_of(&hub, "first").await;
    rx.until("the first incident", |b| b.len() == 1).await;

    raise(&hub, "flappy", "critical").await;
    raise(&hub, "in-maintenance", "critical").await;
    let flappy = incident_of(&hub, "flappy").await;
    let maintained = incident_of(&hub, "in-maintenance").await;
    let flappy_root = root_alarm(&hub, flappy).await;
    let maintained_root = root_alarm(&hub, maintained).await;
    hub.console
        .record(
            EventBody::AlarmFlapping {
                alarm: flappy_root,
                flapping: true,
            },
            "engine",
        )
        .await
        .unwrap();
    hub.console
        .record(
            EventBody::AlarmSuppressed {
                alarm: maintained_root,
                window: Some("mw-core-upgrade".into()),
            },
            "engine",
        )
        .await
        .unwrap();
    rx.gate.add_permits(Semaphore::MAX_PERMITS / 2);

    // A later incident is told; the two before it are not.
    raise(&hub, "later", "critical").await;
    let later = incident_of(&hub, "later").await;
    rx.until("the later incident", |b| {
        b.iter().any(|b| b["incident"]["id"] == later)
    })
    .await;
    assert_eq!(rx.about(first).len(), 1);
    assert!(rx.about(flappy).is_empty(), "{:#?}", rx.bodies());
    assert!(rx.about(maintained).is_empty(), "{:#?}", rx.bodies());
    notifications(&hub, later, 1).await;
    let (_, timeline) = api(
        &hub,
        reqwest::Method::GET,
        &format!("/incidents/{flappy}/timeline"),
    )
    .await;
    assert!(!timeline
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["body"]["kind"] == "notification_sent"));

    // Settled: told as opened.
    hub.console
        .record(
            EventBody::AlarmFlapping {
                alarm: flappy_root,
                flapping: false,
            },
            "engine",
        )
        .await
        .unwrap();
    rx.until("the settled incident", |_| !rx.about(flappy).is_empty())
        .await;
    assert_eq!(rx.about(flappy)[0]["trigger"], "opened");
    let sent = notifications(&hub, flappy, 1).await;
    assert_eq!(sent[0]["body"]["ok"], true);
    hub.console
        .record(
            EventBody::AlarmSuppressed {
                alarm: maintained_root,
                window: None,
            },
            "engine",
        )
        .await
        .unwrap();
    rx.until("the incident out of maintenance", |_| {
        !rx.about(maintained).is_empty()
    })
    .await;
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_test_button_sends_now_and_records_the_operator() {
    let dir = tempfile::tempdir().unwrap();
    let (url, rx) = receiver(true).await;
    let hub = hub(dir.path(), &url, "NOC_TEST_HOOK_BUTTON").await;

    let (status, channels) = api(&hub, reqwest::Method::GET, "/notify/channels").await;
    assert_eq!(status, 200);
    assert_eq!(
        channels,
        json!([{
            "name": "ops", "kind": "webhook", "min_severity": "major",
            "triggers": ["opened", "escalated", "overdue"], "rate_per_minute": 1000, "last": null
        }])
    );

    let (status, outcome) = api(&hub, reqwest::Method::POST, "/notify/channels/ops/test").await;
    assert_eq!(status, 200);
    assert_eq!(
        outcome,
        json!({ "ok": true, "detail": "delivered to the webhook (HTTP 200)" })
    );
    let got = rx.bodies();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["trigger"], "test");
    assert_eq!(got[0]["incident"], Value::Null);
    assert!(got[0]["text"]
        .as_str()
        .unwrap()
        .contains("张三 tested the channel ops"));

    let (_, page) = api(&hub, reqwest::Method::GET, "/events?after=0").await;
    let recorded = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["body"]["kind"] == "notification_sent")
        .cloned()
        .expect("the test is in the log");
    assert_eq!(recorded["actor"], "张三");
    assert_eq!(recorded["subject"], "channel:ops");
    assert_eq!(recorded["body"]["trigger"], "test");
    assert_eq!(recorded["body"]["incident"], Value::Null);

    let (_, channels) = api(&hub, reqwest::Method::GET, "/notify/channels").await;
    assert_eq!(channels[0]["last"]["ok"], true);
    let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
    assert!(!channels.to_string().contains(port), "no URL in {channels}");

    let (status, err) = api(&hub, reqwest::Method::POST, "/notify/channels/nope/test").await;
    assert_eq!(status, 404);
    assert_eq!(err["code"], "channel_not_found");

    let (_, doc) = api(&hub, reqwest::Method::GET, "/openapi.json").await;
    assert!(doc["paths"]["/api/notify/channels"].is_object());
    assert!(doc["paths"]["/api/notify/channels/{name}/test"].is_object());
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_does_not_tell_again() {
    let dir = tempfile::tempdir().unwrap();
    let (url, rx) = receiver(true).await;
    let hub1 = hub(dir.path(), &url, "NOC_TEST_HOOK_RESTART").await;
    raise(&hub1, "before", "critical").await;
    raise(&hub1, "wan-errors", "minor").await;
    let before = incident_of(&hub1, "before").await;
    let minor = incident_of(&hub1, "wan-errors").await;
    notifications(&hub1, before, 1).await;
    hub1.shutdown().await;

    let hub2 = hub(dir.path(), &url, "NOC_TEST_HOOK_RESTART").await;
    raise(&hub2, "after", "critical").await;
    let after = incident_of(&hub2, "after").await;
    notifications(&hub2, after, 1).await;
    assert_eq!(rx.about(before).len(), 1, "told once: {:#?}", rx.bodies());
    assert_eq!(rx.bodies().len(), 2);
    // The minor incident from before the restart still counts as judged: turning
    // critical now is news.
    raise(&hub2, "wan-errors", "critical").await;
    rx.until("the worsened incident", |_| !rx.about(minor).is_empty())
        .await;
    assert_eq!(rx.about(minor)[0]["detail"]["from"], "minor");
    hub2.shutdown().await;
}

#[test]
fn notify_sections_are_checked_with_their_line() {
    let ok = HubConfig::parse(
        "[[notify]]\nname = \"ops\"\nkind = \"dingtalk\"\nurl_env = \"NOC_DING_URL\"\nsecret_env = \"NOC_DING_SECRET\"\n",
    )
    .unwrap();
    assert_eq!(ok.notify.len(), 1);
    let md = HubConfig::parse(
        "[[notify]]\nname = \"wx\"\nkind = \"wecom\"\nurl_env = \"NOC_WX_URL\"\nformat = \"markdown\"\n",
    );
    assert!(md.is_ok(), "{md:?}");
    let cases = [
        ("[[notify]]\nname = \"a\"\nkind = \"pager\"\nurl_env = \"X\"\n", "line 3", "unknown kind"),
        ("[[notify]]\nname = \"a\"\nkind = \"wecom\"\nurl = \"https://qyapi.weixin.qq.com/x?key=k\"\n", "line 4", "url_env"),
        ("[[notify]]\nname = \"a\"\nkind = \"slack\"\nurl_env = \"X\"\nsecret_env = \"Y\"\n", "line 5", "do not sign"),
        ("[[notify]]\nname = \"a\"\nkind = \"webhook\"\nurl = \"http://127.0.0.1/\"\nmin_severity = \"p1\"\n", "line 5", "min_severity"),
        ("[[notify]]\nname = \"a\"\nkind = \"webhook\"\nurl = \"http://127.0.0.1/\"\ntriggers = [\"resolved\"]\n", "line 5", "unknown trigger"),
        ("[[notify]]\nname = \"a\"\nkind = \"webhook\"\nurl = \"http://127.0.0.1/\"\nrate_per_minute = 0\n", "line 5", "at least 1"),
        ("[[notify]]\nname = \"a\"\nkind = \"webhook\"\nurl = \"http://127.0.0.1/\"\nlanguage = \"fr\"\n", "line 5", "language"),
        ("[[notify]]\nname = \"a\"\nkind = \"feishu\"\nurl_env = \"https://open.feishu.cn/x\"\n", "line 4", "name of an environment variable"),
        ("[[notify]]\nname = \"a\"\nkind = \"feishu\"\n", "line 2", "url_env"),
        ("[[notify]]\nname = \"a\"\nkind = \"slack\"\nurl_env = \"X\"\n\n[[notify]]\nname = \"a\"\nkind = \"slack\"\nurl_env = \"Y\"\n", "line 7", "used twice"),
        ("[[notify]]\nname = \"a\"\nkind = \"slack\"\nurl_env = \"X\"\ncolour = \"red\"\n", "line 5", "colour"),
        ("[[notify]]\nname = \"a\"\nkind = \"slack\"\nurl_env = \"X\"\nformat = \"markdown\"\n", "line 5", "for a WeCom robot"),
    ];
    for (text, line, words) in cases {
        let err = HubConfig::parse(text).unwrap_err();
        assert!(
            err.contains(line) && err.contains(words),
            "{err}\n---\n{text}"
        );
    }
}

#[tokio::test]
async fn a_channel_without_its_url_stops_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("noc.toml");
    std::fs::write(
        &path,
        "[[notify]]\nname = \"ops\"\nkind = \"wecom\"\nurl_env = \"NOC_TEST_NOTIFY_UNSET_URL\"\n",
    )
    .unwrap();
    let err = noc_server::start(HubOptions {
        bind: [127, 0, 0, 1].into(),
        port: 0,
        data_dir: dir.path().join("data"),
        config: Some(path),
        demo: None,
        token: Some(TOKEN.into()),
        tls: None,
    })
    .await
    .err()
    .expect("no hub without the channel's URL");
    assert!(
        err.to_string()
            .contains("NOC_TEST_NOTIFY_UNSET_URL (url_env) is not set"),
        "{err}"
    );
}

/// The commented `[[notify]]` blocks of noc.example.toml, uncommented, parse.
#[test]
fn the_commented_notify_examples_are_valid() {
    let text = include_str!("../../../noc.example.toml");
    let mut blocks = 0;
    for block in text.split("# [[notify]]").skip(1) {
        let entry: String = std::iter::once("[[notify]]")
            .chain(
                block
                    .lines()
                    .skip(1)
                    .take_while(|l| !l.trim().is_empty())
                    .filter_map(|l| l.strip_prefix("# "))
                    .filter(|l| !l.starts_with("# ")),
            )
            .map(|l| format!("{l}\n"))
            .collect();
        let config = HubConfig::parse(&entry).unwrap_or_else(|e| panic!("{e}\n{entry}"));
        assert_eq!(config.notify.len(), 1, "{entry}");
        blocks += 1;
    }
    assert!(blocks >= 3, "noc.example.toml documents [[notify]]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_that_turns_critical_is_told_then() {
    let dir = tempfile::tempdir().unwrap();
    let (url, rx) = receiver(true).await;
    let hub = hub(dir.path(), &url, "NOC_TEST_HOOK_WORSE").await;

    raise(&hub, "wan-errors", "minor").await;
    let incident = incident_of(&hub, "wan-errors").await;
    // The source reports the same alarm again, now critical.
    raise(&hub, "wan-errors", "critical").await;
    let got = rx.until("the worsened incident", |b| !b.is_empty()).await;
    assert_eq!(got.len(), 1, "the minor opening was not told: {got:#?}");
    assert_eq!(got[0]["incident"]["id"], incident);
    assert_eq!(got[0]["trigger"], "opened");
    assert_eq!(got[0]["detail"]["from"], "minor");
    assert!(got[0]["text"].as_str().unwrap().starts_with(&format!(
        "[NOC] [P1 critical] Incident #{incident} is now critical"
    )));
    let sent = notifications(&hub, incident, 1).await;
    assert_eq!(sent[0]["body"]["ok"], true);
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alarm_storm_sends_no_more_than_the_rate_and_records_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (url, rx) = receiver(true).await;
    let hub = hub_with_rate(dir.path(), &url, "NOC_TEST_HOOK_STORM", 5).await;
    let alerts: Vec<Value> = (0..60)
        .map(|i| json!({ "key": format!("storm-{i}"), "status": "firing", "title": format!("storm {i}"), "severity": "critical" }))
        .collect();
    let res = reqwest::Client::new()
        .post(format!("{}hooks/scripts", hub.url))
        .bearer_auth("hook-secret")
        .json(&json!({ "alerts": alerts }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let mut recorded = Vec::new();
    for _ in 0..ATTEMPTS {
        let (_, page) = api(&hub, reqwest::Method::GET, "/events?after=0&limit=10000").await;
        recorded = page["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["body"]["kind"] == "notification_sent")
            .cloned()
            .collect();
        if recorded.len() == 60 {
            break;
        }
        tokio::time::sleep(POLL).await;
    }
    assert_eq!(recorded.len(), 60, "one outcome per incident");
    let delivered = recorded.iter().filter(|e| e["body"]["ok"] == true).count();
    let limited = recorded
        .iter()
        .filter(|e| {
            e["body"]["detail"]
                .as_str()
                .unwrap()
                .starts_with("rate limited: more than 5 messages a minute")
        })
        .count();
    assert_eq!((delivered, limited), (5, 55));
    assert_eq!(
        rx.bodies().len(),
        5,
        "nothing beyond the rate reached the channel"
    );
    hub.shutdown().await;
}
