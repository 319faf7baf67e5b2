//! When each owed notice is due: the clock start (with the documented fallback to `aware_at`), the version of
//! the rule in force at that moment, the period, a backstop cap and any weekend relief the law grants.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::context::Context;
use super::{relations, render, Draft};
use crate::clock;
use crate::output::{NotRequired, Obligation};
use crate::ruleset::Rule;
use crate::Error;

/// A draft with its clock started and its own deadline computed.
pub(crate) struct Timed<'a> {
    pub draft: Draft<'a>,
    pub tz: Tz,
    pub start: DateTime<Utc>,
    pub clock_name: String,
    pub due: Option<DateTime<Utc>>,
    pub internal_target: Option<DateTime<Utc>>,
}

pub(crate) fn resolve(
    drafts: Vec<Draft<'_>>,
    ctx: &Context<'_>,
) -> Result<(Vec<Obligation>, Vec<NotRequired>), Error> {
    let mut started = Vec::new();
    for mut draft in drafts {
        let tz = zone(draft.rule)?;
        let (start, clock_name) = clock_start(&mut draft, ctx)?;
        // The version in force is chosen by the clock start unless the rule names another fact.
        let (selector, selector_name) = match draft.rule.effective_by {
            Some(fact) => match ctx.fact(fact) {
                Some(at) => (at, fact.name().to_string()),
                None => ctx
                    .fallback()
                    .map_or((start, clock_name.clone()), |(f, at)| {
                        (at, f.name().to_string())
                    }),
            },
            None => (start, clock_name.clone()),
        };
        started.push((draft, tz, start, clock_name, selector, selector_name));
    }
    let in_force = |rule: &Rule, selector: DateTime<Utc>, tz: Tz| {
        let day = selector.with_timezone(&tz).date_naive();
        day >= rule.effective_from && rule.effective_to.is_none_or(|to| day < to)
    };
    let mut timed = Vec::new();
    let mut not_required = Vec::new();
    for (i, (draft, tz, _, _, selector, selector_name)) in started.iter().enumerate() {
        if in_force(draft.rule, *selector, *tz) {
            continue;
        }
        // Another version of the same notice is in force: this one is simply superseded.
        let superseded = started
            .iter()
            .enumerate()
            .any(|(j, (other, otz, _, _, osel, _))| {
                j != i
                    && other.place.jurisdiction == draft.place.jurisdiction
                    && other.rule.regime == draft.rule.regime
                    && other.rule.stage == draft.rule.stage
                    && other.rule.recipient_kind == draft.rule.recipient_kind
                    && in_force(other.rule, *osel, *otz)
            });
        if !superseded {
            let day = selector.with_timezone(tz).date_naive();
            let mut reason = format!(
                "not in force on {day} ({selector_name}): effective from {}",
                draft.rule.effective_from
            );
            if let Some(to) = draft.rule.effective_to {
                reason.push_str(&format!(" until {to}"));
            }
            not_required.push(render::not_required(
                draft.rule,
                &draft.place.jurisdiction,
                reason,
            ));
        }
    }
    for (draft, tz, start, clock_name, selector, _) in started {
        if !in_force(draft.rule, selector, tz) {
            continue;
        }
        let mut t = Timed {
            draft,
            tz,
            start,
            clock_name,
            due: None,
            internal_target: None,
        };
        own_due(&mut t, ctx)?;
        timed.push(t);
    }
    relations::apply(&mut timed, ctx);
    Ok((timed.iter().map(render::obligation).collect(), not_required))
}

fn zone(rule: &Rule) -> Result<Tz, Error> {
    Tz::from_str(&rule.zone).map_err(|_| {
        Error::rule(
            &rule.file,
            Some(&rule.id),
            format!("bad zone {}", rule.zone),
        )
    })
}

