// Segments: the list and the builder (a model, nested all/any conditions, live counts and sample rows).
'use strict';

// ---- segment list --------------------------------------------------------------------------

async function segmentList(nav) {
  setTitle('Segments');
  loading();
  const data = await api('GET', '/api/segments');
  if (stale(nav)) return;
  const rows = data.segments.map(s => h('tr', { 'data-segment': s.name },
    h('td', {}, h('a', { href: '#/segment/' + encodeURIComponent(s.name) }, h('b', {}, s.name)),
      s.description ? h('div', { class: 'muted small' }, s.description) : null),
    h('td', {}, s.model),
    h('td', { class: 'small' }, s.editable ? 'editable' : h('span', { class: 'muted' }, 'written in ', h('code', {}, s.file))),
    h('td', {}, h('div', { class: 'actions' },
      h('a', { class: 'button', href: '#/segment/' + encodeURIComponent(s.name) }, s.editable ? 'Edit' : 'View'),
      h('a', { class: 'button', href: '#/new?segment=' + encodeURIComponent(s.name) }, 'Activate')))));
  setView(
    h('div', { class: 'bar' }, h('h1', {}, 'Segments'), h('a', { class: 'button primary', href: '#/segments/new' }, 'New segment')),
    rows.length ? h('table', { class: 'segments' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Segment'), h('th', {}, 'Model'), h('th', {}, 'Where'), h('th', {}, ''))),
      h('tbody', {}, rows))
      : h('div', { class: 'card empty' }, 'No segments yet. ', h('a', { href: '#/segments/new' }, 'Build the first one.')),
    h('p', { class: 'muted small' }, 'Segments built here are saved one file each in ', h('code', {}, data.segments_folder), '.'));
}

// ---- operators by attribute type (docs/workspace.md, "Filter operators") -------------------

const SEG_OPERATORS = {
  eq: 'equals', neq: 'is not', lt: 'less than', lte: 'at most', gt: 'greater than', gte: 'at least',
  between: 'between', in: 'is one of', not_in: 'is none of',
  contains: 'contains', not_contains: 'does not contain', starts_with: 'starts with', ends_with: 'ends with',
  within_last: 'within the last', is_null: 'is empty', is_not_null: 'is not empty',
};
const SEG_NUMERIC = ['integer', 'floating', 'decimal'];
const SEG_TEMPORAL = ['date', 'timestamp', 'timestamp_tz'];

function segOperatorsFor(type) {
  if (type === 'binary') return ['is_null', 'is_not_null'];
  const ops = ['eq', 'neq', 'in', 'not_in'];
  const ordered = SEG_NUMERIC.includes(type) || SEG_TEMPORAL.includes(type) || type === 'string' || type === 'time';
  if (ordered) ops.push('gt', 'gte', 'lt', 'lte', 'between');
  if (type === 'string') ops.push('contains', 'not_contains', 'starts_with', 'ends_with');
  if (SEG_TEMPORAL.includes(type)) ops.push('within_last');
  ops.push('is_null', 'is_not_null');
  return ops;
}

function segShape(op) {
  if (op === 'is_null' || op === 'is_not_null') return 'none';
  if (op === 'in' || op === 'not_in') return 'list';
  if (op === 'between') return 'pair';
  if (op === 'within_last') return 'duration';
  return 'one';
}

// A value as the input shows it, and back as the filter holds it (numbers and booleans typed).
function segShown(value, type) {
  if (value === undefined || value === null) return '';
  const text = String(value);
  if ((type === 'timestamp' || type === 'timestamp_tz') && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(text)) return text.replace(/Z$|[+-]\d\d:\d\d$/, '');
  return text;
}
function segTyped(text, type) {
  if (SEG_NUMERIC.includes(type) && text.trim() !== '' && isFinite(Number(text))) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

// ---- the builder ---------------------------------------------------------------------------

let segNodeId = 0;
function segGroup(combinator, children) { return { kind: 'group', id: ++segNodeId, combinator, children }; }
function segCondition(attribute, op, value) { return { kind: 'cond', id: ++segNodeId, attribute, op, value }; }

// The filter as written (a condition, or {all|any: [...]}) as the builder's tree, the top always a group.
function segFromFilter(f, top) {
  if (f && (Array.isArray(f.all) || Array.isArray(f.any))) {
    const combinator = Array.isArray(f.all) ? 'all' : 'any';
    return segGroup(combinator, f[combinator].map(c => segFromFilter(c, false)));
  }
  const c = segCondition(f && f.attribute || '', f && f.op || 'eq', f ? f.value : undefined);
  return top ? segGroup('all', [c]) : c;
}
function segToFilter(node) {
  if (node.kind === 'group') return { [node.combinator]: node.children.map(segToFilter) };
  const c = { attribute: node.attribute, op: node.op };
  if (segShape(node.op) !== 'none') c.value = node.value === undefined ? '' : node.value;
  return c;
}
function segCount(node) { return node.kind === 'group' ? node.children.reduce((n, c) => n + segCount(c), 0) : 1; }

async function segmentPage(name, nav) {
  setTitle(name ? 'Segment ' + name : 'New segment');
  loading();
  const [models, existing] = await Promise.all([api('GET', '/api/models'),
    name ? api('GET', '/api/segments/' + encodeURIComponent(name)) : Promise.resolve(null)]);
  if (stale(nav)) return;
  const readOnly = !!existing && !existing.editable;
  let columns = [];
  let root = existing && existing.filter ? segFromFilter(existing.filter, true) : segGroup('all', []);

  const nameIn = h('input', { type: 'text', id: 's-name', name: 'name', value: name || '', disabled: !!name, autocomplete: 'off', placeholder: 'e.g. older_buyers' });
  const descIn = h('input', { type: 'text', id: 's-description', name: 'description', value: existing && existing.description || '', disabled: readOnly });
  const modelSel = h('select', { id: 's-model', name: 'model', disabled: readOnly }, h('option', { value: '' }, '— choose —'),
    models.models.map(m => h('option', { value: m.name, selected: existing && existing.model === m.name }, m.name)));
  const builder = h('div', { class: 'seg-builder', id: 'seg-builder' });
  const count = h('strong', { id: 'seg-count' }, '—');
  const share = h('span', { id: 'seg-share', class: 'muted' });
  const status = h('div', { id: 'seg-status', class: 'hint', role: 'status' });
  const sample = h('div', { id: 'seg-sample', class: 'seg-sample' });
  const preview = h('section', { class: 'card seg-preview', id: 'seg-preview', 'data-state': 'idle', 'aria-live': 'polite' },
    h('h2', {}, 'Audience'), h('p', { class: 'seg-total' }, count, ' rows ', share), status, sample);
  const saveBtn = h('button', { type: 'submit', class: 'primary', id: 'seg-save', hidden: readOnly }, name ? 'Save changes' : 'Save segment');
  const actions = h('div', { class: 'actions' }, saveBtn,
    name ? h('a', { class: 'button', id: 'seg-activate', href: '#/new?segment=' + encodeURIComponent(name) }, 'Activate') : null,
    name && !readOnly ? h('button', { type: 'button', class: 'danger', id: 'seg-delete', onclick: remove }, 'Delete') : null,
    h('a', { class: 'button', href: '#/segments' }, 'Back to segments'));

  const form = h('form', { class: 'segment', novalidate: true, onsubmit: save },
    readOnly ? h('p', { class: 'card note', id: 'seg-readonly' }, 'This segment is written by hand in ', h('code', {}, existing.file),
      '; it can be viewed and activated here, and changed in that file.') : null,
    h('fieldset', {}, h('legend', {}, 'Segment'),
      h('div', { class: 'row' }, field('name', 'Name', nameIn, name ? 'names cannot be changed' : 'letters, digits, _ . -'),
        field('model', 'Model', modelSel, 'the rows to narrow')),
      field('description', 'Description', descIn, 'optional, free text')),
    h('fieldset', {}, h('legend', {}, 'Conditions'), builder),
    preview, actions);
  setView(h('div', { class: 'bar' }, h('h1', {}, name ? 'Segment ' + name : 'New segment')), form);

  modelSel.addEventListener('change', async () => {
    root = segGroup('all', []);
    await loadColumns();
    render();
    edited();
  });

  async function loadColumns() {
    columns = [];
    if (!modelSel.value) return;
    try {
      columns = (await api('GET', '/api/columns/' + encodeURIComponent(modelSel.value))).columns;
    } catch (e) {
      showBanner(problemText(e));
    }
  }
  function typeOf(attribute) { const c = columns.find(x => x.name === attribute); return c ? c.type : 'string'; }

  // ---- drawing the tree ----
  function render() {
    const focused = document.activeElement && document.activeElement.id;
    builder.replaceChildren(!modelSel.value ? h('p', { class: 'muted' }, 'Choose a model first.') : drawGroup(root, 'filter', null));
    if (focused) { const el = document.getElementById(focused); if (el) el.focus(); }
  }

  function drawGroup(g, path, parent) {
    const key = path + '.' + g.combinator;
    const comb = h('select', { id: 'g' + g.id + '-match', class: 'group-match', disabled: readOnly },
      h('option', { value: 'all', selected: g.combinator === 'all' }, 'all of these (and)'),
      h('option', { value: 'any', selected: g.combinator === 'any' }, 'any of these (or)'));
    comb.addEventListener('change', () => { g.combinator = comb.value; render(); edited(); });
    const head = h('div', { class: 'group-head' },
      h('label', { for: comb.id }, parent ? 'Group: rows matching' : 'Rows matching'), comb,
      parent && !readOnly ? h('button', { type: 'button', class: 'remove', 'aria-label': 'Remove this group', onclick: () => drop(parent, g) }, 'Remove group') : null);
    const items = g.children.map((c, i) => h('li', {}, c.kind === 'group' ? drawGroup(c, key + '[' + i + ']', g) : drawCondition(c, key + '[' + i + ']', g)));
    return h('div', { class: 'seg-group' + (parent ? ' nested' : ''), 'data-path': path, id: 'g' + g.id },
      head,
      items.length ? h('ol', { class: 'seg-items' }, items) : h('p', { class: 'muted small' }, parent ? 'An empty group: add a condition to it or remove it.' : 'No condition yet: every row of the model.'),
      h('div', { class: 'error', id: 'err-g' + g.id, 'data-error-path': key }),
      readOnly ? null : h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'add-cond', onclick: () => add(g, false) }, 'Add condition'),
        h('button', { type: 'button', class: 'add-group', onclick: () => add(g, true) }, 'Add group')));
  }

  function drawCondition(c, path, parent) {
    const p = 'c' + c.id;
    const attr = h('select', { id: p + '-attr', class: 'cond-attr', disabled: readOnly },
      columns.map(col => h('option', { value: col.name, selected: col.name === c.attribute }, col.name + ' (' + col.type.replace('_', ' ') + ')')));
    if (!columns.some(col => col.name === c.attribute)) attr.prepend(h('option', { value: c.attribute, selected: true }, c.attribute || '— choose —'));
    const type = typeOf(c.attribute);
    const ops = segOperatorsFor(type);
    if (!ops.includes(c.op)) ops.unshift(c.op);
    const op = h('select', { id: p + '-op', class: 'cond-op', disabled: readOnly }, ops.map(o => h('option', { value: o, selected: o === c.op }, SEG_OPERATORS[o] || o)));
    attr.addEventListener('change', () => {
      c.attribute = attr.value;
      const allowed = segOperatorsFor(typeOf(c.attribute));
      if (!allowed.includes(c.op)) c.op = allowed[0];
      c.value = undefined;
      render(); edited();
    });
    op.addEventListener('change', () => {
      const before = segShape(c.op);
      c.op = op.value;
      if (segShape(c.op) !== before) c.value = undefined;
      render(); edited();
    });
    return h('div', { class: 'seg-cond', 'data-path': path, id: p },
      h('div', { class: 'field' }, h('label', { for: attr.id }, 'Attribute'), attr, h('div', { class: 'error', id: 'err-' + p + '-attr', 'data-error-path': path + '.attribute' })),
      h('div', { class: 'field' }, h('label', { for: op.id }, 'Operator'), op, h('div', { class: 'error', id: 'err-' + p + '-op', 'data-error-path': path + '.op' })),
      valueEditor(c, p, type, path),
      readOnly ? null : h('button', { type: 'button', class: 'remove', 'aria-label': 'Remove this condition', onclick: () => drop(parent, c) }, 'Remove'));
  }

  // The value's input fits the attribute's type and the operator's shape.
  function input(id, type, value, onchange, labelText) {
    let el;
    if (type === 'boolean') {
      el = h('select', { id, disabled: readOnly }, h('option', { value: '' }, '—'),
        ['true', 'false'].map(v => h('option', { value: v, selected: String(value) === v }, v)));
    } else {
      const kind = SEG_NUMERIC.includes(type) ? 'number' : type === 'date' ? 'date' : type === 'time' ? 'time'
        : type === 'timestamp' || type === 'timestamp_tz' ? 'datetime-local' : 'text';
      el = h('input', { type: kind, id, value: segShown(value, type), disabled: readOnly, step: kind === 'number' ? 'any' : kind === 'datetime-local' || kind === 'time' ? '1' : null, autocomplete: 'off' });
    }
    el.classList.add('cond-input');
    el.addEventListener(el.tagName === 'SELECT' ? 'change' : 'input', () => { onchange(segTyped(el.value, type)); edited(); });
    if (labelText) el.setAttribute('aria-label', labelText);
    return el;
  }

  function valueEditor(c, p, type, path) {
    const shape = segShape(c.op);
    const err = h('div', { class: 'error', id: 'err-' + p + '-value', 'data-error-path': path + '.value' });
    if (shape === 'none') return h('div', { class: 'field cond-value-none' }, h('span', { class: 'hint' }, 'no value'), err);
    if (shape === 'duration') {
      const el = h('input', { type: 'text', id: p + '-value', class: 'cond-value cond-input', value: c.value === undefined ? '' : String(c.value), placeholder: 'e.g. 90d', disabled: readOnly, autocomplete: 'off' });
      el.addEventListener('input', () => { c.value = el.value; edited(); });
      return h('div', { class: 'field' }, h('label', { for: el.id }, 'Duration'), el, h('div', { class: 'hint' }, '90s, 15m, 6h, 30d, 2w'), err);
    }
    if (shape === 'pair') {
      const pair = Array.isArray(c.value) ? c.value.slice(0, 2) : ['', ''];
      while (pair.length < 2) pair.push('');
      c.value = pair;
      const low = input(p + '-value', type, pair[0], v => { pair[0] = v; }, null);
      const high = input(p + '-high', type, pair[1], v => { pair[1] = v; }, null);
      low.classList.add('cond-value', 'cond-low'); high.classList.add('cond-high');
      return h('div', { class: 'field' }, h('label', { for: low.id }, 'From'), low, h('label', { for: high.id }, 'To'), high, err);
    }
    if (shape === 'list') {
      const list = Array.isArray(c.value) ? c.value : c.value === undefined || c.value === '' ? [''] : [c.value];
      c.value = list;
      const items = list.map((v, i) => {
        const el = input(p + '-value' + (i ? '-' + i : ''), type, v, nv => { list[i] = nv; }, null);
        if (i === 0) el.classList.add('cond-value');
        el.classList.add('cond-item');
        return h('li', {}, h('label', { for: el.id, class: 'small' }, 'Value ' + (i + 1)), el,
          readOnly || list.length === 1 ? null : h('button', { type: 'button', class: 'remove-item', 'aria-label': 'Remove value ' + (i + 1),
            onclick: () => { list.splice(i, 1); render(); edited(); } }, '×'));
      });
      return h('div', { class: 'field' }, h('span', { class: 'label' }, 'Values'), h('ul', { class: 'cond-list' }, items),
        readOnly ? null : h('button', { type: 'button', class: 'add-item', onclick: () => { list.push(''); render(); edited();
          const last = document.getElementById(p + '-value-' + (list.length - 1)); if (last) last.focus(); } }, 'Add value'), err);
    }
    const el = input(p + '-value', type, c.value, v => { c.value = v; }, null);
    el.classList.add('cond-value');
    return h('div', { class: 'field' }, h('label', { for: el.id }, 'Value'), el,
      type === 'timestamp_tz' ? h('div', { class: 'hint' }, 'UTC') : null, err);
  }

  function add(g, group) {
    const first = columns[0];
    const c = segCondition(first ? first.name : '', first ? segOperatorsFor(first.type)[0] : 'eq', undefined);
    const node = group ? segGroup(g.combinator === 'all' ? 'any' : 'all', [c]) : c;
    g.children.push(node);
    render(); edited();
    const attr = document.getElementById('c' + c.id + '-attr');
    if (attr) attr.focus();
  }
  function drop(parent, node) {
    parent.children.splice(parent.children.indexOf(node), 1);
    render(); edited();
  }

  // ---- the live preview: debounced, numbered, the last answer wins ----
  let previewTimer = null;
  let previewSeq = 0;
  function edited() {
    clearTimeout(previewTimer);
    previewSeq++; // an answer to a request sent before this edit is stale
    preview.dataset.state = 'pending';
    previewTimer = setTimeout(refresh, 300);
  }
  async function refresh() {
    const seq = ++previewSeq;
    clearFilterErrors();
    if (!modelSel.value) { preview.dataset.state = 'idle'; status.textContent = 'Choose a model to see its rows.'; return; }
    const filter = segCount(root) ? segToFilter(root) : null;
    status.textContent = 'Counting…';
    try {
      const r = await api('POST', '/api/segments/preview', filter ? { model: modelSel.value, filter } : { model: modelSel.value });
      if (seq !== previewSeq) return;
      showPreview(r, !filter);
    } catch (e) {
      if (seq !== previewSeq) return;
      preview.dataset.state = 'error';
      count.textContent = '—'; share.textContent = ''; sample.replaceChildren();
      status.textContent = placeErrors(e) ? 'Fix the marked condition to see the count.' : problemText(e);
    }
  }
  function showPreview(r, whole) {
    const n = r.count;
    count.textContent = fmtNumber(n);
    count.dataset.count = String(n);
    share.textContent = r.model_count ? '(' + (100 * n / r.model_count).toFixed(1) + '% of ' + fmtNumber(r.model_count) + ' in ' + r.model + ')' : '';
    status.textContent = whole ? 'No condition: every row of the model.' : '';
    preview.dataset.state = 'ok';
    sample.replaceChildren(r.rows.length ? h('div', { class: 'seg-sample-wrap' }, h('table', { class: 'seg-rows', id: 'seg-rows' },
      h('caption', { class: 'muted small' }, 'The first ' + r.rows.length + ' rows'),
      h('thead', {}, h('tr', {}, r.columns.map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, r.rows.map(row => h('tr', {}, row.map(v => h('td', {}, v === null ? h('span', { class: 'muted' }, 'null') : String(v))))))))
      : h('p', { class: 'muted' }, 'No row matches.'));
  }

  function clearFilterErrors() {
    form.querySelectorAll('[data-error-path]').forEach(e => { e.textContent = ''; });
    form.querySelectorAll('.invalid').forEach(e => { e.classList.remove('invalid'); e.removeAttribute('aria-invalid'); });
    for (const k of ['name', 'model', 'description']) { const e = document.getElementById('err-' + k); if (e) e.textContent = ''; }
  }

  // Puts each error next to its field: filter.all[1].value → that condition's value. Whether all were placed.
  function placeErrors(e) {
    if (!(e instanceof ApiProblem) || !e.problem.errors) return false;
    let all = true;
    for (const f of e.problem.errors) {
      let target = null;
      if (['name', 'model', 'description'].includes(f.field)) target = document.getElementById('err-' + f.field);
      else {
        let path = f.field;
        while (path && !target) {
          target = form.querySelector('[data-error-path="' + CSS.escape(path) + '"]');
          if (!target) {
            const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
            path = cut > 0 ? path.slice(0, cut) : '';
            if (path && !target) {
              const node = form.querySelector('[data-path="' + CSS.escape(path) + '"]');
              if (node) target = node.querySelector(':scope > .error, :scope > .field > .error');
            }
          }
        }
      }
      if (!target) { all = false; continue; }
      target.textContent = (target.textContent ? target.textContent + ' ' : '') + f.message;
      const control = target.parentElement.querySelector('input, select');
      if (control) { control.classList.add('invalid'); control.setAttribute('aria-invalid', 'true'); control.setAttribute('aria-describedby', target.id); }
    }
    return all;
  }

  async function save(ev) {
    ev.preventDefault();
    clearTimeout(previewTimer);
    const body = { model: modelSel.value, filter: segToFilter(root) };
    if (descIn.value.trim()) body.description = descIn.value.trim();
    if (!name) body.name = nameIn.value.trim();
    clearFilterErrors();
    try {
      if (name) await api('PUT', '/api/segments/' + encodeURIComponent(name), body);
      else await api('POST', '/api/segments', body);
      const saved = name || body.name;
      if (name) { showBanner('Segment ' + saved + ' saved.', true); edited(); }
      else { location.hash = '#/segment/' + encodeURIComponent(saved); setTimeout(() => showBanner('Segment ' + saved + ' saved.', true), 50); }
    } catch (e) {
      const placed = placeErrors(e);
      showBanner(placed ? (e.problem.title || 'Not saved') + ': see the fields marked below.' : problemText(e));
      const first = form.querySelector('[aria-invalid=true]');
      if (first) first.focus();
    }
  }

  async function remove() {
    if (!confirm('Delete segment ' + name + '? Its file is deleted.')) return;
    try {
      await api('DELETE', '/api/segments/' + encodeURIComponent(name));
      location.hash = '#/segments';
      setTimeout(() => showBanner('Segment ' + name + ' deleted.', true), 50);
    } catch (e) {
      showBanner(problemText(e));
    }
  }

  await loadColumns();
  if (stale(nav)) return;
  render();
  if (modelSel.value) edited();
}

PAGES['segments'] = (parts, nav) => parts[1] === 'new' ? segmentPage(null, nav) : segmentList(nav);
PAGES['segment'] = (parts, nav) => parts[1] ? segmentPage(parts[1], nav) : segmentList(nav);
