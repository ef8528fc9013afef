'use strict';
// 74 reset while serving: `skillarena reset CODE` reaches the running processes. Two
// processes with players, a host and a screen mid-contest: reset refuses a live contest
// without --force; with it, every process stops the old run (its players get
// contest_reset and a close, their tokens are dead), serves the contest again in the
// lobby with no participants, and the leaderboards (API, Redis, PostgreSQL) are empty;
// a new run plays normally. While Redis is down the processes follow through
// PostgreSQL, and the keys of the old run are cleared when Redis is back.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const checks = require('../lib/checks.js');

const ANSWERS = h.contestAnswers();

async function everywhere(srv, pred, what, ms = 10000) {
	const until = Date.now() + ms;
	let last;
	for (;;) {
		last = await Promise.all(srv.urls.map((u) => h.httpGet(`${u}/api/contests/SAFE2026`)));
		if (last.every((r) => r.status === 200 && pred(r.json))) return last;
		if (Date.now() > until) assert.fail(`${what}: ${last.map((r) => r.body).join(' | ')}`);
		await h.sleep(100);
	}
}

async function playRound(srv, names) {
	const players = [];
	for (const [i, name] of names.entries()) players.push(await h.join(srv.wsUrls[i % 2], name, { employee_no: `E${name.length}${i}` }));
	const hostC = await h.host(srv.wsUrls[0], srv.organizerToken);
	await h.hostCmd(hostC, 'start');
	for (const p of players) {
		await p.c.waitFor((m) => m.type === 'question' && m.id === 'q1', 10000, 'q1');
		const a = await p.c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 });
		assert.equal(a.type, 'ack', JSON.stringify(a));
	}
	return { players, hostC };
}

describe('reset while the servers run', () => {
	let srv;
	before(async () => { srv = await h.startServer({ processes: 2, contests: [h.instantContest()] }); });
	after(async () => { if (srv) await srv.stop(); });

	test('a live contest is reset only with --force; every process follows at once', async () => {
		const { players, hostC } = await playRound(srv, ['重置前甲', '重置前乙', '重置前丙']);
		const screen = await h.connect(srv.wsUrls[1]);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
		await checks.agree(srv, 'SAFE2026', 3);

		const refused = await srv.cli(['reset', 'SAFE2026', '--yes']);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, /SAFE2026 is live \(phase question\).*--force/);
		assert.deepEqual(await srv.sql('SELECT count(*)::int AS n FROM participants'), [{ n: 3 }]);

		const r = await srv.cli(['reset', 'SAFE2026', '--yes', '--force']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /contest SAFE2026 reset/);
		assert.match(r.stdout, /told through Redis/);
		for (const c of [...players.map((p) => p.c), hostC, screen]) {
			const e = await c.waitFor((m) => m.type === 'error', 10000, 'contest_reset');
			assert.equal(e.code, 'contest_reset');
			assert.equal((await c.closed).code, 4003);
		}
		await everywhere(srv, (j) => j.phase === 'lobby' && j.players === 0, 'lobby, no players, on both');
		const old = await h.connect(srv.wsUrls[0]);
		old.send({ type: 'resume', token: players[0].joined.token });
		assert.equal((await old.next('error')).code, 'bad_token');
		await old.close();
		await checks.agree(srv, 'SAFE2026', 0);
		assert.equal(await srv.redis('EXISTS', 'sa:SAFE2026:ans:0'), 0, 'the old answer counter is gone');

		// a new run: new players, the host starts again, answers count from zero
		const again = await playRound(srv, ['重置后甲', '重置后乙']);
		await checks.agree(srv, 'SAFE2026', 2);
		const top = await checks.apiBoard(srv, 'SAFE2026');
		assert.deepEqual(top.top.map((e) => e.name).sort(), ['重置后乙', '重置后甲']);
		for (const c of [...again.players.map((p) => p.c), again.hostC]) await c.close();
	});

	test('reset while Redis is down: the processes follow through PostgreSQL; stale keys go when it is back', async () => {
		// the contest is live again (question 1 of the second run): end it first
		const hostC = await h.host(srv.wsUrls[1], srv.organizerToken);
		await h.hostCmd(hostC, 'end');
		await everywhere(srv, (j) => j.phase === 'finished', 'finished on both');
		await srv.stopRedis();
		const r = await srv.cli(['reset', 'SAFE2026', '--if-finished']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /unreachable: running servers follow/);
		const e = await hostC.waitFor((m) => m.type === 'error', 10000, 'contest_reset');
		assert.equal(e.code, 'contest_reset');
		await everywhere(srv, (j) => j.phase === 'lobby' && j.players === 0, 'lobby on both without Redis');
		// Redis comes back with the old run's keys (it was stopped, not flushed, in a real outage:
		// here an empty one is given the stale keys by hand) and the processes clear them
		await srv.startRedis();
		await srv.redis('ZADD', 'sa:SAFE2026:lb', '5', '999999999990');
		await srv.redis('SET', 'sa:SAFE2026:ok', '1:0');
		const { c, joined } = await h.join(srv.wsUrls[0], '恢复后加入');
		let board;
		for (let i = 0; i < 100; i++) {
			board = await checks.redisBoard(srv, 'SAFE2026');
			if (board.length === 1 && board[0].id === joined.participant_id) break;
			await h.sleep(100);
		}
		assert.deepEqual(board.map((e) => e.id), [joined.participant_id], 'only the new participant in Redis');
		await checks.agree(srv, 'SAFE2026', 1);
		await c.close();
		await hostC.close().catch(() => {});
	});

	test('reset --if-finished leaves a contest that is not finished alone', async () => {
		const r = await srv.cli(['reset', 'SAFE2026', '--if-finished']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /not finished \(phase lobby\): nothing reset/);
		assert.deepEqual(await srv.sql('SELECT count(*)::int AS n FROM participants'), [{ n: 1 }]);
	});
});
