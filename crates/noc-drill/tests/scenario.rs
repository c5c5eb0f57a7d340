//! Scenario files: what parses, and what a wrong file is told.

use noc_drill::{built_in, parse_scenario, ScenarioError, ScenarioSummary};
use noc_model::{Fault, Layer, Severity, StepCompletion};

const GOOD: &str = r#"
name = "link-flap"
title = "DCI link flapping"
title_zh = "同城专线抖动"

[[faults]]
at_secs = 90
kind = "probe_failure"
probe = "probe-web"
node = "nginx-edge-01"
detail = "timeout"

[[faults]]
at_secs = 0
clear_at_secs = 600
kind = "alarm"
node = "link-dci-01"
severity = "critical"
title = "Link down"

[[faults]]
at_secs = 30
kind = "source_outage"
source = "prometheus"

[expect.root_cause]
node = "link-dci-01"
layer = "iaas"
keywords = ["link"]

[[expect.steps]]
id = "ack"
title = "Acknowledge"
within_secs = 60
done_by = "acknowledge"

[[expect.steps]]
id = "call-carrier"
title = "Call the carrier"
"#;

#[test]
fn a_good_file_parses_with_its_faults_in_time_order() {
    let scenario = parse_scenario(GOOD).expect("a valid scenario");
    assert_eq!(scenario.name, "link-flap");
    assert_eq!(scenario.title_zh, "同城专线抖动");
    let at: Vec<u32> = scenario.faults.iter().map(|f| f.at_secs).collect();
    assert_eq!(at, [0, 30, 90]);
    assert_eq!(scenario.faults[0].clear_at_secs, Some(600));
    assert!(matches!(
        &scenario.faults[0].fault,
        Fault::Alarm { node, severity: Severity::Critical, source: None, .. } if node == "link-dci-01"
    ));
    assert!(
        matches!(&scenario.faults[1].fault, Fault::SourceOutage { source, .. } if source == "prometheus")
    );
    assert_eq!(scenario.expect.root_cause.layer, Some(Layer::Iaas));
    assert_eq!(
        scenario.expect.steps[0].done_by,
        StepCompletion::Acknowledge
    );
    // A step with no `done_by` is ticked in the drill panel.
    assert_eq!(scenario.expect.steps[1].done_by, StepCompletion::Check);
    assert_eq!(scenario.expect.steps[1].within_secs, None);

    let summary = ScenarioSummary::from(&scenario);
    assert_eq!(summary.faults, 3);
    assert_eq!(summary.steps, 2);
    assert_eq!(summary.duration_secs, 600, "the last start or clear");
}

