'use strict';
/*
 * 15 console roster in Chromium at 1366x768, in English (?lang=en): an
 * organizer imports the roster from an XLSX file written by openpyxl (a
 * Chinese sheet name, employee numbers as text), sees the unit tree with
 * headcounts and the workers of a unit; on the contest's page sets
 * real-name joining for one branch; a player (over WebSocket from the test)
 * who is not on the roster is refused with not_in_roster, the request shows
 * among the join exceptions, the organizer approves it, and the same player
 * then joins; a worker of the branch joins with the roster's unit. No text
 * cut; screenshots.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launch, server, text, waitText, h } = require('./browser.js');
const { assertContrast, shot } = require('./measure.js');
const { DESKTOP, consoleLogin, cutText, unexpected, con } = require('./console.js');

const CODE = 'SAFE2026';
const WORKERS = [
	['0015001', '张三', '华电集团/一分厂/机修车间', '1234'],
	['0015002', '李四', '华电集团/一分厂/机修车间', ''],
	['0015003', '王五', '华电集团/一分厂/电工班', ''],
	['0015004', '赵六', '华电集团/二分厂/运行车间', '0021'],
	['0015005', '孙七', '华电集团/二分厂/运行车间', ''],
];
let srv, org, br, tmp;

/* The roster workbook, written by openpyxl (not by us). */
function workbook(file) {
	const script = `
import json, sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = '花名册'
ws.append(['工号', '姓名', '单位', '手机尾号'])
for row in json.loads(sys.argv[2]):
    ws.append(row)
for c in ws['A'] + ws['D']:
    c.number_format = '@'
wb.save(sys.argv[1])`;
	execFileSync('/usr/bin/python3', ['-c', script, file, JSON.stringify(WORKERS)]);
}

async function join(name, employee_no) {
	const c = await h.connect(srv.wsUrl);
	try {
		return await c.request({ type: 'join', code: CODE, name, employee_no, device_key: `dev-${employee_no}-${Math.random().toString(36).slice(2, 10)}` }, 15000);
	} finally {
		await c.close();
	}
}

