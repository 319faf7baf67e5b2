//! How notices depend on each other and on policy: "not later than the consumer notice" caps (CT, DE, IL, MD,
//! NJ ...), weekend relief the law grants (DORA), internal targets for "without undue delay" notices, and the
//! alignment of those targets with the strictest fixed deadline (breach-rules.md sections 3.6 and 4).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::context::Context;
use super::deadline::Timed;
use crate::calendar::Calendar;
use crate::clock;
use crate::ruleset::{RecipientKind, Relief};
use crate::Error;

/// The relieved deadline when `due` falls on a weekend or holiday and the relief covers the entity.
pub(crate) fn relief(
    t: &mut Timed<'_>,
    relief: &Relief,
    due: DateTime<Utc>,
    calendar: Option<&Calendar>,
    ctx: &Context<'_>,
) -> Result<Option<DateTime<Utc>>, Error> {
    let rule = t.draft.rule;
    let entity = &ctx.input.entity;
    let excluded = |c: &str| {
        relief
            .not_for_classes
            .iter()
            .any(|x| x.eq_ignore_ascii_case(c.trim()))
    };
    let refusal = match (entity.dora_class.as_deref(), &entity.nis2_class) {
        (_, Some(class)) if relief.not_for_nis2 => {
            Some(format!("it does not cover NIS2 {class} entities"))
        }
        (None, _) => Some("entity.dora_class is not given".to_string()),
        (Some(c), _) if excluded(c) => Some(format!("it does not cover {c}")),
        _ => None,
    };
    let day = due.with_timezone(&t.tz).date_naive();
    let Some(cal) = calendar else {
        t.draft.notes.push(format!(
            "Weekend/holiday relief ({}) not computed: set entity.establishment to pick the bank-holiday calendar.",
            relief.citation
        ));
        return Ok(None);
    };
    if cal.is_business_day(day, &rule.id)? {
        return Ok(None);
    }
    if let Some(why) = refusal {
        t.draft.notes.push(format!(
            "The time limit falls on a weekend or bank holiday ({day}); the relief of {} is not applied: {why}.",
            relief.citation
        ));
        return Ok(None);
    }
    let next = cal.next_business_day(day, &rule.id)?;
    let relieved = clock::at_hour(next, relief.next_working_day_hour, t.tz).ok_or_else(|| {
        Error::Deadline {
            rule: rule.id.clone(),
            message: format!("no {}:00 on {next}", relief.next_working_day_hour),
        }
    })?;
    if relieved <= due {
        return Ok(None);
    }
    t.draft.notes.push(format!(
        "The time limit falls on a weekend or bank holiday ({day}, calendar {}): the law allows submission by \
         {:02}:00 on the next working day ({}); internal_target keeps the original time limit.",
        cal.id, relief.next_working_day_hour, relief.citation
    ));
    Ok(Some(relieved))
}

/// Applies caps from other notices, then internal targets for ASAP notices.
pub(crate) fn apply(timed: &mut [Timed<'_>], ctx: &Context<'_>) {
    let index: HashMap<String, usize> = timed
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.draft.rule.per_subdivision)
        .map(|(i, t)| (t.draft.rule.id.clone(), i))
        .collect();
    for t in timed.iter_mut() {
        if t.due.is_none() {
            let (target, why) = own_target(t, ctx);
            t.internal_target = Some(target);
            t.draft.notes.push(format!("Internal target: {why}."));
        }
    }
    // Caps are applied shallowest first, so a capped notice that is itself a cap is final when read.
    let mut order: Vec<usize> = (0..timed.len()).collect();
    order.sort_by_key(|&i| depth(timed, &index, i));
    for i in order {
        cap(timed, &index, i, ctx);
    }
    lag_notes(timed, ctx);
    if ctx.options.align_individual_targets {
        align(timed);
    }
}

