//! The source against a fake Zabbix API that answers with the answers recorded from a
//! real Zabbix 6.0 (and the 7.0 ones derived from them, see
//! tests/integration/zabbix/record-fixtures.py) and checks each request as that version
//! would, and against the things that stand in front of a broken Zabbix.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use noc_model::{
    AlarmSignal, HealthStatus, ManualClock, NodeKind, RelationKind, SecretRef, Severity, Signal,
    SourceDefinition, SourceHealth, SourceSettings, Topology,
};
use serde_json::json;

use super::fake::{serve, Fixtures, Login, Raw, Shared, API_PATH, ZABBIX_60, ZABBIX_70};
use super::rpc::{Connection, Credentials};
use super::{acknowledge, check, spawn, spawn_polling, Session, ZabbixError};
use crate::discovery::Schedule;
use crate::fake_endpoint::{Running, TEST_INTERVAL, TEST_TIMEOUT};
use crate::polling::PollConfig;
use crate::{Secret, SourceContext};

const USER: &str = "noc-reader";
const PASSWORD: &str = "pw-Zq8!never-shown";
const TOKEN: &str = "f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f00";

fn password_login() -> Login {
    Login::Password {
        user: USER.into(),
        password: PASSWORD.into(),
    }
}

fn password() -> Credentials {
    Credentials::Password {
        user: USER.into(),
        password: Secret::new(PASSWORD),
    }
}

fn token() -> Credentials {
    Credentials::Token(Secret::new(TOKEN))
}

fn start(url: &str, credentials: Credentials, timeout: Duration) -> Running {
    start_polling(url, credentials, timeout, None)
}

fn start_polling(
    url: &str,
    credentials: Credentials,
    timeout: Duration,
    discovery: Option<Schedule>,
) -> Running {
    let config = PollConfig {
        interval: TEST_INTERVAL,
        timeout,
        ..PollConfig::new("zbx-test", url)
    };
    let connection = Connection::new(url, credentials);
    Running::start(|out, shutdown| {
        spawn_polling(
            config,
            Session {
                connection,
                discovery,
            },
            None,
            Arc::new(ManualClock::new(1_000)),
            out,
            shutdown,
        );
    })
}

/// The first health report and the `alarms` alarm signals sent after it (a poll
/// reports its health first).
async fn first_poll(
    url: &str,
    credentials: Credentials,
    timeout: Duration,
    alarms: usize,
) -> (SourceHealth, Vec<AlarmSignal>) {
    let mut source = start(url, credentials, timeout);
    let mut seen = Vec::new();
    let health = source.health(&mut seen).await;
    while seen.len() < alarms {
        if let Signal::Alarm(alarm) = source.next().await {
            seen.push(alarm);
        }
    }
    (health, seen)
}

fn by_key<'a>(alarms: &'a [AlarmSignal], eventid: &str) -> &'a AlarmSignal {
    alarms
        .iter()
        .find(|a| a.key == eventid)
        .unwrap_or_else(|| panic!("no alarm for event {eventid}"))
}

fn definition(url: &str, user: Option<&str>) -> SourceDefinition {
    SourceDefinition {
        name: "zbx-test".into(),
        enabled: true,
        interval_secs: None,
        timeout_secs: Some(5),
        node: None,
        settings: SourceSettings::Zabbix {
            url: url.into(),
            user: user.map(str::to_string),
            secret: SecretRef::Env {
                name: "ZABBIX_TEST_SECRET".into(),
            },
            discover_topology: true,
        },
    }
}

async fn polls_ok(fixtures: &'static Fixtures, login: Login, credentials: Credentials) -> Shared {
    let (url, fake) = serve(fixtures, login).await;
    let (health, alarms) = first_poll(&url, credentials, TEST_TIMEOUT, 6).await;
    assert_eq!(
        health.status,
        HealthStatus::Ok,
        "Zabbix {}: {}",
        fixtures.version,
        health.detail
    );
    assert_eq!(health.kind, "zabbix");
    assert_eq!(alarms.len(), 6, "one alarm per problem");
    fake
}

