/*
 * screen.js - the big screen (screen.html) for a 1080p TV in a hall or
 * canteen, read from 10 m: `watch`es a contest and shows the join QR and
 * player count in the lobby, each question with a big countdown and the
 * number of answers, the reveal with distribution bars, a top 10 that slides
 * when ranks change, and a podium at the end. It needs no interaction (the
 * contest code comes from ?code=) and reconnects by itself.
 */

import * as i18n from './i18n.js';
import { t, pick, num } from './i18n.js';
import { Client, newRid, TRANSIENT } from './proto.js';
import { $, h, showView, toast, errorText, bindConnIndicator, codeFromUrl } from './dom.js';
import { Countdown } from './countdown.js';
import { renderQuestion, renderDistribution, renderResults, renderAnswer, choiceIndexes, isChoice, typeLabel } from './question.js';
import { Board } from './board.js';
import { contestInfo, qrUrl } from './join-url.js';

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
};

let client = null;
let countdown = null;
let board = null;
let renderedQ = null; /* the question id + reveal state last drawn, to redraw only on change */

function hello() {
	return { type: 'watch', rid: newRid('w'), code: S.code, lang: i18n.currentLang() };
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
	renderCounts();
	if (p === 'question' || p === 'reveal') renderQuestionStage();
	else countdown.stop();
	if (p === 'finished') renderPodium();
	renderBoard();
}

function renderCounts() {
	const players = S.stats ? S.stats.players : S.lb ? S.lb.players : 0;
	$('#s-players').textContent = num(players ?? 0);
	const answered = S.stats ? S.stats.answered : 0;
	$('#s-answered').textContent = phase() === 'question' ? t('screen.answered', { n: num(answered ?? 0), total: num(players ?? 0) }) : '';
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
	if (st.phase === 'question' && st.open !== false) countdown.set(st.deadline ?? S.q.deadline, S.q.time_limit_ms);
	else countdown.stop();
	$('#s-clock').hidden = !(st.phase === 'question' && st.open !== false);
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
	$('#s-results').replaceChildren(renderResults(r));
	const dist = renderDistribution(S.q, r);
	$('#s-dist').replaceChildren(dist || '');
	/* choice questions show the answer on the bars; the others in words */
	$('#s-answer-wrap').hidden = !!dist;
	if (!dist) $('#s-answer').replaceChildren(renderAnswer(S.q, r.answer));
	$('#s-expl').textContent = pick(r.explanation);
}

function renderBoard() {
	const top = S.lb && Array.isArray(S.lb.top) ? S.lb.top : [];
	const finished = phase() === 'finished';
	board.update(finished ? top.slice(3) : top);
	$('#s-board-empty').hidden = top.length > 0;
	$('[data-view=live]').classList.toggle('solo', finished && top.length <= 3);
}

function renderPodium() {
	const top = S.lb && Array.isArray(S.lb.top) ? S.lb.top : [];
	const places = [1, 0, 2]; /* second, first, third from left to right */
	$('#podium').replaceChildren(...places.map((i) => {
		const e = top[i];
		if (!e) return h('div', { class: `step step-${i + 1} empty` });
		return h('div', { class: `step step-${i + 1}` },
			h('div', { class: 'p-name', text: e.name ?? '' }),
			h('div', { class: 'p-unit', text: e.unit ?? '' }),
			h('div', { class: 'p-score', text: num(e.score) }),
			h('div', { class: 'p-block' }, h('span', { class: 'p-rank', text: String(e.rank ?? i + 1) })));
	}));
}

async function setupJoin() {
	const { joinUrl } = await contestInfo(S.code);
	S.joinUrl = joinUrl;
	const short = joinUrl.replace(/^https?:\/\//, '');
	$('#s-url-big').textContent = short;
	$('#s-url-small').textContent = short;
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
			if (!S.q || S.q.id !== m.id) S.reveal = null;
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
			renderBoard();
			if (phase() === 'finished') renderPodium();
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
		meta.textContent = i18n.t('board.unit_row', { n: u.players, avg: Math.round(u.average * 10) / 10 });
		li.append(rank, name, meta);
		list.append(li);
	}
}

async function main() {
	await i18n.init();
	countdown = new Countdown($('#s-clock'), { serverNow: () => (client ? client.serverNow() : Date.now()) });
	board = new Board($('#s-board'));
	window.addEventListener('resize', () => { if (!$('#s-question').hidden) fitStage(); });
	i18n.onChange(() => {
		renderUnits();
		renderedQ = null;
		board.refresh();
		render();
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
