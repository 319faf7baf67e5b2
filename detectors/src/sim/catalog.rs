//! The company the simulator models: offices, teams with their tables, services and batch jobs.
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
    /// How many tables of the shared warehouse each member uses on top of the team's own.
    pub warehouse_tables: usize,
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

/// An API service with a diurnal load.
pub(super) struct ServiceDef {
    pub name: &'static str,
    pub events_per_day: f64,
    pub median_records: f64,
    pub action: &'static str,
    /// Names of team resources (or restricted ones) it reads.
    pub resources: &'static [&'static str],
}

pub(super) const SERVICES: [ServiceDef; 10] = [
    ServiceDef {
        name: "checkout",
        events_per_day: 300.0,
        median_records: 1.0,
        action: "read",
        resources: &["payments.transactions", "crm.orders"],
    },
    ServiceDef {
        name: "support-portal",
        events_per_day: 200.0,
        median_records: 2.0,
        action: "read",
        resources: &["crm.customers", "crm.tickets"],
    },
    ServiceDef {
        name: "recommendations",
        events_per_day: 150.0,
        median_records: 50.0,
        action: "query",
        resources: &["warehouse.web_events", "crm.customers"],
    },
    ServiceDef {
        name: "notifications",
        events_per_day: 120.0,
        median_records: 20.0,
        action: "read",
        resources: &["crm.customers", "mkt.email_lists"],
    },
    ServiceDef {
        name: "search-indexer",
        events_per_day: 100.0,
        median_records: 100.0,
        action: "read",
        resources: &["crm.orders", "kb.articles"],
    },
    ServiceDef {
        name: "fraud-scoring",
        events_per_day: 200.0,
        median_records: 5.0,
        action: "query",
        resources: &["payments.transactions"],
    },
    ServiceDef {
        name: "billing",
        events_per_day: 80.0,
        median_records: 10.0,
        action: "read",
        resources: &["billing.invoices", "ledger.entries"],
    },
    ServiceDef {
        name: "identity",
        events_per_day: 250.0,
        median_records: 1.0,
        action: "read",
        resources: &["prod.users_db", "vault.service_tokens"],
    },
    ServiceDef {
        name: "analytics-api",
        events_per_day: 60.0,
        median_records: 40.0,
        action: "query",
        resources: &["warehouse.revenue_daily"],
    },
    ServiceDef {
        name: "crm-sync",
        events_per_day: 80.0,
        median_records: 15.0,
        action: "read",
        resources: &["crm.accounts", "crm.leads"],
    },
];

/// Regions services run in.
pub(super) const SERVICE_REGIONS: [&str; 3] = ["eu-west-1", "us-east-1", "ap-south-1"];

/// When a batch job runs.
#[derive(Clone, Copy)]
pub(super) enum Cadence {
    /// Every day at this UTC minute of the day.
    Nightly,
    /// Monday to Friday.
    Weekdays,
    /// Once a week on this weekday (0 = Monday).
    Weekly(u32),
}

/// A scheduled job: large but regular reads.
pub(super) struct BatchDef {
    pub name: &'static str,
    pub cadence: Cadence,
    /// Start, UTC minute of the day.
    pub at_minute: i64,
    pub events: u32,
    pub median_records: f64,
    pub resources: &'static [&'static str],
}

pub(super) const BATCHES: [BatchDef; 4] = [
    BatchDef {
        name: "etl-nightly",
        cadence: Cadence::Nightly,
        at_minute: 90,
        events: 40,
        median_records: 80_000.0,
        resources: &[
            "crm.customers",
            "crm.orders",
            "payments.transactions",
            "warehouse.web_events",
        ],
    },
    BatchDef {
        name: "backup-weekly",
        cadence: Cadence::Weekly(6),
        at_minute: 180,
        events: 30,
        median_records: 500_000.0,
        resources: &[
            "crm.customers",
            "payments.transactions",
            "hr.employees",
            "ledger.entries",
        ],
    },
    BatchDef {
        name: "report-daily",
        cadence: Cadence::Weekdays,
        at_minute: 360,
        events: 12,
        median_records: 20_000.0,
        resources: &["warehouse.revenue_daily", "warehouse.orders_fact"],
    },
    BatchDef {
        name: "payroll-weekly",
        cadence: Cadence::Weekly(4),
        at_minute: 1080,
        events: 8,
        median_records: 5_000.0,
        resources: &["payroll.salaries", "hr.employees", "hr.payroll"],
    },
];

/// First names for human actors; a running number keeps names unique.
pub(super) const FIRST_NAMES: [&str; 24] = [
    "amara", "bela", "chen", "dara", "elif", "farah", "goran", "hana", "ines", "jonas", "kavya",
    "lena", "malik", "nora", "omar", "priya", "quinn", "rafael", "sofia", "tomas", "uma", "vera",
    "wei", "yusuf",
];