#[tokio::test]
async fn zabbix_60_with_a_password_logs_in_and_sends_the_session_in_the_body() {
    let fake = polls_ok(&ZABBIX_60, password_login(), password()).await;
    let calls = fake.lock().unwrap().calls.clone();
    assert_eq!(
        calls[..4],
        [
            "apiinfo.version",
            "user.login",
            "problem.get",
            "trigger.get"
        ]
    );
}

#[tokio::test]
async fn zabbix_60_with_an_api_token_sends_it_in_the_body() {
    let fake = polls_ok(&ZABBIX_60, Login::Token(TOKEN.into()), token()).await;
    assert!(!fake.lock().unwrap().calls.contains(&"user.login".into()));
}

#[tokio::test]
async fn zabbix_70_with_an_api_token_sends_it_as_a_bearer_header() {
    polls_ok(&ZABBIX_70, Login::Token(TOKEN.into()), token()).await;
}

#[tokio::test]
async fn zabbix_70_with_a_password_sends_the_session_as_a_bearer_header() {
    let fake = polls_ok(&ZABBIX_70, password_login(), password()).await;
    assert_eq!(fake.lock().unwrap().logins, 1);
}

#[tokio::test]
async fn every_zabbix_severity_has_its_place_and_not_classified_is_no_warning() {
    for fixtures in [&ZABBIX_60, &ZABBIX_70] {
        let (url, _fake) = serve(fixtures, password_login()).await;
        let (health, alarms) = first_poll(&url, password(), TEST_TIMEOUT, 6).await;
        assert_eq!(health.status, HealthStatus::Ok, "{}", health.detail);
        let severity = |eventid| by_key(&alarms, eventid).severity;
        assert_eq!(severity("25"), Severity::Unknown, "0 not classified");
        assert_eq!(severity("24"), Severity::Info, "1 information");
        assert_eq!(severity("22"), Severity::Warning, "2 warning");
        assert_eq!(severity("21"), Severity::Minor, "3 average");
        assert_eq!(severity("20"), Severity::Major, "4 high");
        assert_eq!(severity("23"), Severity::Critical, "5 disaster");
    }
}

#[tokio::test]
async fn a_severity_zabbix_does_not_define_shows_as_unmapped() {
    let (url, fake) = serve(&ZABBIX_70, password_login()).await;
    fake.lock().unwrap().problems[0]["severity"] = json!("9");
    let (health, alarms) = first_poll(&url, password(), TEST_TIMEOUT, 6).await;
    assert_eq!(health.status, HealthStatus::UnmappedSeverity);
    assert!(health.detail.contains('9'), "{}", health.detail);
    assert_eq!(by_key(&alarms, "20").severity, Severity::Unknown);
}

