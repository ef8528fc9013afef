/*
 * console/analysis.js - a contest's analysis (#analysis/CODE[?from=&to=]):
 * GET /api/console/contests/{code}/analysis for the figures, and its four
 * charts (participation by unit against the roster, score distribution,
 * awards by unit from the latest results release, item analysis) drawn by
 * the server as SVG, shown inline in the page's language, each with SVG, PNG
 * and PDF downloads; the item table (facility, discrimination d27, the
 * point-biserial r, flags, the share choosing each option) and the paper's
 * reliability (KR-20, Cronbach's alpha). Self-paced contests (exam, mass)
 * can be narrowed to a period.
 *
 * A chart's SVG is parsed as XML (DOMParser) and adopted as nodes, never set
 * as markup: unit names and question ids in it are text nodes.
 */

import { t, pick, num, currentLang } from '../i18n.js';
import { h } from '../dom.js';
import { errText, link, table, td, card, downloadButton, field, input } from './ui.js';
import { api } from '../session.js';

const CHARTS = [
	['participation', 'analysis.chart_participation'],
	['scores', 'analysis.chart_scores'],
	['awards', 'analysis.chart_awards'],
	['items', 'analysis.chart_items'],
];
const SVG_NS = 'http://www.w3.org/2000/svg';

const fixed = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? num(x, d) : '—');
const pct = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${num(x * 100, 1)}%` : '—');
const letter = (i) => String.fromCharCode(65 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26)) : '');

/* The chart as SVG nodes, fetched in the page's language. */
async function chartNode(url) {
	const r = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept-Language': currentLang() } });
	if (!r.ok) {
		let msg = `HTTP ${r.status}`;
		try {
			msg = (await r.json()).error.message || msg;
		} catch (e) { /* not JSON */ }
		throw new Error(msg);
	}
	const doc = new DOMParser().parseFromString(await r.text(), 'image/svg+xml');
	const svg = doc.documentElement;
	if (svg.namespaceURI !== SVG_NS || svg.localName !== 'svg') throw new Error(t('analysis.err_chart'));
	const node = document.importNode(svg, true);
	node.removeAttribute('width'); /* the viewBox scales it to its box */
	node.removeAttribute('height');
	node.setAttribute('focusable', 'false');
	return node;
}

function chartCard(base, name, titleKey, query) {
	const q = query ? `?${query}` : '';
	const box = h('div', { class: 'chart', dataset: { chart: name } }, h('p', { class: 'muted', text: t('console.loading') }));
	const lang = `lang=${currentLang() === 'en' ? 'en' : 'zh-CN'}`;
	chartNode(`${base}/${name}.svg?${query ? `${query}&` : ''}${lang}`)
		.then((node) => box.replaceChildren(node))
		.catch((e) => box.replaceChildren(h('p', { class: 'form-error', text: e.message || errText(e) })));
	const dl = h('div', { class: 'links chart-downloads' },
		...['svg', 'png', 'pdf'].map((ext) => downloadButton(`analysis.download_${ext}`, `${base}/${name}.${ext}${q}`, { id: `dl-${name}-${ext}` })));
	return h('section', { class: 'card chart-card', id: `chart-${name}` }, h('h2', { text: t(titleKey) }), box, dl);
}

function flagBadges(flags) {
	return flags.length ? flags.map((f) => h('span', { class: 'flag', dataset: { flag: f }, text: t(`analysis.flag_${f}`) }))
		: h('span', { class: 'muted', text: t('analysis.flag_none') });
}

function itemRows(items) {
	return items.map((x) => h('tr', { dataset: { qid: x.id } },
		td(String(x.index + 1)),
		td([h('code', { text: x.id }), x.text ? h('div', { class: 'qtext', text: pick(x.text) }) : null]),
		td(num(x.n)),
		td(fixed(x.facility), 'facility'),
		td(fixed(x.d27), 'd27'),
		td(fixed(x.r_pbis), 'rpbis'),
		td(flagBadges(x.flags), 'flags'),
		td(x.options.length ? x.options.map((s, i) => `${letter(i)} ${pct(s)}`).join(' · ') : '—', 'options')));
}

function paperFacts(p) {
	const stat = (id, value, key) => h('div', { class: 'stat' }, h('div', { class: 'stat-n', id, text: value }), h('div', { class: 'stat-l', text: t(key) }));
	return h('div', { class: 'stats', id: 'paper-stats' },
		stat('paper-attempts', num(p.attempts), 'analysis.attempts'),
		stat('paper-mean', fixed(p.mean, 1), 'analysis.mean'),
		stat('paper-kr20', fixed(p.kr20), 'analysis.kr20'),
		stat('paper-alpha', fixed(p.alpha), 'analysis.alpha'));
}

function periodForm(code, q) {
	const from = input('from', q.get('from') || '', { type: 'date' });
	const to = input('to', q.get('to') || '', { type: 'date' });
	const form = h('form', { class: 'filters', id: 'period', attrs: { novalidate: '' } },
		field('analysis.from', from), field('analysis.to', to),
		h('button', { type: 'submit', class: 'btn', text: t('analysis.apply') }));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const n = new URLSearchParams();
		if (from.value) n.set('from', from.value);
		if (to.value) n.set('to', to.value);
		location.hash = `#analysis/${code}${[...n].length ? `?${n}` : ''}`;
	});
	return card('analysis.period', h('p', { class: 'muted small', text: t('analysis.period_help') }), form);
}

