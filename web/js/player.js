/*
 * player.js - the player page (player.html): join, wait, answer, see the
 * reveal, the leaderboard and the final rank, on a phone over weak Wi-Fi.
 *
 * Flow: join form (or automatic `resume` with the token kept in localStorage
 * per contest code) -> lobby (with the live player count) -> for each
 * question: answer controls and a countdown on the server's clock -> ack
 * ("submitted") -> reveal (correct answer, explanation, own result and
 * points, leaderboard) -> finished.
 *
 * Fair play: nothing on the phone tells neighbours whether an answer was
 * right before the reveal: the ack shows "submitted" only (points, total
 * and rank come with the reveal), unless the contest gives instant feedback
 * (contest.feedback === "instant"), and no rank is shown before the first
 * reveal (everyone has 0 points; the order would only be the join order).
 *
 * The host's hand (docs/protocol.md): a paused question shows its frozen
 * time left and "paused" (an answer the server held back as `paused` is
 * sent again at the resume); a removed participant (`removed`, then close
 * 4004) is back on the join form with the reason and its token forgotten
 * (a join with the same employee number works once the organizer released
 * it); `renamed` changes the name shown and the one the form remembers.
 *
 * One connection per participant (docs/protocol.md): when the same player
 * opens the page in a second tab or on another phone, the server closes this
 * connection with 4001; the page then says so (view "replaced") and stays
 * quiet until the player taps "continue here", so two tabs never take the
 * participant from each other in a loop.
 *
 * The device key: a random key kept in localStorage (sa.device) and sent
 * with join and resume. Joining again with a known employee number continues
 * that participant only from the device that joined it (a lost `joined`) or
 * after the organizer released it; from anywhere else the server answers
 * already_joined and the page says to ask the organizer.
 *
 * Answers survive bad networks: each goes through the client's reliable
 * queue (resent with its rid until acknowledged, also after reconnects) and
 * is also written to localStorage until acknowledged, so a page reload
 * resends it after `resume` if the server never stored it. On a dead link
 * (weak Wi-Fi: the socket looks open, nothing arrives) the client finds out
 * within a few seconds of the tap (proto.js: an ack overdue by 2 s probes the
 * link, no pong closes it) and the page says so honestly: the top bar turns
 * to "网络缓慢" and then "已断开，正在重连", never green while the answer waits,
 * and the answer's line says it will be resent. While a question is open the
 * client reconnects with short pauses; the server judges the resent answer
 * by its own clock and the network delay credit, and a refusal as too late
 * is said as such. One view is shown at a time; render() derives it from
 * the state S.
 *
 * Self-paced contests (joined.contest.mode "exam", "mass" or "practice")
 * share the join, the token, the device key and the connection; their
 * views are exam.js's and practice.js's, which render() hands over to.
 * Those modules (and selfpaced.css) are loaded only when a contest needs
 * them, so a live contest's phone downloads none of it: the first `joined`
 * of such a contest preloads them in parallel and holds the messages that
 * arrive meanwhile, then gives them to the views.
 */

import * as i18n from './i18n.js';
import { t, pick, num } from './i18n.js';
import { Client, newRid, TRANSIENT } from './proto.js';
import { $, h, showView, toast, errorText, bindConnIndicator, codeFromUrl } from './dom.js';
import { Countdown } from './countdown.js';
import { buildInput } from './inputs.js';
import { isChoice, choiceIndexes, typeLabel, renderAnswer } from './question.js';
import { Board } from './board.js';
import { mine, scoreDecimals } from './standings.js';
import { store } from './storage.js';

const tokenKey = (code) => `sa.token.${code}`;
const answerKey = (code) => `sa.answer.${code}`;
const PROFILE_KEY = 'sa.profile';
const DEVICE_KEY = 'sa.device';
/* Until the server pushes `stats` to players, the lobby count is read from the contest info this often. */
const PLAYERS_POLL_MS = 8000;

