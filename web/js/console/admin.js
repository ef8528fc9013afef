/*
 * console/admin.js - the audit log for admins (#audit): every entry newest
 * first, filtered by actor, contest, action (a prefix ending in "." for a
 * family) and time, in pages, with what changed (before and after) shown on
 * request, and the same filters as CSV for Excel (GET /api/audit.csv).
 * Accounts and API tokens are on the account page (account.html).
 */

import { t } from '../i18n.js';
import { h } from '../dom.js';
import { api } from '../session.js';
import { errText, when, field, input, table, td, pager, card, downloadButton } from './ui.js';

const KEYS = ['actor', 'contest', 'action', 'from', 'to'];

export async function auditView(root, ctx, query) {
	const q = new URLSearchParams(query);
	const page = Number(q.get('page')) || 1;
	const filters = {};
	for (const k of KEYS) if (q.get(k)) filters[k] = q.get(k);
	const form = h('form', { class: 'filters', id: 'audit-filters', attrs: { novalidate: '' } },
		field('console.actor', input('actor', filters.actor, { maxlength: '64' })),
		field('console.contest', input('contest', filters.contest, { maxlength: '16' })),
		field('console.action', input('action', filters.action, { maxlength: '64', placeholder: 'contest.' })),
		field('console.from', input('from', filters.from, { type: 'date' })),
		field('console.to', input('to', filters.to, { type: 'date' })),
		h('button', { type: 'submit', class: 'btn', text: t('console.filter') }));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const n = new URLSearchParams();
		for (const k of KEYS) if (form[k].value.trim()) n.set(k, form[k].value.trim());
		location.hash = `#audit?${n}`;
	});
	const p = new URLSearchParams({ ...filters, page: String(page), per_page: '50' });
	const csv = new URLSearchParams(filters);
	const list = h('div', { id: 'audit' }, h('p', { class: 'muted', text: t('console.loading') }));
	root.replaceChildren(h('div', { class: 'view-head' }, h('h1', { text: t('console.audit') }),
		h('div', { class: 'links' },
			downloadButton('console.download_csv', `/api/audit.csv?${csv}`, { id: 'audit-csv' }),
			h('a', { class: 'btn link', href: 'account.html', text: t('console.accounts_tokens') }))),
	card(null, form, list));
	try {
		const r = await api('GET', `/api/audit?${p}`);
		const detail = (e) => {
			const parts = [];
			for (const k of ['before', 'after', 'detail']) if (e[k] !== null && e[k] !== undefined) parts.push(`${t(`console.${k}`)}: ${JSON.stringify(e[k])}`);
			return parts.length ? h('details', {}, h('summary', { text: t('console.changes') }), h('pre', { text: parts.join('\n') })) : '';
		};
		list.replaceChildren(table(['console.at', 'console.actor', 'console.ip', 'console.action', 'console.contest', 'console.target', ''],
			r.entries.map((e) => h('tr', { dataset: { action: e.action } }, td(when(e.at)), td(e.actor), td(e.ip || ''), td(h('code', { text: e.action })),
				td(e.contest || ''), td(e.target || ''), td(detail(e), 'detail'))), { empty: 'console.no_entries' }),
		pager(r.total, r.page, r.per_page, (n) => {
			const x = new URLSearchParams({ ...filters, page: String(n) });
			location.hash = `#audit?${x}`;
		}));
	} catch (e) {
		list.replaceChildren(h('p', { class: 'form-error', text: errText(e) }));
	}
}
