'use strict';
// 60 multi-process: two server processes share one PostgreSQL and one Redis. The host is
// on process A, players on A and B, a screen on B. Everyone gets state/question/reveal
// with the same deadline; the leaderboard is consistent on both; a player resumes on the
// other process; host commands are refused without the token on either.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const checks = require('../lib/checks.js');

const ANSWERS = h.contestAnswers();

describe('two processes, one contest', () => {
	let srv, hostC, screenB;
	const players = []; // {c, joined, proc}
	before(async () => {
		srv = await h.startServer({ processes: 2, contests: [h.instantContest()] });
	});
	after(async () => {
		for (const c of [hostC, screenB, ...players.map((p) => p.c)]) if (c) await c.close();
		if (srv) await srv.stop();
	});

	test('both processes are healthy and serve the contest', async () => {
		for (const u of srv.urls) {
			const r = await h.httpGet(`${u}/healthz`);
			assert.equal(r.status, 200);
			const c = await h.httpGet(`${u}/api/contests/SAFE2026`);
			assert.equal(c.status, 200);
		}
		assert.notEqual(srv.ports[0], srv.ports[1]);
	});

	test('host commands without the token are refused on A and B', async () => {
		for (const w of srv.wsUrls) {
			const c = await h.connect(w);
			c.send({ type: 'host', code: 'SAFE2026', token: 'not-the-token' });
			assert.equal((await c.next('error')).code, 'forbidden');
			c.send({ type: 'start', rid: 's' });
			assert.equal((await c.next('error')).code, 'forbidden');
			await c.close();
		}
		const rows = await srv.sql("SELECT phase FROM contests WHERE code = 'SAFE2026'");
		assert.equal(rows[0].phase, 'lobby');
	});

	test('host on A, screen on B, 3 players on A and 3 on B', async () => {
		hostC = await h.host(srv.wsUrls[0], srv.organizerToken);
		screenB = await h.connect(srv.wsUrls[1]);
		screenB.send({ type: 'watch', code: 'SAFE2026' });
		await screenB.next('watching');
		for (let i = 0; i < 6; i++) {
			const proc = i % 2;
			const { c, joined } = await h.join(srv.wsUrls[proc], `进程${proc ? 'B' : 'A'}-${i}`, { employee_no: `MP${i}` });
			players.push({ c, joined, proc, score: 0 });
		}
		// stats cover both processes: players and online
		const st = await screenB.waitFor((m) => m.type === 'stats' && m.players === 6 && m.online === 6, 10000, 'stats players=6 online=6 on B');
		assert.equal(st.players, 6);
		const hs = await hostC.waitFor((m) => m.type === 'stats' && m.players === 6 && m.online === 6, 10000, 'stats players=6 online=6 on A');
		assert.equal(hs.online, 6);
	});

	test('three questions: everyone gets state, question and reveal; deadlines equal', async () => {
		const everyone = [hostC, screenB, ...players.map((p) => p.c)];
		for (let i = 0; i < 3; i++) {
			const qid = `q${i + 1}`;
			await h.hostCmd(hostC, i === 0 ? 'start' : 'next');
			const qs = await Promise.all(everyone.map((c) => c.waitFor((m) => m.type === 'question' && m.id === qid, 10000, `question ${qid}`)));
			const sts = await Promise.all(everyone.map((c) => c.waitFor((m) => m.type === 'state' && m.phase === 'question' && m.index === i, 10000, `state ${i}`)));
			const deadlines = new Set(qs.map((q) => q.deadline).concat(sts.map((s) => s.deadline)));
			assert.equal(deadlines.size, 1, `one deadline on both processes: ${[...deadlines]}`);
			assert.equal(new Set(sts.map((s) => s.seq)).size, 1, 'same seq on both processes');
			const acks = await Promise.all(players.map((p, k) => p.c.request({ type: 'answer', question_id: qid, response: k < 4 ? ANSWERS[qid] : (qid === 'q3' ? false : 3) })));
			acks.forEach((a, k) => {
				assert.equal(a.type, 'ack', JSON.stringify(a));
				assert.equal(a.players, 6);
				players[k].score = a.score;
			});
			await screenB.waitFor((m) => m.type === 'stats' && m.answered === 6, 10000, 'stats answered=6 on B');
			await h.hostCmd(hostC, 'reveal');
			const rs = await Promise.all(everyone.map((c) => c.waitFor((m) => m.type === 'reveal' && m.question_id === qid, 10000, `reveal ${qid}`)));
			for (const r of rs) {
				assert.equal(r.answered, 6);
				assert.deepEqual(r.results, { correct: 4, partial: 0, wrong: 2 });
				assert.deepEqual(r, { ...rs[0], __at: r.__at }, 'same reveal on both processes');
			}
			screenB.discard((m) => m.type === 'stats');
		}
	});

	test('the leaderboard API is the same on A and B and agrees with Redis and PostgreSQL', async () => {
		const a = await checks.apiBoard(srv, 'SAFE2026', 100, 0);
		const b = await checks.apiBoard(srv, 'SAFE2026', 100, 1);
		assert.deepEqual(a.top, b.top);
		const { api } = await checks.agree(srv, 'SAFE2026', 6);
		for (const p of players) {
			const e = api.top.find((x) => x.participant_id === p.joined.participant_id);
			assert.ok(Math.abs(e.score - p.score) < 0.0015);
		}
	});

	test('a player of A resumes on B: same participant, score, open question', async () => {
		await h.hostCmd(hostC, 'next'); // q4 open
		const p = players[0];
		await p.c.waitFor((m) => m.type === 'question' && m.id === 'q4', 10000, 'q4');
		const ack = await p.c.request({ type: 'answer', question_id: 'q4', response: ANSWERS.q4 });
		assert.equal(ack.type, 'ack');
		await p.c.close();
		const c = await h.connect(srv.wsUrls[1]);
		c.send({ type: 'resume', token: p.joined.token });
		const j = await c.next('joined');
		assert.equal(j.resumed, true);
		assert.equal(j.participant_id, p.joined.participant_id);
		assert.ok(Math.abs(j.score - ack.score) < 0.0015);
		const st = await c.next('state');
		assert.equal(st.phase, 'question');
		const q = await c.next('question');
		assert.equal(q.id, 'q4');
		assert.equal(q.answered.points, ack.points);
		const dup = await c.request({ type: 'answer', question_id: 'q4', response: ANSWERS.q4 });
		assert.equal(dup.type, 'ack');
		assert.equal(dup.duplicate, true);
		p.c = c;
	});

	test('end on A reaches B', async () => {
		await h.hostCmd(hostC, 'end');
		await screenB.waitFor((m) => m.type === 'state' && m.phase === 'finished', 10000, 'finished on B');
		for (const p of players) await p.c.waitFor((m) => m.type === 'state' && m.phase === 'finished', 10000, 'finished');
		const c = await h.connect(srv.wsUrls[1]);
		c.send({ type: 'join', code: 'SAFE2026', name: '太晚了' });
		assert.equal((await c.next('error')).code, 'contest_finished');
		await c.close();
	});
});