const S = {
	code: codeFromUrl(),
	token: null,
	joining: null,     /* join fields waiting for a connection */
	session: false,    /* this connection's join/resume was accepted */
	me: null,          /* {participant_id, name, unit, score, rank} */
	contest: null,
	state: null,
	lastSeq: -1,
	q: null,           /* the current question message */
	input: null,       /* its controls */
	answer: null,      /* {qid, rid, response, status: sending|acked|rejected, ack, error} */
	reveal: null,
	revealPoints: null, /* {qid, points}: my points for the revealed question (leaderboard me.points) */
	lb: null,
	timeUp: false,
	players: null,     /* joined players, from stats pushes, leaderboards or the contest info */
	statsSeen: false,  /* the server pushes stats to players: no need to ask */
	revealSeen: false, /* a reveal came: ranks mean something now */
	replaced: false,   /* this connection was replaced by another tab or phone (4001) */
};

const client = new Client();
let countdown = null;
let board = null;
let finalBoard = null;

/* The views of the self-paced modes: the module and the modules it imports (preloaded together). */
const SELF_PACED = {
	exam: { entry: './exam.js', modules: ['exam.js', 'attempt.js', 'result.js', 'dayboard.js'] },
	practice: { entry: './practice.js', modules: ['practice.js'] },
};
const VIEWS_OF_MODE = { exam: 'exam', mass: 'exam', practice: 'practice' };
const views = { exam: null, practice: null }; /* loaded view modules */
/* The self-paced views this contest needs ('exam', 'practice'), or null in a live contest. */
function selfPacedKind() {
	return (S.contest && VIEWS_OF_MODE[S.contest.mode]) || null;
}
/* Those views, once loaded. */
function selfPaced() {
	const kind = selfPacedKind();
	return kind ? views[kind] : null;
}

/* Fetches a stylesheet once (CSP: style-src 'self'); resolves when it applies (or failed, or after 5 s). */
function stylesheet(href) {
	let link = document.querySelector(`link[rel=stylesheet][href="${href}"]`);
	if (link && link.sheet) return Promise.resolve();
	if (!link) {
		link = h('link', { rel: 'stylesheet', href });
		document.head.append(link);
	}
	return new Promise((resolve) => {
		link.addEventListener('load', resolve, { once: true });
		link.addEventListener('error', resolve, { once: true });
		setTimeout(resolve, 5000);
	});
}

/*
 * Loads the views of kind (their modules preloaded side by side, not one
 * import level per round trip, and selfpaced.css), then hands them the
 * `joined` m and the messages that came meanwhile. A failed download
 * reloads the page after a pause (the module loader keeps the failure).
 */
const loading = {};
/* Messages of the self-paced views that may come before they are loaded. */
const HELD = new Set(['attempts', 'attempt', 'result', 'leaderboard', 'progress', 'practice', 'practice_question', 'feedback', 'notebook']);
function loadViews(kind, m) {
	if (loading[kind]) return;
	const held = [];
	const hold = (msg) => { if (HELD.has(msg.type)) held.push(msg); };
	client.on('*', hold);
	for (const f of SELF_PACED[kind].modules) {
		const href = new URL(f, import.meta.url).href;
		if (![...document.querySelectorAll('link[rel=modulepreload]')].some((l) => l.href === href)) document.head.append(h('link', { rel: 'modulepreload', href }));
	}
	loading[kind] = Promise.all([import(SELF_PACED[kind].entry), stylesheet('css/selfpaced.css')]).then(([mod]) => {
		client.off('*', hold);
		mod.init({ client, S, render });
		views[kind] = mod;
		mod.joined(m, () => client.ready());
		for (const msg of held) client.emit(msg.type, msg);
		render();
	}, () => {
		client.off('*', hold);
		toast(t('player.reload'), 'info');
		setTimeout(() => location.reload(), 3000);
	});
}

/* ---- what the server is told ---- */

/* This browser's device key: made once, kept in localStorage (32 hex digits). */
function deviceKey() {
	let key = store.get(DEVICE_KEY);
	if (typeof key !== 'string' || !/^[0-9a-f]{32}$/.test(key)) {
		const bytes = new Uint8Array(16);
		crypto.getRandomValues(bytes);
		key = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
		store.set(DEVICE_KEY, key);
	}
	return key;
}

