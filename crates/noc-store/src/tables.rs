//! The SQL of the store: every statement that touches the tables lives here.

use std::collections::BTreeMap;

use noc_model::{
    Alarm, AlarmId, Changes, Event, Incident, IncidentId, Millis, Seq, SourceHealth, State,
};
use serde::Serialize;
use sqlx::sqlite::{Sqlite, SqliteConnection, SqliteRow};
use sqlx::{QueryBuilder, Row};

use crate::StoreError;

/// SQLite's default upper bound on `?` parameters in one statement.
const MAX_BINDS: usize = 32_766;

const EVENT_COLUMNS: &str = "seq, at, kind, actor, subject, body";

/// The last version, within one batch, of every entity the batch touched. Entities
/// that left the live state are kept: their rows must still get their final version.
#[derive(Debug, Default)]
pub(crate) struct DirtyRows {
    alarms: BTreeMap<AlarmId, Alarm>,
    incidents: BTreeMap<IncidentId, Incident>,
    sources: BTreeMap<String, SourceHealth>,
}

impl DirtyRows {
    pub(crate) fn record(&mut self, changes: &Changes) {
        for alarm in &changes.alarms {
            self.alarms.insert(alarm.id, alarm.clone());
        }
        for incident in &changes.incidents {
            self.incidents.insert(incident.id, incident.clone());
        }
        for source in &changes.sources {
            self.sources.insert(source.source.clone(), source.clone());
        }
    }
}

/// The rows of the projection tables as `(key, JSON body)` pairs, in key order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectionRows {
    pub alarms: Vec<(AlarmId, String)>,
    pub incidents: Vec<(IncidentId, String)>,
    pub sources: Vec<(String, String)>,
}

/// Folds `events` into `state`, returning what they changed, merged, and the rows to write.
/// The batch is folded at once: one copy of each touched alarm and incident, not one
/// per event (a storm touches an incident once for every alarm it gains or repeats).
pub(crate) fn fold(state: &mut State, events: &[Event]) -> (Changes, DirtyRows) {
    let folded = state.apply_batch(events);
    let mut dirty = DirtyRows::default();
    dirty.record(&folded.changes);
    for alarm in folded.removed_alarms {
        dirty.alarms.insert(alarm.id, alarm);
    }
    for incident in folded.removed_incidents {
        dirty.incidents.insert(incident.id, incident);
    }
    (folded.changes, dirty)
}

