/*
 * console/roster.js - the enterprise's roster (#roster): the unit tree with
 * headcounts (a unit chosen narrows the workers list), the workers searched
 * by employee number or name in pages, the import of an XLSX or CSV file as
 * a job (merge or replace; every refused row with its sheet, row, column and
 * reason, nothing imported then) and the template workbook.
 */

import { t } from '../i18n.js';
import { h } from '../dom.js';
import { api } from '../session.js';
import { errText, when, field, input, select, table, td, pager, card, importForm } from './ui.js';

function rosterReport(job) {
	const r = job.report || {};
	const ok = job.status === 'done' && r.imported;
	const lang = document.documentElement.lang;
	const rows = (r.problems || []).map((p) => h('tr', {},
		td(r.file || ''), td(p.sheet ? `${p.sheet} · ${p.row ?? ''}` : String(p.row ?? '')), td(p.column || ''),
		td(lang === 'en' ? (p.message_en || p.message) : p.message, 'reason')));
	return h('div', { class: 'report', id: 'import-report', dataset: { status: job.status } },
		h('p', { class: ok ? 'ok-line' : 'form-error', id: 'import-summary',
			text: ok ? t('console.roster_done', { rows: r.rows, added: r.added, updated: r.updated, units: r.units_added, off: r.deactivated })
				: t('console.import_refused', { refused: r.refused ?? 0, rows: r.rows ?? 0 }) }),
		rows.length ? table(['console.file', 'console.row', 'console.column', 'console.reason'], rows, { id: 'refused-rows' }) : null);
}

function tree(units, chosen, pick) {
	return h('ul', { class: 'tree' }, units.map((u) => h('li', {},
		h('button', { type: 'button', class: `unit${u.id === chosen ? ' on' : ''}`, dataset: { path: u.path }, onclick: () => pick(u) },
			h('span', { class: 'uname', text: u.name }), h('span', { class: 'count', text: t('console.headcount', { n: u.headcount }) })),
		u.children && u.children.length ? tree(u.children, chosen, pick) : null)));
}

export async function rosterView(root) {
	const st = { unit: null, q: '', page: 1 };
	const treeBox = h('div', { id: 'unit-tree' }, h('p', { class: 'muted', text: t('console.loading') }));
	const workers = h('div', { id: 'workers' });
	const total = h('p', { class: 'muted', id: 'roster-total' });
	const loadWorkers = async () => {
		const p = new URLSearchParams({ page: String(st.page), per_page: '50' });
		if (st.unit) p.set('unit', String(st.unit.id));
		if (st.q) p.set('q', st.q);
		try {
			const r = await api('GET', `/api/roster/workers?${p}`);
			workers.replaceChildren(
				st.unit ? h('p', { class: 'chosen' }, t('console.unit_chosen'), ' ', h('b', { text: st.unit.path }), ' ',
					h('button', { type: 'button', class: 'btn', text: t('console.all_units'), onclick: () => { st.unit = null; st.page = 1; loadAll(); } })) : null,
				table(['console.employee_no', 'console.name', 'console.unit', 'console.phone_tail', 'console.active', 'console.updated'],
					r.workers.map((w) => h('tr', { class: w.active ? '' : 'off', dataset: { employee: w.employee_no } },
						td(w.employee_no), td(w.name), td(w.unit.path), td(w.phone_tail || ''), td(t(w.active ? 'console.yes' : 'console.left')), td(when(w.updated_at)))),
					{ empty: 'console.no_workers' }),
				pager(r.total, r.page, r.per_page, (n) => { st.page = n; loadWorkers(); }));
		} catch (e) {
			workers.replaceChildren(h('p', { class: 'form-error', text: errText(e) }));
		}
	};
	const loadTree = async () => {
		try {
			const r = await api('GET', '/api/units');
			total.textContent = t('console.roster_total', { n: r.total });
			treeBox.replaceChildren(r.units.length ? tree(r.units, st.unit && st.unit.id, (u) => { st.unit = u; st.page = 1; loadAll(); })
				: h('p', { class: 'muted', text: t('console.no_units') }));
		} catch (e) {
			treeBox.replaceChildren(h('p', { class: 'form-error', text: errText(e) }));
		}
	};
	const loadAll = () => Promise.all([loadTree(), loadWorkers()]);
	const search = h('form', { class: 'filters', attrs: { novalidate: '' } },
		field('console.search', input('q', '', { type: 'search', placeholder: t('console.search_worker_ph') })),
		h('button', { type: 'submit', class: 'btn', text: t('console.filter') }));
	search.addEventListener('submit', (ev) => {
		ev.preventDefault();
		st.q = search.q.value.trim();
		st.page = 1;
		loadWorkers();
	});
	const imp = importForm({
		accept: '.xlsx,.csv',
		extra: [field('console.import_mode', select('mode', [['merge', 'console.roster_merge'], ['replace', 'console.roster_replace']], 'merge'))],
		url: (f, form) => `/api/roster/import?${new URLSearchParams({ filename: f.name, mode: form.mode.value })}`,
		report: rosterReport,
		onDone: loadAll,
	});
	root.replaceChildren(
		h('div', { class: 'view-head' }, h('h1', { text: t('console.roster') }),
			h('a', { class: 'btn link', href: '/api/roster/template.xlsx', text: t('console.roster_template'), attrs: { download: '' } })),
		card('console.roster_import', h('p', { class: 'muted small', text: t('console.roster_import_help') }), imp),
		h('div', { class: 'roster-grid' },
			card('console.units', total, treeBox),
			card('console.workers', search, workers)));
	await loadAll();
}
