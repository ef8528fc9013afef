'use strict';
// 95 the sample contests as they ship (contests/samples/), the test clock moved into their windows:
// the safety-month exam (100 questions, 60 minutes, two attempts, the score at once and the key
// after the window) and ELEC2026's theory paper (its judged practical tasks never served, results
// after the window without the key) run as exams; the practice quiz with its notebook; the mass
// contest over three simulated days with a roster: three attempts a day, unit participation per day.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const h = require('../lib/harness.js');
const sp = require('../lib/selfpaced.js');

const SAMPLES = ['safety-month-exam', 'electrician-skills-2026', 'safety-practice', 'mass-knowledge-2026']
	.map((n) => path.join(h.ROOT, 'contests', 'samples', `${n}.json`));
const bank = sp.bankQuestions({ safety: 'safety', elec: 'electrician', law: 'labor-law', figures: 'workplace-figures' });

const ROSTER_SQL = `
INSERT INTO units VALUES (1, NULL, '示范市总工会', '示范市总工会'), (2, 1, '供电公司', '示范市总工会/供电公司'),
  (3, 1, '机械厂', '示范市总工会/机械厂');
INSERT INTO workers (employee_no, name, unit_id) VALUES ('M1', '甲', 2), ('M2', '乙', 2), ('M3', '丙', 2), ('M4', '丁', 3);`;

async function answerAll(c, att, right = () => true) {
	for (const q of att.questions) {
		await sp.ok(c, { type: 'save', attempt_id: att.attempt_id, index: q.index, response: sp.keyOf(q, bank, !right(q)), change: 1 }, 'saved');
	}
}

