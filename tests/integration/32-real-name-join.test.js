'use strict';
// 32 real-name joining, on two processes: a contest's roster (mode, units),
// joins that match a worker of the roster (the unit from the roster, not
// typed) or not (not_in_roster, recorded as a join exception request), an
// organizer's approval on one process letting that employee number + name
// join on the other, inactive workers, back to open joining; the routes'
// refusals (wrong role, no CSRF token, bad fields, unknown contest) and
// their audit entries.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');

const CODE = 'SAFE2026';
const NOT_IN_ROSTER = '工号与姓名不在本次竞赛名单中，请联系组织者';
const NAME64 = '欧阳'.concat('娜'.repeat(62)); // 64 characters
let srv, admin, owner, viewer, judge, units;

/* Joins on process i; resolves to the joined message or the error. */
async function joinOn(i, name, extra = {}) {
	const c = await h.connect(srv.wsUrls[i]);
	try {
		return await c.request({ type: 'join', code: CODE, name, device_key: `device-${name.length}-${Math.random().toString(36).slice(2, 12)}`, ...extra }, 15000);
	} finally {
		await c.close();
	}
}

before(async () => {
	srv = await h.startServer({ processes: 2, args: ['--host-login-failures', '1000'] });
	[admin, owner, viewer, judge] = await con.staff(srv, [['owner', 'organizer'], ['viewer1', 'viewer'], ['judge1', 'judge']]);
	await con.crew(srv, CODE, owner, [[viewer, 'viewer'], [judge, 'judge']]);
	const workers = [
		['1001', '张三', '华电集团/一分厂/机修车间'],
		['1002', '李四', '华电集团/二分厂/运行车间'],
		['1003', '王五', '华电集团/一分厂/机修车间'],
		['1004', NAME64, '华电集团/一分厂/电工班'],
	];
	for (const [emp, name, unit] of workers) {
		const r = await owner.put(`/api/roster/workers/${emp}`, { name, unit });
		assert.equal(r.status, 201, r.body);
	}
	assert.equal((await owner.del('/api/roster/workers/1003')).status, 200);
	units = Object.fromEntries((await owner.get('/api/units?flat')).json.units.map((u) => [u.path, u.id]));
});
after(async () => { if (srv) await srv.stop(); });

describe("a contest's roster", () => {
	test('open by default: the whole roster, its active headcount', async () => {
		const r = await viewer.get(`/api/console/contests/${CODE}/roster`);
		assert.equal(r.status, 200, r.body);
		assert.deepEqual(r.json, { code: CODE, mode: 'open', units: [], headcount: 3, exceptions_pending: 0 });
	});

	test('PUT sets real-name joining for one branch; audited with before and after', async () => {
		const id = units['华电集团/一分厂'];
		const r = await owner.put(`/api/console/contests/${CODE}/roster`, { mode: 'roster', units: [id] });
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.mode, 'roster');
		assert.deepEqual(r.json.units, [{ id, path: '华电集团/一分厂', headcount: 2 }]);
		assert.equal(r.json.headcount, 2);
		const a = await con.waitAudit(srv, "action = 'contest.roster'");
		assert.equal(a[0].contest, CODE);
		assert.deepEqual(a[0].before, { mode: 'open', units: [] });
		assert.equal(a[0].after.mode, 'roster');
		assert.equal(a[0].actor, 'owner');
	});

	test('refusals: wrong role, no CSRF token, bad mode, unknown unit, not an array, unknown contest', async () => {
		const put = (c, body, o) => c.put(`/api/console/contests/${CODE}/roster`, body, o);
		assert.equal((await put(viewer, { mode: 'open' })).status, 403);
		assert.equal((await judge.get(`/api/console/contests/${CODE}/roster`)).status, 403);
		const nocsrf = await put(owner, { mode: 'open' }, { withCsrf: false });
		assert.equal(nocsrf.status, 403);
		assert.equal(nocsrf.json.error.code, 'csrf_failed');
		let r = await put(owner, { mode: 'closed' });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.field, 'mode');
		r = await put(owner, { units: [units['华电集团'], 999999] });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.field, 'units');
		assert.match(r.json.error.message, /999999/);
		r = await put(owner, { units: 'all' });
		assert.equal(r.json.error.field, 'units');
		r = await put(owner, { units: [1.5] });
		assert.equal(r.json.error.field, 'units');
		assert.equal((await admin.get('/api/console/contests/NOPE2026/roster')).status, 404);
		assert.equal((await admin.put('/api/console/contests/NOPE2026/roster', { mode: 'open' })).json.error.code, 'unknown_contest');
		const still = await owner.get(`/api/console/contests/${CODE}/roster`);
		assert.equal(still.json.mode, 'roster', 'nothing changed');
		assert.equal(still.json.units.length, 1);
	});
});

