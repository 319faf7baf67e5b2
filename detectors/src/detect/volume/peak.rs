//! The largest window an actor has read, fading with time: "has it read this much before?"
//!
//! Query sizes of analysts, reporting jobs and month-end batches are heavy-tailed: a person's biggest
//! day can be 15-30x their median day, and a monthly job reads 100,000x its usual hour once a month.
//! A seasonal baseline and a per-resource size model both call such a read a far tail, yet the
//! analyst who is shown "76,000 records" when the same person read 424,000 two weeks ago closes the
//! alert. So volume alone alerts only above a multiple of the actor's own peak. The peak fades (half
//! life `peak_half_life_days`) so one old read does not cover the actor for ever. A window that
//! alerted is learned too: otherwise the analyst's first big query, reported once, would never
//! become their peak; a second export no larger than the first by the same actor within weeks is
//! part of the incident the first one opened.

use serde::{Deserialize, Serialize};

/// The largest window's records and the day it was read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Peak {
    records: f32,
    day: i32,
}

impl Peak {
    /// The peak as it stands on `day`, faded by `daily_decay` per day (`0.5^(1 / half-life)`).
    pub fn on(&self, day: i64, daily_decay: f64) -> f64 {
        let age = (day - i64::from(self.day)).clamp(0, i64::from(i32::MAX)) as i32;
        f64::from(self.records) * daily_decay.powi(age)
    }

    /// Learns a window read on `day`, given the peak as it stood that day (`on`): the window
    /// becomes the peak if it reaches it.
    pub fn learn(&mut self, records: u64, day: i64, faded: f64) {
        if records as f64 >= faded {
            self.records = records as f32;
            self.day = day.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        }
    }
}

/// The per-day factor that halves a peak every `half_life_days`.
pub fn daily_decay(half_life_days: f64) -> f64 {
    0.5f64.powf(1.0 / half_life_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_is_the_largest_window_and_fades_by_half_each_half_life() {
        let decay = daily_decay(30.0);
        let mut p = Peak::default();
        p.learn(1_000, 10, p.on(10, decay));
        p.learn(400, 11, p.on(11, decay));
        assert!((p.on(10, decay) - 1_000.0).abs() < 1e-6);
        assert!((p.on(40, decay) - 500.0).abs() < 1e-3);
        // A smaller window replaces a peak that has faded below it.
        p.learn(600, 40, p.on(40, decay));
        assert!((p.on(40, decay) - 600.0).abs() < 1e-6);
    }
}
