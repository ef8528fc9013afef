/*
 * console/contest-extra.js - the cards beside a contest's form: the screen
 * key and the screen's URL (a new key on request), grants (who else works
 * on the contest: organizer, judge, screen, viewer; the owner and admins
 * change them), the contest's roster (open joining or real-name joining
 * against chosen units) and its join exceptions (approve, refuse, or add
 * one nobody asked for yet).
 */

import { t } from '../i18n.js';
import { h, toast } from '../dom.js';
import { api } from '../session.js';
import { errText, showError, errorBox, field, input, select, button, table, td, card } from './ui.js';

const GRANT_ROLES = ['organizer', 'judge', 'screen', 'viewer'];

async function screenCard(box, c) {
	const out = h('div', {}, h('p', { class: 'muted', text: t('console.loading') }));
	const err = errorBox();
	const render = (k) => {
		out.replaceChildren(
			h('p', { class: 'muted small', text: t(k.screen_key ? 'console.screen_help' : 'console.screen_open') }),
			h('a', { id: 'screen-url', class: 'url', href: k.screen_url, target: '_blank', rel: 'noopener', text: k.screen_url }));
	};
	const rotate = button('console.screen_rotate', async () => {
		if (!confirm(t('console.screen_rotate_confirm'))) return;
		try {
			render(await api('POST', `/api/console/contests/${c.code}/screen-key`));
			toast(t('console.screen_rotated'), 'info');
		} catch (e) {
			showError(err, e);
		}
	}, '', { id: 'screen-rotate' });
	box.append(card('console.screen', out, c.my_role === 'screen' ? null : rotate, err));
	try {
		render(await api('GET', `/api/console/contests/${c.code}/screen-key`));
	} catch (e) {
		out.replaceChildren(h('p', { class: 'form-error', text: errText(e) }));
	}
}

async function grantsCard(box, c) {
	const mayChange = c.my_role === 'owner' || c.my_role === 'admin';
	const list = h('div', { id: 'grants' });
	const err = errorBox();
	let grants = [];
	const save = async (next) => {
		showError(err, '');
		try {
			const r = await api('PUT', `/api/console/contests/${c.code}/grants`, { grants: next });
			grants = r.grants;
			render(r);
			return true;
		} catch (e) {
			showError(err, e);
			return false;
		}
	};
	const asBody = (g) => ({ account: g.account.id, role: g.role });
	const render = (r) => {
		list.replaceChildren(h('p', { class: 'small' }, t('console.owner'), ': ', h('b', { text: r.owner ? (r.owner.display_name || r.owner.username) : '—' })),
			table(['account.username', 'console.grant_role', ''], r.grants.map((g, i) => h('tr', { dataset: { username: g.account.username } },
				td(`${g.account.display_name || g.account.username} (${g.account.username})`),
				td(t(`role.${g.role}`)),
				td(mayChange ? button('console.remove', () => save(grants.filter((x, j) => j !== i).map(asBody))) : '', 'ops'))), { empty: 'console.no_grants' }));
	};
	const form = h('form', { class: 'form inline', id: 'grant-form', attrs: { novalidate: '' } },
		field('account.username', input('username', '', { maxlength: '64', autocapitalize: 'none', spellcheck: 'false' })),
		field('console.grant_role', select('role', GRANT_ROLES.map((r) => [r, `role.${r}`]), 'viewer')),
		h('button', { type: 'submit', class: 'btn primary', text: t('console.grant_add') }));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const username = form.username.value.trim();
		if (!username) return showError(err, t('console.err_username'));
		if (await save([...grants.map(asBody), { username, role: form.role.value }])) form.username.value = '';
	});
	box.append(card('console.grants', h('p', { class: 'muted small', text: t('console.grants_help') }), list, mayChange ? form : null, err));
	try {
		const r = await api('GET', `/api/console/contests/${c.code}/grants`);
		grants = r.grants;
		render(r);
	} catch (e) {
		list.replaceChildren(h('p', { class: 'form-error', text: errText(e) }));
	}
}

