'use strict';
// 83 one connection per participant (docs/protocol.md, "One connection per participant"):
// a participant's newest connection wins; the replaced one gets close code 4001 with a
// reason (it used to see 1006: lws 4.1 on libuv killed the socket before the close frame,
// server/net/ws.c), on the same process for `resume` and for a second `join`, and across
// processes through the event channel. Every other member (players, screens, hosts) keeps
// getting pushes (test 81 is the regression for the member list itself).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

const ANSWERS = h.contestAnswers();

async function replacedCode(c) {
	const info = await Promise.race([c.closed, h.sleep(10000, null, { ref: false })]);
	assert.ok(info, 'the replaced connection is closed');
	return info;
}

async function expectAll(clients, pred, what) {
	for (const [who, c] of clients) await c.waitFor(pred, 10000, `${what} to ${who}`);
}

describe('on one process', () => {
	let srv, hostC, hostB, screen, other;
	const all = [];
	before(async () => {
		srv = await h.startServer();
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		hostB = await h.host(srv.wsUrl, srv.organizerToken); // two hosts: hosts are never replaced
		screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
		({ c: other } = await h.join(srv.wsUrl, '李师傅'));
	});
	after(async () => {
		for (const c of [hostC, hostB, screen, other, ...all]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	let first, second, third, joined;
	test('resume on a new connection: the old one is closed with 4001 and a reason', async () => {
		({ c: first, joined } = await h.join(srv.wsUrl, '王师傅', { employee_no: 'P-82', device_key: 'dev-82-aaaaaaaaaaaa' }));
		second = await h.connect(srv.wsUrl);
		all.push(first, second);
		second.send({ type: 'resume', token: joined.token, device_key: 'dev-82-aaaaaaaaaaaa' });
		const j = await second.next('joined');
		assert.equal(j.resumed, true);
		assert.equal(j.participant_id, joined.participant_id);
		const info = await replacedCode(first);
		assert.equal(info.code, 4001);
		assert.match(info.reason, /replaced/);
		assert.equal(second.isOpen, true);
	});

	test('a second join from the same device: the resumed connection is replaced in turn', async () => {
		third = await h.connect(srv.wsUrl);
		all.push(third);
		third.send({ type: 'join', code: 'SAFE2026', name: '王师傅', employee_no: 'P-82', device_key: 'dev-82-aaaaaaaaaaaa' });
		const j = await third.next('joined');
		assert.equal(j.participant_id, joined.participant_id);
		assert.equal(j.resumed, true);
		assert.equal((await replacedCode(second)).code, 4001);
	});

	test('every other member still gets every push; the newest connection plays', async () => {
		await h.sleep(100); // the closed sockets have left
		const members = [['the other player', other], ['the newest connection', third], ['the screen', screen],
			['host 1', hostC], ['host 2', hostB]];
		await h.hostCmd(hostC, 'start');
		await expectAll(members, (m) => m.type === 'question' && m.id === 'q1', 'q1');
		await expectAll(members, (m) => m.type === 'state' && m.phase === 'question', 'state');
		const ack = await third.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 });
		assert.equal(ack.type, 'ack', JSON.stringify(ack));
		await expectAll([['the screen', screen], ['host 2', hostB]], (m) => m.type === 'stats' && m.answered === 1, 'stats');
		await h.hostCmd(hostB, 'reveal');
		await expectAll(members, (m) => m.type === 'reveal' && m.question_id === 'q1', 'reveal');
		const stats = (await h.httpGet(`${srv.url}/api/contests/SAFE2026`)).json;
		assert.equal(stats.players, 2, 'one participant per person, however many connections');
		assert.equal(first.messages.filter((m) => m.type === 'question').length, 0, 'nothing reached the replaced one');
	});
});

describe('across two processes', () => {
	let srv, hostC, screenB;
	const all = [];
	before(async () => {
		srv = await h.startServer({ processes: 2 });
		hostC = await h.host(srv.wsUrls[0], srv.organizerToken);
		screenB = await h.connect(srv.wsUrls[1]);
		screenB.send({ type: 'watch', code: 'SAFE2026' });
		await screenB.next('watching');
	});
	after(async () => {
		for (const c of [hostC, screenB, ...all]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	test('resume on the other process closes the connection on the first (4001)', async () => {
		const { c: onA, joined } = await h.join(srv.wsUrls[0], '赵师傅', { employee_no: 'X-1', device_key: 'dev-82-bbbbbbbbbbbb' });
		const onB = await h.connect(srv.wsUrls[1]);
		all.push(onA, onB);
		onB.send({ type: 'resume', token: joined.token });
		assert.equal((await onB.next('joined')).participant_id, joined.participant_id);
		assert.equal((await replacedCode(onA)).code, 4001);

		/* and back: a join from the same device on A closes the one on B */
		const again = await h.connect(srv.wsUrls[0]);
		all.push(again);
		again.send({ type: 'join', code: 'SAFE2026', name: '赵师傅', employee_no: 'X-1', device_key: 'dev-82-bbbbbbbbbbbb' });
		assert.equal((await again.next('joined')).participant_id, joined.participant_id);
		assert.equal((await replacedCode(onB)).code, 4001);

		await h.hostCmd(hostC, 'start');
		await expectAll([['the player on A', again], ['the screen on B', screenB]],
			(m) => m.type === 'question' && m.id === 'q1', 'q1');
	});

	test('two resumes at once on both processes: exactly one connection stays', async () => {
		const { c: orig, joined } = await h.join(srv.wsUrls[1], '钱师傅');
		all.push(orig);
		const [a, b] = await Promise.all([h.connect(srv.wsUrls[0]), h.connect(srv.wsUrls[1])]);
		all.push(a, b);
		a.send({ type: 'resume', token: joined.token });
		b.send({ type: 'resume', token: joined.token });
		/* each is welcomed, or replaced by the other before its welcome (the
		   seat is taken before the rank is read): both follow the rule */
		const welcomedOrReplaced = (c) => Promise.race([c.next('joined'), c.closed]);
		await Promise.all([welcomedOrReplaced(a), welcomedOrReplaced(b)]);
		await replacedCode(orig);
		await h.sleep(1500); // both events went round
		const open = [a, b].filter((c) => c.isOpen);
		assert.equal(open.length, 1, `open: ${open.length}; closes: ${JSON.stringify([a.closeInfo, b.closeInfo])}`);
		const closed = [a, b].find((c) => !c.isOpen);
		assert.equal(closed.closeInfo.code, 4001);
	});
});
