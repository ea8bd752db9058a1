// Runs: the history (all runs or one activation's) and one run's page.
'use strict';

// ---- runs ----------------------------------------------------------------------------------

const PAGE = 25;

async function runHistory(activation, nav) {
  setTitle(activation ? activation : 'Runs');
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const offset = Number(params.get('offset') || 0);
  const status = params.get('status') || '';
  const query = new URLSearchParams({ limit: PAGE, offset });
  if (activation) query.set('activation', activation);
  if (status) query.set('status', status);
  const here = '#/runs/' + (activation ? encodeURIComponent(activation) : '');
  const link = (o, st) => here + '?' + new URLSearchParams(Object.assign({ offset: o }, st ? { status: st } : {}));
  const statusSel = select('run-status', [['', 'all statuses'], ['succeeded', 'succeeded'], ['failed', 'failed'],
    ['held', 'held'], ['skipped', 'skipped'], ['running', 'running']], status);
  statusSel.addEventListener('change', () => { location.hash = link(0, statusSel.value); });
  const [data, info, schema] = await Promise.all([api('GET', '/api/runs?' + query),
    activation ? api('GET', '/api/activations/' + encodeURIComponent(activation)).catch(() => null) : Promise.resolve(null),
    activation ? settingsSchema().catch(() => null) : Promise.resolve(null)]);
  if (stale(nav)) return;
  const going = r => r.status === 'running' || r.status === 'queued';
  const rows = data.runs.map(r => h('tr', { 'data-run': r.id, 'data-status': r.status },
    h('td', {}, h('a', { href: '#/run/' + encodeURIComponent(r.id), class: 'mono' }, r.id),
      activation ? null : h('div', { class: 'small' }, r.activation)),
    h('td', {}, badge(r.status), h('div', { class: 'muted small' }, r.trigger + (r.kind ? ' · ' + r.kind : ''))),
    h('td', { class: 'small' }, fmtTime(r.startedAt), h('div', { class: 'muted' }, going(r) ? 'going' : fmtDuration(r))),
    going(r) ? h('td', { class: 'muted', colspan: 4 }, 'running: counts when it ends')
      : [h('td', { class: 'num' }, fmtNumber(r.counts.read)),
        h('td', { class: 'num' }, fmtNumber(r.counts.added)),
        h('td', { class: 'num' }, fmtNumber(r.counts.updated)),
        h('td', { class: 'num' }, fmtNumber(r.counts.removed))],
    h('td', { class: 'small' }, r.files.length ? h('ul', { class: 'files' }, r.files.map(f => h('li', { class: 'mono' }, f.object,
      h('span', { class: 'muted' }, ' ' + fmtNumber(f.rows) + ' rows, ' + fmtBytes(f.bytes))))) : h('span', { class: 'muted' }, '—'),
      r.error ? h('pre', { class: 'err' }, r.error) : null)));
  const pager = h('div', { class: 'actions' },
    offset > 0 ? h('a', { class: 'button', href: link(Math.max(0, offset - PAGE), status) }, 'Newer') : null,
    offset + PAGE < data.total ? h('a', { class: 'button', href: link(offset + PAGE, status) }, 'Older') : null);
  setView(
    h('div', { class: 'bar' }, h('h1', {}, activation ? 'Runs of ' + activation : 'Runs'),
      h('div', { class: 'actions' }, h('label', { class: 'hint', for: 'f-run-status' }, 'Show'), statusSel,
      activation ? h('div', { class: 'actions' },
        h('button', { class: 'primary', id: 'run-now', disabled: !!(info && info.running) || data.runs.some(going),
          onclick: ev => { ev.target.disabled = true; runNow(activation, () => setTimeout(route, 500)); } }, 'Run now'),
        info ? h('a', { class: 'button', href: '#/edit/' + encodeURIComponent(activation) }, info.editable ? 'Edit' : 'View') : null,
        info ? [fullResyncButton(info, () => setTimeout(route, 500)), pauseToggle(info, () => route())] : null) : null)),
    info && info.paused ? h('p', { class: 'card note', id: 'paused-note' }, h('span', { class: 'badge paused' }, 'paused'), ' ', pausedText(info),
      ': the scheduler skips it; a run started here still runs, with a warning.') : null,
    info && schema ? settingsCard(info.settings || {}, schema) : null,
    // The chart of the activation's last runs (overview.js draws it into this section).
    activation && typeof activationChart === 'function' ? activationChart(activation, nav) : null,
    rows.length ? h('table', { id: 'runs' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Status'), h('th', {}, 'Started · duration'),
        h('th', { class: 'num' }, 'Read'), h('th', { class: 'num' }, 'Added'), h('th', { class: 'num' }, 'Updated'),
        h('th', { class: 'num' }, 'Removed'), h('th', {}, 'Files · error'))),
      h('tbody', {}, rows))
      : h('div', { class: 'card empty' }, status || offset ? 'No ' + (status || '') + ' runs' + (activation ? ' of ' + activation : '')
        + (offset ? ' on this page' : '') + '. ' : 'No runs yet.',
        status ? h('a', { href: link(0, '') }, 'Show every status') : null),
    h('p', { class: 'muted small' }, (data.total === 1 ? '1 run' : data.total + ' runs') + (status ? ' ' + status : '') + ' in all.'), pager);
  if (data.runs.some(going) || (info && info.running)) refreshTimer = setTimeout(route, 1500);
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

