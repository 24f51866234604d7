//! What the subtask-aware strategies compute once per pool rather than once per pick: each
//! candidate's cluster on each subtask (its signature as a dense index), the clusters' sizes,
//! and who was written for which subtask; and which candidates may be aimed at a subtask given
//! the feedback so far (o1-ioi's rule), checked per candidate without allocating.

use crate::pool::Pool;
use crate::strategy::{Feedback, History};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Signatures are hashes already: they index a map as they are.
#[derive(Default)]
struct AsIs(u64);

impl Hasher for AsIs {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

/// No signature (no generated test ran): a cluster of its own kind, never merged.
pub(crate) const NONE: u32 = u32::MAX;

/// Per subtask, the pool's clusters.
pub(crate) struct Clusters {
    /// `id[s][c]`: candidate `c`'s cluster on subtask `s`, or [`NONE`].
    pub id: Vec<Vec<u32>>,
    /// `size[s][k]`: compiled members of cluster `k` on subtask `s`.
    pub size: Vec<Vec<u32>>,
    /// `aimed[s]`: compiled candidates written for subtask `s`.
    pub aimed: Vec<Vec<usize>>,
}

impl Clusters {
    /// Clusters of `pool`'s candidates on every subtask.
    pub fn new(pool: &Pool) -> Clusters {
        let n = pool.subtasks.len();
        let mut id = vec![vec![NONE; pool.candidates.len()]; n];
        let mut size = vec![Vec::new(); n];
        let mut aimed = vec![Vec::new(); n];
        for s in 0..n {
            let mut index: HashMap<u64, u32, BuildHasherDefault<AsIs>> = HashMap::default();
            for (c, x) in pool.candidates.iter().enumerate() {
                let sig = x.signature.get(s).copied().unwrap_or(0);
                if sig == 0 {
                    continue;
                }
                let next = index.len() as u32;
                let k = *index.entry(sig).or_insert(next);
                id[s][c] = k;
                if size[s].len() <= k as usize {
                    size[s].push(0);
                }
                if x.compiled {
                    size[s][k as usize] += 1;
                }
            }
        }
        for (c, x) in pool.candidates.iter().enumerate() {
            if let Some(t) = x.target.filter(|t| *t < n && x.compiled) {
                aimed[t].push(c);
            }
        }
        Clusters { id, size, aimed }
    }

    /// Candidate `c`'s group on subtask `s`: its cluster, or, for every candidate without
    /// outputs there, one last group after the clusters (`size[s].len()`).
    pub fn group(&self, s: usize, c: usize) -> usize {
        match self.id[s][c] {
            NONE => self.size[s].len(),
            k => k as usize,
        }
    }
}

/// Who may be aimed at subtask `s` now: compiled, not submitted, written for `s` (everyone when
/// no open candidate is), and agreeing with the accepted solution of every solved subtask `s`
/// contains.
pub(crate) struct Eligible {
    s: usize,
    aimed_only: bool,
    required: Vec<(usize, u32)>,
}

impl Eligible {
    /// The rule for subtask `s` given `history` (`best`: each subtask's best fraction so far).
    pub fn new(
        pool: &Pool,
        clusters: &Clusters,
        history: &History,
        s: usize,
        best: &[f64],
    ) -> Eligible {
        let aimed_only = clusters.aimed[s].iter().any(|c| !history.has(*c));
        let mut required = Vec::new();
        for &t in &pool.subtasks[s].contains {
            if best.get(t).copied().unwrap_or(0.0) < 1.0 {
                continue;
            }
            let solver = history.submitted().iter().find_map(|(c, f)| match f {
                Feedback::Subtasks(fr) if fr.get(t).copied().unwrap_or(0.0) >= 1.0 => Some(*c),
                _ => None,
            });
            if let Some(a) = solver {
                let want = clusters.id[t][a];
                if want != NONE {
                    required.push((t, want));
                }
            }
        }
        Eligible {
            s,
            aimed_only,
            required,
        }
    }

    /// Whether candidate `c` may be aimed at the subtask.
    pub fn ok(&self, pool: &Pool, clusters: &Clusters, history: &History, c: usize) -> bool {
        let x = &pool.candidates[c];
        x.compiled
            && !history.has(c)
            && (!self.aimed_only || x.target == Some(self.s))
            && self
                .required
                .iter()
                .all(|(t, want)| clusters.id[*t][c] == *want)
    }
}
