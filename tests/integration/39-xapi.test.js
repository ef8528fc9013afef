'use strict';
// 39 xAPI: every finished exam attempt (and an issued certificate, through
// xapi_outbox_certificate) is in xapi_outbox in the transaction of the fact,
// sent by the servers' senders to a test LRS (tests/lib/lrs.js: the version
// header, Basic credentials, statements validated by Learning Locker's
// validator) in batches, each statement id arriving exactly once, also from
// two processes; with the LRS down nothing is lost: the rows wait, backed
// off, and arrive when it is back.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../lib/harness.js');
const sp = require('../lib/selfpaced.js');
const { startLrs } = require('../lib/lrs.js');

const BANKS = ['safety'];
const bank = sp.bankQuestions(BANKS);
const LONG = '全国职工安全生产知识竞赛暨电气焊工技能比武决赛第一车间第二班组参赛选手代表张三丰'.repeat(2).slice(0, 64);

function contest(code) {
	const now = Date.now();
	return {
		code,
		title: { 'zh-CN': '安全考试（xAPI）', en: 'Safety exam (xAPI)' },
		mode: 'exam',
		window: sp.windowAround(now - 3600e3, now + 2 * 86400e3, 30),
		scoring: { points: 1, time_factor: false },
		pass_mark: 50,
		hours: 2,
		attempts: { max: 3, counts: 'best' },
		paper: { rules: [{ bank: 'safety', count: 4 }] },
	};
}

/** One attempt: start, answer (right ones first, `right` of them), submit; the attempt id. */
async function attempt(c, right) {
	const att = await sp.ok(c, { type: 'attempt_start' }, 'attempt');
	for (let i = 0; i < att.count; i++) {
		await sp.ok(c, { type: 'save', attempt_id: att.attempt_id, index: i, response: sp.keyOf(att.questions[i], bank, i >= right), change: 1 }, 'saved');
	}
	await sp.ok(c, { type: 'submit', attempt_id: att.attempt_id }, 'result');
	return att.attempt_id;
}

async function until(what, fn, ms = 30000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await h.sleep(100);
	}
}

