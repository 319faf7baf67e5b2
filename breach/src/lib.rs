//! Breach-notification rules engine: which notices an incident owes, to whom, by when, and under which law.
//!
//! Pure: no IO and no clock. Rules, holiday calendars and reference tables are reviewed TOML compiled into the
//! crate (`breach/rules`, `breach/calendars`, `breach/data`); the caller passes the incident's facts. See
//! docs/RULES.md for the rule format, the default policies and the coverage list.
//!
//! Layout:
//! - `input`: the incident (facts, affected people, regimes, submissions) and its field-naming validation.
//! - `output`: obligations and not-required entries, serialized as DESIGN.md promises.
//! - `ruleset`: loading, expanding and validating rule files; the public `Rule` format.
//! - `calendar`: holiday calendars for business-day rules.
//! - `clock`: deadline arithmetic (elapsed hours, local days, business days, months, year end).
//! - `eval`: applying the rules to one incident.
//! - `options`: policies that are choices rather than law (internal targets for ASAP notices).

mod calendar;
mod clock;
mod error;
mod eval;
mod input;
mod options;
mod output;
mod ruleset;

pub use calendar::Calendar;
pub use error::Error;
pub use input::{Affected, Entity, Fact, Facts, Input, Risk, Submission};
pub use options::Options;
pub use output::{NotRequired, Obligation, Output};
pub use ruleset::{
    Applies, Backstop, Categories, CategoriesCondition, ClockStart, Condition, Confidence,
    CountCondition, CountScope, Flag, FlagCondition, Op, Period, RecipientKind, Relief,
    RiskBelowCondition, RiskCondition, Rule, RuleSet, Sources, Unit,
};

/// Computes every obligation of an incident under the embedded rule set with default options.
pub fn compute(input: &Input) -> Result<Output, Error> {
    RuleSet::embedded()?.compute(input, &Options::default())
}

/// Like `compute`, from and to JSON text (the `accesswatch obligations` contract).
pub fn compute_json(input: &str) -> Result<String, Error> {
    let output = compute(&Input::from_json(input)?)?;
    serde_json::to_string_pretty(&output).map_err(|e| Error::input("output", e.to_string()))
}

/// Like `compute_json`, returning a JSON value (for the HTTP handler).
pub fn compute_value(input: serde_json::Value) -> Result<serde_json::Value, Error> {
    let output = compute(&Input::from_value(input)?)?;
    serde_json::to_value(&output).map_err(|e| Error::input("output", e.to_string()))
}
