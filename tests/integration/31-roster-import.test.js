'use strict';
// 31 roster import (POST /api/roster/import), on two processes: an XLSX
// written by openpyxl (Chinese sheet names, an instructions sheet skipped,
// 64-character Chinese names, unit paths 公司/分厂/车间/班组, a full-width
// ／, a number cell as the employee number), a GBK CSV merged in and a
// UTF-8 CSV with a BOM replacing the roster (workers updated, left alone,
// made inactive and back), a file with bad rows refused whole with every row
// located and nothing changed, the template workbook imported as it is, an
// import on one process and a real-name join on the other, two imports at
// once (one at a time), the audit entries in PostgreSQL; the refusals (wrong
// role, no CSRF token, too large, empty body, bad parameters).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');
const { rawRequest } = require('../lib/rawhttp.js');
const { py, writeXlsx: xlsx } = require('../lib/xlsx.js');

const CODE = 'SAFE2026';
const NAME64 = '欧阳'.concat('娜'.repeat(62)); // 64 characters
const UNIT4 = '华电集团/一分厂/机修车间/电工班';
let srv, admin, owner, viewer, judge;

/* CSV text encoded by Python's codec (gbk, utf-8-sig, ...). */
function encode(text, codec) {
	return py(['-c', `import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('utf-8').encode('${codec}'))`],
		Buffer.from(text, 'utf8'));
}

const csv = (rows) => rows.map((r) => r.map((c) => (c === null ? '' : String(c))).join(',')).join('\r\n') + '\r\n';

/* Imports a file, polls its job to the end; resolves to {job, ms, progress: [values seen]}. */
async function importFile(c, file, query = '') {
	const t0 = Date.now();
	const r = await c.post(`/api/roster/import?${query}`, file);
	assert.equal(r.status, 202, r.body);
	assert.equal(r.json.job.kind, 'roster_import');
	assert.equal(r.json.job.status, 'queued');
	const seen = [];
	for (let i = 0; i < 2400; i++) {
		const j = await c.get(`/api/jobs/${r.json.job.id}`);
		assert.equal(j.status, 200, j.body);
		if (!seen.length || seen[seen.length - 1] !== j.json.progress) seen.push(j.json.progress);
		if (j.json.status === 'done' || j.json.status === 'failed') return { job: j.json, ms: Date.now() - t0, progress: seen };
		await h.sleep(25);
	}
	throw new Error('the import did not finish');
}

/* Every worker and unit as PostgreSQL holds them (to see that nothing changed). */
async function snapshot() {
	return {
		workers: await srv.sql('SELECT employee_no, name, unit_id, phone_tail, active, updated_at::text FROM workers ORDER BY employee_no'),
		units: await srv.sql('SELECT id, parent_id, name, path FROM units ORDER BY id'),
	};
}

/* The distinct unit paths of paths with every ancestor. */
function levels(paths) {
	const out = new Set();
	for (const p of paths) {
		const s = p.split('/');
		for (let i = 1; i <= s.length; i++) out.add(s.slice(0, i).join('/'));
	}
	return out;
}

const worker = async (emp) => (await srv.sql(`SELECT w.name, u.path, w.phone_tail, w.active FROM workers w JOIN units u ON u.id = w.unit_id WHERE employee_no = '${emp}'`))[0];

before(async () => {
	srv = await h.startServer({ processes: 2, args: ['--host-login-failures', '1000'] });
	[admin, owner, viewer, judge] = await con.staff(srv, [['r-owner', 'organizer'], ['r-viewer', 'viewer'], ['r-judge', 'judge']]);
	await con.crew(srv, CODE, owner);
});
after(async () => { if (srv) await srv.stop(); });

/* The first workbook: 60 workers on two sheets, the instructions sheet first. */
const BRANCH = [['A0001', NAME64, UNIT4, '0137'], ['A0002', '张三', '华电集团/一分厂/机修车间/钳工班', null],
	['A0003', '李四', '华电集团／二分厂／运行车间', null], [1024001, '王五', '华电集团/二分厂/运行车间/一值', '5678']];