function hello() {
	const device = deviceKey();
	if (S.token) return { type: 'resume', rid: newRid('r'), token: S.token, device_key: device, lang: i18n.currentLang() };
	if (S.joining) return { type: 'join', rid: newRid('j'), lang: i18n.currentLang(), device_key: device, ...S.joining };
	return null;
}

function onJoinSubmit(ev) {
	ev.preventDefault();
	const f = ev.target;
	const fields = {
		code: f.code.value.trim().toUpperCase(),
		name: f.name.value.trim(),
		employee_no: f.employee_no.value.trim(),
		unit: f.unit.value.trim(),
	};
	const problem = !fields.code ? 'join.err_code' : !fields.name ? 'join.err_name'
		: !/^[A-Za-z0-9_-]*$/.test(fields.employee_no) ? 'join.err_employee_no' : null;
	if (problem) {
		showJoinError(t(problem));
		return;
	}
	showJoinError(null);
	if (!fields.employee_no) delete fields.employee_no;
	if (!fields.unit) delete fields.unit;
	store.set(PROFILE_KEY, { name: fields.name, employee_no: fields.employee_no || '', unit: fields.unit || '' });
	S.code = fields.code;
	const u = new URL(location.href);
	u.searchParams.set('code', S.code);
	history.replaceState(null, '', u);
	S.token = store.get(tokenKey(S.code));
	S.joining = fields;
	f.querySelector('button[type=submit]').disabled = true;
	const first = hello();
	if (client.isOpen() && first) client.send(first);
	else client.wake(); /* closed while idle on this form: connect now */
}

function showJoinError(text) {
	const el = $('#join-error');
	el.hidden = !text;
	el.textContent = text || '';
}

function submitAnswer(response) {
	const q = S.q;
	if (!q || S.answer || S.timeUp || !S.state || S.state.phase !== 'question') return;
	const rid = newRid('a');
	S.answer = { qid: q.id, rid, response, status: 'sending' };
	store.set(answerKey(S.code), { qid: q.id, rid, response, acked: false });
	sendAnswer();
	render();
}

function sendAnswer() {
	const a = S.answer;
	const msg = { type: 'answer', rid: a.rid, question_id: a.qid, response: a.response };
	client.reliable(msg, { watch: true }).then((reply) => onAnswerReply(a, reply));
}

function onAnswerReply(a, reply) {
	if (S.answer !== a) return; /* a later question replaced it */
	if (reply.type === 'ack') {
		a.status = 'acked';
		a.ack = reply;
		if (instant()) updateMe(reply.score, reply.rank);
		store.set(answerKey(S.code), { qid: a.qid, rid: a.rid, response: a.response, acked: true });
	} else if (reply.code === 'paused') {
		a.status = 'held'; /* the host paused the question: sent again at the resume (onState) */
	} else {
		a.status = 'rejected';
		a.error = reply;
		store.del(answerKey(S.code));
		toast(answerErrorText(reply));
	}
	render();
}

/* Why an answer was refused; "too late" says that it did not count (it may have waited for the network). */
function answerErrorText(reply) {
	return reply && reply.code === 'question_closed' ? t('answer.too_late') : errorText(reply);
}

/* ---- what the server says ---- */

function onJoined(m) {
	S.me = { participant_id: m.participant_id, name: m.name, unit: m.unit, score: m.score ?? 0, rank: m.rank ?? null };
	S.contest = m.contest || S.contest;
	if (S.contest && S.contest.code) S.code = String(S.contest.code).toUpperCase();
	S.token = m.token || S.token;
	if (S.token) store.set(tokenKey(S.code), S.token);
	if (m.records_token) store.set('sa.records', m.records_token); /* my training records (records.html) */
	S.joining = null;
	S.session = true;
	S.lastSeq = -1; /* a new connection: its first state is authoritative */
	const kind = selfPacedKind();
	if (!kind) client.ready();
	else if (views[kind]) views[kind].joined(m, () => client.ready());
	else loadViews(kind, m);
	render();
}

