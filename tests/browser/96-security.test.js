'use strict';
/*
 * 96 the security headers as a browser applies them (docs/api.md, docs/web.md): the
 * CSP blocks inline script and style on our pages, and the test pages' watch reports
 * it (so a violation fails every browser test); no site may frame our pages, except
 * the screen page for --screen-frame-ancestors; a page of a foreign origin cannot open
 * our WebSocket unless --allowed-origins names it.
 *
 * The foreign site is a small HTTP server of the test on another port of 127.0.0.1: a
 * different origin, on this machine (Chromium keeps public pages from reaching local
 * addresses at all, which would prove nothing about our checks).
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { h, launch, open, LAPTOP } = require('./browser.js');

let browser, portal, FOREIGN;
before(async () => {
	browser = await launch();
	/* the portal: /portal.html?u=URL&p=PATH&p=PATH frames each path of the server at URL */
	portal = http.createServer((req, res) => {
		const q = new URL(req.url, 'http://x').searchParams;
		const frames = q.getAll('p').map((p) => `<iframe src="${q.get('u')}${p}" width="400" height="300"></iframe>`);
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
		res.end(`<!doctype html><title>intranet</title>${frames.join('')}`);
	});
	await new Promise((resolve) => portal.listen(0, '127.0.0.1', resolve));
	FOREIGN = `http://127.0.0.1:${portal.address().port}`;
});
after(async () => {
	if (browser) await browser.close();
	if (portal) portal.close();
});

/* A page of the foreign site framing each of paths of the server at url. */
async function foreign(url, paths) {
	const page = await browser.ctx.newPage();
	const q = new URLSearchParams([['u', url], ...paths.map((p) => ['p', p])]);
	await page.goto(`${FOREIGN}/portal.html?${q}`);
	await page.waitForLoadState('load');
	return page;
}

/* Whether the frame showing url loaded our page (a CSP-blocked frame holds Chromium's error page). */
async function framed(page, url) {
	for (let i = 0; i < 50; i++) {
		const f = page.frames().find((x) => x.url().startsWith(url));
		if (f) return (await f.evaluate(() => document.querySelector('script[src]') !== null).catch(() => false));
		if (page.frames().some((x) => x.url().startsWith('chrome-error:'))) return false;
		await h.sleep(100);
	}
	return false;
}

/* From a foreign page: does a WebSocket to the server open? */
async function foreignSocket(page, wsUrl) {
	return page.evaluate((u) => new Promise((resolve) => {
		const ws = new WebSocket(u, 'skillarena.v1');
		ws.onopen = () => { ws.close(); resolve('open'); };
		ws.onerror = () => resolve('refused');
	}), wsUrl);
}

test('the CSP blocks inline script and style, and the watch reports it', async () => {
	const srv = await h.startServer();
	try {
		const page = await open(browser.ctx, `${srv.url}/player.html?code=SAFE2026`);
		await page.waitForSelector('#join-name, form', { state: 'attached' });
		assert.deepEqual(page.errors, [], 'the page itself is clean');
		await page.evaluate(() => {
			const s = document.createElement('script');
			s.textContent = 'window.__inline = 1';
			document.head.append(s);
			document.body.setAttribute('style', 'background: red');
		});
		await page.waitForFunction(() => true);
		for (let i = 0; i < 30 && page.errors.filter((e) => /CSP violation/.test(e)).length < 2; i++) await h.sleep(100);
		assert.equal(await page.evaluate(() => window.__inline), undefined, 'the inline script did not run');
		assert.ok(page.errors.some((e) => /CSP violation: script-src/.test(e)), page.errors.join('\n'));
		assert.ok(page.errors.some((e) => /CSP violation: style-src/.test(e)), page.errors.join('\n'));
		await page.close();
	} finally {
		await srv.stop();
	}
});

test('by default no site frames our pages, and a foreign page cannot open the WebSocket', async () => {
	const srv = await h.startServer();
	try {
		const page = await foreign(srv.url, ['/screen.html?code=SAFE2026', '/player.html']);
		assert.equal(await framed(page, `${srv.url}/screen.html`), false, 'screen framed');
		assert.equal(await framed(page, `${srv.url}/player.html`), false, 'player framed');
		assert.equal(await foreignSocket(page, srv.wsUrl), 'refused');
		assert.ok(srv.log(0).includes(`WebSocket refused: a page from origin '${FOREIGN}'`), srv.log(0));
		await page.close();
		/* our own page connects */
		const own = await open(browser.ctx, `${srv.url}/screen.html?code=SAFE2026`, LAPTOP);
		await own.waitForSelector('#s-lobby:not([hidden])');
		assert.deepEqual(own.errors, []);
		await own.close();
	} finally {
		await srv.stop();
	}
});

test('--screen-frame-ancestors and --allowed-origins open the screen to the intranet portal', async () => {
	const srv = await h.startServer({ args: ['--screen-frame-ancestors', FOREIGN, '--allowed-origins', FOREIGN] });
	try {
		const page = await foreign(srv.url, ['/screen.html?code=SAFE2026', '/player.html']);
		assert.equal(await framed(page, `${srv.url}/screen.html`), true, 'the screen page is framed');
		assert.equal(await framed(page, `${srv.url}/player.html`), false, 'the player page is not');
		assert.equal(await foreignSocket(page, srv.wsUrl), 'open');
		await page.close();
	} finally {
		await srv.stop();
	}
});
