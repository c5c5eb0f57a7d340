//! The topology a Zabbix knows from its hosts (`host.get`): each monitored host as a
//! node under its technical name (the name its problems carry), known also by the
//! IP addresses and DNS names of its interfaces, in a group node per host group.
//! docs/discovery.md describes the rules.

use std::collections::BTreeMap;

use noc_model::{NodeKind, RelationKind, Topology};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::discovery::{add_alias, kind_named, owners_in, Estate, RACK_KEY, SITE_KEYS};

/// One host as `host.get` lists it with [`hosts_params`].
#[derive(Debug, Deserialize)]
pub struct Host {
    pub hostid: String,
    /// The technical name: unique, and what problems name.
    pub host: String,
    /// The visible name, which may be empty.
    #[serde(default)]
    pub name: String,
    /// `0` monitored, `1` not monitored.
    pub status: String,
    #[serde(default)]
    pub interfaces: Vec<Interface>,
    /// `groups` (6.0, `selectGroups`) or `hostgroups` (6.2+, `selectHostGroups`).
    #[serde(default, alias = "hostgroups")]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// An object of inventory fields, or an empty list when the host keeps none.
    #[serde(default)]
    pub inventory: Value,
}

#[derive(Debug, Deserialize)]
pub struct Interface {
    #[serde(default)]
    pub ip: String,
    #[serde(default)]
    pub dns: String,
    /// `1`: Zabbix connects to `ip`, `0`: to `dns`.
    #[serde(default)]
    pub useip: String,
    /// `1` for the default interface of its type.
    #[serde(default)]
    pub main: String,
}

#[derive(Debug, Deserialize)]
pub struct Group {
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct Tag {
    pub tag: String,
    #[serde(default)]
    pub value: String,
}

/// The inventory fields worth showing on a node; the others are rarely filled.
const INVENTORY_FIELDS: [&str; 7] = [
    "type",
    "os",
    "vendor",
    "model",
    "serialno_a",
    "location",
    "site_rack",
];

/// `host.get` for discovery. Host groups are `selectGroups` up to 6.0 and
/// `selectHostGroups` from 6.2 on (7.0 refuses the old name).
pub fn hosts_params(host_groups: bool) -> Value {
    let mut params = json!({
        "output": ["hostid", "host", "name", "status"],
        "selectInterfaces": ["ip", "dns", "useip", "main"],
        "selectTags": ["tag", "value"],
        "selectInventory": INVENTORY_FIELDS,
        "sortfield": "host",
    });
    let select = if host_groups {
        "selectHostGroups"
    } else {
        "selectGroups"
    };
    params[select] = json!(["name"]);
    params
}

/// The topology of `hosts`. Hosts Zabbix does not monitor are left out: nothing
/// would ever turn them red, and an unwatched host that looks healthy misleads.
pub fn estate(hosts: &[Host]) -> Topology {
    let mut estate = Estate::default();
    for host in hosts
        .iter()
        .filter(|h| h.status == "0" && !h.host.is_empty())
    {
        add_host(&mut estate, host);
    }
    estate.into_topology()
}

fn add_host(estate: &mut Estate, host: &Host) {
    let mut tags: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for tag in &host.tags {
        tags.entry(tag.tag.as_str())
            .or_default()
            .push(tag.value.trim());
    }
    let tag = |name: &str| {
        tags.get(name)
            .and_then(|values| values.iter().find(|v| !v.is_empty()).copied())
    };
    let kind = tag("noc_kind")
        .and_then(kind_named)
        .unwrap_or(NodeKind::Host);
    let visible = if host.name.trim().is_empty() {
        &host.host
    } else {
        host.name.trim()
    };
    let node = estate.node(&host.host, visible, kind);
    for interface in &host.interfaces {
        add_alias(node, &interface.ip);
        add_alias(node, &interface.dns);
    }
    let attributes = &mut node.attributes;
    attributes.insert("zabbix_hostid".into(), host.hostid.clone());
    if let Some(address) = address(&host.interfaces) {
        attributes.insert("address".into(), address.to_string());
    }
    for (name, values) in &tags {
        let values: Vec<&str> = values.iter().copied().filter(|v| !v.is_empty()).collect();
        attributes.insert(format!("tag.{name}"), values.join(", "));
    }
    if let Value::Object(inventory) = &host.inventory {
        for (field, value) in inventory {
            if let Some(text) = value.as_str().map(str::trim).filter(|t| !t.is_empty()) {
                attributes.insert(format!("inventory.{field}"), text.to_string());
            }
        }
    }
    let owners = tags.get("noc_owner").into_iter().flatten();
    for owner in owners.flat_map(|v| owners_in(v)) {
        if !node.owners.contains(&owner) {
            node.owners.push(owner);
        }
    }
    for group in &host.groups {
        if let Some(group) = group_node(estate, &group.name) {
            estate.relate(&host.host, &group, RelationKind::LocatedIn);
        }
    }
    let site = SITE_KEYS.iter().find_map(|key| tag(key));
    estate.place(&host.host, site, tag(RACK_KEY));
}

/// The address Zabbix connects to: that of the default interface (the first
/// interface when none is marked), by IP or by DNS name as the interface says.
fn address(interfaces: &[Interface]) -> Option<&str> {
    let interface = interfaces
        .iter()
        .find(|i| i.main == "1")
        .or(interfaces.first())?;
    let address = if interface.useip == "0" {
        &interface.dns
    } else {
        &interface.ip
    };
    Some(address.as_str()).filter(|a| !a.is_empty())
}

/// The group node of a host group. Zabbix nests groups by name (`Europe/Berlin`):
/// a nested group sits in its parent (`group:Europe`), added when Zabbix has no
/// group of that name.
fn group_node(estate: &mut Estate, name: &str) -> Option<String> {
    let name = name.trim().trim_matches('/');
    if name.is_empty() {
        return None;
    }
    let id = format!("group:{name}");
    estate.node(&id, name, NodeKind::Group);
    if let Some((parent, _)) = name.rsplit_once('/') {
        if let Some(parent) = group_node(estate, parent) {
            estate.relate(&id, &parent, RelationKind::LocatedIn);
        }
    }
    Some(id)
}
