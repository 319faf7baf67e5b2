-- Alerts raised by the detection engine. `id` is derived from (actor, detector, start time), so
-- replaying events after a restart cannot create the same alert twice.
CREATE TABLE alerts (
    id           TEXT             PRIMARY KEY,
    fingerprint  TEXT             NOT NULL,
    actor        TEXT             NOT NULL,
    actor_group  TEXT,
    detector     TEXT             NOT NULL,
    severity     TEXT             NOT NULL,
    score        DOUBLE PRECISION NOT NULL,
    time_ms      BIGINT           NOT NULL,
    detected_ms  BIGINT           NOT NULL,
    status       TEXT             NOT NULL DEFAULT 'firing',
    summary      TEXT             NOT NULL,
    body         TEXT             NOT NULL,
    created_ms   BIGINT           NOT NULL,
    updated_ms   BIGINT           NOT NULL
);
CREATE INDEX alerts_time ON alerts (time_ms);
CREATE INDEX alerts_status ON alerts (status);

-- The engine's last snapshot of detector state and the event id it covers (one row).
CREATE TABLE engine_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    cursor_id   BIGINT  NOT NULL,
    shards      INTEGER NOT NULL,
    snapshot    TEXT    NOT NULL,
    saved_ms    BIGINT  NOT NULL
);
