#!/usr/bin/env python3
"""otherworld -- an independent synthetic world of personal-data access events.

The world is "Meridian Health", a hospital group with hospitals in Berlin,
London, New York and San Francisco and a shared-services centre in Bangalore.
Clinicians work shifts (including regular night shifts), call-centre agents in
Bangalore cover UK and US hours, analysts run heavy-tailed queries, finance
closes the month and the quarter, services follow diurnal load and batch jobs
run nightly, weekly and monthly.  On top of this background the generator
injects labelled attacks (test period only) and labelled benign surprises, and
also some unlabelled benign realities that commonly cause false alarms.

Usage:
    python3 otherworld.py --out DIR [--seed N] [--days 42] [--history-days 28]
                          [--actors 700] [--start 2026-02-23]

Writes DIR/events.ndjson (one JSON access event per line, in arrival order --
a few events arrive minutes late) and DIR/labels.json.  Standard library only,
deterministic for a seed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from bisect import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from statistics import median
from typing import Callable

MIN_MS = 60_000
HOUR_MS = 60 * MIN_MS
DAY_MS = 24 * HOUR_MS
EPOCH_ORD = date(1970, 1, 1).toordinal()
DEFAULT_START = date(2026, 2, 23)       # a Monday; US DST in history, EU DST + quarter end in test
NEVER = 10 ** 6                         # "no such day" sentinel for day indices
HEALTH_EXPORT_CAP = 9_000               # benign exports of health rows stay below the 10k rule


# =========================================================================
# Small random helpers
# =========================================================================

class Picker:
    """Weighted random choice over a fixed list (O(log n) per pick)."""

    __slots__ = ("items", "cum")

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(accumulate(weights))

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.cum[-1])]


def poisson(rng: random.Random, lam: float) -> int:
    """Poisson sample (Knuth for small means, normal approximation above 30)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def draw_records(rng: random.Random, dist: tuple) -> int:
    """Draw a row count from ('fix', n), ('ln', mu, sigma, cap) or ('par', xm, alpha, cap)."""
    kind = dist[0]
    if kind == "fix":
        return dist[1]
    if kind == "ln":
        _, mu, sigma, cap = dist
        return max(1, min(cap, int(rng.lognormvariate(mu, sigma))))
    _, xm, alpha, cap = dist
    return max(1, min(cap, int(xm * rng.paretovariate(alpha))))


def split_total(rng: random.Random, total: int, parts: int) -> list[int]:
    """Split a positive total into `parts` positive, unequal integers."""
    parts = max(1, min(parts, total))
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = total / sum(weights)
    out = [max(1, int(w * scale)) for w in weights]
    out[-1] += total - sum(out)
    if out[-1] < 1:                       # rounding pushed the last part negative
        return split_total(rng, total, parts - 1)
    return out


def weighted_sample(rng: random.Random, entries: list, k: int, weight=lambda e: e[1]) -> list:
    """Sample k distinct entries without replacement, proportional to weight."""
    pool, out = list(entries), []
    while pool and len(out) < k:
        pick = Picker(range(len(pool)), [weight(e) for e in pool]).pick(rng)
        out.append(pool.pop(pick))
    return out


# =========================================================================
# Calendar and time zones (own DST rules, so no tz database is needed)
# =========================================================================

def epoch_ms(day: date, minutes: float = 0.0) -> int:
    """Milliseconds since the epoch for a date (as if UTC) plus minutes."""
    return (day.toordinal() - EPOCH_ORD) * DAY_MS + int(minutes * MIN_MS)


def ms_to_date(ms: int) -> date:
    return date.fromordinal(EPOCH_ORD + ms // DAY_MS)


def _sundays(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    first_sunday = first + timedelta((6 - first.weekday()) % 7)
    return [d for d in (first_sunday + timedelta(7 * i) for i in range(5)) if d.month == month]


class Zone:
    """A fixed standard offset plus an EU or US daylight-saving rule (or none)."""

    def __init__(self, name: str, std_minutes: int, rule: str | None):
        self.name, self.std_ms, self.rule = name, std_minutes * MIN_MS, rule
        self._windows: dict[int, tuple[int, int] | None] = {}

    def _dst_window(self, year: int):
        if year not in self._windows:
            if self.rule == "eu":      # last Sunday of March/October, 01:00 UTC
                win = (epoch_ms(_sundays(year, 3)[-1], 60), epoch_ms(_sundays(year, 10)[-1], 60))
            elif self.rule == "us":    # 2nd Sunday of March to 1st Sunday of November, 02:00 local
                win = (epoch_ms(_sundays(year, 3)[1], 120) - self.std_ms,
                       epoch_ms(_sundays(year, 11)[0], 120) - self.std_ms - HOUR_MS)
            else:
                win = None
            self._windows[year] = win
        return self._windows[year]

    def offset_ms(self, utc_ms: int) -> int:
        win = self._dst_window(ms_to_date(utc_ms).year)
        return self.std_ms + (HOUR_MS if win and win[0] <= utc_ms < win[1] else 0)

    def to_utc(self, local_day: date, minute: float) -> int:
        """UTC instant of `minute` minutes after local midnight of `local_day`."""
        naive = epoch_ms(local_day, minute)
        guess = naive - self.offset_ms(naive - self.std_ms)
        return naive - self.offset_ms(guess)

    def local_hour(self, utc_ms: int) -> float:
        return ((utc_ms + self.offset_ms(utc_ms)) % DAY_MS) / HOUR_MS

    def local_date(self, utc_ms: int) -> date:
        return ms_to_date(utc_ms + self.offset_ms(utc_ms))


HOLIDAYS = {
    "DE": {date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 14)},
    "GB": {date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4), date(2026, 5, 25)},
    "US": {date(2026, 1, 1), date(2026, 1, 19), date(2026, 2, 16), date(2026, 5, 25), date(2026, 7, 3)},
    "IN": {date(2026, 1, 26), date(2026, 3, 4), date(2026, 3, 20), date(2026, 4, 14), date(2026, 5, 1)},
    "UTC": set(),
}


class Calendar:
    """Maps world day indices to dates and answers working-day questions."""

    def __init__(self, start: date, days: int, history_days: int):
        self.start, self.days, self.history_days = start, days, history_days
        self.start_ms = epoch_ms(start)
        self.test_start_ms = self.start_ms + history_days * DAY_MS
        self.end_ms = self.start_ms + days * DAY_MS

    def date(self, d: int) -> date:
        return self.start + timedelta(d)

    def week(self, d: int) -> int:
        return (d + self.start.weekday()) // 7

    def utc_day(self, t_ms: int) -> int:
        return (t_ms - self.start_ms) // DAY_MS

    def is_working(self, d: int, country: str) -> bool:
        day = self.date(d)
        return day.weekday() < 5 and day not in HOLIDAYS[country]

    def month_position(self, d: int, country: str) -> tuple[int, int]:
        """(n-th working day of month, working days left after it); (0, 0) if not working."""
        day = self.date(d)
        if day.weekday() >= 5 or day in HOLIDAYS[country]:
            return 0, 0
        first = day.replace(day=1)
        nxt = (first + timedelta(32)).replace(day=1)
        working = [first + timedelta(i) for i in range((nxt - first).days)
                   if (first + timedelta(i)).weekday() < 5 and first + timedelta(i) not in HOLIDAYS[country]]
        idx = working.index(day)
        return idx + 1, len(working) - idx - 1


# =========================================================================
# Sites
# =========================================================================

@dataclass(frozen=True)
class Site:
    """A location: time zone, cloud region, address space and data codes."""
    key: str
    city: str
    zone: Zone
    region: str
    subnet: int          # second octet of the office address block
    country: str         # holiday calendar
    ehr: str | None      # code of the clinical systems serving this site
    bill: str | None     # billing country code
    hr: str              # HR country code
    crm: str | None      # CRM region


EU_CET = Zone("Europe/Berlin", 60, "eu")
EU_GMT = Zone("Europe/London", 0, "eu")
US_EAST = Zone("America/New_York", -300, "us")
US_WEST = Zone("America/Los_Angeles", -480, "us")
IST = Zone("Asia/Kolkata", 330, None)
UTC = Zone("UTC", 0, None)

SITES = {
    "ber": Site("ber", "Berlin", EU_CET, "eu-central-1", 20, "DE", "de", "de", "de", "eu"),
    "lon": Site("lon", "London", EU_GMT, "eu-west-2", 30, "GB", "uk", "uk", "uk", "eu"),
    "nyc": Site("nyc", "New York", US_EAST, "us-east-1", 40, "US", "use", "us", "us", "us"),
    "sfo": Site("sfo", "San Francisco", US_WEST, "us-west-2", 50, "US", "usw", "us", "us", "us"),
    "blr": Site("blr", "Bangalore", IST, "ap-south-1", 60, "IN", None, None, "in", None),
    "utc": Site("utc", "(scheduler)", UTC, "eu-west-2", 30, "UTC", None, None, "uk", None),
}
SITE_INDEX = {k: i for i, k in enumerate(SITES)}
SERVICE_SUBNET = {"eu-central-1": 110, "eu-west-2": 120, "us-east-1": 130, "us-west-2": 140, "ap-south-1": 150}


# =========================================================================
# Resource catalog
# =========================================================================

@dataclass(eq=False)
class Resource:
    """A table, bucket, API or secret.  Sensitivity is fixed per resource."""
    name: str
    sensitivity: str
    jurisdictions: tuple[str, ...]
    row_bytes: int
    rows: int
    introduced: int = -NEVER      # first world day on which it exists


EHR_JUR = {"de": ("DE", "AT", "PL", "NL"), "uk": ("GB", "IE"),
           "use": ("US-NY", "US-NJ", "US-CT", "US-PA"), "usw": ("US-CA", "US-NV", "US-OR", "US-WA")}
EHR_PATIENTS = {"de": 1_800_000, "uk": 2_400_000, "use": 3_100_000, "usw": 1_500_000}
BILL_JUR = {"de": ("DE", "AT"), "uk": ("GB", "IE"), "us": ("US-NY", "US-CA", "US-NJ", "US-CT", "US-WA")}
HR_JUR = {"de": ("DE",), "uk": ("GB",), "us": ("US-NY", "US-CA"), "in": ("IN",)}
CRM_JUR = {"eu": ("GB", "DE", "IE", "AT"), "us": ("US-NY", "US-CA", "US-NJ", "US-WA")}
ALL_JUR = ("US-NY", "GB", "DE", "US-CA", "IE", "AT", "US-NJ", "PL", "US-WA")

EHR_TABLES = [  # name, sensitivity, row bytes, rows relative to patients
    ("patients", "pii", 450, 1.0), ("encounters", "health", 380, 4.0), ("diagnoses", "health", 220, 6.0),
    ("medications", "health", 260, 8.0), ("vitals", "health", 140, 30.0), ("allergies", "health", 120, 0.6),
    ("clinical_notes", "health", 2600, 9.0), ("orders", "health", 300, 10.0), ("lab_results", "health", 210, 25.0),
    ("imaging_reports", "health", 1800, 1.5), ("discharge_summaries", "health", 3200, 1.2),
    ("nursing_assessments", "health", 900, 7.0), ("care_plans", "health", 1100, 1.0),
    ("bed_board", "internal", 180, 0.001), ("mental_health_notes", "health", 2900, 0.4),
    ("genomics_results", "health", 5200, 0.05),
]

DW_TABLES = [  # name, sensitivity, row bytes, rows
    ("fact_encounters", "health", 180, 40_000_000), ("fact_admissions", "health", 160, 5_000_000),
    ("fact_claims", "financial", 200, 30_000_000), ("fact_labs", "health", 120, 90_000_000),
    ("fact_medications", "health", 140, 60_000_000), ("fact_appointments", "pii", 130, 25_000_000),
    ("fact_payments", "financial", 110, 20_000_000), ("dim_patient", "pii", 300, 9_000_000),
    ("dim_provider", "internal", 200, 40_000), ("dim_payer", "internal", 150, 3_000),
    ("dim_date", "public", 60, 20_000), ("dim_facility", "internal", 120, 400),
    ("agg_los_daily", "internal", 90, 200_000), ("agg_readmissions", "health", 110, 600_000),
    ("agg_revenue", "financial", 100, 150_000), ("quality_measures", "health", 130, 900_000),
    ("fact_staffing", "internal", 90, 3_000_000), ("fact_call_centre", "internal", 100, 6_000_000),
    ("fact_bed_occupancy", "internal", 80, 1_500_000), ("fact_diagnoses", "health", 120, 70_000_000),
    ("fact_procedures", "health", 140, 20_000_000), ("fact_costs", "financial", 120, 8_000_000),
    ("agg_kpi_monthly", "internal", 150, 20_000), ("fact_employee_hours", "pii", 90, 4_000_000),
    ("sample_patient_cohort", "health", 400, 200_000), ("fact_wait_times", "internal", 90, 2_000_000),
]

