//! Judging a closed window's volume: window evidence, access evidence, and the finding that explains it.

use super::{slot_label, Model, Quantity, VolumeConfig};
use crate::detect::size::SizeAcc;
use crate::explain::{count, duration, ratio};
use crate::finding::{Context, Facts, Family, Finding};
use crate::stats::fisher_ln_sf;
use crate::timefmt::format_utc;
use std::f64::consts::LN_2;

/// What the volume check found in a window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct VolumeHit {
    pub q: Quantity,
    pub observed: f64,
    pub model: Model,
    /// Group-wide factor the expectation was scaled by.
    pub factor: f64,
    pub ln_p: f64,
    /// The window passed the magnitude gates and its accesses were larger than usual for their
    /// resources, or more numerous than usual: it may alert alone.
    pub corroborated: bool,
    /// The actor's largest window before this one (faded), for the explanation; 0 when none.
    pub peak: f64,
}

/// A closed window's volumes, their baselines, and the access evidence (`(ln p, ratio)` of access
/// sizes against their resources, and of the number of accesses).
pub(crate) struct WindowVolume {
    pub records: u64,
    pub bytes: u64,
    pub rec_model: Option<Model>,
    pub bytes_model: Option<Model>,
    pub size: SizeAcc,
    /// Records and sizes of this window with the previous one, when consecutive.
    pub pair: Option<(u64, SizeAcc)>,
    pub events: Option<(f64, f64)>,
    /// Typical whole-day records, when known.
    pub daily: Option<f64>,
    /// The actor's largest window before this one, faded ([`super::Peak`]).
    pub peak: f64,
}

/// Judges a window's records and bytes (expectations scaled by the group's `factor`); `None` when
/// neither is worth reporting.
///
/// A window that is both big (gates) and made of unusual accesses (larger than usual for their
/// resources, or more of them) combines the two pieces of evidence with Fisher's method: each alone
/// is often only 1-in-10,000 for actors whose windows vary a lot, together they are not. A big window
/// of ordinary accesses (the analyst's usual large query) keeps the weaker of the two.
pub(crate) fn judge(
    w: &WindowVolume,
    factor: f64,
    (ln_report, z_report): (f64, f64),
    cfg: &VolumeConfig,
) -> Option<VolumeHit> {
    let checks = [
        (Quantity::Records, w.rec_model, w.records, cfg.min_records),
        (Quantity::Bytes, w.bytes_model, w.bytes, cfg.min_bytes),
    ];
    let tests = (checks.iter().filter(|x| x.1.is_some()).count().max(1) as f64).ln();
    // Windows are judged first: the access evidence is only worth its cost for a big window.
    let windows = checks.map(|(q, m, x, min)| {
        m.map(|m| {
            let (ln_w, ratio) = m.screen(x as f64, factor, z_report);
            (q, m, x, min, (ln_w + tests).min(0.0), ratio)
        })
    });
    if windows.iter().flatten().all(|c| c.4 > ln_report) {
        return None;
    }
    // Access sizes in this window, or in it and the previous one (an export in two or three goes
    // often straddles a window boundary); two looks, paid for.
    let own = w.size.check();
    let paired = w
        .pair
        .as_ref()
        .and_then(|(r, s)| s.check().map(|c| (c, *r)));
    let (size, size_records) = match (own, paired) {
        (Some(o), Some((p, r))) if p.0 < o.0 => (Some((p.0 + LN_2, p.1)), r),
        (Some(o), Some(_)) => (Some((o.0 + LN_2, o.1)), w.records),
        (o, p) => (o.or(p.map(|x| x.0)), p.map_or(w.records, |x| x.1)),
    };
    let access = [size, w.events]
        .into_iter()
        .flatten()
        .map(|x| x.0)
        .fold(0.0, f64::min)
        + LN_2;
    // A window holding several whole days of reading needs less proof that its accesses are unusual.
    let days = w
        .daily
        .map_or(0.0, |d| size_records.max(w.records) as f64 / d.max(1.0));
    let strong = if days >= cfg.bulk_days {
        cfg.bulk_access_p
    } else {
        cfg.access_p
    }
    .ln();
    let corroborated = size.is_some_and(|s| s.0 <= strong && s.1 >= cfg.min_size_ratio)
        || w.events
            .is_some_and(|e| e.0 <= strong && e.1 >= cfg.min_ratio);
    windows
        .into_iter()
        .flatten()
        .map(|(q, m, x, min, ln_w, ratio)| {
            // Magnitudes in records count the read as a whole: an export in goes that straddles
            // a window boundary is judged with the previous window, as its sizes are.
            let read = size_records.max(w.records);
            let amount = if q == Quantity::Records { read } else { x };
            let bulk = w
                .daily
                .is_none_or(|d| read as f64 >= cfg.min_daily_fraction * d);
            let beyond_peak = read as f64 >= cfg.peak_ratio * w.peak;
            let big =
                ratio >= cfg.min_ratio && amount >= min && ln_w <= ln_report && bulk && beyond_peak;
            let ln_p = if big && corroborated {
                fisher_ln_sf(ln_w + access.min(0.0), 2)
            } else {
                ln_w.max(access)
            };
            VolumeHit {
                q,
                observed: x as f64,
                model: m,
                factor,
                ln_p: ln_p.min(0.0),
                corroborated: big && corroborated,
                peak: w.peak,
            }
        })
        .filter(|h| h.ln_p <= ln_report)
        .min_by(|a, b| {
            b.corroborated
                .cmp(&a.corroborated)
                .then(a.ln_p.total_cmp(&b.ln_p))
        })
}

