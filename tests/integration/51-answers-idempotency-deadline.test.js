'use strict';
// 51 answers: idempotent retries (same response -> same ack, duplicate:true, scored once;
// different response -> already_answered), late answers (question_closed by the server's
// clock, with a 2-second test contest), the deadline push, and resume with `answered`.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const h = require('../lib/harness.js');
const checks = require('../lib/checks.js');

const SHORT = path.join(__dirname, 'data', 'short.json');

describe('idempotent retries', () => {
	let srv, hostC, p, other;
	before(async () => {
		srv = await h.startServer({ contests: [h.instantContest()] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		({ c: p } = await h.join(srv.wsUrl, '重试者'));
		({ c: other } = await h.join(srv.wsUrl, '旁观者'));
		await h.hostCmd(hostC, 'start');
		await p.next('question');
	});
	after(async () => {
		for (const c of [hostC, p, other]) if (c) await c.close();
		if (srv) await srv.stop();
	});

	let first;
	test('first answer: ack duplicate:false', async () => {
		first = await p.request({ type: 'answer', rid: 'a-1', question_id: 'q1', response: 0 });
		assert.equal(first.type, 'ack', JSON.stringify(first));
		assert.equal(first.rid, 'a-1');
		assert.equal(first.duplicate, false);
		assert.equal(first.accepted, true);
		assert.ok(first.points > 0);
	});

	test('same response again, another rid: the same ack with duplicate:true', async () => {
		const again = await p.request({ type: 'answer', rid: 'a-2', question_id: 'q1', response: 0 });
		assert.equal(again.type, 'ack', JSON.stringify(again));
		assert.equal(again.rid, 'a-2');
		assert.equal(again.duplicate, true);
		for (const k of ['question_id', 'accepted', 'points', 'score']) assert.deepEqual(again[k], first[k], k);
	});

	test('a rid with quotes and backslashes comes back unchanged (rids are printable ASCII)', async () => {
		const rid = 'q"uo\\te\\\\"}{</x> ,:';
		const again = await p.request({ type: 'answer', rid, question_id: 'q1', response: 0 });
		assert.equal(again.type, 'ack', JSON.stringify(again));
		assert.equal(again.rid, rid);
		assert.equal(again.points, first.points);
	});

	test('same response without rid: duplicate ack', async () => {
		p.send({ type: 'answer', question_id: 'q1', response: 0 });
		const again = await p.waitFor((m) => m.type === 'ack' || m.type === 'error', 10000, 'ack');
		assert.equal(again.type, 'ack', JSON.stringify(again));
		assert.equal(again.duplicate, true);
		assert.equal(again.points, first.points);
	});

	test('ten concurrent retries are all duplicates and score once', async () => {
		const acks = await Promise.all(Array.from({ length: 10 }, (_, i) => p.request({ type: 'answer', rid: `burst-${i}`, question_id: 'q1', response: 0 })));
		for (const a of acks) {
			assert.equal(a.type, 'ack', JSON.stringify(a));
			assert.equal(a.duplicate, true);
			assert.equal(a.score, first.score);
		}
	});

	test('a different response -> already_answered', async () => {
		const e = await p.request({ type: 'answer', rid: 'a-3', question_id: 'q1', response: 1 });
		assert.equal(e.type, 'error');
		assert.equal(e.code, 'already_answered');
		assert.equal(e.rid, 'a-3');
	});

	test('the same response from a new connection (resume) is still a duplicate', async () => {
		const joined = p.messages.find((m) => m.type === 'joined');
		const c = await h.connect(srv.wsUrl);
		c.send({ type: 'resume', token: joined.token });
		const j = await c.next('joined');
		assert.equal(j.resumed, true);
		assert.equal(j.participant_id, joined.participant_id);
		const q = await c.next('question');
		assert.equal(q.id, 'q1');
		assert.ok(q.answered, 'resumed question carries the earlier ack');
		assert.equal(q.answered.points, first.points);
		const again = await c.request({ type: 'answer', question_id: 'q1', response: 0 });
		assert.equal(again.type, 'ack', JSON.stringify(again));
		assert.equal(again.duplicate, true);
		assert.equal(again.score, first.score);
		await c.close();
	});

	test('stored once: one row, score counted once everywhere', async () => {
		const rows = await srv.sql(`SELECT a.points_milli::bigint AS pm, p.score_milli::bigint AS sm
			FROM answers a JOIN participants p ON p.id = a.participant_id WHERE p.name = '重试者'`);
		assert.equal(rows.length, 1);
		assert.equal(Number(rows[0].pm), Math.round(first.points * 1000));
		assert.equal(Number(rows[0].sm), Math.round(first.score * 1000));
		await h.hostCmd(hostC, 'reveal');
		const r = await other.next('reveal');
		assert.equal(r.answered, 1);
		assert.deepEqual(r.distribution, [1, 0, 0, 0]);
		await checks.agree(srv, 'SAFE2026', 2);
	});
});

describe('deadlines (2-second contest)', () => {
	let srv, hostC, fast, slow, idle, screen;
	before(async () => {
		srv = await h.startServer({ contests: [h.contestWith(SHORT, { feedback: 'instant' })] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken, 'SHORT2S');
		({ c: fast } = await h.join(srv.wsUrl, '快', { code: 'SHORT2S' }));
		({ c: slow } = await h.join(srv.wsUrl, '慢', { code: 'SHORT2S' }));
		({ c: idle } = await h.join(srv.wsUrl, '不答', { code: 'SHORT2S' }));
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SHORT2S' });
		await screen.next('watching');
	});
	after(async () => {
		for (const c of [hostC, fast, slow, idle, screen]) if (c) await c.close();
		if (srv) await srv.stop();
	});

	test('question carries a 2 s limit; answer in time is accepted; late answer -> question_closed', async () => {
		await h.hostCmd(hostC, 'start');
		const q = await fast.next('question');
		await slow.next('question');
		assert.equal(q.id, 's1');
		assert.equal(q.time_limit_ms, 2000);
		assert.ok(q.deadline - q.server_time <= 2000 && q.deadline - q.server_time > 1000);
		const ack = await fast.request({ type: 'answer', question_id: 's1', response: 1 });
		assert.equal(ack.type, 'ack', JSON.stringify(ack));
		assert.ok(ack.points > 500, `a fast correct answer earns more than half: ${ack.points}`);

		// the server pushes state open:false at the deadline
		const closed = await screen.waitFor((m) => m.type === 'state' && m.phase === 'question' && m.open === false, 5000, 'state open:false');
		assert.equal(closed.question_id, 's1');
		assert.ok(closed.server_time >= q.deadline - 50, `closed at ${closed.server_time}, deadline ${q.deadline}`);

		const late = await slow.request({ type: 'answer', question_id: 's1', response: 1 });
		assert.equal(late.type, 'error', JSON.stringify(late));
		assert.equal(late.code, 'question_closed');
	});

	test('a retry of an acknowledged answer after the deadline still gets its ack', async () => {
		const again = await fast.request({ type: 'answer', question_id: 's1', response: 1 });
		assert.equal(again.type, 'ack', JSON.stringify(again));
		assert.equal(again.duplicate, true);
	});

	test('the late answer was not stored; reveal counts one answer', async () => {
		const rows = await srv.sql("SELECT count(*)::int AS n FROM answers WHERE question_id = 's1'");
		assert.equal(rows[0].n, 1);
		await h.hostCmd(hostC, 'reveal');
		const r = await screen.next('reveal');
		assert.equal(r.answered, 1);
		assert.equal(r.players, 3);
		assert.deepEqual(r.distribution, [0, 1, 0]);
		assert.deepEqual(r.results, { correct: 1, partial: 0, wrong: 0 });
	});

	test('answers just before the deadline are accepted, just after refused', async () => {
		await h.hostCmd(hostC, 'next');
		const q = await slow.next('question');
		await fast.next('question');
		assert.equal(q.id, 's2');
		// compute the local time of the deadline from the server clock offset
		const offset = q.server_time - q.__at; // server - local (plus half a round trip)
		const localDeadline = q.deadline - offset;
		await h.sleep(Math.max(0, localDeadline - Date.now() - 400));
		const inTime = await slow.request({ type: 'answer', question_id: 's2', response: true });
		assert.equal(inTime.type, 'ack', `answer ~400 ms before the deadline: ${JSON.stringify(inTime)}`);
		assert.ok(inTime.points >= 500, `never less than half for a correct answer: ${inTime.points}`);
		await h.sleep(Math.max(0, localDeadline - Date.now() + 300));
		const late = await fast.request({ type: 'answer', question_id: 's2', response: true });
		assert.equal(late.type, 'error');
		assert.equal(late.code, 'question_closed');
	});

	test('leaderboard after two questions agrees in API, Redis and PostgreSQL', async () => {
		await checks.agree(srv, 'SHORT2S', 3);
	});

	test('multiple choice: partial or wrong responses, reveal distribution', async () => {
		await h.hostCmd(hostC, 'next');
		await Promise.all([fast, slow, idle].map((c) => c.waitFor((m) => m.type === 'question' && m.id === 's3', 5000, 's3')));
		const a1 = await fast.request({ type: 'answer', question_id: 's3', response: [0, 2] });
		const a2 = await slow.request({ type: 'answer', question_id: 's3', response: [0, 1] });
		const a3 = await idle.request({ type: 'answer', question_id: 's3', response: [2, 0] });
		for (const a of [a1, a2, a3]) assert.equal(a.type, 'ack', JSON.stringify(a));
		assert.ok(a1.points > 0);
		assert.equal(a3.points > 0, true, 'order of picked options does not matter');
		await h.hostCmd(hostC, 'reveal');
		const r = await screen.waitFor((m) => m.type === 'reveal' && m.question_id === 's3', 5000, 'reveal s3');
		assert.deepEqual(r.distribution, [3, 1, 2, 0]);
		assert.equal(r.answered, 3);
		assert.equal(r.results.correct, 2);
		assert.equal(r.results.correct + r.results.partial + r.results.wrong, 3);
	});

	test('finish; final agreement', async () => {
		await h.hostCmd(hostC, 'next');
		await screen.waitFor((m) => m.type === 'state' && m.phase === 'finished', 5000, 'finished');
		await checks.agree(srv, 'SHORT2S', 3);
	});
});
