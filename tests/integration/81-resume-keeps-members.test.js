'use strict';
// 81 resume keeps members: a player resuming on a new connection of the same process
// closes the old one. The old connection was taken out of the contest's member
// list when it was replaced, and again when its socket closed; the second removal
// emptied the whole list, so nobody on that process got pushes any more
// (server/live/members.c: removal must be safe to run twice).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

describe('a resume on the same process', () => {
	let srv, hostC, screen, other, old, again;
	before(async () => {
		srv = await h.startServer();
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
	});
	after(async () => {
		for (const c of [hostC, screen, other, old, again]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	test('leaves every other member in the contest', async () => {
		({ c: other } = await h.join(srv.wsUrl, '李师傅'));
		let joined;
		({ c: old, joined } = await h.join(srv.wsUrl, '王师傅'));
		again = await h.connect(srv.wsUrl);
		again.send({ type: 'resume', token: joined.token });
		const j = await again.next('joined');
		assert.equal(j.resumed, true);
		assert.equal((await old.closed).code, 4001); // replaced (83-one-connection)
		await h.sleep(100); // the server has run the old socket's close

		await h.hostCmd(hostC, 'start');
		for (const [who, c] of [['the other player', other], ['the resumed player', again], ['the screen', screen]]) {
			const q = await c.waitFor((m) => m.type === 'question' && m.id === 'q1', 10000, `q1 to ${who}`);
			assert.equal(q.index, 0);
		}
	});
});
