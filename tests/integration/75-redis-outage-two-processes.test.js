'use strict';
// 75 Redis outage, two processes: while the processes cannot reach each other, a host
// command reaches every process or fails with `unavailable`, and an answer is judged by
// the state PostgreSQL holds, never refused because its process had not heard of a state
// change yet. Host on A and B, players on A and B:
//   - Redis stopped mid-question: `next` is refused with unavailable on both processes and
//     nothing changes; answers to the open question are acked on both;
//   - a state written to PostgreSQL that no event announced (as by a host whose process
//     still reached Redis): both processes show it within a second, and an answer to the
//     new question, sent before its process heard of it, is accepted;
//   - Redis back: host commands work again from either process, both show the same thing.
// And with Redis up, a process that missed an event: an answer to a question it does not
// think open is accepted (it re-reads PostgreSQL first), and an answer to a question that
// PostgreSQL closed is refused, whatever that process believed.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

const ANSWERS = h.contestAnswers();

// What a host whose process still reaches PostgreSQL writes for `next` (host.c's statement),
// without the event: seq + 1, question qi open for limitMs from now, the one before closed.
async function writeNext(srv, qi, limitMs = 20000) {
	const now = Date.now();
	await srv.psql(`BEGIN;
		UPDATE contests SET phase = 'question', qindex = ${qi}, open_ms = ${now}, deadline_ms = ${now + limitMs}, seq = seq + 1 WHERE code = 'SAFE2026';
		UPDATE questions SET deadline_ms = LEAST(deadline_ms, ${now}) WHERE idx = ${qi - 1} AND contest_id = (SELECT id FROM contests WHERE code = 'SAFE2026');
		UPDATE questions SET open_ms = ${now}, deadline_ms = ${now + limitMs} WHERE idx = ${qi} AND contest_id = (SELECT id FROM contests WHERE code = 'SAFE2026');
		COMMIT;`);
	return now;
}

async function healthy(srv, want) {
	for (const u of srv.urls) {
		let hz;
		for (let i = 0; i < 150; i++) {
			hz = await h.httpGet(`${u}/healthz`);
			if ((hz.status === 200) === want) break;
			await h.sleep(100);
		}
		assert.equal(hz.status === 200, want, `${u}/healthz: ${hz.status} ${hz.body}`);
	}
}

