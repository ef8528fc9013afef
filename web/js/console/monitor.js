/*
 * console/monitor.js - a running contest's monitor (#monitor/CODE: polls
 * GET .../monitor every few seconds while the page shows it: players and
 * online now, joined and missing by unit against the roster, answers and
 * correct answers per question, how many answered k questions, who joined
 * and who has not) and a finished contest's results (#results/CODE: the
 * ranking with 并列 for shared ranks, per-question points, the XLSX and CSV
 * downloads).
 */

import { t, pick, num } from '../i18n.js';
import { h } from '../dom.js';
import { api } from '../session.js';
import { errText, link, table, td, pager, card, when, downloadButton } from './ui.js';

const POLL_MS = 3000;
let timer = null;

/* Stops the monitor's polling (the router calls it when the view changes). */
export function stopPolling() {
	clearTimeout(timer);
	timer = null;
}

const stat = (id, n, key) => h('div', { class: 'stat' }, h('div', { class: 'stat-n', id, text: num(n) }), h('div', { class: 'stat-l', text: t(key) }));

function bar(frac) {
	return h('span', { class: 'mini-bar', vars: { '--frac': String(Math.max(0, Math.min(1, frac || 0))) } }, h('span'));
}

export async function monitorView(root, ctx, code) {
	stopPolling();
	const st = { page: 1, missing: 1 };
	const body = h('div', { id: 'monitor' }, h('p', { class: 'muted', text: t('console.loading') }));
	const stamp = h('span', { class: 'muted small', id: 'monitor-stamp' });
	root.replaceChildren(h('div', { class: 'view-head' }, h('h1', { id: 'monitor-title', text: t('console.monitor_of', { code }) }),
		h('div', { class: 'links' }, link('console.host', `host.html?code=${code}`, { target: '_blank', rel: 'noopener' }),
			link('console.results', `#results/${code}`), link('console.back_contest', `#contest/${code}`))), stamp, body);
	const view = root.firstChild;
	const poll = async () => {
		if (!view.isConnected) return stopPolling();
		try {
			const m = await api('GET', `/api/console/contests/${code}/monitor?page=${st.page}&per_page=50`);
			render(m);
			stamp.textContent = t('console.updated_at', { at: when(m.computed_at) });
		} catch (e) {
			stamp.textContent = errText(e);
		}
		if (view.isConnected) timer = setTimeout(poll, POLL_MS);
	};
	const render = (m) => {
		const roster = m.roster || {};
		const maxAnswered = Math.max(1, ...m.answered);
		body.replaceChildren(
			h('div', { class: 'stats' },
				stat('mon-players', m.players, 'stats.players'),
				stat('mon-online', m.online, 'stats.online'),
				roster.mode === 'roster' ? stat('mon-joined', roster.joined, 'console.joined_of_roster') : null,
				roster.mode === 'roster' ? stat('mon-headcount', roster.headcount, 'console.headcount_label') : null,
				h('div', { class: 'stat' }, h('div', { class: 'stat-n', id: 'mon-phase', text: t(`phase.${m.phase}`) }),
					h('div', { class: 'stat-l', text: !m.question_count ? '' : m.index >= 0 ? t('console.question_n', { i: m.index + 1, n: m.question_count }) : t('console.n_questions', { n: m.question_count }) }))),
			h('div', { class: 'monitor-grid' },
				card('console.by_unit', table(['console.unit', 'console.headcount_label', 'console.joined', ''],
					(roster.units || []).map((u) => h('tr', { dataset: { path: u.path } }, td(u.path), td(num(u.headcount)), td(num(u.joined), 'joined'),
						td(bar(u.headcount ? u.joined / u.headcount : 0)))), { id: 'mon-units', empty: 'console.no_units_joined' })),
				card('console.by_question', table(['console.question', 'console.answers', 'console.correct', ''],
					m.questions.map((q) => h('tr', { dataset: { qid: q.qid } }, td(`${q.index + 1}. ${q.qid}`), td(num(q.answered), 'answered'), td(num(q.correct)),
						td(bar(m.players ? q.answered / m.players : 0)))), { id: 'mon-questions' }),
				h('p', { class: 'caption', text: t('console.answered_k') }),
				h('ol', { class: 'answered-k', start: 0 }, m.answered.map((n, k) => h('li', {}, h('span', { class: 'k', text: String(k) }), bar(n / maxAnswered), h('span', { text: num(n) })))))),
			card('console.participants', table(['console.name', 'console.employee_no', 'console.unit', 'console.answers', 'console.score'],
				m.participants.rows.map((p) => h('tr', { dataset: { pid: String(p.participant_id) } }, td(p.name), td(p.employee_no || ''), td(p.unit || ''), td(num(p.answered)), td(num(p.score)))),
				{ id: 'mon-participants', empty: 'console.nobody_yet' }),
			pager(m.participants.total, m.participants.page, m.participants.per_page, (n) => { st.page = n; stopPolling(); poll(); })),
			m.missing ? card('console.missing', h('p', { class: 'muted small', text: t('console.missing_n', { n: m.missing.total }) }),
				table(['console.employee_no', 'console.name', 'console.unit'], m.missing.rows.map((w) => h('tr', {}, td(w.employee_no), td(w.name), td(w.unit))),
					{ id: 'mon-missing', empty: 'console.nobody_missing' })) : null);
	};
	await poll();
}

