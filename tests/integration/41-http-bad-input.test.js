'use strict';
// 41 HTTP API and static files (docs/api.md): limits, bad parameters, methods, paths that
// try to leave the web directory, and the leaderboard API's limit handling with 12 players.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const h = require('../lib/harness.js');

// raw(srv, method, path): a request whose path is sent exactly as given (no normalisation).
function raw(srv, method, path, body) {
	return h.httpRequest({ host: '127.0.0.1', port: srv.port, path }, { method, body, agent: false });
}

describe('HTTP API', () => {
	let srv;
	const players = [];
	before(async () => {
		srv = await h.startServer();
		for (let i = 0; i < 12; i++) players.push((await h.join(srv.wsUrl, `HTTP${i}`)).c);
	});
	after(async () => {
		for (const c of players) await c.close();
		if (srv) await srv.stop();
	});

	test('contest API: phase, players, join_url', async () => {
		const r = await srv.get('/api/contests/SAFE2026');
		assert.equal(r.status, 200);
		assert.equal(r.json.phase, 'lobby');
		assert.equal(r.json.players, 12);
		assert.equal(r.json.question_count, 10);
		assert.match(r.json.join_url, /\/player\.html\?code=SAFE2026$/);
	});

	test('leaderboard: default limit 10, limit=1, limit=1000', async () => {
		let r = await srv.get('/api/contests/SAFE2026/leaderboard');
		assert.equal(r.status, 200);
		assert.equal(r.json.top.length, 10);
		assert.equal(r.json.players, 12);
		r = await srv.get('/api/contests/SAFE2026/leaderboard?limit=1');
		assert.equal(r.json.top.length, 1);
		r = await srv.get('/api/contests/SAFE2026/leaderboard?limit=1000');
		assert.equal(r.json.top.length, 12);
	});

	test('leaderboard: bad limit -> 400 invalid_field', async () => {
		for (const q of ['0', '1001', '-1', 'abc', '10abc', '', '1e3', '99999999999999999999']) {
			const r = await srv.get(`/api/contests/SAFE2026/leaderboard?limit=${q}`);
			assert.equal(r.status, 400, `limit=${q}: ${r.status} ${r.body}`);
			assert.equal(r.json.error.code, 'invalid_field', `limit=${q}`);
		}
	});

	test('unknown contest: 404 unknown_contest on every contest route', async () => {
		for (const p of ['/api/contests/NOPE', '/api/contests/NOPE/leaderboard', '/api/contests/NOPE/qr.svg']) {
			const r = await srv.get(p);
			assert.equal(r.status, 404, p);
			assert.equal(r.json.error.code, 'unknown_contest', p);
		}
	});

	test('scoring types', async () => {
		const r = await srv.get('/api/scoring/types');
		assert.equal(r.status, 200);
		const types = r.json.types.map((t) => t.type);
		for (const t of ['single_choice', 'multiple_choice', 'true_false']) assert.ok(types.includes(t), t);
	});

	test('static pages are served as HTML', async () => {
		for (const p of ['/player.html', '/host.html', '/screen.html']) {
			const r = await srv.get(p);
			assert.equal(r.status, 200, p);
			assert.match(r.headers['content-type'], /text\/html/);
		}
	});

	test('paths that leave the web directory are refused', async () => {
		for (const p of ['/../../../../etc/passwd', '/..%2f..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
			'/js/../../server/sql/001_init.sql', '/..\\..\\etc\\passwd', '/%00', '/%00/../../etc/passwd']) {
			const r = await raw(srv, 'GET', p);
			assert.ok(r.status !== 500, `${p}: status ${r.status}`);
			assert.ok(!/root:.*:0:0:/.test(r.body), `${p} leaked /etc/passwd`);
			assert.ok(!/CREATE TABLE/.test(r.body), `${p} leaked a file outside web/`);
		}
	});

	test('a very long URL does not hurt the server', async () => {
		// libwebsockets may refuse an oversized header by closing the connection
		const r = await raw(srv, 'GET', '/api/contests/' + 'A'.repeat(8000)).catch((e) => ({ status: 'closed', body: e.message }));
		assert.ok(r.status === 'closed' || (r.status >= 400 && r.status < 500), `status ${r.status}`);
		const ok = await srv.get('/healthz');
		assert.equal(ok.status, 200);
	});
});

