-- An event's identity for dedup becomes (ts_ms, eid_hash): a repeat is the same event_id at the same
-- time. A unique index on the random 64-bit hash alone dirtied a random index page per row, so every
-- commit rewrote most of the index into the WAL and ingest fell as the table grew; ts_ms leads
-- here, and event times arrive nearly in order, so inserts stay at the index's right edge. The same
-- index answers time-range queries, so the separate ts_ms index goes.
DROP INDEX events_eid_hash;
DROP INDEX events_ts_ms;
CREATE UNIQUE INDEX events_ts_eid ON events (ts_ms, eid_hash);
