'use strict';
// 35 results of a finished contest, on two processes: a contest played
// through the protocol (ties on purpose: the contest breaks ties by total
// and wrong answers only), refused before its end (409), then the ranking
// with employee numbers, units and per-question points, ranks shared by tied
// participants (并列: 1, 1, 3, 4, 4, 6), pages, the XLSX read back by
// openpyxl (Chinese sheet names, a frozen header, numbers as numbers) and the
// CSV (UTF-8 with BOM); access per role; a reset makes it unfinished again.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');

const CODE = 'RANK2026';
const RIGHT = { a1: true, a2: 1, a3: false };
const WRONG = { a1: false, a2: 0, a3: true };
// name, employee number, plan per question: r right, w wrong, - skip
const PLAYERS = [
	['甲', 'R-001', 'rrr'], ['乙', 'R-002', 'rrr'], ['丙', 'R-003', 'rrw'],
	['丁', 'R-004', 'r-w'], ['戊', 'R-005', 'rw-'], ['己', 'R-006', '---'],
];
let srv, admin, owner, viewer2, judge, other, tmp;
const players = [];

function openpyxl(file) {
	const script = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {'sheets': wb.sheetnames}
ws = wb[wb.sheetnames[0]]
out['freeze'] = ws.freeze_panes
out['rows'] = [[c.value for c in row] for row in ws.iter_rows()]
out['types'] = [[type(c.value).__name__ for c in row] for row in ws.iter_rows(min_row=2, max_row=2)]
out['bold'] = ws['A1'].font.b
q = wb[wb.sheetnames[1]]
out['questions'] = [[c.value for c in row] for row in q.iter_rows()]
print(json.dumps(out, ensure_ascii=False))`;
	return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' }));
}

before(async () => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-results-'));
	srv = await h.startServer({ processes: 2, contests: [h.DEMO_CONTEST, 'tests/integration/data/ranked.json'] });
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	owner = await con.account(srv, admin, 'owner', 'organizer');
	owner = Object.assign(await con.login(srv.url, 'owner', owner.password, { lang: 'zh-CN' }), { id: owner.id }); // the console's language
	other = await con.account(srv, admin, 'other', 'organizer');
	judge = await con.account(srv, admin, 'judge1', 'judge');
	const viewer = await con.account(srv, admin, 'viewer1', 'viewer');
	viewer2 = await con.login(srv.urls[1], 'viewer1', viewer.password, { lang: 'zh-CN' }); // the second process
	await srv.psql(`UPDATE contests SET owner_id = ${owner.id} WHERE code = '${CODE}'`);
	for (const [c, role] of [[viewer, 'viewer'], [judge, 'judge']]) {
		await srv.psql(`INSERT INTO contest_grants (contest_id, account_id, role) SELECT id, ${c.id}, '${role}' FROM contests WHERE code = '${CODE}'`);
	}
	for (const [i, [name, emp]] of PLAYERS.entries()) {
		const { c, joined } = await h.join(srv.wsUrls[i % 2], name, { code: CODE, employee_no: emp, unit: `车间${i % 3}` });
		players.push({ c, joined, name, emp });
	}
});
after(async () => {
	for (const p of players) await p.c.close();
	if (srv) await srv.stop();
	if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('results', () => {
	test('refused before the contest ends: 409 bad_state', async () => {
		const r = await owner.get(`/api/console/contests/${CODE}/results`);
		assert.equal(r.status, 409, r.body);
		assert.equal(r.json.error.code, 'bad_state');
		assert.match(r.json.error.message, /尚未结束/);
		assert.equal((await owner.get(`/api/console/contests/${CODE}/results.xlsx`)).status, 409);
	});

	test('the contest is played: every answer acknowledged', async () => {
		await h.playPlans(srv, CODE, players, ['a1', 'a2', 'a3'], PLAYERS.map((p) => p[2]), RIGHT, WRONG);
	});

	test('the ranking on the other process: ties share a rank (1, 1, 3, 4, 4, 6), points per question', async () => {
		const r = await viewer2.get(`/api/console/contests/${CODE}/results`);
		assert.equal(r.status, 200, r.body);
		const j = r.json;
		assert.equal(j.code, CODE);
		assert.equal(j.participants, 6);
		assert.equal(j.max, 300);
		assert.deepEqual(j.questions, [{ index: 0, qid: 'a1', max: 100 }, { index: 1, qid: 'a2', max: 100 }, { index: 2, qid: 'a3', max: 100 }]);
		assert.deepEqual(j.ranking.map((x) => x.rank), [1, 1, 3, 4, 4, 6]);
		assert.deepEqual(j.ranking.map((x) => x.tied), [true, true, false, true, true, false]);
		assert.deepEqual(j.ranking.map((x) => x.employee_no), ['R-001', 'R-002', 'R-003', 'R-004', 'R-005', 'R-006'], 'tied ones by join order');
		assert.deepEqual(j.ranking.map((x) => x.score), [300, 300, 200, 100, 100, 0]);
		assert.deepEqual(j.ranking[2].points, [100, 100, 0]);
		assert.deepEqual(j.ranking[3].points, [100, null, 0]);
		assert.deepEqual(j.ranking[5].points, [null, null, null]);
		assert.equal(j.ranking[2].correct, 2);
		assert.equal(j.ranking[2].wrong, 1);
		assert.equal(j.ranking[0].name, '甲');
		assert.equal(j.ranking[0].unit, '车间0');
		const stored = await srv.sql(`SELECT count(*)::int AS n FROM contest_results r JOIN contests c ON c.id = r.contest_id WHERE c.code = '${CODE}'`);
		assert.equal(stored[0].n, 6, 'computed once, stored');
	});

	test('pages: per_page and page; bad values refused', async () => {
		const r = await owner.get(`/api/console/contests/${CODE}/results?per_page=2&page=2`);
		assert.equal(r.json.page, 2);
		assert.equal(r.json.per_page, 2);
		assert.deepEqual(r.json.ranking.map((x) => x.employee_no), ['R-003', 'R-004']);
		assert.equal((await owner.get(`/api/console/contests/${CODE}/results?page=9`)).json.ranking.length, 0);
		for (const q of ['page=0', 'per_page=1001', 'per_page=x']) {
			const b = await owner.get(`/api/console/contests/${CODE}/results?${q}`);
			assert.equal(b.status, 400, q);
			assert.equal(b.json.error.field, q.split('=')[0]);
		}
	});

	test('results.xlsx read back by openpyxl: Chinese sheet names, frozen bold header, numbers as numbers', async () => {
		const r = await owner.get(`/api/console/contests/${CODE}/results.xlsx`);
		assert.equal(r.status, 200, r.body.slice(0, 200));
		assert.equal(r.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
		assert.match(r.headers['content-disposition'], /filename\*=UTF-8''.*RANK2026%20%E6%88%90%E7%BB%A9\.xlsx$/);
		const file = path.join(tmp, 'results.xlsx');
		fs.writeFileSync(file, r.raw);
		const x = openpyxl(file);
		assert.deepEqual(x.sheets, ['成绩排名', '题目']);
		assert.equal(x.freeze, 'A2');
		assert.equal(x.bold, true);
		assert.deepEqual(x.rows[0], ['名次', '并列', '姓名', '工号', '单位', '总分', '答对', '答错', '用时(秒)', '第1题 a1', '第2题 a2', '第3题 a3']);
		assert.equal(x.rows.length, 7);
		assert.deepEqual(x.rows[1].slice(0, 8), [1, '并列', '甲', 'R-001', '车间0', 300, 3, 0]);
		assert.deepEqual(x.rows[4].slice(9), [100, null, 0]);
		assert.deepEqual(x.types[0].slice(0, 1).concat(x.types[0].slice(5, 8)), ['int', 'int', 'int', 'int']);
		assert.deepEqual(x.questions, [['序号', '题目编号', '满分'], [1, 'a1', 100], [2, 'a2', 100], [3, 'a3', 100]]);
	});

	test('results.csv: UTF-8 with BOM, the same rows; English headers for English', async () => {
		const r = await viewer2.get(`/api/console/contests/${CODE}/results.csv`);
		assert.equal(r.status, 200);
		assert.equal(r.headers['content-type'], 'text/csv; charset=utf-8');
		assert.deepEqual([...r.raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
		const lines = r.body.slice(1).trim().split('\r\n');
		assert.equal(lines.length, 7);
		assert.equal(lines[0], '名次,并列,姓名,工号,单位,总分,答对,答错,用时(秒),第1题 a1,第2题 a2,第3题 a3');
		assert.match(lines[4], /^4,并列,丁,R-004,车间0,100,1,1,[0-9.]+,100,,0$/);
		const en = await admin.get(`/api/console/contests/${CODE}/results.csv`); // no Accept-Language: English
		assert.match(en.body.split('\r\n')[0], /^\ufeffRank,Tied,Name,Employee no\.,Unit,Score/);
		assert.match(en.headers['content-disposition'], /RANK2026%20results\.csv/);
	});

	test('access: a judge, another organizer and anonymous are refused; unknown contest 404', async () => {
		for (const suffix of ['', '.xlsx', '.csv']) {
			assert.equal((await judge.get(`/api/console/contests/${CODE}/results${suffix}`)).status, 403);
			assert.equal((await other.get(`/api/console/contests/${CODE}/results${suffix}`)).status, 403);
			assert.equal((await con.client(srv.url).get(`/api/console/contests/${CODE}/results${suffix}`)).status, 401);
		}
		const r = await admin.get('/api/console/contests/NOPE2026/results');
		assert.equal(r.status, 404);
		assert.equal(r.json.error.code, 'unknown_contest');
	});

	test('a reset makes the contest unfinished again: 409', async () => {
		for (const p of players) await p.c.close();
		const r = await srv.cli(['reset', CODE, '--yes']);
		assert.equal(r.code, 0, r.stderr);
		assert.equal((await owner.get(`/api/console/contests/${CODE}/results`)).status, 409);
	});
});
