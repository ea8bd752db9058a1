// Activations: the list (the home page) and the form that creates, edits and checks one.
'use strict';

// ---- activation list -----------------------------------------------------------------------

async function activationList(nav) {
  setTitle('Activations');
  loading();
  const data = await api('GET', '/api/activations');
  if (stale(nav)) return;
  const rows = data.activations.map(a => {
    const last = a.last_run;
    const running = a.running || (last && last.status === 'running');
    return h('tr', { 'data-activation': a.name },
      h('td', {}, h('a', { href: '#/runs/' + encodeURIComponent(a.name) }, h('b', {}, a.name)),
        h('div', { class: 'muted small' }, (a.model ? 'model ' + a.model : 'segment ' + a.segment) + ' → ' + a.destination)),
      h('td', { class: 'small' }, a.format, h('div', { class: 'muted' }, a.sync_mode.replace('_', ' '))),
      h('td', { class: 'small' }, a.schedule || h('span', { class: 'muted' }, 'manual only'),
        a.paused ? h('div', {}, h('span', { class: 'badge paused', title: pausedText(a) }, 'paused')) : null),
      lastRunCell(a, null), // runs.js: the last run, or the progress of the one going
      h('td', { class: 'small' }, a.next_run ? fmtTime(a.next_run) : h('span', { class: 'muted' }, '—')),
      h('td', {}, h('div', { class: 'actions' },
        h('button', { class: 'primary', 'data-action': 'run-now', disabled: !!running, title: running ? 'a run is going' : null,
          onclick: ev => { ev.target.disabled = true; runNow(a.name).then(() => { clearTimeout(refreshTimer); watchLastRuns(nav); }); } }, 'Run now'),
        h('a', { class: 'button', href: '#/edit/' + encodeURIComponent(a.name) }, a.editable ? 'Edit' : 'View'),
        h('a', { class: 'button', href: '#/runs/' + encodeURIComponent(a.name) }, 'History'),
        pauseToggle(a, () => route()))));
  });
  setView(
    h('div', { class: 'bar' }, h('h1', {}, 'Activations'), h('a', { class: 'button primary', href: '#/new' }, 'New activation')),
    rows.length ? h('table', { class: 'activations' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Activation'), h('th', {}, 'Format'), h('th', {}, 'Schedule'),
        h('th', {}, 'Last run'), h('th', {}, 'Next run'), h('th', {}, ''))),
      h('tbody', {}, rows))
      : h('div', { class: 'card empty' }, 'No activations yet. ', h('a', { href: '#/new' }, 'Create the first one.')),
    h('p', { class: 'muted small' }, 'Activations created here are saved one file each in ', h('code', {}, data.activations_folder), '.'));
  // runs.js follows the runs going in place (their "Last run" cells and "Run now" buttons).
  watchLastRuns(nav, data.activations.some(a => a.running || (a.last_run && a.last_run.status === 'running')) ? 1000 : 5000);
}

// ---- activation form -----------------------------------------------------------------------

const SYNC_MODES = {
  snapshot: 'every row, every run',
  upsert: 'added and updated rows',
  insert: 'added rows only',
  difference: 'three files: added, updated and removed rows',
};
const RUN_TYPES = {
  full_only: 'every run exports everything',
  full_then_delta: 'the first run exports everything, later runs only the changes',
};

function incompatibility(runType, syncMode) {
  if (syncMode === 'snapshot' && runType === 'full_then_delta')
    return 'Snapshot always exports everything, so it only goes with "full only". Choose run type full only, or another sync mode.';
  if (syncMode === 'difference' && runType === 'full_only')
    return 'Difference needs the previous run\'s state, so it only goes with "full then delta". Choose run type full then delta, or another sync mode.';
  return '';
}

// What a run type × sync mode pair exports, in one line (docs/runs.md has the table).
function modeSummary(runType, syncMode) {
  const later = {
    snapshot: 'every row',
    upsert: 'the added and updated rows',
    insert: 'the added rows',
    difference: 'three files: NAME_added, NAME_updated and NAME_removed',
  }[syncMode];
  if (runType === 'full_only') return 'Every run exports every row' + (syncMode === 'snapshot' ? ' and replaces its own file.' : ' (' + syncMode + ' files hold all rows).');
  if (syncMode === 'difference') return 'The first run puts every row in NAME_added (the other two empty); later runs write ' + later + ', by primary key.';
  return 'The first run exports every row; later runs export ' + later + ', compared by primary key with the last successful run.';
}

// A labelled field: the label points at the input's id; the hint and the error describe it.
function field(name, labelText, input, hint) {
  const hintId = hint ? 'hint-' + name : null;
  input.setAttribute('aria-describedby', [hintId, 'err-' + name].filter(Boolean).join(' '));
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: input.id }, labelText), input,
    hint ? h('div', { class: 'hint', id: hintId }, hint) : null,
    h('div', { class: 'error', id: 'err-' + name, 'aria-live': 'polite' }));
}

function select(id, options, value) {
  const el = h('select', { id: 'f-' + id, name: id });
  for (const [v, label] of options) el.append(h('option', { value: v, selected: v === value }, label));
  return el;
}

// ---- settings described by the server (GET /api/schema) --------------------------------------

// Every setting of an activation (and of each format) is described once on the server: key, kind,
// allowed values, default, group, order and help. The form draws what has no editor of its own from it.
let schemaRequest = null;
function settingsSchema() {
  if (!schemaRequest) schemaRequest = api('GET', '/api/schema').catch(e => { schemaRequest = null; throw e; });
  return schemaRequest;
}

