'use strict';
// 40 protocol and bad input: every bad message gets its error code (docs/protocol.md,
// "Error codes") and the connection stays open: after each error a ping still gets pong.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

// expectError(c, frameOrObj, code): sends, expects `error` with that code, then checks the
// connection still works (ping -> pong).
async function expectError(c, msg, code, { binary = false } = {}) {
	if (typeof msg === 'string' || Buffer.isBuffer(msg)) c.sendRaw(msg, { binary });
	else c.send(msg);
	const e = await c.next('error');
	assert.equal(e.code, code, `expected ${code} for ${String(JSON.stringify(msg)).slice(0, 120)}, got ${JSON.stringify(e)}`);
	assert.equal(typeof e.message, 'string');
	assert.ok(e.message.length > 0, 'error message is not empty');
	await stillOpen(c);
	return e;
}

async function stillOpen(c) {
	const t = Date.now();
	c.send({ type: 'ping', t });
	const p = await c.waitFor((m) => m.type === 'pong' && m.t === t, 5000, 'pong after an error');
	assert.equal(p.t, t);
	assert.equal(c.isOpen, true);
	assert.equal(c.pending.filter((m) => m.type === 'error').length, 0, 'no extra error frames');
}

// Most of these send many requests at once: without the message rate limit
// (--ws-msg-rate 0), which has tests of its own (85-limits).
const NO_RATE = { args: ['--ws-msg-rate', '0'] };

