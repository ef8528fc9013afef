/*
 * exam.js - the player page in an exam or a mass contest (docs/protocol.md,
 * "Self-paced modes"): the participant's own paper, taken at their pace
 * within the time the server gives.
 *
 * Views: "exam-home" (the window, the time per attempt, the attempts left,
 * today's for a mass contest, the start or continue button, the attempt
 * that counts with its rank, the board and the earlier attempts), "paper"
 * (one question at a time: the time left, previous/next, flag for review,
 * the answer card (答题卡) with every question answered, flagged or current,
 * the confirmation before handing in), and "exam-result".
 *
 * The clock is the server's: the deadline comes with the paper and the time
 * left is deadline - client.serverNow() (countdown.js), so a reload, a
 * reconnect or a phone whose clock is wrong changes nothing. At 0 the page
 * locks the paper and says the server is handing it in; the server pushes
 * `result` (status "expired"), and a page that has not received it 3 s
 * after the deadline asks for it (`attempt_result`).
 *
 * An attempt in progress is continued whenever the page learns of it
 * (`attempts` after join or resume): `attempt_start` returns the same paper
 * with the answers and flags the server holds; attempt.js adds what only
 * this phone had and sends it again.
 */

import { t, pick, num, clock, when } from './i18n.js';
import { $, h, showView, toast, errorText } from './dom.js';
import { Countdown } from './countdown.js';
import { buildInput } from './inputs.js';
import { typeLabel } from './question.js';
import { Attempt } from './attempt.js';
import { renderResult } from './result.js';
import { DayBoard } from './dayboard.js';
import { store } from './storage.js';

/* The result is asked for this long after the deadline if the server's push has not come. */
const RESULT_WAIT_MS = 3000;
/* The time left turns red this long before the end (at most a fifth of the attempt's time). */
const URGENT_MS = 5 * 60 * 1000;
/* Types whose controls show what is typed: a save must not refill them. */
const TYPED = new Set(['numeric', 'fill_in']);

const E = {
	ctx: null,         /* {client, S, render} from player.js */
	attempts: null,    /* the last `attempts` */
	attempt: null,     /* the Attempt on screen (paper view) */
	view: 'home',      /* home | paper | result | loading */
	sheet: null,       /* null | map | confirm */
	review: null,      /* the `review` behind the confirmation */
	submitting: false,
	timeUp: false,
	result: null,      /* the `result` on screen */
	resultPaper: null, /* its questions, when known */
	wrongOnly: false,
	starting: false,
	notice: null,      /* {text, kind} on the home view */
	input: null,
	inputIndex: -1,
	attemptsFresh: false, /* E.attempts came after the latest result */
	ready: null,       /* flushes the client's queue once `attempts` came (joined) */
	rank: null,        /* the rank of the attempt that counts, from the latest result */
	boardStale: false, /* an attempt ended after the last leaderboard: it no longer says the truth */
};
let countdown = null;
let dayBoard = null;
let resultTimer = null;
let readyTimer = null;
/* The queue is flushed at the latest this long after `joined` if `attempts` does not come. */
const READY_WAIT_MS = 3000;
let windowTimer = null;

const client = () => E.ctx.client;
const contest = () => E.ctx.S.contest || {};
const mass = () => contest().mode === 'mass';
const tz = () => contest().time_zone || 'Asia/Shanghai';
const code = () => E.ctx.S.code;
const workKey = () => `sa.exam.${code()}`;
const paperKey = () => `sa.paper.${code()}`;
/* Papers kept for their results' keys (`result` names questions by id only): the latest few attempts. */
const PAPERS_KEPT = 5;

function keepPaper(id, questions) {
	const kept = (Array.isArray(store.get(paperKey())) ? store.get(paperKey()) : []).filter((p) => p && p.id !== id);
	kept.unshift({ id, questions });
	store.set(paperKey(), kept.slice(0, PAPERS_KEPT));
}

function keptPaper(id) {
	const kept = store.get(paperKey());
	const p = Array.isArray(kept) ? kept.find((x) => x && x.id === id) : null;
	return p ? p.questions : null;
}

