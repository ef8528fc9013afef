'use strict';
/*
 * The big screen's top 10 moves when ranks change: the row of a player who
 * overtakes others keeps its element and slides to its new place (a CSS
 * transition on transform), it is not redrawn. Meanwhile the phone answers a
 * true/false and a multiple-choice question (toggles, then submit). Players
 * without points have no rank on the screen ("–", not "2 并列").
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { h, launch, open, server, demo, text, waitText, PHONE, TV } = require('./browser.js');
const { assertContrast, fontPx, shot } = require('./measure.js');

let srv, browser;
before(async () => {
	srv = await server();
	browser = await launch();
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

const rowOf = (pid) => `#s-board .row[data-pid="${pid}"]`;

test('an overtaking player slides up the screen leaderboard', async () => {
	const qs = demo().questions;
	const screen = await open(browser.ctx, `${srv.url}/screen.html?code=SAFE2026`, TV);
	await screen.waitForSelector('#s-lobby:not([hidden])');
	const { c: a, joined: ja } = await h.join(srv.wsUrl, '甲', { unit: '一车间' });
	const { c: b } = await h.join(srv.wsUrl, '乙', { unit: '二车间' });
	const phone = await open(browser.ctx, `${srv.url}/player.html?code=SAFE2026`, PHONE);
	await phone.fill('input[name=name]', '丙');
	await phone.click('#join-form button[type=submit]');
	await phone.waitForSelector('[data-view=lobby]:not([hidden])');
	await waitText(screen, '#s-players', '3');
	const pidC = (await srv.get('/api/contests/SAFE2026/leaderboard')).json.top.find((e) => e.name === '丙').participant_id;

	const host = await h.host(srv.wsUrl, srv.organizerToken);
	const open_ = async (i) => {
		await waitText(phone, '#q-text', qs[i].text['zh-CN']);
		await phone.waitForSelector('#q-input .answer:not(.locked)');
	};

	/* q1: only 甲 scores; 丙 answers wrong on the phone */
	await h.hostCmd(host, 'start');
	await open_(0);
	assert.equal((await a.request({ type: 'answer', question_id: qs[0].id, response: qs[0].answer })).type, 'ack');
	await phone.click(`.choice[data-index="${(qs[0].answer + 1) % qs[0].options.length}"]`);
	await phone.waitForSelector('#q-status[data-kind=acked]');
	await h.hostCmd(host, 'reveal');
	await phone.waitForSelector('#q-result[data-result=wrong]');
	await waitText(screen, `${rowOf(ja.participant_id)} .rank`, '1');
	/* 乙 and 丙 have no points: no rank, and no 并列 among zeros */
	await waitText(screen, `${rowOf(pidC)} .rank`, '–');
	assert.equal(await screen.getAttribute(rowOf(pidC), 'data-tied'), null);
	/* mark 丙's row element to prove later that it is the same element */
	await screen.$eval(rowOf(pidC), (el) => { el.dataset.mark = 'kept'; });
	assert.equal(await screen.$eval(rowOf(pidC), (el) => getComputedStyle(el).getPropertyValue('--pos').trim()), '2');

	/* q2 (single choice) and q3 (true/false): 丙 right */
	for (const i of [1, 2]) {
		await h.hostCmd(host, 'next');
		await open_(i);
		const idx = qs[i].type === 'true_false' ? (qs[i].answer ? 0 : 1) : qs[i].answer;
		if (qs[i].type === 'true_false') assert.equal(await text(phone, `.choice[data-index="${idx}"] .label`), qs[i].answer ? '正确' : '错误');
		await phone.click(`.choice[data-index="${idx}"]`);
		await phone.waitForSelector('#q-status[data-kind=acked]');
		await h.hostCmd(host, 'reveal');
		await phone.waitForSelector('#q-result[data-result=correct]');
	}

	/* q4 nobody; q5 (multiple choice): toggles, then submit */
	await h.hostCmd(host, 'next');
	await h.hostCmd(host, 'next');
	await open_(4);
	assert.equal(qs[4].type, 'multiple_choice');
	assert.equal(await phone.isDisabled('.answer .submit'), true, 'submit waits for a choice');
	for (const i of qs[4].answer) await phone.click(`.choice[data-index="${i}"]`);
	const wrong = qs[4].options.findIndex((_, i) => !qs[4].answer.includes(i));
	await phone.click(`.choice[data-index="${wrong}"]`);
	await phone.click(`.choice[data-index="${wrong}"]`); /* toggled off again */
	assert.equal(await phone.getAttribute(`.choice[data-index="${wrong}"]`, 'aria-pressed'), 'false');
	await phone.click('.answer .submit');
	await phone.waitForSelector('#q-status[data-kind=acked]');
	await h.hostCmd(host, 'reveal');
	await phone.waitForSelector('#q-result[data-result=correct]');

	/* 丙 is first now: the same row element moved to the top */
	await waitText(screen, `${rowOf(pidC)} .rank`, '1');
	assert.equal(await screen.$eval(rowOf(pidC), (el) => el.dataset.mark), 'kept', 'the row was moved, not redrawn');
	assert.equal(await screen.$eval(rowOf(pidC), (el) => getComputedStyle(el).getPropertyValue('--pos').trim()), '0');
	const transition = await screen.$eval(rowOf(pidC), (el) => getComputedStyle(el).transitionProperty);
	assert.match(transition, /transform/);
	await waitText(phone, '#me-rank', '第 1 名');
	const api = (await srv.get('/api/contests/SAFE2026/leaderboard')).json.top;
	assert.deepEqual(api.map((e) => e.name).slice(0, 1), ['丙']);
	const shown = await screen.$$eval('#s-board .row', (rows) => rows
		.sort((x, y) => x.style.getPropertyValue('--pos') - y.style.getPropertyValue('--pos'))
		.map((r) => r.querySelector('.name').textContent));
	assert.deepEqual(shown, api.map((e) => e.name));
	/* the demo has a units board: the top 10 is one line a row, names still 36 px or more */
	await screen.waitForSelector('#s-units:not([hidden])');
	const px = await fontPx(screen, rowOf(pidC) + ' .name');
	assert.ok(px >= 36, `board names at ${px} px beside the units board`);
	await assertContrast(assert, screen, 'screen with units board');
	await shot(screen, 'screen-units');

	await a.close();
	await b.close();
	await host.close();
	assert.deepEqual(phone.errors, []);
	assert.deepEqual(screen.errors, []);
});
