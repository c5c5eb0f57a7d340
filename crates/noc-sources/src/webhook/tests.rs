use noc_model::Severity;

use super::*;

const AT: Millis = 1_700_000_000_000;

/// As Alertmanager 0.27 posts it to a webhook receiver.
const ALERTMANAGER: &str = r#"{
  "receiver": "noc",
  "status": "firing",
  "alerts": [
    {
      "status": "firing",
      "labels": {"alertname": "InstanceDown", "instance": "core-sw1:9100", "job": "node", "severity": "critical"},
      "annotations": {"summary": "core-sw1 is down", "description": "No scrape for 5 minutes."},
      "startsAt": "2026-11-22T21:00:00.000Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus:9090/graph?g0.expr=up+%3D%3D+0",
      "fingerprint": "a1b2c3d4e5f60708"
    },
    {
      "status": "resolved",
      "labels": {"alertname": "DiskFull", "host": "db1", "severity": "warning"},
      "annotations": {},
      "startsAt": "2026-11-22T20:00:00.000Z",
      "endsAt": "2026-11-22T21:05:00.000Z",
      "generatorURL": "",
      "fingerprint": "0f0e0d0c0b0a0908"
    }
  ],
  "groupLabels": {"alertname": "InstanceDown"},
  "commonLabels": {},
  "commonAnnotations": {},
  "externalURL": "http://alertmanager:9093",
  "version": "4",
  "groupKey": "{}:{alertname=\"InstanceDown\"}",
  "truncatedAlerts": 0
}"#;

/// As Grafana 11's webhook contact point posts it.
const GRAFANA: &str = r#"{
  "receiver": "noc-console",
  "status": "firing",
  "orgId": 1,
  "alerts": [
    {
      "status": "firing",
      "labels": {"alertname": "High latency", "grafana_folder": "Core", "instance": "[fe80::1]:9100", "severity": "high"},
      "annotations": {"summary": "p99 above 500 ms"},
      "startsAt": "2026-11-22T21:10:00Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://grafana:3000/alerting/grafana/abc/view",
      "fingerprint": "57c6d9296de2ad39",
      "silenceURL": "http://grafana:3000/alerting/silence/new?matcher=alertname%3DHigh+latency",
      "dashboardURL": "http://grafana:3000/d/core",
      "panelURL": "http://grafana:3000/d/core?viewPanel=2",
      "values": {"B": 612.5, "C": 1},
      "valueString": "[ var='B' labels={} value=612.5 ]"
    }
  ],
  "groupLabels": {"alertname": "High latency"},
  "commonLabels": {},
  "commonAnnotations": {},
  "externalURL": "http://grafana:3000/",
  "version": "1",
  "groupKey": "{}:{alertname=\"High latency\"}",
  "truncatedAlerts": 0,
  "title": "[FIRING:1] High latency",
  "state": "alerting",
  "message": "..."
}"#;

const GENERIC: &str = r#"{"alerts": [
  {"key": "ups-2/battery", "status": "firing", "severity": "major", "node": "ups-2",
   "title": "UPS on battery", "text": "Mains lost at 21:14", "labels": {"site": "dc1"}},
  {"key": "backup", "status": "resolved", "title": "Nightly backup failed"},
  {"key": "odd", "status": "firing", "severity": "sev-x", "title": "Odd severity"}
]}"#;

#[test]
fn alertmanager_firing_and_resolved_alerts() {
    let signals = parse(
        WebhookFormat::Alertmanager,
        "am-hook",
        ALERTMANAGER.as_bytes(),
        AT,
    )
    .unwrap();
    assert_eq!(signals.len(), 2);
    let down = &signals[0];
    assert_eq!(down.fingerprint(), "am-hook/a1b2c3d4e5f60708");
    assert!(down.firing);
    assert_eq!(down.severity, Severity::Critical);
    assert_eq!(down.node.as_deref(), Some("core-sw1"));
    assert_eq!(down.title, "InstanceDown: core-sw1 is down");
    assert_eq!(down.text, "No scrape for 5 minutes.");
    assert_eq!(down.at, AT);
    assert!(down.labels.contains_key("generator_url"));
    assert!(
        !down.labels.contains_key("ends_at"),
        "the zero time means no end"
    );
    let disk = &signals[1];
    assert!(!disk.firing);
    assert_eq!(disk.severity, Severity::Warning);
    assert_eq!(disk.node.as_deref(), Some("db1"));
    assert_eq!(disk.labels["ends_at"], "2026-11-22T21:05:00.000Z");
    assert!(!disk.labels.contains_key("generator_url"));
}

