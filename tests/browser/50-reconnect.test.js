'use strict';
/*
 * Weak Wi-Fi: when the server goes away the player page says it is
 * reconnecting, keeps an answer given meanwhile, reconnects by itself,
 * resumes and sends the answer again; the server scores it once.
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

test('an answer given while the server is down is delivered after the reconnect', { skip: !!process.env.SA_URL && 'needs a server it can restart' }, async () => {
	const [q1] = demo().questions;
	const page = await open(browser.ctx, `${srv.url}/player.html?code=SAFE2026`, PHONE);
	await page.fill('input[name=name]', '钱班长');
	await page.click('#join-form button[type=submit]');
	await page.waitForSelector('[data-view=lobby]:not([hidden])');
	const host = await h.host(srv.wsUrl, srv.organizerToken);
	await h.hostCmd(host, 'start');
	await page.waitForSelector('.choice:not([disabled])');

	srv.kill9(0);
	await waitText(page, '[data-conn]', '已断开，正在重连…');
	await page.click(`.choice[data-index="${q1.answer}"]`);
	await page.waitForSelector('#q-status[data-kind=sending]');
	assert.equal(await text(page, '#q-status'), '网络不稳定，恢复后自动重发…');
	const pending = await page.evaluate(() => JSON.parse(localStorage.getItem('sa.answer.SAFE2026')));
	assert.equal(pending.qid, q1.id);
	assert.equal(pending.acked, false);

	await srv.start(0);
	await waitText(page, '[data-conn]', '已连接', 20000);
	await page.waitForSelector('#q-status[data-kind=acked]', { timeout: 15000 });
	const host2 = await h.host(srv.wsUrl, srv.organizerToken);
	await h.hostCmd(host2, 'reveal');
	await page.waitForSelector('#q-result[data-result=correct]');
	const lb = (await srv.get('/api/contests/SAFE2026/leaderboard')).json;
	assert.equal(lb.players, 1);
	assert.ok(lb.top[0].score > 0, 'the answer was scored (shown from the reveal on)');
	await waitText(page, '#me-score', fmt(lb.top[0].score));
	await host2.close();
	const rows = await srv.sql("SELECT count(*)::int AS n FROM answers");
	assert.equal(rows[0].n, 1, 'stored once');
	await host.close().catch(() => {});
	assert.deepEqual(page.errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e)), []);
});
