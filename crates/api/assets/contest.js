// Contest page: its problems with live progress and funnel counts, its simulations,
// and the score-against-K chart built from the finished ones.

import { REF_STYLES, STRATEGIES, enc, fmtDate, fmtScore, rank, shortId, strategyColor } from './format.js';
import { $app, badge, crumbs, empty, fill, h, link, loading, num, section, selectEl, table } from './dom.js';
import { api, isAuthError, load, showKeyForm } from './api.js';
import { kCurveChart } from './charts.js';
import { FUNNEL_STAGES, renderProgress } from './shared.js';
import { query, setQuery } from './app.js';

export async function viewContest(ctx, id) {
  const c = await api(`/v1/contests/${enc(id)}`);
  crumbs([{ href: `/contests/${enc(c.id)}`, text: c.name }]);
  $app.append(h('header', { class: 'page-head' }, h('h1', {}, c.name),
    h('p', { class: 'meta' }, badge(c.rules, 'rules'), ` K = ${c.submission_limit} submissions · ${c.problems.length} problems`)));
  const probsEl = section('contest-problems-section', 'Problems', loading());
  const simsEl = section('simulations-section', 'Simulations', loading());
  $app.append(probsEl, simsEl);

  const summaries = new Map();
  const problemsDone = load(probsEl, async () => {
    const rows = await Promise.all(c.problems.map(async (pid) => {
      const [p, f] = await Promise.allSettled([api(`/v1/problems/${enc(pid)}`), api(`/v1/problems/${enc(pid)}/funnel`)]);
      if (p.status === 'fulfilled') summaries.set(pid, p.value);
      if ([p, f].some((r) => r.status === 'rejected' && isAuthError(r.reason))) showKeyForm();
      return { pid, p: p.value, f: f.value };
    }));
    if (!rows.length) { probsEl.lastChild.replaceWith(empty('no problems in this contest yet')); return; }
    const cells = new Map();
    const t = table([
      { label: '#' }, { label: 'problem' }, { label: 'progress', num: true },
      ...FUNNEL_STAGES.map(([, , , short]) => ({ label: short, num: true }))],
    rows.map(({ pid, p, f }, i) => {
      const cell = h('div', { class: 'progress-cell', dataset: { problem: pid } }, h('span', { class: 'muted' }, 'waiting for progress…'));
      cells.set(pid, cell);
      return [String.fromCharCode(65 + (i % 26)),
        { v: [link(`/problems/${enc(pid)}`, p ? p.slug : shortId(pid)), p ? h('div', { class: 'muted small' }, p.name) : null], sort: p?.slug ?? pid },
        { v: cell, cls: 'progress-td' },
        ...FUNNEL_STAGES.map(([k]) => num(f?.[k]))];
    }), { id: 'contest-problems' });
    probsEl.lastChild.replaceWith(t);
    // the progress column sorts on the share done, kept on the enclosing cell
    ctx.events(`/v1/contests/${enc(c.id)}/events`, (d) => {
      const cell = cells.get(d.problem_id);
      if (!cell) return;
      renderProgress(cell, d);
      cell.parentNode.dataset.sort = cell.dataset.sort;
    }, () => {
      for (const cell of cells.values()) if (!cell.dataset.sort) fill(cell, h('span', { class: 'muted' }, 'live progress unavailable'));
    });
  });

  const simsDone = load(simsEl, async () => {
    const { simulations } = await api(`/v1/contests/${enc(c.id)}/simulations`);
    if (!simulations.length) {
      simsEl.lastChild.replaceWith(empty(`no simulations yet — POST /v1/contests/${c.id}/simulations`));
      return;
    }
    const chartBox = h('div', { id: 'k-curve' });
    simsEl.lastChild.replaceWith(table(
      [{ label: 'created' }, { label: 'status' }, { label: 'strategies' }, { label: 'K', num: true }, { label: 'seeds', num: true }, { label: 'scorer' }, { label: 'finished' }],
      simulations.map((s) => [link(`/simulations/${enc(s.id)}`, fmtDate(s.created_at)), badge(s.status, `status-${s.status}`),
        (s.params?.strategies ?? []).join(', '), s.report?.k ?? s.params?.k, s.params?.seeds, s.params?.scorer ?? '—', fmtDate(s.finished_at)]),
      { id: 'simulations' }));
    await problemsDone; // the selector shows slugs
    const finished = simulations.filter((s) => s.report && Array.isArray(s.report.problems));
    if (!finished.length) { simsEl.append(empty('no finished simulations yet')); return; }
    const draw = (pid) => chartBox.replaceChildren(kCurve(finished, c, pid, summaries));
    const wanted = query().get('problem') || '';
    simsEl.append(h('h3', {}, 'Score against K'),
      h('div', { class: 'controls' }, selectEl('k-problem', 'problem', [['', 'all problems (total)'],
        ...c.problems.map((pid) => [pid, summaries.get(pid)?.slug ?? shortId(pid)])], wanted, (v) => { setQuery({ problem: v }); draw(v); })),
      chartBox);
    draw(c.problems.includes(wanted) ? wanted : '');
  });
  await Promise.all([problemsDone, simsDone]);
}

