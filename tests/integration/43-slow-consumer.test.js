'use strict';
// 43 slow consumer (docs/protocol.md, "Flow control"): a screen that stops reading while
// the host plays 400 questions with large texts is disconnected (its output queue is
// bounded), while a screen that reads gets every push; the server stays healthy and the
// slow client can come back. The host moves question to question without reveals (a
// command after a reveal waits for its settle, ~0.5 s each: 400 of them would take minutes);
// the texts are large enough for ~5 MB of pushes per screen all the same.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../lib/harness.js');

const N = 400;

describe('a screen that does not read', () => {
	let srv, hostC, slow, fast;
	before(async () => {
		const qs = [];
		for (let i = 0; i < N; i++) {
			qs.push({ id: `b${i}`, type: 'single_choice', text: { 'zh-CN': '题'.repeat(1990) + i },
				options: ['甲', '乙', '丙', '丁'].map((c) => c.repeat(500)), answer: 0, explanation: { 'zh-CN': '解'.repeat(1500) } });
		}
		const file = path.join(h.outDir(), 'bulk400.json');
		fs.writeFileSync(file, JSON.stringify({ code: 'BULK400', title: { 'zh-CN': '大量题目' }, mode: 'live', time_limit_s: 60, questions: qs }));
		srv = await h.startServer({ contests: [file], args: ['--ws-msg-rate', '0'] }); // the host plays fast
		hostC = await h.host(srv.wsUrl, srv.organizerToken, 'BULK400');
		slow = await h.connect(srv.wsUrl);
		fast = await h.connect(srv.wsUrl);
		for (const c of [slow, fast]) {
			c.send({ type: 'watch', code: 'BULK400' });
			await c.next('watching');
		}
	});
	after(async () => {
		for (const c of [hostC, slow, fast]) if (c && c.isOpen) await c.close();
		if (srv) await srv.stop();
	});

	test(`host plays ${N} questions (about 5 MB of pushes per screen); the stalled screen is cut off`, async () => {
		slow.ws._socket.pause(); // stop reading: the kernel buffers fill, then the server's queue
		for (let i = 0; i < N; i++) {
			await h.hostCmd(hostC, i ? 'next' : 'start');
			hostC.drain();
		}
		await h.hostCmd(hostC, 'reveal'); // the last one's
		// the reading screen got every question and every reveal, in order
		const qids = fast.messages.filter((m) => m.type === 'question').map((m) => m.id);
		const rv = fast.messages.filter((m) => m.type === 'reveal').map((m) => m.question_id);
		await fast.waitFor((m) => m.type === 'reveal' && m.question_id === `b${N - 1}`, 20000, 'last reveal on the reading screen');
		const allQ = fast.messages.filter((m) => m.type === 'question').map((m) => m.id);
		assert.deepEqual(allQ, Array.from({ length: N }, (_, i) => `b${i}`), 'every question, in order');
		assert.ok(rv.length <= N && qids.length <= N);
		slow.ws._socket.resume();
		const info = await Promise.race([slow.closed, h.sleep(15000).then(() => null)]);
		assert.ok(info, `the stalled screen was disconnected (it had received ${slow.messages.length} messages)`);
		// 1008 "slow consumer" when the close frame gets through; 1006 when the socket is full
		assert.ok([1008, 1006].includes(info.code), `close code ${info.code} ${info.reason}`);
		if (info.code === 1008) assert.match(info.reason, /slow/);
		assert.ok(slow.messages.length < 4 * N, 'the stalled screen did not get everything');
	});

	test('the server is healthy and the screen can come back', async () => {
		const hz = await srv.get('/healthz');
		assert.equal(hz.status, 200);
		const again = await h.connect(srv.wsUrl);
		again.send({ type: 'watch', code: 'BULK400' });
		await again.next('watching');
		const st = await again.next('state');
		assert.equal(st.index, N - 1);
		await again.close();
	});
});
