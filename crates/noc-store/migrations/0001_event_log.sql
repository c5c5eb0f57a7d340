-- The append-only event log: the source of truth. `seq` is assigned by the single
-- writer (never AUTOINCREMENT), so a rolled-back batch leaves no hole.
CREATE TABLE events (
    seq     INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    kind    TEXT    NOT NULL,
    actor   TEXT    NOT NULL,
    subject TEXT    NOT NULL,
    body    TEXT    NOT NULL -- JSON of EventBody
);

-- seq is the rowid, so this index also returns a subject's events in log order.
CREATE INDEX events_subject ON events (subject);

-- Projections: the last version of every entity the log ever produced. Rows stay
-- after the entity leaves the live state, so the tables keep history.
CREATE TABLE alarms (
    id        INTEGER PRIMARY KEY,
    status    TEXT    NOT NULL,
    severity  TEXT    NOT NULL,
    incident  INTEGER,
    node      TEXT,
    last_seen INTEGER NOT NULL,
    body      TEXT    NOT NULL
);

CREATE INDEX alarms_incident ON alarms (incident);

CREATE TABLE incidents (
    id         INTEGER PRIMARY KEY,
    status     TEXT    NOT NULL,
    severity   TEXT    NOT NULL,
    opened_at  INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    body       TEXT    NOT NULL
);

CREATE INDEX incidents_opened_at ON incidents (opened_at);

CREATE TABLE sources (
    source TEXT PRIMARY KEY,
    body   TEXT NOT NULL
);

-- The live state (JSON of State) as it stood at `seq`, to seek and restore quickly.
CREATE TABLE snapshots (
    seq   INTEGER PRIMARY KEY,
    state TEXT    NOT NULL
);
