//! The event stream as screens use it: resuming after a disconnect without losing or
//! repeating an event (also past what the hub keeps in memory), who is online and
//! where (presence), a client that says nonsense, and two operators colliding on
//! one incident.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use noc_model::{AlarmSignal, EventBody, Severity, Signal};
use noc_server::{HubOptions, RunningHub};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

mod common;
use common::wait_for;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// More batches than the hub keeps for replay (`REPLAY_BATCHES` in noc-api).
const BEYOND_REPLAY: usize = 4_200;

async fn hub() -> (RunningHub, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = HubOptions::loopback(dir.path().into());
    opts.demo = None;
    (noc_server::start(opts).await.unwrap(), dir)
}

async fn connect(hub: &RunningHub, query: &str) -> Socket {
    let url = format!("ws://{}/api/stream?token={}{query}", hub.addr, hub.token);
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

/// The next message of `kind` ("snapshot", "batch", "presence"); others are skipped.
async fn next_of(socket: &mut Socket, kind: &str) -> Value {
    loop {
        let value = next(socket).await;
        if value["type"] == kind {
            return value;
        }
    }
}

async fn next(socket: &mut Socket) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("a stream message")
            .expect("the stream is open")
            .unwrap();
        if let Message::Text(text) = msg {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// Reads until a presence message satisfies `check`.
async fn presence_until(socket: &mut Socket, check: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    loop {
        let msg = next_of(socket, "presence").await;
        let operators = msg["operators"].as_array().unwrap().clone();
        if check(&operators) {
            return operators;
        }
    }
}

fn named<'a>(operators: &'a [Value], name: &str) -> Option<&'a Value> {
    operators.iter().find(|o| o["name"] == name)
}

fn alarm(key: &str, firing: bool) -> Signal {
    Signal::Alarm(AlarmSignal {
        source: "test".into(),
        key: key.into(),
        node: Some(key.into()),
        severity: Severity::Major,
        title: format!("{key} is down"),
        text: String::new(),
        labels: Default::default(),
        at: 0,
        firing,
    })
}

/// Commits `n` events, one batch each.
async fn commit_batches(hub: &RunningHub, n: usize) {
    for _ in 0..n {
        let body = EventBody::AlarmsSeen { alarms: Vec::new() };
        hub.console.record(body, "li.wei").await.unwrap();
    }
}

/// Every event of every batch until `target`, checking the batches join up.
async fn events_until(socket: &mut Socket, mut last: i64, target: i64) -> Vec<i64> {
    let mut seqs = Vec::new();
    while last < target {
        let msg = next(socket).await;
        match msg["type"].as_str() {
            Some("batch") => {
                let batch = &msg["batch"];
                assert_eq!(
                    batch["first_seq"].as_i64().unwrap(),
                    last + 1,
                    "a batch joins up"
                );
                for event in batch["events"].as_array().unwrap() {
                    seqs.push(event["seq"].as_i64().unwrap());
                }
                last = batch["last_seq"].as_i64().unwrap();
            }
            Some("snapshot") => panic!("a replayable position was answered with a snapshot"),
            _ => {}
        }
    }
    seqs
}

#[tokio::test]
async fn a_client_resumes_from_its_last_seq_with_every_event_once_and_in_order() {
    let (hub, _dir) = hub().await;
    let sink = hub.console.signal_sink();
    sink.send(alarm("core-1", true)).await.unwrap();
    wait_for("the first alarm", Duration::from_secs(10), || async {
        (hub.console.snapshot().await.seq > 0).then_some(())
    })
    .await;

    let mut socket = connect(&hub, "").await;
    let last = next_of(&mut socket, "snapshot").await["snapshot"]["seq"]
        .as_i64()
        .unwrap();
    drop(socket);

    // While the screen is away: alarms come and go, and operators record things.
    for i in 0..40 {
        sink.send(alarm(&format!("edge-{i}"), true)).await.unwrap();
    }
    sink.send(alarm("core-1", false)).await.unwrap();
    commit_batches(&hub, 30).await;
    let target = wait_for("the signals committed", Duration::from_secs(10), || async {
        let s = hub.console.snapshot().await;
        (s.alarms.len() >= 41 && s.seq > last + 70).then_some(s.seq)
    })
    .await;

    let mut socket = connect(&hub, &format!("&after={last}")).await;
    let seqs = events_until(&mut socket, last, target).await;
    assert_eq!(seqs, ((last + 1)..=target).collect::<Vec<_>>());

    // And it keeps following live from there.
    commit_batches(&hub, 1).await;
    let batch = next_of(&mut socket, "batch").await;
    assert_eq!(batch["batch"]["first_seq"].as_i64().unwrap(), target + 1);
    hub.shutdown().await;
}

