// View pieces used by several pages: live progress cells, the funnel stages,
// subtask names and the breadcrumbs of pages under a problem.

import { enc, fmtInt, fmtPct } from './format.js';
import { badge, crumbs, fill, h } from './dom.js';
import { api } from './api.js';

function progressText(d) {
  const parts = [
    `${fmtInt(d.compiled)}/${fmtInt(d.built)}/${fmtInt(d.candidates)} compiled/built/posted`,
    `${fmtInt(d.judged_hidden)} judged hidden`, `${fmtInt(d.queued)} queued`, `${fmtInt(d.running)} running`,
  ];
  if (d.failed) parts.push(`${fmtInt(d.failed)} failed`);
  return parts.join(' · ');
}

// Share of the pipeline's steps done: one build per candidate, three judged kinds per compiled one.
function progressShare(d) {
  if (d.done) return 1;
  const total = (d.candidates || 0) + 3 * (d.compiled || 0);
  const done = (d.built || 0) + (d.judged_public || 0) + (d.judged_generated || 0) + (d.judged_hidden || 0);
  return total > 0 ? Math.min(1, done / total) : 0;
}

export function renderProgress(el, d) {
  const share = progressShare(d);
  const bar = h('div', { class: d.done ? 'fill done' : 'fill' });
  bar.style.width = `${(100 * share).toFixed(1)}%`;
  el.dataset.sort = share;
  el.dataset.done = d.done ? '1' : '0';
  fill(el,
    h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(100 * share), title: `${fmtPct(share)} of build and judging steps done` }, bar),
    h('div', { class: 'progress-text' }, d.done ? badge('done', 'ok') : null, ' ', progressText(d)));
}

// [field, label, bar colour, short column label]
export const FUNNEL_STAGES = [
  ['posted', 'posted', '#364fc7', 'posted'], ['compiled', 'compiled', '#4263eb', 'compiled'],
  ['passed_public', 'passed public', '#4c6ef5', 'public ✓'], ['clusters', 'output clusters', '#748ffc', 'clusters'],
  ['selected', 'selected', '#f59f00', 'selected'], ['accepted_hidden', 'accepted on hidden', '#2f9e44', 'hidden ✓'],
];

export function subtaskName(p, idx) {
  if (idx == null) return '—';
  return p?.subtasks?.[idx]?.name ?? `subtask ${idx}`;
}

// Breadcrumbs for pages under a problem; the contest name arrives later.
export async function problemCrumbs(p, tail) {
  const base = (c) => [
    ...(c ? [{ href: `/contests/${enc(c.id)}`, text: c.name }] : []),
    { href: `/problems/${enc(p.id)}`, text: p.slug }, ...tail];
  crumbs(base(null));
  if (!p.contest_id) return null;
  try {
    const c = await api(`/v1/contests/${enc(p.contest_id)}`);
    crumbs(base(c));
    return c;
  } catch { return null; }
}
