// sieve dashboard: a single-page app over the /v1 JSON API. No dependencies, no build step;
// charts are plain SVG. This entry module holds the router (routes, render, navigate,
// query string state, link interception, history) and boots the page.

import { $app, crumbs, empty, h, link } from './dom.js';
import { showError } from './api.js';
import { viewHome } from './home.js';
import { viewContest } from './contest.js';
import { viewProblem } from './problem.js';
import { viewCandidate } from './candidate.js';
import { viewSimulation } from './simulation.js';

const routes = [
  [/^\/$/, viewHome],
  [/^\/contests\/([^/]+)\/?$/, viewContest],
  [/^\/problems\/([^/]+)\/?$/, viewProblem],
  [/^\/candidates\/([^/]+)\/?$/, viewCandidate],
  [/^\/simulations\/([^/]+)\/?$/, viewSimulation],
];
let current = null;

// One navigation: tracks its cleanups and whether it is still the page on screen.
function makeCtx() {
  const ctx = {
    cleanups: [], pending: 0, loaded: false,
    alive: () => current === ctx,
    onLeave: (f) => ctx.cleanups.push(f),
    // An EventSource closed on leaving. The browser reconnects after network errors by itself;
    // an error answer closes it for good, which `onClosed` reports.
    events(url, onProgress, onClosed) {
      if (!ctx.alive()) return null;
      const es = new EventSource(url);
      es.addEventListener('error', () => { if (es.readyState === EventSource.CLOSED && ctx.alive()) onClosed?.(); });
      es.addEventListener('progress', (ev) => {
        let d;
        try { d = JSON.parse(ev.data); } catch { return; }
        if (ctx.alive()) onProgress(d);
      });
      ctx.onLeave(() => es.close());
      return es;
    },
    // A reload triggered by a control: the page is not "ready" until it has landed.
    async busy(fn) {
      ctx.pending++;
      delete $app.dataset.ready;
      try { await fn(); } finally { ctx.pending--; ctx.mark(); }
    },
    mark() { if (ctx.alive() && ctx.loaded && ctx.pending === 0) $app.dataset.ready = '1'; },
  };
  return ctx;
}

async function render() {
  delete $app.dataset.ready;
  if (current) for (const f of current.cleanups) f();
  const ctx = (current = makeCtx());
  $app.replaceChildren();
  crumbs([]);
  const path = location.pathname;
  const route = routes.find(([re]) => re.test(path));
  try {
    if (route) await route[1](ctx, decodeURIComponent(path.match(route[0])[1] ?? ''));
    else $app.append(h('h1', {}, 'Not found'), empty(`No page at ${path}.`), link('/', 'Back to the contests'));
  } catch (err) {
    if (ctx.alive()) showError($app, err);
  }
  if (ctx.alive()) { ctx.loaded = true; ctx.mark(); }
}

function navigate(to) {
  if (to !== location.pathname + location.search) history.pushState(null, '', to);
  window.scrollTo(0, 0);
  render();
}

export const query = () => new URLSearchParams(location.search);
// View state lives in the query string; replaceState keeps the URL shareable without a re-render.
export function setQuery(changes) {
  const q = query();
  for (const [k, v] of Object.entries(changes)) (v == null || v === '' ? q.delete(k) : q.set(k, v));
  const s = q.toString();
  history.replaceState(null, '', location.pathname + (s ? `?${s}` : ''));
}

document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest?.('a[href]');
  if (!a || (a.target && a.target !== '_self') || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !routes.some(([re]) => re.test(url.pathname))) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', render);

render();
