'use strict';
// 87 device takeover (docs/protocol.md, `join` and `release`): an employee number and a
// name are known to colleagues, so they no longer let anyone take over a participant.
// A join with a known employee number continues the participant only from the device
// that joined it (its device key) or after the organizer's `release`; anyone else gets
// already_joined, and the participant's live connection is left alone. After a release
// the next join continues it, the old connection (on another process here) is closed
// with 4001 and the old token stops working.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

const PHONE_A = 'phone-a-0123456789abcdef';
const PHONE_B = 'phone-b-0123456789abcdef';
const ANSWERS = h.contestAnswers();

describe('who may continue a participant by join', () => {
	let srv, hostC, owner, ownerJoined;
	const all = [];
	before(async () => {
		srv = await h.startServer({ processes: 2, contests: [h.instantContest()] });
		hostC = await h.host(srv.wsUrls[0], srv.organizerToken);
		({ c: owner, joined: ownerJoined } = await h.join(srv.wsUrls[1], '刘师傅',
			{ employee_no: 'T-0086', unit: '三车间', device_key: PHONE_A }));
		all.push(owner);
	});
	after(async () => {
		for (const c of [hostC, ...all]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	test('another device with the same employee number and name: already_joined, in Chinese', async () => {
		await h.hostCmd(hostC, 'start');
		await owner.waitFor((m) => m.type === 'question', 10000, 'q1');
		assert.equal((await owner.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 })).type, 'ack');
		for (const extra of [{ device_key: PHONE_B }, {}]) {
			for (const w of srv.wsUrls) {
				const c = await h.connect(w);
				all.push(c);
				const r = await c.request({ type: 'join', code: 'SAFE2026', name: '刘师傅', employee_no: 'T-0086', ...extra });
				assert.equal(r.code, 'already_joined');
				assert.match(r.message, /主持人/, 'tells the player to ask the organizer');
			}
		}
		assert.equal(owner.isOpen, true, 'the owner keeps playing');
		assert.equal((await owner.request({ type: 'ping', t: 1 })).type, 'pong');
		const en = await h.connect(`${srv.wsUrls[0]}?lang=en`);
		all.push(en);
		const r = await en.request({ type: 'join', code: 'SAFE2026', name: '刘师傅', employee_no: 'T-0086', device_key: PHONE_B });
		assert.match(r.message, /organizer/);
	});

	test('release: only hosts; unknown participants are not_found', async () => {
		const p = await h.connect(srv.wsUrls[0]);
		all.push(p);
		assert.equal((await p.request({ type: 'release', employee_no: 'T-0086' })).code, 'forbidden');
		assert.equal((await hostC.request({ type: 'release', employee_no: 'NOBODY' })).code, 'not_found');
		assert.equal((await hostC.request({ type: 'release', participant_id: 999999 })).code, 'not_found');
		assert.equal((await hostC.request({ type: 'release' })).code, 'bad_message');
		assert.equal((await hostC.request({ type: 'release', employee_no: 'a b' })).code, 'invalid_field');
	});

	let moved, movedJoined;
	test('after the organizer releases it, the new phone continues the participant; the old one is replaced', async () => {
		const ok = await hostC.request({ type: 'release', employee_no: 'T-0086' });
		assert.equal(ok.type, 'ok', JSON.stringify(ok));
		assert.equal(ok.participant_id, ownerJoined.participant_id);
		assert.equal(ok.name, '刘师傅');
		moved = await h.connect(srv.wsUrls[0]); // the host's process; the owner is on the other
		all.push(moved);
		movedJoined = await moved.request({ type: 'join', code: 'SAFE2026', name: '刘师傅', employee_no: 'T-0086', device_key: PHONE_B });
		assert.equal(movedJoined.type, 'joined', JSON.stringify(movedJoined));
		assert.equal(movedJoined.participant_id, ownerJoined.participant_id);
		assert.equal(movedJoined.resumed, true);
		assert.ok(movedJoined.score > 0, 'the score so far comes along');
		const q = await moved.waitFor((m) => m.type === 'question', 10000, 'the open question');
		assert.ok(q.answered, 'with the earlier answer');
		const info = await Promise.race([owner.closed, h.sleep(10000, null, { ref: false })]);
		assert.ok(info, 'the old phone is closed');
		assert.equal(info.code, 4001);
	});

	test('the old phone can neither resume nor join again; the release was used up', async () => {
		const c = await h.connect(srv.wsUrls[1]);
		all.push(c);
		assert.equal((await c.request({ type: 'resume', token: ownerJoined.token, device_key: PHONE_A })).code, 'bad_token');
		const r = await c.request({ type: 'join', code: 'SAFE2026', name: '刘师傅', employee_no: 'T-0086', device_key: PHONE_A });
		assert.equal(r.code, 'already_joined');
		const rows = await srv.sql("SELECT count(*)::int AS n, bool_or(released) AS released FROM participants WHERE employee_no = 'T-0086'");
		assert.deepEqual(rows[0], { n: 1, released: false });
		assert.equal(moved.isOpen, true);
	});

	test('release by participant_id works too, and a join without a device key may then continue', async () => {
		const ok = await hostC.request({ type: 'release', participant_id: ownerJoined.participant_id });
		assert.equal(ok.type, 'ok');
		const c = await h.connect(srv.wsUrls[1]);
		all.push(c);
		const j = await c.request({ type: 'join', code: 'SAFE2026', name: '刘师傅', employee_no: 'T-0086' });
		assert.equal(j.type, 'joined', JSON.stringify(j));
		assert.equal(j.participant_id, ownerJoined.participant_id);
		assert.equal((await Promise.race([moved.closed, h.sleep(10000, null, { ref: false })])).code, 4001);
	});
});
