// Keelson's dashboard: one page on the public HTTP API, no build step.
//
// The token is kept in sessionStorage (this tab, until it closes or the operator signs out) and sent
// only in the Authorization header, never in a URL. Buttons are offered by the token's role as
// GET /api/v1/token reports it; the API decides every call on its own.
//
// Every text that comes from the API is set with textContent (h() below), never as HTML.

const TOKEN_KEY = 'keelson.token';
const ROLES = ['read', 'deploy', 'operate', 'admin'];
const FINAL = new Set(['SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'INTERRUPTED']);

const main = document.getElementById('main');
const who = document.getElementById('who');
const banner = document.getElementById('message');

let me = null; // {name, role} of the signed-in token
let view = null; // what the current page runs: an AbortController and its timers

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// ---- small helpers -------------------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

const can = (role) => me !== null && ROLES.indexOf(me.role) >= ROLES.indexOf(role);
const badge = (status) => h('span', { class: `badge s-${status}` }, status);
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const shortDigest = (digest) =>
  digest ? h('span', { class: 'digest', title: digest }, digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1')) : '—';
const targetLink = (name) => h('a', { href: `#/targets/${encodeURIComponent(name)}` }, name);
const deploymentLink = (id) => h('a', { href: `#/deployments/${encodeURIComponent(id)}` }, id);

function say(text, kind = 'error') {
  banner.textContent = text;
  banner.className = kind === 'info' ? 'message info' : 'message';
  banner.hidden = !text;
}

function table(id, headings, rows) {
  return h('table', { id },
    h('thead', {}, h('tr', {}, headings.map((title) => h('th', {}, title)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headings.length, class: 'muted' }, 'none'))));
}

function pipelineOf(p) {
  if (!p) return '—';
  const label = [p.project, p.id && `#${p.id}`, p.job && `job ${p.job}`, p.ref, p.commit && p.commit.slice(0, 10)].filter(Boolean).join(' ');
  return /^https?:\/\//.test(p.url || '')
    ? h('a', { href: p.url, target: '_blank', rel: 'noopener noreferrer' }, label || p.url)
    : label || '—';
}

function digestsOf(changes) {
  return changes.map((c) =>
    h('div', {}, `${c.unit}@${c.host}: `, shortDigest(c.fromDigest), ' → ', shortDigest(c.toDigest), ' ', badge(c.status)));
}

/** Whether every unit a deployment changed still runs what it put there: nothing to roll back to. */
function inPlace(deployment, running) {
  const now = new Map((running || []).map((u) => [`${u.unit}@${u.host}`, u.digest]));
  return deployment.changes.every((c) => !c.toDigest || now.get(`${c.unit}@${c.host}`) === c.toDigest);
}

// ---- the API -------------------------------------------------------------------------------

async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, (data && data.message) || `${res.status} ${res.statusText}`);
  return data;
}

function fail(err) {
  if (err.name === 'AbortError') return;
  if (err.status === 401) {
    signOut('The token was refused. Sign in again.');
  } else {
    say(err.message);
  }
}

// ---- the page's life: one view at a time ---------------------------------------------------

function startView(...content) {
  if (view) {
    view.abort.abort();
    view.timers.forEach(clearInterval);
  }
  view = { abort: new AbortController(), timers: [] };
  main.replaceChildren(...content);
  return view;
}

/** Runs fn now and then every ms milliseconds until the page changes. */
function every(current, ms, fn) {
  const run = () => fn().catch(fail);
  run();
  current.timers.push(setInterval(run, ms));
}

/** Replaces el's content only when the data changed, so a button under the mouse is not swapped away. */
function renderIfChanged(el, data, build) {
  const key = JSON.stringify(data);
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  el.replaceChildren(...[build(data)].flat());
}

