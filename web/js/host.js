/*
 * host.js - the organizer's console (host.html): start, next, reveal and end
 * a contest, with the current question, countdown, live counts, the answer
 * distribution at reveal, the top 10 and the join URL and QR code.
 *
 * Who hosts: a console session (logged in at login.html: its cookie goes
 * with the WebSocket upgrade, the form's token left empty), or an API token
 * or the deprecated organizer token from the URL fragment (#token=..., never
 * sent to the server in a request line or Referer) or the form; the contest
 * code from ?code=. Host commands are one-shot requests (proto.js request()): a
 * lost `next` must not be repeated blindly, so on no reply the console says
 * so and the state pushes show what really happened. Buttons are enabled by
 * phase, as docs/protocol.md allows; `end`, and `next` while the question
 * has not been revealed, ask for a second click.
 *
 * Presentation clickers: Space, → and PageDown press the main (orange)
 * button, the usual next step of the phase; ← and PageUp do nothing (a
 * clicker's "back" must never undo or skip). A key press within a second of
 * the last change is ignored, so a double press cannot skip a reveal.
 *
 * The host's hand on the question and the hall (docs/protocol.md): pause and
 * resume (P), +15 s (E) and +30 s, enabled by the state as the server allows
 * them; while paused the countdown shows the frozen time left and 已暂停;
 * hide or show the board on the screens. Who has not answered (`pending`,
 * offline ones first, with the employee-number tail) is listed under the
 * counts; the players panel (hostmod.js) removes, releases and renames.
 * A refused command says why in words (the host.error.* strings, per command
 * where the same code means something else) and the connection stays.
 */

import * as i18n from './i18n.js';
import { t, pick, num, has } from './i18n.js';
import { Client, newRid, TRANSIENT } from './proto.js';
import { $, $$, h, showView, toast, errorText, bindConnIndicator, codeFromUrl } from './dom.js';
import { Countdown } from './countdown.js';
import { renderQuestion, renderDistribution, renderResults, renderAnswer, choiceIndexes, isChoice, typeLabel } from './question.js';
import { Board } from './board.js';
import { contestInfo, qrUrl, showJoinUrl, localWarning } from './join-url.js';
import { standings } from './standings.js';
import { Players } from './hostmod.js';

/* Which phases allow each command (docs/protocol.md). */
const ALLOWED = {
	start: ['lobby'],
	next: ['question', 'reveal'],
	reveal: ['question'],
	end: ['lobby', 'question', 'reveal'],
};
/* The usual next step in each phase, drawn as the main button. */
const SUGGESTED = { lobby: 'start', question: 'reveal', reveal: 'next' };
const CONFIRM_MS = 4000;
/* Keys of presentation clickers and keyboards. */
const PRIMARY_KEYS = new Set([' ', 'Spacebar', 'ArrowRight', 'PageDown']);
const INERT_KEYS = new Set(['ArrowLeft', 'PageUp']);
const KEY_GUARD_MS = 1000;
/* The moderation buttons: the message each sends (from the state), and its key. */
const MODS = {
	pause: (st) => ({ type: st.paused ? 'resume' : 'pause' }),
	extend15: () => ({ type: 'extend', ms: 15000 }),
	extend30: () => ({ type: 'extend', ms: 30000 }),
	board: (st) => ({ type: 'board', show: !!st.board_hidden }),
};
const MOD_KEYS = { p: 'pause', e: 'extend15' };

const S = {
	code: codeFromUrl(),
	token: tokenFromHash(),
	authed: false,     /* the token was accepted once: show the console */
	session: false,    /* this connection's host message was accepted */
	contest: null,
	state: null,
	lastSeq: -1,
	q: null,
	reveal: null,
	stats: null,
	lb: null,
	busy: false,
	modBusy: false,    /* a moderation command is on its way */
	confirm: null,     /* 'end' or 'next' while waiting for the second click */
	changedAt: 0,      /* when the phase or question last changed (keyboard guard) */
	pending: null,     /* who has not answered: a `pending` push, when the server sends one */
	joinUrl: '',
};

