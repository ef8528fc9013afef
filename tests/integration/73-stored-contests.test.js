'use strict';
// 73 stored contests: PostgreSQL is the truth, every process serves every stored contest.
// Two processes: a contest uploaded to one is served by both, also after both restart
// (its state, participants and answers kept; a second upload of its code is 409);
// --max-contests refuses one upload more with contest_limit; `skillarena archive` and
// `delete` stop every process serving a contest (its players, screens and hosts get an
// error and a close), a live one only with --force, also while Redis is down (the
// processes re-read PostgreSQL); archiving frees a place.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../lib/harness.js');

const post = (url, body, headers = {}) => h.httpPost(url, body, { headers });

// Polls every process' GET /api/contests/CODE until each answers `status`.
async function servedEverywhere(srv, code, status, ms = 10000) {
	const until = Date.now() + ms;
	let last;
	for (;;) {
		last = await Promise.all(srv.urls.map((u) => h.httpGet(`${u}/api/contests/${code}`)));
		if (last.every((r) => r.status === status)) return last;
		if (Date.now() > until) assert.fail(`${code}: wanted ${status} on every process, got ${last.map((r) => r.status)}`);
		await h.sleep(100);
	}
}

const demo = JSON.parse(fs.readFileSync(path.join(h.ROOT, 'contests', 'demo', 'safety.json'), 'utf8'));
const contest = (code, title) => JSON.stringify({ ...demo, code, title: { 'zh-CN': title }, questions: demo.questions.slice(0, 3) });

