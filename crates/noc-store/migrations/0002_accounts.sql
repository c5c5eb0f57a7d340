-- Operator accounts, their login sessions, wall screens and the audit trail. None
-- of this is replayed: the event log records that an account changed, these tables
-- hold what a login is checked against. Secrets are stored only as hashes.
CREATE TABLE operators (
    name          TEXT    PRIMARY KEY,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL, -- argon2id PHC string
    created_at    INTEGER NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    last_login_at INTEGER
);

CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY, -- SHA-256 of the token, hex
    operator     TEXT    NOT NULL REFERENCES operators (name) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL, -- the latest moment, however busy the session
    address      TEXT
);

CREATE INDEX sessions_operator ON sessions (operator);

CREATE TABLE devices (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER,
    revoked_at   INTEGER
);

CREATE TABLE audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    role       TEXT,
    credential TEXT,
    address    TEXT,
    method     TEXT    NOT NULL,
    path       TEXT    NOT NULL,
    status     INTEGER NOT NULL
);

CREATE INDEX audit_actor ON audit (actor, id);
CREATE INDEX audit_at ON audit (at);