let client = null;
let countdown = null;
let board = null;
let confirmTimer = null;
let players = null;

function tokenFromHash() {
	const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
	return m ? decodeURIComponent(m[1]) : '';
}

function hello() {
	/* No token: the console session's cookie, sent with the upgrade, says who hosts (docs/protocol.md). */
	return { type: 'host', rid: newRid('h'), code: S.code, ...(S.token ? { token: S.token } : {}), lang: i18n.currentLang() };
}

function connect() {
	if (client) client.stop();
	S.authed = false;
	S.lastSeq = -1;
	client = new Client();
	bindConnIndicator(client);
	client.on('host_ok', (m) => {
		S.authed = true;
		S.session = true;
		S.contest = m.contest || S.contest;
		S.lastSeq = -1;
		client.ready();
		render();
		players.refresh(true);
	})
		.on('error', onError)
		.on('close', () => { S.session = false; })
		.on('status', () => { if (S.authed) renderControls(); })
		.on('state', onState)
		.on('question', (m) => {
			if (!S.q || S.q.id !== m.id) S.reveal = null;
			S.q = m;
			render();
		})
		.on('reveal', (m) => {
			if (S.q && m.question_id === S.q.id) S.reveal = m;
			render();
		})
		.on('stats', (m) => {
			S.stats = m;
			renderStats();
			if (typeof m.players === 'number') players.playersChanged(m.players);
		})
		.on('leaderboard', (m) => {
			S.lb = m;
			renderBoard();
		})
		.on('pending', (m) => {
			S.pending = m;
			renderPending();
		});
	client.start(hello);
	render();
	setupJoin();
}

function onError(m) {
	const toHello = !S.session;
	if (!toHello && typeof m.rid === 'string' && m.rid.startsWith('h-')) return; /* command replies: runCommand */
	if (toHello && TRANSIENT.has(m.code)) {
		toast(errorText(m), 'info');
		client.retryHello();
		return;
	}
	if (toHello) {
		/* the host message itself was refused: wrong token or code */
		client.stop();
		client = null;
		showAuth(errorText(m));
		return;
	}
	toast(errorText(m));
}

function onState(m) {
	if (typeof m.seq === 'number' && m.seq < S.lastSeq) return;
	if (typeof m.seq === 'number') S.lastSeq = m.seq;
	const prev = S.state;
	S.state = m;
	if (!prev || prev.phase !== m.phase || prev.index !== m.index) S.changedAt = Date.now();
	if (m.phase === 'question' && S.q && m.question_id !== S.q.id) {
		S.q = null;
		S.reveal = null;
	}
	if (S.confirm && !needsConfirm(S.confirm)) S.confirm = null;
	render();
}

/* Commands that ask for a second click: end, and next before the answer was shown. */
function needsConfirm(cmd) {
	return cmd === 'end' || (cmd === 'next' && phase() === 'question');
}

async function runCommand(cmd) {
	if (S.busy || !client) return;
	if (needsConfirm(cmd) && S.confirm !== cmd) {
		S.confirm = cmd;
		clearTimeout(confirmTimer);
		confirmTimer = setTimeout(() => { S.confirm = null; renderControls(); }, CONFIRM_MS);
		renderControls();
		return;
	}
	S.confirm = null;
	clearTimeout(confirmTimer);
	S.busy = true;
	renderControls();
	const reply = await client.request({ type: cmd, rid: newRid('h') });
	S.busy = false;
	S.changedAt = Date.now();
	if (reply.type === 'error') toast(hostError(cmd, reply));
	renderControls();
}

/* A refusal in words: host.error.<command>.<code>, host.error.<code>, then the common error text. */
function hostError(cmd, reply) {
	for (const key of [`host.error.${cmd}.${reply.code}`, `host.error.${reply.code}`]) if (has(key)) return t(key);
	return errorText(reply);
}

/*
 * One moderation command (a button, a key, the players panel): sent once,
 * resolves with the reply; a refusal is shown (in a toast, or by the caller
 * when opts.quiet) and the connection stays.
 */