describe('stored contests across restarts, the limit, archive and delete', () => {
	let srv, token, hostA, screenB, player;
	const auth = () => ({ authorization: `Bearer ${srv.organizerToken}` });
	before(async () => { srv = await h.startServer({ processes: 2, args: ['--max-contests', '2'] }); });
	after(async () => {
		for (const c of [hostA, screenB, player]) if (c && c.isOpen) await c.close();
		if (srv) await srv.stop();
	});

	test('an uploaded contest is served by both processes, and still after both restart', async () => {
		const up = await post(`${srv.urls[0]}/api/contests`, contest('UPLOAD26', '上传的竞赛'), auth());
		assert.equal(up.status, 201, JSON.stringify(up.json));
		await servedEverywhere(srv, 'UPLOAD26', 200);
		const hc = await h.host(srv.wsUrls[0], srv.organizerToken, 'UPLOAD26');
		const { c, joined } = await h.join(srv.wsUrls[1], '重启前加入的工人', { code: 'UPLOAD26', employee_no: 'R1' });
		token = joined.token;
		await h.hostCmd(hc, 'start');
		const q = await c.waitFor((m) => m.type === 'question', 10000, 'question 1');
		const ack = await c.request({ type: 'answer', question_id: q.id, response: demo.questions[0].answer });
		assert.equal(ack.type, 'ack', JSON.stringify(ack));
		await c.close();
		await hc.close();

		await Promise.all([srv.terminate(0), srv.terminate(1)]);
		await srv.start(0);
		await srv.start(1);
		const infos = await servedEverywhere(srv, 'UPLOAD26', 200);
		for (const r of infos) {
			assert.equal(r.json.phase, 'question');
			assert.equal(r.json.index, 0);
			assert.equal(r.json.question_count, 3);
		}
		assert.match(srv.log(0), /contest UPLOAD26 served from postgresql: 3 questions, phase question/);

		// the participant continues on the other process, its answer known
		player = await h.connect(srv.wsUrls[0]);
		player.send({ type: 'resume', token });
		const again = await player.next('joined');
		assert.equal(again.resumed, true);
		assert.equal(again.participant_id, joined.participant_id);
		const q1 = await player.next('question');
		assert.equal(q1.id, q.id);
		assert.equal(q1.answered.points, ack.points);
		const dup = await player.request({ type: 'answer', question_id: q.id, response: demo.questions[0].answer });
		assert.equal(dup.duplicate, true);

		const twice = await post(`${srv.urls[1]}/api/contests`, contest('UPLOAD26', '再传一次'), auth());
		assert.equal(twice.status, 409);
		assert.equal(twice.json.error.code, 'conflict');
	});

	test('--max-contests: one upload more is refused with contest_limit, nothing stored', async () => {
		const r = await post(`${srv.urls[1]}/api/contests`, contest('LIMIT26', '超出上限'), auth());
		assert.equal(r.status, 409, JSON.stringify(r.json));
		assert.equal(r.json.error.code, 'contest_limit');
		assert.match(r.json.error.message, /max-contests|上限/);
		assert.deepEqual(await srv.sql("SELECT code FROM contests WHERE code = 'LIMIT26'"), []);
		await servedEverywhere(srv, 'LIMIT26', 404);
	});

	test('archive: a live contest only with --force; then no process serves it and its members are told', async () => {
		const refused = await srv.cli(['archive', 'UPLOAD26']);
		assert.equal(refused.code, 1, refused.stdout + refused.stderr);
		assert.match(refused.stderr, /UPLOAD26 is live \(phase question\).*--force/);
		assert.equal((await srv.sql("SELECT archived_at IS NULL AS served FROM contests WHERE code = 'UPLOAD26'"))[0].served, true);

		hostA = await h.host(srv.wsUrls[0], srv.organizerToken, 'UPLOAD26');
		screenB = await h.connect(srv.wsUrls[1]);
		screenB.send({ type: 'watch', code: 'UPLOAD26' });
		await screenB.next('watching');
		const ok = await srv.cli(['archive', 'UPLOAD26', '--force']);
		assert.equal(ok.code, 0, ok.stderr);
		assert.match(ok.stdout, /contest UPLOAD26 archived/);
		assert.match(ok.stdout, /told through Redis/);
		for (const c of [player, hostA, screenB]) {
			const e = await c.waitFor((m) => m.type === 'error', 10000, 'contest_removed');
			assert.equal(e.code, 'contest_removed');
			assert.equal((await c.closed).code, 4002);
		}
		await servedEverywhere(srv, 'UPLOAD26', 404);
		const rows = await srv.sql("SELECT c.archived_at IS NOT NULL AS archived, (SELECT count(*)::int FROM answers a WHERE a.contest_id = c.id) AS answers FROM contests c WHERE code = 'UPLOAD26'");
		assert.deepEqual(rows, [{ archived: true, answers: 1 }], 'archived, results kept');
		// a resume now hears that the contest is gone
		const late = await h.connect(srv.wsUrls[1]);
		late.send({ type: 'resume', token });
		assert.equal((await late.next('error')).code, 'unknown_contest');
		await late.close();
		// the place is free; the code is not
		const up = await post(`${srv.urls[1]}/api/contests`, contest('LIMIT26', '归档后上传'), auth());
		assert.equal(up.status, 201, JSON.stringify(up.json));
		await servedEverywhere(srv, 'LIMIT26', 200);
		const back = await post(`${srv.urls[0]}/api/contests`, contest('UPLOAD26', '同一代码'), auth());
		assert.equal(back.status, 409);
	});

	test('delete while Redis is down: every process notices through PostgreSQL', async () => {
		const hc = await h.host(srv.wsUrls[1], srv.organizerToken, 'LIMIT26');
		await srv.stopRedis();
		const del = await srv.cli(['delete', 'LIMIT26', '--yes']);
		assert.equal(del.code, 0, del.stderr);
		assert.match(del.stdout, /contest LIMIT26 deleted/);
		assert.match(del.stdout, /unreachable: running servers follow/);
		const e = await hc.waitFor((m) => m.type === 'error', 10000, 'contest_removed');
		assert.equal(e.code, 'contest_removed');
		assert.equal((await hc.closed).code, 4002);
		await servedEverywhere(srv, 'LIMIT26', 404);
		assert.deepEqual(await srv.sql("SELECT count(*)::int AS n FROM contests WHERE code = 'LIMIT26'"), [{ n: 0 }]);
		await srv.startRedis();
		for (const u of srv.urls) {
			let hz;
			for (let i = 0; i < 100; i++) {
				hz = await h.httpGet(`${u}/healthz`);
				if (hz.status === 200) break;
				await h.sleep(100);
			}
			assert.equal(hz.status, 200, hz.body);
		}
	});

	test('usage and unknown codes', async () => {
		const cases = [
			{ args: ['delete', 'NOPE26', '--yes'], code: 1, err: /unknown contest code 'NOPE26'/ },
			{ args: ['delete', 'SAFE2026'], code: 2, err: /--yes is needed/ },
			{ args: ['archive'], code: 2, err: /a contest code is needed/ },
			{ args: ['archive', 'a b'], code: 2, err: /not a contest code/ },
			{ args: ['archive', 'SAFE2026', '--bogus'], code: 2, err: /unexpected argument '--bogus'/ },
		];
		for (const c of cases) {
			const r = await srv.cli(c.args);
			assert.equal(r.code, c.code, `${c.args.join(' ')}: ${r.stdout}${r.stderr}`);
			assert.match(r.stderr, c.err);
		}
		await servedEverywhere(srv, 'SAFE2026', 200);
	});
});