export async function resultsView(root, ctx, code, query) {
	stopPolling();
	const page = Number(new URLSearchParams(query).get('page')) || 1;
	const base = `/api/console/contests/${code}`;
	const head = h('div', { class: 'view-head' }, h('h1', { id: 'results-title', text: t('console.results_of', { code }) }),
		h('div', { class: 'links' },
			downloadButton('console.download_xlsx', `${base}/results.xlsx`, { id: 'dl-xlsx', primary: true }),
			downloadButton('console.download_csv', `${base}/results.csv`, { id: 'dl-csv' }),
			link('analysis.link', `#analysis/${code}`, { id: 'analysis-link' }),
			link('console.back_contest', `#contest/${code}`)));
	root.replaceChildren(head, h('p', { class: 'muted', text: t('console.loading') }));
	let r;
	try {
		r = await api('GET', `${base}/results?page=${page}&per_page=100`);
	} catch (e) {
		head.querySelector('#dl-xlsx').hidden = e.code === 'bad_state';
		head.querySelector('#dl-csv').hidden = e.code === 'bad_state';
		return root.replaceChildren(head, card(null, h('p', { class: 'form-error', id: 'results-error', text: e.code === 'bad_state' ? t('console.results_not_yet') : errText(e) })));
	}
	head.querySelector('#results-title').textContent = `${pick(r.title)} · ${t('console.results')}`;
	const qheads = r.questions.map((q) => `=${q.index + 1}`);
	const rows = r.ranking.map((p) => h('tr', { dataset: { pid: String(p.participant_id) } },
		td([h('b', { text: String(p.rank) }), p.tied ? h('span', { class: 'tie', text: t('board.tied') }) : null], 'rank'),
		td(p.name), td(p.employee_no || ''), td(p.unit || ''), td(num(p.score), 'score'), td(num(p.correct)), td(num(p.wrong)),
		td(num(Math.round((p.time_ms || 0) / 100) / 10)),
		...p.points.map((x) => td(x === null ? '–' : num(x), 'pt'))));
	const tableEl = table(['console.rank', 'console.name', 'console.employee_no', 'console.unit', 'console.score', 'console.correct', 'console.wrong', 'console.time_s', ...qheads.map(() => '')], rows, { id: 'ranking', empty: 'console.nobody_yet' });
	/* the question columns: their numbers (not keys) */
	const ths = tableEl.querySelectorAll('thead th');
	r.questions.forEach((q, i) => {
		ths[8 + i].textContent = `${t('console.q_short', { n: q.index + 1 })}`;
		ths[8 + i].title = `${q.qid} (${num(q.max)})`;
	});
	root.replaceChildren(head,
		h('p', { class: 'muted', id: 'results-facts', text: t('console.results_facts', { n: r.participants, max: num(r.max), at: when(r.computed_at) }) }),
		card(null, tableEl, pager(r.participants, r.page, r.per_page, (n) => { location.hash = `#results/${code}?page=${n}`; })));
}
