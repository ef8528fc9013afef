'use strict';
/*
 * tests/lib/harness.js - run the real SkillArena server against real
 * PostgreSQL and Redis, and talk to it over its real protocol.
 *
 * Used by tests/integration/*.test.js and tests/browser/*.test.js; API in
 * tests/lib/README.md (and docs/testing.md). In short:
 *
 *   const h = require('../lib/harness.js');
 *   const srv = await h.startServer({ processes: 2 });   // fresh DB + Redis
 *   const c = await h.connect(srv.wsUrl);                 // WebSocket client
 *   await srv.cli(['archive', 'CODE']);                   // a command on the same services
 *   c.send({ type: 'join', code: 'SAFE2026', name: '张三' });
 *   const joined = await c.next('joined');
 *   await srv.stop();                                     // asserts clean exit
 *
 * Services: PostgreSQL is one cluster shared by every test file; each
 * startServer() gets a fresh database on it (CREATE DATABASE, dropped on
 * stop). tests/run.sh starts that cluster and exports SA_PG_PORT and
 * SA_SERVICES_DIR; run alone (`node --test tests/integration/00-smoke.test.js`),
 * the harness starts its own under /tmp/skillarena-test-services-scram on
 * ports 25433/25380 (left running for the next run; stop it with
 * tools/services.sh stop DIR). Redis: every startServer() starts a private
 * redis-server (a child process on a free port), because the server keys
 * Redis by contest code: two test files playing SAFE2026 must not share a key
 * space, and FLUSHALL in one test must not touch another.
 *
 * Credentials, as in production: PostgreSQL takes only password logins
 * (tools/services.sh). The harness is the administrator: psql() runs as the
 * postgres superuser with PGPASSFILE=DIR/secrets/postgres.pgpass; servers log
 * in as the role skillarena (no superuser, no CREATEDB: the harness creates
 * their databases and gives them to it) through passfile= in the conninfo.
 * Each private Redis requires a generated password (requirepass, from a
 * 0600 config file); servers get it with --redis-password-file and the
 * organizer token with --organizer-token-file (files 0600 in the server's
 * directory): no secret is ever on a command line. redisCli() authenticates
 * by itself; redisCliAuth(port, null, ...) does not.
 *
 * Ports: 25000-25499 are fixed (services), servers and private Redis
 * instances take free ports in 25500-25999.
 *
 * Sanitizers: the server binary is $SA_BIN, else build/asan/skillarena, else
 * build/release/skillarena. ASAN_OPTIONS/UBSAN_OPTIONS get strict defaults;
 * stop() fails the test if a server exited non-zero, crashed, or printed a
 * sanitizer report, or if `skillarena recompute` finds a difference between
 * the stored results of a contest and what its stored answers give.
 */

