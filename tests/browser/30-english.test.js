'use strict';
/*
 * Languages: the pages are Chinese by default; the switch turns them English
 * in place (the connection indicator too) and is remembered; ?lang=en works
 * on any page; contest text follows the language. The two string files have
 * the same keys, and an English page shows no Chinese UI text. English
 * counts are plural ("1 player", "3 players"), and every board of every page
 * writes scores alike: one Intl format, the same decimals on each row, the
 * podium and the player's own score (partial credit gives 666.667).
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { h, launch, open, server, demo, text, waitText, PHONE, TV } = require('./browser.js');
const { shot } = require('./measure.js');

const CJK = /[\u3400-\u9fff\uff00-\uffef]/;

let srv, browser;
before(async () => {
	srv = await server();
	browser = await launch();
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

test('zh-CN.json and en.json define the same keys, every value a non-empty string', () => {
	const dir = path.join(h.ROOT, 'web', 'i18n');
	const zh = JSON.parse(fs.readFileSync(path.join(dir, 'zh-CN.json'), 'utf8'));
	const en = JSON.parse(fs.readFileSync(path.join(dir, 'en.json'), 'utf8'));
	assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
	for (const [k, v] of [...Object.entries(zh), ...Object.entries(en)]) assert.ok(typeof v === 'string' && v.length > 0, k);
	for (const [k, v] of Object.entries(en)) if (k !== 'lang.switch') assert.doesNotMatch(v, CJK, `en ${k}`);
});

test('the switch turns the player page English, and it stays English', async () => {
	const contest = demo();
	const page = await open(browser.ctx, `${srv.url}/player.html?code=SAFE2026`, PHONE);
	await waitText(page, '[data-view=join] h1', '报名参赛');
	assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
	await waitText(page, '[data-conn]', '已连接');
	await page.click('[data-lang-switch]');
	await waitText(page, '[data-view=join] h1', 'Join the contest');
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	await waitText(page, '[data-conn]', 'Connected', 2000);
	assert.equal(await text(page, '#join-form button[type=submit]'), 'Join');
	assert.equal(await page.getAttribute('input[name=name]', 'placeholder'), 'Your name');
	assert.equal(await text(page, '[data-lang-switch]'), '中文');

	await page.reload();
	await waitText(page, '[data-view=join] h1', 'Join the contest');
	const visible = await page.evaluate(() => document.body.innerText);
	assert.doesNotMatch(visible.replace('中文', ''), CJK, 'no Chinese UI text on the English page');

	/* contest text in English too, and errors by code */
	await page.fill('input[name=name]', 'Alex');
	await page.fill('input[name=employee_no]', 'bad no!');
	await page.click('#join-form button[type=submit]');
	await waitText(page, '#join-error', 'The employee number may only contain letters, digits, - and _');
	await page.fill('input[name=employee_no]', 'E42');
	await page.fill('input[name=code]', 'NOPE99');
	await page.click('#join-form button[type=submit]');
	await waitText(page, '#join-error', 'No contest has this code: please check it');
	await page.fill('input[name=code]', 'SAFE2026');
	await page.click('#join-form button[type=submit]');
	await page.waitForSelector('[data-view=lobby]:not([hidden])');
	await waitText(page, '.wait .lead', 'Waiting for the host to start');
	await waitText(page, '[data-contest-title]', contest.title.en);
	const host = await h.host(srv.wsUrl, srv.organizerToken);
	await h.hostCmd(host, 'start');
	await waitText(page, '#q-text', contest.questions[0].text.en);
	await waitText(page, '#q-index', 'Question 1 / 10');
	await waitText(page, '.choice[data-index="0"] .label', contest.questions[0].options[0].en);

	/* and back to Chinese in place, mid-question */
	await page.click('[data-lang-switch]');
	await waitText(page, '#q-text', contest.questions[0].text['zh-CN']);
	await waitText(page, '#q-index', '第 1 / 10 题');
	await host.close();
	assert.deepEqual(page.errors, []);
	await page.close();
});

test('?lang=en on the big screen', async () => {
	const contest = demo();
	const page = await open(browser.ctx, `${srv.url}/screen.html?code=SAFE2026&lang=en`, TV);
	await waitText(page, '[data-contest-title]', contest.title.en);
	await waitText(page, '.s-side-head', 'Leaderboard');
	await waitText(page, '[data-conn]', 'Connected');
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	assert.deepEqual(page.errors, []);
	await page.close();
});