async function send(msg, { quiet = false } = {}) {
	if (!client) return { type: 'error', code: 'no_reply' };
	const reply = await client.request({ ...msg, rid: newRid('h') });
	if (reply.type === 'error' && !quiet) toast(hostError(msg.type, reply));
	return reply;
}

const MOD_DONE = {
	pause: () => t('host.done_pause'),
	resume: () => t('host.done_resume'),
	extend: (m) => t('host.done_extend', { n: m.ms / 1000 }),
	board: (m) => t(m.show ? 'host.done_board_show' : 'host.done_board_hide'),
};

async function runMod(name) {
	const b = $(`[data-mod=${name}]`);
	if (S.modBusy || !client || !b || b.disabled) return;
	const msg = MODS[name](S.state || {});
	S.modBusy = true;
	renderControls();
	const reply = await send(msg);
	S.modBusy = false;
	if (reply.type === 'ok') toast(MOD_DONE[msg.type](msg), 'info', 2500);
	renderControls();
}

/* A clicker or keyboard: the main button of the phase, or nothing. */
function onKey(e) {
	if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
	if (e.target instanceof Element && e.target.closest('input, textarea, select, [contenteditable], dialog')) return;
	if (!S.authed || $('[data-view=control]').hidden || document.querySelector('dialog[open]')) return;
	const mod = typeof e.key === 'string' && MOD_KEYS[e.key.toLowerCase()];
	if (mod) {
		e.preventDefault();
		if (!e.repeat) runMod(mod);
	} else if (PRIMARY_KEYS.has(e.key)) {
		e.preventDefault();
		const cmd = SUGGESTED[phase()];
		if (e.repeat || !cmd || Date.now() - S.changedAt < KEY_GUARD_MS) return;
		const b = $(`[data-cmd=${cmd}]`);
		if (b && !b.disabled) runCommand(cmd);
	} else if (INERT_KEYS.has(e.key)) {
		e.preventDefault();
		toast(t('host.key_noop'), 'info', 2000);
	}
}

/* ---- rendering ---- */

function phase() {
	return S.state ? S.state.phase : 'lobby';
}

function render() {
	$('[data-contest-title]').textContent = S.contest ? pick(S.contest.title) : S.code;
	if (!client) return;
	if (!S.authed) {
		showView('loading');
		return;
	}
	showView('control');
	renderControls();
	renderStats();
	renderQuestionCard();
	renderRevealCard();
	renderBoard();
}

function renderControls() {
	const p = phase();
	const st = S.state || {};
	const count = st.count ?? (S.contest && S.contest.question_count) ?? 0;
	$('#phase').textContent = t(`phase.${p}`);
	$('#phase').dataset.phase = p;
	$('#progress').textContent = (p === 'question' || p === 'reveal') && typeof st.index === 'number'
		? t('q.index', { i: st.index + 1, n: count }) : t('host.count', { n: count });
	renderPending();
	for (const b of $$('[data-cmd]')) {
		b.disabled = S.busy || client.status !== 'open' || !ALLOWED[b.dataset.cmd].includes(p);
		if (b.dataset.cmd !== 'end') b.classList.toggle('primary', SUGGESTED[p] === b.dataset.cmd);
	}
	renderMods(p, st);
	const last = typeof st.index === 'number' && count > 0 && st.index + 1 >= count;
	$('#btn-next').textContent = S.confirm === 'next' ? t('host.next_confirm') : last ? t('host.finish') : t('host.next');
	$('#btn-end').textContent = S.confirm === 'end' ? t('host.end_confirm') : t('host.end');
	$('#btn-next').classList.toggle('confirming', S.confirm === 'next');
	$('#btn-end').classList.toggle('confirming', S.confirm === 'end');
	const paused = p === 'question' && st.paused === true;
	const cd = $('#countdown');
	if (paused) {
		/* the clock stopped: the time it will have when it resumes */
		countdown.stop();
		cd.textContent = String(Math.ceil(Math.max(0, st.remaining_ms ?? 0) / 1000));
	} else if (p === 'question' && st.open !== false && typeof st.deadline === 'number') {
		countdown.set(st.deadline, timeLimit());
	} else {
		countdown.stop();
	}
	cd.toggleAttribute('data-paused', paused);
	$('#paused-tag').hidden = !paused;
}

