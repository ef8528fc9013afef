'use strict';
/*
 * The host console on a 1366x768 laptop with a presentation clicker: Space,
 * → and PageDown press the main (orange) button of the phase; ← and PageUp
 * do nothing; a second press within a second is ignored; the keys are
 * written on the page. `next` while a question is open and unrevealed asks
 * for a second click (and forgets after 4 s). The join card warns that
 * 127.0.0.1 is no address for phones, and disappears when the server has a
 * public URL. Who has not answered shows only when the server sends it (a
 * proposed `pending` push, injected here into the real connection). Every
 * text reaches 4.5:1. Screenshots: $SA_TEST_OUT/90-host/shots/.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { h, launch, open, server, text, waitText, watch } = require('./browser.js');
const { assertContrast, shot, unpreloaded } = require('./measure.js');

const LAPTOP = { width: 1366, height: 768 };

let srv, browser;
before(async () => {
	srv = await server();
	browser = await launch();
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

test('the host console with a clicker', async () => {
	const page = await browser.ctx.newPage();
	await page.setViewportSize(LAPTOP);
	await watch(page);
	/* the page's own connection to the real server, through which a test message can be slipped */
	let toPage = null;
	await page.routeWebSocket(/\/ws$/, (ws) => {
		ws.connectToServer();
		toPage = ws;
	});
	await page.goto(`${srv.url}/host.html?code=SAFE2026#token=${srv.organizerToken}`);
	await page.waitForSelector('[data-view=control]:not([hidden])');
	await waitText(page, '#phase', '等待开始');
	const { c: p1 } = await h.join(srv.wsUrl, '张伟', { unit: '一车间' });
	await waitText(page, '#st-players', '1');

	assert.deepEqual(await unpreloaded(page), [], 'every module is preloaded');
	/* join card: the localhost warning */
	await page.waitForSelector('#local-warning:not([hidden])');
	assert.match(await text(page, '#local-warning'), /^手机无法打开此地址：localhost:\d+ 只指向这台电脑。请用 --public-url/);
	assert.equal(await text(page, '.keys'), '翻页笔 / 键盘：空格、→、PageDown 执行橙色主按钮；←、PageUp 不执行任何操作');
	assert.equal(await page.isVisible('#pending-card'), false, 'no list of who has not answered without the server');
	await assertContrast(assert, page, 'host lobby');
	await shot(page, 'host-1-lobby');

	/* ← and PageUp do nothing; Space starts */
	await page.keyboard.press('ArrowLeft');
	await page.keyboard.press('PageUp');
	await waitText(page, '#toast', '←、PageUp 不执行任何操作');
	await page.waitForTimeout(300);
	assert.equal(await text(page, '#phase'), '等待开始');
	await page.keyboard.press('Space');
	await waitText(page, '#phase', '答题中');
	/* a double press of the clicker does not reveal at once */
	await page.keyboard.press('Space');
	await page.waitForTimeout(400);
	assert.equal(await text(page, '#phase'), '答题中', 'a second press within a second is ignored');
	await assertContrast(assert, page, 'host question');

	/* who has not answered: shown when the server sends it */
	const q1 = await p1.next('question');
	toPage.send(JSON.stringify({ type: 'pending', question_id: q1.id, count: 4, players: [
		{ participant_id: 101, name: '李四', unit: '二车间', online: false },
		{ participant_id: 102, name: '王五', unit: '二车间', online: true },
		{ participant_id: 103, name: '王五', unit: '三车间', online: true },
	] }));
	await page.waitForSelector('#pending-card:not([hidden])');
	assert.equal(await text(page, '#pending-n'), '4 人');
	assert.deepEqual(await page.$$eval('#pending-list li', (ls) => ls.map((l) => [l.querySelector('.name').textContent,
		(l.querySelector('.dup') || {}).textContent || '', (l.querySelector('.offline') || {}).textContent || ''])),
	[['李四', '', '离线'], ['王五', '（二车间）', ''], ['王五', '（三车间）', '']]);
	assert.equal(await text(page, '#pending-more'), '另有 1 人');
	await assertContrast(assert, page, 'host pending');
	await shot(page, 'host-2-question-pending');

	/* → reveals (after the guard); ← and PageUp still do nothing */
	await page.waitForTimeout(700);
	await page.keyboard.press('ArrowRight');
	await waitText(page, '#phase', '公布答案');
	assert.equal(await page.isVisible('#pending-card'), false, 'the list goes with the open question');
	await page.waitForTimeout(1100);
	await page.keyboard.press('ArrowLeft');
	await page.keyboard.press('PageUp');
	await page.waitForTimeout(300);
	assert.equal(await text(page, '#phase'), '公布答案');
	await assertContrast(assert, page, 'host reveal');
	await shot(page, 'host-3-reveal');
	await page.keyboard.press('PageDown');
	await waitText(page, '#progress', '第 2 / 10 题');
	await waitText(page, '#phase', '答题中');

	/* next on an open, unrevealed question asks first; the question does not change */
	await page.click('[data-cmd=next]');
	await waitText(page, '#btn-next', '未公布答案，再点一次直接下一题');
	assert.equal(await text(page, '#progress'), '第 2 / 10 题');
	await shot(page, 'host-4-next-confirm');
	await waitText(page, '#btn-next', '下一题', 6000); /* forgotten after 4 s */
	assert.equal(await text(page, '#progress'), '第 2 / 10 题');
	await page.click('[data-cmd=next]');
	await page.click('[data-cmd=next]');
	await waitText(page, '#progress', '第 3 / 10 题');
	/* after the reveal, next needs one click */
	await page.click('[data-cmd=reveal]');
	await waitText(page, '#phase', '公布答案');
	await page.click('[data-cmd=next]');
	await waitText(page, '#progress', '第 4 / 10 题');

	await p1.close();
	assert.deepEqual(page.errors, []);
	await page.close();
});

test('no localhost warning when the server has a public address', async () => {
	const pub = await h.startServer({ args: ['--public-url', 'http://192.168.10.20:8080'] });
	try {
		const page = await open(browser.ctx, `${pub.url}/host.html?code=SAFE2026#token=${pub.organizerToken}`, LAPTOP);
		await waitText(page, '#join-url', '192.168.10.20:8080/player.html?code=SAFE2026');
		assert.equal(await page.isVisible('#local-warning'), false);
		const screen = await open(browser.ctx, `${pub.url}/screen.html?code=SAFE2026`, { width: 1920, height: 1080 });
		await waitText(screen, '#s-url-big', '192.168.10.20:8080');
		assert.equal(await screen.isVisible('#s-warning'), false);
		assert.deepEqual(page.errors, []);
		assert.deepEqual(screen.errors, []);
		await page.close();
		await screen.close();
	} finally {
		await pub.stop();
	}
});
