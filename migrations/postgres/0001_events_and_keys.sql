-- Access events: the hot, append-only table. Integer columns only are indexed (see PERFORMANCE-NOTES):
-- eid_hash is the 64-bit xxh3 of the client's event_id (NULL when absent or after a verified collision).
CREATE TABLE events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    eid_hash      BIGINT,
    event_id      TEXT,
    ts_ms         BIGINT   NOT NULL,
    received_ms   BIGINT   NOT NULL,
    actor         TEXT     NOT NULL,
    actor_type    SMALLINT NOT NULL,
    actor_group   TEXT,
    action        TEXT     NOT NULL,
    resource      TEXT     NOT NULL,
    records       BIGINT   NOT NULL,
    bytes         BIGINT,
    outcome       SMALLINT NOT NULL,
    sensitivity   TEXT,
    jurisdictions TEXT,
    source_ip     TEXT,
    region        TEXT,
    attributes    TEXT
);
CREATE UNIQUE INDEX events_eid_hash ON events (eid_hash);
CREATE INDEX events_ts_ms ON events (ts_ms);

-- One row per actor ever seen: answers "actors tracked" and lists actors without scanning events.
CREATE TABLE actors (
    name          TEXT     PRIMARY KEY,
    actor_type    SMALLINT NOT NULL,
    actor_group   TEXT,
    first_seen_ms BIGINT   NOT NULL
);

-- API keys are stored as SHA-256 of the key; the key itself is shown once at creation.
CREATE TABLE api_keys (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT   NOT NULL UNIQUE,
    key_hash    TEXT   NOT NULL UNIQUE,
    scope       TEXT   NOT NULL,
    created_ms  BIGINT NOT NULL,
    revoked_ms  BIGINT
);
