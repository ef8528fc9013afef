'use strict';
// 58 host moderation (issue 10, item 7), on two processes (host on A; players and a
// screen on both): `pending` lists who has not answered the open question (by name,
// unit and employee-number tail, offline ones first) and shrinks as answers commit;
// `pause` stops the question's clock (answers refused `paused`, nothing stored) and
// `resume` moves its deadline by the paused time, in every state push and in the
// window PostgreSQL judges answers by; `extend` gives more time; `board` hides and
// shows the screens' leaderboard; `remove` takes a participant off every board and
// count, closes its connection (4004) and refuses its token and its employee number
// until `release`; `rename` changes a name everywhere. Every bad field is refused.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

const ANSWERS = h.contestAnswers();

async function windowOf(srv, idx) {
	const rows = await srv.sql(`SELECT q.open_ms::bigint AS o, q.deadline_ms::bigint AS d FROM questions q
		JOIN contests c ON c.id = q.contest_id WHERE c.code = 'SAFE2026' AND q.idx = ${idx}`);
	return { open: Number(rows[0].o), deadline: Number(rows[0].d) };
}

async function expectError(c, msg, code, what) {
	const r = await c.request(msg);
	assert.deepEqual([r.type, r.code], ['error', code], `${what || msg.type}: ${JSON.stringify(r)}`);
	return r;
}

