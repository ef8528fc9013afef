'use strict';
// 56 hidden scores (issue 10, item 1): in a contest that shows points at the reveal (the
// default, "feedback": "reveal") nothing tells anyone who got the open question right
// before the reveal: the ack says only that the answer arrived; screens, hosts, players,
// GET .../leaderboard and .../units keep the scores of the question's opening on both
// processes; a resume in the middle of a question shows the score without it; a Redis
// FLUSHALL mid-question rebuilds what the boards show, not the live totals. At the reveal
// every view shows the new scores, and each player's leaderboard with the reveal
// says what its answer earned (me.points). Ranks are shared (equal points, equal rank, me.tied);
// entries carry the tail of the employee number; players are told the player count.
// "feedback": "instant" (training quizzes) gives points, score and rank in the ack.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const h = require('../lib/harness.js');
const checks = require('../lib/checks.js');

const ANSWERS = h.contestAnswers();
const FLAT = path.join(__dirname, 'data', 'flat60.json'); // no time factor: equal points tie
const SHORT = path.join(__dirname, 'data', 'short.json'); // 2-second questions

/* The scores a view shows, by participant id. */
const byId = (top) => Object.fromEntries(top.map((e) => [e.participant_id, e.score]));

async function pgScores(srv) {
	const rows = await srv.sql('SELECT id::int AS id, score_milli::int AS s FROM participants ORDER BY id');
	return Object.fromEntries(rows.map((r) => [r.id, r.s / 1000]));
}

