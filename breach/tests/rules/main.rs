//! Integration tests of the rules engine through its public API, one module per concern. The worked examples of
//! shared/breach-rules.md section 6 are `table_a`, `table_b` and `table_c`.

mod clocks;
mod conditions;
mod helpers;
mod input;
mod ruleset;
mod scope;
mod table_a;
mod table_b;
mod table_c;
