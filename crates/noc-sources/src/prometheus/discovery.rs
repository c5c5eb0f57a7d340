//! The topology a Prometheus knows from its active scrape targets
//! (`GET /api/v1/targets?state=active`): each target's host (the `instance` without
//! its port, the node alarms name), the job running on it, and the site and rack
//! its labels name. A target of a multi-target exporter (blackbox, SNMP) is the
//! probed host or URL, never the exporter that probes it. docs/discovery.md
//! describes the rules.

use noc_model::{Node, NodeKind, RelationKind, Topology};

use super::payload::Target;
use crate::discovery::{
    add_alias, add_to_attribute, kind_named, owners_in, Estate, RACK_KEY, SITE_KEYS,
};
use crate::polling::strip_port;

/// The topology of `targets`: one node per host however many targets it has.
pub fn estate(targets: &[Target]) -> Topology {
    let mut estate = Estate::default();
    for target in targets {
        match Probe::of(target) {
            Some(probe) => add_probe(&mut estate, target, &probe),
            None => add_scraped(&mut estate, target),
        }
    }
    estate.into_topology()
}

/// A label's value, when it has one.
fn label<'t>(target: &'t Target, name: &str) -> Option<&'t str> {
    target
        .labels
        .get(name)
        .map(|value| value.trim())
        .filter(|value| !value.is_empty())
}

/// A target scraped for its own metrics: a host, and the job's service on it.
fn add_scraped(estate: &mut Estate, target: &Target) {
    let Some(instance) = label(target, "instance") else {
        return;
    };
    let host = strip_port(instance);
    let node = host_node(estate, target, host, NodeKind::Host);
    add_alias(node, instance);
    // No scrape health here: it changes by the minute, and every change would
    // write the source's whole topology into the log again. Down targets are
    // alarms (`targets = true`), which is where status belongs.
    add_to_attribute(node, "scrape_pool", &target.scrape_pool);
    if let Some(job) = label(target, "job") {
        add_to_attribute(node, "job", job);
        let service = format!("job:{job}");
        let node = estate.node(&service, job, NodeKind::Service);
        add_to_attribute(node, "scrape_pool", &target.scrape_pool);
        estate.relate(&service, host, RelationKind::RunsOn);
    }
    place(estate, target, host);
}

/// The host node of `id` with what the target's labels say about it: `noc_kind`
/// overrides `kind`, `noc_owner` adds owners.
fn host_node<'e>(
    estate: &'e mut Estate,
    target: &Target,
    id: &str,
    kind: NodeKind,
) -> &'e mut Node {
    let kind = label(target, "noc_kind")
        .and_then(kind_named)
        .unwrap_or(kind);
    let node = estate.node(id, id, kind);
    for owner in label(target, "noc_owner")
        .map(owners_in)
        .unwrap_or_default()
    {
        if !node.owners.contains(&owner) {
            node.owners.push(owner);
        }
    }
    node
}

fn place(estate: &mut Estate, target: &Target, node: &str) {
    let site = SITE_KEYS.iter().find_map(|key| label(target, key));
    estate.place(node, site, label(target, RACK_KEY));
}

/// A target of the multi-target exporter pattern: Prometheus scrapes
/// `<exporter>/probe?target=…&module=…` (blackbox; `/snmp` for the SNMP exporter)
/// and the `target` parameter is what is watched.
struct Probe {
    target: String,
    module: Option<String>,
    /// `host:port` of the exporter, as the scrape URL names it.
    exporter: String,
}

impl Probe {
    fn of(target: &Target) -> Option<Probe> {
        let url = reqwest::Url::parse(&target.scrape_url).ok()?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim().to_string())
                .filter(|value| !value.is_empty())
        };
        let probed = param("target")?;
        let exporter = match (url.host_str(), url.port_or_known_default()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => String::new(),
        };
        Some(Probe {
            target: probed,
            module: param("module"),
            exporter,
        })
    }
}

/// The probed thing as a node: a URL is a service on the host of the URL, anything
/// else (an address, `host:port`) is that host. Its id is what alarms name: the
/// `instance` label when the scrape config relabelled it to the target (the usual
/// shape), else the target parameter itself.
fn add_probe(estate: &mut Estate, target: &Target, probe: &Probe) {
    let instance = label(target, "instance");
    let named = match instance {
        Some(instance) if instance != probe.exporter => instance,
        _ => probe.target.as_str(),
    };
    let id = strip_port(named);
    let url_host = reqwest::Url::parse(named)
        .ok()
        .filter(|url| url.has_authority())
        .and_then(|url| {
            url.host_str()
                .map(|h| h.trim_matches(['[', ']']).to_string())
        });
    let kind = if url_host.is_some() {
        NodeKind::Service
    } else {
        NodeKind::Host
    };
    let node = host_node(estate, target, id, kind);
    add_alias(node, named);
    if let Some(job) = label(target, "job") {
        add_to_attribute(node, "job", job);
    }
    add_to_attribute(node, "probed_by", &probe.exporter);
    if let Some(module) = &probe.module {
        add_to_attribute(node, "probe_module", module);
    }
    let located = match url_host {
        Some(host) => {
            estate.node(&host, &host, NodeKind::Host);
            estate.relate(id, &host, RelationKind::RunsOn);
            host
        }
        None => id.to_string(),
    };
    place(estate, target, &located);
}
