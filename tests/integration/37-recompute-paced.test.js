'use strict';
// 37 skillarena recompute of self-paced contests, played on two processes: an exam (papers drawn
// per participant with shuffled options, answers changed before the submission, best of two
// attempts, one participant with a 64-character Chinese name), a mass contest over a roster (the
// day board in Redis, units) and a practice contest (the wrong-answer notebook in and out).
// Nothing to report: exit 0 for each, with what was compared. Then, one at a time and put back:
// an exam answer's stored points, an attempt's stored score, a mass day board entry in Redis, a
// notebook row's streak and a practice answer's correctness are each reported exactly (kind,
// participant id and name, attempt number, question or day, stored and recomputed), exit 1, in
// text and JSON. The harness's stop recomputes every one of them again.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const sp = require('../lib/selfpaced.js');

const BANKS = ['safety'];
const bank = sp.bankQuestions(BANKS);
const DAY = 86400e3;
const LONG = '劳动竞赛安全生产知识考试参赛选手'.repeat(4);

const ROSTER_SQL = `
INSERT INTO units VALUES (1, NULL, '示范公司', '示范公司'), (2, 1, '一分厂', '示范公司/一分厂'), (3, 1, '二分厂', '示范公司/二分厂');
INSERT INTO workers (employee_no, name, unit_id, active) VALUES
  ('M1', '钱一', 2, true), ('M2', '钱二', 2, true), ('M3', '钱三', 3, true), ('M4', '钱四', 3, true);`;

function defs(now) {
	const base = { title: { 'zh-CN': '复算测试', en: 'Recompute (test)' }, scoring: { points: 1, time_factor: false } };
	return [
		{ ...base, code: 'EXAM37', mode: 'exam', window: sp.windowAround(now - 3600e3, now + 2 * DAY, 30), pass_mark: 50,
			attempts: { max: 2, counts: 'best' }, awards: { by: 'rank', tiers: [{ name: '一等奖', count: 1 }, { name: '二等奖', count: 1 }] },
			paper: { rules: [{ bank: 'safety', type: 'single_choice', count: 4 }], shuffle_questions: true, shuffle_options: true } },
		{ ...base, code: 'MASS37', mode: 'mass', window: sp.windowAround(now - 10 * DAY, now + 20 * DAY, 5), attempts: { per_day: 2 },
			leaderboards: { individual: true, unit: true },
			paper: { rules: [{ bank: 'safety', type: 'single_choice', count: 3 }], shuffle_questions: true, shuffle_options: true } },
		{ ...base, code: 'PRAC37', mode: 'practice', notebook: { leave_after: 2 },
			paper: { rules: [{ bank: 'safety', category: 'fire', type: 'single_choice', count: 2 }] } },
	];
}

