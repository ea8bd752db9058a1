// Runs: the history (all runs or one activation's, filtered), one run's page, and live runs: while a run
// goes, its phase and counts so far are polled (about every second) and drawn in place, on the run page,
// in the run lists and in the activations list's "Last run" cell; when it ends, its final record
// replaces them, without reloading the page (the user's scroll and focus stay where they were).
'use strict';

const PAGE = 25;
const POLL_MS = 1000;

// ---- live runs: progress ------------------------------------------------------------------------

// The phases of a run (the record's `phases`, the progress's `phase`), in the words the pages use.
const PHASES = {
  recover: 'recovering earlier runs',
  engine: 'starting',
  read: 'reading the model',
  detect: 'comparing with the last run',
  write: 'writing files',
  stage: 'uploading',
  commit: 'committing',
  publish: 'publishing',
};
const PHASE_ORDER = Object.keys(PHASES);

function phaseText(phase) { return PHASES[phase] || phase || ''; }

function going(r) { return r.status === 'running' || r.status === 'queued'; }

// A running run's progress so far: phase, rows read and written, files and bytes uploaded.
// `p` is the API's `progress` (absent for a queued run, or one going in another process).
function progressView(r, compact) {
  const p = r.progress;
  if (!p) {
    return h('div', { class: 'progress muted small', 'data-live': r.status },
      r.status === 'queued' ? 'queued: waiting for a free run slot' : r.status === 'starting' ? 'starting…'
        : 'running: counts when it ends (a run of another process, such as sluice run)');
  }
  // Each figure carries its number as the API gave it (data-value), and shows it formatted.
  const figure = (key, text) => h('b', { 'data-progress': key, 'data-value': p[key] == null ? '' : String(p[key]) }, text);
  const part = (label, key, text) => h('span', {}, label + ' ', figure(key, text));
  const upload = p.bytesToUpload != null
    ? [part('uploaded', 'bytesUploaded', fmtBytes(p.bytesUploaded)), ' of ', figure('bytesToUpload', fmtBytes(p.bytesToUpload)),
      compact ? null : h('span', { class: 'muted' }, ' (' + p.filesUploaded + ' of ' + p.filesToUpload + ' files)')]
    : part('uploaded', 'bytesUploaded', fmtBytes(p.bytesUploaded));
  return h('div', { class: 'progress small', 'data-live': 'running', 'data-phase': p.phase },
    h('div', { class: 'phase' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }),
      figure('phase', phaseText(p.phase)), h('span', { class: 'muted' }, ' (' + p.phase + ')')),
    h('div', { class: 'counts' },
      part('read', 'rowsRead', p.rowsRead == null ? '—' : fmtNumber(p.rowsRead)),
      part('written', 'rowsWritten', fmtNumber(p.rowsWritten)),
      compact ? null : part('files', 'filesWritten', fmtNumber(p.filesWritten)),
      h('span', {}, upload)),
    p.bytesToUpload ? h('progress', { value: p.bytesUploaded, max: p.bytesToUpload, 'aria-label': 'bytes uploaded' }) : null);
}

// Puts the sections `fresh` (each with an id) into `parent` in their order, replacing only those that
// differ from the ones shown, so what did not change keeps its focus; a section gone is removed.
function patchSections(parent, fresh) {
  const keep = new Set(fresh.map(el => el.id));
  for (const el of [...parent.children]) if (!keep.has(el.id)) el.remove();
  let before = null;
  for (const el of fresh) {
    const old = document.getElementById(el.id);
    let now = old;
    if (!old) { now = el; if (before) before.after(el); else parent.prepend(el); }
    else if (old.outerHTML !== el.outerHTML) { old.replaceWith(el); now = el; }
    before = now;
  }
}

// Replaces the cells of `row` that differ from those of `fresh` (same columns), and its attributes.
function patchRow(row, fresh) {
  for (const name of ['data-status']) row.setAttribute(name, fresh.getAttribute(name));
  if (row.cells.length !== fresh.cells.length) { row.replaceWith(fresh); return; }
  [...fresh.cells].forEach((cell, i) => { if (row.cells[i].outerHTML !== cell.outerHTML) row.cells[i].replaceWith(cell); });
}

