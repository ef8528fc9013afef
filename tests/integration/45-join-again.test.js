'use strict';
// 45 join again: the same employee number and name on a new connection of the same device
// (a lost `joined`: the page keeps its device key) continues the same participant with a new
// token; the old token stops working; another name with that employee number is refused
// (other devices: 87-device-takeover).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

const DEVICE = 'dev-45-0123456789abcdef';

describe('joining again with the same employee number', () => {
	let srv, hostC, first, firstJoined;
	before(async () => {
		srv = await h.startServer({ contests: [h.instantContest()] });
		hostC = await h.host(srv.wsUrl, srv.organizerToken);
		({ c: first, joined: firstJoined } = await h.join(srv.wsUrl, '孙师傅', { employee_no: 'W0042', unit: '装配车间', device_key: DEVICE }));
	});
	after(async () => {
		for (const c of [hostC, first]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	test('answers count for the participant across the two joins', async () => {
		await h.hostCmd(hostC, 'start');
		const q = await first.waitFor((m) => m.type === 'question' && m.id === 'q1', 10000, 'q1');
		const ack = await first.request({ type: 'answer', question_id: q.id, response: 0 });
		assert.equal(ack.type, 'ack', JSON.stringify(ack));
		assert.ok(ack.points > 0);
		await first.close();

		const again = await h.connect(srv.wsUrl);
		again.send({ type: 'join', code: 'SAFE2026', name: '孙师傅', employee_no: 'W0042', unit: '别的车间', device_key: DEVICE });
		const j = await again.waitFor((m) => m.type === 'joined' || m.type === 'error', 10000, 'joined');
		assert.equal(j.type, 'joined', JSON.stringify(j));
		assert.equal(j.resumed, true);
		assert.equal(j.participant_id, firstJoined.participant_id);
		assert.notEqual(j.token, firstJoined.token, 'a new token');
		assert.equal(j.score, ack.score);
		assert.equal(j.unit, '装配车间', 'the stored unit is kept');
		const qq = await again.waitFor((m) => m.type === 'question', 10000, 'question after joining again');
		assert.equal(qq.answered && qq.answered.points, ack.points, 'the earlier answer is shown');
		const dup = await again.request({ type: 'answer', question_id: 'q1', response: 0 });
		assert.equal(dup.type, 'ack');
		assert.equal(dup.duplicate, true);

		const old = await h.connect(srv.wsUrl);
		old.send({ type: 'resume', token: firstJoined.token });
		const e = await old.next('error');
		assert.equal(e.code, 'bad_token', 'the old token no longer resumes');
		await old.close();

		const other = await h.connect(srv.wsUrl);
		other.send({ type: 'join', code: 'SAFE2026', name: '冒名顶替', employee_no: 'W0042', device_key: DEVICE });
		const e2 = await other.next('error');
		assert.equal(e2.code, 'already_joined');
		await other.close();
		await again.close();

		const rows = await srv.sql("SELECT count(*)::int AS n FROM participants WHERE employee_no = 'W0042'");
		assert.equal(rows[0].n, 1);
	});
});
