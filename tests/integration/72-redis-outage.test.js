'use strict';
// 72 Redis outage: Redis holds only derived data. While it is down, /healthz is not ok,
// the leaderboard API answers from PostgreSQL in the same order, and an answer is either
// acknowledged (then it is in PostgreSQL) or refused with `unavailable` (then it is not):
// never lost after an ack. When an empty Redis comes back the server reconnects and
// rebuilds: the three views agree and the answer counter includes the outage's answers.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const checks = require('../lib/checks.js');

const ANSWERS = h.contestAnswers();

describe('Redis down mid-question', () => {
	let srv, hostC, screen;
	const players = [];
	before(async () => {
		srv = await h.startServer({ contests: [h.instantContest()] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
		for (let i = 0; i < 6; i++) players.push(await h.join(srv.wsUrl, `R${i}`, { unit: i % 2 ? '甲班' : '乙班' }));
		await h.hostCmd(hostC, 'start');
		await Promise.all(players.map((p) => p.c.next('question')));
		for (const p of players.slice(0, 2)) {
			const a = await p.c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 });
			assert.equal(a.type, 'ack');
		}
	});
	after(async () => {
		for (const c of [hostC, screen, ...players.map((p) => p.c)]) if (c && c.isOpen) await c.close();
		if (srv) await srv.stop();
	});

	let before_;
	const during = [];
	test('Redis stopped: healthz not ok, leaderboard API from PostgreSQL', async () => {
		before_ = await checks.pgBoard(srv, 'SAFE2026');
		await srv.stopRedis();
		// nothing for a moment: the server's own reconnect attempts meet a closed port
		await h.sleep(1000);
		let hz;
		for (let i = 0; i < 50; i++) {
			hz = await srv.get('/healthz');
			if (hz.status !== 200) break;
			await h.sleep(100);
		}
		assert.equal(hz.status, 503, `healthz while Redis is down: ${hz.status} ${hz.body}`);
		assert.equal(hz.json.redis === 'ok', false);
		const api = await checks.apiBoard(srv, 'SAFE2026');
		assert.deepEqual(api.top.map((e) => [e.participant_id, Math.round(e.score * 1000)]), before_.map((e) => [e.id, e.score_milli]));
	});

	test('answers during the outage: acked (and stored) or unavailable (and not stored)', async () => {
		const rs = await Promise.all(players.slice(2, 5).map((p) => p.c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 }, 15000)
			.catch((e) => ({ type: 'no reply', error: e.message.slice(0, 80) }))));
		for (const [k, r] of rs.entries()) {
			const p = players[2 + k];
			during.push({ p, r });
			assert.ok(r.type === 'ack' || (r.type === 'error' && r.code === 'unavailable'), `reply within 15 s: ${JSON.stringify(r)}`);
			const rows = await srv.sql(`SELECT count(*)::int AS n FROM answers WHERE participant_id = ${p.joined.participant_id}`);
			assert.equal(rows[0].n, r.type === 'ack' ? 1 : 0, `${p.joined.name}: ${r.type} and ${rows[0].n} stored`);
			if (r.type === 'ack') assert.ok(r.rank === null || r.rank >= 1, 'rank may be null while the leaderboard is unavailable');
		}
		console.log(`# during the outage: ${rs.map((r) => r.type + (r.code ? ':' + r.code : '')).join(', ')}`);
	});

	test('Redis back (empty): rebuilt, retries settle, the three views agree, counters include everything', async () => {
		await srv.startRedis();
		let hz;
		for (let i = 0; i < 100; i++) {
			hz = await srv.get('/healthz');
			if (hz.status === 200) break;
			await h.sleep(100);
		}
		assert.equal(hz.status, 200, `healthz ok again within 10 s of Redis coming back: ${hz.status} ${hz.body}`);
		// the refused ones retry; the acked ones retry too and get duplicates
		for (const { p, r } of during) {
			const again = await p.c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 });
			assert.equal(again.type, 'ack', JSON.stringify(again));
			assert.equal(again.duplicate, r.type === 'ack');
		}
		const last = await players[5].c.request({ type: 'answer', question_id: 'q1', response: 3 });
		assert.equal(last.type, 'ack');
		let rd = [];
		for (let i = 0; i < 100; i++) {
			rd = await checks.redisBoard(srv, 'SAFE2026');
			if (rd.length === 6) break;
			await h.sleep(100);
		}
		await checks.agree(srv, 'SAFE2026', 6);
		await h.hostCmd(hostC, 'reveal');
		const rv = await screen.waitFor((m) => m.type === 'reveal' && m.question_id === 'q1', 10000, 'reveal q1');
		assert.equal(rv.answered, 6, 'answers from before, during and after the outage are all counted');
		assert.deepEqual(rv.results, { correct: 5, partial: 0, wrong: 1 });
	});
});