async function rosterCard(box, c) {
	const body = h('div', {}, h('p', { class: 'muted', text: t('console.loading') }));
	const err = errorBox();
	box.append(card('console.contest_roster', body, err));
	let r, units;
	try {
		[r, units] = await Promise.all([api('GET', `/api/console/contests/${c.code}/roster`), api('GET', '/api/units?flat').catch(() => ({ units: [] }))]);
	} catch (e) {
		return body.replaceChildren(h('p', { class: 'form-error', text: errText(e) }));
	}
	const chosen = new Set(r.units.map((u) => u.id));
	const form = h('form', { class: 'form', id: 'roster-form', attrs: { novalidate: '' } },
		field('console.join_mode', select('mode', [['open', 'console.join_open'], ['roster', 'console.join_roster']], r.mode)),
		h('div', { class: 'unit-picks' }, h('span', { class: 'lbl', text: t('console.roster_units') }),
			units.units.length ? h('div', { class: 'unit-list' }, units.units.map((u) => h('label', { class: 'check', dataset: { depth: String(u.depth) } },
				h('input', { type: 'checkbox', name: 'unit', value: String(u.id), checked: chosen.has(u.id) }),
				h('span', { text: `${u.name} (${u.headcount})` }))))
				: h('p', { class: 'muted small', text: t('console.no_units') })),
		h('p', { class: 'muted small', id: 'roster-headcount', text: t('console.roster_headcount', { n: r.headcount, pending: r.exceptions_pending }) }),
		h('button', { type: 'submit', class: 'btn primary', text: t('console.save_roster') }));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		showError(err, '');
		try {
			const ids = [...form.querySelectorAll('input[name=unit]:checked')].map((x) => Number(x.value));
			const n = await api('PUT', `/api/console/contests/${c.code}/roster`, { mode: form.mode.value, units: ids });
			form.querySelector('#roster-headcount').textContent = t('console.roster_headcount', { n: n.headcount, pending: n.exceptions_pending });
			toast(t('console.saved'), 'info');
		} catch (e) {
			showError(err, e);
		}
	});
	/* a poster per unit: the unit's path under the title */
	const base = `/api/console/contests/${c.code}`;
	const pdf = h('a', { class: 'btn link', id: 'unit-poster-pdf', href: `${base}/poster.pdf`, text: t('console.poster_pdf'), attrs: { download: '' } });
	const png = h('a', { class: 'btn link', id: 'unit-poster-png', href: `${base}/poster.png`, text: t('console.poster_png'), attrs: { download: '' } });
	const unitSel = select('poster_unit', [['', 'console.poster_whole'], ...units.units.map((u) => [String(u.id), `=${u.path}`])], '', (ev) => {
		const q = ev.target.value ? `?unit=${ev.target.value}` : '';
		pdf.href = `${base}/poster.pdf${q}`;
		png.href = `${base}/poster.png${q}`;
	});
	const posters = h('div', { class: 'posters' }, field('console.poster_unit', unitSel), h('div', { class: 'links' }, pdf, png));
	body.replaceChildren(h('p', { class: 'muted small', text: t('console.roster_help') }), form, posters);
}

async function exceptionsCard(box, c) {
	const list = h('div', { id: 'exceptions' });
	const err = errorBox();
	const decide = async (body) => {
		showError(err, '');
		try {
			await api('POST', `/api/console/contests/${c.code}/exceptions`, body);
			await load();
		} catch (e) {
			showError(err, e);
		}
	};
	const load = async () => {
		let r;
		try {
			r = await api('GET', `/api/console/contests/${c.code}/exceptions?status=all`);
		} catch (e) {
			return list.replaceChildren(h('p', { class: 'form-error', text: errText(e) }));
		}
		list.replaceChildren(table(['console.employee_no', 'console.name', 'console.attempts', 'console.decision', ''],
			r.exceptions.map((x) => h('tr', { dataset: { employee: x.employee_no } },
				td(x.employee_no), td(x.name), td(String(x.attempts ?? '')),
				td(x.decision ? `${t(`decision.${x.decision}`)} · ${x.decided_by || ''}` : t('decision.pending'), 'decision'),
				td([x.decision !== 'approved' ? button('console.approve', () => decide({ employee_no: x.employee_no, decision: 'approved' }), 'primary') : null,
					x.decision !== 'rejected' ? button('console.reject', () => decide({ employee_no: x.employee_no, decision: 'rejected' })) : null], 'ops'))),
			{ empty: 'console.no_exceptions' }));
	};
	const form = h('form', { class: 'form inline', attrs: { novalidate: '' } },
		field('console.employee_no', input('employee_no', '', { maxlength: '32' })),
		field('console.name', input('name', '', { maxlength: '64' })),
		h('button', { type: 'submit', class: 'btn', text: t('console.exception_add') }));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		await decide({ employee_no: form.employee_no.value.trim(), name: form.name.value.trim(), decision: 'approved' });
		form.reset();
	});
	box.append(card('console.exceptions', h('p', { class: 'muted small', text: t('console.exceptions_help') }),
		h('button', { type: 'button', class: 'btn', id: 'exceptions-refresh', text: t('console.refresh'), onclick: () => load() }), list, form, err));
	await load();
}

/* The cards a contest's people may use, by their role on it. */
export async function extraCards(box, ctx, c) {
	const isOrg = ['admin', 'owner', 'organizer'].includes(c.my_role);
	const jobs = [];
	if (isOrg || c.my_role === 'screen') jobs.push(screenCard(box, c));
	if (isOrg) jobs.push(grantsCard(box, c), rosterCard(box, c), exceptionsCard(box, c));
	await Promise.all(jobs);
}