#[tokio::test]
async fn a_problem_becomes_an_alarm_on_its_host_with_the_zabbix_facts_as_labels() {
    let (url, _fake) = serve(&ZABBIX_60, password_login()).await;
    let (_, alarms) = first_poll(&url, password(), TEST_TIMEOUT, 6).await;

    let link = by_key(&alarms, "20");
    assert_eq!(link.source, "zbx-test");
    assert_eq!(link.node.as_deref(), Some("core-sw1"));
    assert_eq!(link.title, "Interface Gi0/1 link down");
    assert!(link.firing);
    let label = |alarm: &AlarmSignal, name: &str| alarm.labels.get(name).cloned();
    assert_eq!(label(link, "eventid").as_deref(), Some("20"));
    assert_eq!(label(link, "triggerid").as_deref(), Some("23133"));
    assert_eq!(label(link, "host").as_deref(), Some("core-sw1"));
    assert_eq!(label(link, "host_name").as_deref(), Some("Core switch 1"));
    assert_eq!(label(link, "tag.interface").as_deref(), Some("Gi0/1"));
    assert_eq!(label(link, "acknowledged").as_deref(), Some("false"));
    assert_eq!(label(link, "suppressed").as_deref(), Some("false"));
    assert_eq!(label(link, "maintenance").as_deref(), Some("false"));
    let expected_url = url.replace(
        "api_jsonrpc.php",
        "tr_events.php?triggerid=23133&eventid=20",
    );
    assert_eq!(label(link, "url"), Some(expected_url));

    let disk = by_key(&alarms, "22");
    assert_eq!(label(disk, "tag.service").as_deref(), Some("db, backup"));
    let cpu = by_key(&alarms, "21");
    assert_eq!(label(cpu, "acknowledged").as_deref(), Some("true"));
    let agent = by_key(&alarms, "24");
    assert_eq!(label(agent, "suppressed").as_deref(), Some("false"));
    let lab = by_key(&alarms, "25");
    assert_eq!(label(lab, "suppressed").as_deref(), Some("true"));
    assert_eq!(label(lab, "maintenance").as_deref(), Some("true"));
}

#[tokio::test]
async fn a_problem_that_is_no_longer_open_is_resolved_under_the_same_key() {
    let (url, fake) = serve(&ZABBIX_70, password_login()).await;
    let mut source = start(&url, password(), TEST_TIMEOUT);
    let open = source.alarm(|a| a.key == "23").await;
    fake.lock()
        .unwrap()
        .problems
        .retain(|p| p["eventid"] != "23");
    let resolved = source.alarm(|a| !a.firing).await;
    assert_eq!(resolved.key, open.key);
    assert_eq!(resolved.title, open.title);
}

#[tokio::test]
async fn a_terminated_session_is_opened_again_without_a_health_change() {
    for fixtures in [&ZABBIX_60, &ZABBIX_70] {
        let (url, fake) = serve(fixtures, password_login()).await;
        let mut source = start(&url, password(), TEST_TIMEOUT);
        let mut alarms = Vec::new();
        assert_eq!(source.health(&mut alarms).await.status, HealthStatus::Ok);
        {
            let mut fake = fake.lock().unwrap();
            fake.sessions.clear();
            fake.problems.retain(|p| p["eventid"] != "20");
        }
        let mut health_changes = Vec::new();
        loop {
            match source.next().await {
                Signal::Health(health) => health_changes.push(health),
                Signal::Alarm(alarm) if alarm.key == "20" && !alarm.firing => break,
                _ => {}
            }
        }
        assert_eq!(
            fake.lock().unwrap().logins,
            2,
            "Zabbix {}",
            fixtures.version
        );
        assert!(
            health_changes.is_empty(),
            "re-login disturbed the board: {health_changes:?}"
        );
    }
}

#[tokio::test]
async fn a_wrong_password_is_auth_failed_in_zabbix_words_without_the_secret() {
    let (url, _fake) = serve(&ZABBIX_60, password_login()).await;
    let wrong = Credentials::Password {
        user: USER.into(),
        password: Secret::new("wrong-Zq8-secret"),
    };
    let (health, _) = first_poll(&url, wrong, TEST_TIMEOUT, 0).await;
    assert_eq!(health.status, HealthStatus::AuthFailed);
    assert!(
        health
            .detail
            .contains("Incorrect user name or password or account is temporarily blocked."),
        "{}",
        health.detail
    );
    assert!(!health.detail.contains("wrong-Zq8-secret"));
}

#[tokio::test]
async fn a_wrong_api_token_is_auth_failed() {
    let (url, _fake) = serve(&ZABBIX_70, Login::Token(TOKEN.into())).await;
    let wrong = Credentials::Token(Secret::new("0000-not-the-token"));
    let (health, _) = first_poll(&url, wrong, TEST_TIMEOUT, 0).await;
    assert_eq!(health.status, HealthStatus::AuthFailed);
    assert!(
        health.detail.contains("Not authorized."),
        "{}",
        health.detail
    );
    assert!(!health.detail.contains("0000-not-the-token"));
}

