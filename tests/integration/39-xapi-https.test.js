'use strict';
// 39 xAPI over https: the sender reaches an LRS behind TLS (mbedTLS in
// core/httpc.c), checking its certificate against --lrs-ca-file and its name
// against the URL's host. A certificate the CA file does not vouch for is
// refused: the rows wait with the reason in last_error, nothing is sent;
// with the right CA after a restart every statement arrives exactly once.
// A CA file that cannot be read stops the server at start with the option
// named. The certificates are made here by openssl (a self-signed one for
// localhost, and a stranger's).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const h = require('../lib/harness.js');
const sp = require('../lib/selfpaced.js');
const { startLrs } = require('../lib/lrs.js');

const BANKS = ['safety'];
const bank = sp.bankQuestions(BANKS);

function selfSigned(dir, name) {
	const key = path.join(dir, `${name}.key`), cert = path.join(dir, `${name}.pem`);
	execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
		'-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`,
		'-addext', `subjectAltName=DNS:${name}`], { stdio: 'ignore' });
	return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

function contest(code) {
	const now = Date.now();
	return {
		code,
		title: { 'zh-CN': '安全考试（xAPI https）', en: 'Safety exam (xAPI https)' },
		mode: 'exam',
		window: sp.windowAround(now - 3600e3, now + 2 * 86400e3, 30),
		scoring: { points: 1, time_factor: false },
		pass_mark: 50,
		attempts: { max: 3, counts: 'best' },
		paper: { rules: [{ bank: 'safety', count: 3 }] },
	};
}

async function attempt(c) {
	const att = await sp.ok(c, { type: 'attempt_start' }, 'attempt');
	for (let i = 0; i < att.count; i++) {
		await sp.ok(c, { type: 'save', attempt_id: att.attempt_id, index: i, response: sp.keyOf(att.questions[i], bank, false), change: 1 }, 'saved');
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

describe('xAPI over https', () => {
	let srv, lrs, dir, caFile, good, stranger, worker;
	before(async () => {
		dir = sp.tempDir('39h');
		good = selfSigned(dir, 'localhost');
		stranger = selfSigned(dir, 'lrs.stranger.example');
		lrs = await startLrs({ port: await h.freePort(), tls: good });
		const auth = path.join(dir, 'lrs-auth');
		fs.writeFileSync(auth, lrs.authLine + '\n', { mode: 0o600 });
		caFile = path.join(dir, 'ca.pem');
		fs.writeFileSync(caFile, stranger.cert); // first: a CA that does not vouch for the LRS
		const file = sp.writeContest(dir, contest('XAPIS39'), BANKS);
		srv = await h.startServer({
			contests: [file],
			args: sp.serverArgs(sp.clockFile(dir), ['--lrs-url', lrs.url, '--lrs-auth-file', auth,
				'--lrs-ca-file', caFile, '--xapi-interval-ms', '200']),
		});
		const { c } = await h.join(srv.wsUrls[0], '张伟', { code: 'XAPIS39', employee_no: 'S39001', unit: '一车间' });
		await c.next('attempts');
		worker = c;
	});
	after(async () => {
		if (worker) await worker.close();
		if (srv) await srv.stop();
		if (lrs) await lrs.stop();
	});

	const outbox = () => srv.sql('SELECT id, sent_at, attempts, last_error FROM xapi_outbox ORDER BY id');

	test('an LRS whose certificate the CA file does not vouch for: refused, the rows wait with why', async () => {
		await attempt(worker);
		const rows = await until('a failed send', async () => {
			const r = await outbox();
			return r.length && r.every((x) => x.attempts >= 1) ? r : null;
		});
		for (const r of rows) {
			assert.equal(r.sent_at, null, 'nothing sent over an unverified connection');
			assert.match(r.last_error, /TLS with localhost refused/);
		}
		assert.equal(lrs.statements.size, 0);
		assert.ok(lrs.handshakes.length >= 1, 'the handshake was broken off by the client');
	});

	test('the right CA after a restart: every statement arrives once, over TLS', async () => {
		fs.writeFileSync(caFile, good.cert);
		await srv.restart(0);
		const n = (await outbox()).length;
		await until('every row sent', async () => (await outbox()).every((r) => r.sent_at));
		assert.deepEqual(lrs.refused, []);
		assert.equal(lrs.statements.size, n * 2, 'completed and passed/failed, once each');
		const seen = lrs.posts.filter((p) => p.status === 200).flatMap((p) => p.ids);
		assert.equal(new Set(seen).size, seen.length, 'no statement sent twice');
		await worker.close(); // the restart closed it
		const { c } = await h.join(srv.wsUrls[0], '李娜', { code: 'XAPIS39', employee_no: 'S39002', unit: '二车间' });
		await c.next('attempts');
		worker = c;
		await attempt(worker);
		await until('the second attempt sent', async () => (await outbox()).every((r) => r.sent_at) && lrs.statements.size === (n + 1) * 2);
	});

	test('a CA file that cannot be read stops the server at start, the option named', async () => {
		const r = await srv.cli(['serve', '--port', String(await h.freePort()), '--lrs-url', lrs.url,
			'--lrs-ca-file', path.join(dir, 'missing.pem')], { timeout: 30000 });
		assert.notEqual(r.code, 0);
		assert.match(r.stdout + r.stderr, /lrs-ca-file.*missing\.pem/);
	});
});
