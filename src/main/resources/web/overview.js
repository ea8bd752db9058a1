// The overview of every activation's health, and the charts of an activation's runs (uPlot, served by Sluice).
'use strict';

// ---- the charts of an activation's last runs (on #/runs/NAME) ------------------------------

// How many of the latest runs the chart reads; runs still going and skipped runs are left out.
const OV_CHART_RUNS = 30;
// Colours with at least 4.5:1 contrast on white, told apart without red/green.
const OV_COLORS = { added: '#1d4ed8', updated: '#b45309', removed: '#be185d', duration: '#334e68', failed: '#b42318', held: '#9a6700' };
// The uPlot instances drawn, by activation: {runs: [ids], rows: uPlot, duration: uPlot} (the browser tests read them).
window.sluiceCharts = window.sluiceCharts || {};

// The section is returned at once; it is filled when the runs arrive (nothing when the user has moved on).
function activationChart(activation, nav) {
  const section = h('section', { class: 'card run-chart', id: 'run-chart', 'aria-labelledby': 'run-chart-title' },
    h('h2', { id: 'run-chart-title' }, 'Last runs'), h('p', { class: 'muted small' }, 'Loading the chart…'));
  fillActivationChart(section, activation, nav).catch(e => {
    if (stale(nav)) return;
    section.replaceChildren(h('h2', { id: 'run-chart-title' }, 'Last runs'), h('pre', { class: 'err' }, problemText(e)));
  });
  return section;
}

