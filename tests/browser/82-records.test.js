'use strict';
/*
 * 82 my training records in Chromium at 360x640: a worker with a
 * 64-character Chinese name joins the demo contest on the player page, the
 * score bar offers 档案 (the records token of `joined`, kept by the page),
 * which opens records.html with the worker's ledger (zh-CN first, then
 * English); the token opened on another phone (records.html#token=..., the
 * fragment cleared); a wrong token and no token get their messages. No
 * script errors or CSP violations, no sideways scrolling, tap targets of
 * 44 px, text at 4.5:1. Screenshots in the test's output directory.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { h, launch, open, watch, text, waitText } = require('./browser.js');
const { assertContrast, tapTargets, shot } = require('./measure.js');

const SMALL = { width: 360, height: 640 };
const NAME = '全国职工安全生产知识竞赛暨电气焊工技能比武决赛第一车间第二班组参赛选手代表张三丰全国职工安全生产知识竞赛暨电气焊工技能比武决赛第';
let srv, phone, other;

before(async () => {
	const dir = fs.mkdtempSync(path.join(h.outDir(), 'secret-'));
	const secret = path.join(dir, 'records-secret');
	fs.writeFileSync(secret, 's'.repeat(40) + '\n', { mode: 0o600 });
	srv = await h.startServer({ args: ['--records-secret-file', secret] });
	[phone, other] = [await launch(), await launch()];
});
after(async () => {
	for (const b of [phone, other]) if (b) await b.close();
	if (srv) await srv.stop();
});

/* The page's errors but the 401 answers the test asked for (Chromium logs each as a console error). */
const unexpected = (page) => page.errors.filter((e) => !/status of 401/.test(e));

async function checkPhone(page, label) {
	const small = (await tapTargets(page)).filter((t) => t.w < 44 || t.h < 44);
	assert.deepEqual(small, [], `${label}: tap targets under 44 px`);
	const sw = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(sw <= SMALL.width, `${label}: no sideways scrolling (${sw})`);
	await assertContrast(assert, page, label);
	await shot(page, label);
}

let token;

test('join on the player page; 档案 opens my records with the ledger', async () => {
	const page = await open(phone.ctx, `${srv.url}/player.html?code=SAFE2026`, SMALL);
	await page.waitForSelector('[data-view=join]:not([hidden])');
	await page.fill('#join-form input[name=name]', NAME);
	await page.fill('#join-form input[name=employee_no]', 'E82001');
	await page.fill('#join-form input[name=unit]', '一分厂/机修车间');
	await page.click('#join-form button[type=submit]');
	await page.waitForSelector('#records-link:not([hidden])');
	assert.equal(await text(page, '#records-link'), '档案');
	await checkPhone(page, 'records-player-link');
	token = await page.evaluate(() => JSON.parse(localStorage.getItem('sa.records')));
	assert.match(token, /^[0-9a-f]+\.[1-9][0-9]{12}\.[0-9a-f]{64}$/);
	const [rec] = await Promise.all([page.context().waitForEvent('page'), page.click('#records-link')]);
	await watch(rec); /* from here on: its errors, CSP violations, responses without security headers */
	await rec.setViewportSize(SMALL);
	await rec.reload();
	await rec.waitForSelector('.record');
	assert.equal(await text(rec, '#records-name'), NAME);
	assert.equal(await text(rec, '#records-emp'), 'E82001');
	assert.equal(await text(rec, '#records-activities'), '1');
	assert.match(await text(rec, '.record h2'), /^现场竞赛/);
	assert.match(await text(rec, '.record h2'), /安全生产知识竞赛/);
	await checkPhone(rec, 'records-360-zh');
	await rec.click('[data-lang-switch]');
	await waitText(rec, '#records-list .kind', 'Live contest');
	assert.equal(await rec.title(), 'My training records · SkillArena');
	await checkPhone(rec, 'records-360-en');
	assert.deepEqual(unexpected(page), []);
	assert.deepEqual(unexpected(rec), []);
});

test('another phone opens the token from a link: the same ledger, the fragment cleared', async () => {
	const page = await open(other.ctx, `${srv.url}/records.html#token=${token}`, SMALL);
	await page.waitForSelector('.record');
	assert.equal(await text(page, '#records-name'), NAME);
	assert.equal(await page.evaluate(() => location.hash), '', 'the token leaves the address bar');
	await page.reload();
	await page.waitForSelector('.record');
	assert.equal(await text(page, '#records-emp'), 'E82001', 'kept on this phone');
	assert.deepEqual(unexpected(page), []);
});

test('a wrong token and no token: a message, nothing else', async () => {
	const page = await open(other.ctx, `${srv.url}/records.html#token=${token.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`, SMALL);
	await waitText(page, '#records-message', '档案链接无效或已失效：请在竞赛页面重新加入后再打开。');
	assert.equal(await page.isHidden('#records-who'), true);
	await checkPhone(page, 'records-bad-token');
	await page.evaluate(() => localStorage.removeItem('sa.records'));
	await page.goto(`${srv.url}/records.html`);
	await waitText(page, '#records-message', /先在手机上用工号加入/);
	assert.deepEqual(unexpected(page), []);
});