before(async () => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-roster-'));
	srv = await server();
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	const admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	org = await con.account(srv, admin, 'org15', 'organizer');
	await srv.psql(`UPDATE contests SET owner_id = ${org.id} WHERE code = '${CODE}'`);
	br = await launch();
});
after(async () => {
	if (br) await br.close();
	if (srv) await srv.stop();
	if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the roster from Excel, its unit tree, and a real-name join approved through the exceptions (English)', async () => {
	const file = path.join(tmp, '职工名册.xlsx');
	workbook(file);
	const page = await consoleLogin(br.ctx, srv, 'org15', org.password, { hash: '#roster', lang: 'en' });
	await page.waitForSelector('#unit-tree');
	await waitText(page, '#unit-tree', 'The roster is empty: import one on the Roster page.');
	await page.setInputFiles('form.import input[type=file]', file);
	await page.click('form.import button[type=submit]');
	await page.waitForSelector('#import-report[data-status="done"]');
	assert.equal(await text(page, '#import-summary'), 'Imported: 5 rows, 5 added, 0 updated, 6 new units, 0 made inactive');
	/* the tree: every level with its headcount */
	await page.waitForSelector('#unit-tree .unit[data-path="华电集团/一分厂/电工班"]');
	const counts = await page.$$eval('#unit-tree .unit', (l) => Object.fromEntries(l.map((b) => [b.dataset.path, b.querySelector('.count').textContent])));
	assert.deepEqual(counts, {
		'华电集团': '5', '华电集团/一分厂': '3', '华电集团/一分厂/机修车间': '2', '华电集团/一分厂/电工班': '1',
		'华电集团/二分厂': '2', '华电集团/二分厂/运行车间': '2',
	});
	assert.equal(await text(page, '#roster-total'), '5 active workers');
	await page.click('#unit-tree .unit[data-path="华电集团/一分厂"]');
	await page.waitForFunction(() => document.querySelectorAll('#workers tbody tr').length === 3);
	assert.deepEqual(await page.$$eval('#workers tbody tr', (l) => l.map((r) => r.dataset.employee)), ['0015001', '0015002', '0015003'], 'leading zeros kept');
	assert.deepEqual(await cutText(page), [], 'no text cut');
	await shot(page, 'roster-en-1366');
	await assertContrast(assert, page, 'roster');

	/* real-name joining for the first branch */
	await page.evaluate((c) => { location.hash = `#contest/${c}`; }, CODE);
	await page.waitForSelector('#roster-form');
	await page.selectOption('#roster-form select[name=mode]', 'roster');
	const branch = await page.$eval('#roster-form .unit-list label:nth-child(2) input', (i) => i.value);
	assert.equal(await page.$eval('#roster-form .unit-list label:nth-child(2) span', (s) => s.textContent), '一分厂 (3)');
	await page.check(`#roster-form input[name=unit][value="${branch}"]`);
	await page.click('#roster-form button[type=submit]');
	await waitText(page, '#roster-headcount', '3 on the list, 0 exception requests waiting');

	/* the branch's join poster */
	await page.selectOption('#roster-form ~ .posters select[name=poster_unit]', branch);
	const png = await page.$eval('#unit-poster-png', (a) => a.href);
	assert.match(png, new RegExp(`/api/console/contests/${CODE}/poster\\.png\\?unit=${branch}$`));
	const r = await page.request.get(png);
	assert.equal(r.status(), 200);
	assert.equal(r.headers()['content-type'], 'image/png');

	/* not on the roster: refused, recorded; approved in the console; joins */
	const refused = await join('周八', 'X15999');
	assert.equal(refused.type, 'error');
	assert.equal(refused.code, 'not_in_roster');
	const other = await join('赵六', '0015004');
	assert.equal(other.code, 'not_in_roster', 'a worker of another branch is not on this list');
	await page.click('#exceptions-refresh');
	await page.waitForSelector('#exceptions tr[data-employee="X15999"]');
	assert.match(await text(page, '#exceptions tr[data-employee="X15999"] .decision'), /Waiting/);
	await shot(page, 'exceptions-en-1366');
	await page.click('#exceptions tr[data-employee="X15999"] button.primary');
	await page.waitForFunction(() => /Approved/.test(document.querySelector('#exceptions tr[data-employee="X15999"] .decision').textContent));
	assert.match(await text(page, '#exceptions tr[data-employee="X15999"] .decision'), /Approved · org15/);
	const joined = await join('周八', 'X15999');
	assert.equal(joined.type, 'joined', JSON.stringify(joined));
	const worker = await join('张三', '0015001');
	assert.equal(worker.type, 'joined', JSON.stringify(worker));
	const stored = await srv.sql(`SELECT p.unit FROM participants p JOIN contests c ON c.id = p.contest_id WHERE c.code = '${CODE}' AND p.employee_no = '0015001'`);
	assert.equal(stored[0].unit, '华电集团/一分厂/机修车间', 'the unit from the roster');
	assert.deepEqual(await cutText(page), [], 'no text cut');

	/* the monitor: joined and missing by unit against the list */
	await page.evaluate((c) => { location.hash = `#monitor/${c}`; }, CODE);
	await waitText(page, '#mon-players', '2', 15000);
	await waitText(page, '#mon-joined', '1');
	assert.equal(await text(page, '#mon-headcount'), '3');
	assert.equal(await text(page, '#mon-units tr[data-path="华电集团/一分厂/机修车间"] .joined'), '1');
	assert.deepEqual(await page.$$eval('#mon-missing tbody tr', (l) => l.map((r) => r.cells[0].textContent)), ['0015002', '0015003']);
	assert.deepEqual(await cutText(page), [], 'no text cut in the monitor');
	await shot(page, 'monitor-roster-en-1366', { fullPage: true });
	assert.deepEqual(unexpected(page), []);
	await con.waitAudit(srv, "action = 'join.approve' AND actor = 'org15'");
	await con.waitAudit(srv, "action = 'roster.import' AND actor = 'org15'");
});