async function fillActivationChart(section, activation, nav) {
  const data = await api('GET', '/api/runs?' + new URLSearchParams({ activation, limit: OV_CHART_RUNS }));
  if (stale(nav)) return;
  const runs = data.runs.filter(r => ['succeeded', 'failed', 'held'].includes(r.status) && r.startedAt && r.endedAt).reverse();
  const title = h('h2', { id: 'run-chart-title' }, 'Last runs');
  if (!runs.length) {
    section.replaceChildren(title, h('p', { class: 'muted small' }, 'The chart appears when a run of ' + activation + ' has ended.'));
    return;
  }
  const labels = ovRunLabels(runs);
  const x = runs.map((r, i) => i);
  const added = runs.map(r => r.counts.added);
  const updated = runs.map(r => r.counts.updated);
  const removed = runs.map(r => r.counts.removed);
  const seconds = runs.map(r => (new Date(r.endedAt) - new Date(r.startedAt)) / 1000);
  // Failed and held runs are marked on the duration line by a point of their own.
  const only = status => runs.map((r, i) => r.status === status ? seconds[i] : null);
  const rowsBox = h('div', { class: 'chart-box', id: 'chart-rows', role: 'img',
    'aria-label': 'Rows added, updated and removed by each of the last ' + runs.length + ' runs; the numbers are in the chart data below' });
  const durationBox = h('div', { class: 'chart-box', id: 'chart-duration', role: 'img',
    'aria-label': 'Duration of each of the last ' + runs.length + ' runs; the numbers are in the chart data below' });
  section.replaceChildren(title,
    h('p', { class: 'muted small' }, 'The ' + (runs.length === 1 ? 'run' : runs.length + ' runs') + ' that ended among the last '
      + OV_CHART_RUNS + ', oldest first. Failed and held runs published nothing: their bars are what they counted before they stopped.'),
    h('h3', { class: 'chart-title' }, 'Rows changed per run'), rowsBox,
    h('h3', { class: 'chart-title' }, 'Duration per run'), durationBox,
    ovChartTable(runs, labels, seconds));

  const old = window.sluiceCharts[activation];
  if (old) old.dispose();
  const width = Math.max(200, rowsBox.clientWidth || section.clientWidth || 600);
  const runAxis = {
    // Ticks far enough apart for their labels (about 7 px a character) never to overlap.
    label: 'Run (start time)', stroke: '#334e68', space: Math.max(48, 7 * Math.max(...labels.map(l => l.length)) + 16),
    incrs: [1, 2, 3, 4, 5, 10, 20, 50],
    grid: { stroke: '#e4e7eb', width: 1 }, ticks: { stroke: '#d9e2ec', width: 1 },
    values: (u, splits) => splits.map(i => Number.isInteger(i) && labels[i] !== undefined ? labels[i] : ''),
  };
  const runSeries = { label: 'Run', value: (u, i) => i == null || runs[i] === undefined ? '—' : labels[i] + ' · ' + runs[i].status };
  const xScale = { time: false, range: () => [-0.5, runs.length - 0.5] };
  const rows = new uPlot({
    width, height: 230, cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: { x: xScale, y: { range: (u, min, max) => [0, Math.max(4, max * 1.1)] } },
    axes: [runAxis, { label: 'Rows', stroke: '#334e68', size: 56, incrs: OV_WHOLE_STEPS, grid: { stroke: '#e4e7eb', width: 1 },
      ticks: { stroke: '#d9e2ec', width: 1 }, values: (u, splits) => splits.map(ovCompact) }],
    series: [runSeries, ovBarSeries('Added', OV_COLORS.added, 0), ovBarSeries('Updated', OV_COLORS.updated, 1),
      ovBarSeries('Removed', OV_COLORS.removed, 2)],
  }, [x, added, updated, removed], rowsBox);
  const duration = new uPlot({
    width, height: 190, cursor: { drag: { x: false, y: false } },
    scales: { x: xScale, y: { range: (u, min, max) => [0, Math.max(1, max * 1.15)] } },
    axes: [runAxis, { label: 'Seconds', stroke: '#334e68', size: 56, grid: { stroke: '#e4e7eb', width: 1 },
      ticks: { stroke: '#d9e2ec', width: 1 } }],
    series: [runSeries, { label: 'Duration', stroke: OV_COLORS.duration, width: 2,
      points: { show: true, size: 7, fill: OV_COLORS.duration }, value: (u, v) => v == null ? '—' : ovSeconds(v) },
      ovMarkSeries('Failed', OV_COLORS.failed), ovMarkSeries('Held', OV_COLORS.held)],
  }, [x, seconds, only('failed'), only('held')], durationBox);
  // The charts follow their box's width (a phone, a resized window); they go when the page is redrawn.
  let disposed = false;
  const observer = new ResizeObserver(() => {
    if (!rowsBox.isConnected) { dispose(); return; }
    const w = Math.max(200, rowsBox.clientWidth);
    if (w !== rows.width) { rows.setSize({ width: w, height: rows.height }); duration.setSize({ width: w, height: duration.height }); }
  });
  observer.observe(rowsBox);
  function dispose() {
    if (disposed) return;
    disposed = true;
    observer.disconnect();
    rows.destroy();
    duration.destroy();
    if (window.sluiceCharts[activation] === drawn) delete window.sluiceCharts[activation];
  }
  const drawn = { runs: runs.map(r => r.id), rows, duration, dispose };
  window.sluiceCharts[activation] = drawn;
}

// Whole steps for a count axis: 1, 2, 5, 10, 20, 50 … (no half rows).
const OV_WHOLE_STEPS = [];
for (let p = 1; p <= 1e12; p *= 10) OV_WHOLE_STEPS.push(p, 2 * p, 5 * p);

// One series of grouped bars: three bars side by side in each run's column, the k-th of them here.
function ovBarSeries(label, color, k) {
  return {
    label, stroke: color, fill: color, width: 0, points: { show: false },
    value: (u, v) => v == null ? '—' : fmtNumber(v),
    paths: uPlot.paths.bars({
      disp: {
        x0: { unit: 1, values: u => u.data[0].map(x => x - 0.375 + k * 0.25) },
        size: { unit: 1, values: u => u.data[0].map(() => 0.25) },
      },
    }),
  };
}

