use crate::{Labels, Millis, Severity, SourceHealth, Topology};

/// What a source reports, before the engine turns it into events.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    Alarm(AlarmSignal),
    Health(SourceHealth),
    /// A source's whole view of the topology (`origin` = `source:<name>`); it replaces
    /// what the same origin reported before.
    Topology {
        origin: String,
        topology: Topology,
    },
    /// The latest value of a KPI query; kept in memory, not in the log.
    Kpi(crate::KpiReading),
    /// A source's task is alive and has just polled (successfully or not); silence
    /// beyond a few intervals means the source is stale.
    Alive {
        source: String,
    },
}

/// One observation of an alarm by a source: firing, or resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmSignal {
    pub source: String,
    /// The source's own identity for the alarm; with the source name it forms the fingerprint.
    pub key: String,
    pub node: Option<String>,
    pub severity: Severity,
    pub title: String,
    pub text: String,
    pub labels: Labels,
    pub at: Millis,
    pub firing: bool,
}

impl AlarmSignal {
    pub fn fingerprint(&self) -> String {
        format!("{}/{}", self.source, self.key)
    }
}
