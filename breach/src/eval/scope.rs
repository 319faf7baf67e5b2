//! Where a rule applies. General data-protection laws follow the people (GDPR fans out to every authority
//! where affected people live, EDPB Guidelines 9/2022 para 73); sector regimes follow the organisation;
//! NIS2 and DORA follow its establishment.

use super::context::{Context, Entry};
use super::render;
use crate::output::NotRequired;
use crate::ruleset::{Applies, Rule};

/// One place a rule applies to, with the affected entries counted there.
pub(crate) struct Place {
    pub jurisdiction: String,
    /// Indexes into `Context::entries` of the people the rule covers at this place.
    pub entries: Vec<usize>,
}

pub(crate) enum Found {
    Applies(Place),
    /// Relevant, but not owed for a reason known before any condition (one-stop shop).
    Excluded(Place, String),
}

/// Whether `code` lies within `scope` (`US-CA` within `US`; `FR` within `FR`).
pub(crate) fn within(code: &str, scope: &str) -> bool {
    code == scope
        || code
            .strip_prefix(scope)
            .is_some_and(|rest| rest.starts_with('-'))
}

fn entries_within(ctx: &Context<'_>, scope: &str) -> Vec<usize> {
    ctx.entries
        .iter()
        .enumerate()
        // An entry with zero people says nobody there is affected.
        .filter(|(_, e)| e.subjects != Some(0) && within(&e.jurisdiction, scope))
        .map(|(i, _)| i)
        .collect()
}

pub(crate) fn places(rule: &Rule, ctx: &Context<'_>) -> Vec<Found> {
    let residents = entries_within(ctx, &rule.jurisdiction);
    let listed = ctx.has_regime(&rule.regime);
    let relevant = match rule.applies {
        Applies::Residence => !residents.is_empty(),
        Applies::Regime => listed,
        Applies::RegimeOrResidence => listed || !residents.is_empty(),
        Applies::RegimeAtEstablishment => listed && at_establishment(rule, ctx),
    };
    if rule.one_stop_shop {
        if let Some(lead) = &ctx.main_establishment {
            return one_stop_shop(rule, ctx, lead, residents);
        }
    }
    if !relevant || rule.when_fact.is_some_and(|f| ctx.fact(f).is_none()) {
        return Vec::new();
    }
    if rule.per_subdivision {
        return subdivisions(ctx, &residents)
            .into_iter()
            .map(|(jurisdiction, entries)| {
                Found::Applies(Place {
                    jurisdiction,
                    entries,
                })
            })
            .collect();
    }
    vec![Found::Applies(Place {
        jurisdiction: rule.jurisdiction.clone(),
        entries: residents,
    })]
}

/// A rule expanded per Member State applies at the entity's establishment; its `EU` variant applies when the
/// establishment is unknown or outside the table, with a note asking for it.
fn at_establishment(rule: &Rule, ctx: &Context<'_>) -> bool {
    let siblings = || {
        ctx.set.rules().iter().filter(|r| {
            r.regime == rule.regime && r.stage == rule.stage && r.applies == rule.applies
        })
    };
    match &ctx.establishment {
        Some(est) if siblings().any(|r| &r.jurisdiction == est) => &rule.jurisdiction == est,
        _ => rule.jurisdiction == "EU",
    }
}

/// GDPR one-stop shop (Art 56): with an EEA main establishment, the lead authority gets the notice for people
/// anywhere in the EEA and the other authorities are not notified directly.
fn one_stop_shop(rule: &Rule, ctx: &Context<'_>, lead: &str, residents: Vec<usize>) -> Vec<Found> {
    let eea: Vec<usize> = ctx
        .set
        .rules()
        .iter()
        .filter(|r| r.one_stop_shop && r.regime == rule.regime && r.stage == rule.stage)
        .flat_map(|r| entries_within(ctx, &r.jurisdiction))
        .collect();
    if rule.jurisdiction == lead && !eea.is_empty() {
        return vec![Found::Applies(Place {
            jurisdiction: rule.jurisdiction.clone(),
            entries: eea,
        })];
    }
    if residents.is_empty() {
        return Vec::new();
    }
    let reason = format!(
        "one-stop shop: the main establishment is in {lead}, so its lead supervisory authority is notified for \
         people in {} (GDPR Art 56(1))",
        rule.jurisdiction
    );
    vec![Found::Excluded(
        Place {
            jurisdiction: rule.jurisdiction.clone(),
            entries: residents,
        },
        reason,
    )]
}

/// Groups entries by first-level subdivision (`US-TX`); entries naming only the country form their own group.
fn subdivisions(ctx: &Context<'_>, entries: &[usize]) -> Vec<(String, Vec<usize>)> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for &i in entries {
        let code = subdivision_of(&ctx.entries[i]);
        match groups.iter_mut().find(|(c, _)| *c == code) {
            Some((_, list)) => list.push(i),
            None => groups.push((code, vec![i])),
        }
    }
    groups
}

fn subdivision_of(entry: &Entry) -> String {
    let mut parts = entry.jurisdiction.splitn(3, '-');
    match (parts.next(), parts.next()) {
        (Some(country), Some(sub)) => format!("{country}-{sub}"),
        _ => entry.jurisdiction.clone(),
    }
}

/// Affected jurisdictions no rule covers: reported so a manager knows the engine has nothing to say there.
pub(crate) fn uncovered(ctx: &Context<'_>) -> Vec<NotRequired> {
    let mut seen: Vec<&str> = Vec::new();
    for e in &ctx.entries {
        let covered = ctx.set.rules().iter().any(|r| {
            matches!(r.applies, Applies::Residence | Applies::RegimeOrResidence)
                && within(&e.jurisdiction, &r.jurisdiction)
        });
        if !covered && !seen.contains(&e.jurisdiction.as_str()) {
            seen.push(&e.jurisdiction);
        }
    }
    seen.into_iter().map(render::uncovered).collect()
}