pub(crate) async fn insert_events(
    conn: &mut SqliteConnection,
    events: &[Event],
) -> Result<(), StoreError> {
    let bodies = events
        .iter()
        .map(|e| serde_json::to_string(&e.body))
        .collect::<Result<Vec<_>, _>>()?;
    let rows: Vec<(&Event, &String)> = events.iter().zip(&bodies).collect();
    for chunk in rows.chunks(MAX_BINDS / 6) {
        let mut sql = QueryBuilder::<Sqlite>::new(format!("INSERT INTO events ({EVENT_COLUMNS}) "));
        sql.push_values(chunk, |mut row, (event, body)| {
            row.push_bind(event.seq)
                .push_bind(event.at)
                .push_bind(event.body.kind())
                .push_bind(event.actor.as_str())
                .push_bind(event.subject.as_str())
                .push_bind(body.as_str());
        });
        sql.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The dirty rows with their JSON, ready to bind.
pub(crate) struct EncodedRows<'a> {
    alarms: Vec<(&'a Alarm, String, String)>,
    incidents: Vec<(&'a Incident, String, String)>,
    sources: Vec<(&'a SourceHealth, String)>,
}

impl DirtyRows {
    pub(crate) fn encode(&self) -> Result<EncodedRows<'_>, StoreError> {
        Ok(EncodedRows {
            alarms: self
                .alarms
                .values()
                .map(|a| Ok((a, unit_name(&a.status), serde_json::to_string(a)?)))
                .collect::<Result<_, StoreError>>()?,
            incidents: self
                .incidents
                .values()
                .map(|i| Ok((i, unit_name(&i.status), serde_json::to_string(i)?)))
                .collect::<Result<_, StoreError>>()?,
            sources: self
                .sources
                .values()
                .map(|s| Ok((s, serde_json::to_string(s)?)))
                .collect::<Result<_, StoreError>>()?,
        })
    }
}

pub(crate) async fn write_projections(
    conn: &mut SqliteConnection,
    rows: &EncodedRows<'_>,
) -> Result<(), StoreError> {
    upsert_alarms(conn, &rows.alarms).await?;
    upsert_incidents(conn, &rows.incidents).await?;
    upsert_sources(conn, &rows.sources).await
}

async fn upsert_alarms(
    conn: &mut SqliteConnection,
    rows: &[(&Alarm, String, String)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(MAX_BINDS / 7) {
        let mut sql = QueryBuilder::<Sqlite>::new(
            "INSERT INTO alarms (id, status, severity, incident, node, last_seen, body) ",
        );
        sql.push_values(chunk, |mut row, (alarm, status, body)| {
            row.push_bind(alarm.id)
                .push_bind(status.as_str())
                .push_bind(alarm.severity.as_str())
                .push_bind(alarm.incident)
                .push_bind(alarm.node.as_deref())
                .push_bind(alarm.last_seen)
                .push_bind(body.as_str());
        });
        sql.push(
            " ON CONFLICT (id) DO UPDATE SET status = excluded.status, \
             severity = excluded.severity, incident = excluded.incident, node = excluded.node, \
             last_seen = excluded.last_seen, body = excluded.body",
        );
        sql.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn upsert_incidents(
    conn: &mut SqliteConnection,
    rows: &[(&Incident, String, String)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(MAX_BINDS / 6) {
        let mut sql = QueryBuilder::<Sqlite>::new(
            "INSERT INTO incidents (id, status, severity, opened_at, updated_at, body) ",
        );
        sql.push_values(chunk, |mut row, (incident, status, body)| {
            row.push_bind(incident.id)
                .push_bind(status.as_str())
                .push_bind(incident.severity.as_str())
                .push_bind(incident.opened_at)
                .push_bind(incident.updated_at)
                .push_bind(body.as_str());
        });
        sql.push(
            " ON CONFLICT (id) DO UPDATE SET status = excluded.status, \
             severity = excluded.severity, opened_at = excluded.opened_at, \
             updated_at = excluded.updated_at, body = excluded.body",
        );
        sql.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn upsert_sources(
    conn: &mut SqliteConnection,
    rows: &[(&SourceHealth, String)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(MAX_BINDS / 2) {
        let mut sql = QueryBuilder::<Sqlite>::new("INSERT INTO sources (source, body) ");
        sql.push_values(chunk, |mut row, (source, body)| {
            row.push_bind(source.source.as_str())
                .push_bind(body.as_str());
        });
        sql.push(" ON CONFLICT (source) DO UPDATE SET body = excluded.body");
        sql.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The serde name of a unit enum variant (`"active"`, `"acknowledged"`), as the
/// API spells it, for the plain columns next to the JSON body.
fn unit_name(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

pub(crate) async fn write_snapshot(
    conn: &mut SqliteConnection,
    state: &State,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(state)?;
    sqlx::query("INSERT OR REPLACE INTO snapshots (seq, state) VALUES (?, ?)")
        .bind(state.seq)
        .bind(json)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn clear_projections(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    for table in ["alarms", "incidents", "sources", "snapshots"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The events with `after < seq <= upto`, oldest first, at most `limit` of them.
pub(crate) async fn events_between(
    conn: &mut SqliteConnection,
    after: Seq,
    upto: Seq,
    limit: u32,
) -> Result<Vec<Event>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?"
    ))
    .bind(after)
    .bind(upto)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(event_from_row).collect()
}

/// A subject's events, oldest first, at most `limit` of them.
pub(crate) async fn events_of_subject(
    conn: &mut SqliteConnection,
    subject: &str,
    limit: u32,
) -> Result<Vec<Event>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE subject = ? ORDER BY seq LIMIT ?"
    ))
    .bind(subject)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(event_from_row).collect()
}

pub(crate) fn event_from_row(row: &SqliteRow) -> Result<Event, StoreError> {
    let body: &str = row.try_get("body")?;
    Ok(Event {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        subject: row.try_get("subject")?,
        body: serde_json::from_str(body)?,
    })
}

/// The latest snapshot taken at or before `seq`, if any.
pub(crate) async fn snapshot_at_or_before(
    conn: &mut SqliteConnection,
    seq: Seq,
) -> Result<Option<State>, StoreError> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT state FROM snapshots WHERE seq <= ? ORDER BY seq DESC LIMIT 1")
            .bind(seq)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// The last seq recorded at or before `at`. Times need not rise with seqs (a clock set
/// back), so this is the last such event, not a search for a boundary.
pub(crate) async fn last_seq_at(
    conn: &mut SqliteConnection,
    at: Millis,
) -> Result<Seq, StoreError> {
    let seq: Option<Seq> =
        sqlx::query_scalar("SELECT seq FROM events WHERE at <= ? ORDER BY seq DESC LIMIT 1")
            .bind(at)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(seq.unwrap_or(0))
}

pub(crate) async fn last_event_seq(conn: &mut SqliteConnection) -> Result<Seq, StoreError> {
    let last: Option<Seq> = sqlx::query_scalar("SELECT MAX(seq) FROM events")
        .fetch_one(&mut *conn)
        .await?;
    Ok(last.unwrap_or(0))
}

pub(crate) async fn projection_rows(
    conn: &mut SqliteConnection,
) -> Result<ProjectionRows, StoreError> {
    Ok(ProjectionRows {
        alarms: sqlx::query_as("SELECT id, body FROM alarms ORDER BY id")
            .fetch_all(&mut *conn)
            .await?,
        incidents: sqlx::query_as("SELECT id, body FROM incidents ORDER BY id")
            .fetch_all(&mut *conn)
            .await?,
        sources: sqlx::query_as("SELECT source, body FROM sources ORDER BY source")
            .fetch_all(&mut *conn)
            .await?,
    })
}
