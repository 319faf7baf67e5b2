//! Compact events while a world is being generated, and their conversion into [`OwnedEvent`]s.
//!
//! Generators push small index-based drafts (no strings) so that generating and time-sorting half a
//! million events stays cheap; strings are materialised once, in final order, when ids are assigned.

use rand::rngs::SmallRng;
use rand::Rng;

use crate::event::{ActorType, Outcome, OwnedEvent};

use super::calendar::{Calendar, DAY_MS};
use super::cast::{Cast, Role};

/// An event before materialisation: indexes into the cast instead of strings.
pub(super) struct Draft {
    pub time_ms: i64,
    pub actor: u32,
    pub action: &'static str,
    pub resource: u32,
    pub records: u64,
    pub bytes: u64,
    pub outcome: Outcome,
    pub origin: u32,
    /// Index of the attack this event belongs to.
    pub attack: Option<u16>,
}

/// Events in final order, plus what labels need from them.
pub(super) struct Materialised {
    pub events: Vec<OwnedEvent>,
    /// Event ids per attack index, in time order.
    pub attack_events: Vec<Vec<String>>,
    /// First and last event time per attack index.
    pub attack_spans: Vec<Option<(i64, i64)>>,
    /// First event time per actor.
    pub first_seen: Vec<Option<i64>>,
    pub actors: usize,
    pub test_actor_days: u64,
}

/// Sorts drafts by time (stable, so ties keep generation order) and turns them into events `e-<n>`.
pub(super) fn materialise(
    mut drafts: Vec<Draft>,
    cast: &Cast,
    calendar: &Calendar,
    attacks: usize,
) -> Materialised {
    drafts.sort_by_key(|d| d.time_ms);
    let mut out = Materialised {
        events: Vec::with_capacity(drafts.len()),
        attack_events: vec![Vec::new(); attacks],
        attack_spans: vec![None; attacks],
        first_seen: vec![None; cast.actors.len()],
        actors: 0,
        test_actor_days: 0,
    };
    let mut last_test_day: Vec<Option<i64>> = vec![None; cast.actors.len()];
    let test_start = calendar.test_start_ms();
    for (n, d) in drafts.into_iter().enumerate() {
        let actor = &cast.actors[d.actor as usize];
        let resource = &cast.resources[d.resource as usize];
        let origin = &cast.origins[d.origin as usize];
        let id = format!("e-{}", n + 1);
        let first = &mut out.first_seen[d.actor as usize];
        if first.is_none() {
            *first = Some(d.time_ms);
            out.actors += 1;
        }
        if d.time_ms >= test_start {
            let day = Some((d.time_ms - calendar.start_ms).div_euclid(DAY_MS));
            if last_test_day[d.actor as usize] != day {
                last_test_day[d.actor as usize] = day;
                out.test_actor_days += 1;
            }
        }
        if let Some(a) = d.attack.map(usize::from) {
            out.attack_events[a].push(id.clone());
            let span = out.attack_spans[a].get_or_insert((d.time_ms, d.time_ms));
            span.1 = d.time_ms;
        }
        out.events.push(OwnedEvent {
            time_ms: d.time_ms,
            event_id: Some(id),
            actor: actor.name.clone(),
            actor_type: match actor.role {
                Role::Human(_) => ActorType::User,
                Role::Service(_) | Role::Batch { .. } => ActorType::Service,
            },
            actor_group: actor.group.clone(),
            action: d.action.to_string(),
            resource: resource.name.clone(),
            records: d.records,
            bytes: d.bytes,
            outcome: d.outcome,
            sensitivity: Some(resource.sensitivity.to_string()),
            source_ip: Some(origin.ip.clone()),
            region: Some(origin.region.to_string()),
        });
    }
    out
}

/// Where one actor's generator writes: fills in the actor, its usual origin and the attack tag.
pub(super) struct Sink<'a> {
    pub cast: &'a Cast,
    pub actor: u32,
    pub origin: u32,
    pub attack: Option<u16>,
    pub drafts: &'a mut Vec<Draft>,
}

impl Sink<'_> {
    /// Pushes a successful access and hands it back for adjustments (outcome, origin).
    pub fn access(
        &mut self,
        rng: &mut SmallRng,
        time_ms: i64,
        action: &'static str,
        resource: u32,
        records: u64,
    ) -> &mut Draft {
        let per_record = self
            .cast
            .resources
            .get(resource as usize)
            .map_or(500, |r| r.bytes_per_record);
        let bytes = (records as f64 * f64::from(per_record) * rng.gen_range(0.8..1.25)) as u64;
        let i = self.drafts.len();
        self.drafts.push(Draft {
            time_ms,
            actor: self.actor,
            action,
            resource,
            records,
            bytes,
            outcome: Outcome::Success,
            origin: self.origin,
            attack: self.attack,
        });
        &mut self.drafts[i]
    }
}
