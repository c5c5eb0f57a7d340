//! The simulated network: two data centres, their network, hosts, middleware, services
//! and the business systems they carry.

use noc_model::{Layer, Node, NodeKind, Relation, RelationKind, Topology};

/// What a node is, finer than [`NodeKind`]: it decides which alarms the node raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Product {
    Site,
    Link,
    Firewall,
    Router,
    CoreSwitch,
    AccessSwitch,
    Host,
    Nginx,
    Redis,
    Kafka,
    ZooKeeper,
    MySql,
    Service,
    Business,
}

impl Product {
    fn kind(self) -> NodeKind {
        match self {
            Product::Site => NodeKind::Site,
            Product::Link => NodeKind::Link,
            Product::Firewall | Product::Router | Product::CoreSwitch | Product::AccessSwitch => {
                NodeKind::NetworkDevice
            }
            Product::Host => NodeKind::Host,
            Product::Nginx | Product::Redis | Product::Kafka | Product::ZooKeeper => {
                NodeKind::Middleware
            }
            Product::MySql => NodeKind::Database,
            Product::Service => NodeKind::Service,
            Product::Business => NodeKind::BusinessSystem,
        }
    }

    /// Position in the network's hierarchy: a fault crosses a `connects_to` link only
    /// downwards (a core switch takes its access switches with it, not the other way).
    pub(crate) fn tier(self) -> Option<u8> {
        match self {
            Product::Link => Some(0),
            Product::Firewall | Product::Router => Some(1),
            Product::CoreSwitch => Some(2),
            Product::AccessSwitch => Some(3),
            Product::Host => Some(4),
            _ => None,
        }
    }

    /// How likely a fault starts here: infrastructure and platform fail most often.
    pub(crate) fn fault_weight(self) -> u32 {
        match self {
            Product::Site => 0,
            Product::Host | Product::MySql | Product::Redis | Product::Kafka => 6,
            Product::AccessSwitch | Product::Nginx | Product::ZooKeeper => 4,
            Product::CoreSwitch | Product::Router | Product::Firewall | Product::Link => 2,
            Product::Service => 3,
            Product::Business => 1,
        }
    }
}

pub(crate) struct Spec {
    pub id: &'static str,
    pub name: &'static str,
    pub product: Product,
    pub site: Option<&'static str>,
}

const fn spec(
    id: &'static str,
    name: &'static str,
    product: Product,
    site: Option<&'static str>,
) -> Spec {
    Spec {
        id,
        name,
        product,
        site,
    }
}

const N: Option<&str> = Some("dc-north");
const S: Option<&str> = Some("dc-south");

