/*
 * account.js - the account page (account.html): who is logged in, log out
 * here or everywhere, change one's password, API tokens (made here, shown
 * once, revoked); for admins, the accounts (create, role, disable, unlock,
 * reset a password, delete). Every change goes through the API with the
 * session's CSRF token (session.js); errors show the server's message, in
 * the page language, beside the form they concern.
 */

import * as i18n from './i18n.js';
import { t, onChange } from './i18n.js';
import { $, h, toast } from './dom.js';
import { api, me, toLogin } from './session.js';

const ROLES = ['admin', 'organizer', 'judge', 'screen', 'viewer'];
let self = null;
let accounts = [];
let tokens = [];

const when = (iso) => (iso ? new Date(iso).toLocaleString(i18n.currentLang()) : t('account.never'));

function formError(form, text, field) {
	const el = form.querySelector('.form-error');
	el.textContent = text;
	el.hidden = !text;
	if (field && form[field]) form[field].focus();
}

/* ------------------------------------------------------------ me */

function renderMe() {
	const a = self.account || { username: t('account.organizer_token'), display_name: '', role: self.role };
	$('#me-username').textContent = a.username;
	$('#me-display').textContent = a.display_name || '—';
	$('#me-role').textContent = t(`role.${a.role}`);
	$('#who').textContent = a.display_name || a.username;
}

async function logout(all) {
	try {
		await api('POST', all ? '/api/logout-all' : '/api/logout');
	} catch (e) {
		if (e.status !== 401) return toast(e.message);
	}
	toLogin();
}

async function changePassword(ev) {
	ev.preventDefault();
	const f = ev.target;
	if (f.password.value !== f.again.value) return formError(f, t('account.err_again'), 'again');
	try {
		const r = await api('POST', '/api/me/password', { current: f.current.value, password: f.password.value });
		f.reset();
		formError(f, '');
		toast(t('account.password_changed', { n: r.sessions_ended }), 'info');
	} catch (e) {
		formError(f, e.message, e.field);
	}
}

/* ------------------------------------------------------------ tokens */

function renderTokens() {
	const body = $('#tokens tbody');
	body.replaceChildren(...tokens.map((k) => h('tr', { class: k.revoked_at ? 'off' : '' },
		h('td', { text: k.name }),
		h('td', { text: when(k.created_at) }),
		h('td', { text: k.revoked_at ? t('account.revoked') : when(k.last_used_at) }),
		h('td', { class: 'ops' }, k.revoked_at ? null : h('button', {
			type: 'button', class: 'btn', text: t('account.revoke'), onclick: () => revoke(k),
		})))));
}

async function loadTokens() {
	tokens = (await api('GET', '/api/tokens')).tokens;
	renderTokens();
}

async function createToken(ev) {
	ev.preventDefault();
	const f = ev.target;
	try {
		const r = await api('POST', '/api/tokens', { name: f.name.value.trim() });
		f.reset();
		formError(f, '');
		$('#new-token-value').textContent = r.token;
		$('#new-token').hidden = false;
		await loadTokens();
	} catch (e) {
		formError(f, e.message, e.field);
	}
}

async function revoke(k) {
	if (!confirm(t('account.revoke_confirm', { name: k.name }))) return;
	try {
		await api('DELETE', `/api/tokens/${k.id}`);
		await loadTokens();
	} catch (e) {
		toast(e.message);
	}
}

/* ------------------------------------------------------------ accounts (admin) */

function roleSelect(value, onchange) {
	return h('select', { class: 'field', onchange },
		ROLES.map((r) => h('option', { value: r, text: t(`role.${r}`), selected: r === value })));
}

function stateText(a) {
	if (a.disabled) return t('account.state_disabled');
	if (a.locked_until && new Date(a.locked_until) > new Date()) return t('account.state_locked');
	return t('account.state_active');
}

async function change(a, body) {
	try {
		await api('PUT', `/api/accounts/${a.id}`, body);
	} catch (e) {
		toast(e.message);
	}
	await loadAccounts();
}

