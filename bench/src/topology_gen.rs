//! Large, realistic estates for the topology benchmarks and load tests.
//!
//! An estate is built the way a data-centre network is: sites, racks in sites, a pair
//! of core routers and four aggregation switches per site, a top-of-rack access switch
//! per rack, WAN circuits joining the sites' core routers in a ring, hosts in racks
//! cabled to their access switch, middleware and databases running on hosts, services
//! running on hosts and needing middleware and databases, and business systems needing
//! services. Every node has a readable name; hosts carry their IP address as an alias.
//!
//! The same `(nodes, relations, seed)` always gives the same estate, and the counts are
//! exactly the ones asked for: the structure every node needs (its place, its uplink,
//! what it runs on) comes first, then redundancy (second uplinks, clustered databases,
//! more dependencies) until the relation count is reached.

use std::collections::HashSet;

use noc_model::{Node, NodeKind, Relation, RelationKind, Topology};

/// The smallest estate with one of every part (a site, a rack, its switches, a host,
/// a database, a service and a business system).
pub const MIN_NODES: usize = 30;

const CITIES: [(&str, &str); 10] = [
    ("bj", "Beijing"),
    ("sh", "Shanghai"),
    ("gz", "Guangzhou"),
    ("sz", "Shenzhen"),
    ("cd", "Chengdu"),
    ("hz", "Hangzhou"),
    ("wh", "Wuhan"),
    ("xa", "Xi'an"),
    ("nj", "Nanjing"),
    ("tj", "Tianjin"),
];

const BUSINESSES: [&str; 24] = [
    "payments",
    "orders",
    "billing",
    "accounts",
    "search",
    "inventory",
    "shipping",
    "messaging",
    "reporting",
    "identity",
    "catalog",
    "pricing",
    "loyalty",
    "recommendations",
    "checkout",
    "customer-care",
    "fraud",
    "ledger",
    "notifications",
    "media",
    "partners",
    "analytics",
    "maps",
    "settlement",
];

const SERVICE_ROLES: [&str; 8] = [
    "api",
    "web",
    "worker",
    "gateway",
    "scheduler",
    "sync",
    "admin",
    "export",
];
const MIDDLEWARE: [&str; 5] = ["kafka", "redis", "rabbitmq", "nginx", "elasticsearch"];
const DATABASES: [&str; 4] = ["mysql", "postgresql", "oracle", "mongodb"];

/// How many nodes of each part an estate of `n` nodes has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Plan {
    sites: usize,
    racks: usize,
    links: usize,
    businesses: usize,
    services: usize,
    middleware: usize,
    databases: usize,
    hosts: usize,
}

const CORES_PER_SITE: usize = 2;
const AGGREGATIONS_PER_SITE: usize = 4;

impl Plan {
    fn for_nodes(n: usize) -> Plan {
        assert!(
            n >= MIN_NODES,
            "an estate needs at least {MIN_NODES} nodes, {n} asked"
        );
        let sites = (n / 500).clamp(1, CITIES.len());
        let racks = (n * 24 / 1000).max(sites);
        let links = match sites {
            1 => 0,
            2 => 1,
            s => s,
        };
        let businesses = (n / 100).max(1);
        let services = (n * 18 / 100).max(businesses);
        let middleware = (n * 8 / 100).max(1);
        let databases = (n * 6 / 100).max(1);
        let fixed = sites
            + racks * 2
            + sites * (CORES_PER_SITE + AGGREGATIONS_PER_SITE)
            + links
            + businesses
            + services
            + middleware
            + databases;
        Plan {
            sites,
            racks,
            links,
            businesses,
            services,
            middleware,
            databases,
            hosts: n - fixed,
        }
    }
}

/// splitmix64: a fixed sequence, so an estate never changes with a dependency's version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// The estate's relations, as they are decided: the ones every node needs first.
#[derive(Default)]
struct Wiring {
    essential: Vec<Relation>,
    redundant: Vec<Relation>,
}