describe('bad frames (no role yet)', () => {
	let srv, c;
	before(async () => {
		srv = await h.startServer(NO_RATE);
		c = await h.connect(srv.wsUrl);
	});
	after(async () => {
		if (c) await c.close();
		if (srv) await srv.stop();
	});

	test('malformed JSON -> bad_json', async () => {
		await expectError(c, '{"type":"ping",', 'bad_json');
		await expectError(c, 'not json at all', 'bad_json');
		await expectError(c, '', 'bad_json');
		await expectError(c, '{"type":"ping"} trailing', 'bad_json');
	});

	test('JSON that is not an object -> bad_json', async () => {
		await expectError(c, '[1,2,3]', 'bad_json');
		await expectError(c, '"ping"', 'bad_json');
		await expectError(c, '42', 'bad_json');
		await expectError(c, 'null', 'bad_json');
	});

	test('invalid UTF-8 in a text frame is refused and the connection stays usable', async () => {
		// ws sends the bytes as given; lws may close on invalid UTF-8 (RFC 6455 allows it),
		// so only require that a well-formed follow-up still works on a new connection.
		const c2 = await h.connect(srv.wsUrl);
		c2.sendRaw(Buffer.from([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x22, 0x7d]));
		const r = await Promise.race([
			c2.next('error', 5000).then((e) => `error ${e.code}`),
			c2.closed.then((i) => `closed ${i.code}`),
		]);
		assert.match(r, /^(error bad_json|closed 1007)$/);
		await c2.close();
	});

	test('missing or non-string type -> bad_message', async () => {
		await expectError(c, { t: 1 }, 'bad_message');
		await expectError(c, { type: 42 }, 'bad_message');
		await expectError(c, { type: null }, 'bad_message');
		await expectError(c, { type: ['ping'] }, 'bad_message');
	});

	test('unknown type -> unknown_type', async () => {
		await expectError(c, { type: 'frobnicate' }, 'unknown_type');
		await expectError(c, { type: '' }, 'unknown_type');
		await expectError(c, { type: 'PING' }, 'unknown_type');
	});

	test('errors echo rid', async () => {
		const e = await expectError(c, { type: 'frobnicate', rid: 'x-1' }, 'unknown_type');
		assert.equal(e.rid, 'x-1');
	});

	test('rid longer than 64 characters -> invalid_field', async () => {
		await expectError(c, { type: 'ping', t: 1, rid: 'r'.repeat(65) }, 'invalid_field');
		await expectError(c, { type: 'ping', t: 1, rid: '' }, 'invalid_field');
	});

	test('rid of 64 characters is echoed', async () => {
		const rid = 'r'.repeat(64);
		c.send({ type: 'ping', t: 7, rid });
		const p = await c.next('pong');
		assert.equal(p.rid, rid);
	});

	test('frame over 16 KiB -> too_large', async () => {
		const big = JSON.stringify({ type: 'join', code: 'SAFE2026', name: 'x', unit: 'u'.repeat(17000) });
		await expectError(c, big, 'too_large');
		// well over: 100 KiB, sent as several fragments by the client library? (one frame here)
		await expectError(c, '{"type":"ping","t":1,"pad":"' + 'p'.repeat(100 * 1024) + '"}', 'too_large');
	});

	test('a frame of exactly 16 KiB is accepted', async () => {
		const head = '{"type":"ping","t":16384';
		const frame = head + ' '.repeat(16384 - head.length - 1) + '}';
		assert.equal(Buffer.byteLength(frame), 16384);
		c.sendRaw(frame);
		const p = await c.waitFor((m) => m.type === 'pong' || m.type === 'error', 5000, 'pong');
		assert.equal(p.type, 'pong', JSON.stringify(p));
		assert.equal(p.t, 16384);
	});

	test('binary frame -> not_text', async () => {
		await expectError(c, Buffer.from('{"type":"ping","t":1}'), 'not_text', { binary: true });
		await expectError(c, Buffer.from([0, 1, 2, 3]), 'not_text', { binary: true });
	});

	test('join: missing or wrong-typed fields -> bad_message', async () => {
		await expectError(c, { type: 'join', name: 'a' }, 'bad_message');
		await expectError(c, { type: 'join', code: 'SAFE2026' }, 'bad_message');
		await expectError(c, { type: 'join', code: 123, name: 'a' }, 'bad_message');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: 7 }, 'bad_message');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: 'a', unit: 5 }, 'bad_message');
	});

	test('join: unknown contest code -> unknown_contest', async () => {
		await expectError(c, { type: 'join', code: 'NOPE2026', name: '李四' }, 'unknown_contest');
		await expectError(c, { type: 'watch', code: 'NOPE2026' }, 'unknown_contest');
		await expectError(c, { type: 'host', code: 'NOPE2026', token: srv.organizerToken }, 'unknown_contest');
	});

	test('join: bad names -> invalid_name', async () => {
		await expectError(c, { type: 'join', code: 'SAFE2026', name: '' }, 'invalid_name');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: '   ' }, 'invalid_name');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: 'x'.repeat(65) }, 'invalid_name');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: '长'.repeat(65) }, 'invalid_name');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: 'a\u0001b' }, 'invalid_name');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: 'a\nb' }, 'invalid_name');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: 'a\u007fb' }, 'invalid_name');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: 'a\u0000b' }, 'invalid_name');
	});

	test('join: bad employee_no or unit -> invalid_field', async () => {
		await expectError(c, { type: 'join', code: 'SAFE2026', name: 'a', employee_no: 'A 1' }, 'invalid_field');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: 'a', employee_no: '工号1' }, 'invalid_field');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: 'a', employee_no: 'A'.repeat(33) }, 'invalid_field');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: 'a', unit: 'u'.repeat(65) }, 'invalid_field');
		await expectError(c, { type: 'join', code: 'SAFE2026', name: 'a', unit: 'a\u0007' }, 'invalid_field');
	});

	test('messages of a role before having it', async () => {
		await expectError(c, { type: 'answer', question_id: 'q1', response: 0 }, 'not_joined');
		await expectError(c, { type: 'start' }, 'forbidden');
		await expectError(c, { type: 'next' }, 'forbidden');
		await expectError(c, { type: 'reveal' }, 'forbidden');
		await expectError(c, { type: 'end' }, 'forbidden');
	});

	test('resume with an unknown token -> bad_token', async () => {
		await expectError(c, { type: 'resume', token: 'c0ffee'.repeat(8) }, 'bad_token');
		await expectError(c, { type: 'resume', token: 12 }, 'bad_message');
	});

	test('host with a wrong or missing token -> forbidden / unauthenticated', async () => {
		await expectError(c, { type: 'host', code: 'SAFE2026', token: 'wrong' }, 'forbidden');
		await expectError(c, { type: 'host', code: 'SAFE2026', token: srv.organizerToken + 'x' }, 'forbidden');
		await expectError(c, { type: 'host', code: 'SAFE2026', token: '' }, 'forbidden');
		// No token and no console session: nobody (accounts made the token optional).
		await expectError(c, { type: 'host', code: 'SAFE2026' }, 'unauthenticated');
	});

	test('nothing above created a participant', async () => {
		const rows = await srv.sql('SELECT count(*)::int AS n FROM participants');
		assert.equal(rows[0].n, 0);
	});

	test('a join with the longest valid fields succeeds after all that', async () => {
		c.send({ type: 'join', code: 'safe2026', name: '长'.repeat(64), employee_no: 'A-_z9'.repeat(6) + 'ab', unit: '车'.repeat(64) });
		const j = await c.waitFor((m) => m.type === 'joined' || m.type === 'error', 10000, 'joined');
		assert.equal(j.type, 'joined', JSON.stringify(j));
		assert.equal(j.name, '长'.repeat(64));
		await c.next('state');
		await c.next('leaderboard');
	});

	test('name is trimmed', async () => {
		const c2 = await h.connect(srv.wsUrl);
		c2.send({ type: 'join', code: 'SAFE2026', name: '  王五  ' });
		const j = await c2.next('joined');
		assert.equal(j.name, '王五');
		await c2.close();
	});
});