function onError(m) {
	if (m.handled) return; /* the request that waited for it says it */
	if (typeof m.rid === 'string' && m.rid.startsWith('a-')) return; /* answers: onAnswerReply */
	if (m.code === 'removed') {
		onRemoved(m);
		return;
	}
	if (!S.session && (S.token || S.joining) && TRANSIENT.has(m.code)) {
		toast(errorText(m), 'info');
		client.retryHello();
		return;
	}
	if (m.code === 'bad_token') {
		store.del(tokenKey(S.code));
		S.token = null;
		S.me = null;
		if (S.joining) {
			client.send(hello()); /* the form asked to join: do it now */
		} else {
			showJoinError(errorText(m));
		}
	} else if (!S.me) {
		/* join refused: stay on the form */
		S.joining = null;
		showJoinError(errorText(m));
	} else {
		toast(errorText(m));
	}
	render();
}

function onState(m) {
	if (typeof m.seq === 'number' && m.seq < S.lastSeq) return;
	if (typeof m.seq === 'number') S.lastSeq = m.seq;
	S.state = m;
	if (m.phase === 'question' && S.q && m.question_id && m.question_id !== S.q.id) S.reveal = null;
	if (m.phase === 'question' && S.q && m.question_id === S.q.id && typeof m.deadline === 'number') countdown.set(m.deadline, timeLimit(S.q));
	if (m.phase === 'question' && m.open && !m.paused && S.answer && S.answer.status === 'held') {
		S.answer.status = 'sending';
		sendAnswer();
	}
	render();
}

/* The countdown's ceiling: the question's time, or more once the host extended it. */
function timeLimit(q) {
	return Math.max(q.time_limit_ms || 0, q.remaining_ms || 0);
}

/* The host removed this participant: forget its token, back to the join form with the reason. */
function onRemoved(m) {
	store.del(tokenKey(S.code));
	store.del(answerKey(S.code));
	Object.assign(S, { token: null, joining: null, me: null, session: false, q: null, answer: null, state: null });
	countdown.stop();
	showJoinError(errorText(m));
	render();
}

function onRenamed(m) {
	if (!S.me || m.participant_id !== S.me.participant_id || typeof m.name !== 'string') return;
	S.me.name = m.name;
	const p = store.get(PROFILE_KEY);
	if (p) store.set(PROFILE_KEY, { ...p, name: m.name }); /* a later join must use the new name */
	render();
}

function onQuestion(m) {
	const fresh = !S.q || S.q.id !== m.id;
	if (fresh) {
		if (S.answer && S.answer.status === 'sending') client.cancel(S.answer.rid);
		S.q = m;
		S.reveal = null;
		S.answer = null;
		S.timeUp = false;
		S.input = buildInput(m, submitAnswer);
	} else {
		S.q = m;
		if (m.remaining_ms > 0) S.timeUp = false; /* resumed or extended as the local countdown ran out */
	}
	const saved = store.get(answerKey(S.code));
	if (m.answered) {
		const response = saved && saved.qid === m.id ? saved.response : undefined;
		S.answer = { qid: m.id, rid: m.answered.rid || null, response, status: 'acked', ack: m.answered };
		if (instant()) updateMe(m.answered.score, m.answered.rank);
	} else if (!S.answer && saved && saved.qid === m.id && !saved.acked) {
		/* answered before a reload, never acknowledged: send it again */
		S.answer = { qid: m.id, rid: saved.rid, response: saved.response, status: 'sending' };
		sendAnswer();
	}
	countdown.set(m.deadline, timeLimit(m));
	render();
}

function onReveal(m) {
	if (!S.q || m.question_id !== S.q.id) return;
	S.reveal = m;
	S.revealPoints = null; /* in the leaderboard that follows it */
	S.revealSeen = true;
	if (typeof m.players === 'number') S.players = m.players;
	render();
}

function onLeaderboard(m) {
	S.lb = m;
	/* with a reveal: what my answer to it earned (hidden until then in "reveal" contests) */
	if (m.me && typeof m.me.points === 'number' && S.reveal) S.revealPoints = { qid: S.reveal.question_id, points: m.me.points };
	if (m.me) updateMe(m.me.score, m.me.rank);
	if (typeof m.players === 'number' && !S.statsSeen) S.players = m.players;
	render();
}

function onStats(m) {
	S.statsSeen = true;
	if (typeof m.players === 'number') S.players = m.players;
	if (phase() === 'lobby' && !selfPacedKind()) renderLobby();
}