const assert = require('node:assert/strict');
const { spawn, execFile, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const WebSocket = require('ws');

const ROOT = path.resolve(__dirname, '..', '..');
const PGBIN = process.env.PGBIN || '/usr/lib/postgresql/15/bin';
// Not the pre-password /tmp/skillarena-test-services (25432/25379): a cluster
// there still serves checkouts older than password authentication.
const STANDALONE_DIR = '/tmp/skillarena-test-services-scram';
const STANDALONE_PG_PORT = 25433;
const STANDALONE_REDIS_PORT = 25380;
const DEMO_CONTEST = path.join(ROOT, 'contests', 'demo', 'safety.json');
const SUBPROTOCOL = 'skillarena.v1';

const SAN_ENV = {
	ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1',
	UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
	LSAN_OPTIONS: 'exitcode=23',
};

/* ------------------------------------------------------------------ */
/* Paths, binaries, output directory                                  */

function serverBinary() {
	if (process.env.SA_BIN) return path.resolve(ROOT, process.env.SA_BIN);
	for (const v of ['asan', 'release']) {
		const p = path.join(ROOT, 'build', v, 'skillarena');
		if (fs.existsSync(p)) return p;
	}
	throw new Error('no server binary: build with `make` or `make VARIANT=asan`, or set SA_BIN');
}

// The name of the test file that loaded us (for database and log names).
function callerName() {
	const main = process.argv.find((a) => /\.test\.[cm]?js$/.test(a)) ||
		(require.main && require.main.filename) || 'adhoc';
	return path.basename(main).replace(/\.test\.[cm]?js$/, '').replace(/\.[cm]?js$/, '');
}

// Logs of this test file: $SA_TEST_OUT/<file>/ (tests/run.sh sets it) or tests/out/<file>/.
function outDir() {
	const base = process.env.SA_TEST_OUT || path.join(ROOT, 'tests', 'out');
	const d = path.join(base, callerName());
	fs.mkdirSync(d, { recursive: true });
	return d;
}

/* ------------------------------------------------------------------ */
/* Ports                                                               */

function portFree(port) {
	return new Promise((resolve) => {
		const s = net.createServer();
		s.once('error', () => resolve(false));
		s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
	});
}

function portListening(port) {
	return new Promise((resolve) => {
		const s = net.connect({ port, host: '127.0.0.1' });
		s.once('connect', () => { s.destroy(); resolve(true); });
		s.once('error', () => resolve(false));
	});
}

const claimed = new Set();
// A free port in 25500..25999 (random start, so parallel test files rarely race).
async function freePort() {
	const lo = 25500, span = 500;
	const start = crypto.randomInt(span);
	for (let i = 0; i < span; i++) {
		const p = lo + ((start + i) % span);
		if (claimed.has(p)) continue;
		if (await portFree(p) && !(await portListening(p))) {
			claimed.add(p);
			return p;
		}
	}
	throw new Error('no free port in 25500-25999');
}

/* ------------------------------------------------------------------ */
/* PostgreSQL                                                          */

let pgReady = null;
// PostgreSQL port -> the tools/services.sh directory of that cluster (its secrets/).
const clusters = new Map();

/**
 * services() - the shared PostgreSQL: {pgPort, redisPort, dir} (dir: its
 * tools/services.sh directory, secrets in dir/secrets); starts the standalone
 * services if tests/run.sh did not.
 */
function services() {
	if (!pgReady) pgReady = (async () => {
		if (process.env.SA_PG_PORT) {
			const dir = process.env.SA_SERVICES_DIR;
			if (!dir || !fs.existsSync(path.join(dir, 'secrets', 'postgres.pgpass'))) {
				throw new Error('SA_PG_PORT is set but SA_SERVICES_DIR does not name the tools/services.sh ' +
					'directory of that cluster (its secrets/ hold the passwords)');
			}
			const pgPort = Number(process.env.SA_PG_PORT);
			clusters.set(pgPort, dir);
			return { pgPort, redisPort: Number(process.env.SA_REDIS_PORT || 0), dir };
		}
		fs.mkdirSync(STANDALONE_DIR, { recursive: true, mode: 0o755 });
		fs.chmodSync(STANDALONE_DIR, 0o755);
		await run('flock', ['-o', STANDALONE_DIR + '.start.lock', path.join(ROOT, 'tools', 'services.sh'), 'start',
			STANDALONE_DIR, String(STANDALONE_PG_PORT), String(STANDALONE_REDIS_PORT)]);
		process.env.SA_PG_PORT = String(STANDALONE_PG_PORT);
		process.env.SA_REDIS_PORT = String(STANDALONE_REDIS_PORT);
		process.env.SA_SERVICES_DIR = STANDALONE_DIR;
		clusters.set(STANDALONE_PG_PORT, STANDALONE_DIR);
		return { pgPort: STANDALONE_PG_PORT, redisPort: STANDALONE_REDIS_PORT, dir: STANDALONE_DIR };
	})();
	return pgReady;
}

// The services directory of the cluster on pgPort (the shared one or a privateServices()).
function clusterDir(pgPort) {
	const dir = clusters.get(pgPort);
	if (!dir) throw new Error(`no tools/services.sh directory known for the PostgreSQL on port ${pgPort}`);
	return dir;
}

/** pgPassfile(pgPort, role) - the libpq passfile of 'postgres' (admin) or 'skillarena' (servers). */
function pgPassfile(pgPort, role = 'skillarena') {
	return path.join(clusterDir(pgPort), 'secrets', `${role}.pgpass`);
}

/** serverConninfo(pgPort, db) - what a server is given as --pg: no password, a passfile. */
function serverConninfo(pgPort, db) {
	return `host=127.0.0.1 port=${pgPort} user=skillarena dbname=${db} passfile=${pgPassfile(pgPort)}`;
}

function run(cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { maxBuffer: 64 << 20, encoding: 'utf8', ...opts }, (err, stdout, stderr) => {
			if (err) {
				err.message = `${cmd} ${args.join(' ')} failed: ${(stderr || err.message).trim()}`;
				err.stdout = stdout;
				err.stderr = stderr;
				reject(err);
			} else resolve(stdout);
		});
	});
}

/**
 * psql(db, sql) - runs sql as the postgres superuser on database db of the
 * shared cluster; resolves to the raw output (unaligned, tuples only,
 * tab-separated, trimmed). Stops at the first error (rejects).
 */
async function psql(db, sql, port) {
	const pgPort = port || (await services()).pgPort;
	const out = await run(path.join(PGBIN, 'psql'), ['-X', '-q', '-w', '-A', '-t', '-F', '\t',
		'-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres',
		'-d', db, '-c', sql], { env: { ...process.env, PGPASSFILE: pgPassfile(pgPort, 'postgres') } });
	return out.replace(/\n$/, '');
}

/** sql(db, query) - the rows of a SELECT as an array of plain objects (via json_agg). */
async function sql(db, query, port) {
	const out = await psql(db, `SELECT coalesce(json_agg(t), '[]') FROM (${query}) t`, port);
	return JSON.parse(out);
}

let dbSeq = 0;
async function createDatabase(prefix, port) {
	const name = `t_${prefix}_${process.pid}_${++dbSeq}`.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 60);
	await psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, port);
	await psql('postgres', `CREATE DATABASE ${name} OWNER skillarena`, port);
	return name;
}

/**
 * auditOwner(db, port) - the administrator step of the audit log
 * (server/sql/admin/audit-owner.sql, docs/operations.md), as the postgres
 * superuser, on a database the server's migrations were applied to: the
 * audit log passes to the NOLOGIN role skillarena_audit and the server's role
 * may only INSERT and SELECT it.
 */
