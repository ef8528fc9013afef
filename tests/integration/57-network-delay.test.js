'use strict';
// 57 network delay (issue 10, item 2): the server measures each player's round-trip
// time with WebSocket pings and credits an answer with half of it, at most
// --rtt-credit-max-ms (300): it counts as received that much earlier, for the speed
// bonus and for the deadline. The RTT and the credit are stored with the answer, so a
// recomputation gives the same points. Clients sit behind a TCP proxy that delays every
// byte by a known amount each way (tests/lib/netproxy.js): 200 ms (RTT ~400 ms, credit
// ~200 ms) and 400 ms (RTT ~800 ms, credit capped at 300 ms). 2-second questions.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const h = require('../lib/harness.js');
const { netProxy } = require('../lib/netproxy.js');

const SHORT = path.join(__dirname, 'data', 'short.json'); // s1 single choice (1), s2 true_false (true), s3 multiple [0, 2]

/* Kahoot's rule as docs/scoring.md gives it: 1000 points, 2 s, 500 ms grace. */
function points(responseMs, limitMs = 2000) {
	const t = Math.min(Math.max(responseMs, 0), limitMs);
	return t <= 500 ? 1000 : Math.round(1000 * (1 - (t / limitMs) / 2));
}

async function answerRow(srv, pid, idx) {
	const rows = await srv.sql(`SELECT a.received_ms::bigint AS rcv, a.rtt_ms, a.credit_ms, a.response_ms,
		a.points_milli::bigint AS pm, q.open_ms::bigint AS open, q.deadline_ms::bigint AS deadline
		FROM answers a JOIN questions q ON q.contest_id = a.contest_id AND q.idx = a.question_idx
		WHERE a.participant_id = ${pid} AND a.question_idx = ${idx}`);
	return rows[0] && Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, v === null ? null : Number(v)]));
}

async function questionWindow(srv, idx) {
	const rows = await srv.sql(`SELECT open_ms::bigint AS open, deadline_ms::bigint AS deadline FROM questions WHERE idx = ${idx}`);
	return { open: Number(rows[0].open), deadline: Number(rows[0].deadline) };
}

/* Sends `msg` on c when the server clock (this machine's) reads `at`; resolves to the reply. */
async function sendAt(c, at, msg) {
	const wait = at - Date.now();
	if (wait > 0) await h.sleep(wait);
	return c.request(msg, 10000);
}