/* Points at the ack (training quizzes) or only at the reveal (live contests). */
function instant() {
	return !!(S.contest && S.contest.feedback === 'instant');
}

/* Whether a rank means anything yet: after the first reveal (or later, after a reload). */
function ranked() {
	const st = S.state;
	return S.revealSeen || instant() || !!(st && (st.phase === 'reveal' || st.phase === 'finished' || st.index > 0));
}

/* The lobby count while the server pushes no `stats` to players: the contest info, now and then. */
async function pollPlayers() {
	setTimeout(pollPlayers, PLAYERS_POLL_MS * (0.75 + Math.random() * 0.5));
	if (S.statsSeen || !S.me || selfPacedKind() || phase() !== 'lobby' || document.visibilityState !== 'visible' || !S.code) return;
	try {
		const r = await fetch(`/api/contests/${encodeURIComponent(S.code)}`, { headers: { accept: 'application/json' } });
		const info = r.ok ? await r.json() : null;
		if (info && typeof info.players === 'number' && !S.statsSeen) {
			S.players = info.players;
			if (phase() === 'lobby' && !selfPacedKind()) renderLobby();
		}
	} catch (e) { /* offline: the next try */ }
}

function updateMe(score, rank) {
	if (!S.me) return;
	if (typeof score === 'number') S.me.score = score;
	/* rank is null while the leaderboard is briefly unavailable (or in a resumed ack): keep the last known */
	if (typeof rank === 'number') S.me.rank = rank;
}

/* ---- rendering ---- */

function phase() {
	return S.state ? S.state.phase : 'lobby';
}

/* Another tab or phone took this participant (close 4001): say so, wait for the player. */
function onReplaced() {
	S.replaced = true;
	S.session = false;
	countdown.stop();
	render();
}

/* "Continue here": this page takes the participant back, by the player's choice. */
function onContinueHere() {
	S.replaced = false;
	S.token = store.get(tokenKey(S.code)) || S.token;
	client.start(hello);
	render();
}

/* The link is needed now: a live question is open or an answer waits for its ack (short reconnect pauses). */
function urgent() {
	if (S.answer && S.answer.status === 'sending') return true;
	const st = S.state;
	return !selfPacedKind() && !!st && st.phase === 'question' && st.open !== false && !S.timeUp;
}

function render() {
	client.setUrgent(urgent());
	$('[data-contest-title]').textContent = S.contest ? pick(S.contest.title) : t('app.name');
	if (S.replaced) {
		$('#me-bar').hidden = true;
		showView('replaced');
		return;
	}
	renderMeBar();
	if (!S.me) {
		const waiting = (S.token || S.joining) && client.status !== 'idle';
		if (waiting && !$('#join-error').textContent) renderWaiting('player.loading');
		else showView('join');
		if (!waiting) $('#join-form button[type=submit]').disabled = false;
		return;
	}
	if (selfPacedKind()) {
		if (selfPaced()) selfPaced().render();
		else renderWaiting('player.loading');
		return;
	}
	document.body.dataset.mode = 'live';
	const p = phase();
	const current = S.q && (!S.state || !S.state.question_id || S.state.question_id === S.q.id);
	if (p === 'finished') renderFinished();
	else if ((p === 'question' || p === 'reveal') && current) renderQuestion();
	else if (p === 'question' || p === 'reveal') renderWaiting('player.next_question');
	else renderLobby();
}

/* The spinner view, between a state change and the message that completes it. */
function renderWaiting(key) {
	showView('loading');
	$('#loading-text').textContent = t(key);
}

function renderMeBar() {
	const bar = $('#me-bar');
	bar.hidden = !S.me || !!selfPacedKind();
	if (bar.hidden) return;
	$('#me-name').textContent = S.me.name || '';
	$('#me-score').textContent = scoreText(S.me.score ?? 0);
	$('#me-rank').textContent = rankText();
	$('#records-link').hidden = !store.get('sa.records');
}

