-- Incidents: the columns the API filters and counts on; the rest (facts, affected people, regimes, tasks,
-- comments, linked alerts) is one JSON document in `body`. `version` makes concurrent updates fail loudly
-- instead of losing a change (optimistic locking).
CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    severity    TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL
);
CREATE INDEX incidents_status ON incidents (status);

-- Notices an incident owes, one per rule: `computed` is the rules engine's latest answer (JSON), `tracking`
-- what people recorded (submission, reference, reason). `state`: open | submitted | not_required | withdrawn.
-- `due_ms` is the legal deadline, or the internal target of an ASAP notice: what reminders count down to.
CREATE TABLE obligations (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    rule_id      TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    due_ms       INTEGER,
    computed     TEXT    NOT NULL,
    tracking     TEXT    NOT NULL,
    updated_ms   INTEGER NOT NULL,
    UNIQUE (incident_id, rule_id)
);
CREATE INDEX obligations_state_due ON obligations (state, due_ms);

-- Reminders and overdue escalations, one per (obligation, offset, deadline): the scheduler may run twice
-- or restart and still sends each once; a moved deadline gets fresh reminders.
CREATE TABLE reminders (
    id             INTEGER PRIMARY KEY,
    obligation_id  INTEGER NOT NULL REFERENCES obligations (id),
    kind           TEXT    NOT NULL,
    offset_secs    INTEGER NOT NULL,
    due_ms         INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    attempts       INTEGER NOT NULL,
    last_error     TEXT,
    created_ms     INTEGER NOT NULL,
    sent_ms        INTEGER,
    UNIQUE (obligation_id, offset_secs, due_ms)
);
CREATE INDEX reminders_state ON reminders (state);

-- Append-only, hash-chained audit log: `hash` = sha256(prev_hash + canonical row). `prev_hash` is unique so
-- the chain cannot fork; triggers refuse UPDATE and DELETE (an administrator who drops them is caught by
-- `accesswatch audit verify`).
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at_ms        INTEGER NOT NULL,
    actor        TEXT    NOT NULL,
    incident_id  INTEGER NOT NULL,
    action       TEXT    NOT NULL,
    field        TEXT,
    old_value    TEXT,
    new_value    TEXT,
    reason       TEXT,
    prev_hash    TEXT    NOT NULL UNIQUE,
    hash         TEXT    NOT NULL
);
CREATE INDEX audit_log_incident ON audit_log (incident_id, id);

-- Taking this row first in every audited transaction serializes appends to the chain on both backends.
CREATE TABLE audit_lock (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    appends  INTEGER NOT NULL
);
INSERT INTO audit_lock (id, appends) VALUES (1, 0);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
