'use strict';
/*
 * A player joins and answers on the player page at phone size, and the big
 * screen shows that player on its leaderboard with the score the server
 * stored, from the reveal on (the boards show no new score while the question
 * is played); the reveal reaches both pages.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { h, launch, open, server, fmt, demo, text, waitText, PHONE, TV } = require('./browser.js');

let srv, browser;
before(async () => {
	srv = await server();
	browser = await launch();
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

test('player joins and answers on a phone; the screen ranks them', async () => {
	const contest = demo();
	const q1 = contest.questions[0];
	const screen = await open(browser.ctx, `${srv.url}/screen.html?code=SAFE2026`, TV);
	await waitText(screen, '[data-contest-title]', contest.title['zh-CN']);
	await screen.waitForSelector('#s-lobby:not([hidden])');
	await waitText(screen, '#s-players', '0');

	const player = await open(browser.ctx, `${srv.url}/player.html?code=SAFE2026`, PHONE);
	await player.waitForSelector('[data-view=join]:not([hidden])');
	assert.equal(await player.inputValue('input[name=code]'), 'SAFE2026', 'code prefilled from ?code=');
	await player.fill('input[name=name]', '王小明');
	await player.fill('input[name=employee_no]', 'E1001');
	await player.fill('input[name=unit]', '二车间');
	await player.click('#join-form button[type=submit]');
	await player.waitForSelector('[data-view=lobby]:not([hidden])');
	assert.equal(await text(player, '#lobby-name'), '王小明');
	assert.equal(await text(player, '#lobby-unit'), '二车间');
	await waitText(player, '[data-conn]', '已连接');

	/* the screen counts the player and lists them */
	await waitText(screen, '#s-players', '1');
	await screen.waitForSelector('#s-board .row .name:text("王小明")');

	const host = await h.host(srv.wsUrl, srv.organizerToken);
	await h.hostCmd(host, 'start');

	await player.waitForSelector('[data-view=question]:not([hidden])');
	assert.equal(await text(player, '#q-text'), q1.text['zh-CN']);
	assert.equal(await text(player, '#q-index'), '第 1 / 10 题');
	const secs = Number(await text(player, '#q-countdown'));
	assert.ok(secs >= 1 && secs <= contest.time_limit_s, `countdown ${secs} within 1..${contest.time_limit_s}`);
	const buttons = await player.$$('.choice');
	assert.equal(buttons.length, q1.options.length);
	for (const b of buttons) {
		const box = await b.boundingBox();
		assert.ok(box.height >= 48 && box.width >= 300, `touch target ${box.width}x${box.height}`);
	}
	const scrollWidth = await player.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(scrollWidth <= PHONE.width, `no sideways scrolling on a phone (scrollWidth ${scrollWidth})`);

	/* the screen shows the question and a running countdown */
	await screen.waitForSelector('#s-question:not([hidden])');
	await waitText(screen, '#s-qbody .q-text', q1.text['zh-CN']);
	await waitText(screen, '#s-clock', /^\d+$/);

	/* before the reveal the phone says "submitted", nothing that tells neighbours the key, and no rank */
	await player.click(`.choice[data-index="${q1.answer}"]`);
	await player.waitForSelector('#q-status[data-kind=acked]');
	assert.equal(await text(player, '#q-status'), '✓ 已提交，等待公布答案');
	assert.equal(await text(player, '#me-score'), '0');
	assert.equal(await text(player, '#me-rank'), '–');

	/* the boards keep the new score hidden until the reveal */
	const hidden = (await srv.get('/api/contests/SAFE2026/leaderboard')).json;
	assert.equal(hidden.players, 1);
	assert.deepEqual(hidden.top.map((e) => [e.name, e.unit, e.score]), [['王小明', '二车间', 0]], 'no new score before the reveal');
	await waitText(screen, '#s-answered', '已答 1 / 1');

	/* reveal: correct answer highlighted on both, distribution on the screen, the score on the board */
	await h.hostCmd(host, 'reveal');
	await player.waitForSelector('#q-result[data-result=correct]');
	const lb = (await srv.get('/api/contests/SAFE2026/leaderboard')).json;
	const score = lb.top[0].score;
	assert.ok(score > 0, `score ${score} > 0 for a correct answer, at the reveal`);
	await waitText(player, '#q-result .res-points', /^\+[1-9][\d,.]* 分$/); /* the leaderboard's me.points, at the reveal */
	const row = '#s-board .row[data-rank="1"]';
	await waitText(screen, `${row} .name`, '王小明');
	await waitText(screen, `${row} .unit`, '二车间');
	await waitText(screen, `${row} .score`, fmt(score));
	await waitText(player, '#me-score', fmt(score));
	await waitText(player, '#me-rank', '第 1 名');
	assert.equal(await player.getAttribute(`.choice[data-index="${q1.answer}"]`, 'data-correct'), 'true');
	assert.equal(await text(player, '#q-explanation-text'), q1.explanation['zh-CN']);
	await screen.waitForSelector('#s-reveal:not([hidden])');
	const counts = await screen.$$eval('#s-dist .dist li .count', (els) => els.map((e) => e.textContent));
	const want = q1.options.map((_, i) => (i === q1.answer ? '1' : '0'));
	assert.deepEqual(counts, want);
	assert.equal(await screen.getAttribute(`#s-dist .dist li:nth-child(${q1.answer + 1})`, 'data-correct'), 'true');

	/* the end: podium on the screen, final rank on the phone */
	await h.hostCmd(host, 'end');
	await player.waitForSelector('[data-view=finished]:not([hidden])');
	assert.equal(await text(player, '#final-rank'), '第 1 名');
	await screen.waitForSelector('#s-podium:not([hidden])');
	await waitText(screen, '.step.place-1 .p-name .name', '王小明');
	await waitText(screen, '.step.place-1 .p-score', fmt(score));

	await host.close();
	assert.deepEqual(player.errors, []);
	assert.deepEqual(screen.errors, []);
});