function route() {
  say('');
  if (!sessionStorage.getItem(TOKEN_KEY)) return showSignIn();
  if (me === null) {
    return api('/api/v1/token')
      .then((token) => {
        me = token;
        route();
      })
      .catch(fail);
  }
  who.replaceChildren(
    h('span', { id: 'signed-in' }, `${me.name} (${me.role})`),
    h('button', { id: 'sign-out', type: 'button', onclick: () => signOut('') }, 'Sign out'));
  const hash = location.hash;
  let m;
  if ((m = hash.match(/^#\/targets\/([a-z0-9-]+)$/))) return showTarget(m[1]);
  if ((m = hash.match(/^#\/deployments\/([0-9A-Za-z]+)$/))) return showDeployment(m[1]);
  return showTargets();
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  me = null;
  who.replaceChildren();
  showSignIn(message);
}

// ---- sign in -------------------------------------------------------------------------------

function showSignIn(message = '') {
  // The input has no name, so even a form sent without this script could not put the token in a URL.
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true, placeholder: 'kls_…' });
  const error = h('p', { id: 'sign-in-error', class: 'error' }, message);
  const form = h('form', { id: 'sign-in-form', class: 'login', onsubmit: (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    me = null;
    route();
  } },
  h('label', { for: 'token' }, 'API token'),
  input,
  h('button', { id: 'sign-in', type: 'submit', class: 'primary' }, 'Sign in'));
  startView(h('section', { class: 'card' },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'Paste a Keelson API token. It stays in this tab until you sign out or close it, and is sent only as a header.'),
    form, error));
  input.focus();
}

// ---- every target --------------------------------------------------------------------------

function showTargets() {
  const list = h('div', { id: 'targets-list' });
  const current = startView(h('h1', {}, 'Targets'), list);
  every(current, 5000, async () => {
    const signal = current.abort.signal;
    const targets = await api('/api/v1/targets', { signal });
    const environments = await environmentsOf(targets, signal);
    renderIfChanged(list, { targets, environments, minute: Math.floor(Date.now() / 60000) }, () => table('targets', ['target', 'strategy', 'state', 'last deployment', 'by', 'when'],
      underTemplates(targets).map((t) => {
        const last = t.lastDeployment;
        const env = t.source === 'ENVIRONMENT' ? environments[t.name] || null : null;
        return h('tr', { 'data-target': t.name, class: [t.source === 'ENVIRONMENT' ? 'environment' : '', last && !FINAL.has(last.status) ? 'live' : ''].join(' ').trim() || null },
          h('td', {}, t.source === 'ENVIRONMENT' ? '↳ ' : null, targetLink(t.name),
            env && env.url ? h('div', {}, webLink(env.url)) : null,
            t.description && t.source !== 'ENVIRONMENT' ? h('div', { class: 'muted' }, t.description) : null),
          h('td', {}, t.source === 'ENVIRONMENT' ? 'review environment' : t.strategy),
          h('td', {}, t.paused ? badge('paused') : env ? h('span', { 'data-expires': env.expiresAt, title: when(env.expiresAt) }, timeLeft(env.expiresAt)) : 'active'),
          h('td', {}, last ? [badge(last.status), ' ', deploymentLink(last.id), ` ${last.trigger}`] : '—'),
          h('td', {}, last ? last.requestedBy : '—'),
          h('td', {}, last ? when(last.createdAt) : '—'));
      })));
  });
}

// Review environments (targets named template--slug): their URL and time come from their template.
async function environmentsOf(targets, signal) {
  const templates = new Set(targets.filter((t) => t.source === 'ENVIRONMENT').map((t) => t.name.slice(0, t.name.lastIndexOf('--'))));
  const byTarget = {};
  await Promise.all([...templates].map(async (name) => {
    try {
      for (const e of await api(`/api/v1/targets/${encodeURIComponent(name)}/environments`, { signal })) byTarget[e.target] = e;
    } catch (err) {
      if (err.name === 'AbortError') throw err; // a template this token may not read: its environments show without URL
    }
  }));
  return byTarget;
}

// Every target in name order, each review environment right under its template.
function underTemplates(targets) {
  const isEnv = (t) => t.source === 'ENVIRONMENT';
  const ordered = [];
  for (const t of targets.filter((x) => !isEnv(x))) {
    ordered.push(t, ...targets.filter((e) => isEnv(e) && e.name.startsWith(`${t.name}--`)));
  }
  return ordered.concat(targets.filter((e) => isEnv(e) && !ordered.includes(e)));
}

function timeLeft(iso) {
  if (!iso) return 'active';
  let s = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  if (s <= 0) return 'expires now';
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hours = Math.floor(s / 3600); s -= hours * 3600;
  const m = Math.floor(s / 60);
  const parts = d > 0 ? [`${d}d`, `${hours}h`] : hours > 0 ? [`${hours}h`, `${m}m`] : m > 0 ? [`${m}m`] : [`${s}s`];
  return `expires in ${parts.join(' ')}`;
}

// A link to an environment's address: only http(s), opened apart from the dashboard.
const webLink = (url) => (/^https?:\/\//i.test(url)
  ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'env-url' }, url)
  : h('span', { class: 'muted' }, url));

// ---- one target ----------------------------------------------------------------------------

function showTarget(name) {
  const head = h('div', { id: 'target-head' });
  const state = h('div', { id: 'target-state' });
  const history = h('div', { id: 'history-list' });
  const current = startView(
    h('p', {}, h('a', { href: '#/targets' }, '← all targets')),
    head, state, h('h2', {}, 'History'), history);
  const path = `/api/v1/targets/${encodeURIComponent(name)}`;

  const act = (label, call) => async () => {
    try {
      const answer = await call();
      say(label, 'info');
      if (answer && answer.id && answer.target) location.hash = `#/deployments/${encodeURIComponent(answer.id)}`;
      else refresh().catch(fail);
    } catch (err) {
      fail(err);
    }
  };
  const pause = act('Paused.', () => api(`${path}/pause`, { method: 'POST' }));
  const resume = act('Resumed.', () => api(`${path}/resume`, { method: 'POST' }));
  const deployAgain = () => {
    if (!confirm(`Deploy ${name} again with its configured images?`)) return;
    act('Deployment queued.', () => api(`${path}/deployments`, { method: 'POST', body: { reason: `deployed again from the dashboard by ${me.name}` } }))();
  };
  const rollBackTo = (id) => () => {
    if (!confirm(`Roll ${name} back to the digests of deployment ${id}?`)) return;
    act('Rollback queued.', () => api(`${path}/rollback`, { method: 'POST', body: { toDeployment: id, reason: `rolled back from the dashboard by ${me.name}` } }))();
  };

  const refresh = async () => {
    const [target, deployments] = await Promise.all([
      api(path, { signal: current.abort.signal }),
      api(`${path}/deployments?limit=20`, { signal: current.abort.signal })]);
    renderIfChanged(head, { n: target.name, d: target.description, s: target.strategy, p: target.paused }, () => [
      h('h1', { id: 'target-name' }, target.name, ' ', target.paused ? badge('paused') : null),
      h('p', { class: 'muted' }, `${target.strategy}${target.description ? ' — ' + target.description : ''}`),
      h('div', { class: 'actions' },
        can('deploy') && !target.paused ? h('button', { type: 'button', class: 'primary', 'data-action': 'deploy', onclick: deployAgain }, 'Deploy again') : null,
        can('operate') && !target.paused ? h('button', { type: 'button', 'data-action': 'pause', onclick: pause }, 'Pause') : null,
        can('operate') && target.paused ? h('button', { type: 'button', 'data-action': 'resume', onclick: resume }, 'Resume') : null)]);
    renderIfChanged(state, { r: target.running, h: (target.health || []).map((x) => [x.endpoint, x.reachable]), e: target.edge, p: target.policy, ph: target.policyHold, lh: target.lastHeld }, () => [
      h('h2', {}, 'Running'),
      table('running', ['unit', 'host', 'image', 'digest', 'recorded', 'by deployment'],
        (target.running || []).map((u) => h('tr', { 'data-unit': u.unit, 'data-host': u.host },
          h('td', {}, u.unit), h('td', {}, u.host), h('td', {}, h('code', {}, u.image || '—')),
          h('td', {}, shortDigest(u.digest)), h('td', {}, badge(u.status)), h('td', {}, deploymentLink(u.deployment))))),
      h('h2', {}, 'Hosts'),
      table('health', ['host or engine', 'reachable', 'detail', 'checked'],
        (target.health || []).map((x) => h('tr', {},
          h('td', {}, x.endpoint),
          h('td', {}, x.reachable === null ? 'not yet probed' : badge(x.reachable ? 'up' : 'down')),
          h('td', { class: 'muted' }, x.detail || ''), h('td', {}, when(x.checkedAt))))),
      target.policy ? h('h2', {}, 'Policy') : null,
      target.policy ? h('div', { id: 'policy' },
        target.policyHold ? h('p', { 'data-held': 'true' }, badge('held'), ' ', target.policyHold.message) : h('p', { class: 'muted' }, 'deployments may run now'),
        target.policy.signatures && target.policy.signatures.mode !== 'off' ? h('p', {}, `Signatures: ${target.policy.signatures.mode} (${(target.policy.signatures.publicKeyFiles || []).length} key(s))`) : null,
        target.policy.minAge ? h('p', {}, `Minimum age: ${target.policy.minAge}`) : null,
        (target.policy.windows || []).length ? h('p', {}, 'Windows: ', target.policy.windows.join('; ')) : null,
        ...(target.policy.freezes || []).map((f) => h('p', {}, `Freeze ${f.from} → ${f.to}: ${f.reason}`)),
        target.lastHeld ? h('p', { 'data-last-held': 'true', class: 'muted' }, `Last held ${when(target.lastHeld.at)}: ${target.lastHeld.message}`) : null) : null,
      target.edge ? h('h2', {}, 'Through the edge') : null,
      target.edge ? table('edge', ['unit', 'host', 'port', 'connections', 'failed', 'open now', 'read'],
        target.edge.map((x) => h('tr', { 'data-unit': x.unit, 'data-port': String(x.port) },
          h('td', {}, x.unit), h('td', {}, x.host), h('td', {}, String(x.port)),
          h('td', {}, String(x.connections)), h('td', {}, x.failed > 0 ? badge(`${x.failed} failed`) : '0'),
          h('td', {}, String(x.open)), h('td', {}, when(x.checkedAt))))) : null]);
    renderIfChanged(history, { d: deployments, r: can('operate'), u: target.running }, () => table('history',
      ['deployment', 'status', 'trigger', 'by', 'reason', 'pipeline', 'digests', 'created', 'finished', ''],
      deployments.map((d) => h('tr', { 'data-deployment': d.id, class: FINAL.has(d.status) ? null : 'live' },
        h('td', {}, deploymentLink(d.id)), h('td', {}, badge(d.status)), h('td', {}, d.trigger),
        h('td', {}, d.requestedBy || '—'), h('td', {}, d.reason || '', d.override ? h('div', { class: 'override' }, badge('override'), ` ${d.override.reason} (${d.override.by})`) : null), h('td', {}, pipelineOf(d.pipeline)),
        h('td', {}, digestsOf(d.changes)), h('td', {}, when(d.createdAt)), h('td', {}, when(d.finishedAt)),
        h('td', {}, can('operate') && d.status === 'SUCCEEDED' && d.changes.some((c) => c.toDigest) && !inPlace(d, target.running)
          ? h('button', { type: 'button', class: 'danger', 'data-action': 'rollback', 'data-deployment': d.id, onclick: rollBackTo(d.id) }, 'Roll back to this')
          : null)))));
  };
  every(current, 3000, refresh);
}

// ---- one deployment, its log live ----------------------------------------------------------

function showDeployment(id) {
  const facts = h('div', { id: 'deployment-facts' });
  const changes = h('div', { id: 'changes-list' });
  const log = h('pre', { id: 'log', class: 'log' });
  const current = startView(facts, h('h2', {}, 'Changes'), changes, h('h2', {}, 'Log'), log);
  const path = `/api/v1/deployments/${encodeURIComponent(id)}`;
  let following = false;

  const refresh = async () => {
    // The facts only: the log comes once from /log when the deployment has ended, or live from the stream.
    const d = await api(`${path}?log=false`, { signal: current.abort.signal });
    renderIfChanged(facts, d, () => [
      h('p', {}, targetLink(d.target)),
      h('h1', {}, `Deployment ${d.id} `, h('span', { id: 'deployment-status' }, badge(d.status))),
      h('dl', { class: 'facts' },
        h('dt', {}, 'trigger'), h('dd', {}, d.trigger),
        h('dt', {}, 'requested by'), h('dd', {}, d.requestedBy || '—'),
        h('dt', {}, 'reason'), h('dd', {}, d.reason || '—'),
        h('dt', {}, 'pipeline'), h('dd', {}, pipelineOf(d.pipeline)),
        h('dt', {}, 'created'), h('dd', {}, when(d.createdAt)),
        h('dt', {}, 'started'), h('dd', {}, when(d.startedAt)),
        h('dt', {}, 'finished'), h('dd', {}, when(d.finishedAt)),
        d.error ? [h('dt', {}, 'error'), h('dd', { class: 'error' }, d.error)] : null)]);
    renderIfChanged(changes, d.changes, () => table('changes', ['unit', 'host', 'image', 'from', 'to', 'status'],
      d.changes.map((c) => h('tr', {},
        h('td', {}, c.unit), h('td', {}, c.host), h('td', {}, h('code', {}, c.image || '—')),
        h('td', {}, shortDigest(c.fromDigest)), h('td', {}, shortDigest(c.toDigest)), h('td', {}, badge(c.status))))));
    if (FINAL.has(d.status) && !following) {
      current.timers.forEach(clearInterval);
      log.textContent = await logText(path, current.abort.signal);
    } else if (!following) {
      following = true;
      follow(path, log, current.abort.signal)
        .then(() => {
          following = false;
          return refresh();
        })
        .catch(fail);
    }
  };
  every(current, 3000, refresh);
}

/** The ended deployment's log as text: its first page, with a note when it goes on past it. */
async function logText(path, signal) {
  const res = await fetch(`${path}/log`, {
    headers: { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}`, Accept: 'text/plain' },
    signal,
  });
  if (!res.ok) throw new ApiError(res.status, `the log answered ${res.status}`);
  const text = (await res.text()).replace(/\n$/, '');
  const next = res.headers.get('Keelson-Log-Next');
  return next ? `${text}\n[the log goes on: ${path}/log?from=${next}]` : text;
}

/** Reads the server-sent log stream with fetch (EventSource cannot send the token as a header). */
async function follow(path, log, signal) {
  const res = await fetch(`${path}/log`, {
    headers: { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}`, Accept: 'text/event-stream' },
    signal,
  });
  if (!res.ok) throw new ApiError(res.status, `the live log answered ${res.status}`);
  log.textContent = '';
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, ''));
      if (data.length) {
        const stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
        log.append(`${log.textContent ? '\n' : ''}${data.join('\n')}`);
        if (stick) log.scrollTop = log.scrollHeight;
      }
    }
  }
}

window.addEventListener('hashchange', route);
route();
