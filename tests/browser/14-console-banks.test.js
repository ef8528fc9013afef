'use strict';
/*
 * 14 console banks in Chromium on a 768x1024 tablet: an organizer makes a
 * bank, imports a CSV file (UTF-8 with BOM, as Excel saves it) with one bad
 * row: the job's report shows that row (file, row, column, reason) and
 * nothing is imported (the bank stays empty in PostgreSQL); the row fixed,
 * the file imports whole; the questions are searched in Chinese, one is
 * edited (a refused change shows the server's problem with its path, a good
 * one is stored); the XLSX template downloads as a workbook. No text cut,
 * no sideways scrolling; screenshots.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { launch, server, text, waitText } = require('./browser.js');
const { assertContrast, shot } = require('./measure.js');
const { TABLET, consoleLogin, cutText, unexpected, con } = require('./console.js');

let srv, org, br;
const HEAD = '题型,题目,A,B,C,D,答案,解析,分类';
const ROWS = [
	'单选,发现火灾应拨打哪个电话？,110,119,120,122,B,火警电话 119。,消防安全',
	'判断,使用灭火器时应站在上风方向。,,,,,对,站在上风方向可避免烟雾。,消防安全',
	'单选,安全帽的主要作用是什么？,保暖,防护头部,装饰,防晒,E,答案应为 B。,个人防护',
	'多选,从业人员享有哪些权利？,了解危险因素,拒绝违章指挥,紧急撤离,不戴防护用品,ABC,《安全生产法》。,法律法规',
];
const csv = (rows) => Buffer.from('\ufeff' + [HEAD, ...rows].join('\r\n') + '\r\n');

before(async () => {
	srv = await server();
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	const admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	org = await con.account(srv, admin, 'org14', 'organizer');
	br = await launch();
});
after(async () => {
	if (br) await br.close();
	if (srv) await srv.stop();
});

const count = async () => (await srv.sql("SELECT count(*)::int AS n FROM bank_questions q JOIN banks b ON b.id = q.bank_id WHERE b.code = 'fire-14'"))[0].n;

test('a bank imported from CSV on a tablet: a bad row shown and nothing imported; fixed, imported; searched and edited', async () => {
	const page = await consoleLogin(br.ctx, srv, 'org14', org.password, { viewport: TABLET, hash: '#banks' });
	await page.waitForSelector('#bank-create');
	await page.fill('#bank-create input[name=code]', 'fire-14');
	await page.fill('#bank-create input[name=title]', '消防与个人防护题库');
	await page.click('#bank-create button[type=submit]');
	await page.waitForURL(/#bank\/fire-14$/);
	await waitText(page, '#bank-title', '消防与个人防护题库 · fire-14');

	/* one bad row: row 4 of the file (the header is row 1) */
	await page.setInputFiles('form.import input[type=file]', { name: '消防题库.csv', mimeType: 'text/csv', buffer: csv(ROWS) });
	await page.click('form.import button[type=submit]');
	await page.waitForSelector('#import-report[data-status="failed"]');
	assert.match(await text(page, '#import-summary'), /未导入：4 行中有 1 行有问题/);
	const refused = await page.$$eval('#refused-rows tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
	assert.equal(refused.length, 1, JSON.stringify(refused));
	assert.equal(refused[0][0], '消防题库.csv');
	assert.equal(refused[0][1], '4');
	assert.equal(refused[0][2], '第 31 个字符', 'the answer cell: its place in the line');
	assert.match(refused[0][3], /答案|E/, refused[0][3]);
	assert.equal(await count(), 0, 'nothing imported');
	assert.deepEqual(await cutText(page), [], 'no text cut');
	await shot(page, 'bank-refused-tablet');
	await assertContrast(assert, page, 'bank import refused');

	/* fixed: imported whole */
	const fixed = ROWS.slice();
	fixed[2] = fixed[2].replace(',E,', ',B,');
	await page.setInputFiles('form.import input[type=file]', { name: '消防题库.csv', mimeType: 'text/csv', buffer: csv(fixed) });
	await page.click('form.import button[type=submit]');
	await page.waitForSelector('#import-report[data-status="done"]');
	assert.match(await text(page, '#import-summary'), /导入成功：4 行，题库现有 4 题/);
	assert.equal(await count(), 4);
	await page.waitForFunction(() => document.querySelectorAll('#questions tbody tr').length === 4);
	await waitText(page, '#bank-facts', /^共 4 题/);

	/* searched in Chinese */
	await page.fill('#view form.filters input[name=q]', '灭火器');
	await page.click('#view form.filters button[type=submit]');
	await page.waitForFunction(() => document.querySelectorAll('#questions tbody tr').length === 1);
	assert.match(await text(page, '#questions tbody tr'), /上风方向/);

	/* edited: a refused change shows its problem, a good one is stored */
	await page.click('#questions tbody tr button');
	await page.waitForSelector('#question-editor textarea');
	const q = JSON.parse(await page.inputValue('#question-editor textarea'));
	await page.fill('#question-editor textarea', JSON.stringify({ ...q, answer: 'maybe' }, null, 2));
	await page.click('#question-save');
	await page.waitForSelector('#question-editor .problem-list li');
	assert.match(await text(page, '#question-editor .problem-list li'), /\$\.answer/);
	await page.fill('#question-editor textarea', JSON.stringify({ ...q, text: { 'zh-CN': '使用灭火器灭火时，人应站在上风方向。' } }, null, 2));
	await page.click('#question-save');
	await page.waitForFunction(() => /人应站在上风方向/.test(document.querySelector('#questions tbody').textContent));
	const stored = await srv.sql(`SELECT q.definition->'text'->>'zh-CN' AS txt FROM bank_questions q JOIN banks b ON b.id = q.bank_id WHERE b.code = 'fire-14' AND q.qid = '${q.id}'`);
	assert.equal(stored[0].txt, '使用灭火器灭火时，人应站在上风方向。');
	assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scrolling');
	assert.deepEqual(await cutText(page), [], 'no text cut');
	await shot(page, 'bank-questions-tablet', { fullPage: true });

	/* the template, a workbook */
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#view a[href="/api/banks/template.xlsx"]')]);
	const file = await dl.path();
	assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), 'PK');
	assert.match(dl.suggestedFilename(), /\.xlsx$/);
	assert.deepEqual(unexpected(page), []);
	await con.waitAudit(srv, "action = 'bank.import' AND actor = 'org14'", 2);
});
