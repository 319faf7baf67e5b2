-- Alert lifecycle and delivery (docs/ALERTING.md). Alerts gain the columns grouping, silences,
-- flap damping, escalation and repeats work on; everything that leaves the process goes through
-- `outbox`, written in the same transaction as the alert change it announces.
ALTER TABLE alerts ADD COLUMN group_key TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN receivers TEXT NOT NULL DEFAULT '[]';
ALTER TABLE alerts ADD COLUMN occurrences INTEGER NOT NULL DEFAULT 1;
ALTER TABLE alerts ADD COLUMN last_seen_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN silenced_by TEXT;
ALTER TABLE alerts ADD COLUMN flapping INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN escalation_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN last_notified_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN resolved_ms INTEGER;
UPDATE alerts SET last_seen_ms = updated_ms;
CREATE INDEX alerts_fingerprint ON alerts (fingerprint, status);

-- Every detector alert id ever folded into a stored alert: a replay after a crash finds its id here.
CREATE TABLE alert_occurrences (
    id        TEXT    PRIMARY KEY,
    alert_id  TEXT    NOT NULL,
    seen_ms   INTEGER NOT NULL
);
INSERT INTO alert_occurrences (id, alert_id, seen_ms) SELECT id, id, created_ms FROM alerts;

-- Append-only: who changed what, when.
CREATE TABLE alert_history (
    id           INTEGER PRIMARY KEY,
    alert_id     TEXT    NOT NULL,
    at_ms        INTEGER NOT NULL,
    who          TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    from_status  TEXT,
    to_status    TEXT    NOT NULL,
    note         TEXT
);
CREATE INDEX alert_history_alert ON alert_history (alert_id, id);

-- When each (receiver, group) flushes next: the durable half of Alertmanager's group timers.
CREATE TABLE alert_groups (
    receiver       TEXT    NOT NULL,
    group_key      TEXT    NOT NULL,
    next_flush_ms  INTEGER NOT NULL,
    PRIMARY KEY (receiver, group_key)
);

CREATE TABLE silences (
    id          TEXT    PRIMARY KEY,
    matchers    TEXT    NOT NULL,
    starts_ms   INTEGER NOT NULL,
    ends_ms     INTEGER NOT NULL,
    author      TEXT    NOT NULL,
    comment     TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL
);
CREATE INDEX silences_ends ON silences (ends_ms);

CREATE TABLE alert_feedback (
    id        INTEGER PRIMARY KEY,
    alert_id  TEXT    NOT NULL,
    detector  TEXT    NOT NULL,
    actor     TEXT    NOT NULL,
    verdict   TEXT    NOT NULL,
    reason    TEXT    NOT NULL,
    observed  REAL    NOT NULL,
    unit      TEXT    NOT NULL,
    author    TEXT    NOT NULL,
    at_ms     INTEGER NOT NULL
);
CREATE INDEX alert_feedback_actor ON alert_feedback (actor, detector);

-- One row per (alert change, receiver). `batch_id` fixes which rows travel together once a
-- delivery was first attempted, so a retry carries the same notification id.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    alert_id         TEXT    NOT NULL,
    change_id        INTEGER NOT NULL,
    receiver         TEXT    NOT NULL,
    group_key        TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'pending',
    created_ms       INTEGER NOT NULL,
    next_attempt_ms  INTEGER NOT NULL,
    lease_until_ms   INTEGER NOT NULL DEFAULT 0,
    attempts         INTEGER NOT NULL DEFAULT 0,
    batch_id         INTEGER,
    last_error       TEXT,
    done_ms          INTEGER,
    UNIQUE (change_id, receiver)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_ms);
CREATE INDEX outbox_alert ON outbox (alert_id);

-- Every delivery attempt, successful or not.
CREATE TABLE delivery_log (
    id           INTEGER PRIMARY KEY,
    outbox_id    INTEGER NOT NULL,
    alert_id     TEXT    NOT NULL,
    receiver     TEXT    NOT NULL,
    attempt      INTEGER NOT NULL,
    at_ms        INTEGER NOT NULL,
    outcome      TEXT    NOT NULL,
    status_code  INTEGER,
    error        TEXT,
    elapsed_ms   INTEGER NOT NULL
);
CREATE INDEX delivery_log_alert ON delivery_log (alert_id);