async function runDetail(id, nav) {
  setTitle('Run ' + id);
  const r = await api('GET', '/api/runs/' + encodeURIComponent(id));
  if (stale(nav)) return;
  if (r.status === 'queued' || r.status === 'running') refreshTimer = setTimeout(route, 1500);
  const c = r.counts || {};
  setView(
    h('div', { class: 'bar' }, h('h1', {}, 'Run ', h('span', { class: 'mono' }, r.id)),
      h('a', { class: 'button', href: '#/runs/' + encodeURIComponent(r.activation) }, 'All runs of ' + r.activation)),
    h('div', { class: 'card' }, h('dl', { class: 'kv' },
      h('dt', {}, 'Status'), h('dd', {}, badge(r.status)),
      h('dt', {}, 'Activation'), h('dd', {}, r.activation),
      h('dt', {}, 'Trigger'), h('dd', {}, r.trigger || ''),
      h('dt', {}, 'Kind'), h('dd', {}, (r.kind || '') + (r.fullReason ? ' (' + r.fullReason + ')' : '')),
      h('dt', {}, 'Started'), h('dd', {}, fmtTime(r.startedAt)),
      h('dt', {}, 'Duration'), h('dd', {}, r.endedAt ? fmtDuration(r) : ''),
      h('dt', {}, 'Counts'), h('dd', {}, r.status === 'running' || r.status === 'queued' ? r.status + ': counts when it ends'
        : ['read', 'added', 'updated', 'removed', 'unchanged', 'skipped', 'written'].map(k => k + ' ' + fmtNumber(c[k])).join(' · ')),
      r.error ? [h('dt', {}, 'Error'), h('dd', {}, h('pre', { class: 'err' }, r.error))] : null,
      (r.warnings || []).length ? [h('dt', {}, 'Warnings'), h('dd', {}, r.warnings.join('\n'))] : null)),
    (r.guards || []).length ? [h('h2', {}, 'Guards' + (r.guardsLifted ? ' (lifted for this run)' : '')),
      h('table', { id: 'guards' }, h('thead', {}, h('tr', {}, h('th', {}, 'Guard'), h('th', {}, 'Limit'), h('th', { class: 'num' }, 'Measured'),
        h('th', {}, 'Outcome'))),
        h('tbody', {}, r.guards.map(g => h('tr', { 'data-guard': g.guard }, h('td', { class: 'mono' }, g.guard),
          h('td', {}, g.limit + (g.limitRows != null && String(g.limitRows) !== g.limit ? ' (' + fmtNumber(g.limitRows) + ' rows)' : '')),
          h('td', { class: 'num' }, fmtNumber(g.value)),
          h('td', {}, badge(g.outcome), g.note ? h('div', { class: 'muted small' }, g.note) : null))))),
      r.status === 'held' ? h('div', { class: 'actions' }, h('button', { class: 'primary', id: 'accept-held',
        onclick: () => { if (confirm('Publish the changes of ' + r.activation + ' with its guards lifted for one run?')) runNow(r.activation, run => { location.hash = '#/run/' + encodeURIComponent(run.id); }, true); } },
        'Accept and publish with guards lifted'),
        h('span', { class: 'muted small' }, ' A new run compares with the same previous snapshot and publishes past the guards, once.')) : null] : null,
    h('h2', {}, 'Files'),
    (r.files || []).length ? h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Object'), h('th', {}, 'Output'),
      h('th', { class: 'num' }, 'Rows'), h('th', { class: 'num' }, 'Bytes'), h('th', {}, 'CRC32C'))),
      h('tbody', {}, r.files.map(f => h('tr', {}, h('td', { class: 'mono' }, f.object), h('td', {}, f.output),
        h('td', { class: 'num' }, fmtNumber(f.rows)), h('td', { class: 'num' }, fmtNumber(f.bytes)), h('td', { class: 'mono' }, f.crc32c)))))
      : h('p', { class: 'muted' }, 'No files.'),
    // What became of the run's notifications (webhook, Slack, email): delivered, or failed with the reason.
    h('div', { id: 'run-notifications' }, (r.notifications || []).length ? [h('h2', {}, 'Notifications'),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Notification'), h('th', {}, 'Type'), h('th', {}, 'Event'),
        h('th', {}, 'Status'), h('th', { class: 'num' }, 'Attempts'), h('th', {}, 'At'), h('th', {}, 'Error'))),
        h('tbody', {}, r.notifications.map(n => h('tr', {}, h('td', {}, n.name), h('td', {}, n.type), h('td', {}, n.event),
          h('td', {}, badge(n.status)), h('td', { class: 'num' }, fmtNumber(n.attempts)), h('td', {}, fmtTime(n.at)),
          h('td', {}, n.error ? h('pre', { class: 'err' }, n.error) : '')))))] : null));
}

PAGES['runs'] = (parts, nav) => runHistory(parts[1] || null, nav);
PAGES['run'] = (parts, nav) => runDetail(parts[1], nav);