/* The player's rank as shown: "–" before the first reveal, 并列 for equal scores. */
function rankText() {
	if (!S.me || !ranked()) return '–';
	const r = mine(S.me, S.lb && S.lb.top, S.me.participant_id);
	if (typeof r.rank !== 'number') return '–';
	return t(r.tied ? 'me.rank_tied' : 'me.rank_n', { n: r.rank });
}

/* A score in the format of the board beside it. */
function scoreText(x) {
	return num(x, scoreDecimals(S.lb && S.lb.top, S.me && S.me.score));
}

function renderLobby() {
	showView('lobby');
	$('#lobby-name').textContent = S.me.name || '';
	$('#lobby-unit').textContent = S.me.unit || '';
	$('#lobby-players').textContent = typeof S.players === 'number' ? t('lobby.players', { n: S.players }) : '';
}

function renderQuestion() {
	showView('question');
	const q = S.q;
	const revealed = !!S.reveal;
	const open = phase() === 'question' && S.state.open !== false && !S.timeUp;
	const paused = phase() === 'question' && S.state.paused === true;
	$('#q-index').textContent = t('q.index', { i: (q.index ?? 0) + 1, n: q.count ?? (S.contest && S.contest.question_count) ?? '?' });
	$('#q-type').textContent = typeLabel(q.qtype);
	$('#q-text').textContent = pick(q.text);
	const holder = $('#q-input');
	if (holder.firstChild !== S.input.el) holder.replaceChildren(S.input.el);
	S.input.setDisabled(!open || !!S.answer);
	S.input.el.classList.toggle('locked', !open || !!S.answer);
	if (S.answer && S.answer.response !== undefined) S.input.setChosen(S.answer.response);
	document.body.dataset.qstate = revealed ? 'reveal' : open ? 'open' : 'closed';
	if (revealed || !open) countdown.stop();
	if (paused) $('#q-countdown').textContent = String(Math.ceil(Math.max(0, S.state.remaining_ms ?? 0) / 1000));
	$('#q-timebar').hidden = revealed || (!open && !paused);
	renderStatus(open, revealed, paused);
	renderReveal(revealed);
}

function renderStatus(open, revealed, paused) {
	const el = $('#q-status');
	const a = S.answer;
	let text = '';
	let kind = '';
	if (paused && !(a && a.status === 'acked')) {
		text = t('answer.paused');
		kind = 'paused';
	} else if (S.q && S.q.qtype === 'judged') {
		/* marked by judges: nothing to report from the phone */
	} else if (a && a.status === 'sending') {
		text = client.status === 'open' ? t('answer.sending') : t('answer.sending_offline');
		kind = 'sending';
	} else if (a && a.status === 'acked' && !revealed) {
		const ack = a.ack || {};
		text = instant() ? t('answer.acked_points', { points: scoreText(ack.points ?? 0), score: scoreText(ack.score ?? S.me.score), rank: rankText() })
			: open ? t('answer.acked') : t('answer.acked_closed');
		kind = 'acked';
	} else if (a && a.status === 'rejected') {
		text = answerErrorText(a.error);
		kind = 'rejected';
	} else if (!a && !open && !revealed) {
		text = t('answer.time_up');
		kind = 'closed';
	} else if (!a && open && S.q && !isChoice(S.q.qtype)) {
		text = '';
	}
	el.textContent = text;
	el.dataset.kind = kind;
}

/* What my answer to the revealed question earned: the ack's points ("instant"
 * contests), else the `me.points` of the leaderboard that came with the reveal. */
function revealedPoints() {
	const a = S.answer;
	if (a && a.ack && typeof a.ack.points === 'number') return a.ack.points;
	const rp = S.revealPoints;
	return rp && S.reveal && rp.qid === S.reveal.question_id ? rp.points : null;
}

/* The player's own result at the reveal: correct, partial, wrong, none. */
function myResult() {
	const a = S.answer;
	if (!a || a.status !== 'acked') return 'none';
	const points = revealedPoints();
	const q = S.q;
	if (isChoice(q.qtype) && a.response !== undefined) {
		const mine = choiceIndexes(q.qtype, a.response).sort().join(',');
		const right = choiceIndexes(q.qtype, S.reveal.answer).sort().join(',');
		if (mine === right) return 'correct';
		return typeof points === 'number' && points > 0 ? 'partial' : 'wrong';
	}
	if (typeof points === 'number') return points > 0 ? 'scored' : 'wrong';
	return 'answered';
}