impl Wiring {
    fn essential(&mut self, from: &str, to: &str, kind: RelationKind) {
        self.essential.push(Relation::new(from, to, kind));
    }

    fn redundant(&mut self, from: &str, to: &str, kind: RelationKind) {
        self.redundant.push(Relation::new(from, to, kind));
    }
}

/// Where the application layer can run: a business system lives mostly in one site.
struct Estate {
    nodes: Vec<Node>,
    wiring: Wiring,
    hosts_by_site: Vec<Vec<String>>,
}

/// An estate of exactly `nodes` nodes and `relations` relations (fewer only when
/// `relations` exceeds what the application layer can hold without repeating a
/// relation). Panics below [`MIN_NODES`].
pub fn estate(nodes: usize, relations: usize, seed: u64) -> Topology {
    let plan = Plan::for_nodes(nodes);
    let mut rng = Rng(seed);
    let mut estate = Estate {
        nodes: Vec::with_capacity(nodes),
        wiring: Wiring::default(),
        hosts_by_site: vec![Vec::new(); plan.sites],
    };
    build_network(&plan, &mut estate, &mut rng);
    build_applications(&plan, &mut estate, &mut rng);
    debug_assert_eq!(estate.nodes.len(), nodes);
    let Wiring {
        mut essential,
        mut redundant,
    } = estate.wiring;
    rng.shuffle(&mut redundant);
    essential.truncate(relations);
    let mut seen: HashSet<(String, String, RelationKind)> = essential.iter().map(key).collect();
    for relation in redundant {
        if essential.len() >= relations {
            break;
        }
        if seen.insert(key(&relation)) {
            essential.push(relation);
        }
    }
    let mut topology = Topology {
        nodes: estate.nodes,
        relations: essential,
    };
    add_dependencies(&plan, &mut topology, &mut seen, relations, &mut rng);
    topology
}

fn key(r: &Relation) -> (String, String, RelationKind) {
    (r.from.clone(), r.to.clone(), r.kind)
}

fn node(id: String, name: String, kind: NodeKind) -> Node {
    Node::new(id, name, kind)
}

fn with_attribute(mut node: Node, key: &str, value: &str) -> Node {
    node.attributes.insert(key.to_string(), value.to_string());
    node
}

fn site_id(s: usize) -> String {
    format!("site-{}", CITIES[s].0)
}

fn core_id(s: usize, c: usize) -> String {
    format!("{}-core-{}", CITIES[s].0, c + 1)
}

fn aggregation_id(s: usize, a: usize) -> String {
    format!("{}-agg-{}", CITIES[s].0, a + 1)
}