describe('Redis stopped mid-contest, two processes', () => {
	let srv;
	const hosts = [];
	const players = [];
	before(async () => {
		srv = await h.startServer({ processes: 2 });
		for (let i = 0; i < 2; i++) hosts.push(await h.host(srv.wsUrls[i], srv.organizerToken));
		for (let i = 0; i < 6; i++) players.push({ ...(await h.join(srv.wsUrls[i % 2], `断网${i}`, { employee_no: `RO${i}` })), proc: i % 2 });
		await h.hostCmd(hosts[0], 'start');
		await Promise.all(players.map((p) => p.c.waitFor((m) => m.type === 'question' && m.id === 'q1', 10000, 'q1')));
	});
	after(async () => {
		for (const c of [...hosts, ...players.map((p) => p.c)]) if (c && c.isOpen) await c.close();
		if (srv) await srv.stop();
	});

	test('host commands are refused with unavailable on both processes; answers are acked on both', async () => {
		await srv.stopRedis();
		await healthy(srv, false);
		for (const hc of hosts) {
			const r = await hc.request({ type: 'next' });
			assert.equal(r.type, 'error', JSON.stringify(r));
			assert.equal(r.code, 'unavailable');
		}
		const rows = await srv.sql("SELECT phase, qindex FROM contests WHERE code = 'SAFE2026'");
		assert.deepEqual(rows, [{ phase: 'question', qindex: 0 }], 'nothing changed');
		const acks = await Promise.all(players.slice(0, 4).map((p) => p.c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 })));
		for (const a of acks) assert.equal(a.type, 'ack', JSON.stringify(a));
	});

	test('a state no event announced reaches both processes; early answers to it are accepted', async () => {
		// the players of both processes answer q2 before their process heard of it
		const opened = await writeNext(srv, 1);
		const acks = await Promise.all(players.map((p) => p.c.request({ type: 'answer', question_id: 'q2', response: ANSWERS.q2 }, 15000)));
		acks.forEach((a, k) => assert.equal(a.type, 'ack', `player ${k} on process ${players[k].proc}: ${JSON.stringify(a)}`));
		const qs = await Promise.all(players.map((p) => p.c.waitFor((m) => m.type === 'question' && m.id === 'q2', 5000, 'q2 pushed')));
		assert.equal(new Set(qs.map((q) => q.deadline)).size, 1, 'one deadline on both processes');
		for (const q of qs) assert.ok(q.deadline > opened, 'the deadline PostgreSQL holds');
		const stored = await srv.sql('SELECT count(*)::int AS n FROM answers WHERE question_idx = 1');
		assert.deepEqual(stored, [{ n: 6 }]);
		// an answer to q1 now is late, on either process, whatever it believed
		const late = await players[4].c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 });
		assert.equal(late.code, 'question_closed', JSON.stringify(late));
	});

	test('Redis back: host commands work from either process, both processes show the same', async () => {
		await srv.startRedis();
		await healthy(srv, true);
		await h.hostCmd(hosts[1], 'reveal');
		const rv = await Promise.all(players.map((p) => p.c.waitFor((m) => m.type === 'reveal' && m.question_id === 'q2', 10000, 'reveal q2')));
		for (const r of rv) assert.equal(r.answered, 6);
		await h.hostCmd(hosts[0], 'next');
		const q3 = await Promise.all(players.map((p) => p.c.waitFor((m) => m.type === 'question' && m.id === 'q3', 10000, 'q3')));
		assert.equal(new Set(q3.map((q) => q.deadline)).size, 1);
	});
});

describe('a process that missed an event (Redis up)', () => {
	let srv;
	const players = [];
	before(async () => {
		srv = await h.startServer({ processes: 2 });
		const hc = await h.host(srv.wsUrls[0], srv.organizerToken);
		for (let i = 0; i < 2; i++) players.push((await h.join(srv.wsUrls[i], `漏听${i}`)).c);
		await h.hostCmd(hc, 'start');
		await Promise.all(players.map((c) => c.waitFor((m) => m.type === 'question' && m.id === 'q1', 10000, 'q1')));
		await hc.close();
	});
	after(async () => {
		for (const c of players) if (c.isOpen) await c.close();
		if (srv) await srv.stop();
	});

	test('an answer to a question its process does not think open is judged by PostgreSQL', async () => {
		await writeNext(srv, 1);
		// sent at once, before the process' periodic read (2 s): it reads first, then accepts
		const acks = await Promise.all(players.map((c) => c.request({ type: 'answer', question_id: 'q2', response: ANSWERS.q2 })));
		for (const a of acks) assert.equal(a.type, 'ack', JSON.stringify(a));
		for (const c of players) await c.waitFor((m) => m.type === 'question' && m.id === 'q2', 5000, 'q2 pushed');
	});

	test('an answer to a question PostgreSQL closed is refused, whatever its process believed', async () => {
		// PostgreSQL closes q2 now, without an event: the processes still think it open
		await srv.psql(`UPDATE questions SET deadline_ms = ${Date.now() - 1} WHERE idx = 1`);
		const fresh = await h.join(srv.wsUrls[1], '迟到者');
		const r = await fresh.c.request({ type: 'answer', question_id: 'q2', response: ANSWERS.q2 });
		assert.equal(r.type, 'error', JSON.stringify(r));
		assert.equal(r.code, 'question_closed');
		assert.deepEqual(await srv.sql(`SELECT count(*)::int AS n FROM answers WHERE participant_id = ${fresh.joined.participant_id}`), [{ n: 0 }]);
		await fresh.c.close();
	});
});
