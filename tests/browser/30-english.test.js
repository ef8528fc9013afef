'use strict';
/*
 * Languages: the pages are Chinese by default; the switch turns them English
 * in place and is remembered; ?lang=en works on any page; contest text
 * follows the language. The two string files have the same keys, and an
 * English page shows no Chinese UI text.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { h, launch, open, server, demo, text, waitText, PHONE, TV } = require('./browser.js');

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
	await page.click('[data-lang-switch]');
	await waitText(page, '[data-view=join] h1', 'Join the contest');
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
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
