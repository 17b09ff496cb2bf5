import Rooms
import Scripting

/// The console's stylesheet and script, served at `/console/assets/{file}`. Embedded so that
/// the binary needs no files beside it and nothing is fetched from elsewhere.
enum ConsoleAssets {
    /// A served file: its media type and text.
    struct Asset: Sendable {
        let contentType: String
        let text: String
    }

    /// Every asset by file name.
    static let files: [String: Asset] = [
        "console.css": Asset(contentType: "text/css; charset=utf-8", text: css),
        "console.js": Asset(contentType: "text/javascript; charset=utf-8", text: script),
    ]

    /// One stylesheet for every page; narrow screens get one column.
    static let css = #"""
:root { color-scheme: light dark; --accent: #2563eb; --bad: #b91c1c; --ok: #15803d; --line: #8884; --card: #8881; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 16px/1.45 system-ui, sans-serif; }
a { color: var(--accent); }
.skip { position: absolute; left: -999px; top: 0; }
.skip:focus { left: 8px; top: 8px; background: Canvas; padding: 4px 8px; z-index: 10; }
.top { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 8px 16px; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; text-decoration: none; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 12px; margin: 0; padding: 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration: none; border-bottom: 2px solid var(--accent); }
.session { margin-left: auto; }
main { padding: 8px 16px 32px; max-width: 1200px; margin: 0 auto; }
main:focus { outline: none; }
h1 { font-size: 1.5rem; margin: 8px 0; }
h2 { font-size: 1.15rem; margin: 0 0 8px; }
h3 { font-size: 1rem; margin: 12px 0 4px; }
.card { border: 1px solid var(--line); background: var(--card); border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
.row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
.grid { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 8px 12px; align-items: center; max-width: 640px; }
.grid button { justify-self: start; }
form label { font-weight: 600; }
input, select, textarea, button { font: inherit; padding: 6px 8px; border-radius: 6px; border: 1px solid var(--line); max-width: 100%; }
textarea { width: 100%; font-family: ui-monospace, monospace; font-size: .9rem; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); }
button:disabled { opacity: .5; cursor: not-allowed; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.status:not(:empty) { padding: 8px 12px; border-radius: 6px; border: 1px solid var(--line); margin: 8px 0; white-space: pre-wrap; }
.status.error { border-color: var(--bad); color: var(--bad); }
.status.ok { border-color: var(--ok); color: var(--ok); }
.problems li { font-family: ui-monospace, monospace; color: var(--bad); }
.results { list-style: none; padding: 0; }
.results li.pass code { color: var(--ok); }
.results li.fail code, p.fail { color: var(--bad); }
p.ok { color: var(--ok); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
code, pre { font-family: ui-monospace, monospace; font-size: .9rem; }
pre { white-space: pre-wrap; word-break: break-word; }
pre.source { max-height: 420px; overflow: auto; border: 1px solid var(--line); padding: 8px; }
.balances { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
.balances dt { font-weight: 600; }
.balances dd { margin: 0; }
.feed { list-style: none; padding: 0; margin: 0; max-height: 320px; overflow-y: auto; }
.feed li { padding: 2px 0; border-bottom: 1px solid var(--line); word-break: break-word; }
.feed .who { font-weight: 600; margin-right: 6px; }
.feed .mark { font-size: .8rem; border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; margin-left: 6px; }
.muted, .hint { opacity: .75; font-size: .9rem; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 0 16px; }
.columns .card { margin: 12px 0; }
.decl-kind { margin: 8px 0; }
@media (max-width: 600px) {
  .grid { grid-template-columns: 1fr; }
  main { padding: 4px 8px 24px; }
  .top { padding: 8px; }
}
"""#

    /// One script for every page: it reads `data-page` on `<body>` and starts that page.
    static let script = #"""
'use strict';
// Showrunner's console and room page. Every call goes to the JSON API with the token this tab
// holds; the pages add no power of their own. Data is put in the page as text, never as HTML.
(function () {
  const CONSOLE_KEY = 'showrunner.console.token';
  const VIEWER_KEY = 'showrunner.viewer.token';
  const $ = (id) => document.getElementById(id);
  const page = document.body.dataset.page;
  const isRoom = page === 'room';
  const tokenKey = isRoom ? VIEWER_KEY : CONSOLE_KEY;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else if (k === 'on') for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : String(c));
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function rows(table) { return clear(table.tBodies[0]); }
  function say(message, kind) { const s = $('status'); s.textContent = message; s.className = 'status ' + (kind || ''); }
  function failed(e) { say((e.code ? e.code + ': ' : '') + e.message, 'error'); }
  function when(ms) { return ms ? new Date(ms).toLocaleString() : '-'; }
  function key() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return 'console-' + window.crypto.randomUUID();
    return 'console-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  }
  function token() { return sessionStorage.getItem(tokenKey); }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    const t = token();
    if (t) headers.Authorization = 'Bearer ' + t;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (_) { data = { message: text }; }
    if (!res.ok) {
      const err = new Error((data && data.message) || res.statusText || 'request failed');
      err.status = res.status; err.code = data && data.error; err.data = data;
      throw err;
    }
    return data;
  }
  function action(button, work) {
    return async function (event) {
      if (event) event.preventDefault();
      if (button) button.disabled = true;
      try { await work(event); } catch (e) { failed(e); } finally { if (button) button.disabled = false; }
    };
  }
  function onSubmit(id, work) {
    const form = $(id);
    form.addEventListener('submit', action(form.querySelector('button[type=submit]'), work));
  }
  // Jobs (/v1/admin/jobs): start one, then read it until it is no longer running.
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  async function waitJob(job, progress) {
    while (job.state === 'running') {
      await sleep(500);
      job = await api('GET', '/v1/admin/jobs/' + encodeURIComponent(job.id));
      if (progress) progress(job);
    }
    return job;
  }
  async function runJob(kind, body, progress) {
    let job;
    try { job = await api('POST', '/v1/admin/jobs/' + kind, body); } catch (e) {
      if (e.code === 'job_running') throw new Error('A ' + kind + ' job is already running; wait for it to finish.');
      throw e;
    }
    if (progress) progress(job);
    return waitJob(job, progress);
  }
  function jobFailure(job, list) {
    const e = job.error || { code: 'job_failed', message: 'failed' };
    if (list) for (const p of e.problems || []) list.append(el('li', { class: 'fail', text: p.path + (p.line ? ':' + p.line : '') + ': ' + p.message }));
    return 'Failed: ' + e.code + ': ' + e.message;
  }

  // Sign-in: ?token= (then removed from the address bar), or the form, or this tab's storage.
  function takeTokenFromAddress() {
    const url = new URL(window.location.href);
    const t = url.searchParams.get('token');
    if (t) {
      sessionStorage.setItem(tokenKey, t);
      url.searchParams.delete('token');
      window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    }
  }
  function showSession(me) {
    $('who').textContent = me.user_id + ' (' + me.role + ')';
    $('session').hidden = false;
  }
  $('sign-out').addEventListener('click', () => { sessionStorage.removeItem(tokenKey); window.location.reload(); });

  async function startConsole() {
    takeTokenFromAddress();
    $('sign-in-form').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(tokenKey, $('token').value.trim());
      $('token').value = '';
      signIn();
    });
    await signIn();
  }
  async function signIn() {
    if (!token()) { $('sign-in').hidden = false; $('token').focus(); return; }
    let me;
    try { me = await api('GET', '/v1/whoami'); } catch (e) {
      sessionStorage.removeItem(tokenKey);
      $('sign-in').hidden = false;
      say('That token was refused (' + (e.code || e.status) + '): ' + e.message, 'error');
      $('token').focus();
      return;
    }
    if (me.role !== 'operator' && me.role !== 'admin') {
      sessionStorage.removeItem(tokenKey);
      $('sign-in').hidden = false;
      say('The token of ' + me.user_id + ' has the role ' + me.role + '; the console needs an operator or admin token.', 'error');
      return;
    }
    $('sign-in').hidden = true;
    $('content').hidden = false;
    showSession(me);
    say('');
    const init = pages[page];
    if (init) { try { await init(me); } catch (e) { failed(e); } }
  }

  // ---- Scripts --------------------------------------------------------------------------
  async function scriptsPage() {
    async function load() {
      const o = await api('GET', '/v1/admin/scripts');
      $('generation').textContent = o.generation || '(none)';
      const r = o.last_reload;
      $('last-reload').textContent = r
        ? (r.ok ? 'OK' : 'Rejected') + ' (' + r.trigger + ', ' + when(r.at_millis) + ', ' + r.duration_millis + ' ms)' +
          (r.ok ? '' : ': the previous generation keeps serving.')
        : '-';
      const problems = clear($('problems'));
      for (const p of (r && r.problems) || []) {
        problems.append(el('li', { text: p.path + (p.line ? ':' + p.line : '') + ': ' + p.message }));
      }
      const byKind = {};
      for (const d of o.declarations) (byKind[d.kind] = byKind[d.kind] || []).push(d);
      const decl = clear($('declarations'));
      for (const kind of Object.keys(byKind).sort()) {
        const list = el('ul');
        for (const d of byKind[kind]) {
          list.append(el('li', {}, el('code', { text: d.id }), (d.title ? ' ' + d.title : '') + ' - ' + d.path +
            (d.handlers.length ? ' (on: ' + d.handlers.join(', ') + ')' : '')));
        }
        decl.append(el('div', { class: 'decl-kind' }, el('h3', { text: kind + ' (' + byKind[kind].length + ')' }), list));
      }
      const select = clear($('source-path'));
      for (const f of o.files) select.append(el('option', { value: f, text: f }));
      const body = rows($('history'));
      for (const g of o.history) {
        const live = g.hash === o.generation;
        const button = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Roll back to ' + g.hash.slice(0, 12), text: live ? 'Serving' : 'Roll back' });
        button.disabled = live;
        button.addEventListener('click', action(button, async () => {
          const report = await api('POST', '/v1/admin/scripts/rollback', { generation: g.hash });
          say('Rolled back: now serving ' + report.generation, 'ok');
          await load();
        }));
        body.append(el('tr', {}, el('td', {}, el('code', { text: g.hash.slice(0, 16) })), el('td', { text: when(g.saved_at_millis) }),
          el('td', { text: g.file_count }), el('td', {}, button)));
      }
    }
    $('reload').addEventListener('click', action($('reload'), async () => {
      try {
        const report = await api('POST', '/v1/admin/scripts/reload');
        say('Reloaded: now serving ' + report.generation, 'ok');
      } catch (e) {
        if (e.code !== 'scripts_invalid') throw e;
        const lines = e.data.report.problems.map((p) => p.path + (p.line ? ':' + p.line : '') + ': ' + p.message);
        say('Reload rejected; the previous generation keeps serving.\n' + lines.join('\n'), 'error');
      }
      await load();
    }));
    onSubmit('source-form', async () => {
      const path = $('source-path').value;
      const file = await api('GET', '/v1/admin/scripts/source?path=' + encodeURIComponent(path));
      $('source').textContent = file.text;
    });
    onSubmit('tests-form', async () => {
      const filter = $('tests-filter').value.trim();
      const list = clear($('tests-results'));
      const show = (job) => { if (job.state === 'running') $('tests-summary').textContent = 'Running the script tests...'; };
      const job = await runJob('scripts-test', filter ? { filter } : {}, show);
      if (job.state !== 'succeeded') { $('tests-summary').textContent = jobFailure(job, list); return; }
      const r = job.result;
      $('tests-summary').textContent = (r.ok ? 'OK: ' : 'FAILED: ') + r.summary;
      $('tests-summary').className = r.ok ? 'ok' : 'fail';
      for (const c of r.results) {
        const item = el('li', { class: c.status === 'passed' ? 'pass' : 'fail' }, el('code', { text: c.line }));
        if (c.output.length) item.append(el('pre', { text: c.output.join('\n') }));
        list.append(item);
      }
      if (!r.results.length) list.append(el('li', { text: 'No test case ran.' }));
    });
    const local = (ms) => { const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60000); return d.toISOString().slice(0, 19); };
    const now = Date.now();
    $('replay-from').value = local(now - 3600000);
    $('replay-to').value = local(now);
    onSubmit('replay-form', async () => {
      const from = new Date($('replay-from').value).getTime();
      const to = new Date($('replay-to').value).getTime();
      if (!Number.isFinite(from) || !Number.isFinite(to)) throw new Error('enter both times');
      const box = clear($('replay-result'));
      const show = (job) => { if (job.state === 'running') $('replay-summary').textContent = 'Replaying...'; };
      const job = await runJob('replay', { from, to }, show);
      if (job.state !== 'succeeded') {
        const problems = el('ul', { class: 'problems', 'aria-label': 'Replay problems' });
        box.append(problems);
        $('replay-summary').textContent = jobFailure(job, problems);
        return;
      }
      const o = job.result;
      $('replay-summary').textContent = 'Replayed ' + o.entries + ' journal entries from ' + when(o.from) + ' to ' + when(o.to) +
        ' with generation ' + o.candidate_generation.slice(0, 12) + ': ' + o.errors.length + ' errors.';
      const key = (b) => b.activity + '/' + b.board + '@' + b.period;
      const boards = el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Board' }),
        el('th', { scope: 'col', text: 'Candidate (top)' }), el('th', { scope: 'col', text: 'Live (top)' }))), el('tbody'));
      const keys = Array.from(new Set(o.candidate.boards.map(key).concat(o.live.boards.map(key)))).sort();
      const top = (b) => b ? b.members + ' members' + (b.rows.length ? ': ' + b.rows.slice(0, 3).map((r) => r.member + ' ' + r.score).join(', ') : '') : '-';
      for (const k of keys) {
        boards.tBodies[0].append(el('tr', {}, el('td', { text: k }), el('td', { text: top(o.candidate.boards.find((b) => key(b) === k)) }),
          el('td', { text: top(o.live.boards.find((b) => key(b) === k)) })));
      }
      if (!keys.length) boards.tBodies[0].append(el('tr', {}, el('td', { colspan: 3, text: 'No board in the window.' })));
      const rewards = el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'User, asset' }),
        el('th', { scope: 'col', text: 'Candidate' }), el('th', { scope: 'col', text: 'Live' }))), el('tbody'));
      const rkey = (r) => r.user + ' ' + r.asset;
      const rkeys = Array.from(new Set(o.candidate.rewards.map(rkey).concat(o.live.rewards.map(rkey)))).sort();
      const amount = (list, k) => { const r = list.find((x) => rkey(x) === k); return r ? r.amount : 0; };
      for (const k of rkeys) rewards.tBodies[0].append(el('tr', {}, el('td', { text: k }), el('td', { text: amount(o.candidate.rewards, k) }), el('td', { text: amount(o.live.rewards, k) })));
      if (!rkeys.length) rewards.tBodies[0].append(el('tr', {}, el('td', { colspan: 3, text: 'No reward in the window.' })));
      const stages = el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Task, stage' }),
        el('th', { scope: 'col', text: 'Candidate users' }), el('th', { scope: 'col', text: 'Live users' }))), el('tbody'));
      const skey = (c) => c.task + ' ' + c.stage;
      const skeys = Array.from(new Set(o.candidate.completions.map(skey).concat(o.live.completions.map(skey)))).sort();
      const users = (list, k) => { const c = list.find((x) => skey(x) === k); return c ? c.users : 0; };
      for (const k of skeys) stages.tBodies[0].append(el('tr', {}, el('td', { text: k }), el('td', { text: users(o.candidate.completions, k) }), el('td', { text: users(o.live.completions, k) })));
      if (!skeys.length) stages.tBodies[0].append(el('tr', {}, el('td', { colspan: 3, text: 'No task completion in the window.' })));
      box.append(el('h3', { text: 'Leaderboards' }), el('div', { class: 'scroll' }, boards),
        el('h3', { text: 'Rewards paid by activities' }), el('div', { class: 'scroll' }, rewards),
        el('h3', { text: 'Task completions' }), el('div', { class: 'scroll' }, stages));
      if (o.errors.length) {
        const errors = el('ul', { class: 'problems', 'aria-label': 'Candidate errors' });
        for (const e of o.errors) errors.append(el('li', { text: e }));
        box.append(el('h3', { text: 'Candidate errors (entries it would have parked)' }), errors);
      }
    });
    await load();
  }

  // ---- Live ops -------------------------------------------------------------------------
  function rewardText(r) {
    if (r.kind === 'asset') return r.amount + ' ' + r.asset;
    if (r.kind === 'item') return r.count + ' x ' + r.name;
    return 'badge ' + r.name;
  }
  function oddsTable(rewards) {
    const t = el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Reward' }),
      el('th', { scope: 'col', text: 'Weight' }), el('th', { scope: 'col', text: 'Chance' }))), el('tbody'));
    for (const o of rewards) {
      t.tBodies[0].append(el('tr', {}, el('td', { text: rewardText(o.reward) }), el('td', { text: o.weight }),
        el('td', { text: (o.probability * 100).toFixed(2) + ' %' })));
    }
    return el('div', { class: 'scroll' }, t);
  }
  async function liveopsPage() {
    const list = await api('GET', '/v1/activities');
    const box = clear($('activities'));
    if (!list.activities.length) box.append(el('p', { text: 'No activity is declared.' }));
    for (const a of list.activities) {
      const d = await api('GET', '/v1/activities/' + encodeURIComponent(a.id));
      const section = el('section', { class: 'card', 'aria-label': 'Activity ' + a.id },
        el('h3', { text: (d.title || d.id) + (d.live ? ' (live)' : ' (not live)') }),
        el('p', { class: 'muted', text: d.id + ': ' + (d.starts_at || d.ends_at ? when(d.starts_at) + ' to ' + when(d.ends_at) : 'no dates, always on') }));
      for (const [name, b] of Object.entries(d.leaderboards)) {
        const id = 'board-' + d.id + '-' + name;
        const select = el('select', { id: id + '-period' });
        for (const p of [b.period].concat(b.periods.filter((x) => x !== b.period))) select.append(el('option', { value: p, text: p }));
        const table = el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Rank' }),
          el('th', { scope: 'col', text: 'Member' }), el('th', { scope: 'col', text: 'Score' }))), el('tbody'));
        const show = async () => {
          const pg = await api('GET', '/v1/activities/' + encodeURIComponent(d.id) + '/leaderboards/' + encodeURIComponent(name) +
            '?limit=20&period=' + encodeURIComponent(select.value));
          const tb = rows(table);
          for (const r of pg.rows) tb.append(el('tr', {}, el('td', { text: r.rank }), el('td', { text: r.member }), el('td', { text: r.score })));
          if (!pg.rows.length) tb.append(el('tr', {}, el('td', { colspan: 3, text: 'Nobody yet.' })));
        };
        select.addEventListener('change', () => show().catch(failed));
        section.append(el('h4', { text: 'Board ' + name + ' (' + b.order + ', resets ' + b.reset + ', ' + b.members + ' members)' }),
          el('div', { class: 'row' }, el('label', { for: id + '-period', text: 'Period' }), select), el('div', { class: 'scroll' }, table));
        await show();
      }
      for (const [name, w] of Object.entries(d.wheels)) {
        section.append(el('h4', { text: 'Wheel ' + (w.title || name) + ': ' + w.cost + ' ' + w.asset + ' a spin' }), oddsTable(w.rewards));
      }
      for (const [name, c] of Object.entries(d.chests)) {
        section.append(el('h4', { text: 'Chest ' + (c.title || name) + ': opens every ' + c.threshold }), oddsTable(c.rewards));
      }
      box.append(section);
    }
    const tasks = await api('GET', '/v1/tasks');
    const tb = rows($('tasks'));
    for (const t of tasks.tasks) {
      tb.append(el('tr', {}, el('td', { text: (t.title || t.id) + ' (' + t.id + ')' }), el('td', { text: t.repeats }),
        el('td', { text: t.stages.map((s) => s.goal + ': ' + s.rewards.map(rewardText).join(', ')).join('; ') })));
    }
  }

  // ---- Money ----------------------------------------------------------------------------
  async function moneyPage() {
    async function wallet(user) {
      const base = '/v1/admin/wallets/' + encodeURIComponent(user);
      const b = await api('GET', base);
      const dl = clear($('balances'));
      const assets = Object.keys(b.balances).sort();
      if (!assets.length) dl.append(el('dt', { text: user }), el('dd', { text: 'no balance' }));
      for (const a of assets) dl.append(el('dt', { text: a }), el('dd', { 'data-asset': a, text: b.balances[a] }));
      const page = await api('GET', base + '/transfers?limit=50');
      const tb = rows($('transfers'));
      for (const t of page.transfers) {
        tb.append(el('tr', {}, el('td', {}, el('code', { text: t.id })), el('td', { text: t.code + (t.journal_offset ? ' (gift send ' + t.journal_offset + ')' : '') }), el('td', { text: t.debit }),
          el('td', { text: t.credit }), el('td', { text: t.amount + ' ' + t.asset }), el('td', { text: t.memo })));
      }
    }
    onSubmit('wallet-form', async () => { await wallet($('wallet-user').value.trim()); });
    onSubmit('grant-form', async () => {
      const user = $('grant-user').value.trim();
      const amount = Number($('grant-amount').value);
      const t = await api('POST', '/v1/admin/wallets/' + encodeURIComponent(user) + '/grants',
        { asset: $('grant-asset').value.trim(), amount, reason: $('grant-reason').value, idempotency_key: key() });
      say('Granted ' + t.amount + ' ' + t.asset + ' to ' + user + ' (transfer ' + t.id + ')', 'ok');
      $('wallet-user').value = user;
      await wallet(user);
    });
    onSubmit('reverse-form', async () => {
      const t = await api('POST', '/v1/admin/transfers/' + encodeURIComponent($('reverse-id').value.trim()) + '/reversals',
        { reason: $('reverse-reason').value, idempotency_key: key() });
      say('Reversed: transfer ' + t.id, 'ok');
      if ($('wallet-user').value.trim()) await wallet($('wallet-user').value.trim());
    });
    async function gifts() {
      const list = await api('GET', '/v1/admin/gifts');
      const tb = rows($('gifts'));
      for (const g of list.gifts) {
        const edit = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Edit ' + g.id, text: 'Edit' });
        edit.addEventListener('click', () => {
          const body = { name: g.name, price_coins: g.price_coins, split: g.split, combo_window_seconds: g.combo_window_seconds, count_max: g.count_max };
          if (g.effect_asset) body.effect_asset = g.effect_asset;
          if (g.scope && g.scope.rooms) body.rooms = g.scope.rooms;
          if (g.scope && g.scope.categories) body.categories = g.scope.categories;
          if (g.enabled_from) body.enabled_from = g.enabled_from;
          if (g.enabled_until) body.enabled_until = g.enabled_until;
          $('gift-id').value = g.id;
          $('gift-body').value = JSON.stringify(body, null, 2);
          $('gift-body').focus();
        });
        tb.append(el('tr', {}, el('td', {}, el('code', { text: g.id })), el('td', { text: g.name }), el('td', { text: g.price_coins }), el('td', {}, edit)));
      }
    }
    onSubmit('gift-form', async () => {
      let body;
      try { body = JSON.parse($('gift-body').value); } catch (e) { throw new Error('the definition is not JSON: ' + e.message); }
      const g = await api('PUT', '/v1/admin/gifts/' + encodeURIComponent($('gift-id').value.trim()), body);
      say('Saved gift ' + g.id + ' (version ' + g.version + ')', 'ok');
      await gifts();
    });
    onSubmit('refund-form', async () => {
      const r = await api('POST', '/v1/admin/gift-sends/' + encodeURIComponent($('refund-offset').value) + '/refund', { reason: $('refund-reason').value });
      say('Refunded gift send ' + $('refund-offset').value + ': ' + JSON.stringify(r), 'ok');
    });
    async function journal() {
      const lag = await api('GET', '/v1/admin/journal/lag');
      const dl = clear($('lag'));
      for (const [name, n] of Object.entries(lag.lag).sort()) dl.append(el('dt', { text: name }), el('dd', { text: n }));
      const parked = await api('GET', '/v1/admin/journal/parked?status=parked&limit=100');
      const tb = rows($('parked'));
      if (!parked.parked.length) tb.append(el('tr', {}, el('td', { colspan: 7, text: 'Nothing is parked.' })));
      for (const p of parked.parked) {
        const retry = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Retry parked event ' + p.id, text: 'Retry' });
        retry.addEventListener('click', action(retry, async () => {
          const r = await api('POST', '/v1/admin/journal/parked/' + p.id + '/retry');
          say(r.resolved ? 'Event ' + p.id + ' went through.' : 'Event ' + p.id + ' failed again: ' + r.event.error, r.resolved ? 'ok' : 'error');
          await journal();
        }));
        tb.append(el('tr', {}, el('td', { text: p.id }), el('td', { text: p.consumer }), el('td', { text: p.fact_index ? p.offset + '.' + p.fact_index : p.offset }), el('td', { text: p.type }),
          el('td', { text: p.error }), el('td', { text: p.attempts }), el('td', {}, retry)));
      }
    }
    function showReconcile(job) {
      const dl = clear($('reconcile-result'));
      const list = clear($('reconcile-violations'));
      if (job.state === 'running') { $('reconcile-summary').textContent = 'Reconciling...'; return; }
      if (job.state !== 'succeeded') { $('reconcile-summary').textContent = jobFailure(job, list); return; }
      const r = job.result;
      const violations = r.ledger.violations.length + r.gifts.length + r.orders.violations.length;
      $('reconcile-summary').textContent = (r.clean ? 'Clean' : 'NOT clean') + ' (finished ' + when(job.finished_at) + '): ' + violations + ' violations.';
      $('reconcile-summary').className = r.clean ? 'ok' : 'fail';
      const lagging = r.consumers.filter((c) => c.behind > 0);
      for (const [k, v] of [
        ['Ledger', r.ledger.transfers + ' transfers, ' + r.ledger.accounts + ' accounts, ' + r.ledger.violations.length + ' violations'],
        ['Gifts', r.gifts.length + ' violations'],
        ['Orders', r.orders.orders + ' orders; tickets held ' + r.orders.held + ' = posted ' + r.orders.posted + ' + voided ' + r.orders.voided + ' + still held ' + r.orders.open],
        ['Consumer lag', lagging.length ? lagging.map((c) => c.consumer + ' behind by ' + c.behind).join(', ') : 'caught up'],
      ]) dl.append(el('dt', { text: k }), el('dd', { text: v }));
      for (const v of r.ledger.violations) list.append(el('li', { text: 'ledger: ' + v.code + ': ' + v.detail }));
      for (const g of r.gifts) list.append(el('li', { text: 'gifts: ' + g }));
      for (const o of r.orders.violations) list.append(el('li', { text: 'orders: ' + o }));
    }
    $('reconcile').addEventListener('click', action($('reconcile'), async () => {
      showReconcile(await runJob('reconcile', {}, showReconcile));
    }));
    async function lastReconcile() {
      const jobs = await api('GET', '/v1/admin/jobs');
      const last = jobs.jobs.find((j) => j.kind === 'reconcile');
      if (last) showReconcile(await waitJob(last, showReconcile));
    }
    await gifts();
    await journal();
    await lastReconcile();
  }

  // ---- Moderation -----------------------------------------------------------------------
  async function moderationPage() {
    async function review() {
      const list = await api('GET', '/v1/admin/moderation/review?limit=100');
      const tb = rows($('review'));
      if (!list.held.length) tb.append(el('tr', {}, el('td', { colspan: 6, text: 'Nothing is waiting.' })));
      for (const h of list.held) {
        const decide = (approve) => {
          const b = el('button', { type: 'button', class: approve ? '' : 'secondary', 'aria-label': (approve ? 'Approve ' : 'Reject ') + h.id, text: approve ? 'Approve' : 'Reject' });
          b.addEventListener('click', action(b, async () => {
            const r = await api('POST', '/v1/admin/moderation/review/' + h.id, { approve, reason: $('review-reason').value });
            say((r.approved ? 'Approved ' : 'Rejected ') + h.id + ' by ' + r.decided_by, 'ok');
            await review();
          }));
          return b;
        };
        tb.append(el('tr', {}, el('td', { text: h.id }), el('td', { text: h.room }), el('td', { text: h.user_id }), el('td', { text: h.text }),
          el('td', { text: h.score }), el('td', {}, decide(true), ' ', decide(false))));
      }
    }
    async function words() {
      const list = await api('GET', '/v1/admin/moderation/words');
      const tb = rows($('words'));
      for (const w of list.words) tb.append(el('tr', {}, el('td', { text: w.word }), el('td', { text: w.category }), el('td', { text: w.action }), el('td', { text: w.score })));
      $('words-body').value = JSON.stringify(list, null, 2);
    }
    onSubmit('words-form', async () => {
      let body;
      try { body = JSON.parse($('words-body').value); } catch (e) { throw new Error('the list is not JSON: ' + e.message); }
      const saved = await api('PUT', '/v1/admin/moderation/words', body);
      say('Saved ' + saved.words.length + ' words.', 'ok');
      await words();
    });
    await review();
    await words();
  }

  // ---- Queues ---------------------------------------------------------------------------
  async function queuesPage() {
    async function show() {
      const room = $('queue-room').value.trim();
      const base = '/v1/rooms/' + encodeURIComponent(room) + '/queue';
      const tb = rows($('queue'));
      let q;
      try { q = await api('GET', base); } catch (e) {
        if (e.code !== 'queue_not_found') throw e;
        $('queue-summary').textContent = 'Room ' + room + ' has no queue: its streamer has not opened one.';
        $('queue-clear').disabled = true;
        tb.append(el('tr', {}, el('td', { colspan: 5, text: 'Nobody is queued.' })));
        return;
      }
      $('queue-summary').textContent = q.room_id + ' (' + q.streamer_id + '): ' + (q.open ? 'open' : 'closed') + ', game ' + q.game +
        ', waiting ' + q.waiting.length + '/' + q.waiting_capacity + ', in game ' + q.game_queue.length + '/' + q.game_capacity +
        (q.gate ? ', gate ' + q.gate.template : '');
      $('queue-clear').disabled = false;
      const member = (m, i, where) => {
        const remove = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Remove ' + m.user_id, text: 'Remove' });
        remove.addEventListener('click', action(remove, async () => {
          await api('DELETE', base + '/members/' + encodeURIComponent(m.user_id), { reason: 'removed by an operator' });
          say('Removed ' + m.user_id + '.', 'ok');
          await show();
        }));
        const cell = el('td', {}, remove);
        if (where === 'waiting') {
          const promote = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Promote ' + m.user_id, text: 'Promote' });
          promote.addEventListener('click', action(promote, async () => {
            await api('POST', base + '/members/' + encodeURIComponent(m.user_id) + '/promote');
            say('Promoted ' + m.user_id + '.', 'ok');
            await show();
          }));
          cell.append(' ', promote);
        }
        tb.append(el('tr', {}, el('td', { text: i + 1 }), el('td', { text: m.user_id }), el('td', { text: when(m.joined_at) }),
          el('td', { text: where }), cell));
      };
      q.game_queue.forEach((m, i) => member(m, i, 'in game'));
      q.waiting.forEach((m, i) => member(m, i, 'waiting'));
      if (!q.game_queue.length && !q.waiting.length) tb.append(el('tr', {}, el('td', { colspan: 5, text: 'Nobody is queued.' })));
    }
    onSubmit('queue-form', show);
    $('queue-clear').addEventListener('click', action($('queue-clear'), async () => {
      await api('POST', '/v1/rooms/' + encodeURIComponent($('queue-room').value.trim()) + '/queue/clear', { reason: 'cleared by an operator' });
      say('Cleared.', 'ok');
      await show();
    }));
    const gates = await api('GET', '/v1/queues/gates');
    const ul = clear($('gates'));
    for (const g of gates.gates || []) {
      ul.append(el('li', {}, el('code', { text: g.id }), ' ' + (g.title || '') +
        (g.params && g.params.length ? ': ' + g.params.map((p) => p.name + ' (' + p.type + ')').join(', ') : '')));
    }
    await show();
  }

  // ---- Goods review ---------------------------------------------------------------------
  async function goodsPage() {
    async function queue() {
      const list = await api('GET', '/v1/admin/goods/review?limit=100');
      const tb = rows($('goods-queue'));
      if (!list.goods.length) tb.append(el('tr', {}, el('td', { colspan: 7, text: 'Nothing is waiting.' })));
      for (const g of list.goods) {
        const decide = (approve) => {
          const b = el('button', { type: 'button', class: approve ? '' : 'secondary', 'aria-label': (approve ? 'Approve goods ' : 'Reject goods ') + g.id, text: approve ? 'Approve' : 'Reject' });
          b.addEventListener('click', action(b, async () => {
            const r = await api('POST', '/v1/admin/goods/' + g.id + '/review', { approve, reason: $('goods-reason').value });
            say('Goods ' + r.id + ' is now ' + r.state, 'ok');
            await queue();
          }));
          return b;
        };
        tb.append(el('tr', {}, el('td', { text: g.id }), el('td', { text: g.streamer_id }), el('td', { text: g.goods.title }), el('td', { text: g.goods.price_tickets }),
          el('td', { text: g.score }), el('td', { text: g.matched.join(', ') }), el('td', {}, decide(true), ' ', decide(false))));
      }
    }
    async function settings() { $('goods-words-body').value = JSON.stringify(await api('GET', '/v1/admin/goods/words'), null, 2); }
    onSubmit('goods-words-form', async () => {
      let body;
      try { body = JSON.parse($('goods-words-body').value); } catch (e) { throw new Error('the settings are not JSON: ' + e.message); }
      await api('PUT', '/v1/admin/goods/words', body);
      say('Saved; listed goods were checked again.', 'ok');
      await settings();
      await queue();
    });
    await queue();
    await settings();
  }

  // ---- Orders ---------------------------------------------------------------------------
  async function ordersPage() {
    let cursor = null;
    function query(after) {
      const q = new URLSearchParams({ limit: '50' });
      for (const [id, name] of [['orders-state', 'state'], ['orders-streamer', 'streamer_id'], ['orders-viewer', 'viewer_id'], ['orders-age', 'min_age_seconds']]) {
        const v = $(id).value.trim();
        if (v) q.set(name, v);
      }
      if (after) q.set('cursor', after);
      return '/v1/admin/orders?' + q.toString();
    }
    async function list(more) {
      const page = await api('GET', query(more ? cursor : null));
      const tb = more ? $('orders').tBodies[0] : rows($('orders'));
      if (!more && !page.orders.length) tb.append(el('tr', {}, el('td', { colspan: 8, text: 'No order matches.' })));
      for (const o of page.orders) {
        const pick = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Force order ' + o.id, text: String(o.id) });
        pick.addEventListener('click', () => { $('force-order').value = o.id; $('force-reason').focus(); });
        tb.append(el('tr', {}, el('td', {}, o.final ? String(o.id) : pick), el('td', { text: o.title }), el('td', { text: o.viewer_id }),
          el('td', { text: o.streamer_id }), el('td', { text: o.price_tickets }),
          el('td', { text: o.state + ' (' + o.external + (o.settled ? ', ' + o.settled : '') + ')' }), el('td', { text: when(o.created_at) }),
          el('td', { text: o.due_at ? o.due_action + ' at ' + when(o.due_at) : '-' })));
      }
      cursor = page.next_cursor || null;
      $('orders-more').hidden = !cursor;
    }
    onSubmit('orders-form', () => list(false));
    $('orders-more').addEventListener('click', action($('orders-more'), () => list(true)));
    onSubmit('force-form', async () => {
      const id = $('force-order').value.trim();
      const r = await api('POST', '/v1/admin/orders/' + encodeURIComponent(id) + '/force',
        { to: $('force-to').value, reason: $('force-reason').value, idempotency_key: key() });
      say('Order ' + r.order.id + ' is now ' + r.order.state + (r.order.settled ? ' (' + r.order.settled + ')' : ''), 'ok');
      await list(false);
    });
    try {
      const m = await api('GET', '/v1/orders/machine');
      const select = clear($('force-to'));
      for (const name of Object.keys(m.states).sort()) select.append(el('option', { value: name, text: name + (m.states[name].final ? ' (final, ' + m.states[name].settle + ')' : '') }));
      $('orders-machine').textContent = 'New orders run on ' + m.id + ' (generation ' + m.generation.slice(0, 12) + ', fee ' + m.fee_bp / 100 + '%).';
    } catch (e) {
      $('orders-machine').textContent = e.message;
    }
    await list(false);
  }

  // ---- Settlement -----------------------------------------------------------------------
  async function settlementPage(me) {
    const now = new Date();
    $('month').value = now.getFullYear() + '-' + String(now.getMonth() + 1).padStart(2, '0');
    const base = () => '/v1/admin/settlement/' + encodeURIComponent($('month').value);
    async function download(suffix, name, type) {
      const response = await fetch(base() + suffix, { headers: { Authorization: 'Bearer ' + token() } });
      if (!response.ok) {
        let body = {};
        try { body = await response.json(); } catch (e) { body = { message: response.statusText }; }
        throw Object.assign(new Error(body.message || response.statusText), { code: body.error });
      }
      const url = URL.createObjectURL(new Blob([await response.text()], { type }));
      const a = el('a', { href: url, download: $('month').value + '-' + name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      say('Downloaded ' + name + '.', 'ok');
    }
    async function show() {
      const m = await api('GET', base());
      $('month-summary').textContent = m.month + ': ' + m.state +
        (m.statements.length ? ', ' + m.statements.length + ' statements' : m.state === 'open' ? ', not run yet' : ', no statements') +
        (m.policy_generation ? ', policy generation ' + m.policy_generation.slice(0, 12) : '');
      const tb = rows($('statements'));
      if (!m.statements.length) tb.append(el('tr', {}, el('td', { colspan: 6, text: 'No statements.' })));
      for (const st of m.statements) {
        const parts = Object.entries(st.parts || {}).map(([k, v]) => k + ' ' + v).join(', ');
        tb.append(el('tr', {}, el('td', { text: st.owner_kind + ' ' + st.owner_id }), el('td', { text: st.guild_id || '-' }), el('td', { text: st.revenue }),
          el('td', { text: parts }), el('td', { text: st.total }), el('td', { text: st.payout })));
      }
    }
    async function guilds() {
      const list = await api('GET', '/v1/admin/guilds');
      const tb = rows($('guilds'));
      const all = list.guilds || [];
      if (!all.length) tb.append(el('tr', {}, el('td', { colspan: 4, text: 'No guilds.' })));
      for (const g of all) tb.append(el('tr', {}, el('td', { text: g.id }), el('td', { text: g.name }), el('td', { text: g.share_bp / 100 + '%' }), el('td', { text: when(g.created_at) })));
    }
    onSubmit('month-form', show);
    $('download-statements').addEventListener('click', action($('download-statements'), () => download('/statements.csv', 'statements.csv', 'text/csv')));
    $('download-guilds').addEventListener('click', action($('download-guilds'), () => download('/guilds.csv', 'guilds.csv', 'text/csv')));
    $('download-report').addEventListener('click', action($('download-report'), () => download('/report.html', 'report.html', 'text/html')));
    // Running a month is for admins: a settle-run job, polled with its progress.
    const run = $('month-run');
    run.hidden = !(me && me.role === 'admin');
    function showRun(job) {
      const s = $('run-status');
      const problems = clear($('run-problems'));
      s.className = '';
      if (job.state === 'running') {
        s.textContent = 'Running ' + $('month').value + (job.progress ? ': ' + job.progress.done + '/' + job.progress.total + ' statements' : '...');
      } else if (job.state === 'succeeded') {
        const r = job.result;
        s.textContent = 'Ran ' + r.month + ' (finished ' + when(job.finished_at) + '): ' + r.state + ', ' + r.streamers + ' streamers, ' + r.guilds +
          ' guilds, total ' + r.total + ', payouts ' + r.payouts + '.';
        s.className = 'ok';
      } else {
        s.textContent = jobFailure(job, problems);
        s.className = 'fail';
      }
    }
    run.addEventListener('click', action(run, async () => {
      const job = await runJob('settle-run', { month: $('month').value }, showRun);
      if (job.state === 'succeeded') say('Month ' + job.result.month + ' is now ' + job.result.state + '.', 'ok');
      else say(jobFailure(job), 'error');
      await show();
    }));
    $('month-confirm').addEventListener('click', action($('month-confirm'), async () => {
      const m = await api('POST', base() + '/confirm');
      say('Month ' + m.month + ' is now ' + m.state + '.', 'ok');
      await show();
    }));
    await show();
    await guilds();
  }

  // ---- Room -----------------------------------------------------------------------------
  async function roomPage() {
    const room = document.body.dataset.room;
    takeTokenFromAddress();
    let me = null;
    let socket = null;
    const boards = new Map();
    const feedMax = 200;
    function push(list, item) {
      list.append(item);
      while (list.children.length > feedMax) list.removeChild(list.firstChild);
      list.scrollTop = list.scrollHeight;
    }
    function event(text, kind) { push($('events'), el('li', { 'data-kind': kind }, el('span', { class: 'who', text: kind }), text)); }
    function renderBoards() {
      const box = clear($('leaderboards'));
      for (const b of boards.values()) {
        const t = el('table', { 'data-board': b.activity + '/' + b.board }, el('caption', { text: b.activity + ' / ' + b.board + ' (' + b.period + ')' }),
          el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Rank' }), el('th', { scope: 'col', text: 'Member' }), el('th', { scope: 'col', text: 'Score' }))), el('tbody'));
        for (const r of b.rows) t.tBodies[0].append(el('tr', {}, el('td', { text: r.rank }), el('td', { text: r.member }), el('td', { text: r.score })));
        if (!b.rows.length) t.tBodies[0].append(el('tr', {}, el('td', { colspan: 3, text: 'Nobody yet.' })));
        box.append(el('div', { class: 'scroll' }, t));
      }
      if (!boards.size) box.append(el('p', { class: 'muted', text: 'No live board yet; updates arrive live.' }));
    }
    async function balance() {
      if (!me) return;
      const w = await api('GET', '/v1/wallet');
      $('balance').textContent = String(w.balances.coins || 0);
    }
    async function loadGifts() {
      const list = await api('GET', '/v1/rooms/' + encodeURIComponent(room) + '/gifts');
      const select = clear($('gift-select'));
      for (const g of list.gifts) select.append(el('option', { value: g.id, text: g.name + ' (' + g.price_coins + ' coins)' }));
      for (const id of ['gift-select', 'gift-count', 'gift-send']) $(id).disabled = !list.gifts.length;
    }
    async function loadBoards() {
      const list = await api('GET', '/v1/activities');
      for (const a of list.activities) {
        const d = await api('GET', '/v1/activities/' + encodeURIComponent(a.id));
        if (!d.live) continue;
        for (const name of Object.keys(d.leaderboards)) {
          const pg = await api('GET', '/v1/activities/' + encodeURIComponent(a.id) + '/leaderboards/' + encodeURIComponent(name) + '?limit=10');
          boards.set(a.id + '/' + name, { activity: a.id, board: name, period: pg.period, rows: pg.rows });
        }
      }
      renderBoards();
    }
    // Gifts go as frames on the room's socket (answered gift_receipt or gift_error under their
    // key); with the socket closed, over HTTP, which takes the same key the same way.
    const giftsWaiting = new Set();
    function connect() {
      const scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
      const t = token();
      const url = scheme + window.location.host + '/v1/rooms/' + encodeURIComponent(room) + '/ws' + (t ? '?token=' + encodeURIComponent(t) : '');
      socket = new WebSocket(url);
      socket.addEventListener('message', (m) => {
        let f;
        try { f = JSON.parse(m.data); } catch (_) { return; }
        const d = f.data || {};
        switch (f.type) {
          case 'hello':
            $('online').textContent = '(' + f.online + ' here)';
            $('danmaku-text').disabled = !f.can_send;
            $('danmaku-send').disabled = !f.can_send;
            say(f.can_send ? 'Connected to ' + f.room + '.' : 'Watching ' + f.room + ' anonymously: sign in to chat.', 'ok');
            break;
          case 'danmaku':
            {
              const item = el('li', { 'data-id': d.id }, el('span', { class: 'who', text: d.user_id }), d.text,
                d.reviewed ? el('span', { class: 'mark', text: 'reviewed' }) : null);
              if (/^#[0-9a-fA-F]{6}$/.test(d.color) && d.color.toLowerCase() !== '#ffffff') item.style.color = d.color;
              push($('danmaku'), item);
            }
            break;
          case 'enter': event(d.user_id + ' entered' + (d.privileges && d.privileges.badge ? ' [' + d.privileges.badge + ']' : ''), 'enter'); break;
          case 'notice': event(d.text || JSON.stringify(d), 'notice'); break;
          case 'broadcast': event(d.text || JSON.stringify(d), 'broadcast'); break;
          case 'gift':
            event((d.sender_id || '?') + ' sent ' + (d.count || 1) + ' x ' + (d.gift_name || d.gift_id || 'a gift'), 'gift');
            if (me && d.sender_id === me.user_id) balance().catch(failed);
            break;
          case 'leaderboard':
            boards.set(d.activity + '/' + d.board, { activity: d.activity, board: d.board, period: d.period, rows: d.rows || [] });
            renderBoards();
            break;
          case 'error': {
            const code = f.code || d.code;
            const message = f.message || d.message;
            if (code === 'held_for_review') say('Your message is held for review (held_for_review): a moderator decides.', 'ok');
            else say('The room refused: ' + code + (message ? ' (' + message + ')' : ''), 'error');
            break;
          }
          case 'gift_receipt':
            if (giftsWaiting.delete(f.idempotency_key)) {
              say('Sent.', 'ok');
              $('balance').textContent = String(f.receipt.balance_coins);
            }
            break;
          case 'gift_error':
            if (giftsWaiting.delete(f.idempotency_key)) say('The gift was refused: ' + f.code + ' (' + f.message + ')', 'error');
            break;
          case 'resume_failed': say('Some events were missed (' + d.reason + ').', 'error'); break;
          default: break;
        }
      });
      socket.addEventListener('close', (c) => {
        $('danmaku-text').disabled = true;
        $('danmaku-send').disabled = true;
        say('Disconnected (' + c.code + '). Reload the page to reconnect.', 'error');
      });
    }
    onSubmit('room-sign-in', async () => {
      sessionStorage.setItem(tokenKey, $('room-token').value.trim());
      window.location.reload();
    });
    $('danmaku-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const text = $('danmaku-text').value;
      if (!text.trim() || !socket || socket.readyState !== WebSocket.OPEN) return;
      socket.send(JSON.stringify({ type: 'danmaku', text }));
      $('danmaku-text').value = '';
    });
    onSubmit('gift-form', async () => {
      const gift = { gift_id: $('gift-select').value, count: Number($('gift-count').value), idempotency_key: key() };
      if (socket && socket.readyState === WebSocket.OPEN) {
        giftsWaiting.add(gift.idempotency_key);
        socket.send(JSON.stringify(Object.assign({ type: 'gift' }, gift)));
        return;
      }
      await api('POST', '/v1/rooms/' + encodeURIComponent(room) + '/gifts', gift);
      say('Sent.', 'ok');
      await balance();
    });
    setInterval(() => { if (socket && socket.readyState === WebSocket.OPEN) socket.send('{"type":"ping"}'); }, 25000);
    if (token()) {
      try { me = await api('GET', '/v1/whoami'); } catch (e) {
        sessionStorage.removeItem(tokenKey);
        say('That token was refused (' + (e.code || e.status) + '); watching anonymously.', 'error');
      }
    }
    if (me) {
      showSession(me);
      $('viewer').textContent = 'Signed in as ' + me.user_id + ' (' + me.role + ').';
      $('room-sign-in').hidden = true;
    }
    renderBoards();
    connect();
    if (me) {
      await Promise.all([balance(), loadGifts(), loadBoards()]).catch(failed);
    } else {
      $('balance').textContent = 'sign in to see it';
    }
  }

  const pages = { scripts: scriptsPage, liveops: liveopsPage, money: moneyPage, moderation: moderationPage, queues: queuesPage, goods: goodsPage, orders: ordersPage, settlement: settlementPage };
  if (isRoom) roomPage().catch(failed); else startConsole().catch(failed);
})();
"""#
}
