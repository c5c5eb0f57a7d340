//! The offline review (复盘) over HTTP: a range of the production log exported as a
//! recording replays the board and the topology exactly as they were live, with the
//! operators' actions; annotations travel with the file to another hub; a damaged
//! or cut file is refused with its reason and leaves the library as it was; the
//! role table holds for the new routes.

use std::path::PathBuf;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use noc_api::Library;
use noc_model::{AlarmSignal, Role, Severity, Signal};
use serde_json::{json, Value};
use tower::ServiceExt;

mod common;
use common::{answer, in_process_hub_with, signed_in, until, with_body, InProcessHub};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// 2026-01-01 00:00 UTC.
const START: i64 = 1_767_225_600_000;
const MINUTE: i64 = 60_000;
const ALICE: &str = "alice";
const BOB: &str = "bob";
/// Said in a comment; the damaged copy has one letter of it changed.
const COMMENT: &str = "fibre cut between Beijing and Tianjin";

/// A hub in this process whose recordings folder lives as long as it does.
struct ReviewHub {
    hub: InProcessHub,
    folder: PathBuf,
    _data: tempfile::TempDir,
}

async fn review_hub() -> ReviewHub {
    let data = tempfile::tempdir().unwrap();
    let folder = data.path().join("recordings");
    let dir = folder.clone();
    let hub = in_process_hub_with(TOKEN, START, move |state| {
        let clock = state.clock.clone();
        state.with_library(Library::new(dir, clock))
    })
    .await;
    ReviewHub {
        hub,
        folder,
        _data: data,
    }
}

/// `method uri` with the launch token, in `operator`'s name.
async fn call_as(
    hub: &ReviewHub,
    operator: &str,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("x-noc-operator", operator);
    answer(&hub.hub.app, with_body(request, body)).await
}

async fn get(hub: &ReviewHub, uri: &str) -> Value {
    let (status, body) = call_as(hub, ALICE, "GET", uri, None).await;
    assert_eq!(status, StatusCode::OK, "GET {uri}: {body}");
    body
}

async fn post(hub: &ReviewHub, operator: &str, uri: &str, body: Value) -> Value {
    let (status, answer) = call_as(hub, operator, "POST", uri, Some(body)).await;
    assert_eq!(status, StatusCode::OK, "POST {uri}: {answer}");
    answer
}

/// Uploads `bytes` as the file `name`, as the library's file picker does; an empty
/// name sends none.
async fn import_as(hub: &ReviewHub, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let uri = match name {
        "" => "/api/recordings/import".to_string(),
        name => format!("/api/recordings/import?name={name}"),
    };
    let request = Request::post(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("x-noc-operator", BOB)
        .header("content-type", "application/octet-stream")
        .body(Body::from(bytes))
        .unwrap();
    answer(&hub.hub.app, request).await
}

async fn import(hub: &ReviewHub, bytes: Vec<u8>) -> (StatusCode, Value) {
    import_as(hub, "", bytes).await
}

async fn download(hub: &ReviewHub, id: &str) -> Vec<u8> {
    let request = Request::get(format!("/api/recordings/{id}/file"))
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let response = hub.hub.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers["content-type"], "application/vnd.noc-recording");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"{id}.nocrec\"").as_str()
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    bytes.to_vec()
}

fn alarm(key: &str, at: i64) -> Signal {
    Signal::Alarm(AlarmSignal {
        source: "test".into(),
        key: key.into(),
        node: Some(key.into()),
        severity: Severity::Critical,
        title: format!("{key} is down"),
        text: String::new(),
        labels: Default::default(),
        at,
        firing: true,
    })
}

/// Moves the hub's clock to `at` and lets the engine's timers due by then fire, so
/// nothing more happens at `at` after the script's actions.
async fn at_moment(hub: &ReviewHub, at: i64) {
    hub.hub.clock.set(at);
    tokio::time::sleep(Duration::from_millis(1200)).await;
}

