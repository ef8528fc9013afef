'use strict';
// 05 services security: PostgreSQL takes only password logins (no trust, also not
// for postgres), the server's role is no superuser and cannot create roles or
// read pg_authid, Redis refuses clients without its password, no secret is on a
// process's command line or in the server's log, the server authenticates to
// Redis (a wrong password is a clear error and /healthz says redis down), and
// organizer tokens come only from private files and are at least 32 characters.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../lib/harness.js');

const PSQL = path.join(process.env.PGBIN || '/usr/lib/postgresql/15/bin', 'psql');

// Runs a program; resolves to {code, stdout, stderr} (never rejects on exit status).
function runProg(cmd, args, env = {}) {
	return new Promise((resolve) => {
		execFile(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30000 },
			(err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
	});
}

// psql on the shared cluster with exactly these credentials (no ~/.pgpass, no prompt).
function psqlAs(pgPort, user, db, sql, { passfile, password } = {}) {
	const env = { ...process.env, PGPASSFILE: passfile || emptyPassfile };
	delete env.PGPASSWORD;
	if (password) env.PGPASSWORD = password;
	const args = ['-X', '-w', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(pgPort),
		'-U', user, '-d', db, '-c', sql];
	return new Promise((resolve) => {
		execFile(PSQL, args, { encoding: 'utf8', env, timeout: 30000 },
			(err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout: stdout.trim(), stderr }));
	});
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-05-'));
const emptyPassfile = path.join(scratch, 'empty.pgpass');
fs.writeFileSync(emptyPassfile, '', { mode: 0o600 });

function secretFile(name, text, mode = 0o600) {
	const f = path.join(scratch, name);
	fs.writeFileSync(f, text, { mode });
	fs.chmodSync(f, mode);
	return f;
}

const pgpassPassword = (file) => fs.readFileSync(file, 'utf8').trim().split(':').pop();

/* A server process started by hand (not by startServer: these are expected to be unhealthy or to fail). */
function spawnServer(args, logName) {
	const logFile = path.join(h.outDir(), logName);
	const fd = fs.openSync(logFile, 'w');
	const child = spawn(h.serverBinary(), args, { cwd: h.ROOT, stdio: ['ignore', fd, fd] });
	fs.closeSync(fd);
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	return { child, exited, log: () => fs.readFileSync(logFile, 'utf8') };
}

async function until(what, fn, ms = 20000) {
	const end = Date.now() + ms;
	let last;
	while (Date.now() < end) {
		last = await fn().catch((e) => e);
		if (last === true) return;
		await h.sleep(100);
	}
	throw new Error(`timeout waiting for ${what} (last: ${last && last.message ? last.message : last})`);
}

describe('services security', () => {
	let svc, srv;
	before(async () => {
		svc = await h.services();
		srv = await h.startServer();
	});
	after(async () => {
		try {
			if (srv) await srv.stop();
		} finally {
			fs.rmSync(scratch, { recursive: true, force: true });
		}
	});

	test('pg_hba.conf has only scram-sha-256 lines for 127.0.0.1, no trust, no local socket', () => {
		const hba = fs.readFileSync(path.join(svc.dir, 'pg', 'pg_hba.conf'), 'utf8');
		const rules = hba.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
		assert.ok(rules.length >= 1, hba);
		for (const r of rules) assert.match(r, /^host\s+all\s+all\s+127\.0\.0\.1\/32\s+scram-sha-256$/, r);
		assert.doesNotMatch(hba.replace(/#.*/g, ''), /trust|peer|^local/m);
	});

	test('postgres (and skillarena) without the password, or with a wrong one, cannot log in', async () => {
		for (const user of ['postgres', 'skillarena']) {
			const none = await psqlAs(svc.pgPort, user, 'postgres', 'SELECT 1');
			assert.notEqual(none.code, 0, `${user} logged in without a password`);
			assert.match(none.stderr, /no password supplied/, none.stderr);
			const wrong = await psqlAs(svc.pgPort, user, 'postgres', 'SELECT 1', { password: 'not-the-password' });
			assert.notEqual(wrong.code, 0, `${user} logged in with a wrong password`);
			assert.match(wrong.stderr, /password authentication failed/, wrong.stderr);
		}
		// The administrator's passfile works (what the scripts and this harness use).
		const admin = await psqlAs(svc.pgPort, 'postgres', 'postgres', 'SELECT 1', { passfile: h.pgPassfile(svc.pgPort, 'postgres') });
		assert.equal(admin.code, 0, admin.stderr);
	});

	test('the server role is no superuser: cannot create roles or databases, cannot read pg_authid', async () => {
		const [role] = await h.sql('postgres', "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = 'skillarena'");
		assert.deepEqual(role, { rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false, rolcanlogin: true });
		const pf = h.pgPassfile(svc.pgPort, 'skillarena');
		const ok = await psqlAs(svc.pgPort, 'skillarena', srv.db, 'SELECT current_user', { passfile: pf });
		assert.equal(ok.stdout, 'skillarena', ok.stderr);
		for (const [sql, why] of [
			['CREATE ROLE sa05_intruder LOGIN', /permission denied to create role/],
			['CREATE ROLE sa05_intruder SUPERUSER', /must be superuser to create superusers/],
			['ALTER ROLE skillarena SUPERUSER', /must be superuser/],
			['SELECT rolpassword FROM pg_authid', /permission denied for table pg_authid/],
			['CREATE DATABASE sa05_intruder', /permission denied to create database/],
			["COPY (SELECT 1) TO PROGRAM 'true'", /permission denied|must be superuser|pg_execute_server_program/],
		]) {
			const r = await psqlAs(svc.pgPort, 'skillarena', srv.db, sql, { passfile: pf });
			assert.notEqual(r.code, 0, `${sql} succeeded`);
			assert.match(r.stderr, why, r.stderr);
		}
		// It owns its database: the migrations made its tables.
		const [owner] = await h.sql('postgres', `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = '${srv.db}'`);
		assert.equal(owner.owner, 'skillarena');
	});

	test('the secrets of the services are 0600 in a 0700 directory', () => {
		const dir = path.join(svc.dir, 'secrets');
		assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
		const names = fs.readdirSync(dir).sort();
		for (const n of ['postgres.pgpass', 'redis-password', 'redis.conf', 'skillarena.pgpass']) assert.ok(names.includes(n), names.join(' '));
		for (const n of names) assert.equal(fs.statSync(path.join(dir, n)).mode & 0o777, 0o600, n);
		for (const f of fs.readdirSync(path.join(svc.dir, 'log'))) {
			const mode = fs.statSync(path.join(svc.dir, 'log', f)).mode & 0o777;
			assert.ok(mode === 0o600 || mode === 0o640, `${f} has mode ${mode.toString(8)}`);
		}
		// The server's own secret files, written by the harness.
		assert.equal(fs.statSync(srv.organizerTokenFile).mode & 0o777, 0o600);
		assert.equal(fs.statSync(srv.redisPasswordFile).mode & 0o777, 0o600);
	});

	test('Redis refuses clients without the password (the services\' and a test server\'s)', async () => {
		for (const port of [svc.redisPort, srv.redisPort].filter(Boolean)) {
			await assert.rejects(h.redisCliAuth(port, null, 'PING'), /NOAUTH/);
			await assert.rejects(h.redisCliAuth(port, null, 'KEYS', '*'), /NOAUTH/);
			await assert.rejects(h.redisCliAuth(port, 'not-the-password', 'PING'), /WRONGPASS/);
		}
		assert.equal(await h.redisCliAuth(srv.redisPort, srv.redisPassword, 'PING'), 'PONG');
		// The redis-server process does not show its password.
		const r = await runProg('redis-cli', ['-h', '127.0.0.1', '-p', String(srv.redisPort), 'PING']);
		assert.match(r.stdout + r.stderr, /NOAUTH/);
	});

	test('no token or password on any command line (ps) nor in the server log', async () => {
		const pid = srv.pids[0];
		const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
		assert.match(cmdline, /--organizer-token-file /);
		assert.match(cmdline, /--redis-password-file /);
		assert.match(cmdline, /passfile=/);
		const secrets = {
			'organizer token': srv.organizerToken,
			'redis password (test server)': srv.redisPassword,
			'redis password (services)': fs.readFileSync(path.join(svc.dir, 'secrets', 'redis-password'), 'utf8').trim(),
			'postgres password': pgpassPassword(h.pgPassfile(svc.pgPort, 'postgres')),
			'skillarena password': pgpassPassword(h.pgPassfile(svc.pgPort, 'skillarena')),
		};
		const ps = await runProg('ps', ['-eww', '-o', 'args']);
		assert.equal(ps.code, 0, ps.stderr);
		assert.match(ps.stdout, /skillarena serve/);
		const log = srv.log(0);
		for (const [what, value] of Object.entries(secrets)) {
			assert.ok(value && value.length >= 32, `${what} is at least 32 characters`);
			assert.ok(!ps.stdout.includes(value), `${what} is on a command line`);
			assert.ok(!cmdline.includes(value), `${what} is on the server's command line`);
			assert.ok(!log.includes(value), `${what} is in the server log`);
		}
		// The host still gets in with the token from the file.
		const c = await h.host(srv.wsUrl, srv.organizerToken);
		await c.close();
	});

	test('a wrong Redis password is a clear error and /healthz says redis is down', async () => {
		const port = await h.freePort();
		const bad = secretFile('bad-redis-password', 'not-the-password\n');
		const s = spawnServer(['serve', '--port', String(port), '--pg', srv.conninfo,
			'--redis', `127.0.0.1:${srv.redisPort}`, '--redis-password-file', bad,
			'--organizer-token-file', srv.organizerTokenFile, '--contests', h.DEMO_CONTEST,
			'--web', path.join(h.ROOT, 'web'), '--instance', 'wrong-redis-pw'], 'wrong-redis-password.log');
		try {
			let health;
			await until('/healthz with postgres ok', async () => {
				health = await h.httpGet(`http://127.0.0.1:${port}/healthz`, { timeout: 3000 });
				return health.json && health.json.postgres === 'ok';
			});
			assert.equal(health.status, 503, health.body);
			assert.equal(health.json.ok, false);
			assert.equal(health.json.redis, 'down');
			await until('the error line', async () => /E redis 127\.0\.0\.1:\d+ refused the (command|subscriber) connection: WRONGPASS.*redis-password-file/.test(s.log()));
		} finally {
			s.child.kill('SIGTERM');
		}
		assert.deepEqual(await s.exited, { code: 0, signal: null }, s.log());
	});

	test('no Redis password at all: the error says Redis wants one', async () => {
		const port = await h.freePort();
		const s = spawnServer(['serve', '--port', String(port), '--pg', srv.conninfo,
			'--redis', `127.0.0.1:${srv.redisPort}`,
			'--organizer-token-file', srv.organizerTokenFile, '--contests', h.DEMO_CONTEST,
			'--web', path.join(h.ROOT, 'web'), '--instance', 'no-redis-pw'], 'no-redis-password.log');
		try {
			await until('the error line', async () => /refused the (command|subscriber) connection: NOAUTH.*Redis wants a password: set redis-password-file/.test(s.log()));
			const health = await h.httpGet(`http://127.0.0.1:${port}/healthz`, { timeout: 3000 });
			assert.equal(health.json.redis, 'down', health.body);
		} finally {
			s.child.kill('SIGTERM');
		}
		assert.deepEqual(await s.exited, { code: 0, signal: null }, s.log());
	});

	test('reset authenticates to Redis; with a wrong password it fails and says why', async () => {
		const common = ['--pg', srv.conninfo, '--redis', `127.0.0.1:${srv.redisPort}`];
		const bad = secretFile('bad-redis-password-2', 'not-the-password\n');
		const wrong = await runProg(h.serverBinary(), ['reset', 'SAFE2026', '--yes', ...common, '--redis-password-file', bad]);
		assert.equal(wrong.code, 1, wrong.stderr);
		assert.match(wrong.stderr, /reset: redis 127\.0\.0\.1:\d+ refused the connection \(WRONGPASS.*redis-password-file/);
		await srv.redis('SET', 'sa:SAFE2026:probe', '1');
		const right = await runProg(h.serverBinary(), ['reset', 'SAFE2026', '--yes', ...common, '--redis-password-file', srv.redisPasswordFile]);
		assert.equal(right.code, 0, right.stderr);
		assert.equal(await srv.redis('EXISTS', 'sa:SAFE2026:probe'), 0, 'reset deleted the contest keys');
	});

	test('organizer tokens: not on the command line, only from private files, at least 32 characters', async () => {
		const common = ['serve', '--port', String(await h.freePort()), '--pg', srv.conninfo,
			'--redis', `127.0.0.1:${srv.redisPort}`, '--redis-password-file', srv.redisPasswordFile,
			'--contests', h.DEMO_CONTEST];
		const token = srv.organizerToken;
		const cases = [
			{ args: ['--organizer-token', token], code: 2, err: /option '--organizer-token' is refused on the command line.*--organizer-token-file/ },
			{ args: [`--organizer-token=${token}`], code: 2, err: /refused on the command line/ },
			{ args: ['--organizer-token-file', secretFile('short', token.slice(1) + '\n')], code: 1, err: /organizer token is too short \(31 characters\): it needs at least 32/ },
			{ args: ['--organizer-token-file', secretFile('world', token + '\n', 0o644)], code: 2, err: /mode 0644 lets other users read or change it/ },
			{ args: ['--organizer-token-file', secretFile('empty', '\n')], code: 2, err: /first line is empty/ },
			{ args: ['--organizer-token-file', path.join(scratch, 'missing')], code: 2, err: /No such file/ },
			{ args: [], env: { SKILLARENA_ORGANIZER_TOKEN: 'short-token' }, code: 1, err: /too short \(11 characters\)/ },
		];
		for (const c of cases) {
			const r = await runProg(h.serverBinary(), common.concat(c.args), c.env);
			assert.equal(r.code, c.code, `${c.args.join(' ')}: exit ${r.code}\n${r.stderr}${r.stdout}`);
			assert.match(r.stderr + r.stdout, c.err);
			assert.doesNotMatch(r.stderr + r.stdout, /listening on port/);
		}
		// A config file may hold the token only if other users cannot read it.
		const conf = secretFile('open.conf', `organizer-token = ${token}\n`, 0o644);
		const r = await runProg(h.serverBinary(), ['serve', '--config', conf]);
		assert.equal(r.code, 2, r.stderr);
		assert.match(r.stderr, /holds 'organizer-token' but its mode 0644/);
	});

	test('without a token the server writes one to a 0600 file and logs only its path', async () => {
		const port = await h.freePort();
		const s = spawnServer(['serve', '--port', String(port), '--pg', srv.conninfo,
			'--redis', `127.0.0.1:${srv.redisPort}`, '--redis-password-file', srv.redisPasswordFile,
			'--contests', h.DEMO_CONTEST, '--web', path.join(h.ROOT, 'web'), '--instance', 'no-token'], 'no-token.log');
		let file;
		try {
			await until('healthy', async () => (await h.httpGet(`http://127.0.0.1:${port}/healthz`, { timeout: 3000 })).status === 200);
			const m = /this run's token is in (\S+) \(mode 0600, removed at exit\)/.exec(s.log());
			assert.ok(m, s.log());
			file = m[1];
			assert.equal(fs.statSync(file).mode & 0o777, 0o600);
			assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
			const token = fs.readFileSync(file, 'utf8').trim();
			assert.match(token, /^[0-9a-f]{32}$/);
			assert.ok(!s.log().includes(token), 'the generated token is in the log');
			const c = await h.host(`ws://127.0.0.1:${port}/ws`, token);
			await c.close();
		} finally {
			s.child.kill('SIGTERM');
		}
		assert.deepEqual(await s.exited, { code: 0, signal: null }, s.log());
		assert.ok(!fs.existsSync(file), `${file} left behind`);
	});
});
