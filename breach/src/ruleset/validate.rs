//! Load-time validation of every rule: the checks a reviewer would otherwise have to do by eye (zones exist,
//! calendars exist and are used where days are business days, references resolve without cycles, every rule
//! carries a citation, a URL and an effective date).

use std::str::FromStr;

use chrono_tz::Tz;

use super::{Condition, RuleSet, Unit};
use crate::input::jurisdiction_code_is_valid;
use crate::Error;

pub(super) fn all(set: &RuleSet) -> Result<(), Error> {
    for rule in set.rules() {
        let fail = |message: String| Err(Error::rule(&rule.file, Some(&rule.id), message));
        if rule.id.is_empty()
            || !rule
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        {
            return fail(format!(
                "id {:?} must be lower-case letters, digits, '-' or '.'",
                rule.id
            ));
        }
        if !jurisdiction_code_is_valid(&rule.jurisdiction) {
            return fail(format!(
                "jurisdiction {:?} is not a code like FR or US-CA",
                rule.jurisdiction
            ));
        }
        for (name, value) in [
            ("regime", &rule.regime),
            ("recipient", &rule.recipient),
            ("stage", &rule.stage),
            ("citation", &rule.citation),
        ] {
            if value.trim().is_empty() {
                return fail(format!("{name} is required"));
            }
        }
        if !rule.url.starts_with("https://") && !rule.url.starts_with("http://") {
            return fail(format!("url {:?} must be an http(s) address", rule.url));
        }
        if Tz::from_str(&rule.zone).is_err() {
            return fail(format!("zone {:?} is not an IANA time zone", rule.zone));
        }
        if let Some(to) = rule.effective_to {
            if to <= rule.effective_from {
                return fail(format!(
                    "effective_to {to} is not after effective_from {}",
                    rule.effective_from
                ));
            }
        }
        if rule.period.is_none() && rule.standard.is_none() && rule.not_later_than.is_none() {
            return fail("a rule needs a period, a timing standard (\"without undue delay\") or not_later_than".into());
        }
        let periods = rule
            .period
            .iter()
            .chain(rule.target.iter())
            .chain(rule.backstop.iter().map(|b| &b.period));
        for p in periods {
            if p.amount == 0 {
                return fail("period amounts must be positive".into());
            }
            if matches!(p.unit, Unit::BusinessDays | Unit::WorkingDays) && rule.calendar.is_none() {
                return fail("business/working-day periods need a calendar".into());
            }
        }
        for cal in rule.calendar.iter().chain(&rule.alt_calendar) {
            if !set.calendars().contains_key(cal) {
                return fail(format!(
                    "calendar {cal:?} does not exist in breach/calendars"
                ));
            }
        }
        if let Some(relief) = &rule.relief {
            if relief.next_working_day_hour > 23 {
                return fail("relief hour must be 0-23".into());
            }
        }
        if !set.categories().is_group(&rule.data) {
            return fail(format!("data {:?} is not a category group", rule.data));
        }
        for c in rule.requires.iter().chain(&rule.triggers) {
            if let Condition::Categories(cats) = c {
                if cats.categories.is_empty() {
                    return fail("a categories condition needs at least one group".into());
                }
            }
        }
        let references = rule.after.iter().map(|r| ("after", r));
        for (name, r) in references.chain(rule.not_later_than.iter().map(|r| ("not_later_than", r)))
        {
            match set.rule(r) {
                None => return fail(format!("{name} refers to unknown rule {r:?}")),
                Some(target) if target.per_subdivision => {
                    return fail(format!("{name} cannot refer to per-subdivision rule {r:?}"))
                }
                Some(_) => {}
            }
        }
        acyclic(set, &rule.id).map_err(|m| Error::rule(&rule.file, Some(&rule.id), m))?;
    }
    Ok(())
}

/// Follows `after`/`not_later_than` references; a chain longer than the rule count is a cycle.
fn acyclic(set: &RuleSet, start: &str) -> Result<(), String> {
    let mut frontier = vec![(start.to_string(), 0usize)];
    while let Some((id, depth)) = frontier.pop() {
        if depth > set.rules().len() {
            return Err(format!("references from {start} form a cycle"));
        }
        if let Some(rule) = set.rule(&id) {
            for next in rule.after.iter().chain(&rule.not_later_than) {
                if next == start {
                    return Err(format!("references from {start} lead back to it"));
                }
                frontier.push((next.clone(), depth + 1));
            }
        }
    }
    Ok(())
}