/* ---- talking to the server ---- */

function askAttempts() {
	client().request({ type: 'attempts' }).then((r) => {
		if (r.type === 'error' && r.code !== 'no_reply') toast(errorText(r));
	});
}

function start() {
	if (E.starting) return;
	E.starting = true;
	E.notice = null;
	if (E.view !== 'paper') E.view = 'loading';
	paint();
	client().request({ type: 'attempt_start' }).then((r) => {
		E.starting = false;
		if (r.type === 'attempt') return; /* onAttempt */
		if (E.view === 'loading') E.view = 'home';
		E.notice = { text: startError(r), kind: 'error' };
		askAttempts();
		paint();
	});
}

/* What a refused start means, in words that say what to do. */
function startError(r) {
	const a = E.attempts;
	if (r.code === 'no_attempts_left' && a && a.today && a.today.per_day > 0 && a.today.used >= a.today.per_day) {
		return t('exam.err_today_used', { n: a.today.per_day });
	}
	if (r.code === 'outside_window') {
		const w = windowOf();
		if (w && typeof w.opens === 'number' && client().serverNow() < w.opens) return t('exam.err_not_yet', { when: when(w.opens, tz()) });
		return t('exam.err_closed');
	}
	return errorText(r);
}

function onAttempts(m) {
	E.attempts = m;
	E.attemptsFresh = true;
	flushQueue();
	const open = m.open;
	if (open && (!E.attempt || E.attempt.id !== open.attempt_id) && !E.starting) {
		start(); /* an attempt in progress: straight back to it */
	} else if (!open && E.attempt && !E.attempt.closed && E.view === 'paper') {
		/* it ended while this page was away (the deadline passed): its result */
		askResult(E.attempt.id);
	} else if (open && E.attempt && E.attempt.id === open.attempt_id) {
		if (typeof open.deadline === 'number') E.attempt.deadline = open.deadline;
		E.attempt.resend(); /* what the server did not know this connection held (not_found) */
	}
	scheduleWindow();
	paint();
}

function onAttempt(m) {
	E.starting = false;
	if (E.attempt && E.attempt.id === m.attempt_id) {
		E.attempt.load(m);
	} else {
		if (E.attempt) E.attempt.drop();
		E.attempt = new Attempt(m, { client: client(), key: workKey(), onChange: paint, onClosed, onLost: askAttempts });
		E.input = null;
		E.inputIndex = -1;
		keepPaper(m.attempt_id, E.attempt.questions);
	}
	E.view = 'paper';
	E.sheet = null;
	E.timeUp = false;
	E.notice = null;
	paint();
}

/* The server says the attempt is over (refused save, or the deadline): its result. */
function onClosed() {
	if (E.attempt) askResult(E.attempt.id);
}

function askResult(id) {
	clearTimeout(resultTimer);
	client().request({ type: 'attempt_result', attempt_id: id }).then((r) => {
		if (r.type === 'result') return; /* onResult */
		/* still open by the server's clock (a moment early), or no reply: again shortly */
		if (r.code === 'bad_state' || r.code === 'no_reply' || r.code === 'unavailable') resultTimer = setTimeout(() => askResult(id), 2000);
		else toast(errorText(r));
	});
}

function onResult(m) {
	if (E.attempt && m.attempt_id === E.attempt.id) {
		E.attempt.drop();
		E.attempt = null;
		countdown.stop();
	}
	clearTimeout(resultTimer);
	E.result = m;
	E.resultPaper = keptPaper(m.attempt_id);
	E.attemptsFresh = false; /* "try again" waits for the attempts left after this one */
	if (typeof m.rank === 'number') E.rank = m.rank;
	E.boardStale = true; /* players get no leaderboard after their own attempt: the board is asked for */
	dayBoard.refresh(code(), true);
	E.wrongOnly = false;
	E.submitting = false;
	E.sheet = null;
	E.timeUp = false;
	E.view = 'result';
	window.scrollTo(0, 0);
	askAttempts();
	paint();
}

