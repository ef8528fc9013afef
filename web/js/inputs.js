/*
 * inputs.js - the player's answer controls, one builder per question type.
 *
 * buildInput(question, submit, opts) returns {el, setDisabled(bool),
 * setChosen(response), markAnswer(answer)}; submit(response) is called with
 * the response in the shape docs/protocol.md gives for the type. Choice
 * questions (single_choice, true_false) submit on the first tap, as fast
 * answers earn more; the others collect the answer and have a submit button.
 *
 * opts.autosave (an exam paper, where an answer may change until the paper
 * is handed in): no submit buttons; every change is submitted as it happens
 * (a tap, a tick, a move, a choice; typed text 800 ms after the typing
 * stops and when the field is left), and a response that was cleared (no
 * option ticked, every field empty) is submitted as null. An ordering
 * question keeps one button, to take the order as shown without moving
 * anything; a matching question is submitted once every item is matched.
 */

import { h, letter } from './dom.js';
import { t, pick } from './i18n.js';
import { choiceLabels, choiceIndexes, choiceClass, choiceMarker, blankLabels, unitText, renderAnswer, renderRubric } from './question.js';

function submitButton(onClick) {
	return h('button', { type: 'button', class: 'btn primary submit', text: t('q.submit'), disabled: true, onclick: onClick });
}

/*
 * Big choice buttons; multi: toggles with a check box plus a submit button.
 * At the reveal each button says what it was for this player: right (chosen
 * and correct), wrong (chosen, not correct), missed (a correct option a
 * multiple-choice answer left out) or the answer (correct, not chosen).
 */
function choiceInput(q, submit, { multi = false, autosave = false } = {}) {
	const labels = choiceLabels(q);
	const tf = q.qtype === 'true_false';
	const picked = new Set();
	let disabled = false;
	let chosen = null; /* the indexes of the player's answer, once known */
	const values = labels.map((_, i) => (tf ? i === 0 : i));
	let send = null;
	const buttons = labels.map((label, i) => h('button', {
		type: 'button',
		class: `choice ${choiceClass(q, i)}`,
		dataset: { index: String(i) },
		attrs: { 'aria-pressed': 'false' },
		onclick: () => {
			if (disabled) return;
			if (!multi) {
				submit(values[i]);
				return;
			}
			if (picked.has(i)) picked.delete(i);
			else picked.add(i);
			buttons[i].setAttribute('aria-pressed', String(picked.has(i)));
			if (autosave) submit(picked.size ? [...picked].sort((a, b) => a - b) : null);
			else send.disabled = picked.size === 0;
		},
	}, h('span', { class: 'marker', text: choiceMarker(q, i) }),
	h('span', { class: 'label', text: label }),
	multi ? h('span', { class: 'check', attrs: { 'aria-hidden': 'true' } }) : null,
	h('span', { class: 'verdict' })));
	const el = h('div', { class: `answer choices${tf ? ' tf' : ''}${multi ? ' multi' : ''}` }, buttons);
	if (multi && !autosave) {
		send = submitButton(() => submit([...picked].sort((a, b) => a - b)));
		el.append(send);
	}
	if (multi) el.prepend(h('div', { class: 'hint', text: t(autosave ? 'q.pick_all_saved' : 'q.pick_all') }));
	return {
		el,
		setDisabled(b) {
			disabled = b;
			for (const btn of buttons) btn.disabled = b;
			if (send) send.disabled = b || picked.size === 0;
		},
		setChosen(response) {
			const idx = new Set(choiceIndexes(q.qtype, response));
			chosen = idx;
			picked.clear();
			if (multi) for (const i of idx) picked.add(i);
			buttons.forEach((btn, i) => {
				btn.classList.toggle('chosen', idx.has(i));
				btn.setAttribute('aria-pressed', String(idx.has(i)));
			});
		},
		markAnswer(answer) {
			const right = new Set(choiceIndexes(q.qtype, answer));
			const answered = chosen && chosen.size > 0;
			buttons.forEach((btn, i) => {
				const mine = !!(chosen && chosen.has(i));
				const mark = right.has(i) ? (mine ? 'right' : multi && answered ? 'missed' : 'answer') : mine ? 'wrong' : 'other';
				btn.dataset.correct = String(right.has(i));
				btn.dataset.mark = mark;
				btn.querySelector('.verdict').textContent = mark === 'other' ? '' : t(`mark.${mark}`);
			});
		},
	};
}

/* Typed text is saved this long after the typing stops (autosave). */
const TYPING_MS = 800;

/*
 * A text field per value, a submit button enabled once ready(); or, with
 * autosave(), no button: autosave() runs TYPING_MS after the last key and
 * when a field is left or Enter pressed (at most once per change).
 */
