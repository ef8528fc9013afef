'use strict';
// 48 large fan-out: a push to more members than one chunk (250, server/live/fanout.c) goes out
// over several loop iterations. With 600 players on one process: every player gets each
// question exactly once, right after its state, and acks that leave while the next
// question is still being pushed never overtake it or duplicate it.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../lib/harness.js');

const N = 600;
const WAIT = 5000; // far below the 60 s deadline, whose push would finish any fan-out

describe(`a push to ${N} members`, () => {
	let srv, hostC;
	const players = [];
	before(async () => {
		// no units board: its pushes to screens would finish a pending fan-out early
		const file = path.join(h.outDir(), 'fan600.json');
		fs.writeFileSync(file, JSON.stringify({ code: 'FAN600', title: { 'zh-CN': '扇出' }, mode: 'live', time_limit_s: 60,
			questions: ['q1', 'q2', 'q3'].map((id) => ({ id, type: 'single_choice', text: { 'zh-CN': id }, options: ['甲', '乙'], answer: 0 })) }));
		srv = await h.startServer({ contests: [file] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken, 'FAN600');
		for (let i = 0; i < N; i += 100) {
			const batch = await Promise.all(Array.from({ length: Math.min(100, N - i) }, (_, k) => h.join(srv.wsUrl, `扇出${i + k}`, { code: 'FAN600' })));
			for (const { c } of batch) players.push(c);
		}
	});
	after(async () => {
		await Promise.all([hostC, ...players].map((c) => (c && c.isOpen ? c.close() : null)));
		if (srv) await srv.stop();
	});

	// The messages a player got from the first `state` of question qid on.
	const tailFrom = (c, qid) => c.messages.slice(c.messages.findIndex((m) => m.type === 'state' && m.question_id === qid && m.phase === 'question'));

	test('every player gets the first question once, right after its state', async () => {
		await h.hostCmd(hostC, 'start');
		await Promise.all(players.map((c) => c.waitFor((m) => m.type === 'question' && m.id === 'q1', WAIT, 'q1')));
		for (const c of players) {
			const t = tailFrom(c, 'q1');
			assert.ok(t.length >= 2, 'state then question');
			assert.equal(t[1].type, 'question');
			assert.equal(t[1].id, 'q1');
			assert.equal(c.messages.filter((m) => m.type === 'question' && m.id === 'q1').length, 1);
		}
	});

	test('answers, then the next question at once: each player gets one ack and one q2, q2 after its state', async () => {
		for (const [i, c] of players.entries()) c.send({ type: 'answer', rid: `f-${i}`, question_id: 'q1', response: 0 });
		await h.hostCmd(hostC, 'next'); // acks of q1 are committed while q2 is being pushed
		await Promise.all(players.map((c) => c.waitFor((m) => m.type === 'question' && m.id === 'q2', WAIT, 'q2')));
		await Promise.all(players.map((c, i) => c.waitFor((m) => m.rid === `f-${i}`, WAIT, 'ack')));
		for (const [i, c] of players.entries()) {
			const acks = c.messages.filter((m) => m.rid === `f-${i}`);
			assert.equal(acks.length, 1, `player ${i}: one reply`);
			assert.equal(acks[0].type, 'ack', JSON.stringify(acks[0]));
			assert.equal(c.messages.filter((m) => m.type === 'question' && m.id === 'q2').length, 1, `player ${i}: one q2`);
			const t = tailFrom(c, 'q2');
			assert.equal(t[1].type, 'question', `player ${i}: q2 right after its state`);
		}
		const stored = await srv.sql("SELECT count(*) FROM answers WHERE question_id = 'q1'");
		assert.equal(Number(stored[0].count), N);
	});
});