// Calls `step` again and again while the user stays on the page: about every second while it answers
// true (a run is going), every few seconds while it answers 'idle' (a list, which a run may join: one
// started by the schedule or from another page), never again when it answers false.
const IDLE_MS = 5000;
function poll(nav, step, delay) {
  refreshTimer = setTimeout(async () => {
    if (stale(nav)) return;
    let again = true;
    try { again = await step(); } catch (e) { again = true; }
    if (!stale(nav) && again) poll(nav, step, again === 'idle' ? IDLE_MS : POLL_MS);
  }, delay || POLL_MS);
}

// ---- the activations list's "Last run" cell (activations.js draws the list) ----------------------

// The cell: the last run's status and counts, or, while one goes, its progress (`live`: the run going, with progress).
function lastRunCell(a, live) {
  const last = a.last_run;
  const running = a.running || (last && last.status === 'running');
  let content;
  if (running) content = [badge('running'), ' ', h('a', { href: '#/run/' + encodeURIComponent(a.running || last.id) }, 'follow it'),
    progressView(live || { status: a.running ? 'starting' : 'running' }, true)];
  else if (last) content = [badge(last.status), ' ', fmtTime(last.startedAt), h('div', {}, counts(last.counts))];
  else content = h('span', { class: 'muted' }, 'never run');
  return h('td', { class: 'small', 'data-cell': 'last-run' }, content);
}

// While an activation of the list runs, its "Last run" cell and "Run now" button follow it in place.
function watchLastRuns(nav, delay) {
  poll(nav, async () => {
    const [data, live] = await Promise.all([api('GET', '/api/activations'), api('GET', '/api/runs?status=running&limit=' + 500)]);
    if (stale(nav)) return false;
    const byId = Object.fromEntries(live.runs.map(r => [r.id, r]));
    for (const a of data.activations) {
      const row = document.querySelector('tr[data-activation="' + CSS.escape(a.name) + '"]');
      if (!row) continue;
      const last = a.last_run;
      const fresh = lastRunCell(a, byId[a.running || (last && last.id)]);
      const cell = row.querySelector('td[data-cell=last-run]');
      if (cell && cell.outerHTML !== fresh.outerHTML) cell.replaceWith(fresh);
      const button = row.querySelector('button[data-action=run-now]');
      const running = !!(a.running || (last && last.status === 'running'));
      if (button && button.disabled !== running) button.disabled = running;
    }
    return data.activations.some(a => a.running || (a.last_run && a.last_run.status === 'running')) || 'idle';
  }, delay);
}

// ---- runs ----------------------------------------------------------------------------------------

// An object name that may break after each / and _ (and anywhere else only when it must), in monospace.
function objectName(name) {
  const parts = String(name).split(/(?<=[/_])/);
  return h('span', { class: 'mono object' }, parts.map((p, i) => (i ? [h('wbr'), p] : p)));
}

// The history's filters, from the hash (#/runs?activation=&status=&from=&to=&offset=): from and to are
// dates of the user's own calendar, sent as instants (since: the start of `from`; until: the end of `to`).
function runFilters() {
  const params = hashParams();
  return { activation: params.get('activation') || '', status: params.get('status') || '', from: params.get('from') || '',
    to: params.get('to') || '', offset: Number(params.get('offset') || 0) };
}

