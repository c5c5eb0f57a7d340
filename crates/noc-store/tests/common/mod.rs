//! A deterministic duty shift: sources report alarms on a small estate, the engine
//! groups them into incidents, operators acknowledge, comment and resolve.

#![allow(dead_code)]

use noc_model::{
    Alarm, AlarmId, AlarmStatus, Event, EventBody, HealthStatus, IncidentId, Labels, Layer, Millis,
    NewEvent, Node, NodeKind, Relation, RelationKind, Severity, SourceHealth, State, Topology,
};

pub const START: Millis = 1_767_225_600_000; // 2026-01-01T00:00:00Z

const NODES: [(&str, NodeKind); 8] = [
    ("pay-gateway", NodeKind::BusinessSystem),
    ("app-payment-02", NodeKind::Service),
    ("nginx-edge-01", NodeKind::Middleware),
    ("redis-cluster-a", NodeKind::Middleware),
    ("mysql-orders-03", NodeKind::Database),
    ("host-bj-101", NodeKind::Host),
    ("core-sw-01", NodeKind::NetworkDevice),
    ("idc-beijing-1", NodeKind::Site),
];

const SOURCES: [(&str, &str); 3] = [
    ("alertmanager-prod", "alertmanager"),
    ("zabbix-dc1", "zabbix"),
    ("probe-http", "http_probe"),
];

const CHECKS: [(&str, &str); 6] = [
    ("HostDown", "host is not answering ICMP"),
    ("HighLatency", "p99 latency above 800 ms for 5m"),
    ("DiskFull", "filesystem / is 97% full"),
    ("ReplicationLag", "replica is 120 s behind the primary"),
    ("LinkDown", "interface Te1/0/24 changed state to down"),
    ("HttpCheckFailed", "GET /health answered 503"),
];

const OPERATORS: [&str; 3] = ["li.na", "wang.fang", "zhang.wei"];

struct LiveAlarm {
    id: AlarmId,
    incident: Option<IncidentId>,
    count: u32,
    active: bool,
}

/// Produces realistic, valid event sequences; the same seed gives the same events.
pub struct Shift {
    rng: u64,
    at: Millis,
    last_alarm: AlarmId,
    last_incident: IncidentId,
    alarms: Vec<LiveAlarm>,
    open_incidents: Vec<IncidentId>,
}

