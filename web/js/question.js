/*
 * question.js - how a question and its reveal look, for every question type,
 * read-only (the host and screen pages, and the player's reveal).
 *
 * A `question` message carries the type's public fields from the scoring
 * engine: `options` (single_choice, multiple_choice), `items` (ordering),
 * `left`/`right` (matching), `blanks` (fill_in: a count or one label per
 * blank), `unit` (numeric). true_false has two implied choices, true and
 * false, in that order (as in the reveal distribution). A `reveal` carries
 * `answer` in the response shape of its type (docs/protocol.md), the
 * distribution per choice and the correctness counts.
 */

import { h, letter } from './dom.js';
import { t, has, pick, num } from './i18n.js';

const CHOICE_TYPES = new Set(['single_choice', 'multiple_choice', 'true_false']);

export function isChoice(qtype) {
	return CHOICE_TYPES.has(qtype);
}

/* The colour class of choice i: true/false has its own (never red or green), others A, B, C... */
export function choiceClass(q, i) {
	return q && q.qtype === 'true_false' ? `tf-${i}` : `opt-${i % 6}`;
}

/* The badge of choice i: ✓ ✗ for true/false, A, B, C... for options. */
export function choiceMarker(q, i) {
	return q && q.qtype === 'true_false' ? (i === 0 ? '✓' : '✗') : letter(i);
}

/* The labels of a choice question's choices (true_false: true, false), else []. */
export function choiceLabels(q) {
	if (!q) return [];
	if (q.qtype === 'true_false') return [t('tf.true'), t('tf.false')];
	if (Array.isArray(q.options)) return q.options.map(pick);
	return [];
}

/* The choice indexes a response or answer of a choice type picks. */
export function choiceIndexes(qtype, value) {
	if (qtype === 'true_false') return typeof value === 'boolean' ? [value ? 0 : 1] : [];
	if (qtype === 'single_choice') return Number.isInteger(value) ? [value] : [];
	if (qtype === 'multiple_choice') return Array.isArray(value) ? value.filter(Number.isInteger) : [];
	return [];
}

/* The number of blanks of a fill_in question, and their labels ('' if none). */
export function blankLabels(q) {
	const b = q && q.blanks;
	if (Array.isArray(b)) return b.map((x) => (x && typeof x === 'object' && !Array.isArray(x) && 'label' in x ? pick(x.label) : pick(x)));
	const n = Number.isInteger(b) && b > 0 ? b : 1;
	return Array.from({ length: n }, () => '');
}

export function unitText(q) {
	return q && q.unit ? pick(q.unit) : '';
}

export function typeLabel(qtype) {
	return has(`qtype.${qtype}`) ? t(`qtype.${qtype}`) : qtype;
}

/* A list of labelled rows (ordering items, matching sides). */
function list(cls, labels, marker) {
	return h('ol', { class: cls }, labels.map((s, i) => h('li', {}, h('span', { class: 'marker', text: marker(i) }), h('span', { class: 'label', text: s }))));
}

/*
 * The read-only body of a question: its text and what can be chosen.
 * correct: the indexes to highlight (choice types, at reveal) or null.
 */
export function renderQuestion(q, { correct = null } = {}) {
	const body = h('div', { class: 'q-body', dataset: { qtype: q.qtype } });
	body.append(h('div', { class: 'q-text', text: pick(q.text) }));
	if (isChoice(q.qtype)) {
		const set = new Set(correct || []);
		body.append(h('ol', { class: 'q-options' }, choiceLabels(q).map((s, i) =>
			h('li', { class: `opt ${choiceClass(q, i)}`, dataset: { correct: correct ? String(set.has(i)) : undefined } },
				h('span', { class: 'marker', text: choiceMarker(q, i) }),
				h('span', { class: 'label', text: s })))));
	} else if (q.qtype === 'ordering' && Array.isArray(q.items)) {
		body.append(list('q-items', q.items.map(pick), (i) => letter(i)));
	} else if (q.qtype === 'matching' && Array.isArray(q.left) && Array.isArray(q.right)) {
		body.append(h('div', { class: 'q-matching' },
			list('q-left', q.left.map(pick), (i) => String(i + 1)),
			list('q-right', q.right.map(pick), (i) => letter(i))));
	} else if (q.qtype === 'judged' && Array.isArray(q.rubric)) {
		body.append(renderRubric(q));
	} else if (q.qtype === 'fill_in') {
		const labels = blankLabels(q);
		body.append(h('div', { class: 'q-hint', text: t('q.blanks', { n: labels.length }) }));
	} else if (q.qtype === 'numeric' && unitText(q)) {
		body.append(h('div', { class: 'q-hint', text: t('q.unit', { unit: unitText(q) }) }));
	}
	return body;
}

/* The aspects judges mark in a practical task, with their points. */
export function renderRubric(q) {
	const rubric = Array.isArray(q.rubric) ? q.rubric : [];
	return h('ol', { class: 'q-items rubric' }, rubric.map((r, i) => h('li', {},
		h('span', { class: 'marker', text: String(i + 1) }),
		h('span', { class: 'label', text: r.text ? pick(r.text) : r.id }),
		h('span', { class: 'max', text: t('q.points', { n: r.max }) }))));
}

