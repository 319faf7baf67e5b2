//! Evaluating the rule set against one incident: which rules are relevant (`scope`), which of those are owed
//! (`conditions`), and when (`deadline`, `relations`). Kept apart from the rule data so a rule change never needs
//! a code change.

mod conditions;
mod context;
mod deadline;
mod relations;
mod render;
mod scope;

pub(crate) use context::Context;

use crate::output::{NotRequired, Output};
use crate::ruleset::RuleSet;
use crate::{Error, Input, Options};

/// A rule that applies at one place and whose conditions hold; its deadline is still to be computed.
pub(crate) struct Draft<'a> {
    pub rule: &'a crate::Rule,
    pub place: scope::Place,
    pub notes: Vec<String>,
}

pub(crate) fn compute(set: &RuleSet, input: &Input, options: &Options) -> Result<Output, Error> {
    let ctx = Context::new(set, input, options)?;
    let mut drafts = Vec::new();
    let mut not_required: Vec<NotRequired> = Vec::new();
    for rule in set.rules() {
        for found in scope::places(rule, &ctx) {
            match found {
                scope::Found::Applies(place) => match conditions::check(rule, &place, &ctx) {
                    Ok(notes) => drafts.push(Draft { rule, place, notes }),
                    Err(reason) => {
                        not_required.push(render::not_required(rule, &place.jurisdiction, reason))
                    }
                },
                scope::Found::Excluded(place, reason) => {
                    not_required.push(render::not_required(rule, &place.jurisdiction, reason))
                }
            }
        }
    }
    not_required.extend(scope::uncovered(&ctx));
    let (mut obligations, late) = deadline::resolve(drafts, &ctx)?;
    not_required.extend(late);
    obligations.sort_by(|a, b| {
        let key = |o: &crate::Obligation| o.due.clone().or_else(|| o.internal_target.clone());
        key(a)
            .cmp(&key(b))
            .then_with(|| a.jurisdiction.cmp(&b.jurisdiction))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
    });
    not_required.sort_by(|a, b| {
        (&a.obligation.jurisdiction, &a.obligation.rule_id)
            .cmp(&(&b.obligation.jurisdiction, &b.obligation.rule_id))
    });
    Ok(Output {
        obligations,
        not_required,
    })
}