/// Sites, racks, switches, WAN circuits and hosts, cabled as a two-tier fabric.
fn build_network(plan: &Plan, estate: &mut Estate, rng: &mut Rng) {
    use RelationKind::*;
    let wiring = &mut estate.wiring;
    for (s, (_, city)) in CITIES.iter().enumerate().take(plan.sites) {
        estate.nodes.push(with_attribute(
            node(site_id(s), format!("{city} DC"), NodeKind::Site),
            "city",
            city,
        ));
        for c in 0..CORES_PER_SITE {
            let id = core_id(s, c);
            let name = id.clone();
            estate.nodes.push(with_attribute(
                node(id.clone(), name, NodeKind::NetworkDevice),
                "role",
                "core",
            ));
            wiring.essential(&id, &site_id(s), LocatedIn);
        }
        wiring.essential(&core_id(s, 0), &core_id(s, 1), ConnectsTo);
        for a in 0..AGGREGATIONS_PER_SITE {
            let id = aggregation_id(s, a);
            estate.nodes.push(with_attribute(
                node(id.clone(), id.clone(), NodeKind::NetworkDevice),
                "role",
                "aggregation",
            ));
            wiring.essential(&id, &site_id(s), LocatedIn);
            wiring.essential(&id, &core_id(s, a % CORES_PER_SITE), ConnectsTo);
            wiring.redundant(&id, &core_id(s, (a + 1) % CORES_PER_SITE), ConnectsTo);
        }
        // The aggregation switches form a ring, as in a ring-protected metro fabric.
        for a in 0..AGGREGATIONS_PER_SITE {
            let next = (a + 1) % AGGREGATIONS_PER_SITE;
            wiring.redundant(&aggregation_id(s, a), &aggregation_id(s, next), ConnectsTo);
        }
    }
    for l in 0..plan.links {
        let (a, b) = (l, (l + 1) % plan.sites);
        let id = format!("wan-{}-{}", CITIES[a].0, CITIES[b].0);
        let name = format!("WAN {} – {}", CITIES[a].1, CITIES[b].1);
        estate.nodes.push(node(id.clone(), name, NodeKind::Link));
        estate
            .wiring
            .essential(&id, &core_id(a, l % CORES_PER_SITE), ConnectsTo);
        estate
            .wiring
            .essential(&id, &core_id(b, l % CORES_PER_SITE), ConnectsTo);
    }
    let hosts_per_rack = spread(plan.hosts, plan.racks);
    for (r, &hosts) in hosts_per_rack.iter().enumerate() {
        let s = r % plan.sites;
        let rack_in_site = r / plan.sites + 1;
        let code = CITIES[s].0;
        let rack = format!("{code}-rack-{rack_in_site:02}");
        let access = format!("{code}-acc-{rack_in_site:02}");
        estate.nodes.push(node(
            rack.clone(),
            format!("{} rack {rack_in_site:02}", CITIES[s].1),
            NodeKind::Rack,
        ));
        estate.wiring.essential(&rack, &site_id(s), LocatedIn);
        estate.nodes.push(with_attribute(
            node(access.clone(), access.clone(), NodeKind::NetworkDevice),
            "role",
            "access",
        ));
        estate.wiring.essential(&access, &rack, LocatedIn);
        let first = rng.below(AGGREGATIONS_PER_SITE);
        let second = (first + 1 + rng.below(AGGREGATIONS_PER_SITE - 1)) % AGGREGATIONS_PER_SITE;
        estate
            .wiring
            .essential(&access, &aggregation_id(s, first), ConnectsTo);
        estate
            .wiring
            .essential(&access, &aggregation_id(s, second), ConnectsTo);
        for h in 0..hosts {
            let id = format!("{code}-r{rack_in_site:02}-h{:02}", h + 1);
            let mut host = node(id.clone(), id.clone(), NodeKind::Host);
            host.aliases
                .push(format!("10.{}.{}.{}", s + 1, rack_in_site, h + 10));
            estate.nodes.push(host);
            estate.wiring.essential(&id, &rack, LocatedIn);
            estate.wiring.essential(&id, &access, ConnectsTo);
            estate.hosts_by_site[s].push(id);
        }
    }
}

/// `total` split over `parts` as evenly as it goes.
fn spread(total: usize, parts: usize) -> Vec<usize> {
    (0..parts)
        .map(|p| total / parts + usize::from(p < total % parts))
        .collect()
}

fn business_id(b: usize) -> String {
    let name = BUSINESSES[b % BUSINESSES.len()];
    match b / BUSINESSES.len() {
        0 => format!("biz-{name}"),
        round => format!("biz-{name}-{}", round + 1),
    }
}

fn business_name(b: usize) -> String {
    let name = BUSINESSES[b % BUSINESSES.len()];
    let mut words: Vec<String> = name
        .split('-')
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect();
    if b >= BUSINESSES.len() {
        words.push((b / BUSINESSES.len() + 1).to_string());
    }
    words.join(" ")
}

fn short_business(b: usize) -> String {
    business_id(b).trim_start_matches("biz-").to_string()
}