function localDay(text, after) {
  const d = new Date(text + 'T00:00:00');
  if (isNaN(d)) return null;
  if (after) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

function runQuery(activation, f) {
  const query = new URLSearchParams({ limit: PAGE, offset: f.offset });
  if (activation || f.activation) query.set('activation', activation || f.activation);
  if (f.status) query.set('status', f.status);
  if (f.from && localDay(f.from)) query.set('since', localDay(f.from));
  if (f.to && localDay(f.to, true)) query.set('until', localDay(f.to, true));
  return query;
}

function runRow(r, activation) {
  const unread = r.status === 'failed' && !reached(r).readDone;
  return h('tr', { 'data-run': r.id, 'data-status': r.status },
    h('td', { 'data-label': 'Run' }, h('a', { href: '#/run/' + encodeURIComponent(r.id), class: 'mono' }, r.id),
      activation ? null : h('div', { class: 'small' }, r.activation)),
    h('td', { 'data-label': 'Status' }, badge(r.status), h('div', { class: 'muted small' }, (r.trigger || '') + (r.kind ? ' · ' + r.kind : ''))),
    h('td', { class: 'small', 'data-label': 'Started' }, fmtTime(r.startedAt), h('div', { class: 'muted' }, going(r) ? 'going' : fmtDuration(r))),
    going(r) ? h('td', { colspan: 4, class: 'wide', 'data-label': 'Progress' }, progressView(r, true))
      // A failed run that did not finish reading its model read no number of rows we know of.
      : [h('td', { class: 'num', 'data-label': 'Read', title: unread ? 'the run failed before it finished reading' : null },
        unread ? '—' : fmtNumber(r.counts.read)),
        h('td', { class: 'num', 'data-label': 'Added' }, fmtNumber(r.counts.added)),
        h('td', { class: 'num', 'data-label': 'Updated' }, fmtNumber(r.counts.updated)),
        h('td', { class: 'num', 'data-label': 'Removed' }, fmtNumber(r.counts.removed))],
    h('td', { class: 'small wide', 'data-label': 'Files · error' }, (r.files || []).length ? h('ul', { class: 'files' }, r.files.map(f => h('li', {},
      objectName(f.object), h('span', { class: 'muted' }, ' ' + fmtNumber(f.rows) + ' rows, ' + fmtBytes(f.bytes)))))
      : h('span', { class: 'muted' }, '—'),
      r.error ? h('pre', { class: 'err' }, r.error) : null));
}

async function runHistory(activation, nav) {
  setTitle(activation ? activation : 'Runs');
  const f = runFilters();
  const query = runQuery(activation, f);
  const here = '#/runs/' + (activation ? encodeURIComponent(activation) : '');
  const link = changes => {
    const next = Object.assign({}, f, { offset: 0 }, changes);
    const params = new URLSearchParams();
    for (const k of ['activation', 'status', 'from', 'to']) if (next[k] && !(k === 'activation' && activation)) params.set(k, next[k]);
    if (next.offset) params.set('offset', next.offset);
    return here + (params.toString() ? '?' + params : '');
  };
  // A range that ends before it starts matches nothing (the API would answer 400): said, not asked.
  const backwards = f.from && f.to && f.to < f.from;
  const [data, info, schema, list] = await Promise.all([backwards ? { runs: [], total: 0 } : api('GET', '/api/runs?' + query),
    activation ? api('GET', '/api/activations/' + encodeURIComponent(activation)).catch(() => null) : Promise.resolve(null),
    activation ? settingsSchema().catch(() => null) : Promise.resolve(null),
    activation ? Promise.resolve(null) : api('GET', '/api/activations').catch(() => null)]);
  if (stale(nav)) return;
  const filters = runFilterForm(activation, f, list, link);
  const filtered = f.status || f.from || f.to || (!activation && f.activation);
  const rows = data.runs.map(r => runRow(r, activation));
  const pager = h('div', { class: 'actions', id: 'runs-pager' },
    f.offset > 0 ? h('a', { class: 'button', href: link({ offset: Math.max(0, f.offset - PAGE) }) }, 'Newer') : null,
    f.offset + PAGE < data.total ? h('a', { class: 'button', href: link({ offset: f.offset + PAGE }) }, 'Older') : null);
  const totalText = t => (t === 1 ? '1 run' + (filtered ? ' matches' : ' in all') : t + ' runs' + (filtered ? ' match' : ' in all')) + '.';
  setView(
    h('div', { class: 'bar' }, h('h1', {}, activation ? 'Runs of ' + activation : 'Runs'),
      activation ? h('div', { class: 'actions' },
        h('button', { class: 'primary', id: 'run-now', disabled: !!(info && info.running) || data.runs.some(going),
          onclick: ev => { ev.target.disabled = true; runNow(activation).then(() => watchRuns()); } }, 'Run now'),
        info ? h('a', { class: 'button', href: '#/edit/' + encodeURIComponent(activation) }, info.editable ? 'Edit' : 'View') : null,
        info ? [fullResyncButton(info, () => setTimeout(route, 500)), pauseToggle(info, () => route())] : null) : null),
    info && info.paused ? h('p', { class: 'card note', id: 'paused-note' }, h('span', { class: 'badge paused' }, 'paused'), ' ', pausedText(info),
      ': the scheduler skips it; a run started here still runs, with a warning.') : null,
    info ? chainCard(info) : null,
    info && schema ? settingsCard(info.settings || {}, schema) : null,
    // The chart of the activation's last runs (overview.js draws it into this section).
    activation && typeof activationChart === 'function' ? activationChart(activation, nav) : null,
    filters,
    rows.length ? h('table', { id: 'runs', class: 'cards' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Status'), h('th', {}, 'Started · duration'),
        h('th', { class: 'num' }, 'Read'), h('th', { class: 'num' }, 'Added'), h('th', { class: 'num' }, 'Updated'),
        h('th', { class: 'num' }, 'Removed'), h('th', {}, 'Files · error'))),
      h('tbody', {}, rows))
      : h('div', { class: 'card empty', id: 'runs-empty' }, backwards ? 'The range ends before it starts: choose a "to" date on or after the "from" date. '
        : filtered || f.offset ? 'No ' + (f.status ? f.status + ' ' : '') + 'runs'
        + (activation || f.activation ? ' of ' + (activation || f.activation) : '') + (f.from || f.to ? ' started in this range' : '')
        + (f.offset ? ' on this page' : '') + '. ' : 'No runs yet.',
        filtered ? h('a', { href: link({ status: '', from: '', to: '', activation: '' }) }, 'Show every run') : null),
    h('p', { class: 'muted small', id: 'runs-total' }, totalText(data.total)), pager);
  const focus = sessionStorage.getItem('sluice-runs-focus');
  if (focus) { sessionStorage.removeItem('sluice-runs-focus'); const el = document.getElementById(focus); if (el) el.focus(); }

  // Runs going are followed in place: their rows change as they go, and end in their records.
  function watchRuns(delay) {
    clearTimeout(refreshTimer);
    poll(nav, async () => {
      const [now, info] = await Promise.all([api('GET', '/api/runs?' + query),
        activation ? api('GET', '/api/activations/' + encodeURIComponent(activation)).catch(() => null) : Promise.resolve(null)]);
      if (stale(nav)) return false;
      const running = now.runs.some(going) || !!(info && info.running);
      const button = document.getElementById('run-now');
      if (button) button.disabled = running;
      const body = document.querySelector('#runs tbody');
      if (!body) { // the first run of an empty list: draw the table once it is recorded
        if (now.runs.length) { route(); return false; }
        return running || 'idle';
      }
      const shownIds = [...body.rows].map(tr => tr.dataset.run).join(' ');
      if (shownIds !== now.runs.map(r => r.id).join(' ')) body.replaceChildren(...now.runs.map(r => runRow(r, activation)));
      else now.runs.forEach((r, i) => patchRow(body.rows[i], runRow(r, activation)));
      document.getElementById('runs-total').textContent = totalText(now.total);
      return running || 'idle';
    }, delay);
  }
  if (!backwards) watchRuns(data.runs.some(going) || (info && info.running) ? POLL_MS : IDLE_MS);
}