export async function analysisView(root, ctx, code, query) {
	const q = new URLSearchParams(query);
	const period = new URLSearchParams();
	for (const k of ['from', 'to']) if (q.get(k)) period.set(k, q.get(k));
	const base = `/api/console/contests/${code}/analysis`;
	const head = h('div', { class: 'view-head' }, h('h1', { id: 'analysis-title', text: t('analysis.title_of', { code }) }),
		h('div', { class: 'links' }, link('console.results', `#results/${code}`), link('console.back_contest', `#contest/${code}`)));
	root.replaceChildren(head, h('p', { class: 'muted', text: t('console.loading') }));
	let a;
	try {
		a = await api('GET', `${base}${[...period].length ? `?${period}` : ''}`);
	} catch (e) {
		return root.replaceChildren(head, card(null, h('p', { class: 'form-error', id: 'analysis-error', text: errText(e) })));
	}
	head.querySelector('#analysis-title').textContent = `${a.title || code} · ${t('analysis.title')}`;
	const part = a.participation;
	const facts = h('p', { class: 'muted', id: 'analysis-facts', text: t('analysis.facts', {
		n: part.participants, headcount: part.headcount, mean: a.scores.mean === null ? '—' : num(a.scores.mean, 1), max: num(a.scores.max) }) });
	const awardsNote = h('p', { class: 'muted small', id: 'awards-note', text: a.awards
		? t(a.awards.status === 'final' ? 'analysis.awards_final' : 'analysis.awards_provisional', { revision: a.awards.revision })
		: t('analysis.awards_none') });
	const items = a.items.items;
	root.replaceChildren(...[head, facts,
		a.mode === 'exam' || a.mode === 'mass' ? periodForm(code, q) : null,
		h('div', { class: 'chart-grid' }, ...CHARTS.map(([name, key]) => chartCard(base, name, key, period.toString()))),
		awardsNote,
		card('analysis.items', paperFacts(a.items.paper),
			!a.items.available ? h('p', { class: 'muted', id: 'items-unavailable', text: t('analysis.items_unavailable') }) : null,
			h('p', { class: 'muted small', text: t('analysis.items_help') }),
			table(['analysis.col_no', 'analysis.col_question', 'analysis.col_n', 'analysis.col_facility', 'analysis.col_d27',
				'analysis.col_rpbis', 'analysis.col_flags', 'analysis.col_options'], itemRows(items), { id: 'items', empty: 'analysis.no_items' }))]
		.filter(Boolean));
}
