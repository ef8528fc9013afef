'use strict';
// 55 a contest with 100 players: all answer the same question at once; measures the time
// from sending `answer` to receiving `ack` (committed to PostgreSQL) and prints
//   bench: ack_latency players=100 p50_ms=... p99_ms=...
// (a figure, not an assertion: under ASan and on 2 shared cores it is pessimistic).
// Also checks that all 100 are acknowledged, scored, counted and ranked consistently.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const checks = require('../lib/checks.js');

const N = 100;
const ANSWERS = h.contestAnswers();

describe(`${N} players answer at once`, () => {
	let srv, hostC, screen;
	const players = [];
	before(async () => {
		srv = await h.startServer({ contests: [h.instantContest()] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
	});
	after(async () => {
		await Promise.all([hostC, screen, ...players.map((p) => p.c)].map((c) => c && c.close()));
		if (srv) await srv.stop();
	});

	test(`${N} players join`, async () => {
		for (let b = 0; b < N; b += 20) {
			const batch = await Promise.all(Array.from({ length: Math.min(20, N - b) }, (_, k) =>
				h.join(srv.wsUrl, `选手${String(b + k + 1).padStart(3, '0')}`, { employee_no: `P${b + k + 1}`, unit: `${(b + k) % 5 + 1}车间` })));
			players.push(...batch);
		}
		const ids = new Set(players.map((p) => p.joined.participant_id));
		assert.equal(ids.size, N, 'distinct participant ids');
		const tokens = new Set(players.map((p) => p.joined.token));
		assert.equal(tokens.size, N, 'distinct resume tokens');
		await screen.waitFor((m) => m.type === 'stats' && m.players === N && m.online === N, 15000, `stats players=${N}`);
	});

	test('everyone answers q1 at once: all acked; ack latency', async () => {
		await h.hostCmd(hostC, 'start');
		await Promise.all(players.map((p) => p.c.waitFor((m) => m.type === 'question' && m.id === 'q1', 15000, 'q1')));
		const t0 = new Map();
		const pending = players.map((p, i) => {
			const response = i % 4 === 3 ? 1 : ANSWERS.q1; // a quarter answer wrong
			const rid = `lat-${i}`;
			const w = p.c.waitFor((m) => m.rid === rid, 30000, `ack ${rid}`);
			t0.set(rid, performance.now());
			p.c.send({ type: 'answer', rid, question_id: 'q1', response });
			return w.then((m) => ({ m, ms: performance.now() - t0.get(rid), i }));
		});
		const results = await Promise.all(pending);
		const lat = [];
		for (const { m, ms, i } of results) {
			assert.equal(m.type, 'ack', `player ${i}: ${JSON.stringify(m)}`);
			assert.equal(m.duplicate, false);
			assert.equal(m.points > 0, i % 4 !== 3);
			lat.push(ms);
		}
		lat.sort((a, b) => a - b);
		const p50 = h.percentile(lat, 50), p99 = h.percentile(lat, 99);
		console.log(`bench: ack_latency players=${N} p50_ms=${p50.toFixed(1)} p99_ms=${p99.toFixed(1)} max_ms=${lat[lat.length - 1].toFixed(1)} binary=${require('node:path').basename(require('node:path').dirname(srv.bin))}`);
		const st = await screen.waitFor((m) => m.type === 'stats' && m.answered === N, 15000, `stats answered=${N}`);
		assert.equal(st.players, N);
	});

	test('reveal: distribution and results count all 100', async () => {
		for (const p of players) p.c.discard((m) => m.type === 'leaderboard');
		await h.hostCmd(hostC, 'reveal');
		const r = await screen.waitFor((m) => m.type === 'reveal', 15000, 'reveal');
		assert.equal(r.answered, N);
		assert.deepEqual(r.results, { correct: N * 3 / 4, partial: 0, wrong: N / 4 });
		assert.deepEqual(r.distribution, [N * 3 / 4, N / 4, 0, 0]);
	});

	test('each player gets its own rank; API, Redis, PostgreSQL agree', async () => {
		const lbs = await Promise.all(players.map((p) => p.c.waitFor((m) => m.type === 'leaderboard' && m.me, 15000, 'leaderboard with me at reveal')));
		for (const [i, m] of lbs.entries()) {
			assert.equal(m.players, N);
			if (i % 4 === 3) {
				assert.equal(m.me.score, 0);
				assert.ok(m.me.rank > N * 3 / 4 && m.me.rank <= N, `rank of a zero score: ${m.me.rank}`);
			} else {
				assert.ok(m.me.rank >= 1 && m.me.rank <= N * 3 / 4, `rank of a scoring player: ${m.me.rank}`);
			}
		}
		assert.ok(lbs.some((m) => m.me.rank === 1));
		await checks.agree(srv, 'SAFE2026', N);
	});
});
