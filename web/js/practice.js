/*
 * practice.js - the player page in a training quiz (mode "practice",
 * docs/protocol.md, "Self-paced modes"): one question at a time, feedback at
 * once (right or wrong, the key, the explanation), as long as the worker
 * likes; by category (chapter) or "review my mistakes" (错题本).
 *
 * Views: "practice-home" (how much was practised and how well, the
 * notebook's size with its review button, every category with its
 * progress), "practice-question" (the question, then its feedback and
 * what happened in the notebook: added, one more right in a row, left),
 * "notebook" (the questions in it, how often each was wrong and how many
 * right answers in a row it still needs) and "practice-done" (a review
 * with nothing left).
 *
 * A session belongs to the connection: after a reconnect the page starts
 * the same session again before asking for the next question. An answer
 * goes through the reliable queue (the server makes a repeated answer to the
 * same serving idempotent); an answer to a question served on a connection
 * that is gone is refused (not_open), and the page moves on to another.
 * Practice answers are training records: no score, no rank.
 */

import { t, pick, num } from './i18n.js';
import { $, h, showView, toast, errorText } from './dom.js';
import { buildInput } from './inputs.js';
import { typeLabel } from './question.js';

const P = {
	ctx: null,
	progress: null,  /* the last `progress` */
	session: null,   /* {category, review, available, notebook} */
	restart: false,  /* a new connection: start the session again before the next question */
	q: null,         /* the `practice_question` on screen */
	input: null,
	answer: null,    /* {response, status: sending|done|error, fb, error} */
	tally: { answered: 0, correct: 0 },
	view: 'home',    /* home | question | notebook | done | loading */
	notebook: null,  /* the `notebook` reply */
	busy: false,
};

const client = () => P.ctx.client;
const contest = () => P.ctx.S.contest || {};
const leaveAfter = () => (contest().notebook && contest().notebook.leave_after) || 2;

function paint() {
	if (P.ctx && P.ctx.S.me) P.ctx.render();
}

/* The title of a category id ('' = questions without one), from the contest or the progress. */
function categoryTitle(id) {
	if (id === null || id === undefined) return t('practice.all');
	const c = (contest().categories || []).find((x) => x.id === id)
		|| ((P.progress && P.progress.categories) || []).find((x) => x.category === id);
	if (c && c.title) return pick(c.title);
	return id === '' ? t('practice.uncategorized') : id;
}

function rateText(rate) {
	return typeof rate === 'number' ? `${num(Math.round(rate * 1000) / 10)}%` : '–';
}

/* ---- talking to the server ---- */

function askProgress() {
	client().request({ type: 'progress' }).then(() => {});
}

function begin(opts) {
	P.busy = true;
	P.view = 'loading';
	paint();
	const msg = { type: 'practice_start', review: !!opts.review };
	if (opts.category !== null && opts.category !== undefined) msg.category = opts.category;
	client().request(msg).then((r) => {
		P.busy = false;
		P.restart = false;
		if (r.type !== 'practice') {
			P.view = 'home';
			toast(errorText(r));
			paint();
			return;
		}
		P.session = { category: opts.category ?? null, review: !!opts.review, available: r.available, notebook: r.notebook };
		P.tally = { answered: 0, correct: 0 };
		next();
	});
}

function next() {
	if (!P.session || P.busy) return;
	if (P.restart) {
		/* the session was on the connection that is gone: the same session on this one first */
		P.restart = false;
		const s = P.session;
		const msg = { type: 'practice_start', review: s.review };
		if (s.category !== null) msg.category = s.category;
		P.busy = true;
		client().request(msg).then((r) => {
			P.busy = false;
			if (r.type === 'practice') {
				next();
				return;
			}
			P.restart = true;
			toast(errorText(r));
			if (P.view === 'loading') P.view = 'home';
			paint();
		});
		return;
	}
	P.busy = true;
	paint();
	client().request({ type: 'practice_next' }).then((r) => {
		P.busy = false;
		if (r.type !== 'practice_question') {
			toast(errorText(r));
			if (P.view === 'loading') P.view = 'home';
			paint();
			return;
		}
		if (r.done) {
			P.session.notebook = r.notebook;
			P.view = 'done';
			P.q = null;
			askProgress();
		} else {
			P.q = r;
			P.answer = null;
			P.input = buildInput(r, answer);
			P.view = 'question';
		}
		window.scrollTo(0, 0);
		paint();
	});
}

