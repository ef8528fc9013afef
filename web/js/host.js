/*
 * host.js - the organizer's console (host.html): start, next, reveal and end
 * a contest, with the current question, countdown, live counts, the answer
 * distribution at reveal, the top 10 and the join URL and QR code.
 *
 * The organizer token comes from the URL fragment (#token=..., never sent to
 * the server in a request line or Referer) or from the form, the contest code
 * from ?code=. Host commands are one-shot requests (proto.js request()): a
 * lost `next` must not be repeated blindly, so on no reply the console says
 * so and the state pushes show what really happened. Buttons are enabled by
 * phase, as docs/protocol.md allows; `end` asks for a second click.
 */

import * as i18n from './i18n.js';
import { t, pick, num } from './i18n.js';
import { Client, newRid, TRANSIENT } from './proto.js';
import { $, $$, h, showView, toast, errorText, bindConnIndicator, codeFromUrl } from './dom.js';
import { Countdown } from './countdown.js';
import { renderQuestion, renderDistribution, renderResults, renderAnswer, choiceIndexes, isChoice, typeLabel } from './question.js';
import { Board } from './board.js';
import { contestInfo, qrUrl, showJoinUrl } from './join-url.js';

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
	confirmEnd: false,
};

let client = null;
let countdown = null;
let board = null;
let confirmTimer = null;

function tokenFromHash() {
	const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
	return m ? decodeURIComponent(m[1]) : '';
}

function hello() {
	return { type: 'host', rid: newRid('h'), code: S.code, token: S.token, lang: i18n.currentLang() };
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
		})
		.on('leaderboard', (m) => {
			S.lb = m;
			renderBoard();
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
	S.state = m;
	if (m.phase === 'question' && S.q && m.question_id !== S.q.id) {
		S.q = null;
		S.reveal = null;
	}
	render();
}

async function runCommand(cmd) {
	if (S.busy || !client) return;
	if (cmd === 'end' && !S.confirmEnd) {
		S.confirmEnd = true;
		clearTimeout(confirmTimer);
		confirmTimer = setTimeout(() => { S.confirmEnd = false; renderControls(); }, CONFIRM_MS);
		renderControls();
		return;
	}
	S.confirmEnd = false;
	S.busy = true;
	renderControls();
	const reply = await client.request({ type: cmd, rid: newRid('h') });
	S.busy = false;
	if (reply.type === 'error') toast(errorText(reply));
	renderControls();
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
	for (const b of $$('[data-cmd]')) {
		b.disabled = S.busy || client.status !== 'open' || !ALLOWED[b.dataset.cmd].includes(p);
		if (b.dataset.cmd !== 'end') b.classList.toggle('primary', SUGGESTED[p] === b.dataset.cmd);
	}
	const last = typeof st.index === 'number' && count > 0 && st.index + 1 >= count;
	$('#btn-next').textContent = last ? t('host.finish') : t('host.next');
	$('#btn-end').textContent = S.confirmEnd ? t('host.end_confirm') : t('host.end');
	if (p === 'question' && st.open !== false && typeof st.deadline === 'number') {
		countdown.set(st.deadline, S.q ? S.q.time_limit_ms : 0);
	} else {
		countdown.stop();
	}
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
	$('#q-points').textContent = typeof S.q.points === 'number' ? t('q.points', { n: num(S.q.points) }) : '';
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
	$('#reveal-results').replaceChildren(renderResults(r), h('span', { class: 'muted', text: t('reveal.answered_of', { n: num(r.answered ?? 0), total: num(r.players ?? 0) }) }));
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
	$('#board-players').textContent = lb && typeof lb.players === 'number' ? t('board.players', { n: num(lb.players) }) : '';
}

async function setupJoin() {
	const { joinUrl } = await contestInfo(S.code);
	showJoinUrl($('#join-url'), joinUrl);
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
	if (!code || !token) {
		showAuth(t('host.err_auth_fields'));
		return;
	}
	S.code = code;
	S.token = token;
	const u = new URL(location.href);
	u.searchParams.set('code', code);
	u.hash = `token=${encodeURIComponent(token)}`;
	history.replaceState(null, '', u);
	connect();
}

async function main() {
	await i18n.init();
	countdown = new Countdown($('#countdown'), { serverNow: () => (client ? client.serverNow() : Date.now()) });
	board = new Board($('#board'));
	for (const b of $$('[data-cmd]')) b.addEventListener('click', () => runCommand(b.dataset.cmd));
	$('#auth-form').addEventListener('submit', onAuthSubmit);
	i18n.onChange(() => {
		board.refresh();
		render();
		if (!client) showAuth($('#auth-error').textContent);
	});
	if (S.code && S.token) connect();
	else showAuth(null);
}

main();
