'use strict';
// 47 units board: with "leaderboards": {"unit": true} (the demo), screens get `units`
// pushes ranking workshops by their members' average score; the API agrees with
// PostgreSQL's participants.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

describe('units board', () => {
	let srv, hostC, screen;
	const players = [];
	before(async () => {
		srv = await h.startServer({ contests: [h.instantContest()] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
		const units = ['焊接车间', '焊接车间', '焊接车间', '装配车间', '质检科', ''];
		for (const [i, unit] of units.entries()) players.push((await h.join(srv.wsUrl, `工人${i}`, { unit })).c);
	});
	after(async () => {
		for (const c of [hostC, screen, ...players]) if (c) await c.close();
		if (srv) await srv.stop();
	});

	test('averages per unit, ranked, pushed to the screen and served by the API', async () => {
		const answers = h.contestAnswers();
		await h.hostCmd(hostC, 'start');
		await Promise.all(players.map((c) => c.waitFor((m) => m.type === 'question', 10000, 'q1')));
		// 焊接车间: 2 of 3 right; 装配车间: right; 质检科: wrong; no unit: right (not on the board)
		const right = [true, true, false, true, false, true];
		for (const [i, c] of players.entries()) {
			const a = await c.request({ type: 'answer', question_id: 'q1', response: right[i] ? answers.q1 : (answers.q1 + 1) % 4 });
			assert.equal(a.type, 'ack', JSON.stringify(a));
		}
		const pushed = await screen.waitFor((m) => m.type === 'units' && m.top.length === 3 && m.top[0].average > 0, 10000, 'units push');
		assert.deepEqual(pushed.top.map((u) => u.unit), ['装配车间', '焊接车间', '质检科']);
		const rows = await srv.sql("SELECT unit, count(*)::int AS n, avg(score_milli)::float AS avg FROM participants WHERE unit <> '' GROUP BY unit");
		for (const u of pushed.top) {
			const row = rows.find((r) => r.unit === u.unit);
			assert.equal(u.players, row.n);
			assert.ok(Math.abs(u.average - Math.round(row.avg) / 1000) < 0.0011, `${u.unit}: ${u.average} vs ${row.avg / 1000}`);
		}
		const api = await h.httpGet(`${srv.url}/api/contests/SAFE2026/units`);
		assert.equal(api.status, 200);
		assert.deepEqual(api.json.top, pushed.top);
	});
});
