// The /v1 JSON API: fetch wrapper and ApiError, the API-key form for 401/403,
// error boxes, and `load`, which keeps a section's errors inside that section.

import { $app, h } from './dom.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(path) {
  let res;
  try {
    res = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  } catch {
    throw new ApiError(0, { title: 'network error', detail: `could not reach the server for ${path}` });
  }
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch { /* not JSON: fall back to the status line */ }
    throw new ApiError(res.status, problem || { title: res.statusText, detail: `${path}: HTTP ${res.status}` });
  }
  return res.json();
}

export const isAuthError = (err) => err instanceof ApiError && (err.status === 401 || err.status === 403);

export function showKeyForm(err) {
  if (document.getElementById('key-form')) return;
  const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', required: true, placeholder: 'API key' });
  const form = h('form', { id: 'key-form', class: 'keyform' },
    h('h2', {}, 'API key needed'),
    h('p', {}, err?.problem?.detail || 'This server asks for an API key.'),
    input, ' ', h('button', { type: 'submit' }, 'Use key'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    document.cookie = 'sieve_key=' + encodeURIComponent(input.value.trim()) + '; path=/; SameSite=Strict';
    location.reload();
  });
  $app.prepend(form);
}

function errorBox(err) {
  const p = err instanceof ApiError ? err.problem : null;
  return h('div', { class: 'error', role: 'alert' },
    h('strong', {}, p?.title || 'error'), ' ', p?.detail || (p?.title ? '' : String(err?.message ?? err)));
}

// Shows an API error in `el` (or the key form for 401/403).
export function showError(el, err) {
  if (isAuthError(err)) {
    el.replaceChildren();
    showKeyForm(err);
  } else {
    const head = el.firstElementChild?.tagName === 'H2' ? el.firstElementChild : null;
    el.replaceChildren(...(head ? [head] : []), errorBox(err));
  }
}

// Runs one section's loader; errors end up in the section, never uncaught.
export async function load(el, fn) {
  try { await fn(); } catch (err) { showError(el, err); }
}