for (let i = 1; i <= 30; i++) BRANCH.push([`A1${String(i).padStart(3, '0')}`, `职工${i}号`, `华电集团/一分厂/检修车间/${i % 3 + 1}班`, null]);
const SECOND = [];
for (let i = 1; i <= 26; i++) SECOND.push([`B${i}`, `${'司马'}${String.fromCharCode(0x4e00 + i)}`, `华电集团/三分厂/燃料车间/输煤${i % 2 + 1}班`]);

describe('imports', () => {
	test('an XLSX from openpyxl: Chinese sheets, the instructions skipped, 64-character names, 4-level units', async () => {
		const book = await xlsx([
			{ name: '填写说明', rows: [['名册填写说明'], ['每行一名职工，工号不能重复。']] },
			{ name: '一分厂花名册', rows: [['工号', '姓名', '单位', '手机尾号（选填）'], ...BRANCH] },
			{ name: '三分厂', rows: [[null], ['员工编号', '职工姓名', '所属单位', '备注'], ...SECOND.map((r) => [...r, '其他列不读'])] },
		]);
		const { job, progress } = await importFile(owner, book, `filename=${encodeURIComponent('名册.xlsx')}`);
		assert.equal(job.status, 'done', JSON.stringify(job.report));
		assert.equal(job.progress, 1);
		assert.ok(progress.every((p, i) => i === 0 || p >= progress[i - 1]), `progress only grows: ${progress}`);
		const r = job.report;
		assert.equal(r.file, '名册.xlsx');
		assert.equal(r.format, 'xlsx');
		assert.equal(r.mode, 'merge');
		assert.deepEqual(r.sheets, [
			{ name: '填写说明', skipped: true },
			{ name: '一分厂花名册', header_row: 1, rows: 34, columns: { employee_no: 'A', name: 'B', unit: 'C', phone_tail: 'D' } },
			{ name: '三分厂', header_row: 2, rows: 26, columns: { employee_no: 'A', name: 'B', unit: 'C' } },
		]);
		const paths = [...BRANCH, ...SECOND].map((w) => w[2].replace(/／/g, '/'));
		assert.deepEqual([r.rows, r.accepted, r.refused, r.added, r.updated, r.unchanged, r.deactivated],
			[60, 60, 0, 60, 0, 0, 0]);
		assert.equal(r.units_added, levels(paths).size);
		assert.equal(r.imported, true);
		assert.ok(r.seconds >= 0 && r.seconds < 60, String(r.seconds));
		assert.deepEqual(await worker('A0001'), { name: NAME64, path: UNIT4, phone_tail: '0137', active: true });
		assert.deepEqual(await worker('A0003'), { name: '李四', path: '华电集团/二分厂/运行车间', phone_tail: null, active: true });
		assert.deepEqual(await worker('1024001'), { name: '王五', path: '华电集团/二分厂/运行车间/一值', phone_tail: '5678', active: true });
		const units = (await owner.get('/api/units?flat')).json;
		assert.equal(units.total, 60);
		const by = Object.fromEntries(units.units.map((u) => [u.path, u]));
		assert.equal(by['华电集团'].headcount, 60);
		assert.equal(by['华电集团/二分厂'].headcount, 2);
		assert.equal(by[UNIT4].depth, 4);
		assert.equal(by[UNIT4].parent_id, by['华电集团/一分厂/机修车间'].id);
		const a = await con.waitAudit(srv, "action = 'roster.import'");
		assert.equal(a[0].actor, 'r-owner');
		assert.equal(a[0].target, '名册.xlsx');
		assert.deepEqual([a[0].after.added, a[0].after.units_added, a[0].after.imported, a[0].after.job], [60, r.units_added, true, job.id]);
	});

	test('a GBK CSV merged in: one added, one updated, one left alone (its updated_at kept)', async () => {
		const kept = (await srv.sql("SELECT updated_at::text AS t FROM workers WHERE employee_no = 'A0003'"))[0].t;
		const file = await encode(csv([['工号', '姓名', '单位', '手机尾号'], ['A0002', '张三', '华电集团/一分厂/运行车间', '0001'],
			['A0003', '李四', '华电集团/二分厂/运行车间', ''], ['C0001', NAME64, '华电集团/四分厂/化学车间/水处理班', '']]), 'gbk');
		assert.ok(!file.toString('utf8').includes('张三'), 'the file really is GBK');
		const { job } = await importFile(owner, file, 'filename=gbk.csv');
		assert.equal(job.status, 'done', JSON.stringify(job.report));
		const r = job.report;
		assert.equal(r.format, 'csv');
		assert.deepEqual([r.rows, r.added, r.updated, r.unchanged, r.deactivated, r.units_added], [3, 1, 1, 1, 0, 4]);
		assert.deepEqual(await worker('A0002'), { name: '张三', path: '华电集团/一分厂/运行车间', phone_tail: '0001', active: true });
		assert.deepEqual(await worker('C0001'), { name: NAME64, path: '华电集团/四分厂/化学车间/水处理班', phone_tail: null, active: true });
		assert.equal((await srv.sql("SELECT updated_at::text AS t FROM workers WHERE employee_no = 'A0003'"))[0].t, kept);
	});

	test('a UTF-8 CSV with a BOM replaces the roster: the missing made inactive, an inactive one back', async () => {
		assert.equal((await owner.del('/api/roster/workers/A0003')).status, 200);
		const active = (await srv.sql('SELECT count(*)::int AS n FROM workers WHERE active'))[0].n;
		const file = await encode(csv([['employee no', 'Name', 'Unit Path'], ['A0001', NAME64, UNIT4], ['A0003', '李四', '华电集团/二分厂/运行车间'],
			['D0001', '新职工', '华电集团/一分厂/机修车间/电工班']]), 'utf-8-sig');
		assert.equal(file[0], 0xef, 'a BOM');
		const { job } = await importFile(owner, file, 'filename=replace.csv&mode=replace');
		assert.equal(job.status, 'done', JSON.stringify(job.report));
		const r = job.report;
		assert.equal(r.mode, 'replace');
		// A0001 loses its phone tail (the file has none): updated; A0003 comes back: updated
		assert.deepEqual([r.added, r.updated, r.unchanged, r.deactivated, r.units_added], [1, 2, 0, active - 1, 0]);
		const now = await srv.sql('SELECT employee_no FROM workers WHERE active ORDER BY 1');
		assert.deepEqual(now.map((w) => w.employee_no), ['A0001', 'A0003', 'D0001']);
		assert.equal((await srv.sql('SELECT count(*)::int AS n FROM workers'))[0].n, 62, 'nobody deleted');
		const units = (await owner.get('/api/units?flat')).json;
		assert.equal(units.total, 3);
		const a = await con.waitAudit(srv, "action = 'roster.import' AND after->>'mode' = 'replace'");
		assert.equal(a[0].after.deactivated, active - 1);
	});

	test('bad rows: the job fails listing each with sheet, row, column and reason; nothing changes', async () => {
		const was = await snapshot();
		const book = await xlsx([
			{ name: '说明', rows: [['请按模板填写']] },
			{ name: '花名册', rows: [['工号', '姓名', '单位', '手机尾号'],
				['E1', '王一', '华电集团/一分厂', null],
				['E1', '王二', '华电集团/一分厂', null],
				['E3', null, '华电集团/一分厂', null],
				['E4', '王四', '华电集团//一分厂', null],
				['E5', '王'.repeat(65), '华电集团', null],
				['E6', '王六', '华电集团/一分厂', '12345'],
				['E 7', '王七', `华电集团/${'车'.repeat(65)}`, null]] },
		]);
		const { job } = await importFile(owner, book, `filename=${encodeURIComponent('坏名册.xlsx')}&mode=replace`);
		assert.equal(job.status, 'failed');
		const r = job.report;
		assert.deepEqual([r.rows, r.accepted, r.refused, r.imported], [7, 1, 6, false]);
		assert.equal(r.added, undefined, 'nothing counted as imported');
		const got = r.problems.map((p) => [p.sheet, p.row, p.column, p.field, p.code]);
		assert.deepEqual(got, [
			['花名册', 3, 'A', 'employee_no', 'duplicate'],
			['花名册', 4, 'B', 'name', 'empty'],
			['花名册', 5, 'C', 'unit', 'bad_path'],
			['花名册', 6, 'B', 'name', 'too_long'],
			['花名册', 7, 'D', 'phone_tail', 'invalid'],
			['花名册', 8, 'A', 'employee_no', 'invalid'],
			['花名册', 8, 'C', 'unit', 'bad_path'],
		]);
		assert.match(r.problems[0].message, /E1.*第 2 行重复/);
		assert.match(r.problems[0].message_en, /repeats row 2/);
		assert.equal(r.problems[3].message, '姓名超过 64 个字符');
		assert.ok(r.problems.every((p) => p.message && p.message_en));
		assert.deepEqual(await snapshot(), was, 'workers and units unchanged');
		const a = await con.waitAudit(srv, "action = 'roster.import' AND after->>'imported' = 'false'");
		assert.equal(a[0].after.refused, 6);
		assert.equal(a[0].target, '坏名册.xlsx');
	});

	test('a file that is not a roster: one bad_file problem; nothing changes', async () => {
		const was = await snapshot();
		for (const [file, q] of [[Buffer.from('PK\x03\x04 not really a zip'), 'filename=x.xlsx'],
			[await xlsx([{ name: '表一', rows: [['工号', '姓名'], ['F1', '某某']] }]), ''],
			[Buffer.from('a,b,c\r\n1,2,3\r\n'), 'format=csv']]) {
			const { job } = await importFile(owner, file, q);
			assert.equal(job.status, 'failed', JSON.stringify(job.report));
			assert.equal(job.report.problems.length, 1, JSON.stringify(job.report.problems));
			assert.equal(job.report.problems[0].code, 'bad_file');
		}
		assert.deepEqual(await snapshot(), was);
	});

	test('the template workbook imports as it is', async () => {
		const t = await owner.get('/api/roster/template.xlsx');
		assert.equal(t.status, 200);
		const { job } = await importFile(owner, t.raw, `filename=${encodeURIComponent('名册模板.xlsx')}`);
		assert.equal(job.status, 'done', JSON.stringify(job.report));
		assert.deepEqual(job.report.sheets.map((s) => [s.name, !!s.skipped]), [['花名册', false], ['填写说明', true]]);
		// 1024001 was 王五 and made inactive by the replace: now 张三 again, active
		assert.deepEqual([job.report.rows, job.report.added, job.report.updated], [2, 1, 1]);
		assert.deepEqual(await worker('1024001'), { name: '张三', path: '华电集团/一分厂/机修车间/电工班', phone_tail: '0137', active: true });
	});
});

