// DOM helpers: element builders (h, append, fill, link, badges, sections), sortable tables,
// breadcrumbs and labelled selects. Everything from the API goes into the DOM as text nodes.

import { fmtNum } from './format.js';

export const $app = document.getElementById('app');

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}
function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}
// replaceChildren that skips null/false children (replaceChildren would print "null")
export const fill = (el, ...children) => { el.replaceChildren(); return append(el, children); };
export const link = (href, text, cls) => h('a', { href, class: cls }, text);
export const empty = (text) => h('p', { class: 'empty' }, text);
export const loading = () => h('p', { class: 'loading' }, 'loading…');
export const badge = (text, cls = '') => h('span', { class: `badge ${cls}` }, text);
export const verdictBadge = (v) => badge(v, `v-${v}`);
export const section = (id, title, ...body) => h('section', { id, class: 'panel' }, title && h('h2', {}, title), body);
export const num = (v, text) => ({ v: text ?? fmtNum(v), sort: v ?? '', num: true });

// A table; cols: [{label, num}], rows: arrays of cells. A cell is text, a Node,
// or {v, sort, num, cls}; `sort` is the raw value the column sorts on.
export function table(cols, rows, { id, cls, sortable = true, dataset } = {}) {
  const classes = [cls, sortable && 'sortable'].filter(Boolean).join(' ');
  const head = h('tr', {}, cols.map((c) => h('th', {
    scope: 'col', class: c.num ? 'num' : null, tabindex: sortable ? '0' : null,
    dataset: c.num ? { type: 'num' } : null,
  }, c.label ?? c)));
  const body = h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => {
    if (c != null && typeof c === 'object' && !(c instanceof Node) && 'v' in c) {
      const td = h('td', { class: [c.num && 'num', c.cls].filter(Boolean).join(' ') || null }, c.v);
      if (c.sort != null) td.dataset.sort = c.sort;
      return td;
    }
    return typeof c === 'number' ? h('td', { class: 'num', dataset: { sort: c } }, fmtNum(c)) : h('td', {}, c ?? '—');
  }))));
  return h('div', { class: 'table-wrap' }, h('table', { id, class: classes || null, dataset }, h('thead', {}, head), body));
}

function sortBy(th) {
  const tbl = th.closest('table');
  const body = tbl.tBodies[0];
  if (!body) return;
  const idx = th.cellIndex;
  const dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
  for (const other of th.parentNode.children) other.removeAttribute('aria-sort');
  th.setAttribute('aria-sort', dir);
  const raw = (tr) => { const td = tr.cells[idx]; return td ? (td.dataset.sort ?? td.textContent.trim()) : ''; };
  const rows = [...body.rows].map((tr, i) => ({ tr, i, v: raw(tr) }));
  const asNum = (v) => (v === '' || v === '—' ? null : Number(String(v).replace(/,/g, '')));
  const numeric = th.dataset.type === 'num' || rows.every((r) => { const n = asNum(r.v); return n === null || Number.isFinite(n); });
  for (const r of rows) r.v = numeric ? asNum(r.v) : String(r.v).toLowerCase();
  const sign = dir === 'ascending' ? 1 : -1;
  rows.sort((a, b) => {
    const ma = a.v === null || a.v === '' || Number.isNaN(a.v), mb = b.v === null || b.v === '' || Number.isNaN(b.v);
    if (ma || mb) return ma === mb ? a.i - b.i : ma ? 1 : -1; // missing values last either way
    const c = numeric ? a.v - b.v : a.v.localeCompare(b.v, 'en', { numeric: true });
    return c ? sign * c : a.i - b.i;
  });
  body.append(...rows.map((r) => r.tr));
}
document.addEventListener('click', (e) => {
  const th = e.target.closest?.('table.sortable > thead th');
  if (th) sortBy(th);
});
document.addEventListener('keydown', (e) => {
  if ((e.key === 'Enter' || e.key === ' ') && e.target.matches?.('table.sortable > thead th')) {
    e.preventDefault();
    sortBy(e.target);
  }
});

export function crumbs(items) {
  const nav = document.getElementById('breadcrumbs');
  nav.replaceChildren(...items.flatMap((it, i) => [
    h('span', { class: 'sep' }, '/'),
    i < items.length - 1 && it.href ? link(it.href, it.text) : h('span', { class: 'here' }, it.text),
  ]));
  document.title = items.length ? `${items[items.length - 1].text} · sieve` : 'sieve';
}

export function selectEl(id, label, options, value, onChange) {
  const sel = h('select', { id },
    options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, text)));
  sel.addEventListener('change', () => onChange(sel.value));
  return h('label', { class: 'control' }, h('span', {}, label), sel);
}
