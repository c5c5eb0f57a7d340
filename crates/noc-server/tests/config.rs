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