describe('two processes', () => {
	test('imported on one process, joined by real name on the other', async () => {
		const p2 = con.client(srv.urls[1], { session: owner.session, csrf: owner.csrf });
		const file = Buffer.from(csv([['工号', '姓名', '单位'], ['G0001', '赵六', '华电集团/五分厂/运行车间/一值']]));
		const { job } = await importFile(p2, file, 'filename=g.csv');
		assert.equal(job.status, 'done', JSON.stringify(job.report));
		let r = await owner.put(`/api/console/contests/${CODE}/roster`, { mode: 'roster', units: [] });
		assert.equal(r.status, 200, r.body);
		const c = await h.connect(srv.wsUrls[0]);
		try {
			const m = await c.request({ type: 'join', code: CODE, name: '赵六', employee_no: 'G0001', unit: '随便', device_key: 'dev-g0001-roster' }, 15000);
			assert.equal(m.type, 'joined', JSON.stringify(m));
			assert.equal(m.unit, '华电集团/五分厂/运行车间/一值');
		} finally {
			await c.close();
		}
		r = await owner.put(`/api/console/contests/${CODE}/roster`, { mode: 'open' });
		assert.equal(r.status, 200);
	});

	test('two imports at once, one on each process: one at a time, the second finds them all in place', async () => {
		const rows = [['工号', '姓名', '单位']];
		for (let i = 0; i < 2000; i++) rows.push([`H${i}`, `并发${i}`, `华电集团/六分厂/车间${i % 7}`]);
		const file = Buffer.from(csv(rows));
		const p2 = con.client(srv.urls[1], { session: owner.session, csrf: owner.csrf });
		const [a, b] = await Promise.all([importFile(owner, file, 'filename=a.csv'), importFile(p2, file, 'filename=b.csv')]);
		assert.equal(a.job.status, 'done', JSON.stringify(a.job.report));
		assert.equal(b.job.status, 'done', JSON.stringify(b.job.report));
		const counts = [a, b].map((x) => [x.job.report.added, x.job.report.unchanged, x.job.report.units_added]).sort();
		assert.deepEqual(counts, [[0, 2000, 0], [2000, 0, 8]]);
		assert.equal((await srv.sql("SELECT count(*)::int AS n FROM workers WHERE employee_no LIKE 'H%'"))[0].n, 2000);
	});
});