// The filters of the history: activation (on the all-runs page), status, and a range of start dates.
function runFilterForm(activation, f, list, link) {
  const go = (changes, id) => { sessionStorage.setItem('sluice-runs-focus', id); location.hash = link(changes); };
  const statusSel = select('run-status', [['', 'every status'], ['succeeded', 'succeeded'], ['failed', 'failed'],
    ['held', 'held'], ['skipped', 'skipped'], ['running', 'running']], f.status);
  statusSel.addEventListener('change', () => go({ status: statusSel.value }, statusSel.id));
  let activationSel = null;
  if (!activation) {
    const names = (list ? list.activations.map(a => a.name) : []);
    if (f.activation && !names.includes(f.activation)) names.push(f.activation);
    activationSel = select('run-activation', [['', 'every activation']].concat(names.sort().map(n => [n, n])), f.activation);
    activationSel.addEventListener('change', () => go({ activation: activationSel.value }, activationSel.id));
  }
  const date = (id, value, key) => {
    const input = h('input', { type: 'date', id: 'f-' + id, name: id, value: value || null, max: key === 'from' && f.to ? f.to : null,
      min: key === 'to' && f.from ? f.from : null });
    input.addEventListener('change', () => go({ [key]: input.value }, input.id));
    return input;
  };
  const item = (labelText, input) => h('div', { class: 'filter' }, h('label', { for: input.id }, labelText), input);
  return h('form', { class: 'filters card', id: 'run-filters', role: 'search', 'aria-label': 'Filter the runs', onsubmit: e => e.preventDefault() },
    activationSel ? item('Activation', activationSel) : null,
    item('Status', statusSel),
    item('Started from', date('run-from', f.from, 'from')),
    item('to', date('run-to', f.to, 'to')),
    f.status || f.from || f.to || (!activation && f.activation)
      ? h('a', { class: 'button', id: 'run-filters-clear', href: link({ status: '', from: '', to: '', activation: '' }) }, 'Clear') : null);
}

