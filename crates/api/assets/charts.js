// SVG charts, drawn by hand: axes, legends, horizontal/stacked/vertical bars,
// histograms, score-against-K curves and the cluster sizes chart.

import { REF_STYLES, fmtInt, fmtNum, fmtPct, fmtScore } from './format.js';

const SVGNS = 'http://www.w3.org/2000/svg';
function sv(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, v);
  for (const c of children.flat()) if (c != null) el.append(c instanceof Node ? c : String(c));
  return el;
}
const tip = (text) => sv('title', {}, text);

// Evenly spaced round ticks from 0 to at least `max`.
function ticks(max, n = 5, integer = false) {
  if (!(max > 0)) max = 1;
  const raw = max / n, p = 10 ** Math.floor(Math.log10(raw)), m = raw / p;
  const step = Math.max(integer ? 1 : 0, (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p);
  const top = Math.ceil(max / step - 1e-9) * step;
  const out = [];
  for (let t = 0; t <= top + step / 2; t += step) out.push(+t.toPrecision(12));
  return { top, ticks: out };
}

function chartRoot(kind, w, ht, title) {
  const root = sv('svg', { class: 'chart', 'data-chart': kind, viewBox: `0 0 ${w} ${ht}`, role: 'img', 'aria-label': title });
  root.style.maxWidth = `${w}px`;
  root.append(sv('text', { x: 4, y: 16, class: 'chart-title' }, title));
  return root;
}

// Horizontal value axis along the bottom of a plot with vertical grid lines.
function xAxisLinear(g, { x0, x1, y0, y1, max, fmt = fmtNum, label }) {
  const { top, ticks: ts } = ticks(max, 5, fmt === fmtInt);
  const x = (v) => x0 + (x1 - x0) * (v / top);
  for (const t of ts) {
    g.append(sv('line', { x1: x(t), x2: x(t), y1: y0, y2: y1, class: 'grid' }),
      sv('text', { x: x(t), y: y1 + 14, class: 'tick', 'text-anchor': 'middle' }, fmt(t)));
  }
  if (label) g.append(sv('text', { x: (x0 + x1) / 2, y: y1 + 30, class: 'axis-label', 'text-anchor': 'middle' }, label));
  return x;
}

// Vertical value axis on the left of a plot with horizontal grid lines; returns the scale.
function yAxis(g, { x0, x1, y0, y1, max, fmt = fmtNum, label }) {
  const { top, ticks: ts } = ticks(max, 5, fmt === fmtInt);
  const y = (v) => y1 - (y1 - y0) * (v / top);
  for (const t of ts) {
    g.append(sv('line', { x1: x0, x2: x1, y1: y(t), y2: y(t), class: 'grid' }),
      sv('text', { x: x0 - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, fmt(t)));
  }
  g.append(sv('line', { x1: x0, x2: x1, y1: y1, y2: y1, class: 'axis' }));
  if (label) g.append(sv('text', { x: 12, y: (y0 + y1) / 2, class: 'axis-label', 'text-anchor': 'middle', transform: `rotate(-90 12 ${(y0 + y1) / 2})` }, label));
  return y;
}

// Legend entries laid out in a row (or a column when `vertical`).
function legend(items, x, y, { vertical = false } = {}) {
  const g = sv('g', { class: 'legend' });
  let cx = x, cy = y;
  for (const it of items) {
    const mark = it.dash != null
      ? sv('line', { x1: cx, x2: cx + 16, y1: cy - 4, y2: cy - 4, stroke: it.color, 'stroke-width': 2, 'stroke-dasharray': it.dash || null })
      : sv('rect', { x: cx, y: cy - 10, width: 12, height: 12, rx: 2, fill: it.color });
    const text = sv('text', { x: cx + (it.dash != null ? 20 : 16), y: cy, class: 'legend-text' }, it.label);
    g.append(sv('g', {}, mark, text, it.tip ? tip(it.tip) : null));
    if (vertical) cy += 18;
    else cx += 28 + 6.5 * String(it.label).length;
  }
  return g;
}

// Horizontal bars, one per row: [{label, value, color, tip, note}].
export function hbarChart(kind, title, rows, { max, width = 720, labelW = 150 } = {}) {
  const rowH = 30, top = 30, ht = top + rows.length * rowH + 40;
  const root = chartRoot(kind, width, ht, title);
  const x0 = labelW, x1 = width - 110, yEnd = top + rows.length * rowH;
  const x = xAxisLinear(root, { x0, x1, y0: top, y1: yEnd, max: max ?? Math.max(1, ...rows.map((r) => r.value)), fmt: fmtInt });
  rows.forEach((r, i) => {
    const y = top + i * rowH + 5;
    root.append(
      sv('text', { x: x0 - 8, y: y + 15, class: 'row-label', 'text-anchor': 'end' }, r.label),
      sv('rect', { x: x0, y, width: Math.max(0, x(r.value || 0) - x0), height: rowH - 10, rx: 2, fill: r.color, class: 'bar' }, tip(r.tip)),
      sv('text', { x: x(r.value || 0) + 6, y: y + 15, class: 'value' }, r.note ?? fmtInt(r.value)));
  });
  return root;
}

// One stacked bar per row: rows [{label, sub, segments: [{key, value, color}]}].
export function stackedChart(kind, title, rows, legendItems, { width = 720, labelW = 120 } = {}) {
  const rowH = 40, top = 30, yEnd = top + rows.length * rowH, ht = yEnd + 62;
  const root = chartRoot(kind, width, ht, title);
  const max = Math.max(1, ...rows.map((r) => r.segments.reduce((a, s) => a + s.value, 0)));
  const x0 = labelW, x1 = width - 24;
  const x = xAxisLinear(root, { x0, x1, y0: top, y1: yEnd, max, fmt: fmtInt, label: 'candidates' });
  rows.forEach((r, i) => {
    const y = top + i * rowH + 6;
    root.append(sv('text', { x: x0 - 8, y: y + 13, class: 'row-label', 'text-anchor': 'end' }, r.label),
      sv('text', { x: x0 - 8, y: y + 26, class: 'row-sub', 'text-anchor': 'end' }, r.sub));
    let acc = 0;
    const total = r.segments.reduce((a, s) => a + s.value, 0);
    for (const s of r.segments) {
      if (!s.value) continue;
      const xa = x(acc), xb = x(acc + s.value);
      root.append(sv('rect', { x: xa, y, width: Math.max(0, xb - xa - 0.5), height: rowH - 12, fill: s.color, class: 'bar' },
        tip(`${r.label}: ${s.key} ${fmtInt(s.value)} of ${fmtInt(total)} (${fmtPct(s.value / total)})`)));
      if (xb - xa > 30) root.append(sv('text', { x: (xa + xb) / 2, y: y + 18, class: 'seg-label', 'text-anchor': 'middle' }, fmtInt(s.value)));
      acc += s.value;
    }
  });
  root.append(legend(legendItems, x0, ht - 8));
  return root;
}

// Histogram of buckets [{lo, hi|null, count}]; the hi=null bucket is over the limit.
export function histogram(kind, title, buckets, { fmtEdge, unit }) {
  const width = 560, ht = 270, l = 52, r = 16, t = 30, b = 46;
  const root = chartRoot(kind, width, ht, title);
  const n = Math.max(1, buckets.length), bw = (width - l - r) / n;
  const y = yAxis(root, { x0: l, x1: width - r, y0: t + 12, y1: ht - b, max: Math.max(1, ...buckets.map((k) => k.count)), fmt: fmtInt, label: 'candidates' });
  const every = Math.ceil(n / 7);
  buckets.forEach((k, i) => {
    const over = k.hi == null;
    const x = l + i * bw;
    const label = over ? `over the limit (≥ ${fmtEdge(k.lo)} ${unit})` : `${fmtEdge(k.lo)}–${fmtEdge(k.hi)} ${unit}`;
    root.append(sv('rect', { x: x + 1, y: y(k.count), width: Math.max(1, bw - 2), height: y(0) - y(k.count), class: over ? 'bar over' : 'bar', fill: over ? '#e8590c' : '#4c6ef5' },
      tip(`${label}: ${fmtInt(k.count)} candidates`)));
    if (over) root.append(sv('text', { x: x + bw / 2, y: ht - b + 14, class: 'tick warn', 'text-anchor': 'middle' }, 'over'));
    else if (i % every === 0) root.append(sv('text', { x, y: ht - b + 14, class: 'tick', 'text-anchor': 'middle' }, fmtEdge(k.lo)));
  });
  const limitAt = buckets.findIndex((k) => k.hi == null);
  if (limitAt >= 0) {
    const lx = l + limitAt * bw;
    root.append(sv('line', { x1: lx, x2: lx, y1: t + 6, y2: ht - b, class: 'limit' }),
      sv('text', { x: lx - 4, y: t + 16, class: 'limit-label', 'text-anchor': 'end' }, 'limit'));
  }
  root.append(sv('text', { x: (l + width - r) / 2, y: ht - 10, class: 'axis-label', 'text-anchor': 'middle' }, unit));
  return root;
}

// Vertical bars with optional CI whiskers and horizontal reference lines.
// bars: [{label, value, ci, color, tip}]; refs: [{key, label, value}].
export function barChart(kind, title, bars, refs, { yLabel, max, width = 720 } = {}) {
  const ht = 290, l = 58, r = 150, t = 34, b = 40;
  const root = chartRoot(kind, width, ht, title);
  const top = Math.max(max ?? 0, ...bars.map((x) => (x.value || 0) + (x.ci || 0)), ...refs.map((x) => x.value || 0), 1e-9);
  const y = yAxis(root, { x0: l, x1: width - r, y0: t, y1: ht - b, max: top, fmt: fmtNum, label: yLabel });
  const slot = (width - l - r) / Math.max(1, bars.length), bw = Math.min(48, slot * 0.7);
  bars.forEach((bar, i) => {
    const cx = l + slot * (i + 0.5), v = bar.value || 0;
    const g = sv('g', { class: 'bar-group' },
      sv('rect', { x: cx - bw / 2, y: y(v), width: bw, height: y(0) - y(v), fill: bar.color, class: 'bar' }),
      sv('text', { x: cx, y: ht - b + 15, class: 'tick', 'text-anchor': 'middle' }, bar.label), tip(bar.tip));
    if (bar.ci > 0) {
      const ya = y(v + bar.ci), yb = y(Math.max(0, v - bar.ci));
      g.append(sv('path', { d: `M${cx} ${ya}V${yb}M${cx - 6} ${ya}h12M${cx - 6} ${yb}h12`, stroke: '#1f2933', class: 'whisker' }));
    }
    root.append(g);
  });
  const placed = [];
  for (const ref of refs) {
    const st = REF_STYLES[ref.key];
    const ry = y(ref.value);
    let ly = ry + 4;
    while (placed.some((p) => Math.abs(p - ly) < 12)) ly += 12; // keep labels of close lines apart
    placed.push(ly);
    root.append(sv('g', { class: 'ref' },
      sv('line', { x1: l, x2: width - r, y1: ry, y2: ry, stroke: st.color, 'stroke-width': 1.6, 'stroke-dasharray': st.dash }),
      sv('text', { x: width - r + 6, y: ly, class: 'ref-label', fill: st.color }, `${st.label} ${fmtScore(ref.value)}`),
      tip(`${ref.label ?? st.label}: ${fmtScore(ref.value)}`)));
  }
  return root;
}

// Score against K: series [{name, color, points: [{k, y, ci, tip}], dash?, ref?}].
export function kCurveChart(title, ks, series, yLabel) {
  const width = 900, ht = 340, l = 58, r = 170, t = 34, b = 44;
  const root = chartRoot('k-curve', width, ht, title);
  const all = series.flatMap((s) => s.points.map((p) => p.y + (p.ci || 0)));
  const y = yAxis(root, { x0: l, x1: width - r, y0: t, y1: ht - b, max: Math.max(1e-9, ...all), fmt: fmtNum, label: yLabel });
  const kmin = Math.min(...ks), kmax = Math.max(...ks), pad = 30;
  const x = (k) => (kmax === kmin ? (l + width - r) / 2 : l + pad + (width - r - l - 2 * pad) * ((k - kmin) / (kmax - kmin)));
  for (const k of ks) root.append(sv('text', { x: x(k), y: ht - b + 15, class: 'tick', 'text-anchor': 'middle' }, fmtInt(k)));
  root.append(sv('text', { x: (l + width - r) / 2, y: ht - 8, class: 'axis-label', 'text-anchor': 'middle' }, 'K (submissions allowed)'));
  const lines = ks.length > 1;
  const strategies = series.filter((s) => !s.ref);
  series.forEach((s) => {
    const off = s.ref ? 0 : (strategies.indexOf(s) - (strategies.length - 1) / 2) * 3; // spread whiskers at a shared K
    const pts = s.points.map((p) => ({ ...p, px: x(p.k) + off, py: y(p.y) }));
    const g = sv('g', { class: s.ref ? 'series ref' : 'series', 'data-series': s.name });
    if (lines && pts.length > 1) {
      g.append(sv('polyline', { points: pts.map((p) => `${p.px},${p.py}`).join(' '), fill: 'none', stroke: s.color, 'stroke-width': s.ref ? 1.6 : 2, 'stroke-dasharray': s.dash || null }));
    }
    for (const p of pts) {
      if (p.ci > 0) {
        const ya = y(p.y + p.ci), yb = y(Math.max(0, p.y - p.ci));
        g.append(sv('path', { d: `M${p.px} ${ya}V${yb}M${p.px - 4} ${ya}h8M${p.px - 4} ${yb}h8`, stroke: s.color, class: 'whisker' }));
      }
      g.append(s.ref
        ? sv('rect', { x: p.px - 4, y: p.py - 4, width: 8, height: 8, fill: '#fff', stroke: s.color, 'stroke-width': 2, class: 'point' }, tip(p.tip))
        : sv('circle', { cx: p.px, cy: p.py, r: 4, fill: s.color, class: 'point' }, tip(p.tip)));
    }
    root.append(g);
  });
  root.append(legend(series.map((s) => ({ label: s.name, color: s.color, dash: s.ref ? s.dash : undefined })), width - r + 16, t + 10, { vertical: true }));
  return root;
}

// Bars for the largest 30 clusters: members passing the public tests stacked under the others.
export function clusterChart(clusters) {
  const top = clusters.slice(0, 30);
  const width = 900, ht = 250, l = 52, rr = 16, t = 34, b = 40;
  const chart = chartRoot('clusters', width, ht, `Largest ${top.length} of ${fmtInt(clusters.length)} clusters`);
  const y = yAxis(chart, { x0: l, x1: width - rr, y0: t, y1: ht - b, max: Math.max(1, ...top.map((c) => c.size)), fmt: fmtInt, label: 'members' });
  const slot = (width - l - rr) / Math.max(20, top.length);
  top.forEach((c, i) => {
    const x = l + i * slot + 2, w = slot - 4, pass = Math.min(c.passed_public, c.size);
    chart.append(sv('g', { class: 'bar-group' },
      sv('rect', { x, y: y(c.size), width: w, height: y(pass) - y(c.size), fill: '#adb5bd', class: 'bar' }),
      sv('rect', { x, y: y(pass), width: w, height: y(0) - y(pass), fill: '#2f9e44', class: 'bar' }),
      tip(`cluster #${c.rank}: ${fmtInt(c.size)} members, ${fmtInt(c.passed_public)} pass public, score ${fmtScore(c.score)}, hidden ${fmtScore(c.hidden_points)} points`)));
    if (i % 5 === 0 || top.length <= 10) chart.append(sv('text', { x: x + w / 2, y: ht - b + 14, class: 'tick', 'text-anchor': 'middle' }, `#${c.rank}`));
  });
  chart.append(legend([{ label: 'pass public', color: '#2f9e44' }, { label: 'other members', color: '#adb5bd' }], width - 260, 16));
  return chart;
}