#[tokio::test]
async fn zabbix_before_6_0_is_refused_by_name() {
    let (url, fake) = serve(&ZABBIX_60, password_login()).await;
    fake.lock().unwrap().raw = Some(Raw::body(
        StatusCode::OK,
        "application/json",
        r#"{"jsonrpc":"2.0","result":"5.4.9","id":1}"#,
    ));
    let (health, _) = first_poll(&url, password(), TEST_TIMEOUT, 0).await;
    assert_eq!(health.status, HealthStatus::BadPayload);
    assert!(health.detail.contains("5.4.9"), "{}", health.detail);
}

#[tokio::test]
async fn check_reports_the_version_and_the_open_problems() {
    for (fixtures, version) in [(&ZABBIX_60, "6.0.14"), (&ZABBIX_70, "7.0.5")] {
        let (url, _fake) = serve(fixtures, Login::Token(TOKEN.into())).await;
        let outcome = check(&definition(&url, None), Some(Secret::new(TOKEN))).await;
        assert_eq!(
            outcome,
            Ok(("6 problems".to_string(), Some(version.to_string())))
        );
    }
}

#[tokio::test]
async fn check_without_the_secret_says_so() {
    let (url, _fake) = serve(&ZABBIX_70, Login::Token(TOKEN.into())).await;
    let (status, detail) = check(&definition(&url, None), None).await.unwrap_err();
    assert_eq!(status, HealthStatus::BadPayload);
    assert!(detail.contains("secret"), "{detail}");
}

#[tokio::test]
async fn acknowledging_a_problem_is_confirmed_by_reading_it_back() {
    for fixtures in [&ZABBIX_60, &ZABBIX_70] {
        let (url, fake) = serve(fixtures, password_login()).await;
        let def = definition(&url, Some(USER));
        acknowledge(&def, Some(Secret::new(PASSWORD)), "20", "[alice] on it")
            .await
            .unwrap_or_else(|e| panic!("Zabbix {}: {e}", fixtures.version));
        let fake = fake.lock().unwrap();
        let problem = fake.problems.iter().find(|p| p["eventid"] == "20").unwrap();
        assert_eq!(problem["acknowledged"], "1");
        assert_eq!(problem["acknowledges"][0]["message"], "[alice] on it");
        assert_eq!(
            fake.calls[fake.calls.len() - 2..],
            ["event.acknowledge", "event.get"]
        );
    }
}

#[tokio::test]
async fn an_acknowledgement_shows_on_the_alarm_at_the_next_poll() {
    let (url, _fake) = serve(&ZABBIX_70, Login::Token(TOKEN.into())).await;
    let mut source = start(&url, token(), TEST_TIMEOUT);
    source.alarm(|a| a.key == "20").await;
    let def = definition(&url, None);
    acknowledge(&def, Some(Secret::new(TOKEN)), "20", "[bob] rebooting")
        .await
        .unwrap();
    let updated = source
        .alarm(|a| a.key == "20" && a.labels["acknowledged"] == "true")
        .await;
    assert!(updated.firing);
}

#[tokio::test]
async fn acknowledging_an_unknown_event_is_not_confirmed() {
    let (url, _fake) = serve(&ZABBIX_60, Login::Token(TOKEN.into())).await;
    let err = acknowledge(
        &definition(&url, None),
        Some(Secret::new(TOKEN)),
        "999",
        "x",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, ZabbixError::NotConfirmed(ref id) if id == "999"),
        "{err}"
    );
}

