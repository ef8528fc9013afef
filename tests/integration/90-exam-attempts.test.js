'use strict';
// 90 exam attempts: the participant's own paper (drawn as `skillarena draw` draws it, stored,
// the same on another process and after a restart), saves and changes (acknowledged after the
// commit, idempotent retries, the highest change counts, conflicts), flags, review, submit and
// the result with the key, attempt limits, best-of scoring and the leaderboard.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const h = require('../lib/harness.js');
const sp = require('../lib/selfpaced.js');

const BANKS = ['safety'];
const bank = sp.bankQuestions(BANKS);

function contest(code, extra = {}) {
	const now = Date.now();
	return {
		code,
		title: { 'zh-CN': '安全考试（测试）', en: 'Safety exam (test)' },
		mode: 'exam',
		window: sp.windowAround(now - 3600e3, now + 2 * 86400e3, 30),
		scoring: { points: 1, time_factor: false },
		pass_mark: 60,
		attempts: { max: 2, counts: 'best' },
		paper: { rules: [{ bank: 'safety', count: 6 }], shuffle_questions: true, shuffle_options: true },
		...extra,
	};
}

const text = (v) => (typeof v === 'string' ? v : v['zh-CN']);

describe('exam: paper, saves, submit, limits', () => {
	let srv, dir, file, p, joined, att;
	before(async () => {
		dir = sp.tempDir('90');
		file = sp.writeContest(dir, contest('EXAM90'), BANKS);
		srv = await h.startServer({ processes: 2, contests: [file], args: sp.serverArgs(sp.clockFile(dir)) });
		({ c: p, joined } = await h.join(srv.wsUrls[0], '考生甲', { code: 'EXAM90', employee_no: 'E90001', unit: '一车间' }));
	});
	after(async () => {
		if (p) await p.close();
		if (srv) await srv.stop();
	});

	test('joined carries the mode and its settings; attempts follows, no state', async () => {
		const c = joined.contest;
		assert.equal(c.mode, 'exam');
		assert.equal(c.question_count, 6);
		assert.equal(c.window.duration_ms, 30 * 60e3);
		assert.deepEqual(c.attempts, { max: 2, per_day: 0, counts: 'best' });
		assert.equal(c.show_results, 'submit');
		assert.equal(c.time_zone, 'Asia/Shanghai');
		const a = await p.next('attempts');
		assert.equal(a.used, 0);
		assert.equal(a.left, 2);
		assert.equal(a.open, null);
		assert.equal(a.window.open, true);
		assert.ok(await p.none((m) => m.type === 'state' || m.type === 'question', 300));
	});

	test('attempt_start: the paper skillarena draw draws for the participant, options shuffled', async () => {
		att = await sp.ok(p, { type: 'attempt_start' }, 'attempt');
		assert.equal(att.attempt_no, 1);
		assert.equal(att.resumed, false);
		assert.equal(att.count, 6);
		assert.ok(att.deadline - att.started === 30 * 60e3, 'deadline = start + duration');
		assert.ok(Math.abs(att.server_time - Date.now()) < 5000);
		const drawn = JSON.parse(execFileSync(srv.bin, ['draw', file, '--participant', String(joined.participant_id)], { cwd: h.ROOT, encoding: 'utf8' }));
		assert.deepEqual(att.questions.map((q) => q.id), drawn.questions.map((q) => q.id));
		for (let i = 0; i < att.count; i++) {
			const q = att.questions[i], d = drawn.questions[i];
			assert.equal(q.index, i);
			assert.equal(q.answer, undefined, 'never the answer');
			if (d.options) assert.deepEqual(q.options.map(text), d.options.map(text), `options of ${q.id} in the drawn order`);
		}
		const rows = await srv.sql(`SELECT paper, count, max_milli, seed::text FROM attempts WHERE id = ${att.attempt_id}`);
		assert.equal(rows[0].count, 6);
		assert.equal(rows[0].max_milli, 6000);
		assert.equal(BigInt(rows[0].seed).toString(16).padStart(16, '0'), drawn.seed);
		assert.deepEqual(rows[0].paper.map((e) => e.q), drawn.questions.map((q) => q.id), 'the stored paper');
	});

	test('a second start, a resume on the other process, and a restart serve the same paper', async () => {
		const again = await sp.ok(p, { type: 'attempt_start' }, 'attempt');
		assert.equal(again.attempt_id, att.attempt_id);
		assert.equal(again.resumed, true);
		assert.deepEqual(again.questions, att.questions);
		const q = await h.connect(srv.wsUrls[1]);
		q.send({ type: 'resume', token: joined.token });
		await q.next('joined');
		const list = await q.next('attempts');
		assert.equal(list.open.attempt_id, att.attempt_id);
		const other = await sp.ok(q, { type: 'attempt_start' }, 'attempt');
		assert.deepEqual(other.questions, att.questions);
		assert.equal(other.deadline, att.deadline);
		await q.close();
		await p.closed;
	});

	test('saves: acknowledged after the commit, retries idempotent, the highest change counts', async () => {
		p = await h.connect(srv.wsUrls[1]);
		p.send({ type: 'resume', token: joined.token });
		await p.next('joined');
		await p.next('attempts');
		const q0 = att.questions[0];
		const wrong = sp.keyOf(q0, bank, true), right = sp.keyOf(q0, bank);
		let s = await sp.ok(p, { type: 'save', attempt_id: att.attempt_id, index: 0, response: wrong, change: 1 }, 'saved');
		assert.deepEqual([s.index, s.change, s.current, s.duplicate], [0, 1, 1, false]);
		const stored = await srv.sql(`SELECT change_no, given FROM attempt_answers WHERE attempt_id = ${att.attempt_id} AND question_idx = 0`);
		assert.deepEqual(stored, [{ change_no: 1, given: wrong }], 'in PostgreSQL when saved arrives');
		s = await sp.ok(p, { type: 'save', attempt_id: att.attempt_id, index: 0, response: right, change: 3 }, 'saved');
		assert.equal(s.current, 3);
		s = await sp.ok(p, { type: 'save', attempt_id: att.attempt_id, index: 0, response: wrong, change: 2 }, 'saved');
		assert.equal(s.current, 3, 'an older change arriving late is kept, not counted');
		const dup = await Promise.all([1, 2, 3].map(() => p.request({ type: 'save', attempt_id: att.attempt_id, index: 0, response: right, change: 3 })));
		for (const d of dup) assert.equal(d.duplicate, true, JSON.stringify(d));
		assert.equal(await sp.errorOf(p, { type: 'save', attempt_id: att.attempt_id, index: 0, response: wrong, change: 3 }), 'conflict');
		const changes = await srv.sql(`SELECT change_no FROM answer_changes WHERE attempt_id = ${att.attempt_id} AND question_idx = 0 ORDER BY 1`);
		assert.deepEqual(changes.map((r) => r.change_no), [1, 2, 3], 'every change once');
		for (let i = 1; i < 5; i++) {
			await sp.ok(p, { type: 'save', attempt_id: att.attempt_id, index: i, response: sp.keyOf(att.questions[i], bank, i === 4), change: 1 }, 'saved');
		}
		const cleared = await sp.ok(p, { type: 'save', attempt_id: att.attempt_id, index: 3, response: null, change: 2 }, 'saved');
		assert.equal(cleared.current, 2);
	});

	test('flag and review: the server lists unanswered and flagged questions', async () => {
		const f = await sp.ok(p, { type: 'flag', attempt_id: att.attempt_id, index: 5, flagged: true }, 'flagged');
		assert.deepEqual(f.flags, [5]);
		await sp.ok(p, { type: 'flag', attempt_id: att.attempt_id, index: 2, flagged: true }, 'flagged');
		const g = await sp.ok(p, { type: 'flag', attempt_id: att.attempt_id, index: 2, flagged: false }, 'flagged');
		assert.deepEqual(g.flags, [5]);
		const r = await sp.ok(p, { type: 'review', attempt_id: att.attempt_id }, 'review');
		assert.equal(r.count, 6);
		assert.equal(r.answered, 4);
		assert.deepEqual(r.unanswered, [3, 5]);
		assert.deepEqual(r.flags, [5]);
		assert.ok(r.remaining_ms > 0);
		const again = await sp.ok(p, { type: 'attempt_start' }, 'attempt');
		assert.deepEqual(again.flags, [5]);
		assert.deepEqual(again.answers.map((a) => [a.index, a.change]), [[0, 3], [1, 1], [2, 1], [3, 2], [4, 1]]);
		assert.deepEqual(again.answers[0].response, sp.keyOf(att.questions[0], bank));
		assert.equal(again.answers[3].response, null);
	});

	let result;
	test('submit: the result with the key in the participant\'s order, scored by the engine', async () => {
		result = await sp.ok(p, { type: 'submit', attempt_id: att.attempt_id }, 'result');
		assert.equal(result.status, 'submitted');
		assert.equal(result.visible, true);
		assert.equal(result.count, 6);
		assert.equal(result.answered, 4);
		assert.equal(result.score, 3);
		assert.equal(result.correct, 3);
		assert.equal(result.max, 6);
		assert.equal(result.percent, 50);
		assert.equal(result.passed, false);
		assert.equal(result.rank, 1);
		assert.deepEqual(result.counted, { attempt_no: 1, score: 3, duration_ms: result.duration_ms });
		for (const it of result.items) {
			assert.deepEqual(it.answer, sp.keyOf(att.questions[it.index], bank), `key of ${it.id}`);
			assert.equal(it.correctness, [0, 1, 2].includes(it.index) ? 'correct' : it.index === 4 ? 'wrong' : 'unanswered');
		}
		assert.ok(result.items[0].explanation && result.items[0].explanation['zh-CN']);
		const row = await srv.sql(`SELECT status, score_milli, answered, correct FROM attempts WHERE id = ${att.attempt_id}`);
		assert.deepEqual(row[0], { status: 'submitted', score_milli: 3000, answered: 4, correct: 3 });
	});

	test('after submit: saves and flags are refused (attempt_closed); submit answers the result again', async () => {
		assert.equal(await sp.errorOf(p, { type: 'save', attempt_id: att.attempt_id, index: 5, response: 0, change: 1 }), 'attempt_closed');
		assert.equal(await sp.errorOf(p, { type: 'flag', attempt_id: att.attempt_id, index: 5, flagged: false }), 'attempt_closed');
		const again = await sp.ok(p, { type: 'submit', attempt_id: att.attempt_id }, 'result');
		assert.equal(again.score, 3);
		const got = await sp.ok(p, { type: 'attempt_result', attempt_id: att.attempt_id }, 'result');
		assert.deepEqual(got.items, result.items);
	});

	test('a second attempt: a new paper; the best counts; then no attempts are left', async () => {
		const a2 = await sp.ok(p, { type: 'attempt_start' }, 'attempt');
		assert.equal(a2.attempt_no, 2);
		const drawn = JSON.parse(execFileSync(srv.bin, ['draw', file, '--participant', `${joined.participant_id}/2`], { cwd: h.ROOT, encoding: 'utf8' }));
		assert.deepEqual(a2.questions.map((q) => q.id), drawn.questions.map((q) => q.id));
		await sp.ok(p, { type: 'save', attempt_id: a2.attempt_id, index: 0, response: sp.keyOf(a2.questions[0], bank), change: 1 }, 'saved');
		const r2 = await sp.ok(p, { type: 'submit', attempt_id: a2.attempt_id }, 'result');
		assert.equal(r2.score, 1);
		assert.deepEqual(r2.counted.attempt_no, 1, 'the best attempt counts');
		assert.equal(r2.counted.score, 3);
		const part = await srv.sql(`SELECT score_milli FROM participants WHERE id = ${joined.participant_id}`);
		assert.equal(part[0].score_milli, 3000);
		assert.equal(await sp.errorOf(p, { type: 'attempt_start' }), 'no_attempts_left');
		const list = await sp.ok(p, { type: 'attempts' }, 'attempts');
		assert.equal(list.used, 2);
		assert.equal(list.left, 0);
		assert.deepEqual(list.list.map((x) => [x.attempt_no, x.status, x.score]), [[2, 'submitted', 1], [1, 'submitted', 3]]);
		const lb = await srv.get('/api/contests/EXAM90/leaderboard');
		assert.equal(lb.json.top[0].score, 3);
		const z = await srv.redis('ZSCORE', 'sa:EXAM90:lb', String(999999999999 - joined.participant_id).padStart(12, '0'));
		assert.equal(Math.floor(Number(z) / 4194304), 3000, 'Redis holds the counted score');
	});
});

