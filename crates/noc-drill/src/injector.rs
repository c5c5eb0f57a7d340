//! The drill's timeline: which fault starts or clears when, and the signals that make
//! it look, to the console, like the real thing.

use noc_model::{
    AlarmSignal, Fault, HealthStatus, InjectedFault, Labels, Millis, Scenario, Severity, Signal,
    SourceHealth,
};

/// One fault starting or clearing, with the signals to feed the drill's engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Injection {
    /// Index of the fault in the scenario's (time-ordered) faults.
    pub index: u32,
    /// The fault starts (`true`) or clears.
    pub started: bool,
    /// One line saying what was injected or cleared.
    pub summary: String,
    pub signals: Vec<Signal>,
}

/// The injection plan of one drill run, driven by the hub's clock.
#[derive(Debug, Clone)]
pub struct Injector {
    scenario: String,
    faults: Vec<InjectedFault>,
    /// Every start and clear, in time order: (at, index, started).
    plan: Vec<(Millis, u32, bool)>,
    next: usize,
}

impl Injector {
    pub fn new(scenario: &Scenario, started_at: Millis) -> Self {
        let offset = |secs: u32| started_at + Millis::from(secs) * 1000;
        let mut plan: Vec<(Millis, u32, bool)> = Vec::new();
        for (index, fault) in scenario.faults.iter().enumerate() {
            let index = index as u32;
            plan.push((offset(fault.at_secs), index, true));
            if let Some(clear) = fault.clear_at_secs {
                plan.push((offset(clear), index, false));
            }
        }
        // At the same moment, in the scenario's order, a fault's start before its clear.
        plan.sort_by_key(|&(at, index, started)| (at, index, !started));
        Self {
            scenario: scenario.name.clone(),
            faults: scenario.faults.clone(),
            plan,
            next: 0,
        }
    }

    /// The starts and clears `now` has reached and that were not returned before.
    /// Each signal carries the fault's own moment, not the tick's, so a replay of the
    /// drill is exact whatever the tick rate.
    pub fn due(&mut self, now: Millis) -> Vec<Injection> {
        let mut out = Vec::new();
        while let Some(&(at, index, started)) = self.plan.get(self.next) {
            if at > now {
                break;
            }
            self.next += 1;
            out.push(self.injection(at, index, started));
        }
        out
    }

    /// Every start and clear of the plan has been returned.
    pub fn finished(&self) -> bool {
        self.next >= self.plan.len()
    }

    /// When the next start or clear is due, if any remains.
    pub fn next_at(&self) -> Option<Millis> {
        self.plan.get(self.next).map(|&(at, _, _)| at)
    }

    fn injection(&self, at: Millis, index: u32, started: bool) -> Injection {
        let fault = &self.faults[index as usize].fault;
        let (summary, signals) = match fault {
            Fault::Alarm {
                node,
                severity,
                title,
                text,
                source,
            } => {
                let source = source.clone().unwrap_or_else(|| "drill".into());
                let signal = AlarmSignal {
                    source: source.clone(),
                    key: format!("drill-{index}"),
                    node: Some(node.clone()),
                    severity: *severity,
                    title: title.clone(),
                    text: text.clone(),
                    labels: self.labels(),
                    at,
                    firing: started,
                };
                let verb = if started { "raised" } else { "cleared" };
                (
                    format!(
                        "{} alarm \"{title}\" {verb} on {node} (from {source})",
                        severity_word(*severity)
                    ),
                    vec![Signal::Alarm(signal)],
                )
            }
            Fault::ProbeFailure {
                probe,
                node,
                detail,
            } => {
                let mut labels = self.labels();
                labels.insert("probe".into(), probe.clone());
                let alarm = AlarmSignal {
                    source: probe.clone(),
                    key: "probe-down".into(),
                    node: node.clone(),
                    severity: Severity::Major,
                    title: format!("Probe {probe} failing"),
                    text: detail.clone(),
                    labels,
                    at,
                    firing: started,
                };
                let health = health(probe, "probe", started, detail, at);
                let summary = if started {
                    format!("probe {probe} started failing")
                } else {
                    format!("probe {probe} succeeds again")
                };
                (summary, vec![Signal::Health(health), Signal::Alarm(alarm)])
            }
            Fault::SourceOutage { source, detail } => {
                let kind = if source.contains("prometheus") {
                    "prometheus"
                } else {
                    "drill"
                };
                let summary = if started {
                    format!("source {source} became unreachable")
                } else {
                    format!("source {source} answers again")
                };
                (
                    summary,
                    vec![Signal::Health(health(source, kind, started, detail, at))],
                )
            }
        };
        Injection {
            index,
            started,
            summary,
            signals,
        }
    }

    fn labels(&self) -> Labels {
        let mut labels = Labels::new();
        labels.insert("drill".into(), self.scenario.clone());
        labels
    }
}

/// A source's health while the fault lasts (unreachable) and after it clears.
fn health(source: &str, kind: &str, failing: bool, detail: &str, at: Millis) -> SourceHealth {
    SourceHealth {
        source: source.to_string(),
        kind: kind.to_string(),
        status: if failing {
            HealthStatus::Unreachable
        } else {
            HealthStatus::Ok
        },
        detail: if failing {
            detail.to_string()
        } else {
            String::new()
        },
        since: at,
        last_ok: (!failing).then_some(at),
        demo: false,
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "critical",
        Severity::Major => "major",
        Severity::Minor => "minor",
        Severity::Warning => "warning",
        Severity::Unknown => "unknown-severity",
        Severity::Info => "info",
    }
}
