// Number, size and date formatting, ordering helpers, and the small constant tables
// (test kinds, verdicts, strategies, their colours) shared by charts and views.

const nfCache = new Map();
export function fmtNum(n, digits = 2) {
  if (n == null || !Number.isFinite(n)) return '—';
  if (n === 0) n = 0; // -0 (an empty sum) reads as 0

  let nf = nfCache.get(digits);
  if (!nf) nfCache.set(digits, (nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits })));
  return nf.format(n);
}
export const fmtInt = (n) => fmtNum(n, 0);
export const fmtScore = (n) => fmtNum(n, Math.abs(n) >= 100 ? 1 : 2);
export const fmtMs = (ms) => (ms == null ? '—' : `${fmtNum(ms, ms < 10 ? 1 : 0)} ms`);
export const mib = (kib) => kib / 1024;
export const fmtMiB = (kib) => (kib == null ? '—' : `${fmtNum(mib(kib), mib(kib) < 10 ? 1 : 0)} MiB`);
export const fmtPct = (x) => (x == null || !Number.isFinite(x) ? '—' : `${fmtNum(100 * x, 1)}%`);
// UUIDv7s share their leading (time) digits: the last ones tell candidates apart.
export const shortId = (id) => String(id ?? '').slice(-8);
const pad2 = (n) => String(n).padStart(2, '0');
export function fmtDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}
export const KINDS = ['public', 'generated', 'hidden'];
export const kindOrder = (kinds) => [...kinds].sort((a, b) => rank(KINDS, a) - rank(KINDS, b) || a.localeCompare(b));
export const rank = (list, x) => (list.includes(x) ? list.indexOf(x) : list.length);
export const enc = encodeURIComponent;

const VERDICT_COLORS = { AC: '#2f9e44', WA: '#e03131', TLE: '#f08c00', MLE: '#9c36b5', RE: '#8f1d1d', CE: '#868e96' };
const NEUTRALS = ['#b5a98f', '#6f7f8f', '#c9ced6', '#8d7e6a', '#4f5b66'];
export const VERDICT_ORDER = ['AC', 'WA', 'TLE', 'MLE', 'RE', 'CE', 'PE', 'OLE', 'JE', 'SK', 'OK'];
export const verdictColor = (v) => VERDICT_COLORS[v] ?? NEUTRALS[Math.max(0, VERDICT_ORDER.indexOf(v) - 6) % NEUTRALS.length];

export const STRATEGIES = ['random', 'filter', 'alphacode', 'codet', 'openr1', 'o1ioi', 'sieve'];
const STRATEGY_COLORS = ['#868e96', '#74c0fc', '#f59f00', '#12b886', '#e64980', '#7048e8', '#1864ab'];
const EXTRA_COLORS = ['#d9480f', '#2b8a3e', '#c2255c', '#5c940d', '#0b7285'];
export function strategyColor(name) {
  const i = STRATEGIES.indexOf(name);
  if (i >= 0) return STRATEGY_COLORS[i];
  let hash = 0;
  for (const ch of String(name)) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return EXTRA_COLORS[hash % EXTRA_COLORS.length];
}
export const REF_STYLES = {
  oracle: { color: '#2b8a3e', dash: '6 4', label: 'oracle' },
  random: { color: '#868e96', dash: '3 3', label: 'random expected' },
  pool: { color: '#c92a2a', dash: '1 3', label: 'whole pool' },
};
