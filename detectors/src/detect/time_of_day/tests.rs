//! What time of day must and must not flag: usual hours, on-call rotations, quiet and night-working groups.

use super::*;

fn office_hours(days: usize, extra: u32) -> HourProfile {
    let mut p = HourProfile::default();
    for d in 0..days {
        let mut mask = (9..18).fold(0u32, |m, h| m | (1 << h));
        if d % 7 == 0 {
            mask |= extra;
        }
        p.learn_day(mask, 60.0);
    }
    p
}

#[test]
fn three_am_for_a_nine_to_five_account_is_unusual() {
    let lp = check(3, &office_hours(30, 0), &TimeOfDayConfig::default());
    assert!(lp.is_some_and(|lp| lp < (0.05f64).ln()));
}

#[test]
fn on_call_nights_already_in_history_are_not_unusual() {
    assert!(check(3, &office_hours(30, 1 << 3), &TimeOfDayConfig::default()).is_none());
    assert!(check(
        2,
        &office_hours(30, 1 << 1 | 1 << 4),
        &TimeOfDayConfig::default()
    )
    .is_none());
}

#[test]
fn an_evening_just_after_the_usual_end_is_not_unusual() {
    assert!(check(19, &office_hours(30, 0), &TimeOfDayConfig::default()).is_none());
}

#[test]
fn three_am_is_deep_in_the_night_and_a_late_evening_is_not() {
    let p = office_hours(30, 0);
    let cfg = TimeOfDayConfig::default();
    assert!(
        p.depth(3).is_some_and(|d| d >= cfg.night_hours),
        "{:?}",
        p.depth(3)
    );
    assert!(
        p.depth(21).is_some_and(|d| d < cfg.night_hours),
        "{:?}",
        p.depth(21)
    );
}

#[test]
fn a_day_read_at_three_am_alerts_alone_while_a_late_evening_needs_several() {
    let p = office_hours(30, 0);
    let cfg = TimeOfDayConfig::default();
    let night = required_share(p.depth(3), GroupNights::Occasional, &cfg);
    let evening = required_share(p.depth(21), GroupNights::Occasional, &cfg);
    assert!(night <= cfg.min_daily_fraction, "{night}");
    assert!(evening >= 3.0, "{evening}");
}

#[test]
fn the_night_of_a_team_working_across_midnight_utc_is_found() {
    let mut p = HourProfile::default();
    for _ in 0..30 {
        p.learn_day((0..5).chain(20..24).fold(0u32, |m, h| m | (1 << h)), 60.0);
    }
    assert!(p.depth(12).is_some_and(|d| d > 11.0), "{:?}", p.depth(12));
    assert!(p.depth(1).is_some_and(|d| d < 3.0), "{:?}", p.depth(1));
}

#[test]
fn cold_start_is_not_judged() {
    assert!(check(3, &office_hours(3, 0), &TimeOfDayConfig::default()).is_none());
}

fn nights(member_days: usize, every: usize) -> Moments {
    let mut m = Moments::default();
    for d in 0..member_days {
        let x = if every > 0 && d % every == 0 {
            1.0
        } else {
            0.0
        };
        m.update(x, 4000.0);
    }
    m
}

#[test]
fn a_team_that_never_works_nights_is_quiet_and_one_with_on_call_is_not() {
    let cfg = TimeOfDayConfig::default();
    assert_eq!(
        group_nights(&nights(2000, 0), true, &cfg),
        GroupNights::Quiet
    );
    assert_eq!(
        group_nights(&nights(2000, 200), true, &cfg),
        GroupNights::Occasional,
        "on call: 1 night in 200"
    );
    assert_eq!(
        group_nights(&nights(100, 0), true, &cfg),
        GroupNights::Occasional,
        "too few member-days to tell"
    );
    assert_eq!(
        group_nights(&nights(2000, 10), true, &cfg),
        GroupNights::Routine,
        "night shifts: 1 member-day in 10"
    );
    assert_eq!(
        group_nights(&nights(2000, 10), false, &cfg),
        GroupNights::Occasional,
        "actors without a group are not a team"
    );
    assert_eq!(
        group_nights(&nights(40, 40), true, &cfg),
        GroupNights::Occasional,
        "one night in 40 member-days could be chance"
    );
}

#[test]
fn in_a_quiet_team_a_smaller_night_read_alerts_but_a_late_evening_does_not() {
    let p = office_hours(30, 0);
    let cfg = TimeOfDayConfig::default();
    let night = required_share(p.depth(3), GroupNights::Quiet, &cfg);
    assert!(night <= 0.3, "{night}");
    assert_eq!(
        required_share(p.depth(21), GroupNights::Quiet, &cfg),
        required_share(p.depth(21), GroupNights::Occasional, &cfg)
    );
    assert_eq!(
        required_share(p.depth(3), GroupNights::Occasional, &cfg),
        cfg.min_daily_fraction
    );
    assert!(required_share(p.depth(3), GroupNights::Routine, &cfg) >= 5.0);
    assert_eq!(
        required_share(p.depth(21), GroupNights::Routine, &cfg),
        required_share(p.depth(21), GroupNights::Occasional, &cfg),
        "evenings are judged alike in every group"
    );
}

#[test]
fn a_night_in_a_day_workers_hours_is_a_night_worked() {
    let p = office_hours(30, 0);
    assert!(p.worked_night(1 << 3 | 1 << 10, 9.0));
    assert!(!p.worked_night((9..18).fold(0, |m, h| m | 1 << h), 9.0));
}
