'use strict';
/*
 * The host page drives a contest: its buttons follow the phase (start in the
 * lobby, reveal while a question is open, next after it, end with a second
 * click), and it shows the question, live counts, the distribution at the
 * reveal, the top 10 and the join QR. A wrong organizer token is refused.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { h, launch, open, server, demo, text, waitText, LAPTOP } = require('./browser.js');

let srv, browser;
before(async () => {
	srv = await server();
	browser = await launch();
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

async function enabled(page) {
	return page.$$eval('[data-cmd]', (bs) => Object.fromEntries(bs.map((b) => [b.dataset.cmd, !b.disabled])));
}

test('a wrong organizer token gets the sign-in form with the reason', async () => {
	const page = await open(browser.ctx, `${srv.url}/host.html?code=SAFE2026#token=wrong-token`, LAPTOP);
	await page.waitForSelector('[data-view=auth]:not([hidden])');
	assert.equal(await text(page, '#auth-error'), '没有权限（主持人令牌不正确？）');
	assert.equal(await page.inputValue('#auth-form input[name=code]'), 'SAFE2026');
	await page.close();
});

test('the host page starts, reveals, moves on and ends the contest', async () => {
	const contest = demo();
	const [q1, q2] = contest.questions;
	/* signing in through the form puts the token into the fragment */
	const page = await open(browser.ctx, `${srv.url}/host.html`, LAPTOP);
	await page.waitForSelector('[data-view=auth]:not([hidden])');
	await page.fill('#auth-form input[name=code]', 'safe2026');
	await page.fill('#auth-form input[name=token]', srv.organizerToken);
	await page.click('#auth-form button[type=submit]');
	await page.waitForSelector('[data-view=control]:not([hidden])');
	const url = new URL(page.url());
	assert.equal(url.searchParams.get('code'), 'SAFE2026');
	assert.equal(url.hash, `#token=${srv.organizerToken}`);
	await waitText(page, '[data-contest-title]', contest.title['zh-CN']);
	await waitText(page, '#phase', '等待开始');
	assert.deepEqual(await enabled(page), { start: true, reveal: false, next: false, end: true });

	/* join URL and QR code */
	assert.match(await text(page, '#join-url'), /\/player\.html\?code=SAFE2026$/);
	await page.waitForFunction(() => {
		const img = document.querySelector('#qr');
		return img.complete && img.naturalWidth > 0 && !img.hidden;
	});

	const { c: player } = await h.join(srv.wsUrl, '李工', { unit: '机修班' });
	await waitText(page, '#st-players', '1');
	await waitText(page, '#st-online', '1');

	await page.click('[data-cmd=start]');
	await waitText(page, '#phase', '答题中');
	await waitText(page, '#progress', '第 1 / 10 题');
	assert.deepEqual(await enabled(page), { start: false, reveal: true, next: true, end: true });
	await waitText(page, '#question .q-text', q1.text['zh-CN']);
	await waitText(page, '#countdown', /^\d+$/);
	const q = await player.next('question');
	assert.equal(q.id, q1.id);

	const ack = await player.request({ type: 'answer', question_id: q1.id, response: q1.answer });
	assert.equal(ack.type, 'ack');
	await waitText(page, '#st-answered', '1');

	await page.click('[data-cmd=reveal]');
	await waitText(page, '#phase', '公布答案');
	assert.deepEqual(await enabled(page), { start: false, reveal: false, next: true, end: true });
	await page.waitForSelector('#reveal-card:not([hidden])');
	const counts = await page.$$eval('#reveal-dist .dist li .count', (els) => els.map((e) => e.textContent));
	assert.deepEqual(counts, q1.options.map((_, i) => (i === q1.answer ? '1' : '0')));
	await waitText(page, '#reveal-results .res-correct', '答对 1');
	await waitText(page, '#reveal-expl', q1.explanation['zh-CN']);
	await waitText(page, '#board .row[data-rank="1"] .name', '李工');
	await waitText(page, '#board .row[data-rank="1"] .unit', '机修班');

	await page.click('[data-cmd=next]');
	await waitText(page, '#progress', '第 2 / 10 题');
	await waitText(page, '#question .q-text', q2.text['zh-CN']);
	await waitText(page, '#st-answered', '0');

	/* end needs a second click */
	await page.click('[data-cmd=end]');
	await waitText(page, '#btn-end', '确认结束？再点一次');
	await waitText(page, '#phase', '答题中');
	await page.click('[data-cmd=end]');
	await waitText(page, '#phase', '已结束');
	assert.deepEqual(await enabled(page), { start: false, reveal: false, next: false, end: false });
	await player.waitFor((m) => m.type === 'state' && m.phase === 'finished');

	await player.close();
	assert.deepEqual(page.errors, []);
});
