'use strict';
// 70 durability: PostgreSQL is the source of truth.
//  - Redis FLUSHALL mid-contest: the leaderboard is rebuilt identically from PostgreSQL
//    and the contest goes on.
//  - kill -9 of the server mid-contest: no acknowledged answer is lost; after a restart
//    players resume (same participant, score, open question with its earlier ack).
//  - SIGTERM during a burst of answers: the server exits 0 and every ack it sent is stored.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const checks = require('../lib/checks.js');

const ANSWERS = h.contestAnswers();

async function joinMany(url, n, prefix) {
	const out = [];
	for (let i = 0; i < n; i++) {
		const { c, joined } = await h.join(url, `${prefix}${i}`, { employee_no: `${prefix.replace(/[^A-Za-z0-9]/g, '')}${i}` });
		out.push({ c, joined, acks: {} });
	}
	return out;
}

async function answerAll(players, qid, pick = () => ANSWERS[qid]) {
	const acks = await Promise.all(players.map((p, i) => p.c.request({ type: 'answer', question_id: qid, response: pick(i) })));
	acks.forEach((a, i) => {
		assert.equal(a.type, 'ack', JSON.stringify(a));
		players[i].acks[qid] = a;
	});
	return acks;
}

describe('Redis FLUSHALL mid-contest', () => {
	let srv, hostC, screen, players;
	before(async () => {
		srv = await h.startServer({ contests: [h.instantContest()] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
		players = await joinMany(srv.wsUrl, 8, 'Flush');
	});
	after(async () => {
		for (const c of [hostC, screen, ...(players || []).map((p) => p.c)]) if (c) await c.close();
		if (srv) await srv.stop();
	});

	let before_;
	test('two questions played; snapshot of the three views', async () => {
		for (const [i, qid] of ['q1', 'q2'].entries()) {
			await h.hostCmd(hostC, i ? 'next' : 'start');
			await Promise.all(players.map((p) => p.c.waitFor((m) => m.type === 'question' && m.id === qid, 10000, qid)));
			await answerAll(players, qid, (k) => (k % 3 === 0 ? 3 : ANSWERS[qid]));
			await h.hostCmd(hostC, 'reveal');
		}
		before_ = await checks.agree(srv, 'SAFE2026', 8);
		assert.equal((await srv.redis('EXISTS', 'sa:SAFE2026:ok')), 1, 'sa:SAFE2026:ok marks a complete Redis state');
	});

	test('FLUSHALL; the API still answers and Redis is rebuilt identically', async () => {
		assert.equal(await srv.redis('FLUSHALL'), 'OK');
		assert.equal(await srv.redis('DBSIZE'), 0);
		// the API must not show an empty board: it answers from PostgreSQL or after the rebuild
		const api = await checks.apiBoard(srv, 'SAFE2026');
		assert.deepEqual(api.top.map((e) => [e.participant_id, e.score]), before_.api.top.map((e) => [e.participant_id, e.score]));
		let rd = [];
		for (let i = 0; i < 100; i++) {
			rd = await checks.redisBoard(srv, 'SAFE2026');
			if (rd.length === 8) break;
			await h.sleep(100);
		}
		assert.deepEqual(rd, before_.redis, 'sorted set rebuilt with the same members and scores (incl. time reached)');
		const who = await srv.redis('HLEN', 'sa:SAFE2026:who');
		assert.equal(who, 8);
	});

	test('the contest goes on after the flush; pushes and final agreement', async () => {
		await h.hostCmd(hostC, 'next');
		await Promise.all(players.map((p) => p.c.waitFor((m) => m.type === 'question' && m.id === 'q3', 10000, 'q3')));
		screen.discard((m) => m.type === 'stats');
		const acks = await answerAll(players, 'q3');
		for (const [i, a] of acks.entries()) {
			const prev = players[i].acks.q2.score;
			assert.ok(Math.abs(a.score - (prev + a.points)) < 0.0015, 'score continues from before the flush');
			assert.ok(a.rank >= 1 && a.rank <= 8, `rank after the flush: ${a.rank}`);
		}
		await screen.waitFor((m) => m.type === 'stats' && m.answered === 8, 10000, 'answered counter after the flush');
		await h.hostCmd(hostC, 'reveal');
		const r = await screen.waitFor((m) => m.type === 'reveal' && m.question_id === 'q3', 10000, 'reveal q3');
		assert.equal(r.answered, 8);
		await checks.agree(srv, 'SAFE2026', 8);
	});

	test('FLUSHALL while a question is open: the answered counter is rebuilt', async () => {
		await h.hostCmd(hostC, 'next');
		await Promise.all(players.map((p) => p.c.waitFor((m) => m.type === 'question' && m.id === 'q4', 10000, 'q4')));
		await answerAll(players.slice(0, 5), 'q4');
		await srv.redis('FLUSHALL');
		await answerAll(players.slice(5), 'q4');
		await h.hostCmd(hostC, 'reveal');
		const r = await screen.waitFor((m) => m.type === 'reveal' && m.question_id === 'q4', 10000, 'reveal q4');
		assert.equal(r.answered, 8, 'answers before and after the flush are all counted');
		await checks.agree(srv, 'SAFE2026', 8);
	});
});

describe('kill -9 mid-contest', () => {
	let srv, hostC, players;
	before(async () => {
		srv = await h.startServer({ contests: [h.instantContest()] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		players = await joinMany(srv.wsUrl, 30, 'Kill');
	});
	after(async () => {
		for (const c of [hostC, ...(players || []).map((p) => p.c)]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	let killedAt;
	const acked = new Map(); // participant_id -> ack for q2
	test('q1 answered by all; q2 answers in flight when the server is killed', async () => {
		await h.hostCmd(hostC, 'start');
		await Promise.all(players.map((p) => p.c.waitFor((m) => m.type === 'question' && m.id === 'q1', 10000, 'q1')));
		await answerAll(players, 'q1');
		await h.hostCmd(hostC, 'next');
		await Promise.all(players.map((p) => p.c.waitFor((m) => m.type === 'question' && m.id === 'q2', 10000, 'q2')));
		// all 30 send at once; kill as soon as about half the acks are back
		let got = 0;
		let half;
		const halfDone = new Promise((r) => { half = r; });
		for (const p of players) {
			p.c.request({ type: 'answer', question_id: 'q2', response: ANSWERS.q2 }, 20000).then((m) => {
				if (m.type === 'ack') acked.set(p.joined.participant_id, m);
				if (++got >= 15) half();
			}, () => {});
		}
		await Promise.race([halfDone, h.sleep(10000)]);
		await srv.kill9(0);
		killedAt = Date.now();
		assert.ok(acked.size >= 1, 'some answers were acknowledged before the kill');
	});

	test('every acknowledged answer is in PostgreSQL, with the acknowledged points', async () => {
		const rows = await srv.sql("SELECT participant_id::bigint AS pid, points_milli::bigint AS pm FROM answers WHERE question_id = 'q2'");
		const stored = new Map(rows.map((r) => [Number(r.pid), Number(r.pm)]));
		for (const [pid, ack] of acked) {
			assert.ok(stored.has(pid), `acknowledged answer of participant ${pid} is stored`);
			assert.equal(stored.get(pid), Math.round(ack.points * 1000));
		}
		const q1 = await srv.sql("SELECT count(*)::int AS n FROM answers WHERE question_id = 'q1'");
		assert.equal(q1[0].n, 30);
		console.log(`# kill -9: ${acked.size} acks received, ${stored.size} answers stored for q2`);
	});

	test('restart: players resume with the same participant, score and open question', async () => {
		await srv.start(0);
		const restartMs = Date.now() - killedAt;
		console.log(`# restart took ${restartMs} ms`);
		const resumed = [];
		for (const p of players) {
			await p.c.closed; // the kill closed it
			const c = await h.connect(srv.wsUrl);
			c.send({ type: 'resume', token: p.joined.token });
			const j = await c.waitFor((m) => m.type === 'joined' || m.type === 'error', 10000, 'joined after restart');
			assert.equal(j.type, 'joined', JSON.stringify(j));
			assert.equal(j.resumed, true);
			assert.equal(j.participant_id, p.joined.participant_id);
			const ack = acked.get(p.joined.participant_id);
			const expected = ack ? ack.score : p.acks.q1.score;
			if (ack) assert.ok(Math.abs(j.score - expected) < 0.0015, `score after restart ${j.score}, acked ${expected}`);
			else assert.ok(j.score >= expected - 0.0015);
			const st = await c.next('state');
			assert.equal(st.phase, 'question');
			assert.equal(st.question_id, 'q2');
			const q = await c.next('question');
			assert.equal(q.id, 'q2');
			if (ack) {
				assert.ok(q.answered, 'the open question carries the earlier ack');
				assert.equal(q.answered.points, ack.points);
			}
			p.c = c;
			resumed.push({ p, q });
		}
		assert.equal(new Set(resumed.map((r) => r.q.deadline)).size, 1);
	});

	test('after the restart: unanswered players answer, retries are duplicates', async () => {
		const acks = await Promise.all(players.map((p) => p.c.request({ type: 'answer', question_id: 'q2', response: ANSWERS.q2 })));
		for (const [i, a] of acks.entries()) {
			assert.equal(a.type, 'ack', JSON.stringify(a));
			const had = acked.get(players[i].joined.participant_id);
			if (had) {
				assert.equal(a.duplicate, true);
				assert.equal(a.points, had.points);
			}
		}
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		await h.hostCmd(hostC, 'reveal');
		const r = await hostC.waitFor((m) => m.type === 'reveal' && m.question_id === 'q2', 10000, 'reveal q2');
		assert.equal(r.answered, 30);
		const rows = await srv.sql("SELECT count(*)::int AS n FROM answers WHERE question_id = 'q2'");
		assert.equal(rows[0].n, 30);
		await checks.agree(srv, 'SAFE2026', 30);
	});
});

describe('SIGTERM during a burst of answers', () => {
	let srv, hostC, players;
	before(async () => {
		srv = await h.startServer({ contests: [h.instantContest()] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		players = await joinMany(srv.wsUrl, 30, 'Term');
	});
	after(async () => {
		for (const c of [hostC, ...(players || []).map((p) => p.c)]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	test('clean exit; every ack sent is stored', async () => {
		await h.hostCmd(hostC, 'start');
		await Promise.all(players.map((p) => p.c.waitFor((m) => m.type === 'question' && m.id === 'q1', 10000, 'q1')));
		const acked = new Map();
		const all = players.map((p) => p.c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 }, 20000)
			.then((m) => { if (m.type === 'ack') acked.set(p.joined.participant_id, m); }, () => {}));
		await h.sleep(5);
		await srv.terminate(0);
		await Promise.all(all);
		assert.deepEqual(srv.failures, [], 'SIGTERM: exit code 0 within 20 s');
		const rows = await srv.sql("SELECT participant_id::bigint AS pid FROM answers WHERE question_id = 'q1'");
		const stored = new Set(rows.map((r) => Number(r.pid)));
		for (const pid of acked.keys()) assert.ok(stored.has(pid), `ack of ${pid} stored`);
		console.log(`# SIGTERM: ${acked.size} acks, ${stored.size} stored`);
		await srv.start(0);
		await checks.agree(srv, 'SAFE2026', 30);
	});
});