fn depth(timed: &[Timed<'_>], index: &HashMap<String, usize>, i: usize) -> usize {
    let mut d = 0;
    let mut cur = i;
    while let Some(next) = timed[cur]
        .draft
        .rule
        .not_later_than
        .as_ref()
        .and_then(|r| index.get(r))
    {
        d += 1;
        cur = *next;
        if d > timed.len() {
            break;
        }
    }
    d
}

fn own_target(t: &Timed<'_>, ctx: &Context<'_>) -> (DateTime<Utc>, String) {
    let rule = t.draft.rule;
    let calendar = rule
        .calendar
        .as_ref()
        .and_then(|c| ctx.set.calendars().get(c));
    if let Some(target) = &rule.target {
        if let Ok(at) = clock::add(t.start, target, t.tz, calendar, &rule.id) {
            let why = format!(
                "{} {:?} after the clock start, the regulator's published expectation",
                target.amount, target.unit
            );
            return (
                at,
                why.replace("CalendarDays", "calendar days")
                    .replace("Hours", "hours"),
            );
        }
    }
    let (hours, whom) = match rule.recipient_kind {
        RecipientKind::Authority => (ctx.options.asap_authority_hours, "authorities"),
        _ => (ctx.options.asap_other_hours, "individuals and others"),
    };
    (
        t.start + Duration::hours(i64::from(hours)),
        format!("{hours} h after the clock start (engine default for ASAP notices to {whom})"),
    )
}

fn cap(timed: &mut [Timed<'_>], index: &HashMap<String, usize>, i: usize, ctx: &Context<'_>) {
    let Some(prior_id) = timed[i].draft.rule.not_later_than.clone() else {
        return;
    };
    let prior_rule = ctx.set.rule(&prior_id);
    let sent = ctx
        .input
        .submitted(&prior_id)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| {
            prior_rule
                .filter(|r| r.recipient_kind == RecipientKind::Individuals)
                .and_then(|_| ctx.fact(crate::Fact::ConsumerNoticeSentAt))
        });
    let prior = index
        .get(&prior_id)
        .map(|&j| (timed[j].due, timed[j].internal_target));
    let t = &mut timed[i];
    let (limit, is_target, why) = match (sent, prior) {
        (Some(at), _) => (
            Some(at),
            false,
            "when the notice to individuals was sent".to_string(),
        ),
        (None, Some((Some(due), _))) => (
            Some(due),
            false,
            format!(
                "the deadline of {prior_id}; it moves to the actual sending time once recorded"
            ),
        ),
        (None, Some((None, target))) => (
            target,
            true,
            format!("the internal target of {prior_id} (ASAP notice)"),
        ),
        (None, None) => {
            t.draft.notes.push(format!(
                "The notice it must not follow ({prior_id}) is not owed: no cap applies."
            ));
            return;
        }
    };
    let Some(limit) = limit else { return };
    if is_target {
        if t.due.is_none() {
            t.internal_target = Some(t.internal_target.map_or(limit, |x| x.min(limit)));
        }
    } else if t.due.is_none_or(|d| limit < d) {
        t.due = Some(limit);
    }
    t.draft.notes.push(format!("Due no later than {why}."));
}

fn lag_notes(timed: &mut [Timed<'_>], ctx: &Context<'_>) {
    for t in timed.iter_mut() {
        let Some(fact) = t.draft.rule.lag_fact else {
            continue;
        };
        if let Some(at) = ctx.fact(fact).filter(|at| *at < t.start) {
            let hours = (t.start - at).num_minutes() as f64 / 60.0;
            t.draft.notes.push(format!(
                "{fact} is {hours:.1} h before the clock start: the processor had to inform the controller without \
                 undue delay; record why it took that long."
            ));
        }
    }
}

/// Brings ASAP targets for individuals forward to the earliest fixed individual deadline of the incident.
fn align(timed: &mut [Timed<'_>]) {
    let strictest = timed
        .iter()
        .filter(|t| t.draft.rule.recipient_kind == RecipientKind::Individuals)
        .filter_map(|t| t.due)
        .min();
    let Some(strictest) = strictest else { return };
    for t in timed.iter_mut() {
        if t.due.is_none()
            && t.draft.rule.recipient_kind == RecipientKind::Individuals
            && t.internal_target.is_some_and(|x| x > strictest)
        {
            t.internal_target = Some(strictest);
            t.draft.notes.push(
                "Internal target aligned with the earliest fixed deadline for notices to individuals in this incident."
                    .into(),
            );
        }
    }
}