function submit() {
	const a = E.attempt;
	if (!a || E.submitting || a.pending()) return;
	E.submitting = true;
	paint();
	client().reliable({ type: 'submit', attempt_id: a.id }).then((r) => {
		if (r.type === 'result') return; /* onResult */
		E.submitting = false;
		if (r.code === 'not_found' || r.code === 'attempt_closed') askResult(a.id);
		else toast(errorText(r));
		paint();
	});
}

/* The confirmation: what the server holds (review), once every change has reached it. */
function openConfirm() {
	E.sheet = 'confirm';
	E.review = null;
	askReview();
	paint();
}

function askReview() {
	const a = E.attempt;
	if (!a || E.sheet !== 'confirm') return;
	if (a.pending()) return; /* asked again when the saves are in (paint) */
	const asked = { type: 'review', attempt_id: a.id };
	E.review = { asking: true };
	client().request(asked).then((r) => {
		if (E.sheet !== 'confirm' || E.attempt !== a) return;
		if (r.type === 'review') {
			E.review = r;
		} else if (r.code === 'attempt_closed' || r.code === 'not_found') {
			E.review = null;
			askResult(a.id);
		} else {
			/* said on the sheet; asked again in a moment */
			const failed = { error: r };
			E.review = failed;
			setTimeout(() => {
				if (E.review === failed) {
					E.review = null;
					paint();
				}
			}, 2000);
		}
		paint();
	});
}

/* Time is up on the server's clock: lock the paper, wait for the server's submission. */
function onZero() {
	if (!E.attempt || E.view !== 'paper') return;
	E.timeUp = true;
	E.sheet = null;
	const id = E.attempt.id;
	clearTimeout(resultTimer);
	resultTimer = setTimeout(() => askResult(id), RESULT_WAIT_MS);
	paint();
}

/* Before the window opens: ask again when it does. */
function scheduleWindow() {
	clearTimeout(windowTimer);
	const w = windowOf();
	if (!w || typeof w.opens !== 'number') return;
	const wait = w.opens - client().serverNow();
	if (wait > 0 && wait < 2 ** 31 - 1000) windowTimer = setTimeout(askAttempts, wait + 500);
}

function windowOf() {
	return (E.attempts && E.attempts.window) || contest().window || null;
}

/* ---- the paper ---- */

function go(i) {
	const a = E.attempt;
	if (!a) return;
	a.setCur(i);
	E.sheet = null;
	paint();
	window.scrollTo(0, 0);
}

function saveCurrent(response) {
	const a = E.attempt;
	if (!a || E.timeUp) return;
	const i = E.inputIndex;
	a.save(i, response);
	const q = a.question(i);
	if (E.input && !TYPED.has(q.qtype)) E.input.setChosen(a.response(i));
}

function paintPaper() {
	const a = E.attempt;
	const i = a.cur;
	const q = a.question(i);
	if (!q) return;
	if (E.inputIndex !== i || !E.input) {
		E.input = buildInput(q, saveCurrent, { autosave: true });
		E.inputIndex = i;
		E.input.setChosen(a.response(i));
		$('#p-input').replaceChildren(E.input.el);
	}
	const locked = E.timeUp || !!a.closed || E.submitting;
	E.input.setDisabled(locked);
	E.input.el.classList.toggle('locked', locked);
	if (typeof a.deadline === 'number') {
		const limit = (contest().window && contest().window.duration_ms) || 0;
		countdown.urgentMs = limit ? Math.min(URGENT_MS, limit / 5) : URGENT_MS;
		countdown.set(a.deadline, limit);
	}
	$('#p-index').textContent = t('q.index', { i: i + 1, n: a.count });
	$('#p-type').textContent = typeLabel(q.qtype);
	$('#p-points').textContent = typeof q.points === 'number' ? t('q.points', { n: q.points }) : '';
	$('#p-text').textContent = pick(q.text);
	const flag = $('#p-flag');
	flag.setAttribute('aria-pressed', String(a.isFlagged(i)));
	flag.querySelector('span:last-child').textContent = t(a.isFlagged(i) ? 'exam.flagged' : 'exam.flag');
	flag.disabled = locked;
	$('#exam-done').textContent = t('exam.done_n', { n: a.answeredCount(), total: a.count });
	$('#exam-submit').disabled = locked;
	paintSaveLine(a, i);
	$('#p-prev').disabled = i === 0;
	const last = i === a.count - 1;
	$('#p-next').textContent = t(last ? 'exam.to_submit' : 'exam.next');
	$('#p-next').dataset.last = String(last);
	$('#p-next').disabled = last && locked;
	paintMap(a);
	paintConfirm(a);
	$('#timeup-sheet').hidden = !E.timeUp;
	document.body.dataset.sheet = E.sheet || (E.timeUp ? 'timeup' : '');
}

