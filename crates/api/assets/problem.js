// Problem page: live progress, funnel, verdicts, run time and memory, clusters,
// selections and the paged, filtered candidate list; view state lives in the query string.

import {
  KINDS, VERDICT_ORDER, enc, fmtDate, fmtInt, fmtMiB, fmtMs, fmtNum,
  fmtPct, fmtScore, kindOrder, mib, rank, shortId, verdictColor,
} from './format.js';
import { $app, badge, empty, fill, h, link, loading, num, section, selectEl, table, verdictBadge } from './dom.js';
import { api, load } from './api.js';
import { clusterChart, hbarChart, histogram, stackedChart } from './charts.js';
import { FUNNEL_STAGES, problemCrumbs, renderProgress, subtaskName } from './shared.js';
import { query, setQuery } from './app.js';

// What the importer said about the package: folded away under a count, each distinct warning
// once (a package's per-test warnings repeat), for the page of the problem they concern only.
function importWarnings(warnings) {
  if (!warnings?.length) return null;
  const counts = new Map();
  for (const w of warnings) counts.set(w, (counts.get(w) || 0) + 1);
  return h('details', { class: 'warnings', id: 'warnings' },
    h('summary', {}, `${fmtInt(warnings.length)} import warning${warnings.length === 1 ? '' : 's'}`),
    h('ul', {}, [...counts].map(([w, n]) => h('li', {}, w, n > 1 ? h('span', { class: 'muted' }, ` (×${fmtInt(n)})`) : null))));
}

// A candidate's tests of one kind that passed: accepted against an answer, or (tests without
// answers, as generated ones often are) ran without error; the count says which.
function passedCell(x) {
  const passed = (x.accepted ?? 0) + (x.ran ?? 0);
  const label = x.ran && !x.accepted ? `${fmtInt(passed)}/${fmtInt(x.tests)} ran` : `${fmtInt(passed)}/${fmtInt(x.tests)}`;
  return num(x.tests ? passed / x.tests : 0, label);
}