describe('xAPI outbox and sender', () => {
	let srv, lrs, dir, workers = [];
	before(async () => {
		dir = sp.tempDir('39');
		lrs = await startLrs({ port: await h.freePort() });
		const auth = path.join(dir, 'lrs-auth');
		fs.writeFileSync(auth, lrs.authLine + '\n', { mode: 0o600 });
		const file = sp.writeContest(dir, contest('XAPI39'), BANKS);
		srv = await h.startServer({
			processes: 2, contests: [file],
			args: sp.serverArgs(sp.clockFile(dir), ['--lrs-url', lrs.url, '--lrs-auth-file', auth, '--xapi-interval-ms', '200',
				'--public-url', 'http://skills.example.cn']),
		});
		for (let i = 0; i < 6; i++) {
			const { c, joined } = await h.join(srv.wsUrls[i % 2], i === 0 ? LONG : `考生${i}`,
				{ code: 'XAPI39', employee_no: `X39${String(i).padStart(3, '0')}`, unit: '一车间' });
			await c.next('attempts');
			workers.push({ c, joined });
		}
	});
	after(async () => {
		for (const w of workers) await w.c.close();
		if (srv) await srv.stop();
		if (lrs) await lrs.stop();
	});

	const outbox = () => srv.sql('SELECT id, kind, ref, statement, sent_at, attempts, last_error FROM xapi_outbox ORDER BY id');

	test('a finished attempt is in the outbox with its statements, sent once, validated by the LRS', async () => {
		const ids = [];
		for (const [i, w] of workers.entries()) ids.push(await attempt(w.c, i % 2 ? 1 : 4));
		const rows = await until('every row sent', async () => {
			const r = await outbox();
			return r.length === ids.length && r.every((x) => x.sent_at) ? r : null;
		});
		assert.deepEqual(rows.map((r) => Number(r.ref)).sort((a, b) => a - b), [...ids].sort((a, b) => a - b));
		assert.deepEqual(lrs.refused, [], 'the LRS refused nothing');
		// completed + passed/failed per attempt (pass mark 50%: 4 right of 4 passes, 1 of 4 fails)
		assert.equal(lrs.statements.size, ids.length * 2);
		for (const r of rows) {
			assert.equal(r.statement.length, 2);
			for (const s of r.statement) assert.deepEqual(lrs.statements.get(s.id), s, 'what the LRS has is what the row holds');
			const [done, verdict] = r.statement;
			assert.equal(done.verb.id, 'http://adlnet.gov/expapi/verbs/completed');
			assert.match(done.actor.account.name, /^X39\d{3}$/);
			assert.equal(done.actor.account.homePage, 'http://skills.example.cn');
			assert.equal(done.object.id, 'http://skills.example.cn/xapi/contest/XAPI39');
			const passed = verdict.result.success;
			assert.equal(verdict.verb.id, `http://adlnet.gov/expapi/verbs/${passed ? 'passed' : 'failed'}`);
			assert.equal(verdict.result.score.max, 4);
			assert.equal(verdict.result.score.raw >= 2, passed);
		}
		const long = [...lrs.statements.values()].find((s) => s.actor.account.name === 'X39000');
		assert.equal(long.actor.name, LONG, 'a 64-character Chinese name');
		const seen = lrs.posts.filter((p) => p.status === 200).flatMap((p) => p.ids);
		assert.equal(seen.length, new Set(seen).size, 'each statement id posted exactly once');
	});

	test('LRS down: rows wait with their failures counted; back up: every statement arrives exactly once', async () => {
		const before = lrs.statements.size;
		await lrs.stop();
		const ids = [];
		for (const [i, w] of workers.entries()) ids.push(await attempt(w.c, i % 4));
		const waiting = await until('the senders to try and fail', async () => {
			const r = (await outbox()).filter((x) => ids.includes(Number(x.ref)));
			return r.length === ids.length && r.every((x) => x.attempts >= 1 && !x.sent_at && x.last_error) ? r : null;
		});
		for (const r of waiting) assert.match(r.last_error, /connect/, r.last_error);
		const due = await srv.sql("SELECT count(*)::int AS n FROM xapi_outbox WHERE sent_at IS NULL AND next_at > now()");
		assert.ok(due[0].n >= 1, 'backed off: the next try is later');
		await lrs.restart();
		const rows = await until('every row sent after the outage', async () => {
			const r = await outbox();
			return r.every((x) => x.sent_at) ? r : null;
		}, 60000);
		assert.equal(rows.length, 12);
		assert.equal(lrs.statements.size, before + ids.length * 2, 'every statement of the outage arrived');
		const seen = lrs.posts.filter((p) => p.status === 200).flatMap((p) => p.ids);
		assert.equal(seen.length, new Set(seen).size, 'and exactly once');
		assert.deepEqual(lrs.refused, []);
	});

	test('an issued certificate: xapi_outbox_certificate in its transaction, sent as earned', async () => {
		// A certificate row of migration 070 inserted with its outbox row in one transaction, as the
		// issuing job does (store/certissue.c); twice the call, one statement (test 27 issues real ones).
		const CERT = 'CERT39aaaaaaaaaaaaaaaa';
		const p = workers[0].joined.participant_id;
		await h.psql(srv.db, `BEGIN;
			INSERT INTO signing_keys (kid, alg, public_jwk) VALUES ('kid-39', 'ES256', '{"kty":"EC"}') ON CONFLICT DO NOTHING;
			INSERT INTO certificates (id, contest_id, contest_code, participant_id, revision, kind, employee_no, name,
				award, record, jws, ob3, kid)
			SELECT '${CERT}', p.contest_id, c.code, p.id, 1, 'award', p.employee_no, p.name, '一等奖',
				'{"award":"一等奖"}', 'x.y.z', 'x.y.z', 'kid-39'
			FROM participants p JOIN contests c ON c.id = p.contest_id WHERE p.id = ${p};
			SELECT xapi_outbox_certificate('${CERT}');
			SELECT xapi_outbox_certificate('${CERT}');
			COMMIT`, srv.pgPort);
		const row = await until('the certificate row sent', async () => {
			const r = (await outbox()).filter((x) => x.kind === 'certificate');
			return r.length === 1 && r[0].sent_at ? r[0] : null;
		});
		const s = lrs.statements.get(row.statement[0].id);
		assert.equal(s.verb.id, 'http://id.tincanapi.com/verb/earned');
		assert.equal(s.object.id, `http://skills.example.cn/xapi/certificate/${CERT}`);
		assert.equal(s.actor.account.name, 'X39000');
	});

	test('a participant without an employee number: the row stays, marked not sent, the rest go on', async () => {
		const { c } = await h.join(srv.wsUrls[1], '匿名考生', { code: 'XAPI39' });
		await c.next('attempts');
		const id = await attempt(c, 2);
		await c.close();
		const row = await until('the row marked', async () => {
			const r = await srv.sql(`SELECT sent_at, last_error, next_at = 'infinity' AS never FROM xapi_outbox WHERE kind = 'attempt' AND ref = '${id}'`);
			return r.length && r[0].last_error ? r[0] : null;
		});
		assert.equal(row.sent_at, null);
		assert.equal(row.never, true);
		assert.match(row.last_error, /employee number/);
	});

	test('one statement the LRS refuses: the batch goes row by row, the others arrive, it waits backed off', async () => {
		lrs.reject = (st) => (st.actor.account.name === 'X39003' && !lrs.statements.has(st.id) ? 'refused for the test' : null);
		const ids = [];
		for (const [i, w] of workers.entries()) ids.push(await attempt(w.c, i % 3));
		const bad = ids[3];
		const rows = await until('the others sent, the refused one counted', async () => {
			const r = (await outbox()).filter((x) => ids.includes(Number(x.ref)));
			const others = r.filter((x) => Number(x.ref) !== bad), it = r.find((x) => Number(x.ref) === bad);
			return r.length === ids.length && others.every((x) => x.sent_at) && it && it.attempts >= 1 ? r : null;
		});
		const it = rows.find((x) => Number(x.ref) === bad);
		assert.equal(it.sent_at, null);
		assert.match(it.last_error, /answered 400/);
		assert.ok(lrs.refused.some((r) => /refused for the test/.test(r)));
		lrs.reject = null;
		await until('the refused row sent once the LRS takes it', async () => {
			const r = await srv.sql(`SELECT sent_at FROM xapi_outbox WHERE kind = 'attempt' AND ref = '${bad}'`);
			return r[0].sent_at;
		}, 60000);
		const seen = lrs.posts.filter((p) => p.status === 200).flatMap((p) => p.ids);
		assert.equal(seen.length, new Set(seen).size, 'still each statement id once');
	});
});