function labelOf(key) {
  const text = key.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function hintOf(spec) {
  const fallback = spec.required || !spec.default_text ? '' : 'default: ' + spec.default_text;
  return [spec.help, fallback].filter(Boolean).join('; ');
}

// One value as a short text: lists joined, mappings as key: value.
function shown(value) {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    if (!value.length) return '[] (none)';
    return value.map(shown).join(value.some(v => v && typeof v === 'object') ? '; ' : ', ');
  }
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) => k + ': ' + shown(v)).join(', ');
  return String(value);
}

function numberOrText(text) { return /^\d+$/.test(text) ? Number(text) : text; }

// An editor for one described setting, named NAME (a key path): {el, read()}, read() giving undefined
// when the setting is left to its default. VALUE is the setting as written; KEEP says a value equal to the
// default is written back anyway (the file had it).
function settingEditor(spec, value, name, keep) {
  const id = 'f-' + name;
  const wrap = input => field(name, labelOf(spec.key), input, hintOf(spec));
  const has = value !== undefined && value !== null;
  switch (spec.kind) {
    case 'boolean': {
      if (spec.default !== null && spec.default !== undefined) {
        const box = h('input', { type: 'checkbox', id, name, checked: has ? value === true || value === 'true' : spec.default });
        const el = h('div', { class: 'field', 'data-field': name }, h('span', { class: 'label' }, labelOf(spec.key)),
          h('label', { class: 'hint', for: id }, box, ' ' + hintOf(spec)), h('div', { class: 'error', id: 'err-' + name }));
        return { el, input: box, read: () => (box.checked === spec.default && !(keep && has) ? undefined : box.checked) };
      }
      const sel = select(name, [['', 'default: ' + spec.default_text], ['true', 'true'], ['false', 'false']], has ? String(value) : '');
      return { el: field(name, labelOf(spec.key), sel, spec.help), input: sel, read: () => (sel.value ? sel.value === 'true' : undefined) };
    }
    case 'choice': {
      const options = spec.allowed.map(v => [v, v]);
      if (!spec.required) options.unshift(['', 'default: ' + spec.default_text]);
      const sel = select(name, options, has ? String(value) : '');
      return { el: field(name, labelOf(spec.key), sel, spec.help), input: sel, read: () => sel.value || undefined };
    }
    case 'integer': case 'count_or_percent': case 'size': case 'duration': case 'text': {
      const number = spec.kind === 'integer' || spec.kind === 'count_or_percent';
      const input = h('input', { type: spec.secret ? 'password' : 'text', id, name, value: has ? String(value) : '', autocomplete: 'off',
        placeholder: spec.default_text && !spec.required ? spec.default_text : null, inputmode: spec.kind === 'integer' ? 'numeric' : null,
        class: spec.kind === 'text' ? null : 'w-m' });
      return { el: wrap(input), input, read: () => {
        const v = input.value.trim();
        if (!v) return undefined;
        return number ? numberOrText(v) : v;
      } };
    }
    case 'text_list': case 'choice_list': {
      const input = h('input', { type: 'text', id, name, autocomplete: 'off', placeholder: spec.default_text || null,
        value: !has ? '' : Array.isArray(value) ? (value.length ? value.join(', ') : '[]') : String(value) });
      const el = field(name, labelOf(spec.key), input, [spec.help, 'names separated by commas; empty: ' + (spec.default_text || 'unset')].join('; '));
      return { el, input, read: () => {
        const v = input.value.trim();
        if (!v) return undefined;
        if (v === '[]') return [];
        return v.split(',').map(x => x.trim()).filter(Boolean);
      } };
    }
    case 'object':
      if (spec.children.length) {
        const given = has && typeof value === 'object' ? value : {};
        const parts = spec.children.map(c => settingEditor(c, given[c.key], name + '.' + c.key, keep));
        const el = h('div', { class: 'field group', 'data-field': name, id: 'f-' + name },
          h('span', { class: 'label' }, labelOf(spec.key)), h('div', { class: 'hint' }, hintOf(spec)),
          h('div', { class: 'row' }, parts.map(p => p.el)), h('div', { class: 'error', id: 'err-' + name, 'aria-live': 'polite' }));
        return { el, input: null, parts, read: () => {
          const out = Object.assign({}, given);
          for (let i = 0; i < parts.length; i++) {
            const v = parts[i].read();
            if (v === undefined) delete out[spec.children[i].key]; else out[spec.children[i].key] = v;
          }
          return Object.keys(out).length ? out : undefined;
        } };
      }
      // falls through: a mapping without described keys is edited as JSON
    default: {
      const area = h('textarea', { id, name, rows: 3, class: 'mono', spellcheck: 'false' });
      area.value = has ? JSON.stringify(value, null, 1) : '';
      const el = field(name, labelOf(spec.key), area, [spec.help, 'JSON; empty: ' + (spec.default_text || 'unset')].join('; '));
      return { el, input: area, read: () => {
        const v = area.value.trim();
        if (!v) return undefined;
        try { return JSON.parse(v); } catch (e) { return v; }
      } };
    }
  }
}