test('English plurals, and one number format on every board', async () => {
	const dec = await h.startServer({ contests: [path.join(__dirname, 'data', 'decimals.json')] });
	try {
		const screen = await open(browser.ctx, `${dec.url}/screen.html?code=DEC2026&lang=en`, TV);
		const hostPage = await open(browser.ctx, `${dec.url}/host.html?code=DEC2026&lang=en#token=${dec.organizerToken}`, { width: 1366, height: 768 });
		const phone = await open(browser.ctx, `${dec.url}/player.html?code=DEC2026&lang=en`, PHONE);
		await phone.fill('input[name=name]', 'Alex');
		await phone.click('#join-form button[type=submit]');
		await waitText(phone, '#lobby-players', '1 player has joined');
		await waitText(screen, '#s-players-label', 'player');
		await waitText(hostPage, '#progress', '2 questions');
		const { c: b } = await h.join(dec.wsUrl, 'Bo', { code: 'DEC2026' });
		const { c: c } = await h.join(dec.wsUrl, 'Cai', { code: 'DEC2026' });
		await waitText(screen, '#s-players-label', 'players');
		await waitText(hostPage, '#board-players', '(3 players)');
		await waitText(phone, '#lobby-players', '3 players have joined', 20000);

		/* m1 (matching): Alex 3 pairs of 3 (1,000), Bo 2 (666.667), Cai 1 (333.333) */
		const host = await h.host(dec.wsUrl, dec.organizerToken, 'DEC2026');
		await h.hostCmd(host, 'start');
		await phone.waitForSelector('.answer.matching select:not([disabled])');
		await waitText(hostPage, '#q-points', '1,000 points');
		const selects = await phone.$$('.answer.matching select');
		for (const [i, v] of [1, 2, 0].entries()) await selects[i].selectOption(String(v));
		await phone.click('.answer .submit');
		await phone.waitForSelector('#q-status[data-kind=acked]');
		// acks without points ("feedback": "reveal"): the boards show them at the reveal
		assert.equal((await b.request({ type: 'answer', question_id: 'm1', response: [1, 0, 0] })).type, 'ack');
		assert.equal((await c.request({ type: 'answer', question_id: 'm1', response: [1, 0, 1] })).type, 'ack');
		await h.hostCmd(host, 'reveal');
		await phone.waitForSelector('#q-result:not([hidden])');
		await waitText(phone, '#q-result .res-points', '+1,000 points');
		const want = ['1,000.000', '666.667', '333.333'];
		const scores = (page, sel) => page.$$eval(sel, (rows) => rows
			.sort((x, y) => x.style.getPropertyValue('--pos') - y.style.getPropertyValue('--pos'))
			.map((r) => r.querySelector('.score').textContent));
		await screen.waitForFunction(() => document.querySelectorAll('#s-board .row .score')[2]?.textContent === '333.333');
		assert.deepEqual(await scores(screen, '#s-board .row'), want, 'screen board');
		await hostPage.waitForFunction(() => document.querySelectorAll('#board .row .score')[2]?.textContent === '333.333');
		assert.deepEqual(await scores(hostPage, '#board .row'), want, 'host board');
		await phone.waitForSelector('#q-board:not([hidden])');
		assert.deepEqual(await scores(phone, '#q-board-list .row'), want, 'phone board');
		await waitText(phone, '#me-score', '1,000.000');
		assert.equal(await text(phone, '#me-rank'), '#1');
		await shot(screen, 'en-decimals-screen');
		await shot(phone, 'en-decimals-phone');

		/* the podium, the same format */
		await h.hostCmd(host, 'end');
		await screen.waitForSelector('#s-podium:not([hidden])');
		await screen.waitForFunction(() => document.querySelectorAll('#podium .p-score').length === 3);
		assert.deepEqual((await screen.$$eval('#podium .p-score', (els) => els.map((e) => e.textContent))).sort(), ['1,000.000', '333.333', '666.667']);
		await waitText(phone, '#final-players', '3 players took part');
		await shot(screen, 'en-decimals-podium');
		for (const p of [screen, hostPage, phone]) assert.deepEqual(p.errors, []);
		await b.close();
		await c.close();
		await host.close();
		for (const p of [screen, hostPage, phone]) await p.close();
	} finally {
		await dec.stop();
	}
});
