'use strict';
/*
 * 16 console monitor and results in Chromium at 1366x768: a tiny live
 * contest (tests/integration/data/ranked.json: three questions, ties broken
 * by total and wrong answers only) is played by two players over WebSocket
 * from the test while the organizer watches the console's monitor (players
 * joined, answers per question as they come); once the host ends it, the
 * results page ranks both first, 并列, and the XLSX downloaded from it is
 * read back by openpyxl (names, ranks, the tie, points). No text cut;
 * screenshots.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { launch, text, waitText, h } = require('./browser.js');
const { assertContrast, shot } = require('./measure.js');
const { consoleLogin, cutText, unexpected, con } = require('./console.js');

const CODE = 'RANK2026';
const RIGHT = { a1: true, a2: 1, a3: false };
let srv, org, br;
const players = [];

function openpyxl(file) {
	const script = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb[wb.sheetnames[0]]
print(json.dumps({'sheets': wb.sheetnames, 'rows': [[c.value for c in row] for row in ws.iter_rows()]}, ensure_ascii=False))`;
	return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' }));
}

before(async () => {
	srv = await h.startServer({ contests: [h.DEMO_CONTEST, 'tests/integration/data/ranked.json'] });
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	const admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	org = await con.account(srv, admin, 'org16', 'organizer');
	await srv.psql(`UPDATE contests SET owner_id = ${org.id} WHERE code = '${CODE}'`);
	br = await launch();
});
after(async () => {
	for (const p of players) await p.c.close();
	if (br) await br.close();
	if (srv) await srv.stop();
});

test('two players play while the monitor watches; the results rank them 并列 and download as XLSX', async () => {
	const page = await consoleLogin(br.ctx, srv, 'org16', org.password, { hash: `#monitor/${CODE}` });
	await waitText(page, '#mon-players', '0');
	/* results before the end: said plainly */
	for (const [name, emp, unit] of [['甲', 'M-001', '一车间'], ['乙', 'M-002', '二车间']]) {
		players.push(await h.join(srv.wsUrl, name, { code: CODE, employee_no: emp, unit }));
	}
	await waitText(page, '#mon-players', '2', 15000);
	await page.waitForSelector('#mon-participants tr[data-pid]');
	assert.equal(await page.$$eval('#mon-participants tbody tr', (l) => l.length), 2);

	const host = await h.host(srv.wsUrl, srv.organizerToken, CODE);
	const qids = ['a1', 'a2', 'a3'];
	for (let i = 0; i < qids.length; i++) {
		await h.hostCmd(host, i ? 'next' : 'start');
		for (const p of players) await p.c.waitFor((m) => m.type === 'question' && m.id === qids[i], 10000, 'question');
		for (const p of players) {
			const ack = await p.c.request({ type: 'answer', question_id: qids[i], response: RIGHT[qids[i]] });
			assert.equal(ack.type, 'ack', JSON.stringify(ack));
		}
		if (i === 0) {
			/* the monitor follows: both answers of the first question, both right */
			await page.waitForFunction(() => {
				const r = document.querySelector('#mon-questions tr[data-qid="a1"]');
				return r && r.querySelector('.answered').textContent === '2';
			}, null, { timeout: 15000 });
			assert.match(await text(page, '#mon-questions tr[data-qid="a1"]'), /2\s*2/);
			assert.deepEqual(await cutText(page), [], 'no text cut in the monitor');
			await shot(page, 'monitor-1366');
			await assertContrast(assert, page, 'monitor');
		}
		await h.hostCmd(host, 'reveal');
	}
	await h.hostCmd(host, 'end');
	await host.close();

	await page.evaluate((c) => { location.hash = `#results/${c}`; }, CODE);
	await page.waitForSelector('#ranking tbody tr');
	const rows = await page.$$eval('#ranking tbody tr', (l) => l.map((r) => [...r.cells].map((c) => c.textContent.trim())));
	assert.equal(rows.length, 2);
	assert.deepEqual(rows.map((r) => r[0]), ['1并列', '1并列'], 'both first, 并列');
	assert.deepEqual(rows.map((r) => r[1]), ['甲', '乙']);
	assert.deepEqual(rows[0].slice(4, 7), ['300', '3', '0']);
	assert.deepEqual(rows[0].slice(8), ['100', '100', '100'], 'points per question');
	assert.deepEqual(await cutText(page), [], 'no text cut in the results');
	await shot(page, 'results-1366');
	await assertContrast(assert, page, 'results');

	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-xlsx')]);
	assert.match(dl.suggestedFilename(), /成绩\.xlsx$/);
	const file = path.join(h.outDir(), 'results.xlsx');
	await dl.saveAs(file);
	const x = openpyxl(file);
	assert.equal(x.sheets[0], '成绩排名');
	assert.deepEqual(x.rows[0].slice(0, 5), ['名次', '并列', '姓名', '工号', '单位']);
	assert.deepEqual(x.rows.slice(1).map((r) => [r[0], r[2], r[3], r[5]]), [[1, '甲', 'M-001', 300], [1, '乙', 'M-002', 300]]);
	assert.deepEqual(unexpected(page), []);
});
