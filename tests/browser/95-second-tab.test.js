'use strict';
/*
 * One connection per participant, in the browser: the same player opens the
 * page in a second tab (same browser, same localStorage: it resumes). The
 * first tab is closed by the server with 4001; it shows a clear message, does
 * not reconnect by itself and does not take the participant back, until the
 * player taps "continue here" (then the other tab shows the message). And a
 * join form left open longer than the idle timeout (closed 4008) still joins.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { h, launch, open, server, text, waitText, PHONE } = require('./browser.js');

let srv, browser;
before(async () => {
	srv = await server();
	browser = await launch();
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

/* Counts the WebSockets a page opens from now on. */
function countSockets(page) {
	const n = { opened: 0 };
	page.on('websocket', () => { n.opened += 1; });
	return n;
}

test('a second tab takes the participant over; the first says so and stays quiet', async () => {
	const first = await open(browser.ctx, `${srv.url}/player.html?code=SAFE2026`, PHONE);
	await first.fill('input[name=name]', '吴师傅');
	await first.fill('input[name=employee_no]', 'B-95');
	await first.click('#join-form button[type=submit]');
	await first.waitForSelector('[data-view=lobby]:not([hidden])');
	const device = await first.evaluate(() => JSON.parse(localStorage.getItem('sa.device')));
	assert.match(device, /^[0-9a-f]{32}$/, 'a device key is kept');
	const firstSockets = countSockets(first);

	const second = await open(browser.ctx, `${srv.url}/player.html?code=SAFE2026`, PHONE);
	await second.waitForSelector('[data-view=lobby]:not([hidden])');
	assert.equal(await text(second, '#lobby-name'), '吴师傅', 'the second tab resumed the participant');

	await first.waitForSelector('[data-view=replaced]:not([hidden])');
	assert.equal(await text(first, '[data-view=replaced] h1'), '已在别处继续答题');
	assert.match(await text(first, '[data-view=replaced]'), /另一个页面或另一部手机/);
	await waitText(first, '[data-conn]', '未连接');

	/* a while later (and after the tab comes back to the front): nobody took anything back */
	await first.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
	await first.evaluate(() => window.dispatchEvent(new Event('online')));
	await h.sleep(4000);
	assert.equal(firstSockets.opened, 0, 'the replaced tab opened no new connection');
	assert.equal(await second.isVisible('[data-view=lobby]'), true);
	assert.equal(await second.isVisible('[data-view=replaced]'), false);
	await waitText(second, '[data-conn]', '已连接');

	/* the host starts: only the second tab gets the question */
	const host = await h.host(srv.wsUrl, srv.organizerToken);
	await h.hostCmd(host, 'start');
	await second.waitForSelector('[data-view=question]:not([hidden])');
	assert.equal(await first.isVisible('[data-view=replaced]'), true);

	/* the player chooses the first tab again: now the second says so */
	await first.click('#replaced-continue');
	await first.waitForSelector('[data-view=question]:not([hidden])');
	await second.waitForSelector('[data-view=replaced]:not([hidden])');
	const lb = (await srv.get('/api/contests/SAFE2026')).json;
	assert.equal(lb.players, 1, 'one participant throughout');
	assert.deepEqual(first.errors, []);
	assert.deepEqual(second.errors, []);
	await host.close();
	await first.close();
	await second.close();
});

test('English: the replaced page speaks English', async () => {
	const en = await launch();
	try {
		const a = await open(en.ctx, `${srv.url}/player.html?code=SAFE2026&lang=en`, PHONE);
		await a.fill('input[name=name]', 'Wu');
		await a.click('#join-form button[type=submit]');
		await a.waitForSelector('#me-bar:not([hidden])'); // joined (the contest is running by now)
		await open(en.ctx, `${srv.url}/player.html?code=SAFE2026&lang=en`, PHONE);
		await a.waitForSelector('[data-view=replaced]:not([hidden])');
		assert.equal(await text(a, '#replaced-continue'), 'Continue on this page');
	} finally {
		await en.close();
	}
});

test('a join form left open past the idle timeout (closed 4008) still joins', { skip: !!process.env.SA_URL && 'needs its own server' }, async () => {
	const idle = await h.startServer({ args: ['--ws-idle-s', '1'] });
	const b = await launch();
	try {
		const page = await open(b.ctx, `${idle.url}/player.html?code=SAFE2026`, PHONE);
		await waitText(page, '[data-conn]', '未连接', 10000); // closed as idle, not reconnecting
		const sockets = countSockets(page);
		await h.sleep(2500);
		assert.equal(sockets.opened, 0, 'no reconnect loop while idle');
		await page.fill('input[name=name]', '郑师傅');
		await page.click('#join-form button[type=submit]');
		await page.waitForSelector('[data-view=lobby]:not([hidden])');
		assert.equal(sockets.opened, 1);
		assert.deepEqual(page.errors, []);
	} finally {
		await b.close();
		await idle.stop();
	}
});
