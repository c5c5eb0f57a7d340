-- Probe history: a file of its own, apart from the event log.
-- Times of results are Unix milliseconds; aggregate buckets are Unix seconds of the
-- bucket start; durations are integer microseconds (SQLite stores small integers in
-- 1-4 bytes, a REAL always in 8).

-- One row per (probe, vantage): the integer every other table is keyed by.
CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    probe TEXT NOT NULL,
    vantage TEXT NOT NULL,
    UNIQUE (probe, vantage)
);

-- Every result, kept for a day. Failure text only: an ok result's remark is kept
-- in `latest` alone, since repeating it on every row would dominate the file.
CREATE TABLE raw (
    series INTEGER NOT NULL,
    at INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    total_us INTEGER,
    dns_us INTEGER,
    connect_us INTEGER,
    tls_us INTEGER,
    first_byte_us INTEGER,
    status INTEGER,
    failure TEXT,
    PRIMARY KEY (series, at)
) WITHOUT ROWID;

-- The three roll-up levels share one shape. Sums and counts rather than averages,
-- so that buckets add up exactly.
CREATE TABLE minute (
    series INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    timed INTEGER NOT NULL,
    total_sum INTEGER NOT NULL,
    total_min INTEGER,
    total_max INTEGER,
    dns_n INTEGER NOT NULL,
    dns_sum INTEGER NOT NULL,
    connect_n INTEGER NOT NULL,
    connect_sum INTEGER NOT NULL,
    tls_n INTEGER NOT NULL,
    tls_sum INTEGER NOT NULL,
    first_byte_n INTEGER NOT NULL,
    first_byte_sum INTEGER NOT NULL,
    failure TEXT,
    failure_at INTEGER,
    PRIMARY KEY (series, bucket)
) WITHOUT ROWID;

CREATE TABLE hour (
    series INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    timed INTEGER NOT NULL,
    total_sum INTEGER NOT NULL,
    total_min INTEGER,
    total_max INTEGER,
    dns_n INTEGER NOT NULL,
    dns_sum INTEGER NOT NULL,
    connect_n INTEGER NOT NULL,
    connect_sum INTEGER NOT NULL,
    tls_n INTEGER NOT NULL,
    tls_sum INTEGER NOT NULL,
    first_byte_n INTEGER NOT NULL,
    first_byte_sum INTEGER NOT NULL,
    failure TEXT,
    failure_at INTEGER,
    PRIMARY KEY (series, bucket)
) WITHOUT ROWID;

CREATE TABLE day (
    series INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    timed INTEGER NOT NULL,
    total_sum INTEGER NOT NULL,
    total_min INTEGER,
    total_max INTEGER,
    dns_n INTEGER NOT NULL,
    dns_sum INTEGER NOT NULL,
    connect_n INTEGER NOT NULL,
    connect_sum INTEGER NOT NULL,
    tls_n INTEGER NOT NULL,
    tls_sum INTEGER NOT NULL,
    first_byte_n INTEGER NOT NULL,
    first_byte_sum INTEGER NOT NULL,
    failure TEXT,
    failure_at INTEGER,
    PRIMARY KEY (series, bucket)
) WITHOUT ROWID;

-- The newest result of each series in full, and its newest failure.
CREATE TABLE latest (
    series INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    total_us INTEGER,
    dns_us INTEGER,
    connect_us INTEGER,
    tls_us INTEGER,
    first_byte_us INTEGER,
    status INTEGER,
    detail TEXT NOT NULL,
    cert_expires_at INTEGER,
    failure TEXT,
    failure_at INTEGER
);