/* The save line under the answer: exactly what the server has. */
function paintSaveLine(a, i) {
	const el = $('#p-save');
	const st = a.state(i);
	let text = '';
	if (st === 'none' || (st === 'saved' && !a.isAnswered(i))) text = t(st === 'none' ? 'exam.not_answered' : 'exam.cleared');
	else if (st === 'saved') text = t('exam.saved');
	else if (st === 'saving') text = client().status === 'open' ? t('exam.saving') : t('exam.saving_offline');
	else text = errorText(a.error(i));
	el.textContent = text;
	el.dataset.state = st === 'saved' && !a.isAnswered(i) ? 'none' : st;
}

function paintMap(a) {
	const sheet = $('#map-sheet');
	sheet.hidden = E.sheet !== 'map';
	if (sheet.hidden) return;
	const grid = $('#map-grid');
	if (grid.childElementCount !== a.count) {
		grid.replaceChildren(...a.questions.map((_, i) => h('button', {
			type: 'button', class: 'cell', dataset: { index: String(i) }, onclick: () => go(i),
		}, h('span', { class: 'n', text: String(i + 1) }), h('span', { class: 'flag-mark', attrs: { 'aria-hidden': 'true' } }))));
	}
	[...grid.children].forEach((cell, i) => {
		cell.dataset.answered = String(a.isAnswered(i));
		cell.dataset.flagged = String(a.isFlagged(i));
		cell.dataset.saving = String(a.state(i) === 'saving');
		cell.toggleAttribute('aria-current', i === a.cur);
		cell.setAttribute('aria-label', t('exam.cell_label', {
			n: i + 1,
			state: t(a.isAnswered(i) ? 'exam.legend_answered' : 'exam.legend_open'),
			flag: a.isFlagged(i) ? t('exam.legend_flagged') : '',
		}).trim());
	});
	$('#map-summary').textContent = t('exam.map_summary', { done: a.answeredCount(), open: a.count - a.answeredCount(), flagged: a.flagged().length });
}

/* Numbered chips that lead to their questions. */
function chips(list) {
	return list.map((i) => h('button', { type: 'button', class: 'chip', text: String(i + 1), attrs: { 'aria-label': t('exam.q_no', { n: i + 1 }) }, onclick: () => go(i) }));
}

function paintConfirm(a) {
	const sheet = $('#confirm-sheet');
	sheet.hidden = E.sheet !== 'confirm';
	if (sheet.hidden) return;
	const body = $('#confirm-body');
	const pending = a.pending();
	const r = E.review;
	if (!pending && !r) askReview();
	const parts = [];
	const ready = r && r.type === 'review';
	const unanswered = ready ? r.unanswered || [] : a.unanswered();
	const flags = ready ? r.flags || [] : a.flagged();
	const done = ready ? r.answered : a.answeredCount();
	parts.push(h('p', { class: 'confirm-count', id: 'confirm-count', text: t('exam.done_n', { n: done, total: a.count }) }));
	if (unanswered.length) {
		parts.push(h('div', { class: 'confirm-group', id: 'confirm-unanswered' },
			h('div', { class: 'caption warn', text: t('exam.unanswered_n', { n: unanswered.length }) }),
			h('div', { class: 'chips' }, chips(unanswered))));
	} else {
		parts.push(h('p', { class: 'all-done', text: t('exam.all_answered') }));
	}
	if (flags.length) {
		parts.push(h('div', { class: 'confirm-group', id: 'confirm-flagged' },
			h('div', { class: 'caption', text: t('exam.flagged_n', { n: flags.length }) }),
			h('div', { class: 'chips flagged' }, chips(flags))));
	}
	if (pending) parts.push(h('p', { class: 'confirm-wait', text: client().status === 'open' ? t('exam.wait_saves', { n: pending }) : t('exam.wait_saves_offline', { n: pending }) }));
	else if (r && r.error) parts.push(h('p', { class: 'confirm-wait', text: errorText(r.error) }));
	else if (!ready) parts.push(h('p', { class: 'confirm-wait', text: t('exam.checking') }));
	parts.push(h('p', { class: 'muted', text: t('exam.final_warning') }));
	body.replaceChildren(...parts);
	const btn = $('#confirm-submit');
	btn.disabled = !ready || pending > 0 || E.submitting;
	btn.textContent = t(E.submitting ? 'exam.submitting' : 'exam.confirm_submit');
}