/* The countdown's ceiling: the question's time, or more once the host extended it. */
function timeLimit() {
	if (!S.q) return 0;
	return Math.max(S.q.time_limit_ms || 0, S.q.remaining_ms || 0);
}

/* Pause/resume, extend and the board toggle, enabled as docs/protocol.md allows them. */
function renderMods(p, st) {
	const paused = p === 'question' && st.paused === true;
	const running = p === 'question' && !paused && st.open !== false;
	const idle = S.modBusy || client.status !== 'open' || !S.session;
	const allowed = { pause: paused || running, extend15: paused || running, extend30: paused || running, board: true };
	for (const b of $$('[data-mod]')) b.disabled = idle || !allowed[b.dataset.mod];
	const pause = $('#btn-pause');
	pause.textContent = t(paused ? 'host.resume' : 'host.pause');
	pause.classList.toggle('primary', paused);
	const board = $('#btn-board');
	board.textContent = t(st.board_hidden ? 'host.board_show' : 'host.board_hide');
	board.setAttribute('aria-pressed', String(!!st.board_hidden));
	$('#board-hidden-note').hidden = !st.board_hidden;
}

function renderStats() {
	const s = S.stats || {};
	$('#st-players').textContent = num(s.players ?? 0);
	$('#st-online').textContent = num(s.online ?? 0);
	$('#st-answered').textContent = num(s.answered ?? 0);
	const frac = s.players ? Math.min(1, (s.answered ?? 0) / s.players) : 0;
	$('#answered-bar').style.setProperty('--frac', frac.toFixed(4));
	$('#answered-bar').hidden = phase() !== 'question';
}

function renderQuestionCard() {
	const card = $('#question-card');
	const p = phase();
	card.hidden = !S.q || (p !== 'question' && p !== 'reveal');
	if (card.hidden) return;
	const correct = S.reveal && isChoice(S.q.qtype) ? choiceIndexes(S.q.qtype, S.reveal.answer) : null;
	$('#q-type').textContent = typeLabel(S.q.qtype);
	$('#q-points').textContent = typeof S.q.points === 'number' ? t('q.points', { n: S.q.points }) : '';
	const body = renderQuestion(S.q, { correct });
	/* at the reveal the distribution bars show the options: no need to list them twice */
	if (S.reveal && phase() === 'reveal' && renderDistribution(S.q, S.reveal)) body.querySelector('.q-options')?.remove();
	$('#question').replaceChildren(body);
}

function renderRevealCard() {
	const card = $('#reveal-card');
	card.hidden = !S.reveal || phase() !== 'reveal';
	if (card.hidden) return;
	const r = S.reveal;
	$('#reveal-results').replaceChildren(renderResults(r), h('span', { class: 'muted', text: t('reveal.answered_of', { n: r.answered ?? 0, total: r.players ?? 0 }) }));
	$('#reveal-dist').replaceChildren(renderDistribution(S.q, r) || '');
	$('#reveal-answer').replaceChildren(renderAnswer(S.q, r.answer));
	const expl = pick(r.explanation);
	$('#reveal-expl-wrap').hidden = !expl;
	$('#reveal-expl').textContent = expl;
}

function renderBoard() {
	const lb = S.lb;
	board.update(lb ? lb.top : []);
	$('#board-empty').hidden = !!(lb && lb.top && lb.top.length);
	$('#board-players').textContent = lb && typeof lb.players === 'number' ? t('board.players', { n: lb.players }) : '';
}