// The options of every format as one row of fields, each shown for the formats that have it. Options
// of the same key, kind and values share one input (compression of csv, json and xml); another one of
// the same key is named after its format (parquet.compression, #f-parquet-compression).
function formatOptionEditors(formats, fmt) {
  const slots = [];
  for (const [type, options] of Object.entries(formats)) {
    for (const spec of options) {
      const sig = spec.key + '|' + spec.kind + '|' + spec.allowed.join(',');
      let slot = slots.find(x => x.sig === sig);
      if (!slot) {
        const first = !slots.some(x => x.spec.key === spec.key);
        slot = { sig, spec, types: [], name: first ? 'format.' + spec.key : type + '.' + spec.key };
        slots.push(slot);
      }
      slot.types.push(type);
    }
  }
  for (const slot of slots) {
    const spec = slot.spec;
    const mine = slot.types.includes(fmt.type);
    const value = mine ? fmt[spec.key] : undefined;
    const kept = mine && Object.prototype.hasOwnProperty.call(fmt, spec.key);
    const id = slot.name.startsWith('format.') ? spec.key : slot.name.replace('.', '-');
    if (spec.kind === 'choice') {
      const sel = select(id, spec.allowed.map(v => [v, v + (v === spec.default ? ' (default)' : '')]), value !== undefined ? String(value) : spec.default);
      sel.name = id;
      slot.editor = { el: field(slot.name, labelOf(spec.key), sel, spec.help), input: sel,
        read: () => (sel.value === spec.default && !kept ? undefined : sel.value) };
    } else {
      const fieldSpec = Object.assign({}, spec, { key: spec.key });
      slot.editor = settingEditor(fieldSpec, value, slot.name, kept);
      if (slot.editor.input) { slot.editor.input.id = 'f-' + id; slot.editor.input.name = id; }
      const label = slot.editor.el.querySelector('label[for]');
      if (label) label.setAttribute('for', 'f-' + id);
    }
  }
  return slots;
}

function zoneList() {
  let zones = [];
  try { zones = Intl.supportedValuesOf('timeZone'); } catch (e) { zones = []; }
  return h('datalist', { id: 'zones' }, ['UTC', ...zones.filter(z => z !== 'UTC')].map(z => h('option', { value: z })));
}