/* ---- home and result ---- */

function fact(k, v) {
	return [h('dt', { text: k }), h('dd', { text: v })];
}

function paintHome() {
	const c = contest();
	const a = E.attempts;
	const w = windowOf();
	$('#eh-mode').textContent = t(mass() ? 'exam.mode_mass' : 'exam.mode_exam');
	$('#eh-title').textContent = pick(c.title);
	const facts = [];
	if (w && typeof w.opens === 'number' && typeof w.closes === 'number') {
		facts.push([h('dt', { text: t(mass() ? 'exam.period' : 'exam.window') }),
			h('dd', {}, h('span', { class: 'nowrap', text: when(w.opens, tz()) }), ' – ', h('span', { class: 'nowrap', text: when(w.closes, tz()) }))]);
	}
	if (w && w.duration_ms) facts.push(fact(t('exam.duration'), t('exam.minutes', { n: Math.round(w.duration_ms / 60000) })));
	if (c.question_count) facts.push(fact(t('exam.questions'), t('exam.questions_n', { n: c.question_count })));
	facts.push(fact(t('exam.attempts'), attemptsText(c.attempts || {})));
	$('#eh-facts').replaceChildren(...facts.flat());
	paintStart(a, w);
	const notice = $('#eh-notice');
	notice.hidden = !E.notice;
	notice.textContent = E.notice ? E.notice.text : '';
	notice.dataset.kind = E.notice ? E.notice.kind : '';
	paintBest(a);
	paintBoard();
	paintHistory(a);
}

/* The rule: "每天 3 次 · 取最好成绩", "共 1 次". */
function attemptsText(rule) {
	const parts = [];
	if (rule.per_day > 0) parts.push(t('exam.per_day', { n: rule.per_day }));
	if (rule.max > 0) parts.push(t('exam.max', { n: rule.max }));
	if (!parts.length) parts.push(t('exam.unlimited'));
	if (rule.max !== 1) parts.push(t(rule.counts === 'last' ? 'exam.counts_last' : 'exam.counts_best'));
	return parts.join(t('list.sep'));
}

/* What is left to start: "今天还剩 2 次" (a day limit), "还剩 2 次" (more than one in all), or nothing. */
function leftText(a) {
	const rule = contest().attempts || {};
	if (!a || typeof a.left !== 'number') return '';
	if (rule.per_day > 0) return t('exam.left_today', { n: a.left });
	if (rule.max > 1) return t('exam.left', { n: a.left });
	return '';
}