#[test]
fn broken_toml_names_its_line_and_column() {
    let text = "name = \"x\"\ntitle = \"X\"\n\n[[faults]]\nat_secs = = 3\n";
    let error = parse_scenario(text).unwrap_err();
    match &error {
        ScenarioError::Syntax { line, column, .. } => {
            assert_eq!(*line, 5);
            assert_eq!(*column, 11);
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    assert_eq!(error.line(), Some(5));
    assert!(
        error.to_string().starts_with("line 5, column 11: "),
        "{error}"
    );
}

#[test]
fn an_unknown_field_is_named_with_its_line() {
    let text = GOOD.replace("title_zh = \"同城专线抖动\"", "titel_zh = \"同城专线抖动\"");
    let error = parse_scenario(&text).unwrap_err();
    assert_eq!(error.line(), Some(4), "{error}");
    assert!(
        error.to_string().contains("unknown field `titel_zh`"),
        "{error}"
    );

    let text = GOOD.replace(
        "keywords = [\"link\"]",
        "keywords = [\"link\"]\nnodes = [\"x\"]",
    );
    let error = parse_scenario(&text).unwrap_err();
    assert!(
        error.to_string().contains("unknown field `nodes`"),
        "{error}"
    );
}

#[test]
fn a_misspelt_fault_field_is_refused() {
    let text = GOOD.replace("detail = \"timeout\"", "detial = \"timeout\"");
    let error = parse_scenario(&text).unwrap_err();
    assert_eq!(error.line(), Some(6), "{error}");
    assert!(
        error
            .to_string()
            .contains("faults[0] (probe_failure) has an unknown field `detial`"),
        "{error}"
    );
}

#[test]
fn a_missing_field_is_named() {
    let text = GOOD.replace("title = \"Link down\"\n", "");
    let error = parse_scenario(&text).unwrap_err();
    assert!(error.to_string().contains("title"), "{error}");
}

#[test]
fn duplicate_step_ids_are_refused() {
    let text = GOOD.replace("id = \"call-carrier\"", "id = \"ack\"");
    let error = parse_scenario(&text).unwrap_err();
    assert_eq!(error.field(), Some("expect.steps[1].id"));
    assert_eq!(
        error.to_string(),
        "expect.steps[1].id: the step id \"ack\" is used twice: step ids must be unique"
    );
}

#[test]
fn a_fault_clearing_before_it_starts_is_refused() {
    let text = GOOD.replace("clear_at_secs = 600", "clear_at_secs = 0");
    let error = parse_scenario(&text).unwrap_err();
    // Faults are named by their place in the file: the link alarm is the second.
    assert_eq!(error.field(), Some("faults[1].clear_at_secs"));
    assert!(error.to_string().contains("not after it starts"), "{error}");
}

#[test]
fn names_faults_and_nodes_are_checked() {
    let bad_name = GOOD.replace("name = \"link-flap\"", "name = \"link flap!\"");
    assert_eq!(parse_scenario(&bad_name).unwrap_err().field(), Some("name"));

    let long_name = GOOD.replace("link-flap", &"a".repeat(65));
    assert_eq!(
        parse_scenario(&long_name).unwrap_err().field(),
        Some("name")
    );

    let no_node = GOOD.replace("node = \"link-dci-01\"\nseverity", "node = \" \"\nseverity");
    assert_eq!(
        parse_scenario(&no_node).unwrap_err().field(),
        Some("faults[1].node")
    );

    let no_root = GOOD.replace(
        "[expect.root_cause]\nnode = \"link-dci-01\"",
        "[expect.root_cause]\nnode = \"\"",
    );
    assert_eq!(
        parse_scenario(&no_root).unwrap_err().field(),
        Some("expect.root_cause.node")
    );

    let start = GOOD.find("[[faults]]").unwrap();
    let end = GOOD.find("[expect.root_cause]").unwrap();
    let no_faults = format!("{}faults = []\n{}", &GOOD[..start], &GOOD[end..]);
    assert_eq!(
        parse_scenario(&no_faults).unwrap_err().field(),
        Some("faults")
    );
}

#[test]
fn the_root_cause_may_be_a_node_that_raised_nothing() {
    let text = GOOD.replace(
        "[expect.root_cause]\nnode = \"link-dci-01\"",
        "[expect.root_cause]\nnode = \"rt-core-north-01\"",
    );
    let scenario = parse_scenario(&text).expect("allowed");
    assert_eq!(scenario.expect.root_cause.node, "rt-core-north-01");
}

#[test]
fn the_catalogue_holds_the_three_examples() {
    let names: Vec<String> = built_in().into_iter().map(|s| s.name).collect();
    for name in [
        "core-switch-down",
        "database-primary-failover",
        "monitoring-blind-spot",
    ] {
        assert!(
            names.iter().any(|n| n == name),
            "{name} missing from {names:?}"
        );
    }
    let core = built_in()
        .into_iter()
        .find(|s| s.name == "core-switch-down")
        .unwrap();
    assert_eq!(core.expect.root_cause.node, "sw-core-north-01");
    assert!(!core.title_zh.is_empty() && !core.description_zh.is_empty());
    let summary = serde_json::to_value(ScenarioSummary::from(&core)).unwrap();
    assert_eq!(summary["faults"], 4);
    assert_eq!(summary["steps"], 6);
    assert_eq!(summary["duration_secs"], 40);
}
