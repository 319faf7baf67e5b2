use super::*;

fn small() -> SimConfig {
    SimConfig {
        seed: 7,
        days: 14,
        history_days: 10,
        actors: 120,
        ..SimConfig::default()
    }
}

#[test]
fn same_seed_gives_the_same_world() {
    let a = simulate(&small()).expect("valid config");
    let b = simulate(&small()).expect("valid config");
    assert_eq!(a, b);
}