pub(crate) const NODES: &[Spec] = &[
    spec("dc-north", "DC North 北京数据中心", Product::Site, None),
    spec("dc-south", "DC South 广州数据中心", Product::Site, None),
    spec(
        "link-dci-01",
        "DCI link North–South 同城专线",
        Product::Link,
        None,
    ),
    spec("fw-north-01", "Firewall North 01", Product::Firewall, N),
    spec("fw-south-01", "Firewall South 01", Product::Firewall, S),
    spec(
        "rt-core-north-01",
        "Core router North 01",
        Product::Router,
        N,
    ),
    spec(
        "rt-core-south-01",
        "Core router South 01",
        Product::Router,
        S,
    ),
    spec(
        "sw-core-north-01",
        "Core switch North 01",
        Product::CoreSwitch,
        N,
    ),
    spec(
        "sw-core-south-01",
        "Core switch South 01",
        Product::CoreSwitch,
        S,
    ),
    spec(
        "sw-acc-north-01",
        "Access switch North 01",
        Product::AccessSwitch,
        N,
    ),
    spec(
        "sw-acc-north-02",
        "Access switch North 02",
        Product::AccessSwitch,
        N,
    ),
    spec(
        "sw-acc-south-01",
        "Access switch South 01",
        Product::AccessSwitch,
        S,
    ),
    spec("host-web-01", "web-01", Product::Host, N),
    spec("host-web-02", "web-02", Product::Host, S),
    spec("host-app-01", "app-01", Product::Host, N),
    spec("host-app-02", "app-02", Product::Host, N),
    spec("host-app-03", "app-03", Product::Host, S),
    spec("host-db-01", "db-01", Product::Host, N),
    spec("host-db-02", "db-02", Product::Host, S),
    spec("host-cache-01", "cache-01", Product::Host, N),
    spec("host-mq-01", "mq-01", Product::Host, N),
    spec("host-mq-02", "mq-02", Product::Host, S),
    spec("nginx-edge-01", "nginx edge 01", Product::Nginx, None),
    spec("nginx-edge-02", "nginx edge 02", Product::Nginx, None),
    spec(
        "redis-session-01",
        "Redis session cache",
        Product::Redis,
        None,
    ),
    spec("kafka-01", "Kafka broker 01", Product::Kafka, None),
    spec("kafka-02", "Kafka broker 02", Product::Kafka, None),
    spec("zk-01", "ZooKeeper 01", Product::ZooKeeper, None),
    spec("zk-02", "ZooKeeper 02", Product::ZooKeeper, None),
    spec(
        "mysql-orders-01",
        "MySQL orders 订单库",
        Product::MySql,
        None,
    ),
    spec(
        "mysql-accounts-01",
        "MySQL accounts 账户库",
        Product::MySql,
        None,
    ),
    spec(
        "svc-gateway",
        "API gateway 统一网关",
        Product::Service,
        None,
    ),
    spec(
        "svc-payment",
        "Payment service 支付服务",
        Product::Service,
        None,
    ),
    spec(
        "svc-account",
        "Account service 账户服务",
        Product::Service,
        None,
    ),
    spec(
        "svc-order",
        "Order service 订单服务",
        Product::Service,
        None,
    ),
    spec(
        "svc-catalog",
        "Catalog service 商品服务",
        Product::Service,
        None,
    ),
    spec("svc-risk", "Risk control 风控服务", Product::Service, None),
    spec(
        "svc-notify",
        "Notification service 消息服务",
        Product::Service,
        None,
    ),
    spec(
        "sys-mobile-banking",
        "Mobile Banking 手机银行",
        Product::Business,
        None,
    ),
    spec(
        "sys-online-payment",
        "Online Payment 在线支付",
        Product::Business,
        None,
    ),
    spec("sys-emall", "e-Mall 电子商城", Product::Business, None),
    spec(
        "sys-message-center",
        "Message Center 消息中心",
        Product::Business,
        None,
    ),
];

use RelationKind::{ConnectsTo as C, DependsOn as D, RunsOn as R};

pub(crate) const RELATIONS: &[(&str, &str, RelationKind)] = &[
    // Network: the DCI link between the core routers, firewalls at the edge.
    ("rt-core-north-01", "link-dci-01", C),
    ("link-dci-01", "rt-core-south-01", C),
    ("fw-north-01", "rt-core-north-01", C),
    ("fw-south-01", "rt-core-south-01", C),
    ("rt-core-north-01", "sw-core-north-01", C),
    ("rt-core-south-01", "sw-core-south-01", C),
    ("sw-core-north-01", "sw-acc-north-01", C),
    ("sw-core-north-01", "sw-acc-north-02", C),
    ("sw-core-south-01", "sw-acc-south-01", C),
    ("sw-acc-north-01", "host-web-01", C),
    ("sw-acc-north-01", "host-app-01", C),
    ("sw-acc-north-01", "host-app-02", C),
    ("sw-acc-north-01", "host-cache-01", C),
    ("sw-acc-north-02", "host-db-01", C),
    ("sw-acc-north-02", "host-mq-01", C),
    ("sw-acc-south-01", "host-web-02", C),
    ("sw-acc-south-01", "host-app-03", C),
    ("sw-acc-south-01", "host-db-02", C),
    ("sw-acc-south-01", "host-mq-02", C),
    // Platform on hosts.
    ("nginx-edge-01", "host-web-01", R),
    ("nginx-edge-02", "host-web-02", R),
    ("nginx-edge-01", "fw-north-01", D),
    ("nginx-edge-02", "fw-south-01", D),
    ("redis-session-01", "host-cache-01", R),
    ("kafka-01", "host-mq-01", R),
    ("zk-01", "host-mq-01", R),
    ("kafka-02", "host-mq-02", R),
    ("zk-02", "host-mq-02", R),
    ("kafka-01", "zk-01", D),
    ("kafka-02", "zk-02", D),
    ("mysql-orders-01", "host-db-01", R),
    ("mysql-accounts-01", "host-db-02", R),
    // Services.
    ("svc-gateway", "host-app-01", R),
    ("svc-gateway", "nginx-edge-01", D),
    ("svc-gateway", "nginx-edge-02", D),
    ("svc-payment", "host-app-01", R),
    ("svc-payment", "mysql-orders-01", D),
    ("svc-payment", "redis-session-01", D),
    ("svc-payment", "kafka-01", D),
    ("svc-account", "host-app-02", R),
    ("svc-account", "mysql-accounts-01", D),
    ("svc-account", "redis-session-01", D),
    ("svc-order", "host-app-02", R),
    ("svc-order", "mysql-orders-01", D),
    ("svc-order", "kafka-01", D),
    ("svc-catalog", "host-app-03", R),
    ("svc-catalog", "redis-session-01", D),
    ("svc-catalog", "mysql-orders-01", D),
    ("svc-risk", "host-app-03", R),
    ("svc-risk", "mysql-accounts-01", D),
    ("svc-risk", "kafka-02", D),
    ("svc-notify", "host-app-03", R),
    ("svc-notify", "kafka-02", D),
    // Business systems.
    ("sys-mobile-banking", "svc-gateway", D),
    ("sys-mobile-banking", "svc-account", D),
    ("sys-mobile-banking", "svc-payment", D),
    ("sys-mobile-banking", "svc-risk", D),
    ("sys-online-payment", "svc-gateway", D),
    ("sys-online-payment", "svc-payment", D),
    ("sys-online-payment", "svc-risk", D),
    ("sys-emall", "svc-gateway", D),
    ("sys-emall", "svc-order", D),
    ("sys-emall", "svc-catalog", D),
    ("sys-emall", "svc-payment", D),
    ("sys-message-center", "svc-notify", D),
];

