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
    assert_eq!(config.alertmanager.len(), 2);
    let prod = config.alertmanager[0].source_config();
    assert_eq!(prod.name, "prod-am");
    assert_eq!(prod.url, "http://am.example.net:9093/");
    assert_eq!(prod.interval, std::time::Duration::from_secs(30));
    assert_eq!(prod.timeout, std::time::Duration::from_secs(5));
    let lab = config.alertmanager[1].source_config();
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
    assert_eq!(config.alertmanager[0].source_config().name, "prod-am");
}

#[test]
fn prometheus_sources_are_read_and_checked() {
    let config = HubConfig::parse(
        "[[prometheus]]\nname = \"prod-prom\"\nurl = \"http://prom.example.net:9090/\"\n\
         interval_secs = 30\ntimeout_secs = 2\n",
    )
    .expect("a prometheus entry");
    let prod = config.prometheus[0].source_config();
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
fn the_commented_prometheus_example_is_valid() {
    let config = HubConfig::parse(&uncommented_example("prometheus"))
        .expect("the uncommented example must parse");
    assert_eq!(config.prometheus[0].source_config().name, "prod-prom");
}
