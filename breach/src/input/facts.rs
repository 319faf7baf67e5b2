//! Clock-start facts. Each law starts its clock from a different fact (section 3.1 of breach-rules.md): one
//! "incident declared" time applied to every rule gives wrong deadlines in both directions, so every fact is kept
//! separately and rules name the one they need.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Declares the facts once so the struct fields, the enum and the JSON names cannot drift apart.
macro_rules! facts {
    ($( $(#[$doc:meta])* $field:ident => $variant:ident ),+ $(,)?) => {
        /// The known clock-start facts of an incident (RFC 3339 with offset in JSON).
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Facts {
            $( $(#[$doc])* #[serde(default, skip_serializing_if = "Option::is_none")]
               pub $field: Option<DateTime<FixedOffset>>, )+
        }

        /// Names one clock-start fact; rule files use the JSON name (`discovered_at`).
        // snake_case of `AwareAt` is `aware_at`: the variant names are chosen so the JSON names match the fields.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Fact {
            $( $(#[$doc])* $variant, )+
        }

        impl Fact {
            /// Every fact, in declaration order.
            pub const ALL: &'static [Fact] = &[$(Fact::$variant),+];

            /// The JSON name of the fact.
            pub fn name(self) -> &'static str {
                match self { $(Fact::$variant => stringify!($field)),+ }
            }
        }

        impl Facts {
            /// The value of one fact, if known.
            pub fn get(&self, fact: Fact) -> Option<DateTime<FixedOffset>> {
                match fact { $(Fact::$variant => self.$field),+ }
            }
        }
    };
}

facts! {
    /// Aware of a (personal-data) breach with a reasonable degree of certainty (GDPR, DPDP, most non-US laws).
    aware_at => AwareAt,
    /// Incident noticed or brought to notice, no confirmation needed (CERT-In).
    noticed_at => NoticedAt,
    /// Breach discovered: known, or would have been known with reasonable diligence (HIPAA, most US states).
    discovered_at => DiscoveredAt,
    /// Determination that a breach (or cybersecurity incident) occurred (CO, FL, TX, NYDFS, bank 36 h).
    determined_at => DeterminedAt,
    /// Determination that the breach is reasonably likely to cause harm (AR attorney general, AL).
    harm_determined_at => HarmDeterminedAt,
    /// Materiality determination (SEC Form 8-K Item 1.05).
    materiality_determined_at => MaterialityDeterminedAt,
    /// Incident classified as major (DORA initial notification).
    classified_major_at => ClassifiedMajorAt,
    /// Aware of a significant incident (NIS2); falls back to aware_at.
    significant_incident_aware_at => SignificantIncidentAwareAt,
    /// Assessment concluded the breach is notifiable (Singapore PDPA s 26D).
    assessed_at => AssessedAt,
    /// Reasonable grounds to suspect an eligible breach (Australia 30-day assessment).
    suspected_at => SuspectedAt,
    /// Scope of the breach identified (Maine: aware and scope identified).
    scope_identified_at => ScopeIdentifiedAt,
    /// Information needed for the notice can be ascertained (Rhode Island).
    info_ascertainable_at => InfoAscertainableAt,
    /// Breach detected (Puerto Rico DACO).
    detected_at => DetectedAt,
    /// Entity learned of the acquisition (Wisconsin).
    learned_at => LearnedAt,
    /// Notices to affected individuals were sent (CA, IA, LA, OK attorney-general clocks).
    consumer_notice_sent_at => ConsumerNoticeSentAt,
    /// A processor became aware; the controller is aware only when informed, so this flags the lag.
    processor_aware_at => ProcessorAwareAt,
    /// An extortion payment was made (NYDFS 24 h).
    extortion_paid_at => ExtortionPaidAt,
}

impl std::fmt::Display for Fact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