function paintStart(a, w) {
	const btn = $('#eh-start');
	const note = $('#eh-start-note');
	const now = client().serverNow();
	let label = mass() ? 'exam.start_mass' : 'exam.start';
	let enabled = true;
	let text = '';
	let left = '';
	if (!a || E.starting) {
		label = 'exam.loading';
		enabled = false;
	} else if (a.open) {
		label = 'exam.continue';
		text = t('exam.continue_note', { left: clock(a.open.deadline - now) });
	} else if (w && typeof w.opens === 'number' && now < w.opens) {
		enabled = false;
		text = t('exam.err_not_yet', { when: when(w.opens, tz()) });
	} else if ((w && w.open === false) || (w && typeof w.closes === 'number' && now >= w.closes)) {
		enabled = false;
		label = 'exam.over';
		text = t('exam.err_closed');
	} else if (a.left === 0) {
		enabled = false;
		text = a.today && a.today.per_day > 0 && a.today.used >= a.today.per_day
			? t('exam.err_today_used', { n: a.today.per_day }) : t('exam.err_all_used');
	} else {
		const d = w && w.duration_ms ? t('exam.minutes', { n: Math.round(w.duration_ms / 60000) }) : '';
		text = d ? t('exam.start_note', { d }) : '';
		left = leftText(a);
	}
	btn.textContent = t(label);
	btn.disabled = !enabled;
	note.replaceChildren(left ? h('b', { class: 'left', id: 'eh-left', text: left }) : '', left && text ? t('list.sep') : '', text);
	note.dataset.kind = enabled ? '' : 'stop';
}

function paintBest(a) {
	const card = $('#eh-best');
	const counted = a && a.counted;
	card.hidden = !counted;
	if (!counted) return;
	const me = E.ctx.S.me || {};
	const lb = E.boardStale ? null : E.ctx.S.lb;
	const rank = E.rank ?? (lb && lb.me && typeof lb.me.rank === 'number' ? lb.me.rank : me.rank);
	$('#eh-best-caption').textContent = t(contest().attempts && contest().attempts.counts === 'last' ? 'exam.counted_last' : 'exam.counted_best');
	$('#eh-best-score').textContent = typeof counted.score === 'number' ? t('exam.score_n', { n: counted.score }) : t('exam.score_later');
	const bits = [];
	if (typeof counted.duration_ms === 'number') bits.push(t('exam.took', { t: clock(counted.duration_ms) }));
	if (typeof counted.score === 'number' && typeof rank === 'number') bits.push(t('me.rank_n', { n: rank }));
	$('#eh-best-line').textContent = bits.join(t('list.sep'));
}

/*
 * The boards: today's, overall and the units' from GET …/board (dayboard.js);
 * until it answers, the leaderboard the server sent with `joined`, as long as
 * no attempt ended since.
 */
function paintBoard() {
	dayBoard.refresh(code());
	if (dayBoard.render({ mass: mass(), me: E.ctx.S.me })) return;
	const lb = E.boardStale ? null : E.ctx.S.lb;
	const card = $('#eh-board-card');
	card.querySelector('.tabs').hidden = true;
	const top = lb && Array.isArray(lb.top) ? lb.top : [];
	card.hidden = top.length === 0;
	if (card.hidden) return;
	const me = E.ctx.S.me && E.ctx.S.me.participant_id;
	$('#eh-board-caption').textContent = typeof lb.players === 'number' ? t('exam.board_n', { n: lb.players }) : t('board.title');
	$('#eh-board').replaceChildren(...top.map((e) => h('li', { class: `mini-row${e.participant_id === me ? ' me' : ''}` },
		h('span', { class: 'rank', text: String(e.rank ?? '') }),
		h('span', { class: 'who' }, h('span', { class: 'name', text: e.name ?? '' }), e.unit ? h('span', { class: 'unit', text: e.unit }) : null),
		h('span', { class: 'score' }, num(e.score), typeof e.duration_ms === 'number' ? h('span', { class: 'time', text: clock(e.duration_ms) }) : null))));
}

function paintHistory(a) {
	const list = a && Array.isArray(a.list) ? a.list.filter((x) => x.status !== 'open') : [];
	$('#eh-history-card').hidden = list.length === 0;
	$('#eh-history').replaceChildren(...list.map((x) => h('li', { class: 'hist-row' },
		h('span', { class: 'hist-what' },
			h('b', { text: t('exam.attempt_no', { n: x.attempt_no }) }),
			h('span', { class: 'muted', text: [x.day || '', t(`exam.status_${x.status}`), typeof x.duration_ms === 'number' ? clock(x.duration_ms) : ''].filter(Boolean).join(t('list.sep')) })),
		h('span', { class: 'hist-score', text: typeof x.score === 'number' ? t('exam.score_n', { n: x.score }) : t('exam.score_later') }),
		h('button', { type: 'button', class: 'btn small', text: t('exam.view'), onclick: () => askResult(x.attempt_id) }))));
}

