/*
 * login.js - the console login (login.html): POST /api/login, then the page
 * named by ?next= (a page of this site only) or the account page. The
 * server's messages come in the page language (wrong username or password,
 * a locked account, too many failures from this address: with the wait).
 */

import * as i18n from './i18n.js';
import { t } from './i18n.js';
import { $ } from './dom.js';
import { api, me, safeNext } from './session.js';

const next = () => safeNext(new URLSearchParams(location.search).get('next'));

function showError(text, field) {
	const el = $('#login-error');
	el.textContent = text;
	el.hidden = false;
	const f = $('#login-form');
	if (field && f[field]) f[field].focus();
}

async function submit(ev) {
	ev.preventDefault();
	const f = ev.target;
	const username = f.username.value.trim();
	const password = f.password.value;
	$('#login-error').hidden = true;
	if (!username) return showError(t('login.err_username'), 'username');
	if (!password) return showError(t('login.err_password'), 'password');
	const button = f.querySelector('button[type=submit]');
	button.disabled = true;
	try {
		await api('POST', '/api/login', { username, password }, { login: false });
		location.replace(next());
	} catch (e) {
		f.password.value = '';
		if (e.status === 0) showError(t('login.err_network'), null);
		else showError(e.message, e.field || 'password');
	} finally {
		button.disabled = false;
	}
}

async function main() {
	await i18n.init();
	$('#login-form').addEventListener('submit', submit);
	$('#login-form').username.focus();
	try { /* logged in already: straight on */
		const m = await me({ login: false });
		if (m.via === 'session') location.replace(next());
	} catch (e) { /* not logged in: the form */ }
}

main();
