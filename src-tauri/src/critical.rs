//! Which incidents are open and critical: what the tray counts and what deserves a
//! native notification. Pure bookkeeping on the hub's snapshot and batches.

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
    /// The incidents that are already open at launch; they are counted but not
    /// announced, since the operator sees them on the board right away.
    pub fn from_snapshot(snapshot: &Snapshot) -> Self {
        let mut watch = Self::default();
        watch.resync(snapshot);
        watch
    }

    pub fn count(&self) -> usize {
        self.open.len()
    }

    /// Applies one batch's new incident versions; returns the incidents that have just
    /// become open critical ones (newly opened, or escalated to critical).
    pub fn apply<'a>(&mut self, changes: &'a Changes) -> Vec<&'a Incident> {
        let mut arrived = Vec::new();
        for incident in &changes.incidents {
            if is_open_critical(incident) {
                if self.open.insert(incident.id) {
                    arrived.push(incident);
                }
            } else {
                self.open.remove(&incident.id);
            }
        }
        for id in &changes.removed_incidents {
            self.open.remove(id);
        }
        arrived
    }

    /// Replaces the bookkeeping with a fresh snapshot (after the feed lagged behind);
    /// returns the open critical incidents that were not known before.
    pub fn resync<'a>(&mut self, snapshot: &'a Snapshot) -> Vec<&'a Incident> {
        let previous = std::mem::take(&mut self.open);
        let mut arrived = Vec::new();
        for incident in snapshot.incidents.iter().filter(|i| is_open_critical(i)) {
            self.open.insert(incident.id);
            if !previous.contains(&incident.id) {
                arrived.push(incident);
            }
        }
        arrived
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
    fn announces_a_new_critical_incident_once() {
        let mut watch = CriticalWatch::default();
        let opened = changes(vec![incident(7, Severity::Critical, IncidentStatus::Open)]);
        let arrived: Vec<IncidentId> = watch.apply(&opened).iter().map(|i| i.id).collect();
        assert_eq!(arrived, vec![7]);
        assert_eq!(watch.count(), 1);

        let acknowledged = changes(vec![incident(
            7,
            Severity::Critical,
            IncidentStatus::Acknowledged,
        )]);
        assert!(watch.apply(&acknowledged).is_empty());
        assert_eq!(watch.count(), 1);
    }

    #[test]
    fn announces_an_open_incident_that_escalates_to_critical() {
        let mut watch = CriticalWatch::default();
        assert!(watch
            .apply(&changes(vec![incident(
                3,
                Severity::Major,
                IncidentStatus::Open
            )]))
            .is_empty());
        assert_eq!(watch.count(), 0);
        let escalated = changes(vec![incident(3, Severity::Critical, IncidentStatus::Open)]);
        assert_eq!(watch.apply(&escalated).len(), 1);
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
    fn resync_announces_only_what_was_missed() {
        let mut watch = CriticalWatch::from_snapshot(&snapshot(vec![incident(
            1,
            Severity::Critical,
            IncidentStatus::Open,
        )]));
        let later = snapshot(vec![
            incident(1, Severity::Critical, IncidentStatus::Open),
            incident(9, Severity::Critical, IncidentStatus::Open),
        ]);
        let arrived: Vec<IncidentId> = watch.resync(&later).iter().map(|i| i.id).collect();
        assert_eq!(arrived, vec![9]);
        assert_eq!(watch.count(), 2);
    }
}
