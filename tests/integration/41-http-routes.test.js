'use strict';
// 41 the HTTP route table (docs/api.md): `skillarena routes` lists every row (method,
// pattern, access, body), and the running server answers each row as listed: no 404 or
// 405 for a listed method and path, 401 without a credential for every row that is not
// public, before any body is read; 405 with Allow for other methods; the per-address
// rate limit (--addr-http-rate, --addr-http-burst) answers 429 rate_limited with Retry-After,
// leaves other addresses, /healthz and the web pages alone.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const h = require('../lib/harness.js');
const { rawRequest } = require('../lib/rawhttp.js');

const routes = () => JSON.parse(execFileSync(h.serverBinary(), ['routes'], { encoding: 'utf8' }));
// A route that changes what it names (DELETE, and the console's POST and PUT) names
// a contest that does not exist: the admin's request must not delete or archive the
// demo contest the later tests read.
const fill = (pattern, method = 'GET') => pattern
	.replace(/\{code\}/g, method === 'GET' || pattern.startsWith('/api/contests/') ? 'SAFE2026' : 'NOSUCH99')
	.replace(/\{[a-z_0-9]+\}/g, '1');

function send(port, method, path, { token, body, ms = 3000, localAddress } = {}) {
	const b = body === undefined ? '' : body;
	return rawRequest(port, `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n` +
		(token ? `Authorization: Bearer ${token}\r\n` : '') +
		(body === undefined ? '' : `Content-Length: ${Buffer.byteLength(b)}\r\n`) + `\r\n${b}`, { ms, localAddress });
}

describe('the route table', () => {
	let srv;
	before(async () => { srv = await h.startServer(); });
	after(async () => { if (srv) await srv.stop(); });

	test('skillarena routes: one row per method and pattern, with its access and body', () => {
		const rows = routes();
		assert.ok(rows.length >= 7);
		const seen = new Set();
		for (const r of rows) {
			assert.ok(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].includes(r.method), JSON.stringify(r));
			assert.match(r.pattern, /^(\/([^/{}]+|\{[a-z0-9_]+\}))+$/);
			assert.ok(['public', 'authenticated', 'role', 'contest'].includes(r.access));
			assert.equal(r.roles.length > 0, r.access === 'role' || r.access === 'contest', JSON.stringify(r));
			assert.ok(['none', 'json', 'bytes'].includes(r.body));
			assert.equal(r.body === 'none', r.body_max === 0);
			const key = `${r.method} ${r.pattern.replace(/\{[^}]+\}/g, '{}')}`;
			assert.ok(!seen.has(key), `two rows for ${key}`);
			seen.add(key);
		}
		const upload = rows.find((r) => r.method === 'POST' && r.pattern === '/api/contests');
		assert.deepEqual([upload.access, upload.roles, upload.body, upload.body_max], ['role', ['organizer'], 'bytes', 2097152]);
		for (const p of ['/healthz', '/api/contests/{code}', '/api/contests/{code}/leaderboard', '/api/contests/{code}/units',
			'/api/contests/{code}/qr.svg', '/api/scoring/types']) {
			assert.equal(rows.find((r) => r.pattern === p && r.method === 'GET').access, 'public', p);
		}
	});

	test('every row is served as listed: found, and 401 without a credential unless public', async () => {
		for (const r of routes()) {
			const path = fill(r.pattern, r.method);
			const body = r.body === 'none' ? undefined : '{}';
			const anon = (await send(srv.port, r.method, path, { body })).responses[0];
			assert.ok(anon, `${r.method} ${path}: no answer`);
			// found: not the router's 404/405 (a handler's 404 names what it did not find: a contest, a field)
			assert.ok(![404, 405].includes(anon.status) || anon.json.error.code === 'unknown_contest' || anon.json.error.field,
				`${r.method} ${path}: ${anon.status} ${anon.body}`);
			if (r.access === 'public') {
				assert.notEqual(anon.status, 401, `${r.method} ${path}`);
				continue;
			}
			assert.equal(anon.status, 401, `${r.method} ${path} without a token: ${anon.body}`);
			assert.equal(anon.json.error.code, 'unauthenticated');
			assert.equal(anon.headers['www-authenticate'], 'Bearer');
			const wrong = (await send(srv.port, r.method, path, { body, token: 'x'.repeat(32) })).responses[0];
			assert.equal(wrong.status, 401, `${r.method} ${path} with a wrong token`);
			const admin = (await send(srv.port, r.method, path, { body, token: srv.organizerToken, ms: 15000 })).responses[0];
			assert.ok(admin && ![401, 403].includes(admin.status), `${r.method} ${path} as admin: ${admin && admin.body}`);
		}
	});

	test('access is decided before the body is read: an upload without a token is refused at once', async () => {
		const t0 = Date.now();
		// the headers announce 2 MiB; not a byte of it is sent
		const r = await rawRequest(srv.port, 'POST /api/contests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\n\r\n', { ms: 5000 });
		assert.equal(r.responses.length, 1, r.raw);
		assert.equal(r.responses[0].status, 401);
		assert.ok(r.closed, 'closed rather than reading 2 MiB it will not use');
		assert.ok(Date.now() - t0 < 4000, 'answered without waiting for the body');
		const big = await rawRequest(srv.port, `POST /api/contests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${srv.organizerToken}\r\nContent-Length: ${3 << 20}\r\n\r\n`, { ms: 5000 });
		assert.equal(big.responses[0].status, 413, 'too large, told before the body');
		assert.match(big.responses[0].json.error.message, /2097152 bytes/);
	});

	test('other methods: 405 with Allow; unknown paths: 404; codes case-insensitive', async () => {
		for (const [m, p, allow] of [['DELETE', '/api/contests/SAFE2026', 'GET'], ['HEAD', '/api/contests/SAFE2026', 'GET'],
			['OPTIONS', '/api/contests', 'POST'], ['GET', '/api/contests', 'POST'], ['PUT', '/healthz', 'GET']]) {
			const r = (await send(srv.port, m, p)).responses[0];
			assert.equal(r.status, 405, `${m} ${p}`);
			assert.equal(r.headers.allow, allow, `${m} ${p}`);
			if (m !== 'HEAD') assert.equal(r.json.error.code, 'method_not_allowed');
		}
		for (const p of ['/api/contests/SAFE2026/', '/api/contests/SAFE2026/nope', '/api', '/api/', '/healthz/x']) {
			const r = (await send(srv.port, 'GET', p)).responses[0];
			assert.equal(r.status, 404, p);
			assert.equal(r.json.error.code, 'not_found', p);
		}
		assert.equal((await send(srv.port, 'GET', '/api/contests/safe2026')).responses[0].json.code, 'SAFE2026');
	});
});