/// Business systems, their services, and the middleware and databases they use, each
/// on hosts of the business system's home site (a fifth elsewhere, for disaster
/// recovery).
fn build_applications(plan: &Plan, estate: &mut Estate, rng: &mut Rng) {
    use RelationKind::*;
    let owner_of = |i: usize, count: usize| i * plan.businesses / count;
    let mut stores: Vec<(String, usize)> = Vec::new();
    for m in 0..plan.middleware {
        let b = owner_of(m, plan.middleware);
        let product = MIDDLEWARE[m % MIDDLEWARE.len()];
        let id = format!("mw-{product}-{:03}", m + 1);
        let name = format!(
            "{product} {} #{}",
            short_business(b),
            m / MIDDLEWARE.len() + 1
        );
        estate.nodes.push(with_attribute(
            node(id.clone(), name, NodeKind::Middleware),
            "product",
            product,
        ));
        stores.push((id, b));
    }
    for d in 0..plan.databases {
        let b = owner_of(d, plan.databases);
        let product = DATABASES[d % DATABASES.len()];
        let id = format!("db-{product}-{:03}", d + 1);
        let name = format!(
            "{product} {} #{}",
            short_business(b),
            d / DATABASES.len() + 1
        );
        estate.nodes.push(with_attribute(
            node(id.clone(), name, NodeKind::Database),
            "product",
            product,
        ));
        stores.push((id, b));
    }
    for (id, b) in &stores {
        let host = pick_host(estate, *b, rng);
        estate.wiring.essential(id, &host, RunsOn);
        // Clustered: a replica on a second host.
        let replica = pick_host(estate, *b, rng);
        if replica != host {
            estate.wiring.redundant(id, &replica, RunsOn);
        }
    }
    let stores_of = |b: usize| -> Vec<&String> {
        stores
            .iter()
            .filter(|(_, owner)| *owner == b)
            .map(|(id, _)| id)
            .collect()
    };
    let mut services_of: Vec<Vec<String>> = vec![Vec::new(); plan.businesses];
    for v in 0..plan.services {
        let b = owner_of(v, plan.services);
        let role = SERVICE_ROLES[services_of[b].len() % SERVICE_ROLES.len()];
        let round = services_of[b].len() / SERVICE_ROLES.len();
        let short = short_business(b);
        let id = match round {
            0 => format!("svc-{short}-{role}"),
            r => format!("svc-{short}-{role}-{}", r + 1),
        };
        estate.nodes.push(node(
            id.clone(),
            id.trim_start_matches("svc-").to_string(),
            NodeKind::Service,
        ));
        let host = pick_host(estate, b, rng);
        estate.wiring.essential(&id, &host, RunsOn);
        let own = stores_of(b);
        let pool: Vec<&String> = if own.is_empty() {
            stores.iter().map(|(id, _)| id).collect()
        } else {
            own
        };
        let first = pool[rng.below(pool.len())];
        if rng.chance(80) {
            estate.wiring.essential(&id, first, DependsOn);
        } else {
            estate.wiring.redundant(&id, first, DependsOn);
        }
        let second = pool[rng.below(pool.len())];
        if second != first {
            estate.wiring.redundant(&id, second, DependsOn);
        }
        if let Some(previous) = services_of[b].last() {
            // A front service calls the one before it (web → api → worker).
            estate.wiring.redundant(&id, previous, DependsOn);
        }
        services_of[b].push(id);
    }
    for (b, services) in services_of.iter().enumerate() {
        let id = business_id(b);
        estate
            .nodes
            .push(node(id.clone(), business_name(b), NodeKind::BusinessSystem));
        for service in services {
            estate.wiring.essential(&id, service, DependsOn);
        }
    }
}

fn pick_host(estate: &Estate, business: usize, rng: &mut Rng) -> String {
    let sites = estate.hosts_by_site.len();
    let home = business % sites;
    let site = if rng.chance(80) {
        home
    } else {
        rng.below(sites)
    };
    let hosts = match estate.hosts_by_site[site].is_empty() {
        true => &estate.hosts_by_site[home],
        false => &estate.hosts_by_site[site],
    };
    hosts[rng.below(hosts.len())].clone()
}