// Marks on the duration line: a point for each run of one status (no line between them).
function ovMarkSeries(label, color) {
  return { label, stroke: color, fill: color, width: 0, paths: () => null,
    points: { show: true, size: 11, width: 2, stroke: color, fill: '#fff' }, value: (u, v) => v == null ? '—' : ovSeconds(v) };
}

// Each run's label on the axis: its start time, with the day when the runs span days, and seconds
// (then milliseconds) when two runs would have the same label.
function ovRunLabels(runs) {
  const starts = runs.map(r => new Date(r.startedAt));
  const days = new Set(starts.map(d => d.toDateString())).size > 1;
  const label = (d, precision) => (days ? d.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' }) + ' ' : '')
    + d.toLocaleTimeString('en-GB', Object.assign({ hour: '2-digit', minute: '2-digit' }, precision > 0 ? { second: '2-digit' } : {}))
    + (precision > 1 ? '.' + String(d.getMilliseconds()).padStart(3, '0') : '');
  for (const precision of [0, 1]) {
    const labels = starts.map(d => label(d, precision));
    if (new Set(labels).size === labels.length) return labels;
  }
  return starts.map(d => label(d, 2));
}

function ovCompact(n) {
  if (n >= 1e9) return +(n / 1e9).toFixed(1) + 'G';
  if (n >= 1e6) return +(n / 1e6).toFixed(1) + 'M';
  if (n >= 1e4) return +(n / 1e3).toFixed(1) + 'k';
  return fmtNumber(n);
}

function ovSeconds(s) {
  return s < 60 ? (+s.toFixed(3)) + ' s' : Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
}

// The plotted numbers as a table, for screen readers and for whoever wants them.
function ovChartTable(runs, labels, seconds) {
  return h('details', { class: 'chart-data' }, h('summary', {}, 'Chart data'),
    h('table', { id: 'run-chart-data', class: 'cards' },
      h('caption', { class: 'muted small' }, 'Rows changed and duration of each run, oldest first'),
      h('thead', {}, h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Started'), h('th', {}, 'Status'), h('th', { class: 'num' }, 'Added'),
        h('th', { class: 'num' }, 'Updated'), h('th', { class: 'num' }, 'Removed'), h('th', { class: 'num' }, 'Seconds'))),
      h('tbody', {}, runs.map((r, i) => h('tr', { 'data-run': r.id },
        h('td', { 'data-label': 'Run' }, h('a', { href: '#/run/' + encodeURIComponent(r.id), class: 'mono' }, r.id)),
        h('td', { 'data-label': 'Started' }, labels[i]),
        h('td', { 'data-label': 'Status' }, badge(r.status)),
        h('td', { class: 'num', 'data-label': 'Added', 'data-field': 'added' }, String(r.counts.added)),
        h('td', { class: 'num', 'data-label': 'Updated', 'data-field': 'updated' }, String(r.counts.updated)),
        h('td', { class: 'num', 'data-label': 'Removed', 'data-field': 'removed' }, String(r.counts.removed)),
        h('td', { class: 'num', 'data-label': 'Seconds', 'data-field': 'seconds' }, String(seconds[i])))))));
}

// ---- the overview (#/overview) -------------------------------------------------------------

const OV_HEALTH_WORDS = { failing: 'failing', held: 'held', never_run: 'never run', healthy: 'healthy', paused: 'paused' };