describe('exam: the last attempt counts; results after the window; a live contest refuses exam messages', () => {
	let srv, dir, p, joined;
	before(async () => {
		dir = sp.tempDir('90b');
		const clock = sp.clockFile(dir);
		const now = Date.now();
		const file = sp.writeContest(dir, contest('EXAM90L', {
			window: sp.windowAround(now - 3600e3, now + 3600e3, 30),
			attempts: { max: 3, counts: 'last', show_results: 'window', show_score: false },
		}), BANKS);
		srv = await h.startServer({ contests: [file, h.DEMO_CONTEST], args: sp.serverArgs(clock) });
		srv.clock = clock;
		({ c: p, joined } = await h.join(srv.wsUrl, '考生乙', { code: 'EXAM90L' }));
		await p.next('attempts');
	});
	after(async () => {
		if (p) await p.close();
		if (srv) await srv.stop();
	});

	test('results wait for the window: score and items hidden, results_at given', async () => {
		const a1 = await sp.ok(p, { type: 'attempt_start' }, 'attempt');
		for (let i = 0; i < a1.count; i++) await sp.ok(p, { type: 'save', attempt_id: a1.attempt_id, index: i, response: sp.keyOf(a1.questions[i], bank), change: 1 }, 'saved');
		const r1 = await sp.ok(p, { type: 'submit', attempt_id: a1.attempt_id }, 'result');
		assert.equal(r1.visible, false);
		assert.equal(r1.score, null);
		assert.equal(r1.items, null);
		assert.equal(typeof r1.results_at, 'number');
		const a2 = await sp.ok(p, { type: 'attempt_start' }, 'attempt');
		await sp.ok(p, { type: 'save', attempt_id: a2.attempt_id, index: 0, response: sp.keyOf(a2.questions[0], bank), change: 1 }, 'saved');
		await sp.ok(p, { type: 'submit', attempt_id: a2.attempt_id }, 'result');
		const part = await srv.sql(`SELECT score_milli FROM participants WHERE id = ${joined.participant_id}`);
		assert.equal(part[0].score_milli, 1000, 'the last attempt counts, not the best');
		await sp.setClock(srv.clock, 2 * 3600e3);
		const later = await sp.ok(p, { type: 'attempt_result', attempt_id: a1.attempt_id }, 'result');
		assert.equal(later.visible, true);
		assert.equal(later.score, 6);
		assert.equal(later.items.length, 6);
		assert.equal(later.counted.attempt_no, 2);
		assert.equal(await sp.errorOf(p, { type: 'attempt_start' }), 'outside_window');
	});

	test('exam messages in a live contest: wrong_mode; live host commands in an exam: wrong_mode', async () => {
		const { c } = await h.join(srv.wsUrl, '直播选手');
		for (const t of ['attempt_start', 'attempts', 'practice_next']) assert.equal(await sp.errorOf(c, { type: t }), 'wrong_mode', t);
		await c.close();
		const host = await h.host(srv.wsUrl, srv.organizerToken, 'EXAM90L');
		for (const t of ['start', 'next', 'reveal']) assert.equal(await sp.errorOf(host, { type: t }), 'wrong_mode', t);
		await host.close();
		assert.equal(await sp.errorOf(p, { type: 'answer', question_id: 'x', response: 0 }), 'wrong_mode');
	});
});