async function auditOwner(db, port) {
	const pgPort = port || (await services()).pgPort;
	await run(path.join(PGBIN, 'psql'), ['-X', '-q', '-w', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1',
		'-p', String(pgPort), '-U', 'postgres', '-d', db, '-v', 'server_role=skillarena',
		'-f', path.join(ROOT, 'server', 'sql', 'admin', 'audit-owner.sql')],
	{ env: { ...process.env, PGPASSFILE: pgPassfile(pgPort, 'postgres') } });
}

async function dropDatabase(name, port) {
	await psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, port);
}

/**
 * privateServices() - a PostgreSQL cluster (and a Redis) of the caller's own,
 * via tools/services.sh in a temporary directory on free ports, for tests that
 * stop or break PostgreSQL. Resolves to {pgPort, redisPort, dir, stopPg(),
 * startPg(), stop()}. Pass {pgPort} to startServer() to use it.
 */
async function privateServices() {
	const dir = fs.mkdtempSync('/tmp/skillarena-private.');
	fs.chmodSync(dir, 0o755);
	const pgPort = await freePort();
	const redisPort = await freePort();
	const svc = path.join(ROOT, 'tools', 'services.sh');
	const sdir = path.join(dir, 'svc');
	await run(svc, ['start', sdir, String(pgPort), String(redisPort)]);
	clusters.set(pgPort, sdir);
	return {
		pgPort,
		redisPort,
		dir: sdir,
		stopPg: () => run('runuser', ['-u', 'postgres', '--', path.join(PGBIN, 'pg_ctl'), '-D', path.join(sdir, 'pg'), '-m', 'fast', '-w', 'stop']),
		startPg: () => run('runuser', ['-u', 'postgres', '--', path.join(PGBIN, 'pg_ctl'), '-D', path.join(sdir, 'pg'), '-l', path.join(sdir, 'log', 'postgresql.log'), '-w', 'start']),
		async stop() {
			await run(svc, ['stop', sdir]).catch(() => {});
			clusters.delete(pgPort);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/* ------------------------------------------------------------------ */
/* Redis                                                               */

// Redis port -> its password (private Redis instances of startServer()).
const redisPasswords = new Map();

/**
 * redisCli(port, ...cmd) - one Redis command over RESP (a short-lived
 * connection), after AUTH when the harness knows the port's password;
 * resolves to the reply: string, integer, null, or an array of those. A Redis
 * error reply rejects.
 */
function redisCli(port, ...cmd) {
	return redisCliAuth(port, redisPasswords.get(port) || null, ...cmd);
}

/** redisCliAuth(port, password, ...cmd) - the same with this password (null: no AUTH at all). */
function redisCliAuth(port, password, ...cmd) {
	const cmds = password ? [['AUTH', password], cmd] : [cmd];
	return new Promise((resolve, reject) => {
		const s = net.connect({ port, host: '127.0.0.1' });
		let buf = Buffer.alloc(0);
		const timer = setTimeout(() => { s.destroy(); reject(new Error(`redis ${cmd[0]}: timeout`)); }, 10000);
		const done = (err, v) => { clearTimeout(timer); s.destroy(); err ? reject(err) : resolve(v); };
		s.on('error', (e) => done(e));
		s.on('connect', () => {
			const parts = [];
			for (const c of cmds) {
				parts.push(`*${c.length}\r\n`);
				for (const a of c) {
					const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8'); // a Buffer: raw bytes
					parts.push(`$${b.length}\r\n`, b, '\r\n');
				}
			}
			s.write(Buffer.concat(parts.map((x) => (Buffer.isBuffer(x) ? x : Buffer.from(x, 'utf8')))));
		});
		s.on('data', (d) => {
			buf = Buffer.concat([buf, d]);
			let r, off = 0;
			// One reply per command sent (AUTH first); the last one is the answer.
			for (let k = 0; k < cmds.length; k++) {
				try { r = parseResp(buf, off); } catch (e) { return done(e); }
				if (!r) return;
				if (r.err) return done(new Error(`redis ${cmds[k][0]}: ${r.err}`));
				off = r.end;
			}
			done(null, r.value);
		});
	});
}

// parseResp(buf, off) -> {value, end, err} or null when incomplete.
function parseResp(buf, off) {
	const nl = buf.indexOf('\r\n', off);
	if (nl < 0) return null;
	const kind = String.fromCharCode(buf[off]);
	const line = buf.toString('utf8', off + 1, nl);
	const next = nl + 2;
	switch (kind) {
	case '+': return { value: line, end: next };
	case '-': return { value: null, err: line, end: next };
	case ':': return { value: Number(line), end: next };
	case '$': {
		const n = Number(line);
		if (n < 0) return { value: null, end: next };
		if (buf.length < next + n + 2) return null;
		return { value: buf.toString('utf8', next, next + n), end: next + n + 2 };
	}
	case '*': {
		const n = Number(line);
		if (n < 0) return { value: null, end: next };
		const out = [];
		let pos = next, err;
		for (let i = 0; i < n; i++) {
			const r = parseResp(buf, pos);
			if (!r) return null;
			if (r.err) err = r.err;
			out.push(r.value);
			pos = r.end;
		}
		return { value: out, end: pos, err };
	}
	default: throw new Error(`redis: bad reply byte ${JSON.stringify(kind)}`);
	}
}

// writeSecret(file, text) - a file only its owner reads (0600), created or replaced.
function writeSecret(file, text) {
	fs.writeFileSync(file, text, { mode: 0o600 });
	fs.chmodSync(file, 0o600);
	return file;
}

/*
 * A private redis-server requiring a password: generated once per directory
 * (dir/redis-password, kept across stopRedis/startRedis), given to Redis in
 * dir/redis.conf (0600) so that it is never on the command line.
 */
async function startRedis(dir, fixedPort) {
	const port = fixedPort || await freePort();
	const rdir = path.join(dir, 'redis');
	fs.mkdirSync(rdir, { recursive: true });
	const logFile = path.join(dir, 'redis.log');
	const passwordFile = path.join(dir, 'redis-password');
	if (!fs.existsSync(passwordFile)) writeSecret(passwordFile, crypto.randomBytes(24).toString('hex') + '\n');
	const password = fs.readFileSync(passwordFile, 'utf8').trim();
	const conf = writeSecret(path.join(dir, 'redis.conf'), `requirepass ${password}\n`);
	redisPasswords.set(port, password);
	const proc = spawn('redis-server', [conf, '--port', String(port), '--bind', '127.0.0.1', '--dir', rdir,
		'--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', logFile], { stdio: 'ignore' });
	let exited = false;
	proc.once('exit', () => { exited = true; });
	for (let i = 0; i < 200; i++) {
		if (exited) throw new Error(`redis-server on ${port} exited at start (log ${logFile})`);
		try {
			if ((await redisCli(port, 'PING')) === 'PONG') break;
		} catch { /* not yet */ }
		await sleep(25);
	}
	return {
		port,
		proc,
		password,
		passwordFile,
		async stop() {
			if (exited) return;
			const done = new Promise((r) => proc.once('exit', r));
			proc.kill('SIGTERM');
			const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
			await done;
			clearTimeout(t);
		},
	};
}

/* ------------------------------------------------------------------ */
/* HTTP                                                                */

/**
 * httpRequest(target, {method, body, headers, timeout, agent}) - one HTTP request: target is a URL,
 * or http.request's options ({host, port, path}: the path is sent exactly as given); body a string
 * or Buffer. Resolves to {status, headers, body, json} (json undefined unless the body is JSON).
 */
function httpRequest(target, { method = 'GET', body, headers = {}, timeout = 5000, agent } = {}) {
	return new Promise((resolve, reject) => {
		const opts = { method, headers, timeout, ...(agent === undefined ? {} : { agent }) };
		const onReply = (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json;
				try { json = JSON.parse(text); } catch { json = undefined; }
				resolve({ status: res.statusCode, headers: res.headers, body: text, json });
			});
		};
		const req = typeof target === 'string' ? http.request(target, opts, onReply) : http.request({ ...target, ...opts }, onReply);
		req.on('timeout', () => req.destroy(new Error(`${method} ${typeof target === 'string' ? target : target.path}: timeout`)));
		req.on('error', reject);
		req.end(body);
	});
}

/** httpGet(url, {timeout, headers}) - GET → {status, headers, body, json}. */
function httpGet(url, { timeout = 5000, headers = {} } = {}) {
	return httpRequest(url, { timeout, headers });
}

/** httpPost(url, body, {headers, timeout}) - POST body (JSON unless headers say otherwise) → as httpGet. */
function httpPost(url, body, { timeout = 30000, headers = {} } = {}) {
	return httpRequest(url, { method: 'POST', body, timeout, headers: { 'content-type': 'application/json', ...headers } });
}

/* ------------------------------------------------------------------ */
/* The server                                                          */

const SAN_REPORT = /(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer|ERROR: UndefinedBehaviorSanitizer)/;

/**
 * startServer(opts) - starts `processes` server processes on one fresh
 * database and one private Redis; resolves when every /healthz answers 200.
 *
 * opts:
 *   processes  1 (default) or more; each gets its own port, unless `share`
 *   share      true: all processes on one port with --listen-share
 *   contests   array of contest files (default: the demo contest)
 *   db         database name to use (default: a fresh one, dropped on stop)
 *   env        extra environment for the servers
 *   args       extra command-line arguments for every process
 *   argsFor    (i) => extra arguments for process i
 *   token      organizer token (default: random hex; given in a 0600 file)
 *   logLevel   server --log-level (default: info)
 *   bin        server binary (default: serverBinary())
 *   pgPort     PostgreSQL port (default: the shared cluster; see privateServices())
 *   readyTimeout  ms to wait for /healthz (default 60000)
 *   recompute  false: no `skillarena recompute` at the stop (a test that
 *              corrupts stored results on purpose); otherwise every contest
 *              with answers is recomputed there and a difference fails it
 *   auditOwner false: leave the audit log to the server's role (a fresh
 *              database is otherwise migrated first and given the
 *              administrator step of the audit log, as in production)
 */
async function startServer(opts = {}) {
	const n = opts.processes || 1;
	const pgPort = opts.pgPort || (await services()).pgPort;
	const name = callerName();
	const dir = fs.mkdtempSync(path.join(outDir(), 'srv-'));
	const ownDb = !opts.db;
	const db = opts.db || await createDatabase(name, pgPort);
	let redis = await startRedis(dir);
	const token = opts.token || crypto.randomBytes(16).toString('hex');
	const tokenFile = writeSecret(path.join(dir, 'organizer-token'), token + '\n');
	const bin = opts.bin || serverBinary();
	const contests = (opts.contests || [DEMO_CONTEST]).map((c) => path.resolve(ROOT, c));
	const conninfo = serverConninfo(pgPort, db);
	const ports = [];
	if (opts.share) {
		const p = await freePort();
		for (let i = 0; i < n; i++) ports.push(p);
	} else {
		for (let i = 0; i < n; i++) ports.push(await freePort());
	}

	const procs = new Array(n).fill(null);
	const srv = {
		db,
		dir,
		bin,
		conninfo,
		organizerToken: token,
		organizerTokenFile: tokenFile,
		redisPort: redis.port,
		redisPassword: redis.password,
		redisPasswordFile: redis.passwordFile,
		pgPort,
		ports,
		port: ports[0],
		url: `http://127.0.0.1:${ports[0]}`,
		urls: ports.map((p) => `http://127.0.0.1:${p}`),
		wsUrl: `ws://127.0.0.1:${ports[0]}/ws`,
		wsUrls: ports.map((p) => `ws://127.0.0.1:${p}/ws`),
		get pids() { return procs.map((p) => (p && p.alive ? p.child.pid : null)); },
		failures: [],
	};

	const argv = (i) => {
		const a = ['serve', '--port', String(ports[i]), '--pg', conninfo,
			'--redis', `127.0.0.1:${redis.port}`, '--redis-password-file', redis.passwordFile,
			'--web', path.join(ROOT, 'web'),
			'--contests', contests.join(','), '--organizer-token-file', tokenFile,
			'--instance', `${name}-${i + 1}`, '--log-level', opts.logLevel || 'info'];
		if (opts.share) a.push('--listen-share');
		if (opts.plugins) a.push('--plugins', path.resolve(ROOT, opts.plugins));
		return a.concat(opts.args || [], opts.argsFor ? opts.argsFor(i) : []);
	};

	const launch = (i) => {
		const logFile = path.join(dir, `server-${i + 1}.log`);
		const fd = fs.openSync(logFile, 'a');
		fs.writeSync(fd, `==== ${new Date().toISOString()} ${bin} ${argv(i).join(' ')}\n`);
		const child = spawn(bin, argv(i), {
			cwd: ROOT,
			env: { ...process.env, ...SAN_ENV, ...pickEnv(process.env), ...(opts.env || {}) },
			stdio: ['ignore', fd, fd],
		});
		fs.closeSync(fd);
		const p = { child, alive: true, expected: false, code: null, signal: null, logFile };
		p.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
			p.alive = false;
			p.code = code;
			p.signal = signal;
			if (!p.expected) {
				srv.failures.push(`server ${i + 1} (pid ${child.pid}) exited unexpectedly: ` +
					(signal ? `signal ${signal}` : `code ${code}`));
			}
			resolve();
		}));
		procs[i] = p;
		return p;
	};

	const waitReady = async (i) => {
		const p = procs[i];
		const deadline = Date.now() + (opts.readyTimeout || 60000);
		let last = 'no answer';
		while (Date.now() < deadline) {
			if (!p.alive) {
				throw new Error(`server ${i + 1} exited at start (${p.signal || p.code}):\n${tail(p.logFile, 30)}`);
			}
			try {
				const r = await httpGet(`${srv.urls[i]}/healthz`, { timeout: 2000 });
				if (r.status === 200 && r.json && r.json.ok === true) {
					// With a shared port another process may answer: also want our log line.
					if (!opts.share || /listening on port/.test(readLog(p.logFile))) return;
				}
				last = `${r.status} ${r.body.slice(0, 200)}`;
			} catch (e) {
				last = e.message;
			}
			await sleep(50);
		}
		throw new Error(`server ${i + 1} (pid ${p.child.pid}, ${procState(p.child.pid)}) not ready on port ${ports[i]} ` +
			`after ${opts.readyTimeout || 60000} ms (last: ${last}):\n${tail(p.logFile, 30)}`);
	};

	srv.log = (i = 0) => readLog(procs[i] ? procs[i].logFile : path.join(dir, `server-${i + 1}.log`));

	srv.kill9 = async (i = 0) => {
		const p = procs[i];
		if (!p || !p.alive) throw new Error(`server ${i + 1} is not running`);
		p.expected = true;
		p.child.kill('SIGKILL');
		await p.exited;
	};

	// Clean shutdown of process i (SIGTERM); records a failure on a bad exit.
	srv.terminate = async (i = 0, timeoutMs = 20000) => {
		const p = procs[i];
		if (!p || !p.alive) return;
		p.expected = true;
		p.child.kill('SIGTERM');
		const t = setTimeout(() => {
			srv.failures.push(`server ${i + 1} did not exit ${timeoutMs} ms after SIGTERM (killed)`);
			p.child.kill('SIGKILL');
		}, timeoutMs);
		await p.exited;
		clearTimeout(t);
		if (p.signal || p.code !== 0) {
			srv.failures.push(`server ${i + 1} exited with ${p.signal ? 'signal ' + p.signal : 'code ' + p.code} after SIGTERM`);
		}
	};

	srv.restart = async (i = 0) => {
		if (procs[i] && procs[i].alive) await srv.terminate(i);
		launch(i);
		await waitReady(i);
	};

	srv.start = async (i = 0) => {
		launch(i);
		await waitReady(i);
	};

	srv.redis = (...cmd) => redisCli(redis.port, ...cmd);
	// Redis outages: stop the private redis-server, start it again (empty) on the same port.
	srv.stopRedis = () => redis.stop();
	srv.startRedis = async () => { redis = await startRedis(dir, redis.port); };
	srv.psql = (q) => psql(db, q, pgPort);
	srv.sql = (q) => sql(db, q, pgPort);
	srv.get = (p, o) => httpGet(srv.url + p, o);
	// A command of the same binary on the same PostgreSQL and Redis (reset, archive, delete, ...):
	// resolves to {code, stdout, stderr}; the connection options follow args.
	srv.cli = (args, { env = {}, timeout = 30000 } = {}) => new Promise((resolve) => {
		const argv = args.concat(['--pg', conninfo, '--redis', `127.0.0.1:${redis.port}`,
			'--redis-password-file', redis.passwordFile]);
		execFile(bin, argv, { cwd: ROOT, encoding: 'utf8', timeout, env: { ...process.env, ...SAN_ENV, ...pickEnv(process.env), ...env } },
			(err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
	});

	// At the stop: `skillarena recompute` for every contest with answers, attempts
	// or practice answers (the stored points, totals, papers, notebooks, Redis
	// boards and results derived again); a difference fails the test. Skipped
	// when PostgreSQL cannot be asked. Uploaded contests' banks are found as
	// the servers find them (--bank-dir, else the first --contests directory).
	const recomputeAll = async () => {
		let codes;
		try {
			codes = await sql(db, `SELECT c.code FROM contests c WHERE EXISTS (SELECT 1 FROM answers a WHERE a.contest_id = c.id)
				OR EXISTS (SELECT 1 FROM attempts t WHERE t.contest_id = c.id)
				OR EXISTS (SELECT 1 FROM practice_answers x WHERE x.contest_id = c.id) ORDER BY 1`, pgPort);
		} catch {
			return;
		}
		const all = (opts.args || []).concat(opts.argsFor ? opts.argsFor(0) : []);
		const bankDir = all.indexOf('--bank-dir');
		const where = ['--contests', contests.join(',')].concat(bankDir >= 0 ? all.slice(bankDir, bankDir + 2) : []);
		for (const { code } of codes) {
			const r = await srv.cli(['recompute', code, ...where], { timeout: 120000 });
			fs.appendFileSync(path.join(dir, 'recompute.log'), `==== recompute ${code}: exit ${r.code}\n${r.stdout}${r.stderr}`);
			if (r.code !== 0) srv.failures.push(`skillarena recompute ${code} exited ${r.code}:\n${r.stdout}${r.stderr}`);
		}
	};

	let stopped = false;
	/**
	 * stop() - SIGTERM every process, stop Redis, drop the database (unless
	 * SA_KEEP_DB=1 or it was given), then throw if any process crashed, exited
	 * non-zero or printed a sanitizer report.
	 */
	srv.stop = async () => {
		if (stopped) return;
		stopped = true;
		await Promise.all(procs.map((p, i) => (p ? srv.terminate(i) : null)));
		if (opts.recompute !== false) await recomputeAll();
		await redis.stop();
		const sanitizer = [];
		for (let i = 0; i < n; i++) {
			const text = srv.log(i);
			if (SAN_REPORT.test(text)) sanitizer.push(`server ${i + 1}: sanitizer report in ${path.join(dir, `server-${i + 1}.log`)}:\n` + sanitizerExcerpt(text));
		}
		if (ownDb && process.env.SA_KEEP_DB !== '1') {
			await dropDatabase(db, pgPort).catch(() => {});
		}
		const problems = srv.failures.concat(sanitizer);
		if (problems.length) {
			const logs = procs.map((p, i) => `--- server ${i + 1} log (tail) ---\n${tail(p ? p.logFile : '', 25)}`).join('\n');
			throw new Error(problems.join('\n') + '\n' + logs);
		}
	};

	try {
		if (ownDb && opts.auditOwner !== false) {
			// As an administrator would: migrations first, then the audit log's owner.
			await run(bin, ['migrate', '--pg', conninfo, '--log-level', 'warn'],
				{ cwd: ROOT, env: { ...process.env, ...SAN_ENV, ...pickEnv(process.env), ...(opts.env || {}) } });
			await auditOwner(db, pgPort);
		}
		for (let i = 0; i < n; i++) {
			launch(i);
			// The first process applies migrations and loads contests alone.
			await waitReady(i);
		}
	} catch (e) {
		stopped = true;
		for (const p of procs) {
			if (p && p.alive) {
				p.expected = true;
				p.child.kill('SIGKILL');
				await Promise.race([p.exited, sleep(10000)]);
			}
		}
		await redis.stop();
		if (ownDb) await dropDatabase(db, pgPort).catch(() => {});
		throw e;
	}
	return srv;
}

// Environment variables the caller may set to tune servers (SA_SERVER_ENV_* is passed through).
function pickEnv(env) {
	const out = {};
	for (const k of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS']) if (env[k]) out[k] = env[k];
	return out;
}

// "state S, wchan ep_poll" of a process, for start-up timeouts.
function procState(pid) {
	try {
		const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[0];
		let wchan = '';
		try { wchan = fs.readFileSync(`/proc/${pid}/wchan`, 'utf8'); } catch { /* not readable */ }
		return `state ${st}${wchan ? ', wchan ' + wchan : ''}`;
	} catch {
		return 'gone';
	}
}

function readLog(file) {
	try { return fs.readFileSync(file, 'utf8'); } catch { return ''; }
}

function tail(file, lines) {
	return readLog(file).split('\n').slice(-lines).join('\n');
}

function sanitizerExcerpt(text) {
	const i = text.search(SAN_REPORT);
	return text.slice(Math.max(0, i - 200), i + 3000);
}

/* ------------------------------------------------------------------ */
/* WebSocket client                                                    */

let ridSeq = 0;

/**
 * connect(wsUrl, opts) - a protocol client. Resolves once the socket is open.
 *   send(obj)            JSON frame (adds nothing)
 *   sendRaw(data, {binary})  any frame
 *   request(obj, timeout)  adds a rid, resolves to the reply with that rid
 *                        (an `error` reply resolves too: check .type)
 *   next(type, timeout)  the oldest unconsumed message of that type
 *   waitFor(pred, timeout)  the oldest unconsumed message matching pred
 *   messages             every message received, in order
 *   pending              messages not yet consumed by next/waitFor/request
 *   drain()              consume (and return) all pending messages
 *   discard(pred)        drop pending messages matching pred (stale pushes)
 *   none(pred, ms)       true if no matching message arrives within ms
 *   close()              closes; resolves when closed
 *   closed               promise of {code, reason} when the socket closes
 */
function connect(wsUrl, opts = {}) {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(wsUrl, opts.protocol === null ? undefined : (opts.protocol || SUBPROTOCOL), {
			handshakeTimeout: opts.timeout || 10000,
			maxPayload: 64 << 20,
			perMessageDeflate: false,
		});
		const c = {
			ws,
			messages: [],
			pending: [],
			waiters: [],
			isOpen: false,
			closeInfo: null,
		};
		let closedResolve;
		c.closed = new Promise((r) => { closedResolve = r; });

		const dispatch = () => {
			for (let w = 0; w < c.waiters.length; w++) {
				const waiter = c.waiters[w];
				const idx = c.pending.findIndex(waiter.pred);
				if (idx >= 0) {
					const [m] = c.pending.splice(idx, 1);
					c.waiters.splice(w, 1);
					w--;
					clearTimeout(waiter.timer);
					waiter.resolve(m);
				}
			}
		};

		ws.on('message', (data, isBinary) => {
			let m;
			try {
				m = JSON.parse(data.toString('utf8'));
			} catch {
				m = { type: '__unparsable__', raw: data.toString('utf8'), binary: isBinary };
			}
			m.__at = Date.now();
			c.messages.push(m);
			c.pending.push(m);
			if (opts.onMessage) opts.onMessage(m);
			dispatch();
		});
		ws.on('close', (code, reason) => {
			c.isOpen = false;
			c.closeInfo = { code, reason: reason.toString() };
			closedResolve(c.closeInfo);
			for (const w of c.waiters.splice(0)) {
				clearTimeout(w.timer);
				w.reject(new Error(`connection closed (${code} ${reason}) while waiting for ${w.what}; received: ${summary(c.messages)}`));
			}
		});
		ws.on('error', (e) => {
			if (!c.isOpen) reject(e);
		});
		ws.on('open', () => {
			c.isOpen = true;
			resolve(c);
		});

		c.protocol = () => ws.protocol;
		c.send = (obj) => ws.send(JSON.stringify(obj));
		c.sendRaw = (data, o = {}) => ws.send(data, { binary: !!o.binary });
		c.waitFor = (pred, timeout = 10000, what = 'a matching message') => new Promise((res, rej) => {
			const idx = c.pending.findIndex(pred);
			if (idx >= 0) return res(c.pending.splice(idx, 1)[0]);
			if (!c.isOpen) return rej(new Error(`connection closed; waiting for ${what}; received: ${summary(c.messages)}`));
			const waiter = { pred, resolve: res, reject: rej, what };
			waiter.timer = setTimeout(() => {
				const i = c.waiters.indexOf(waiter);
				if (i >= 0) c.waiters.splice(i, 1);
				rej(new Error(`timeout after ${timeout} ms waiting for ${what}; received: ${summary(c.messages)}`));
			}, timeout);
			c.waiters.push(waiter);
		});
		c.next = (type, timeout = 10000) => c.waitFor((m) => m.type === type, timeout, `'${type}'`);
		c.request = (obj, timeout = 10000) => {
			const rid = obj.rid || `r${++ridSeq}`;
			c.send({ ...obj, rid });
			return c.waitFor((m) => m.rid === rid && m.type !== undefined, timeout, `reply to ${obj.type} rid ${rid}`);
		};
		c.drain = () => c.pending.splice(0);
		// Drops pending messages matching pred (e.g. stale stats); returns them.
		c.discard = (pred) => {
			const out = [];
			for (let i = c.pending.length - 1; i >= 0; i--) if (pred(c.pending[i])) out.unshift(...c.pending.splice(i, 1));
			return out;
		};
		// Resolves to true if no message matching pred arrives within ms.
		c.none = async (pred, ms) => {
			try {
				await c.waitFor(pred, ms);
				return false;
			} catch (e) {
				if (/timeout/.test(e.message)) return true;
				throw e;
			}
		};
		c.close = async () => {
			if (ws.readyState === WebSocket.CLOSED) return;
			ws.close();
			const t = setTimeout(() => ws.terminate(), 3000);
			await c.closed;
			clearTimeout(t);
		};
	});
}