// Each request below gets a server of its own: a crash must not hide the next case, and
// stop() turns a sanitizer report or a bad exit into a failure of that case.
describe('methods and bodies, one fresh server per request', () => {
	const cases = [
		['POST', '/api/contests/SAFE2026', '{}', 405],
		['POST', '/api/contests/SAFE2026', null, 405],
		['PUT', '/api/contests/SAFE2026', '{}', 405],
		['PUT', '/api/contests', '{}', 405],
		['DELETE', '/api/contests/SAFE2026', null, 405],
		['PATCH', '/api/contests/SAFE2026', '{}', 405],
		['POST', '/healthz', 'x', 405],
		['POST', '/player.html', 'x', 405],
		['POST', '/api/contests', null, '4xx'],
		['POST', '/api/contests', '', '4xx'],
		['GET', '/player.html%00.txt', null, 'any'],
	];
	for (const [m, p, body, want] of cases) {
		test(`${m} ${p} ${body === null ? 'without a body' : `with body ${JSON.stringify(body)}`} -> ${want}, server alive and clean`, async () => {
			const srv = await h.startServer();
			try {
				const r = await raw(srv, m, p, body).catch((e) => ({ status: `no response (${e.message})`, body: '' }));
				if (want === 405) {
					assert.equal(r.status, 405, `${r.status} ${r.body}`);
					assert.equal(r.json.error.code, 'method_not_allowed');
				} else if (want === '4xx') {
					assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${r.body}`);
				} else {
					// libwebsockets itself drops a request whose URI decodes to a NUL (%00) while
					// parsing headers, before the server sees it: an answer or a close, never a crash
					assert.ok(typeof r.status === 'number' || /socket hang up|ECONNRESET/.test(r.status), `${r.status}`);
				}
				const hz = await raw(srv, 'GET', '/healthz').catch((e) => ({ status: `no response (${e.message})` }));
				assert.equal(hz.status, 200, 'the server is still up');
			} finally {
				await srv.stop();
			}
		});
	}

	test('a refused request with a body does not wedge its keep-alive connection', async () => {
		const srv = await h.startServer();
		try {
			const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
			const once = (method, path, body) => new Promise((resolve, reject) => {
				const req = http.request({ host: '127.0.0.1', port: srv.port, method, path, agent, timeout: 5000 }, (res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode));
				});
				req.on('timeout', () => req.destroy(new Error('timeout')));
				req.on('error', reject);
				req.end(body);
			});
			assert.equal(await once('POST', '/healthz', 'some body'), 405);
			const next = await once('GET', '/healthz').catch((e) => `no response (${e.message})`);
			agent.destroy();
			assert.equal(next, 200, 'the next request on the same connection is answered');
		} finally {
			await srv.stop();
		}
	});
});

describe('POST /api/contests (two processes)', () => {
	let srv;
	const fs = require('node:fs');
	const path = require('node:path');
	const base = JSON.parse(fs.readFileSync(path.join(__dirname, 'data', 'short.json'), 'utf8'));
	// headersFirst: the request's head alone, then the body only if no answer came within a
	// second (an Expect: 100-continue client): the server refuses on the Content-Length, and a
	// client still writing 2 MiB when the server closes may see EPIPE before the 413.
	const post = (body, token, i = 0, headersFirst = false) => new Promise((resolve, reject) => {
		const data = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
		const headers = { 'content-type': 'application/json', 'content-length': data.length };
		if (token !== undefined) headers.authorization = `Bearer ${token}`;
		const req = http.request({ host: '127.0.0.1', port: srv.ports[i], method: 'POST', path: '/api/contests', headers, timeout: 15000, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json;
				try { json = JSON.parse(text); } catch { json = undefined; }
				resolve({ status: res.statusCode, body: text, json });
			});
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', reject);
		if (!headersFirst) return req.end(data);
		req.flushHeaders();
		const later = setTimeout(() => req.end(data), 1000);
		req.on('response', () => clearTimeout(later));
	});
	before(async () => { srv = await h.startServer({ processes: 2 }); });
	after(async () => { if (srv) await srv.stop(); });

	test('without or with a wrong token: 401 unauthenticated, nothing loaded', async () => {
		const c = { ...base, code: 'UPLOAD01' };
		for (const t of [undefined, 'wrong', '']) {
			const r = await post(c, t);
			assert.equal(r.status, 401, `token ${t}: ${r.status} ${r.body}`);
			assert.equal(r.json.error.code, 'unauthenticated');
		}
		assert.equal((await srv.get('/api/contests/UPLOAD01')).status, 404);
	});

	test('a valid contest: 201 on A, served by A and B, playable from B', async () => {
		const r = await post({ ...base, code: 'UPLOAD01' }, srv.organizerToken);
		assert.equal(r.status, 201, r.body);
		assert.equal(r.json.code, 'UPLOAD01');
		assert.equal(r.json.question_count, 3);
		let b;
		for (let i = 0; i < 50; i++) {
			b = await h.httpGet(`${srv.urls[1]}/api/contests/UPLOAD01`);
			if (b.status === 200) break;
			await h.sleep(100);
		}
		assert.equal(b.status, 200, 'process B serves the uploaded contest');
		const hostC = await h.host(srv.wsUrls[1], srv.organizerToken, 'UPLOAD01');
		const { c } = await h.join(srv.wsUrls[0], '上传者', { code: 'UPLOAD01' });
		await h.hostCmd(hostC, 'start');
		const q = await c.next('question');
		assert.equal(q.id, 's1');
		const ack = await c.request({ type: 'answer', question_id: 's1', response: 1 });
		assert.equal(ack.type, 'ack', JSON.stringify(ack));
		await c.close();
		await hostC.close();
	});

	test('the same code again: 409 conflict', async () => {
		const r = await post({ ...base, code: 'UPLOAD01' }, srv.organizerToken);
		assert.equal(r.status, 409, r.body);
		assert.equal(r.json.error.code, 'conflict');
		const r2 = await post({ ...base, code: 'SAFE2026' }, srv.organizerToken, 1);
		assert.equal(r2.status, 409, r2.body);
	});
	test('bad bodies: 400 with every problem listed', async () => {
		let r = await post('{"code":', srv.organizerToken);
		assert.equal(r.status, 400, r.body);
		r = await post('', srv.organizerToken);
		assert.equal(r.status, 400, r.body);
		r = await post({ ...base, code: 'x', questions: [{ id: 'a', type: 'single_choice', options: ['1', '2'], answer: 5 }] }, srv.organizerToken);
		assert.equal(r.status, 400, r.body);
		assert.equal(r.json.error.code, 'invalid_field');
		assert.ok(Array.isArray(r.json.error.problems) && r.json.error.problems.length >= 2, r.body);
		for (const p of r.json.error.problems) {
			assert.equal(typeof p.path, 'string');
			assert.equal(typeof p.message, 'string');
		}
	});

	test('over 2 MiB: 413 too_large', async () => {
		const big = { ...base, code: 'UPLOAD02', padding: 'x'.repeat(2 * 1024 * 1024 + 10) };
		const r = await post(big, srv.organizerToken, 0, true).catch((e) => ({ status: `no response (${e.message})` }));
		assert.equal(r.status, 413, String(r.status));
		assert.equal(r.json.error.code, 'too_large');
	});

});
