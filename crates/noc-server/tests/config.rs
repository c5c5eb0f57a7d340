use noc_model::{HttpAuth, SecretRef, SourceSettings};
use noc_server::config::HubConfig;

#[test]
fn the_example_configuration_is_valid() {
    let text = include_str!("../../../noc.example.toml");
    let config = HubConfig::parse(text).expect("noc.example.toml must parse");
    assert_eq!(config.hub.port, Some(7878));
    assert_eq!(config.engine.correlation_window_secs, Some(600));
}

#[test]
fn a_broken_configuration_names_the_line() {
    let err = HubConfig::parse("[hub]\nport = 7878\nbind = 12\n").unwrap_err();
    assert!(err.starts_with("line 3"), "{err}");
    let err = HubConfig::parse("[hub]\nprot = 1\n").unwrap_err();
    assert!(err.contains("line 2") && err.contains("prot"), "{err}");
    let err = HubConfig::parse("[demo]\nspeed = -1.0\n").unwrap_err();
    assert!(err.contains("demo.speed"), "{err}");
}

#[test]
fn alertmanager_sources_are_read_and_checked() {
    let config = HubConfig::parse(
        "[[alertmanager]]\nname = \"prod-am\"\nurl = \"http://am.example.net:9093/\"\n\
         interval_secs = 30\n\n[[alertmanager]]\nname = \"lab-am\"\nurl = \"https://am.lab\"\n",
    )
    .expect("two alertmanager entries");
    assert_eq!(config.sources.len(), 2);
    let prod = &config.sources[0];
    assert_eq!(prod.name, "prod-am");
    assert_eq!(
        prod.settings,
        SourceSettings::Alertmanager {
            urls: vec!["http://am.example.net:9093/".into()],
            auth: None
        }
    );
    let poll = noc_sources::poll_config(prod, "");
    assert_eq!(poll.interval, std::time::Duration::from_secs(30));
    assert_eq!(poll.timeout, std::time::Duration::from_secs(5));
    let lab = noc_sources::poll_config(&config.sources[1], "");
    assert_eq!(lab.interval, std::time::Duration::from_secs(15));

    let err = HubConfig::parse("[[alertmanager]]\nname = \"a\"\nurl = \"am:9093\"\n").unwrap_err();
    assert!(
        err.starts_with("line 3") && err.contains("http://"),
        "{err}"
    );
    let err =
        HubConfig::parse("[[alertmanager]]\nname = \"a\"\nurl = \"http://x\"\ninterval_secs = 0\n")
            .unwrap_err();
    assert!(
        err.starts_with("line 4") && err.contains("interval_secs"),
        "{err}"
    );
    let twice = "[[alertmanager]]\nname = \"a\"\nurl = \"http://x\"\n\n[[alertmanager]]\nname = \"a\"\nurl = \"http://y\"\n";
    let err = HubConfig::parse(twice).unwrap_err();
    assert!(err.starts_with("line 6") && err.contains("twice"), "{err}");
    let err =
        HubConfig::parse("[[alertmanager]]\nname = \"a\"\nurl = \"http://x\"\ninterval = 5\n")
            .unwrap_err();
    assert!(err.contains("line 4") && err.contains("interval"), "{err}");
    let err = HubConfig::parse("[[alertmanager]]\nurl = \"http://x\"\n").unwrap_err();
    assert!(err.contains("name"), "{err}");
}

