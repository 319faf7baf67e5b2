//! A labelled world for measuring detection: weeks of a company's data access with clean history, then
//! a test period with attacks of every kind the detectors cover, at several strengths, and benign
//! surprises that must stay quiet.
//!
//! Deterministic for a seed (every actor and attack draws from its own seeded stream) and free of IO, so
//! `accesswatch simulate` only writes what this returns and `eval` can regenerate a world for a seed.

mod attacks;
mod calendar;
mod cast;
mod catalog;
mod draft;
mod human;
mod labels;
mod machines;
mod plan;
mod random;
mod service;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::event::OwnedEvent;

pub use labels::{AttackKind, AttackLabel, BenignKind, BenignLabel, Labels, WorldMeta};

use calendar::{Calendar, DAY_MS};
use cast::{Cast, Role};
use draft::{Draft, Sink};
use human::NightWork;
use machines::BATCHES;

/// What world to generate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Same seed, same world, byte for byte.
    pub seed: u64,
    /// Length of the world in days.
    pub days: u32,
    /// Leading days of clean history; the rest is the test period.
    pub history_days: u32,
    /// Actors present from day one (about 3% of them services and batch jobs); the story adds a few.
    pub actors: u32,
    /// First instant, a UTC midnight (epoch ms). The default is a Monday.
    pub start_ms: i64,
}

impl Default for SimConfig {
    fn default() -> Self {
        // 2025-01-06T00:00:00Z, a Monday.
        SimConfig {
            seed: 1,
            days: 35,
            history_days: 28,
            actors: 800,
            start_ms: 1_736_121_600_000,
        }
    }
}

/// Why a configuration cannot make a world.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("days must be between 2 and 366, got {0}")]
    Days(u32),
    #[error("history_days must be at least 1 and less than days ({days}), got {history_days}")]
    HistoryDays { days: u32, history_days: u32 },
    #[error("actors must be between 40 and 200000, got {0}")]
    Actors(u32),
    #[error("start_ms must be a UTC midnight, got {0}")]
    Start(i64),
}

/// A generated world: events in time order and their ground truth.
#[derive(Debug, Clone, PartialEq)]
pub struct World {
    pub events: Vec<OwnedEvent>,
    pub labels: Labels,
}

// Purposes of the random streams derived from the seed.
const PLAN: u64 = 1;
const ACTOR: u64 = 2;
const ATTACK: u64 = 3;

/// Generates the world described by `config`.
pub fn simulate(config: &SimConfig) -> Result<World, SimError> {
    validate(config)?;
    let cal = Calendar::new(config.start_ms, config.days, config.history_days);
    let mut rng = random::stream(config.seed, PLAN, 0);
    let mut cast = Cast::draw(&mut rng, config.actors, config.days);
    let plan = plan::plan(&cal, &mut cast, &mut rng);

    let mut drafts: Vec<Draft> =
        Vec::with_capacity(config.actors as usize * config.days as usize * 18);
    let mut nights = Vec::new();
    for (i, actor) in cast.actors.iter().enumerate() {
        let mut rng = random::stream(config.seed, ACTOR, i as u64);
        let mut sink = Sink {
            cast: &cast,
            actor: i as u32,
            origin: 0,
            attack: actor.attack_all,
            drafts: &mut drafts,
        };
        match &actor.role {
            Role::Human(h) => {
                sink.origin = h.origin;
                human::generate(&cal, actor, h, &mut rng, &mut sink, &mut nights);
            }
            Role::Service(s) => {
                sink.origin = s.origin;
                service::generate_service(&cal, actor, s, &mut rng, &mut sink);
            }
            Role::Batch { def, origin } => {
                sink.origin = *origin;
                service::generate_batch(&cal, actor, &BATCHES[*def], &mut rng, &mut sink);
            }
        }
    }
    for (i, attack) in plan.attacks.iter().enumerate() {
        let mut rng = random::stream(config.seed, ATTACK, i as u64);
        attacks::inject(&cal, &cast, attack, i as u16, &mut rng, &mut drafts);
    }
    drafts.retain(|d| d.time_ms >= cal.start_ms && d.time_ms < cal.end_ms());
    let m = draft::materialise(drafts, &cast, &cal, plan.attacks.len());

    let mut attack_labels = Vec::new();
    for ((a, ids), span) in plan
        .attacks
        .iter()
        .zip(m.attack_events)
        .zip(&m.attack_spans)
    {
        let Some((start_ms, end_ms)) = *span else {
            continue;
        };
        let actor = &cast.actors[a.actor];
        attack_labels.push(AttackLabel {
            id: format!("a-{:02}", attack_labels.len() + 1),
            kind: a.kind,
            actor: actor.name.clone(),
            actor_group: actor.group.clone(),
            start_ms,
            end_ms,
            strength: a.strength.clone(),
            event_ids: ids,
        });
    }
    let mut benign = Vec::new();
    for b in &plan.benign {
        let first = b.actors.iter().filter_map(|&i| m.first_seen[i]).min();
        let Some((start_ms, end_ms)) = b.span.or(first.map(|f| (f, cal.end_ms()))) else {
            continue;
        };
        benign.push(BenignLabel {
            kind: b.kind,
            group: b.group.clone(),
            actors: b
                .actors
                .iter()
                .map(|&i| cast.actors[i].name.clone())
                .collect(),
            start_ms,
            end_ms,
            description: b.description.clone(),
        });
    }
    benign.extend(routine_nights(&cal, &cast, &nights));

    let labels = Labels {
        world: WorldMeta {
            seed: config.seed,
            days: config.days,
            history_days: config.history_days,
            start_ms: cal.start_ms,
            test_start_ms: cal.test_start_ms(),
            end_ms: cal.end_ms(),
            actors: m.actors,
            events: m.events.len(),
            test_actor_days: m.test_actor_days,
        },
        attacks: attack_labels,
        benign,
    };
    Ok(World {
        events: m.events,
        labels,
    })
}

/// Test-period nights of on-call engineers who already worked nights in the history.
fn routine_nights(cal: &Calendar, cast: &Cast, nights: &[NightWork]) -> Vec<BenignLabel> {
    let test_start = cal.test_start_ms();
    let veterans: Vec<u32> = nights
        .iter()
        .filter(|n| n.end_ms < test_start)
        .map(|n| n.actor)
        .collect();
    nights
        .iter()
        .filter(|n| {
            n.start_ms >= test_start && n.end_ms < cal.end_ms() && veterans.contains(&n.actor)
        })
        .map(|n| BenignLabel {
            kind: BenignKind::OncallNightWork,
            group: None,
            actors: vec![cast.actors[n.actor as usize].name.clone()],
            start_ms: n.start_ms,
            end_ms: n.end_ms,
            description: "on-call engineer working at night, as in earlier on-call weeks".into(),
        })
        .collect()
}

fn validate(c: &SimConfig) -> Result<(), SimError> {
    if !(2..=366).contains(&c.days) {
        return Err(SimError::Days(c.days));
    }
    if c.history_days == 0 || c.history_days >= c.days {
        return Err(SimError::HistoryDays {
            days: c.days,
            history_days: c.history_days,
        });
    }
    if !(40..=200_000).contains(&c.actors) {
        return Err(SimError::Actors(c.actors));
    }
    if c.start_ms.rem_euclid(DAY_MS) != 0 {
        return Err(SimError::Start(c.start_ms));
    }
    Ok(())
}
