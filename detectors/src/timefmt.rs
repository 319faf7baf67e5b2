//! Calendar arithmetic on epoch milliseconds (UTC) without a clock or a date library.
//!
//! Detectors bucket time into windows, hours, days and weekday/weekend; summaries print a UTC time a
//! human can read. Both need only the proleptic Gregorian calendar, so a few lines replace a dependency.

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 (negative before).
#[inline]
pub fn day_index(t: i64) -> i64 {
    t.div_euclid(DAY_MS)
}

/// Hour of the day, 0..24, UTC.
#[inline]
pub fn hour_of_day(t: i64) -> usize {
    (t.rem_euclid(DAY_MS) / HOUR_MS) as usize
}

/// Saturday or Sunday (UTC).
#[inline]
pub fn is_weekend(t: i64) -> bool {
    // 1970-01-01 was a Thursday: (day + 4) mod 7 counts from Sunday = 0.
    let dow = (day_index(t) + 4).rem_euclid(7);
    dow == 0 || dow == 6
}

/// `2026-03-04 14:05 UTC`.
pub fn format_utc(t: i64) -> String {
    let (y, m, d) = civil_from_days(day_index(t));
    let minutes = t.rem_euclid(DAY_MS) / MINUTE_MS;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

/// `14:05` (UTC time of day).
pub fn format_hm(t: i64) -> String {
    let minutes = t.rem_euclid(DAY_MS) / MINUTE_MS;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        // 2026-03-04T14:05:00Z
        assert_eq!(format_utc(1_772_633_100_000), "2026-03-04 14:05 UTC");
        assert_eq!(format_utc(-60_000), "1969-12-31 23:59 UTC");
    }

    #[test]
    fn knows_weekends_and_hours() {
        // 1970-01-03 was a Saturday, 1970-01-05 a Monday.
        assert!(is_weekend(2 * DAY_MS + 5));
        assert!(is_weekend(3 * DAY_MS));
        assert!(!is_weekend(4 * DAY_MS));
        assert_eq!(hour_of_day(4 * DAY_MS + 13 * HOUR_MS + 59 * MINUTE_MS), 13);
    }
}