/// The window's volume finding: `peer` when the expectation comes mostly from peers (a young actor).
pub(crate) fn finding(ctx: &Context<'_>, v: &VolumeHit, slot: usize) -> Finding {
    let VolumeHit {
        q,
        observed,
        model: m,
        factor,
        ln_p,
        corroborated,
        peak,
    } = *v;
    let expected = m.mean * factor;
    let peer = m.peer_weight > 0.5;
    let pct = (m.peer_weight * 100.0).round();
    let mut baseline = if peer {
        format!(
            "{} at {} ({pct}% of the expectation; {} active windows of the actor's own)",
            ctx.peers(),
            slot_label(slot),
            count(f64::from(m.own_windows))
        )
    } else {
        let mut b = format!(
            "own history at {} ({} active windows in that hour, {} in all)",
            slot_label(slot),
            count(f64::from(m.own_slot_windows)),
            count(f64::from(m.own_windows))
        );
        if m.peer_weight >= 0.05 {
            b.push_str(&format!("; {pct}% from {}", ctx.peers()));
        }
        b
    };
    if factor > 1.0 {
        baseline.push_str(&format!(
            "; scaled {factor:.1}x for a rise of the whole group"
        ));
    }
    if peak >= 1.0 && q == Quantity::Records {
        baseline.push_str(&format!(
            "; its largest window before: {} records",
            count(peak)
        ));
    }
    ctx.finding(Facts {
        family: if peer { Family::Peer } else { Family::Volume },
        ln_p,
        alone: corroborated,
        observed,
        expected,
        unit: q.unit(),
        what: format!(
            "read {} {} in {} from {}, {} the expected {}",
            count(observed),
            q.unit(),
            duration(ctx.span_ms),
            format_utc(ctx.start_ms),
            ratio(observed, expected),
            count(expected)
        ),
        baseline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accesses whose tail probabilities against their resources are `ln_ps`, with a size ratio of 20.
    fn sizes(ln_ps: &[f64]) -> SizeAcc {
        let mut s = SizeAcc {
            observed: 20.0 * ln_ps.len() as f64,
            expected: ln_ps.len() as f64,
            var: ln_ps.len() as f64,
            z_n: ln_ps.len() as f64,
            ..SizeAcc::default()
        };
        for (slot, lp) in s.rare.iter_mut().zip(ln_ps) {
            *slot = *lp as f32;
        }
        s
    }

    fn window(records: u64, size: SizeAcc, pair: Option<(u64, SizeAcc)>) -> WindowVolume {
        WindowVolume {
            records,
            bytes: 0,
            rec_model: Some(Model {
                mean: 500.0,
                var: 500.0 * 500.0,
                peer_weight: 0.0,
                own_slot_windows: 100.0,
                own_windows: 1000.0,
            }),
            bytes_model: None,
            size,
            pair,
            events: None,
            daily: Some(5_000.0),
            peak: 0.0,
        }
    }

    fn alone(w: &WindowVolume) -> bool {
        let cfg = VolumeConfig::default();
        let z = crate::stats::z_for_p(cfg.report_p);
        judge(w, 1.0, (cfg.report_p.ln(), z), &cfg).is_some_and(|h| h.corroborated)
    }

    #[test]
    fn an_export_in_goes_straddling_two_windows_is_judged_as_one() {
        // Each go is only 1-in-200 against its resource: one go proves little, three in ten minutes do.
        let first = sizes(&[(5e-3f64).ln()]);
        let second = sizes(&[(5e-3f64).ln(), (5e-3f64).ln()]);
        let mut both = first;
        both.add(&second);
        assert!(!alone(&window(40_000, second, None)));
        assert!(alone(&window(40_000, second, Some((60_000, both)))));
    }

    #[test]
    fn an_export_under_the_record_floor_in_each_window_is_judged_whole() {
        // 468 records in three exports, then 82 in a fourth after the boundary, by someone who reads
        // about 22 records a day: each window is under `min_records` (500), the read is not.
        let small = |records, size, pair| WindowVolume {
            rec_model: Some(Model {
                mean: 5.0,
                var: 25.0,
                peer_weight: 0.0,
                own_slot_windows: 100.0,
                own_windows: 1000.0,
            }),
            daily: Some(22.0),
            ..window(records, size, pair)
        };
        let first = sizes(&[(1e-8f64).ln(); 3]);
        let second = sizes(&[(1e-8f64).ln()]);
        let mut both = first;
        both.add(&second);
        assert!(!alone(&small(468, first, None)));
        assert!(alone(&small(82, second, Some((550, both)))));
    }

    #[test]
    fn one_far_tail_query_after_an_ordinary_window_stays_quiet() {
        let ordinary = sizes(&[]);
        let tail = sizes(&[(5e-3f64).ln()]);
        let mut both = ordinary;
        both.add(&tail);
        assert!(!alone(&window(40_000, tail, Some((40_500, both)))));
    }
}
