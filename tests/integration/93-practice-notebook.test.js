'use strict';
// 93 practice: sessions by category, immediate feedback with the explanation after the commit,
// idempotent answers, the wrong-answer notebook's lifecycle (in on a wrong answer, served in
// review sessions, out after leave_after right answers in a row, back on a wrong one), progress
// per category, the notebook following the worker (employee number) into another contest on the
// same bank, and practice never reaching a score or a leaderboard.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const sp = require('../lib/selfpaced.js');

const BANKS = ['safety'];
const bank = sp.bankQuestions(BANKS);
const raw = Object.values(bank);
const nFire = raw.filter((q) => q.category === 'fire' && q.type === 'single_choice').length;
const nElec = raw.filter((q) => q.category === 'elec' && q.type === 'single_choice').length;

function contest(code) {
	return {
		code,
		title: { 'zh-CN': '安全培训练习（测试）', en: 'Safety practice (test)' },
		mode: 'practice',
		notebook: { leave_after: 2 },
		paper: { rules: [{ bank: 'safety', category: 'fire', type: 'single_choice', count: 2 }, { bank: 'safety', category: 'elec', type: 'single_choice', count: 2 }] },
	};
}

describe('practice and the wrong-answer notebook', () => {
	let srv, dir, p, joined, first;
	before(async () => {
		dir = sp.tempDir('93');
		const a = sp.writeContest(dir, contest('PRAC93'), BANKS);
		const b = sp.writeContest(dir, contest('PRAC93B'), BANKS);
		srv = await h.startServer({ processes: 2, contests: [a, b], args: sp.serverArgs(sp.clockFile(dir)) });
		({ c: p, joined } = await h.join(srv.wsUrls[0], '学员甲', { code: 'PRAC93', employee_no: 'T930' }));
	});
	after(async () => {
		if (p) await p.close();
		if (srv) await srv.stop();
	});

	test('joined: practice settings and categories; progress follows; no leaderboard', async () => {
		const c = joined.contest;
		assert.equal(c.mode, 'practice');
		assert.equal(c.question_count, nFire + nElec, 'the pool: every candidate of the rules');
		assert.deepEqual(c.notebook, { leave_after: 2 });
		const cats = Object.fromEntries(c.categories.map((x) => [x.id, x]));
		assert.equal(cats.fire.questions, nFire);
		assert.deepEqual(cats.fire.title, { 'zh-CN': '消防安全' });
		const g = await p.next('progress');
		assert.deepEqual([g.answered, g.correct, g.rate, g.notebook], [0, 0, null, 0]);
		assert.ok(await p.none((m) => m.type === 'leaderboard' || m.type === 'state' || m.type === 'attempts', 300));
	});

	test('a category session: questions of it, served one at a time without the key', async () => {
		const s = await sp.ok(p, { type: 'practice_start', category: 'fire' }, 'practice');
		assert.deepEqual([s.category, s.review, s.available, s.notebook], ['fire', false, nFire, 0]);
		const seen = new Set();
		for (let i = 0; i < 6; i++) {
			const q = await sp.ok(p, { type: 'practice_next' }, 'practice_question');
			assert.equal(q.category, 'fire');
			assert.equal(q.answer, undefined);
			assert.match(q.serve, /^[0-9a-f]{16}$/);
			assert.equal(bank[q.id].category, 'fire');
			seen.add(q.id);
		}
		assert.ok(seen.size >= Math.min(4, nFire), 'not the same question again and again');
	});

	test('a wrong answer: feedback with the key and explanation after the commit; into the notebook', async () => {
		first = await sp.ok(p, { type: 'practice_next' }, 'practice_question');
		const f = await sp.ok(p, { type: 'answer', serve: first.serve, question_id: first.id, response: sp.keyOf(first, bank, true) }, 'feedback');
		assert.equal(f.correct, false);
		assert.equal(f.correctness, 'wrong');
		assert.equal(f.points, 0);
		assert.equal(f.answer, bank[first.id].answer);
		assert.deepEqual(f.explanation, typeof bank[first.id].explanation === 'string' ? { 'zh-CN': bank[first.id].explanation } : bank[first.id].explanation);
		assert.deepEqual(f.notebook, { in: true, streak: 0, leave_after: 2, left: false, count: 1 });
		const rows = await srv.sql(`SELECT worker, question_key, correctness FROM practice_answers WHERE serve = '${first.serve}'`);
		assert.deepEqual(rows, [{ worker: 'e:T930', question_key: `safety-basics/${first.id.split('.')[1]}`, correctness: 0 }]);
		const book = await srv.sql("SELECT question_id, wrong, right_streak FROM wrong_book");
		assert.deepEqual(book, [{ question_id: first.id, wrong: 1, right_streak: 0 }]);
	});

	test('the same answer again is a duplicate (counted once); another response: already_answered', async () => {
		const again = await sp.ok(p, { type: 'answer', serve: first.serve, question_id: first.id, response: sp.keyOf(first, bank, true) }, 'feedback');
		assert.equal(again.duplicate, true);
		assert.equal(again.notebook.count, 1);
		assert.equal(await sp.errorOf(p, { type: 'answer', serve: first.serve, question_id: first.id, response: sp.keyOf(first, bank) }), 'already_answered');
		const n = await srv.sql('SELECT count(*)::int AS n FROM practice_answers');
		assert.equal(n[0].n, 1);
		const book = await srv.sql('SELECT wrong FROM wrong_book');
		assert.equal(book[0].wrong, 1);
	});

	test('a retry on the other process is the stored answer; review there: the notebook question, right twice in a row, then out', async () => {
		await p.close();
		p = await h.connect(srv.wsUrls[1]);
		p.send({ type: 'resume', token: joined.token });
		await p.next('joined');
		await p.next('progress');
		const retry = await sp.ok(p, { type: 'answer', serve: first.serve, question_id: first.id, response: sp.keyOf(first, bank, true) }, 'feedback');
		assert.deepEqual([retry.duplicate, retry.correct, retry.notebook.in, retry.notebook.count], [true, false, true, 1], 'a retry on a new connection: the stored answer');
		assert.equal(await sp.errorOf(p, { type: 'answer', serve: first.serve, question_id: first.id, response: sp.keyOf(first, bank) }), 'already_answered');
		const s = await sp.ok(p, { type: 'practice_start', review: true }, 'practice');
		assert.deepEqual([s.review, s.available, s.notebook], [true, 1, 1]);
		const q1 = await sp.ok(p, { type: 'practice_next' }, 'practice_question');
		assert.equal(q1.id, first.id);
		assert.equal(q1.in_notebook, true);
		const f1 = await sp.ok(p, { type: 'answer', serve: q1.serve, question_id: q1.id, response: sp.keyOf(q1, bank) }, 'feedback');
		assert.deepEqual(f1.notebook, { in: true, streak: 1, leave_after: 2, left: false, count: 1 });
		const q2 = await sp.ok(p, { type: 'practice_next' }, 'practice_question');
		assert.equal(q2.id, first.id);
		const f2 = await sp.ok(p, { type: 'answer', serve: q2.serve, question_id: q2.id, response: sp.keyOf(q2, bank) }, 'feedback');
		assert.deepEqual(f2.notebook, { in: false, streak: 0, leave_after: 2, left: true, count: 0 });
		assert.deepEqual(await srv.sql('SELECT * FROM wrong_book'), []);
		const done = await sp.ok(p, { type: 'practice_next' }, 'practice_question');
		assert.deepEqual([done.done, done.notebook], [true, 0]);
	});

	test('right then wrong sets the streak back to 0; notebook lists it; progress per category', async () => {
		await sp.ok(p, { type: 'practice_start', category: 'elec' }, 'practice');
		const q = await sp.ok(p, { type: 'practice_next' }, 'practice_question');
		await sp.ok(p, { type: 'answer', serve: q.serve, question_id: q.id, response: sp.keyOf(q, bank, true) }, 'feedback');
		await sp.ok(p, { type: 'practice_start', review: true, category: 'elec' }, 'practice');
		const r1 = await sp.ok(p, { type: 'practice_next' }, 'practice_question');
		const ok1 = await sp.ok(p, { type: 'answer', serve: r1.serve, question_id: r1.id, response: sp.keyOf(r1, bank) }, 'feedback');
		assert.equal(ok1.notebook.streak, 1);
		const r2 = await sp.ok(p, { type: 'practice_next' }, 'practice_question');
		const bad = await sp.ok(p, { type: 'answer', serve: r2.serve, question_id: r2.id, response: sp.keyOf(r2, bank, true) }, 'feedback');
		assert.deepEqual([bad.notebook.in, bad.notebook.streak], [true, 0]);
		const nb = await sp.ok(p, { type: 'notebook' }, 'notebook');
		assert.equal(nb.count, 1);
		assert.deepEqual([nb.items[0].id, nb.items[0].wrong, nb.items[0].streak, nb.items[0].category], [q.id, 2, 0, 'elec']);
		assert.equal((await sp.ok(p, { type: 'notebook', category: 'fire' }, 'notebook')).count, 0);
		const g = await sp.ok(p, { type: 'progress' }, 'progress');
		const cats = Object.fromEntries(g.categories.map((x) => [x.category, x]));
		assert.deepEqual([cats.fire.answered, cats.fire.correct, cats.fire.rate], [3, 2, 0.6667]);
		assert.deepEqual([cats.elec.answered, cats.elec.correct, cats.elec.rate], [3, 1, 0.3333]);
		assert.deepEqual([g.answered, g.correct, g.rate, g.notebook], [6, 3, 0.5, 1]);
	});

	test('the notebook follows the worker into another contest on the same bank', async () => {
		const { c, joined: j2 } = await h.join(srv.wsUrls[0], '学员甲', { code: 'PRAC93B', employee_no: 'T930' });
		const g = await c.next('progress');
		assert.equal(g.answered, 0, 'progress is per contest');
		assert.equal(g.notebook, 1, 'the notebook is the worker\'s');
		const s = await sp.ok(c, { type: 'practice_start', review: true }, 'practice');
		assert.equal(s.available, 1);
		assert.ok(j2.participant_id !== joined.participant_id);
		await c.close();
	});

	test('practice never reaches a score, a rank or a leaderboard', async () => {
		const part = await srv.sql(`SELECT score_milli FROM participants WHERE id = ${joined.participant_id}`);
		assert.equal(part[0].score_milli, 0);
		const lb = await srv.get('/api/contests/PRAC93/leaderboard');
		assert.ok(lb.json.top.every((e) => e.score === 0));
	});
});
