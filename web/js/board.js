/*
 * board.js - a leaderboard that moves smoothly when ranks change.
 *
 * Each row is keyed by participant_id and absolutely positioned at
 * translateY(position x row height); when a `leaderboard` push reorders the
 * top N, rows keep their element and only their position changes, so the CSS
 * transition slides them to their new places. New rows fade in (a CSS
 * animation), rows that leave the top N fade out. A row whose score grew
 * flashes once. The row height comes from the CSS variable --row-h of the
 * board element.
 *
 * What a row says comes from standings.js: equal scores share a rank and are
 * marked 并列 (data-tied, a .tie tag), a row without points has no rank
 * ("–") on public boards, two people of the same name get a suffix, and every score of the
 * board has the same number of decimals.
 */

import { h } from './dom.js';
import { t, num } from './i18n.js';
import { standings, scoreDecimals } from './standings.js';

const LEAVE_MS = 600;

export class Board {
	/*
	 * el: the container; opts.unit: show the unit under the name; opts.zeroRank:
	 * rank rows without points too (a player's own board), else they show "–"
	 * (public boards: in the lobby everyone is at 0).
	 */
	constructor(el, { unit = true, zeroRank = false } = {}) {
		this.el = el;
		this.unit = unit;
		this.zeroRank = zeroRank;
		this.meId = null;
		this.rows = new Map(); /* participant_id -> {el, score} */
		this.top = [];
		this.decimals = 0;
		el.classList.add('board');
	}

	setMe(id) {
		this.meId = id;
		for (const [pid, r] of this.rows) r.el.classList.toggle('me', pid === id);
	}

	makeRow(e) {
		const el = h('li', { class: 'row', dataset: { pid: String(e.participant_id) } },
			h('span', { class: 'rank' }, h('span', { class: 'rank-n' }), h('span', { class: 'tie' })),
			h('span', { class: 'who' },
				h('span', { class: 'name-line' }, h('span', { class: 'name' }), h('span', { class: 'dup' })),
				this.unit ? h('span', { class: 'unit' }) : null),
			h('span', { class: 'score' }));
		this.el.append(el); /* fades in by a CSS animation (no frame callbacks: background tabs throttle them) */
		return { el, score: e.score };
	}

	/*
	 * Shows a new top list ([{rank, participant_id, name, unit, score}]).
	 * decimals: the score format to use (default: what this list needs), so a
	 * page can format a podium beside the board alike.
	 */
	update(top, decimals) {
		this.top = Array.isArray(top) ? top : [];
		this.decimals = Number.isInteger(decimals) ? decimals : scoreDecimals(this.top);
		const seen = new Set();
		standings(this.top).forEach((s, i) => {
			const e = s.entry;
			const ranked = s.scored || this.zeroRank;
			const pid = e.participant_id;
			seen.add(pid);
			let r = this.rows.get(pid);
			if (!r) {
				r = this.makeRow(e);
				this.rows.set(pid, r);
			} else if (r.el.classList.contains('leaving')) {
				r.el.classList.remove('leaving');
			}
			const el = r.el;
			el.style.setProperty('--pos', String(i));
			el.dataset.rank = ranked ? String(s.rank) : '';
			el.toggleAttribute('data-tied', ranked && s.tied);
			el.classList.toggle('me', pid === this.meId);
			el.querySelector('.rank-n').textContent = ranked ? String(s.rank) : '–';
			el.querySelector('.tie').textContent = ranked && s.tied ? t('board.tied') : '';
			el.querySelector('.name').textContent = e.name ?? '';
			el.querySelector('.dup').textContent = s.suffix ? t('board.dup', { tag: s.suffix }) : '';
			const u = el.querySelector('.unit');
			if (u) u.textContent = s.suffixIsUnit ? '' : (e.unit ?? '');
			el.querySelector('.score').textContent = num(e.score, this.decimals);
			if (typeof e.score === 'number' && typeof r.score === 'number' && e.score > r.score) {
				el.classList.remove('bump');
				void el.offsetWidth; /* restart the animation */
				el.classList.add('bump');
			}
			r.score = e.score;
		});
		for (const [pid, r] of this.rows) {
			if (seen.has(pid) || r.el.classList.contains('leaving')) continue;
			r.el.classList.add('leaving');
			setTimeout(() => {
				if (r.el.classList.contains('leaving')) {
					r.el.remove();
					this.rows.delete(pid);
				}
			}, LEAVE_MS);
		}
		this.el.style.setProperty('--n', String(this.top.length));
		this.el.dataset.empty = String(this.top.length === 0);
		this.el.setAttribute('aria-label', t('board.title'));
	}

	/* Re-renders words and numbers after a language switch. */
	refresh() {
		this.update(this.top, this.decimals);
	}
}
