//! Whether a relevant rule is owed: the data it covers, encryption safe harbours, thresholds with their exact
//! operators, risk gates and other triggers. A rule that is not owed says why, with the numbers, so a manager can
//! check the reasoning (breach-rules.md section 3.10-3.11).

use super::context::Context;
use super::scope::Place;
use crate::input::Risk;
use crate::ruleset::{Condition, CountScope, Flag, Op, Rule};

/// Notes to keep when the rule is owed, or the reason it is not.
pub(crate) fn check(rule: &Rule, place: &Place, ctx: &Context<'_>) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    let cats = categories(place, ctx);
    if !ctx.set.categories().involves(&rule.data, &cats) {
        return Err(format!(
            "the data involved ({}) is not {} data covered by {}",
            cats.join(", "),
            rule.data,
            rule.citation
        ));
    }
    if cats.is_empty() && rule.data != "any" {
        notes.push("Data categories not given: treated as covered.".to_string());
    }
    if rule.exempt_if_encrypted && ctx.input.encrypted && !ctx.input.key_compromised {
        return Err(format!(
            "exemption applied: the data was encrypted and the key was not compromised ({})",
            rule.citation
        ));
    }
    for c in &rule.requires {
        let (holds, what) = evaluate(c, place, ctx, &cats, &mut notes);
        if !holds {
            return Err(format!("condition not met: {what}"));
        }
    }
    if !rule.triggers.is_empty() {
        let mut missed = Vec::new();
        for c in &rule.triggers {
            let (holds, what) = evaluate(c, place, ctx, &cats, &mut notes);
            if holds {
                notes.push(format!("Notifiable because {what}."));
                missed.clear();
                break;
            }
            missed.push(what);
        }
        if !missed.is_empty() {
            return Err(format!("none of the triggers holds: {}", missed.join("; ")));
        }
    }
    Ok(notes)
}

fn categories(place: &Place, ctx: &Context<'_>) -> Vec<String> {
    let mut cats: Vec<String> = place
        .entries
        .iter()
        .flat_map(|&i| ctx.entries[i].categories.iter().cloned())
        .collect();
    cats.sort();
    cats.dedup();
    cats
}

/// Whether a condition holds, and a description of it with the numbers.
fn evaluate(
    c: &Condition,
    place: &Place,
    ctx: &Context<'_>,
    cats: &[String],
    notes: &mut Vec<String>,
) -> (bool, String) {
    match c {
        Condition::Count(count) => {
            let (who, entries): (String, Vec<usize>) = match count.scope {
                CountScope::Jurisdiction => (
                    format!("residents of {}", place.jurisdiction),
                    place.entries.clone(),
                ),
                CountScope::Total => (
                    "people in total".to_string(),
                    (0..ctx.entries.len()).collect(),
                ),
            };
            let known: Option<u64> = entries.iter().map(|&i| ctx.entries[i].subjects).sum();
            let rule_text = format!("{} {}", op_text(count.count), count.value);
            match known {
                // An unknown count may still cross the threshold: treat a lower bound as met, an upper as not.
                None => {
                    let holds = matches!(count.count, Op::Gt | Op::Ge);
                    if holds {
                        notes.push(format!(
                            "Number of {who} unknown: threshold {rule_text} treated as met."
                        ));
                    }
                    (
                        holds,
                        format!("number of {who} unknown (rule: {rule_text})"),
                    )
                }
                Some(n) => {
                    let holds = match count.count {
                        Op::Gt => n > count.value,
                        Op::Ge => n >= count.value,
                        Op::Lt => n < count.value,
                        Op::Le => n <= count.value,
                    };
                    (holds, format!("{n} affected {who} (rule: {rule_text})"))
                }
            }
        }
        Condition::Categories(want) => {
            let groups = ctx.set.categories();
            let holds = want.categories.iter().any(|g| groups.involves(g, cats));
            let what = if holds {
                format!("the data includes {} data", want.categories.join(" or "))
            } else {
                format!(
                    "no {} data among the categories ({})",
                    want.categories.join(" or "),
                    cats.join(", ")
                )
            };
            (holds, what)
        }
        Condition::Flag(flag) => {
            let (value, yes, no) = match flag.flag {
                Flag::Malicious => (
                    ctx.input.malicious,
                    "the breach involved a malicious act or unlawful purpose",
                    "no malicious act is indicated",
                ),
                Flag::TrustServiceProvider => (
                    ctx.input.entity.trust_service_provider,
                    "the entity is a trust service provider",
                    "the entity is not a trust service provider",
                ),
                Flag::SmallProcessingAgent => (
                    ctx.input.entity.small_processing_agent,
                    "the entity is a small processing agent",
                    "the entity is not a small processing agent",
                ),
            };
            (value == flag.is, if value { yes } else { no }.to_string())
        }
        Condition::Risk(min) => match ctx.input.risk {
            None => {
                notes.push("Risk not assessed: treated as high (document the assessment to rely on an exemption).".into());
                (true, "risk not assessed (treated as high)".to_string())
            }
            Some(r) => (
                r >= min.risk,
                format!(
                    "assessed risk is {} (rule needs {})",
                    risk_text(r),
                    risk_text(min.risk)
                ),
            ),
        },
        Condition::RiskBelow(max) => match ctx.input.risk {
            None => (
                false,
                "no documented no-harm determination (risk not assessed)".to_string(),
            ),
            Some(r) => (
                r < max.risk_below,
                format!(
                    "assessed risk is {} (rule applies below {})",
                    risk_text(r),
                    risk_text(max.risk_below)
                ),
            ),
        },
    }
}

fn op_text(op: Op) -> &'static str {
    match op {
        Op::Gt => ">",
        Op::Ge => ">=",
        Op::Lt => "<",
        Op::Le => "<=",
    }
}

fn risk_text(r: Risk) -> &'static str {
    match r {
        Risk::Unlikely => "unlikely to result in a risk",
        Risk::Risk => "a risk",
        Risk::High => "a high risk",
    }
}