describe('two processes sharing one port (--listen-share)', () => {
	let srv;
	before(async () => { srv = await h.startServer({ processes: 2, share: true, contests: [h.instantContest()] }); });
	after(async () => { if (srv) await srv.stop(); });

	test('connections are spread over both processes and see one contest', async () => {
		assert.equal(srv.ports[0], srv.ports[1]);
		const hostC = await h.host(srv.wsUrl, srv.organizerToken);
		const cs = [];
		for (let i = 0; i < 12; i++) cs.push((await h.join(srv.wsUrl, `共享${i}`)).c);
		await h.hostCmd(hostC, 'start');
		const qs = await Promise.all(cs.map((c) => c.next('question')));
		assert.equal(new Set(qs.map((q) => q.deadline)).size, 1);
		const acks = await Promise.all(cs.map((c) => c.request({ type: 'answer', question_id: 'q1', response: 0 })));
		for (const a of acks) assert.equal(a.type, 'ack', JSON.stringify(a));
		const rows = await srv.sql('SELECT instance, count(*)::int AS n FROM answers GROUP BY instance ORDER BY instance');
		assert.equal(rows.reduce((s, r) => s + r.n, 0), 12);
		// with SO_REUSEPORT the kernel spreads 12 connections; both processes almost surely got some
		console.log(`# answers per instance: ${JSON.stringify(rows)}`);
		await checks.agree(srv, 'SAFE2026', 12);
		for (const c of [hostC, ...cs]) await c.close();
	});
});