impl Shift {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: seed.max(1),
            at: START,
            last_alarm: 0,
            last_incident: 0,
            alarms: Vec::new(),
            open_incidents: Vec::new(),
        }
    }

    /// The estate and the sources, as a hub records them when it starts.
    pub fn opening(&mut self) -> Vec<NewEvent> {
        let mut events = vec![NewEvent::new(
            self.at,
            "engine",
            EventBody::TopologyLoaded {
                origin: "source:test".into(),
                topology: topology(),
            },
        )];
        for (source, kind) in SOURCES {
            events.push(self.health(source, kind, HealthStatus::Ok));
        }
        events
    }

    pub fn batch(&mut self, len: usize) -> Vec<NewEvent> {
        let mut events = Vec::with_capacity(len + 3);
        while events.len() < len {
            self.step(&mut events);
        }
        events.truncate(len);
        events
    }

    fn step(&mut self, out: &mut Vec<NewEvent>) {
        self.at += 500 + self.pick(4_000) as Millis;
        match self.pick(100) {
            0..=34 => out.push(self.raise()),
            35..=54 => out.extend(self.update()),
            55..=69 => out.extend(self.clear()),
            70..=79 => out.extend(self.open_incident()),
            80..=85 => out.extend(self.acknowledge()),
            86..=91 => out.extend(self.comment()),
            92..=97 => out.extend(self.resolve()),
            _ => {
                let (source, kind) = SOURCES[self.pick(SOURCES.len())];
                let status =
                    [HealthStatus::Ok, HealthStatus::Slow, HealthStatus::Stale][self.pick(3)];
                out.push(self.health(source, kind, status));
            }
        }
    }

    fn raise(&mut self) -> NewEvent {
        self.last_alarm += 1;
        let (node, _) = NODES[self.pick(NODES.len())];
        let (check, text) = CHECKS[self.pick(CHECKS.len())];
        let (source, _) = SOURCES[self.pick(SOURCES.len())];
        let severity = Severity::ALL[self.pick(Severity::ALL.len())];
        let mut labels = Labels::new();
        labels.insert("alertname".into(), check.into());
        labels.insert("instance".into(), format!("{node}:9100"));
        labels.insert("dc".into(), "bj1".into());
        let alarm = Alarm {
            id: self.last_alarm,
            fingerprint: format!("{source}/{check}/{node}/{}", self.last_alarm),
            source: source.into(),
            node: Some(node.into()),
            severity,
            title: format!("{check} on {node}"),
            text: text.into(),
            labels,
            status: AlarmStatus::Active,
            first_seen: self.at,
            last_seen: self.at,
            cleared_at: None,
            count: 1,
            incident: None,
            reason: None,
            flapping: false,
            suppressed_by: None,
            unseen: true,
        };
        self.alarms.push(LiveAlarm {
            id: alarm.id,
            incident: None,
            count: 1,
            active: true,
        });
        NewEvent::new(
            self.at,
            format!("source:{source}"),
            EventBody::AlarmRaised { alarm },
        )
    }

    fn update(&mut self) -> Option<NewEvent> {
        let i = self.pick_alarm(|_| true)?;
        let severity = Severity::ALL[self.pick(Severity::ALL.len())];
        let alarm = &mut self.alarms[i];
        alarm.count += 1;
        alarm.active = true;
        Some(NewEvent::new(
            self.at,
            "source:alertmanager-prod",
            EventBody::AlarmUpdated {
                alarm: alarm.id,
                severity,
                title: format!("alarm {} repeated", alarm.id),
                text: format!("seen {} times", alarm.count),
                count: alarm.count,
                labels: None,
            },
        ))
    }

    fn clear(&mut self) -> Option<NewEvent> {
        let i = self.pick_alarm(|a| a.active)?;
        self.alarms[i].active = false;
        Some(NewEvent::new(
            self.at,
            "source:zabbix-dc1",
            EventBody::AlarmCleared {
                alarm: self.alarms[i].id,
            },
        ))
    }

    fn open_incident(&mut self) -> Vec<NewEvent> {
        let Some(root) = self.pick_alarm(|a| a.active && a.incident.is_none()) else {
            return Vec::new();
        };
        self.last_incident += 1;
        let incident = self.last_incident;
        self.open_incidents.push(incident);
        let mut events = vec![NewEvent::new(
            self.at,
            "engine",
            EventBody::IncidentOpened {
                incident,
                title: format!("Payment degradation #{incident}"),
                severity: Severity::Major,
                root_node: None,
                system: Some("pay-gateway".into()),
                layer: Some(Layer::Paas),
                reason: "alarms on dependent nodes within 5 minutes".into(),
            },
        )];
        events.push(self.group(incident, root, true));
        if let Some(symptom) = self.pick_alarm(|a| a.incident.is_none()) {
            events.push(self.group(incident, symptom, false));
        }
        events
    }

    fn group(&mut self, incident: IncidentId, index: usize, root: bool) -> NewEvent {
        self.alarms[index].incident = Some(incident);
        NewEvent::new(
            self.at,
            "engine",
            EventBody::AlarmGrouped {
                incident,
                alarm: self.alarms[index].id,
                root,
                reason: if root {
                    "lowest layer of the affected path".into()
                } else {
                    "depends on the root node".into()
                },
            },
        )
    }

    fn acknowledge(&mut self) -> Option<NewEvent> {
        let incident = self.pick_incident()?;
        let operator = OPERATORS[self.pick(OPERATORS.len())];
        Some(NewEvent::new(
            self.at,
            operator,
            EventBody::IncidentAcknowledged { incident },
        ))
    }

    fn comment(&mut self) -> Option<NewEvent> {
        let incident = self.pick_incident()?;
        let operator = OPERATORS[self.pick(OPERATORS.len())];
        Some(NewEvent::new(
            self.at,
            operator,
            EventBody::IncidentCommented {
                incident,
                text: "已定界到数据库层，正在切换主备".into(),
            },
        ))
    }

    fn resolve(&mut self) -> Option<NewEvent> {
        let incident = self.pick_incident()?;
        self.open_incidents.retain(|i| *i != incident);
        // Resolving takes the incident's alarms out of the live state.
        self.alarms.retain(|a| a.incident != Some(incident));
        Some(NewEvent::new(
            self.at,
            OPERATORS[0],
            EventBody::IncidentResolved { incident },
        ))
    }

    fn health(&mut self, source: &str, kind: &str, status: HealthStatus) -> NewEvent {
        NewEvent::new(
            self.at,
            format!("source:{source}"),
            EventBody::SourceHealthChanged {
                health: SourceHealth {
                    source: source.into(),
                    kind: kind.into(),
                    status,
                    detail: if status == HealthStatus::Ok {
                        String::new()
                    } else {
                        "scrape took 12 s".into()
                    },
                    since: self.at,
                    last_ok: Some(self.at - 30_000),
                    demo: false,
                },
            },
        )
    }

    fn pick_alarm(&mut self, wanted: impl Fn(&LiveAlarm) -> bool) -> Option<usize> {
        let candidates: Vec<usize> = (0..self.alarms.len())
            .filter(|&i| wanted(&self.alarms[i]))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let i = self.pick(candidates.len());
        Some(candidates[i])
    }

    fn pick_incident(&mut self) -> Option<IncidentId> {
        if self.open_incidents.is_empty() {
            return None;
        }
        let i = self.pick(self.open_incidents.len());
        Some(self.open_incidents[i])
    }

    /// xorshift64: enough randomness for a test shift, and reproducible.
    fn pick(&mut self, below: usize) -> usize {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng % below as u64) as usize
    }
}

fn topology() -> Topology {
    let nodes = NODES
        .iter()
        .map(|(id, kind)| Node::new(*id, id.replace('-', " "), *kind))
        .collect();
    let relation = |from: &str, to: &str, kind| Relation::new(from, to, kind);
    Topology {
        nodes,
        relations: vec![
            relation("pay-gateway", "app-payment-02", RelationKind::DependsOn),
            relation("app-payment-02", "nginx-edge-01", RelationKind::DependsOn),
            relation("app-payment-02", "redis-cluster-a", RelationKind::DependsOn),
            relation("app-payment-02", "mysql-orders-03", RelationKind::DependsOn),
            relation("mysql-orders-03", "host-bj-101", RelationKind::RunsOn),
            relation("host-bj-101", "core-sw-01", RelationKind::ConnectsTo),
            relation("core-sw-01", "idc-beijing-1", RelationKind::LocatedIn),
        ],
    }
}

/// The reference fold: what the live state must be after exactly these events.
pub fn fold_by_hand(events: &[Event]) -> State {
    let mut state = State::default();
    for event in events {
        state.apply(event);
    }
    state
}

/// Every event of the store's log, read in pages as a client would.
pub async fn whole_log(store: &noc_store::Store) -> Vec<Event> {
    let mut log = Vec::new();
    loop {
        let after = log.last().map_or(0, |e: &Event| e.seq);
        let page = store
            .events_after(after, 5_000)
            .await
            .expect("read the log");
        if page.is_empty() {
            return log;
        }
        log.extend(page);
    }
}
