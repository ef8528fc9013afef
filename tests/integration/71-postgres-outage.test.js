'use strict';
// 71 PostgreSQL outage: while the database is down, an answer is not acknowledged: it
// gets `unavailable` and is not stored; /healthz is not ok. When the database is back the
// server reconnects by itself, the same answer is accepted (and scored once), and the
// contest goes on. Uses a private PostgreSQL cluster (tools/services.sh in a temp dir).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const h = require('../lib/harness.js');
const checks = require('../lib/checks.js');

const LONG = path.join(__dirname, 'data', 'long60.json'); // 60-second questions

describe('PostgreSQL down mid-question', () => {
	let ps, srv, hostC, p1, p2, p3;
	before(async () => {
		ps = await h.privateServices();
		srv = await h.startServer({ pgPort: ps.pgPort, contests: [h.contestWith(LONG, { feedback: 'instant' })] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken, 'LONG60');
		({ c: p1 } = await h.join(srv.wsUrl, '甲', { code: 'LONG60' }));
		({ c: p2 } = await h.join(srv.wsUrl, '乙', { code: 'LONG60' }));
		({ c: p3 } = await h.join(srv.wsUrl, '丙', { code: 'LONG60' }));
		await h.hostCmd(hostC, 'start');
		await Promise.all([p1, p2, p3].map((c) => c.next('question')));
	});
	after(async () => {
		for (const c of [hostC, p1, p2, p3]) if (c) await c.close();
		try {
			if (srv) await srv.stop();
		} finally {
			if (ps) await ps.stop();
		}
	});

	let ack1, during;
	test('answer before the outage is acknowledged', async () => {
		ack1 = await p1.request({ type: 'answer', question_id: 's1', response: 1 });
		assert.equal(ack1.type, 'ack', JSON.stringify(ack1));
	});

	test('database stopped: the answer gets `unavailable`, never an ack', async () => {
		await ps.stopPg();
		const t0 = Date.now();
		const r = await p2.request({ type: 'answer', rid: 'during', question_id: 's1', response: 1 }, 15000)
			.catch((e) => ({ type: 'no reply', error: e.message.slice(0, 60) }));
		during = r;
		assert.equal(r.type, 'error', `no ack while PostgreSQL is down, and a reply within 15 s: got ${JSON.stringify(r)}`);
		assert.equal(r.code, 'unavailable');
		console.log(`# unavailable after ${Date.now() - t0} ms`);
		const hz = await srv.get('/healthz');
		assert.ok(!(hz.status === 200 && hz.json && hz.json.ok === true), `healthz while PostgreSQL is down: ${hz.status} ${hz.body}`);
	});

	let during2;
	test('1.5 s into the outage (the server is reconnecting): `unavailable` within 15 s, too', async () => {
		await h.sleep(1500);
		const t0 = Date.now();
		const r = await p3.request({ type: 'answer', rid: 'during2', question_id: 's1', response: 0 }, 15000)
			.catch((e) => ({ type: 'no reply', error: e.message.slice(0, 60) }));
		during2 = r;
		console.log(`# second answer: ${r.type} ${r.code || ''} after ${Date.now() - t0} ms`);
		assert.equal(r.type, 'error', `no ack while PostgreSQL is down, and a reply within 15 s: got ${JSON.stringify(r)}`);
		assert.equal(r.code, 'unavailable');
	});

	test('a retry of an acknowledged answer still gets its ack (from memory) or unavailable', async () => {
		const r = await p1.request({ type: 'answer', question_id: 's1', response: 1 }, 30000);
		if (r.type === 'ack') {
			assert.equal(r.duplicate, true);
			assert.equal(r.points, ack1.points);
		} else {
			assert.equal(r.code, 'unavailable');
		}
	});

	test('database back: the server recovers by itself and the same answer is accepted once', async () => {
		await ps.startPg();
		let hz;
		for (let i = 0; i < 200; i++) {
			hz = await srv.get('/healthz').catch(() => null);
			if (hz && hz.status === 200 && hz.json.ok === true) break;
			await h.sleep(100);
		}
		assert.equal(hz.json.ok, true, 'healthz ok again');
		const r = await p2.request({ type: 'answer', rid: 'after', question_id: 's1', response: 1 }, 30000);
		assert.equal(r.type, 'ack', JSON.stringify(r));
		// If the server held the answer through the outage and acknowledged it later (not what
		// docs/protocol.md says, see the test above), the retry is a duplicate of that ack.
		const lateAck = p2.messages.find((m) => m.rid === 'during' && m.type === 'ack');
		if (during && during.type === 'error') {
			assert.equal(lateAck, undefined, 'an answer refused with `unavailable` is never acknowledged later');
			assert.equal(r.duplicate, false, 'the answer refused during the outage was not stored');
		} else if (lateAck) {
			assert.equal(r.duplicate, true);
			assert.equal(r.points, lateAck.points);
		}
		const r3 = await p3.request({ type: 'answer', question_id: 's1', response: 0 }, 30000);
		assert.equal(r3.type, 'ack', JSON.stringify(r3));
		const lateAck3 = p3.messages.find((m) => m.rid === 'during2' && m.type === 'ack');
		if (during2 && during2.type === 'error') {
			assert.equal(lateAck3, undefined, 'an answer refused with `unavailable` is never acknowledged later');
			assert.equal(r3.duplicate, false, 'the answer refused during the outage was not stored');
		}
		const rows = await srv.sql("SELECT p.name, count(*)::int AS n FROM answers a JOIN participants p ON p.id = a.participant_id GROUP BY p.name ORDER BY p.name");
		assert.deepEqual(rows.map((x) => [x.name, x.n]).sort(), [['丙', 1], ['乙', 1], ['甲', 1]]);
	});

	test('the contest goes on; the three views agree', async () => {
		await h.hostCmd(hostC, 'reveal');
		const rv = await p1.waitFor((m) => m.type === 'reveal', 10000, 'reveal');
		assert.equal(rv.answered, 3);
		await h.hostCmd(hostC, 'next');
		await p2.waitFor((m) => m.type === 'question' && m.id === 's2', 10000, 's2');
		const a = await p2.request({ type: 'answer', question_id: 's2', response: true });
		assert.equal(a.type, 'ack', JSON.stringify(a));
		await checks.agree(srv, 'LONG60', 3);
	});
});
