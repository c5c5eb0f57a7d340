//! Keeping the shift over HTTP against an in-process hub on a manual clock: the
//! roster and who is on duty, the handover round trip between two operators, swaps
//! and overrides, the shift log and patrol, and who may do what.

use std::time::Duration;

use axum::http::{Request, StatusCode};
use noc_api::{Caller, Credential, LogRequest, PatrolRequest, SignRequest, SwapRequest};
use noc_model::{AlarmSignal, Millis, Role, Severity, Signal, Snapshot, SwapSide};
use serde_json::{json, Value};

mod common;
use common::accounts::{add_operator, log_in, PASSWORD};
use common::{answer, in_process_hub, wait_for, with_body, InProcessHub};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// 2026-11-23 08:00 in China (UTC+8): the anchor day's day shift starts.
const DAY_START: Millis = 1_795_392_000_000;
const HOUR: Millis = 3_600_000;
const MINUTE: Millis = 60_000;
/// 10:00 local: team A's day shift.
const T0: Millis = DAY_START + 2 * HOUR;
const NIGHT: Millis = DAY_START + 12 * HOUR;

fn roster() -> Value {
    json!({
        "utc_offset_minutes": 480,
        "shifts": [
            {"name": "day", "start": "08:00", "hours": 12},
            {"name": "night", "start": "20:00", "hours": 12}
        ],
        "teams": [
            {"name": "A", "members": ["li.wei", "wang.fang"]},
            {"name": "B", "members": ["zhang.min", "zhao.lei"]},
            {"name": "C", "members": ["chen.jie"]}
        ],
        "anchor_day": "2026-11-23",
        "patrol": ["UPS", "core switch"]
    })
}

fn day() -> String {
    format!("day@{DAY_START}")
}

fn night() -> String {
    format!("night@{NIGHT}")
}