describe('the host\'s hand on a live contest, two processes', () => {
	let srv, hostA, screenB;
	const P = {}; // name -> {c, joined}
	const pid = (k) => P[k].joined.participant_id;
	before(async () => { srv = await h.startServer({ processes: 2 }); });
	after(async () => {
		for (const c of [hostA, screenB, ...Object.values(P).map((p) => p.c)]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	test('four players; the host sees who has not answered, offline ones first', async () => {
		hostA = await h.host(srv.wsUrls[0], srv.organizerToken);
		screenB = await h.connect(srv.wsUrls[1]);
		screenB.send({ type: 'watch', code: 'SAFE2026' });
		await screenB.next('watching');
		const who = [['zw1', '张伟', 'E-1234', 0], ['zw2', '张伟', 'E-5678', 1], ['ln', '李娜', 'E-0042', 1], ['bot', '机器人', 'BOT-9999', 1]];
		for (const [k, name, emp, i] of who)
			P[k] = await h.join(srv.wsUrls[i], name, { employee_no: emp, unit: '一车间', device_key: `device-of-${k}-0123456789` });
		await h.hostCmd(hostA, 'start');
		const all = await hostA.waitFor((m) => m.type === 'pending' && m.count === 4, 10000, 'pending with everyone');
		assert.equal(all.question_id, 'q1');
		assert.deepEqual(all.players.map((e) => e.participant_id).sort((a, b) => a - b), Object.keys(P).map(pid).sort((a, b) => a - b));
		const zw = all.players.filter((e) => e.name === '张伟').map((e) => e.emp_tail).sort();
		assert.deepEqual(zw, ['1234', '5678'], 'the same name told apart');
		assert.ok(all.players.every((e) => e.unit === '一车间' && e.online === true && e.score === undefined && e.rank === undefined));

		assert.equal((await P.zw1.c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 })).type, 'ack');
		const three = await hostA.waitFor((m) => m.type === 'pending' && m.count === 3, 10000, 'pending without zw1');
		assert.ok(!three.players.some((e) => e.participant_id === pid('zw1')));

		// 李娜 loses her connection: listed first, offline, after a few seconds
		await P.ln.c.close();
		const off = await hostA.waitFor((m) => m.type === 'pending' && m.players.some((e) => e.participant_id === pid('ln') && e.online === false),
			15000, 'ln offline');
		assert.equal(off.players[0].participant_id, pid('ln'), 'offline ones first');
		P.ln = { c: null, joined: P.ln.joined };
		const c = await h.connect(srv.wsUrls[1]);
		c.send({ type: 'resume', token: P.ln.joined.token, device_key: 'device-of-ln-0123456789' });
		await c.next('joined');
		P.ln.c = c;
		await hostA.waitFor((m) => m.type === 'pending' && m.players.some((e) => e.participant_id === pid('ln') && e.online === true),
			10000, 'ln back online');
	});

	test('pause: answers refused and not stored; resume: the deadline moves by the paused time', async () => {
		const before = await windowOf(srv, 0);
		screenB.discard((m) => m.type === 'state');
		const paused = Date.now();
		await h.hostCmd(hostA, 'pause');
		const st = await screenB.waitFor((m) => m.type === 'state' && m.paused === true, 10000, 'paused on B');
		assert.equal(st.open, false, 'a paused question takes no answers');
		await P.zw2.c.waitFor((m) => m.type === 'state' && m.paused === true, 10000, 'paused on the phone');
		await expectError(P.zw2.c, { type: 'answer', question_id: 'q1', response: ANSWERS.q1 }, 'paused');
		assert.deepEqual(await srv.sql(`SELECT 1 FROM answers WHERE participant_id = ${pid('zw2')}`), []);
		await expectError(hostA, { type: 'pause' }, 'bad_state', 'pause twice');
		await h.sleep(1500);
		await h.hostCmd(hostA, 'resume');
		const resumedAt = Date.now();
		const st2 = await screenB.waitFor((m) => m.type === 'state' && m.paused === false && m.open === true, 10000, 'resumed on B');
		const moved = st2.deadline - before.deadline;
		assert.ok(moved >= 1400 && moved <= resumedAt - paused + 50, `deadline moved ${moved} ms (paused ${resumedAt - paused} ms)`);
		const after = await windowOf(srv, 0);
		assert.equal(after.deadline, st2.deadline, 'the window PostgreSQL judges by');
		assert.equal(after.open - before.open, moved, 'the open time too: response times leave the pause out');
		await expectError(hostA, { type: 'resume' }, 'bad_state', 'resume while running');
		const ack = await P.zw2.c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 });
		assert.equal(ack.type, 'ack', JSON.stringify(ack));
		const [a] = await srv.sql(`SELECT response_ms FROM answers WHERE participant_id = ${pid('zw2')}`);
		assert.ok(Number(a.response_ms) < Date.now() - after.open + 50);
	});

	test('extend: more time for the question, refused out of range', async () => {
		const before = await windowOf(srv, 0);
		screenB.discard((m) => m.type === 'state');
		const r = await hostA.request({ type: 'extend', ms: 5000 });
		assert.equal(r.type, 'ok', JSON.stringify(r));
		const st = await screenB.waitFor((m) => m.type === 'state' && m.deadline === before.deadline + 5000, 10000, 'extended on B');
		assert.equal(st.open, true);
		assert.equal((await windowOf(srv, 0)).deadline, before.deadline + 5000);
		await expectError(hostA, { type: 'extend' }, 'bad_message', 'no ms');
		for (const ms of [999, 600001, 1500.5, '5000', -5000])
			await expectError(hostA, { type: 'extend', ms }, 'invalid_field', `ms ${ms}`);
		assert.equal((await windowOf(srv, 0)).deadline, before.deadline + 5000, 'nothing moved');
	});

	test('board: hidden from the screens, shown again', async () => {
		await expectError(hostA, { type: 'board' }, 'bad_message', 'no show');
		await expectError(hostA, { type: 'board', show: 'no' }, 'bad_message', 'show not a boolean');
		assert.equal((await hostA.request({ type: 'board', show: false })).type, 'ok');
		await screenB.waitFor((m) => m.type === 'state' && m.board_hidden === true, 10000, 'hidden on B');
		screenB.discard((m) => m.type === 'leaderboard'); // pushed before the board was hidden
		await h.hostCmd(hostA, 'reveal');
		await screenB.next('reveal');
		await h.sleep(600);
		screenB.discard((m) => m.type !== 'leaderboard');
		assert.equal(screenB.pending.filter((m) => m.type === 'leaderboard').length, 0, 'no board pushed to a screen while hidden');
		await hostA.waitFor((m) => m.type === 'leaderboard' && m.top.some((e) => e.score > 0), 10000, 'the host still sees it');
		assert.equal((await hostA.request({ type: 'board', show: true })).type, 'ok');
		await screenB.waitFor((m) => m.type === 'state' && m.board_hidden === false, 10000, 'shown on B');
		const lb = await screenB.waitFor((m) => m.type === 'leaderboard' && m.top.some((e) => e.score > 0), 10000, 'the board back on B');
		assert.equal(lb.top.length, 4);
	});

	test('remove: off the boards and counts, closed 4004, refused until released', async () => {
		const bot = P.bot;
		await expectError(hostA, { type: 'remove' }, 'bad_message', 'no participant_id');
		for (const id of ['1', 0, 1.5, -3]) await expectError(hostA, { type: 'remove', participant_id: id }, 'invalid_field', `id ${id}`);
		await expectError(hostA, { type: 'remove', participant_id: 999999 }, 'not_found');
		const r = await hostA.request({ type: 'remove', participant_id: pid('bot') });
		assert.deepEqual([r.type, r.participant_id, r.name], ['ok', pid('bot'), '机器人'], JSON.stringify(r));
		const err = await bot.c.waitFor((m) => m.type === 'error', 10000, 'removed on the bot\'s phone (B)');
		assert.equal(err.code, 'removed');
		const info = await bot.c.closed;
		assert.equal(info.code, 4004);
		const [row] = await srv.sql(`SELECT removed FROM participants WHERE id = ${pid('bot')}`);
		assert.equal(row.removed, true);
		await screenB.waitFor((m) => m.type === 'stats' && m.players === 3, 10000, 'three players on B');
		await h.hostCmd(hostA, 'next');
		const lb = await screenB.waitFor((m) => m.type === 'leaderboard' && m.top.length === 3, 10000, 'the board without the bot');
		assert.ok(!lb.top.some((e) => e.participant_id === pid('bot')));
		for (const u of srv.urls) {
			const api = await h.httpGet(`${u}/api/contests/SAFE2026/leaderboard`);
			assert.ok(!api.json.top.some((e) => e.participant_id === pid('bot')), `${u}: not in the API`);
		}
		const pend = await hostA.waitFor((m) => m.type === 'pending' && m.question_id === 'q2', 10000, 'q2 pending');
		assert.equal(pend.count, 3, 'nor among who has not answered');

		// its token, its employee number from its own device: refused
		const c = await h.connect(srv.wsUrls[0]);
		c.send({ type: 'resume', token: bot.joined.token, device_key: 'device-of-bot-0123456789' });
		assert.equal((await c.next('error')).code, 'removed');
		c.send({ type: 'join', code: 'SAFE2026', name: '机器人', employee_no: 'BOT-9999', device_key: 'device-of-bot-0123456789' });
		assert.equal((await c.next('error')).code, 'removed');
		await expectError(hostA, { type: 'rename', participant_id: pid('bot'), name: '还是机器人' }, 'not_found', 'rename a removed one');
		// removed twice (another host, on the other process): refused, nothing audited again
		const hostB = await h.host(srv.wsUrls[1], srv.organizerToken, 'SAFE2026');
		await expectError(hostB, { type: 'remove', participant_id: pid('bot') }, 'conflict', 'remove twice');
		await hostB.close();
		await expectError(hostA, { type: 'remove', participant_id: 999999 }, 'not_found', 'remove nobody');
		const removals = async () => (await srv.sql("SELECT count(*)::int AS n FROM audit.audit_log WHERE action = 'host.remove'"))[0].n;
		for (let i = 0; i < 50 && (await removals()) < 1; i++) await h.sleep(100); // the audit log is group-committed
		await h.sleep(500);
		assert.equal(await removals(), 1, 'one removal audited, not the refused ones');

		// released by the organizer: a join continues it, back on the boards
		const rel = await hostA.request({ type: 'release', employee_no: 'BOT-9999' });
		assert.equal(rel.type, 'ok', JSON.stringify(rel));
		c.send({ type: 'join', code: 'SAFE2026', name: '机器人', employee_no: 'BOT-9999', device_key: 'device-of-bot-0123456789' });
		const j = await c.next('joined');
		assert.deepEqual([j.participant_id, j.resumed], [pid('bot'), true]);
		await screenB.waitFor((m) => m.type === 'stats' && m.players === 4, 10000, 'four players again');
		P.bot = { c, joined: { ...bot.joined, token: j.token } };
	});

	test('rename: the player, the boards and PostgreSQL', async () => {
		await expectError(hostA, { type: 'rename', participant_id: pid('ln') }, 'bad_message', 'no name');
		await expectError(hostA, { type: 'rename', participant_id: pid('ln'), name: '  ' }, 'invalid_name', 'blank');
		await expectError(hostA, { type: 'rename', participant_id: pid('ln'), name: '李\u202e娜' }, 'invalid_name', 'bidi control');
		const long = '李'.repeat(64);
		const r = await hostA.request({ type: 'rename', participant_id: pid('ln'), name: ` ${long} ` });
		assert.deepEqual([r.type, r.name], ['ok', long], JSON.stringify(r));
		const told = await P.ln.c.waitFor((m) => m.type === 'renamed', 10000, 'renamed on the phone (B)');
		assert.deepEqual([told.participant_id, told.name], [pid('ln'), long]);
		const [row] = await srv.sql(`SELECT name FROM participants WHERE id = ${pid('ln')}`);
		assert.equal(row.name, long);
		await h.hostCmd(hostA, 'reveal');
		const lb = await screenB.waitFor((m) => m.type === 'leaderboard' && m.top.some((e) => e.name === long), 10000, 'the new name on B');
		assert.equal(lb.top.find((e) => e.name === long).emp_tail, '0042');
		// a later join with the employee number uses the new name
		const again = await h.connect(srv.wsUrls[0]);
		again.send({ type: 'join', code: 'SAFE2026', name: '李娜', employee_no: 'E-0042', device_key: 'device-of-ln-0123456789' });
		assert.equal((await again.next('error')).code, 'already_joined');
		await again.close();
	});

	test('players and screens may not moderate', async () => {
		for (const type of ['pause', 'resume', 'extend', 'remove', 'rename'])
			await expectError(P.zw1.c, { type, participant_id: pid('zw2'), name: 'x', ms: 5000 }, type === 'resume' ? 'already_joined' : 'forbidden', `${type} from a player`);
		await expectError(screenB, { type: 'remove', participant_id: pid('zw2') }, 'forbidden', 'remove from a screen');
		const rows = await srv.sql('SELECT count(*)::int AS n FROM participants WHERE removed');
		assert.equal(rows[0].n, 0);
	});
});