/// The board and the topology as the live API shows them now.
async fn live(hub: &ReviewHub) -> (Value, Value) {
    (
        get(hub, "/api/state").await,
        get(hub, "/api/topology").await,
    )
}

async fn incident_of(hub: &ReviewHub, key: &str) -> i64 {
    let title = format!("{key} is down");
    let snapshot = until(&hub.hub.console, |s| {
        s.alarms
            .iter()
            .any(|a| a.title == title && a.incident.is_some())
    })
    .await;
    let alarm = snapshot.alarms.iter().find(|a| a.title == title).unwrap();
    alarm.incident.unwrap() as i64
}

/// The scripted shift: alarms, the duty loop by two operators and a topology edit,
/// each at its minute. The live board and topology at each minute, by minute.
async fn scripted_shift(hub: &ReviewHub) -> Vec<(i64, (Value, Value))> {
    let sink = hub.hub.console.signal_sink();
    let mut moments = Vec::new();

    let t = START + MINUTE;
    at_moment(hub, t).await;
    sink.send(alarm("core-sw-1", t)).await.unwrap();
    let first = incident_of(hub, "core-sw-1").await;
    post(
        hub,
        ALICE,
        &format!("/api/incidents/{first}/acknowledge"),
        json!({}),
    )
    .await;
    moments.push((t, live(hub).await));

    let t = START + 3 * MINUTE;
    at_moment(hub, t).await;
    let comment = json!({ "text": COMMENT });
    post(
        hub,
        BOB,
        &format!("/api/incidents/{first}/comments"),
        comment,
    )
    .await;
    let cause = json!({"cause": "fibre cut", "layer": null, "root_node": null});
    post(
        hub,
        ALICE,
        &format!("/api/incidents/{first}/identify"),
        cause,
    )
    .await;
    sink.send(alarm("edge-rt-7", t)).await.unwrap();
    incident_of(hub, "edge-rt-7").await;
    moments.push((t, live(hub).await));

    let t = START + 6 * MINUTE;
    at_moment(hub, t).await;
    let edit = json!({
        "upsert_nodes": [
            {"id": "core-sw-1", "name": "core switch 1", "kind": "network_device", "layer": "iaas"},
            {"id": "edge-rt-7", "name": "edge router 7", "kind": "network_device", "layer": "iaas"},
        ],
        "upsert_relations": [{"from": "edge-rt-7", "to": "core-sw-1", "kind": "depends_on"}],
    });
    post(hub, BOB, "/api/topology/edit", edit).await;
    moments.push((t, live(hub).await));

    let t = START + 9 * MINUTE;
    at_moment(hub, t).await;
    post(
        hub,
        ALICE,
        &format!("/api/incidents/{first}/resolve"),
        json!({}),
    )
    .await;
    moments.push((t, live(hub).await));

    at_moment(hub, START + 12 * MINUTE).await;
    moments
}

/// Every scripted moment's frame is the board and topology that were live then.
async fn assert_frames(hub: &ReviewHub, id: &str, moments: &[(i64, (Value, Value))]) {
    for (at, (snapshot, topology)) in moments {
        let frame = get(hub, &format!("/api/recordings/{id}/frame?at={at}")).await;
        assert_eq!(frame["at"], json!(at));
        assert_eq!(&frame["snapshot"], snapshot, "the board at {at}");
        assert_eq!(&frame["topology"], topology, "the topology at {at}");
        assert_eq!(frame["seq"], snapshot["seq"], "at {at}");
    }
}

