//! `sieve simulate --tune`: random search over the o1-ioi and sieve strategies' parameters on
//! half of the problems, reported on the other half next to the defaults.

use sieve_domain::Rules;
use sieve_selection::{Params, Pool, evaluate, tune};

/// Tunes on the even-numbered pools, reports on the odd-numbered ones; `bar` says which
/// strategy is being tuned (its lines are printed past it). With `json`, one JSON object per
/// strategy: the problems, the four mean scores and the tuned parameters.
pub fn run(
    pools: &[(String, Pool)],
    rules: Rules,
    k: usize,
    seeds: u64,
    trials: usize,
    bar: &indicatif::ProgressBar,
    json: bool,
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
        if json {
            return;
        }
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
        let scores = [
            on(&default, &tune_pools),
            tuned_score,
            on(&default, &report_pools),
            on(&best, &report_pools),
        ];
        if json {
            let line = serde_json::json!({
                "strategy": name, "tuned_on": names(&tuning), "reported_on": names(&reporting),
                "trials": trials, "seeds": seeds,
                "tuning_default": scores[0], "tuning_tuned": scores[1],
                "reported_default": scores[2], "reported_tuned": scores[3], "params": best,
            });
            bar.suspend(|| println!("{line}"));
            continue;
        }
        let row = format!(
            "{:<8} {:>14.2} {:>14.2} {:>16.2} {:>16.2}",
            name, scores[0], scores[1], scores[2], scores[3]
        );
        bar.suspend(|| {
            println!("{row}");
            println!("         tuned: {best:?}");
        });
    }
}