function summary(msgs) {
	const s = msgs.slice(-12).map((m) => JSON.stringify(m, (k, v) => (k === '__at' ? undefined : v)).slice(0, 200));
	return `${msgs.length} message(s), last: ${s.join(' | ')}`;
}

/* ------------------------------------------------------------------ */
/* Protocol helpers                                                    */

/** join(wsUrl, name, extra) - connects and joins; resolves to {c, joined}. */
async function join(wsUrl, name, extra = {}) {
	const c = await connect(wsUrl);
	c.send({ type: 'join', code: extra.code || 'SAFE2026', name, ...extra });
	const joined = await c.waitFor((m) => m.type === 'joined' || m.type === 'error', 15000, `joined for ${name}`);
	if (joined.type !== 'joined') throw new Error(`join ${name} failed: ${JSON.stringify(joined)}`);
	return { c, joined };
}

/** host(wsUrl, token, code) - connects as host; resolves to the client after host_ok. */
async function host(wsUrl, token, code = 'SAFE2026') {
	const c = await connect(wsUrl);
	c.send({ type: 'host', code, token });
	const r = await c.waitFor((m) => m.type === 'host_ok' || m.type === 'error', 15000, 'host_ok');
	if (r.type !== 'host_ok') throw new Error(`host failed: ${JSON.stringify(r)}`);
	return c;
}