/// More application dependencies until the estate has `relations` relations: services
/// calling services of the same or another business system, business systems sharing
/// services. Never a repeated relation; gives up when nothing new is found for a while.
fn add_dependencies(
    plan: &Plan,
    topology: &mut Topology,
    seen: &mut HashSet<(String, String, RelationKind)>,
    relations: usize,
    rng: &mut Rng,
) {
    let ids_of = |kind: NodeKind| -> Vec<String> {
        topology
            .nodes
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| n.id.clone())
            .collect()
    };
    let services = ids_of(NodeKind::Service);
    let businesses = ids_of(NodeKind::BusinessSystem);
    let mut misses = 0;
    while topology.relations.len() < relations && misses < 10_000 {
        let relation = if rng.chance(70) && plan.services > 1 {
            // Later services call earlier ones: the calls never form a loop.
            let from = 1 + rng.below(services.len() - 1);
            let to = rng.below(from);
            Relation::new(&services[from], &services[to], RelationKind::DependsOn)
        } else {
            let from = &businesses[rng.below(businesses.len())];
            let to = &services[rng.below(services.len())];
            Relation::new(from, to, RelationKind::DependsOn)
        };
        if seen.insert(key(&relation)) {
            topology.relations.push(relation);
            misses = 0;
        } else {
            misses += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn counts_are_the_ones_asked_for() {
        for (n, m) in [(5_000, 10_000), (30, 40), (200, 150), (1_000, 5_000)] {
            let t = estate(n, m, 7);
            assert_eq!(t.nodes.len(), n);
            assert_eq!(t.relations.len(), m);
        }
    }

    #[test]
    fn ids_are_unique_and_relations_join_known_nodes_once() {
        let t = estate(5_000, 10_000, 3);
        let ids: HashSet<&str> = t.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids.len(), t.nodes.len());
        let mut seen = HashSet::new();
        for r in &t.relations {
            assert!(ids.contains(r.from.as_str()) && ids.contains(r.to.as_str()));
            assert_ne!(r.from, r.to);
            assert!(seen.insert(key(r)), "repeated {r:?}");
        }
    }

    #[test]
    fn the_estate_has_every_layer_and_about_ten_sites() {
        let t = estate(5_000, 10_000, 1);
        let count = |kind| t.nodes.iter().filter(|n| n.kind == kind).count();
        assert_eq!(count(NodeKind::Site), 10);
        assert!(count(NodeKind::Rack) >= 100);
        assert!(count(NodeKind::Host) > 2_500);
        for kind in [
            NodeKind::BusinessSystem,
            NodeKind::Service,
            NodeKind::Middleware,
            NodeKind::Database,
            NodeKind::NetworkDevice,
            NodeKind::Link,
        ] {
            assert!(count(kind) > 0, "{kind:?}");
        }
        assert!(t.nodes.iter().all(|n| !n.name.is_empty()));
    }

    #[test]
    fn the_same_seed_gives_the_same_estate() {
        assert_eq!(estate(1_000, 2_000, 9), estate(1_000, 2_000, 9));
        assert_ne!(estate(1_000, 2_000, 9), estate(1_000, 2_000, 10));
    }

    #[test]
    fn the_json_of_an_estate_is_an_importable_file() {
        use noc_topology::import::{parse, Format};
        let t = estate(5_000, 10_000, 1);
        let file = serde_json::to_string(&t).expect("json");
        let imported = parse("estate.json", Format::Json, file.as_bytes()).expect("importable");
        assert_eq!(imported.nodes.len(), 5_000);
        assert_eq!(imported.relations.len(), 10_000);
        noc_topology::validate::check(&imported).expect("valid");
    }
}
