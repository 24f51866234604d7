//! A Codeforces performance rating from a replayed contest: the rating at which the expected
//! rank among the contest's rated participants equals the rank the score would have taken
//! (Codeforces' seed: `1 + sum_i 1 / (1 + 10^((R - r_i) / 400))`), found by bisection. This is
//! how AlphaCode and o1 turned contest results into Elo estimates.

use serde::{Deserialize, Serialize};

/// One human participant of the contest: their rating before it and the points they scored.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    /// Rating before the contest.
    pub rating: f64,
    /// Points scored.
    pub points: f64,
}

/// The rank `points` would take among `standings` (ties share the middle of their places).
pub fn rank(standings: &[Standing], points: f64) -> f64 {
    let above = standings.iter().filter(|s| s.points > points).count() as f64;
    let tied = standings.iter().filter(|s| s.points == points).count() as f64;
    1.0 + above + tied / 2.0
}

/// The expected rank of a participant rated `r` among `standings`.
fn seed(standings: &[Standing], r: f64) -> f64 {
    1.0 + standings
        .iter()
        .map(|s| 1.0 / (1.0 + 10f64.powf((r - s.rating) / 400.0)))
        .sum::<f64>()
}

/// The performance rating of `points` in a contest with `standings`; None without standings.
pub fn performance(standings: &[Standing], points: f64) -> Option<f64> {
    if standings.is_empty() {
        return None;
    }
    let target = rank(standings, points);
    let (mut lo, mut hi) = (-1000.0f64, 6000.0f64);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        // The seed falls as the rating rises.
        if seed(standings, mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some((lo + hi) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(n: usize) -> Vec<Standing> {
        // Ratings 1000..2900; stronger participants score more.
        (0..n)
            .map(|i| Standing {
                rating: 1000.0 + 1900.0 * i as f64 / (n - 1) as f64,
                points: i as f64 * 10.0,
            })
            .collect()
    }

    #[test]
    fn performance_tracks_the_rank() {
        let f = field(200);
        let bottom = performance(&f, -1.0).expect("some");
        let middle = performance(&f, 995.0).expect("some");
        let top = performance(&f, 1e9).expect("some");
        assert!(bottom < 1000.0, "{bottom}");
        assert!(
            (middle - 1950.0).abs() < 150.0,
            "the median's rating: {middle}"
        );
        assert!(top > 2900.0, "{top}");
        assert!(bottom < middle && middle < top);
        assert_eq!(rank(&f, 995.0), 101.0);
        assert!(performance(&[], 10.0).is_none());
    }

    #[test]
    fn equal_field_gives_its_rating_at_the_middle() {
        let f: Vec<Standing> = (0..101)
            .map(|i| Standing {
                rating: 1500.0,
                points: i as f64,
            })
            .collect();
        let r = performance(&f, 50.0).expect("some");
        assert!((r - 1500.0).abs() < 1.0, "{r}");
    }
}