/// The simulated network's topology: a few dozen nodes on the three layers.
pub fn demo_topology() -> Topology {
    let nodes = NODES
        .iter()
        .map(|s| Node::new(s.id, s.name, s.product.kind()))
        .collect();
    let placed = NODES.iter().filter_map(|s| {
        s.site
            .map(|site| Relation::new(s.id, site, RelationKind::LocatedIn))
    });
    let relations = RELATIONS
        .iter()
        .map(|(from, to, kind)| Relation::new(*from, *to, *kind))
        .chain(placed)
        .collect();
    Topology { nodes, relations }
}

/// The network as the simulator sees it: who is hit when a node fails.
pub(crate) struct Network {
    /// For each node (index into [`NODES`]), the nodes a fault there spreads to.
    pub victims: Vec<Vec<usize>>,
    /// For each node, the nearest business system that needs it.
    pub system: Vec<Option<usize>>,
}

impl Network {
    pub fn new() -> Self {
        let index = |id: &str| {
            NODES
                .iter()
                .position(|s| s.id == id)
                .unwrap_or_else(|| panic!("demo relation names unknown node {id}"))
        };
        let mut victims = vec![Vec::new(); NODES.len()];
        for (from, to, kind) in RELATIONS {
            let (from, to) = (index(from), index(to));
            match kind {
                RelationKind::ConnectsTo => {
                    let (a, b) = (NODES[from].product.tier(), NODES[to].product.tier());
                    if a < b {
                        victims[from].push(to);
                    } else if b < a {
                        victims[to].push(from);
                    }
                }
                _ => victims[to].push(from),
            }
        }
        let system = (0..NODES.len())
            .map(|i| nearest_system(i, &victims))
            .collect();
        Self { victims, system }
    }
}

fn nearest_system(start: usize, victims: &[Vec<usize>]) -> Option<usize> {
    let mut seen = vec![false; victims.len()];
    let mut queue = std::collections::VecDeque::from([start]);
    seen[start] = true;
    while let Some(i) = queue.pop_front() {
        if NODES[i].product == Product::Business {
            return Some(i);
        }
        for &v in &victims[i] {
            if !std::mem::replace(&mut seen[v], true) {
                queue.push_back(v);
            }
        }
    }
    None
}

/// Layer word for alarm labels, as Prometheus rules in the field write it.
pub(crate) fn layer_label(product: Product) -> &'static str {
    match product.kind().layer() {
        Layer::Saas => "saas",
        Layer::Paas => "paas",
        Layer::Iaas => "iaas",
    }
}
