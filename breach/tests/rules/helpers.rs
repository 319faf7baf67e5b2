//! Shared test helpers: run the engine on JSON and pick entries by rule id.

use breach::{NotRequired, Obligation, Output};
use serde_json::Value;

/// Runs the engine with default options; panics with the engine's message on error (tests only).
pub fn run(input: Value) -> Output {
    match breach::compute_value(input) {
        Ok(v) => serde_json::from_value(v).unwrap_or_else(|e| panic!("output does not parse: {e}")),
        Err(e) => panic!("engine error: {e}"),
    }
}

/// The obligation produced by `rule_id`.
pub fn owed<'a>(out: &'a Output, rule_id: &str) -> &'a Obligation {
    out.obligations
        .iter()
        .find(|o| o.rule_id == rule_id)
        .unwrap_or_else(|| {
            panic!(
                "no obligation {rule_id}; have {:?}; not required {:?}",
                ids(out),
                skipped(out)
            )
        })
}

/// The not-required entry produced by `rule_id`.
pub fn skipped_entry<'a>(out: &'a Output, rule_id: &str) -> &'a NotRequired {
    out.not_required
        .iter()
        .find(|o| o.obligation.rule_id == rule_id)
        .unwrap_or_else(|| panic!("{rule_id} not in not_required; obligations {:?}", ids(out)))
}

/// Local due time of `rule_id`.
pub fn due_local(out: &Output, rule_id: &str) -> String {
    owed(out, rule_id)
        .due_local
        .clone()
        .unwrap_or_else(|| "null".into())
}

pub fn ids(out: &Output) -> Vec<&str> {
    out.obligations.iter().map(|o| o.rule_id.as_str()).collect()
}

pub fn skipped(out: &Output) -> Vec<(&str, &str)> {
    out.not_required
        .iter()
        .map(|o| (o.obligation.rule_id.as_str(), o.reason.as_str()))
        .collect()
}