#[tokio::test]
async fn a_gap_longer_than_the_hub_keeps_is_closed_with_a_snapshot_of_the_current_state() {
    let (hub, _dir) = hub().await;
    let sink = hub.console.signal_sink();
    sink.send(alarm("core-1", true)).await.unwrap();
    let mut socket = connect(&hub, "").await;
    let mut last = next_of(&mut socket, "snapshot").await["snapshot"]["seq"]
        .as_i64()
        .unwrap();
    if last == 0 {
        last = next_of(&mut socket, "batch").await["batch"]["last_seq"]
            .as_i64()
            .unwrap();
    }
    drop(socket);

    // Away for longer than the hub replays from memory.
    sink.send(alarm("core-1", false)).await.unwrap();
    sink.send(alarm("edge-7", true)).await.unwrap();
    commit_batches(&hub, BEYOND_REPLAY).await;
    let now = wait_for("the signals committed", Duration::from_secs(10), || async {
        let s = hub.console.snapshot().await;
        s.alarms
            .iter()
            .any(|a| a.title == "edge-7 is down")
            .then_some(s)
    })
    .await;

    let mut socket = connect(&hub, &format!("&after={last}")).await;
    let msg = next(&mut socket).await;
    assert_eq!(
        msg["type"], "snapshot",
        "the client starts over from a snapshot"
    );
    assert_eq!(msg["snapshot"]["seq"].as_i64().unwrap(), now.seq);
    assert_eq!(
        msg["snapshot"],
        serde_json::to_value(hub.console.snapshot().await).unwrap(),
        "the client holds exactly the hub's state"
    );
    commit_batches(&hub, 1).await;
    let batch = next_of(&mut socket, "batch").await;
    assert_eq!(batch["batch"]["first_seq"].as_i64().unwrap(), now.seq + 1);
    hub.shutdown().await;
}

#[tokio::test]
async fn every_screen_sees_who_is_online_and_where() {
    let (hub, _dir) = hub().await;
    let mut li = connect(&hub, "&operator=li.wei").await;
    assert_eq!(
        next(&mut li).await["type"],
        "snapshot",
        "the snapshot comes first"
    );
    let mut zhang = connect(&hub, "&operator=zhang%20min").await;
    next_of(&mut zhang, "snapshot").await;
    let both = presence_until(&mut zhang, |ops| ops.len() == 2).await;
    let li_wei = named(&both, "li.wei").unwrap();
    assert_eq!(li_wei["screen"], "board");
    assert_eq!(li_wei["role"], "admin");
    assert_eq!(li_wei["connections"], 1);
    assert!(named(&both, "zhang min").is_some());

    let moved = json!({"type": "presence", "screen": "topology", "incident": 12});
    li.send(Message::text(moved.to_string())).await.unwrap();
    let seen = presence_until(&mut zhang, |ops| {
        named(ops, "li.wei").is_some_and(|o| o["incident"] == 12)
    })
    .await;
    assert_eq!(named(&seen, "li.wei").unwrap()["screen"], "topology");

    // A second window of the same operator is the same person.
    let mut li_again = connect(&hub, "&operator=li.wei").await;
    presence_until(&mut zhang, |ops| {
        named(ops, "li.wei").is_some_and(|o| o["connections"] == 2)
    })
    .await;
    drop(li_again.close(None).await);

    // Leaving removes the operator from every other screen.
    li.close(None).await.unwrap();
    presence_until(&mut zhang, |ops| named(ops, "li.wei").is_none()).await;
    hub.shutdown().await;
}

