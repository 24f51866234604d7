//! `sieve simulate --tune`: random search over the o1-ioi and sieve strategies' parameters on
//! half of the problems, reported on the other half next to the defaults.

use sieve_domain::Rules;
use sieve_selection::{Params, Pool, evaluate, tune};

/// Tunes on the even-numbered pools, reports on the odd-numbered ones; `bar` says which
/// strategy is being tuned (its lines are printed past it).
pub fn run(
    pools: &[(String, Pool)],
    rules: Rules,
    k: usize,
    seeds: u64,
    trials: usize,
    bar: &indicatif::ProgressBar,
) {
    let (tuning, reporting): (Vec<_>, Vec<_>) =
        pools.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    fn as_pools<'a>(v: &[(usize, &'a (String, Pool))]) -> Vec<(&'a Pool, f64)> {
        v.iter().map(|(_, (_, p))| (p, 500.0)).collect()
    }
    let names = |v: &[(usize, &(String, Pool))]| -> Vec<String> {
        v.iter().map(|(_, (s, _))| s.clone()).collect()
    };
    let (tune_pools, report_pools) = (as_pools(&tuning), as_pools(&reporting));
    bar.suspend(|| {
        println!(
            "tuning on {} ({} trials, {seeds} seeds); reporting on {}",
            names(&tuning).join(", "),
            trials,
            names(&reporting).join(", ")
        );
        println!(
            "{:<8} {:>14} {:>14} {:>16} {:>16}",
            "strategy", "tuning default", "tuning tuned", "reported default", "reported tuned"
        );
    });
    for name in ["o1ioi", "sieve"] {
        bar.set_message(format!("tuning {name}: {trials} trials x {seeds} seeds"));
        let default = Params::default();
        let (best, tuned_score) = tune(&tune_pools, name, rules, k, seeds, trials, 7);
        let on = |p: &Params, pools: &[(&Pool, f64)]| evaluate(pools, name, p, rules, k, seeds);
        let row = format!(
            "{:<8} {:>14.2} {:>14.2} {:>16.2} {:>16.2}",
            name,
            on(&default, &tune_pools),
            tuned_score,
            on(&default, &report_pools),
            on(&best, &report_pools)
        );
        bar.suspend(|| {
            println!("{row}");
            println!("         tuned: {best:?}");
        });
    }
}
