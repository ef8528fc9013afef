/*
 * screen.js - the big screen (screen.html) for a 1080p TV in a hall or
 * canteen, read from 10 m: `watch`es a contest and shows the join QR, the
 * address and the contest code (a PIN) and the player count in the lobby,
 * each question with a big countdown and the number of answers, a "time's
 * up" moment when it closes, the reveal with distribution bars, a top 10
 * that slides when ranks change (ties shown as 并列), and a podium at the
 * end. When the host pauses the question its clock stops at the time left
 * and 暂停 shows (no "time's up"); when the host hides the board
 * (`state.board_hidden`) the top 10, the units and the podium leave the
 * screen until it is shown again. Sounds (sound.js) follow the contest once someone clicked the page;
 * a full-screen button and a wake lock (display.js) keep it on the TV. It
 * needs no other interaction (the contest code comes from ?code=) and
 * reconnects by itself.
 */

import * as i18n from './i18n.js';
import { t, pick, num } from './i18n.js';
import { Client, newRid, TRANSIENT } from './proto.js';
import { $, showView, toast, errorText, bindConnIndicator, codeFromUrl } from './dom.js';
import { Countdown } from './countdown.js';
import { renderQuestion, renderDistribution, renderResults, renderAnswer, choiceIndexes, isChoice, typeLabel } from './question.js';
import { Board } from './board.js';
import { contestInfo, qrUrl, shortUrl, localWarning } from './join-url.js';
import { scoreDecimals } from './standings.js';
import { renderPodium, fitPodium } from './podium.js';
import { Sound } from './sound.js';
import { keepAwake, fullscreenButton, idleAfter } from './display.js';

const IDLE_MS = 4000;
const TICK_FROM_S = 5;

const S = {
	code: codeFromUrl(),
	contest: null,
	watching: false,
	state: null,
	lastSeq: -1,
	q: null,
	reveal: null,
	stats: null,
	lb: null,
	joinUrl: '',
	timeUp: null,    /* the id of the question whose time ran out */
	lastTick: 0,     /* the last second ticked (5..1) */
	cued: new Set(), /* sounds already played: "reveal:q3", "timeup:q3", "podium" */
};

let client = null;
let countdown = null;
let board = null;
let sound = null;
let renderedQ = null; /* the question id + reveal state last drawn, to redraw only on change */
let onPodium = new Set(); /* participant ids on the podium (not repeated on the board beside it) */

/* Plays a sound once per key (a reconnect replays state, question and reveal). */
function cue(key, play) {
	if (S.cued.has(key)) return;
	S.cued.add(key);
	play();
}

function hello() {
	const key = new URLSearchParams(location.search).get('key'); /* the contest's screen key, when it has one */
	return { type: 'watch', rid: newRid('w'), code: S.code, ...(key ? { key } : {}), lang: i18n.currentLang() };
}

function onState(m) {
	if (typeof m.seq === 'number' && m.seq < S.lastSeq) return;
	if (typeof m.seq === 'number') S.lastSeq = m.seq;
	S.state = m;
	if (m.phase === 'question' && S.q && m.question_id !== S.q.id) {
		S.q = null;
		S.reveal = null;
	}
	if (m.phase === 'question' && m.open === false && !m.paused && S.q && m.question_id === S.q.id) timeIsUp();
	render();
}

/* The open question closed (the local countdown reached 0, or the server said so). */
function timeIsUp() {
	if (!S.q || S.reveal) return;
	S.timeUp = S.q.id;
	cue(`timeup:${S.q.id}`, () => sound.timeUp());
}

function phase() {
	return S.state ? S.state.phase : 'lobby';
}

function render() {
	$('[data-contest-title]').textContent = S.contest ? pick(S.contest.title) : S.code;
	if (!S.code) {
		showView('setup');
		return;
	}
	showView('live');
	const p = phase();
	document.body.dataset.phase = p;
	$('#s-lobby').hidden = p !== 'lobby';
	$('#s-question').hidden = !((p === 'question' || p === 'reveal') && S.q);
	$('#s-podium').hidden = p !== 'finished';
	$('#s-join-small').hidden = p === 'lobby' || p === 'finished';
	sound.lobby(p === 'lobby');
	renderCounts();
	if (p === 'question' || p === 'reveal') renderQuestionStage();
	else countdown.stop();
	if (p === 'finished') showPodium();
	renderBoard();
}

function renderCounts() {
	const players = (S.stats ? S.stats.players : S.lb ? S.lb.players : 0) ?? 0;
	$('#s-players').textContent = num(players);
	$('#s-players-label').textContent = t('screen.players', { n: players });
	const answered = (S.stats ? S.stats.answered : 0) ?? 0;
	$('#s-answered').textContent = phase() === 'question' ? t('screen.answered', { n: answered, total: players }) : '';
	$('#s-timeup-n').textContent = t('reveal.answered_of', { n: answered, total: players });
}

