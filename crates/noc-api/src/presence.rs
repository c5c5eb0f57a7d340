//! Who is following the hub right now, and where: one entry per stream connection,
//! told to every screen merged per operator (two windows of one person are one
//! person). Presence is not part of the event log: it is how the room looks, not
//! what happened, and it is gone when the hub restarts.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use noc_model::{Clock, IncidentId, Millis, Role};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// Bursts of changes (a reconnect storm, an operator clicking through incidents) reach
/// the screens at most this often.
pub const PRESENCE_COALESCE: Duration = Duration::from_millis(200);
/// The longest screen name kept; longer ones are cut.
pub const MAX_SCREEN_CHARS: usize = 32;
/// What a connection is on before it says anything.
const FIRST_SCREEN: &str = "board";

/// Where one connection is: what its client last said.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Whereabouts {
    pub screen: String,
    #[serde(default)]
    pub incident: Option<IncidentId>,
}

impl Whereabouts {
    /// Cut to a bounded, printable screen name; `None` when nothing usable remains.
    pub fn bounded(self) -> Option<Whereabouts> {
        let screen: String = self
            .screen
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_SCREEN_CHARS)
            .collect();
        let screen = screen.trim();
        if screen.is_empty() || self.incident.is_some_and(|id| id < 0) {
            return None;
        }
        Some(Whereabouts {
            screen: screen.to_string(),
            incident: self.incident,
        })
    }
}

/// One operator as the screens show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OperatorPresence {
    pub name: String,
    pub role: Role,
    /// The screen of the operator's most recently active connection.
    pub screen: String,
    #[schema(value_type = Option<i64>)]
    pub incident: Option<IncidentId>,
    /// Since when that connection has been on this screen and incident.
    #[schema(value_type = i64)]
    pub since: Millis,
    /// How many windows the operator has open on the hub.
    pub connections: u32,
    /// A registered wall screen rather than a person.
    pub wall: bool,
}

#[derive(Debug, Clone)]
struct Connection {
    name: String,
    role: Role,
    wall: bool,
    at: Whereabouts,
    since: Millis,
    /// Order of the last change, to tell the most recent among equal clock readings.
    touched: u64,
}

#[derive(Default)]
struct Registry {
    next_id: u64,
    changes: u64,
    connections: BTreeMap<u64, Connection>,
    told_changes: u64,
    flush_scheduled: bool,
}

/// The hub's registry of connected clients.
pub struct Presence {
    registry: Mutex<Registry>,
    clock: Arc<dyn Clock>,
    told: watch::Sender<Arc<[OperatorPresence]>>,
}

impl Presence {
    pub fn new(clock: Arc<dyn Clock>) -> Arc<Presence> {
        let (told, _) = watch::channel(Arc::from(Vec::new()));
        Arc::new(Presence {
            registry: Mutex::default(),
            clock,
            told,
        })
    }

    /// The operators as last told, and every later telling.
    pub fn watch(&self) -> watch::Receiver<Arc<[OperatorPresence]>> {
        self.told.subscribe()
    }

    /// The operators as they are now (not waiting for the next telling).
    pub fn operators(&self) -> Vec<OperatorPresence> {
        merged(&self.lock().connections)
    }

    /// Registers a connection; it leaves when the returned seat is dropped.
    pub fn join(self: &Arc<Self>, name: &str, role: Role, wall: bool) -> Seat {
        let id = {
            let mut registry = self.lock();
            registry.next_id += 1;
            registry.changes += 1;
            let id = registry.next_id;
            let connection = Connection {
                name: name.to_string(),
                role,
                wall,
                at: Whereabouts {
                    screen: if wall { "wall" } else { FIRST_SCREEN }.to_string(),
                    incident: None,
                },
                since: self.clock.now(),
                touched: registry.changes,
            };
            registry.connections.insert(id, connection);
            id
        };
        self.changed();
        Seat {
            presence: Arc::downgrade(self),
            id,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn moved(self: &Arc<Self>, id: u64, at: Whereabouts) {
        {
            let mut registry = self.lock();
            let touched = registry.changes + 1;
            let Some(connection) = registry.connections.get_mut(&id) else {
                return;
            };
            if connection.at == at {
                return;
            }
            connection.at = at;
            connection.since = self.clock.now();
            connection.touched = touched;
            registry.changes = touched;
        }
        self.changed();
    }

    fn left(self: &Arc<Self>, id: u64) {
        let removed = {
            let mut registry = self.lock();
            let removed = registry.connections.remove(&id).is_some();
            if removed {
                registry.changes += 1;
            }
            removed
        };
        if removed {
            self.changed();
        }
    }

    /// Tells the screens at once when nothing was told for a while, otherwise once the
    /// coalescing interval is over, with whatever the registry holds by then.
    fn changed(self: &Arc<Self>) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return self.tell();
        };
        if std::mem::replace(&mut self.lock().flush_scheduled, true) {
            return;
        }
        self.tell();
        let presence = Arc::downgrade(self);
        runtime.spawn(async move {
            loop {
                tokio::time::sleep(PRESENCE_COALESCE).await;
                let Some(presence) = presence.upgrade() else {
                    return;
                };
                if !presence.tell_pending() {
                    return;
                }
            }
        });
    }

