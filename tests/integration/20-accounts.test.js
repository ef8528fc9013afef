'use strict';
// 20 accounts: the first admin from `skillarena user add`, console logins and
// their cookie, CSRF, idle and absolute expiry, logout and "log out
// everywhere", the admin's account routes (the last admin stays, also when two
// admins demote each other at once), a password change and reset, API tokens;
// for each route the happy path and its refusals (wrong role, no CSRF token,
// an ended session, bad input with the field it concerns).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');

const ADMIN_PW = 'Admin-pass-1';
const NAME64 = '安全生产知识竞赛组委会办公室'.repeat(5).slice(0, 64); // 64 Chinese characters

let srv, admin;

before(async () => {
	srv = await h.startServer({ args: ['--host-login-failures', '1000'] });
	await con.userAdd(srv, 'admin', 'admin', ADMIN_PW, { display: '系统管理员' });
	admin = await con.login(srv.url, 'admin', ADMIN_PW);
});
after(async () => { if (srv) await srv.stop(); });

describe('the user command', () => {
	test('user add makes the first admin; a taken name (any case), a bad role or a weak password is refused', async () => {
		const rows = await srv.sql("SELECT username, display_name, role, password_hash FROM accounts WHERE username = 'admin'");
		assert.equal(rows.length, 1);
		assert.equal(rows[0].display_name, '系统管理员');
		assert.match(rows[0].password_hash, /^\$argon2id\$v=19\$m=65536,t=3,p=1\$/);
		assert.ok(!rows[0].password_hash.includes(ADMIN_PW));
		let r = await con.userCli(srv, ['add', 'ADMIN', '--role', 'admin', '--password-stdin'], 'Other-pass-1\n');
		assert.equal(r.code, 1);
		assert.match(r.stderr, /already has the username 'ADMIN'/);
		r = await con.userCli(srv, ['add', 'x1', '--role', 'boss', '--password-stdin'], 'Other-pass-1\n');
		assert.equal(r.code, 2);
		assert.match(r.stderr, /the role must be/);
		r = await con.userCli(srv, ['add', 'x1', '--role', 'viewer', '--password-stdin'], 'short\n');
		assert.equal(r.code, 2);
		assert.match(r.stderr, /8 to 128 characters/);
		r = await con.userCli(srv, ['add', 'x1', '--role', 'viewer', '--password-stdin'], '');
		assert.equal(r.code, 2);
		assert.match(r.stderr, /no password on standard input/);
		r = await con.userCli(srv, ['add', 'x1', '--role', 'viewer']);
		assert.equal(r.code, 2, 'no terminal and no --password-stdin');
		r = await con.userCli(srv, ['list']);
		assert.equal(r.code, 0);
		assert.match(r.stdout, /^admin\s+admin\s+active\s+系统管理员$/m);
		const audit = await con.auditRows(srv, "action = 'account.create' AND target = 'admin'");
		assert.equal(audit.length, 1);
		assert.match(audit[0].actor, /^cli:/);
		assert.equal(audit[0].ip, 'local');
		assert.equal(audit[0].after.role, 'admin');
	});

	test('user passwd sets a new password and ends the sessions of the account', async () => {
		await con.userAdd(srv, 'cli-user', 'viewer', 'First-pass-1');
		const s = await con.login(srv.url, 'cli-user', 'First-pass-1');
		assert.equal((await s.get('/api/me')).status, 200);
		const r = await con.userCli(srv, ['passwd', 'cli-user', '--password-stdin'], 'Second-pass-2\n');
		assert.equal(r.code, 0, r.stderr);
		assert.equal((await s.get('/api/me')).status, 401, 'its session ended');
		await assert.rejects(con.login(srv.url, 'cli-user', 'First-pass-1'));
		await con.login(srv.url, 'cli-user', 'Second-pass-2');
		assert.equal((await con.userCli(srv, ['passwd', 'nobody', '--password-stdin'], 'Second-pass-2\n')).code, 1);
	});
});

