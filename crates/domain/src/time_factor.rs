//! Time limits that mean what they mean natively. A problem states its time limit for native
//! x86-64 code built by g++; sieve runs WebAssembly, which for some programs is slower (a DP over
//! a large table: about 2x; most programs: 0.6-1.2x). A run is therefore judged against the stated
//! limit times the problem's time factor. The factor is measured per problem where the package
//! has reference solutions (their worst wasm/native ratio over the tests, rounded up), else it is
//! [`TimeFactor::DEFAULT`]. Results record the factor that judged them.

use serde::{Deserialize, Serialize};

/// A time factor that is not a number in [1, 4].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("time factor {0} is not a number from 1 to 4")]
pub struct InvalidTimeFactor(pub f64);

/// How much longer than the stated (native) limit a run may take in sieve: from 1 to 4.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct TimeFactor(f64);

impl TimeFactor {
    /// No allowance: the stated limit as is.
    pub const NATIVE: TimeFactor = TimeFactor(1.0);
    /// For problems without a measured factor: the median program runs at 0.6-1.2x native and a
    /// large DP at about 2x (docs/benchmarks.md), so 1.5 keeps most accepted programs accepted
    /// without letting an algorithm 2x too slow pass.
    pub const DEFAULT: TimeFactor = TimeFactor(1.5);
    /// The largest factor: beyond it, a limit says little about the algorithm.
    pub const MAX: f64 = 4.0;
    /// Python's allowance, in place of a problem's factor (which is measured on C and C++).
    /// sieve's CPython 3.15 for WASI takes 0.9-1.6x the CPU time of native CPython 3.11 on
    /// calls, big integers and I/O, but 2.6-3.2x on tight loops over lists and dicts (its
    /// interpreter loop is one large `switch` compiled by Cranelift, without computed gotos):
    /// `sieve bench sandbox`, docs/benchmarks.md.
    pub const PYTHON: TimeFactor = TimeFactor(2.5);
    /// The share of the judged limit from which a run is borderline.
    pub const BORDERLINE: f64 = 0.8;

    /// A factor from 1 to 4.
    pub fn new(value: f64) -> Result<TimeFactor, InvalidTimeFactor> {
        if value.is_finite() && (1.0..=Self::MAX).contains(&value) {
            Ok(TimeFactor(value))
        } else {
            Err(InvalidTimeFactor(value))
        }
    }

    /// The factor measured from reference runs: the largest wasm/native time ratio, rounded up
    /// to a multiple of 0.05 and held within [1, 4]. `None` without ratios.
    pub fn from_ratios(ratios: impl IntoIterator<Item = f64>) -> Option<TimeFactor> {
        let worst = ratios
            .into_iter()
            .filter(|r| r.is_finite())
            .fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))))?;
        let rounded = (worst * 20.0 - 1e-9).ceil() / 20.0;
        Some(TimeFactor(rounded.clamp(1.0, Self::MAX)))
    }

    /// The factor as a number.
    pub fn value(self) -> f64 {
        self.0
    }

    /// The factor for a run in `language`: this one (the problem's) for C, C++ and wasm, and
    /// [`TimeFactor::PYTHON`] for Python.
    pub fn for_language(self, language: crate::Language) -> TimeFactor {
        if language.is_python() {
            TimeFactor::PYTHON
        } else {
            self
        }
    }

    /// The limit a run is judged against, in milliseconds, for a stated limit.
    pub fn judged_ms(self, stated_ms: u64) -> u64 {
        (stated_ms as f64 * self.0).ceil() as u64
    }

    /// True when a run of `time_us` used at least 80% of the judged limit `judged_ms` (or
    /// exceeded it): its verdict could go either way on another machine or another day.
    pub fn borderline(time_us: u64, judged_ms: u64) -> bool {
        time_us as f64 >= Self::BORDERLINE * judged_ms as f64 * 1000.0
    }
}

impl Default for TimeFactor {
    fn default() -> Self {
        TimeFactor::DEFAULT
    }
}

impl TryFrom<f64> for TimeFactor {
    type Error = InvalidTimeFactor;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        TimeFactor::new(value)
    }
}

impl From<TimeFactor> for f64 {
    fn from(f: TimeFactor) -> f64 {
        f.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_outside_one_to_four_are_refused() {
        for bad in [0.5, 0.999, 4.01, f64::NAN, f64::INFINITY] {
            assert!(TimeFactor::new(bad).is_err(), "{bad}");
        }
        assert_eq!(TimeFactor::new(2.5).map(TimeFactor::value), Ok(2.5));
        assert!(serde_json::from_str::<TimeFactor>("7").is_err());
        assert_eq!(
            serde_json::from_str::<TimeFactor>("1.25").ok(),
            TimeFactor::new(1.25).ok()
        );
    }

    #[test]
    fn measured_factors_round_up_and_stay_in_range() {
        let f = |r: &[f64]| TimeFactor::from_ratios(r.iter().copied()).map(TimeFactor::value);
        assert_eq!(f(&[0.7, 1.31, 1.02]), Some(1.35));
        assert_eq!(f(&[1.3]), Some(1.3));
        assert_eq!(
            f(&[0.4, 0.9]),
            Some(1.0),
            "faster than native still judges at the stated limit"
        );
        assert_eq!(f(&[9.0]), Some(4.0));
        assert_eq!(f(&[]), None);
    }

    #[test]
    fn judged_limits_and_borderline_runs() {
        let f = TimeFactor::new(1.5).expect("valid");
        assert_eq!(f.judged_ms(1000), 1500);
        assert_eq!(TimeFactor::NATIVE.judged_ms(999), 999);
        assert!(!TimeFactor::borderline(1_199_000, 1500));
        assert!(TimeFactor::borderline(1_200_000, 1500));
        assert!(TimeFactor::borderline(1_600_000, 1500));
    }
}