/* One value of a fill_in answer: a string, or accepted alternatives. */
function alternatives(v) {
	if (Array.isArray(v)) return v.map(pick).join(' / ');
	if (v && typeof v === 'object' && Array.isArray(v.accept)) return v.accept.map(pick).join(' / ');
	return pick(v);
}

/* One accepted numeric answer: 9.8, {value, tolerance}, {value, relative}, {min, max}. */
function numericOne(a) {
	if (typeof a === 'number') return num(a);
	if (a && typeof a === 'object' && !Array.isArray(a)) {
		if (typeof a.value === 'number' && typeof a.tolerance === 'number' && a.tolerance > 0) return `${num(a.value)} ± ${num(a.tolerance)}`;
		if (typeof a.value === 'number' && typeof a.relative === 'number' && a.relative > 0) return `${num(a.value)} ± ${num(a.relative * 100)}%`;
		if (typeof a.value === 'number') return num(a.value);
		if (typeof a.min === 'number' && typeof a.max === 'number') return `${num(a.min)} – ${num(a.max)}`;
	}
	return pick(a);
}

function numericText(q, a) {
	const unit = unitText(q);
	const text = Array.isArray(a) ? a.map(numericOne).join(' / ') : numericOne(a);
	return unit ? `${text} ${unit}` : text;
}

/* Renderers of the correct answer, per type. */
const ANSWER_RENDERERS = {
	single_choice: (q, a) => choiceAnswer(q, a),
	multiple_choice: (q, a) => choiceAnswer(q, a),
	true_false: (q, a) => choiceAnswer(q, a),
	numeric: (q, a) => h('div', { class: 'a-value', text: numericText(q, a) }),
	fill_in: (q, a) => {
		const labels = blankLabels(q);
		const vals = Array.isArray(a) ? a : [a];
		return h('ol', { class: 'a-list' }, vals.map((v, i) => h('li', {}, labels[i] ? `${labels[i]}: ` : '', h('b', { text: alternatives(v) }))));
	},
	ordering: (q, a) => {
		const items = Array.isArray(q.items) ? q.items.map(pick) : [];
		const order = Array.isArray(a) ? a : [];
		return h('ol', { class: 'a-list' }, order.map((i) => h('li', { text: items[i] ?? String(i) })));
	},
	judged: () => h('div', { class: 'a-value', text: t('q.judged') }),
	matching: (q, a) => {
		const left = Array.isArray(q.left) ? q.left.map(pick) : [];
		const right = Array.isArray(q.right) ? q.right.map(pick) : [];
		const pairs = Array.isArray(a) ? a : [];
		return h('ul', { class: 'a-list' }, pairs.map((r, i) => h('li', {}, `${left[i] ?? i + 1} → `, h('b', { text: right[r] ?? String(r) }))));
	},
};

function choiceAnswer(q, a) {
	const labels = choiceLabels(q);
	const idx = choiceIndexes(q.qtype, a);
	return h('div', { class: 'a-value' }, idx.map((i) => h('div', { text: q.qtype === 'true_false' ? labels[i] : `${letter(i)}. ${labels[i] ?? ''}` })));
}

/* The correct answer in words, for any type (unknown types: as JSON). */
export function renderAnswer(q, answer) {
	const fn = q && ANSWER_RENDERERS[q.qtype];
	if (fn) return fn(q, answer);
	return h('div', { class: 'a-value', text: typeof answer === 'string' ? answer : JSON.stringify(answer) });
}

/* Bars of the answer distribution (choice types), correct choices marked in words and green. */
export function renderDistribution(q, reveal) {
	const dist = Array.isArray(reveal.distribution) ? reveal.distribution : null;
	if (!dist || !q) return null;
	const labels = choiceLabels(q);
	const correct = new Set(choiceIndexes(q.qtype, reveal.answer));
	const max = Math.max(1, ...dist);
	return h('ol', { class: 'dist' }, dist.map((n, i) => h('li', { class: choiceClass(q, i), dataset: { correct: String(correct.has(i)) } },
		h('span', { class: 'marker', text: choiceMarker(q, i) }),
		h('span', { class: 'bar-track' }, h('span', { class: 'bar', vars: { '--w': (n / max).toFixed(4) } })),
		h('span', { class: 'count', text: num(n) }),
		h('span', { class: 'label' }, h('span', { class: 'text', text: labels[i] ?? '' }), correct.has(i) ? h('span', { class: 'is-answer', text: t('mark.answer') }) : null))));
}

/* "correct 28 · partial 0 · wrong 7" (✓ ✗ beside the colours) */
export function renderResults(reveal) {
	const r = reveal.results || {};
	return h('div', { class: 'results' },
		h('span', { class: 'res-correct', text: t('reveal.correct_n', { n: num(r.correct ?? 0) }) }),
		r.partial ? h('span', { class: 'res-partial', text: t('reveal.partial_n', { n: num(r.partial) }) }) : null,
		h('span', { class: 'res-wrong', text: t('reveal.wrong_n', { n: num(r.wrong ?? 0) }) }));
}
