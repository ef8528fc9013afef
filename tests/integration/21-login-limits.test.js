'use strict';
// 21 login limits: failed console logins are limited per address (each
// process, --host-login-failures a minute, shared with WebSocket host logins
// and screen keys) and per account (every process and address: --login-failures
// in a row lock it for --login-lock-s); both answer 429 with Retry-After and a
// message in the page's language; a refused attempt tries no password; a good
// login resets the account's count; every failure is in the audit log with
// its reason. Addresses: 127.0.0.x (loopback), one per case.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const WebSocket = require('ws');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');

let srv;
const login = (i, username, password, from, lang) => con.request(srv.urls[i], 'POST', '/api/login', {
	body: { username, password }, localAddress: from, headers: lang ? { 'accept-language': lang } : {} });

before(async () => {
	srv = await h.startServer({ processes: 2, args: ['--host-login-failures', '4', '--login-failures', '3', '--login-lock-s', '3'] });
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	await con.userAdd(srv, 'locky', 'organizer', 'Locky-pass-1');
});
after(async () => { if (srv) await srv.stop(); });

describe('per account (every process)', () => {
	test('three failures in a row, on two processes, lock the account; it opens again after --login-lock-s', async () => {
		assert.equal((await login(0, 'locky', 'Wrong-1', '127.0.0.3')).status, 401);
		assert.equal((await login(1, 'locky', 'Wrong-2', '127.0.0.3')).status, 401);
		let r = await login(0, 'locky', 'Wrong-3', '127.0.0.3', 'en');
		assert.equal(r.status, 429, 'the third failure locks it');
		assert.match(r.json.error.message, /the account is locked, try again in 1 minute/);
		const wait = Number(r.headers['retry-after']);
		assert.ok(wait >= 1 && wait <= 3, `Retry-After ${wait}`);
		// now even the right password, from another address and process, is refused without a try
		r = await login(1, 'locky', 'Locky-pass-1', '127.0.0.6', 'zh-CN');
		assert.equal(r.status, 429);
		assert.equal(r.json.error.code, 'rate_limited');
		assert.match(r.json.error.message, /账号已暂时锁定，请 1 分钟后再试/);
		assert.ok(Number(r.headers['retry-after']) >= 1);
		const rows = await con.waitAudit(srv, "action = 'login.failed' AND target = 'locky'", 4);
		assert.deepEqual(rows.map((e) => e.detail.reason), ['wrong_password', 'wrong_password', 'wrong_password', 'locked']);
		assert.deepEqual(rows.map((e) => e.ip), ['127.0.0.3', '127.0.0.3', '127.0.0.3', '127.0.0.6']);
		assert.ok(rows.every((e) => e.account_id > 0));
		await h.sleep(wait * 1000 + 300);
		r = await login(0, 'locky', 'Locky-pass-1', '127.0.0.6');
		assert.equal(r.status, 200, r.body);
		const acc = await srv.sql("SELECT failed_logins, locked_until FROM accounts WHERE username = 'locky'");
		assert.deepEqual(acc[0], { failed_logins: 0, locked_until: null }, 'a good login resets the count');
		await con.waitAudit(srv, "action = 'login' AND actor = 'locky'");
	});

	test('after the lock ends, one more failure locks it again at once (the count was not reset)', async () => {
		for (let i = 0; i < 3; i++) await login(1, 'locky', `Wrong-${i}`, '127.0.0.7');
		await h.sleep(3300);
		let r = await login(1, 'locky', 'Wrong-again', '127.0.0.8');
		assert.equal(r.status, 429);
		r = await login(0, 'locky', 'Locky-pass-1', '127.0.0.8');
		assert.equal(r.status, 429);
		await srv.psql("UPDATE accounts SET locked_until = NULL, failed_logins = 0 WHERE username = 'locky'");
	});
});

describe('per address (each process)', () => {
	test('four failures from one address: the fifth attempt is refused before any try, the right password too; other addresses log in', async () => {
		for (let i = 0; i < 4; i++) {
			const r = await login(0, `nobody${i}`, 'Wrong-pass-1', '127.0.0.2');
			assert.equal(r.status, 401);
		}
		let r = await login(0, 'admin', 'Admin-pass-1', '127.0.0.2', 'en');
		assert.equal(r.status, 429);
		assert.equal(r.headers['retry-after'], '15', '60 s / 4 a minute');
		assert.match(r.json.error.message, /too many failed logins from this address: try again in 15 seconds/);
		r = await login(0, 'admin', 'Admin-pass-1', '127.0.0.2', 'zh-CN,zh;q=0.9');
		assert.match(r.json.error.message, /此地址登录失败次数过多，请 15 秒后再试/);
		assert.equal((await login(0, 'admin', 'Admin-pass-1', '127.0.0.4')).status, 200, 'another address');
		assert.equal((await login(1, 'admin', 'Admin-pass-1', '127.0.0.2')).status, 200, 'another process counts its own');
		const failed = await con.waitAudit(srv, "action = 'login.failed' AND ip = '127.0.0.2'", 4);
		await h.sleep(200);
		assert.equal((await con.auditRows(srv, "action = 'login.failed' AND ip = '127.0.0.2'")).length, 4,
			'refused attempts tried nothing: not failures');
		assert.ok(failed.every((e) => e.detail.reason === 'unknown_user' && e.account_id === null));
		assert.match(srv.log(0), /console login from 127\.0\.0\.2 refused: too many failed logins/);
	});

	test('failed WebSocket host logins and console logins share the address\'s count', async () => {
		const ws = new WebSocket(srv.wsUrls[0], h.SUBPROTOCOL, { localAddress: '127.0.0.5' });
		await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
		const replies = [];
		ws.on('message', (d) => replies.push(JSON.parse(d)));
		for (let i = 0; i < 4; i++) ws.send(JSON.stringify({ type: 'host', code: 'SAFE2026', token: `guess-${i}-0123456789abcdef0123`, rid: `h${i}` }));
		for (let i = 0; i < 100 && replies.filter((m) => m.rid).length < 4; i++) await h.sleep(50);
		assert.deepEqual(replies.filter((m) => m.rid).map((m) => m.code), ['forbidden', 'forbidden', 'forbidden', 'forbidden']);
		ws.close();
		const r = await login(0, 'admin', 'Admin-pass-1', '127.0.0.5');
		assert.equal(r.status, 429);
		const rows = await con.waitAudit(srv, "action = 'host.failed' AND ip = '127.0.0.5'", 4);
		assert.equal(rows[0].contest, 'SAFE2026');
		assert.equal(rows[0].detail.credential, 'token');
	});
});