// Every setting of an activation: its value as written, or its default (muted).
function settingsCard(settings, schema) {
  return h('details', { class: 'card', id: 'settings', open: true }, h('summary', {}, 'Settings'),
    h('dl', { class: 'kv' }, schema.activation.settings.map(spec => {
      const set = Object.prototype.hasOwnProperty.call(settings, spec.key);
      // A required setting left out of a valid activation is the alternative of one that is set (segment for model).
      if (!set && spec.default_text.startsWith('required')) return null;
      return [h('dt', { class: 'mono' }, spec.key),
        h('dd', { 'data-setting': spec.key, class: set ? 'mono' : 'muted' }, set ? shown(settings[spec.key]) : 'default: ' + (spec.default_text || 'none'))];
    })));
}

// ---- one run ------------------------------------------------------------------------------------

// The settings an error names (key paths such as activations.daily.format.delimiter), marked, and
// linked to where they are set: an activation's to its form, the others to their pages.
const KEY_PATH = /\b(?:activations|destinations|sources|models|segments|notifications)\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+|\[\d+\])*/g;

function settingHref(path) {
  const [top, name] = path.split(/[.[]/);
  if (top === 'activations') return '#/edit/' + encodeURIComponent(name);
  if (top === 'destinations' || top === 'models' || top === 'segments') return '#/' + top;
  return null;
}

function errorText(text) {
  const parts = [];
  let at = 0;
  for (const m of text.matchAll(KEY_PATH)) {
    parts.push(text.slice(at, m.index));
    const mark = h('mark', { class: 'setting', 'data-setting-path': m[0] }, m[0]);
    const href = settingHref(m[0]);
    parts.push(href ? h('a', { href, title: 'where ' + m[0] + ' is set' }, mark) : mark);
    at = m.index + m[0].length;
  }
  parts.push(text.slice(at));
  return h('pre', { class: 'err', id: 'run-error' }, parts);
}

// How far a run got: the last phase it reached (its record's phases, in order), and whether it read the model.
function reached(r) {
  const phases = Object.keys(r.phases || {});
  const last = phases.length ? phases[phases.length - 1] : null;
  const readDone = phases.some(p => PHASE_ORDER.indexOf(p) > PHASE_ORDER.indexOf('read'));
  return { last, readDone };
}

function runSections(r) {
  const c = r.counts || {};
  const ended = !going(r);
  const far = reached(r);
  const failed = r.status === 'failed';
  const kind = r.kind ? r.kind + (r.fullReason ? ' (' + r.fullReason + ')' : '')
    : ended ? h('span', { class: 'muted' }, r.status === 'skipped' ? 'none: the run did not start' : 'not decided: the run ended before it was planned')
      : h('span', { class: 'muted' }, 'decided once the model is read');
  const sections = [];
  sections.push(h('div', { class: 'actions', id: 'run-actions', 'data-section': '' },
    h('a', { class: 'button', href: '#/runs/' + encodeURIComponent(r.activation) }, 'All runs of ' + r.activation),
    failed ? h('button', { class: 'primary', id: 'retry', title: 'start a new run of ' + r.activation + ', as Run now does',
      onclick: ev => { ev.target.disabled = true; runNow(r.activation, run => { location.hash = '#/run/' + encodeURIComponent(run.id); }); } }, 'Retry')
      : null));
  sections.push(h('div', { class: 'card', id: 'run-summary', 'data-section': '' }, h('dl', { class: 'kv' },
    h('dt', {}, 'Status'), h('dd', { id: 'run-status' }, badge(r.status)),
    h('dt', {}, 'Activation'), h('dd', {}, h('a', { href: '#/runs/' + encodeURIComponent(r.activation) }, r.activation)),
    h('dt', {}, 'Trigger'), h('dd', {}, r.trigger || ''),
    h('dt', {}, 'Kind'), h('dd', { id: 'run-kind' }, kind),
    h('dt', {}, 'Started'), h('dd', {}, fmtTime(r.startedAt)),
    h('dt', {}, 'Duration'), h('dd', {}, ended ? fmtDuration(r) : 'going'),
    ended ? null : [h('dt', {}, 'Progress'), h('dd', { id: 'run-progress' }, progressView(r, false))],
    failed ? [h('dt', {}, 'Got as far as'), h('dd', { id: 'run-reached', 'data-phase': far.last || '' },
      far.last ? [h('b', {}, phaseText(far.last)), h('span', { class: 'muted' }, ' (' + far.last + ')')]
        : h('span', { class: 'muted' }, 'the start: no phase was recorded'))] : null,
    ended && r.status !== 'skipped' ? [h('dt', {}, 'Counts'), h('dd', { id: 'run-counts' },
      ['read', 'added', 'updated', 'removed', 'unchanged', 'skipped', 'written'].map(k => {
        // A failed run that never finished reading the model read nothing we know of: not "0".
        if (k === 'read' && failed && !far.readDone) return h('span', {}, 'read ', h('b', { 'data-count': 'read' }, 'not finished'));
        if (failed && k !== 'read' && !far.readDone) return null;
        return h('span', {}, k + ' ', h('b', { 'data-count': k }, fmtNumber(c[k])));
      }).filter(Boolean).map((el, i) => (i ? [' · ', el] : el)))] : null,
    r.error ? [h('dt', {}, r.status === 'skipped' ? 'Reason' : 'Error'), h('dd', {}, errorText(r.error))] : null,
    r.error && r.error.match(KEY_PATH) ? [h('dt', {}, 'Setting'), h('dd', { id: 'run-settings' }, [...new Set(r.error.match(KEY_PATH))].map(p =>
      h('div', {}, settingHref(p) ? h('a', { href: settingHref(p), class: 'mono' }, p) : h('span', { class: 'mono' }, p))))] : null,
    r.billing ? [h('dt', {}, 'Bytes billed'), h('dd', { id: 'run-billing', title: 'estimated by dry runs before anything was read' },
      h('b', {}, fmtNumber(r.billing.estimatedBytes)), ' bytes (dry-run estimate)',
      r.billing.statements.map(s => h('div', { class: 'muted small' }, s.statement + ': ' + fmtNumber(s.bytes) + ' bytes')),
      r.billing.maximumBytesBilled != null ? h('div', { class: 'muted small' }, 'each job refused above ' + fmtNumber(r.billing.maximumBytesBilled)
        + ' bytes (maximum_bytes_billed)') : null)] : null,
    (r.warnings || []).length ? [h('dt', {}, 'Warnings'), h('dd', { class: 'warnings' }, r.warnings.join('\n'))] : null)));
  if ((r.guards || []).length) {
    sections.push(h('section', { id: 'run-guards', 'data-section': '' }, h('h2', {}, 'Guards' + (r.guardsLifted ? ' (lifted for this run)' : '')),
      h('table', { id: 'guards', class: 'cards' }, h('thead', {}, h('tr', {}, h('th', {}, 'Guard'), h('th', {}, 'Limit'), h('th', { class: 'num' }, 'Measured'),
        h('th', {}, 'Outcome'))),
        h('tbody', {}, r.guards.map(g => h('tr', { 'data-guard': g.guard }, h('td', { class: 'mono', 'data-label': 'Guard' }, g.guard),
          h('td', { 'data-label': 'Limit' }, g.limit + (g.limitRows != null && String(g.limitRows) !== g.limit ? ' (' + fmtNumber(g.limitRows)
            + (g.guard === 'max_bytes_billed' ? ' bytes)' : ' rows)') : '')),
          h('td', { class: 'num', 'data-label': 'Measured' }, fmtNumber(g.value)),
          h('td', { 'data-label': 'Outcome' }, badge(g.outcome), g.note ? h('div', { class: 'muted small' }, g.note) : null))))),
      r.status === 'held' ? h('div', { class: 'actions' }, h('button', { class: 'primary', id: 'accept-held',
        onclick: () => { if (confirm('Publish the changes of ' + r.activation + ' with its guards lifted for one run?')) runNow(r.activation, run => { location.hash = '#/run/' + encodeURIComponent(run.id); }, true); } },
        'Accept and publish with guards lifted'),
        h('span', { class: 'muted small' }, ' A new run compares with the same previous snapshot and publishes past the guards, once.')) : null));
  }
  // A run going lists its files once they are written (recorded before they are uploaded).
  sections.push(h('section', { id: 'run-files', 'data-section': '' }, h('h2', {}, going(r) && (r.files || []).length ? 'Files being published' : 'Files'),
    (r.files || []).length ? h('table', { class: 'cards files-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Object'), h('th', {}, 'Output'),
      h('th', { class: 'num' }, 'Rows'), h('th', { class: 'num' }, 'Bytes'), h('th', {}, 'CRC32C'))),
      h('tbody', {}, r.files.map(f => h('tr', { 'data-object': f.object }, h('td', { class: 'wide', 'data-label': 'Object' }, objectName(f.object)),
        h('td', { 'data-label': 'Output' }, f.output), h('td', { class: 'num', 'data-label': 'Rows' }, fmtNumber(f.rows)),
        h('td', { class: 'num', 'data-label': 'Bytes' }, fmtNumber(f.bytes)), h('td', { class: 'mono', 'data-label': 'CRC32C' }, f.crc32c)))))
      : h('p', { class: 'muted' }, going(r) ? 'Files are listed when the run ends.' : 'No files.')));
  if (r.retention) sections.push(retentionSection(r.retention));
  // What became of the run's notifications (webhook, Slack, email, PagerDuty): delivered, or failed with the reason.
  sections.push(h('div', { id: 'run-notifications', 'data-section': '' }, (r.notifications || []).length ? [h('h2', {}, 'Notifications'),
    h('table', { class: 'cards' }, h('thead', {}, h('tr', {}, h('th', {}, 'Notification'), h('th', {}, 'Type'), h('th', {}, 'Event'),
      h('th', {}, 'Status'), h('th', { class: 'num' }, 'Attempts'), h('th', {}, 'At'), h('th', {}, 'Error'))),
      h('tbody', {}, r.notifications.map(n => h('tr', {}, h('td', { 'data-label': 'Notification' }, n.name), h('td', { 'data-label': 'Type' }, n.type),
        h('td', { 'data-label': 'Event' }, n.event), h('td', { 'data-label': 'Status' }, badge(n.status)),
        h('td', { class: 'num', 'data-label': 'Attempts' }, fmtNumber(n.attempts)), h('td', { 'data-label': 'At' }, fmtTime(n.at)),
        h('td', { class: 'wide', 'data-label': 'Error' }, n.error ? h('pre', { class: 'err' }, n.error) : '')))))] : null));
  return sections;
}

