// Simulation page: parameters, totals per strategy, Codeforces ratings and the
// per-problem (and per-subtask) results of a finished simulation.

import { STRATEGIES, enc, fmtInt, fmtNum, fmtPct, fmtScore, rank, shortId, strategyColor } from './format.js';
import { $app, badge, crumbs, empty, h, link, num, section, table } from './dom.js';
import { api, isAuthError } from './api.js';
import { barChart } from './charts.js';

export async function viewSimulation(ctx, id) {
  const sim = await api(`/v1/simulations/${enc(id)}`);
  let contest = null;
  try { contest = await api(`/v1/contests/${enc(sim.contest_id)}`); } catch (err) { if (isAuthError(err)) throw err; }
  crumbs([...(contest ? [{ href: `/contests/${enc(contest.id)}`, text: contest.name }] : []), { text: `simulation ${shortId(sim.id)}` }]);
  const prm = sim.params ?? {}, rep = sim.report;
  $app.append(h('header', { class: 'page-head' }, h('h1', {}, 'Simulation ', h('span', { class: 'mono' }, shortId(sim.id))),
    h('p', { class: 'meta' }, 'contest ', contest ? link(`/contests/${enc(contest.id)}`, contest.name) : shortId(sim.contest_id),
      rep ? [' · ', badge(rep.rules, 'rules')] : null, ` · ${fmtInt(sim.runs)} runs`)),
  h('dl', { class: 'params', id: 'sim-params' }, [['strategies', (prm.strategies ?? []).join(', ')], ['K', prm.k], ['seeds', prm.seeds],
    ['scorer', prm.scorer ?? '—'], ['holdout', prm.holdout == null ? '—' : typeof prm.holdout === 'object' ? JSON.stringify(prm.holdout) : String(prm.holdout)]]
    .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v ?? '—')))));
  if (!rep || !Array.isArray(rep.problems)) { $app.append(empty('no report yet — the simulation has not finished')); return; }

  const rules = rep.rules ?? contest?.rules ?? 'ioi';
  const ioi = rules === 'ioi';
  // Codeforces: the reference values are solve chances; scale by the problem's value only when the contest says it.
  const valueOf = (pid) => {
    if (rules === 'icpc' || ioi) return 1;
    const i = contest?.problems?.indexOf(pid) ?? -1;
    const v = contest?.settings?.values?.[i];
    return i >= 0 && typeof v === 'number' ? v : null;
  };
  const refsOf = (p) => {
    const v = valueOf(p.problem_id);
    return v == null ? [] : [{ key: 'oracle', value: p.oracle * v }, { key: 'random', value: p.random_expected * v }, { key: 'pool', value: p.whole_pool * v }];
  };
  const unit = ioi ? 'points' : rules === 'icpc' ? 'solve rate' : 'points after penalties';
  const names = [...new Set(rep.problems.flatMap((p) => p.strategies.map((s) => s.strategy)))];
  const strategyRows = (list, oracle) => list.map((s) => [
    { v: h('span', { class: 'strategy' }, h('i', { class: 'swatch', dataset: { color: strategyColor(s.strategy) } }), s.strategy), sort: s.strategy },
    num(s.mean, `${fmtScore(s.mean)} ± ${fmtScore(s.ci95)}`), num(oracle ? s.mean / oracle : null, oracle ? fmtPct(s.mean / oracle) : '—'),
    num(s.submissions), num(s.solved, fmtPct(s.solved)), num(s.rejected_before)]);
  const stratCols = [{ label: 'strategy' }, { label: 'mean ± ci95', num: true }, { label: 'mean/oracle', num: true },
    { label: 'submissions', num: true }, { label: 'solved', num: true }, { label: 'rejected before', num: true }];
  const bars = (list) => list.map((s) => ({ label: s.strategy, value: s.mean, ci: s.ci95, color: strategyColor(s.strategy),
    tip: `${s.strategy}: ${fmtScore(s.mean)} ± ${fmtScore(s.ci95)} ${unit}, ${fmtNum(s.submissions)} submissions, solved ${fmtPct(s.solved)}` }));

  // Totals: means add up, independent CIs add in quadrature.
  const totals = names.map((n) => {
    const ss = rep.problems.map((p) => p.strategies.find((s) => s.strategy === n)).filter(Boolean);
    const sum = (f) => ss.reduce((a, s) => a + (s[f] || 0), 0);
    return { strategy: n, mean: sum('mean'), ci95: Math.sqrt(ss.reduce((a, s) => a + s.ci95 ** 2, 0)), submissions: sum('submissions'), solved: sum('solved'), rejected_before: sum('rejected_before') };
  });
  const allRefs = rep.problems.map(refsOf);
  const totalRefs = allRefs.every((r) => r.length) ? ['oracle', 'random', 'pool'].map((key) => ({ key, value: allRefs.reduce((a, r) => a + r.find((x) => x.key === key).value, 0) })) : [];
  const totalOracle = totalRefs.find((r) => r.key === 'oracle')?.value;
  const totalsEl = section('sim-totals', `Totals across ${rep.problems.length} problems (K = ${rep.k})`,
    barChart('simulation', `Total ${unit} per strategy`, bars(totals), totalRefs, { yLabel: unit }),
    table(stratCols.map((c) => (c.label === 'solved' ? { ...c, label: 'problems solved' } : c)),
      strategyRows(totals, totalOracle).map((r, i) => { r[4] = num(totals[i].solved, fmtNum(totals[i].solved)); return r; }), { id: 'sim-totals-table' }));
  totalsEl.dataset.problem = 'total';
  $app.append(totalsEl);
  if (rep.elo?.length) {
    $app.append(section('elo-section', 'Codeforces performance rating', table([{ label: 'strategy' }, { label: 'rating', num: true }],
      [...rep.elo].sort((a, b) => b.rating - a.rating).map((e) => [e.strategy, num(e.rating, fmtInt(e.rating))]), { id: 'elo' })));
  }
  for (const p of rep.problems) {
    const refs = refsOf(p), v = valueOf(p.problem_id);
    const oracle = refs.find((r) => r.key === 'oracle')?.value;
    const list = [...p.strategies].sort((a, b) => rank(STRATEGIES, a.strategy) - rank(STRATEGIES, b.strategy));
    const refText = ioi
      ? `max ${fmtNum(p.max_points)} points · oracle ${fmtScore(p.oracle)}${p.oracle_exact === false ? ' (estimate)' : ''} · random expected ${fmtScore(p.random_expected)} · whole pool ${fmtScore(p.whole_pool)}`
      : `solve chance: oracle ${fmtPct(p.oracle)} · random ${fmtPct(p.random_expected)} · whole pool ${p.whole_pool ? 'solves it' : 'does not solve it'}${v != null && v !== 1 ? ` · value ${fmtInt(v)}` : ''}`;
    const el = section(`sim-problem-${p.problem_id}`, null,
      h('h2', {}, link(`/problems/${enc(p.problem_id)}`, p.slug || shortId(p.problem_id))),
      h('p', { class: 'meta' }, refText, ` · ${fmtInt(p.held_out_tests?.length ?? 0)} held-out tests`),
      barChart('simulation', `${p.slug}: mean ${unit} per strategy`, bars(list), refs, { yLabel: unit, max: ioi ? p.max_points : undefined }),
      table(stratCols, strategyRows(list, oracle), { cls: 'sim-strategies' }));
    el.classList.add('sim-problem');
    el.dataset.problem = p.problem_id;
    if (p.subtasks?.length && list.some((s) => s.subtask_means?.length)) {
      el.append(h('h3', {}, 'Per subtask'), table([{ label: 'strategy' }, ...p.subtasks.map((s) => ({ label: `${s.name} (${fmtNum(s.points)})`, num: true }))],
        [...list.filter((s) => s.subtask_means?.length).map((s) => [s.strategy, ...p.subtasks.map((_, i) => num(s.subtask_means[i], fmtScore(s.subtask_means[i])))]),
          [h('em', {}, 'whole pool'), ...p.subtasks.map((s) => num(s.whole_pool, fmtScore(s.whole_pool)))]], { cls: 'sim-subtasks' }));
    }
    $app.append(el);
  }
  // swatches take their colour from a data attribute (no inline style attributes under the CSP)
  for (const sw of $app.querySelectorAll('.swatch[data-color]')) sw.style.background = sw.dataset.color;
}
