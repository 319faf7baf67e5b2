//! The ground truth of a simulated world, written beside the events as `labels.json`.
//!
//! `eval` scores alerts against these labels alone, so they carry everything a scorer needs and nothing
//! about how the world was generated: what each attack was, whose it was, when, and which events it made;
//! which benign surprises must stay quiet; and the size of the test period for alert rates.

use serde::{Deserialize, Serialize};

/// What kind of misuse an attack simulates; one per detector family it should wake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttackKind {
    /// A sudden export of many times the actor's daily volume within minutes.
    BulkExport,
    /// Several days of moderately raised daily volume (exfiltration under the radar).
    LowAndSlow,
    /// A brand-new account exporting many times what its team reads, on day one or two.
    NewHireExfil,
    /// A new account reading, steadily and without a burst, many times what its peers read.
    PeerOutlier,
    /// Walking many distinct tables in a short span.
    Enumeration,
    /// First reads of `health` or `credentials` data that neither the actor nor its group ever touched.
    SensitiveFirstAccess,
    /// Reading at night, with volume, by someone who never works at night.
    OffHours,
    /// Many denied requests in minutes (probing permissions).
    DeniedBurst,
    /// A service identity used from a new region and address block, with volume.
    ServiceNewOrigin,
    /// A single export breaking a static rule (more than 10,000 `health` records).
    RuleBreach,
}

impl AttackKind {
    /// Every kind, in report order.
    pub const ALL: [AttackKind; 10] = [
        AttackKind::BulkExport,
        AttackKind::LowAndSlow,
        AttackKind::NewHireExfil,
        AttackKind::PeerOutlier,
        AttackKind::Enumeration,
        AttackKind::SensitiveFirstAccess,
        AttackKind::OffHours,
        AttackKind::DeniedBurst,
        AttackKind::ServiceNewOrigin,
        AttackKind::RuleBreach,
    ];

    /// The snake_case name used in `labels.json` and reports.
    pub fn name(self) -> &'static str {
        match self {
            AttackKind::BulkExport => "bulk_export",
            AttackKind::LowAndSlow => "low_and_slow",
            AttackKind::NewHireExfil => "new_hire_exfil",
            AttackKind::PeerOutlier => "peer_outlier",
            AttackKind::Enumeration => "enumeration",
            AttackKind::SensitiveFirstAccess => "sensitive_first_access",
            AttackKind::OffHours => "off_hours",
            AttackKind::DeniedBurst => "denied_burst",
            AttackKind::ServiceNewOrigin => "service_new_origin",
            AttackKind::RuleBreach => "rule_breach",
        }
    }

    /// Kinds whose damage is one large read, where the quality bar asks for detection within minutes.
    pub fn is_bulk_read(self) -> bool {
        matches!(
            self,
            AttackKind::BulkExport | AttackKind::NewHireExfil | AttackKind::RuleBreach
        )
    }
}

/// Legitimate changes that a detector must not mistake for attacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BenignKind {
    /// A whole group works 3-5x its usual volume for a day; one group-level alert is tolerated.
    GroupSurge,
    /// A new employee who behaves like the team.
    NewHire,
    /// Steady growth of an actor's volume over the whole world.
    OrganicGrowth,
    /// Night work by an on-call engineer who has done it before.
    OncallNightWork,
    /// A new service identity starting to work.
    NewService,
}

impl BenignKind {
    /// The snake_case name used in `labels.json` and reports.
    pub fn name(self) -> &'static str {
        match self {
            BenignKind::GroupSurge => "group_surge",
            BenignKind::NewHire => "new_hire",
            BenignKind::OrganicGrowth => "organic_growth",
            BenignKind::OncallNightWork => "oncall_night_work",
            BenignKind::NewService => "new_service",
        }
    }
}

/// One injected attack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttackLabel {
    /// `a-<n>`, stable for a seed.
    pub id: String,
    pub kind: AttackKind,
    pub actor: String,
    pub actor_group: Option<String>,
    /// Time of the first attack event (epoch ms UTC).
    pub start_ms: i64,
    /// Time of the last attack event (epoch ms UTC).
    pub end_ms: i64,
    /// What makes this instance strong or subtle, for a human reading a miss.
    pub strength: String,
    /// The ids of the events the attack added, in time order.
    pub event_ids: Vec<String>,
}

/// One benign surprise: alerts on its actors (or group) inside its span are false alarms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenignLabel {
    pub kind: BenignKind,
    /// Set when the whole group is concerned (a group-level alert names the group as its actor).
    pub group: Option<String>,
    pub actors: Vec<String>,
    pub start_ms: i64,
    pub end_ms: i64,
    pub description: String,
}

/// Facts about the world that reports need to turn counts into rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorldMeta {
    pub seed: u64,
    pub days: u32,
    pub history_days: u32,
    /// First instant of the world (epoch ms UTC, a midnight).
    pub start_ms: i64,
    /// First instant of the test period; everything before is clean history.
    pub test_start_ms: i64,
    /// End of the world (exclusive).
    pub end_ms: i64,
    /// Distinct actors with at least one event.
    pub actors: usize,
    pub events: usize,
    /// Pairs (actor, UTC day) in the test period on which the actor had at least one event.
    pub test_actor_days: u64,
}

/// Everything `eval` needs, serialised as `labels.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    pub world: WorldMeta,
    pub attacks: Vec<AttackLabel>,
    pub benign: Vec<BenignLabel>,
}
