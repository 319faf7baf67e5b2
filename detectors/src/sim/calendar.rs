//! The world's calendar: day boundaries, weekends and the split between clean history and the test period.
//!
//! Days are UTC days counted from the world's first midnight; a person's local day `d` starts at UTC
//! midnight of day `d` minus their offset, so weekdays line up in every time zone.

pub(super) const MINUTE_MS: i64 = 60_000;
pub(super) const HOUR_MS: i64 = 3_600_000;
pub(super) const DAY_MS: i64 = 86_400_000;

/// The world's calendar.
#[derive(Clone, Copy)]
pub(super) struct Calendar {
    pub start_ms: i64,
    pub days: u32,
    pub history_days: u32,
    /// Weekday of day 0, 0 = Monday.
    first_weekday: u32,
}

impl Calendar {
    pub fn new(start_ms: i64, days: u32, history_days: u32) -> Calendar {
        // 1970-01-01 was a Thursday (index 3 counting from Monday).
        let first_weekday = (start_ms.div_euclid(DAY_MS) + 3).rem_euclid(7) as u32;
        Calendar {
            start_ms,
            days,
            history_days,
            first_weekday,
        }
    }

    /// UTC midnight starting `day`; the same instant is local midnight minus the local offset.
    pub fn day_start(&self, day: u32) -> i64 {
        self.start_ms + i64::from(day) * DAY_MS
    }

    pub fn end_ms(&self) -> i64 {
        self.day_start(self.days)
    }

    pub fn test_start_ms(&self) -> i64 {
        self.day_start(self.history_days)
    }

    pub fn is_weekend(&self, day: u32) -> bool {
        (self.first_weekday + day) % 7 >= 5
    }

    pub fn weekday(&self, day: u32) -> u32 {
        (self.first_weekday + day) % 7
    }

    /// Working days of the test period, in order.
    pub fn test_workdays(&self) -> Vec<u32> {
        (self.history_days..self.days)
            .filter(|&d| !self.is_weekend(d))
            .collect()
    }
}
