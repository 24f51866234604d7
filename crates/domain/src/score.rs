use crate::Subtask;
use serde::{Deserialize, Serialize};

/// The score of one subtask on one submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubtaskResult {
    /// The subtask's name.
    pub name: String,
    /// The subtask's full points.
    pub max_points: f64,
    /// The minimum test score over the subtask's tests, in [0, 1].
    pub fraction: f64,
    /// `fraction * max_points`, rounded to the problem's precision.
    pub points: f64,
}

/// Inconsistent subtask data.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ScoreError {
    /// A subtask names a test that does not exist.
    #[error("subtask {subtask:?} refers to test #{test}, but there are only {count} tests")]
    NoSuchTest {
        /// The subtask's name.
        subtask: String,
        /// The test index it names.
        test: usize,
        /// How many tests there are.
        count: usize,
    },
    /// A test score outside [0, 1] or not a number.
    #[error("test #{test} has score {score}, outside [0, 1]")]
    BadTestScore {
        /// The test index.
        test: usize,
        /// The offending score.
        score: f64,
    },
}

/// Rounds `points` to `decimals` places (IOI rounds task scores to the task's precision).
pub fn round_points(points: f64, decimals: u32) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    // `+ 0.0` makes -0 (an empty sum is -0 in Rust) plain 0, which JSON readers print as "0".
    (points * scale).round() / scale + 0.0
}

/// Scores every subtask from per-test scores in [0, 1] (`None`: not run, which scores 0).
///
/// IOI semantics: a subtask earns its points times the minimum score over its tests; an empty
/// subtask earns nothing. The problem's total on one submission is the sum of the results.
pub fn score_subtasks(
    subtasks: &[Subtask],
    test_scores: &[Option<f64>],
    decimals: u32,
) -> Result<Vec<SubtaskResult>, ScoreError> {
    for (test, score) in test_scores.iter().enumerate() {
        if let Some(s) = score
            && !(0.0..=1.0).contains(s)
        {
            return Err(ScoreError::BadTestScore { test, score: *s });
        }
    }
    subtasks
        .iter()
        .map(|st| {
            let mut fraction: f64 = if st.tests.is_empty() { 0.0 } else { 1.0 };
            for &t in &st.tests {
                let score = test_scores.get(t).ok_or_else(|| ScoreError::NoSuchTest {
                    subtask: st.name.clone(),
                    test: t,
                    count: test_scores.len(),
                })?;
                fraction = fraction.min(score.unwrap_or(0.0));
            }
            Ok(SubtaskResult {
                name: st.name.clone(),
                max_points: st.points,
                fraction,
                points: round_points(fraction * st.points, decimals),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(name: &str, points: f64, tests: &[usize]) -> Subtask {
        Subtask {
            name: name.into(),
            points,
            tests: tests.to_vec(),
            contains: vec![],
        }
    }

    #[test]
    fn no_points_is_plain_zero() {
        let empty: f64 = [0.5f64; 0].iter().sum();
        assert!(empty.is_sign_negative(), "Rust sums nothing to -0");
        let rounded = round_points(empty, 2);
        assert!(rounded == 0.0 && rounded.is_sign_positive());
        assert_eq!(serde_json::to_string(&rounded).unwrap(), "0.0");
        assert_eq!(round_points(-0.004, 2).to_string(), "0");
    }

    #[test]
    fn subtask_is_min_over_its_tests() {
        let subtasks = [
            st("a", 10.0, &[0, 1]),
            st("b", 90.0, &[1, 2]),
            st("c", 5.0, &[]),
        ];
        let r = score_subtasks(&subtasks, &[Some(1.0), Some(0.5), Some(1.0)], 2).unwrap();
        assert_eq!(r[0].points, 5.0);
        assert_eq!(r[1].points, 45.0);
        assert_eq!(r[2].points, 0.0, "an empty subtask earns nothing");
        let r = score_subtasks(&subtasks, &[Some(1.0), None, Some(1.0)], 2).unwrap();
        assert_eq!(r[0].points + r[1].points, 0.0, "a test not run scores zero");
    }

    #[test]
    fn rejects_bad_input_and_rounds() {
        let subtasks = [st("a", 10.0, &[3])];
        assert!(matches!(
            score_subtasks(&subtasks, &[Some(1.0)], 2),
            Err(ScoreError::NoSuchTest { test: 3, .. })
        ));
        assert!(matches!(
            score_subtasks(&[], &[Some(1.5)], 2),
            Err(ScoreError::BadTestScore { .. })
        ));
        assert_eq!(round_points(33.333_333, 2), 33.33);
        assert_eq!(round_points(2.0 / 3.0 * 10.0, 0), 7.0);
    }
}