describe('refusals', () => {
	test('wrong role, no CSRF token, anonymous, empty body, bad parameters, too large: no job made', async () => {
		const jobs = async () => (await srv.sql("SELECT count(*)::int AS n FROM jobs WHERE kind = 'roster_import'"))[0].n;
		const n = await jobs();
		const file = Buffer.from(csv([['工号', '姓名', '单位'], ['Z1', '某人', '华电集团']]));
		assert.equal((await viewer.post('/api/roster/import', file)).status, 403);
		assert.equal((await judge.post('/api/roster/import', file)).status, 403);
		assert.equal((await con.client(srv.url).post('/api/roster/import', file)).status, 401);
		let r = await owner.post('/api/roster/import', file, { withCsrf: false });
		assert.equal(r.status, 403);
		assert.equal(r.json.error.code, 'csrf_failed');
		r = await owner.post('/api/roster/import', Buffer.alloc(0));
		assert.equal(r.status, 400, r.body);
		assert.equal(r.json.error.field, 'file');
		for (const [q, field] of [['mode=append', 'mode'], ['format=pdf', 'format'], ['encoding=latin1', 'encoding'],
			[`filename=${'x'.repeat(300)}`, 'filename']]) {
			r = await owner.post(`/api/roster/import?${q}`, file);
			assert.equal(r.status, 400, q);
			assert.equal(r.json.error.field, field, q);
		}
		const big = await rawRequest(srv.port || Number(new URL(srv.url).port),
			`POST /api/roster/import HTTP/1.1\r\nHost: x\r\nCookie: sa_session=${owner.session}\r\nX-CSRF-Token: ${owner.csrf}\r\n` +
			`Content-Type: application/octet-stream\r\nContent-Length: ${(64 << 20) + 1}\r\n\r\n`, { ms: 5000 });
		assert.equal(big.responses[0].status, 413, big.raw);
		assert.equal(big.responses[0].json.error.code, 'too_large');
		assert.equal(await jobs(), n, 'no job was made');
		assert.equal((await srv.sql("SELECT count(*)::int AS n FROM workers WHERE employee_no = 'Z1'"))[0].n, 0);
	});
});
