/*
 * standings.js - what a leaderboard from the server means to a person: who
 * is tied with whom, how two people of the same name are told apart, and the
 * number format every board of a page shares.
 *
 * The server sends the top N ordered by score with a position as `rank`
 * (1, 2, 3, ... even for equal scores). People expect equal scores to share
 * a rank ("1, 2, 2, 4", shown as 并列): standings() recomputes it from the
 * scores in the list, and mine() does the same for the player's own rank
 * when their score equals one in the list. Names: when two entries share a
 * name, each gets a suffix that tells them apart: the tail of the employee
 * number when the entry carries one (`emp_tail`), else the unit when the
 * units differ, else the participant number. Boards show no rank for an
 * entry without points (`scored` false): in the lobby everyone is at 0,
 * and a row of "1 并列" would rank nobody.
 */

import { decimalsOf } from './i18n.js';

/*
 * standings(top) -> [{entry, rank, tied, scored, suffix, suffixIsUnit}] in
 * the given order. rank: the competition rank (equal scores share the first
 * one's); tied: another entry in the list has the same score; scored: the
 * score is above 0.
 */
export function standings(top) {
	const list = Array.isArray(top) ? top : [];
	const out = [];
	list.forEach((e, i) => {
		const prev = out[i - 1];
		const same = prev && typeof e.score === 'number' && e.score === prev.entry.score;
		const rank = same ? prev.rank : (Number.isInteger(e.rank) ? e.rank : i + 1);
		const scored = typeof e.score === 'number' && e.score > 0;
		out.push({ entry: e, rank, tied: false, scored, suffix: '', suffixIsUnit: false });
		if (same) {
			prev.tied = true;
			out[i].tied = true;
		}
	});
	const byName = new Map();
	for (const s of out) {
		const k = s.entry.name ?? '';
		if (!byName.has(k)) byName.set(k, []);
		byName.get(k).push(s);
	}
	for (const group of byName.values()) {
		if (group.length < 2) continue;
		const units = new Set(group.map((s) => s.entry.unit || ''));
		for (const s of group) {
			const e = s.entry;
			if (typeof e.emp_tail === 'string' && e.emp_tail) s.suffix = `…${e.emp_tail}`;
			else if (units.size === group.length && e.unit) {
				s.suffix = e.unit;
				s.suffixIsUnit = true;
			} else s.suffix = `#${e.participant_id}`;
		}
	}
	return out;
}

/*
 * The player's own rank for display: {rank, tied} from the list when the
 * player is in it or shares a score with an entry, else the server's rank
 * (null when unknown).
 */
export function mine(me, top, meId) {
	const rows = standings(top);
	const byId = rows.find((s) => s.entry.participant_id === meId);
	if (byId) return { rank: byId.rank, tied: byId.tied };
	const score = me && typeof me.score === 'number' ? me.score : null;
	const same = score === null ? null : rows.find((s) => s.entry.score === score);
	if (same) return { rank: same.rank, tied: true };
	return { rank: me && Number.isInteger(me.rank) ? me.rank : null, tied: false };
}

/* The fraction digits the scores of a list (and extra values) are shown with. */
export function scoreDecimals(top, ...extra) {
	const list = Array.isArray(top) ? top : [];
	return decimalsOf([...list.map((e) => e.score), ...extra]);
}
