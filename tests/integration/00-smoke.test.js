'use strict';
// 00 smoke: the server starts on real PostgreSQL and Redis, answers /healthz,
// the contest API, the QR code, and a WebSocket with subprotocol skillarena.v1.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

describe('smoke', () => {
	let srv;
	before(async () => { srv = await h.startServer(); });
	after(async () => { if (srv) await srv.stop(); });

	test('GET /healthz is 200 {"ok":true}', async () => {
		const r = await srv.get('/healthz');
		assert.equal(r.status, 200);
		assert.equal(r.json.ok, true);
		assert.match(r.headers['content-type'] || '', /application\/json/);
	});

	test('GET /api/contests/SAFE2026 describes the demo contest', async () => {
		const r = await srv.get('/api/contests/SAFE2026');
		assert.equal(r.status, 200, r.body);
		const c = r.json.contest || r.json;
		assert.equal(c.code, 'SAFE2026');
		assert.equal(c.question_count, 10);
		assert.equal(typeof c.title['zh-CN'], 'string');
		assert.ok(!r.body.includes('"answer"'), 'the contest API must not reveal answers');
	});

	test('contest codes are case-insensitive in the API', async () => {
		const r = await srv.get('/api/contests/safe2026');
		assert.equal(r.status, 200, r.body);
	});

	test('unknown contest in the API is 404 with error code unknown_contest', async () => {
		const r = await srv.get('/api/contests/NOPE999');
		assert.equal(r.status, 404);
		assert.equal(r.json.error.code, 'unknown_contest');
		assert.equal(typeof r.json.error.message, 'string');
	});

	test('GET /api/contests/SAFE2026/leaderboard before anyone joined', async () => {
		const r = await srv.get('/api/contests/SAFE2026/leaderboard?limit=5');
		assert.equal(r.status, 200, r.body);
		assert.ok(Array.isArray(r.json.top), r.body);
		assert.equal(r.json.top.length, 0);
		assert.equal(r.json.players, 0);
	});

	test('GET /api/contests/SAFE2026/qr.svg is an SVG', async () => {
		const r = await srv.get('/api/contests/SAFE2026/qr.svg');
		assert.equal(r.status, 200);
		assert.match(r.headers['content-type'] || '', /image\/svg\+xml/);
		assert.match(r.body, /<svg[\s>]/);
	});

	test('unknown HTTP path is 404', async () => {
		const r = await srv.get('/api/nothing-here');
		assert.equal(r.status, 404);
	});

	test('WebSocket negotiates skillarena.v1 and answers ping with pong', async () => {
		const c = await h.connect(srv.wsUrl);
		assert.equal(c.protocol(), 'skillarena.v1');
		const t = Date.now();
		c.send({ type: 'ping', t });
		const pong = await c.next('pong');
		assert.equal(pong.t, t);
		assert.ok(Number.isInteger(pong.server_time));
		assert.ok(Math.abs(pong.server_time - Date.now()) < 5000, 'server_time is epoch ms');
		await c.close();
	});

	test('a player joins: joined, state, leaderboard', async () => {
		const c = await h.connect(srv.wsUrl);
		c.send({ type: 'join', code: 'SAFE2026', name: '张三', employee_no: 'A1024', unit: '一车间' });
		const joined = await c.next('joined');
		assert.equal(joined.resumed, false);
		assert.equal(joined.name, '张三');
		assert.equal(joined.unit, '一车间');
		assert.equal(joined.score, 0);
		assert.ok(Number.isInteger(joined.participant_id));
		assert.equal(typeof joined.token, 'string');
		assert.ok(joined.token.length >= 16);
		assert.equal(joined.contest.code, 'SAFE2026');
		assert.equal(joined.contest.question_count, 10);
		const st = await c.next('state');
		assert.equal(st.phase, 'lobby');
		assert.equal(st.count, 10);
		assert.ok(Number.isInteger(st.seq));
		const lb = await c.next('leaderboard');
		assert.equal(lb.players, 1);
		// order: joined, then state, then leaderboard
		const order = c.messages.map((m) => m.type).filter((t) => ['joined', 'state', 'leaderboard'].includes(t));
		assert.deepEqual(order.slice(0, 3), ['joined', 'state', 'leaderboard']);
		const rows = await srv.sql("SELECT name, employee_no, unit FROM participants");
		assert.deepEqual(rows, [{ name: '张三', employee_no: 'A1024', unit: '一车间' }]);
		await c.close();
	});

	test('a screen watches: watching, state, stats, leaderboard', async () => {
		const c = await h.connect(srv.wsUrl);
		c.send({ type: 'watch', code: 'SAFE2026' });
		const w = await c.next('watching');
		assert.equal(w.contest.code, 'SAFE2026');
		const st = await c.next('state');
		assert.equal(st.phase, 'lobby');
		await c.next('stats');
		await c.next('leaderboard');
		await c.close();
	});

	test('the host connects with the organizer token', async () => {
		const c = await h.host(srv.wsUrl, srv.organizerToken);
		const st = await c.next('state');
		assert.equal(st.phase, 'lobby');
		await c.next('stats');
		await c.next('leaderboard');
		await c.close();
	});
});