describe('hidden until the reveal, two processes', () => {
	let srv, hostA, screenB;
	const P = []; // {c, joined, proc}
	before(async () => {
		srv = await h.startServer({ processes: 2 });
	});
	after(async () => {
		for (const c of [hostA, screenB, ...P.map((p) => p.c)]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	test('join: feedback "reveal"; players are told the count; shared ranks and employee-number tails', async () => {
		hostA = await h.host(srv.wsUrls[0], srv.organizerToken);
		screenB = await h.connect(srv.wsUrls[1]);
		screenB.send({ type: 'watch', code: 'SAFE2026' });
		const watching = await screenB.next('watching');
		assert.equal(watching.contest.feedback, 'reveal');
		const people = [['张伟', 'A', 'E-1234'], ['张伟', 'B', 'E-5678'], ['李娜', 'B', 'E-0042']];
		for (const [name, proc, emp] of people) {
			const i = proc === 'A' ? 0 : 1;
			const { c, joined } = await h.join(srv.wsUrls[i], name, { employee_no: emp, unit: '一车间' });
			assert.equal(joined.contest.feedback, 'reveal');
			P.push({ c, joined, proc: i });
		}
		// the first player hears of the other two (stats with the player count only)
		const st = await P[0].c.waitFor((m) => m.type === 'stats' && m.players === 3, 10000, 'stats to a player');
		assert.deepEqual(Object.keys(st).filter((k) => k !== '__at').sort(), ['players', 'type']);
		const lb = await screenB.waitFor((m) => m.type === 'leaderboard' && m.top.length === 3, 10000, 'lobby board');
		assert.deepEqual(lb.top.map((e) => e.rank), [1, 1, 1], 'everyone at 0 shares rank 1');
		assert.deepEqual(lb.top.map((e) => e.emp_tail).sort(), ['0042', '1234', '5678']);
	});

	test('q1: the ack says it arrived, nothing more; no view moves while it is played', async () => {
		await h.hostCmd(hostA, 'start');
		await Promise.all(P.map((p) => p.c.waitFor((m) => m.type === 'question' && m.id === 'q1', 10000, 'q1')));
		screenB.discard(() => true);
		hostA.discard((m) => m.type === 'leaderboard');
		const acks = await Promise.all([
			P[0].c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 }),
			P[1].c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 }),
			P[2].c.request({ type: 'answer', question_id: 'q1', response: (ANSWERS.q1 + 1) % 4 }),
		]);
		for (const a of acks) {
			assert.equal(a.type, 'ack', JSON.stringify(a));
			assert.deepEqual(Object.keys(a).filter((k) => k !== '__at').sort(),
				['accepted', 'duplicate', 'players', 'question_id', 'rid', 'type'], `nothing but "received": ${JSON.stringify(a)}`);
		}
		const again = await P[0].c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 });
		assert.equal(again.duplicate, true);
		assert.equal(again.points, undefined);
		const stored = await pgScores(srv);
		assert.ok(stored[P[0].joined.participant_id] > 0 && stored[P[2].joined.participant_id] === 0, JSON.stringify(stored));

		await h.sleep(700); // three ticks
		for (const c of [screenB, hostA]) {
			const moved = c.pending.filter((m) => m.type === 'leaderboard' && m.top.some((e) => e.score > 0));
			assert.equal(moved.length, 0, `no board with new scores: ${JSON.stringify(moved)}`);
		}
		for (const u of srv.urls) {
			const api = await h.httpGet(`${u}/api/contests/SAFE2026/leaderboard`);
			assert.deepEqual(api.json.top.map((e) => e.score), [0, 0, 0], `${u}: the API shows no new score`);
			const units = await h.httpGet(`${u}/api/contests/SAFE2026/units`);
			assert.deepEqual(units.json.top.map((e) => e.score), [0], `${u}: the units board neither`);
		}
	});

	test('a resume in the middle of q1 shows the score without it, on the other process', async () => {
		const p = P[0];
		const c = await h.connect(srv.wsUrls[1]);
		c.send({ type: 'resume', token: p.joined.token });
		const j = await c.next('joined');
		assert.equal(j.score, 0, 'not the open question\'s points');
		const q = await c.next('question');
		assert.equal(q.answered.duplicate, true, 'its answer is known');
		assert.equal(q.answered.points, undefined, 'but not its points');
		const lb = await c.next('leaderboard');
		assert.equal(lb.me.score, 0);
		assert.ok(lb.top.every((e) => e.score === 0));
		await p.c.closed;
		p.c = c;
		p.proc = 1;
	});

	test('the reveal: every view shows the new scores, ranks shared', async () => {
		const stored = await pgScores(srv);
		for (const p of P) p.c.discard((m) => m.type === 'leaderboard');
		await h.hostCmd(hostA, 'reveal');
		const rv = await screenB.waitFor((m) => m.type === 'reveal' && m.question_id === 'q1', 10000, 'reveal on B');
		assert.equal(rv.results.correct, 2);
		const lb = await screenB.waitFor((m) => m.type === 'leaderboard' && m.top.some((e) => e.score > 0), 10000, 'the new board on B');
		assert.ok(lb.__at >= rv.__at, 'the board moves with the reveal, not before');
		assert.deepEqual(byId(lb.top), Object.fromEntries(P.map((p) => [p.joined.participant_id, stored[p.joined.participant_id]])));
		const q1 = Object.fromEntries((await srv.sql('SELECT participant_id::int AS id, points_milli::int AS p FROM answers WHERE question_idx = 0'))
			.map((a) => [a.id, a.p / 1000]));
		for (const p of P) {
			await p.c.waitFor((m) => m.type === 'reveal', 10000, 'the reveal');
			const mine = await p.c.waitFor((m) => m.type === 'leaderboard' && m.me, 10000, 'my board with the reveal');
			assert.equal(mine.me.score, stored[p.joined.participant_id]);
			assert.equal(mine.me.points, q1[p.joined.participant_id], 'what my answer earned, at the reveal (also after a resume)');
			const higher = Object.values(stored).filter((s) => s > mine.me.score).length;
			assert.equal(mine.me.rank, higher + 1, 'shared rank: 1 + those with more points');
		}
		await checks.agree(srv, 'SAFE2026', 3);
		for (const u of srv.urls) {
			const api = await h.httpGet(`${u}/api/contests/SAFE2026/leaderboard`);
			assert.deepEqual(byId(api.json.top), byId(lb.top));
		}
	});

	test('q2: the boards keep q1\'s scores; a FLUSHALL rebuilds what they show, not the live totals', async () => {
		const q1 = await pgScores(srv);
		await h.hostCmd(hostA, 'next');
		await Promise.all(P.map((p) => p.c.waitFor((m) => m.type === 'question' && m.id === 'q2', 10000, 'q2')));
		for (const p of [P[0], P[2]]) {
			const a = await p.c.request({ type: 'answer', question_id: 'q2', response: ANSWERS.q2 });
			assert.equal(a.type, 'ack');
		}
		const live = await pgScores(srv);
		assert.notDeepEqual(live, q1);
		await srv.redis('FLUSHALL');
		// right away (the keys are gone: PostgreSQL answers), then rebuilt from it
		for (let i = 0; i < 2; i++) {
			for (const u of srv.urls) {
				const api = await h.httpGet(`${u}/api/contests/SAFE2026/leaderboard`);
				assert.deepEqual(byId(api.json.top), q1, `${u}: q1's scores, ${i ? 'after the rebuild' : 'from PostgreSQL'}`);
			}
			for (let k = 0; k < 50 && !(await srv.redis('GET', 'sa:SAFE2026:ok')); k++) await h.sleep(100);
		}
		const shown = await srv.redis('ZREVRANGE', 'sa:SAFE2026:shown', 0, -1, 'WITHSCORES');
		const rebuilt = {};
		for (let i = 0; i < shown.length; i += 2) rebuilt[999999999999 - Number(shown[i])] = Math.floor(Number(shown[i + 1]) / checks.SLOTS) / 1000;
		assert.deepEqual(rebuilt, q1, 'the rebuilt board set holds q1\'s scores');
		const lbSet = await checks.redisBoard(srv, 'SAFE2026');
		assert.deepEqual(Object.fromEntries(lbSet.map((e) => [e.id, e.score_milli / 1000])), live, 'the live set the live totals');
		// a resume now: q1's score
		const c = await h.connect(srv.wsUrls[0]);
		c.send({ type: 'resume', token: P[0].joined.token });
		assert.equal((await c.next('joined')).score, q1[P[0].joined.participant_id]);
		await P[0].c.closed;
		P[0].c = c;
		await h.hostCmd(hostA, 'reveal');
		const lb = await screenB.waitFor((m) => m.type === 'leaderboard' && JSON.stringify(byId(m.top)) === JSON.stringify(live), 10000, 'q2\'s scores at its reveal');
		assert.ok(lb);
		await checks.agree(srv, 'SAFE2026', 3);
	});
});