function fieldsInput(el, fields, send, { ready, fill, autosave = null }) {
	let timer = null;
	let dirty = false;
	const flush = () => {
		clearTimeout(timer);
		timer = null;
		if (dirty) {
			dirty = false;
			autosave();
		}
	};
	const update = () => {
		if (!autosave) {
			send.disabled = !ready();
			return;
		}
		dirty = true;
		clearTimeout(timer);
		timer = setTimeout(flush, TYPING_MS);
	};
	for (const f of fields) f.addEventListener('input', update);
	for (const f of fields) {
		f.addEventListener('keydown', (e) => {
			if (e.key !== 'Enter') return;
			if (autosave) flush();
			else if (!send.disabled) send.click();
		});
		if (autosave) f.addEventListener('change', flush);
	}
	let answerEl = null;
	return {
		el,
		setDisabled(b) {
			for (const f of fields) f.disabled = b;
			if (send) send.disabled = b || !ready();
		},
		setChosen(response) { fill(response); },
		markAnswer(answer, q) {
			if (answerEl) answerEl.remove();
			answerEl = h('div', { class: 'correct-answer' }, h('div', { class: 'caption', text: t('reveal.answer') }), renderAnswer(q, answer));
			el.append(answerEl);
		},
	};
}

function numericInput(q, submit, { autosave = false } = {}) {
	const field = h('input', { type: 'text', inputMode: 'decimal', autocomplete: 'off', class: 'field', attrs: { 'aria-label': t('q.number') }, placeholder: t('q.number') });
	const unit = unitText(q);
	const toResponse = () => {
		const v = field.value.trim();
		return /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v) ? Number(v) : v;
	};
	const send = autosave ? null : submitButton(() => submit(toResponse()));
	const el = h('div', { class: 'answer numeric' }, h('div', { class: 'field-row' }, field, unit ? h('span', { class: 'unit', text: unit }) : null), send);
	const api = fieldsInput(el, [field], send, {
		ready: () => field.value.trim() !== '',
		fill: (r) => { field.value = r !== null && r !== undefined ? String(r) : ''; },
		autosave: autosave ? () => submit(field.value.trim() === '' ? null : toResponse()) : null,
	});
	return { ...api, markAnswer: (a) => api.markAnswer(a, q) };
}

function fillInput(q, submit, { autosave = false } = {}) {
	const labels = blankLabels(q);
	const fields = labels.map((label, i) => h('input', { type: 'text', autocomplete: 'off', class: 'field', placeholder: label || t('q.blank_n', { n: i + 1 }), attrs: { 'aria-label': label || t('q.blank_n', { n: i + 1 }) } }));
	const toResponse = () => fields.map((f) => f.value.trim());
	const send = autosave ? null : submitButton(() => submit(toResponse()));
	const el = h('div', { class: 'answer fill-in' }, fields.map((f, i) => h('label', { class: 'blank' }, h('span', { class: 'marker', text: String(i + 1) }), f)), send);
	const ready = () => fields.some((f) => f.value.trim() !== '');
	const api = fieldsInput(el, fields, send, {
		ready,
		fill: (r) => fields.forEach((f, i) => { f.value = Array.isArray(r) ? r[i] ?? '' : ''; }),
		autosave: autosave ? () => submit(ready() ? toResponse() : null) : null,
	});
	return { ...api, markAnswer: (a) => api.markAnswer(a, q) };
}

/* The same shuffle for the same question id (so a reload or a language switch keeps it). */
function seededShuffle(arr, seed) {
	let x = 2166136261;
	for (const ch of seed) x = Math.imul(x ^ ch.codePointAt(0), 16777619) >>> 0;
	const next = () => {
		x = Math.imul(x ^ (x >>> 15), 2246822507) >>> 0;
		x = Math.imul(x ^ (x >>> 13), 3266489909) >>> 0;
		x = (x ^ (x >>> 16)) >>> 0;
		return x / 4294967296;
	};
	const a = arr.slice();
	for (let i = a.length - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1));
		[a[i], a[j]] = [a[j], a[i]];
	}
	return a;
}

