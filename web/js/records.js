/*
 * records.js - my training records (records.html): the ledger of the worker
 * whose records token the phone holds (GET /api/records/me?token=...).
 *
 * The token comes in the page's fragment (#token=..., never sent to the
 * server in a Referer or a log line), or from localStorage (sa.records),
 * where the player page keeps the one its `joined` message carried; a token
 * from the fragment is kept there too and the fragment cleared. The list is
 * newest first: the contest or exam, its kind, the date, the score, the
 * rank, passed or not, the award, the certificate id, hours and credits.
 */

import * as i18n from './i18n.js';
import { t, num, currentLang } from './i18n.js';
import { $, h } from './dom.js';

const KEY = 'sa.records';
let data = null;
let failure = null;

function storedToken() {
	try { return JSON.parse(localStorage.getItem(KEY)); } catch (e) { return null; }
}

function tokenOf() {
	const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
	if (m) {
		const tok = decodeURIComponent(m[1]);
		try { localStorage.setItem(KEY, JSON.stringify(tok)); } catch (e) { /* private mode */ }
		history.replaceState(null, '', location.pathname + location.search);
		return tok;
	}
	const s = storedToken();
	return typeof s === 'string' ? s : null;
}

const dateFmt = () => new Intl.DateTimeFormat(currentLang(), {
	year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai',
});

function message(key) {
	const el = $('#records-message');
	el.textContent = key ? t(key) : '';
	el.hidden = !key;
}

function recordItem(r) {
	const parts = [];
	if (r.score !== null && r.score !== undefined) {
		parts.push(h('span', {}, t('records.score'), ' ', h('b', { text: r.max ? `${num(r.score)} / ${num(r.max)}` : num(r.score) })));
	}
	if (r.kind === 'practice' && r.answered) parts.push(h('span', { text: t('records.answered', { n: r.answered, correct: r.correct }) }));
	if (r.rank) parts.push(h('span', {}, t('records.rank'), ' ', h('b', { text: num(r.rank) })));
	if (r.passed === true || r.passed === false) {
		parts.push(h('span', { class: r.passed ? 'passed' : 'failed', text: t(r.passed ? 'records.passed' : 'records.failed') }));
	}
	if (r.award) parts.push(h('span', {}, t('records.award'), ' ', h('b', { text: r.award })));
	if (r.hours) parts.push(h('span', { text: t('records.hours_n', { n: r.hours }) }));
	if (r.credits) parts.push(h('span', { text: t('records.credits_n', { n: r.credits }) }));
	return h('li', { class: 'record' },
		h('h2', {}, h('span', { class: 'kind', text: t(`records.kind.${r.kind}`) }), r.title || r.code),
		h('div', { class: 'meta' },
			h('span', { text: dateFmt().format(new Date(r.at)) }),
			r.attempt_no ? h('span', { text: t('records.attempt', { n: r.attempt_no }) }) : null,
			h('span', { text: r.code })),
		h('div', { class: 'result' }, parts),
		r.certificate_id ? h('div', { class: 'cert muted', text: `${t('records.certificate')} ${r.certificate_id}` }) : null);
}

function render() {
	document.title = t('records.page_title');
	if (failure) {
		message(failure);
		$('#records-who').hidden = true;
		$('#records-list').replaceChildren();
		return;
	}
	if (!data) return message('records.loading');
	$('#records-who').hidden = false;
	$('#records-name').textContent = data.name || data.employee_no;
	$('#records-emp').textContent = data.employee_no;
	$('#records-activities').textContent = num(data.totals.activities);
	$('#records-hours').textContent = num(data.totals.hours);
	$('#records-credits').textContent = num(data.totals.credits);
	$('#records-list').replaceChildren(...data.records.map(recordItem));
	message(data.records.length ? null : 'records.empty');
}

async function load(token) {
	try {
		const r = await fetch(`/api/records/me?token=${encodeURIComponent(token)}`, {
			headers: { 'Accept-Language': currentLang() }, cache: 'no-store',
		});
		if (r.status === 401) failure = 'records.bad_token';
		else if (!r.ok) failure = 'records.unavailable';
		else data = await r.json();
	} catch (e) {
		failure = 'records.network';
	}
	render();
}

async function main() {
	await i18n.init();
	i18n.onChange(render);
	const token = tokenOf();
	if (!token) {
		failure = 'records.no_token';
		return render();
	}
	render();
	await load(token);
}

main();