function answer(response) {
	const q = P.q;
	if (!q || (P.answer && P.answer.status !== 'error')) return;
	const a = { response, status: 'sending' };
	P.answer = a;
	paint();
	client().reliable({ type: 'answer', serve: q.serve, question_id: q.id, response }).then((r) => {
		if (P.answer !== a) return;
		if (r.type === 'feedback') {
			a.status = 'done';
			a.fb = r;
			if (!r.duplicate) {
				P.tally.answered += 1;
				if (r.correct) P.tally.correct += 1;
			}
			if (P.progress && r.notebook && typeof r.notebook.count === 'number') P.progress.notebook = r.notebook.count;
		} else if (r.code === 'not_open') {
			/* served on a connection that is gone: another question */
			toast(t('practice.stale'), 'info');
			next();
		} else {
			a.status = 'error';
			a.error = r;
		}
		paint();
	});
}

function openNotebook() {
	P.view = 'notebook';
	P.notebook = null;
	paint();
	client().request({ type: 'notebook' }).then((r) => {
		if (r.type === 'notebook') P.notebook = r;
		else toast(errorText(r));
		paint();
	});
}

function home() {
	P.view = 'home';
	P.q = null;
	P.answer = null;
	askProgress();
	paint();
	window.scrollTo(0, 0);
}

function onProgress(m) {
	P.progress = m;
	paint();
}

/* ---- views ---- */

function paintHome() {
	const p = P.progress || {};
	$('#ph-title').textContent = pick(contest().title);
	$('#ph-answered').textContent = num(p.answered ?? 0);
	$('#ph-rate').textContent = rateText(p.rate);
	const nb = p.notebook ?? 0;
	$('#ph-nb-count').textContent = t('practice.nb_count', { n: nb });
	$('#ph-nb-note').textContent = nb ? t('practice.nb_note', { n: leaveAfter() }) : t('practice.nb_empty');
	$('#ph-review').disabled = nb === 0;
	$('#ph-review').textContent = t('practice.review');
	$('#ph-nb-open').disabled = nb === 0;
	const byId = new Map(((p.categories) || []).map((c) => [c.category, c]));
	const cats = (contest().categories || []).map((c) => ({ id: c.id, questions: c.questions, ...byId.get(c.id) }));
	for (const c of p.categories || []) if (!cats.some((x) => x.id === c.category)) cats.push({ id: c.category, ...c });
	const total = contest().question_count;
	const rows = [catRow(null, { questions: total, answered: p.answered, rate: p.rate })].concat(cats.map((c) => catRow(c.id, c)));
	$('#ph-cats').replaceChildren(...rows);
}

function catRow(id, c) {
	const answered = c.answered ?? 0;
	const bits = [];
	if (typeof c.questions === 'number') bits.push(t('practice.questions_n', { n: c.questions }));
	bits.push(answered ? t('practice.done_rate', { n: answered, rate: rateText(c.rate) }) : t('practice.not_started'));
	return h('li', {}, h('button', {
		type: 'button', class: 'cat', dataset: { category: id === null ? '*' : id },
		vars: { '--rate': typeof c.rate === 'number' ? c.rate.toFixed(3) : '0' },
		onclick: () => begin({ category: id, review: false }),
	},
	h('span', { class: 'cat-title', text: categoryTitle(id) }),
	h('span', { class: 'cat-line', text: bits.join(t('list.sep')) }),
	h('span', { class: 'cat-bar', attrs: { 'aria-hidden': 'true' } }, h('span')),
	h('span', { class: 'cat-go', attrs: { 'aria-hidden': 'true' }, text: '›' })));
}

function sessionTitle() {
	const s = P.session;
	if (!s) return '';
	if (s.review) return s.category === null ? t('practice.review_title') : t('practice.review_of', { c: categoryTitle(s.category) });
	return categoryTitle(s.category);
}

