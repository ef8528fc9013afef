'use strict';
// 37 skillarena recompute: a live contest of every question type, with the
// time factor, a streak bonus and negative marking, played on two processes
// by participants who answer right, wrong, partly right or not at all (one
// with a 64-character Chinese name). recompute derives every answer's
// points again from the stored responses and finds nothing to report (exit
// 0, the Redis board and contest_results compared too); then one answer's
// points are changed with psql and the report names exactly that answer
// (participant id, name, question, stored and recomputed points), exit 1,
// in text and in JSON; a changed total and a changed board entry are
// reported as such; an unknown contest is refused (exit 2); and the
// harness's stop, which recomputes every contest with answers, throws the
// report when a stored point does not add up.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');

const CODE = 'RECOMP26';
const LONG = '职'.repeat(30) + '工技能竞赛参赛者名字很长的测试用例第三十四个字符开始还要继续写满六十四个汉字为止好了吧嗯嗯'.slice(0, 34);
const RIGHT = { e1: 1, e2: false, e3: [0, 1, 2], e4: 2, e5: [1, 0, 2], e6: [2, 3, 0, 1], e7: ['30'] };
const OTHER = { e1: 0, e2: true, e3: [0, 1], e4: 5, e5: [0, 1, 2], e6: [2, 3, 1, 0], e7: ['15'] };
// name, employee number, plan per question: r right, o other (wrong or partly right), - none
const PLAYERS = [
	['张三', 'C-001', 'rrrrrrr'], ['李四', 'C-002', 'rrorr-r'], [LONG, 'C-003', 'oorrrrr'],
	['王五', 'C-004', '-o-o-o-'], ['赵六', 'C-005', '-------'],
];
const QIDS = Object.keys(RIGHT);
let srv;
const players = [];

function recompute(...args) {
	return srv.cli(['recompute', ...args]);
}

before(async () => {
	srv = await h.startServer({ processes: 2, contests: [h.DEMO_CONTEST, 'tests/integration/data/recompute.json'] });
	for (const [i, [name, emp]] of PLAYERS.entries()) {
		const { c } = await h.join(srv.wsUrls[i % 2], name, { code: CODE, employee_no: emp, unit: `一分厂/车间${i % 2}` });
		players.push({ c, name, emp });
	}
});
after(async () => {
	for (const p of players) await p.c.close();
	if (srv) await srv.stop();
});