/*
 * Who has not answered the question being played (the `pending` push,
 * docs/protocol.md): {question_id, count, players: [{participant_id, name,
 * unit, emp_tail, online}]}, at most 50, offline ones first and marked, each
 * with the tail of the employee number when it has one (else same names are
 * told apart as on the boards). Hidden in other phases.
 */
function renderPending() {
	const card = $('#pending-card');
	const m = S.pending;
	const show = !!(m && Array.isArray(m.players) && phase() === 'question' && S.q && m.question_id === S.q.id);
	card.hidden = !show;
	if (!show) return;
	const count = typeof m.count === 'number' ? m.count : m.players.length;
	const offline = m.players.filter((e) => e.online === false).length;
	$('#pending-n').textContent = t('host.pending_n', { n: count });
	$('#pending-offline').textContent = offline ? t('host.pending_offline', { n: offline }) : '';
	$('#pending-list').replaceChildren(...standings(m.players).map((s) => {
		const tail = typeof s.entry.emp_tail === 'string' && s.entry.emp_tail ? s.entry.emp_tail : '';
		return h('li', { dataset: { online: String(s.entry.online !== false) } },
			h('span', { class: 'name', text: s.entry.name ?? '' }),
			tail ? h('span', { class: 'tail', text: t('host.tail', { tail }) }) : null,
			!tail && s.suffix ? h('span', { class: 'dup', text: t('board.dup', { tag: s.suffix }) }) : null,
			(tail || !s.suffixIsUnit) && s.entry.unit ? h('span', { class: 'unit', text: s.entry.unit }) : null,
			s.entry.online === false ? h('span', { class: 'offline', text: t('host.offline') }) : null);
	}));
	$('#pending-more').textContent = count > m.players.length ? t('host.pending_more', { n: count - m.players.length }) : '';
}

async function setupJoin() {
	const { joinUrl } = await contestInfo(S.code);
	showJoinUrl($('#join-url'), joinUrl);
	S.joinUrl = joinUrl;
	localWarning($('#local-warning'), joinUrl);
	const qr = $('#qr');
	qr.hidden = false;
	qr.onerror = () => { qr.hidden = true; };
	qr.src = qrUrl(S.code);
	$('#screen-link').href = `screen.html?code=${encodeURIComponent(S.code)}`;
}

/* ---- auth ---- */

function showAuth(error) {
	showView('auth');
	const f = $('#auth-form');
	f.code.value = S.code;
	const e = $('#auth-error');
	e.hidden = !error;
	e.textContent = error || '';
	(S.code ? f.token : f.code).focus();
}

function onAuthSubmit(ev) {
	ev.preventDefault();
	const f = ev.target;
	const code = f.code.value.trim().toUpperCase();
	const token = f.token.value;
	if (!code) {
		showAuth(t('host.err_auth_fields'));
		return;
	}
	S.code = code;
	S.token = token;
	const u = new URL(location.href);
	u.searchParams.set('code', code);
	u.hash = token ? `token=${encodeURIComponent(token)}` : '';
	history.replaceState(null, '', u);
	connect();
}

async function main() {
	await i18n.init();
	countdown = new Countdown($('#countdown'), { serverNow: () => (client ? client.serverNow() : Date.now()) });
	board = new Board($('#board'));
	players = new Players({
		code: () => S.code,
		token: () => S.token,
		send,
		toast,
		errorText: hostError,
	});
	for (const b of $$('[data-mod]')) {
		b.addEventListener('click', () => {
			b.blur();
			runMod(b.dataset.mod);
		});
	}
	for (const b of $$('[data-cmd]')) {
		b.addEventListener('click', () => {
			b.blur(); /* a later Space must not press this button again */
			runCommand(b.dataset.cmd);
		});
	}
	document.addEventListener('keydown', onKey);
	$('#auth-form').addEventListener('submit', onAuthSubmit);
	i18n.onChange(() => {
		board.refresh();
		render();
		if (S.joinUrl) localWarning($('#local-warning'), S.joinUrl);
		if (!client) showAuth($('#auth-error').textContent);
	});
	if (S.code && S.token) connect();
	else showAuth(null);
}

main();