describe('after the deadline, before the reveal', () => {
	let srv, hostC, p;
	before(async () => { srv = await h.startServer({ contests: [SHORT] }); });
	after(async () => {
		for (const c of [hostC, p]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	test('the question closed: still nothing until the host reveals', async () => {
		hostC = await h.host(srv.wsUrl, srv.organizerToken, 'SHORT2S');
		({ c: p } = await h.join(srv.wsUrl, '王强', { code: 'SHORT2S' }));
		await h.hostCmd(hostC, 'start');
		await p.waitFor((m) => m.type === 'question' && m.id === 's1', 10000, 's1');
		assert.equal((await p.request({ type: 'answer', question_id: 's1', response: 1 })).type, 'ack');
		await hostC.waitFor((m) => m.type === 'state' && m.open === false, 5000, 'closed at the deadline');
		await h.sleep(500);
		const api = await srv.get('/api/contests/SHORT2S/leaderboard');
		assert.deepEqual(api.json.top.map((e) => e.score), [0]);
		assert.ok(!hostC.pending.some((m) => m.type === 'leaderboard' && m.top.some((e) => e.score > 0)));
		await h.hostCmd(hostC, 'reveal');
		const lb = await hostC.waitFor((m) => m.type === 'leaderboard' && m.top.length && m.top[0].score > 0, 10000, 'the board at the reveal');
		assert.ok(lb.top[0].score >= 500);
	});
});

describe('ties share a rank', () => {
	let srv, hostC;
	const P = [];
	before(async () => { srv = await h.startServer({ contests: [FLAT] }); });
	after(async () => {
		for (const c of [hostC, ...P.map((p) => p.c)]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	test('equal points: rank 1 and 1 (tied), then 3', async () => {
		hostC = await h.host(srv.wsUrl, srv.organizerToken, 'FLAT60');
		for (const n of ['甲', '乙', '丙']) P.push((await h.join(srv.wsUrl, n, { code: 'FLAT60' })).c);
		await h.hostCmd(hostC, 'start');
		await Promise.all(P.map((c) => c.waitFor((m) => m.type === 'question', 10000, 's1')));
		await P[0].request({ type: 'answer', question_id: 's1', response: 1 });
		await P[1].request({ type: 'answer', question_id: 's1', response: 1 });
		await P[2].request({ type: 'answer', question_id: 's1', response: 0 });
		for (const c of P) c.discard((m) => m.type === 'leaderboard');
		await h.hostCmd(hostC, 'reveal');
		const me = await Promise.all(P.map((c) => c.waitFor((m) => m.type === 'leaderboard' && m.me, 10000, 'my rank')));
		assert.deepEqual(me.map((m) => [m.me.rank, m.me.tied, m.me.score]), [[1, true, 1000], [1, true, 1000], [3, false, 0]]);
		assert.deepEqual(me[0].top.map((e) => e.rank), [1, 1, 3]);
	});
});

describe('instant feedback (training quizzes)', () => {
	let srv, hostC, screen;
	const P = [];
	before(async () => { srv = await h.startServer({ contests: [h.contestWith(FLAT, { feedback: 'instant' })] }); });
	after(async () => {
		for (const c of [hostC, screen, ...P.map((p) => p.c)]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	test('the ack carries points, score and a shared rank; the board follows during the question', async () => {
		hostC = await h.host(srv.wsUrl, srv.organizerToken, 'FLAT60');
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'FLAT60' });
		assert.equal((await screen.next('watching')).contest.feedback, 'instant');
		for (const n of ['甲', '乙']) P.push(await h.join(srv.wsUrl, n, { code: 'FLAT60' }));
		assert.equal(P[0].joined.contest.feedback, 'instant');
		await h.hostCmd(hostC, 'start');
		await Promise.all(P.map((p) => p.c.waitFor((m) => m.type === 'question', 10000, 's1')));
		const a = await P[0].c.request({ type: 'answer', question_id: 's1', response: 1 });
		assert.deepEqual([a.points, a.score, a.rank, a.tied], [1000, 1000, 1, false]);
		const b = await P[1].c.request({ type: 'answer', question_id: 's1', response: 1 });
		assert.deepEqual([b.points, b.score, b.rank, b.tied], [1000, 1000, 1, true]);
		const lb = await screen.waitFor((m) => m.type === 'leaderboard' && m.top.length === 2 && m.top.every((e) => e.score === 1000), 5000, 'the board while the question is open');
		assert.deepEqual(lb.top.map((e) => e.rank), [1, 1]);
	});
});