#[tokio::test]
async fn acknowledging_with_a_wrong_password_fails_without_the_secret() {
    let (url, _fake) = serve(&ZABBIX_60, password_login()).await;
    let def = definition(&url, Some(USER));
    let err = acknowledge(&def, Some(Secret::new("bad-Zq8-pw")), "20", "x")
        .await
        .unwrap_err();
    assert_eq!(err.status(), HealthStatus::AuthFailed);
    assert!(!format!("{err} {err:?}").contains("bad-Zq8-pw"));
}

/// The health of the first poll when every answer is `raw`.
async fn health_with(raw: Raw, timeout: Duration) -> SourceHealth {
    let (url, fake) = serve(&ZABBIX_60, password_login()).await;
    fake.lock().unwrap().raw = Some(raw);
    first_poll(&url, password(), timeout, 0).await.0
}

fn assert_health(health: &SourceHealth, status: HealthStatus, words: &str) {
    assert_eq!(health.status, status, "{}", health.detail);
    assert!(
        health.detail.contains(words),
        "\"{}\" does not say \"{words}\"",
        health.detail
    );
}

#[tokio::test]
async fn truncated_json_is_a_bad_payload() {
    let raw = Raw::body(
        StatusCode::OK,
        "application/json",
        r#"{"jsonrpc":"2.0","result":[{"eventid":"1""#,
    );
    let health = health_with(raw, TEST_TIMEOUT).await;
    assert_health(&health, HealthStatus::BadPayload, "not JSON-RPC");
}