// What the activation's retention deleted after the run (or would delete, for a dry run), what it
// left because the object changed, and what the bucket refused to delete.
function retentionSection(ret) {
  const lists = [['deleted', 'Deleted'], ['wouldDelete', 'Would delete'], ['changed', 'Left: changed since the run wrote them'],
    ['refused', 'Refused by the bucket (tried again after the next run)']];
  const any = lists.some(([k]) => (ret[k] || []).length);
  return h('section', { id: 'run-retention', 'data-section': '' }, h('h2', {}, 'Retention'),
    any ? lists.filter(([k]) => (ret[k] || []).length).map(([k, label]) => h('div', { class: 'card retention', 'data-retention': k },
      h('h3', {}, label + ' (' + ret[k].length + ')'), h('ul', { class: 'objects' }, ret[k].map(o => h('li', {}, objectName(o))))))
      : h('p', { class: 'muted' }, 'Retention deleted nothing after this run: every earlier file is inside the window.'));
}

async function runDetail(id, nav) {
  setTitle('Run ' + id);
  const r = await api('GET', '/api/runs/' + encodeURIComponent(id));
  if (stale(nav)) return;
  const body = h('div', { id: 'run-body' }, runSections(r));
  setView(h('div', { class: 'bar' }, h('h1', {}, 'Run ', h('span', { class: 'mono' }, r.id))), body);
  // While the run goes, its sections follow it in place; when it ends, its record replaces them.
  if (going(r)) {
    poll(nav, async () => {
      const now = await api('GET', '/api/runs/' + encodeURIComponent(id));
      if (stale(nav)) return false;
      patchSections(body, runSections(now));
      return going(now);
    });
  }
}

PAGES['runs'] = (parts, nav) => runHistory(parts[1] || null, nav);
PAGES['run'] = (parts, nav) => runDetail(parts[1], nav);