describe('rate limit per address', () => {
	let srv;
	before(async () => { srv = await h.startServer({ args: ['--addr-http-rate', '1', '--addr-http-burst', '4'] }); });
	after(async () => { if (srv) await srv.stop(); });

	test('a burst of 4, then 429 with Retry-After; other addresses, /healthz and web pages go on', async () => {
		const statuses = [];
		for (let i = 0; i < 6; i++) statuses.push((await send(srv.port, 'GET', '/api/contests/SAFE2026')).responses[0]);
		assert.deepEqual(statuses.map((r) => r.status).slice(0, 4), [200, 200, 200, 200]);
		const limited = statuses.find((r) => r.status === 429);
		assert.ok(limited, statuses.map((r) => r.status).join(' '));
		assert.equal(limited.json.error.code, 'rate_limited');
		assert.ok(Number(limited.headers['retry-after']) >= 1, limited.headers['retry-after']);
		// another address of this machine has its own budget
		const other = (await send(srv.port, 'GET', '/api/contests/SAFE2026', { localAddress: '127.0.0.2' })).responses[0];
		assert.equal(other.status, 200);
		for (let i = 0; i < 5; i++) {
			assert.equal((await send(srv.port, 'GET', '/healthz')).responses[0].status, 200, 'health checks are never limited');
			assert.equal((await send(srv.port, 'GET', '/player.html')).responses[0].status, 200, 'web pages are not limited');
		}
		await h.sleep(Number(limited.headers['retry-after']) * 1000 + 200);
		assert.equal((await send(srv.port, 'GET', '/api/contests/SAFE2026')).responses[0].status, 200, 'after Retry-After');
	});
});