describe('login and the session', () => {
	test('a login sets an HttpOnly, SameSite=Strict cookie and gives the CSRF token; wrong passwords and unknown names get one answer', async () => {
		const r = admin.loginResponse;
		const cookie = [].concat(r.headers['set-cookie'])[0];
		assert.match(cookie, /^sa_session=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict$/, 'no Secure over http');
		assert.match(r.json.csrf, /^[0-9a-f]{64}$/);
		assert.deepEqual(r.json.account, { id: admin.account.id, username: 'admin', display_name: '系统管理员', role: 'admin' });
		const hash = (await srv.sql('SELECT token_hash FROM sessions'))[0].token_hash;
		assert.notEqual(hash, admin.session, 'only a hash of the token is stored');
		assert.equal(hash, require('node:crypto').createHash('sha256').update(admin.session).digest('hex'));
		const wrong = await con.request(srv.url, 'POST', '/api/login', { body: { username: 'admin', password: 'Wrong-pass-1' } });
		const unknown = await con.request(srv.url, 'POST', '/api/login', { body: { username: 'nobody', password: 'Wrong-pass-1' } });
		assert.equal(wrong.status, 401);
		assert.equal(unknown.status, 401);
		assert.deepEqual(wrong.json, unknown.json);
		assert.equal(wrong.headers['set-cookie'], undefined);
		const zh = await con.request(srv.url, 'POST', '/api/login', { body: { username: 'admin', password: 'Wrong-pass-1' },
			headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
		assert.equal(zh.json.error.message, '用户名或密码错误');
		// the username is case-insensitive
		await con.login(srv.url, 'ADMIN', ADMIN_PW);
	});

	test('bad input is refused with the field it concerns', async () => {
		const cases = [
			[{ password: 'x' }, 'username'],
			[{ username: 'a b', password: 'x' }, 'username'],
			[{ username: 'admin' }, 'password'],
			[{ username: 'admin', password: '' }, 'password'],
			[{ username: 'admin', password: 7 }, 'password'],
			[{ username: 'admin', password: 'x'.repeat(1025) }, 'password'],
			[['admin'], 'username'],
		];
		for (const [body, field] of cases) {
			const r = await con.request(srv.url, 'POST', '/api/login', { body });
			assert.equal(r.status, 400, JSON.stringify(body));
			assert.equal(r.json.error.code, 'invalid_field');
			assert.equal(r.json.error.field, field, JSON.stringify(body));
		}
		const r = await con.request(srv.url, 'POST', '/api/login', { body: '{"username":' });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.code, 'bad_json');
	});

	test('a login over https (--public-url https://...) gets a Secure cookie', async () => {
		const s2 = await h.startServer({ db: srv.db, args: ['--public-url', 'https://contest.example.cn'] });
		try {
			const c = await con.login(s2.url, 'admin', ADMIN_PW);
			assert.match([].concat(c.loginResponse.headers['set-cookie'])[0], /; Secure$/);
		} finally {
			await s2.stop();
		}
	});

	test('GET /api/me for a session, an API token, the organizer token; 401 without', async () => {
		let r = await admin.get('/api/me');
		assert.equal(r.status, 200);
		assert.equal(r.json.via, 'session');
		assert.equal(r.json.csrf, admin.csrf);
		assert.deepEqual(r.json.grants, []);
		r = await con.bearer(srv.url, srv.organizerToken).get('/api/me');
		assert.equal(r.json.via, 'organizer_token');
		assert.equal(r.json.role, 'admin');
		assert.equal(r.json.account, null);
		r = await con.request(srv.url, 'GET', '/api/me');
		assert.equal(r.status, 401);
		assert.equal(r.json.error.code, 'unauthenticated');
		r = await con.request(srv.url, 'GET', '/api/me', { headers: { cookie: 'sa_session=' + '0'.repeat(64) } });
		assert.equal(r.status, 401);
		assert.match(r.json.error.message, /session has ended/);
		assert.match(srv.log(0), /organizer token was used .* deprecated/);
	});

	test('a state-changing request of a session needs its CSRF token; a bearer token needs none', async () => {
		const body = { username: 'csrf-x', role: 'viewer', password: 'Viewer-pass-1' };
		let r = await admin.post('/api/accounts', body, { withCsrf: false });
		assert.equal(r.status, 403);
		assert.equal(r.json.error.code, 'csrf_failed');
		r = await admin.post('/api/accounts', body, { withCsrf: false, headers: { 'x-csrf-token': 'f'.repeat(64) } });
		assert.equal(r.json.error.code, 'csrf_failed');
		const other = await con.login(srv.url, 'admin', ADMIN_PW); // another session's token does not do
		r = await admin.post('/api/accounts', body, { withCsrf: false, headers: { 'x-csrf-token': other.csrf } });
		assert.equal(r.json.error.code, 'csrf_failed');
		assert.equal((await srv.sql("SELECT 1 FROM accounts WHERE username = 'csrf-x'")).length, 0, 'nothing was made');
		r = await con.bearer(srv.url, srv.organizerToken).post('/api/accounts', body);
		assert.equal(r.status, 201);
		r = await admin.get('/api/accounts', { withCsrf: false });
		assert.equal(r.status, 200, 'GET needs no CSRF token');
	});

	test('a session ends after the idle time and at the absolute cap; use refreshes it', async () => {
		const s = await con.login(srv.url, 'admin', ADMIN_PW);
		const hash = require('node:crypto').createHash('sha256').update(s.session).digest('hex');
		await srv.psql(`UPDATE sessions SET last_seen_at = now() - interval '5 minutes' WHERE token_hash = '${hash}'`);
		assert.equal((await s.get('/api/me')).status, 200);
		const seen = await srv.sql(`SELECT extract(epoch FROM now() - last_seen_at) AS ago FROM sessions WHERE token_hash = '${hash}'`);
		assert.ok(seen[0].ago < 60, 'used: refreshed');
		await srv.psql(`UPDATE sessions SET last_seen_at = now() - interval '481 minutes' WHERE token_hash = '${hash}'`);
		let r = await s.get('/api/me');
		assert.equal(r.status, 401, 'idle longer than --session-idle-minutes (480)');
		assert.match(r.json.error.message, /session has ended/);
		const s2 = await con.login(srv.url, 'admin', ADMIN_PW);
		const hash2 = require('node:crypto').createHash('sha256').update(s2.session).digest('hex');
		const exp = await srv.sql(`SELECT extract(epoch FROM expires_at - created_at) AS s FROM sessions WHERE token_hash = '${hash2}'`);
		assert.equal(Math.round(exp[0].s), 7 * 86400, '--session-max-days 7');
		await srv.psql(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = '${hash2}'`);
		assert.equal((await s2.get('/api/me')).status, 401, 'past the absolute cap');
	});

	test('logout ends this session and clears the cookie; logout-all ends every session of the account', async () => {
		await admin.post('/api/accounts', { username: 'lo', role: 'viewer', password: 'Logout-pass-1' });
		const a = await con.login(srv.url, 'lo', 'Logout-pass-1');
		const b = await con.login(srv.url, 'lo', 'Logout-pass-1');
		const c = await con.login(srv.url, 'lo', 'Logout-pass-1');
		let r = await a.post('/api/logout', undefined, { withCsrf: false });
		assert.equal(r.json.error.code, 'csrf_failed');
		r = await a.post('/api/logout');
		assert.equal(r.status, 200);
		assert.match([].concat(r.headers['set-cookie'])[0], /^sa_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
		assert.equal((await a.get('/api/me')).status, 401);
		assert.equal((await b.get('/api/me')).status, 200);
		r = await b.post('/api/logout-all');
		assert.equal(r.status, 200);
		assert.equal(r.json.sessions, 2);
		assert.equal((await b.get('/api/me')).status, 401);
		assert.equal((await c.get('/api/me')).status, 401);
		r = await con.bearer(srv.url, srv.organizerToken).post('/api/logout');
		assert.equal(r.status, 409, 'a token is not a session');
		await con.waitAudit(srv, "action IN ('logout', 'logout.all') AND actor = 'lo'", 2);
	});
});

describe('accounts (admin)', () => {
	let org;
	before(async () => { org = await con.account(srv, admin, 'org-a', 'organizer'); });

	test('create, read, list; refusals name their field; a 64-character Chinese display name', async () => {
		let r = await admin.post('/api/accounts', { username: 'judge.wang', role: 'judge', password: 'Judge-pass-1', display_name: NAME64 });
		assert.equal(r.status, 201);
		assert.equal(r.json.display_name, NAME64);
		assert.equal(r.json.password_hash, undefined);
		const id = r.json.id;
		r = await admin.get(`/api/accounts/${id}`);
		assert.equal(r.json.username, 'judge.wang');
		r = await admin.get('/api/accounts');
		assert.ok(r.json.accounts.some((a) => a.username === 'judge.wang' && a.role === 'judge'));
		assert.ok(!JSON.stringify(r.json).includes('argon2'));
		const bad = [
			[{ username: 'Judge.Wang', role: 'judge', password: 'Judge-pass-1' }, 409, 'username'],
			[{ username: '王五', role: 'judge', password: 'Judge-pass-1' }, 400, 'username'],
			[{ username: 'w5', role: 'boss', password: 'Judge-pass-1' }, 400, 'role'],
			[{ username: 'w5', role: 'judge', password: 'short' }, 400, 'password'],
			[{ username: 'w5', role: 'judge', password: 'w5' + 'W5w5w5w5' }, 201, null],
			[{ username: 'w6', role: 'judge', password: 'W6-password' + '', display_name: NAME64 + '多' }, 400, 'display_name'],
			[{ username: 'w7', role: 'judge', password: 'w7' }, 400, 'password'],
			[{ username: 'w8', role: 'judge', password: 'W8-pass-word', display_name: 'a\u202eb' }, 400, 'display_name'],
		];
		for (const [body, status, field] of bad) {
			r = await admin.post('/api/accounts', body);
			assert.equal(r.status, status, JSON.stringify(body) + ' ' + r.body);
			if (field) assert.equal(r.json.error.field, field);
		}
		r = await admin.get('/api/accounts/999999');
		assert.equal(r.status, 404);
		r = await admin.get('/api/accounts/abc');
		assert.equal(r.status, 404);
		assert.equal(r.json.error.field, 'id');
	});

	test('an organizer, a judge or anonymous cannot manage accounts', async () => {
		assert.equal((await org.get('/api/accounts')).status, 403);
		assert.equal((await org.post('/api/accounts', { username: 'x9', role: 'admin', password: 'X9-pass-word' })).status, 403);
		assert.equal((await org.put(`/api/accounts/${org.id}`, { role: 'admin' })).status, 403);
		assert.equal((await con.request(srv.url, 'GET', '/api/accounts')).status, 401);
		assert.equal((await srv.sql("SELECT role FROM accounts WHERE username = 'org-a'"))[0].role, 'organizer');
	});

	test('change role and display name; disabling ends the sessions and refuses logins; unlock', async () => {
		const v = await con.account(srv, admin, 'viewer-b', 'viewer');
		let r = await admin.put(`/api/accounts/${v.id}`, { display_name: '李四', role: 'organizer' });
		assert.equal(r.status, 200);
		assert.equal(r.json.role, 'organizer');
		assert.equal((await v.get('/api/me')).json.account.role, 'organizer', 'the session sees the new role');
		r = await admin.put(`/api/accounts/${v.id}`, { disabled: true });
		assert.equal(r.json.disabled, true);
		assert.equal((await v.get('/api/me')).status, 401);
		r = await con.request(srv.url, 'POST', '/api/login', { body: { username: 'viewer-b', password: v.password } });
		assert.equal(r.status, 403);
		assert.match(r.json.error.message, /disabled/);
		await srv.psql(`UPDATE accounts SET disabled = false, locked_until = now() + interval '1 hour', failed_logins = 9 WHERE id = ${v.id}`);
		r = await con.request(srv.url, 'POST', '/api/login', { body: { username: 'viewer-b', password: v.password } });
		assert.equal(r.status, 429);
		r = await admin.put(`/api/accounts/${v.id}`, { unlock: true });
		assert.equal(r.json.failed_logins, 0);
		await con.login(srv.url, 'viewer-b', v.password);
		for (const [body, field] of [[{}, 'unlock'], [{ disabled: 'yes' }, 'disabled'], [{ role: 'root' }, 'role'], [{ display_name: 5 }, 'display_name']]) {
			r = await admin.put(`/api/accounts/${v.id}`, body);
			assert.equal(r.status, 400, JSON.stringify(body));
			assert.equal(r.json.error.field, field);
		}
		const audit = await con.waitAudit(srv, `action = 'account.update' AND target = 'viewer-b'`, 3);
		assert.equal(audit[0].before.role, 'viewer');
		assert.equal(audit[0].after.role, 'organizer');
		assert.equal(audit[0].after.display_name, '李四');
		assert.equal(audit[1].after.disabled, true);
	});

	test('the last enabled admin cannot be demoted, disabled or deleted', async () => {
		const id = admin.account.id;
		let r = await admin.put(`/api/accounts/${id}`, { role: 'organizer' });
		assert.equal(r.status, 409);
		assert.equal(r.json.error.code, 'conflict');
		assert.equal((await admin.put(`/api/accounts/${id}`, { disabled: true })).status, 409);
		r = await admin.del(`/api/accounts/${id}`);
		assert.equal(r.status, 409);
		assert.equal(r.json.error.field, 'id');
		assert.equal((await admin.put(`/api/accounts/${id}`, { display_name: '管理员' })).status, 200, 'other changes do');
		assert.equal((await srv.sql("SELECT role, disabled FROM accounts WHERE username = 'admin'"))[0].role, 'admin');
	});

	test('two admins demoting each other at the same moment: one of them stays admin', async () => {
		const two = await con.account(srv, admin, 'admin-two', 'admin');
		for (let round = 0; round < 3; round++) {
			const [a, b] = await Promise.all([
				admin.put(`/api/accounts/${two.id}`, { role: 'viewer' }),
				two.put(`/api/accounts/${admin.account.id}`, { role: 'viewer' }),
			]);
			const ok = [a, b].filter((r) => r.status === 200).length;
			const admins = await srv.sql("SELECT username FROM accounts WHERE role = 'admin' AND NOT disabled");
			assert.equal(admins.length, 1, `round ${round}: ${a.status} ${b.status}`);
			assert.equal(ok, 1);
			// back to two admins for the next round, by whichever is left
			const left = admins[0].username === 'admin' ? admin : two;
			const back = left === admin ? two : admin;
			assert.equal((await left.put(`/api/accounts/${back === admin ? admin.account.id : two.id}`, { role: 'admin' })).status, 200);
		}
		assert.equal((await admin.put(`/api/accounts/${two.id}`, { role: 'viewer' })).status, 200, 'with another admin, yes');
	});

	test('delete: gone with its sessions and tokens; contests it owned keep running; the audit keeps its trail', async () => {
		const d = await con.account(srv, admin, 'to-delete', 'organizer');
		const tok = (await d.post('/api/tokens', { name: 'script' })).json.token;
		await srv.psql(`UPDATE contests SET owner_id = ${d.id} WHERE code = 'SAFE2026'`);
		let r = await admin.del(`/api/accounts/${d.id}`);
		assert.equal(r.status, 200);
		assert.equal((await d.get('/api/me')).status, 401);
		assert.equal((await con.bearer(srv.url, tok).get('/api/me')).status, 401);
		assert.equal((await srv.sql("SELECT owner_id FROM contests WHERE code = 'SAFE2026'"))[0].owner_id, null);
		r = await admin.del(`/api/accounts/${d.id}`);
		assert.equal(r.status, 404);
		const audit = await con.waitAudit(srv, "action = 'account.delete' AND target = 'to-delete'");
		assert.equal(audit[0].before.role, 'organizer');
		assert.equal((await con.auditRows(srv, `account_id = ${d.id}`)).length > 0, true, 'its own entries stay');
	});

	test('an admin resets a password: the account\'s sessions end, the new one works, the rules hold', async () => {
		const u = await con.account(srv, admin, 'reset-me', 'judge');
		let r = await admin.post(`/api/accounts/${u.id}/password`, { password: 'reset-me' });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.field, 'password');
		r = await admin.post(`/api/accounts/${u.id}/password`, { password: 'Reset-pass-2' });
		assert.equal(r.status, 200);
		assert.equal(r.json.sessions_ended, 1);
		assert.equal((await u.get('/api/me')).status, 401);
		await con.login(srv.url, 'reset-me', 'Reset-pass-2');
		assert.equal((await admin.post('/api/accounts/999999/password', { password: 'Reset-pass-2' })).status, 404);
		const audit = await con.waitAudit(srv, "action = 'account.password' AND target = 'reset-me'");
		assert.equal(audit[0].detail.by, 'admin');
		assert.ok(!JSON.stringify(audit).includes('Reset-pass-2'), 'no password in the audit log');
	});
});

describe('one\'s own password', () => {
	test('change: the current one must be right; the other sessions end, this one stays', async () => {
		const me = await con.account(srv, admin, 'self-pw', 'viewer');
		const other = await con.login(srv.url, 'self-pw', me.password);
		let r = await me.post('/api/me/password', { current: 'Wrong-pass-9', password: 'Better-pass-2' });
		assert.equal(r.status, 403);
		assert.equal(r.json.error.field, 'current');
		r = await me.post('/api/me/password', { current: me.password, password: 'self-pw' });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.field, 'password');
		r = await me.post('/api/me/password', { current: me.password });
		assert.equal(r.json.error.field, 'password');
		r = await me.post('/api/me/password', { current: me.password, password: 'Better-pass-2' });
		assert.equal(r.status, 200);
		assert.equal(r.json.sessions_ended, 1);
		assert.equal((await me.get('/api/me')).status, 200);
		assert.equal((await other.get('/api/me')).status, 401);
		await con.login(srv.url, 'self-pw', 'Better-pass-2');
		r = await con.bearer(srv.url, srv.organizerToken).post('/api/me/password', { current: 'x', password: 'Better-pass-2' });
		assert.equal(r.status, 409, 'the organizer token has no password');
	});
});

describe('API tokens', () => {
	test('made once from a session, used as a bearer, listed without the token, revoked', async () => {
		const u = await con.account(srv, admin, 'tok-user', 'organizer');
		let r = await u.post('/api/tokens', { name: '成绩导出脚本' });
		assert.equal(r.status, 201);
		const { token, id } = r.json;
		assert.match(token, /^sa_[0-9a-f]{64}$/);
		const api = con.bearer(srv.url, token);
		r = await api.get('/api/me');
		assert.equal(r.json.via, 'api_token');
		assert.equal(r.json.account.username, 'tok-user');
		r = await api.post('/api/tokens', { name: 'more' });
		assert.equal(r.status, 403, 'a token cannot make tokens');
		r = await u.get('/api/tokens');
		assert.equal(r.json.tokens.length, 1);
		assert.equal(r.json.tokens[0].name, '成绩导出脚本');
		assert.ok(r.json.tokens[0].last_used_at, 'last use recorded');
		assert.ok(!r.body.includes(token.slice(3)), 'never shown again');
		assert.equal((await srv.sql(`SELECT token_hash FROM api_tokens WHERE id = ${id}`))[0].token_hash,
			require('node:crypto').createHash('sha256').update(token).digest('hex'));
		for (const [body, field] of [[{}, 'name'], [{ name: '' }, 'name'], [{ name: 'x'.repeat(65) }, 'name']]) {
			r = await u.post('/api/tokens', body);
			assert.equal(r.status, 400);
			assert.equal(r.json.error.field, field);
		}
		const other = await con.account(srv, admin, 'tok-other', 'organizer');
		assert.equal((await other.del(`/api/tokens/${id}`)).status, 404, 'not someone else\'s');
		assert.equal((await u.del(`/api/tokens/${id}`)).status, 200);
		assert.equal((await api.get('/api/me')).status, 401);
		assert.equal((await u.del(`/api/tokens/${id}`)).status, 404, 'revoked already');
		const t2 = (await u.post('/api/tokens', { name: 'two' })).json;
		assert.equal((await admin.del(`/api/tokens/${t2.id}`)).status, 200, 'an admin revokes anyone\'s');
		const t3 = (await u.post('/api/tokens', { name: 'three' })).json;
		await admin.put(`/api/accounts/${u.id}`, { disabled: true });
		assert.equal((await con.bearer(srv.url, t3.token).get('/api/me')).status, 401, 'a disabled account\'s token');
		const audit = await con.waitAudit(srv, "action IN ('token.create', 'token.revoke') AND actor IN ('tok-user', 'admin')", 5);
		assert.ok(!JSON.stringify(audit).includes(token.slice(3)));
	});

	test('the organizer token still works everywhere, as an admin', async () => {
		const api = con.bearer(srv.url, srv.organizerToken);
		assert.equal((await api.get('/api/accounts')).status, 200);
		assert.equal((await api.get('/api/audit')).status, 200);
	});
});
