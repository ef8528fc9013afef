'use strict';
// 07 start failures: a server that cannot start says why and exits 1, with no abort and,
// under ASan, no leak. Its port taken by a running server (on every address, or --bind
// 127.0.0.1): "skillarena: cannot listen on ADDR:PORT: Address already in use" on stderr and
// in the log, and the running server goes on untouched. PostgreSQL unreachable: exit 1 with
// the reason. Redis unreachable is not a start failure (the server follows Redis when it
// comes): it starts, /healthz says redis down, and SIGTERM still stops it with status 0.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const h = require('../lib/harness.js');

// As the harness runs its servers: a leak exits 23, any report halts.
const SAN_ENV = {
	ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1:halt_on_error=1',
	UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
	LSAN_OPTIONS: 'exitcode=23',
};
const BROKEN = /AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer|Assertion|Aborted/;

// Starts `skillarena serve` as srv's processes are started, with these options instead.
function launch(srv, { port, pg = srv.conninfo, redis = `127.0.0.1:${srv.redisPort}`, extra = [] }) {
	const args = ['serve', '--port', String(port), '--pg', pg, '--redis', redis,
		'--redis-password-file', srv.redisPasswordFile, '--web', path.join(h.ROOT, 'web'),
		'--contests', h.DEMO_CONTEST, '--organizer-token-file', srv.organizerTokenFile,
		'--instance', 'start-failure', '--log-level', 'info', ...extra];
	const child = spawn(srv.bin, args, { cwd: h.ROOT, env: { ...process.env, ...SAN_ENV }, stdio: ['ignore', 'ignore', 'pipe'] });
	let stderr = '';
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (d) => { stderr += d; });
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	return { child, exited, stderr: () => stderr };
}

// Resolves to {code, signal, stderr} once it exits; kills it after ms.
async function exitOf(p, ms = 60000) {
	const t = setTimeout(() => p.child.kill('SIGKILL'), ms);
	const r = await p.exited;
	clearTimeout(t);
	return { ...r, stderr: p.stderr() };
}

describe('a server that cannot start', () => {
	let srv;
	before(async () => { srv = await h.startServer(); });
	after(async () => { if (srv) await srv.stop(); });

	test('its port is taken: a clear message, exit 1, no abort, no leak', async () => {
		const r = await exitOf(launch(srv, { port: srv.port }));
		const want = `skillarena: cannot listen on 0.0.0.0:${srv.port}: Address already in use`;
		assert.doesNotMatch(r.stderr, BROKEN, 'no abort, assertion or sanitizer report');
		assert.equal(r.signal, null, `exited by itself, not by ${r.signal}:\n${r.stderr}`);
		assert.equal(r.code, 1, r.stderr);
		assert.ok(r.stderr.split('\n').includes(want + ' (another process? --listen-share shares the port)'),
			`the message on a line of its own:\n${r.stderr}`);
		assert.match(r.stderr, new RegExp(` start-failure E cannot listen on 0\\.0\\.0\\.0:${srv.port}: Address already in use`),
			'and in the log');
		const health = await srv.get('/healthz');
		assert.equal(health.status, 200, 'the running server goes on');
	});

	test('--bind names the address it could not have', async () => {
		const r = await exitOf(launch(srv, { port: srv.port, extra: ['--bind', '127.0.0.1'] }));
		assert.doesNotMatch(r.stderr, BROKEN);
		assert.equal(r.code, 1, r.stderr);
		assert.match(r.stderr, new RegExp(`^skillarena: cannot listen on 127\\.0\\.0\\.1:${srv.port}: Address already in use`, 'm'));
	});

	test('PostgreSQL unreachable: exit 1 with the reason, no abort, no leak', async () => {
		const port = await h.freePort();
		const pg = srv.conninfo.replace(/port=\d+/, `port=${port}`) + ' connect_timeout=3';
		const r = await exitOf(launch(srv, { port: await h.freePort(), pg }));
		assert.doesNotMatch(r.stderr, BROKEN);
		assert.equal(r.signal, null, r.stderr);
		assert.equal(r.code, 1, r.stderr);
		assert.match(r.stderr, new RegExp(`port ${port} failed: Connection refused`), r.stderr);
	});

	test('Redis unreachable: it starts, /healthz says redis down, SIGTERM stops it with 0', async () => {
		const port = await h.freePort();
		const p = launch(srv, { port, redis: `127.0.0.1:${await h.freePort()}` });
		let health = null;
		for (let i = 0; i < 600 && p.child.exitCode === null; i++) {
			health = await h.httpGet(`http://127.0.0.1:${port}/healthz`, { timeout: 2000 }).catch(() => null);
			if (health) break;
			await h.sleep(100);
		}
		assert.ok(health, `it answers /healthz:\n${p.stderr()}`);
		assert.equal(health.status, 503);
		assert.ok(health.json && ['down', 'error'].includes(health.json.redis), health.body);
		p.child.kill('SIGTERM');
		const r = await exitOf(p, 20000);
		assert.doesNotMatch(r.stderr, BROKEN);
		assert.equal(r.code, 0, r.stderr);
	});
});
