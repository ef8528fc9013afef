'use strict';
// 22 audit log: append-only for the server's PostgreSQL role after the
// administrator step (UPDATE, DELETE, TRUNCATE, DROP, ALTER and a chosen time
// refused; INSERT and SELECT allowed), the start-up check that logs an error
// while the step was not run, host commands audited with what they changed,
// GET /api/audit with its filters and paging (bad ones refused with the
// parameter), and GET /api/audit.csv read back by Python's csv module (UTF-8
// with a BOM, Chinese kept).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const path = require('node:path');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');

const PSQL = path.join(process.env.PGBIN || '/usr/lib/postgresql/15/bin', 'psql');
let srv, admin;

// SQL as the server's own role (its passfile): {code, out, err}.
function asServer(sql) {
	return new Promise((resolve) => {
		execFile(PSQL, ['-X', '-w', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(srv.pgPort),
			'-U', 'skillarena', '-d', srv.db, '-c', sql],
		{ encoding: 'utf8', env: { ...process.env, PGPASSFILE: h.pgPassfile(srv.pgPort, 'skillarena') } },
		(err, out, errText) => resolve({ code: err ? err.code : 0, out: out.trim(), err: errText }));
	});
}

before(async () => {
	srv = await h.startServer();
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
});
after(async () => { if (srv) await srv.stop(); });

