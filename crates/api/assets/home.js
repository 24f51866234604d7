// Home page: the list of contests and the list of problems.

import { enc, fmtMiB, fmtMs, shortId } from './format.js';
import { $app, crumbs, empty, h, link, loading, num, section, table } from './dom.js';
import { api, load } from './api.js';

export async function viewHome(ctx) {
  crumbs([{ text: 'contests' }]);
  const contestsEl = section('contests-section', 'Contests', loading());
  const problemsEl = section('problems-section', 'Problems', loading());
  $app.append(h('h1', {}, 'Contests and problems'), contestsEl, problemsEl);
  const contestsP = api('/v1/contests');
  await Promise.all([
    load(contestsEl, async () => {
      const { contests } = await contestsP;
      contestsEl.lastChild.replaceWith(contests.length ? table(
        [{ label: 'name' }, { label: 'rules' }, { label: 'K', num: true }, { label: 'problems', num: true }],
        contests.map((c) => [link(`/contests/${enc(c.id)}`, c.name), c.rules, c.submission_limit, c.problems.length]),
        { id: 'contests' }) : empty('no contests yet'));
    }),
    load(problemsEl, async () => {
      const [{ problems }, contests] = await Promise.all([api('/v1/problems'), contestsP.then((r) => r.contests, () => [])]);
      const byId = new Map(contests.map((c) => [c.id, c]));
      problemsEl.lastChild.replaceWith(problems.length ? table(
        [{ label: 'slug' }, { label: 'name' }, { label: 'contest' }, { label: 'time', num: true }, { label: 'memory', num: true }],
        problems.map((p) => {
          const c = byId.get(p.contest_id);
          return [link(`/problems/${enc(p.id)}`, p.slug), p.name,
            c ? link(`/contests/${enc(c.id)}`, c.name) : p.contest_id ? shortId(p.contest_id) : '—',
            num(p.limits.time_ms, fmtMs(p.limits.time_ms)), num(p.limits.memory_bytes, fmtMiB(p.limits.memory_bytes / 1024))];
        }), { id: 'problems' }) : empty('no problems yet'));
    }),
  ]);
}