/* Items with up/down buttons (no dragging: works with thumbs and gloves). */
function orderingInput(q, submit, { autosave = false } = {}) {
	const items = Array.isArray(q.items) ? q.items.map(pick) : [];
	let order = seededShuffle(items.map((_, i) => i), String(q.id));
	let disabled = false;
	const listEl = h('ol', { class: 'order-list' });
	const render = () => {
		listEl.replaceChildren(...order.map((item, pos) => h('li', { class: 'order-item', dataset: { item: String(item) } },
			h('span', { class: 'marker', text: String(pos + 1) }),
			h('span', { class: 'label', text: items[item] }),
			h('button', { type: 'button', class: 'move up', text: '▲', disabled: disabled || pos === 0, attrs: { 'aria-label': t('q.move_up') }, onclick: () => move(pos, -1) }),
			h('button', { type: 'button', class: 'move down', text: '▼', disabled: disabled || pos === order.length - 1, attrs: { 'aria-label': t('q.move_down') }, onclick: () => move(pos, 1) }))));
	};
	const move = (pos, d) => {
		const o = order.slice();
		[o[pos], o[pos + d]] = [o[pos + d], o[pos]];
		order = o;
		render();
		if (autosave) submit(order.slice());
	};
	const send = submitButton(() => submit(order.slice()));
	if (autosave) send.textContent = t('q.order_take');
	send.disabled = items.length === 0;
	render();
	let answerEl = null;
	const el = h('div', { class: 'answer ordering' }, h('div', { class: 'hint', text: t('q.order_hint') }), listEl, send);
	return {
		el,
		setDisabled(b) { disabled = b; send.disabled = b || items.length === 0; render(); },
		setChosen(r) {
			if (Array.isArray(r) && r.length === items.length) order = r.slice();
			/* autosave: the button takes the order as shown, needed only until an order is saved */
			if (autosave) send.hidden = Array.isArray(r);
			render();
		},
		markAnswer(a) {
			if (answerEl) answerEl.remove();
			answerEl = h('div', { class: 'correct-answer' }, h('div', { class: 'caption', text: t('reveal.answer') }), renderAnswer(q, a));
			el.append(answerEl);
		},
	};
}

/* For each left item a select of the right items. */
function matchingInput(q, submit, { autosave = false } = {}) {
	const left = Array.isArray(q.left) ? q.left.map(pick) : [];
	const right = Array.isArray(q.right) ? q.right.map(pick) : [];
	const selects = left.map((l) => h('select', { class: 'field', attrs: { 'aria-label': l } },
		h('option', { value: '', text: t('q.choose'), disabled: autosave }),
		right.map((r, j) => h('option', { value: String(j), text: `${letter(j)}. ${r}` }))));
	const toResponse = () => selects.map((s) => Number(s.value));
	const send = autosave ? null : submitButton(() => submit(toResponse()));
	const el = h('div', { class: 'answer matching' }, left.map((l, i) => h('label', { class: 'pair' }, h('span', { class: 'left', text: `${i + 1}. ${l}` }), selects[i])), send);
	const complete = () => selects.every((x) => x.value !== '');
	for (const s of selects) {
		s.addEventListener('change', () => {
			if (autosave) {
				if (complete()) submit(toResponse());
			} else {
				send.disabled = !complete();
			}
		});
	}
	let answerEl = null;
	return {
		el,
		setDisabled(b) {
			for (const s of selects) s.disabled = b;
			if (send) send.disabled = b || !complete();
		},
		setChosen(r) { if (Array.isArray(r)) selects.forEach((s, i) => { s.value = Number.isInteger(r[i]) ? String(r[i]) : ''; }); },
		markAnswer(a) {
			if (answerEl) answerEl.remove();
			answerEl = h('div', { class: 'correct-answer' }, h('div', { class: 'caption', text: t('reveal.answer') }), renderAnswer(q, a));
			el.append(answerEl);
		},
	};
}

/* Practical tasks are marked by the judges, not answered on the phone. */
function judgedInput(q) {
	return {
		el: h('div', { class: 'answer judged' }, h('div', { class: 'notice', text: t('q.judged') }), renderRubric(q)),
		setDisabled() {},
		setChosen() {},
		markAnswer() {},
	};
}

const INPUTS = {
	judged: judgedInput,
	single_choice: (q, s, o) => choiceInput(q, s, o),
	true_false: (q, s, o) => choiceInput(q, s, o),
	multiple_choice: (q, s, o) => choiceInput(q, s, { ...o, multi: true }),
	numeric: numericInput,
	fill_in: fillInput,
	ordering: orderingInput,
	matching: matchingInput,
};

/* The controls for question q; a type this page does not know shows a notice. */
export function buildInput(q, submit, opts = {}) {
	const make = INPUTS[q.qtype];
	if (make) return make(q, submit, { autosave: !!opts.autosave });
	return {
		el: h('div', { class: 'answer unsupported', text: t('q.unsupported', { type: q.qtype }) }),
		setDisabled() {},
		setChosen() {},
		markAnswer(a) {},
	};
}
