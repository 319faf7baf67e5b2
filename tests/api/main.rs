//! One integration-test binary: the real app on port 0 against a temporary SQLite file and, when
//! `ACCESSWATCH_TEST_POSTGRES_URL` is set (CI sets it), against PostgreSQL.

#![allow(clippy::unwrap_used)]

mod helpers;

mod alerting;
mod audit_chain;
mod auth;
mod breach_helpers;
mod crash;
mod dashboards;
mod dedup;
mod demo;
mod detection;
mod incident_report;
mod incident_store;
mod incidents;
mod incidents_cli;
mod ingest;
mod nab_cli;
mod obligations_api;
mod otherworld_eval;
mod reminders;
mod reminders_receivers;
mod store_contract;
mod ui;
