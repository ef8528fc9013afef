'use strict';
// 49 bad stored fields: what a process reads from Redis or PostgreSQL was written by
// other processes, the command line, or anyone who reaches them, so every field is checked
// (core/num.c, store_int/store_text, phase_check). Garbage is logged and left out (or, for
// names, shown repaired as valid UTF-8), never a crash, never a frame that is not valid JSON
// and UTF-8; Redis, derived, is repaired where that is certain (members and online entries
// no process writes are removed, the answer counter is counted again).
//   Redis: sorted-set members and scores that no process writes, names that are not text
//   (invalid UTF-8, no tab, control characters), online entries that are not
//   "players:ms", an answer counter that is not a number;
//   PostgreSQL: a live state that does not fit the contest, stored contests whose
//   definition is broken or names another code (also at start).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../lib/harness.js');
const checks = require('../lib/checks.js');

const ANSWERS = h.contestAnswers();
const member = (pid) => String(999999999999 - pid).padStart(12, '0');

describe('garbage in Redis', () => {
	let srv, screen, hostC;
	const players = [];
	before(async () => {
		// instant feedback: the board reads the live sorted set, where the garbage goes
		srv = await h.startServer({ contests: [h.instantContest()] });
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		for (const [i, name] of ['垃圾测试甲', '垃圾测试乙', '垃圾测试丙'].entries()) players.push(await h.join(srv.wsUrl, name, { unit: `车间${i}` }));
		await h.hostCmd(hostC, 'start');
		for (const [i, p] of players.entries()) {
			await p.c.next('question');
			const a = await p.c.request({ type: 'answer', question_id: 'q1', response: i ? ANSWERS.q1 : 3 });
			assert.equal(a.type, 'ack');
		}
		await screen.waitFor((m) => m.type === 'leaderboard' && m.top.length === 3 && m.top.every((e) => e.name), 10000, 'the board of three');
	});
	after(async () => {
		for (const c of [screen, hostC, ...players.map((p) => p.c)]) if (c && c.isOpen) await c.close();
		if (srv) await srv.stop();
	});

	test('is left out and repaired; every frame stays valid; the server stays up', async () => {
		const [a, b, c] = players.map((p) => p.joined.participant_id);
		const lb = 'sa:SAFE2026:lb', who = 'sa:SAFE2026:who', online = 'sa:SAFE2026:online';
		await srv.redis('ZADD', lb, '9e15', 'garbage', '8e15', '12345', '7e15', '00000000000x', '6e15', Buffer.from([0xff, 0x00, 0x41]));
		await srv.redis('HSET', who, member(a), Buffer.from([0xe4, 0xb8, 0x09, 0x41]), member(b), 'no tab at all', member(c), '\u0001控制\t车间');
		await srv.redis('HSET', online, 'evil', 'abc', 'neg', '-5:1', 'huge', '99999999999999999999:1', 'future', `7:${Date.now() + 60000}`);
		await srv.redis('SET', 'sa:SAFE2026:ans:0', 'lots');
		screen.drain();
		// the next tick: the garbage members left out (and removed), the names shown as Redis
		// holds them, repaired where they are not valid UTF-8 (never cut, never sent broken)
		const first = await screen.waitFor((m) => m.type === 'leaderboard' && m.top.length === 3 &&
			m.top.some((e) => e.name === 'no tab at all'), 15000, 'the board without the garbage members');
		const byId = Object.fromEntries(first.top.map((e) => [e.participant_id, e]));
		assert.deepEqual(Object.keys(byId).map(Number).sort(), [a, b, c].sort());
		assert.match(byId[a].name, /^\uFFFD+$/, 'the cut character repaired');
		assert.equal(byId[a].unit, 'A');
		assert.deepEqual([byId[b].name, byId[b].unit], ['no tab at all', '']);
		assert.deepEqual([byId[c].name, byId[c].unit], ['\u0001控制', '车间']);
		// then ranks 1-3 again, and the names as PostgreSQL has them (the counter's repair
		// rebuilt the contest's keys from PostgreSQL)
		const board = await screen.waitFor((m) => m.type === 'leaderboard' && m.top.length === 3 && m.top[0].rank === 1 &&
			m.top.every((e) => e.name.startsWith('垃圾测试')), 15000, 'the repaired board');
		// shared ranks: equal scores share the first one's
		assert.deepEqual(board.top.map((e) => e.rank), board.top.map((e) => board.top.findIndex((x) => x.score === e.score) + 1));
		assert.deepEqual(board.top.map((e) => e.participant_id).sort(), [a, b, c].sort());
		// the player count comes from the sorted set: right once its garbage members are gone
		const st = await screen.waitFor((m) => m.type === 'stats' && m.answered === 3 && m.online === 3 && m.players === 3, 15000, 'stats repaired');
		assert.deepEqual([st.players, st.online, st.answered], [3, 3, 3]);
		assert.equal(screen.isOpen, true, 'no frame made the screen drop the connection (invalid UTF-8 closes it: 1007)');
		assert.equal(screen.messages.filter((m) => m.type === '__unparsable__').length, 0);
		// Redis repaired: the garbage members, online entries and counter are gone or right again
		const zset = await srv.redis('ZRANGE', lb, 0, -1);
		assert.deepEqual([...zset].sort(), [a, b, c].map(member).sort());
		assert.deepEqual((await srv.redis('HKEYS', online)).filter((k) => ['evil', 'neg', 'huge'].includes(k)), []);
		assert.equal(await srv.redis('GET', 'sa:SAFE2026:ans:0'), '3');
		const pg = await checks.pgBoard(srv, 'SAFE2026');
		const rd = await checks.redisBoard(srv, 'SAFE2026');
		assert.deepEqual(rd.map((e) => [e.id, e.score_milli]), pg.map((e) => [e.id, e.score_milli]));
		// an answer's ack still ranks among the three
		const ack = await players[0].c.request({ type: 'answer', question_id: 'q1', response: 3 });
		assert.ok(ack.rank >= 1 && ack.rank <= 3, JSON.stringify(ack));
		assert.match(srv.log(0), /in redis is malformed: left out or repaired/);
		assert.equal((await srv.get('/healthz')).status, 200);
	});
});

