'use strict';
// 38 training records (培训档案) on two processes: a live contest with hours
// and credits and an exam, played through the protocol by workers with
// 64-character Chinese names; each worker's ledger through the records token
// of `joined`, read on the other process (another device: no session, no
// cookie); a wrong or altered token refused; organizers' GET /api/records by
// unit subtree, period and page; exports as jobs (ledger and participation,
// XLSX read back by openpyxl: Chinese sheet names, frozen header, numbers as
// numbers; CSV with BOM), and 100,000 ledger rows exported and read back.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');
const sp = require('../lib/selfpaced.js');

const LIVE = 'REC38LIVE';
const EXAM = 'REC38EXAM';
const NAME_A = '全国职工安全生产知识竞赛暨电气焊工技能比武决赛第一车间第二班组参赛选手代表张三丰全国职工安全生产知识竞赛暨电气焊工技能比武决赛第';
const NAME_B = '李四' + '维修'.repeat(31);
const UNIT_A = '华电集团/一分厂/机修车间';
const UNIT_B = '华电集团/二分厂/电气车间';
const BANKS = ['safety'];
const bank = sp.bankQuestions(BANKS);
let srv, dir, admin, organizer, viewer, judge;
const people = {};

function openpyxl(file, maxRows = 50) {
	const script = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
ws = wb[wb.sheetnames[0]]
rows = []
n = 0
for row in ws.iter_rows(values_only=True):
    n += 1
    if n <= int(sys.argv[2]):
        rows.append([v if not hasattr(v, 'isoformat') else 'date:' + v.isoformat() for v in row])
wb2 = openpyxl.load_workbook(sys.argv[1], read_only=False) if int(sys.argv[2]) < 1000 and n < 1000 else None
out = {'sheets': wb.sheetnames, 'count': n, 'rows': rows,
       'freeze': wb2[wb2.sheetnames[0]].freeze_panes if wb2 else None,
       'types': [type(v).__name__ for v in rows[1]] if len(rows) > 1 else []}
print(json.dumps(out, ensure_ascii=False))`;
	return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file, String(maxRows)], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

async function job(client, body) {
	const r = await client.post('/api/records/exports', body);
	assert.equal(r.status, 202, r.body);
	const end = Date.now() + 120000;
	for (;;) {
		const j = await client.get(`/api/jobs/${r.json.id}`);
		assert.equal(j.status, 200, j.body);
		if (j.json.status === 'done' || j.json.status === 'failed') return j.json;
		if (Date.now() > end) throw new Error(`job ${r.json.id} still ${j.json.status}`);
		await h.sleep(200);
	}
}

async function download(client, id, name) {
	const f = await client.get(`/api/jobs/${id}/file`);
	assert.equal(f.status, 200, f.body.slice(0, 200));
	const file = path.join(dir, name);
	fs.writeFileSync(file, f.raw);
	return { file, res: f };
}

before(async () => {
	dir = sp.tempDir('38');
	const now = Date.now();
	const live = {
		code: LIVE, title: { 'zh-CN': '安全知识现场赛（档案）', en: 'Safety live (records)' }, mode: 'live',
		time_limit_s: 30, hours: 2, credits: 1.5, pass_mark: 50,
		scoring: { points: 100, time_factor: false },
		questions: [
			{ id: 'a1', type: 'true_false', text: { 'zh-CN': '安全帽必须系好下颏带。' }, answer: true },
			{ id: 'a2', type: 'true_false', text: { 'zh-CN': '可以用湿手操作电气开关。' }, answer: false },
		],
	};
	const exam = {
		code: EXAM, title: { 'zh-CN': '安全考试（档案）', en: 'Safety exam (records)' }, mode: 'exam',
		window: sp.windowAround(now - 3600e3, now + 2 * 86400e3, 30), hours: 1, credits: 0.5, pass_mark: 60,
		scoring: { points: 1, time_factor: false }, attempts: { max: 2, counts: 'best' },
		paper: { rules: [{ bank: 'safety', count: 4 }] },
	};
	fs.writeFileSync(path.join(dir, 'live.json'), JSON.stringify(live));
	const examFile = sp.writeContest(dir, exam, BANKS);
	const secret = path.join(dir, 'records-secret');
	fs.writeFileSync(secret, 'r'.repeat(48) + '\n', { mode: 0o600 });
	srv = await h.startServer({
		recompute: false, // the 100,000-row export inserts participants with scores and no answers
		processes: 2, contests: [path.join(dir, 'live.json'), examFile],
		args: sp.serverArgs(sp.clockFile(dir), ['--records-secret-file', secret]),
	});
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	organizer = await con.login(srv.urls[1], 'org38', (await con.account(srv, admin, 'org38', 'organizer')).password, { lang: 'zh-CN' });
	viewer = await con.login(srv.url, 'view38', (await con.account(srv, admin, 'view38', 'viewer')).password, { lang: 'en' });
	judge = await con.login(srv.url, 'judge38', (await con.account(srv, admin, 'judge38', 'judge')).password);
	// the roster: units and workers (participation's headcount)
	await srv.psql(`SELECT units_ensure('${UNIT_A}'), units_ensure('${UNIT_B}');
		INSERT INTO workers (employee_no, name, unit_id) VALUES
		('R38-A', '${NAME_A}', (SELECT id FROM units WHERE path = '${UNIT_A}')),
		('R38-B', '${NAME_B}', (SELECT id FROM units WHERE path = '${UNIT_B}')),
		('R38-C', '王五', (SELECT id FROM units WHERE path = '${UNIT_B}'))`);
});
after(async () => {
	for (const p of Object.values(people)) for (const c of p.conns || []) await c.close();
	if (srv) await srv.stop();
});

describe('training records', () => {
	test('a live contest: A right twice on process 1, B right once on process 2; joined carries records tokens', async () => {
		for (const [k, name, emp, unit, i] of [['A', NAME_A, 'R38-A', UNIT_A, 0], ['B', NAME_B, 'R38-B', UNIT_B, 1]]) {
			const { c, joined } = await h.join(srv.wsUrls[i], name, { code: LIVE, employee_no: emp, unit });
			assert.match(joined.records_token, /^[0-9a-f]+\.[1-9][0-9]{12}\.[0-9a-f]{64}$/);
			people[k] = { name, emp, unit, token: joined.records_token, conns: [c], live: c };
		}
		const host = await h.host(srv.wsUrl, srv.organizerToken, LIVE);
		const plan = { A: [true, false], B: [true, true] }; // B's second answer is wrong
		for (const [i, q] of ['a1', 'a2'].entries()) {
			await h.hostCmd(host, i ? 'next' : 'start');
			for (const k of ['A', 'B']) {
				const c = people[k].live;
				await c.waitFor((m) => m.type === 'question' && m.id === q, 10000, 'question');
				const ack = await c.request({ type: 'answer', question_id: q, response: plan[k][i] });
				assert.equal(ack.type, 'ack', JSON.stringify(ack));
			}
			await h.hostCmd(host, 'reveal');
		}
		await h.hostCmd(host, 'end');
		await host.close();
	});

	test('an exam on process 2: A passes (4 of 4), B fails (1 of 4); a fresh token comes on every join and resume', async () => {
		for (const [k, right] of [['A', 4], ['B', 1]]) {
			const p = people[k];
			const { c, joined } = await h.join(srv.wsUrls[1], p.name, { code: EXAM, employee_no: p.emp, unit: p.unit });
			assert.match(joined.records_token, new RegExp(`^${Buffer.from(p.emp).toString('hex')}\\.`), 'the same worker, whatever the contest');
			p.examToken = joined.records_token;
			p.examSession = joined.token;
			p.conns.push(c);
			await c.next('attempts');
			const att = await sp.ok(c, { type: 'attempt_start' }, 'attempt');
			for (let i = 0; i < att.count; i++) {
				await sp.ok(c, { type: 'save', attempt_id: att.attempt_id, index: i, response: sp.keyOf(att.questions[i], bank, i >= right), change: 1 }, 'saved');
			}
			await sp.ok(c, { type: 'submit', attempt_id: att.attempt_id }, 'result');
			const again = await h.connect(srv.wsUrls[0]);
			again.send({ type: 'resume', token: joined.token });
			const resumed = await again.next('joined');
			assert.match(resumed.records_token, new RegExp(`^${Buffer.from(p.emp).toString('hex')}\\.`), 'a resume carries one too');
			p.resumeToken = resumed.records_token;
			await again.close();
		}
	});

	test('my records on another device (the other process, no cookie): both activities, hours and credits once each', async () => {
		const r = await con.request(srv.urls[0], 'GET', `/api/records/me?token=${people.A.token}`);
		assert.equal(r.status, 200, r.body);
		const j = r.json;
		assert.equal(j.employee_no, 'R38-A');
		assert.equal(j.name, NAME_A);
		assert.equal(j.records.length, 2);
		const [exam, live] = j.records; // newest first
		assert.equal(exam.kind, 'exam');
		assert.equal(exam.code, EXAM);
		assert.equal(exam.attempt_no, 1);
		assert.deepEqual([exam.score, exam.max, exam.correct, exam.passed, exam.hours, exam.credits], [4, 4, 4, true, 1, 0.5]);
		assert.equal(live.kind, 'live');
		assert.equal(live.title, '安全知识现场赛（档案）');
		assert.deepEqual([live.score, live.max, live.correct, live.answered, live.passed, live.rank], [200, 200, 2, 2, true, 1]);
		assert.deepEqual([live.hours, live.credits], [2, 1.5]);
		assert.equal(live.unit, UNIT_A);
		assert.equal(live.award, null);
		assert.deepEqual(j.totals, { activities: 2, hours: 3, credits: 2 });
		const b = (await con.request(srv.urls[1], 'GET', `/api/records/me?token=${people.B.token}`)).json;
		assert.deepEqual(b.records.map((x) => [x.kind, x.score, x.rank ?? null, x.passed]), [['exam', 1, null, false], ['live', 100, 2, true]]);
		assert.ok(!JSON.stringify(b).includes('R38-A'), "B's ledger holds nothing of A");
	});

	test('a wrong, altered or missing token is refused (401 bad_token), in the request\'s language', async () => {
		const t = people.A.token;
		const altered = t.slice(0, -1) + (t.endsWith('0') ? '1' : '0');
		const otherEmp = Buffer.from('R38-B').toString('hex') + t.slice(t.indexOf('.'));
		const [e, at, mac] = t.split('.');
		const newer = `${e}.${Number(at) + 1}.${mac}`;
		const v1 = `${e}.${mac}`;
		for (const bad of [altered, otherEmp, newer, v1, 'x', '', 'R38-A']) {
			const r = await con.request(srv.url, 'GET', `/api/records/me?token=${encodeURIComponent(bad)}`, { headers: { 'accept-language': 'en' } });
			assert.equal(r.status, 401, `${bad}: ${r.body}`);
			assert.equal(r.json.error.code, 'bad_token');
			assert.equal(r.json.error.message, 'unknown records token');
		}
		const none = await con.request(srv.url, 'GET', '/api/records/me', { headers: { 'accept-language': 'zh-CN' } });
		assert.equal(none.status, 401);
		assert.equal(none.json.error.message, '档案令牌无效');
	});

	test('revoking one worker\'s tokens: every token issued until then refused, a later one works, twice is fine', async () => {
		const A = people.A;
		for (const t of [A.token, A.examToken, A.resumeToken]) {
			assert.equal((await con.request(srv.urls[1], 'GET', `/api/records/me?token=${t}`)).status, 200, 'valid before');
		}
		for (const [body, field] of [[{}, 'employee_no'], [{ employee_no: 'x'.repeat(65) }, 'employee_no'], [{ employee_no: 7 }, 'employee_no'],
			[{ employee_no: 'R38-A', reason: 'x'.repeat(201) }, 'reason']]) {
			const r = await organizer.post('/api/records/revocations', body);
			assert.equal(r.status, 400, JSON.stringify(body));
			assert.equal(r.json.error.field, field);
		}
		assert.equal((await srv.sql("SELECT count(*)::int AS n FROM records_revocations"))[0].n, 0, 'nothing written by a refusal');
		assert.equal((await viewer.post('/api/records/revocations', { employee_no: 'R38-A' })).status, 403, 'viewers cannot');
		let r = await organizer.post('/api/records/revocations', { employee_no: 'R38-A', reason: '手机遗失' });
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.employee_no, 'R38-A');
		const first = r.json.revoked_before;
		for (const [t, u] of [[A.token, 0], [A.examToken, 1], [A.resumeToken, 0]]) {
			const g = await con.request(srv.urls[u], 'GET', `/api/records/me?token=${t}`, { headers: { 'accept-language': 'zh-CN' } });
			assert.equal(g.status, 401, 'refused on both processes');
			assert.equal(g.json.error.code, 'bad_token');
			assert.match(g.json.error.message, /已被收回/);
		}
		assert.equal((await con.request(srv.url, 'GET', `/api/records/me?token=${people.B.token}`)).status, 200, "B's token untouched");
		// the phone resumes (a new token, issued after the revocation): it works
		const again = await h.connect(srv.wsUrls[0]);
		again.send({ type: 'resume', token: A.examSession });
		const resumed = await again.next('joined');
		await again.close();
		assert.notEqual(resumed.records_token, A.resumeToken);
		assert.equal((await con.request(srv.url, 'GET', `/api/records/me?token=${resumed.records_token}`)).status, 200, 'a token issued after');
		r = await organizer.post('/api/records/revocations', { employee_no: 'R38-A' });
		assert.equal(r.status, 200, 'revoking twice is fine');
		assert.ok(r.json.revoked_before >= first, 'the moment never moves back');
		await con.waitAudit(srv, "action = 'records.revoke'", 2); // the audit log is group-committed
		const audit = await srv.sql("SELECT target, detail FROM audit.audit_log WHERE action = 'records.revoke' ORDER BY id");
		assert.equal(audit.length, 2);
		assert.equal(audit[0].target, 'R38-A');
	});

	test('organizers: a unit subtree, a period, pages; bad parameters refused with their field', async () => {
		let r = await organizer.get(`/api/records?unit=${encodeURIComponent('华电集团')}`);
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.total, 4);
		assert.deepEqual(new Set(r.json.records.map((x) => x.employee_no)), new Set(['R38-A', 'R38-B']));
		r = await viewer.get(`/api/records?unit=${encodeURIComponent('华电集团/二分厂')}&per_page=1&page=2`);
		assert.equal(r.status, 200, r.body);
		assert.deepEqual([r.json.total, r.json.page, r.json.per_page, r.json.records.length], [2, 2, 1, 1]);
		assert.equal(r.json.records[0].name, NAME_B);
		assert.equal(r.json.records[0].kind, 'live');
		const unitId = (await srv.sql(`SELECT id FROM units WHERE path = '华电集团/一分厂'`))[0].id;
		r = await organizer.get(`/api/records?unit=${unitId}`);
		assert.equal(r.json.total, 2, 'a unit by its roster id');
		assert.equal(r.json.unit, '华电集团/一分厂');
		r = await organizer.get('/api/records?from=2000-01-01&to=2000-12-31');
		assert.equal(r.json.total, 0, 'a period without activity');
		const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
		r = await organizer.get(`/api/records?from=${today}&to=${today}`);
		assert.equal(r.json.total, 4, 'today (China time) holds all four');
		for (const [q, field] of [['from=2026-02-30', 'from'], ['to=20260101', 'to'], ['from=2026-02-02&to=2026-02-01', 'to'], ['per_page=501', 'per_page'], ['page=0', 'page']]) {
			r = await organizer.get(`/api/records?${q}`);
			assert.equal(r.status, 400, q);
			assert.equal(r.json.error.field, field, q);
		}
		assert.equal((await judge.get('/api/records')).status, 403, 'a judge is not an organizer');
		assert.equal((await con.request(srv.url, 'GET', '/api/records')).status, 401);
	});

	test('exports: the ledger as XLSX and CSV, participation against the roster', async () => {
		const j = await job(organizer, { what: 'ledger', format: 'xlsx', unit: '华电集团' });
		assert.equal(j.status, 'done', JSON.stringify(j));
		assert.equal(j.kind, 'records_export');
		assert.equal(j.report.rows, 4);
		assert.equal(j.progress, 1);
		const { file, res } = await download(organizer, j.id, 'ledger.xlsx');
		assert.match(res.headers['content-disposition'], /attachment/);
		const x = openpyxl(file);
		assert.deepEqual(x.sheets, ['培训档案']);
		assert.equal(x.freeze, 'A2');
		assert.equal(x.count, 5);
		assert.deepEqual(x.rows[0].slice(0, 5), ['日期', '工号', '姓名', '单位', '类型']);
		const rowA = x.rows.find((r) => r[1] === 'R38-A' && r[4] === '现场竞赛');
		assert.equal(rowA[2], NAME_A);
		assert.equal(rowA[8], 200, 'the score is a number');
		assert.equal(rowA[14], 1, 'the rank is a number');
		assert.equal(rowA[17], 2);
		assert.equal(rowA[18], 1.5);
		assert.match(rowA[0], /^date:\d{4}-\d\d-\d\dT/, 'the date is a date');
		assert.equal(x.types[8], 'int');

		const c = await job(viewer, { what: 'ledger', format: 'csv', unit: '华电集团/二分厂' });
		assert.equal(c.status, 'done');
		const csv = (await download(viewer, c.id, 'ledger.csv')).res.raw;
		assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with BOM');
		const lines = csv.subarray(3).toString('utf8').trim().split('\r\n');
		assert.equal(lines[0].split(',')[0], 'Date', 'the viewer asked in English');
		assert.equal(lines.length, 3);
		assert.ok(lines.some((l) => l.includes(NAME_B) && l.includes('live contest')), lines.join('\n'));

		const p = await job(organizer, { what: 'participation', format: 'xlsx' });
		assert.equal(p.status, 'done', JSON.stringify(p));
		const px = openpyxl((await download(organizer, p.id, 'part.xlsx')).file);
		assert.deepEqual(px.sheets, ['参与情况']);
		const byUnit = Object.fromEntries(px.rows.slice(1).map((r) => [r[0], r]));
		const near = (row, want) => row.slice(1).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-9, `${row}`));
		near(byUnit['华电集团'], [1, 3, 2, 2 / 3, 4]);
		near(byUnit[UNIT_B], [3, 2, 1, 0.5, 2]);
		assert.equal((await srv.sql("SELECT count(*)::int AS n FROM audit.audit_log WHERE action = 'records.export'"))[0].n >= 3, true);
	});

	test('export refusals: bad fields, another account\'s job, a judge', async () => {
		for (const [body, field] of [[{ what: 'all' }, 'what'], [{ format: 'pdf' }, 'format'], [{ from: '2026-13-01' }, 'from'], [{ unit: 7 }, 'unit']]) {
			const r = await organizer.post('/api/records/exports', body);
			assert.equal(r.status, 400, JSON.stringify(body));
			if (field) assert.equal(r.json.error.field, field);
		}
		assert.equal((await judge.post('/api/records/exports', {})).status, 403);
		const j = await job(organizer, { what: 'participation', format: 'csv' });
		assert.equal((await viewer.get(`/api/jobs/${j.id}/file`)).status, 404, "another account's job");
		assert.equal((await admin.get(`/api/jobs/${j.id}/file`)).status, 200, 'an admin may');
	});

	test('100,000 ledger rows stream into an XLSX that openpyxl reads whole', async () => {
		await srv.psql(`INSERT INTO participants (contest_id, name, employee_no, unit, token_hash, score_milli)
			SELECT c.id, '工人' || g, 'BIG' || g, '华电集团/三分厂/班组' || (g % 50), 'big38-' || g, (g * 7919) % 100000
			FROM contests c, generate_series(1, 100000) g WHERE c.code = '${LIVE}'`);
		const t0 = Date.now();
		const j = await job(organizer, { what: 'ledger', format: 'xlsx', unit: '华电集团/三分厂' });
		const ms = Date.now() - t0;
		assert.equal(j.status, 'done', JSON.stringify(j));
		assert.equal(j.report.rows, 100000);
		const { file } = await download(organizer, j.id, 'big.xlsx');
		const x = openpyxl(file, 3);
		assert.equal(x.count, 100001);
		assert.deepEqual([x.types[8], x.types[14]], ['float', 'int'], 'score and rank are numbers');
		console.log(`# 100,000 ledger rows: export job ${ms} ms, ${(fs.statSync(file).size / 1048576).toFixed(1)} MiB`);
	});
});
