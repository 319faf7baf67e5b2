//! The company's machine identities: API services and the batch jobs that run on a schedule.
//!
//! Kept apart from the people (`catalog`) because their rhythm is the clock and their customers', not
//! office hours; the tables they read are named here and resolved against the people's catalog.

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
