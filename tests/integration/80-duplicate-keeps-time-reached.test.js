'use strict';
// 80 regression: a duplicate answer served from the process's memory re-ZADDs the
// participant with "time reached" 0 (server/live/answer.c, memo path: d->total_ds is never set),
// so on equal scores a player who retries jumps ahead of one who reached the score earlier,
// and Redis/API disagree with PostgreSQL. Flat points (no time factor) make equal scores.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const h = require('../lib/harness.js');
const checks = require('../lib/checks.js');

describe('a retried answer keeps the time its score was reached', () => {
	let srv, hostC, a, b;
	before(async () => {
		srv = await h.startServer({ contests: [h.contestWith(path.join(__dirname, 'data', 'flat60.json'), { feedback: 'instant' })] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken, 'FLAT60');
		a = await h.join(srv.wsUrl, '先答', { code: 'FLAT60' });
		b = await h.join(srv.wsUrl, '后答', { code: 'FLAT60' });
		await h.hostCmd(hostC, 'start');
		await Promise.all([a.c.next('question'), b.c.next('question')]);
	});
	after(async () => {
		for (const c of [hostC, a && a.c, b && b.c]) if (c) await c.close();
		if (srv) await srv.stop();
	});

	test('A answers, B answers 400 ms later: same points, A ranks first', async () => {
		await h.sleep(300);
		const ra = await a.c.request({ type: 'answer', question_id: 's1', response: 1 });
		await h.sleep(400);
		const rb = await b.c.request({ type: 'answer', question_id: 's1', response: 1 });
		assert.equal(ra.points, 1000);
		assert.equal(rb.points, 1000);
		const { api } = await checks.agree(srv, 'FLAT60', 2);
		assert.equal(api.top[0].name, '先答');
	});

	test('B retries the same answer: still second everywhere', async () => {
		const dup = await b.c.request({ type: 'answer', question_id: 's1', response: 1 });
		assert.equal(dup.duplicate, true);
		// equal points share rank 1 (tied); the order between them stays A, B
		assert.deepEqual([dup.rank, dup.tied], [1, true], `rank in the duplicate ack: ${JSON.stringify(dup)}`);
		await h.sleep(200);
		const { api } = await checks.agree(srv, 'FLAT60', 2);
		assert.equal(api.top[0].name, '先答', 'the earlier player stays first');
	});
});