function paintResult() {
	const m = E.result;
	const { top, key } = renderResult(m, {
		questions: E.resultPaper,
		tz: tz(),
		wrongOnly: E.wrongOnly,
		onFilter: (b) => { E.wrongOnly = b; paint(); },
	});
	$('#er-top').replaceChildren(...top);
	$('#er-key').replaceChildren(...key);
	const a = E.attempts;
	const again = $('#er-again');
	again.hidden = !(E.attemptsFresh && a && !a.open && a.left !== 0 && (!a.window || a.window.open !== false));
	again.textContent = typeof (a && a.left) === 'number' ? t(mass() ? 'exam.again_today' : 'exam.again_n', { n: a.left }) : t('exam.again');
}

/* ---- the page ---- */

function paint() {
	if (!E.ctx || !E.ctx.S.me) return;
	E.ctx.render();
}

/* Called by player.js's render() while the contest is an exam or a mass contest. */
export function render() {
	document.body.dataset.mode = contest().mode;
	if (E.view === 'paper' && E.attempt) {
		showView('paper');
		paintPaper();
	} else if (E.view === 'result' && E.result) {
		countdown.stop();
		showView('exam-result');
		paintResult();
	} else if (E.view === 'loading') {
		showView('loading');
		$('#loading-text').textContent = t('exam.loading_paper');
	} else {
		countdown.stop();
		showView('exam-home');
		paintHome();
	}
}

/*
 * A (new) connection joined: the server sends `attempts` next, and only
 * then does it know which attempt this connection holds (docs/protocol.md,
 * `save`): the queued saves and flags are sent once `attempts` came
 * (ready(), which flushes the client's queue), or after READY_WAIT_MS.
 */
export function joined(m, ready) {
	E.notice = null;
	clearTimeout(readyTimer);
	E.ready = ready;
	readyTimer = setTimeout(flushQueue, READY_WAIT_MS);
}

function flushQueue() {
	clearTimeout(readyTimer);
	const ready = E.ready;
	E.ready = null;
	if (ready) ready();
}

/* The language changed: controls are rebuilt in it, keeping the answer. */
export function langChanged() {
	E.input = null;
}

export function init(ctx) {
	E.ctx = ctx;
	countdown = new Countdown($('#exam-remaining'), ctx.client, { format: clock, urgentMs: URGENT_MS, onZero });
	dayBoard = new DayBoard($('#eh-board-card'), { onChange: () => { if (E.view === 'home') paint(); } });
	ctx.client.on('attempts', onAttempts).on('attempt', onAttempt).on('result', onResult)
		.on('leaderboard', () => { E.boardStale = false; E.rank = null; })
		.on('status', () => { if (E.view === 'paper') paint(); });
	$('#eh-start').addEventListener('click', start);
	$('#p-prev').addEventListener('click', () => go(E.attempt.cur - 1));
	$('#p-next').addEventListener('click', () => {
		const a = E.attempt;
		if (a.cur === a.count - 1) openConfirm();
		else go(a.cur + 1);
	});
	$('#p-map').addEventListener('click', () => { E.sheet = 'map'; paint(); });
	$('#p-flag').addEventListener('click', () => {
		const a = E.attempt;
		a.setFlag(a.cur, !a.isFlagged(a.cur));
	});
	$('#exam-submit').addEventListener('click', openConfirm);
	$('#map-submit').addEventListener('click', openConfirm);
	for (const b of document.querySelectorAll('[data-close-sheet]')) b.addEventListener('click', () => { E.sheet = null; paint(); });
	$('#confirm-submit').addEventListener('click', submit);
	$('#er-home').addEventListener('click', () => { E.view = 'home'; E.result = null; paint(); window.scrollTo(0, 0); });
	$('#er-again').addEventListener('click', () => { E.result = null; start(); });
}
