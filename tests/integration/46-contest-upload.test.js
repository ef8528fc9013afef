'use strict';
// 46 contest upload: POST /api/contests with the organizer token loads a contest while
// the servers run; every process serves it (announced through Redis); bad files get
// every problem with its JSON path; no token -> 401; a loaded code -> 409.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../lib/harness.js');

const post = (url, body, headers = {}) => h.httpPost(url, body, { headers });

describe('loading a contest through the API', () => {
	let srv;
	const demo = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'contests', 'demo', 'safety.json'), 'utf8'));
	const upload = { ...demo, code: 'UPLOAD26', title: { 'zh-CN': '班组安全抢答赛' }, questions: demo.questions.slice(0, 3) };
	before(async () => { srv = await h.startServer({ processes: 2 }); });
	after(async () => { if (srv) await srv.stop(); });

	test('without the organizer token -> 401 unauthenticated', async () => {
		const r = await post(`${srv.urls[0]}/api/contests`, JSON.stringify(upload));
		assert.equal(r.status, 401);
		assert.equal(r.json.error.code, 'unauthenticated');
	});

	test('a bad file -> 400 with every problem and its path, nothing loaded', async () => {
		const bad = { ...upload, code: 'bad code', questions: [{ id: 'q1', type: 'single_choice', text: '?', options: ['a'], answer: 3 }] };
		const r = await post(`${srv.urls[0]}/api/contests`, JSON.stringify(bad), { authorization: `Bearer ${srv.organizerToken}` });
		assert.equal(r.status, 400);
		assert.ok(r.json.error.problems.length >= 2, JSON.stringify(r.json));
		assert.ok(r.json.error.problems.some((p) => p.path === '$.code'));
		assert.ok(r.json.error.problems.some((p) => String(p.path).startsWith('$.questions[0]')));
	});

	test('loaded on one process, played on the other', async () => {
		const r = await post(`${srv.urls[0]}/api/contests`, JSON.stringify(upload), { authorization: `Bearer ${srv.organizerToken}` });
		assert.equal(r.status, 201, JSON.stringify(r.json));
		assert.equal(r.json.code, 'UPLOAD26');
		let info;
		for (let i = 0; i < 50; i++) {
			info = await h.httpGet(`${srv.urls[1]}/api/contests/UPLOAD26`);
			if (info.status === 200) break;
			await h.sleep(100);
		}
		assert.equal(info.status, 200, 'the other process serves it');
		assert.equal(info.json.question_count, 3);
		const hostC = await h.host(srv.wsUrls[0], srv.organizerToken, 'UPLOAD26');
		const { c: p } = await h.join(srv.wsUrls[1], '周工', { code: 'UPLOAD26' });
		await h.hostCmd(hostC, 'start');
		const q = await p.waitFor((m) => m.type === 'question', 10000, 'question of the uploaded contest');
		const ack = await p.request({ type: 'answer', question_id: q.id, response: upload.questions[0].answer });
		assert.equal(ack.type, 'ack', JSON.stringify(ack));
		assert.equal(ack.accepted, true);
		assert.equal(ack.points, undefined, 'points come at the reveal');
		const again = await post(`${srv.urls[1]}/api/contests`, JSON.stringify(upload), { authorization: `Bearer ${srv.organizerToken}` });
		assert.equal(again.status, 409);
		await p.close();
		await hostC.close();
	});
});
