'use strict';
// 76 a drawn contest across two processes: a contest whose paper is drawn from a bank by
// type ratio is uploaded to process A and played on A and B. Both processes must serve the
// same paper (the process that did not receive the upload loads PostgreSQL's copy: it used
// to be the jsonb copy, whose keys PostgreSQL reorders, and the draw followed key order):
// the same question at every index on both, and a player who resumes on the other process
// has its answer accepted (it used to be `invalid_response`). Uploaded contests name their
// banks relative to --bank-dir and may not leave it.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../lib/harness.js');

const post = (url, body, headers = {}) => h.httpPost(url, body, { headers });

// A response of the right shape for any question of the bank (scored or not, never invalid).
function someResponse(q) {
	switch (q.qtype) {
	case 'single_choice': return 0;
	case 'multiple_choice': return [0];
	case 'true_false': return true;
	default: throw new Error(`the ratio draws no ${q.qtype}`);
	}
}

const sample = JSON.parse(fs.readFileSync(path.join(h.ROOT, 'contests', 'samples', 'labor-law-live.json'), 'utf8'));
// The sample names its bank relative to contests/samples/; an upload names it in --bank-dir.
const upload = { ...sample, banks: { law: 'labor-law.json' } };
const seen = (q) => JSON.stringify({ id: q.id, index: q.index, qtype: q.qtype, text: q.text, options: q.options });

describe('a contest drawn by type ratio, uploaded to one process, played on two', () => {
	let srv, hostA;
	const screens = [];
	let player, token;
	before(async () => {
		srv = await h.startServer({ processes: 2, args: ['--bank-dir', path.join(h.ROOT, 'contests', 'banks')] });
	});
	after(async () => {
		for (const c of [hostA, player, ...screens]) if (c && c.isOpen) await c.close();
		if (srv) await srv.stop();
	});

	test('uploaded to A, served by B', async () => {
		const r = await post(`${srv.urls[0]}/api/contests`, JSON.stringify(upload), { authorization: `Bearer ${srv.organizerToken}` });
		assert.equal(r.status, 201, JSON.stringify(r.json));
		assert.equal(r.json.question_count, 20);
		for (let i = 0; i < 100; i++) {
			if ((await h.httpGet(`${srv.urls[1]}/api/contests/LAW2026`)).status === 200) break;
			await h.sleep(100);
		}
		const b = await h.httpGet(`${srv.urls[1]}/api/contests/LAW2026`);
		assert.equal(b.status, 200);
		assert.equal(b.json.question_count, 20);
	});

	test('the same question at every index on both processes; answers accepted after a resume on the other', async () => {
		hostA = await h.host(srv.wsUrls[0], srv.organizerToken, 'LAW2026');
		for (const w of srv.wsUrls) {
			const s = await h.connect(w);
			s.send({ type: 'watch', code: 'LAW2026' });
			await s.next('watching');
			screens.push(s);
		}
		const j = await h.join(srv.wsUrls[1], '跨进程答题者', { code: 'LAW2026', employee_no: 'L1' });
		player = j.c;
		token = j.joined.token;
		const types = {};
		for (let i = 0; i < 20; i++) {
			await h.hostCmd(hostA, i ? 'next' : 'start');
			const qs = await Promise.all(screens.map((s) => s.waitFor((m) => m.type === 'question' && m.index === i, 10000, `question ${i}`)));
			assert.equal(seen(qs[0]), seen(qs[1]), `index ${i}: A and B show the same question`);
			types[qs[0].qtype] = (types[qs[0].qtype] || 0) + 1;
			// the player moves to the other process (A, B, A, ...) and answers there
			await player.close();
			player = await h.connect(srv.wsUrls[i % 2 ? 1 : 0]);
			player.send({ type: 'resume', token });
			assert.equal((await player.next('joined')).resumed, true);
			const q = await player.waitFor((m) => m.type === 'question' && m.index === i, 10000, `question ${i} after resume`);
			assert.equal(seen(q), seen(qs[0]));
			const ack = await player.request({ type: 'answer', question_id: q.id, response: someResponse(q) });
			assert.equal(ack.type, 'ack', `index ${i} (${q.qtype}) on process ${i % 2 ? 'B' : 'A'}: ${JSON.stringify(ack)}`);
		}
		assert.deepEqual(types, { single_choice: 10, true_false: 6, multiple_choice: 4 }, 'the ratio 5:3:2 of 20');
		assert.deepEqual(await srv.sql("SELECT count(*)::int AS n FROM answers a JOIN contests c ON c.id = a.contest_id WHERE c.code = 'LAW2026'"), [{ n: 20 }]);
	});

	test('after both processes restart, the same paper', async () => {
		const before_ = await srv.sql("SELECT idx, qid FROM questions q JOIN contests c ON c.id = q.contest_id WHERE c.code = 'LAW2026' ORDER BY idx");
		await Promise.all([srv.terminate(0), srv.terminate(1)]);
		await srv.start(0);
		await srv.start(1);
		const after_ = await srv.sql("SELECT idx, qid FROM questions q JOIN contests c ON c.id = q.contest_id WHERE c.code = 'LAW2026' ORDER BY idx");
		assert.deepEqual(after_, before_);
		for (const w of srv.wsUrls) {
			const s = await h.connect(w);
			s.send({ type: 'watch', code: 'LAW2026' });
			await s.next('watching');
			const q = await s.next('question');
			assert.equal(q.index, 19);
			assert.equal(q.id, before_[19].qid);
			await s.close();
		}
	});

	test('banks outside --bank-dir are refused with one message, whether they exist or not', async () => {
		const msgs = [];
		for (const [i, bank] of ['../samples/labor-law.csv', '../demo/safety.json', '/etc/passwd', 'no-such-bank.json', '../../../../etc/hostname'].entries()) {
			const r = await post(`${srv.urls[i % 2]}/api/contests`, JSON.stringify({ ...upload, code: `OUT${i}X26`, banks: { law: bank } }),
				{ authorization: `Bearer ${srv.organizerToken}` });
			assert.equal(r.status, 400, `${bank}: ${JSON.stringify(r.json)}`);
			const p = r.json.error.problems.find((x) => x.path === '$.banks.law');
			assert.ok(p, JSON.stringify(r.json));
			msgs.push(p.message.replace(bank, 'X'));
			assert.doesNotMatch(JSON.stringify(r.json), /root:|No such file|ENOENT/);
		}
		assert.equal(new Set(msgs).size, 1, `one message for every refused path: ${msgs.join(' | ')}`);
	});
});
