'use strict';
/**
 * lrs.js - a small Learning Record Store for the tests: POST {path}/statements
 * as xAPI 1.0.3 says (docs/results.md, shared standards §1).
 *
 *   - X-Experience-API-Version must be 1.0.x (else 400), Authorization the
 *     Basic credentials given (else 401), the body a JSON array or object
 *   - every statement validated with Learning Locker's validator
 *     (@learninglocker/xapi-validation, independent of results/xapi.c) plus
 *     the checks it leaves out: an id that is a UUID, a timestamp with
 *     milliseconds and not in the future; a batch with an invalid statement
 *     is refused whole (400), as an LRS does
 *   - a statement id already stored with the same content is accepted again
 *     (stored once), with different content refused (409)
 *   - 200 with the ids in order
 *
 * startLrs({ key, secret, port, tls }) (tls: { key, cert } in PEM: HTTPS,
 * the URL naming localhost) resolves to { url, port, statements (Map id
 * -> statement), posts (every request: {status, ids}), refused, stop(),
 * restart(), reject }: a test may set reject(statement) to return a reason
 * for refusing statements it names (400, as for an invalid one).
 */
const http = require('node:http');
const https = require('node:https');
const validate = require('@learninglocker/xapi-validation').default;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function problemsOf(s) {
	const out = validate(s).map((w) => `${w.path.join('.')}: ${w.constructor.name}`);
	if (typeof s.id !== 'string' || !UUID.test(s.id)) out.push('id: not a UUID');
	if (typeof s.timestamp !== 'string' || !/\.\d{3}/.test(s.timestamp)) out.push('timestamp: no milliseconds');
	else if (Date.parse(s.timestamp) > Date.now() + 1000) out.push('timestamp: in the future');
	if (!s.actor || !s.actor.account || !s.actor.account.homePage || !s.actor.account.name) {
		out.push('actor: not an account');
	}
	return out;
}

function canonical(v) {
	if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
	if (v && typeof v === 'object') {
		return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
	}
	return JSON.stringify(v);
}

async function startLrs({ key = 'lrs-key', secret = 'lrs-secret', port = 0, path = '/xapi', tls = null } = {}) {
	const auth = 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64');
	const lrs = { statements: new Map(), posts: [], refused: [], port, server: null };

	const reply = (res, status, body) => {
		res.writeHead(status, { 'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3', Connection: 'close' });
		res.end(JSON.stringify(body));
	};
	const handle = (req, res, raw) => {
		const post = { status: 0, ids: [] };
		lrs.posts.push(post);
		const fail = (status, why) => {
			post.status = status;
			lrs.refused.push(why);
			reply(res, status, { error: why });
		};
		if (req.method !== 'POST' || req.url !== `${path}/statements`) return fail(404, `no route ${req.method} ${req.url}`);
		if (!/^1\.0\.\d+$/.test(req.headers['x-experience-api-version'] || '')) return fail(400, 'X-Experience-API-Version missing');
		if (req.headers.authorization !== auth) return fail(401, 'bad credentials');
		if (!/^application\/json/.test(req.headers['content-type'] || '')) return fail(400, 'not JSON');
		let body;
		try {
			body = JSON.parse(raw);
		} catch (e) {
			return fail(400, `bad JSON: ${e.message}`);
		}
		const list = Array.isArray(body) ? body : [body];
		for (const s of list) {
			const p = problemsOf(s);
			const why = lrs.reject && lrs.reject(s);
			if (why) p.push(why);
			if (p.length) return fail(400, `statement ${s.id}: ${p.join('; ')}`);
			const had = lrs.statements.get(s.id);
			if (had && canonical(had) !== canonical(s)) return fail(409, `statement ${s.id} differs from the stored one`);
		}
		for (const s of list) if (!lrs.statements.has(s.id)) lrs.statements.set(s.id, s);
		post.status = 200;
		post.ids = list.map((s) => s.id);
		reply(res, 200, post.ids);
	};

	lrs.start = () => new Promise((resolve, reject) => {
		const onRequest = (req, res) => {
			const chunks = [];
			req.on('data', (c) => chunks.push(c));
			req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
		};
		const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, onRequest) : http.createServer(onRequest);
		lrs.handshakes = lrs.handshakes || [];
		if (tls) server.on('tlsClientError', (e) => lrs.handshakes.push(e.message));
		server.once('error', reject);
		server.listen(lrs.port, '127.0.0.1', () => {
			lrs.port = server.address().port;
			lrs.url = tls ? `https://localhost:${lrs.port}${path}` : `http://127.0.0.1:${lrs.port}${path}`;
			lrs.server = server;
			resolve(lrs);
		});
	});
	/** stop() - the LRS goes away: connections are refused until restart(). */
	lrs.stop = () => new Promise((resolve) => {
		if (!lrs.server) return resolve();
		lrs.server.close(() => resolve());
		lrs.server.closeAllConnections();
		lrs.server = null;
	});
	lrs.restart = () => lrs.start();
	lrs.authLine = `${key}:${secret}`;
	return lrs.start();
}

module.exports = { startLrs, problemsOf };
