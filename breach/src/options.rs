//! Engine policies that are choices, not law. Defaults follow breach-rules.md section 4 and are documented in
//! docs/RULES.md; the service may expose them as configuration.

/// Policies for notices the law leaves open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Internal target for "without undue delay" notices to authorities, in hours after the clock start.
    pub asap_authority_hours: u32,
    /// Internal target for "without undue delay" notices to individuals, media and others, in hours.
    pub asap_other_hours: u32,
    /// Bring ASAP targets for individuals forward to the strictest fixed deadline for individuals in the same
    /// incident (a 30-day US state clock), so notices go out together (breach-rules.md section 4).
    pub align_individual_targets: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            asap_authority_hours: 72,
            asap_other_hours: 30 * 24,
            align_individual_targets: true,
        }
    }
}