/// Who calls: the launch token in someone's name (an admin), or a session.
#[derive(Clone)]
enum As {
    Admin(&'static str),
    Session(String),
}

async fn call(
    hub: &InProcessHub,
    who: &As,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let req = Request::builder().method(method).uri(uri);
    let req = match who {
        As::Admin(name) => req
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("x-noc-operator", *name),
        As::Session(token) => req.header("authorization", format!("Bearer {token}")),
    };
    answer(&hub.app, with_body(req, body)).await
}

fn code(answer: &(StatusCode, Value)) -> (StatusCode, &str) {
    (answer.0, answer.1["code"].as_str().unwrap_or("<no code>"))
}

/// An operator account named as in the roster, signed in.
async fn session(hub: &InProcessHub, name: &str, role: Role) -> As {
    add_operator(hub, name, role).await;
    As::Session(log_in(hub, name, PASSWORD).await)
}

async fn hub_with_roster() -> InProcessHub {
    let hub = in_process_hub(TOKEN, T0).await;
    let (status, body) = call(
        &hub,
        &As::Admin("boss"),
        "PUT",
        "/api/duty/roster",
        Some(roster()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["seq"].as_i64().unwrap() > 0);
    hub
}

async fn until(hub: &InProcessHub, done: impl Fn(&Snapshot) -> bool) -> Snapshot {
    wait_for("the expected state", Duration::from_secs(10), || async {
        let snapshot = hub.console.snapshot().await;
        done(&snapshot).then_some(snapshot)
    })
    .await
}

fn alarm(key: &str, at: Millis) -> Signal {
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

#[tokio::test]
async fn a_roster_is_refused_with_its_reason_and_then_says_who_is_on_duty() {
    let hub = in_process_hub(TOKEN, T0).await;
    let admin = As::Admin("boss");
    let (status, empty) = call(&hub, &admin, "GET", "/api/duty", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (empty["now"].clone(), empty["roster"].clone()),
        (Value::Null, Value::Null)
    );
    let draft = call(&hub, &admin, "GET", "/api/duty/handover/draft", None).await;
    assert_eq!(code(&draft), (StatusCode::CONFLICT, "no_roster"));
    let refused = [
        (
            "/shifts/1/start",
            json!("19:00"),
            "shift night overlaps day",
        ),
        ("/teams/0/members", json!([]), "team A has no members"),
    ];
    for (pointer, value, reason) in refused {
        let mut bad = roster();
        *bad.pointer_mut(pointer).unwrap() = value;
        let answer = call(&hub, &admin, "PUT", "/api/duty/roster", Some(bad)).await;
        assert_eq!(
            code(&answer),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_roster")
        );
        assert_eq!(answer.1["message"], reason);
    }
    let answer = call(
        &hub,
        &admin,
        "PUT",
        "/api/duty/roster",
        Some(json!({"shifts": 3})),
    )
    .await;
    assert_eq!(code(&answer), (StatusCode::BAD_REQUEST, "invalid_request"));

    let (status, _) = call(&hub, &admin, "PUT", "/api/duty/roster", Some(roster())).await;
    assert_eq!(status, StatusCode::OK);
    let (_, duty) = call(&hub, &admin, "GET", "/api/duty", None).await;
    assert_eq!(duty["now"]["key"], day());
    assert_eq!(duty["now"]["team"], "A");
    assert_eq!(duty["now"]["members"], json!(["li.wei", "wang.fang"]));
    assert_eq!(duty["now"]["end"], NIGHT);
    assert_eq!(duty["next"]["key"], night());
    assert_eq!(duty["next"]["team"], "B");
    let upcoming = duty["upcoming"].as_array().unwrap();
    assert_eq!(upcoming.len(), 14);
    assert_eq!(upcoming[0], duty["next"]);
    assert_eq!(upcoming[1]["team"], "C");
    assert_eq!(duty["roster"]["patrol"], json!(["UPS", "core switch"]));
    // The stream's snapshot carries it too, and the roster's event names who set it.
    let snapshot = hub.console.snapshot().await;
    assert!(snapshot.duty.roster.is_some());
    let (_, events) = call(&hub, &admin, "GET", "/api/events?after=0", None).await;
    let defined = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["body"]["kind"] == "roster_defined")
        .expect("roster_defined");
    assert_eq!(
        (defined["actor"].as_str(), defined["subject"].as_str()),
        (Some("boss"), Some("roster"))
    );
}

#[tokio::test]
async fn the_outgoing_shift_signs_what_is_open_and_the_incoming_shift_accepts() {
    let hub = hub_with_roster().await;
    let li = session(&hub, "li.wei", Role::Operator).await;
    let zhang = session(&hub, "zhang.min", Role::Operator).await;
    let chen = session(&hub, "chen.jie", Role::Operator).await;

    // An incident left without an update for 31 minutes, a second one fresh, a
    // maintenance window running.
    let sink = hub.console.signal_sink();
    sink.send(alarm("db-1", T0)).await.unwrap();
    until(&hub, |s| s.incidents.len() == 1).await;
    let window = json!({
        "id": "chg-7", "title": "core switch line card", "starts_at": T0 + MINUTE,
        "ends_at": T0 + 3 * HOUR, "recurrence": "once", "until": null,
        "matchers": [], "nodes": ["core-sw1"],
    });
    let (status, body) = call(&hub, &li, "POST", "/api/maintenance", Some(window)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    hub.clock.advance(31 * MINUTE);
    let overdue = until(&hub, |s| s.incidents.iter().any(|i| i.update_overdue)).await;
    let overdue_id = overdue
        .incidents
        .iter()
        .find(|i| i.update_overdue)
        .unwrap()
        .id;
    sink.send(alarm("web-2", T0 + 31 * MINUTE)).await.unwrap();
    until(&hub, |s| s.incidents.len() == 2).await;

    let (status, entry) = call(
        &hub,
        &li,
        "POST",
        "/api/duty/log",
        Some(json!({"text": "UPS test done"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{entry}");
    let (status, _) = call(
        &hub,
        &li,
        "POST",
        "/api/duty/patrol",
        Some(json!({"item": "UPS", "ok": true, "note": ""})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, draft) = call(&hub, &li, "GET", "/api/duty/handover/draft", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(draft["open_incidents"].as_array().unwrap().len(), 2);

    // chen.jie is on no slot of today: they cannot sign li.wei's shift.
    let refused = call(
        &hub,
        &chen,
        "POST",
        "/api/duty/handover",
        Some(json!({"notes": "x"})),
    )
    .await;
    assert_eq!(code(&refused), (StatusCode::FORBIDDEN, "not_on_duty"));

    let signed_at = T0 + 31 * MINUTE;
    let (status, handover) = call(
        &hub,
        &li,
        "POST",
        "/api/duty/handover",
        Some(json!({"notes": "watch db-1"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{handover}");
    assert_eq!(handover["shift"], day());
    assert_eq!(handover["next_shift"], night());
    assert_eq!(handover["signed"], json!({"by": "li.wei", "at": signed_at}));
    assert_eq!(handover["accepted"], Value::Null);
    let summary = &handover["summary"];
    assert_eq!(summary["notes"], "watch db-1");
    assert_eq!(summary["generated_at"], signed_at);
    let open = summary["open_incidents"].as_array().unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0]["id"], overdue_id, "oldest first among equals");
    assert_eq!(open[0]["update_overdue"], true);
    assert_eq!(summary["overdue_updates"], json!([overdue_id]));
    assert_eq!(summary["unseen_alarms"], 2);
    assert_eq!(summary["changes"][0]["id"], "chg-7");
    assert_eq!(summary["log"][0]["text"], "UPS test done");
    assert_eq!(summary["patrol"][0]["item"], "UPS");
    let again = call(
        &hub,
        &li,
        "POST",
        "/api/duty/handover",
        Some(json!({"notes": ""})),
    )
    .await;
    assert_eq!(code(&again), (StatusCode::CONFLICT, "already_signed"));

    // What was signed stays what was true then.
    sink.send(alarm("app-3", signed_at)).await.unwrap();
    until(&hub, |s| s.incidents.len() == 3).await;

    let accept = |remarks: &str| Some(json!({"shift": day(), "remarks": remarks}));
    let own = call(
        &hub,
        &li,
        "POST",
        "/api/duty/handover/accept",
        accept("mine"),
    )
    .await;
    assert_eq!(code(&own), (StatusCode::CONFLICT, "own_handover"));
    let outsider = call(
        &hub,
        &chen,
        "POST",
        "/api/duty/handover/accept",
        accept("x"),
    )
    .await;
    assert_eq!(code(&outsider), (StatusCode::FORBIDDEN, "not_on_duty"));
    hub.clock.advance(MINUTE);
    let (status, accepted) = call(
        &hub,
        &zhang,
        "POST",
        "/api/duty/handover/accept",
        accept("got it"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(
        accepted["accepted"],
        json!({"by": "zhang.min", "at": signed_at + MINUTE})
    );
    assert_eq!(accepted["remarks"], "got it");
    assert_eq!(
        accepted["summary"]["open_incidents"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let twice = call(
        &hub,
        &zhang,
        "POST",
        "/api/duty/handover/accept",
        accept("again"),
    )
    .await;
    assert_eq!(code(&twice), (StatusCode::CONFLICT, "already_accepted"));

    let (_, list) = call(&hub, &li, "GET", "/api/duty/handovers?limit=5", None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["accepted"]["by"], "zhang.min");
    let (_, duty) = call(&hub, &li, "GET", "/api/duty", None).await;
    assert_eq!(duty["handover"]["shift"], day());

    // Both are events, with who and when.
    let (_, events) = call(&hub, &li, "GET", "/api/events?after=0", None).await;
    let of = |kind: &str| {
        events["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["body"]["kind"] == kind)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind}"))
    };
    let signed = of("handover_signed");
    assert_eq!(
        (signed["actor"].as_str(), signed["at"].as_i64()),
        (Some("li.wei"), Some(signed_at))
    );
    assert_eq!(signed["subject"], format!("shift:{}", day()));
    let took = of("handover_accepted");
    assert_eq!(
        (took["actor"].as_str(), took["at"].as_i64()),
        (Some("zhang.min"), Some(signed_at + MINUTE))
    );
    assert_eq!(took["body"]["remarks"], "got it");
}

#[tokio::test]
async fn a_duty_manager_signs_for_a_shift_they_are_not_on() {
    let hub = hub_with_roster().await;
    let manager = session(&hub, "duty.lead", Role::DutyManager).await;
    let (status, handover) = call(
        &hub,
        &manager,
        "POST",
        "/api/duty/handover",
        Some(json!({"notes": ""})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{handover}");
    assert_eq!(handover["signed"]["by"], "duty.lead");
}

#[tokio::test]
async fn operators_swap_their_own_slots_and_only_managers_override() {
    let hub = hub_with_roster().await;
    let li = session(&hub, "li.wei", Role::Operator).await;
    let chen = session(&hub, "chen.jie", Role::Operator).await;
    let manager = session(&hub, "duty.lead", Role::DutyManager).await;
    let swap = json!({
        "first": {"shift": day(), "operator": "li.wei"},
        "second": {"shift": night(), "operator": "zhang.min"},
    });
    let others = call(&hub, &chen, "POST", "/api/duty/swaps", Some(swap.clone())).await;
    assert_eq!(code(&others), (StatusCode::FORBIDDEN, "not_on_duty"));
    let (status, body) = call(&hub, &li, "POST", "/api/duty/swaps", Some(swap)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let absent = json!({
        "first": {"shift": day(), "operator": "chen.jie"},
        "second": {"shift": night(), "operator": "zhao.lei"},
    });
    let answer = call(&hub, &manager, "POST", "/api/duty/swaps", Some(absent)).await;
    assert_eq!(
        code(&answer),
        (StatusCode::UNPROCESSABLE_ENTITY, "not_on_slot")
    );

    let over = |replaced: &str| {
        Some(json!({"shift": night(), "replaced": replaced, "by": "sun.li", "reason": "training"}))
    };
    let answer = call(&hub, &li, "POST", "/api/duty/overrides", over("zhao.lei")).await;
    assert_eq!(code(&answer), (StatusCode::FORBIDDEN, "forbidden"));
    let answer = call(
        &hub,
        &manager,
        "POST",
        "/api/duty/overrides",
        over("chen.jie"),
    )
    .await;
    assert_eq!(
        code(&answer),
        (StatusCode::UNPROCESSABLE_ENTITY, "not_on_slot")
    );
    let (status, _) = call(
        &hub,
        &manager,
        "POST",
        "/api/duty/overrides",
        over("zhao.lei"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (_, duty) = call(&hub, &li, "GET", "/api/duty", None).await;
    assert_eq!(duty["now"]["members"], json!(["zhang.min", "wang.fang"]));
    assert_eq!(duty["next"]["members"], json!(["li.wei", "sun.li"]));
    assert_eq!(duty["overrides"].as_array().unwrap().len(), 3);
    // li.wei, swapped onto the night, now accepts the day's handover.
    let (status, _) = call(
        &hub,
        &As::Admin("wang.fang"),
        "POST",
        "/api/duty/handover",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(
        &hub,
        &li,
        "POST",
        "/api/duty/handover/accept",
        Some(json!({"shift": day()})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_log_and_patrol_are_kept_per_slot() {
    let hub = hub_with_roster().await;
    let li = As::Admin("li.wei");
    let long = "班".repeat(4001);
    let answer = call(
        &hub,
        &li,
        "POST",
        "/api/duty/log",
        Some(json!({"text": long})),
    )
    .await;
    assert_eq!(code(&answer), (StatusCode::BAD_REQUEST, "invalid_request"));
    let (status, entry) = call(
        &hub,
        &li,
        "POST",
        "/api/duty/log",
        Some(json!({"text": "机房巡检完成"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        entry,
        json!({"shift": day(), "at": T0, "by": "li.wei", "text": "机房巡检完成"})
    );
    let patrol = |item: &str, ok: bool| Some(json!({"item": item, "ok": ok, "note": "fan"}));
    let answer = call(
        &hub,
        &li,
        "POST",
        "/api/duty/patrol",
        patrol("coffee", true),
    )
    .await;
    assert_eq!(
        code(&answer),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_patrol_item")
    );
    call(&hub, &li, "POST", "/api/duty/patrol", patrol("UPS", false)).await;
    let (status, result) = call(&hub, &li, "POST", "/api/duty/patrol", patrol("UPS", true)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(result["shift"], day());
    let (_, duty) = call(&hub, &li, "GET", "/api/duty", None).await;
    assert_eq!(duty["log"].as_array().unwrap().len(), 1);
    assert_eq!(duty["patrol"].as_array().unwrap().len(), 1);
    assert_eq!(duty["patrol"][0]["ok"], true);

    // The night starts with an empty log and checklist.
    hub.clock.set(NIGHT + HOUR);
    let (_, duty) = call(&hub, &li, "GET", "/api/duty", None).await;
    assert_eq!(duty["now"]["key"], night());
    assert_eq!(duty["log"], json!([]));
    assert_eq!(duty["patrol"], json!([]));
}

#[tokio::test]
async fn a_viewer_may_look_but_writes_nothing() {
    let hub = hub_with_roster().await;
    let viewer = session(&hub, "li.wei", Role::Viewer).await;
    let (status, _) = call(&hub, &viewer, "GET", "/api/duty", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(&hub, &viewer, "GET", "/api/duty/handovers", None).await;
    assert_eq!(status, StatusCode::OK);
    let writes = [
        ("PUT", "/api/duty/roster", roster()),
        (
            "POST",
            "/api/duty/overrides",
            json!({"shift": night(), "replaced": "zhao.lei", "by": "x", "reason": ""}),
        ),
        (
            "POST",
            "/api/duty/swaps",
            json!({"first": {"shift": day(), "operator": "li.wei"}, "second": {"shift": night(), "operator": "zhang.min"}}),
        ),
        ("POST", "/api/duty/handover", json!({"notes": ""})),
        (
            "POST",
            "/api/duty/handover/accept",
            json!({"shift": day(), "remarks": ""}),
        ),
        ("POST", "/api/duty/log", json!({"text": "x"})),
        (
            "POST",
            "/api/duty/patrol",
            json!({"item": "UPS", "ok": true, "note": ""}),
        ),
    ];
    for (method, uri, body) in writes {
        let answer = call(&hub, &viewer, method, uri, Some(body)).await;
        assert_eq!(
            code(&answer),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{method} {uri}"
        );
    }
    let duty = hub.console.snapshot().await.duty;
    assert!(duty.log.is_empty() && duty.patrol.is_empty() && duty.handovers.is_empty());
    assert!(duty.overrides.is_empty());
}

/// The code of a refusal.
fn forbidden<T>(answer: Result<T, noc_api::ApiError>) -> &'static str {
    match answer {
        Ok(_) => "<accepted>",
        Err(err) => err.code,
    }
}

fn caller(name: &str, role: Role) -> Caller {
    Caller {
        name: name.into(),
        role,
        address: None,
        credential: Credential::Session,
    }
}

/// The use cases check the role themselves, whatever transport calls them.
#[tokio::test]
async fn the_console_refuses_by_role_and_by_slot() {
    let hub = hub_with_roster().await;
    let console = &hub.console;
    let viewer = caller("li.wei", Role::Viewer);
    let log = || LogRequest { text: "x".into() };
    let patrol = || PatrolRequest {
        item: "UPS".into(),
        ok: true,
        note: String::new(),
    };
    let swap = || SwapRequest {
        first: SwapSide {
            shift: day(),
            operator: "li.wei".into(),
        },
        second: SwapSide {
            shift: night(),
            operator: "zhang.min".into(),
        },
    };
    assert_eq!(
        forbidden(console.log_shift(&viewer, log()).await),
        "forbidden"
    );
    assert_eq!(
        forbidden(console.record_patrol(&viewer, patrol()).await),
        "forbidden"
    );
    assert_eq!(
        forbidden(console.swap_shifts(&viewer, swap()).await),
        "forbidden"
    );
    assert_eq!(
        forbidden(console.sign_handover(&viewer, SignRequest::default()).await),
        "forbidden"
    );
    let operator = caller("chen.jie", Role::Operator);
    let err = console
        .sign_handover(&operator, SignRequest::default())
        .await
        .unwrap_err();
    assert_eq!((err.status, err.code), (403, "not_on_duty"));
    assert_eq!(
        forbidden(
            console
                .define_roster(&operator, console.snapshot().await.duty.roster.unwrap())
                .await
        ),
        "forbidden"
    );
    let manager = caller("duty.lead", Role::DutyManager);
    let handover = console
        .sign_handover(&manager, SignRequest::default())
        .await
        .unwrap();
    assert_eq!(handover.signed.by, "duty.lead");
    // The demo's roster does not replace one an operator defined.
    let demo = noc_sources::demo::demo_roster(T0);
    assert_eq!(console.seed_roster(demo, "demo").await.unwrap(), None);
}

#[tokio::test]
async fn the_demo_roster_is_recorded_once() {
    let hub = in_process_hub(TOKEN, T0).await;
    let demo = noc_sources::demo::demo_roster(T0);
    assert!(hub
        .console
        .seed_roster(demo.clone(), "demo")
        .await
        .unwrap()
        .is_some());
    assert_eq!(hub.console.seed_roster(demo, "demo").await.unwrap(), None);
    let (_, duty) = call(&hub, &As::Admin("operator"), "GET", "/api/duty", None).await;
    let members = duty["now"]["members"].as_array().unwrap();
    assert!(members.contains(&json!(noc_sources::demo::DEMO_ON_DUTY)));
    // The console's operator signs without being anyone special.
    let me = caller(noc_sources::demo::DEMO_ON_DUTY, Role::Operator);
    hub.console
        .sign_handover(&me, SignRequest::default())
        .await
        .unwrap();
}
