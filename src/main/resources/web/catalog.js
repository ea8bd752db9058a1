// Models (columns, key, preview, count) and destinations (settings with secrets masked, Test).
'use strict';

// ---- models --------------------------------------------------------------------------------

async function modelList(nav) {
  setTitle('Models');
  loading();
  const data = await api('GET', '/api/models');
  if (stale(nav)) return;
  setView(
    h('h1', {}, 'Models'),
    data.models.length ? h('table', { class: 'catalog models' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Model'), h('th', {}, 'Source'), h('th', {}, 'Primary key'), h('th', { class: 'num' }, 'Rows'))),
      h('tbody', {}, data.models.map(m => h('tr', { 'data-model': m.name },
        h('td', { 'data-label': 'Model' }, h('a', { href: '#/model/' + encodeURIComponent(m.name) }, h('b', {}, m.name))),
        h('td', { 'data-label': 'Source' }, m.source),
        h('td', { 'data-label': 'Primary key' }, h('code', {}, m.primary_key.join(', '))),
        h('td', { class: 'num', 'data-label': 'Rows', 'data-count-of': m.name }, h('span', { class: 'muted' }, '…'))))))
      : h('div', { class: 'card empty' }, 'No models: add one under models: in the workspace file.'));
  // The row counts come from the sources, one model at a time: the list shows at once.
  for (const m of data.models) {
    const cell = view.querySelector('[data-count-of="' + CSS.escape(m.name) + '"]');
    try {
      const detail = await api('GET', '/api/models/' + encodeURIComponent(m.name));
      if (stale(nav)) return;
      cell.replaceChildren(fmtNumber(detail.count));
    } catch (e) {
      if (stale(nav)) return;
      cell.replaceChildren(h('span', { class: 'error', title: problemText(e) }, 'unavailable'));
    }
  }
}

async function modelPage(name, nav) {
  setTitle('Model ' + name);
  loading();
  const m = await api('GET', '/api/models/' + encodeURIComponent(name));
  if (stale(nav)) return;
  const keys = new Set(m.primary_key);
  setView(
    h('p', { class: 'small' }, h('a', { href: '#/models' }, '← Models')),
    h('h1', {}, 'Model ', h('span', { class: 'mono name' }, m.name)),
    h('dl', { class: 'kv card' },
      h('dt', {}, 'Source'), h('dd', {}, m.source),
      h('dt', {}, 'Primary key'), h('dd', {}, h('code', {}, m.primary_key.join(', '))),
      h('dt', {}, 'Rows'), h('dd', { id: 'model-count' }, fmtNumber(m.count))),
    h('h2', {}, 'Columns'),
    h('table', { class: 'catalog columns' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Column'), h('th', {}, 'Type'), h('th', {}, 'Source type'))),
      h('tbody', {}, m.columns.map(c => h('tr', { 'data-column': c.name },
        h('td', { 'data-label': 'Column' }, h('code', {}, c.name), keys.has(c.name) ? [' ', h('span', { class: 'badge key' }, 'key')] : null),
        h('td', { 'data-label': 'Type' }, c.type),
        h('td', { 'data-label': 'Source type' }, h('code', {}, c.source_type || '')))))),
    h('h2', {}, 'First rows'),
    h('p', { class: 'muted small' }, m.sample.rows.length < m.count
      ? 'The first ' + m.sample.rows.length + ' of ' + fmtNumber(m.count) + ' rows.' : 'All ' + fmtNumber(m.count) + ' rows.'),
    m.sample.rows.length ? h('div', { class: 'sample-wrap', tabindex: '0', role: 'region', 'aria-label': 'First rows of ' + m.name },
      h('table', { class: 'sample', id: 'model-sample' },
        h('thead', {}, h('tr', {}, m.sample.columns.map(c => h('th', {}, c)))),
        h('tbody', {}, m.sample.rows.map(r => h('tr', {}, r.map(v => v === null
          ? h('td', { class: 'muted' }, 'null') : h('td', { class: typeof v === 'number' ? 'num' : null }, String(v))))))))
      : h('div', { class: 'card empty' }, 'The model has no rows.'));
}

// ---- destinations --------------------------------------------------------------------------

async function destinationList(nav) {
  setTitle('Destinations');
  loading();
  const data = await api('GET', '/api/destinations');
  if (stale(nav)) return;
  setView(
    h('h1', {}, 'Destinations'),
    data.destinations.length ? h('div', { class: 'destinations' }, data.destinations.map(destinationCard))
      : h('div', { class: 'card empty' }, 'No destinations: add one under destinations: in the workspace file.'));
}

function destinationCard(d) {
  const answer = h('div', { class: 'check-answer', id: 'check-' + d.name, role: 'status', 'aria-live': 'polite' });
  const button = h('button', { class: 'primary', 'data-test': d.name, 'aria-describedby': 'check-' + d.name }, 'Test');
  button.addEventListener('click', async () => {
    button.disabled = true;
    answer.className = 'check-answer';
    answer.replaceChildren(h('span', { class: 'muted' }, 'Testing ' + d.where + '…'));
    try {
      const r = await api('POST', '/api/destinations/' + encodeURIComponent(d.name) + '/check');
      answer.className = 'check-answer ok';
      answer.replaceChildren('ok: ' + r.message);
    } catch (e) {
      answer.className = 'check-answer failed';
      answer.replaceChildren(problemText(e));
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'card destination', 'data-destination': d.name },
    h('div', { class: 'bar' }, h('h2', {}, h('span', { class: 'mono name' }, d.name), ' ', h('span', { class: 'badge' }, d.type)), button),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Where'), h('dd', { class: 'mono' }, d.where),
      d.settings.map(s => [h('dt', {}, s.key), h('dd', { class: s.secret ? 'secret' : 'mono', 'data-setting': s.key },
        s.secret ? [h('span', { class: 'badge' }, 'secret'), ' ', s.value] : s.value)])),
    answer);
}

PAGES['models'] = async (parts, nav) => modelList(nav);
PAGES['model'] = async (parts, nav) => modelPage(parts[1], nav);
PAGES['destinations'] = async (parts, nav) => destinationList(nav);
