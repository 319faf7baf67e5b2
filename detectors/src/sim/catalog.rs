//! The company the simulator models: offices, and teams with the tables they read.
//!
//! Static tables rather than configuration because a world is defined by its seed; what varies between
//! worlds (who is in which team, how much each person reads, when attacks happen) is drawn from these.

/// An office: where people sit, which clock they keep, which network they come from.
pub(super) struct Location {
    pub region: &'static str,
    /// UTC offset in minutes (no daylight saving: worlds are a few weeks long).
    pub tz_minutes: i64,
    /// Second octet of the office's 10.x.0.0/16 block.
    pub net: u8,
}

pub(super) const LOCATIONS: [Location; 4] = [
    Location {
        region: "de-fra",
        tz_minutes: 60,
        net: 11,
    },
    Location {
        region: "in-blr",
        tz_minutes: 330,
        net: 12,
    },
    Location {
        region: "us-nyc",
        tz_minutes: -300,
        net: 13,
    },
    Location {
        region: "us-sfo",
        tz_minutes: -480,
        net: 14,
    },
];

/// A table or dataset and what one access to it usually returns.
pub(super) struct ResourceDef {
    pub name: &'static str,
    pub sensitivity: &'static str,
    /// Median records per access for a typical user.
    pub median_records: f64,
    pub bytes_per_record: u32,
}

const fn res(
    name: &'static str,
    sensitivity: &'static str,
    median_records: f64,
    bytes_per_record: u32,
) -> ResourceDef {
    ResourceDef {
        name,
        sensitivity,
        median_records,
        bytes_per_record,
    }
}

/// A team: the peer group of its members.
pub(super) struct TeamDef {
    pub name: &'static str,
    /// Share of the human headcount.
    pub share: f64,
    /// Indexes into [`LOCATIONS`].
    pub locations: &'static [usize],
    /// Mean events on a working day for a typical member.
    pub events_per_day: f64,
    /// Actions with their relative frequency.
    pub actions: &'static [(&'static str, f64)],
    pub resources: &'static [ResourceDef],
    /// How many tables of the shared warehouse each member uses on top of the team's own, and the
    /// median records a member's warehouse query returns (teams query it at their own scale).
    pub warehouse_tables: usize,
    pub warehouse_records: f64,
}

pub(super) const TEAMS: [TeamDef; 7] = [
    TeamDef {
        name: "support",
        share: 0.28,
        locations: &[0, 1],
        events_per_day: 25.0,
        actions: &[("read", 0.7), ("query", 0.2), ("update", 0.1)],
        resources: &[
            res("crm.customers", "pii", 3.0, 900),
            res("crm.tickets", "internal", 5.0, 1500),
            res("crm.orders", "pii", 4.0, 600),
            res("crm.addresses", "pii", 2.0, 300),
            res("payments.refunds", "financial", 2.0, 400),
            res("kb.articles", "public", 1.0, 4000),
        ],
        warehouse_tables: 0,
        warehouse_records: 1.0,
    },
    TeamDef {
        name: "engineering",
        share: 0.22,
        locations: &[2, 0],
        events_per_day: 15.0,
        actions: &[("read", 0.4), ("query", 0.4), ("list", 0.2)],
        resources: &[
            res("prod.logs", "internal", 200.0, 300),
            res("prod.users_db", "pii", 20.0, 700),
            res("prod.config", "internal", 5.0, 2000),
            res("metrics.timeseries", "internal", 500.0, 64),
            res("vault.service_tokens", "credentials", 1.0, 200),
        ],
        warehouse_tables: 3,
        warehouse_records: 100.0,
    },
    TeamDef {
        name: "analysts",
        share: 0.12,
        locations: &[2],
        events_per_day: 8.0,
        actions: &[("query", 0.6), ("export", 0.25), ("download", 0.15)],
        resources: &[
            res("warehouse.orders_fact", "pii", 2000.0, 200),
            res("warehouse.customers_dim", "pii", 800.0, 400),
            res("warehouse.web_events", "internal", 5000.0, 150),
            res("warehouse.revenue_daily", "financial", 300.0, 100),
        ],
        warehouse_tables: 10,
        warehouse_records: 400.0,
    },
    TeamDef {
        name: "finance",
        share: 0.10,
        locations: &[0],
        events_per_day: 12.0,
        actions: &[("read", 0.5), ("query", 0.3), ("export", 0.2)],
        resources: &[
            res("ledger.entries", "financial", 100.0, 250),
            res("payments.transactions", "financial", 50.0, 350),
            res("payroll.salaries", "financial", 20.0, 300),
            res("billing.invoices", "financial", 30.0, 800),
            res("tax.filings", "financial", 5.0, 3000),
        ],
        warehouse_tables: 2,
        warehouse_records: 50.0,
    },
    TeamDef {
        name: "hr",
        share: 0.06,
        locations: &[0, 2],
        events_per_day: 10.0,
        actions: &[("read", 0.6), ("update", 0.3), ("export", 0.1)],
        resources: &[
            res("hr.employees", "pii", 10.0, 1200),
            res("hr.health_benefits", "health", 5.0, 900),
            res("hr.payroll", "financial", 15.0, 300),
            res("hr.recruiting", "pii", 3.0, 2500),
            res("hr.sick_leave", "health", 2.0, 400),
        ],
        warehouse_tables: 0,
        warehouse_records: 1.0,
    },
    TeamDef {
        name: "sales",
        share: 0.12,
        locations: &[3, 2],
        events_per_day: 15.0,
        actions: &[("read", 0.6), ("query", 0.3), ("export", 0.1)],
        resources: &[
            res("crm.accounts", "pii", 10.0, 1100),
            res("crm.leads", "pii", 20.0, 700),
            res("crm.contracts", "financial", 2.0, 5000),
            res("sales.forecasts", "internal", 20.0, 200),
        ],
        warehouse_tables: 1,
        warehouse_records: 20.0,
    },
    TeamDef {
        name: "marketing",
        share: 0.10,
        locations: &[0, 3],
        events_per_day: 8.0,
        actions: &[("query", 0.5), ("read", 0.3), ("export", 0.2)],
        resources: &[
            res("mkt.campaigns", "internal", 50.0, 500),
            res("mkt.audiences", "pii", 500.0, 120),
            res("mkt.email_lists", "pii", 300.0, 90),
            res("web.analytics", "internal", 2000.0, 80),
        ],
        warehouse_tables: 3,
        warehouse_records: 300.0,
    },
];

/// Tables of the shared warehouse: the ground that enumeration walks.
pub(super) const WAREHOUSE_TABLES: usize = 400;

/// Highly sensitive data that no team reads in the normal course of work.
pub(super) const RESTRICTED: [ResourceDef; 4] = [
    res("clinic.patient_records", "health", 5.0, 3000),
    res("hr.medical_claims", "health", 5.0, 2000),
    res("vault.root_keys", "credentials", 1.0, 200),
    res("iam.api_keys", "credentials", 1.0, 150),
];

/// First names for human actors; a running number keeps names unique.
pub(super) const FIRST_NAMES: [&str; 24] = [
    "amara", "bela", "chen", "dara", "elif", "farah", "goran", "hana", "ines", "jonas", "kavya",
    "lena", "malik", "nora", "omar", "priya", "quinn", "rafael", "sofia", "tomas", "uma", "vera",
    "wei", "yusuf",
];