function renderReveal(revealed) {
	const banner = $('#q-result');
	const expl = $('#q-explanation');
	const boardEl = $('#q-board');
	banner.hidden = !revealed || S.q.qtype === 'judged';
	expl.hidden = true;
	boardEl.hidden = true;
	if (!revealed) return;
	const r = S.reveal;
	S.input.markAnswer(r.answer);
	const res = myResult();
	const points = revealedPoints();
	banner.dataset.result = res;
	banner.replaceChildren(h('span', { class: 'res-title', text: t(`result.${res}`) }));
	if (res !== 'none' && points !== null) banner.append(h('span', { class: 'res-points', text: t('result.points', { points }) }));
	if (!isChoice(S.q.qtype) && !S.input.el.querySelector('.correct-answer')) {
		S.input.el.append(h('div', { class: 'correct-answer' }, h('div', { class: 'caption', text: t('reveal.answer') }), renderAnswer(S.q, r.answer)));
	}
	const explanation = pick(r.explanation);
	expl.hidden = !explanation;
	$('#q-explanation-text').textContent = explanation;
	if (S.lb) {
		boardEl.hidden = false;
		$('#q-myrank').textContent = t('board.my_rank', { rank: rankText(), n: S.lb.players ?? 0, score: scoreText(S.me.score ?? 0) });
		board.setMe(S.me.participant_id);
		board.update(S.lb.top, scoreDecimals(S.lb.top, S.me.score));
	}
}

function renderFinished() {
	showView('finished');
	countdown.stop();
	$('#final-rank').textContent = rankText();
	$('#final-score').textContent = t('finished.score', { score: scoreText(S.me.score ?? 0) });
	const players = S.lb ? S.lb.players : null;
	$('#final-players').textContent = typeof players === 'number' ? t('finished.players', { n: players }) : '';
	finalBoard.setMe(S.me.participant_id);
	finalBoard.update(S.lb ? S.lb.top : [], scoreDecimals(S.lb && S.lb.top, S.me.score));
	/* the published results (公示) and appeals: results.html reads this phone's token */
	$('#results-link').href = `results.html?code=${encodeURIComponent(S.code)}`;
}

/* ---- start ---- */

function prefillForm() {
	const f = $('#join-form');
	const p = store.get(PROFILE_KEY) || {};
	f.code.value = S.code || '';
	f.name.value = p.name || '';
	f.employee_no.value = p.employee_no || '';
	f.unit.value = p.unit || '';
}

async function main() {
	await i18n.init();
	countdown = new Countdown($('#q-countdown'), client, {
		onTick: (ms, frac) => $('#q-timebar').style.setProperty('--frac', frac.toFixed(4)),
		onZero: () => { S.timeUp = true; render(); },
	});
	board = new Board($('#q-board-list'), { zeroRank: true });
	finalBoard = new Board($('#final-board-list'), { zeroRank: true });
	prefillForm();
	$('#join-form').addEventListener('submit', onJoinSubmit);
	$('#replaced-continue').addEventListener('click', onContinueHere);
	bindConnIndicator(client);
	i18n.onChange(() => {
		for (const v of Object.values(views)) if (v) v.langChanged();
		if (S.q) {
			/* rebuild the controls in the new language, keeping what was chosen */
			S.input = buildInput(S.q, submitAnswer);
			$('#q-input').replaceChildren();
		}
		board.refresh();
		finalBoard.refresh();
		render();
	});
	client.on('joined', onJoined)
		.on('error', onError)
		.on('state', onState)
		.on('question', onQuestion)
		.on('reveal', onReveal)
		.on('leaderboard', onLeaderboard)
		.on('stats', onStats)
		.on('renamed', onRenamed)
		.on('close', () => { S.session = false; })
		.on('replaced', onReplaced)
		.on('status', render);
	if (S.code) S.token = store.get(tokenKey(S.code));
	client.start(hello);
	render();
	setTimeout(pollPlayers, PLAYERS_POLL_MS);
}

main();