#[tokio::test]
async fn nonsense_from_a_client_is_ignored_and_its_updates_are_paced() {
    let (hub, _dir) = hub().await;
    let mut noisy = connect(&hub, "&operator=noisy").await;
    let mut watcher = connect(&hub, "&operator=watcher").await;
    next_of(&mut watcher, "snapshot").await;
    presence_until(&mut watcher, |ops| ops.len() == 2).await;

    let oversized = json!({"type": "presence", "screen": "x".repeat(8_000), "incident": 1});
    for garbage in [
        "not json".to_string(),
        "{\"type\":\"presence\"".to_string(),
        json!({"type": "presence", "screen": 7}).to_string(),
        json!({"type": "launch", "missiles": true}).to_string(),
        json!({"type": "presence", "screen": "board", "incident": -4}).to_string(),
        oversized.to_string(),
    ] {
        noisy.send(Message::text(garbage)).await.unwrap();
    }
    noisy
        .send(Message::binary(vec![0xff_u8; 2_000]))
        .await
        .unwrap();
    let long = json!({"type": "presence", "screen": "y".repeat(300), "incident": null});
    noisy.send(Message::text(long.to_string())).await.unwrap();
    let seen = presence_until(&mut watcher, |ops| {
        named(ops, "noisy").is_some_and(|o| o["screen"] != "board")
    })
    .await;
    assert_eq!(
        named(&seen, "noisy").unwrap()["screen"],
        "y".repeat(noc_api::MAX_SCREEN_CHARS),
        "the screen name is cut, the nonsense before it left no trace"
    );

    // A flood: the hub takes a few per second and ends up where the client is.
    for incident in 1..=200 {
        let at = json!({"type": "presence", "screen": "board", "incident": incident});
        noisy.send(Message::text(at.to_string())).await.unwrap();
    }
    presence_until(&mut watcher, |ops| {
        named(ops, "noisy").is_some_and(|o| o["incident"] == 200)
    })
    .await;

    // Still the same connection, still following the log.
    hub.console
        .record(EventBody::AlarmsSeen { alarms: Vec::new() }, "li.wei")
        .await
        .unwrap();
    assert_eq!(next_of(&mut noisy, "batch").await["type"], "batch");
    hub.shutdown().await;
}

/// Two operators press Acknowledge (then Resolve) on the same incident at the same
/// moment: one wins, the other is told who.
#[tokio::test]
async fn colliding_milestones_have_one_winner_and_the_loser_is_told_who() {
    const ROUNDS: usize = 40;
    let (hub, _dir) = hub().await;
    let sink = hub.console.signal_sink();
    for i in 0..ROUNDS {
        sink.send(alarm(&format!("host-{i}"), true)).await.unwrap();
    }
    let snapshot = wait_for("one incident per host", Duration::from_secs(20), || async {
        let s = hub.console.snapshot().await;
        (s.incidents.len() == ROUNDS).then_some(s)
    })
    .await;
    let http = reqwest::Client::new();
    let post = |id: i64, what: &'static str, who: &'static str| {
        http.post(format!("{}api/incidents/{id}/{what}", hub.url))
            .bearer_auth(&hub.token)
            .header("X-Noc-Operator", who)
            .json(&json!({}))
            .send()
    };
    for (what, code) in [
        ("acknowledge", "already_acknowledged"),
        ("resolve", "incident_closed"),
    ] {
        for incident in &snapshot.incidents {
            let (a, b) = tokio::join!(
                post(incident.id, what, "li.wei"),
                post(incident.id, what, "zhang.min")
            );
            let (a, b) = (a.unwrap(), b.unwrap());
            let (winner, loser, winner_name) = match (a.status(), b.status()) {
                (StatusCode::OK, StatusCode::CONFLICT) => (a, b, "li.wei"),
                (StatusCode::CONFLICT, StatusCode::OK) => (b, a, "zhang.min"),
                other => panic!(
                    "{what} #{}: exactly one must win, got {other:?}",
                    incident.id
                ),
            };
            let won: Value = winner.json().await.unwrap();
            let refusal: Value = loser.json().await.unwrap();
            assert_eq!(refusal["code"], code);
            assert_eq!(refusal["by"], winner_name, "{refusal}");
            assert!(
                refusal["message"].as_str().unwrap().contains(winner_name),
                "{refusal}"
            );
            let owner = match what {
                "acknowledge" => &won["acknowledged"]["by"],
                _ => &won["resolved_by"],
            };
            assert_eq!(owner, winner_name);
        }
    }

    // A bulk action that collides names the owner in the incident's line too.
    let closed = snapshot.incidents[0].id;
    let bulk: Value = http
        .post(format!("{}api/incidents/bulk", hub.url))
        .bearer_auth(&hub.token)
        .header("X-Noc-Operator", "wang.fang")
        .json(&json!({"action": "resolve", "incidents": [closed]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let error = &bulk["results"][0]["error"];
    assert_eq!(error["code"], "incident_closed", "{bulk}");
    assert!(
        error["by"] == "li.wei" || error["by"] == "zhang.min",
        "{bulk}"
    );
    hub.shutdown().await;
}