describe('player errors in a running contest', () => {
	let srv, hostC, p1, p2, screen;
	before(async () => {
		srv = await h.startServer(NO_RATE);
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		({ c: p1 } = await h.join(srv.wsUrl, '赵一', { employee_no: 'E001' }));
		({ c: p2 } = await h.join(srv.wsUrl, '钱二'));
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
	});
	after(async () => {
		for (const c of [hostC, p1, p2, screen]) if (c) await c.close();
		if (srv) await srv.stop();
	});

	test('join twice on one connection -> already_joined', async () => {
		await expectError(p1, { type: 'join', code: 'SAFE2026', name: '赵一' }, 'already_joined');
	});

	test('an employee number already in the contest -> already_joined', async () => {
		const c = await h.connect(srv.wsUrl);
		await expectError(c, { type: 'join', code: 'SAFE2026', name: '冒名', employee_no: 'E001' }, 'already_joined');
		await c.close();
	});

	test('answer in the lobby -> not_open', async () => {
		await expectError(p1, { type: 'answer', question_id: 'q1', response: 0 }, 'not_open');
	});

	test('host commands not allowed in the lobby -> bad_state', async () => {
		await expectError(hostC, { type: 'next' }, 'bad_state');
		await expectError(hostC, { type: 'reveal' }, 'bad_state');
	});

	test('player and screen may not send host commands -> forbidden', async () => {
		await expectError(p1, { type: 'start' }, 'forbidden');
		await expectError(screen, { type: 'start' }, 'forbidden');
		await expectError(screen, { type: 'answer', question_id: 'q1', response: 0 }, 'forbidden');
		await expectError(hostC, { type: 'answer', question_id: 'q1', response: 0 }, 'forbidden');
		await expectError(p1, { type: 'watch', code: 'SAFE2026' }, 'forbidden');
		await expectError(p1, { type: 'host', code: 'SAFE2026', token: srv.organizerToken }, 'forbidden');
	});

	test('start opens q1; start again -> bad_state', async () => {
		await h.hostCmd(hostC, 'start');
		const q = await p1.next('question');
		assert.equal(q.id, 'q1');
		await p2.next('question');
		await expectError(hostC, { type: 'start' }, 'bad_state');
	});

	test('answer: missing or wrong-typed fields -> bad_message', async () => {
		await expectError(p1, { type: 'answer', response: 0 }, 'bad_message');
		await expectError(p1, { type: 'answer', question_id: 'q1' }, 'bad_message');
		await expectError(p1, { type: 'answer', question_id: 1, response: 0 }, 'bad_message');
	});

	test('answer to a question that is not open -> not_open', async () => {
		await expectError(p1, { type: 'answer', question_id: 'q2', response: 1 }, 'not_open');
		await expectError(p1, { type: 'answer', question_id: 'nope', response: 1 }, 'not_open');
	});

	test('option index out of range -> option_out_of_range', async () => {
		await expectError(p1, { type: 'answer', question_id: 'q1', response: 4 }, 'option_out_of_range');
		await expectError(p1, { type: 'answer', question_id: 'q1', response: 99 }, 'option_out_of_range');
	});

	test('response of the wrong shape -> invalid_response', async () => {
		await expectError(p1, { type: 'answer', question_id: 'q1', response: 'A' }, 'invalid_response');
		await expectError(p1, { type: 'answer', question_id: 'q1', response: true }, 'invalid_response');
		await expectError(p1, { type: 'answer', question_id: 'q1', response: 1.5 }, 'invalid_response');
		await expectError(p1, { type: 'answer', question_id: 'q1', response: { a: 1 } }, 'invalid_response');
	});

	test('none of the refused answers was stored', async () => {
		const rows = await srv.sql('SELECT count(*)::int AS n FROM answers');
		assert.equal(rows[0].n, 0);
	});

	test('a valid answer after all that is acknowledged', async () => {
		const ack = await p1.request({ type: 'answer', question_id: 'q1', response: 0 });
		assert.equal(ack.type, 'ack', JSON.stringify(ack));
		assert.equal(ack.accepted, true);
		// the demo contest shows points at the reveal: the ack says only that it arrived
		assert.deepEqual([ack.points, ack.score, ack.rank], [undefined, undefined, undefined]);
		const rows = await srv.sql('SELECT points_milli::int AS p FROM answers');
		assert.ok(rows.length === 1 && rows[0].p > 0, JSON.stringify(rows));
	});

	test('multiple choice: duplicates, out of range, wrong shapes', async () => {
		// move to q5 (multiple_choice): next through q2..q5
		for (let i = 2; i <= 5; i++) {
			await h.hostCmd(hostC, 'next');
			const q = await p2.waitFor((m) => m.type === 'question' && m.id === `q${i}`, 10000, `question q${i}`);
			assert.equal(q.id, `q${i}`);
		}
		p1.drain();
		await expectError(p2, { type: 'answer', question_id: 'q5', response: [0, 0] }, 'invalid_response');
		await expectError(p2, { type: 'answer', question_id: 'q5', response: [0, 4] }, 'option_out_of_range');
		await expectError(p2, { type: 'answer', question_id: 'q5', response: 1 }, 'invalid_response');
		await expectError(p2, { type: 'answer', question_id: 'q5', response: ['0'] }, 'invalid_response');
	});

	test('true/false: non-boolean -> invalid_response', async () => {
		await h.hostCmd(hostC, 'next');
		await p2.waitFor((m) => m.type === 'question' && m.id === 'q6', 10000, 'question q6');
		await expectError(p2, { type: 'answer', question_id: 'q6', response: 1 }, 'invalid_response');
		await expectError(p2, { type: 'answer', question_id: 'q6', response: 'true' }, 'invalid_response');
		const ack = await p2.request({ type: 'answer', question_id: 'q6', response: true });
		assert.equal(ack.type, 'ack', JSON.stringify(ack));
	});

	test('end, then: host commands -> bad_state, joins -> contest_finished', async () => {
		await h.hostCmd(hostC, 'end');
		await p1.waitFor((m) => m.type === 'state' && m.phase === 'finished', 10000, 'finished state');
		await expectError(hostC, { type: 'end' }, 'bad_state');
		await expectError(hostC, { type: 'next' }, 'bad_state');
		const c = await h.connect(srv.wsUrl);
		await expectError(c, { type: 'join', code: 'SAFE2026', name: '迟到者' }, 'contest_finished');
		await c.close();
		await expectError(p1, { type: 'answer', question_id: 'q6', response: true }, 'not_open');
	});
});

