'use strict';
// 50 whole contests: several players play the demo contest (10 questions) through the
// protocol; a screen watches; the host drives start/reveal/next. Checks every push, the
// scores, the reveal statistics, and that the leaderboard API, the Redis sorted set and
// the PostgreSQL rows agree at the end.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const checks = require('../lib/checks.js');

const ANSWERS = h.contestAnswers();
const DEMO = require(h.DEMO_CONTEST);
const QIDS = DEMO.questions.map((q) => q.id);

// A wrong response of the right shape for each question.
function wrong(q) {
	switch (q.type) {
	case 'true_false': return !q.answer;
	case 'single_choice': return (q.answer + 1) % q.options.length;
	case 'multiple_choice': return [3];
	default: throw new Error(`no wrong answer for ${q.type}`);
	}
}

// Player strategies: which questions each answers correctly, wrongly, or skips.
const PLAYERS = [
	{ name: '全对', unit: '一车间', plan: () => 'right' },
	{ name: '全错', unit: '一车间', plan: () => 'wrong' },
	{ name: '单数对', unit: '二车间', plan: (i) => (i % 2 === 0 ? 'right' : 'wrong') },
	{ name: '偶尔答', unit: '二车间', plan: (i) => (i % 3 === 0 ? 'right' : 'skip') },
	{ name: 'Li Lei', unit: 'Workshop 3', plan: (i) => (i < 5 ? 'right' : 'skip') },
	{ name: '迟到者', unit: '三车间', plan: (i) => (i >= 2 ? 'right' : 'skip'), joinAt: 2 },
];