/** hostCmd(c, type) - sends a host command with a rid and expects `ok`. */
async function hostCmd(c, type, timeout = 10000) {
	const r = await c.request({ type }, timeout);
	if (r.type !== 'ok') throw new Error(`${type} failed: ${JSON.stringify(r)}`);
	return r;
}

/**
 * playPlans(srv, code, players, qids, plans, right, wrong) - the organizer hosts live contest code
 * from start to end: each question of qids opened (every player of players, [{c}], sees it), then
 * player k answers question i as plans[k][i] says ('r': right[qid], '-': no answer, else wrong[qid]),
 * every answer acknowledged, and the question revealed.
 */
async function playPlans(srv, code, players, qids, plans, right, wrong) {
	const c = await host(srv.wsUrl, srv.organizerToken, code);
	for (let i = 0; i < qids.length; i++) {
		await hostCmd(c, i ? 'next' : 'start');
		for (const p of players) await p.c.waitFor((m) => m.type === 'question' && m.id === qids[i], 10000, 'question');
		for (const [k, p] of players.entries()) {
			const plan = plans[k][i];
			if (plan === '-') continue;
			const ack = await p.c.request({ type: 'answer', question_id: qids[i], response: (plan === 'r' ? right : wrong)[qids[i]] });
			assert.equal(ack.type, 'ack', JSON.stringify(ack));
		}
		await hostCmd(c, 'reveal');
	}
	await hostCmd(c, 'end');
	await c.close();
}