describe('recompute', () => {
	test('a contest is played on two processes', async () => {
		assert.equal(LONG.length, 64);
		await h.playPlans(srv, CODE, players, QIDS, PLAYERS.map((p) => p[2]), RIGHT, OTHER);
		const neg = await srv.sql(`SELECT count(*)::int AS n FROM answers WHERE points_milli < 0`);
		assert.ok(neg[0].n > 0, 'negative marking gave negative points');
		const bonus = await srv.sql(`SELECT count(*)::int AS n FROM answers WHERE points_milli > 1000`);
		assert.ok(bonus[0].n > 0, 'the streak bonus was given');
	});

	test('nothing to report: exit 0, everything compared', async () => {
		const owner = await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1').then(() => con.login(srv.url, 'admin', 'Admin-pass-1'));
		assert.equal((await owner.get(`/api/console/contests/${CODE}/results`)).status, 200, 'contest_results built');
		const r = await recompute(CODE);
		assert.equal(r.code, 0, r.stdout + r.stderr);
		assert.match(r.stdout, /contest RECOMP26: 23 answers, 5 participants, 5 board entries, 5 result rows, 0 release rows compared: 0 differences/);
		const j = await recompute(CODE, '--json');
		assert.equal(j.code, 0, j.stderr);
		const rep = JSON.parse(j.stdout);
		assert.deepEqual(rep.differences, []);
		assert.deepEqual(rep.not_compared, []);
		assert.equal(rep.compared.answers, 23);
		assert.equal(rep.compared.board, 5);
		assert.equal(rep.compared.results, 5);
	});

	test('one answer\'s points changed: exactly that answer is reported, exit 1', async () => {
		const [row] = await srv.sql(`SELECT a.participant_id AS pid, a.points_milli AS pts FROM answers a
			JOIN participants p ON p.id = a.participant_id WHERE p.employee_no = 'C-003' AND a.question_id = 'e5'`);
		await srv.psql(`UPDATE answers SET points_milli = points_milli + 7 WHERE participant_id = ${row.pid} AND question_id = 'e5'`);
		const r = await recompute(CODE);
		assert.equal(r.code, 1, r.stderr);
		const stored = ((Number(row.pts) + 7) / 1000).toString(), computed = (Number(row.pts) / 1000).toString();
		assert.equal(r.stdout,
			`answer.points: participant ${row.pid} ${LONG} question e5: stored ${stored}, recomputed ${computed}\n` +
			'contest RECOMP26: 23 answers, 5 participants, 5 board entries, 5 result rows, 0 release rows compared: 1 difference\n');
		const j = JSON.parse((await recompute(CODE, '--json')).stdout);
		assert.deepEqual(j.differences, [{ what: 'answer.points', participant_id: Number(row.pid), name: LONG, question_id: 'e5', stored, recomputed: computed }]);
		await srv.psql(`UPDATE answers SET points_milli = points_milli - 7 WHERE participant_id = ${row.pid} AND question_id = 'e5'`);
		assert.equal((await recompute(CODE)).code, 0);
	});

	test('a total, a correctness and a board entry changed: each reported', async () => {
		const [p] = await srv.sql(`SELECT id, score_milli FROM participants WHERE employee_no = 'C-001'`);
		await srv.psql(`UPDATE participants SET score_milli = score_milli - 1000 WHERE id = ${p.id}`);
		await srv.psql(`UPDATE answers SET correctness = 0 WHERE participant_id = ${p.id} AND question_id = 'e1'`);
		const r = await recompute(CODE, '--json');
		assert.equal(r.code, 1);
		const what = JSON.parse(r.stdout).differences.map((d) => `${d.what} ${d.participant_id} ${d.question_id}`);
		assert.deepEqual(what, [`answer.correctness ${p.id} e1`, `participant.total ${p.id} null`]);
		await srv.psql(`UPDATE participants SET score_milli = score_milli + 1000 WHERE id = ${p.id}`);
		await srv.psql(`UPDATE answers SET correctness = 2 WHERE participant_id = ${p.id} AND question_id = 'e1'`);
		const member = String(999999999999 - Number(p.id)).padStart(12, '0');
		await srv.redis('ZADD', `sa:${CODE}:lb`, '1', member);
		const b = await recompute(CODE);
		assert.equal(b.code, 1);
		assert.match(b.stdout, new RegExp(`^board.score: participant ${p.id} 张三: stored 0 at \\d+ ds, recomputed \\S+ at \\d+ ds\n`));
		const [q] = await srv.sql(`SELECT score_milli::text AS s, reached_ds::text AS ds FROM participants WHERE id = ${p.id}`);
		const slots = 1n << 22n;
		await srv.redis('ZADD', `sa:${CODE}:lb`, String(BigInt(q.s) * slots + slots - 1n - BigInt(q.ds)), member);
		assert.equal((await recompute(CODE)).code, 0, 'the board put back');
	});

	test('refusals: an unknown code, no code (exit 2)', async () => {
		const u = await recompute('NOSUCH99');
		assert.equal(u.code, 2);
		assert.match(u.stderr, /no contest has the code NOSUCH99/);
		const n = await recompute();
		assert.equal(n.code, 2);
		assert.match(n.stderr, /a contest code is needed/);
	});

	test('the harness fails a test whose stored results do not add up: srv.stop() throws the report', async () => {
		await srv.psql(`UPDATE answers SET points_milli = points_milli + 1 WHERE question_id = 'e1'
			AND participant_id = (SELECT min(participant_id) FROM answers WHERE question_id = 'e1')`);
		for (const p of players.splice(0)) await p.c.close();
		await assert.rejects(srv.stop(), /skillarena recompute RECOMP26 exited 1:\nanswer\.points: participant \d+ \S+ question e1: stored /);
	});
});
