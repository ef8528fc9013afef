'use strict';
/*
 * Reloading the player page resumes the same participant: no join form, the
 * same name, score and rank, the open question with the earlier answer
 * acknowledged, and the reveal still judged against that answer. The server
 * still counts one player.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { h, launch, open, server, fmt, demo, text, waitText, PHONE } = require('./browser.js');

let srv, browser;
before(async () => {
	srv = await server();
	browser = await launch();
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

test('a reload resumes the same participant with the same score', async () => {
	const contest = demo();
	const [q1, q2] = contest.questions;
	const page = await open(browser.ctx, `${srv.url}/player.html?code=SAFE2026`, PHONE);
	await page.fill('input[name=name]', '赵师傅');
	await page.fill('input[name=unit]', '三车间');
	await page.click('#join-form button[type=submit]');
	await page.waitForSelector('[data-view=lobby]:not([hidden])');
	const token = await page.evaluate(() => localStorage.getItem('sa.token.SAFE2026'));
	assert.ok(token && token.length > 2, 'token kept in localStorage per contest code');

	/* a reload in the lobby: straight back to the lobby */
	await page.reload();
	await page.waitForSelector('[data-view=lobby]:not([hidden])');
	assert.equal(await text(page, '#lobby-name'), '赵师傅');

	const host = await h.host(srv.wsUrl, srv.organizerToken);
	await h.hostCmd(host, 'start');
	await page.waitForSelector('[data-view=question]:not([hidden])');
	await page.click(`.choice[data-index="${q1.answer}"]`);
	await page.waitForSelector('#q-status[data-kind=acked]');
	const before = (await srv.get('/api/contests/SAFE2026/leaderboard')).json;
	assert.equal(before.players, 1);
	const pid = before.top[0].participant_id;
	assert.equal(before.top[0].score, 0, 'the boards show no new score before the reveal');
	assert.equal(await text(page, '#me-score'), '0', 'points come with the reveal');
	const statusBefore = await text(page, '#q-status');

	/* reload with the question still open */
	await page.reload();
	await page.waitForSelector('[data-view=question]:not([hidden])');
	assert.equal(await page.isVisible('[data-view=join]'), false);
	await page.waitForSelector('#q-status[data-kind=acked]');
	assert.equal(await text(page, '#q-status'), statusBefore);
	await waitText(page, '#me-name', '赵师傅');
	await waitText(page, '#me-score', '0'); /* the server's score in `joined`: as the boards show it */
	assert.equal(await text(page, '#me-rank'), '–', 'no rank before the first reveal');
	assert.equal(await page.$$eval('.choice', (bs) => bs.every((b) => b.disabled)), true, 'no second answer');
	assert.equal(await page.getAttribute(`.choice[data-index="${q1.answer}"]`, 'aria-pressed'), 'true', 'own answer still marked');

	await h.hostCmd(host, 'reveal');
	await page.waitForSelector('#q-result[data-result=correct]');
	await waitText(page, '#me-rank', '第 1 名');
	const score = (await srv.get('/api/contests/SAFE2026/leaderboard')).json.top[0].score;
	assert.ok(score > 0, 'scored, shown at the reveal');
	await waitText(page, '#me-score', fmt(score));

	/* the next question after another reload: still the same participant */
	await h.hostCmd(host, 'next');
	await page.waitForSelector(`#q-text:text("${q2.text['zh-CN']}")`);
	await page.reload();
	await waitText(page, '#q-text', q2.text['zh-CN']);
	await page.waitForSelector('.choice:not([disabled])');
	await waitText(page, '#me-score', fmt(score));

	const after = (await srv.get('/api/contests/SAFE2026/leaderboard')).json;
	assert.equal(after.players, 1, 'still one participant');
	assert.equal(after.top[0].participant_id, pid);
	assert.equal(after.top[0].score, score);
	assert.equal(await page.evaluate(() => localStorage.getItem('sa.token.SAFE2026')), token);
	await host.close();
	assert.deepEqual(page.errors, []);
});