describe('joins', () => {
	test('a worker of the roster joins on either process; the unit is the roster\'s, not what was typed', async () => {
		const m = await joinOn(1, '张三', { employee_no: '1001', unit: '随便填的单位' });
		assert.equal(m.type, 'joined', JSON.stringify(m));
		assert.equal(m.unit, '华电集团/一分厂/机修车间');
		const row = await srv.sql("SELECT unit FROM participants WHERE employee_no = '1001'");
		assert.equal(row[0].unit, '华电集团/一分厂/机修车间');
		const long = await joinOn(0, NAME64, { employee_no: '1004' });
		assert.equal(long.type, 'joined', JSON.stringify(long));
		assert.equal(long.name, NAME64);
		assert.equal(long.unit, '华电集团/一分厂/电工班');
	});

	test('not in the roster: another unit, a wrong name, an inactive worker, no employee number', async () => {
		for (const [name, emp] of [['李四', '1002'], ['张四', '1001'], ['王五', '1003'], ['赵六', undefined]]) {
			const m = await joinOn(1, name, emp ? { employee_no: emp } : {});
			assert.equal(m.type, 'error', `${name}: ${JSON.stringify(m)}`);
			assert.equal(m.code, 'not_in_roster');
			assert.equal(m.message, NOT_IN_ROSTER);
		}
		const n = await srv.sql("SELECT count(*)::int AS n FROM participants WHERE name IN ('李四', '张四', '王五', '赵六')");
		assert.equal(n[0].n, 0, 'none of them joined');
	});

	test('each refused employee number waits as one request (the latest name while it waits)', async () => {
		await joinOn(0, '李四', { employee_no: '1002', unit: '二分厂' });
		const r = await owner.get(`/api/console/contests/${CODE}/exceptions?status=pending`);
		assert.equal(r.status, 200, r.body);
		const byEmp = Object.fromEntries(r.json.exceptions.map((e) => [e.employee_no, e]));
		assert.deepEqual(Object.keys(byEmp).sort(), ['1001', '1002', '1003']);
		assert.equal(byEmp['1002'].name, '李四');
		assert.equal(byEmp['1002'].attempts, 2);
		assert.equal(byEmp['1002'].unit, '二分厂');
		assert.equal(byEmp['1002'].decision, null);
		assert.equal(byEmp['1001'].name, '张四');
		assert.equal((await owner.get(`/api/console/contests/${CODE}/roster`)).json.exceptions_pending, 3);
	});

	test('an approval on process 1 lets that number and name join on process 2, with the typed unit', async () => {
		const r = await owner.post(`/api/console/contests/${CODE}/exceptions`, { employee_no: '1002', decision: 'approved' });
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.decision, 'approved');
		assert.equal(r.json.decided_by, 'owner');
		const m = await joinOn(1, '李四', { employee_no: '1002', unit: '二分厂运行车间' });
		assert.equal(m.type, 'joined', JSON.stringify(m));
		assert.equal(m.unit, '二分厂运行车间');
		const other = await joinOn(1, '李五', { employee_no: '1002' });
		assert.equal(other.code, 'not_in_roster', 'another name with the approved number');
		const a = await con.waitAudit(srv, "action = 'join.approve'");
		assert.equal(a[0].target, '1002');
		assert.equal(a[0].before.decision, null);
		assert.equal(a[0].after.decision, 'approved');
	});

	test('an organizer makes an exception nobody asked for, and rejects one', async () => {
		let r = await owner.post(`/api/console/contests/${CODE}/exceptions`, { employee_no: 'T-900', name: '外聘专家', unit: '外部单位／专家组', decision: 'approved' });
		assert.equal(r.status, 201, r.body);
		assert.equal(r.json.unit, '外部单位/专家组');
		r = await owner.post(`/api/console/contests/${CODE}/exceptions`, { employee_no: '1003', decision: 'rejected' });
		assert.equal(r.status, 200);
		assert.equal(r.json.decision, 'rejected');
		const m = await joinOn(0, '外聘专家', { employee_no: 'T-900' });
		assert.equal(m.type, 'joined', JSON.stringify(m));
		assert.equal(m.unit, '外部单位/专家组');
		assert.equal((await joinOn(0, '王五', { employee_no: '1003' })).code, 'not_in_roster');
		const all = await owner.get(`/api/console/contests/${CODE}/exceptions`);
		const rejected = all.json.exceptions.find((e) => e.employee_no === '1003');
		assert.equal(rejected.decision, 'rejected');
		assert.equal(rejected.name, '王五', 'a decided request keeps its name');
		await con.waitAudit(srv, "action = 'join.reject' AND target = '1003'");
	});

	test('exception refusals: wrong role, no CSRF token, bad fields, an unknown number without a name', async () => {
		const post = (c, body, o) => c.post(`/api/console/contests/${CODE}/exceptions`, body, o);
		assert.equal((await post(viewer, { employee_no: '1002', decision: 'approved' })).status, 403);
		assert.equal((await viewer.get(`/api/console/contests/${CODE}/exceptions`)).status, 403);
		assert.equal((await post(owner, { employee_no: '1002', decision: 'approved' }, { withCsrf: false })).json.error.code, 'csrf_failed');
		let r = await post(owner, { employee_no: '1002', decision: 'maybe' });
		assert.equal(r.json.error.field, 'decision');
		r = await post(owner, { employee_no: '10 02', decision: 'approved' });
		assert.equal(r.json.error.field, 'employee_no');
		r = await post(owner, { employee_no: '9999', name: '\u200b\u200b', decision: 'approved' });
		assert.equal(r.json.error.field, 'name');
		r = await post(owner, { employee_no: '9999', decision: 'approved' });
		assert.equal(r.status, 404);
		assert.equal(r.json.error.field, 'employee_no');
		r = await owner.get(`/api/console/contests/${CODE}/exceptions?status=maybe`);
		assert.equal(r.json.error.field, 'status');
	});

	test('back to open joining: anyone joins with what they typed', async () => {
		const r = await owner.put(`/api/console/contests/${CODE}/roster`, { mode: 'open', units: [] });
		assert.equal(r.json.mode, 'open');
		assert.deepEqual(r.json.units, []);
		const m = await joinOn(1, '临时工', { employee_no: '5555', unit: '外包' });
		assert.equal(m.type, 'joined', JSON.stringify(m));
		assert.equal(m.unit, '外包');
	});

	test('the whole roster (no units): every active worker, on both processes', async () => {
		await owner.put(`/api/console/contests/${CODE}/roster`, { mode: 'roster' });
		assert.equal((await owner.put('/api/roster/workers/1005', { name: '钱七', unit: '华电集团/二分厂/运行车间' })).status, 201);
		const m = await joinOn(0, '钱七', { employee_no: '1005' });
		assert.equal(m.type, 'joined', JSON.stringify(m));
		assert.equal(m.unit, '华电集团/二分厂/运行车间');
		assert.equal((await joinOn(1, '王五', { employee_no: '1003' })).code, 'not_in_roster', 'inactive');
		const again = await joinOn(1, '张三', { employee_no: '1001' });
		assert.equal(again.code, 'already_joined', 'on the roster, joined from another device');
	});
});
