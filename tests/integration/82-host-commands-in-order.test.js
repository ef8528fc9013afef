'use strict';
// 82 host commands in order: a lone host that sends its next command before the `ok` of the
// one before (as the load generator does: reveal, then next 100 ms later, on a loaded
// machine) was refused with `conflict`: the second command was computed from the state
// before the first was applied. Commands of one connection now run in order, each from the
// state the one before left; two host connections pressing at once still get one `ok` and
// one `conflict`, and the contest moves once.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

describe('host commands sent without waiting', () => {
	let srv, hostC, player;
	before(async () => {
		srv = await h.startServer();
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		player = (await h.join(srv.wsUrl, '顺序')).c;
	});
	after(async () => {
		for (const c of [hostC, player]) if (c && c.isOpen) await c.close();
		if (srv) await srv.stop();
	});

	test('start, reveal, next, reveal, next, end in one go: every one ok, in order', async () => {
		const cmds = ['start', 'reveal', 'next', 'reveal', 'next', 'end'];
		cmds.forEach((type, k) => hostC.send({ type, rid: `h${k}` }));
		const replies = [];
		for (let k = 0; k < cmds.length; k++) replies.push(await hostC.waitFor((m) => m.rid === `h${k}`, 15000, `reply to ${cmds[k]}`));
		assert.deepEqual(replies.map((r) => r.type), cmds.map(() => 'ok'), JSON.stringify(replies));
		const rows = await srv.sql("SELECT phase, qindex, seq::int FROM contests WHERE code = 'SAFE2026'");
		assert.deepEqual(rows, [{ phase: 'finished', qindex: 2, seq: 6 }]);
		// the player saw q1, q2, q3 in order, and the end
		for (const id of ['q1', 'q2', 'q3']) await player.waitFor((m) => m.type === 'question' && m.id === id, 10000, id);
		await player.waitFor((m) => m.type === 'state' && m.phase === 'finished', 10000, 'finished');
	});
});

describe('two host connections at once', () => {
	let srv;
	const hosts = [];
	before(async () => {
		srv = await h.startServer();
		for (let i = 0; i < 2; i++) hosts.push(await h.host(srv.wsUrl, srv.organizerToken));
		await h.hostCmd(hosts[0], 'start');
	});
	after(async () => {
		for (const c of hosts) if (c.isOpen) await c.close();
		if (srv) await srv.stop();
	});

	test('both press next: one ok, one conflict, one step', async () => {
		for (let round = 0; round < 2; round++) {
			const before_ = (await srv.sql("SELECT qindex, seq::int FROM contests WHERE code = 'SAFE2026'"))[0];
			hosts[0].send({ type: 'next', rid: `a${round}` });
			hosts[1].send({ type: 'next', rid: `b${round}` });
			const r = await Promise.all([hosts[0].waitFor((m) => m.rid === `a${round}`), hosts[1].waitFor((m) => m.rid === `b${round}`)]);
			assert.deepEqual(r.map((m) => m.type === 'ok' ? 'ok' : m.code).sort(), ['conflict', 'ok'], JSON.stringify(r));
			const after_ = (await srv.sql("SELECT qindex, seq::int FROM contests WHERE code = 'SAFE2026'"))[0];
			assert.deepEqual(after_, { qindex: before_.qindex + 1, seq: before_.seq + 1 });
		}
	});
});