def build_catalog(test_day: int, service_names: list[str]) -> dict[str, Resource]:
    """Create the few hundred resources of the group, with sensitivity and jurisdictions."""
    cat: dict[str, Resource] = {}

    def add(name, sens, jur=(), row_bytes=300, rows=100_000, introduced=-NEVER):
        jur = jur if sens in ("pii", "health", "financial") else ()
        cat[name] = Resource(name, sens, tuple(jur), row_bytes, rows, introduced)

    for c, jur in EHR_JUR.items():
        n = EHR_PATIENTS[c]
        for table, sens, rb, rel in EHR_TABLES:
            add(f"ehr-{c}.{table}", sens, jur, rb, max(200, int(n * rel)))
        add(f"sched-{c}.appointments", "pii", jur, 260, n * 3)
        add(f"sched-{c}.waitlist", "pii", jur, 240, n // 20)
        add(f"sched-{c}.rooms", "internal", (), 120, 900)
        add(f"sched-{c}.rosters", "internal", (), 150, 40_000)
        add(f"pharm-{c}.dispensing", "health", jur, 230, n * 5)
        add(f"pharm-{c}.controlled_substances", "health", jur, 260, n // 4)
        add(f"pharm-{c}.inventory", "internal", (), 140, 30_000)
        add(f"lims-{c}.specimens", "health", jur, 190, n * 12)
        add(f"lims-{c}.results_raw", "health", jur, 240, n * 25)
        add(f"lims-{c}.instruments", "internal", (), 160, 600)
        add(f"pacs://{c}/studies", "health", jur, 380_000, n * 2)
    add("ehr-uk.sepsis_alerts", "health", EHR_JUR["uk"], 300, 60_000, introduced=test_day + 2)

    for c, jur in BILL_JUR.items():
        add(f"billing-{c}.invoices", "financial", jur, 320, 9_000_000)
        add(f"billing-{c}.payments", "financial", jur, 210, 7_000_000)
        add(f"billing-{c}.claims", "financial", jur, 520, 12_000_000)
        add(f"billing-{c}.patient_accounts", "financial", jur, 380, 3_000_000)
        add(f"billing-{c}.collections", "financial", jur, 300, 400_000)
        add(f"billing-{c}.insurance_policies", "pii", jur, 350, 2_500_000)
        add(f"billing-{c}.payer_contracts", "internal", (), 2_000, 900)
        add(f"billing-{c}.price_list", "public", (), 150, 30_000)

    for r, jur in CRM_JUR.items():
        add(f"crm-{r}.contacts", "pii", jur, 420, 5_000_000)
        add(f"crm-{r}.cases", "pii", jur, 600, 2_000_000)
        add(f"crm-{r}.call_notes", "pii", jur, 900, 6_000_000)
        add(f"crm-{r}.complaints", "pii", jur, 1_200, 80_000)
        add(f"crm-{r}.callbacks", "internal", (), 150, 300_000)
        add(f"telehealth-{r}.sessions", "health", jur, 700, 800_000)
        add(f"telehealth-{r}.recordings", "health", jur, 900_000, 300_000)
        for fhir, sens in (("Patient", "pii"), ("Encounter", "health"), ("Observation", "health"),
                           ("MedicationRequest", "health"), ("DiagnosticReport", "health"), ("Appointment", "pii")):
            add(f"api://fhir-{r}/{fhir}", sens, jur, 1_400, 10_000_000)

    for h, jur in HR_JUR.items():
        add(f"hr-{h}.employees", "pii", jur, 700, 12_000)
        add(f"hr-{h}.payroll", "financial", jur, 400, 150_000)
        add(f"hr-{h}.absences", "pii", jur, 160, 90_000)
        add(f"hr-{h}.performance_reviews", "pii", jur, 3_000, 30_000)
        add(f"hr-{h}.recruiting_candidates", "pii", jur, 1_800, 60_000)

    for name, sens, rb, rows in [
            ("gl_journal", "financial", 260, 25_000_000), ("gl_accounts", "internal", 120, 4_000),
            ("ap_invoices", "financial", 330, 2_000_000), ("ar_receivables", "financial", 280, 1_500_000),
            ("vendor_master", "financial", 500, 20_000), ("treasury_accounts", "financial", 300, 300),
            ("budget_plans", "internal", 200, 60_000), ("fx_rates", "public", 60, 50_000),
            ("intercompany", "financial", 240, 300_000), ("fixed_assets", "internal", 260, 90_000),
            ("tax_filings", "financial", 900, 3_000)]:
        add(f"fin.{name}", sens, ("DE", "GB", "US-NY"), rb, rows)

    for name, sens, rb, rows in DW_TABLES:
        add(f"dw.{name}", sens, ALL_JUR, rb, rows,
            introduced=10 if name == "fact_wait_times" else -NEVER)

    for cohort in ("cardio", "oncology", "diabetes", "respiratory", "neuro", "paediatrics", "maternity"):
        add(f"research.cohort_{cohort}", "health", ("DE", "AT", "NL"), 900, 150_000)
    add("research.biobank_samples", "health", ("DE", "AT", "NL"), 400, 400_000)
    add("research.trial_enrolment", "health", ("DE", "AT", "NL", "PL"), 600, 20_000)
    add("research.genomic_variants", "health", ("DE", "AT"), 300, 30_000_000)

    for name, sens, rows in [
            ("ops.cmdb_hosts", "internal", 8_000), ("ops.incidents", "internal", 60_000),
            ("ops.change_requests", "internal", 90_000), ("ops.deploy_history", "internal", 400_000),
            ("ops.db_catalog", "internal", 5_000), ("audit.access_log", "internal", 900_000_000),
            ("audit.login_events", "internal", 200_000_000), ("siem.alerts", "internal", 2_000_000),
            ("iam.group_memberships", "internal", 40_000), ("catalog.datasets", "internal", 3_000),
            ("catalog.lineage", "internal", 20_000), ("api://directory/staff", "internal", 14_000),
            ("ref.icd10", "public", 70_000), ("ref.snomed", "public", 350_000),
            ("ref.drug_formulary", "public", 25_000), ("ref.facility_directory", "public", 400)]:
        add(name, sens, (), 300, rows)
    add("iam.accounts", "pii", ("DE", "GB", "US-NY", "US-CA", "IN"), 500, 16_000)

    for path, sens in [("finance/monthly-close", "financial"), ("board/kpi-pack", "internal"),
                       ("quality/monthly", "internal"), ("ops/weekly", "internal"),
                       ("research/ethics-approvals", "internal")]:
        add(f"s3://mh-reports/{path}", sens, ("DE", "GB", "US-NY"), 20_000, 500)

    for db in ("ehr-de", "ehr-uk", "ehr-us", "billing", "hr", "dw", "fin", "crm", "research", "lims"):
        add(f"vault://prod/db/{db}", "credentials", (), 2_000, 1)
    for ops in ("bastion-ssh", "cloud-admin", "pager-token", "tls-wildcard"):
        add(f"vault://prod/ops/{ops}", "credentials", (), 2_000, 1)
    for svc in service_names:
        add(f"vault://prod/svc/{svc}", "credentials", (), 1_500, 1)
    return cat


# =========================================================================
# Human roles (behaviour archetypes) and their resource pools
# =========================================================================

# Pool entries: (resource name, weight, action spec).  Action spec "r5 q2" means
# read with weight 5, query with weight 2.  Entries with weight >= 6 are used by
# every member of the role; the rest are sampled per person.
ACTION_CODES = {"r": "read", "q": "query", "l": "list", "e": "export", "d": "download",
                "u": "update", "x": "delete"}
DEFAULT_RECORDS = {
    "read": ("ln", 0.3, 0.7, 60), "query": ("ln", 2.5, 1.0, 20_000), "list": ("ln", 2.6, 0.7, 600),
    "export": ("ln", 4.0, 1.0, 20_000), "download": ("ln", 1.2, 0.7, 300),
    "update": ("ln", 0.05, 0.3, 20), "delete": ("fix", 1),
}


def parse_actions(spec: str) -> Picker:
    """Turn an action spec like 'r5 q2 e0.1' into a weighted action picker."""
    items, weights = [], []
    for tok in spec.split():
        items.append(ACTION_CODES[tok[0]])
        weights.append(float(tok[1:] or 1))
    return Picker(items, weights)


def pool_nurse(m: Site):
    c = m.ehr
    pool = [(f"ehr-{c}.patients", 8, "r5 q2 l1"), (f"ehr-{c}.vitals", 8, "r4 u3"),
            (f"ehr-{c}.medications", 7, "r4 u1"), (f"ehr-{c}.nursing_assessments", 6, "r3 u2"),
            (f"ehr-{c}.clinical_notes", 5, "r3 u1"), (f"ehr-{c}.orders", 4, "r3"),
            (f"ehr-{c}.lab_results", 5, "r1"), (f"ehr-{c}.allergies", 3, "r1"),
            (f"ehr-{c}.care_plans", 3, "r2 u1"), (f"ehr-{c}.bed_board", 4, "r2 l2 e0.04"),
            (f"ehr-{c}.encounters", 4, "r2 q1"), (f"ehr-{c}.discharge_summaries", 2, "r1"),
            (f"sched-{c}.rosters", 2, "r1"), (f"pharm-{c}.dispensing", 2, "r1"),
            ("ref.drug_formulary", 2, "r1")]
    if c == "uk":
        pool.append(("ehr-uk.sepsis_alerts", 6, "r4 l1"))
    return pool


def pool_physician(m: Site):
    c = m.ehr
    pool = [(f"ehr-{c}.patients", 8, "r5 q2"), (f"ehr-{c}.encounters", 6, "r3 q1 u1 e0.04"),
            (f"ehr-{c}.diagnoses", 6, "r3 u1"), (f"ehr-{c}.clinical_notes", 7, "r3 u2"),
            (f"ehr-{c}.orders", 5, "r2 u2"), (f"ehr-{c}.lab_results", 7, "r3 q1"),
            (f"ehr-{c}.imaging_reports", 4, "r2"), (f"ehr-{c}.medications", 5, "r3 u1"),
            (f"ehr-{c}.discharge_summaries", 3, "r2 u1"), (f"ehr-{c}.allergies", 2, "r1"),
            (f"pacs://{c}/studies", 2, "r1 d1"), (f"ehr-{c}.care_plans", 2, "r1"),
            ("ref.icd10", 1, "r1"), (f"ehr-{c}.genomics_results", 0.4, "r1"),
            (f"sched-{c}.appointments", 2, "r1 q1")]
    if c == "uk":
        pool.append(("ehr-uk.sepsis_alerts", 6, "r3"))
    return pool


def pool_behavioral(m: Site):
    c = m.ehr
    return [(f"ehr-{c}.mental_health_notes", 9, "r4 u2"), (f"ehr-{c}.patients", 6, "r4"),
            (f"ehr-{c}.clinical_notes", 4, "r2 u1"), (f"ehr-{c}.medications", 4, "r3"),
            (f"ehr-{c}.encounters", 3, "r2"), (f"ehr-{c}.diagnoses", 3, "r2"),
            (f"sched-{c}.appointments", 3, "r2 q1")]


def pool_radiologist(m: Site):
    c = m.ehr
    return [(f"pacs://{c}/studies", 10, "r3 d3"), (f"ehr-{c}.imaging_reports", 8, "r3 u3"),
            (f"ehr-{c}.patients", 4, "r3"), (f"ehr-{c}.orders", 4, "r3"),
            (f"ehr-{c}.clinical_notes", 2, "r1"), (f"ehr-{c}.encounters", 1, "r1")]


def pool_pharmacist(m: Site):
    c = m.ehr
    return [(f"pharm-{c}.dispensing", 9, "r3 u2 q1"), (f"pharm-{c}.controlled_substances", 4, "r2 u1"),
            (f"pharm-{c}.inventory", 5, "r2 q1 u1"), (f"ehr-{c}.medications", 7, "r4"),
            (f"ehr-{c}.allergies", 4, "r2"), (f"ehr-{c}.patients", 3, "r2"),
            (f"ehr-{c}.lab_results", 2, "r1"), ("ref.drug_formulary", 3, "r2")]


def pool_lab_tech(m: Site):
    c = m.ehr
    return [(f"lims-{c}.specimens", 9, "r3 u3"), (f"lims-{c}.results_raw", 8, "r2 u2 q1"),
            (f"lims-{c}.instruments", 3, "r1 u1"), (f"ehr-{c}.lab_results", 5, "r1 u2"),
            (f"ehr-{c}.patients", 3, "r2"), (f"ehr-{c}.orders", 3, "r2")]


def pool_call_agent(m: Site):
    c, r, b = m.ehr, m.crm, m.bill
    pool = [(f"crm-{r}.contacts", 9, "r5 q2 u1"), (f"crm-{r}.cases", 7, "r3 u2"),
            (f"crm-{r}.call_notes", 6, "r2 u2"), (f"crm-{r}.callbacks", 3, "r1 u1"),
            (f"sched-{c}.appointments", 8, "r3 q1 u2"), (f"sched-{c}.waitlist", 2, "r1 u1"),
            (f"billing-{b}.patient_accounts", 3, "r2"), (f"crm-{r}.complaints", 1, "r1 u1"),
            ("ref.facility_directory", 1, "r1")]
    if c == "use":
        pool.append(("sched-usw.appointments", 4, "r3 q1 u1"))
    if c == "uk":
        pool.append(("sched-de.appointments", 1, "r1"))
    return pool


def pool_revenue_cycle(m: Site):
    c, b = m.ehr, m.bill
    return [(f"billing-{b}.claims", 9, "q3 r3 u2 e0.15"), (f"billing-{b}.invoices", 5, "r3 q1"),
            (f"billing-{b}.payments", 5, "r2 q2"), (f"billing-{b}.patient_accounts", 6, "r3 u1"),
            (f"billing-{b}.insurance_policies", 4, "r3"), (f"billing-{b}.payer_contracts", 2, "r1"),
            (f"billing-{b}.collections", 3, "q1 r1 u1"), (f"ehr-{c}.encounters", 3, "r2"),
            (f"ehr-{c}.diagnoses", 3, "r2"), (f"billing-{b}.price_list", 1, "r1")]


def pool_finance(m: Site):
    b = m.bill
    return [("fin.gl_journal", 8, "q3 r1 u1 e0.25"), ("fin.gl_accounts", 3, "r2"),
            ("fin.ap_invoices", 6, "q2 r2 u1"), ("fin.ar_receivables", 5, "q2 r1"),
            ("fin.vendor_master", 3, "r2 u0.3"), ("fin.treasury_accounts", 1, "r1"),
            ("fin.budget_plans", 3, "r1 u1"), ("fin.fx_rates", 2, "r1"), ("fin.intercompany", 2, "q1"),
            ("fin.fixed_assets", 1, "r1"), ("fin.tax_filings", 1, "r1"), (f"billing-{b}.payments", 3, "q2"),
            ("dw.agg_revenue", 3, "q2 e0.3"), ("s3://mh-reports/finance/monthly-close", 2, "d1")]


def pool_hr(m: Site):
    h = m.hr
    return [(f"hr-{h}.employees", 8, "r4 q1 u1"), (f"hr-{h}.absences", 5, "r2 u2"),
            (f"hr-{h}.payroll", 3, "q1 r1 e0.08"), (f"hr-{h}.performance_reviews", 3, "r2 u1"),
            (f"hr-{h}.recruiting_candidates", 5, "r3 u1 q1"), ("api://directory/staff", 3, "r1")]


def pool_analyst(m: Site):
    spec = {"agg_los_daily": "q2 e0.3", "agg_readmissions": "q2 e0.15", "agg_revenue": "q2 e0.3",
            "fact_call_centre": "q1 e0.2", "agg_kpi_monthly": "q1 e0.3", "fact_wait_times": "q3 e0.1"}
    weights = {"fact_encounters": 6, "fact_admissions": 5, "fact_claims": 5, "fact_diagnoses": 4,
               "fact_appointments": 4, "fact_wait_times": 6}
    pool = [(f"dw.{name}", weights.get(name, 2.5), spec.get(name, "q4"))
            for name, *_ in DW_TABLES if name not in ("fact_employee_hours", "sample_patient_cohort")]
    pool.append(("s3://mh-reports/board/kpi-pack", 1, "d1"))
    pool.append(("ref.icd10", 1, "r1 q1"))
    return pool


def pool_researcher(m: Site):
    pool = [(f"research.cohort_{c}", 3, "q3 r1 e0.12") for c in
            ("cardio", "oncology", "diabetes", "respiratory", "neuro", "paediatrics", "maternity")]
    return pool + [("research.biobank_samples", 2, "q2 r1"), ("research.trial_enrolment", 2, "r2 u1"),
                   ("research.genomic_variants", 1, "q2"), ("dw.sample_patient_cohort", 2, "q1"),
                   ("ref.icd10", 2, "r1"), ("ref.snomed", 2, "r1 q1"),
                   ("s3://mh-reports/research/ethics-approvals", 1, "d1")]


def pool_sre(m: Site):
    return [("ops.cmdb_hosts", 6, "r2 l2"), ("ops.incidents", 7, "r3 u2"), ("ops.change_requests", 4, "r2 u1"),
            ("ops.deploy_history", 4, "r1 q1"), ("audit.access_log", 2, "q1"), ("siem.alerts", 1, "r1"),
            ("vault://prod/ops/bastion-ssh", 2, "r1"), ("vault://prod/ops/cloud-admin", 1, "r1"),
            ("vault://prod/ops/pager-token", 1, "r1"), ("vault://prod/ops/tls-wildcard", 0.5, "r1"),
            ("vault://prod/db/dw", 0.5, "r1"), ("vault://prod/db/crm", 0.5, "r1"),
            ("s3://mh-reports/ops/weekly", 1, "d1")]


def pool_dba(m: Site):
    pool = [("ops.db_catalog", 7, "l3 q1"), ("ops.change_requests", 5, "r2 u1"), ("ops.incidents", 3, "r1 u1")]
    pool += [(f"vault://prod/db/{db}", 1, "r1") for db in ("ehr-de", "ehr-uk", "ehr-us", "billing", "dw", "crm")]
    pool += [(f"ehr-{c}.{t}", 0.6, "l2 q0.5") for c in ("de", "uk", "use", "usw")
             for t in ("patients", "encounters", "lab_results", "orders")]
    pool += [(f"billing-{b}.claims", 0.6, "l2 q0.5") for b in ("de", "uk", "us")]
    pool += [("dw.fact_encounters", 0.6, "l1 q0.5"), ("dw.fact_claims", 0.6, "l1 q0.5")]
    return pool


def pool_servicedesk(m: Site):
    return [("iam.accounts", 9, "r4 u3 q1 x0.05"), ("iam.group_memberships", 5, "r2 u2"),
            ("api://directory/staff", 6, "r3"), (f"hr-{m.hr}.employees", 2, "r1"),
            ("ops.incidents", 5, "r2 u2"), ("audit.login_events", 2, "q1")]


def pool_soc(m: Site):
    return [("audit.access_log", 8, "q4"), ("audit.login_events", 6, "q3"), ("siem.alerts", 9, "r4 u3"),
            ("iam.accounts", 3, "r2"), ("ops.cmdb_hosts", 2, "r1"), ("ops.incidents", 2, "r1 u1")]


def pool_governance(m: Site):
    return [("catalog.datasets", 6, "r2 l3 u1"), ("catalog.lineage", 4, "r2"), ("ref.icd10", 1, "r1"),
            ("dw.dim_date", 1, "l1"), ("dw.agg_kpi_monthly", 1, "l1"), ("iam.group_memberships", 2, "r1")]


def pool_quality(m: Site):
    c = m.ehr
    return [("dw.quality_measures", 8, "q4 e0.15"), ("dw.agg_readmissions", 6, "q3"),
            ("dw.fact_admissions", 4, "q2"), (f"ehr-{c}.discharge_summaries", 4, "r3"),
            (f"ehr-{c}.encounters", 3, "r2"), ("dw.fact_diagnoses", 2, "q1"),
            ("s3://mh-reports/quality/monthly", 2, "d1")]


def pool_executive(m: Site):
    return [("s3://mh-reports/board/kpi-pack", 6, "d2"), ("dw.agg_kpi_monthly", 5, "r3"),
            ("s3://mh-reports/finance/monthly-close", 3, "d1"), ("dw.agg_revenue", 2, "r1")]


@dataclass(eq=False)
class Role:
    """A behaviour archetype: rhythm, volume, resources and record sizes."""
    name: str
    pattern: str                      # office | shift24 | shift2 | callcentre
    events: float                     # mean events in a normal working window
    pool: Callable[[Site], list]
    records: dict = field(default_factory=dict)
    personal: int = 8                 # resources a person habitually uses
    gap_s: float = 90.0               # mean seconds between events inside a session
    oncall_cycle: int = 0             # on call one week in N (0 = never)
    vpn_rate: float = 0.0             # share of days worked over VPN
    weekend_rate: float = 0.03        # office roles: chance of a short weekend session
    calendar: str = ""                # finance | revenue | hr | clinical | callcentre
    explore: float = 0.02             # chance an event uses a team resource outside the personal set
    start_min: int = 540              # office roles: typical local start time (minutes)
    length_min: int = 510             # office roles: typical working-window length

    def records_for(self, action: str) -> tuple:
        return self.records.get(action, DEFAULT_RECORDS[action])


ROLES = {r.name: r for r in [
    Role("nurse", "shift24", 17, pool_nurse, personal=11, gap_s=80, calendar="clinical",
         records={"read": ("ln", 0.3, 0.6, 40), "query": ("ln", 2.1, 0.8, 400), "list": ("ln", 2.7, 0.5, 200),
                  "export": ("ln", 3.2, 0.4, 200)}),
    Role("physician", "office", 21, pool_physician, personal=12, gap_s=70, oncall_cycle=5, calendar="clinical",
         weekend_rate=0.08, start_min=480, length_min=600, vpn_rate=0.05,
         records={"read": ("ln", 0.4, 0.7, 60), "query": ("ln", 2.4, 0.9, 800), "export": ("ln", 3.5, 0.8, 600),
                  "download": ("ln", 3.0, 1.0, 800)}),
    Role("behavioral", "office", 15, pool_behavioral, personal=7, gap_s=140, calendar="clinical",
         start_min=510, length_min=540),
    Role("radiologist", "office", 24, pool_radiologist, personal=6, gap_s=120, calendar="clinical",
         records={"download": ("ln", 4.0, 0.9, 3000), "read": ("ln", 0.5, 0.6, 40)}),
    Role("radiologist_nights", "shift24", 22, pool_radiologist, personal=6, gap_s=130, calendar="clinical",
         records={"download": ("ln", 4.0, 0.9, 3000), "read": ("ln", 0.5, 0.6, 40)}),
    Role("pharmacist", "shift2", 20, pool_pharmacist, personal=8, gap_s=90, calendar="clinical"),
    Role("lab_tech", "shift24", 16, pool_lab_tech, personal=6, gap_s=100, calendar="clinical",
         records={"query": ("ln", 3.0, 0.8, 2000), "update": ("ln", 0.8, 0.6, 40)}),
    Role("call_agent", "callcentre", 26, pool_call_agent, personal=9, gap_s=110, calendar="callcentre",
         records={"read": ("ln", 0.1, 0.4, 10), "query": ("ln", 1.2, 0.8, 100)}),
    Role("revenue_cycle", "office", 22, pool_revenue_cycle, personal=9, gap_s=100, calendar="revenue",
         records={"query": ("ln", 3.5, 1.1, 20_000), "export": ("ln", 4.5, 0.8, 3_000)}),
    Role("finance", "office", 13, pool_finance, personal=10, gap_s=150, calendar="finance", vpn_rate=0.2,
         records={"query": ("ln", 4.0, 1.3, 400_000), "export": ("ln", 7.0, 1.0, 250_000)}),
    Role("hr", "office", 11, pool_hr, personal=6, gap_s=160, calendar="hr", vpn_rate=0.2,
         records={"query": ("ln", 2.5, 1.2, 12_000), "export": ("ln", 5.5, 0.8, 12_000)}),
    Role("analyst", "office", 12, pool_analyst, personal=11, gap_s=240, vpn_rate=0.35, weekend_rate=0.05,
         start_min=570, length_min=540,
         records={"query": ("par", 15, 0.85, 4_000_000), "export": ("ln", 6.0, 1.4, 200_000)}),
    Role("researcher", "office", 9, pool_researcher, personal=6, gap_s=300, vpn_rate=0.3, weekend_rate=0.06,
         records={"query": ("ln", 6.0, 1.3, 3_000_000), "export": ("ln", 7.6, 0.5, HEALTH_EXPORT_CAP)}),
    Role("sre", "office", 12, pool_sre, personal=8, gap_s=120, oncall_cycle=4, vpn_rate=0.4, weekend_rate=0.05,
         records={"query": ("ln", 4.0, 1.2, 200_000), "read": ("ln", 0.5, 0.8, 50)}),
    Role("sre_contractor", "office", 8, pool_sre, personal=6, gap_s=150, vpn_rate=0.9,
         records={"query": ("ln", 4.0, 1.2, 200_000)}),
    Role("dba", "office", 12, pool_dba, personal=14, gap_s=100, vpn_rate=0.3,
         records={"list": ("ln", 3.0, 0.8, 500), "query": ("ln", 1.5, 1.0, 500)}),
    Role("servicedesk", "office", 20, pool_servicedesk, personal=6, gap_s=110, start_min=450,
         records={"query": ("ln", 1.5, 0.8, 300)}),
    Role("soc", "shift24", 14, pool_soc, personal=6, gap_s=160,
         records={"query": ("ln", 5.0, 1.3, 500_000)}),
    Role("governance", "office", 9, pool_governance, personal=6, gap_s=200, vpn_rate=0.3),
    Role("quality", "office", 10, pool_quality, personal=6, gap_s=200, vpn_rate=0.2,
         records={"query": ("ln", 5.0, 1.2, 300_000), "export": ("ln", 5.5, 0.8, 5_000)}),
    Role("executive", "office", 4, pool_executive, personal=4, gap_s=400, vpn_rate=0.4, weekend_rate=0.1,
         records={"read": ("ln", 3.0, 0.8, 2_000)}),
]}

# Human groups: (group, role, site, market site, base head-count, options).
# Options: "window" = (local start, local end) minutes for call-centre shifts.
GROUPS = [
    ("nursing-ber", "nurse", "ber", "ber", 50, {}), ("nursing-lon", "nurse", "lon", "lon", 50, {}),
    ("nursing-nyc", "nurse", "nyc", "nyc", 48, {}), ("nursing-sfo", "nurse", "sfo", "sfo", 40, {}),
    ("physicians-ber", "physician", "ber", "ber", 24, {}), ("physicians-lon", "physician", "lon", "lon", 24, {}),
    ("physicians-nyc", "physician", "nyc", "nyc", 24, {}), ("physicians-sfo", "physician", "sfo", "sfo", 18, {}),
    ("behavioral-health", "behavioral", "lon", "lon", 6, {}),
    ("behavioral-health", "behavioral", "nyc", "nyc", 6, {}),
    ("radiology-nyc", "radiologist_nights", "nyc", "nyc", 8, {}),
    ("radiology-ber", "radiologist", "ber", "ber", 6, {}),
    ("pharmacy-ber", "pharmacist", "ber", "ber", 7, {}), ("pharmacy-lon", "pharmacist", "lon", "lon", 7, {}),
    ("pharmacy-nyc", "pharmacist", "nyc", "nyc", 7, {}), ("pharmacy-sfo", "pharmacist", "sfo", "sfo", 7, {}),
    ("laboratory-ber", "lab_tech", "ber", "ber", 10, {}), ("laboratory-nyc", "lab_tech", "nyc", "nyc", 10, {}),
    ("patient-access-blr", "call_agent", "blr", "lon", 32, {"window": (750, 1290)}),    # UK hours in IST
    ("patient-access-blr", "call_agent", "blr", "nyc", 26, {"window": (1110, 1650)}),   # US hours: IST nights
    ("patient-access-nyc", "call_agent", "nyc", "nyc", 24, {"window": (480, 1200)}),
    ("revenue-cycle-blr", "revenue_cycle", "blr", "nyc", 22, {}),
    ("revenue-cycle-blr", "revenue_cycle", "blr", "lon", 12, {}),
    ("revenue-cycle-nyc", "revenue_cycle", "nyc", "nyc", 14, {}),
    ("revenue-cycle-ber", "revenue_cycle", "ber", "ber", 8, {}),
    ("finance-ber", "finance", "ber", "ber", 8, {}), ("finance-lon", "finance", "lon", "lon", 8, {}),
    ("finance-nyc", "finance", "nyc", "nyc", 10, {}),
    ("hr-ber", "hr", "ber", "ber", 4, {}), ("hr-lon", "hr", "lon", "lon", 4, {}),
    ("hr-nyc", "hr", "nyc", "nyc", 5, {}), ("hr-blr", "hr", "blr", "blr", 4, {}),
    ("analytics-lon", "analyst", "lon", "lon", 14, {}), ("analytics-nyc", "analyst", "nyc", "nyc", 14, {}),
    ("research-ber", "researcher", "ber", "ber", 12, {}),
    ("platform-ops", "sre", "blr", "blr", 6, {}), ("platform-ops", "sre", "lon", "lon", 4, {}),
    ("platform-ops", "sre", "nyc", "nyc", 4, {}),
    ("database-admins", "dba", "blr", "blr", 4, {}), ("database-admins", "dba", "nyc", "nyc", 2, {}),
    ("it-servicedesk", "servicedesk", "blr", "blr", 10, {}), ("it-servicedesk", "servicedesk", "lon", "lon", 2, {}),
    ("it-servicedesk", "servicedesk", "nyc", "nyc", 2, {}),
    ("security-soc", "soc", "blr", "blr", 8, {}),
    ("data-governance", "governance", "lon", "lon", 4, {}),
    ("quality-improvement", "quality", "nyc", "nyc", 4, {}), ("quality-improvement", "quality", "lon", "lon", 4, {}),
    ("leadership", "executive", "lon", "lon", 4, {}), ("leadership", "executive", "nyc", "nyc", 4, {}),
    (None, "sre_contractor", "lon", "lon", 4, {}),
]

FIRST_NAMES = {
    "DE": "anna lukas marie jonas lea felix sophie paul laura leon hannah finn julia tim lena jan clara max "
          "emma noah mia elias greta moritz ida karl".split(),
    "GB": "oliver amelia harry isla jack ava george emily charlie grace jacob freya thomas ella oscar "
          "lily william poppy james chloe henry ruby alfie evie".split(),
    "US": "liam olivia noah emma ethan sophia mason ava logan mia lucas harper aiden evelyn jackson abigail "
          "carter ella daniel scarlett mateo madison caleb aria".split(),
    "IN": "aarav ananya vihaan diya arjun isha rohan kavya aditya priya sai meera karthik sneha rahul pooja "
          "vikram nisha arnav riya siddharth divya manish lakshmi".split(),
}
LAST_NAMES = {
    "DE": "mueller schmidt schneider fischer weber meyer wagner becker schulz hoffmann koch richter klein "
          "wolf neumann schwarz zimmermann braun krueger hartmann lange werner krause".split(),
    "GB": "smith jones taylor brown williams wilson johnson davies robinson wright thompson evans walker "
          "white roberts green hall wood jackson clarke patel hughes edwards".split(),
    "US": "johnson garcia miller davis rodriguez martinez hernandez lopez gonzalez anderson thomas moore "
          "martin lee perez thompson harris sanchez clark ramirez lewis walker young".split(),
    "IN": "sharma iyer reddy nair patel gupta rao menon kumar singh krishnan das bose pillai verma joshi "
          "mehta chopra agarwal bhat kulkarni desai shetty".split(),
}


# =========================================================================
# Services
# =========================================================================

@dataclass(eq=False)
class ServiceSpec:
    """How a service identity behaves: schedule, volume and what it reads."""
    name: str
    group: str | None
    site: str
    pattern: str                     # diurnal | flat | interval | daily | weekly | monthly_last | payroll
    per_day: float                   # diurnal/flat: mean events per day; interval: events per run
    items: list                      # (resource, weight, action spec)
    records: dict = field(default_factory=dict)
    at_min: int = 0                  # scheduled jobs: local start minute
    every_min: int = 60              # interval jobs
    weekday: int = 0                 # weekly jobs
    weekend: float = 1.0             # weekend rate multiplier
    full_scan: bool = False          # batch jobs read every resource in the catalog (backups)
    start_day: int = -NEVER          # first day the service exists
    growth: float = 0.0              # organic growth per day (multiplicative)

    def records_for(self, action: str) -> tuple:
        return self.records.get(action, DEFAULT_RECORDS[action])


def build_services(td: int) -> list[ServiceSpec]:
    """All service identities of the group.  `td` is the first test day."""
    S = ServiceSpec
    out = []
    for key in ("ber", "lon", "nyc", "sfo"):
        c = SITES[key].ehr
        out += [
            S(f"svc-portal-{key}", "patient-digital", key, "diurnal", 240,
              [(f"ehr-{c}.patients", 4, "r"), (f"sched-{c}.appointments", 4, "r3 u1 q1"),
               (f"ehr-{c}.lab_results", 2, "r"), (f"ehr-{c}.medications", 1, "r"),
               (f"ehr-{c}.discharge_summaries", 0.5, "r")],
              {"read": ("ln", 0.5, 0.6, 30), "query": ("ln", 1.5, 0.7, 60)}, weekend=0.7),
            S(f"svc-hl7-{key}", "integration", key, "flat", 180,
              [(f"ehr-{c}.lab_results", 4, "u3 r1"), (f"ehr-{c}.orders", 2, "r"),
               (f"lims-{c}.results_raw", 2, "r")], {"read": ("ln", 0.7, 0.5, 40)}),
            S(f"svc-scheduling-{key}", "patient-digital", key, "diurnal", 110,
              [(f"sched-{c}.appointments", 6, "q2 u3 r2"), (f"sched-{c}.rooms", 1, "r"),
               (f"sched-{c}.waitlist", 1, "q1 u1"), (f"sched-{c}.rosters", 0.5, "r")], weekend=0.3),
            S(f"svc-pharmacy-{key}", "integration", key, "diurnal", 80,
              [(f"pharm-{c}.dispensing", 4, "r2 u2"), (f"ehr-{c}.medications", 2, "r"),
               (f"pharm-{c}.inventory", 1, "u")], weekend=0.8),
        ]
    for r, key in (("eu", "lon"), ("us", "nyc")):
        fhir = [(f"api://fhir-{r}/Patient", 4, "r3 q1"), (f"api://fhir-{r}/Observation", 4, "r2 q1"),
                (f"api://fhir-{r}/Encounter", 2, "r"), (f"api://fhir-{r}/MedicationRequest", 2, "r"),
                (f"api://fhir-{r}/DiagnosticReport", 2, "r"), (f"api://fhir-{r}/Appointment", 2, "r")]
        bills = ["uk", "de"] if r == "eu" else ["us"]
        ehrs = ["uk", "de"] if r == "eu" else ["use", "usw"]
        out += [
            S(f"svc-fhir-gateway-{r}", "integration", key, "diurnal", 320, fhir,
              {"read": ("ln", 1.0, 1.0, 200), "query": ("ln", 2.5, 1.0, 2_000)}, weekend=0.6),
            S(f"svc-billing-api-{r}", "revenue-systems", key, "diurnal", 110,
              [(f"billing-{b}.{t}", w, a) for b in bills for t, w, a in
               (("invoices", 2, "r"), ("payments", 2, "r1 u1"), ("patient_accounts", 2, "r"))], weekend=0.4),
            S(f"svc-notifications-{r}", "patient-digital", key, "diurnal", 70,
              [(f"sched-{e}.appointments", 3, "q") for e in ehrs] + [(f"crm-{r}.contacts", 3, "r")],
              {"query": ("ln", 4.0, 0.8, 5_000)}, weekend=0.5),
            S(f"svc-telehealth-{r}", "patient-digital", key, "diurnal", 90,
              [(f"telehealth-{r}.sessions", 4, "r2 u2"), (f"telehealth-{r}.recordings", 1, "u1 r0.5"),
               (f"ehr-{ehrs[0]}.patients", 2, "r")], {"read": ("ln", 0.3, 0.5, 20)},
              weekend=0.5, growth=0.025 if r == "us" else 0.0),
            S(f"svc-search-indexer-{r}", "integration" if r == "us" else None, key, "interval", 1,
              [(f"ehr-{ehrs[0]}.patients", 1, "q")], {"query": ("ln", 2.5, 1.0, 3_000)}, every_min=15),
        ]
    out += [
        S("svc-claims-gateway-us", "revenue-systems", "nyc", "diurnal", 160,
          [("billing-us.claims", 6, "q2 u3 r1"), ("billing-us.insurance_policies", 2, "r"),
           ("billing-us.payer_contracts", 0.3, "r")], {"query": ("ln", 2.0, 1.0, 2_000)}, weekend=0.2),
        S("svc-claims-gateway-de", "revenue-systems", "ber", "diurnal", 60,
          [("billing-de.claims", 6, "q2 u3 r1"), ("billing-de.insurance_policies", 2, "r")], weekend=0.2),
        S("svc-crm-sync", "integration", "lon", "interval", 3,
          [("crm-eu.contacts", 2, "q"), ("crm-us.contacts", 2, "q"), ("ehr-uk.patients", 1, "q"),
           ("ehr-use.patients", 1, "q")], {"query": ("ln", 4.0, 1.0, 20_000)}, every_min=60),
        S("svc-iam-sync", "identity", "lon", "interval", 2,
          [(f"hr-{h}.employees", 1, "q") for h in ("de", "uk", "us", "in")] + [("iam.accounts", 2, "u1 q1")],
          {"query": ("ln", 2.0, 1.0, 5_000), "update": ("ln", 1.0, 1.0, 200)}, every_min=30),
        S("svc-payroll-export", "finance-systems", "ber", "payroll", 0,
          [(f"hr-{h}.payroll", 1, "e") for h in ("de", "uk", "us", "in")] + [("fin.gl_journal", 1, "u")],
          {"export": ("ln", 7.8, 0.3, 20_000), "update": ("ln", 5.0, 0.3, 2_000)}, at_min=540),
        S("etl-dw-nightly-eu", "data-platform", "lon", "daily", 0,
          [(f"ehr-{c}.{t}", 1, "q") for c in ("uk", "de") for t in
           ("patients", "encounters", "diagnoses", "medications", "lab_results", "orders", "discharge_summaries")]
          + [(f"billing-{b}.{t}", 1, "q") for b in ("uk", "de") for t in ("claims", "payments")]
          + [("sched-uk.appointments", 1, "q"), ("sched-de.appointments", 1, "q"), ("crm-eu.cases", 1, "q")]
          + [(f"dw.{t}", 1, "u") for t in ("fact_encounters", "fact_diagnoses", "fact_claims", "fact_labs",
                                           "fact_appointments", "dim_patient")],
          {"query": ("ln", 8.3, 0.5, 200_000), "update": ("ln", 8.8, 0.5, 400_000)}, at_min=90),
        S("etl-dw-nightly-us", "data-platform", "nyc", "daily", 0,
          [(f"ehr-{c}.{t}", 1, "q") for c in ("use", "usw") for t in
           ("patients", "encounters", "diagnoses", "medications", "lab_results", "orders", "discharge_summaries")]
          + [("billing-us.claims", 1, "q"), ("billing-us.payments", 1, "q"), ("sched-use.appointments", 1, "q"),
             ("sched-usw.appointments", 1, "q"), ("crm-us.cases", 1, "q")]
          + [(f"dw.{t}", 1, "u") for t in ("fact_encounters", "fact_diagnoses", "fact_claims", "fact_labs",
                                           "fact_appointments", "dim_patient", "fact_payments")],
          {"query": ("ln", 8.6, 0.5, 300_000), "update": ("ln", 9.0, 0.5, 600_000)}, at_min=60),
        S("etl-research-weekly", "data-platform", "ber", "weekly", 0,
          [(f"ehr-de.{t}", 1, "q") for t in ("encounters", "diagnoses", "lab_results", "medications",
                                             "genomics_results")]
          + [(f"research.cohort_{c}", 1, "u") for c in ("cardio", "oncology", "diabetes", "neuro")],
          {"query": ("ln", 10.0, 0.3, 1_000_000), "update": ("ln", 7.0, 0.5, 50_000)}, at_min=180, weekday=6),
        S("report-scheduler", "data-platform", "utc", "daily", 0,
          [(f"dw.{t}", 1, "e") for t in ("agg_kpi_monthly", "agg_revenue", "agg_los_daily", "fact_call_centre",
                                         "fact_bed_occupancy")] + [("dw.quality_measures", 1, "q")],
          {"export": ("ln", 6.0, 0.5, 50_000)}, at_min=360),
        S("svc-bi-dashboards", "data-platform", "lon", "diurnal", 140,
          [(f"dw.{t}", w, "q") for t, w in (("agg_kpi_monthly", 4), ("agg_revenue", 3), ("agg_los_daily", 3),
                                            ("agg_readmissions", 2), ("fact_bed_occupancy", 2),
                                            ("fact_encounters", 1), ("fact_claims", 1), ("fact_call_centre", 2),
                                            ("quality_measures", 2), ("fact_staffing", 1))],
          {"query": ("ln", 5.0, 1.4, 500_000)}, weekend=0.15),
        S("svc-ml-readmission", "data-platform", "nyc", "daily", 0,
          [("dw.fact_admissions", 1, "q"), ("dw.fact_diagnoses", 1, "q"), ("dw.dim_patient", 1, "q"),
           ("dw.agg_readmissions", 1, "u")],
          {"query": ("ln", 9.5, 0.3, 2_000_000), "update": ("ln", 7.5, 0.3, 100_000)}, at_min=240),
        S("svc-siem-collector", "security", "blr", "interval", 2,
          [("audit.access_log", 2, "q"), ("audit.login_events", 1, "q")],
          {"query": ("ln", 6.0, 0.5, 100_000)}, every_min=5),
        S("svc-monitoring", None, "utc", "interval", 1, [("ops.cmdb_hosts", 1, "l")],
          {"list": ("ln", 6.5, 0.1, 10_000)}, every_min=10),
        S("svc-legacy-lis-bridge", None, "ber", "flat", 70,
          [("lims-de.results_raw", 3, "r"), ("ehr-de.lab_results", 2, "u")]),
        S("backup-agent", None, "utc", "daily", 0, [], {}, at_min=30, full_scan=True),
        S("batch-statements-us", "revenue-systems", "nyc", "monthly_last", 0,
          [("billing-us.patient_accounts", 1, "q"), ("billing-us.invoices", 1, "e")],
          {"query": ("ln", 12.5, 0.1, 400_000), "export": ("ln", 11.7, 0.1, 200_000)}, at_min=1320),
        S("batch-dunning-de", "revenue-systems", "ber", "weekly", 0,
          [("billing-de.collections", 1, "q"), ("billing-de.collections", 1, "e")],
          {"query": ("ln", 8.0, 0.3, 20_000), "export": ("ln", 7.5, 0.3, 10_000)}, at_min=300, weekday=0),
        S("svc-vault-rotator", "identity", "utc", "weekly", 0,
          [(f"vault://prod/db/{db}", 1, "u") for db in ("ehr-de", "ehr-uk", "ehr-us", "billing", "hr", "dw",
                                                        "fin", "crm", "research", "lims")],
          {"update": ("fix", 1)}, at_min=120, weekday=2),
        # labelled benign "new_service": appears early in the test period
        S("svc-ai-scribe-uk", "clinical-ai", "lon", "diurnal", 150,
          [("ehr-uk.clinical_notes", 5, "r2 u2"), ("ehr-uk.encounters", 3, "r"), ("ehr-uk.patients", 2, "r"),
           ("ehr-uk.medications", 1, "r")], {"read": ("ln", 0.8, 0.6, 40)}, weekend=0.4, start_day=td + 3),
    ]
    return out


DIURNAL = [0.15, 0.10, 0.08, 0.08, 0.10, 0.20, 0.40, 0.70, 1.00, 1.20, 1.30, 1.30,
           1.20, 1.25, 1.30, 1.25, 1.10, 0.95, 0.80, 0.70, 0.60, 0.45, 0.30, 0.20]
DIURNAL_SUM = sum(DIURNAL)


# =========================================================================
# Actors
# =========================================================================

@dataclass(eq=False)
class User:
    """A human identity with its own rhythm, habits and life events."""
    name: str
    site: Site
    rng: random.Random
    assignments: list                 # [(from_day, group, Role, market Site)], sorted
    hire_day: int = -NEVER
    leave_day: int = NEVER
    intensity: float = 1.0
    style: str = "rotating"           # shift workers: rotating | nights | days-E | days-L
    rota_offset: int = 0
    start_min: float = 540.0
    length_min: float = 510.0
    window: tuple | None = None       # call-centre shift (local minutes)
    parttime: bool = False
    days_off: tuple = ()              # office part-timers: fixed weekdays off
    vacations: list = field(default_factory=list)
    sick: set = field(default_factory=set)
    oncall_offset: int = 0
    ips: list = field(default_factory=list)
    week_factor: dict = field(default_factory=dict)
    travel: tuple | None = None       # (first day, last day, Site) working from elsewhere
    personal: dict = field(default_factory=dict)   # (role, market) -> (personal Picker, team Picker)
    kind: str = "user"

    def assignment(self, d: int):
        current = self.assignments[0]
        for a in self.assignments:
            if a[0] <= d:
                current = a
        return current

    def group_on(self, d: int):
        return self.assignment(d)[1]

    def employed(self, d: int) -> bool:
        return self.hire_day <= d < self.leave_day

    def absent(self, d: int) -> bool:
        return d in self.sick or any(a <= d <= b for a, b in self.vacations)


@dataclass(eq=False)
class Service:
    """A service identity: a spec plus its pod address pools."""
    name: str
    site: Site
    spec: ServiceSpec
    rng: random.Random
    items: Picker | None = None
    subnet24: int = 0
    kind: str = "service"
    step: tuple | None = None         # (from day, rate factor): permanent change after a deploy

    def group_on(self, d: int):
        return self.spec.group

    def pod_ips(self, week: int) -> list[str]:
        """Pod addresses for a deploy epoch (a week); they churn inside the service's /24."""
        r = random.Random(f"{self.name}:pods:{week}")
        net = SERVICE_SUBNET[self.site.region]
        return [f"10.{net}.{self.subnet24}.{r.randint(4, 250)}" for _ in range(r.randint(2, 5))]


# =========================================================================
# Events
# =========================================================================

@dataclass(slots=True, eq=False)
class Event:
    t: int
    actor: object
    group: str | None
    action: str
    res: Resource
    records: int
    nbytes: int
    outcome: str
    jur: list | None
    ip: str
    region: str
    tag: tuple | None = None
    delay: int = 0
    eid: str = ""
    seq: int = 0


def bytes_for(rng: random.Random, res: Resource, action: str, records: int, outcome: str) -> int:
    """Response size: rows times row width for reads, small for lists/writes/failures."""
    if outcome == "denied":
        return 0
    if outcome == "error":
        return rng.randint(0, 600)
    per = 160 if action == "list" else 60 if action in ("update", "delete") else res.row_bytes
    return int(220 + records * per * rng.uniform(0.75, 1.3))


def jurisdictions_for(rng: random.Random, res: Resource, records: int) -> list | None:
    """Jurisdictions of the subjects touched: mostly the resource's main one, more for big reads."""
    j = res.jurisdictions
    if not j:
        return None
    if len(j) == 1 or records <= 1:
        return [j[0]] if len(j) == 1 or rng.random() < 0.8 else [rng.choice(j[1:])]
    p = min(0.97, 0.09 * math.log(records))
    return sorted({j[0]} | {x for x in j[1:] if rng.random() < p})


def make_event(rng: random.Random, t: int, actor, group, res: Resource, action: str, records: int,
               ip: str, region: str, outcome: str = "success", tag=None) -> Event:
    """Build one access event with consistent bytes and subject jurisdictions."""
    if outcome != "success":
        records = 0
    return Event(t, actor, group, action, res, records, bytes_for(rng, res, action, records, outcome),
                 outcome, jurisdictions_for(rng, res, records), ip, region, tag)


def random_outcome(rng: random.Random, records: int, denied: float = 0.002, error: float = 0.002) -> str:
    """Everyday failures: rare denials, errors (more likely on huge reads)."""
    x = rng.random()
    if x < denied:
        return "denied"
    if x < denied + error + (0.03 if records > 200_000 else 0.0):
        return "error"
    return "success"


# =========================================================================
# World
# =========================================================================

@dataclass
class Scenario:
    """Dated benign surprises (labelled and unlabelled) that shape the background."""
    surges: dict = field(default_factory=dict)           # (group, day) -> factor      [labelled]
    benign_hires: list = field(default_factory=list)     # user names                   [labelled]
    growth_service: str = "svc-telehealth-us"            #                              [labelled]
    new_service: str = "svc-ai-scribe-uk"                #                              [labelled]
    step_change: tuple = ()                              # (service, day, factor)       unlabelled
    cred_rotation: tuple = ()                            # (service, day, local minute) unlabelled
    dr_drill: tuple = ()                                 # (service, day, local minute, hours, Site)
    late_batch: tuple = ()                               # (service, day, utc minute, minutes stalled)
    etl_backfill: tuple = ()                             # (service, day)
    team_move: tuple = ()                                # (user, day, group)
    traveller: tuple = ()                                # (user, first day, last day, Site)


@dataclass
class World:
    seed: int
    cal: Calendar
    catalog: dict
    users: list
    services: list
    scenario: Scenario
    new_accounts: dict                                   # attack kind -> [(User, strength factor)]
    events: list = field(default_factory=list)
    _seq: int = 0

    @property
    def td(self) -> int:
        return self.cal.history_days

    def add(self, ev: Event):
        """Keep an event if it falls inside the world."""
        if self.cal.start_ms <= ev.t < self.cal.end_ms:
            ev.seq = self._seq
            self._seq += 1
            self.events.append(ev)


def scaled_groups(n_actors: int, n_services: int) -> list:
    """Scale the base head-counts so the world has about n_actors identities."""
    base = sum(g[4] for g in GROUPS)
    extras = 10                                          # new hires and new attack accounts
    f = max(0.02, (n_actors - n_services - extras) / base)
    return [(g, r, s, m, max(2, round(n * f)), o) for g, r, s, m, n, o in GROUPS]


def unique_name(rng: random.Random, country: str, taken: set) -> str:
    first, last = rng.choice(FIRST_NAMES[country]), rng.choice(LAST_NAMES[country])
    base = f"{first}.{last}"
    name, k = base, 2
    while name in taken:
        name, k = f"{base}{k}", k + 1
    taken.add(name)
    return name


def ward_pool(site: Site, ward: int) -> list[str]:
    """Shared workstation addresses of a hospital ward."""
    r = random.Random(f"ward:{site.key}:{ward}")
    return [f"10.{site.subnet}.{ward}.{r.randint(10, 250)}" for _ in range(r.randint(4, 8))]


def make_user(seed: int, name: str, group, role: Role, site: Site, market: Site, cal: Calendar,
              catalog: dict, opts: dict, hire_day: int = -NEVER) -> User:
    """Create a person with personal rhythm, absences and habitual resources."""
    rng = random.Random(f"{seed}:{name}")
    u = User(name, site, rng, [(-NEVER, group, role, market)], hire_day=hire_day)
    u.intensity = rng.lognormvariate(0, 0.4)
    u.parttime = rng.random() < 0.15
    if role.pattern == "shift24":
        u.style = rng.choices(["rotating", "nights", "days-E", "days-L"], [0.6, 0.12, 0.18, 0.10])[0]
    elif role.pattern == "shift2":
        u.style = rng.choices(["rotating2", "nights", "days-E"], [0.75, 0.1, 0.15])[0]
    u.rota_offset = rng.randrange(6)
    u.start_min = rng.gauss(role.start_min, 35)
    u.length_min = rng.gauss(role.length_min, 30)
    u.window = opts.get("window")
    if u.parttime:
        u.days_off = tuple(rng.sample(range(5), rng.choice([1, 2])))
    if rng.random() < 0.3:                              # one holiday of one or two weeks
        length = rng.choice([7, 9, 11, 14])
        first = rng.randrange(-10, cal.days)
        first -= (cal.start.weekday() + first) % 7 if rng.random() < 0.7 else 0   # usually from a Monday
        u.vacations.append((first, first + length - 1))
    u.sick = {d for d in range(-1, cal.days) if rng.random() < 0.02}
    if rng.random() < 0.04:                             # a longer illness
        first = rng.randrange(0, cal.days)
        u.sick |= set(range(first, first + rng.randint(3, 6)))
    u.oncall_offset = rng.randrange(max(1, role.oncall_cycle))
    if role.name in ("nurse", "lab_tech", "pharmacist", "physician", "radiologist", "radiologist_nights",
                     "behavioral"):
        u.ips = ward_pool(site, rng.randint(1, 12))
    else:
        u.ips = [f"10.{site.subnet}.{rng.randint(100, 160)}.{rng.randint(2, 254)}"]
    u.week_factor = {w: rng.lognormvariate(0, 0.22) for w in range(-1, cal.week(cal.days) + 2)}
    add_personal_set(u, role, market, catalog)
    return u


def add_personal_set(u: User, role: Role, market: Site, catalog: dict):
    """Resolve the role's resource pool and pick this person's habitual subset."""
    pool = [(catalog[name], w, parse_actions(spec)) for name, w, spec in role.pool(market)]
    forced = [e for e in pool if e[1] >= 6]
    rest = weighted_sample(u.rng, [e for e in pool if e[1] < 6], max(0, role.personal - len(forced)))
    mine = forced + rest
    personal = Picker([(r, a) for r, _, a in mine], [w * u.rng.lognormvariate(0, 0.6) for _, w, _ in mine])
    team = Picker([(r, a) for r, _, a in pool], [w for _, w, _ in pool])
    u.personal[(role.name, market.key)] = (personal, team)


def build_population(seed: int, cal: Calendar, catalog: dict, n_actors: int, n_services: int):
    """Create all humans, the labelled new hires and the new accounts used by attacks."""
    rng = random.Random(f"{seed}:population")
    taken: set = set()
    users = []
    for group, role_name, site_key, market_key, count, opts in scaled_groups(n_actors, n_services):
        role, site, market = ROLES[role_name], SITES[site_key], SITES[market_key]
        for _ in range(count):
            name = unique_name(rng, site.country, taken)
            users.append(make_user(seed, name, group, role, site, market, cal, catalog, opts))
    for u in rng.sample(users, min(5, len(users) // 50)):    # a few leavers during the history
        u.leave_day = rng.randrange(5, max(6, cal.history_days - 3))

    td, last = cal.history_days, cal.days - 1
    spec_by_group = {}
    for g, r, s, m, n, o in GROUPS:
        spec_by_group.setdefault(g, (r, s, m, o))

    def hire(group, day):
        r, s, m, o = spec_by_group[group]
        site = SITES[s]
        u = make_user(seed, unique_name(rng, site.country, taken), group, ROLES[r], site, SITES[m], cal,
                      catalog, o, hire_day=min(day, last))
        u.vacations, u.sick, u.leave_day = [], set(), NEVER
        users.append(u)
        return u

    benign_hires = [hire("nursing-nyc", td + 1), hire("analytics-lon", td + 3), hire("revenue-cycle-blr", td + 6)]
    new_accounts = {
        "new_hire_exfil": [(hire("analytics-nyc", td + 1), 5), (hire("revenue-cycle-nyc", td + 4), 20),
                           (hire("patient-access-blr", td + 8), 100)],
        "peer_outlier": [(hire("nursing-lon", td), 3), (hire("physicians-nyc", td + 1), 6),
                         (hire("patient-access-blr", td + 2), 15)],
    }
    return users, [u.name for u in benign_hires], new_accounts


def build_services_population(seed: int, specs: list, catalog: dict) -> list[Service]:
    out = []
    for i, spec in enumerate(specs):
        svc = Service(spec.name, SITES[spec.site], spec, random.Random(f"{seed}:{spec.name}"))
        if spec.items:
            svc.items = Picker([(catalog[n], parse_actions(a)) for n, _, a in spec.items],
                               [w for _, w, _ in spec.items])
        svc.subnet24 = 10 + i * 3
        out.append(svc)
    return out


def plan_scenario(seed: int, cal: Calendar, users: list, benign_hires: list) -> Scenario:
    """Date the benign surprises relative to the start of the test period."""
    rng = random.Random(f"{seed}:scenario")
    td, last = cal.history_days, cal.days - 1
    day = lambda k: min(td + k, last)
    sc = Scenario(benign_hires=benign_hires)
    sc.surges = {("revenue-cycle-blr", day(2)): 4.0, ("patient-access-nyc", day(10)): 3.5}
    sc.step_change = ("svc-portal-ber", day(3), 2.2)
    sc.cred_rotation = ("svc-billing-api-eu", day(7), 605)
    sc.dr_drill = ("svc-portal-nyc", day(5), 540, 3, SITES["sfo"])
    sc.late_batch = ("svc-hl7-lon", day(1), 14 * 60, 40)
    sc.etl_backfill = ("etl-dw-nightly-us", day(4))
    movers = [u for u in users if u.group_on(0) == "revenue-cycle-nyc" and u.hire_day < 0
              and u.leave_day == NEVER and not u.vacations]
    if movers:
        sc.team_move = (rng.choice(movers).name, day(3), "analytics-nyc")
    travellers = [u for u in users if u.group_on(0) == "physicians-lon" and u.hire_day < 0
                  and u.leave_day == NEVER and not u.vacations]
    if travellers:
        sc.traveller = (rng.choice(travellers).name, day(8), day(10), SITES["nyc"])
    return sc


def apply_scenario(world: World):
    """Attach scenario changes to the actors they concern."""
    sc, by_name = world.scenario, {u.name: u for u in world.users}
    if sc.team_move:
        u = by_name[sc.team_move[0]]
        role, market = ROLES["analyst"], u.assignment(0)[3]
        u.assignments.append((sc.team_move[1], sc.team_move[2], role, market))
        add_personal_set(u, role, market, world.catalog)
    if sc.traveller:
        u = by_name[sc.traveller[0]]
        u.travel = sc.traveller[1:]
    for svc in world.services:
        if sc.step_change and svc.name == sc.step_change[0]:
            svc.step = (sc.step_change[1], sc.step_change[2])


def build_world(args) -> World:
    cal = Calendar(args.start, args.days, args.history_days)
    specs = build_services(args.history_days)
    catalog = build_catalog(args.history_days, [s.name for s in specs])
    users, benign_hires, new_accounts = build_population(args.seed, cal, catalog, args.actors, len(specs))
    services = build_services_population(args.seed, specs, catalog)
    scenario = plan_scenario(args.seed, cal, users, benign_hires)
    world = World(args.seed, cal, catalog, users, services, scenario, new_accounts)
    apply_scenario(world)
    return world


# =========================================================================
# Human background behaviour
# =========================================================================

SHIFTS = {"E": (390, 900), "L": (810, 1320), "N": (1290, 1860)}


def shift_today(u: User, cal: Calendar, d: int) -> str | None:
    """Shift code (E/L/N) a shift worker works on local day d, or None for a day off."""
    week = cal.week(d)
    r = random.Random(f"{u.name}:rota:{week}")
    n_work = 3 if u.parttime else (4 if u.style == "nights" else 5)
    working = set(r.sample(range(7), n_work))
    if cal.date(d).weekday() not in working:
        return None
    if u.style == "nights":
        return "N"
    if u.style.startswith("days-"):
        return u.style[-1]
    if u.style == "rotating2":
        return "EL"[(week + u.rota_offset) % 2]
    return "ELN"[(week + u.rota_offset) % 3]


def calendar_factor(cal: Calendar, u: User, role: Role, market: Site, d: int) -> tuple[float, int]:
    """Volume multiplier and extra working minutes for month-end, holidays and the like."""
    day = cal.date(d)
    if role.calendar == "finance":
        nth, left = cal.month_position(d, u.site.country)
        quarter = day.month in (3, 6, 9, 12) and left == 0 or day.month in (1, 4, 7, 10) and 0 < nth <= 3
        if left == 0 or 0 < nth <= 3:
            return (3.2 if quarter else 2.2), 150
    if role.calendar == "revenue":
        nth, left = cal.month_position(d, u.site.country)
        if nth and left <= 1:
            return 1.4, 60
    if role.calendar == "hr" and 20 <= day.day <= 25:
        return 1.3, 0
    if role.calendar == "clinical" and (day.weekday() >= 5 or day in HOLIDAYS[u.site.country]):
        return 0.85, 0
    if role.calendar == "callcentre":
        if day in HOLIDAYS[market.country]:
            return 0.5, 0
        return {0: 1.3, 5: 0.6}.get(day.weekday(), 1.0), 0
    return 1.0, 0


def work_windows(world: World, u: User, d: int) -> list[tuple[int, int, float, tuple | None]]:
    """Working windows of a person on local day d: (utc start, utc end, mean events, tag)."""
    cal = world.cal
    if not u.employed(d) or u.absent(d):
        return []
    _, group, role, market = u.assignment(d)
    zone = u.site.zone
    if u.travel and u.travel[0] <= d <= u.travel[1]:
        zone = u.travel[2].zone
    rng, day = u.rng, cal.date(d)
    factor, extend = calendar_factor(cal, u, role, market, d)
    factor *= u.intensity * u.week_factor.get(cal.week(d), 1.0) * rng.lognormvariate(0, 0.3)
    factor *= world.scenario.surges.get((group, d), 1.0)
    tag = ("surge", group, d) if (group, d) in world.scenario.surges else None
    if d - u.hire_day < 3:                               # onboarding ramp-up
        factor *= (0.35, 0.6, 0.8)[d - u.hire_day]
    if u.travel and u.travel[0] <= d <= u.travel[1]:
        factor *= 0.35
    windows = []

    def add(start_min, end_min, mean, wtag=tag):
        windows.append((zone.to_utc(day, start_min), zone.to_utc(day, end_min), mean, wtag))

    if role.pattern in ("shift24", "shift2"):
        code = shift_today(u, cal, d)
        if code:
            s, e = SHIFTS[code]
            add(s + rng.gauss(0, 8), e + rng.gauss(10, 10), role.events * factor * (0.8 if code == "N" else 1.0))
    elif role.pattern == "callcentre":
        r = random.Random(f"{u.name}:cc:{cal.week(d)}")
        off = {6, r.randrange(6)} | ({r.randrange(6)} if u.parttime else set())
        if day.weekday() not in off:
            s, e = u.window
            add(s + rng.gauss(0, 10), e + rng.gauss(0, 10), role.events * factor)
    else:
        works = cal.is_working(d, u.site.country) and day.weekday() not in u.days_off
        if works:
            s = u.start_min + rng.gauss(0, 20)
            e = s + u.length_min + rng.gauss(0, 40) + extend
            if role.name == "analyst" and rng.random() < 0.1:
                e = min(e + 120, 21 * 60)                # an evening push, never into the night
            add(s, e, role.events * factor)
        elif rng.random() < role.weekend_rate:
            s = rng.uniform(600, 960)
            add(s, s + rng.uniform(40, 150), role.events * factor * 0.25)
        windows += oncall_windows(world, u, role, d, zone, day)
        if role.name == "dba" and day.weekday() == 5 and day.day <= 7:   # monthly maintenance window
            add(23 * 60, 26 * 60, 25 * u.intensity)
        if role.name == "governance" and works and day.weekday() == 0:  # weekly catalogue scan
            add(600, 660, 0, ("scan",))
    return windows


def oncall_windows(world: World, u: User, role: Role, d: int, zone: Zone, day: date) -> list:
    """Night call-outs during the person's on-call weeks."""
    if not role.oncall_cycle or (world.cal.week(d) + u.oncall_offset) % role.oncall_cycle:
        return []
    rng, out = u.rng, []
    if rng.random() < 0.55:
        for _ in range(rng.choice([1, 1, 2])):
            s = rng.uniform(22 * 60, 29 * 60)
            out.append((zone.to_utc(day, s), zone.to_utc(day, s + rng.uniform(15, 75)),
                        rng.uniform(3, 10), None))
    if day.weekday() >= 5:
        s = rng.uniform(600, 840)
        out.append((zone.to_utc(day, s), zone.to_utc(day, s + rng.uniform(60, 180)), role.events * 0.4, None))
    return out


def session_times(rng: random.Random, start: int, end: int, n: int, gap_s: float) -> list[int]:
    """n event times in [start, end), clustered in a few working sessions."""
    if n <= 0 or end <= start:
        return []
    k = 1 + min(n - 1, poisson(rng, n / 7))
    sizes = split_total(rng, n, k)
    times = []
    for size in sizes:
        t = start + rng.random() * (end - start) * 0.92
        for _ in range(size):
            t += rng.expovariate(1.0 / (gap_s * 1000))
            times.append(int(t) if t < end else int(end - rng.random() * (end - start) * 0.05) - 1)
    return times


def user_origin(u: User, role: Role, d: int, rng: random.Random) -> tuple[list[str], str]:
    """Addresses and region a person works from on a given day (desk, ward pool or VPN)."""
    if u.travel and u.travel[0] <= d <= u.travel[1]:
        site = u.travel[2]
        return [f"10.250.{SITE_INDEX[site.key]}.{random.Random(f'{u.name}:vpn:{d}').randint(2, 250)}"], site.region
    if role.vpn_rate and random.Random(f"{u.name}:vpnday:{d}").random() < role.vpn_rate:
        return [f"10.250.{SITE_INDEX[u.site.key]}.{random.Random(f'{u.name}:vpn:{d}').randint(2, 250)}"], \
            u.site.region
    return u.ips, u.site.region


def pick_access(u: User, role: Role, market: Site, d: int) -> tuple[Resource, str] | None:
    """Resource and action of one access, mostly from the person's habitual set."""
    personal, team = u.personal[(role.name, market.key)]
    for _ in range(4):
        source = team if u.rng.random() < role.explore else personal
        res, actions = source.pick(u.rng)
        if res.introduced <= d:
            return res, actions.pick(u.rng)
    return None


def governance_scan(world: World, u: User, t0: int, group: str, d: int):
    """Weekly metadata sweep of the data catalogue: many tables listed in an hour (normal for this team)."""
    rng = u.rng
    tables = [r for r in world.catalog.values() if not r.name.startswith(("vault://", "s3://", "api://"))
              and r.introduced <= d]
    sweep = sorted(rng.sample(tables, min(len(tables), rng.randint(60, 110))), key=lambda r: r.name)
    t = t0 + rng.randint(0, 40) * MIN_MS
    for res in sweep:
        t += int(rng.expovariate(1 / 30_000))
        world.add(make_event(rng, t, u, group, res, "list", rng.randint(5, 80), u.ips[0], u.site.region))


def simulate_user(world: World, u: User):
    """All background events of one person."""
    rng = u.rng
    move = world.scenario.team_move
    for d in range(-1, world.cal.days):
        for start, end, mean, tag in work_windows(world, u, d):
            _, group, role, market = u.assignment(d)
            if tag == ("scan",):
                governance_scan(world, u, start, group, d)
                continue
            ips, region = user_origin(u, role, d, rng)
            for t in session_times(rng, start, end, poisson(rng, mean), role.gap_s):
                access = pick_access(u, role, market, d)
                if access is None:
                    continue
                res, action = access
                records = draw_records(rng, role.records_for(action))
                if action == "export" and res.sensitivity == "health":
                    records = min(records, HEALTH_EXPORT_CAP)
                outcome = random_outcome(rng, records)
                world.add(make_event(rng, t, u, group, res, action, records, rng.choice(ips), region,
                                     outcome, tag))
            if move and u.name == move[0] and d == move[1] + 1:
                old_role, old_market = u.assignment(move[1] - 1)[2:]
                revoked_access_attempts(world, u, group, old_role, old_market, start, ips, region)


def revoked_access_attempts(world, u, group, old_role, old_market, start, ips, region):
    """After a team move, habit makes the person try old tables a few times (denied)."""
    rng = u.rng
    personal, _ = u.personal[(old_role.name, old_market.key)]
    t = start + rng.randint(20, 90) * MIN_MS
    for _ in range(rng.randint(5, 9)):
        t += rng.randint(20, 600) * 1000
        res, actions = personal.pick(rng)
        world.add(make_event(rng, t, u, group, res, actions.pick(rng), 0, rng.choice(ips), region, "denied"))


# =========================================================================
# Service background behaviour
# =========================================================================

def service_rate(world: World, svc: Service, d: int) -> float:
    """Rate multiplier for organic growth and permanent step changes."""
    f = (1 + svc.spec.growth) ** d if svc.spec.growth else 1.0
    if svc.step and d >= svc.step[0]:
        f *= svc.step[1]
    return f


def service_origin(world: World, svc: Service, t: int, d: int) -> tuple[str, str]:
    """Pod address and region; a disaster-recovery drill moves one service for a few hours."""
    drill = world.scenario.dr_drill
    if drill and svc.name == drill[0] and d == drill[1]:
        zone, day = svc.site.zone, world.cal.date(d)
        if zone.to_utc(day, drill[2]) <= t < zone.to_utc(day, drill[2] + 60 * drill[3]):
            site = drill[4]
            return f"10.{SERVICE_SUBNET[site.region]}.200.{svc.rng.randint(4, 60)}", site.region
    week = world.cal.week(d) + (1 if d >= (svc.step[0] if svc.step else NEVER) else 0) * 100
    return svc.rng.choice(svc.pod_ips(week)), svc.site.region


def emit_service(world: World, svc: Service, t: int, d: int, res: Resource, action: str,
                 records: int | None = None, outcome: str | None = None, tag=None):
    rng = svc.rng
    if records is None:
        records = draw_records(rng, svc.spec.records_for(action))
    if outcome is None:
        outcome = random_outcome(rng, records, denied=0.0003, error=0.001)
    ip, region = service_origin(world, svc, t, d)
    world.add(make_event(rng, t, svc, svc.spec.group, res, action, records, ip, region, outcome, tag))


def batch_run(world: World, svc: Service, t: int, d: int, scale: float = 1.0):
    """A batch job walks its resources one after another."""
    rng, spec = svc.rng, svc.spec
    if spec.full_scan:
        steps = [(r, "read", max(1, int(r.rows * rng.uniform(0.98, 1.02))))
                 for r in world.catalog.values()
                 if not r.name.startswith(("vault://", "s3://", "api://")) and r.introduced <= d]
    else:
        steps = [(world.catalog[n], parse_actions(a).pick(rng), None) for n, _, a in spec.items]
    for res, action, records in steps:
        t += int(rng.uniform(5, 90) * 1000)
        if records is None:
            records = int(draw_records(rng, spec.records_for(action)) * scale)
        emit_service(world, svc, t, d, res, action, records)


def run_days(cal: Calendar, spec: ServiceSpec, d: int) -> bool:
    """Whether a scheduled job runs on local day d."""
    day = cal.date(d)
    if spec.pattern == "daily":
        return True
    if spec.pattern == "weekly":
        return day.weekday() == spec.weekday
    if spec.pattern == "monthly_last":
        return (day + timedelta(1)).month != day.month
    if spec.pattern == "payroll":
        target = day.replace(day=25)
        while target.weekday() >= 5:
            target -= timedelta(1)
        return day == target
    return False


def simulate_service(world: World, svc: Service):
    """All background events of one service identity."""
    cal, spec, rng, sc = world.cal, svc.spec, svc.rng, world.scenario
    secret = world.catalog[f"vault://prod/svc/{svc.name}"]
    for d in range(-1, cal.days):
        if d < spec.start_day:
            continue
        rate = service_rate(world, svc, d)
        day_start = cal.start_ms + d * DAY_MS
        if spec.pattern in ("diurnal", "flat"):
            for h in range(24):
                t0 = day_start + h * HOUR_MS
                if spec.pattern == "diurnal":
                    lh = int(svc.site.zone.local_hour(t0))
                    weekend = spec.weekend if svc.site.zone.local_date(t0).weekday() >= 5 else 1.0
                    mean = spec.per_day * DIURNAL[lh] / DIURNAL_SUM * weekend * rate
                else:
                    mean = spec.per_day / 24 * rate
                for _ in range(poisson(rng, mean)):
                    res, actions = svc.items.pick(rng)
                    emit_service(world, svc, t0 + rng.randrange(HOUR_MS), d, res, actions.pick(rng))
        elif spec.pattern == "interval":
            phase = rng.randrange(spec.every_min * MIN_MS)
            for t0 in range(day_start + phase % (spec.every_min * MIN_MS), day_start + DAY_MS,
                            spec.every_min * MIN_MS):
                for _ in range(max(1, poisson(rng, spec.per_day * rate))):
                    res, actions = svc.items.pick(rng)
                    emit_service(world, svc, t0 + rng.randrange(20_000), d, res, actions.pick(rng))
        elif run_days(cal, spec, d):
            t0 = svc.site.zone.to_utc(cal.date(d), spec.at_min + rng.uniform(0, 6))
            batch_run(world, svc, t0, d)
            if sc.etl_backfill and svc.name == sc.etl_backfill[0] and d == sc.etl_backfill[1]:
                etl_backfill(world, svc, t0, d)
        for _ in range(1 + poisson(rng, 0.8)):            # pods fetch their secret on (re)start
            emit_service(world, svc, day_start + rng.randrange(DAY_MS), d, secret, "read", 1, "success")
        if sc.cred_rotation and svc.name == sc.cred_rotation[0] and d == sc.cred_rotation[1]:
            credential_rotation_failures(world, svc, d)


def etl_backfill(world: World, svc: Service, t0: int, d: int):
    """A failed nightly load is re-run twice the same morning (errors, then double volume)."""
    rng = svc.rng
    t = t0 + 45 * MIN_MS
    for n, _, a in svc.spec.items[:4]:
        t += rng.randint(20, 120) * 1000
        emit_service(world, svc, t, d, world.catalog[n], parse_actions(a).pick(rng), 0, "error")
    batch_run(world, svc, t + 30 * MIN_MS, d, scale=1.0)
    batch_run(world, svc, t + 120 * MIN_MS, d, scale=1.9)


def credential_rotation_failures(world: World, svc: Service, d: int):
    """A secret was rotated before the pods picked it up: ~12 minutes of denied retries."""
    rng = svc.rng
    t = svc.site.zone.to_utc(world.cal.date(d), world.scenario.cred_rotation[2])
    for _ in range(rng.randint(50, 80)):
        t += int(rng.expovariate(1 / 11_000))
        res, actions = svc.items.pick(rng)
        emit_service(world, svc, t, d, res, actions.pick(rng), 0, "denied")


def simulate_background(world: World):
    for u in world.users:
        simulate_user(world, u)
    for svc in world.services:
        simulate_service(world, svc)
    late = world.scenario.late_batch
    if late:                                             # a log shipper stalls, then flushes
        t0 = world.cal.start_ms + late[1] * DAY_MS + late[2] * MIN_MS
        flush = t0 + (late[3] + 5) * MIN_MS
        for ev in world.events:
            if ev.actor.name == late[0] and t0 <= ev.t < t0 + late[3] * MIN_MS:
                ev.delay = flush - ev.t


# =========================================================================
# Profiles of normal behaviour (used to size and disguise injections)
# =========================================================================

@dataclass
class Profile:
    history: list                    # successful history events
    daily_records: dict
    daily_events: dict
    med_records: float
    med_events: float
    origins: Counter
    night: bool                      # any work in local 22:00-06:00 ever (history or test)


class Context:
    """Background events indexed for planning injections."""

    def __init__(self, world: World):
        self.world, self.cal = world, world.cal
        self.rng = random.Random(f"{world.seed}:injections")
        self.by_actor = defaultdict(list)
        for ev in world.events:
            self.by_actor[ev.actor.name].append(ev)
        for evs in self.by_actor.values():
            evs.sort(key=lambda e: (e.t, e.seq))
        self.actors = {a.name: a for a in world.users + world.services}
        self.used: set = set()
        self.sensitive_groups: set = set()   # groups whose first sensitive access must stay "first"
        self._profiles: dict = {}
        self.group_sens = defaultdict(set)
        self.actor_sens = defaultdict(set)
        for ev in world.events:
            self.actor_sens[ev.actor.name].add(ev.res.sensitivity)
            if ev.group:
                self.group_sens[ev.group].add(ev.res.sensitivity)

    def profile(self, name: str) -> Profile:
        if name not in self._profiles:
            actor, test0 = self.actors[name], self.cal.test_start_ms
            evs = self.by_actor[name]
            hist = [e for e in evs if e.t < test0 and e.outcome == "success"]
            daily_r, daily_n = Counter(), Counter()
            for e in hist:
                daily_r[self.cal.utc_day(e.t)] += e.records
                daily_n[self.cal.utc_day(e.t)] += 1
            zone = actor.site.zone
            night = any(not 6 <= zone.local_hour(e.t) < 22 for e in evs)
            self._profiles[name] = Profile(
                hist, daily_r, daily_n, median(daily_r.values()) if daily_r else 0,
                median(daily_n.values()) if daily_n else 0, Counter((e.ip, e.region) for e in evs[:2000]), night)
        return self._profiles[name]

    def test_days(self, name: str, min_events: int = 4) -> dict[int, list]:
        """Test-period UTC days on which the actor was active, with that day's events."""
        out = defaultdict(list)
        for e in self.by_actor[name]:
            if e.t >= self.cal.test_start_ms:
                out[self.cal.utc_day(e.t)].append(e)
        return {d: evs for d, evs in out.items() if len(evs) >= min_events}

    def origin(self, name: str) -> tuple[str, str]:
        origins = self.profile(name).origins or Counter(
            (e.ip, e.region) for e in self.by_actor[name][:500])
        return Picker(list(origins), list(origins.values())).pick(self.rng)

    def anchor(self, evs: list, tail: float = 0.7) -> int:
        """A moment inside the actor's own activity of that day (kept clear of the world's end)."""
        t = evs[self.rng.randrange(max(1, int(len(evs) * tail)))].t + self.rng.randint(1, 15) * MIN_MS
        return min(t, self.cal.end_ms - 3 * HOUR_MS)

    def blended_time(self, evs: list) -> int:
        """A moment among the actor's own events of a day, at most 14 minutes before one of them, so
        added reads blend in with the day's own."""
        return max(evs[0].t, self.anchor(evs, tail=1.0) - self.rng.randint(0, 14) * MIN_MS)

    def team(self, group: str, exclude: str) -> list[str]:
        """Members of a group with history events in that group."""
        test0 = self.cal.test_start_ms
        return [n for n, evs in self.by_actor.items()
                if n != exclude and any(e.group == group and e.t < test0 for e in evs[:50])]

    def team_stats(self, group: str, exclude: str) -> tuple[float, float, list]:
        """Median per-person daily records and events of a group, and its history events."""
        recs, cnts, pool = [], [], []
        for n in self.team(group, exclude):
            p = self.profile(n)
            recs += list(p.daily_records.values())
            cnts += list(p.daily_events.values())
            pool += p.history
        return (median(recs) if recs else 1), (median(cnts) if cnts else 1), pool

    def clone(self, template: Event, actor, t: int, origin, tag=None) -> Event:
        """An added event that looks like one of the actor's (or team's) own accesses."""
        rng = self.rng
        records = max(1, int(template.records * rng.uniform(0.8, 1.25))) if template.records else 0
        return make_event(rng, t, actor, actor.group_on(self.cal.utc_day(t)), template.res, template.action,
                          records, origin[0], origin[1], "success", tag)

    def candidates(self, roles=(), names=(), night_free=False, min_days=4) -> list[str]:
        """Existing actors fit for an injection, never reused."""
        out = []
        td = self.world.td
        surge_groups = {g for g, _ in self.world.scenario.surges}
        for a in self.world.users + self.world.services:
            if a.name in self.used or a.name in self.world.scenario.benign_hires \
                    or a.group_on(td) in surge_groups:       # keep attacks apart from labelled surges
                continue
            if names:                                    # named identities (services)
                if a.name not in names:
                    continue
            elif a.kind != "user" or a.hire_day >= 0 or a.leave_day < NEVER or a.travel \
                    or len(a.assignments) > 1 or roles and a.assignment(td)[2].name not in roles:
                continue                                 # people with a stable job since the start
            p = self.profile(a.name)
            if len(p.daily_events) < min_days or (night_free and p.night):
                continue
            out.append(a.name)
        return sorted(out)


# =========================================================================
# Attacks (test period only).  Each builder returns (events, strength text).
# =========================================================================

def attack_bulk_export(ctx: Context, name: str, factor: float):
    """Sudden export of many times the actor's daily volume, within minutes."""
    rng, actor, p = ctx.rng, ctx.actors[name], ctx.profile(name)
    days = ctx.test_days(name, 6)
    if not days:
        return None
    d = rng.choice(sorted(days))
    t = ctx.anchor(days[d])
    total = max(50, int(factor * p.med_records))
    usual = Counter(e.res for e in p.history if e.res.sensitivity != "credentials" and e.action != "list")
    tables = [r for r, _ in usual.most_common(4)]
    k = rng.randint(2, 6)
    chunks = split_total(rng, total, k)
    out, origin = [], ctx.origin(name)
    for n in chunks:
        res = rng.choice(tables)
        pieces = split_total(rng, n, math.ceil(n / HEALTH_EXPORT_CAP)) if res.sensitivity == "health" else [n]
        for rec in pieces:
            t += int(rng.uniform(20, 240) * 1000)
            out.append(make_event(rng, t, actor, actor.group_on(d), res, "export", rec, *origin))
    span = (out[-1].t - out[0].t) / MIN_MS
    return out, (f"{factor:g}x own median daily records: {total:,} records in {len(out)} exports "
                 f"over {span:.0f} min (median day {p.med_records:,.0f} records)")


def attack_low_and_slow(ctx: Context, name: str, factor: float, n_days: int):
    """Days of moderately raised volume, blended into the actor's own working hours."""
    rng, actor, p = ctx.rng, ctx.actors[name], ctx.profile(name)
    days = sorted(ctx.test_days(name, 3))
    if len(days) < 2:
        return None
    n_days = min(n_days, len(days))
    first = rng.randrange(0, len(days) - n_days + 1)
    chosen = days[first:first + n_days]
    all_days = ctx.test_days(name, 3)
    templates = [e for e in p.history if e.action in ("read", "query", "list", "download")] or p.history
    out, origin = [], ctx.origin(name)
    for d in chosen:
        n = max(1, round(factor * p.med_events * rng.uniform(0.8, 1.2)))
        for _ in range(n):
            t = ctx.blended_time(all_days[d])
            out.append(ctx.clone(rng.choice(templates), actor, t, origin))
    out.sort(key=lambda e: e.t)
    return out, (f"+{factor * 100:.0f}% of own median daily events ({p.med_events:.0f}/day) on "
                 f"{n_days} active days, same tables and hours ({len(out)} added events)")


def attack_new_hire_exfil(ctx: Context, name: str, factor: float):
    """A brand-new account exports many times its team's per-person daily volume on day one or two."""
    rng, actor = ctx.rng, ctx.actors[name]
    group = actor.group_on(actor.hire_day)
    team_rec, _, pool = ctx.team_stats(group, name)
    days = sorted(ctx.test_days(name, 2))[:2]
    if not days:
        return None
    d = days[-1] if rng.random() < 0.5 else days[0]
    own = ctx.test_days(name, 2)[d]
    t = ctx.anchor(own)
    total = max(100, int(factor * team_rec))
    usual = Counter(e.res for e in pool if e.res.sensitivity in ("pii", "health", "financial"))
    tables = [r for r, _ in usual.most_common(3)]
    out, origin = [], Counter((e.ip, e.region) for e in own).most_common(1)[0][0]
    for n in split_total(rng, total, rng.randint(2, 7)):
        res = rng.choice(tables)
        pieces = split_total(rng, n, math.ceil(n / HEALTH_EXPORT_CAP)) if res.sensitivity == "health" else [n]
        for rec in pieces:
            t += int(rng.uniform(30, 420) * 1000)
            out.append(make_event(rng, t, actor, group, res, "export", rec, *origin))
    nth = days.index(d) + 1
    return out, (f"{factor:g}x team median per-person daily records on working day {nth}: {total:,} records "
                 f"in {len(out)} exports (team median day {team_rec:,.0f})")


def attack_peer_outlier(ctx: Context, name: str, factor: float):
    """A new account steadily reads many times what its peers read, every working day."""
    rng, actor = ctx.rng, ctx.actors[name]
    group = actor.group_on(actor.hire_day)
    _, team_n, pool = ctx.team_stats(group, name)
    templates = [e for e in pool if e.action in ("read", "query")]
    days = ctx.test_days(name, 2)
    out = []
    for d in sorted(days):
        origin = Counter((e.ip, e.region) for e in days[d]).most_common(1)[0][0]
        for _ in range(round((factor - 1) * team_n * rng.uniform(0.85, 1.15))):
            t = ctx.blended_time(days[d])
            out.append(ctx.clone(rng.choice(templates), actor, t, origin))
    out.sort(key=lambda e: e.t)
    return out, (f"{factor:g}x the team's median per-person daily events ({team_n:.0f}) on each of "
                 f"{len(days)} working days, reads of team tables ({len(out)} added events)")


def attack_enumeration(ctx: Context, name: str, n_res: int, minutes: float):
    """Walking many distinct resources in a short span, mostly ones the actor never used."""
    rng, actor, p = ctx.rng, ctx.actors[name], ctx.profile(name)
    days = ctx.test_days(name, 6)
    d = rng.choice(sorted(days))
    t = ctx.anchor(days[d])
    own = {e.res for e in p.history}
    others = [r for r in ctx.world.catalog.values() if r not in own and r.introduced <= d]
    chosen = rng.sample(sorted(own, key=lambda r: r.name), min(len(own), max(1, n_res // 6)))
    chosen += rng.sample(others, n_res - len(chosen))
    chosen.sort(key=lambda r: (r.name.split(".")[0], rng.random()))   # a script walks schema by schema
    origin = ctx.origin(name)
    step = minutes * MIN_MS / n_res
    out = []
    for res in chosen:
        t += int(rng.uniform(0.3, 1.7) * step)
        action = "list" if rng.random() < 0.35 else rng.choice(["read", "query"])
        outcome = "denied" if rng.random() < 0.06 else "success"
        out.append(make_event(rng, t, actor, actor.group_on(d), res, action, rng.randint(1, 40),
                              *origin, outcome))
    new = len([r for r in chosen if r not in own])
    return out, f"{n_res} distinct resources ({new} never used before) in {(out[-1].t - out[0].t) / MIN_MS:.0f} min"


def attack_sensitive_first(ctx: Context, name: str, category: str, n_reads: int):
    """First reads of health or credentials data neither the actor nor its group ever touched."""
    rng, actor = ctx.rng, ctx.actors[name]
    _, group, role, market = actor.assignment(ctx.world.td)
    if category == "health":
        c = market.ehr or "uk"
        targets = [ctx.world.catalog[f"ehr-{c}.{t}"] for t in ("clinical_notes", "diagnoses", "mental_health_notes")]
    else:
        targets = [ctx.world.catalog[f"vault://prod/db/{db}"] for db in ("billing", "fin", "hr", "crm")]
    days = ctx.test_days(name, 5)
    d = rng.choice(sorted(days))
    t = ctx.anchor(days[d])
    span = {1: 0, 3: 10, 12: 60}.get(n_reads, 120) * MIN_MS
    origin, out = ctx.origin(name), []
    tgt = targets[:1] if n_reads == 1 else targets[:2] if n_reads <= 12 else targets
    for i in range(n_reads):
        ti = t + (int(span * i / max(1, n_reads - 1)) + rng.randint(0, 60_000) if i else 0)
        res = rng.choice(tgt)
        records = 1 if category == "credentials" else rng.randint(1, 25)
        out.append(make_event(rng, ti, actor, group, res, rng.choice(["read", "read", "query"]),
                              records, *origin))
    out.sort(key=lambda e: e.t)
    return out, (f"{n_reads} read(s) of {category} data ({', '.join(sorted({e.res.name for e in out}))}) "
                 f"never touched by the actor or group '{group}'")


def attack_off_hours(ctx: Context, name: str, factor: float):
    """Reading with volume at night by someone who never works at night."""
    rng, actor, p = ctx.rng, ctx.actors[name], ctx.profile(name)
    zone, cal = actor.site.zone, ctx.cal
    days = sorted(d for d in range(cal.history_days + 1, cal.days))
    d = rng.choice(days)
    start = zone.to_utc(cal.date(d), rng.uniform(30, 210))
    templates = [e for e in p.history if e.action in ("read", "query", "list", "download")] or p.history
    n = max(3, round(factor * p.med_events))
    dur = rng.uniform(40, 150) * MIN_MS
    origin = ctx.origin(name)
    out = [ctx.clone(rng.choice(templates), actor, start + int(rng.random() * dur), origin) for _ in range(n)]
    out.sort(key=lambda e: e.t)
    recs = sum(e.records for e in out)
    return out, (f"{factor:g}x own median daily events at local "
                 f"{zone.local_hour(out[0].t):04.1f}h-{zone.local_hour(out[-1].t):04.1f}h: {n} events, "
                 f"{recs:,} records (median day {p.med_events:.0f} events / {p.med_records:,.0f} records)")


def attack_denied_burst(ctx: Context, name: str, n: int, minutes: float):
    """Many denied requests within minutes: a script probing own and forbidden resources."""
    rng, actor, p = ctx.rng, ctx.actors[name], ctx.profile(name)
    days = ctx.test_days(name, 6)
    d = rng.choice(sorted(days))
    t = ctx.anchor(days[d])
    own = sorted({e.res for e in p.history}, key=lambda r: r.name)
    touched = ctx.group_sens[actor.group_on(d)] | ctx.actor_sens[name]
    forbidden = [r for r in ctx.world.catalog.values() if r.sensitivity not in touched
                 or r.sensitivity in ("credentials", "financial") and r not in own]
    targets = rng.sample(own, min(3, len(own))) + rng.sample(forbidden, min(len(forbidden), rng.randint(3, 8)))
    origin, out = ctx.origin(name), []
    step = minutes * MIN_MS / n
    for _ in range(n):
        t += int(rng.uniform(0.2, 1.8) * step)
        out.append(make_event(rng, t, actor, actor.group_on(d), rng.choice(targets),
                              rng.choice(["read", "query", "export"]), 0, *origin, "denied"))
    return out, f"{n} denied requests on {len(targets)} resources in {(out[-1].t - out[0].t) / MIN_MS:.1f} min"


NEW_ORIGINS = [("sa-east-1", "18.231.{}.{}"), ("ap-southeast-1", "13.229.{}.{}"), ("eu-north-1", "13.53.{}.{}")]


def attack_service_new_origin(ctx: Context, name: str, factor: float):
    """A service identity used from a never-seen region and address block, with volume."""
    rng, svc, p = ctx.rng, ctx.actors[name], ctx.profile(name)
    days = ctx.test_days(name, 6)
    d = rng.choice(sorted(days))
    t0 = ctx.anchor(days[d])
    region, pattern = NEW_ORIGINS[len(ctx.used) % len(NEW_ORIGINS)]
    block = rng.randint(10, 250)
    ips = [pattern.format(block, rng.randint(2, 250)) for _ in range(rng.randint(1, 3))]
    templates = [e for e in p.history if not e.res.name.startswith("vault://")] or p.history
    n = max(5, round(factor * p.med_events))
    dur = rng.uniform(45, 150) * MIN_MS
    out = [ctx.clone(rng.choice(templates), svc, t0 + int(rng.random() * dur), (rng.choice(ips), region))
           for _ in range(n)]
    out.sort(key=lambda e: e.t)
    return out, (f"{factor:g}x own median daily events ({n} events, {sum(e.records for e in out):,} records) "
                 f"from {region} {pattern.format(block, 'x')} over {(out[-1].t - out[0].t) / MIN_MS:.0f} min")


def attack_rule_breach(ctx: Context, name: str, records: int):
    """A single export of more than 10,000 health records from a table the actor uses."""
    rng, actor, p = ctx.rng, ctx.actors[name], ctx.profile(name)
    days = ctx.test_days(name, 4)
    d = rng.choice(sorted(days))
    t = ctx.anchor(days[d])
    usual = Counter(e.res for e in p.history if e.res.sensitivity == "health")
    res = usual.most_common(1)[0][0]
    ev = make_event(rng, t, actor, actor.group_on(d), res, "export", records, *ctx.origin(name))
    return [ev], f"one export of {records:,} health records from {res.name}"


# Plan: (kind, candidate filter, builder arguments).  Strengths go from blatant to subtle.
ATTACK_PLAN = [
    ("bulk_export", {"roles": ["analyst"]}, {"factor": 3}),
    ("bulk_export", {"roles": ["physician"]}, {"factor": 5}),
    ("bulk_export", {"roles": ["revenue_cycle"]}, {"factor": 10}),
    ("bulk_export", {"roles": ["hr"]}, {"factor": 25}),
    ("bulk_export", {"roles": ["nurse"]}, {"factor": 50}),
    ("low_and_slow", {"roles": ["call_agent"]}, {"factor": 0.5, "n_days": 10}),
    ("low_and_slow", {"roles": ["finance"]}, {"factor": 1.0, "n_days": 8}),
    ("low_and_slow", {"roles": ["physician"]}, {"factor": 2.0, "n_days": 5}),
    ("low_and_slow", {"names": ["svc-crm-sync"]}, {"factor": 1.0, "n_days": 6}),
    ("new_hire_exfil", {"new": 0}, {}),
    ("new_hire_exfil", {"new": 1}, {}),
    ("new_hire_exfil", {"new": 2}, {}),
    ("peer_outlier", {"new": 0}, {}),
    ("peer_outlier", {"new": 1}, {}),
    ("peer_outlier", {"new": 2}, {}),
    ("sensitive_first_access", {"roles": ["finance"], "lacks": "credentials"}, {"category": "credentials", "n_reads": 1}),
    ("sensitive_first_access", {"roles": ["hr"], "lacks": "health"}, {"category": "health", "n_reads": 3}),
    ("sensitive_first_access", {"roles": ["executive"], "lacks": "health"}, {"category": "health", "n_reads": 12}),
    ("sensitive_first_access", {"roles": ["revenue_cycle"], "lacks": "credentials"},
     {"category": "credentials", "n_reads": 40}),
    ("enumeration", {"roles": ["analyst"]}, {"n_res": 20, "minutes": 45}),
    ("enumeration", {"roles": ["nurse"]}, {"n_res": 50, "minutes": 20}),
    ("enumeration", {"names": ["svc-bi-dashboards"]}, {"n_res": 100, "minutes": 15}),
    ("enumeration", {"roles": ["servicedesk"]}, {"n_res": 200, "minutes": 30}),
    ("off_hours", {"roles": ["hr"], "night_free": True}, {"factor": 0.5}),
    ("off_hours", {"roles": ["finance"], "night_free": True}, {"factor": 1.0}),
    ("off_hours", {"roles": ["analyst"], "night_free": True}, {"factor": 2.0}),
    ("off_hours", {"roles": ["quality", "revenue_cycle"], "night_free": True}, {"factor": 3.0}),
    ("denied_burst", {"roles": ["physician"]}, {"n": 20, "minutes": 5}),
    ("denied_burst", {"roles": ["analyst"]}, {"n": 50, "minutes": 10}),
    ("denied_burst", {"names": ["svc-scheduling-sfo"]}, {"n": 100, "minutes": 4}),
    ("denied_burst", {"roles": ["call_agent"]}, {"n": 200, "minutes": 3}),
    ("service_new_origin", {"names": ["svc-iam-sync"]}, {"factor": 0.5}),
    ("service_new_origin", {"names": ["svc-billing-api-us"]}, {"factor": 1.0}),
    ("service_new_origin", {"names": ["svc-fhir-gateway-eu"]}, {"factor": 3.0}),
    ("rule_breach", {"roles": ["researcher"]}, {"records": 10_800}),
    ("rule_breach", {"roles": ["physician"]}, {"records": 35_000}),
    ("rule_breach", {"roles": ["analyst"]}, {"records": 180_000}),
]

BUILDERS = {
    "bulk_export": attack_bulk_export, "low_and_slow": attack_low_and_slow,
    "new_hire_exfil": attack_new_hire_exfil, "peer_outlier": attack_peer_outlier,
    "enumeration": attack_enumeration, "sensitive_first_access": attack_sensitive_first,
    "off_hours": attack_off_hours, "denied_burst": attack_denied_burst,
    "service_new_origin": attack_service_new_origin, "rule_breach": attack_rule_breach,
}


def choose_actor(ctx: Context, kind: str, flt: dict, args: dict) -> str | None:
    """Pick a fitting, unused actor for one planned attack."""
    if "new" in flt:
        accounts = ctx.world.new_accounts[kind]
        if flt["new"] >= len(accounts):
            return None
        user, factor = accounts[flt["new"]]
        args["factor"] = factor
        return user.name if ctx.test_days(user.name, 2) else None
    names = ctx.candidates(roles=flt.get("roles", ()), names=flt.get("names", ()),
                           night_free=flt.get("night_free", False))
    if "lacks" in flt:
        s = flt["lacks"]
        names = [n for n in names if s not in ctx.actor_sens[n]
                 and s not in ctx.group_sens[ctx.actors[n].group_on(ctx.world.td)]]
    if kind in ("enumeration", "denied_burst"):       # keep sensitive-first groups clean of other probes
        names = [n for n in names if ctx.actors[n].group_on(ctx.world.td) not in ctx.sensitive_groups]
    if kind in ("rule_breach",):
        names = [n for n in names if any(e.res.sensitivity == "health" for e in ctx.profile(n).history)]
    if kind == "bulk_export":
        names = [n for n in names if ctx.profile(n).med_records > 0]
    names = [n for n in names if ctx.test_days(n, 6) or kind == "off_hours"]
    return ctx.rng.choice(names) if names else None


def inject_attacks(world: World, ctx: Context) -> list[dict]:
    """Build every planned attack, add its events to the world, return label records."""
    labels = []
    for kind, flt, args in ATTACK_PLAN:
        args = dict(args)
        name = choose_actor(ctx, kind, flt, args)
        if name is None:
            print(f"warning: no actor fits {kind} {flt}; skipped", file=sys.stderr)
            continue
        built = BUILDERS[kind](ctx, name, **args)
        if not built or not built[0]:
            print(f"warning: {kind} for {name} produced no events; skipped", file=sys.stderr)
            continue
        events, strength = built
        kept = [e for e in events if world.cal.test_start_ms <= e.t < world.cal.end_ms]
        if len(kept) < len(events):
            print(f"warning: {kind} for {name}: {len(events) - len(kept)} events fell outside the test period",
                  file=sys.stderr)
        if not kept:
            continue
        events = kept
        ctx.used.add(name)
        if kind == "sensitive_first_access":
            ctx.sensitive_groups.add(events[0].group)
        for e in events:
            world.add(e)
        labels.append({"kind": kind, "actor": name, "actor_group": events[0].group, "events": events,
                       "strength": strength})
    return labels


# =========================================================================
# Labelled benign surprises
# =========================================================================

def inject_oncall_incident(world: World, ctx: Context) -> dict | None:
    """An on-call engineer with past night call-outs works a long incident night."""
    cal = world.cal
    for name in ctx.candidates(roles=["sre"]):
        u = ctx.actors[name]
        if not ctx.profile(name).night:
            continue
        hist_nights = [e for e in ctx.profile(name).history if not 6 <= u.site.zone.local_hour(e.t) < 22]
        nights = [d for d in range(cal.history_days, cal.days - 1)
                  if (cal.week(d) + u.oncall_offset) % u.assignment(d)[2].oncall_cycle == 0
                  and not u.absent(d) and not u.absent(d + 1)]
        if not hist_nights or not nights:
            continue
        rng, p = ctx.rng, ctx.profile(name)
        d = rng.choice(nights)
        start = u.site.zone.to_utc(cal.date(d), rng.uniform(23 * 60, 25.5 * 60))
        n = max(10, round(rng.uniform(1.5, 2.0) * p.med_events))
        dur = rng.uniform(120, 200) * MIN_MS
        origin = ctx.origin(name)
        templates = [e for e in p.history if e.res.name.startswith(("ops.", "audit.", "vault://", "siem."))] \
            or p.history
        evs = sorted((ctx.clone(rng.choice(templates), u, start + int(rng.random() * dur), origin,
                                tag=("oncall",)) for _ in range(n)), key=lambda e: e.t)
        for e in evs:
            world.add(e)
        ctx.used.add(name)
        return {"kind": "oncall_night_work", "group": u.group_on(d), "actors": [name],
                "start_ms": evs[0].t, "end_ms": evs[-1].t,
                "description": f"on-call incident night: {n} events over {dur / MIN_MS:.0f} min by an engineer "
                               f"with {len(hist_nights)} night events in history"}
    return None


def benign_labels(world: World, ctx: Context) -> list[dict]:
    """Label records for group surges, new hires, organic growth and the new service."""
    out, test0 = [], world.cal.test_start_ms
    tagged = defaultdict(list)
    for e in world.events:
        if e.tag and e.tag[0] == "surge":
            tagged[e.tag].append(e)
    for (g, d), factor in sorted(world.scenario.surges.items()):
        evs = tagged.get(("surge", g, d))
        if evs:
            out.append({"kind": "group_surge", "group": g, "actors": sorted({e.actor.name for e in evs}),
                        "start_ms": min(e.t for e in evs), "end_ms": max(e.t for e in evs),
                        "description": f"whole group works ~{factor:g}x its usual volume for one day "
                                       f"({'payer backlog' if 'revenue' in g else 'mass rescheduling'})"})

    def span_label(kind, name, description):
        evs = [e for e in ctx.by_actor.get(name, []) if e.t >= test0]
        if evs:
            a = ctx.actors[name]
            out.append({"kind": kind, "group": a.group_on(world.td), "actors": [name],
                        "start_ms": evs[0].t, "end_ms": evs[-1].t, "description": description})

    for name in world.scenario.benign_hires:
        span_label("new_hire", name, "new employee with an onboarding ramp, using the team's usual tables")
    svc = ctx.actors[world.scenario.growth_service]
    span_label("organic_growth", svc.name,
               f"steady {svc.spec.growth * 100:.1f}%/day growth in telehealth traffic throughout the world")
    span_label("new_service", world.scenario.new_service,
               "new AI scribe service reading clinical notes from its first day")
    return out


# =========================================================================
# Output
# =========================================================================

def finalize(world: World):
    """Assign random ids in time order and make a few events arrive late."""
    world.events.sort(key=lambda e: (e.t, e.seq))
    rng = random.Random(f"{world.seed}:ids")
    seen = set()
    for e in world.events:
        eid = f"{rng.getrandbits(128):032x}"
        while eid in seen:
            eid = f"{rng.getrandbits(128):032x}"
        seen.add(eid)
        e.eid = f"{eid[:8]}-{eid[8:12]}-{eid[12:16]}-{eid[16:20]}-{eid[20:]}"
        if not e.delay and rng.random() < 0.003:
            e.delay = rng.randint(1, 20) * MIN_MS + rng.randrange(MIN_MS)


def fmt_time(ms: int) -> str:
    s, milli = divmod(ms, 1000)
    return f"{datetime(1970, 1, 1) + timedelta(seconds=s):%Y-%m-%dT%H:%M:%S}.{milli:03d}Z"


def event_json(e: Event) -> str:
    out = {"event_id": e.eid, "time": fmt_time(e.t), "actor": e.actor.name, "actor_type": e.actor.kind}
    if e.group:
        out["actor_group"] = e.group
    out.update(action=e.action, resource=e.res.name, records=e.records, bytes=e.nbytes, outcome=e.outcome,
               sensitivity=e.res.sensitivity)
    if e.jur:
        out["subject_jurisdictions"] = e.jur
    out.update(source_ip=e.ip, region=e.region)
    return json.dumps(out, separators=(",", ":"))


def write_outputs(world: World, out_dir: str, attacks: list, benign: list) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    cal = world.cal
    with open(os.path.join(out_dir, "events.ndjson"), "w") as fh:
        for e in sorted(world.events, key=lambda e: (e.t + e.delay, e.t, e.seq)):
            fh.write(event_json(e) + "\n")
    test_pairs = {(e.actor.name, cal.utc_day(e.t)) for e in world.events if e.t >= cal.test_start_ms}
    labels = {
        "world": {"seed": world.seed, "days": cal.days, "history_days": cal.history_days,
                  "start_ms": cal.start_ms, "test_start_ms": cal.test_start_ms, "end_ms": cal.end_ms,
                  "actors": len({e.actor.name for e in world.events}), "events": len(world.events),
                  "test_actor_days": len(test_pairs)},
        "attacks": [{"id": f"a-{i + 1:02d}", "kind": a["kind"], "actor": a["actor"],
                     "actor_group": a["actor_group"], "start_ms": a["events"][0].t,
                     "end_ms": a["events"][-1].t, "strength": a["strength"],
                     "event_ids": [e.eid for e in a["events"]]} for i, a in enumerate(attacks)],
        "benign": benign,
    }
    with open(os.path.join(out_dir, "labels.json"), "w") as fh:
        json.dump(labels, fh, indent=1)
    return labels


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=int, default=42)
    ap.add_argument("--history-days", type=int, default=28)
    ap.add_argument("--actors", type=int, default=700)
    ap.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START, help="first UTC day (YYYY-MM-DD)")
    args = ap.parse_args(argv)
    if not 0 < args.history_days < args.days:
        ap.error("need 0 < --history-days < --days")
    if args.seed < 0:
        ap.error("--seed must be non-negative")
    return args


def main(argv=None):
    t0 = time.time()
    args = parse_args(argv)
    world = build_world(args)
    simulate_background(world)
    ctx = Context(world)
    attacks = inject_attacks(world, ctx)
    oncall = inject_oncall_incident(world, ctx)
    benign = benign_labels(world, ctx) + ([oncall] if oncall else [])
    finalize(world)
    labels = write_outputs(world, args.out, attacks, benign)
    w = labels["world"]
    print(f"otherworld seed={args.seed}: {w['events']} events, {w['actors']} actors, "
          f"{len(labels['attacks'])} attacks ({len({a['kind'] for a in labels['attacks']})} kinds), "
          f"{len(benign)} benign labels, {time.time() - t0:.1f}s -> {args.out}")


if __name__ == "__main__":
    main()
