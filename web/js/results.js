/*
 * results.js - the public results page (results.html?code=CODE): the latest
 * published revision of a contest's results (GET /api/results/{code}):
 * provisional during its public notice (公示) or final, names and employee
 * numbers masked by the server, award tiers; pages of 200 rows.
 *
 * A participant who played on this phone (its participant token, kept by
 * player.js in localStorage as sa.token.CODE) can file an appeal while the
 * notice runs: about one question or the result as a whole, with a reason of
 * at most 500 characters (POST /api/appeals), and sees its appeals with the
 * organizers' answers (POST /api/appeals/mine). Every text from the server goes
 * in through textContent (dom.js h()); the server's messages come in the
 * page language (Accept-Language).
 */

import * as i18n from './i18n.js';
import { t, pick } from './i18n.js';
import { $, h, codeFromUrl } from './dom.js';

const PER_PAGE = 200;
const S = { code: codeFromUrl(), data: null, page: 1, rows: [], token: null, mine: [] };

function storedToken(code) {
	try {
		const v = JSON.parse(localStorage.getItem(`sa.token.${code}`));
		return typeof v === 'string' && v.length >= 16 ? v : null;
	} catch (e) {
		return null;
	}
}

async function call(method, path, body) {
	const r = await fetch(path, {
		method,
		headers: { 'accept-language': i18n.currentLang(), ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined,
		credentials: 'omit',
	});
	let j = null;
	try { j = await r.json(); } catch (e) { /* not JSON */ }
	if (!r.ok) {
		const e = new Error((j && j.error && j.error.message) || `HTTP ${r.status}`);
		e.status = r.status;
		e.field = j && j.error && j.error.field;
		throw e;
	}
	return j;
}

function showError(text) {
	const el = $('#error');
	el.textContent = text;
	el.hidden = !text;
}

function when(iso) {
	if (!iso) return '';
	return new Date(iso).toLocaleString(i18n.currentLang(), { dateStyle: 'medium', timeStyle: 'short' });
}

function renderHead() {
	const d = S.data;
	const title = d.title && typeof d.title === 'object' ? pick(d.title) : d.title;
	$('#title').textContent = `${title || d.code} · ${t('results.title')}`;
	document.title = `${title || d.code} · ${t('results.page_title')}`;
	const st = $('#state');
	st.className = `state ${d.status}`;
	st.textContent = d.status === 'final'
		? t('results.state_final', { revision: d.revision, when: when(d.finalized_at) })
		: t('results.state_provisional', { revision: d.revision, until: when(d.notice_until) });
}

function row(x) {
	return h('tr', {},
		h('td', {}, String(x.rank), x.tied ? h('span', { class: 'tied', text: t('results.tied') }) : null),
		h('td', {}, x.name, x.employee_no ? h('span', { class: 'emp', text: x.employee_no }) : null,
			h('span', { class: 'emp unit-inline', text: x.unit || '' })),
		h('td', { class: 'col-unit', text: x.unit || '' }),
		h('td', { class: 'num', text: x.score.toLocaleString(i18n.currentLang(), { maximumFractionDigits: 3 }) }),
		h('td', { class: 'award', text: (i18n.currentLang() === 'en' && x.award_en) || x.award || '' }));
}

function renderRows() {
	$('#rows').replaceChildren(...S.rows.map(row));
	$('#ranking').hidden = false;
	$('#more').hidden = S.rows.length >= S.data.participants;
}

function renderAppeal() {
	const d = S.data;
	const open = d.appeals_open && S.token;
	$('#appeal').hidden = !open;
	$('#no-token').hidden = !d.appeals_open || !!S.token;
	if (!open) return;
	const sel = $('#appeal-question');
	const keep = sel.value;
	sel.replaceChildren(h('option', { value: '', text: t('results.appeal_whole') }),
		...d.questions.map((q) => h('option', { value: q.id, text: t('results.appeal_q', { n: q.index + 1, id: q.id }) })));
	sel.value = keep;
	count();
}

function renderMine() {
	$('#mine').hidden = !S.mine.length;
	const qname = (id) => {
		const q = S.data && S.data.questions.find((x) => x.id === id);
		return q ? t('results.appeal_q', { n: q.index + 1, id }) : t('results.appeal_whole');
	};
	$('#mine-list').replaceChildren(...S.mine.map((a) => h('li', { dataset: { status: a.status } },
		h('div', { class: 'mine-head' }, h('span', { text: qname(a.question_id) }),
			h('span', { class: `badge ${a.status}`, text: t(`results.status_${a.status}`) })),
		h('p', { class: 'mine-reason', text: a.reason }),
		a.reply ? h('p', { class: 'mine-reply' }, h('strong', { text: t('results.reply') }), a.reply) : null)));
}

async function loadMine() {
	if (!S.token) return;
	try {
		S.mine = (await call('POST', '/api/appeals/mine', { token: S.token })).appeals;
	} catch (e) {
		S.mine = []; /* a token of another run: no list */
	}
	renderMine();
}

function count() {
	const n = [...$('#appeal-form').reason.value].length;
	$('#appeal-count').textContent = t('results.appeal_count', { n, max: 500 });
}

async function load(page) {
	const d = await call('GET', `/api/results/${encodeURIComponent(S.code)}?page=${page}&per_page=${PER_PAGE}`);
	if (page === 1) S.rows = [];
	S.data = d;
	S.page = page;
	S.rows.push(...d.rows);
}

function render() {
	if (!S.data) return;
	if (S.data.status === 'unpublished') {
		showError(t('results.err_none'));
		return;
	}
	renderHead();
	renderRows();
	renderAppeal();
	renderMine();
}

async function submit(ev) {
	ev.preventDefault();
	const f = ev.target, err = $('#appeal-error'), ok = $('#appeal-ok');
	err.hidden = true;
	ok.hidden = true;
	const reason = f.reason.value.trim();
	if (!reason) {
		err.textContent = t('results.appeal_err_reason');
		err.hidden = false;
		f.reason.focus();
		return;
	}
	const button = f.querySelector('button[type=submit]');
	button.disabled = true;
	try {
		const r = await call('POST', '/api/appeals', { token: S.token, question_id: f.question.value || null, reason });
		ok.textContent = t('results.appeal_done', { id: r.id });
		ok.hidden = false;
		f.reason.value = '';
		count();
		await loadMine();
	} catch (e) {
		err.textContent = e.status === 0 ? t('login.err_network') : e.message;
		err.hidden = false;
	} finally {
		button.disabled = false;
	}
}

async function main() {
	await i18n.init();
	i18n.onChange(render);
	$('#appeal-form').addEventListener('submit', submit);
	$('#appeal-form').reason.addEventListener('input', count);
	$('#more').addEventListener('click', async () => {
		try {
			await load(S.page + 1);
			render();
		} catch (e) {
			showError(e.message);
		}
	});
	if (!S.code) return showError(t('results.err_code'));
	S.token = storedToken(S.code);
	try {
		await load(1);
		render();
		await loadMine();
	} catch (e) {
		showError(e.message);
	}
}

main();