#[test]
fn grafana_alert_keeps_its_links_and_values() {
    let signals = parse(WebhookFormat::Grafana, "grafana", GRAFANA.as_bytes(), AT).unwrap();
    assert_eq!(signals.len(), 1);
    let alert = &signals[0];
    assert_eq!(alert.key, "57c6d9296de2ad39");
    assert!(alert.firing);
    assert_eq!(alert.severity, Severity::Major);
    assert_eq!(alert.node.as_deref(), Some("fe80::1"));
    assert_eq!(alert.title, "High latency: p99 above 500 ms");
    assert_eq!(alert.text, "[ var='B' labels={} value=612.5 ]");
    assert_eq!(alert.labels["dashboard_url"], "http://grafana:3000/d/core");
    assert!(alert.labels["panel_url"].contains("viewPanel=2"));
    assert!(alert.labels["silence_url"].contains("silence"));
    assert_eq!(alert.labels["values"], r#"{"B":612.5,"C":1}"#);
    assert_eq!(alert.labels["webhook_format"], "grafana");

    let resolved = GRAFANA.replace(r#""status": "firing","#, r#""status": "resolved","#);
    let signals = parse(WebhookFormat::Grafana, "grafana", resolved.as_bytes(), AT).unwrap();
    assert!(!signals[0].firing);
    assert_eq!(signals[0].key, "57c6d9296de2ad39");
}

#[test]
fn alert_without_fingerprint_is_identified_by_its_labels() {
    let body = r#"{"alerts":[{"status":"firing","labels":{"b":"2","alertname":"X"}}]}"#;
    let signals = parse(WebhookFormat::Alertmanager, "am", body.as_bytes(), AT).unwrap();
    assert_eq!(signals[0].key, "alertname=X,b=2");
    assert_eq!(signals[0].severity, Severity::Unknown);
    let body = r#"{"alerts":[{"status":"firing"}]}"#;
    let err = parse(WebhookFormat::Alertmanager, "am", body.as_bytes(), AT).unwrap_err();
    assert!(err.to_string().starts_with("alert 0:"), "{err}");
}

#[test]
fn generic_alerts_with_unknown_severity_are_kept() {
    let signals = parse(WebhookFormat::Generic, "scripts", GENERIC.as_bytes(), AT).unwrap();
    assert_eq!(signals.len(), 3);
    assert_eq!(signals[0].fingerprint(), "scripts/ups-2/battery");
    assert_eq!(signals[0].severity, Severity::Major);
    assert_eq!(signals[0].node.as_deref(), Some("ups-2"));
    assert_eq!(signals[0].text, "Mains lost at 21:14");
    assert_eq!(signals[0].labels["site"], "dc1");
    assert!(!signals[1].firing);
    assert_eq!(signals[1].severity, Severity::Unknown);
    assert_eq!(signals[1].node, None);
    assert_eq!(signals[2].severity, Severity::Unknown);
    assert!(signals[2].firing);
}

fn error(format: WebhookFormat, body: &str) -> String {
    parse(format, "hook", body.as_bytes(), AT)
        .unwrap_err()
        .to_string()
}

#[test]
fn generic_missing_required_fields_are_named() {
    let err = error(
        WebhookFormat::Generic,
        r#"{"alerts":[{"key":"a","status":"firing"}]}"#,
    );
    assert!(err.contains("alerts[0]") && err.contains("title"), "{err}");
    let err = error(
        WebhookFormat::Generic,
        r#"{"alerts":[{"key":"a","title":"t"}]}"#,
    );
    assert!(err.contains("status"), "{err}");
    let err = error(
        WebhookFormat::Generic,
        r#"{"alerts":[{"key":" ","status":"firing","title":"t"}]}"#,
    );
    assert_eq!(err, "alert 0: key must not be empty");
    let err = error(
        WebhookFormat::Generic,
        r#"{"alerts":[{"key":"a","status":"firing","title":"t","serverity":"major"}]}"#,
    );
    assert!(err.contains("serverity"), "{err}");
    let err = error(
        WebhookFormat::Generic,
        r#"{"alerts":[{"key":"a","status":"burning","title":"t"}]}"#,
    );
    assert!(err.contains("\"burning\""), "{err}");
}

#[test]
fn wrong_types_name_the_path() {
    let err = error(
        WebhookFormat::Generic,
        r#"{"alerts":[{"key":"a","status":"firing","title":"t"},{"key":7,"status":"firing","title":"t"}]}"#,
    );
    assert!(
        err.contains("alerts[1].key") && err.contains("invalid type"),
        "{err}"
    );
    let err = error(
        WebhookFormat::Alertmanager,
        r#"{"alerts":{"status":"firing"}}"#,
    );
    assert!(
        err.contains("alerts") && err.contains("invalid type"),
        "{err}"
    );
    let err = error(
        WebhookFormat::Grafana,
        r#"{"alerts":[{"status":"firing","labels":{"severity":3}}]}"#,
    );
    assert!(err.contains("alerts[0].labels.severity"), "{err}");
    let err = error(WebhookFormat::Alertmanager, r#"{"version":"4"}"#);
    assert!(err.contains("missing field `alerts`"), "{err}");
    let err = error(WebhookFormat::Generic, "[]");
    assert!(err.starts_with("not a generic notification"), "{err}");
}

#[test]
fn truncated_html_and_empty_bodies_are_refused() {
    for (format, body) in [
        (WebhookFormat::Alertmanager, ALERTMANAGER),
        (WebhookFormat::Grafana, GRAFANA),
        (WebhookFormat::Generic, GENERIC),
    ] {
        let truncated = &body[..body.len() / 2];
        let err = error(format, truncated);
        assert!(err.contains("EOF"), "{format}: {err}");
        let err = error(format, "<html><body>502 Bad Gateway</body></html>");
        assert!(
            err.starts_with(&format!("not a {format} notification")),
            "{err}"
        );
        let err = error(format, "  \n");
        assert!(err.starts_with("empty body"), "{err}");
        let err = error(format, r#"{"alerts":[]} trailing"#);
        assert!(err.contains("trailing"), "{format}: {err}");
    }
}

#[test]
fn formats_are_read_from_their_names() {
    for format in WebhookFormat::ALL {
        assert_eq!(format.as_str().parse::<WebhookFormat>(), Ok(format));
    }
    assert!("prometheus".parse::<WebhookFormat>().is_err());
}
