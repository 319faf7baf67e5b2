//! Holiday calendars for business-day and working-day rules, loaded from breach/calendars/*.toml. A calendar
//! lists the years it covers; asking about any other year is an error, because assuming "no holidays" in an
//! uncovered year would silently move a legal deadline.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use crate::Error;

/// One named holiday calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// Id rules refer to (`us-federal`).
    pub id: String,
    /// Human name.
    pub name: String,
    /// Where the dates come from.
    pub source: String,
    weekend: Vec<Weekday>,
    years: BTreeMap<i32, BTreeSet<NaiveDate>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    id: String,
    name: String,
    source: String,
    #[serde(default = "sat_sun")]
    weekend: Vec<String>,
    years: BTreeMap<String, Vec<Holiday>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Holiday {
    date: NaiveDate,
    name: String,
}

fn sat_sun() -> Vec<String> {
    vec!["sat".into(), "sun".into()]
}

impl Calendar {
    /// Parses and validates one calendar file.
    pub(crate) fn parse(file: &str, text: &str) -> Result<Self, Error> {
        let data_err = |message: String| Error::Data {
            file: file.to_string(),
            message,
        };
        let parsed: CalendarFile = toml::from_str(text).map_err(|e| data_err(e.to_string()))?;
        let weekend = parsed
            .weekend
            .iter()
            .map(|d| {
                d.parse::<Weekday>()
                    .map_err(|_| data_err(format!("weekend day {d:?} is not a weekday name")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut years = BTreeMap::new();
        for (year, days) in parsed.years {
            let y: i32 = year
                .parse()
                .map_err(|_| data_err(format!("year key {year:?} is not a year")))?;
            let mut set = BTreeSet::new();
            for h in days {
                if h.date.year() != y {
                    return Err(data_err(format!(
                        "{} ({}) is listed under {y}",
                        h.date, h.name
                    )));
                }
                set.insert(h.date);
            }
            years.insert(y, set);
        }
        if years.is_empty() {
            return Err(data_err("covers no year".into()));
        }
        Ok(Calendar {
            id: parsed.id,
            name: parsed.name,
            source: parsed.source,
            weekend,
            years,
        })
    }

    /// Years the calendar covers.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// Whether `date` is a business day; `rule` names the asking rule in the error for an uncovered year.
    pub fn is_business_day(&self, date: NaiveDate, rule: &str) -> Result<bool, Error> {
        let holidays = self
            .years
            .get(&date.year())
            .ok_or_else(|| Error::MissingCalendarYear {
                calendar: self.id.clone(),
                year: date.year(),
                rule: rule.to_string(),
            })?;
        Ok(!self.weekend.contains(&date.weekday()) && !holidays.contains(&date))
    }

    /// The `n`-th business day after `date` (`date` itself excluded; with `include_start`, `date` counts as the
    /// first day when it is a business day).
    pub fn add_business_days(
        &self,
        date: NaiveDate,
        n: u32,
        include_start: bool,
        rule: &str,
    ) -> Result<NaiveDate, Error> {
        let mut counted = 0;
        let mut day = date;
        if include_start && self.is_business_day(day, rule)? {
            counted += 1;
        }
        while counted < n {
            day = day.succ_opt().ok_or_else(|| Error::Deadline {
                rule: rule.to_string(),
                message: "date out of range".into(),
            })?;
            if self.is_business_day(day, rule)? {
                counted += 1;
            }
        }
        Ok(day)
    }

    /// The first business day strictly after `date`.
    pub fn next_business_day(&self, date: NaiveDate, rule: &str) -> Result<NaiveDate, Error> {
        self.add_business_days(date, 1, false, rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
id = "x"
name = "X"
source = "test"
[years]
2026 = [{ date = "2026-01-19", name = "MLK" }]
"#;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() -> Result<(), Error> {
        let cal = Calendar::parse("x.toml", SAMPLE)?;
        assert_eq!(
            cal.add_business_days(date("2026-01-16"), 4, false, "r")?,
            date("2026-01-23")
        );
        Ok(())
    }

    #[test]
    fn a_year_the_calendar_does_not_cover_is_an_error() -> Result<(), Error> {
        let cal = Calendar::parse("x.toml", SAMPLE)?;
        let err = cal.add_business_days(date("2026-12-30"), 4, false, "r");
        assert!(matches!(
            err,
            Err(Error::MissingCalendarYear { year: 2027, .. })
        ));
        Ok(())
    }

    #[test]
    fn a_holiday_listed_under_the_wrong_year_is_rejected() {
        let bad = SAMPLE.replace("2026 =", "2025 =");
        assert!(Calendar::parse("x.toml", &bad).is_err());
    }
}
