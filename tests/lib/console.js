'use strict';
/*
 * tests/lib/console.js - console accounts for tests: the first admin made by
 * the real command (`skillarena user add ... --password-stdin`), logins over
 * HTTP that keep the session cookie and the CSRF token as a browser does,
 * and API tokens.
 *
 *   const con = require('../lib/console.js');
 *   await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
 *   const admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
 *   const r = await admin.post('/api/accounts', { username: 'org', role: 'organizer', password: '...' });
 *   // r = {status, headers, body, json}
 *   const org = await con.account(srv, admin, 'org', 'organizer');   // made by the admin, logged in
 *   const [admin2, owner] = await con.staff(srv, [['owner', 'organizer']]); // the first admin and its accounts
 *   await con.crew(srv, 'SAFE2026', owner, [[viewer, 'viewer']]);   // the contest's owner and grants
 *   const api = con.bearer(srv.url, token);                          // Authorization: Bearer
 */
const { execFile } = require('node:child_process');
const http = require('node:http');
const { ROOT, serverBinary } = require('./harness.js');

const ADMIN_PASSWORD = 'Admin-pass-1'; // the first admin's, in every test that makes one with staff()

/** request(base, method, path, {body, headers, localAddress}) - one HTTP request (body: an object sent as JSON,
 * a string, or a Buffer sent as it is); resolves to {status, headers, body, raw, json}. */
function request(base, method, path, { body, headers = {}, timeout = 15000, localAddress } = {}) {
	const url = new URL(path, base);
	const data = body === undefined ? null
		: Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
	const h = { ...headers };
	if (data) {
		h['content-type'] = h['content-type'] || 'application/json';
		h['content-length'] = data.length;
	}
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers: h, timeout, localAddress }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const raw = Buffer.concat(chunks);
				const text = raw.toString('utf8');
				let json;
				try { json = JSON.parse(text); } catch { json = undefined; }
				resolve({ status: res.statusCode, headers: res.headers, body: text, raw, json });
			});
		});
		req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
		req.on('error', reject);
		if (data) req.write(data);
		req.end();
	});
}

/** The session token of a Set-Cookie header (or null). */
function sessionOf(headers) {
	for (const c of [].concat(headers['set-cookie'] || [])) {
		const m = /^sa_session=([^;]*)/.exec(c);
		if (m) return m[1];
	}
	return null;
}

/*
 * A client that sends what a browser would: the session cookie, and the
 * CSRF token on POST/PUT/PATCH/DELETE (csrf: false leaves it out).
 */
function client(base, { session = null, csrf = null, token = null, lang = null } = {}) {
	const c = {
		base, session, csrf, token, account: null,
		headers(method, extra = {}, { withCsrf = true } = {}) {
			const h = { ...extra };
			if (c.session) h.cookie = `sa_session=${c.session}`;
			if (c.token) h.authorization = `Bearer ${c.token}`;
			if (lang) h['accept-language'] = lang;
			if (withCsrf && c.csrf && method !== 'GET' && method !== 'HEAD') h['x-csrf-token'] = c.csrf;
			return h;
		},
		req(method, path, body, opts = {}) {
			return request(base, method, path, { body, headers: c.headers(method, opts.headers, opts) });
		},
		get: (p, o) => c.req('GET', p, undefined, o),
		post: (p, b, o) => c.req('POST', p, b, o),
		put: (p, b, o) => c.req('PUT', p, b, o),
		del: (p, o) => c.req('DELETE', p, undefined, o),
	};
	return c;
}

