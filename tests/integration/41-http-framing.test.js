'use strict';
// 41 HTTP framing over raw sockets (docs/api.md "Requests"): a request whose length is
// ambiguous is refused with 400 and the connection closed (two different Content-Lengths,
// a list of lengths, Content-Length with Transfer-Encoding, a GET or HEAD with a body),
// never split into a second request; 414 for a long URL, 431 for large headers, with
// JSON bodies; pipelined requests answered in order; Expect: 100-continue only when the
// request is allowed; a refused body is discarded and the connection stays usable.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const { rawRequest } = require('../lib/rawhttp.js');

const smuggled = 'GET /api/contests/SAFE2026 HTTP/1.1\r\nHost: x\r\n\r\n';

describe('HTTP framing', () => {
	let srv, port;
	before(async () => {
		srv = await h.startServer();
		port = srv.port;
	});
	after(async () => { if (srv) await srv.stop(); });

	const refusals = [
		['two different Content-Lengths', `POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: ${smuggled.length + 3}\r\n\r\nabc${smuggled}`, /Content-Length/],
		['a list of two lengths', `POST /api/contests HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 40\r\n\r\nabc${smuggled}`, /Content-Length/],
		['a length that is not a number', `POST /api/contests HTTP/1.1\r\nHost: x\r\nContent-Length: 3x\r\n\r\nabc${smuggled}`, /Content-Length/],
		['Content-Length with Transfer-Encoding', `POST /api/contests HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`, /Transfer-Encoding/],
		['a GET with a body (API)', `GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`, /GET or HEAD/],
		['a GET with a body (web page)', `GET /player.html HTTP/1.1\r\nHost: x\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`, /GET or HEAD/],
		['a HEAD with a body', `HEAD /player.html HTTP/1.1\r\nHost: x\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`, /GET or HEAD/],
		['a GET with a chunked body', `GET /api/contests/SAFE2026 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${(smuggled.length).toString(16)}\r\n${smuggled}\r\n0\r\n\r\n`, /GET or HEAD/],
	];
	for (const [what, bytes, msg] of refusals) {
		test(`${what}: 400 bad_request, closed, the rest is not a second request`, async () => {
			const r = await rawRequest(port, bytes);
			assert.equal(r.responses.length, 1, r.raw);
			assert.equal(r.responses[0].status, 400, r.raw);
			if (bytes.startsWith('HEAD')) {
				assert.ok(r.raw.endsWith('\r\n\r\n'), 'the answer to a HEAD has no body');
			} else {
				assert.equal(r.responses[0].json.error.code, 'bad_request');
				assert.match(r.responses[0].json.error.message, msg);
			}
			assert.equal(r.responses[0].headers.connection, 'close');
			assert.ok(r.closed, 'the connection is closed');
		});
	}

	test('a chunked POST to a route that takes a body: 400, closed', async () => {
		const r = await rawRequest(port, `POST /api/contests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${srv.organizerToken}\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n${smuggled}`);
		assert.equal(r.responses.length, 1, r.raw);
		assert.equal(r.responses[0].status, 400);
		assert.match(r.responses[0].json.error.message, /Content-Length/);
		assert.ok(r.closed);
	});

	test('equal repeated lengths are one length: the request goes through', async () => {
		const r = await rawRequest(port, 'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab' +
			'GET /api/contests/SAFE2026 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
		assert.deepEqual(r.responses.map((x) => x.status), [405, 200], r.raw);
		assert.equal(r.responses[0].headers.allow, 'GET');
		assert.equal(r.responses[1].json.code, 'SAFE2026');
	});

	test('414 for a URL over --http-max-url (4096), as JSON; one under it is served', async () => {
		let r = await rawRequest(port, `GET /api/contests/${'A'.repeat(4100)} HTTP/1.1\r\nHost: x\r\n\r\n`);
		assert.equal(r.responses[0].status, 414, r.raw.slice(0, 300));
		assert.equal(r.responses[0].json.error.code, 'uri_too_long');
		assert.ok(r.closed);
		r = await rawRequest(port, `GET /player.html?x=${'b'.repeat(5000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
		assert.equal(r.responses[0].status, 414, 'the query counts too');
		r = await rawRequest(port, `GET /api/contests/${'A'.repeat(4000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
		assert.equal(r.responses[0].status, 404);
		assert.equal(r.responses[0].json.error.code, 'unknown_contest');
	});

	test('431 for headers over --http-max-headers (8192), as JSON; past the buffer a close; the server is fine', async () => {
		let r = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: ${'c'.repeat(9000)}\r\n\r\n`);
		assert.equal(r.responses[0].status, 431, r.raw.slice(0, 300));
		assert.equal(r.responses[0].json.error.code, 'headers_too_large');
		assert.ok(r.closed);
		r = await rawRequest(port, `GET /player.html HTTP/1.1\r\nHost: x\r\nUser-Agent: ${'u'.repeat(5000)}\r\nReferer: http://x/${'r'.repeat(4000)}\r\n\r\n`);
		assert.equal(r.responses[0].status, 431, 'the header values add up');
		r = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: ${'c'.repeat(7000)}\r\nConnection: close\r\n\r\n`);
		assert.equal(r.responses[0].status, 200, 'under the limit');
		// past lws' own buffer (the limit + 8 KiB) libwebsockets 4.1.6 closes without a reply
		r = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Junk: ${'j'.repeat(40000)}\r\n\r\n`);
		assert.ok(r.closed);
		assert.equal(r.responses.length, 0);
		assert.equal((await srv.get('/healthz')).status, 200);
	});

	test('pipelined requests are answered one at a time, in order', async () => {
		const paths = ['/api/contests/SAFE2026', '/healthz', '/api/contests/NOPE', '/api/scoring/types', '/player.html'];
		const bytes = paths.map((p, i) => `GET ${p} HTTP/1.1\r\nHost: x${i === paths.length - 1 ? '\r\nConnection: close' : ''}\r\n\r\n`).join('');
		const r = await rawRequest(port, bytes, { ms: 5000 });
		assert.deepEqual(r.responses.map((x) => x.status), [200, 200, 404, 200, 200], r.raw.slice(0, 500));
		assert.equal(r.responses[0].json.code, 'SAFE2026');
		assert.equal(r.responses[1].json.ok, true);
		assert.equal(r.responses[2].json.error.code, 'unknown_contest');
		assert.ok(Array.isArray(r.responses[3].json.types));
		assert.match(r.responses[4].headers['content-type'], /text\/html/);
	});

	test('a refused body is discarded: the next request on the connection is answered', async () => {
		const body = 'x'.repeat(100000);
		const r = await rawRequest(port, `PUT /api/contests/SAFE2026 HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
			'GET /api/contests/SAFE2026 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { ms: 5000 });
		assert.deepEqual(r.responses.map((x) => x.status), [405, 200], r.raw.slice(0, 400));
		assert.equal(r.responses[0].headers.allow, 'GET');
		assert.equal(r.responses[1].json.code, 'SAFE2026');
	});

	test('Expect: 100-continue: refused at once without the body, continued when allowed', async () => {
		const len = 3 * 1024 * 1024;
		let r = await rawRequest(port, `POST /api/contests HTTP/1.1\r\nHost: x\r\nContent-Length: ${len}\r\nExpect: 100-continue\r\n\r\n`);
		assert.equal(r.responses.length, 1, r.raw);
		assert.equal(r.responses[0].status, 401);
		assert.equal(r.responses[0].headers['www-authenticate'], 'Bearer');
		assert.ok(r.closed, 'closed: the body it announced is not waited for');
		r = await rawRequest(port, `POST /api/contests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${srv.organizerToken}\r\nContent-Length: ${len}\r\nExpect: 100-continue\r\n\r\n`);
		assert.equal(r.responses[0].status, 413, 'over 2 MiB: too large before any byte of it');
		assert.equal(r.responses[0].json.error.code, 'too_large');
		r = await rawRequest(port, `POST /api/contests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${srv.organizerToken}\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n`, { ms: 1500 });
		assert.match(r.raw, /^HTTP\/1\.1 100 Continue\r\n\r\n/, 'the body is wanted');
	});

	test('the server is still healthy and clean', async () => {
		assert.equal((await srv.get('/healthz')).status, 200);
		assert.deepEqual(srv.failures, []);
	});
});