/** The correct `response` of a question of the demo contest file (read from the file). */
function contestAnswers(file = DEMO_CONTEST) {
	const def = JSON.parse(fs.readFileSync(path.resolve(ROOT, file), 'utf8'));
	const out = {};
	for (const q of def.questions) out[q.id] = q.answer;
	return out;
}

/**
 * A copy of a contest file (inline questions only: banks are relative to the
 * original) with some top-level fields set, written into this test's output
 * directory; returns its absolute path. contestWith(file, {feedback: 'instant'}).
 */
function contestWith(file, fields, tag = Object.keys(fields).join('-')) {
	const src = path.resolve(ROOT, file);
	const def = JSON.parse(fs.readFileSync(src, 'utf8'));
	if (def.banks) throw new Error(`contestWith: ${file} draws from banks; copy it by hand`);
	Object.assign(def, fields);
	const out = path.join(outDir(), `${path.basename(src, '.json')}-${tag}.json`);
	fs.mkdirSync(path.dirname(out), { recursive: true });
	fs.writeFileSync(out, JSON.stringify(def, null, 1));
	return out;
}

/** The demo contest (or another) giving points at once: the ack carries points, score and rank. */
function instantContest(file = DEMO_CONTEST) {
	return contestWith(file, { feedback: 'instant' });
}

/** percentile(sortedNumbers, p) with p in 0..100 (nearest rank). */
function percentile(sorted, p) {
	if (!sorted.length) return NaN;
	const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[k];
}

module.exports = {
	ROOT,
	DEMO_CONTEST,
	SUBPROTOCOL,
	startServer,
	connect,
	join,
	host,
	hostCmd,
	playPlans,
	psql,
	sql,
	auditOwner,
	redisCli,
	redisCliAuth,
	pgPassfile,
	serverConninfo,
	httpRequest,
	httpGet,
	httpPost,
	services,
	privateServices,
	freePort,
	serverBinary,
	contestAnswers,
	contestWith,
	instantContest,
	percentile,
	sleep,
	outDir,
};
