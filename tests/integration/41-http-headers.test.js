'use strict';
// 41 HTTP security headers, the join URL and WebSocket upgrades (docs/api.md): every
// response (API, errors, web files, lws' own 404s) carries nosniff, no-referrer and a CSP
// allowing only the server's own resources, frame-ancestors 'none' unless
// --screen-frame-ancestors lets the screen page be framed; the join URL comes from
// --public-url (default http://localhost:PORT), never from the Host header, and is
// escaped in the QR code's SVG (parsed by Python's XML parser); WebSocket upgrades only
// on /ws and from allowed origins; bad HTTP options stop the server at start.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile, execFileSync } = require('node:child_process');
const WebSocket = require('ws');
const h = require('../lib/harness.js');
const { rawRequest } = require('../lib/rawhttp.js');

const CSP = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
	"base-uri 'none'", "form-action 'self'", "object-src 'none'"];

function assertSecure(r, what, { frame = "frame-ancestors 'none'", ws = /ws:\/\/localhost:\d+/ } = {}) {
	assert.equal(r.headers['x-content-type-options'], 'nosniff', what);
	assert.equal(r.headers['referrer-policy'], 'no-referrer', what);
	const csp = r.headers['content-security-policy'];
	assert.ok(csp, `${what}: no CSP`);
	for (const d of CSP) assert.ok(csp.includes(d), `${what}: CSP without ${d}: ${csp}`);
	assert.match(csp, new RegExp(`connect-src 'self' ${ws.source};`), what);
	assert.ok(!/unsafe-inline|unsafe-eval/.test(csp), what);
	if (frame) assert.ok(csp.includes(frame), `${what}: ${csp}`);
}

/* The WebSocket upgrade's outcome: 'open', or the HTTP status of the refusal. */
function upgrade(url, opts = {}) {
	return new Promise((resolve) => {
		const ws = new WebSocket(url, 'skillarena.v1', opts);
		ws.on('open', () => { ws.close(); resolve('open'); });
		ws.on('unexpected-response', (req, res) => {
			let body = '';
			res.on('data', (c) => { body += c; });
			res.on('end', () => { resolve({ status: res.statusCode, json: JSON.parse(body) }); });
		});
		ws.on('error', (e) => resolve(`error ${e.message}`));
	});
}

/* Python's XML parser reads the SVG and gives its <title>. */
function svgTitle(svg) {
	return execFileSync('/usr/bin/python3', ['-c',
		'import sys, xml.etree.ElementTree as E; t = E.fromstring(sys.stdin.read()); '
		+ 'print(t.find("{http://www.w3.org/2000/svg}title").text, end="")'], { input: svg, encoding: 'utf8' });
}

