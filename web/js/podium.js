/*
 * podium.js - the podium of the big screen at the end of a contest: the
 * first three places (second, first, third from left to right).
 *
 * Who stands on it: everyone of the final leaderboard who scored and
 * ranks 1 to 3, since a podium place with 0 points honours nobody. Equal
 * scores share a rank (standings.js) and the step's colour and height follow
 * that rank, so two people tied for first stand on two gold steps and two
 * tied for third on two bronze ones, each marked 并列 (at most MAX_STEPS;
 * further ties stay on the board beside it, with the same rank). The best
 * stands in the middle, the next ones alternately left and right. Names are
 * never cut: they wrap (a 64-character name too), and fitPodium() scales the
 * podium (steps first, text less) until every step fits the stage.
 */

import { h } from './dom.js';
import { t, num } from './i18n.js';
import { standings } from './standings.js';

const MAX_STEPS = 5;
/* positions shown from left to right, for 3 (the classic 2-1-3), 4 or 5 steps */
const LAYOUT = { 3: [1, 0, 2], 4: [3, 1, 0, 2], 5: [3, 1, 0, 2, 4] };
const FIT_MIN = 0.3;
const FIT_STEP = 0.05;

/*
 * Draws the podium of top into el with scores in `decimals` fraction digits;
 * returns the participant ids standing on it.
 */
export function renderPodium(el, top, decimals) {
	const rows = standings(top).filter((s) => s.scored && s.rank <= 3).slice(0, MAX_STEPS);
	const places = LAYOUT[Math.max(3, rows.length)];
	el.style.setProperty('--steps', String(places.length));
	el.replaceChildren(...places.map((pos) => {
		const s = rows[pos];
		if (!s) return h('div', { class: `step place-${pos + 1} empty` });
		const e = s.entry;
		return h('div', { class: `step place-${pos + 1} tier-${Math.min(s.rank, 3)}`, dataset: { pid: String(e.participant_id), rank: String(s.rank) } },
			h('div', { class: 'p-name' }, h('span', { class: 'name', text: e.name ?? '' }), s.suffix ? h('span', { class: 'dup', text: t('board.dup', { tag: s.suffix }) }) : null),
			!s.suffixIsUnit && e.unit ? h('div', { class: 'p-unit', text: e.unit }) : null,
			h('div', { class: 'p-score', text: num(e.score, decimals) }),
			h('div', { class: 'p-block' },
				h('span', { class: 'p-rank', text: String(s.rank) }),
				s.tied ? h('span', { class: 'p-tie', text: t('board.tied') }) : null));
	}));
	return new Set(rows.map((s) => s.entry.participant_id));
}

/* Scales the podium (--pfit) down until the tallest step fits the height of el. */
export function fitPodium(el) {
	let fit = 1;
	el.style.setProperty('--pfit', '1');
	const tallest = () => Math.max(0, ...[...el.children].map((c) => c.scrollHeight));
	while (tallest() > el.clientHeight + 1 && fit > FIT_MIN) {
		fit -= FIT_STEP;
		el.style.setProperty('--pfit', fit.toFixed(2));
	}
	return fit;
}
