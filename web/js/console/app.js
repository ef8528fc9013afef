/*
 * console/app.js - the organizer console (console.html): who is logged in
 * (GET /api/me; a 401 goes to the login, which comes back here), the
 * navigation, and the views by the address's hash:
 *
 *   #contests[?status=&mode=&q=&mine=1&page=]   the contest list
 *   #new                                        a new contest
 *   #contest/CODE                               a contest: form, actions, grants, roster, exceptions
 *   #monitor/CODE, #results/CODE                a running contest, a finished one
 *   #certificates/CODE                          its certificate template, seal, issuing, the list
 *   #analysis/CODE[?from=&to=]                  its analysis: charts and item statistics
 *   #banks[?q=], #bank/CODE                     question banks
 *   #roster                                     units and workers
 *   #audit[?...]                                the audit log (admins)
 *
 * A view is a function (root, ctx, ...args) that fills root; switching the
 * language renders the current view again.
 */

import * as i18n from '../i18n.js';
import { t, onChange } from '../i18n.js';
import { $, $$, toast } from '../dom.js';
import { api, me, toLogin } from '../session.js';
import { listView, newView, contestView } from './contests.js';
import { banksView, bankView } from './banks.js';
import { rosterView } from './roster.js';
import { monitorView, resultsView, stopPolling } from './monitor.js';
import { certificatesView } from './certificates.js';
import { auditView } from './admin.js';
import { analysisView } from './analysis.js';

const ctx = { account: null, role: null, canCreate: false, isAdmin: false };

const ROUTES = [
	[/^contests$/, 'contests', (root, q) => listView(root, ctx, q)],
	[/^new$/, 'contests', (root) => newView(root, ctx)],
	[/^contest\/([A-Za-z0-9]{1,16})$/, 'contests', (root, q, code) => contestView(root, ctx, code.toUpperCase())],
	[/^monitor\/([A-Za-z0-9]{1,16})$/, 'contests', (root, q, code) => monitorView(root, ctx, code.toUpperCase())],
	[/^results\/([A-Za-z0-9]{1,16})$/, 'contests', (root, q, code) => resultsView(root, ctx, code.toUpperCase(), q)],
	[/^certificates\/([A-Za-z0-9]{1,16})$/, 'contests', (root, q, code) => certificatesView(root, ctx, code.toUpperCase())],
	[/^analysis\/([A-Za-z0-9]{1,16})$/, 'contests', (root, q, code) => analysisView(root, ctx, code.toUpperCase(), q)],
	[/^banks$/, 'banks', (root, q) => banksView(root, ctx, q)],
	[/^bank\/([a-z0-9_-]{1,64})$/i, 'banks', (root, q, code) => bankView(root, ctx, code.toLowerCase(), q)],
	[/^roster$/, 'roster', (root) => rosterView(root, ctx)],
	[/^audit$/, 'audit', (root, q) => auditView(root, ctx, q)],
];

let seq = 0;
async function route() {
	stopPolling();
	const raw = location.hash.replace(/^#/, '') || 'contests';
	const at = raw.indexOf('?');
	let path = at < 0 ? raw : raw.slice(0, at);
	const query = at < 0 ? '' : raw.slice(at + 1); /* URLSearchParams decodes it */
	try {
		path = decodeURIComponent(path);
	} catch (e) { /* a malformed escape: no route matches */ }
	const root = $('#view');
	const my = ++seq;
	for (const [re, nav, fn] of ROUTES) {
		const m = re.exec(path);
		if (!m) continue;
		for (const a of $$('.nav a')) a.classList.toggle('on', a.dataset.nav === nav);
		root.dataset.view = nav;
		document.body.dataset.busy = 'true';
		try {
			await fn(root, query, ...m.slice(1));
		} catch (e) {
			if (my === seq) toast(e.message || String(e));
		} finally {
			if (my === seq) document.body.dataset.busy = 'false';
		}
		return;
	}
	location.replace('#contests');
}

function renderWho() {
	const a = ctx.account;
	$('#who').textContent = a ? `${a.display_name || a.username} · ${t(`role.${a.role}`)}` : t('account.organizer_token');
}

async function main() {
	await i18n.init();
	let m;
	try {
		m = await me();
	} catch (e) {
		if (e.status !== 401) toast(e.message || t('console.err_network'));
		return;
	}
	ctx.account = m.account;
	ctx.role = m.account ? m.account.role : m.role;
	ctx.isAdmin = ctx.role === 'admin';
	ctx.canCreate = ctx.role === 'admin' || ctx.role === 'organizer';
	for (const a of $$('[data-nav]')) {
		const need = a.dataset.need;
		a.hidden = need === 'admin' ? !ctx.isAdmin : need === 'organizer' ? !ctx.canCreate : false;
	}
	renderWho();
	$('#logout').addEventListener('click', async () => {
		try {
			await api('POST', '/api/logout');
		} catch (e) { /* ended already */ }
		toLogin();
	});
	onChange(() => {
		renderWho();
		route();
	});
	window.addEventListener('hashchange', route);
	await route();
}

main();