async function activationForm(name, nav) {
  setTitle(name ? 'Edit ' + name : 'New activation');
  loading();
  const [models, segments, destinations, existing, schema] = await Promise.all([
    api('GET', '/api/models'), api('GET', '/api/segments'), api('GET', '/api/destinations'),
    name ? api('GET', '/api/activations/' + encodeURIComponent(name)) : Promise.resolve(null), settingsSchema()]);
  if (stale(nav)) return;
  const readOnly = !!existing && !existing.editable;
  if (readOnly) setTitle(name);
  const s = existing ? existing.settings : {};
  const fmt = typeof s.format === 'string' ? { type: s.format } : (s.format || { type: 'csv' });
  const schedule = s.schedule || null;
  const text = v => (v === undefined || v === null ? '' : String(v));

  // #/new?segment=NAME (the segment page's "Activate"): the segment chosen.
  const chosen = existing ? s.segment : hashParams().get('segment');
  const targetSel = h('select', { id: 'f-target', name: 'target' }, h('option', { value: '' }, '— choose —'),
    h('optgroup', { label: 'Models' }, models.models.map(m => h('option', { value: 'model:' + m.name, selected: s.model === m.name }, m.name))),
    h('optgroup', { label: 'Segments' }, segments.segments.map(g => h('option', { value: 'segment:' + g.name, selected: chosen === g.name }, g.name + ' (of ' + g.model + ')'))));
  const destSel = select('destination', [['', '— choose —'], ...destinations.destinations.map(d => [d.name, d.name + ' (' + d.type + ': ' + d.where + ')'])], s.destination || '');
  const nameIn = h('input', { type: 'text', id: 'f-name', name: 'name', value: name || '', placeholder: 'e.g. vip_daily', disabled: !!name, autocomplete: 'off' });
  const folderIn = h('input', { type: 'text', id: 'f-folder', name: 'folder', value: s.folder || '', placeholder: 'e.g. exports/vip (empty: bucket root)' });
  const fileIn = h('input', { type: 'text', id: 'f-file_name', name: 'file_name', value: s.file_name || (existing ? '{activation}' : '{activation}_{run}'), autocomplete: 'off' });
  const tzIn = h('input', { type: 'text', id: 'f-timezone', name: 'timezone', value: s.timezone || '', placeholder: 'UTC', list: 'zones', autocomplete: 'off' });
  const previewOut = h('div', { class: 'preview', id: 'file-preview', 'aria-live': 'polite' }, '…');
  const formatSel = select('format', [['csv', 'CSV'], ['json', 'JSON'], ['xml', 'XML'], ['parquet', 'Parquet']], fmt.type || 'csv');
  const formatSlots = formatOptionEditors(schema.formats, fmt);
  const formatOptions = h('div', { class: 'row', id: 'format-options' }, formatSlots.map(x => x.editor.el));

  // The settings without an editor of their own are drawn from their description.
  const CUSTOM = ['model', 'segment', 'destination', 'folder', 'file_name', 'timezone', 'format', 'mapping', 'run_type', 'sync_mode', 'schedule'];
  const generic = new Map();
  for (const spec of schema.activation.settings) {
    if (!CUSTOM.includes(spec.key)) generic.set(spec.key, settingEditor(spec, s[spec.key], spec.key, false));
  }

  const mappingOn = h('input', { type: 'checkbox', id: 'f-mapping-on', checked: Array.isArray(s.mapping) && s.mapping.length > 0 });
  const mappingBody = h('tbody', {});
  const mappingTable = h('table', { class: 'mapping', id: 'mapping' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Export'), h('th', {}, 'Model column'), h('th', {}, 'Type'), h('th', {}, 'Exported as'))), mappingBody);
  const mappingNote = h('div', { class: 'hint', id: 'mapping-note' });
  const mappingWarning = h('div', { class: 'explain', id: 'mapping-warning', role: 'status' });
  let columns = [];
  let primaryKey = [];

  const runTypeSel = select('run_type', Object.entries(RUN_TYPES).map(([k, v]) => [k, k.replace(/_/g, ' ') + ' — ' + v]), s.run_type || '');
  runTypeSel.prepend(h('option', { value: '', selected: !s.run_type }, 'default for the sync mode'));
  const syncSel = select('sync_mode', Object.entries(SYNC_MODES).map(([k, v]) => [k, k + ' — ' + v]), s.sync_mode || 'snapshot');
  const summary = h('div', { class: 'hint', id: 'mode-summary', role: 'status' });
  const explain = h('div', { class: 'explain', id: 'mode-explain', role: 'status' });

  const schedKind = schedule && schedule.cron ? 'cron' : schedule && schedule.every ? 'every' : 'none';
  const radios = ['none', 'every', 'cron'].map(k => h('label', {},
    h('input', { type: 'radio', name: 'schedule-kind', value: k, checked: k === schedKind }),
    { none: 'Manual only', every: 'Every…', cron: 'Cron…' }[k]));
  const everyIn = h('input', { type: 'text', id: 'f-every', name: 'every', value: schedule && schedule.every || '15m', class: 'w-s' });
  const cronIn = h('input', { type: 'text', id: 'f-cron', name: 'cron', value: schedule && schedule.cron || '0 6 * * *', class: 'w-m' });
  const cronTzIn = h('input', { type: 'text', id: 'f-cron-timezone', name: 'cron-timezone', value: schedule && schedule.timezone || 'UTC', class: 'w-l', list: 'zones', autocomplete: 'off' });
  const nextRuns = h('div', { class: 'hint', id: 'next-runs', 'aria-live': 'polite' });
  const everyRow = h('div', { class: 'row', id: 'every-row' }, field('schedule.every', 'Interval', everyIn, 'e.g. 15m, 1h, 1d (at least 1m)'));
  const cronRow = h('div', { class: 'row', id: 'cron-row' },
    field('schedule.cron', 'Cron expression', cronIn, 'five fields: minute hour day-of-month month day-of-week'),
    field('schedule.timezone', 'Time zone', cronTzIn, 'IANA name, e.g. Europe/Paris'));

  const saveBtn = h('button', { type: 'submit', class: 'primary', id: 'save' }, name ? 'Save changes' : 'Create activation');
  const validState = h('span', { class: 'hint', id: 'valid-state', role: 'status' });
  const custom = {
    model: h('div', { class: 'row' }, field('target', 'Model or segment', targetSel), field('destination', 'Destination', destSel)),
    folder: field('folder', 'Folder path', folderIn, 'where objects go in the destination; empty for the root'),
    file_name: [h('div', { class: 'row' },
      field('file_name', 'File name', fileIn, 'variables: {YYYY} {YY} {MM} {DD} {HH} {mm} {ss} {ms} {X} {x} {activation} {model} {run}'),
      field('timezone', 'Time zone of the name', tzIn, 'for the time variables; default UTC')),
      h('div', { class: 'field' }, h('span', { class: 'label', id: 'preview-label' }, 'Preview'), previewOut)],
    format: [field('format', 'Format', formatSel), formatOptions],
    mapping: [h('label', { class: 'hint', for: 'f-mapping-on' }, mappingOn, ' Choose and rename the exported attributes (otherwise every column is exported under its own name)'),
      mappingNote, mappingTable, mappingWarning, h('div', { class: 'error', id: 'err-mapping' })],
    sync_mode: [h('div', { class: 'row' }, field('run_type', 'Run type', runTypeSel), field('sync_mode', 'Sync mode', syncSel)), summary, explain],
    schedule: [h('div', { class: 'field', role: 'radiogroup', 'aria-label': 'Schedule' }, h('div', { class: 'radio' }, radios)), everyRow, cronRow, nextRuns,
      h('div', { class: 'error', id: 'err-schedule' })],
  };
  const groups = schema.activation.groups.map(g => ({ key: g.key, title: g.title, items: [] }));
  groups[0].items.push(field('name', 'Name', nameIn, name ? 'names cannot be changed' : 'letters, digits, _ . -'));
  for (const spec of schema.activation.settings) {
    let group = groups.find(g => g.key === spec.group);
    if (!group) { group = { key: spec.group, title: 'Other settings', items: [] }; groups.push(group); }
    if (generic.has(spec.key)) group.items.push(generic.get(spec.key).el);
    else if (custom[spec.key]) group.items.push(custom[spec.key]);
  }
  const fieldsets = groups.filter(g => g.items.length).map(g => h('fieldset', { 'data-group': g.key }, h('legend', {}, g.title), g.items));
  const form = h('form', { class: 'activation', novalidate: true }, zoneList(), ...fieldsets,
    h('div', { class: 'error', id: 'err-' }),
    readOnly ? h('div', { class: 'actions' }, h('a', { class: 'button', href: '#/runs/' + encodeURIComponent(name) }, 'Runs of ' + name),
      h('a', { class: 'button', href: '#/' }, 'Back'))
      : h('div', { class: 'actions' }, saveBtn,
        h('button', { type: 'button', id: 'check', onclick: () => submit(true) }, 'Check without saving'),
        h('button', { type: 'button', id: 'dry-run-button', 'aria-controls': 'dry-run', onclick: () => dryRun() }, 'What would the next run write?'),
        h('a', { class: 'button', href: '#/' }, 'Cancel'),
        name ? h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete') : null, validState));
  if (readOnly) for (const f of fieldsets) f.disabled = true;

  function target() {
    const v = targetSel.value;
    if (!v) return {};
    const [kind, n] = [v.slice(0, v.indexOf(':')), v.slice(v.indexOf(':') + 1)];
    return { [kind]: n };
  }

  function formatBody() {
    const type = formatSel.value;
    const f = Object.assign({}, fmt.type === type ? fmt : {}, { type });
    for (const slot of formatSlots) {
      if (!slot.types.includes(type)) continue;
      const v = slot.editor.read();
      if (v === undefined) delete f[slot.spec.key]; else f[slot.spec.key] = v;
    }
    return f;
  }

  function body() {
    const b = Object.assign({}, s);
    delete b.model; delete b.segment;
    Object.assign(b, { name: nameIn.value.trim() }, target());
    b.destination = destSel.value || undefined;
    if (folderIn.value.trim()) b.folder = folderIn.value.trim(); else delete b.folder;
    b.file_name = fileIn.value;
    if (tzIn.value.trim()) b.timezone = tzIn.value.trim(); else delete b.timezone;
    b.format = formatBody();
    for (const [key, editor] of generic) {
      const v = editor.read();
      if (v === undefined) delete b[key]; else b[key] = v;
    }
    if (!mappingOn.checked) delete b.mapping;
    else if (mappingBody.children.length) {
      // Until the model's columns have arrived, the mapping stays as written.
      b.mapping = [...mappingBody.querySelectorAll('tr')].filter(tr => tr.querySelector('input[type=checkbox]').checked)
        .map(tr => ({ from: tr.dataset.column, to: tr.querySelector('input[type=text]').value.trim() || tr.dataset.column }));
    }
    if (runTypeSel.value) b.run_type = runTypeSel.value; else delete b.run_type;
    b.sync_mode = syncSel.value;
    const kind = form.querySelector('input[name=schedule-kind]:checked').value;
    if (kind === 'every') b.schedule = { every: everyIn.value.trim() };
    else if (kind === 'cron') b.schedule = { cron: cronIn.value.trim(), timezone: cronTzIn.value.trim() || 'UTC' };
    else delete b.schedule;
    for (const k of Object.keys(b)) if (b[k] === undefined) delete b[k];
    return b;
  }

  function runType() { return runTypeSel.value || (syncSel.value === 'snapshot' ? 'full_only' : 'full_then_delta'); }

  function toggles() {
    const type = formatSel.value;
    for (const slot of formatSlots) slot.editor.el.hidden = !slot.types.includes(type);
    mappingTable.hidden = !mappingOn.checked || columns.length === 0;
    const kind = form.querySelector('input[name=schedule-kind]:checked').value;
    everyRow.hidden = kind !== 'every';
    cronRow.hidden = kind !== 'cron';
    nextRuns.hidden = kind === 'none';
    const clash = incompatibility(runType(), syncSel.value);
    summary.textContent = clash ? '' : runType().replace(/_/g, ' ') + ' × ' + syncSel.value + ': ' + modeSummary(runType(), syncSel.value);
    explain.textContent = clash;
    keyWarning();
  }

  // Upsert and difference compare rows by primary key: a key column left out of the mapping is worth a word.
  function keyWarning() {
    const mode = syncSel.value;
    const dropped = !mappingOn.checked ? [] : primaryKey.filter(k => {
      const tr = mappingBody.querySelector('tr[data-column="' + CSS.escape(k) + '"]');
      return tr && !tr.querySelector('input[type=checkbox]').checked;
    });
    mappingWarning.textContent = (mode === 'upsert' || mode === 'difference') && dropped.length
      ? 'Warning: ' + dropped.join(', ') + (dropped.length > 1 ? ' are' : ' is') + ' the primary key. A ' + mode
        + ' file without ' + (dropped.length > 1 ? 'them' : 'it') + ' does not say which row each line replaces; keep it ticked.'
      : '';
  }

  async function loadColumns() {
    const t = target();
    const n = t.model || t.segment;
    columns = [];
    primaryKey = [];
    mappingBody.replaceChildren();
    if (!n) { mappingNote.textContent = 'Choose a model or segment to see its columns.'; toggles(); return; }
    try {
      const data = await api('GET', '/api/columns/' + encodeURIComponent(n));
      columns = data.columns;
      primaryKey = data.primary_key || [];
      mappingNote.textContent = 'Columns of model ' + data.model + ' (primary key: ' + primaryKey.join(', ') + ').';
    } catch (e) {
      mappingNote.textContent = 'Columns unavailable: ' + problemText(e);
    }
    const mapped = new Map((s.mapping || []).map(m => [m.from, m.to || m.from]));
    const order = [...(s.mapping || []).map(m => m.from).filter(c => columns.some(x => x.name === c)),
      ...columns.map(c => c.name).filter(c => !mapped.has(c))];
    for (const c of order) {
      const col = columns.find(x => x.name === c);
      mappingBody.append(h('tr', { 'data-column': c },
        h('td', {}, h('input', { type: 'checkbox', checked: mapped.size === 0 || mapped.has(c), 'aria-label': 'export ' + c })),
        h('td', { class: 'mono' }, c, primaryKey.includes(c) ? h('span', { class: 'muted small' }, ' (key)') : null),
        h('td', { class: 'muted small' }, col.source_type),
        h('td', {}, h('input', { type: 'text', value: mapped.get(c) || c, 'aria-label': c + ' exported as' }))));
    }
    toggles();
  }

  function fileNames(names) {
    const folder = folderIn.value.trim().replace(/^\/+|\/+$/g, '');
    return names.map(n => (folder ? folder + '/' : '') + n);
  }

  let previewSeq = 0;
  let previewTimer = null;
  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, 150);
  }
  async function preview() {
    const seq = ++previewSeq;
    const b = body();
    const req = { name: b.name, file_name: b.file_name, format: b.format, sync_mode: b.sync_mode };
    for (const k of ['timezone', 'model', 'segment', 'run_type', 'max_file_size', 'max_rows_per_file', 'manifest']) if (b[k] !== undefined) req[k] = b[k];
    try {
      const r = await api('POST', '/api/file-name-preview', req);
      if (seq !== previewSeq) return;
      const names = fileNames(r.file_names || [r.file_name]);
      previewOut.replaceChildren('A run now would write ', h('strong', { id: 'file-preview-name' }, names[0]),
        ...names.slice(1).flatMap(n => [', ', h('strong', { class: 'file-preview-more' }, n)]));
      for (const f of ['file_name', 'timezone', 'format', 'max_file_size', 'max_rows_per_file']) setError(f, '');
    } catch (e) {
      if (seq !== previewSeq) return;
      previewOut.textContent = 'No preview: fix the fields marked.';
      if (e instanceof ApiProblem && e.problem.errors) for (const f of e.problem.errors) setError(f.field, f.message);
    }
  }

  // The schedule's next three times, from the server (cron on the zone's wall clock, as the scheduler does).
  let nextSeq = 0;
  let nextTimer = null;
  function scheduleNextRuns() {
    clearTimeout(nextTimer);
    nextTimer = setTimeout(showNextRuns, 250);
  }
  async function showNextRuns() {
    const seq = ++nextSeq;
    const b = body();
    if (!b.schedule) { nextRuns.textContent = ''; return; }
    try {
      const r = await api('POST', '/api/schedule-preview', b.schedule);
      if (seq !== nextSeq) return;
      nextRuns.replaceChildren('Next runs: ', ...r.next_runs.flatMap((n, i) => [i ? ' · ' : '', h('span', { class: 'next-run' }, n.local)]));
    } catch (e) {
      if (seq !== nextSeq) return;
      nextRuns.textContent = 'Next runs: none until the schedule is fixed.';
    }
  }

  function inputOf(fieldName) {
    const at = '[data-field="' + CSS.escape(fieldName) + '"] ';
    return form.querySelector(at + 'input, ' + at + 'select, ' + at + 'textarea');
  }

  function setError(fieldName, message) {
    if (fieldName.startsWith('format.')) {
      const slot = formatSlots.find(x => x.spec.key === fieldName.slice(7) && x.types.includes(formatSel.value));
      if (slot) fieldName = slot.name;
    }
    const el = document.getElementById('err-' + fieldName);
    if (el) el.textContent = message;
    const input = inputOf(fieldName);
    if (input) {
      input.classList.toggle('invalid', !!message);
      if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    }
    return !!el;
  }

  function clearErrors() {
    form.querySelectorAll('.error').forEach(e => { e.textContent = ''; });
    form.querySelectorAll('.invalid').forEach(e => { e.classList.remove('invalid'); e.removeAttribute('aria-invalid'); });
  }

  function placeOf(fieldName) {
    let key = fieldName;
    if (key === 'model' || key === 'segment') key = 'target';
    if (key.startsWith('mapping')) key = 'mapping';
    if (/\[\d+\]/.test(key)) key = key.replace(/\[\d+\].*$/, '');
    if (key === 'format.type') key = 'format';
    if (key === 'schedule.timezone' && !document.getElementById('err-schedule.timezone')) key = 'schedule';
    return key;
  }

  function showErrors(e, quiet) {
    if (!(e instanceof ApiProblem)) { if (!quiet) showBanner(String(e.message || e)); return; }
    const unplaced = [];
    for (const f of e.problem.errors || []) {
      const key = placeOf(f.field);
      if (!setError(key, f.message) && !setError(key.split('.')[0], f.message)) unplaced.push((f.field ? f.field + ': ' : '') + f.message);
    }
    if (quiet) validState.textContent = unplaced.length ? unplaced.join('; ') : 'Not valid yet: see the fields marked above.';
    else {
      if (!e.problem.errors || unplaced.length) showBanner([e.problem.detail, ...unplaced].filter(Boolean).join('\n'));
      else showBanner(e.problem.title + ': see the fields marked below.');
      const first = form.querySelector('[aria-invalid=true]:not([hidden])');
      if (first) first.focus();
    }
  }

  // Inline validation: the server checks the form as it would on save, a moment after each change.
  let validateTimer = null;
  let validateSeq = 0;
  function scheduleValidate() {
    clearTimeout(validateTimer);
    validateTimer = setTimeout(autoValidate, 600);
  }
  async function autoValidate() {
    const b = body();
    if (!b.name || !(b.model || b.segment) || !b.destination) return;
    const seq = ++validateSeq;
    validState.textContent = 'Checking…';
    try {
      const r = await api('POST', '/api/activations/validate', b);
      if (seq !== validateSeq) return;
      clearErrors();
      showBanner('');
      const warnings = (r.warnings || []).map(w => 'Warning: ' + w.message);
      validState.textContent = ['Valid.', ...warnings].join(' ');
    } catch (e) {
      if (seq !== validateSeq) return;
      clearErrors();
      showErrors(e, true);
    }
  }

  async function submit(checkOnly) {
    clearTimeout(validateTimer);
    validateSeq++;
    validState.textContent = '';
    clearErrors();
    showBanner('');
    const b = body();
    saveBtn.disabled = true;
    try {
      if (checkOnly) {
        const r = await api('POST', '/api/activations/validate', b);
        const warnings = (r.warnings || []).map(w => '\nWarning: ' + w.message).join('');
        const next = (r.next_runs || []).length ? '\nNext runs: ' + r.next_runs.map(n => n.local).join(' · ') : '';
        showBanner('Valid. A run now would write ' + (r.files || [r.file_name]).join(', ') + '.' + next + warnings, true);
      } else if (name) {
        delete b.name;
        await api('PUT', '/api/activations/' + encodeURIComponent(name), b);
        location.hash = '#/';
      } else {
        await api('POST', '/api/activations', b);
        location.hash = '#/runs/' + encodeURIComponent(b.name);
      }
    } catch (e) {
      showErrors(e);
    } finally {
      saveBtn.disabled = false;
    }
  }

  // The dry run of the form's unsaved settings (sluice run --dry-run): counts and objects per file, nothing written.
  const dryRunOut = h('section', { class: 'card dry-run', id: 'dry-run', 'aria-live': 'polite', hidden: true });
  async function dryRun() {
    clearTimeout(validateTimer);
    validateSeq++;
    clearErrors();
    showBanner('');
    const button = document.getElementById('dry-run-button');
    button.disabled = true;
    dryRunOut.hidden = false;
    dryRunOut.replaceChildren(h('p', { class: 'muted' }, 'Reading the model and comparing with the last run… nothing is written.'));
    try {
      const r = await api('POST', '/api/activations/dry-run', body());
      dryRunOut.replaceChildren(...dryRunAnswer(r));
      dryRunOut.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      dryRunOut.hidden = true;
      showErrors(e);
    } finally {
      button.disabled = false;
    }
  }

  async function remove() {
    if (!confirm('Delete activation ' + name + '? Its run history is kept.')) return;
    try {
      await api('DELETE', '/api/activations/' + encodeURIComponent(name));
      location.hash = '#/';
    } catch (e) { showBanner(problemText(e)); }
  }

  form.addEventListener('submit', ev => { ev.preventDefault(); if (!readOnly) submit(false); });
  form.addEventListener('change', toggles);
  if (!readOnly) form.addEventListener('change', scheduleValidate);
  form.addEventListener('input', schedulePreview);
  form.addEventListener('change', schedulePreview);
  for (const el of [everyIn, cronIn, cronTzIn]) el.addEventListener('input', scheduleNextRuns);
  form.querySelectorAll('input[name=schedule-kind]').forEach(r => r.addEventListener('change', scheduleNextRuns));
  targetSel.addEventListener('change', loadColumns);
  mappingOn.addEventListener('change', toggles);
  mappingBody.addEventListener('change', keyWarning);

  setView(h('div', { class: 'bar' }, h('h1', {}, readOnly ? name : name ? 'Edit ' + name : 'New activation')),
    readOnly ? h('p', { class: 'card note', id: 'read-only-note' }, name + ' is written by hand in ', h('code', {}, existing.file),
      '; change it there. The web UI edits only the activations it saved itself, in its activations folder.') : null,
    form, dryRunOut);
  toggles();
  preview();
  showNextRuns();
  loadColumns();
}

// A dry run's answer: the line of 'sluice run --dry-run' and a table of the files it would write.
function dryRunAnswer(r) {
  const c = r.counts;
  const out = [h('h2', {}, 'What the next run would write'),
    h('p', { id: 'dry-run-summary' }, 'A ', h('b', { 'data-dry': 'kind' }, r.kind), ' run would export from ', fmtNumber(c.read), ' rows read (',
      fmtNumber(c.added), ' added, ', fmtNumber(c.updated), ' updated, ', fmtNumber(c.removed), ' removed, ',
      fmtNumber(c.unchanged), ' unchanged, ', fmtNumber(c.skipped), ' left out)', r.fullReason ? ' — full: ' + r.fullReason : '', '.'),
    r.files.length ? h('table', { class: 'dry-files', id: 'dry-run-files' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Output'), h('th', {}, 'Object'), h('th', { class: 'num' }, 'Rows'))),
      h('tbody', {}, r.files.map(f => h('tr', { 'data-object': f.object },
        h('td', { 'data-label': 'Output' }, f.output.replace(/_/g, ' ')),
        h('td', { 'data-label': 'Object', class: 'mono object' }, f.object),
        h('td', { 'data-label': 'Rows', class: 'num' }, f.output === 'manifest' ? '—' : fmtNumber(f.rows))))))
      : h('p', { class: 'muted' }, 'No file: every output would be empty and empty_files is skip.')];
  for (const g of r.guards || []) out.push(h('p', { class: 'small' }, 'Guard ' + g.guard + (g.limit ? ' ' + g.limit : '') + ': ' + g.outcome.replace(/_/g, ' ')));
  if (r.retention && r.retention.wouldDelete && r.retention.wouldDelete.length)
    out.push(h('p', { class: 'small' }, 'Retention would delete ' + r.retention.wouldDelete.length + ' objects of earlier runs.'));
  out.push(h('p', { class: 'muted small' }, 'Nothing was written, published or recorded; saving is separate.'));
  return out;
}

// ---- pause and full resync (the list and an activation's runs page) -------------------------

// The chain an activation is part of (its after setting): the activations it runs after, what it
// waits for, and the activations that run after it, each with its latest run. Shown on its runs page.
function chainCard(a) {
  const chain = a.chain || { upstream: [], downstream: [] };
  if (!chain.upstream.length && !chain.downstream.length) return null;
  const link = l => h('li', { 'data-chain': l.name },
    h('a', { href: '#/runs/' + encodeURIComponent(l.name) }, l.name), ' ',
    l.status ? badge(l.status) : h('span', { class: 'muted small' }, 'never run'),
    l.waiting ? h('div', { class: 'muted small' }, l.waiting) : null);
  return h('section', { class: 'card chain', id: 'chain', 'aria-label': 'Chain' },
    h('h2', {}, 'Chain'),
    chain.upstream.length ? [h('div', { class: 'label' }, 'Runs after'), h('ul', { id: 'chain-upstream' }, chain.upstream.map(link))] : null,
    chain.upstream.length ? h('p', { id: 'chain-waiting', class: a.waiting ? 'note' : 'muted small' },
      a.waiting ? a.waiting : 'Waits for nothing: every activation it runs after has succeeded since its last run.') : null,
    chain.downstream.length ? [h('div', { class: 'label' }, 'Then runs'), h('ul', { id: 'chain-downstream' }, chain.downstream.map(link))] : null);
}

function pausedText(a) {
  if (!a.paused) return '';
  return a.enabled === false ? 'paused: ' + a.paused_by : 'paused by ' + a.paused_by + ' since ' + fmtTime(a.paused_since);
}

// Pause / Resume: the scheduler skips a paused activation; a run by hand still runs, with a warning.
function pauseToggle(a, after) {
  const fromFile = a.enabled === false;
  return h('button', { type: 'button', 'data-pause': a.name, 'aria-pressed': a.paused ? 'true' : 'false',
    disabled: fromFile, title: fromFile ? 'enabled: false in ' + a.file + ': change the file to resume it' : pausedText(a) || 'the scheduler skips a paused activation',
    onclick: async ev => {
      ev.target.disabled = true;
      try {
        const r = await api('POST', '/api/activations/' + encodeURIComponent(a.name) + (a.paused ? '/resume' : '/pause'));
        showBanner(r.message, true);
        if (after) after(r);
      } catch (e) {
        showBanner(problemText(e));
        ev.target.disabled = false;
      }
    } }, a.paused ? 'Resume' : 'Pause');
}

// What the consumer receives from a full resync, per run type × sync mode (docs/runs.md, docs/workspace.md).
function resyncText(a) {
  const head = 'Full resync of ' + a.name + ': the next run reads every row of ' + (a.model ? 'model ' + a.model : 'segment ' + a.segment)
    + ' and exports as a full run; later runs compare with it.\n\n';
  let what;
  if (a.sync_mode === 'snapshot' || a.run_type === 'full_only')
    what = 'The consumer receives every row, as on every run of this activation (' + a.run_type.replace(/_/g, ' ') + ', ' + a.sync_mode + '): nothing changes for it.';
  else if (a.sync_mode === 'upsert')
    what = 'The consumer receives every row in one file, not only the added and updated ones: rows it already has come again, and upserting them by key leaves them as they are.';
  else if (a.sync_mode === 'insert')
    what = 'The consumer receives every row, not only the new keys: rows it already has come again as inserts, so a consumer that appends will hold them twice.';
  else
    what = 'The consumer receives three files: _added with the rows whose key is new, _removed with the rows whose key has gone since the last successful run (their last values), and _updated with every other row, changed or not. Without an earlier run every row is in _added.';
  return head + what + '\n\nStart the full resync now?';
}

function fullResyncButton(a, after) {
  return h('button', { type: 'button', id: 'full-resync', disabled: !!a.running, onclick: async ev => {
    if (!confirm(resyncText(a))) return;
    ev.target.disabled = true;
    try {
      const run = await api('POST', '/api/activations/' + encodeURIComponent(a.name) + '/runs?full_resync=true');
      showBanner('Full resync ' + run.id + ' of ' + a.name + ' started.', true);
      if (after) after(run);
    } catch (e) {
      showBanner(problemText(e));
      ev.target.disabled = false;
    }
  } }, 'Full resync');
}

PAGES[''] = (parts, nav) => activationList(nav);
PAGES['new'] = (parts, nav) => activationForm(null, nav);
PAGES['edit'] = (parts, nav) => parts[1] ? activationForm(parts[1], nav) : activationList(nav);