describe('garbage in PostgreSQL', () => {
	let srv, screen;
	before(async () => {
		srv = await h.startServer();
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
	});
	after(async () => {
		if (screen && screen.isOpen) await screen.close();
		if (srv) await srv.stop();
	});

	test('a live state that does not fit the contest is skipped; a good one afterwards applies', async () => {
		await srv.psql("UPDATE contests SET phase = 'question', qindex = 99, seq = seq + 1 WHERE code = 'SAFE2026'");
		await srv.psql("INSERT INTO contests (code, title, definition, question_count) VALUES ('WAKEUP01', '{}', '{}', 0)");
		await srv.cli(['archive', 'WAKEUP01']); // a `changed` event: the processes read at once
		for (let i = 0; i < 50 && !/state in postgresql skipped: field 'qindex'/.test(srv.log(0)); i++) await h.sleep(100);
		assert.match(srv.log(0), /contest SAFE2026: state in postgresql skipped: field 'qindex' invalid/);
		const info = await srv.get('/api/contests/SAFE2026');
		assert.equal(info.json.phase, 'lobby');
		assert.ok(await screen.none((m) => m.type === 'state' && m.index === 99, 500));
		const now = Date.now();
		await srv.psql(`UPDATE contests SET qindex = 0, open_ms = ${now}, deadline_ms = ${now + 20000}, started_ms = ${now}, seq = seq + 1 WHERE code = 'SAFE2026'`);
		const st = await screen.waitFor((m) => m.type === 'state' && m.phase === 'question' && m.index === 0, 10000, 'the good state');
		assert.equal(st.deadline, now + 20000);
	});

	test('stored contests with a broken definition, or another code, are not served; logged once; also at start', async () => {
		const demo = fs.readFileSync(path.join(h.ROOT, 'contests', 'demo', 'safety.json'), 'utf8');
		await srv.psql(`INSERT INTO contests (code, title, definition, question_count, source) VALUES
			('BROKEN01', '{}', '{}', 0, '{"code": "BROKEN01", "title": '),
			('OTHER001', '{}', '{}', 0, '${demo.replace(/'/g, "''")}')`);
		await srv.cli(['archive', 'WAKEUP01']); // nothing to do, but the event goes out: read now
		await h.sleep(3000); // and at least one periodic read more
		for (const code of ['BROKEN01', 'OTHER001']) assert.equal((await srv.get(`/api/contests/${code}`)).status, 404);
		const log = srv.log(0);
		assert.equal(log.split('\n').filter((l) => /stored contest BROKEN01 cannot be served here/.test(l)).length, 1, 'logged once');
		assert.match(log, /contest OTHER001: its stored definition has code SAFE2026: not served/);
		await srv.restart(0);
		assert.match(srv.log(0).split('====').pop(), /stored contest BROKEN01 cannot be served/);
		assert.equal((await srv.get('/api/contests/SAFE2026')).status, 200);
		assert.equal((await srv.get('/healthz')).status, 200);
	});
});