function renderQuestionStage() {
	if (!S.q) return;
	const st = S.state;
	const key = `${S.q.id}|${S.reveal ? 'r' : 'q'}|${i18n.currentLang()}`;
	if (renderedQ !== key) {
		renderedQ = key;
		$('#s-qindex').textContent = t('q.index', { i: (S.q.index ?? st.index ?? 0) + 1, n: S.q.count ?? st.count ?? '?' });
		$('#s-qtype').textContent = typeLabel(S.q.qtype);
		const correct = S.reveal && isChoice(S.q.qtype) ? choiceIndexes(S.q.qtype, S.reveal.answer) : null;
		const body = renderQuestion(S.q, { correct });
		if (S.reveal && renderDistribution(S.q, S.reveal)) body.querySelector('.q-options')?.remove();
		$('#s-qbody').replaceChildren(body);
		renderReveal();
		fitStage();
	}
	const paused = st.phase === 'question' && st.paused === true;
	const closed = st.phase === 'question' && !paused && (st.open === false || S.timeUp === S.q.id);
	const limit = Math.max(S.q.time_limit_ms || 0, S.q.remaining_ms || 0); /* more once extended */
	if (paused) {
		/* the clock stopped at the time it will have when it resumes */
		const left = Math.max(0, st.remaining_ms ?? 0);
		countdown.stop();
		$('#s-clock').textContent = String(Math.ceil(left / 1000));
		$('#s-clock').style.setProperty('--frac', (limit ? Math.min(1, left / limit) : 1).toFixed(4));
	} else if (st.phase === 'question' && !closed) countdown.set(st.deadline ?? S.q.deadline, limit);
	else countdown.stop();
	$('#s-clock').toggleAttribute('data-paused', paused);
	$('#s-paused').hidden = !paused;
	$('#s-clock').hidden = !(st.phase === 'question' && !closed);
	$('#s-answered').hidden = closed;
	$('#s-timeup').hidden = !(closed && !S.reveal);
	document.body.toggleAttribute('data-timeup', closed && !S.reveal);
}

/* The countdown's last five seconds tick (once each). */
function onCountdownTick(ms) {
	const secs = Math.ceil(ms / 1000);
	if (secs >= 1 && secs <= TICK_FROM_S && secs !== S.lastTick && phase() === 'question') {
		S.lastTick = secs;
		sound.tick(secs);
	}
}

/*
 * Long questions must fit the TV without scrolling: shrink the stage's text
 * (--fit scales the question, options, bars and explanation) step by step
 * until nothing overflows, down to half size.
 */
function fitStage() {
	const stage = $('.s-stage');
	let fit = 1;
	stage.style.setProperty('--fit', '1');
	while (stage.scrollHeight > stage.clientHeight + 1 && fit > 0.5) {
		fit -= 0.06;
		stage.style.setProperty('--fit', fit.toFixed(2));
	}
}

function renderReveal() {
	const box = $('#s-reveal');
	box.hidden = !S.reveal;
	if (!S.reveal) return;
	const r = S.reveal;
	cue(`reveal:${r.question_id}`, () => sound.reveal());
	$('#s-results').replaceChildren(renderResults(r));
	const dist = renderDistribution(S.q, r);
	$('#s-dist').replaceChildren(dist || '');
	/* choice questions show the answer on the bars; the others in words */
	$('#s-answer-wrap').hidden = !!dist;
	if (!dist) $('#s-answer').replaceChildren(renderAnswer(S.q, r.answer));
	$('#s-expl').textContent = pick(r.explanation);
}

function topList() {
	return S.lb && Array.isArray(S.lb.top) ? S.lb.top : [];
}

/* The top 10 beside the stage; at the end, everyone the podium does not show. */
function renderBoard() {
	const hidden = !!(S.state && S.state.board_hidden);
	$('[data-view=live]').toggleAttribute('data-board-hidden', hidden);
	$('#s-podium-hidden').hidden = !hidden;
	const top = topList();
	const finished = phase() === 'finished';
	const rest = finished ? top.filter((e) => !onPodium.has(e.participant_id)) : top;
	board.update(rest, scoreDecimals(top));
	$('#s-board-empty').hidden = top.length > 0;
	$('[data-view=live]').classList.toggle('solo', finished && rest.length === 0);
}

let podiumKey = '';
function showPodium() {
	const top = topList();
	const hidden = !!(S.state && S.state.board_hidden);
	const key = `${i18n.currentLang()}|${hidden}|${JSON.stringify(top)}`;
	if (key === podiumKey) return;
	podiumKey = key;
	onPodium = renderPodium($('#podium'), top, scoreDecimals(top));
	if (onPodium.size && !hidden) cue('podium', () => sound.fanfare());
	renderBoard();
	fitPodium($('#podium'));
}