describe('the whole demo contest, 6 players, host, screen', () => {
	let srv, hostC, screen;
	const players = [];
	before(async () => {
		srv = await h.startServer({ contests: [h.instantContest()] });
	});
	after(async () => {
		for (const c of [hostC, screen, ...players.map((p) => p.c)]) if (c) await c.close();
		if (srv) await srv.stop();
	});

	test('join, host, watch', async () => {
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
		for (const [i, p] of PLAYERS.entries()) {
			if (p.joinAt) continue;
			const { c, joined } = await h.join(srv.wsUrl, p.name, { unit: p.unit, employee_no: `W${i}` });
			players.push({ ...p, c, joined, score: 0, ack: {} });
		}
		const stats = await screen.waitFor((m) => m.type === 'stats' && m.players === players.length, 10000, 'stats with all players');
		assert.equal(stats.online, players.length);
	});

	test('play 10 questions', async () => {
		let lastSeq = 0;
		for (let i = 0; i < QIDS.length; i++) {
			const qdef = DEMO.questions[i];
			// a late joiner
			for (const [k, p] of PLAYERS.entries()) {
				if (p.joinAt === i) {
					const { c, joined } = await h.join(srv.wsUrl, p.name, { unit: p.unit, employee_no: `W${k}` });
					players.push({ ...p, c, joined, score: 0, ack: {} });
					if (i > 0) {
						// joining while a question is open: state then the question
						const st = await c.next('state');
						assert.equal(st.phase, 'reveal');
					}
				}
			}
			screen.discard((m) => m.type === 'stats');
			await h.hostCmd(hostC, i === 0 ? 'start' : 'next');
			const everyone = [...players.map((p) => p.c), screen, hostC];
			const qs = await Promise.all(everyone.map((c) => c.waitFor((m) => m.type === 'question' && m.id === qdef.id, 10000, `question ${qdef.id}`)));
			const states = await Promise.all(everyone.map((c) => c.waitFor((m) => m.type === 'state' && m.phase === 'question' && m.index === i, 10000, `state question ${i}`)));
			for (const q of qs) {
				assert.equal(q.index, i);
				assert.equal(q.count, 10);
				assert.equal(q.qtype, qdef.type);
				assert.equal(q.time_limit_ms, 20000);
				assert.ok(!('answer' in q), 'question must not carry the answer');
				assert.ok(!JSON.stringify(q).includes('explanation'), 'question must not carry the explanation');
				assert.equal(typeof q.text['zh-CN'], 'string');
				assert.equal(q.text['zh-CN'], qdef.text['zh-CN']);
				assert.equal(q.deadline, qs[0].deadline, 'everyone gets the same deadline');
				assert.ok(q.deadline - q.server_time <= 20000 && q.deadline - q.server_time > 10000, `deadline - server_time = ${q.deadline - q.server_time}`);
				if (qdef.options) assert.equal(q.options.length, qdef.options.length);
			}
			for (const st of states) {
				assert.equal(st.open, true);
				assert.equal(st.question_id, qdef.id);
				assert.equal(st.deadline, qs[0].deadline);
				assert.ok(st.seq > lastSeq, 'seq grows');
			}
			lastSeq = states[0].seq;

			// everyone answers concurrently
			const answering = players.filter((p) => p.plan(i) !== 'skip');
			const acks = await Promise.all(answering.map((p) => {
				const response = p.plan(i) === 'right' ? ANSWERS[qdef.id] : wrong(qdef);
				return p.c.request({ type: 'answer', question_id: qdef.id, response }).then((ack) => ({ p, ack, response }));
			}));
			for (const { p, ack } of acks) {
				assert.equal(ack.type, 'ack', `${p.name} q${i + 1}: ${JSON.stringify(ack)}`);
				assert.equal(ack.question_id, qdef.id);
				assert.equal(ack.accepted, true);
				assert.equal(ack.duplicate, false);
				if (p.plan(i) === 'right') {
					assert.ok(ack.points >= 500 && ack.points <= 1000, `correct answer earns 500..1000 points, got ${ack.points}`);
				} else {
					assert.equal(ack.points, 0, 'a wrong answer earns nothing');
				}
				assert.ok(Math.abs(ack.score - (p.score + ack.points)) < 0.0015, `score adds up for ${p.name}: ${p.score} + ${ack.points} != ${ack.score}`);
				p.score = ack.score;
				p.ack[qdef.id] = ack;
				assert.equal(ack.players, players.length);
				assert.ok(ack.rank === null || (Number.isInteger(ack.rank) && ack.rank >= 1 && ack.rank <= players.length));
			}
			const st = await screen.waitFor((m) => m.type === 'stats' && m.answered === answering.length, 10000, `stats answered=${answering.length}`);
			assert.equal(st.players, players.length);

			for (const p of players) p.c.discard((m) => m.type === 'leaderboard');
			await h.hostCmd(hostC, 'reveal');
			const reveals = await Promise.all(everyone.map((c) => c.waitFor((m) => m.type === 'reveal' && m.question_id === qdef.id, 10000, `reveal ${qdef.id}`)));
			const right = answering.filter((p) => p.plan(i) === 'right').length;
			for (const r of reveals) {
				assert.deepEqual(r.answer, qdef.answer);
				assert.equal(r.index, i);
				assert.equal(r.explanation['zh-CN'], qdef.explanation['zh-CN']);
				assert.deepEqual(r.results, { correct: right, partial: 0, wrong: answering.length - right });
				assert.equal(r.answered, answering.length);
				assert.equal(r.players, players.length);
				assert.deepEqual(r.distribution, distribution(qdef, acks.map((a) => a.response)));
			}
			await Promise.all(everyone.map((c) => c.waitFor((m) => m.type === 'state' && m.phase === 'reveal' && m.index === i, 10000, 'state reveal')));
			// players get a leaderboard at each reveal, with `me`
			for (const p of players) {
				const lb = await p.c.waitFor((m) => m.type === 'leaderboard' && m.me && Math.abs(m.me.score - p.score) < 0.0015, 10000, `leaderboard for ${p.name} at reveal ${i + 1}`);
				assert.ok(lb.top.length <= 10);
			}
			// an answer after the reveal (from a player who skipped) is refused and not stored
			const skipper = players.find((p) => p.plan(i) === 'skip');
			if (skipper) {
				const late = await skipper.c.request({ type: 'answer', question_id: qdef.id, response: ANSWERS[qdef.id] });
				assert.equal(late.type, 'error', JSON.stringify(late));
				assert.ok(['question_closed', 'not_open'].includes(late.code), JSON.stringify(late));
			}
		}
	});

	test('next after the last question finishes the contest', async () => {
		await h.hostCmd(hostC, 'next');
		for (const c of [...players.map((p) => p.c), screen, hostC]) {
			await c.waitFor((m) => m.type === 'state' && m.phase === 'finished', 10000, 'finished');
		}
		const fin = await screen.waitFor((m) => m.type === 'leaderboard' && m.players === players.length, 10000, 'final leaderboard');
		assert.ok(fin.top.length === players.length);
	});

	test('the final ranking orders players by score', async () => {
		const r = await srv.get('/api/contests/SAFE2026/leaderboard?limit=50');
		assert.equal(r.status, 200);
		const top = r.json.top;
		assert.equal(top.length, players.length);
		for (let k = 1; k < top.length; k++) assert.ok(top[k - 1].score >= top[k].score);
		// shared ranks: equal scores share the first one's rank
		assert.deepEqual(top.map((e) => e.rank), top.map((e) => top.findIndex((x) => x.score === e.score) + 1));
		assert.equal(top[0].name, '全对', 'the all-correct player wins');
		assert.equal(top[top.length - 1].score, 0);
		const byName = Object.fromEntries(top.map((e) => [e.name, e]));
		for (const p of players) {
			assert.ok(Math.abs(byName[p.name].score - p.score) < 0.0015, `${p.name}: API ${byName[p.name].score}, acks ${p.score}`);
			assert.equal(byName[p.name].unit, p.unit);
			assert.equal(byName[p.name].participant_id, p.joined.participant_id);
		}
	});

	test('leaderboard API, Redis sorted set and PostgreSQL agree', async () => {
		await checks.agree(srv, 'SAFE2026', players.length);
	});

	test('PostgreSQL holds one answer row per acknowledged answer, scored as acknowledged', async () => {
		const rows = await srv.sql(`SELECT p.name, a.question_id, a.points_milli::bigint AS pm
			FROM answers a JOIN participants p ON p.id = a.participant_id ORDER BY p.id, a.question_idx`);
		const acked = players.flatMap((p) => Object.entries(p.ack).map(([qid, ack]) => ({ name: p.name, qid, pm: Math.round(ack.points * 1000) })));
		assert.equal(rows.length, acked.length);
		for (const a of acked) {
			const row = rows.find((r) => r.name === a.name && r.question_id === a.qid);
			assert.ok(row, `answer of ${a.name} to ${a.qid} is stored`);
			assert.equal(Number(row.pm), a.pm);
		}
	});
});

function distribution(q, responses) {
	if (q.type === 'true_false') {
		return [responses.filter((r) => r === true).length, responses.filter((r) => r === false).length];
	}
	const d = new Array(q.options.length).fill(0);
	for (const r of responses) for (const o of [].concat(r)) d[o]++;
	return d;
}