/// The clock start: the recorded submission of the prior notice, else the rule's fact(s), each falling back to
/// `aware_at` (or the earliest fact given) with a note.
fn clock_start(draft: &mut Draft<'_>, ctx: &Context<'_>) -> Result<(DateTime<Utc>, String), Error> {
    let rule = draft.rule;
    let recorded = rule
        .after
        .iter()
        .filter_map(|prior| {
            ctx.input
                .submitted(prior)
                .map(|at| (at.with_timezone(&Utc), prior))
        })
        .max_by_key(|(at, _)| *at);
    if let Some((at, prior)) = recorded {
        return Ok((at, format!("submitted:{prior}")));
    }
    if let Some(prior) = rule.after.first() {
        draft.notes.push(format!(
            "The {prior} notice is not recorded as submitted: the period is counted from the clock-start fact (the \
             earliest it can start); recompute when the submission is recorded."
        ));
    }
    let mut latest: Option<(DateTime<Utc>, String)> = None;
    for &fact in rule.clock_start.facts() {
        let (at, name) = match ctx.fact(fact) {
            Some(at) => (at, fact.name().to_string()),
            None => {
                let (fb, at) = ctx.fallback().ok_or_else(|| {
                    Error::input(
                        "facts",
                        format!("no fact given; rule {} needs {fact} (or aware_at)", rule.id),
                    )
                })?;
                draft.notes.push(format!(
                    "{fact} not given: counted from {fb} (the earliest plausible start)."
                ));
                (at, fb.name().to_string())
            }
        };
        if latest.as_ref().is_none_or(|(t, _)| at > *t) {
            latest = Some((at, name));
        }
    }
    latest.ok_or_else(|| Error::rule(&rule.file, Some(&rule.id), "clock_start names no fact"))
}

/// The rule's own deadline (period, backstop, relief) before relations to other notices.
fn own_due(t: &mut Timed<'_>, ctx: &Context<'_>) -> Result<(), Error> {
    let rule = t.draft.rule;
    let calendar = rule
        .calendar
        .as_ref()
        .and_then(|c| ctx.set.calendars().get(c));
    let Some(period) = rule.period else {
        return Ok(());
    };
    let mut due = clock::add(t.start, &period, t.tz, calendar, &rule.id)?;
    if let Some(alt_id) = &rule.alt_calendar {
        let alt = ctx.set.calendars().get(alt_id);
        let other = clock::add(t.start, &period, t.tz, alt, &rule.id)?;
        let (early, late, late_cal) = if other < due {
            (other, due, rule.calendar.as_deref().unwrap_or("none"))
        } else {
            (due, other, alt_id.as_str())
        };
        if late != early {
            t.draft.notes.push(format!(
                "Counted with the calendar giving the earlier date; with calendar {late_cal} it would be {} \
                 (possible legal outer bound).",
                late.with_timezone(&t.tz).to_rfc3339()
            ));
        }
        due = early;
    }
    if let Some(backstop) = &rule.backstop {
        let (at, name) = match ctx.fact(backstop.fact) {
            Some(at) => (Some(at), backstop.fact.name().to_string()),
            None => (
                ctx.fallback().map(|(_, at)| at),
                format!("{} (fallback)", backstop.fact),
            ),
        };
        if let Some(at) = at {
            let cap = clock::add(at, &backstop.period, t.tz, calendar, &rule.id)?;
            if t.start > cap {
                t.draft.notes.push(format!(
                    "The clock started after the backstop ({name} + {} {:?}) had passed: the period runs from the clock start alone.",
                    backstop.period.amount, backstop.period.unit
                ));
            } else if cap < due {
                t.draft.notes.push(format!(
                    "Capped by the backstop: no later than {} {:?} after {name}.",
                    backstop.period.amount, backstop.period.unit
                ));
                due = cap;
            }
        }
    }
    if let Some(relief) = &rule.relief {
        if let Some(relieved) = relations::relief(t, relief, due, calendar, ctx)? {
            t.internal_target = Some(due);
            due = relieved;
        }
    }
    t.due = Some(due);
    if let Some(standard) = &rule.standard {
        t.draft.notes.push(format!(
            "The law requires notice {standard}; the deadline is an outer bound, not a target."
        ));
    }
    Ok(())
}