describe('append-only for the server', () => {
	test('the server\'s role may INSERT and SELECT, nothing else, and cannot choose the time', async () => {
		let r = await asServer("INSERT INTO audit.audit_log (actor, action) VALUES ('t', 'test.insert') RETURNING id");
		assert.equal(r.code, 0, r.err);
		const id = Number(r.out);
		assert.equal((await asServer(`SELECT action FROM audit.audit_log WHERE id = ${id}`)).out, 'test.insert');
		const refused = [
			`UPDATE audit.audit_log SET actor = 'x' WHERE id = ${id}`,
			`DELETE FROM audit.audit_log WHERE id = ${id}`,
			'TRUNCATE audit.audit_log',
			'DROP TABLE audit.audit_log',
			'DROP SCHEMA audit CASCADE',
			'ALTER TABLE audit.audit_log DISABLE TRIGGER ALL',
			'ALTER TABLE audit.audit_log RENAME TO old_log',
			"INSERT INTO audit.audit_log (at, actor, action) VALUES ('2001-01-01', 't', 'backdated')",
			"INSERT INTO audit.audit_log (id, actor, action) OVERRIDING SYSTEM VALUE VALUES (1, 't', 'id')",
		];
		for (const sql of refused) {
			r = await asServer(sql);
			assert.notEqual(r.code, 0, `allowed: ${sql}`);
			assert.match(r.err, /permission denied|must be owner/, sql);
		}
		// a GRANT by a role without the grant option is a warning that grants nothing
		r = await asServer('GRANT UPDATE, DELETE ON audit.audit_log TO skillarena');
		assert.match(r.err, /no privileges were granted/);
		assert.notEqual((await asServer(`DELETE FROM audit.audit_log WHERE id = ${id}`)).code, 0);
		assert.equal((await asServer(`SELECT count(*) FROM audit.audit_log WHERE id = ${id} AND actor = 't'`)).out, '1');
		const owner = await srv.sql("SELECT tableowner FROM pg_tables WHERE schemaname = 'audit' AND tablename = 'audit_log'");
		assert.equal(owner[0].tableowner, 'skillarena_audit');
		const login = await srv.sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'skillarena_audit'");
		assert.equal(login[0].rolcanlogin, false);
		assert.doesNotMatch(srv.log(0), /audit log: this server's PostgreSQL role/);
	});

	test('without the administrator step the server starts and logs an error; after it, no more', async () => {
		const s2 = await h.startServer({ auditOwner: false });
		try {
			assert.match(s2.log(0), / E audit log: this server's PostgreSQL role skillarena could change or remove audit\.audit_log .*server\/sql\/admin\/audit-owner\.sql/);
			await h.auditOwner(s2.db, s2.pgPort);
			const seen = s2.log(0).length;
			await s2.restart(0);
			assert.match(s2.log(0).slice(seen), /listening on port/);
			assert.doesNotMatch(s2.log(0).slice(seen), /could change or remove/);
		} finally {
			await s2.stop();
		}
	});
});

describe('what is written, and reading it', () => {
	test('a host with a session: its login and each command, with the phase before and after', async () => {
		await srv.psql(`UPDATE contests SET owner_id = ${admin.account.id} WHERE code = 'SAFE2026'`);
		// the browser sends the cookie with the upgrade; here by hand
		const WebSocket = require('ws');
		const ws = new WebSocket(srv.wsUrl, h.SUBPROTOCOL, { headers: { cookie: `sa_session=${admin.session}` } });
		await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
		const got = [];
		ws.on('message', (d) => got.push(JSON.parse(d)));
		const reply = async (rid) => {
			for (let i = 0; i < 200; i++) {
				const m = got.find((x) => x.rid === rid);
				if (m) return m;
				await h.sleep(25);
			}
			throw new Error(`no reply ${rid}: ${JSON.stringify(got)}`);
		};
		ws.send(JSON.stringify({ type: 'host', code: 'SAFE2026', rid: 'h' }));
		assert.equal((await reply('h')).type, 'host_ok');
		for (const cmd of ['start', 'reveal', 'next', 'end']) {
			ws.send(JSON.stringify({ type: cmd, rid: cmd }));
			assert.equal((await reply(cmd)).type, 'ok', cmd);
		}
		ws.close();
		const rows = await con.waitAudit(srv, "action LIKE 'host.%' AND contest_code = 'SAFE2026' AND actor = 'admin'", 5);
		assert.deepEqual(rows.map((e) => e.action), ['host.login', 'host.start', 'host.reveal', 'host.next', 'host.end']);
		assert.deepEqual(rows[1].before, { phase: 'lobby', index: -1 });
		assert.deepEqual(rows[1].after, { phase: 'question', index: 0 });
		assert.deepEqual(rows[3].before, { phase: 'reveal', index: 0 });
		assert.deepEqual(rows[3].after, { phase: 'question', index: 1 });
		assert.equal(rows[4].after.phase, 'finished');
		assert.ok(rows.every((e) => e.ip === '127.0.0.1' && e.account_id === admin.account.id));
		const ids = await srv.sql("SELECT contest_id FROM audit.audit_log WHERE action = 'host.start'");
		assert.ok(ids[0].contest_id > 0, 'the contest id too');
	});

	test('GET /api/audit: filters, paging, newest first; bad filters name their parameter', async () => {
		await admin.post('/api/accounts', { username: 'auditee', role: 'viewer', password: 'Auditee-pass-1', display_name: '审计对象' });
		await con.request(srv.url, 'POST', '/api/login', { body: { username: 'auditee', password: 'nope-nope-1' } });
		await con.waitAudit(srv, "action = 'login.failed' AND target = 'auditee'");
		let r = await admin.get('/api/audit?per_page=2');
		assert.equal(r.status, 200);
		assert.equal(r.json.entries.length, 2);
		assert.ok(r.json.total >= 8);
		assert.equal(r.json.page, 1);
		assert.ok(r.json.entries[0].id > r.json.entries[1].id, 'newest first');
		const p2 = await admin.get('/api/audit?per_page=2&page=2');
		assert.ok(p2.json.entries[0].id < r.json.entries[1].id);
		r = await admin.get('/api/audit?action=account.');
		assert.ok(r.json.entries.length >= 1 && r.json.entries.every((e) => e.action.startsWith('account.')));
		r = await admin.get('/api/audit?action=login.failed');
		assert.deepEqual(r.json.entries.map((e) => [e.target, e.detail.reason]), [['auditee', 'wrong_password']]);
		r = await admin.get('/api/audit?contest=safe2026');
		assert.ok(r.json.entries.length >= 5 && r.json.entries.every((e) => e.contest === 'SAFE2026'));
		r = await admin.get(`/api/audit?account=${admin.account.id}&action=host.start`);
		assert.equal(r.json.total, 1);
		r = await admin.get('/api/audit?actor=admin&action=account.create');
		assert.equal(r.json.entries[0].after.display_name, '审计对象');
		r = await admin.get('/api/audit?from=2000-01-01&to=2000-01-02');
		assert.equal(r.json.total, 0);
		const now = new Date(Date.now() + 60000).toISOString();
		r = await admin.get(`/api/audit?from=2000-01-01T00:00:00Z&to=${encodeURIComponent(now)}`);
		assert.ok(r.json.total >= 8);
		r = await admin.get('/api/audit?from=2026-12-01T08:00:00%2B08:00');
		assert.equal(r.status, 200);
		for (const [q, field] of [['account=x', 'account'], ['from=yesterday', 'from'], ['to=2026-13', 'to'],
			['page=0', 'page'], ['per_page=501', 'per_page'], ['from=2026-02-30', 'from']]) {
			r = await admin.get(`/api/audit?${q}`);
			assert.equal(r.status, 400, q);
			assert.equal(r.json.error.field, field, q);
		}
		const org = await con.account(srv, admin, 'not-admin', 'organizer');
		assert.equal((await org.get('/api/audit')).status, 403);
		assert.equal((await org.get('/api/audit.csv')).status, 403);
		assert.equal((await con.request(srv.url, 'GET', '/api/audit')).status, 401);
	});

	test('GET /api/audit.csv: UTF-8 with a BOM, read back by Python\'s csv module', async () => {
		const r = await admin.get('/api/audit.csv?contest=SAFE2026', { headers: { 'accept-language': 'zh-CN' } });
		assert.equal(r.status, 200);
		assert.match(r.headers['content-type'], /^text\/csv; charset=utf-8/);
		assert.match(r.headers['content-disposition'], /attachment; filename="audit\.csv"/);
		assert.deepEqual([...r.raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
		const rows = await new Promise((resolve, reject) => {
			const py = execFile('python3', ['-c', 'import csv,io,json,sys; t=sys.stdin.buffer.read().decode("utf-8-sig"); print(json.dumps(list(csv.reader(io.StringIO(t)))))'],
				{ encoding: 'utf8' }, (err, out) => (err ? reject(err) : resolve(JSON.parse(out))));
			py.stdin.end(r.raw);
		});
		assert.deepEqual(rows[0], ['编号', '时间(UTC)', '账号编号', '账号', '地址', '操作', '竞赛', '对象', '修改前', '修改后', '详情']);
		const actions = rows.slice(1).map((x) => x[5]);
		assert.deepEqual(actions.slice().reverse().slice(0, 5), ['host.login', 'host.start', 'host.reveal', 'host.next', 'host.end']);
		const start = rows.find((x) => x[5] === 'host.start');
		assert.deepEqual(JSON.parse(start[9]), { phase: 'question', index: 0 });
		assert.equal(start[3], 'admin');
		assert.equal(start[6], 'SAFE2026');
	});
});