function resetCell(a, td) {
	const input = h('input', { type: 'password', autocomplete: 'new-password', attrs: { 'aria-label': t('account.new_password') } });
	const ok = h('button', {
		type: 'button', class: 'btn primary', text: t('account.reset'),
		onclick: async () => {
			try {
				await api('POST', `/api/accounts/${a.id}/password`, { password: input.value });
				toast(t('account.reset_done', { user: a.username }), 'info');
				await loadAccounts();
			} catch (e) {
				toast(e.message);
			}
		},
	});
	td.replaceChildren(h('span', { class: 'reset' }, input, ok));
	input.focus();
}

function accountRow(a) {
	const locked = a.locked_until && new Date(a.locked_until) > new Date();
	const ops = h('td', { class: 'ops' },
		h('button', { type: 'button', class: 'btn', text: t(a.disabled ? 'account.enable' : 'account.disable'),
			onclick: () => change(a, { disabled: !a.disabled }) }),
		locked ? h('button', { type: 'button', class: 'btn', text: t('account.unlock'), onclick: () => change(a, { unlock: true }) }) : null,
		h('button', { type: 'button', class: 'btn', text: t('account.reset_password'), onclick: () => resetCell(a, ops) }),
		h('button', {
			type: 'button', class: 'btn danger', text: t('account.delete'),
			onclick: async () => {
				if (!confirm(t('account.delete_confirm', { user: a.username }))) return;
				try {
					await api('DELETE', `/api/accounts/${a.id}`);
				} catch (e) {
					toast(e.message);
				}
				await loadAccounts();
			},
		}));
	return h('tr', { class: a.disabled ? 'off' : '', dataset: { username: a.username } },
		h('td', { text: a.username }),
		h('td', { text: a.display_name }),
		h('td', {}, roleSelect(a.role, (ev) => change(a, { role: ev.target.value }))),
		h('td', { text: stateText(a) }),
		ops);
}

async function loadAccounts() {
	accounts = (await api('GET', '/api/accounts')).accounts;
	$('#accounts tbody').replaceChildren(...accounts.map(accountRow));
}

async function createAccount(ev) {
	ev.preventDefault();
	const f = ev.target;
	const body = { username: f.username.value.trim(), display_name: f.display_name.value.trim(), role: f.role.value, password: f.password.value };
	try {
		await api('POST', '/api/accounts', body);
		f.reset();
		f.role.value = 'organizer';
		formError(f, '');
		toast(t('account.created_ok', { user: body.username }), 'info');
		await loadAccounts();
	} catch (e) {
		formError(f, e.message, e.field);
	}
}

/* ------------------------------------------------------------ the page */

function fillRoleChoices() {
	const sel = $('#create-form').role;
	const v = sel.value || 'organizer';
	sel.replaceChildren(...ROLES.map((r) => h('option', { value: r, text: t(`role.${r}`), selected: r === v })));
}

async function main() {
	await i18n.init();
	try {
		self = await me();
	} catch (e) {
		if (e.status !== 401) toast(e.message);
		return;
	}
	renderMe();
	$('#logout').addEventListener('click', () => logout(false));
	$('#logout-all').addEventListener('click', () => logout(true));
	$('#password-form').addEventListener('submit', changePassword);
	$('#token-form').addEventListener('submit', createToken);
	$('#copy-token').addEventListener('click', () => navigator.clipboard && navigator.clipboard.writeText($('#new-token-value').textContent));
	const admin = (self.account && self.account.role === 'admin') || self.role === 'admin';
	$('#accounts-card').hidden = !admin;
	fillRoleChoices();
	$('#create-form').addEventListener('submit', createAccount);
	onChange(() => {
		renderMe();
		renderTokens();
		fillRoleChoices();
		if (admin) $('#accounts tbody').replaceChildren(...accounts.map(accountRow));
	});
	await loadTokens();
	if (admin) await loadAccounts();
}

main();
