//! One integration-test binary: the real app on port 0 against a temporary SQLite file and, when
//! `ACCESSWATCH_TEST_POSTGRES_URL` is set (CI sets it), against PostgreSQL.

#![allow(clippy::unwrap_used)]

mod helpers;

mod alerting;
mod auth;
mod crash;
mod ingest;
mod store_contract;
