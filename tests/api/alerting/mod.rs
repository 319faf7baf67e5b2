//! Alerting with real parts: the app on port 0, real HTTP receivers and a real SMTP server on
//! loopback, findings fed through the same `Alerting` the engine uses.

mod batch;
mod crash;
mod email;
mod faults;
mod lifecycle;
mod receivers;
pub(crate) mod smtp;
mod store;
mod support;
