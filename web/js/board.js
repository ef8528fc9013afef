/*
 * board.js - a leaderboard that moves smoothly when ranks change.
 *
 * Each row is keyed by participant_id and absolutely positioned at
 * translateY(position x row height); when a `leaderboard` push reorders the
 * top N, rows keep their element and only their position changes, so the CSS
 * transition slides them to their new places. New rows fade in (a CSS
 * animation), rows that leave the top N fade out. A row whose score grew flashes once. The row
 * height comes from the CSS variable --row-h of the board element.
 */

import { h } from './dom.js';
import { t, num } from './i18n.js';

const LEAVE_MS = 600;

export class Board {
	/* el: the container; opts.unit: show the unit column; opts.meId: highlight this participant. */
	constructor(el, { unit = true } = {}) {
		this.el = el;
		this.unit = unit;
		this.meId = null;
		this.rows = new Map(); /* participant_id -> {el, score} */
		this.top = [];
		el.classList.add('board');
	}

	setMe(id) {
		this.meId = id;
		for (const [pid, r] of this.rows) r.el.classList.toggle('me', pid === id);
	}

	makeRow(e) {
		const el = h('li', { class: 'row', dataset: { pid: String(e.participant_id) } },
			h('span', { class: 'rank' }),
			h('span', { class: 'who' }, h('span', { class: 'name' }), this.unit ? h('span', { class: 'unit' }) : null),
			h('span', { class: 'score' }));
		this.el.append(el); /* fades in by a CSS animation (no frame callbacks: background tabs throttle them) */
		return { el, score: e.score };
	}

	/* Shows a new top list ([{rank, participant_id, name, unit, score}]). */
	update(top) {
		this.top = Array.isArray(top) ? top : [];
		const seen = new Set();
		this.top.forEach((e, i) => {
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
			el.dataset.rank = String(e.rank);
			el.classList.toggle('me', pid === this.meId);
			el.querySelector('.rank').textContent = String(e.rank ?? i + 1);
			el.querySelector('.name').textContent = e.name ?? '';
			const u = el.querySelector('.unit');
			if (u) u.textContent = e.unit ?? '';
			el.querySelector('.score').textContent = num(e.score);
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

	/* Re-renders numbers after a language switch. */
	refresh() {
		this.update(this.top);
	}
}