describe('recompute: exam, mass and practice contests', () => {
	let srv, dir;
	const conns = [];
	const who = {}; // name -> participant id

	async function join(i, code, name, emp, unit = '') {
		const { c, joined } = await h.join(srv.wsUrls[i % 2], name, { code, employee_no: emp, unit });
		conns.push(c);
		who[`${code}:${name}`] = joined.participant_id;
		return c;
	}

	/** One attempt: the first `right` questions answered right (each first saved wrong: change 1, then 2). */
	async function play(c, right) {
		const a = await sp.ok(c, { type: 'attempt_start' }, 'attempt');
		for (let i = 0; i < a.count; i++) {
			const wrong = sp.keyOf(a.questions[i], bank, true);
			await sp.ok(c, { type: 'save', attempt_id: a.attempt_id, index: i, response: wrong, change: 1 }, 'saved');
			if (i < right) await sp.ok(c, { type: 'save', attempt_id: a.attempt_id, index: i, response: sp.keyOf(a.questions[i], bank), change: 2 }, 'saved');
		}
		return sp.ok(c, { type: 'submit', attempt_id: a.attempt_id }, 'result');
	}

	const recompute = (...args) => srv.cli(['recompute', ...args]);

	before(async () => {
		dir = sp.tempDir('37p');
		const files = defs(Date.now()).map((d) => sp.writeContest(dir, d, BANKS));
		srv = await h.startServer({ processes: 2, contests: files, args: sp.serverArgs(sp.clockFile(dir)) });
		await srv.psql(ROSTER_SQL);
	});
	after(async () => {
		for (const c of conns) await c.close();
		if (srv) await srv.stop();
	});

	test('an exam, a mass contest and a practice contest are played on two processes', async () => {
		assert.equal(LONG.length, 64);
		const e1 = await join(0, 'EXAM37', LONG, 'E1');
		const e2 = await join(1, 'EXAM37', '考生乙', 'E2');
		assert.equal((await play(e1, 3)).score, 3);
		assert.equal((await play(e1, 1)).counted.score, 3, 'the best of two counts');
		assert.equal((await play(e2, 2)).score, 2);
		const m1 = await join(0, 'MASS37', '钱一', 'M1');
		const m3 = await join(1, 'MASS37', '钱三', 'M3');
		await play(m1, 1);
		await play(m1, 3);
		await play(m3, 2);
		const p = await join(0, 'PRAC37', '学员丙', 'P1');
		const q = await sp.ok(p, { type: 'practice_start', category: 'fire' }, 'practice').then(() => sp.ok(p, { type: 'practice_next' }, 'practice_question'));
		const answer = async (question, wrong) => sp.ok(p, { type: 'answer', serve: question.serve, question_id: question.id, response: sp.keyOf(question, bank, wrong) }, 'feedback');
		assert.equal((await answer(q, true)).notebook.in, true);
		let left = false, others = 0;
		for (let i = 0; i < 40 && !(left && others >= 2); i++) {
			const n = await sp.ok(p, { type: 'practice_next' }, 'practice_question');
			if (n.id === q.id && !left) left = (await answer(n, false)).notebook.left;
			else if (n.id !== q.id && others < 2) others += !!(await answer(n, others === 0));
		}
		assert.ok(left, 'the question left the notebook after two right answers in a row');
		const book = await srv.sql("SELECT count(*)::int AS n FROM wrong_book WHERE worker = 'e:P1'");
		assert.equal(book[0].n, 1, 'one question still in the notebook');
	});

	test('nothing to report: exit 0 for each mode, everything compared', async () => {
		const ex = await recompute('EXAM37');
		assert.equal(ex.code, 0, ex.stdout + ex.stderr);
		assert.match(ex.stdout, /contest EXAM37: 3 attempts, 12 answers, 2 participants, 2 board entries, 0 day board entries, 0 unit rows, 0 result rows, 0 release rows compared: 0 differences/);
		const ms = await recompute('MASS37');
		assert.equal(ms.code, 0, ms.stdout + ms.stderr);
		assert.match(ms.stdout, /contest MASS37: 3 attempts, 9 answers, 2 participants, 2 board entries, 2 day board entries, [1-9]\d* unit rows, /);
		assert.doesNotMatch(ms.stdout, /not compared/);
		const pr = await recompute('PRAC37', '--json');
		assert.equal(pr.code, 0, pr.stdout + pr.stderr);
		const rep = JSON.parse(pr.stdout);
		assert.equal(rep.mode, 'practice');
		assert.deepEqual(rep.differences, []);
		assert.equal(rep.compared.practice, 5, JSON.stringify(rep.compared));
		assert.equal(rep.compared.notebook, 1, 'the entry in the notebook (the one that left is gone from both)');
	});

	test('an exam answer\'s stored points: that answer, its attempt and question', async () => {
		const pid = who[`EXAM37:${LONG}`];
		const [row] = await srv.sql(`SELECT x.attempt_id, x.question_idx, x.points_milli, t.paper->x.question_idx->>'q' AS qid
			FROM attempt_answers x JOIN attempts t ON t.id = x.attempt_id WHERE t.participant_id = ${pid} AND t.attempt_no = 2
			AND x.points_milli = 1000`);
		await srv.psql(`UPDATE attempt_answers SET points_milli = 1500 WHERE attempt_id = ${row.attempt_id} AND question_idx = ${row.question_idx}`);
		const r = await recompute('EXAM37');
		assert.equal(r.code, 1, r.stdout + r.stderr);
		const lines = r.stdout.trim().split('\n');
		assert.deepEqual(lines.slice(0, -1), [`answer.points: participant ${pid} ${LONG} attempt 2 question ${row.qid}: stored 1.5, recomputed 1`]);
		assert.match(lines.at(-1), /compared: 1 difference$/);
		const j = JSON.parse((await recompute('EXAM37', '--json')).stdout);
		assert.deepEqual(j.differences, [{ what: 'answer.points', participant_id: pid, name: LONG, attempt_no: 2, question_id: row.qid, stored: '1.5', recomputed: '1' }]);
		await srv.psql(`UPDATE attempt_answers SET points_milli = 1000 WHERE attempt_id = ${row.attempt_id} AND question_idx = ${row.question_idx}`);
	});

	test('an attempt\'s stored score', async () => {
		const pid = who['EXAM37:考生乙'];
		await srv.psql(`UPDATE attempts SET score_milli = 4000 WHERE participant_id = ${pid}`);
		const r = await recompute('EXAM37');
		assert.equal(r.code, 1);
		assert.match(r.stdout, new RegExp(`^attempt.score: participant ${pid} 考生乙 attempt 1: stored 4, recomputed 2$`, 'm'));
		assert.match(r.stdout, /compared: 1 difference$/m);
		await srv.psql(`UPDATE attempts SET score_milli = 2000 WHERE participant_id = ${pid}`);
	});

	test('a mass day board entry in Redis', async () => {
		const pid = who['MASS37:钱三'];
		const [{ day }] = await srv.sql(`SELECT day::text FROM attempts WHERE participant_id = ${pid}`);
		const member = String(999999999999 - pid).padStart(12, '0');
		const key = `sa:MASS37:lbd:${day}`;
		const z = await srv.redis('ZSCORE', key, member);
		await srv.redis('ZADD', key, String(Number(z) + 1000 * 4194304), member); // one point more (store/lb.c)
		const r = await recompute('MASS37');
		assert.equal(r.code, 1, r.stdout + r.stderr);
		const lines = r.stdout.trim().split('\n');
		assert.equal(lines.length, 2, r.stdout);
		const ds = Math.max(1, Math.floor((await srv.sql(`SELECT duration_ms FROM attempts WHERE participant_id = ${pid}`))[0].duration_ms / 100));
		assert.equal(lines[0], `day.score: participant ${pid} 钱三 day ${day}: stored 3 at ${ds} ds, recomputed 2 at ${ds} ds`);
		await srv.redis('ZADD', key, z, member);
		assert.equal((await recompute('MASS37')).code, 0);
	});

	test('a notebook row and a practice answer', async () => {
		const pid = who['PRAC37:学员丙'];
		const [b] = await srv.sql("SELECT question_key, question_id, wrong, right_streak FROM wrong_book WHERE worker = 'e:P1'");
		await srv.psql(`UPDATE wrong_book SET right_streak = ${b.right_streak + 1} WHERE worker = 'e:P1' AND question_key = '${b.question_key}'`);
		let r = await recompute('PRAC37');
		assert.equal(r.code, 1, r.stdout + r.stderr);
		assert.deepEqual(r.stdout.trim().split('\n').slice(0, -1), [`notebook.streak: participant ${pid} 学员丙 question ${b.question_id}: ` +
			`stored in (wrong ${b.wrong}, right streak ${b.right_streak + 1}), recomputed in (wrong ${b.wrong}, right streak ${b.right_streak})`]);
		await srv.psql(`UPDATE wrong_book SET right_streak = ${b.right_streak} WHERE worker = 'e:P1'`);
		const [a] = await srv.sql(`SELECT serve, question_id FROM practice_answers WHERE contest_id = (SELECT id FROM contests WHERE code = 'PRAC37') AND correctness = 2 ORDER BY answered_ms LIMIT 1`);
		await srv.psql(`UPDATE practice_answers SET correctness = 0 WHERE serve = '${a.serve}'`);
		r = await recompute('PRAC37');
		assert.equal(r.code, 1);
		assert.match(r.stdout, new RegExp(`^practice.correctness: participant ${pid} 学员丙 question ${a.question_id.replace('.', '\\.')}: stored wrong, recomputed correct$`, 'm'));
		await srv.psql(`UPDATE practice_answers SET correctness = 2 WHERE serve = '${a.serve}'`);
		assert.equal((await recompute('PRAC37')).code, 0, 'put back: nothing to report');
	});
});