describe('many bad frames in a row do not close the connection', () => {
	let srv;
	before(async () => { srv = await h.startServer(); });
	after(async () => { if (srv) await srv.stop(); });

	test('200 assorted bad frames, then a join', async () => {
		const c = await h.connect(srv.wsUrl);
		const bad = ['{', '[]', '{"type":1}', '{"type":"zz"}', '{"type":"join"}',
			'{"type":"join","code":"X","name":"a"}', '{"type":"answer","question_id":"q1","response":0}'];
		for (let i = 0; i < 200; i++) c.sendRaw(bad[i % bad.length]);
		const errors = [];
		for (let i = 0; i < 200; i++) {
			const e = await c.waitFor((m) => m.type === 'error', 10000, `error ${i + 1}/200`);
			errors.push(e.code);
		}
		// the message rate limit answers most of the flood rate_limited; the rest get their own code
		const expected = ['bad_json', 'bad_json', 'bad_message', 'unknown_type', 'bad_message', 'unknown_contest', 'not_joined'];
		errors.forEach((code, i) => {
			if (code !== 'rate_limited') assert.equal(code, expected[i % expected.length], `frame ${i}`);
		});
		assert.ok(errors.filter((code) => code === 'rate_limited').length >= 150, 'a flood is rate-limited');
		await h.sleep(1500); // the bucket refills (10 a second)
		await stillOpen(c);
		await c.close();
	});
});

describe('every reply echoes the request rid (docs/protocol.md: "the reply (or error) echoes it")', () => {
	let srv;
	before(async () => { srv = await h.startServer(NO_RATE); });
	after(async () => { if (srv) await srv.stop(); });

	test('joined, host_ok, watching, ok, ack, pong carry the rid of their request', async () => {
		const p = await h.connect(srv.wsUrl);
		p.send({ type: 'join', code: 'SAFE2026', name: '回声', rid: 'j-1' });
		const j = await p.next('joined');
		const hc = await h.connect(srv.wsUrl);
		hc.send({ type: 'host', code: 'SAFE2026', token: srv.organizerToken, rid: 'h-1' });
		const ho = await hc.next('host_ok');
		const s = await h.connect(srv.wsUrl);
		s.send({ type: 'watch', code: 'SAFE2026', rid: 'w-1' });
		const w = await s.next('watching');
		hc.send({ type: 'start', rid: 's-1' });
		const ok = await hc.next('ok');
		await p.next('question');
		p.send({ type: 'answer', question_id: 'q1', response: 0, rid: 'a-1' });
		const ack = await p.next('ack');
		s.send({ type: 'ping', t: 5, rid: 'p-1' });
		const pong = await s.next('pong');
		assert.deepEqual([j.rid, ho.rid, w.rid, ok.rid, ack.rid, pong.rid], ['j-1', 'h-1', 'w-1', 's-1', 'a-1', 'p-1']);
		for (const c of [p, hc, s]) await c.close();
	});
});