function kCurve(sims, contest, pid, summaries) {
  const byK = new Map();
  for (const s of sims) {
    const k = s.report.k ?? s.params?.k;
    if (k == null) continue;
    const prev = byK.get(k);
    if (!prev || String(s.created_at) > String(prev.created_at)) byK.set(k, s);
  }
  const ks = [...byK.keys()].sort((a, b) => a - b);
  const ioi = (contest?.rules ?? 'ioi') === 'ioi';
  const series = new Map(), oracle = [], random = [];
  for (const k of ks) {
    const probs = byK.get(k).report.problems.filter((p) => !pid || p.problem_id === pid);
    if (!probs.length) continue;
    const names = [...new Set(probs.flatMap((p) => p.strategies.map((s) => s.strategy)))];
    for (const name of names) {
      const ss = probs.map((p) => p.strategies.find((s) => s.strategy === name)).filter(Boolean);
      const yv = ss.reduce((a, s) => a + (ioi ? s.mean : s.solved), 0);
      const ci = ioi ? Math.sqrt(ss.reduce((a, s) => a + s.ci95 ** 2, 0)) : 0;
      if (!series.has(name)) series.set(name, []);
      series.get(name).push({ k, y: yv, ci, tip: `${name}, K=${k}: ${fmtScore(yv)}${ci ? ` ± ${fmtScore(ci)}` : ''}${ioi ? ' points' : ' solved'}` });
    }
    const o = probs.reduce((a, p) => a + (p.oracle || 0), 0), r = probs.reduce((a, p) => a + (p.random_expected || 0), 0);
    oracle.push({ k, y: o, tip: `oracle, K=${k}: ${fmtScore(o)}` });
    random.push({ k, y: r, tip: `random expected, K=${k}: ${fmtScore(r)}` });
  }
  const names = [...series.keys()].sort((a, b) => rank(STRATEGIES, a) - rank(STRATEGIES, b) || a.localeCompare(b));
  const what = pid ? summaries.get(pid)?.slug ?? shortId(pid) : 'all problems';
  const yLabel = ioi ? 'points' : 'problems solved (expected)';
  return kCurveChart(`${ioi ? 'Mean score' : 'Expected solves'} against K — ${what}`, ks, [
    ...names.map((n) => ({ name: n, color: strategyColor(n), points: series.get(n) })),
    { name: ioi ? 'oracle' : 'oracle (solve chance)', color: REF_STYLES.oracle.color, dash: REF_STYLES.oracle.dash, ref: true, points: oracle },
    { name: ioi ? 'random expected' : 'random (solve chance)', color: REF_STYLES.random.color, dash: REF_STYLES.random.dash, ref: true, points: random },
  ], yLabel);
}