describe('the sample contests', () => {
	let srv, dir, clock;
	before(async () => {
		dir = sp.tempDir('95');
		clock = sp.clockFile(dir);
		srv = await h.startServer({ contests: SAMPLES, args: sp.serverArgs(clock) });
		await srv.psql(ROSTER_SQL);
		await sp.setClock(clock, sp.offsetTo('2026-06-15T09:00:00+08:00'));
	});
	after(async () => {
		if (srv) await srv.stop();
	});

	test('SAFEMONTH26: a 100-question exam of 60 minutes; the score at once, the key after the window', async () => {
		const { c, joined } = await h.join(srv.wsUrl, '安全月考生', { code: 'SAFEMONTH26', unit: '安环部' });
		assert.equal(joined.contest.mode, 'exam');
		assert.deepEqual(joined.contest.attempts, { max: 2, per_day: 0, counts: 'best' });
		await c.next('attempts');
		const att = await sp.ok(c, { type: 'attempt_start' }, 'attempt');
		assert.equal(att.count, 100);
		assert.equal(att.deadline - att.started, 60 * 60e3);
		const types = new Set(att.questions.map((q) => q.qtype));
		assert.deepEqual([...types].sort(), ['multiple_choice', 'single_choice', 'true_false']);
		await answerAll(c, att, (q) => q.index % 4 !== 0);
		const r = await sp.ok(c, { type: 'submit', attempt_id: att.attempt_id }, 'result');
		assert.equal(r.visible, false);
		assert.equal(r.score, 75, 'show_score: the score at once');
		assert.equal(r.items, null);
		await sp.setClock(clock, sp.offsetTo('2026-07-01T09:00:00+08:00'));
		const later = await sp.ok(c, { type: 'attempt_result', attempt_id: att.attempt_id }, 'result');
		assert.equal(later.visible, true);
		assert.equal(later.items.length, 100);
		assert.equal(later.passed, false, 'pass mark 80');
		assert.equal(await sp.errorOf(c, { type: 'attempt_start' }), 'outside_window');
		await sp.setClock(clock, sp.offsetTo('2026-06-15T09:05:00+08:00'));
		await c.close();
	});

	test('ELEC2026: the theory paper as an exam (no judged task served), results after the window without the key', async () => {
		const { c, joined } = await h.join(srv.wsUrl, '电工选手', { code: 'ELEC2026', employee_no: 'E26001' });
		assert.equal(joined.contest.mode, 'exam');
		await c.next('attempts');
		const att = await sp.ok(c, { type: 'attempt_start' }, 'attempt');
		assert.equal(att.count, 32, 'the theory stage: 8+5+6+4+4+3+2');
		assert.ok(att.questions.every((q) => q.qtype !== 'judged'));
		assert.ok(att.deadline - att.started <= 60 * 60e3);
		await answerAll(c, att);
		const r = await sp.ok(c, { type: 'submit', attempt_id: att.attempt_id }, 'result');
		assert.equal(r.visible, false);
		assert.equal(r.score, null);
		assert.equal(await sp.errorOf(c, { type: 'attempt_start' }), 'no_attempts_left');
		await sp.setClock(clock, sp.offsetTo('2026-06-15T12:30:00+08:00'));
		const later = await sp.ok(c, { type: 'attempt_result', attempt_id: att.attempt_id }, 'result');
		assert.equal(later.visible, true);
		assert.equal(later.score, later.max, 'every answer right');
		assert.equal(later.items, null, 'show_key: false');
		await c.close();
	});

	test('TRAIN2026: practice by category with the notebook, from every question of three banks', async () => {
		const { c, joined } = await h.join(srv.wsUrl, '练习者', { code: 'TRAIN2026', employee_no: 'P26' });
		assert.equal(joined.contest.question_count, 155);
		const cats = joined.contest.categories.map((x) => x.id);
		for (const k of ['fire', 'circuit', 'contract']) assert.ok(cats.includes(k), k);
		await c.next('progress');
		await sp.ok(c, { type: 'practice_start', category: 'circuit' }, 'practice');
		const q = await sp.ok(c, { type: 'practice_next' }, 'practice_question');
		assert.ok(q.id.startsWith('elec.'));
		const f = await sp.ok(c, { type: 'answer', serve: q.serve, question_id: q.id, response: sp.keyOf(q, bank, true) }, 'feedback');
		assert.equal(f.correct, false);
		assert.ok(f.explanation);
		assert.equal(f.notebook.count, 1);
		await c.close();
	});

	test('MASS2026: three simulated days, three attempts a day, participation per unit and day', async () => {
		const days = ['2026-12-02', '2026-12-03', '2026-12-04'];
		// Who plays on each day (employee numbers of the roster), and how well.
		const plan = { '2026-12-02': ['M1'], '2026-12-03': ['M1', 'M2', 'M4'], '2026-12-04': ['M3'] };
		const players = {};
		for (const day of days) {
			await sp.setClock(clock, sp.offsetTo(`${day}T20:00:00+08:00`));
			for (const emp of plan[day]) {
				if (!players[emp]) {
					players[emp] = (await h.join(srv.wsUrl, `职工${emp}`, { code: 'MASS2026', employee_no: emp })).c;
					await players[emp].next('attempts');
				}
				const c = players[emp];
				for (let n = 0; n < 3; n++) {
					const att = await sp.ok(c, { type: 'attempt_start' }, 'attempt');
					assert.equal(att.count, 10);
					assert.equal(att.deadline - att.started, 5 * 60e3);
					await answerAll(c, att, (q) => q.index < 5 + n);
					await sp.ok(c, { type: 'submit', attempt_id: att.attempt_id }, 'result');
				}
				assert.equal(await sp.errorOf(c, { type: 'attempt_start' }), 'no_attempts_left');
			}
		}
		const board = async (day) => (await srv.get(`/api/contests/MASS2026/board?day=${day}`)).json;
		const unit = (b, p) => b.units.today.find((u) => u.path === p);
		const b2 = await board('2026-12-02'), b3 = await board('2026-12-03'), b4 = await board('2026-12-04');
		assert.equal(unit(b2, '示范市总工会/供电公司').participants, 1);
		assert.equal(unit(b3, '示范市总工会/供电公司').participants, 2);
		assert.equal(unit(b3, '示范市总工会/机械厂').rate, 1);
		assert.equal(unit(b4, '示范市总工会/供电公司').rate, Math.round(1e4 / 3) / 1e4);
		assert.equal(b4.units.overall.find((u) => u.path === '示范市总工会').rate, 1, 'everyone took part by the third day');
		assert.equal(b3.today.players, 3);
		assert.equal(b3.today.attempts, 9);
		assert.equal(b3.today.top[0].score, 70, 'the best attempt: 7 of 10 right, 10 points each');
		assert.equal(b4.overall.attempts, 15);
		for (const c of Object.values(players)) await c.close();
	});
});
