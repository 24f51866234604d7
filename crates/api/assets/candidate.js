// Candidate page: build status, points per test kind, compiler output, source, each test
// kind's outcome per subtask and the per-test results tables (hidden ones: admins only).

import { enc, fmtInt, fmtMiB, fmtMs, fmtScore, kindOrder, shortId } from './format.js';
import { $app, badge, crumbs, empty, h, link, num, section, table, verdictBadge } from './dom.js';
import { api, isAuthError } from './api.js';
import { problemCrumbs, subtaskName } from './shared.js';

// How many tests passed: accepted against their answers, or, on tests without answers (`OK`),
// ran within the limits; the first are not the second.
function passedSummary(rows) {
  const acc = rows.filter((r) => r.verdict === 'AC').length;
  const ran = rows.filter((r) => r.verdict === 'OK').length;
  const of = fmtInt(rows.length);
  if (ran && !acc) return `${fmtInt(ran)}/${of} ran without error (no answers to check)`;
  if (ran) return `${fmtInt(acc)}/${of} accepted, ${fmtInt(ran)} ran without error (no answers)`;
  return `${fmtInt(acc)}/${of} accepted`;
}

export async function viewCandidate(ctx, id) {
  const c = await api(`/v1/candidates/${enc(id)}`);
  crumbs([{ text: `candidate ${shortId(c.id)}` }]);
  let p = null;
  try { p = await api(`/v1/problems/${enc(c.problem_id)}`); } catch (err) { if (isAuthError(err)) throw err; }
  const crumbsDone = p ? problemCrumbs(p, [{ text: `candidate ${shortId(c.id)}` }]) : null;
  const build = c.build == null ? badge('pending', 'build-pending') : c.build.ok ? badge('compiled', 'build-compiled') : badge('failed', 'build-failed');
  const kinds = kindOrder(new Set([...Object.keys(c.results ?? {}), ...Object.keys(c.subtasks ?? {}), ...Object.keys(c.points ?? {})]));
  const pointKinds = kindOrder(Object.keys(c.points ?? {}));
  $app.append(h('header', { class: 'page-head' },
    h('h1', {}, 'Candidate ', h('span', { class: 'mono' }, shortId(c.id))),
    h('p', { class: 'meta', id: 'candidate-meta' }, 'problem ', link(`/problems/${enc(c.problem_id)}`, p ? `${p.slug} — ${p.name}` : shortId(c.problem_id)),
      ` · ${c.language} · build `, build, ` · target ${subtaskName(p, c.target_subtask)}`),
    h('p', { class: 'muted mono small' }, c.id, c.source_hash ? ` · source ${String(c.source_hash).slice(0, 16)}` : '')),
  // Points per kind with answers to score against; tests without answers give none.
  h('div', { class: 'stats', id: 'points' }, pointKinds.length ? pointKinds.map((k) => h('div', { class: 'stat', dataset: { kind: k } },
    h('span', { class: 'stat-v' }, fmtScore(c.points[k])), h('span', { class: 'stat-l' }, `${k} points`))) : empty(kinds.length ? 'no tests with answers judged yet' : 'not judged yet')));
  if (c.build?.message) $app.append(section('compile-section', 'Compiler output', h('pre', { id: 'compile-message', class: 'code' }, c.build.message)));
  $app.append(section('source-section', 'Source', h('pre', { id: 'candidate-source', class: 'code' }, h('code', {}, c.source ?? ''))));
  for (const k of kinds) {
    const subs = c.subtasks?.[k] ?? [];
    if (subs.length) {
      $app.append(section(`subtasks-${k}`, `${k} tests by subtask`, table(
        [{ label: 'subtask' }, { label: 'verdict' }, { label: 'points', num: true }],
        subs.map((s) => [s.subtask, { v: verdictBadge(s.verdict), sort: s.verdict }, num(s.points, fmtScore(s.points))]),
        { cls: 'subtasks', dataset: { kind: k } })));
    }
    // Per-test results of hidden tests are the admin's: their times and memory tell the inputs.
    if (!(k in (c.results ?? {}))) {
      if (subs.length) $app.append(empty(`per-test results on ${k} tests are shown to admins`));
      continue;
    }
    const rows = c.results?.[k] ?? [];
    $app.append(section(`results-${k}`, `${k} tests — ${passedSummary(rows)}`, rows.length ? table(
      [{ label: '#', num: true }, { label: 'test' }, { label: 'verdict' }, { label: 'score', num: true }, { label: 'time', num: true }, { label: 'memory', num: true }],
      rows.map((r) => [r.test, r.name, { v: verdictBadge(r.verdict), sort: r.verdict }, num(r.score, fmtScore(r.score)),
        num(r.time_us, fmtMs(r.time_us == null ? null : r.time_us / 1000)), num(r.memory_kib, fmtMiB(r.memory_kib))]),
      { cls: 'results', dataset: { kind: k } }) : empty('no results on these tests yet')));
  }
  await crumbsDone;
}
