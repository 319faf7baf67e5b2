//! accesswatch catches abnormal reads of personal data and walks a company through the
//! breach-notification clock.
//!
//! Layout (data flows top to bottom):
//! - [`config`] — one `Config`: defaults, TOML file, `ACCESSWATCH_*` variables, flags.
//! - [`http`] — the `/v1` API, one module per resource, problem+json errors, scoped API keys.
//! - [`ingest`] — request body → validated events → group commit by a single writer.
//! - [`incidents`] — breach workflow: incidents, obligations kept in step with the `breach` engine,
//!   reminders, the hash-chained audit log, reports.
//! - [`engine`] — runs the `detectors` pipelines over the event log (live) or a file (replay).
//! - [`alerts`] — the alert lifecycle: grouping, silences, feedback, acknowledgement, escalation.
//! - [`notify`] — the outbox workers and receivers (email, webhooks, Slack, PagerDuty, Teams).
//! - [`store`] — the `Store` trait with SQLite and PostgreSQL backends and their migrations.
//! - [`retention`] — stored events expire (privacy by design for our own access logs).
//! - [`keys`] — API key generation and hashing.
//! - [`app`] — wiring and the `run(config, listener, shutdown)` entry point shared by `main` and tests.
//! - [`cli`] — the `accesswatch` command line.
//! - [`telemetry`] — tracing setup.
//! - [`web`] — the `/ui` pages: alerts, explanations, volume charted against the baseline.

pub mod alerts;
pub mod app;
pub mod cli;
pub mod config;
pub mod engine;
pub mod http;
pub mod incidents;
pub mod ingest;
pub mod keys;
pub mod notify;
pub mod retention;
pub mod store;
pub mod telemetry;
pub mod web;