async function overviewPage(nav) {
  setTitle('Overview');
  const data = await api('GET', '/api/overview');
  if (stale(nav)) return;
  const list = data.activations;
  const totals = Object.keys(OV_HEALTH_WORDS).filter(k => data.health[k]).map(k =>
    h('span', { class: 'badge health-' + k, 'data-health-total': k }, data.health[k] + ' ' + OV_HEALTH_WORDS[k]));
  setView(
    h('div', { class: 'bar' }, h('h1', {}, 'Overview'), h('div', { class: 'actions', id: 'health-totals' }, totals)),
    list.length ? h('table', { class: 'overview cards', id: 'overview' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Activation'), h('th', {}, 'Health'), h('th', {}, 'Last run'),
        h('th', {}, 'Last success'), h('th', { class: 'num' }, 'Failures in a row'), h('th', { class: 'num' }, 'Held runs'),
        h('th', {}, 'Next run'), h('th', {}, 'Recent runs'))),
      h('tbody', {}, list.map(a => ovRow(a))))
      : h('div', { class: 'card empty' }, 'No activations yet. ', h('a', { href: '#/new' }, 'Create one')),
    h('p', { class: 'muted small' }, 'Failing first. Failures in a row: failed runs since the last run that succeeded or was held. '
      + 'Held runs: runs a guard held since the last success, waiting to be accepted. As of ' + fmtTime(data.time) + '.'));
  if (list.some(a => a.running)) refreshTimer = setTimeout(route, 2000);
}

function ovRow(a) {
  const last = a.last_run;
  return h('tr', { 'data-activation': a.name, 'data-health': a.health },
    h('td', { 'data-label': 'Activation' }, h('a', { href: '#/runs/' + encodeURIComponent(a.name), class: 'name' }, a.name),
      a.running ? h('div', { class: 'small' }, h('a', { href: '#/run/' + encodeURIComponent(a.running), 'data-field': 'running' },
        badge('running'), ' now')) : null),
    h('td', { 'data-label': 'Health' }, h('span', { class: 'badge health-' + a.health, 'data-field': 'health' }, OV_HEALTH_WORDS[a.health] || a.health)),
    h('td', { 'data-label': 'Last run' }, last ? [h('a', { href: '#/run/' + encodeURIComponent(last.id), 'data-field': 'last_status' }, badge(last.status)),
      h('div', { class: 'muted small' }, fmtTime(last.startedAt))] : h('span', { class: 'muted', 'data-field': 'last_status' }, 'no runs')),
    h('td', { 'data-label': 'Last success' }, a.last_success_at
      ? h('time', { datetime: a.last_success_at, title: fmtTime(a.last_success_at), 'data-field': 'since_last_success' }, ovAgo(a.seconds_since_last_success))
      : h('span', { class: 'muted', 'data-field': 'since_last_success' }, 'never')),
    h('td', { class: 'num', 'data-label': 'Failures in a row', 'data-field': 'failures_in_a_row' }, fmtNumber(a.failures_in_a_row)),
    h('td', { class: 'num', 'data-label': 'Held runs', 'data-field': 'held_runs' }, fmtNumber(a.held_runs)),
    h('td', { 'data-label': 'Next run', class: 'small' }, a.next_run ? fmtTime(a.next_run) : h('span', { class: 'muted' }, a.paused ? 'paused' : 'not scheduled')),
    h('td', { 'data-label': 'Recent runs' }, ovStrip(a.recent)));
}

// The latest runs' statuses as a row of small marks, oldest first, each a link to its run.
function ovStrip(runs) {
  if (!runs.length) return h('span', { class: 'muted small' }, '—');
  const tally = {};
  for (const r of runs) tally[r.status] = (tally[r.status] || 0) + 1;
  const said = 'Last ' + runs.length + ' runs, oldest first: ' + Object.entries(tally).map(([s, n]) => n + ' ' + s).join(', ');
  return h('span', { class: 'strip', role: 'img', 'aria-label': said, title: said },
    runs.map(r => h('span', { class: 'tick ' + r.status, 'data-status': r.status })));
}

function ovAgo(seconds) {
  if (seconds == null) return 'never';
  if (seconds < 60) return seconds + ' s ago';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min ago';
  if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min ago';
  return Math.floor(seconds / 86400) + ' d ' + Math.floor((seconds % 86400) / 3600) + ' h ago';
}

PAGES['overview'] = (parts, nav) => overviewPage(nav);
