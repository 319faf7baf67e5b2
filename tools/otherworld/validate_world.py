#!/usr/bin/env python3
"""Validate an otherworld output directory against the event and label contracts.

Usage: python3 validate_world.py DIR [DIR ...]
Exits non-zero and lists the problems if anything is wrong.
"""

import json
import re
import sys
from collections import Counter
from datetime import datetime, timezone

FIELDS = {"event_id", "time", "actor", "actor_type", "actor_group", "action", "resource", "records", "bytes",
          "outcome", "sensitivity", "subject_jurisdictions", "source_ip", "region"}
REQUIRED = {"event_id", "time", "actor", "action", "resource"}
ACTIONS = {"read", "query", "list", "export", "download", "update", "delete"}
OUTCOMES = {"success", "denied", "error"}
SENSITIVITIES = {"public", "internal", "pii", "financial", "health", "credentials"}
ATTACK_KINDS = {"bulk_export", "low_and_slow", "new_hire_exfil", "peer_outlier", "enumeration",
                "sensitive_first_access", "off_hours", "denied_burst", "service_new_origin", "rule_breach"}
BENIGN_KINDS = {"group_surge", "new_hire", "organic_growth", "oncall_night_work", "new_service"}
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
DAY_MS = 86_400_000


def parse_ms(s: str) -> int:
    dt = datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return int(round(dt.timestamp() * 1000))


def check_event(ev: dict, problems: list, sens_of: dict):
    """Field-level checks of one event."""
    extra = set(ev) - FIELDS
    missing = REQUIRED - set(ev)
    if extra or missing:
        problems.append(f"{ev.get('event_id')}: extra {extra} missing {missing}")
    if not isinstance(ev.get("event_id"), str) or not 0 < len(ev["event_id"]) <= 128:
        problems.append(f"bad event_id {ev.get('event_id')!r}")
    if not TIME_RE.match(ev.get("time", "")):
        problems.append(f"{ev['event_id']}: bad time {ev.get('time')}")
    if ev.get("actor_type") not in (None, "user", "service"):
        problems.append(f"{ev['event_id']}: bad actor_type")
    if ev["action"] not in ACTIONS:
        problems.append(f"{ev['event_id']}: bad action {ev['action']}")
    for k in ("records", "bytes"):
        if k in ev and (not isinstance(ev[k], int) or isinstance(ev[k], bool) or ev[k] < 0):
            problems.append(f"{ev['event_id']}: bad {k}")
    if ev.get("outcome", "success") not in OUTCOMES:
        problems.append(f"{ev['event_id']}: bad outcome")
    if "sensitivity" in ev:
        if ev["sensitivity"] not in SENSITIVITIES:
            problems.append(f"{ev['event_id']}: bad sensitivity")
        if sens_of.setdefault(ev["resource"], ev["sensitivity"]) != ev["sensitivity"]:
            problems.append(f"{ev['resource']}: inconsistent sensitivity")
    j = ev.get("subject_jurisdictions")
    if j is not None and (not isinstance(j, list) or not j or not all(isinstance(x, str) for x in j)):
        problems.append(f"{ev['event_id']}: bad subject_jurisdictions")
    for k in ("actor", "resource", "source_ip", "region", "actor_group"):
        if k in ev and (not isinstance(ev[k], str) or not ev[k]):
            problems.append(f"{ev['event_id']}: bad {k}")


def validate(out_dir: str) -> list[str]:
    problems: list[str] = []
    events, sens_of = {}, {}
    with open(f"{out_dir}/events.ndjson") as fh:
        for line in fh:
            ev = json.loads(line)
            check_event(ev, problems, sens_of)
            if ev["event_id"] in events:
                problems.append(f"duplicate id {ev['event_id']}")
            events[ev["event_id"]] = ev
    labels = json.load(open(f"{out_dir}/labels.json"))
    w = labels["world"]
    if set(labels) != {"world", "attacks", "benign"}:
        problems.append(f"labels keys {set(labels)}")
    if set(w) != {"seed", "days", "history_days", "start_ms", "test_start_ms", "end_ms", "actors", "events",
                  "test_actor_days"}:
        problems.append(f"world keys {set(w)}")
    if w["start_ms"] % DAY_MS or w["test_start_ms"] != w["start_ms"] + w["history_days"] * DAY_MS \
            or w["end_ms"] != w["start_ms"] + w["days"] * DAY_MS:
        problems.append("world bounds inconsistent")
    times = {i: parse_ms(e["time"]) for i, e in events.items()}
    if any(not w["start_ms"] <= t < w["end_ms"] for t in times.values()):
        problems.append("event outside world bounds")
    if w["events"] != len(events):
        problems.append(f"world.events {w['events']} != {len(events)}")
    if w["actors"] != len({e["actor"] for e in events.values()}):
        problems.append("world.actors mismatch")
    pairs = {(e["actor"], (times[i] - w["start_ms"]) // DAY_MS) for i, e in events.items()
             if times[i] >= w["test_start_ms"]}
    if w["test_actor_days"] != len(pairs):
        problems.append(f"test_actor_days {w['test_actor_days']} != {len(pairs)}")

    attack_ids = set()
    for a in labels["attacks"]:
        if set(a) != {"id", "kind", "actor", "actor_group", "start_ms", "end_ms", "strength", "event_ids"}:
            problems.append(f"{a.get('id')}: keys {set(a)}")
        if a["kind"] not in ATTACK_KINDS:
            problems.append(f"{a['id']}: kind {a['kind']}")
        ids = a["event_ids"]
        if not ids or any(i not in events for i in ids):
            problems.append(f"{a['id']}: missing event ids")
            continue
        ts = [times[i] for i in ids]
        if ts != sorted(ts):
            problems.append(f"{a['id']}: event_ids not in time order")
        if min(ts) != a["start_ms"] or max(ts) != a["end_ms"]:
            problems.append(f"{a['id']}: start/end do not match events")
        if a["start_ms"] < w["test_start_ms"]:
            problems.append(f"{a['id']}: attack in history")
        if any(events[i]["actor"] != a["actor"] for i in ids):
            problems.append(f"{a['id']}: event of another actor")
        if events[ids[0]].get("actor_group") != a["actor_group"]:
            problems.append(f"{a['id']}: actor_group mismatch")
        if attack_ids & set(ids):
            problems.append(f"{a['id']}: event shared with another attack")
        attack_ids |= set(ids)
    for b in labels["benign"]:
        if set(b) != {"kind", "group", "actors", "start_ms", "end_ms", "description"}:
            problems.append(f"benign keys {set(b)}")
        if b["kind"] not in BENIGN_KINDS:
            problems.append(f"benign kind {b['kind']}")
        if b["start_ms"] > b["end_ms"] or not b["actors"]:
            problems.append(f"benign {b['kind']}: bad span/actors")
    kinds = Counter(a["kind"] for a in labels["attacks"])
    print(f"{out_dir}: {len(events)} events, {w['actors']} actors, {len(labels['attacks'])} attacks "
          f"({len(kinds)} kinds), {len(labels['benign'])} benign, {len(attack_ids)} attack events, "
          f"{len(problems)} problems")
    return problems


if __name__ == "__main__":
    bad = False
    for d in sys.argv[1:]:
        probs = validate(d)
        for p in probs[:30]:
            print("  ", p)
        bad |= bool(probs)
    sys.exit(1 if bad else 0)