#[tokio::test]
async fn a_json_rpc_error_object_is_shown_in_zabbix_words() {
    let raw = Raw::body(
        StatusCode::OK,
        "application/json",
        r#"{"jsonrpc":"2.0","error":{"code":-32500,"message":"Application error.","data":"Database error."},"id":1}"#,
    );
    let health = health_with(raw, TEST_TIMEOUT).await;
    assert_health(&health, HealthStatus::BadPayload, "Database error.");
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_named() {
    let (url, fake) = serve(&ZABBIX_70, password_login()).await;
    fake.lock().unwrap().problems[2]["severity"] = json!([4]);
    let (health, _) = first_poll(&url, password(), TEST_TIMEOUT, 0).await;
    assert_health(&health, HealthStatus::BadPayload, "[2].severity");
}

#[tokio::test]
async fn an_answer_over_10_mb_is_refused() {
    let mut body = br#"{"jsonrpc":"2.0","result":""#.to_vec();
    body.resize(11 * 1024 * 1024, b'x');
    let raw = Raw::body(StatusCode::OK, "application/json", body);
    let health = health_with(raw, TEST_TIMEOUT).await;
    assert_health(&health, HealthStatus::BadPayload, "larger than 10 MB");
}

#[tokio::test]
async fn an_html_error_page_is_named() {
    let page = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>";
    let health = health_with(
        Raw::body(StatusCode::BAD_GATEWAY, "text/html", page),
        TEST_TIMEOUT,
    )
    .await;
    assert_health(&health, HealthStatus::BadPayload, "HTTP 502");
    let health = health_with(Raw::body(StatusCode::OK, "text/html", page), TEST_TIMEOUT).await;
    assert_health(&health, HealthStatus::BadPayload, "HTML page");
}

#[tokio::test]
async fn a_zabbix_that_does_not_answer_in_time_is_unreachable() {
    let mut raw = Raw::body(StatusCode::OK, "application/json", "{}");
    raw.delay = Duration::from_secs(5);
    let health = health_with(raw, Duration::from_millis(300)).await;
    assert_health(&health, HealthStatus::Unreachable, "Zabbix");
}

#[tokio::test]
async fn tls_to_a_plain_http_port_is_unreachable() {
    let (url, _fake) = serve(&ZABBIX_60, password_login()).await;
    let https = url.replace("http://", "https://");
    let (health, _) = first_poll(&https, password(), TEST_TIMEOUT, 0).await;
    assert_health(&health, HealthStatus::Unreachable, "cannot reach Zabbix");
}

#[tokio::test]
async fn a_redirect_loop_is_unreachable() {
    let mut raw = Raw::body(StatusCode::TEMPORARY_REDIRECT, "text/plain", "");
    raw.location = Some(API_PATH.to_string());
    let health = health_with(raw, TEST_TIMEOUT).await;
    assert_health(&health, HealthStatus::Unreachable, "redirect");
}

/// The next topology the source sends, with its origin.
async fn next_topology(source: &mut Running) -> (String, Topology) {
    loop {
        if let Signal::Topology { origin, topology } = source.next().await {
            return (origin, topology);
        }
    }
}

fn located_in(topology: &Topology, node: &str) -> Vec<String> {
    let mut places: Vec<String> = topology
        .relations
        .iter()
        .filter(|r| r.from == node && r.kind == RelationKind::LocatedIn)
        .map(|r| r.to.clone())
        .collect();
    places.sort();
    places
}

#[tokio::test]
async fn hosts_and_host_groups_become_the_topology_in_each_version() {
    for fixtures in [&ZABBIX_60, &ZABBIX_70] {
        let (url, fake) = serve(fixtures, Login::Token(TOKEN.into())).await;
        let mut source = start_polling(&url, token(), TEST_TIMEOUT, Some(Schedule::every(100)));
        // A poll reports its health before what it found.
        let health = source.health(&mut Vec::new()).await;
        assert_discovered(&health);
        let (origin, topology) = next_topology(&mut source).await;
        assert_eq!(origin, "source:zbx-test");
        let version = fixtures.version;
        let node = |id: &str| {
            topology
                .nodes
                .iter()
                .find(|n| n.id == id)
                .unwrap_or_else(|| panic!("Zabbix {version}: no node {id}"))
        };

        let app = node("app-1");
        assert_eq!(
            (app.name.as_str(), app.kind),
            ("Application 1", NodeKind::Host)
        );
        assert_eq!(app.aliases, ["10.1.0.21", "10.9.0.21", "app-1.bj.example"]);
        assert_eq!(app.owners, ["app-team", "ops"]);
        assert_eq!(app.attributes["address"], "10.1.0.21");
        assert_eq!(app.attributes["zabbix_hostid"], "10562");
        assert_eq!(app.attributes["tag.service"], "orders, billing");
        assert_eq!(app.attributes["inventory.os"], "Debian 12");
        assert!(
            !app.attributes.contains_key("inventory.vendor"),
            "empty fields stay out"
        );
        assert_eq!(
            located_in(&topology, "app-1"),
            [
                "group:Beijing/Applications",
                "group:Linux servers",
                "rack:Beijing/R12"
            ]
        );
        assert_eq!(
            located_in(&topology, "group:Beijing/Applications"),
            ["group:Beijing"]
        );
        assert_eq!(located_in(&topology, "rack:Beijing/R12"), ["site:Beijing"]);
        assert_eq!(node("group:Linux servers").kind, NodeKind::Group);
        assert_eq!(node("site:Beijing").kind, NodeKind::Site);

        assert_eq!(
            node("core-sw1").kind,
            NodeKind::NetworkDevice,
            "noc_kind tag"
        );
        assert_eq!(
            located_in(&topology, "core-sw1"),
            ["group:Network", "site:Beijing"]
        );
        let db = node("db-1");
        assert_eq!(db.kind, NodeKind::Database);
        assert_eq!(db.aliases, ["db-1.example"]);
        assert_eq!(
            db.attributes["address"], "db-1.example",
            "useip 0: the DNS name"
        );
        // Two hosts on 127.0.0.1: the address names neither of them.
        assert_eq!(
            node("web-1").name,
            "web-1",
            "no visible name: the technical one"
        );
        assert_eq!(node("web-1").aliases, ["10.1.0.11"]);
        assert!(node("Zabbix server").aliases.is_empty());
        assert!(
            topology
                .nodes
                .iter()
                .all(|n| n.id != "lab-1" && n.id != "group:Lab"),
            "a host Zabbix does not monitor is left out"
        );

        let calls = fake.lock().unwrap().calls.clone();
        assert_eq!(calls.iter().filter(|c| *c == "host.get").count(), 1);
    }
}

#[tokio::test]
async fn a_host_list_zabbix_garbles_is_reported_while_problems_keep_coming() {
    let (url, fake) = serve(&ZABBIX_60, password_login()).await;
    fake.lock().unwrap().hosts[1]["interfaces"] = json!("10.1.0.21");
    let mut source = start_polling(&url, password(), TEST_TIMEOUT, Some(Schedule::every(100)));
    let mut alarms = Vec::new();
    let health = source.health(&mut alarms).await;
    assert_health(&health, HealthStatus::Degraded, "topology discovery failed");
    assert!(
        health.detail.contains("[1].interfaces"),
        "{}",
        health.detail
    );
    while alarms.len() < 6 {
        if let Signal::Alarm(alarm) = source.next().await {
            alarms.push(alarm);
        }
    }
    assert!(
        !source
            .drain()
            .iter()
            .any(|s| matches!(s, Signal::Topology { .. })),
        "nothing replaces the last topology"
    );

    fake.lock().unwrap().hosts = super::fake::hosts_of(&ZABBIX_60);
    let health = source.health(&mut Vec::new()).await;
    assert_discovered(&health);
    let (_, topology) = next_topology(&mut source).await;
    assert!(topology.node("app-1").is_some());
}

/// Nothing wrong with discovery (a loaded test machine may make the poll slow).
fn assert_discovered(health: &SourceHealth) {
    assert!(
        health.status != HealthStatus::Degraded && !health.detail.contains("discovery"),
        "{:?}: {}",
        health.status,
        health.detail
    );
}

fn spawned(definition: &SourceDefinition) -> Running {
    Running::start(|signals, shutdown| {
        let (probe_results, _) = tokio::sync::mpsc::channel(1);
        let ctx = SourceContext {
            clock: Arc::new(ManualClock::new(1_000)),
            signals,
            probe_results,
            shutdown,
            secret: Some(Secret::new(TOKEN)),
        };
        spawn(definition, ctx).unwrap();
    })
}

#[tokio::test]
async fn discovery_follows_the_setting() {
    let (url, fake) = serve(&ZABBIX_70, Login::Token(TOKEN.into())).await;
    let mut definition = definition(&url, None);
    definition.interval_secs = Some(1);
    let mut source = spawned(&definition);
    let (origin, _) = next_topology(&mut source).await;
    assert_eq!(origin, "source:zbx-test");
    drop(source);

    let SourceSettings::Zabbix {
        discover_topology, ..
    } = &mut definition.settings
    else {
        unreachable!()
    };
    *discover_topology = false;
    fake.lock().unwrap().calls.clear();
    let mut source = spawned(&definition);
    let mut polls = 0;
    while polls < 2 {
        match source.next().await {
            Signal::Topology { .. } => panic!("discovery is turned off"),
            Signal::Alive { .. } => polls += 1,
            _ => {}
        }
    }
    let calls = fake.lock().unwrap().calls.clone();
    assert!(calls.contains(&"problem.get".to_string()));
    assert!(!calls.contains(&"host.get".to_string()), "{calls:?}");
}

#[tokio::test]
async fn a_zabbix_that_lists_no_hosts_says_why_it_may_be() {
    let (url, fake) = serve(&ZABBIX_70, Login::Token(TOKEN.into())).await;
    fake.lock().unwrap().hosts = json!([]);
    let mut source = start_polling(&url, token(), TEST_TIMEOUT, Some(Schedule::every(100)));
    let health = source.health(&mut Vec::new()).await;
    assert_health(&health, HealthStatus::Degraded, "read access");
    assert!(!source
        .drain()
        .iter()
        .any(|s| matches!(s, Signal::Topology { .. })));
}