/// The commented `[[section]]` block of the example file, uncommented: its lines up
/// to the next blank line, without the comments about the keys.
fn uncommented_example(section: &str) -> String {
    let text = include_str!("../../../noc.example.toml");
    let marker = format!("# [[{section}]]");
    let block = text
        .split_once(marker.as_str())
        .unwrap_or_else(|| panic!("the example documents [[{section}]]"))
        .1;
    std::iter::once(&marker[2..])
        .chain(
            block
                .lines()
                .skip(1)
                .take_while(|l| !l.trim().is_empty())
                .filter_map(|l| l.strip_prefix("# ")),
        )
        .filter(|l| !l.starts_with("# "))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn the_commented_alertmanager_example_is_valid() {
    let config = HubConfig::parse(&uncommented_example("alertmanager"))
        .expect("the uncommented example must parse");
    assert_eq!(config.sources[0].name, "prod-am");
}

#[test]
fn prometheus_sources_are_read_and_checked() {
    let config = HubConfig::parse(
        "[[prometheus]]\nname = \"prod-prom\"\nurl = \"http://prom.example.net:9090/\"\n\
         interval_secs = 30\ntimeout_secs = 2\n",
    )
    .expect("a prometheus entry");
    let prod = noc_sources::poll_config(&config.sources[0], "");
    assert_eq!(prod.name, "prod-prom");
    assert_eq!(prod.interval, std::time::Duration::from_secs(30));
    assert_eq!(prod.timeout, std::time::Duration::from_secs(2));

    let err = HubConfig::parse("[[prometheus]]\nname = \"p\"\nurl = \"prom:9090\"\n").unwrap_err();
    assert!(
        err.contains("line 3") && err.contains("prometheus.url"),
        "{err}"
    );
    let err =
        HubConfig::parse("[[prometheus]]\nname = \"p\"\nurl = \"http://x\"\ntimeout_secs = 0\n")
            .unwrap_err();
    assert!(
        err.contains("line 4") && err.contains("timeout_secs"),
        "{err}"
    );
    // One name for an Alertmanager and a Prometheus would mix their alarms.
    let err = HubConfig::parse(
        "[[alertmanager]]\nname = \"a\"\nurl = \"http://x\"\n\n[[prometheus]]\nname = \"a\"\nurl = \"http://y\"\n",
    )
    .unwrap_err();
    assert!(
        err.contains("line 6") && err.contains("used twice"),
        "{err}"
    );
}

#[test]
fn every_commented_source_example_is_valid() {
    for section in [
        "prometheus",
        "alertmanager",
        "zabbix",
        "http_probe",
        "tcp_probe",
        "dns_probe",
        "icmp_probe",
        "blackbox_probe",
    ] {
        let text = uncommented_example(section);
        let config = HubConfig::parse(&text)
            .unwrap_or_else(|e| panic!("the [[{section}]] example must parse: {e}\n{text}"));
        assert_eq!(config.sources.len(), 1, "{section}");
        assert_eq!(config.sources[0].settings.kind(), section);
    }
}

#[test]
fn the_commented_prometheus_example_is_valid() {
    let config = HubConfig::parse(&uncommented_example("prometheus"))
        .expect("the uncommented example must parse");
    assert_eq!(config.sources[0].name, "prod-prom");
}

#[test]
fn every_source_kind_is_read_with_its_secret_by_reference() {
    let config = HubConfig::parse(
        "[[alertmanager]]\nname = \"am-ha\"\nurls = [\"http://am1:9093\", \"http://am2:9093\"]\n\
         user = \"noc\"\nsecret_env = \"NOC_AM_PASSWORD\"\n\n\
         [[prometheus]]\nname = \"prom\"\nurl = \"http://prom:9090\"\ntargets = true\n\
         [[prometheus.kpi]]\nname = \"targets up\"\nquery = \"sum(up)\"\n\n\
         [[zabbix]]\nname = \"zbx\"\nurl = \"http://zbx/api_jsonrpc.php\"\nsecret_env = \"NOC_ZBX_TOKEN\"\n\n\
         [[http_probe]]\nname = \"portal\"\nurl = \"https://portal.example.net/health\"\nkeyword = \"ok\"\n\n\
         [[tcp_probe]]\nname = \"db-port\"\nhost = \"db1\"\nport = 5432\n\n\
         [[dns_probe]]\nname = \"gslb\"\nquery = \"www.example.net\"\nresolvers = [\"10.0.0.53\", \"10.1.0.53\"]\n\n\
         [[icmp_probe]]\nname = \"core-ping\"\nhost = \"10.0.0.1\"\n\n\
         [[blackbox_probe]]\nname = \"portal-dc2\"\nexporter_url = \"http://probe-dc2:9115\"\nmodule = \"http_2xx\"\ntarget = \"https://portal\"\n",
    )
    .expect("one entry of every kind");
    let kinds: Vec<_> = config.sources.iter().map(|d| d.settings.kind()).collect();
    assert_eq!(
        kinds,
        [
            "alertmanager",
            "prometheus",
            "zabbix",
            "http_probe",
            "tcp_probe",
            "dns_probe",
            "icmp_probe",
            "blackbox_probe"
        ]
    );
    assert_eq!(
        config.sources[0].settings,
        SourceSettings::Alertmanager {
            urls: vec!["http://am1:9093".into(), "http://am2:9093".into()],
            auth: Some(HttpAuth {
                user: Some("noc".into()),
                secret: SecretRef::Env {
                    name: "NOC_AM_PASSWORD".into()
                }
            })
        }
    );
    let SourceSettings::Prometheus { kpis, targets, .. } = &config.sources[1].settings else {
        panic!("prometheus");
    };
    assert!(targets);
    assert_eq!(kpis[0].query, "sum(up)");
    assert!(
        config.sources[1].settings.discovers_topology()
            && config.sources[2].settings.discovers_topology(),
        "discovery is on unless turned off"
    );
    let off = HubConfig::parse(
        "[[zabbix]]\nname = \"z\"\nurl = \"http://z\"\nsecret_env = \"Z\"\ndiscover_topology = false\n",
    )
    .unwrap();
    assert!(!off.sources[0].settings.discovers_topology());

    let err = HubConfig::parse(
        "[[zabbix]]\nname = \"z\"\nurl = \"http://z\"\nsecret_env = \"my secret!\"\n",
    )
    .unwrap_err();
    assert!(
        err.starts_with("line 4") && err.contains("environment variable"),
        "{err}"
    );
    let err =
        HubConfig::parse("[[tcp_probe]]\nname = \"t\"\nhost = \"db\"\nport = 70000\n").unwrap_err();
    assert!(err.starts_with("line 4"), "{err}");
    let err = HubConfig::parse("[[alertmanager]]\nname = \"a\"\n").unwrap_err();
    assert!(err.contains("url"), "{err}");
}

#[test]
fn the_duty_section_becomes_the_policy_with_defaults_for_what_it_leaves_out() {
    let example = HubConfig::parse(include_str!("../../../noc.example.toml")).unwrap();
    assert_eq!(example.policy, noc_model::DutyPolicy::default());
    assert_eq!(example.write_back.silence_minutes, 120);

    let mut text = String::from("[duty]\ndetect_mins = 2\n\n");
    for section in [
        "duty.escalation",
        "duty.grouping",
        "duty.fingerprint",
        "duty.causal",
    ] {
        text.push_str(&uncommented_example(section));
        text.push('\n');
    }
    let config = HubConfig::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let policy = &config.policy;
    assert_eq!(policy.targets.detect_ms, 120_000);
    assert_eq!(policy.targets.identify_ms, 300_000, "default");
    assert_eq!(policy.escalation[0].after_ms, 300_000);
    assert_eq!(
        policy.escalation[0].min_severity,
        noc_model::Severity::Major
    );
    assert_eq!(policy.escalation[0].notify, ["oncall-wecom"]);
    assert_eq!(policy.grouping[0].labels, ["service"]);
    assert_eq!(policy.fingerprints[0].source, "prod-am");
    assert_eq!(
        policy.causal,
        [noc_model::CausalRule {
            cause: "LINK_DOWN".into(),
            effect: "LOS".into(),
        }]
    );
}

#[test]
fn a_wrong_duty_setting_names_its_line() {
    for (text, line, says) in [
        ("[duty]\ndetect_mins = 0\n", 2, "detect_mins"),
        ("[duty]\ndetect_mins = 10\nidentify_mins = 5\n", 3, "detect_mins ≤ identify_mins"),
        ("[duty]\nwrite_back_silence_mins = 50000\n", 2, "write_back_silence_mins"),
        ("[duty]\nupdate_every = 5\n", 2, "update_every"),
        ("[duty.flapping]\nchanges = 1\nwindow_mins = 5\n", 2, "changes"),
        (
            "[[duty.escalation]]\nlevel = 1\nafter_mins = 5\nmin_severity = \"urgent\"\n",
            4,
            "urgent",
        ),
        (
            "[[duty.escalation]]\nlevel = 1\nafter_mins = 5\nmin_severity = \"major\"\n\n\
             [[duty.escalation]]\nlevel = 1\nafter_mins = 9\nmin_severity = \"critical\"\n",
            7,
            "twice",
        ),
        (
            "[[duty.escalation]]\nlevel = 1\nafter_mins = 5\nmin_severity = \"major\"\nnotify = [\"\"]\n",
            5,
            "notify",
        ),
        ("[[duty.grouping]]\nname = \"g\"\nlabels = []\nwindow_mins = 5\n", 3, "labels"),
        ("[[duty.fingerprint]]\nsource = \" \"\nlabels = [\"a\"]\n", 2, "source"),
        ("[[duty.causal]]\ncause = \"\"\neffect = \"LOS\"\n", 2, "cause"),
        ("[[duty.causal]]\ncause = \"LOS\"\neffect = \" LOS\"\n", 3, "itself"),
        ("[[duty.causal]]\ncause = \"LINK_DOWN\"\n", 1, "effect"),
    ] {
        let err = HubConfig::parse(text).unwrap_err();
        assert!(
            err.starts_with(&format!("line {line}:")) && err.contains(says),
            "{text}\n=> {err}"
        );
    }
}
