'use strict';
// 94 bad input for every self-paced message: missing and mistyped fields, numbers that are not
// integers or out of range, indexes outside the paper, another participant's attempt, unknown
// attempts, answers after submit and after the deadline, responses that do not fit the question,
// unknown categories and servings, malformed days, the wrong role and the wrong mode. Each gets
// its error with the rid, nothing is stored, and the connection stays usable.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const sp = require('../lib/selfpaced.js');

const BANKS = ['safety'];
const bank = sp.bankQuestions(BANKS);

describe('self-paced messages: bad input', () => {
	let srv, dir, clock, p, other, att, otherAtt, pr, screen;
	before(async () => {
		dir = sp.tempDir('94');
		clock = sp.clockFile(dir);
		const now = Date.now();
		const exam = sp.writeContest(dir, {
			code: 'BAD94',
			title: '坏输入考试',
			mode: 'exam',
			window: sp.windowAround(now - 3600e3, now + 86400e3, 30),
			paper: { rules: [{ bank: 'safety', type: 'single_choice', count: 2 }, { bank: 'safety', type: 'multiple_choice', count: 1 }, { bank: 'safety', type: 'true_false', count: 1 }], shuffle_options: true },
		}, BANKS);
		const prac = sp.writeContest(dir, {
			code: 'BAD94P',
			title: '坏输入练习',
			mode: 'practice',
			paper: { rules: [{ bank: 'safety', category: 'fire', type: 'single_choice', count: 1 }] },
		}, BANKS);
		srv = await h.startServer({ contests: [exam, prac, h.DEMO_CONTEST], args: sp.serverArgs(clock) });
		({ c: p } = await h.join(srv.wsUrl, '坏输入甲', { code: 'BAD94' }));
		({ c: other } = await h.join(srv.wsUrl, '坏输入乙', { code: 'BAD94' }));
		await p.next('attempts');
		await other.next('attempts');
		att = await sp.ok(p, { type: 'attempt_start' }, 'attempt');
		otherAtt = await sp.ok(other, { type: 'attempt_start' }, 'attempt');
		({ c: pr } = await h.join(srv.wsUrl, '坏输入丙', { code: 'BAD94P' }));
		await pr.next('progress');
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'BAD94' });
		await screen.next('watching');
	});
	after(async () => {
		for (const c of [p, other, pr, screen]) if (c) await c.close();
		if (srv) await srv.stop();
	});

	async function expect(c, msg, code, detail) {
		const rid = `bad-${Math.random().toString(36).slice(2, 10)}`;
		const r = await c.request({ ...msg, rid }, 15000);
		assert.equal(r.type, 'error', `${JSON.stringify(msg)} -> ${JSON.stringify(r)}`);
		assert.equal(r.code, code, `${JSON.stringify(msg)} -> ${JSON.stringify(r)}`);
		assert.equal(r.rid, rid);
		if (detail) assert.match(r.message, new RegExp(detail), JSON.stringify(r));
	}

	const qOf = (type) => att.questions.find((q) => q.qtype === type);

	test('save: fields missing, mistyped, not integers, out of range', async () => {
		const a = att.attempt_id, sc = qOf('single_choice');
		const good = { type: 'save', attempt_id: a, index: sc.index, response: 0, change: 1 };
		const cases = [
			[{ ...good, attempt_id: undefined }, 'bad_message', 'attempt_id'],
			[{ ...good, attempt_id: String(a) }, 'bad_message', 'attempt_id'],
			[{ ...good, attempt_id: a + 0.5 }, 'invalid_field', 'attempt_id'],
			[{ ...good, attempt_id: -1 }, 'invalid_field', 'attempt_id'],
			[{ ...good, attempt_id: 0 }, 'invalid_field', 'attempt_id'],
			[{ ...good, index: undefined }, 'bad_message', 'index'],
			[{ ...good, index: true }, 'bad_message', 'index'],
			[{ ...good, index: -1 }, 'invalid_field', 'index'],
			[{ ...good, index: att.count }, 'invalid_field', 'index'],
			[{ ...good, index: 1e12 }, 'invalid_field', 'index'],
			[{ ...good, index: 0.5 }, 'invalid_field', 'index'],
			[{ ...good, change: undefined }, 'bad_message', 'change'],
			[{ ...good, change: '2' }, 'bad_message', 'change'],
			[{ ...good, change: 0 }, 'invalid_field', 'change'],
			[{ ...good, change: 1000001 }, 'invalid_field', 'change'],
			[{ ...good, response: undefined }, 'bad_message', 'response'],
			[{ ...good, response: 'A' }, 'invalid_response'],
			[{ ...good, response: [0] }, 'invalid_response'],
			[{ ...good, response: 99 }, 'option_out_of_range'],
			[{ ...good, response: -1 }, 'option_out_of_range'],
			[{ ...good, index: qOf('multiple_choice').index, response: [0, 0] }, 'invalid_response'],
			[{ ...good, index: qOf('multiple_choice').index, response: [0, 64] }, 'option_out_of_range'],
			[{ ...good, index: qOf('true_false').index, response: 1 }, 'invalid_response'],
		];
		for (const [m, code, detail] of cases) await expect(p, m, code, detail);
		const n = await srv.sql('SELECT count(*)::int AS n FROM answer_changes');
		assert.equal(n[0].n, 0, 'nothing stored');
	});

	test('another participant\'s attempt, or none: not_found for save, flag, review, submit, attempt_result', async () => {
		for (const id of [otherAtt.attempt_id, 987654321]) {
			await expect(p, { type: 'save', attempt_id: id, index: 0, response: 0, change: 1 }, 'not_found');
			await expect(p, { type: 'flag', attempt_id: id, index: 0, flagged: true }, 'not_found');
			await expect(p, { type: 'review', attempt_id: id }, 'not_found');
			await expect(p, { type: 'submit', attempt_id: id }, 'not_found');
			await expect(p, { type: 'attempt_result', attempt_id: id }, 'not_found');
		}
		const o = await srv.sql(`SELECT status FROM attempts WHERE id = ${otherAtt.attempt_id}`);
		assert.equal(o[0].status, 'open', 'the other attempt was not submitted');
		await expect(p, { type: 'attempt_result', attempt_id: att.attempt_id }, 'bad_state');
	});

	test('flag, review, submit, attempt_result, attempt_start: bad fields', async () => {
		const a = att.attempt_id;
		await expect(p, { type: 'flag', attempt_id: a, index: 0 }, 'bad_message', 'flagged');
		await expect(p, { type: 'flag', attempt_id: a, index: 0, flagged: 'yes' }, 'bad_message', 'flagged');
		await expect(p, { type: 'flag', attempt_id: a, index: 99, flagged: true }, 'invalid_field', 'index');
		await expect(p, { type: 'review' }, 'bad_message', 'attempt_id');
		await expect(p, { type: 'submit', attempt_id: null }, 'bad_message', 'attempt_id');
		await expect(p, { type: 'attempt_result', attempt_id: 'x' }, 'bad_message');
		await expect(p, { type: 'attempt_start', code: 5 }, 'bad_message');
		await expect(p, { type: 'attempt_start', code: 'SAFE2026' }, 'unknown_contest');
	});

	test('after submit: attempt_closed; before the window: outside_window; after the deadline: question_closed', async () => {
		await sp.ok(p, { type: 'submit', attempt_id: att.attempt_id }, 'result');
		const sc = qOf('single_choice');
		await expect(p, { type: 'save', attempt_id: att.attempt_id, index: sc.index, response: 0, change: 9 }, 'attempt_closed');
		await expect(p, { type: 'flag', attempt_id: att.attempt_id, index: 0, flagged: true }, 'attempt_closed');
		await expect(p, { type: 'review', attempt_id: att.attempt_id }, 'attempt_closed');
		await sp.setClock(clock, otherAtt.deadline + 200 - Date.now());
		await expect(other, { type: 'save', attempt_id: otherAtt.attempt_id, index: 0, response: sp.keyOf(otherAtt.questions[0], bank), change: 1 }, 'question_closed');
		await expect(other, { type: 'flag', attempt_id: otherAtt.attempt_id, index: 0, flagged: true }, 'question_closed');
		await sp.setClock(clock, -2 * 3600e3);
		const { c } = await h.join(srv.wsUrl, '早到者', { code: 'BAD94' });
		await expect(c, { type: 'attempt_start' }, 'outside_window');
		await c.close();
		await sp.setClock(clock, 0);
	});

	test('practice: bad categories, servings and responses', async () => {
		await expect(pr, { type: 'practice_start', category: 7 }, 'bad_message');
		await expect(pr, { type: 'practice_start', category: 'nope' }, 'invalid_field', 'category');
		await expect(pr, { type: 'practice_start', review: 'yes' }, 'bad_message');
		await expect(pr, { type: 'notebook', category: 'nope' }, 'invalid_field', 'category');
		await expect(pr, { type: 'notebook', category: [] }, 'bad_message');
		const q = await sp.ok(pr, { type: 'practice_next' }, 'practice_question');
		await expect(pr, { type: 'answer', question_id: q.id, response: 0 }, 'bad_message', 'serve');
		await expect(pr, { type: 'answer', serve: q.serve, response: 0 }, 'bad_message');
		await expect(pr, { type: 'answer', serve: q.serve, question_id: q.id }, 'bad_message');
		await expect(pr, { type: 'answer', serve: '0000000000000000', question_id: q.id, response: 0 }, 'not_open');
		await expect(pr, { type: 'answer', serve: q.serve, question_id: 'safety.law-01', response: 0 }, 'not_open');
		await expect(pr, { type: 'answer', serve: q.serve, question_id: q.id, response: 'B' }, 'invalid_response');
		await expect(pr, { type: 'answer', serve: q.serve, question_id: q.id, response: 42 }, 'option_out_of_range');
		assert.deepEqual(await srv.sql('SELECT * FROM practice_answers'), []);
		const f = await sp.ok(pr, { type: 'answer', serve: q.serve, question_id: q.id, response: sp.keyOf(q, bank) }, 'feedback');
		assert.equal(f.correct, true, 'the connection is still usable');
	});

	test('roles and modes: screens and players, board days, live contests', async () => {
		await expect(screen, { type: 'save', attempt_id: att.attempt_id, index: 0, response: 0, change: 1 }, 'forbidden');
		await expect(screen, { type: 'board', day: '2026-02-30x' }, 'invalid_field', 'day');
		await expect(screen, { type: 'board', day: 20260101 }, 'bad_message');
		await expect(p, { type: 'board' }, 'forbidden');
		await expect(pr, { type: 'attempt_start' }, 'wrong_mode');
		await expect(p, { type: 'practice_start' }, 'wrong_mode');
		const none = await h.connect(srv.wsUrl);
		await expect(none, { type: 'save', attempt_id: 1, index: 0, response: 0, change: 1 }, 'not_joined');
		await expect(none, { type: 'practice_next' }, 'not_joined');
		await none.close();
		const live = await h.connect(srv.wsUrl);
		live.send({ type: 'watch', code: 'SAFE2026' });
		await live.next('watching');
		await expect(live, { type: 'board' }, 'wrong_mode');
		await live.close();
		const b = await sp.ok(screen, { type: 'board' }, 'mass_board');
		assert.equal(b.units.roster, false, 'no roster imported: units as typed');
		const health = await srv.get('/healthz');
		assert.equal(health.status, 200);
	});
});