fn files_in(folder: &PathBuf) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn an_exported_range_replays_the_board_and_topology_exactly_as_they_were_live() {
    let hub = review_hub().await;
    let moments = scripted_shift(&hub).await;

    let range = json!({"from": START, "to": START + 10 * MINUTE, "title": "core switch outage"});
    let info = post(&hub, "carol", "/api/recordings", range).await;
    let id = info["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("prod-20260101-0000-"), "{id}");
    assert_eq!(info["kind"], "production");
    assert_eq!(info["created_by"], "carol");
    assert_eq!(info["title"], "core switch outage");
    let list = get(&hub, "/api/recordings").await;
    assert_eq!(list["recordings"][0]["id"], json!(id));
    assert_eq!(list["damaged"], json!([]));

    assert_frames(&hub, &id, &moments).await;
    // Before the first event the board is the one the range starts with: empty here.
    let start = get(
        &hub,
        &format!("/api/recordings/{id}/frame?at={}", START - MINUTE),
    )
    .await;
    assert_eq!(start["at"], json!(START));
    assert_eq!(start["snapshot"]["alarms"], json!([]));

    let timeline = get(&hub, &format!("/api/recordings/{id}")).await;
    assert_eq!(timeline["info"]["id"], json!(id));
    assert_eq!(timeline["density"].as_array().unwrap().len(), 400);
    let total: u64 = timeline["density"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(total, info["events"].as_u64().unwrap());
    let actions: Vec<(String, String, i64)> = timeline["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["body"]["kind"].as_str().unwrap().to_string(),
                e["actor"].as_str().unwrap().to_string(),
                e["at"].as_i64().unwrap(),
            )
        })
        .collect();
    for wanted in [
        ("incident_acknowledged", ALICE, START + MINUTE),
        ("incident_commented", BOB, START + 3 * MINUTE),
        ("incident_identified", ALICE, START + 3 * MINUTE),
        ("topology_edited", BOB, START + 6 * MINUTE),
        ("incident_resolved", ALICE, START + 9 * MINUTE),
    ] {
        let wanted = (wanted.0.to_string(), wanted.1.to_string(), wanted.2);
        assert!(actions.contains(&wanted), "{wanted:?} in {actions:?}");
    }
    assert!(
        actions
            .iter()
            .all(|(_, actor, _)| actor == ALICE || actor == BOB),
        "only people's actions: {actions:?}"
    );
    assert_eq!(timeline["scorecard"], Value::Null);

    let note = json!({"at": START + 3 * MINUTE, "text": "ack took a minute: fine"});
    let annotation = post(
        &hub,
        "dave",
        &format!("/api/recordings/{id}/annotations"),
        note,
    )
    .await;
    assert_eq!(annotation["by"], "dave");
    assert_eq!(annotation["written_at"], json!(START + 12 * MINUTE));
    let timeline = get(&hub, &format!("/api/recordings/{id}")).await;
    assert_eq!(timeline["annotations"], json!([annotation]));
    assert_eq!(timeline["info"]["annotations"], 1);

    // Another machine: a hub with its own data folder and nothing in its log.
    let file = download(&hub, &id).await;
    let other = review_hub().await;
    let name = format!("{id}.nocrec");
    let (status, imported) = import_as(&other, &name, file.clone()).await;
    assert_eq!(status, StatusCode::OK, "{imported}");
    assert_eq!(imported["id"], json!(id));
    assert_eq!(files_in(&other.folder), vec![format!("{id}.nocrec")]);
    let there = get(&other, &format!("/api/recordings/{id}")).await;
    assert_eq!(there["annotations"], json!([annotation]));
    assert_eq!(there["actions"], timeline["actions"]);
    assert_frames(&other, &id, &moments).await;

    // The same file again is the same recording; a different one under its id is not.
    let (status, again) = import_as(&other, &name, file.clone()).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["id"], json!(id));
    let second = json!({"at": START + 9 * MINUTE, "text": "resolved on time"});
    post(
        &other,
        "erin",
        &format!("/api/recordings/{id}/annotations"),
        second,
    )
    .await;
    let (status, clash) = import_as(&other, &name, file.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{clash}");
    assert_eq!(clash["code"], "recording_exists");
    assert_eq!(
        get(&other, &format!("/api/recordings/{id}")).await["annotations"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Handed over without its name: an id of its kind, start and contents, the same
    // for the same file.
    let (status, unnamed) = import(&other, file.clone()).await;
    assert_eq!(status, StatusCode::OK, "{unnamed}");
    let unnamed_id = unnamed["id"].as_str().unwrap();
    assert!(
        unnamed_id.starts_with("prod-20260101-0000-"),
        "{unnamed_id}"
    );
    assert_ne!(unnamed_id, id);
    let (_, again) = import(&other, file).await;
    assert_eq!(again["id"], unnamed["id"]);
    assert_eq!(
        get(&other, "/api/recordings").await["recordings"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn a_cut_or_altered_file_is_refused_with_its_reason_and_nothing_is_kept() {
    let hub = review_hub().await;
    scripted_shift(&hub).await;
    let range = json!({"from": START, "to": START + 10 * MINUTE});
    let info = post(&hub, ALICE, "/api/recordings", range).await;
    let id = info["id"].as_str().unwrap().to_string();
    let file = download(&hub, &id).await;
    let other = review_hub().await;

    let truncated = file[..file.len() / 2].to_vec();
    let (status, body) = import(&other, truncated).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "recording_damaged");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("the uploaded file is incomplete"),
        "{message}"
    );
    assert!(!message.contains(".part"), "{message}");

    let mut altered = file.clone();
    let at = altered
        .windows(COMMENT.len())
        .position(|w| w == COMMENT.as_bytes())
        .expect("the comment is in the file");
    altered[at] ^= 0x20;
    let (status, body) = import(&other, altered).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "recording_damaged");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("the uploaded file is damaged"),
        "{message}"
    );

    let (status, body) = import(&other, b"just some notes, not a recording".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "not_a_recording");
    let (status, body) = import(&other, Vec::new()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "not_a_recording");

    let list = get(&other, "/api/recordings").await;
    assert_eq!(list, json!({"recordings": [], "damaged": []}));
    assert!(
        files_in(&other.folder).is_empty(),
        "{:?}",
        files_in(&other.folder)
    );

    // A damaged file put in the folder by hand is listed with its reason, not hidden.
    std::fs::write(other.folder.join("copied.nocrec"), &file[..file.len() / 3]).unwrap();
    let list = get(&other, "/api/recordings").await;
    assert_eq!(list["recordings"], json!([]));
    assert_eq!(list["damaged"][0]["file"], "copied.nocrec");
    let error = list["damaged"][0]["error"].as_str().unwrap();
    assert!(error.contains("incomplete"), "{error}");
    assert!(other.folder.join("copied.nocrec").exists());
}

#[tokio::test]
async fn export_ranges_ids_and_roles_are_checked() {
    let hub = review_hub().await;
    scripted_shift(&hub).await;
    let now = START + 12 * MINUTE;
    for (from, to) in [
        (START + MINUTE, START),
        (START, now + MINUTE),
        (now - 32 * 24 * 60 * MINUTE, now),
    ] {
        let range = json!({"from": from, "to": to});
        let (status, body) = call_as(&hub, ALICE, "POST", "/api/recordings", Some(range)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{from}–{to}: {body}"
        );
        assert_eq!(body["code"], "invalid_range");
    }
    let range = json!({"from": START, "to": now});
    let info = post(&hub, ALICE, "/api/recordings", range.clone()).await;
    let id = info["id"].as_str().unwrap().to_string();

    for path in [
        "/api/recordings/..%2Fnoc",
        "/api/recordings/..%2Fnoc/frame?at=0",
        "/api/recordings/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd/file",
        "/api/recordings/.hidden",
        "/api/recordings/no-such-recording",
    ] {
        let (status, body) = call_as(&hub, ALICE, "GET", path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(body["code"], "no_such_recording", "{path}");
    }

    let viewer = signed_in(&hub.hub, Role::Viewer).await;
    let operator = signed_in(&hub.hub, Role::Operator).await;
    let as_token = |token: &str, method: &str, uri: &str, body: Option<Value>| {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {token}"));
        with_body(request, body)
    };
    let note = json!({"at": START + MINUTE, "text": "seen"});
    let annotations = format!("/api/recordings/{id}/annotations");
    let (status, body) = answer(
        &hub.hub.app,
        as_token(&viewer, "POST", &annotations, Some(note.clone())),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::FORBIDDEN, &json!("forbidden"))
    );
    let (status, body) = answer(
        &hub.hub.app,
        as_token(&viewer, "POST", "/api/recordings", Some(range.clone())),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::FORBIDDEN, &json!("forbidden"))
    );
    let (status, _) = answer(
        &hub.hub.app,
        as_token(&viewer, "GET", &format!("/api/recordings/{id}"), None),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "a viewer may watch");
    let (status, body) = answer(
        &hub.hub.app,
        as_token(&operator, "POST", &annotations, Some(note)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "an operator may annotate: {body}");
    let (status, _) = answer(
        &hub.hub.app,
        as_token(&operator, "POST", "/api/recordings", Some(range)),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "exports are for duty managers"
    );
    let (status, _) = answer(
        &hub.hub.app,
        as_token(&operator, "DELETE", &format!("/api/recordings/{id}"), None),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, _) = call_as(
        &hub,
        ALICE,
        "DELETE",
        &format!("/api/recordings/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(files_in(&hub.folder).is_empty());
    let (status, body) = call_as(&hub, ALICE, "GET", &format!("/api/recordings/{id}"), None).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::NOT_FOUND, &json!("no_such_recording"))
    );
}

#[tokio::test]
async fn a_recording_file_opens_on_a_hub_of_its_own_and_a_damaged_one_starts_nothing() {
    let hub = review_hub().await;
    let moments = scripted_shift(&hub).await;
    let range = json!({"from": START, "to": START + 10 * MINUTE});
    let info = post(&hub, ALICE, "/api/recordings", range).await;
    let file = download(&hub, info["id"].as_str().unwrap()).await;
    let laptop = tempfile::tempdir().unwrap();
    let path = laptop.path().join("night shift.nocrec");
    std::fs::write(&path, &file).unwrap();

    let session = noc_server::start_review(&path, laptop.path().join("hub"), 0)
        .await
        .expect("a sound recording opens");
    assert_eq!(session.id, "night-shift");
    let url = session.player_url();
    assert!(
        url.starts_with(&format!("{}?token={}", session.hub.url, session.hub.token)),
        "{url}"
    );
    assert!(url.ends_with("#/review/night-shift"), "{url}");
    let http = reqwest::Client::new();
    let read = |path: String| {
        http.get(format!("{}api/{path}", session.hub.url))
            .bearer_auth(&session.hub.token)
            .send()
    };
    let info: Value = read("info".into()).await.unwrap().json().await.unwrap();
    assert_eq!(info["demo"], false);
    let (at, (snapshot, topology)) = &moments[2];
    let frame: Value = read(format!("recordings/night-shift/frame?at={at}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&frame["snapshot"], &frame["topology"]),
        (snapshot, topology)
    );
    let live: Value = read("state".into()).await.unwrap().json().await.unwrap();
    assert_eq!(live["alarms"], json!([]), "no demo, no sources: {live}");
    session.hub.shutdown().await;

    let cut = laptop.path().join("cut.nocrec");
    std::fs::write(&cut, &file[..file.len() / 2]).unwrap();
    let refused = noc_server::start_review(&cut, laptop.path().join("other"), 0).await;
    let message = refused
        .err()
        .expect("a cut file starts nothing")
        .to_string();
    assert!(message.contains(&cut.display().to_string()), "{message}");
    assert!(message.contains("is incomplete"), "{message}");
    let kept = files_in(&laptop.path().join("other").join("recordings"));
    assert!(kept.is_empty(), "{kept:?}");
}