function paintQuestion() {
	const q = P.q;
	const a = P.answer;
	$('#pq-session').textContent = sessionTitle();
	$('#pq-tally').textContent = t('practice.tally', { n: P.tally.answered, c: P.tally.correct });
	$('#pq-type').textContent = typeLabel(q.qtype);
	const cat = q.category !== undefined && P.session && P.session.category === null ? categoryTitle(q.category) : '';
	$('#pq-cat').textContent = cat;
	$('#pq-in-nb').hidden = !q.in_notebook;
	$('#pq-text').textContent = pick(q.text);
	const holder = $('#pq-input');
	if (holder.firstChild !== P.input.el) holder.replaceChildren(P.input.el);
	const done = a && a.status === 'done';
	P.input.setDisabled(!!a && a.status !== 'error');
	P.input.el.classList.toggle('locked', !!a && a.status !== 'error');
	if (a) P.input.setChosen(a.response);
	const status = $('#pq-status');
	status.textContent = a && a.status === 'sending' ? t(client().status === 'open' ? 'answer.sending' : 'answer.sending_offline')
		: a && a.status === 'error' ? errorText(a.error) : '';
	status.dataset.kind = a ? (a.status === 'sending' ? 'sending' : a.status === 'error' ? 'rejected' : '') : '';
	const banner = $('#pq-result');
	banner.hidden = !done;
	$('#pq-expl').hidden = true;
	$('#pq-nb').hidden = true;
	$('#pq-next').hidden = !done;
	if (!done) return;
	const fb = a.fb;
	P.input.markAnswer(fb.answer);
	const res = fb.correctness === 'partial' ? 'partial' : fb.correct ? 'correct' : 'wrong';
	banner.dataset.result = res;
	banner.replaceChildren(h('span', { class: 'res-title', text: t(`result.${res}`) }),
		h('span', { class: 'res-points', text: t('result.item_points', { p: fb.points ?? 0, max: fb.max ?? 0 }) }));
	const expl = pick(fb.explanation);
	$('#pq-expl').hidden = !expl;
	$('#pq-expl-text').textContent = expl;
	const nbText = notebookLine(fb);
	$('#pq-nb').hidden = !nbText;
	$('#pq-nb').textContent = nbText;
	$('#pq-nb').dataset.kind = fb.notebook && fb.notebook.left ? 'left' : fb.correct ? 'streak' : 'added';
}

/* What the answer did to the notebook, in words. */
function notebookLine(fb) {
	const n = fb.notebook;
	if (!n) return '';
	if (n.left) return t('practice.nb_left', { n: n.leave_after });
	if (!n.in) return '';
	if (!fb.correct) return t('practice.nb_added', { n: n.leave_after });
	return t('practice.nb_streak', { s: n.streak, n: Math.max(0, n.leave_after - n.streak) });
}

function paintNotebook() {
	const nb = P.notebook;
	$('#nb-summary').textContent = nb ? t('practice.nb_summary', { n: nb.count, k: nb.leave_after ?? leaveAfter() }) : t('player.loading');
	$('#nb-review').disabled = !nb || nb.count === 0;
	const items = nb && Array.isArray(nb.items) ? nb.items : [];
	$('#nb-list').replaceChildren(...items.map((it) => h('li', { class: 'nb-item' },
		h('div', { class: 'nb-text', text: pick(it.text) }),
		h('div', { class: 'nb-meta' },
			h('span', { class: 'nb-cat', text: categoryTitle(it.category ?? '') }),
			h('span', { text: t('practice.nb_wrong', { n: it.wrong ?? 1 }) }),
			h('span', { text: t('practice.nb_progress', { s: it.streak ?? 0, n: nb.leave_after ?? leaveAfter() }) })))));
}

function paintDone() {
	const n = P.session ? P.session.notebook ?? 0 : 0;
	$('#pd-title').textContent = t(n ? 'practice.done_some' : 'practice.done_empty');
	$('#pd-text').textContent = n ? t('practice.done_some_text', { n }) : t('practice.done_empty_text');
}

/* Called by player.js's render() while the contest is a practice quiz. */
export function render() {
	document.body.dataset.mode = 'practice';
	if (P.view === 'question' && P.q) {
		showView('practice-question');
		paintQuestion();
	} else if (P.view === 'notebook') {
		showView('notebook');
		paintNotebook();
	} else if (P.view === 'done') {
		showView('practice-done');
		paintDone();
	} else if (P.view === 'loading') {
		showView('loading');
		$('#loading-text').textContent = t('practice.loading');
	} else {
		showView('practice-home');
		paintHome();
	}
}

/* A (new) connection joined: a session in progress has to be started again on it. */
/* A (new) connection joined: a session in progress has to be started again on it. ready(): flush the client's queue. */
export function joined(m, ready) {
	if (P.session) P.restart = true;
	ready();
}

export function langChanged() {
	if (P.q) {
		P.input = buildInput(P.q, answer);
		$('#pq-input').replaceChildren();
	}
}

export function init(ctx) {
	P.ctx = ctx;
	ctx.client.on('progress', onProgress);
	$('#ph-review').addEventListener('click', () => begin({ category: null, review: true }));
	$('#ph-nb-open').addEventListener('click', openNotebook);
	$('#nb-review').addEventListener('click', () => begin({ category: null, review: true }));
	$('#nb-back').addEventListener('click', home);
	$('#pq-next').addEventListener('click', next);
	$('#pq-end').addEventListener('click', home);
	$('#pd-home').addEventListener('click', home);
}
