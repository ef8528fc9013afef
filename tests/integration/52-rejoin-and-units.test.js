'use strict';
// 52 rejoin and units: joining again with the same employee number and name from the
// same device continues the participant (new token, old one dead, score and unit kept;
// the newer connection replaces the older, 4001); the units board ranks
// workshops by their members' average score (push `units` and GET .../units agree with
// PostgreSQL).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

const ANSWERS = h.contestAnswers();
const DEVICE = 'dev-52-0123456789abcdef';

describe('rejoin with the same employee number and name', () => {
	let srv, hostC, first;
	before(async () => {
		srv = await h.startServer({ contests: [h.instantContest()] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
	});
	after(async () => {
		if (hostC) await hostC.close();
		if (srv) await srv.stop();
	});

	let ack;
	test('join, answer q1', async () => {
		first = await h.join(srv.wsUrl, '周八', { employee_no: 'R-100', unit: '机修车间', device_key: DEVICE });
		await h.hostCmd(hostC, 'start');
		await first.c.next('question');
		ack = await first.c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 });
		assert.equal(ack.type, 'ack');
		await first.c.close();
	});

	let second;
	test('same employee_no and name from the same device (a lost joined): resumed, same participant and score, new token', async () => {
		second = await h.connect(srv.wsUrl);
		second.send({ type: 'join', code: 'SAFE2026', name: '周八', employee_no: 'R-100', unit: '别的车间', device_key: DEVICE });
		const j = await second.waitFor((m) => m.type === 'joined' || m.type === 'error', 10000, 'joined');
		assert.equal(j.type, 'joined', JSON.stringify(j));
		assert.equal(j.resumed, true);
		assert.equal(j.participant_id, first.joined.participant_id);
		assert.ok(Math.abs(j.score - ack.score) < 0.0015);
		assert.equal(j.unit, '机修车间', 'the stored unit is kept');
		assert.notEqual(j.token, first.joined.token);
		const q = await second.next('question');
		assert.equal(q.id, 'q1');
		assert.equal(q.answered.points, ack.points);
		const dup = await second.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 });
		assert.equal(dup.duplicate, true);
	});

	test('the old token no longer works; the new one does', async () => {
		const c = await h.connect(srv.wsUrl);
		c.send({ type: 'resume', token: first.joined.token });
		const e = await c.next('error');
		assert.equal(e.code, 'bad_token');
		const newToken = second.messages.find((m) => m.type === 'joined').token;
		c.send({ type: 'resume', token: newToken });
		const j = await c.next('joined');
		assert.equal(j.participant_id, first.joined.participant_id);
		const replaced = await second.closed; // one live connection per participant
		assert.equal(replaced.code, 4001);
		await c.close();
	});

	test('same employee_no with another name: already_joined; still one participant', async () => {
		const c = await h.connect(srv.wsUrl);
		c.send({ type: 'join', code: 'SAFE2026', name: '周九', employee_no: 'R-100', device_key: DEVICE });
		const e = await c.next('error');
		assert.equal(e.code, 'already_joined');
		await c.close();
		const rows = await srv.sql("SELECT count(*)::int AS n FROM participants WHERE employee_no = 'R-100'");
		assert.equal(rows[0].n, 1);
		await second.close();
	});
});

describe('units board', () => {
	let srv, hostC, screen;
	const players = [];
	// unit -> which players answer q1 right
	const ROSTER = [
		['焊接车间', true], ['焊接车间', true], ['焊接车间', false],
		['装配车间', true], ['装配车间', false],
		['质检科', false],
	];
	before(async () => {
		srv = await h.startServer({ contests: [h.instantContest()] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
		for (const [i, [unit]] of ROSTER.entries()) players.push(await h.join(srv.wsUrl, `U${i}`, { unit }));
	});
	after(async () => {
		for (const c of [hostC, screen, ...players.map((p) => p.c)]) if (c) await c.close();
		if (srv) await srv.stop();
	});

	test('after q1: units push and API rank units by average score, as PostgreSQL computes it', async () => {
		await h.hostCmd(hostC, 'start');
		await Promise.all(players.map((p) => p.c.next('question')));
		await Promise.all(players.map((p, i) => p.c.request({ type: 'answer', question_id: 'q1', response: ROSTER[i][1] ? ANSWERS.q1 : 3 })));
		const pg = await srv.sql(`SELECT unit, count(*)::int AS players, sum(score_milli)::bigint AS sm
			FROM participants GROUP BY unit ORDER BY sum(score_milli)::numeric / count(*) DESC, count(*) DESC`);
		const expect = pg.map((r, k) => ({ unit: r.unit, players: r.players, score: Number(r.sm) / 1000, average: Math.round(Number(r.sm) / r.players) / 1000 }));
		assert.equal(expect[0].unit, '焊接车间');
		const push = await screen.waitFor((m) => m.type === 'units' && m.top.length === 3 && m.top[0].score > 0 &&
			Math.abs(m.top[0].score - expect[0].score) < 0.0015, 10000, 'units push after q1');
		const api = await srv.get('/api/contests/SAFE2026/units');
		assert.equal(api.status, 200, api.body);
		for (const board of [push.top, api.json.top]) {
			assert.deepEqual(board.map((u) => u.unit), expect.map((u) => u.unit));
			board.forEach((u, k) => {
				assert.equal(u.rank, k + 1);
				assert.equal(u.players, expect[k].players);
				assert.ok(Math.abs(u.score - expect[k].score) < 0.0015, `${u.unit} score ${u.score} vs ${expect[k].score}`);
				assert.ok(Math.abs(u.average - expect[k].average) < 0.0015, `${u.unit} average ${u.average} vs ${expect[k].average}`);
			});
		}
		assert.equal(push.top[2].unit, '质检科');
		assert.equal(push.top[2].score, 0);
	});

	test('players do not receive units pushes', async () => {
		for (const p of players) assert.equal(p.c.messages.filter((m) => m.type === 'units').length, 0);
	});
});
