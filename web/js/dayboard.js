/*
 * dayboard.js - the boards of an exam or mass contest on the player's home
 * view: GET /api/contests/{code}/board (docs/api.md), what the screens get
 * as `mass_board`: today's and the overall individual boards (each
 * participant's best attempt, ties by the shorter time) and the units by
 * participation rate (participants ÷ headcount), with their average.
 *
 * Players get `leaderboard` only with `joined`, so after their own attempt
 * the page asks this public endpoint instead: when the home is shown (at
 * most every 30 s) and at once after an attempt ended. A mass contest shows
 * three tabs (今日, 总榜, 单位); an exam the overall board only. Without an
 * answer (an older server, the network) nothing is shown, never an old
 * board as if it were new.
 */

import { h } from './dom.js';
import { t, num, clock } from './i18n.js';

const EVERY_MS = 30000;
const TOP = 10;

export class DayBoard {
	/* card: the element holding [data-tab] buttons, .board-caption and the list; onChange() after new data. */
	constructor(card, { onChange }) {
		this.card = card;
		this.onChange = onChange;
		this.data = null;
		this.at = 0;
		this.asking = false;
		this.tab = 'today';
		for (const b of card.querySelectorAll('[data-tab]')) {
			b.addEventListener('click', () => {
				this.tab = b.dataset.tab;
				this.onChange();
			});
		}
	}

	/* Asks the server again (force: now; else at most every 30 s). */
	async refresh(code, force = false) {
		if (!code || this.asking || (!force && Date.now() - this.at < EVERY_MS)) return;
		this.asking = true;
		this.at = Date.now();
		try {
			const r = await fetch(`/api/contests/${encodeURIComponent(code)}/board`, { headers: { accept: 'application/json' } });
			this.data = r.ok ? await r.json() : null;
		} catch (e) {
			this.data = null; /* offline: the next refresh */
		}
		this.asking = false;
		this.onChange();
	}

	/* Renders into the card. mass: three tabs, else the overall board; me: {participant_id, unit}. Returns whether anything is shown. */
	render({ mass, me }) {
		const d = this.data;
		const units = d && d.units && Array.isArray(d.units.overall) && d.units.overall.length ? d.units : null;
		const tabs = mass ? ['today', 'overall'].concat(units ? ['units'] : []) : ['overall'];
		if (!tabs.includes(this.tab)) this.tab = tabs[0];
		const part = d && this.tab !== 'units' ? d[this.tab] : null;
		const show = !!d && (this.tab === 'units' ? !!units : !!(part && Array.isArray(part.top) && part.top.length));
		this.card.hidden = !d || !(d.overall && d.overall.top && d.overall.top.length);
		if (this.card.hidden) return false;
		this.card.querySelector('.tabs').hidden = tabs.length < 2;
		for (const b of this.card.querySelectorAll('[data-tab]')) {
			b.hidden = !tabs.includes(b.dataset.tab);
			b.setAttribute('aria-selected', String(b.dataset.tab === this.tab));
		}
		const caption = this.card.querySelector('.board-caption');
		const list = this.card.querySelector('.mini-board');
		if (this.tab === 'units') {
			caption.textContent = t(units.roster ? 'board.units_roster' : 'board.units_typed');
			list.replaceChildren(...unitRows(units.overall, me));
			return true;
		}
		/* at least everyone listed took part, with an attempt each (the counts may lag the list on the server) */
		const players = show ? Math.max(part.players ?? 0, part.top.length) : 0;
		caption.textContent = show ? t(this.tab === 'today' ? 'board.today_n' : 'board.overall_n', { n: players, a: Math.max(part.attempts ?? 0, players) })
			: t('board.today_none');
		list.replaceChildren(...(show ? part.top.slice(0, TOP).map((e) => personRow(e, me)) : []));
		return true;
	}
}

function personRow(e, me) {
	return h('li', { class: `mini-row${me && e.participant_id === me.participant_id ? ' me' : ''}` },
		h('span', { class: 'rank', text: String(e.rank ?? '') }),
		h('span', { class: 'who' }, h('span', { class: 'name', text: e.name ?? '' }), e.unit ? h('span', { class: 'unit', text: e.unit }) : null),
		h('span', { class: 'score' }, num(e.score), typeof e.duration_ms === 'number' ? h('span', { class: 'time', text: clock(e.duration_ms) }) : null));
}

/*
 * Units of one level (the first under the root when there is a roster): by
 * participation rate when there is a headcount to divide by, else by how
 * many took part.
 */
function unitRows(list, me) {
	const all = Array.isArray(list) ? list : [];
	const depths = all.map((u) => u.depth ?? 0);
	const level = depths.includes(1) ? 1 : Math.min(...depths);
	const rated = all.some((u) => typeof u.rate === 'number');
	const rows = all.filter((u) => (u.depth ?? 0) === level)
		.sort(rated ? (a, b) => (a.rank_rate ?? 1e9) - (b.rank_rate ?? 1e9) : (a, b) => (b.participants ?? 0) - (a.participants ?? 0))
		.slice(0, TOP);
	const mine = me && me.unit ? me.unit : null;
	return rows.map((u, i) => h('li', { class: `mini-row unit-row${mine && (u.name === mine || String(u.path || '').endsWith(mine)) ? ' me' : ''}` },
		h('span', { class: 'rank', text: String(rated ? u.rank_rate ?? '' : i + 1) }),
		h('span', { class: 'who' }, h('span', { class: 'name', text: u.name ?? u.path ?? '' }),
			h('span', { class: 'unit', text: typeof u.average === 'number' ? t('board.unit_average', { avg: num(Math.round(u.average * 10) / 10) }) : '' })),
		h('span', { class: 'score' }, typeof u.rate === 'number' ? `${num(Math.round(u.rate * 1000) / 10)}%` : t('board.unit_people', { n: u.participants ?? 0 }),
			typeof u.headcount === 'number' && u.headcount > 0 ? h('span', { class: 'time', text: `${num(u.participants ?? 0)}/${num(u.headcount)}` }) : null)));
}