async function setupJoin() {
	$('#s-pin').textContent = S.code;
	$('#s-pin-small').textContent = S.code;
	const { joinUrl } = await contestInfo(S.code);
	S.joinUrl = joinUrl;
	$('#s-url-big').textContent = shortUrl(joinUrl);
	$('#s-url-small').textContent = shortUrl(joinUrl);
	localWarning($('#s-warning'), joinUrl);
	for (const img of [$('#s-qr-big'), $('#s-qr-small')]) {
		img.onerror = () => { img.hidden = true; };
		img.src = qrUrl(S.code);
	}
}

function start() {
	if (client) client.stop();
	client = new Client();
	S.watching = false;
	bindConnIndicator(client);
	client.on('watching', (m) => {
		S.watching = true;
		S.contest = m.contest || S.contest;
		S.lastSeq = -1;
		client.ready();
		render();
	})
		.on('close', () => { S.watching = false; })
		.on('state', onState)
		.on('question', (m) => {
			if (!S.q || S.q.id !== m.id) {
				S.reveal = null;
				S.lastTick = 0;
			} else if (S.timeUp === m.id && !S.reveal && m.remaining_ms > 0) {
				S.timeUp = null; /* resumed or extended just as the local countdown ran out */
			}
			S.q = m;
			renderedQ = null;
			render();
		})
		.on('reveal', (m) => {
			if (S.q && m.question_id === S.q.id) {
				S.reveal = m;
				renderedQ = null;
			}
			render();
		})
		.on('units', (m) => {
			S.units = m;
			renderUnits();
		})
		.on('stats', (m) => {
			S.stats = m;
			renderCounts();
		})
		.on('leaderboard', (m) => {
			S.lb = m;
			if (phase() === 'finished') showPodium();
			else renderBoard();
			renderCounts();
		})
		.on('error', (m) => {
			if (!S.watching && TRANSIENT.has(m.code)) client.retryHello();
			if (m.code === 'unknown_contest') {
				client.stop();
				S.code = '';
				render();
			}
			toast(errorText(m));
		});
	client.start(hello);
	setupJoin();
	render();
}

/* The units board: shown when the contest has one (the server sends `units`). */
function renderUnits() {
	const wrap = $('#s-units'), list = $('#s-units-list');
	const top = (S.units && S.units.top) || [];
	wrap.hidden = top.length === 0;
	wrap.parentElement.classList.toggle('has-units', top.length > 0);
	list.textContent = '';
	for (const u of top.slice(0, 3)) {
		const li = document.createElement('li');
		const rank = document.createElement('span');
		rank.className = 'u-rank';
		rank.textContent = String(u.rank);
		const name = document.createElement('span');
		name.className = 'u-name';
		name.textContent = u.unit;
		const meta = document.createElement('span');
		meta.className = 'u-meta';
		meta.textContent = t('board.unit_row', { n: u.players, avg: num(u.average, 1) });
		li.append(rank, name, meta);
		list.append(li);
	}
}

/* The sound switch: off (muted), locked (waiting for a click) or on. */
function renderSound() {
	const btn = $('#s-sound');
	const st = sound.state;
	btn.dataset.state = st;
	btn.setAttribute('aria-pressed', String(st === 'on'));
	btn.querySelector('.label').textContent = t(`screen.sound_${st}`);
}

async function main() {
	await i18n.init();
	sound = new Sound();
	sound.onChange(renderSound);
	$('#s-sound').addEventListener('click', () => {
		if (sound.state === 'locked') sound.unlock();
		else sound.toggle();
	});
	renderSound();
	fullscreenButton($('#s-fullscreen'));
	keepAwake();
	idleAfter(IDLE_MS);
	countdown = new Countdown($('#s-clock'), { serverNow: () => (client ? client.serverNow() : Date.now()) }, {
		onTick: onCountdownTick,
		onZero: () => {
			timeIsUp();
			render();
		},
	});
	board = new Board($('#s-board'));
	window.addEventListener('resize', () => {
		if (!$('#s-question').hidden) fitStage();
		if (!$('#s-podium').hidden) fitPodium($('#podium'));
	});
	i18n.onChange(() => {
		renderUnits();
		renderSound();
		renderedQ = null;
		board.refresh();
		render();
		if (S.joinUrl) localWarning($('#s-warning'), S.joinUrl);
	});
	$('#setup-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const code = ev.target.code.value.trim().toUpperCase();
		if (!code) return;
		S.code = code;
		const u = new URL(location.href);
		u.searchParams.set('code', code);
		history.replaceState(null, '', u);
		start();
	});
	if (S.code) start();
	else render();
}

main();
