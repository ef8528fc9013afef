'use strict';
// 34 the live monitor of a roster contest: who joined and who has not, by
// unit (headcounts and joins summed over subtrees), answers per question and
// per participant, online now, the two lists narrowed to a unit and paged;
// one summary shared by every poller for two seconds; access and bad
// parameters; an open contest has no "missing" list.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');

const CODE = 'SAFE2026';
const ANSWERS = h.contestAnswers();
const WORKERS = [
	['W1', '张一', '华电集团/一分厂/机修车间'], ['W2', '张二', '华电集团/一分厂/机修车间'],
	['W3', '张三', '华电集团/一分厂/机修车间'], ['W4', '李四', '华电集团/二分厂/运行车间'],
	['W5', '李五', '华电集团/二分厂/运行车间'], ['W6', '王六', '华电集团/二分厂/运行车间'],
];
let srv, admin, owner, viewer, judge, screen, units;
const players = {};

const monitor = (c, q = '') => c.get(`/api/console/contests/${CODE}/monitor${q}`);

before(async () => {
	srv = await h.startServer();
	[admin, owner, viewer, judge, screen] = await con.staff(srv, [['owner', 'organizer'], ['viewer1', 'viewer'],
		['judge1', 'judge'], ['screen1', 'screen']]);
	await con.crew(srv, CODE, owner, [[viewer, 'viewer'], [judge, 'judge'], [screen, 'screen']]);
	for (const [emp, name, unit] of WORKERS) assert.equal((await owner.put(`/api/roster/workers/${emp}`, { name, unit })).status, 201);
	await owner.del('/api/roster/workers/W6');
	units = Object.fromEntries((await owner.get('/api/units?flat')).json.units.map((u) => [u.path, u.id]));
	await owner.put(`/api/console/contests/${CODE}/roster`, { mode: 'roster' });
	for (const emp of ['W1', 'W2', 'W4']) {
		const w = WORKERS.find((x) => x[0] === emp);
		players[emp] = (await h.join(srv.wsUrl, w[1], { employee_no: emp })).c;
	}
});
after(async () => {
	for (const c of Object.values(players)) await c.close();
	if (srv) await srv.stop();
});

describe('the monitor', () => {
	test('who joined and who has not, by unit, summed over the tree', async () => {
		const r = await monitor(viewer);
		assert.equal(r.status, 200, r.body);
		const m = r.json;
		assert.equal(m.code, CODE);
		assert.equal(m.phase, 'lobby');
		assert.equal(m.players, 3);
		assert.equal(m.question_count, 10);
		assert.equal(m.roster.mode, 'roster');
		assert.equal(m.roster.headcount, 5);
		assert.equal(m.roster.joined, 3);
		const byPath = Object.fromEntries(m.roster.units.map((u) => [u.path, [u.headcount, u.joined]]));
		assert.deepEqual(byPath, {
			华电集团: [5, 3], '华电集团/一分厂': [3, 2], '华电集团/一分厂/机修车间': [3, 2],
			'华电集团/二分厂': [2, 1], '华电集团/二分厂/运行车间': [2, 1],
		});
		assert.deepEqual(m.missing.rows.map((w) => w.employee_no), ['W3', 'W5']);
		assert.equal(m.missing.total, 2);
		assert.deepEqual(m.participants.rows.map((p) => [p.employee_no, p.answered, p.unit]),
			[['W1', 0, '华电集团/一分厂/机修车间'], ['W2', 0, '华电集团/一分厂/机修车间'], ['W4', 0, '华电集团/二分厂/运行车间']]);
		assert.deepEqual(m.answered, [3]);
		assert.equal(m.questions.length, 10);
		assert.deepEqual(m.questions[0], { index: 0, qid: 'q1', answered: 0, correct: 0 });
	});

	test('online now: every connection of the contest', async () => {
		let m;
		for (let i = 0; i < 60; i++) {
			m = (await monitor(owner)).json;
			if (m.online === 3) break;
			await h.sleep(100);
		}
		assert.equal(m.online, 3);
	});

	test('answers per question and per participant; one summary shared by the pollers for 2 s', async () => {
		const host = await h.host(srv.wsUrl, srv.organizerToken);
		await h.hostCmd(host, 'start');
		for (const c of Object.values(players)) await c.next('question');
		assert.equal((await players.W1.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 })).type, 'ack');
		assert.equal((await players.W4.request({ type: 'answer', question_id: 'q1', response: (ANSWERS.q1 + 1) % 4 })).type, 'ack');
		await h.sleep(2100); // the summary of the first test is older than 2 s now
		const a = (await monitor(owner)).json, b = (await monitor(viewer)).json;
		assert.equal(a.computed_at, b.computed_at, 'the second poller got the same summary');
		assert.equal(a.phase, 'question');
		assert.equal(a.index, 0);
		assert.deepEqual(a.questions[0], { index: 0, qid: 'q1', answered: 2, correct: 1 });
		assert.deepEqual(a.answered, [1, 2]);
		assert.deepEqual(a.participants.rows.map((p) => p.answered), [1, 0, 1]);
		assert.ok(a.participants.rows[0].score > 0);
		await h.sleep(2100);
		const c = (await monitor(owner)).json;
		assert.notEqual(c.computed_at, a.computed_at, 'a new summary after 2 s');
		await host.close();
	});

	test('?unit narrows both lists; pages', async () => {
		const m = (await monitor(owner, `?unit=${units['华电集团/二分厂']}`)).json;
		assert.deepEqual(m.participants.rows.map((p) => p.employee_no), ['W4']);
		assert.deepEqual(m.missing.rows.map((w) => w.employee_no), ['W5']);
		assert.equal(m.roster.headcount, 5, 'the summary is the whole roster\'s');
		const p = (await monitor(owner, '?per_page=1&page=2')).json;
		assert.equal(p.participants.total, 3);
		assert.deepEqual(p.participants.rows.map((x) => x.employee_no), ['W2']);
		assert.deepEqual(p.missing.rows.map((x) => x.employee_no), ['W5']);
	});

	test('refusals: judge, screen operator, another organizer, anonymous; bad parameters; unknown contest', async () => {
		const other = await con.account(srv, admin, 'other', 'organizer');
		for (const c of [judge, screen, other]) assert.equal((await monitor(c)).status, 403);
		assert.equal((await monitor(con.client(srv.url))).status, 401);
		for (const [q, field, status] of [['?page=0', 'page', 400], ['?per_page=501', 'per_page', 400], ['?unit=999999', 'unit', 404], ['?unit=x', 'unit', 404]]) {
			const r = await monitor(owner, q);
			assert.equal(r.status, status, q);
			assert.equal(r.json.error.field, field, q);
		}
		const r = await admin.get('/api/console/contests/NOPE2026/monitor');
		assert.equal(r.status, 404);
		assert.equal(r.json.error.code, 'unknown_contest');
	});

	test('an open contest: no missing list; the roster units still count who joined', async () => {
		await owner.put(`/api/console/contests/${CODE}/roster`, { mode: 'open' });
		const m = (await monitor(owner)).json;
		assert.equal(m.missing, null);
		assert.equal(m.roster.mode, 'open');
		assert.equal(m.players, 3);
	});
});