    /// Tells what changed since the last telling; `false` (and the schedule ends) when
    /// nothing did.
    fn tell_pending(&self) -> bool {
        let mut registry = self.lock();
        if registry.changes == registry.told_changes {
            registry.flush_scheduled = false;
            return false;
        }
        self.tell_locked(&mut registry);
        true
    }

    fn tell(&self) {
        let mut registry = self.lock();
        self.tell_locked(&mut registry);
    }

    /// Under the registry's lock, so two tellings never overtake each other.
    fn tell_locked(&self, registry: &mut Registry) {
        registry.told_changes = registry.changes;
        self.told.send_replace(merged(&registry.connections).into());
    }
}

/// A connection's place in the registry, for as long as the connection lives.
pub struct Seat {
    presence: Weak<Presence>,
    id: u64,
}

impl Seat {
    /// The client says where it is now.
    pub fn moved(&self, at: Whereabouts) {
        if let Some(presence) = self.presence.upgrade() {
            presence.moved(self.id, at);
        }
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        if let Some(presence) = self.presence.upgrade() {
            presence.left(self.id);
        }
    }
}

/// One entry per name: the most recently active connection says where the operator
/// is, the highest role among them is theirs, and they are a wall only if every
/// connection is one.
fn merged(connections: &BTreeMap<u64, Connection>) -> Vec<OperatorPresence> {
    let mut by_name: BTreeMap<&str, (OperatorPresence, u64)> = BTreeMap::new();
    for c in connections.values() {
        let seen = OperatorPresence {
            name: c.name.clone(),
            role: c.role,
            screen: c.at.screen.clone(),
            incident: c.at.incident,
            since: c.since,
            connections: 1,
            wall: c.wall,
        };
        match by_name.get_mut(c.name.as_str()) {
            None => {
                by_name.insert(&c.name, (seen, c.touched));
            }
            Some((operator, touched)) => {
                operator.connections += 1;
                operator.role = operator.role.max(c.role);
                operator.wall &= c.wall;
                if c.touched > *touched {
                    *touched = c.touched;
                    operator.screen = seen.screen;
                    operator.incident = seen.incident;
                    operator.since = seen.since;
                }
            }
        }
    }
    by_name
        .into_values()
        .map(|(operator, _)| operator)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use noc_model::ManualClock;

    fn presence() -> (Arc<Presence>, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(1_000));
        (Presence::new(clock.clone()), clock)
    }

    fn at(screen: &str, incident: Option<IncidentId>) -> Whereabouts {
        Whereabouts {
            screen: screen.into(),
            incident,
        }
    }

    #[test]
    fn two_windows_of_one_operator_are_one_entry_where_they_last_moved() {
        let (presence, clock) = presence();
        let first = presence.join("li.wei", Role::Operator, false);
        let second = presence.join("li.wei", Role::Operator, false);
        let other = presence.join("zhang.min", Role::DutyManager, false);
        clock.advance(5_000);
        second.moved(at("board", Some(12)));
        clock.advance(5_000);
        other.moved(at("topology", None));
        let operators = presence.operators();
        assert_eq!(operators.len(), 2);
        assert_eq!(operators[0].name, "li.wei");
        assert_eq!(operators[0].connections, 2);
        assert_eq!(operators[0].incident, Some(12));
        assert_eq!(operators[0].since, 6_000);
        assert_eq!(operators[1].screen, "topology");
        drop(second);
        let operators = presence.operators();
        assert_eq!((operators[0].connections, operators[0].incident), (1, None));
        drop((first, other));
        assert!(presence.operators().is_empty());
    }

    #[test]
    fn the_same_place_again_keeps_its_since() {
        let (presence, clock) = presence();
        let seat = presence.join("li.wei", Role::Operator, false);
        seat.moved(at("duty", None));
        clock.advance(3_000);
        seat.moved(at("duty", None));
        assert_eq!(presence.operators()[0].since, 1_000);
    }

    #[test]
    fn a_wall_screen_starts_on_the_wall() {
        let (presence, _) = presence();
        let _seat = presence.join("lobby", Role::Viewer, true);
        let wall = &presence.operators()[0];
        assert!(wall.wall);
        assert_eq!(wall.screen, "wall");
    }

    #[test]
    fn screens_are_bounded_and_printable() {
        let long = "x".repeat(500);
        assert_eq!(
            at(&long, None).bounded().unwrap().screen.chars().count(),
            MAX_SCREEN_CHARS
        );
        assert_eq!(at(" \u{7}\n", None).bounded(), None);
        assert_eq!(at("board", Some(-1)).bounded(), None);
        assert_eq!(
            at("bo\u{1b}ard", Some(3)).bounded(),
            Some(at("board", Some(3)))
        );
    }

    #[tokio::test]
    async fn bursts_are_told_once_more_after_the_interval_with_the_latest() {
        let (presence, _) = presence();
        let mut told = presence.watch();
        let seat = presence.join("li.wei", Role::Operator, false);
        assert_eq!(told.borrow_and_update().len(), 1);
        for id in 1..=50 {
            seat.moved(at("board", Some(id)));
        }
        // The trailing telling waits for the interval, so nothing is told yet.
        assert!(!told.has_changed().unwrap());
        told.changed().await.unwrap();
        assert_eq!(told.borrow_and_update()[0].incident, Some(50));
        drop(seat);
        told.changed().await.unwrap();
        assert!(told.borrow_and_update().is_empty());
    }
}