export async function viewProblem(ctx, id) {
  const p = await api(`/v1/problems/${enc(id)}`);
  const contestP = problemCrumbs(p, []);
  const q = query();
  const counts = {};
  for (const t of p.tests) counts[t.kind] = (counts[t.kind] || 0) + 1;
  $app.append(h('header', { class: 'page-head' },
    h('h1', {}, p.slug, h('span', { class: 'subtitle' }, ` — ${p.name}`)),
    h('p', { class: 'meta', id: 'problem-meta' },
      `time ${fmtMs(p.limits.time_ms)} · memory ${fmtMiB(p.limits.memory_bytes / 1024)} · tests: `,
      kindOrder(Object.keys(counts)).map((k) => `${k} ${fmtInt(counts[k])}`).join(', ') || 'none'),
    p.subtasks.length ? h('ul', { class: 'chips', id: 'subtasks' }, p.subtasks.map((s, i) =>
      h('li', { dataset: { subtask: i } }, h('strong', {}, s.name), ` ${fmtNum(s.points)} pts`))) : null,
    importWarnings(p.warnings)));

  const live = h('div', { id: 'live-progress', class: 'progress-cell' }, h('span', { class: 'muted' }, 'waiting for progress…'));
  const funnelEl = section('funnel-section', 'Funnel', loading());
  const verdictsEl = section('verdicts-section', 'Verdicts per test set', loading());
  const resourcesEl = section('resources-section', 'Run time and memory', loading());
  const clustersEl = section('clusters-section', 'Clusters');
  const selectionsEl = section('selections-section', 'Selections', loading());
  const candidatesEl = section('candidates-section', 'Candidates');
  $app.append(section('live-section', 'Live progress', live), funnelEl, verdictsEl, resourcesEl, clustersEl, selectionsEl, candidatesEl);

  const base = `/v1/problems/${enc(p.id)}`;
  const loadFunnel = () => load(funnelEl, async () => {
    const f = await api(`${base}/funnel`);
    const posted = f.posted || 0;
    const rows = FUNNEL_STAGES.map(([k, label, color]) => ({
      k, label, color, value: f[k] ?? 0,
      note: `${fmtInt(f[k])}${posted && k !== 'posted' ? ` (${fmtPct((f[k] ?? 0) / posted)})` : ''}`,
      tip: `${label}: ${fmtInt(f[k])}${posted ? ` — ${fmtPct((f[k] ?? 0) / posted)} of posted` : ''}`,
    }));
    fill(funnelEl, h('h2', {}, 'Funnel'),
      h('div', { class: 'split' }, posted ? hbarChart('funnel', 'From posted to accepted', rows, { max: posted, width: 640 }) : empty('no candidates yet'),
      h('div', { class: 'table-wrap' }, h('table', { id: 'funnel', class: 'compact' },
        h('thead', {}, h('tr', {}, h('th', {}, 'stage'), h('th', { class: 'num' }, 'count'), h('th', { class: 'num' }, 'of posted'))),
        h('tbody', {}, rows.map((r) => h('tr', { dataset: { stage: r.k } }, h('td', {}, r.label),
          h('td', { class: 'n num', dataset: { value: r.value } }, fmtInt(r.value)),
          h('td', { class: 'num' }, posted ? fmtPct(r.value / posted) : '—'))))))),
      f.selection_id ? h('p', { class: 'muted' }, 'selected = ', link(`/problems/${enc(p.id)}?selection=${enc(f.selection_id)}`, 'the latest selection')) : null);
  });
  const loadVerdicts = () => load(verdictsEl, async () => {
    const { kinds } = await api(`${base}/verdicts`);
    const judged = kindOrder(kinds.map((k) => k.kind)).map((k) => kinds.find((x) => x.kind === k));
    const present = new Set(judged.flatMap((k) => Object.keys(k.outcomes)));
    const vs = [...present].sort((a, b) => rank(VERDICT_ORDER, a) - rank(VERDICT_ORDER, b) || a.localeCompare(b));
    const body = judged.some((k) => k.judged > 0) ? [
      stackedChart('verdicts', 'Outcome per candidate and test set', judged.map((k) => ({
        label: k.kind, sub: `${fmtInt(k.judged)} judged · ${fmtInt(k.tests)} tests`,
        segments: vs.map((v) => ({ key: v, value: k.outcomes[v] || 0, color: verdictColor(v) })),
      })), vs.map((v) => ({ label: v, color: verdictColor(v) }))),
      table([{ label: 'tests' }, { label: 'tests', num: true }, { label: 'judged', num: true }, ...vs.map((v) => ({ label: verdictBadge(v), num: true }))],
        judged.map((k) => [k.kind, k.tests, k.judged, ...vs.map((v) => k.outcomes[v] || 0)]), { id: 'verdicts', cls: 'compact' }),
    ] : [empty('no candidates judged yet')];
    fill(verdictsEl, h('h2', {}, 'Verdicts per test set'), ...body);
  });

  const clusterSubtask = q.get('subtask') ?? '';
  const clustersBox = h('div', { class: 'cluster-body' }, loading());
  clustersEl.append(h('div', { class: 'controls' }, selectEl('cluster-subtask', 'tests', [['', 'all generated tests'],
    ...p.subtasks.map((s, i) => [String(i), s.name])], clusterSubtask, (v) => {
    setQuery({ subtask: v });
    ctx.busy(() => loadClusters(v));
  })), clustersBox);
  const loadClusters = (sub) => load(clustersBox, async () => {
    const r = await api(`${base}/clusters${sub !== '' ? `?subtask=${enc(sub)}` : ''}`);
    if ((query().get('subtask') ?? '') !== sub) return; // a newer choice is loading
    if (!r.clusters.length) { fill(clustersBox, empty('no clusters yet — candidates must pass the public tests and run on generated tests')); return; }
    const chart = clusterChart(r.clusters);
    fill(clustersBox,
      h('p', { class: 'meta', id: 'clusters-summary' }, `${fmtInt(r.clusters.length)} clusters of ${fmtInt(r.clustered)} candidates on ${fmtInt(r.tests)} generated tests`,
        r.subtask != null ? ` (${subtaskName(p, r.subtask)})` : ''),
      chart,
      table([{ label: 'rank', num: true }, { label: 'size', num: true }, { label: 'passed public', num: true }, { label: 'score', num: true },
        { label: 'hidden points', num: true }, { label: 'members' }, { label: 'signature' }],
      r.clusters.map((c) => [c.rank, c.size, c.passed_public, num(c.score, fmtScore(c.score)), num(c.hidden_points, fmtScore(c.hidden_points)),
        { v: h('span', { class: 'members' }, c.members.slice(0, 5).map((m) => link(`/candidates/${enc(m)}`, shortId(m), 'mono')),
          c.size > 5 ? h('span', { class: 'muted' }, `+${fmtInt(c.size - 5)}`) : null) },
        { v: c.signature, cls: 'mono' }]), { id: 'clusters' }));
  });

  const loadSelections = () => load(selectionsEl, async () => {
    const { selections } = await api(`${base}/selections`);
    if (!selections.length) { selectionsEl.lastChild.replaceWith(empty(`no selections yet — POST /v1/problems/${p.id}/selections`)); return; }
    const box = h('div', {});
    const show = (sid) => {
      const s = selections.find((x) => x.id === sid) ?? selections[0];
      const acc = s.picks.filter((k) => k.hidden_accepted).length;
      fill(box, h('p', { class: 'meta', id: 'selection-meta' }, `${s.strategy} · K = ${s.k} · scorer ${s.scorer ?? '—'} · ${fmtDate(s.created_at)} · `,
        `${fmtInt(s.picks.length)} picks, ${fmtInt(acc)} accepted on hidden`),
      s.picks.length ? table([{ label: 'rank', num: true }, { label: 'candidate' }, { label: 'subtask targeted' }, { label: 'score', num: true },
        { label: 'hidden points', num: true }, { label: 'hidden' }, { label: 'reason' }],
      s.picks.map((k) => [k.rank, link(`/candidates/${enc(k.candidate_id)}`, shortId(k.candidate_id), 'mono'), subtaskName(p, k.subtask),
        num(k.score, fmtScore(k.score)), num(k.hidden_points, fmtScore(k.hidden_points)),
        k.hidden_accepted == null ? '—' : k.hidden_accepted ? badge('accepted', 'v-AC') : badge('rejected', 'v-WA'), k.reason]),
      { id: 'picks' }) : empty('this selection picked nothing'));
    };
    const wanted = q.get('selection');
    selectionsEl.lastChild.replaceWith(h('div', { class: 'controls' }, selectEl('selection-select', 'selection',
      selections.map((s) => [s.id, `${s.strategy} · K=${s.k} · ${fmtDate(s.created_at)}`]), wanted ?? selections[0].id,
      (v) => { setQuery({ selection: v }); show(v); })), box);
    show(wanted);
  });

  const candBox = h('div', {});
  const filters = { build: q.get('build') ?? '', public: q.get('public') ?? '' };
  const pages = { after: q.get('after') ?? '', first: !q.get('after'), n: 1 };
  const refilter = (k) => (v) => { filters[k] = v; pages.after = ''; pages.n = 1; setQuery({ [k]: v, after: null }); ctx.busy(loadCandidates); };
  candidatesEl.append(h('div', { class: 'controls' },
    selectEl('filter-build', 'build', [['', 'any'], ['pending', 'pending'], ['compiled', 'compiled'], ['failed', 'failed']], filters.build, refilter('build')),
    selectEl('filter-public', 'public tests', [['', 'any'], ['passed', 'passed'], ['failed', 'failed']], filters.public, refilter('public'))), candBox);
  const loadCandidates = () => load(candBox, async () => {
    const qs = new URLSearchParams({ limit: '100' });
    for (const [k, v] of Object.entries({ ...filters, after: pages.after })) if (v) qs.set(k, v);
    const r = await api(`${base}/candidates?${qs}`);
    if (!r.candidates.length) {
      fill(candBox, empty(pages.after || filters.build || filters.public ? 'no candidates match' : 'no candidates yet'),
        pages.after ? h('button', { id: 'candidates-first', type: 'button', onclick: () => { pages.after = ''; pages.n = 1; setQuery({ after: null }); ctx.busy(loadCandidates); } }, 'first page') : null);
      return;
    }
    const kindCols = KINDS.flatMap((k) => [{ label: k, num: true }, { label: `${k.slice(0, 3)}. score`, num: true }]);
    const res = (c, k) => c.results?.[k];
    fill(candBox, table([{ label: 'id' }, { label: 'language' }, { label: 'model' }, { label: 'target subtask' }, { label: 'build' }, ...kindCols],
      r.candidates.map((c) => [link(`/candidates/${enc(c.id)}`, shortId(c.id), 'mono'), c.language, c.model ?? '—', subtaskName(p, c.target_subtask),
        badge(c.build, `build-${c.build}`),
        ...KINDS.flatMap((k) => { const x = res(c, k); return x ? [passedCell(x), x.ran === x.tests ? num(null) : num(x.score, fmtScore(x.score))] : [num(null), num(null)]; })]),
      { id: 'candidates', cls: 'nowrap' }),
    h('div', { class: 'pager' },
      h('span', { class: 'muted', id: 'candidates-page' }, `page ${pages.n} · ${fmtInt(r.candidates.length)} candidates`),
      pages.after ? h('button', { id: 'candidates-first', type: 'button', onclick: () => { pages.after = ''; pages.n = 1; setQuery({ after: null }); ctx.busy(loadCandidates); } }, 'first page') : null,
      r.next ? h('button', { id: 'candidates-next', type: 'button', onclick: () => { pages.after = r.next; pages.n++; setQuery({ after: r.next }); ctx.busy(loadCandidates); } }, 'next 100') : null));
  });

  // Live progress; refresh funnel and verdicts when the numbers move, at most every 2 s.
  let lastKey = null, lastRefresh = Date.now(), timer = null;
  ctx.onLeave(() => clearTimeout(timer));
  const refresh = () => {
    if (timer) return;
    timer = setTimeout(() => { timer = null; lastRefresh = Date.now(); if (ctx.alive()) { loadFunnel(); loadVerdicts(); } },
      Math.max(0, lastRefresh + 2000 - Date.now()));
  };
  ctx.events(`${base}/events`, (d) => {
    renderProgress(live, d);
    const key = JSON.stringify(d);
    if (lastKey !== null && key !== lastKey) refresh();
    lastKey = key;
  }, () => { if (lastKey === null) fill(live, h('span', { class: 'muted' }, 'live progress unavailable')); });

  await Promise.all([contestP, loadFunnel(), loadVerdicts(), loadClusters(clusterSubtask), loadSelections(), loadCandidates(),
    load(resourcesEl, async () => {
      const r = await api(`${base}/resources`);
      resourcesEl.lastChild.replaceWith(r.candidates ? h('div', { class: 'grid2' },
        histogram('time', `Max run time per candidate (limit ${fmtMs(r.time_limit_ms)})`, r.time_ms, { fmtEdge: (v) => fmtNum(v, v < 10 ? 1 : 0), unit: 'ms' }),
        histogram('memory', `Peak memory per candidate (limit ${fmtMiB(r.memory_limit_kib)})`, r.memory_kib, { fmtEdge: (v) => fmtNum(mib(v), mib(v) < 10 ? 1 : 0), unit: 'MiB' }))
        : empty('no candidates judged yet'));
    })]);
}