describe('answers credited for their connection\'s delay', () => {
	let srv, hostC, near, far, farther, px200, px400;
	before(async () => {
		srv = await h.startServer({ contests: [SHORT], args: ['--rtt-ping-ms', '500'] });
		px200 = await netProxy(srv.port, { delayMs: 200, port: await h.freePort() });
		px400 = await netProxy(srv.port, { delayMs: 400, port: await h.freePort() });
	});
	after(async () => {
		for (const c of [hostC, near && near.c, far && far.c, farther && farther.c]) if (c) await c.close().catch(() => {});
		for (const p of [px200, px400]) if (p) await p.close();
		if (srv) await srv.stop();
	});

	test('players 0, 200 and 400 ms away; their round trips measured', async () => {
		hostC = await h.host(srv.wsUrl, srv.organizerToken, 'SHORT2S');
		near = await h.join(srv.wsUrl, '近处', { code: 'SHORT2S' });
		far = await h.join(px200.wsUrl, '远处', { code: 'SHORT2S' });
		farther = await h.join(px400.wsUrl, '更远处', { code: 'SHORT2S' });
		await h.sleep(3500); // a few pings each (--rtt-ping-ms 500; a sample takes one round trip)
	});

	test('200 ms away: an answer arriving 100 ms after the deadline is taken, credited ~200 ms', async () => {
		await h.hostCmd(hostC, 'start');
		const st = await far.c.waitFor((m) => m.type === 'state' && m.phase === 'question', 10000, 's1 on the far phone');
		await near.c.waitFor((m) => m.type === 'question', 10000, 's1 nearby');
		assert.equal((await near.c.request({ type: 'answer', question_id: 's1', response: 1 })).type, 'ack');
		const ack = await sendAt(far.c, st.deadline - 100, { type: 'answer', question_id: 's1', response: 1 });
		assert.equal(ack.type, 'ack', JSON.stringify(ack));
		const a = await answerRow(srv, far.joined.participant_id, 0);
		assert.ok(a.rtt_ms >= 380 && a.rtt_ms <= 1000, `measured RTT ${a.rtt_ms} ms (200 ms each way)`);
		assert.equal(a.credit_ms, Math.min(Math.floor(a.rtt_ms / 2), 300), 'half the RTT');
		assert.ok(a.rcv > a.deadline, `received ${a.rcv - a.deadline} ms after the deadline`);
		assert.ok(a.rcv - a.credit_ms <= a.deadline, 'credited, within it');
		// what a recomputation from the stored row gives
		assert.equal(a.response_ms, a.rcv - a.credit_ms - a.open);
		assert.equal(a.pm, points(a.response_ms) * 1000, `points for ${a.response_ms} ms`);
		console.log(`bench: rtt_credit delay_ms=200 rtt_ms=${a.rtt_ms} credit_ms=${a.credit_ms} received_after_deadline_ms=${a.rcv - a.deadline} accepted=1`);
	});

	test('200 ms away: 400 ms after the deadline is refused; nearby, 50 ms after is refused', async () => {
		await h.hostCmd(hostC, 'next');
		const st = await far.c.waitFor((m) => m.type === 'state' && m.question_id === 's2', 10000, 's2 on the far phone');
		const [late, nearLate] = await Promise.all([
			sendAt(far.c, st.deadline + 200, { type: 'answer', question_id: 's2', response: true }),
			sendAt(near.c, st.deadline + 50, { type: 'answer', question_id: 's2', response: true }),
		]);
		assert.deepEqual([late.type, late.code], ['error', 'question_closed'], JSON.stringify(late));
		assert.deepEqual([nearLate.type, nearLate.code], ['error', 'question_closed'], JSON.stringify(nearLate));
		assert.equal(await answerRow(srv, far.joined.participant_id, 1), undefined, 'nothing stored');
		assert.equal(await answerRow(srv, near.joined.participant_id, 1), undefined);
		const w = await questionWindow(srv, 1);
		assert.equal(w.deadline, st.deadline, 'the window PostgreSQL judged by');
	});

	test('400 ms away: the credit is capped at 300 ms', async () => {
		await h.hostCmd(hostC, 'next');
		const st = await farther.c.waitFor((m) => m.type === 'state' && m.question_id === 's3', 10000, 's3 on the farther phone');
		// sent 150 ms before the deadline: arrives ~250 ms after it, within the 300 ms credit
		const ack = await sendAt(farther.c, st.deadline - 150, { type: 'answer', question_id: 's3', response: [0, 2] });
		assert.equal(ack.type, 'ack', JSON.stringify(ack));
		const a = await answerRow(srv, farther.joined.participant_id, 2);
		assert.ok(a.rtt_ms >= 780 && a.rtt_ms <= 1600, `measured RTT ${a.rtt_ms} ms (400 ms each way)`);
		assert.equal(a.credit_ms, 300, 'capped');
		assert.ok(a.rcv > a.deadline && a.rcv - 300 <= a.deadline, `received ${a.rcv - a.deadline} ms after the deadline`);
		assert.equal(a.response_ms, a.rcv - 300 - a.open);
		console.log(`bench: rtt_credit delay_ms=400 rtt_ms=${a.rtt_ms} credit_ms=${a.credit_ms} received_after_deadline_ms=${a.rcv - a.deadline} accepted=1`);
		await h.hostCmd(hostC, 'end');
	});

	test('the nearby connection: a round trip of a few ms, as much credit', async () => {
		const a = await answerRow(srv, near.joined.participant_id, 0);
		assert.ok(a && a.rtt_ms !== null && a.rtt_ms < 150, `nearby RTT ${a && a.rtt_ms} ms`);
		assert.equal(a.credit_ms, Math.floor(a.rtt_ms / 2));
		assert.equal(a.response_ms, Math.max(0, a.rcv - a.credit_ms - a.open));
	});
});

describe('--rtt-credit-max-ms 0: no credit at all', () => {
	let srv, hostC, far, px;
	before(async () => {
		srv = await h.startServer({ contests: [SHORT], args: ['--rtt-ping-ms', '500', '--rtt-credit-max-ms', '0'] });
		px = await netProxy(srv.port, { delayMs: 200, port: await h.freePort() });
	});
	after(async () => {
		for (const c of [hostC, far && far.c]) if (c) await c.close().catch(() => {});
		if (px) await px.close();
		if (srv) await srv.stop();
	});

	test('the same late answer is refused; the RTT is still stored when an answer is taken', async () => {
		hostC = await h.host(srv.wsUrl, srv.organizerToken, 'SHORT2S');
		far = await h.join(px.wsUrl, '远处', { code: 'SHORT2S' });
		await h.sleep(1500);
		await h.hostCmd(hostC, 'start');
		const st = await far.c.waitFor((m) => m.type === 'state' && m.phase === 'question', 10000, 's1');
		const late = await sendAt(far.c, st.deadline - 100, { type: 'answer', question_id: 's1', response: 1 });
		assert.deepEqual([late.type, late.code], ['error', 'question_closed'], JSON.stringify(late));
		await h.hostCmd(hostC, 'next');
		const st2 = await far.c.waitFor((m) => m.type === 'state' && m.question_id === 's2', 10000, 's2');
		const ok = await sendAt(far.c, st2.deadline - 1200, { type: 'answer', question_id: 's2', response: true });
		assert.equal(ok.type, 'ack', JSON.stringify(ok));
		const a = await answerRow(srv, far.joined.participant_id, 1);
		assert.ok(a.rtt_ms >= 380, `measured RTT ${a.rtt_ms}`);
		assert.equal(a.credit_ms, 0);
		assert.equal(a.response_ms, a.rcv - a.open);
	});
});
