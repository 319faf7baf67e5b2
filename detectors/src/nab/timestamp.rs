//! NAB's timestamps, `YYYY-MM-DD HH:MM:SS` (labels add `.ffffff`), to and from epoch milliseconds.
//!
//! NAB data carries no zone; it is read as UTC so that a round trip writes back the same text.

use super::NabError;

const DAY_MS: i64 = 86_400_000;

/// Parses `YYYY-MM-DD HH:MM:SS`, with an optional fraction of a second and `T` accepted for the space.
pub fn parse_timestamp(text: &str) -> Result<i64, NabError> {
    let bad = || NabError::Timestamp(text.to_string());
    let t = text.trim();
    let (date, time) = t.split_once([' ', 'T']).ok_or_else(bad)?;
    let mut d = date
        .splitn(3, '-')
        .map(|p| p.parse::<i64>().map_err(|_| bad()));
    let (year, month, day) = (
        d.next().ok_or_else(bad)??,
        d.next().ok_or_else(bad)??,
        d.next().ok_or_else(bad)??,
    );
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let mut c = clock
        .splitn(3, ':')
        .map(|p| p.parse::<i64>().map_err(|_| bad()));
    let (hour, minute, second) = (
        c.next().ok_or_else(bad)??,
        c.next().ok_or_else(bad)??,
        c.next().unwrap_or(Ok(0))?,
    );
    let millis = match fraction {
        "" => 0,
        f if f.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{f:0<3}")[..3].parse::<i64>().map_err(|_| bad())?
        }
        _ => return Err(bad()),
    };
    let in_range = (0..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..60).contains(&second);
    let days = days_from_civil(year, month, day);
    // Rejects 31 April and 29 February of common years: the date must survive the round trip.
    if !in_range || civil_from_days(days) != (year, month, day) {
        return Err(bad());
    }
    Ok(days * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millis)
}

/// Formats epoch milliseconds as NAB does, `YYYY-MM-DD HH:MM:SS` (sub-second part dropped).
pub fn format_timestamp(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY_MS));
    let s = t.rem_euclid(DAY_MS) / 1000;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nab_timestamps_round_trip_through_epoch_milliseconds() {
        for text in [
            "2015-02-26 21:42:53",
            "1970-01-01 00:00:00",
            "2000-02-29 23:59:59",
            "1969-12-31 12:00:00",
        ] {
            let t = parse_timestamp(text).expect("valid timestamp");
            assert_eq!(format_timestamp(t), text);
        }
        assert_eq!(parse_timestamp("1970-01-02 00:00:01"), Ok(DAY_MS + 1000));
    }

    #[test]
    fn label_timestamps_with_microseconds_parse() {
        assert_eq!(
            parse_timestamp("2014-02-26 13:45:00.000000"),
            parse_timestamp("2014-02-26 13:45:00")
        );
        assert_eq!(parse_timestamp("1970-01-01T00:00:00.25"), Ok(250));
    }

    #[test]
    fn impossible_dates_and_garbage_are_rejected() {
        for text in [
            "99999999999-01-01 00:00:00",
            "2015-02-29 00:00:00",
            "2015-13-01 00:00:00",
            "2015-01-01 24:00:00",
            "2015-01-01",
            "x",
            "2015-01-01 00:00:00.5z",
        ] {
            assert!(parse_timestamp(text).is_err(), "{text}");
        }
    }
}
