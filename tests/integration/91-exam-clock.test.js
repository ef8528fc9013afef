'use strict';
// 91 the server's clock for exams: the deadline stays the same across a reconnect, a change of
// process and a restart; answers after it are refused; at the deadline the attempt is submitted
// by the sweeper (pushed to the connected participant), also when every server was stopped over
// the deadline and started again, and each attempt exactly once when two processes sweep.
// Time moves with the test clock (--test-clock-file), not by waiting.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const sp = require('../lib/selfpaced.js');

const BANKS = ['safety'];
const bank = sp.bankQuestions(BANKS);

function contest(code) {
	const now = Date.now();
	return {
		code,
		title: '计时考试（测试）',
		mode: 'exam',
		window: sp.windowAround(now - 3600e3, now + 2 * 86400e3, 30),
		scoring: { points: 1, time_factor: false },
		paper: { rules: [{ bank: 'safety', count: 4 }], shuffle_questions: true, shuffle_options: true },
	};
}

async function resumeOn(url, token) {
	const c = await h.connect(url);
	c.send({ type: 'resume', token });
	const j = await c.waitFor((m) => m.type === 'joined' || m.type === 'error', 15000, 'joined');
	assert.equal(j.type, 'joined', JSON.stringify(j));
	return { c, list: await c.next('attempts') };
}

/** Polls PostgreSQL until fn(rows) holds. */
async function until(srv, query, fn, ms = 20000) {
	const end = Date.now() + ms;
	let rows;
	while (Date.now() < end) {
		rows = await srv.sql(query);
		if (fn(rows)) return rows;
		await h.sleep(100);
	}
	throw new Error(`timeout: ${query} -> ${JSON.stringify(rows)}`);
}

describe('the clock across reconnect, process change and restart; the end with the servers stopped', () => {
	let srv, dir, clock, joined, att, p;
	before(async () => {
		dir = sp.tempDir('91');
		clock = sp.clockFile(dir);
		const file = sp.writeContest(dir, contest('CLOCK91'), BANKS);
		srv = await h.startServer({ processes: 2, contests: [file], args: sp.serverArgs(clock) });
		({ c: p, joined } = await h.join(srv.wsUrls[0], '计时考生', { code: 'CLOCK91' }));
		await p.next('attempts');
		att = await sp.ok(p, { type: 'attempt_start' }, 'attempt');
	});
	after(async () => {
		if (p) await p.close();
		if (srv) await srv.stop();
	});

	test('reconnect: the same deadline, the remaining time from the server clock', async () => {
		await h.sleep(300);
		await p.close();
		let list;
		({ c: p, list } = await resumeOn(srv.wsUrls[0], joined.token));
		assert.equal(list.open.attempt_id, att.attempt_id);
		assert.equal(list.open.deadline, att.deadline);
		assert.ok(Math.abs(list.open.remaining_ms - (att.deadline - list.server_time)) <= 1);
		assert.ok(list.open.remaining_ms < att.remaining_ms, 'time went on while away');
	});

	test('another process: the same deadline; a save there counts', async () => {
		await p.close();
		({ c: p } = await resumeOn(srv.wsUrls[1], joined.token));
		const a = await sp.ok(p, { type: 'attempt_start' }, 'attempt');
		assert.equal(a.deadline, att.deadline);
		assert.deepEqual(a.questions, att.questions);
		await sp.ok(p, { type: 'save', attempt_id: att.attempt_id, index: 0, response: sp.keyOf(att.questions[0], bank), change: 1 }, 'saved');
	});

	test('both servers restarted: the same deadline and answers', async () => {
		await p.close();
		await srv.restart(0);
		await srv.restart(1);
		let list;
		({ c: p, list } = await resumeOn(srv.wsUrls[0], joined.token));
		assert.equal(list.open.deadline, att.deadline);
		const a = await sp.ok(p, { type: 'attempt_start' }, 'attempt');
		assert.deepEqual(a.answers.map((x) => x.index), [0]);
	});

	test('after the deadline (before the sweep): saves are refused with question_closed', async () => {
		await sp.setClock(clock, att.deadline + 300 - Date.now());
		assert.equal(await sp.errorOf(p, { type: 'save', attempt_id: att.attempt_id, index: 1, response: sp.keyOf(att.questions[1], bank), change: 1 }), 'question_closed');
		await sp.setClock(clock, 0);
	});

	test('stopped over the deadline: the next server submits the attempt, once, at its deadline', async () => {
		await p.close();
		p = null;
		await srv.terminate(0);
		await srv.terminate(1);
		const open = await srv.sql(`SELECT status FROM attempts WHERE id = ${att.attempt_id}`);
		assert.equal(open[0].status, 'open', 'nobody ended it while the servers were away');
		await sp.setClock(clock, 31 * 60e3);
		await srv.start(0);
		const rows = await until(srv, `SELECT status, submitted_ms, deadline_ms, score_milli, answered FROM attempts WHERE id = ${att.attempt_id}`, (r) => r[0].status !== 'open');
		assert.deepEqual(rows[0], { status: 'expired', submitted_ms: att.deadline, deadline_ms: att.deadline, score_milli: 1000, answered: 1 });
		await srv.start(1);
		let list;
		({ c: p, list } = await resumeOn(srv.wsUrls[1], joined.token));
		assert.equal(list.open, null);
		assert.deepEqual(list.list.map((x) => [x.status, x.score, x.duration_ms]), [['expired', 1, 30 * 60e3]]);
		const r = await sp.ok(p, { type: 'attempt_result', attempt_id: att.attempt_id }, 'result');
		assert.equal(r.status, 'expired');
		assert.equal(r.score, 1);
		assert.equal(await sp.errorOf(p, { type: 'attempt_start' }), 'no_attempts_left');
	});
});