/** login(base, username, password) - POST /api/login; resolves to a client (throws unless 200). */
async function login(base, username, password, { lang } = {}) {
	const r = await request(base, 'POST', '/api/login', { body: { username, password },
		headers: lang ? { 'accept-language': lang } : {} });
	if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.body}`);
	const c = client(base, { session: sessionOf(r.headers), csrf: r.json.csrf, lang });
	c.account = r.json.account;
	c.loginResponse = r;
	return c;
}

/** bearer(base, token) - a client sending Authorization: Bearer token (no cookie, no CSRF). */
function bearer(base, token) {
	return client(base, { token });
}

/** userAdd(srv, username, role, password, {display}) - `skillarena user add` (password on stdin). */
function userAdd(srv, username, role, password, { display, bin } = {}) {
	const args = ['user', 'add', username, '--role', role, '--password-stdin', '--pg', srv.conninfo];
	if (display) args.push('--display-name', display);
	return run(bin || srv.bin || serverBinary(), args, password + '\n');
}

/** userCli(srv, args, stdin) - any `skillarena user ...`; resolves to {code, stdout, stderr}. */
function userCli(srv, args, stdin = '') {
	return run(srv.bin || serverBinary(), ['user', ...args, '--pg', srv.conninfo], stdin, false);
}

function run(bin, args, stdin, strict = true) {
	return new Promise((resolve, reject) => {
		const child = execFile(bin, args, { cwd: ROOT, encoding: 'utf8', timeout: 60000 }, (err, stdout, stderr) => {
			const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
			if (strict && code) reject(new Error(`${args.join(' ')}: exit ${code}: ${stderr}`));
			else resolve({ code, stdout, stderr });
		});
		child.stdin.end(stdin);
	});
}

/**
 * account(srv, admin, username, role, password) - an account made by the
 * admin client over the API, then logged in: resolves to its client (with .id).
 */
async function account(srv, admin, username, role, password = `${username}-Pass-123`) {
	const r = await admin.post('/api/accounts', { username, role, password, display_name: username });
	if (r.status !== 201) throw new Error(`create ${username}: ${r.status} ${r.body}`);
	const c = await login(srv.url, username, password);
	c.id = r.json.id;
	c.password = password;
	return c;
}

/**
 * staff(srv, [[username, role], ...]) - the first admin (`skillarena user add admin`, password
 * ADMIN_PASSWORD) logged in, then each account made by it and logged in: resolves to
 * [admin, ...clients] (each with .id and .password).
 */
async function staff(srv, accounts = []) {
	await userAdd(srv, 'admin', 'admin', ADMIN_PASSWORD);
	const admin = await login(srv.url, 'admin', ADMIN_PASSWORD);
	const out = [admin];
	for (const [username, role] of accounts) out.push(await account(srv, admin, username, role));
	return out;
}

/** crew(srv, code, owner, [[client, role], ...]) - contest code's owner and its grants, as rows in PostgreSQL. */
async function crew(srv, code, owner, grants = []) {
	await srv.psql(`UPDATE contests SET owner_id = ${owner.id} WHERE code = '${code}'`);
	for (const [c, role] of grants) {
		await srv.psql(`INSERT INTO contest_grants (contest_id, account_id, role) SELECT id, ${c.id}, '${role}' FROM contests WHERE code = '${code}'`);
	}
}

/** auditRows(srv, where) - audit entries as PostgreSQL holds them (as the superuser), oldest first. */
async function auditRows(srv, where = 'true') {
	return srv.sql(`SELECT id, account_id, actor, ip, action, contest_code AS contest, target, before, after, detail
		FROM audit.audit_log WHERE ${where} ORDER BY id`);
}

/** waitAudit(srv, where, n) - waits (up to 5 s) until at least n entries match (they are group-committed). */
async function waitAudit(srv, where, n = 1) {
	for (let i = 0; i < 100; i++) {
		const rows = await auditRows(srv, where);
		if (rows.length >= n) return rows;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`audit: fewer than ${n} entries where ${where}: ${JSON.stringify(await auditRows(srv))}`);
}

module.exports = {
	ADMIN_PASSWORD, request, client, login, bearer, userAdd, userCli, account, staff, crew, sessionOf, auditRows, waitAudit,
};
