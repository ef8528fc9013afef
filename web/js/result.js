/*
 * result.js - the result of an exam or mass attempt (`result`,
 * docs/protocol.md), as much of it as the contest lets the participant see:
 * how it ended (handed in, or submitted by the server when time ran out),
 * the score out of the maximum, the percentage, pass or fail, right answers,
 * time taken and rank; per question the participant's answer, the key, the
 * points and the explanation (show_key); or, while results wait for the
 * window to close, when they will be shown.
 *
 * The key needs the question's text and options, which `result` does not
 * carry: they come from the paper the page kept when the attempt was on
 * screen (questions, in this participant's order); without it a question
 * is shown by its id and the answers as they were sent.
 */

import { h } from './dom.js';
import { t, pick, num, clock, when } from './i18n.js';
import { renderAnswer, typeLabel } from './question.js';

const VERDICT = { correct: 'ok', partial: 'part', wrong: 'bad', unanswered: 'none' };

/* An answer in words when the question is not known: as it was sent. */
function rawAnswer(v) {
	return h('div', { class: 'a-value', text: typeof v === 'string' ? v : JSON.stringify(v) });
}

function answerOf(q, v) {
	if (v === null || v === undefined) return h('div', { class: 'a-none', text: t('result.no_answer') });
	return q ? renderAnswer(q, v) : rawAnswer(v);
}

/* One question of the key. */
function itemCard(item, q) {
	const verdict = VERDICT[item.correctness] || 'none';
	const explanation = pick(item.explanation);
	return h('li', { class: 'r-item', dataset: { verdict, index: String(item.index) } },
		h('div', { class: 'r-item-head' },
			h('span', { class: 'r-no', text: t('exam.q_no', { n: item.index + 1 }) }),
			q ? h('span', { class: 'q-type', text: typeLabel(q.qtype) }) : null,
			h('span', { class: 'r-verdict', text: t(`verdict.${item.correctness}`) }),
			h('span', { class: 'r-points', text: t('result.item_points', { p: item.points ?? 0, max: item.max ?? 0 }) })),
		h('div', { class: 'r-text', text: q ? pick(q.text) : t('result.question_id', { id: item.id ?? '' }) }),
		h('div', { class: 'r-row r-mine' }, h('div', { class: 'caption', text: t('result.your_answer') }), answerOf(q, item.response)),
		item.correctness === 'correct' ? null
			: h('div', { class: 'r-row r-key' }, h('div', { class: 'caption', text: t('reveal.answer') }), answerOf(q, item.answer)),
		explanation ? h('div', { class: 'r-row r-expl' }, h('div', { class: 'caption', text: t('reveal.explanation') }), h('div', { text: explanation })) : null);
}

/* The figures of a visible result: score, percentage, pass, right answers, time, rank. */
function scoreCard(m) {
	const facts = [];
	if (typeof m.correct === 'number') facts.push([t('result.f_correct'), t('result.correct_of', { n: m.correct, total: m.count ?? 0 })]);
	facts.push([t('result.f_answered'), t('result.correct_of', { n: m.answered ?? 0, total: m.count ?? 0 })]);
	if (typeof m.duration_ms === 'number') facts.push([t('result.f_duration'), clock(m.duration_ms)]);
	if (typeof m.rank === 'number') facts.push([t('result.f_rank'), t('me.rank_n', { n: m.rank })]);
	return h('div', { class: 'card score-card' },
		h('div', { class: 'score-line' },
			h('span', { class: 'score-big', id: 'er-score', text: num(m.score) }),
			typeof m.max === 'number' ? h('span', { class: 'score-max', text: t('result.of_max', { max: m.max }) }) : null,
			typeof m.percent === 'number' ? h('span', { class: 'score-pct', text: `${num(Math.round(m.percent * 10) / 10)}%` }) : null),
		m.passed === true || m.passed === false
			? h('div', { class: 'pass', dataset: { passed: String(m.passed) }, text: t(m.passed ? 'result.passed' : 'result.failed') }) : null,
		h('dl', { class: 'tiles' }, facts.map(([k, v]) => h('div', { class: 'tile' }, h('dt', { text: k }), h('dd', { text: v })))));
}

/* What is said when the result is hidden: when it will be shown, or never; the score if show_score. */
function hiddenCard(m, tz) {
	return h('div', { class: 'card score-card hidden-result' },
		typeof m.score === 'number' ? h('div', { class: 'score-line' },
			h('span', { class: 'score-big', id: 'er-score', text: num(m.score) }),
			typeof m.max === 'number' ? h('span', { class: 'score-max', text: t('result.of_max', { max: m.max }) }) : null) : null,
		h('p', { class: 'lead', id: 'er-later', text: m.results_at ? t('result.later', { when: when(m.results_at, tz) }) : t('result.never') }),
		h('dl', { class: 'facts' },
			h('dt', { text: t('result.f_answered') }), h('dd', { text: t('result.correct_of', { n: m.answered ?? 0, total: m.count ?? 0 }) }),
			typeof m.duration_ms === 'number' ? [h('dt', { text: t('result.f_duration') }), h('dd', { text: clock(m.duration_ms) })] : null));
}

/*
 * The whole result as {top, key}: the head and the figures (top), the key
 * (key: empty when not shown), for the page to put its buttons between them.
 * opts: questions (the paper, or null), tz (the contest's time zone),
 * wrongOnly (show only questions not fully right), onFilter(bool) when the
 * participant toggles that.
 */
export function renderResult(m, { questions = null, tz, wrongOnly = false, onFilter = null } = {}) {
	const expired = m.status === 'expired';
	const top = [h('div', { class: 'result-head', id: 'er-head', dataset: { status: m.status || '' } },
		h('div', { class: 'res-title', text: t(expired ? 'result.expired' : 'result.submitted') }),
		h('div', { class: 'res-sub', text: t('result.attempt_line', { n: m.attempt_no ?? 1, when: when(m.submitted, tz) }) }))];
	top.push(m.visible ? scoreCard(m) : hiddenCard(m, tz));
	if (m.counts === 'best' && m.counted && m.counted.attempt_no !== m.attempt_no && typeof m.counted.score === 'number') {
		top.push(h('p', { class: 'counted muted', text: t('result.counted_other', { n: m.counted.attempt_no, score: m.counted.score }) }));
	}
	const key = [];
	const items = Array.isArray(m.items) ? m.items : null;
	if (items && items.length) {
		const notRight = items.filter((it) => it.correctness !== 'correct');
		const shown = wrongOnly ? notRight : items;
		key.push(h('div', { class: 'key-head' },
			h('h2', { text: t('result.key') }),
			notRight.length ? h('button', {
				type: 'button', class: 'chip-toggle', id: 'er-wrong-only',
				attrs: { 'aria-pressed': String(wrongOnly) },
				text: t('result.wrong_only', { n: notRight.length }),
				onclick: () => onFilter && onFilter(!wrongOnly),
			}) : null));
		key.push(h('ol', { class: 'r-items', id: 'er-items' }, shown.map((it) => itemCard(it, questions ? questions[it.index] : null))));
	}
	return { top, key };
}
