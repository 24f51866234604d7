//! Reproducible, stratified drawing of mutants from many parents: parents take turns, and
//! each parent cycles through its operators, so a small sample already spreads over both.

use crate::code::Code;
use crate::edit::{Site, apply};
use crate::{Mutant, Operator, hash, normalize, sites};
use std::collections::HashSet;

/// splitmix64: tiny, fast, and plenty for shuffling.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// One parent's sites, bucketed by operator and shuffled.
struct Parent<'a> {
    label: &'a str,
    code: Code<'a>,
    hash: String,
    sites: Vec<Site>,
    buckets: Vec<Vec<usize>>,
    cursor: usize,
}

impl Parent<'_> {
    /// The next operator bucket with sites left, cycling through the operators.
    fn next_bucket(&mut self) -> Option<usize> {
        let n = self.buckets.len();
        let b = (0..n)
            .map(|k| (self.cursor + k) % n)
            .find(|&b| !self.buckets[b].is_empty())?;
        self.cursor = b + 1;
        Some(b)
    }

    /// The mutant made by `chosen` sites together, unless its token stream was seen.
    fn emit(&self, chosen: &[usize], seen: &mut HashSet<String>) -> Option<Mutant> {
        let edits: Vec<_> = chosen.iter().map(|&k| &self.sites[k].edit).collect();
        let source = apply(&self.code, &edits)?;
        if !seen.insert(normalize(&source)) {
            return None;
        }
        let first = &self.sites[chosen[0]];
        Some(Mutant {
            source,
            operator: first.op,
            line: first.line,
            description: chosen
                .iter()
                .map(|&k| self.sites[k].description.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            parent: self.hash.clone(),
            parent_label: self.label.to_string(),
            order: chosen.len(),
        })
    }

    /// A mutant of `order` sites: `primary` plus randomly drawn sites that do not overlap it.
    fn combine(
        &self,
        primary: usize,
        order: usize,
        rng: &mut Rng,
        seen: &mut HashSet<String>,
    ) -> Option<Mutant> {
        let mut chosen = vec![primary];
        for _ in 0..8 * order {
            if chosen.len() == order {
                break;
            }
            let k = rng.below(self.sites.len());
            let e = &self.sites[k].edit;
            let apart = |&c: &usize| {
                let o = &self.sites[c].edit;
                e.end <= o.start && e.last <= o.first || o.end <= e.start && o.last <= e.first
            };
            if chosen.iter().all(apart) {
                chosen.push(k);
            }
        }
        if chosen.len() < 2 {
            None
        } else {
            self.emit(&chosen, seen)
        }
    }
}

/// Up to `count` distinct mutants drawn reproducibly (same inputs and `seed`, same output)
/// from all `(label, source)` parents. Parents take turns in a seeded order and each cycles
/// through its operators; with `max_order > 1`, about a third of the draws combine 2 to
/// `max_order` sites of one parent. No two returned mutants share a token stream, and none
/// equals any parent's.
pub fn sample(
    sources: &[(String, String)],
    count: usize,
    seed: u64,
    max_order: usize,
) -> Vec<Mutant> {
    let mut rng = Rng(seed);
    let mut seen: HashSet<String> = sources.iter().map(|(_, s)| normalize(s)).collect();
    let mut parents: Vec<Parent> = sources
        .iter()
        .map(|(label, source)| {
            let code = Code::new(source);
            let sites = sites(&code);
            let mut buckets = vec![Vec::new(); Operator::ALL.len()];
            for (k, s) in sites.iter().enumerate() {
                buckets[Operator::ALL.iter().position(|o| *o == s.op).unwrap_or(0)].push(k);
            }
            buckets.iter_mut().for_each(|b| rng.shuffle(b));
            let cursor = rng.below(buckets.len());
            Parent {
                label,
                code,
                hash: hash(source),
                sites,
                buckets,
                cursor,
            }
        })
        .collect();
    let mut turn: Vec<usize> = (0..parents.len()).collect();
    rng.shuffle(&mut turn);
    let mut out = Vec::new();
    let max_order = max_order.max(1);
    let draw_order = |rng: &mut Rng| {
        if max_order > 1 && rng.below(3) == 0 {
            2 + rng.below(max_order - 1)
        } else {
            1
        }
    };

    // Every single site once, combinations interleaved.
    let mut progressed = true;
    while progressed && out.len() < count {
        progressed = false;
        for &p in &turn {
            if out.len() >= count {
                break;
            }
            let parent = &mut parents[p];
            let Some(b) = parent.next_bucket() else {
                continue;
            };
            progressed = true;
            let order = draw_order(&mut rng);
            if order > 1 {
                let primary = parent.buckets[b][rng.below(parent.buckets[b].len())];
                if let Some(m) = parent.combine(primary, order, &mut rng, &mut seen) {
                    out.push(m);
                    continue;
                }
            }
            let site = parent.buckets[b].pop().unwrap_or_default();
            out.extend(parent.emit(&[site], &mut seen));
        }
    }

    // Singles exhausted: only combinations are left. Tries are bounded by what was asked and
    // by the number of sites, so an impossible request ends quickly.
    let sites_total: usize = parents.iter().map(|p| p.sites.len()).sum();
    let wanted = count.saturating_sub(out.len());
    let (mut attempts, budget) = (0, wanted.saturating_mul(4).min(20 * sites_total) + 100);
    let drawable: Vec<usize> = turn
        .into_iter()
        .filter(|&p| parents[p].sites.len() > 1)
        .collect();
    while max_order > 1 && out.len() < count && !drawable.is_empty() && attempts < budget {
        let parent = &parents[drawable[attempts % drawable.len()]];
        attempts += 1;
        let order = 2 + rng.below(max_order - 1);
        let primary = rng.below(parent.sites.len());
        out.extend(parent.combine(primary, order, &mut rng, &mut seen));
    }
    out
}
