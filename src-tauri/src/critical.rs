//! Which incidents are open and critical: what the tray counts. Pure bookkeeping on
//! the hub's snapshot and batches. (Notifications are decided by the console page,
//! where the operator's threshold and mute live: see `notice`.)

use std::collections::BTreeSet;

use noc_model::{Changes, Incident, IncidentId, Severity, Snapshot};

fn is_open_critical(incident: &Incident) -> bool {
    incident.severity == Severity::Critical && !incident.status.is_closed()
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CriticalWatch {
    open: BTreeSet<IncidentId>,
}

impl CriticalWatch {
    /// The incidents that are already open at launch.
    pub fn from_snapshot(snapshot: &Snapshot) -> Self {
        let mut watch = Self::default();
        watch.resync(snapshot);
        watch
    }

    pub fn count(&self) -> usize {
        self.open.len()
    }

    /// Applies one batch's new incident versions (opened, escalated to critical,
    /// downgraded, closed) and removals.
    pub fn apply(&mut self, changes: &Changes) {
        for incident in &changes.incidents {
            if is_open_critical(incident) {
                self.open.insert(incident.id);
            } else {
                self.open.remove(&incident.id);
            }
        }
        for id in &changes.removed_incidents {
            self.open.remove(id);
        }
    }

    /// Replaces the bookkeeping with a fresh snapshot (after the feed lagged behind).
    pub fn resync(&mut self, snapshot: &Snapshot) {
        self.open = snapshot
            .incidents
            .iter()
            .filter(|i| is_open_critical(i))
            .map(|i| i.id)
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use noc_model::IncidentStatus;

    use super::*;

    fn incident(id: IncidentId, severity: Severity, status: IncidentStatus) -> Incident {
        Incident {
            id,
            title: format!("incident {id}"),
            severity,
            status,
            root_node: None,
            root_alarm: None,
            system: None,
            layer: None,
            alarms: Vec::new(),
            nodes: Vec::new(),
            active_alarms: 1,
            reason: String::new(),
            opened_at: 0,
            acknowledged: None,
            resolved_at: None,
            updated_at: 0,
            comments: 0,
            started_at: 0,
            identified: None,
            mitigated: None,
            resolved_by: None,
            reviewed: None,
            last_update_at: 0,
            update_overdue: false,
            escalation_level: 0,
            merged_into: None,
        }
    }

    fn changes(incidents: Vec<Incident>) -> Changes {
        Changes {
            incidents,
            ..Changes::default()
        }
    }

    fn snapshot(incidents: Vec<Incident>) -> Snapshot {
        Snapshot {
            incidents,
            ..Snapshot::default()
        }
    }

    #[test]
    fn counts_open_critical_incidents_of_the_snapshot_only() {
        let watch = CriticalWatch::from_snapshot(&snapshot(vec![
            incident(1, Severity::Critical, IncidentStatus::Open),
            incident(2, Severity::Critical, IncidentStatus::Acknowledged),
            incident(3, Severity::Major, IncidentStatus::Open),
            incident(4, Severity::Critical, IncidentStatus::Resolved),
            incident(5, Severity::Critical, IncidentStatus::Reviewed),
        ]));
        assert_eq!(watch.count(), 2);
    }

    #[test]
    fn counts_a_new_critical_incident_once() {
        let mut watch = CriticalWatch::default();
        let opened = changes(vec![incident(7, Severity::Critical, IncidentStatus::Open)]);
        watch.apply(&opened);
        watch.apply(&opened);
        assert_eq!(watch.count(), 1);

        let acknowledged = changes(vec![incident(
            7,
            Severity::Critical,
            IncidentStatus::Acknowledged,
        )]);
        watch.apply(&acknowledged);
        assert_eq!(watch.count(), 1);
    }

    #[test]
    fn counts_an_open_incident_that_escalates_to_critical() {
        let mut watch = CriticalWatch::default();
        watch.apply(&changes(vec![incident(
            3,
            Severity::Major,
            IncidentStatus::Open,
        )]));
        assert_eq!(watch.count(), 0);
        watch.apply(&changes(vec![incident(
            3,
            Severity::Critical,
            IncidentStatus::Open,
        )]));
        assert_eq!(watch.count(), 1);
    }

    #[test]
    fn stops_counting_resolved_downgraded_and_removed_incidents() {
        let mut watch = CriticalWatch::from_snapshot(&snapshot(vec![
            incident(1, Severity::Critical, IncidentStatus::Open),
            incident(2, Severity::Critical, IncidentStatus::Open),
            incident(3, Severity::Critical, IncidentStatus::Open),
        ]));
        assert_eq!(watch.count(), 3);
        watch.apply(&changes(vec![
            incident(1, Severity::Critical, IncidentStatus::Resolved),
            incident(2, Severity::Minor, IncidentStatus::Open),
        ]));
        assert_eq!(watch.count(), 1);
        watch.apply(&Changes {
            removed_incidents: vec![3],
            ..Changes::default()
        });
        assert_eq!(watch.count(), 0);
    }

    #[test]
    fn resync_replaces_the_count() {
        let mut watch = CriticalWatch::from_snapshot(&snapshot(vec![
            incident(1, Severity::Critical, IncidentStatus::Open),
            incident(2, Severity::Critical, IncidentStatus::Open),
        ]));
        let later = snapshot(vec![
            incident(1, Severity::Critical, IncidentStatus::Resolved),
            incident(9, Severity::Critical, IncidentStatus::Open),
        ]);
        watch.resync(&later);
        assert_eq!(watch.count(), 1);
    }
}
