//! Deadline arithmetic, per DESIGN.md and breach-rules.md section 3: hour periods are elapsed time added to the
//! instant (so a DST change moves the local wall-clock time, never the instant); day, business-day, month and
//! year-end periods are counted on local dates in the rule's zone and end at 23:59:59 local on the last day.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, Months, NaiveDate, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;

use crate::calendar::Calendar;
use crate::ruleset::{Period, Unit};
use crate::Error;

/// Adds `period` to `start`, counting days in `tz` and business days in `calendar`.
pub(crate) fn add(
    start: DateTime<Utc>,
    period: &Period,
    tz: Tz,
    calendar: Option<&Calendar>,
    rule: &str,
) -> Result<DateTime<Utc>, Error> {
    let out_of_range = || Error::Deadline {
        rule: rule.to_string(),
        message: format!(
            "{start} plus {} {:?} is out of range",
            period.amount, period.unit
        ),
    };
    let day = start.with_timezone(&tz).date_naive();
    // "Day 1 is the trigger day" shortens a calendar count by one day.
    let days = |n: u32| {
        u64::from(if period.first_day_counts {
            n.saturating_sub(1)
        } else {
            n
        })
    };
    let last_day = match period.unit {
        Unit::Hours => {
            return start
                .checked_add_signed(Duration::hours(i64::from(period.amount)))
                .ok_or_else(out_of_range)
        }
        Unit::CalendarDays => day.checked_add_days(chrono::Days::new(days(period.amount))),
        Unit::BusinessDays | Unit::WorkingDays => {
            let cal = calendar.ok_or_else(|| Error::Deadline {
                rule: rule.to_string(),
                message: "business-day period without a calendar".into(),
            })?;
            Some(cal.add_business_days(day, period.amount, period.first_day_counts, rule)?)
        }
        Unit::Months => day.checked_add_months(Months::new(period.amount)),
        Unit::DaysAfterYearEnd => NaiveDate::from_ymd_opt(day.year(), 12, 31)
            .and_then(|d| d.checked_add_days(chrono::Days::new(days(period.amount)))),
    }
    .ok_or_else(out_of_range)?;
    end_of_day(last_day, tz).ok_or_else(out_of_range)
}

/// 23:59:59 local on `date` (the later instant if the hour repeats; skipping past a gap if it does not exist).
pub(crate) fn end_of_day(date: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    let time = NaiveTime::from_hms_opt(23, 59, 59)?;
    local_instant(date, time, tz, true)
}

/// `hour`:00 local on `date`.
pub(crate) fn at_hour(date: NaiveDate, hour: u32, tz: Tz) -> Option<DateTime<Utc>> {
    local_instant(date, NaiveTime::from_hms_opt(hour, 0, 0)?, tz, false)
}

fn local_instant(date: NaiveDate, time: NaiveTime, tz: Tz, latest: bool) -> Option<DateTime<Utc>> {
    let local = date.and_time(time);
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => {
            Some(if latest { a.max(b) } else { a.min(b) }.with_timezone(&Utc))
        }
        // A wall-clock time inside a spring-forward gap: the same wall time plus the gap, read as UTC offset
        // before the gap, is the first instant after it.
        LocalResult::None => {
            let before = tz.offset_from_utc_datetime(&(local - Duration::hours(3)));
            let fixed =
                chrono::FixedOffset::east_opt(chrono::Offset::fix(&before).local_minus_utc())?;
            fixed
                .from_local_datetime(&local)
                .single()
                .map(|t| t.with_timezone(&Utc))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn hours_are_elapsed_time_across_the_autumn_dst_change() -> Result<(), Error> {
        let p = Period {
            amount: 72,
            unit: Unit::Hours,
            first_day_counts: false,
        };
        let due = add(
            utc("2026-10-23T17:00:00+02:00"),
            &p,
            chrono_tz::Europe::Paris,
            None,
            "r",
        )?;
        assert_eq!(
            due.with_timezone(&chrono_tz::Europe::Paris).to_rfc3339(),
            "2026-10-26T16:00:00+01:00"
        );
        Ok(())
    }

    #[test]
    fn calendar_days_end_at_the_last_second_of_the_local_day() -> Result<(), Error> {
        let p = Period {
            amount: 30,
            unit: Unit::CalendarDays,
            first_day_counts: false,
        };
        let due = add(
            utc("2026-01-12T10:00:00-08:00"),
            &p,
            chrono_tz::America::Los_Angeles,
            None,
            "r",
        )?;
        assert_eq!(due, utc("2026-02-11T23:59:59-08:00"));
        Ok(())
    }

    #[test]
    fn one_month_from_the_31st_ends_on_the_last_day_of_february() -> Result<(), Error> {
        let p = Period {
            amount: 1,
            unit: Unit::Months,
            first_day_counts: false,
        };
        let due = add(
            utc("2026-01-31T10:00:00+01:00"),
            &p,
            chrono_tz::Europe::Berlin,
            None,
            "r",
        )?;
        assert_eq!(due, utc("2026-02-28T23:59:59+01:00"));
        Ok(())
    }
}