describe('security headers and the join URL (defaults)', () => {
	let srv;
	before(async () => { srv = await h.startServer(); });
	after(async () => { if (srv) await srv.stop(); });

	test('every kind of response carries the security headers', async () => {
		const r = (p, m = 'GET', body) => rawRequest(srv.port, `${m} ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${body ? `Content-Length: ${body.length}\r\n` : ''}\r\n${body || ''}`);
		const cases = [
			['/api/contests/SAFE2026', 'GET', 200], ['/api/contests/NOPE', 'GET', 404], ['/api/nothing', 'GET', 404],
			['/api/contests/SAFE2026', 'DELETE', 405], ['/api/contests', 'POST', 401, '{}'], ['/healthz', 'GET', 200],
			['/api/contests/SAFE2026/qr.svg', 'GET', 200], ['/player.html', 'GET', 200], ['/js/proto.js', 'GET', 200],
			['/css/base.css', 'GET', 200], ['/', 'GET', 200], ['/no-such-page.html', 'GET', 404],
			['/player.html', 'POST', 405, 'x'], [`/api/contests/${'A'.repeat(5000)}`, 'GET', 414],
			['/healthz', 'GET', 400, 'a body'],
		];
		for (const [p, m, status, body] of cases) {
			const res = (await r(p, m, body)).responses[0];
			const what = `${m} ${p.slice(0, 40)}`;
			assert.equal(res.status, status, what);
			assertSecure(res, what);
		}
		const etag = (await r('/player.html')).responses[0].headers.etag;
		const res = (await rawRequest(srv.port, `GET /player.html HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${etag}\r\nConnection: close\r\n\r\n`)).responses[0];
		assert.equal(res.status, 304);
		assertSecure(res, '304');
	});

	test('the join URL is http://localhost:PORT by default, whatever the Host header says', async () => {
		const r = await rawRequest(srv.port, 'GET /api/contests/SAFE2026 HTTP/1.1\r\nHost: evil.example"><script>\r\nConnection: close\r\n\r\n');
		const info = r.responses[0].json;
		assert.equal(info.join_url, `http://localhost:${srv.port}/player.html?code=SAFE2026`);
		const q = await rawRequest(srv.port, 'GET /api/contests/SAFE2026/qr.svg HTTP/1.1\r\nHost: evil.example"><script>\r\nConnection: close\r\n\r\n');
		assert.equal(q.responses[0].headers['content-type'], 'image/svg+xml');
		assert.ok(!q.raw.includes('evil'), 'the Host header reaches neither the SVG nor the headers');
		assert.equal(svgTitle(q.responses[0].body), info.join_url);
		assert.equal(q.responses[0].headers['content-disposition'], undefined);
	});

	test('?download: the QR code as a file named after the contest (RFC 5987 for the Chinese title)', async () => {
		const r = await srv.get('/api/contests/SAFE2026/qr.svg?download');
		assert.equal(r.status, 200);
		const cd = r.headers['content-disposition'];
		assert.match(cd, /^attachment; filename="[^"]*SAFE2026\.svg"; filename\*=UTF-8''/);
		assert.equal(decodeURIComponent(cd.split("UTF-8''")[1]), '安全生产知识竞赛 SAFE2026.svg');
		assert.ok(/^[\x20-\x7e]*$/.test(cd), 'the header itself is ASCII');
		assert.equal(svgTitle(r.body), `http://localhost:${srv.port}/player.html?code=SAFE2026`);
	});

	test('WebSocket: only on /ws; a foreign Origin is refused with 403, this machine\'s pages and clients without Origin connect', async () => {
		const ws = `ws://127.0.0.1:${srv.port}`;
		assert.equal(await upgrade(`${ws}/ws`), 'open', 'no Origin: the harness, the load generator');
		assert.equal(await upgrade(`${ws}/ws`, { origin: `http://127.0.0.1:${srv.port}` }), 'open');
		assert.equal(await upgrade(`${ws}/ws`, { origin: `http://localhost:${srv.port}` }), 'open');
		for (const origin of ['http://evil.example', `http://127.0.0.1:${srv.port + 1}`, `https://localhost:${srv.port}`, 'null', 'not an origin']) {
			const r = await upgrade(`${ws}/ws`, { origin });
			assert.equal(r.status, 403, origin);
			assert.equal(r.json.error.code, 'forbidden');
			assert.match(r.json.error.message, /--allowed-origins/);
		}
		for (const p of ['/', '/ws/', '/wss', '/api/contests/SAFE2026', '/player.html']) {
			const r = await upgrade(`${ws}${p}`);
			assert.equal(r.status, 404, p);
			assert.match(r.json.error.message, /\/ws/);
		}
		const r = await rawRequest(srv.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n');
		assert.equal(r.responses[0].status, 400, 'no HTTP/2 over cleartext');
		assert.match(r.responses[0].json.error.message, /h2c/);
		assert.equal((await srv.get('/healthz')).status, 200);
	});
});

describe('--public-url, --allowed-origins, --screen-frame-ancestors', () => {
	let srv;
	const pub = "http://contest.example:8080/skills/a&b'c";
	before(async () => {
		srv = await h.startServer({ args: ['--public-url', pub, '--allowed-origins', 'https://intranet.example, http://contest.example:8080',
			'--screen-frame-ancestors', 'https://intranet.example']});
	});
	after(async () => { if (srv) await srv.stop(); });

	test('the join URL is the public URL, escaped in the SVG', async () => {
		const info = (await srv.get('/api/contests/SAFE2026')).json;
		assert.equal(info.join_url, `${pub}/player.html?code=SAFE2026`);
		const svg = (await srv.get('/api/contests/SAFE2026/qr.svg')).body;
		assert.ok(svg.includes('a&amp;b&apos;c'), svg.slice(0, 300));
		assert.equal(svgTitle(svg), info.join_url);
	});

	test('the screen page may be framed by the configured site, nothing else', async () => {
		const get = async (p) => (await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).responses[0];
		const screen = await get('/screen.html');
		assertSecure(screen, 'screen', { frame: null, ws: /ws:\/\/contest\.example:8080/ });
		const csp = screen.headers['content-security-policy'];
		assert.match(csp, /connect-src 'self' ws:\/\/contest\.example:8080;/);
		assert.match(csp, /frame-ancestors https:\/\/intranet\.example$/);
		assert.ok(!csp.includes("frame-ancestors 'none'"), csp);
		for (const p of ['/player.html', '/host.html', '/api/contests/SAFE2026', '/api/nothing', '/js/screen.js']) {
			const r = await get(p);
			assert.match(r.headers['content-security-policy'], /frame-ancestors 'none'$/, p);
		}
	});

	test('origins: exactly the configured ones', async () => {
		const ws = `ws://127.0.0.1:${srv.port}/ws`;
		assert.equal(await upgrade(ws, { origin: 'https://intranet.example' }), 'open');
		assert.equal(await upgrade(ws, { origin: 'http://contest.example:8080' }), 'open');
		assert.equal((await upgrade(ws, { origin: `http://127.0.0.1:${srv.port}` })).status, 403, 'the loopback default is replaced');
		assert.equal(await upgrade(ws), 'open');
	});
});

describe('--allowed-origins *', () => {
	let srv;
	before(async () => { srv = await h.startServer({ args: ['--allowed-origins', '*'] }); });
	after(async () => { if (srv) await srv.stop(); });
	test('any origin connects', async () => {
		assert.equal(await upgrade(srv.wsUrl, { origin: 'http://anywhere.example' }), 'open');
		assert.equal(await upgrade(srv.wsUrl, { origin: 'null' }), 'open');
	});
});

test('bad HTTP options stop the server at start with the option named', async () => {
	const bin = h.serverBinary();
	const cases = [
		[['--public-url', 'http://h/<script>'], /public URL/],
		[['--public-url', 'contest.example'], /public URL/],
		[['--allowed-origins', 'http://a,ftp://b'], /allowed-origins: 'ftp:\/\/b'/],
		[['--screen-frame-ancestors', "https://a; script-src 'unsafe-inline'"], /screen-frame-ancestors/],
		[['--http-max-url', '100'], /http-max-url/],
		[['--http-max-url', '9000', '--http-max-headers', '8192'], /http-max-url/],
	];
	for (const [args, msg] of cases) {
		const r = await new Promise((resolve) => execFile(bin, ['serve', ...args], { timeout: 10000 }, (err, stdout, stderr) =>
			resolve({ code: err ? err.code : 0, stderr })));
		assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
		assert.match(r.stderr, msg);
	}
});
