// The Sluice web UI: plain JavaScript over the REST API (/api), routed by the URL's hash.
// core.js holds what every page uses (elements, the API, formatting, the router); each page
// script (activations.js, runs.js, ...) registers its pages in PAGES. index.html loads them in order.
'use strict';

const view = document.getElementById('view');
const banner = document.getElementById('banner');
let refreshTimer = null;

// ---- helpers -------------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

class ApiProblem extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || 'request failed');
    this.problem = problem;
  }
}

async function api(method, path, body) {
  const init = { method, headers: { 'Accept': 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  } else if (method !== 'GET' && method !== 'DELETE') {
    init.headers['Content-Type'] = 'application/json';
    init.body = '{}';
  }
  const res = await fetch(path, init);
  if (res.status === 204) return null;
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiProblem(data || { title: res.statusText, status: res.status });
  return data;
}

function showBanner(message, ok) {
  banner.textContent = message;
  banner.className = 'banner' + (ok ? ' ok' : '');
  banner.hidden = !message;
}

function problemText(e) {
  if (!(e instanceof ApiProblem)) return String(e.message || e);
  const p = e.problem;
  const lines = [p.detail || p.title];
  if (p.errors && p.errors.length > 1) for (const f of p.errors) lines.push('  ' + (f.field ? f.field + ': ' : '') + f.message);
  return lines.join('\n');
}

function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
}

function fmtDuration(run) {
  if (!run.startedAt || !run.endedAt) return '';
  const ms = new Date(run.endedAt) - new Date(run.startedAt);
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
}

function fmtNumber(n) { return (n || 0).toLocaleString('en-US'); }
function fmtBytes(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
  return (n / 1024 / 1024).toFixed(1) + ' MiB';
}

function badge(status) { return h('span', { class: 'badge ' + status, text: status }); }

function counts(c) {
  return h('span', { class: 'counts small' },
    h('span', {}, 'read ', h('b', { 'data-count': 'read' }, fmtNumber(c.read))),
    h('span', {}, 'added ', h('b', { 'data-count': 'added' }, fmtNumber(c.added))),
    h('span', {}, 'updated ', h('b', { 'data-count': 'updated' }, fmtNumber(c.updated))),
    h('span', {}, 'removed ', h('b', { 'data-count': 'removed' }, fmtNumber(c.removed))));
}

function setView(...children) {
  // Like h(): nested lists are flattened and null or false leave nothing.
  view.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
}

function setTitle(text) { document.title = text + ' — Sluice'; }

// Each navigation gets a number; a view whose data arrives after the user went elsewhere draws nothing.
let navCounter = 0;
function stale(nav) { return nav !== navCounter; }

function loading() { setView(h('p', { class: 'muted' }, 'Loading…')); }

// ---- routes --------------------------------------------------------------------------------

// Each page script registers its pages here: PAGES[first part of the hash] = async (parts, nav) => ...
// The empty key is the home page (#/).
const PAGES = {};

async function route() {
  clearTimeout(refreshTimer);
  showBanner('');
  const nav = ++navCounter;
  const hash = location.hash.replace(/^#/, '') || '/';
  const parts = hash.split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
  markNavigation(parts[0] || '');
  try {
    const page = PAGES[parts[0] || ''];
    if (page) await page(parts, nav);
    else { setTitle('Not found'); setView(h('p', {}, 'Nothing here. ', h('a', { href: '#/' }, 'Back to the activations'))); }
  } catch (e) {
    if (stale(nav)) return;
    setTitle('Error');
    setView(h('h1', {}, 'Something went wrong'), h('pre', { class: 'err' }, problemText(e)));
  }
}

// The navigation link of the current page is marked for screen readers and styled as current.
function markNavigation(first) {
  for (const a of document.querySelectorAll('header.top nav a[data-page]')) {
    const pages = a.getAttribute('data-page').split(' ');
    if (pages.includes(first)) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

// The query part of the hash (#/runs?status=failed) as URLSearchParams.
function hashParams() { return new URLSearchParams(location.hash.split('?')[1] || ''); }

window.addEventListener('hashchange', route);
// Page scripts load after this one (index.html), so the first route waits for all of them.
window.addEventListener('DOMContentLoaded', route);

async function runNow(name, after, acceptHeld) {
  try {
    const run = await api('POST', '/api/activations/' + encodeURIComponent(name) + '/runs' + (acceptHeld ? '?accept_held=true' : ''));
    showBanner('Run ' + run.id + ' of ' + name + ' started.', true);
    if (after) after(run);
  } catch (e) {
    showBanner(problemText(e));
  }
}

