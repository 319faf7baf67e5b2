//! The picture analysts want first: an actor's hourly records against its own baseline (the
//! median of the same hour in the previous four weeks, with the min-max band), as inline SVG.

use std::collections::HashMap;
use std::fmt::Write;

pub const HOUR_MS: i64 = 3_600_000;
const WEEK_MS: i64 = 7 * 24 * HOUR_MS;
/// Weeks of history behind each baseline point.
pub const BASELINE_WEEKS: i64 = 4;

/// One hour of the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub hour_ms: i64,
    pub actual: f64,
    pub median: f64,
    pub low: f64,
    pub high: f64,
}

/// Hourly points over `[from_ms, to_ms)`, from hourly totals that reach back `BASELINE_WEEKS`
/// weeks before `from_ms` (hours without rows count as zero).
pub fn series(hourly: &[(i64, i64)], from_ms: i64, to_ms: i64) -> Vec<Point> {
    let totals: HashMap<i64, f64> = hourly.iter().map(|&(h, r)| (h, r as f64)).collect();
    let at = |h: i64| totals.get(&h).copied().unwrap_or(0.0);
    let first = from_ms.div_euclid(HOUR_MS) * HOUR_MS;
    (first..to_ms)
        .step_by(HOUR_MS as usize)
        .map(|hour_ms| {
            let mut past: Vec<f64> = (1..=BASELINE_WEEKS)
                .map(|w| at(hour_ms - w * WEEK_MS))
                .collect();
            past.sort_by(f64::total_cmp);
            let mid = past.len() / 2;
            Point {
                hour_ms,
                actual: at(hour_ms),
                median: (past[mid - 1] + past[mid]) / 2.0,
                low: past[0],
                high: past[past.len() - 1],
            }
        })
        .collect()
}

const W: f64 = 960.0;
const H: f64 = 280.0;
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 12.0;

/// The SVG: band (baseline min-max), dashed median, solid actual, a red line at `mark_ms`.
pub fn svg(points: &[Point], mark_ms: Option<i64>) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return "<p>No activity in this period.</p>".into();
    };
    let (t0, t1) = (first.hour_ms as f64, (last.hour_ms + HOUR_MS) as f64);
    let peak = points
        .iter()
        .map(|p| p.actual.max(p.high))
        .fold(1.0, f64::max)
        * 1.1;
    let x = |t: f64| LEFT + (t - t0) / (t1 - t0) * (W - LEFT - 8.0);
    let y = |v: f64| TOP + (1.0 - v / peak) * (H - TOP - BOTTOM);
    let path = |value: fn(&Point) -> f64| {
        points
            .iter()
            .map(|p| {
                format!(
                    "{:.1},{:.1}",
                    x(p.hour_ms as f64 + HOUR_MS as f64 / 2.0),
                    y(value(p))
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut band = path(|p| p.high);
    let lows: Vec<String> = points
        .iter()
        .rev()
        .map(|p| {
            format!(
                "{:.1},{:.1}",
                x(p.hour_ms as f64 + HOUR_MS as f64 / 2.0),
                y(p.low)
            )
        })
        .collect();
    band.push(' ');
    band.push_str(&lows.join(" "));
    let mut out = format!(
        r##"<svg viewBox="0 0 {W} {H}" width="100%" role="img" aria-label="records per hour against baseline" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">
<polygon points="{band}" fill="#cfe3f7" stroke="none"/>
<polyline points="{}" fill="none" stroke="#3a78c2" stroke-width="1.5" stroke-dasharray="5 3"/>
<polyline points="{}" fill="none" stroke="#1d1d1f" stroke-width="1.6"/>
<line x1="{LEFT}" y1="{}" x2="{W}" y2="{}" stroke="#999"/>
<text x="4" y="{}">{:.0}</text><text x="4" y="{}">0</text>
"##,
        path(|p| p.median),
        path(|p| p.actual),
        H - BOTTOM,
        H - BOTTOM,
        TOP + 10.0,
        peak,
        H - BOTTOM,
    );
    let first_day = (first.hour_ms + 23 * HOUR_MS).div_euclid(24 * HOUR_MS) * 24 * HOUR_MS;
    for day in (first_day..last.hour_ms).step_by(24 * HOUR_MS as usize) {
        let label = chrono::DateTime::from_timestamp_millis(day)
            .map(|d| d.format("%a %d %b").to_string())
            .unwrap_or_default();
        let _ = write!(
            out,
            r##"<line x1="{0:.1}" y1="{TOP}" x2="{0:.1}" y2="{1}" stroke="#e4e4e4"/><text x="{2:.1}" y="{3}">{label}</text>"##,
            x(day as f64),
            H - BOTTOM,
            x(day as f64) + 3.0,
            H - 10.0
        );
    }
    if let Some(mark) = mark_ms.filter(|m| (*m as f64) >= t0 && (*m as f64) <= t1) {
        let _ = write!(
            out,
            r##"<line x1="{0:.1}" y1="{TOP}" x2="{0:.1}" y2="{1}" stroke="#d0021b" stroke-width="2"/>"##,
            x(mark as f64),
            H - BOTTOM
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_006_400_000; // a whole hour

    #[test]
    fn baseline_is_the_median_of_the_same_hour_in_past_weeks() {
        let hourly = vec![
            (T0 - WEEK_MS, 10),
            (T0 - 2 * WEEK_MS, 20),
            (T0 - 3 * WEEK_MS, 30),
            (T0 - 4 * WEEK_MS, 1000),
            (T0, 500),
        ];
        let points = series(&hourly, T0, T0 + 2 * HOUR_MS);
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].actual, 500.0);
        assert_eq!(points[0].median, 25.0);
        assert_eq!((points[0].low, points[0].high), (10.0, 1000.0));
        assert_eq!(points[1].actual, 0.0);
    }

    #[test]
    fn the_svg_draws_actual_baseline_and_the_alert_mark() {
        let points = series(
            &[(T0, 50), (T0 - WEEK_MS, 5)],
            T0 - 24 * HOUR_MS,
            T0 + 24 * HOUR_MS,
        );
        let svg = svg(&points, Some(T0));
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("#d0021b"), "alert mark drawn");
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn no_points_says_so_instead_of_drawing() {
        assert!(svg(&[], None).contains("No activity"));
    }
}
