'use strict';
// 44 bad events: the Redis event channel is written by other processes (or anyone who
// can reach Redis), so every field of an event is checked before it is used
// (server/live/events.c). Malformed events are logged and dropped; the server keeps
// serving, and a well-formed event after them still applies.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

describe('malformed events on the Redis channel', () => {
	let srv, screen;
	before(async () => {
		srv = await h.startServer();
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
		await screen.next('state');
	});
	after(async () => {
		if (screen) await screen.close().catch(() => {});
		if (srv) await srv.stop();
	});

	test('are dropped, logged, and harmless', async () => {
		const now = Date.now();
		const good = { ev: 'state', code: 'SAFE2026', phase: 'question', qindex: 0, open_ms: now,
			deadline_ms: now + 30000, started_ms: now, seq: 1000 };
		const bad = [
			'not json', '[]', '{}', '{"ev":7}', '{"ev":"nonsense","code":"SAFE2026"}',
			'{"ev":"contest"}', '{"ev":"contest","code":"../../etc"}', '{"ev":"contest","code":{"a":1}}',
			{ ...good, code: undefined }, { ...good, code: 'x' }, { ...good, phase: 'party' },
			{ ...good, qindex: undefined }, { ...good, qindex: 'zero' }, { ...good, qindex: 99 },
			{ ...good, qindex: -1 }, { ...good, qindex: 0.5 }, { ...good, seq: undefined },
			{ ...good, seq: -3 }, { ...good, open_ms: null }, { ...good, deadline_ms: '1' },
			{ ...good, started_ms: [] }, { ...good, reveal: 'yes' }, { ...good, reveal: [1, 2] },
			// the host's pause and hidden board (absent: running, shown)
			{ ...good, paused_ms: -1 }, { ...good, paused_ms: 'now' }, { ...good, paused_ms: 1.5 },
			{ ...good, phase: 'reveal', paused_ms: now }, { ...good, board_hidden: 1 },
			{ ...good, board_hidden: 'true' },
			// removed and renamed participants (live/moderate.c)
			'{"ev":"removed","code":"SAFE2026","instance":"x"}', '{"ev":"removed","code":"SAFE2026","pid":0,"instance":"x"}',
			'{"ev":"removed","code":"SAFE2026","pid":1}', '{"ev":"renamed","code":"SAFE2026","pid":1,"instance":"x"}',
			'{"ev":"renamed","code":"SAFE2026","pid":1,"name":" 张三","instance":"x"}',
			'{"ev":"renamed","code":"SAFE2026","pid":1,"name":"\u202e张三","instance":"x"}',
		];
		for (const e of bad) await srv.redis('PUBLISH', 'sa:events', typeof e === 'string' ? e : JSON.stringify(e));
		// an unknown contest is not an error: another process may serve it
		await srv.redis('PUBLISH', 'sa:events', JSON.stringify({ ...good, code: 'NOSUCH01' }));
		await h.sleep(300);
		assert.equal(screen.pending.filter((m) => m.type === 'state' || m.type === 'question').length, 0,
			'no malformed event was applied');
		const health = await srv.get('/healthz');
		assert.equal(health.status, 200);
		const dropped = srv.log(0).split('\n').filter((l) => l.includes('event dropped')).length;
		assert.equal(dropped, bad.length, srv.log(0).split('\n').slice(-40).join('\n'));

		await srv.redis('PUBLISH', 'sa:events', JSON.stringify(good));
		const st = await screen.waitFor((m) => m.type === 'state' && m.seq === 1000, 10000, 'the good state');
		assert.equal(st.phase, 'question');
		assert.equal(st.index, 0);
		assert.equal(st.paused, false);
		assert.equal(st.board_hidden, false);
		// paused and hidden, as a host's process publishes them
		await srv.redis('PUBLISH', 'sa:events', JSON.stringify({ ...good, seq: 1001, paused_ms: now + 1000, board_hidden: true }));
		const p = await screen.waitFor((m) => m.type === 'state' && m.seq === 1001, 10000, 'the paused state');
		assert.equal(p.paused, true);
		assert.equal(p.open, false);
		assert.equal(p.remaining_ms, 29000);
		assert.equal(p.board_hidden, true);
	});
});