describe('the sweeper: pushed to the connected participant; 30 attempts on two processes each end once', () => {
	let srv, dir, clock;
	const players = [];
	before(async () => {
		dir = sp.tempDir('91b');
		clock = sp.clockFile(dir);
		const file = sp.writeContest(dir, contest('SWEEP91'), BANKS);
		srv = await h.startServer({ processes: 2, contests: [file], args: sp.serverArgs(clock) });
		for (let i = 0; i < 30; i++) {
			const { c, joined } = await h.join(srv.wsUrls[i % 2], `考生${i}`, { code: 'SWEEP91', employee_no: `S${i}` });
			await c.next('attempts');
			const att = await sp.ok(c, { type: 'attempt_start' }, 'attempt');
			if (i % 3 === 0) await sp.ok(c, { type: 'save', attempt_id: att.attempt_id, index: 0, response: sp.keyOf(att.questions[0], bank), change: 1 }, 'saved');
			players.push({ c, joined, att });
		}
	});
	after(async () => {
		for (const x of players) await x.c.close();
		if (srv) await srv.stop();
	});

	test('at the deadline every attempt ends as expired, once, and each connected participant gets its result', async () => {
		await sp.setClock(clock, 31 * 60e3);
		const results = await Promise.all(players.map((x) => x.c.waitFor((m) => m.type === 'result' && m.attempt_id === x.att.attempt_id, 20000, 'pushed result')));
		for (let i = 0; i < results.length; i++) {
			assert.equal(results[i].status, 'expired');
			assert.equal(results[i].rid, undefined);
			assert.equal(results[i].score, i % 3 === 0 ? 1 : 0);
			assert.equal(results[i].duration_ms, 30 * 60e3);
		}
		const rows = await srv.sql("SELECT status, count(*)::int AS n FROM attempts GROUP BY status");
		assert.deepEqual(rows, [{ status: 'expired', n: 30 }]);
		const ended = [0, 1].map((i) => [...srv.log(i).matchAll(/sweeper: (\d+) attempts? ended/g)].reduce((s, m) => s + Number(m[1]), 0));
		assert.equal(ended[0] + ended[1], 30, `ended by process 1 and 2: ${ended}`);
		const scores = await srv.sql("SELECT count(*)::int AS n FROM participants WHERE score_milli = 1000");
		assert.equal(scores[0].n, 10);
		for (const x of players) assert.ok(await x.c.none((m) => m.type === 'result', 50), 'one result each');
	});
});
