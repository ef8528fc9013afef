'use strict';
// 23 authorization matrix: every HTTP route (`skillarena routes`) and every
// WebSocket message type (`skillarena messages`), for each role - admin, the
// contest's owner (an organizer), an organizer with no grant on it, and a
// judge, a screen operator and a viewer each granted their role on it - and
// for anonymous: allowed or denied, as written in the tables below. The test
// FAILS when a route or a message type has no row here (or a row names one
// that is gone): adding a route means deciding who may call it, here.
//
// "Allowed" means the access check passed: any answer but 401/403 (HTTP) or
// an error unauthenticated/forbidden (WebSocket). Requests are built so that
// an allowed one changes nothing (a body that fails validation, an id that
// does not exist), except the host commands, which run on the demo contest.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const WebSocket = require('ws');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');

const WHO = ['admin', 'owner', 'organizer', 'judge', 'screen', 'viewer', 'anonymous'];
const CODE = 'SAFE2026';
const NOID = 999999;
const LIVE = 'SHORT2S';

/*
 * HTTP: "METHOD pattern" -> {path, body, fresh, expect}. expect has one letter
 * per column of WHO: A allowed, D denied. fresh: the request runs on a
 * session of its own (it ends sessions).
 */
const ROUTES = {
	'GET /healthz': { path: '/healthz', expect: 'AAAAAAA' },
	'GET /api/contests/{code}': { path: `/api/contests/${CODE}`, expect: 'AAAAAAA' },
	'GET /api/contests/{code}/leaderboard': { path: `/api/contests/${CODE}/leaderboard`, expect: 'AAAAAAA' },
	'GET /api/contests/{code}/units': { path: `/api/contests/${CODE}/units`, expect: 'AAAAAAA' },
	'GET /api/contests/{code}/qr.svg': { path: `/api/contests/${CODE}/qr.svg`, expect: 'AAAAAAA' },
	'GET /api/contests/{code}/board': { path: `/api/contests/${CODE}/board`, expect: 'AAAAAAA' },
	'GET /api/contests/{code}/absent': { path: `/api/contests/${CODE}/absent?unit=x`, expect: 'AADDDAD' },
	'POST /api/contests': { path: '/api/contests', body: '{}', expect: 'AAADDDD' },
	'GET /api/scoring/types': { path: '/api/scoring/types', expect: 'AAAAAAA' },
	'POST /api/login': { path: '/api/login', body: {}, expect: 'AAAAAAA' },
	'POST /api/logout': { path: '/api/logout', fresh: true, expect: 'AAAAAAD' },
	'POST /api/logout-all': { path: '/api/logout-all', fresh: true, expect: 'AAAAAAD' },
	'GET /api/me': { path: '/api/me', expect: 'AAAAAAD' },
	'POST /api/me/password': { path: '/api/me/password', body: {}, expect: 'AAAAAAD' },
	'GET /api/accounts': { path: '/api/accounts', expect: 'ADDDDDD' },
	'POST /api/accounts': { path: '/api/accounts', body: {}, expect: 'ADDDDDD' },
	'GET /api/accounts/{id}': { path: `/api/accounts/${NOID}`, expect: 'ADDDDDD' },
	'PUT /api/accounts/{id}': { path: `/api/accounts/${NOID}`, body: { display_name: 'x' }, expect: 'ADDDDDD' },
	'DELETE /api/accounts/{id}': { path: `/api/accounts/${NOID}`, expect: 'ADDDDDD' },
	'POST /api/accounts/{id}/password': { path: `/api/accounts/${NOID}/password`, body: { password: 'Nobody-pass-1' }, expect: 'ADDDDDD' },
	'GET /api/tokens': { path: '/api/tokens', expect: 'AAAAAAD' },
	'POST /api/tokens': { path: '/api/tokens', body: {}, expect: 'AAAAAAD' },
	'DELETE /api/tokens/{id}': { path: `/api/tokens/${NOID}`, expect: 'AAAAAAD' },
	'GET /api/audit': { path: '/api/audit', expect: 'ADDDDDD' },
	'GET /api/audit.csv': { path: '/api/audit.csv', expect: 'ADDDDDD' },
	/* console contests: SAFE2026 is the contest the principals are granted on; LIVE (SHORT2S)
	 * has the same grants and a question open, so that an allowed delete, archive, publish or
	 * key rotation is refused as live and changes nothing */
	'GET /api/console/contests': { path: '/api/console/contests', expect: 'AAAAAAD' },
	'POST /api/console/contests': { path: '/api/console/contests', body: {}, expect: 'AAADDDD' },
	'POST /api/console/contests/import': { path: '/api/console/contests/import', body: 'x', expect: 'AAADDDD' },
	'GET /api/console/contests/{code}': { path: `/api/console/contests/${CODE}`, expect: 'AADDDDD' },
	'PUT /api/console/contests/{code}': { path: `/api/console/contests/${CODE}`, body: {}, expect: 'AADDDDD' },
	'DELETE /api/console/contests/{code}': { path: `/api/console/contests/${LIVE}`, expect: 'AADDDDD' },
	'GET /api/console/contests/{code}/definition.json': { path: `/api/console/contests/${CODE}/definition.json`, expect: 'AADDDDD' },
	'POST /api/console/contests/{code}/copy': { path: `/api/console/contests/${CODE}/copy`, body: [], expect: 'AADDDDD' },
	'POST /api/console/contests/{code}/publish': { path: `/api/console/contests/${LIVE}/publish`, expect: 'AADDDDD' },
	'POST /api/console/contests/{code}/archive': { path: `/api/console/contests/${LIVE}/archive`, expect: 'AADDDDD' },
	'GET /api/console/contests/{code}/grants': { path: `/api/console/contests/${CODE}/grants`, expect: 'AADDDDD' },
	'PUT /api/console/contests/{code}/grants': { path: `/api/console/contests/${CODE}/grants`, body: {}, expect: 'AADDDDD' },
	'GET /api/console/contests/{code}/screen-key': { path: `/api/console/contests/${CODE}/screen-key`, expect: 'AADDADD' },
	'POST /api/console/contests/{code}/screen-key': { path: `/api/console/contests/${LIVE}/screen-key`, expect: 'AADDDDD' },
	/* banks: organizers; NOBANK does not exist, so an allowed request finds nothing to change */
	'GET /api/banks': { path: '/api/banks', expect: 'AAADDDD' },
	'POST /api/banks': { path: '/api/banks', body: {}, expect: 'AAADDDD' },
	'GET /api/banks/template.xlsx': { path: '/api/banks/template.xlsx', expect: 'AAADDDD' },
	'GET /api/banks/{code}': { path: '/api/banks/NOBANK', expect: 'AAADDDD' },
	'PUT /api/banks/{code}': { path: '/api/banks/NOBANK', body: {}, expect: 'AAADDDD' },
	'DELETE /api/banks/{code}': { path: '/api/banks/NOBANK', expect: 'AAADDDD' },
	'GET /api/banks/{code}/bank.json': { path: '/api/banks/NOBANK/bank.json', expect: 'AAADDDD' },
	'POST /api/banks/{code}/import': { path: '/api/banks/NOBANK/import', body: 'x', expect: 'AAADDDD' },
	'GET /api/banks/{code}/questions': { path: '/api/banks/NOBANK/questions', expect: 'AAADDDD' },
	'GET /api/banks/{code}/questions/{qid}': { path: '/api/banks/NOBANK/questions/q1', expect: 'AAADDDD' },
	'PUT /api/banks/{code}/questions/{qid}': { path: '/api/banks/NOBANK/questions/q1', body: {}, expect: 'AAADDDD' },
	'DELETE /api/banks/{code}/questions/{qid}': { path: '/api/banks/NOBANK/questions/q1', expect: 'AAADDDD' },
	'GET /api/jobs/{id}': { path: `/api/jobs/${NOID}`, expect: 'AAAAAAD' },
	'GET /api/jobs/{id}/file': { path: `/api/jobs/${NOID}/file`, expect: 'AAAAAAD' },

	'GET /api/units': { path: '/api/units', expect: 'AAADDDD' },
	// records: this server has no records secret, so /me answers 503 to anyone (a token is checked only with one)
	'GET /api/records/me': { path: '/api/records/me?token=x', expect: 'AAAAAAA' },
	'GET /api/records': { path: '/api/records?per_page=1', expect: 'AAADDAD' },
	'POST /api/records/exports': { path: '/api/records/exports', body: { what: 'nothing' }, expect: 'AAADDAD' },
	'POST /api/records/revocations': { path: '/api/records/revocations', body: { employee_no: '' }, expect: 'AAADDDD' },
	'GET /api/roster/workers': { path: '/api/roster/workers', expect: 'AAADDDD' },
	'PUT /api/roster/workers/{employee_no}': { path: '/api/roster/workers/NOBODY', body: { name: '' }, expect: 'AAADDDD' },
	'DELETE /api/roster/workers/{employee_no}': { path: '/api/roster/workers/NOBODY', expect: 'AAADDDD' },
	'GET /api/roster/template.xlsx': { path: '/api/roster/template.xlsx', expect: 'AAADDDD' },
	'POST /api/roster/import': { path: '/api/roster/import?mode=none', body: 'x', expect: 'AAADDDD' },
	'GET /api/console/contests/{code}/roster': { path: `/api/console/contests/${CODE}/roster`, expect: 'AADDDAD' },
	'PUT /api/console/contests/{code}/roster': { path: `/api/console/contests/${CODE}/roster`, body: { mode: 'x' }, expect: 'AADDDDD' },
	'GET /api/console/contests/{code}/exceptions': { path: `/api/console/contests/${CODE}/exceptions`, expect: 'AADDDDD' },
	'POST /api/console/contests/{code}/exceptions': { path: `/api/console/contests/${CODE}/exceptions`, body: {}, expect: 'AADDDDD' },
	'GET /api/console/contests/{code}/poster.pdf': { path: `/api/console/contests/${CODE}/poster.pdf?unit=${NOID}`, expect: 'AADDAAD' },
	'GET /api/console/contests/{code}/poster.png': { path: `/api/console/contests/${CODE}/poster.png?unit=${NOID}`, expect: 'AADDAAD' },
	'GET /api/console/contests/{code}/monitor': { path: `/api/console/contests/${CODE}/monitor?page=0`, expect: 'AADDDAD' },
	'GET /api/console/contests/{code}/results': { path: `/api/console/contests/${CODE}/results`, expect: 'AADDDAD' },
	'GET /api/console/contests/{code}/results.xlsx': { path: `/api/console/contests/${CODE}/results.xlsx`, expect: 'AADDDAD' },
	'GET /api/console/contests/{code}/results.csv': { path: `/api/console/contests/${CODE}/results.csv`, expect: 'AADDDAD' },
	'GET /api/console/contests/{code}/analysis': { path: `/api/console/contests/${CODE}/analysis`, expect: 'AADDDAD' },
	'GET /api/console/contests/{code}/analysis/{chart}': { path: `/api/console/contests/${CODE}/analysis/scores.svg`, expect: 'AADDDAD' },
	'POST /api/console/contests/{code}/results/publish': { path: `/api/console/contests/${CODE}/results/publish`, body: {}, expect: 'AADDDDD' },
	'POST /api/console/contests/{code}/results/finalize': { path: `/api/console/contests/${CODE}/results/finalize`, body: { force: 'x' }, expect: 'AADDDDD' },
	'GET /api/console/contests/{code}/appeals': { path: `/api/console/contests/${CODE}/appeals?status=x`, expect: 'AADADDD' },
	'POST /api/console/contests/{code}/appeals/{id}/decide': { path: `/api/console/contests/${CODE}/appeals/${NOID}/decide`, body: {}, expect: 'AADADDD' },
	'GET /api/results/{code}': { path: `/api/results/${CODE}`, expect: 'AAAAAAA' },
	'POST /api/appeals': { path: '/api/appeals', body: { token: 'f'.repeat(32) }, expect: 'AAAAAAA' },
	'POST /api/appeals/mine': { path: '/api/appeals/mine', body: { token: 5 }, expect: 'AAAAAAA' },
	'POST /api/console/contests/{code}/certificates': { path: `/api/console/contests/${CODE}/certificates`, body: { kind: 'none' }, expect: 'AADDDDD' },
	'POST /api/console/contests/{code}/certificates/{participant_id}': { path: `/api/console/contests/${CODE}/certificates/${NOID}`, body: { kind: 'none' }, expect: 'AADDDDD' },
	'GET /api/console/contests/{code}/certificates': { path: `/api/console/contests/${CODE}/certificates?kind=none`, expect: 'AADDDAD' },
	'POST /api/certificates/{id}/revoke': { path: '/api/certificates/AAAAAAAAAAAAAAAAAAAAAA/revoke', body: {}, expect: 'AAADDDD' },
	'GET /.well-known/jwks.json': { path: '/.well-known/jwks.json', expect: 'AAAAAAA' },
	'GET /verify/{id}': { path: '/verify/AAAAAAAAAAAAAAAAAAAAAA', expect: 'AAAAAAA' },
	'GET /api/certificates/{id}': { path: '/api/certificates/AAAAAAAAAAAAAAAAAAAAAA', expect: 'AAAAAAA' },
	'GET /api/certificates/{id}/ob3': { path: '/api/certificates/AAAAAAAAAAAAAAAAAAAAAA/ob3', expect: 'AAAAAAA' },
	'POST /api/certificates/verify': { path: '/api/certificates/verify', body: {}, expect: 'AAAAAAA' },
	/* certificate templates (28): a bad member, a bad PNG, no seal to remove, a bad kind: nothing changes */
	'GET /api/console/contests/{code}/certificate-template': { path: `/api/console/contests/${CODE}/certificate-template`, expect: 'AADDDAD' },
	'PUT /api/console/contests/{code}/certificate-template': { path: `/api/console/contests/${CODE}/certificate-template`, body: { title: 3 }, expect: 'AADDDDD' },
	'GET /api/console/contests/{code}/certificate-template/seal': { path: `/api/console/contests/${CODE}/certificate-template/seal`, expect: 'AADDDAD' },
	'PUT /api/console/contests/{code}/certificate-template/seal': { path: `/api/console/contests/${CODE}/certificate-template/seal`, body: 'x', expect: 'AADDDDD' },
	'DELETE /api/console/contests/{code}/certificate-template/seal': { path: `/api/console/contests/${CODE}/certificate-template/seal`, expect: 'AADDDDD' },
	'GET /api/console/contests/{code}/certificate-template/preview.pdf': { path: `/api/console/contests/${CODE}/certificate-template/preview.pdf?kind=none`, expect: 'AADDDAD' },
};

/*
 * WebSocket: type -> {send, host, expect}. host: sent after `host` on the
 * same connection when the principal may host (the commands need the host
 * role; the others send them as they are). The contest has a screen key,
 * and `watch` sends none: the principal decides.
 */
const MESSAGES = {
	join: { send: { type: 'join', code: CODE, name: '矩阵测试' }, expect: 'AAAAAAA' },
	resume: { send: { type: 'resume', token: 'f'.repeat(32) }, expect: 'AAAAAAA' },
	answer: { join: true, send: { type: 'answer', question_id: 'q1', response: 0 }, expect: 'AAAAAAA' },
	/* the self-paced messages: players only (any principal may be a player); in a live contest
	 * they get wrong_mode, which is not a refusal of who sends them */
	attempts: { join: true, send: { type: 'attempts' }, expect: 'AAAAAAA' },
	attempt_start: { join: true, send: { type: 'attempt_start' }, expect: 'AAAAAAA' },
	save: { join: true, send: { type: 'save', attempt_id: NOID, index: 0, response: 0, change: 1 }, expect: 'AAAAAAA' },
	flag: { join: true, send: { type: 'flag', attempt_id: NOID, index: 0, flagged: true }, expect: 'AAAAAAA' },
	review: { join: true, send: { type: 'review', attempt_id: NOID }, expect: 'AAAAAAA' },
	submit: { join: true, send: { type: 'submit', attempt_id: NOID }, expect: 'AAAAAAA' },
	attempt_result: { join: true, send: { type: 'attempt_result', attempt_id: NOID }, expect: 'AAAAAAA' },
	practice_start: { join: true, send: { type: 'practice_start' }, expect: 'AAAAAAA' },
	practice_next: { join: true, send: { type: 'practice_next' }, expect: 'AAAAAAA' },
	notebook: { join: true, send: { type: 'notebook' }, expect: 'AAAAAAA' },
	progress: { join: true, send: { type: 'progress' }, expect: 'AAAAAAA' },
	/* boards of exam and mass contests: hosts and screens (here: hosts, after host); in a
	 * live contest the host's show/hide of the screens' board (bad_message without show) */
	board: { host: true, send: { type: 'board' }, expect: 'AADDDDD' },
	host: { send: { type: 'host', code: CODE }, expect: 'AADDDDD' },
	start: { host: true, send: { type: 'start' }, expect: 'AADDDDD' },
	next: { host: true, send: { type: 'next' }, expect: 'AADDDDD' },
	reveal: { host: true, send: { type: 'reveal' }, expect: 'AADDDDD' },
	end: { host: true, send: { type: 'end' }, expect: 'AADDDDD' },
	release: { host: true, send: { type: 'release', participant_id: NOID }, expect: 'AADDDDD' },
	/* the host's hand on a live contest (issue 10): the same as the other commands */
	pause: { host: true, send: { type: 'pause' }, expect: 'AADDDDD' },
	extend: { host: true, send: { type: 'extend', ms: 1000 }, expect: 'AADDDDD' },
	remove: { host: true, send: { type: 'remove', participant_id: NOID }, expect: 'AADDDDD' },
	rename: { host: true, send: { type: 'rename', participant_id: NOID, name: '矩阵测试' }, expect: 'AADDDDD' },
	watch: { send: { type: 'watch', code: CODE }, expect: 'AADAAAD' },
	ping: { send: { type: 'ping' }, expect: 'AAAAAAA' },
};

let srv;
const who = {}; // name -> {client (or null), password, username}

function table(cmd) {
	return JSON.parse(execFileSync(h.serverBinary(), [cmd], { cwd: h.ROOT, encoding: 'utf8' }));
}

async function relogin(name) {
	const w = who[name];
	if (w.username) w.client = await con.login(srv.url, w.username, w.password);
}

before(async () => {
	srv = await h.startServer({
		args: ['--host-login-failures', '1000'],
		contests: [h.DEMO_CONTEST, 'tests/integration/data/short.json'],
	});
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	const admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	who.admin = { client: admin, username: 'admin', password: 'Admin-pass-1' };
	const roles = { owner: 'organizer', organizer: 'organizer', judge: 'judge', screen: 'screen', viewer: 'viewer' };
	for (const [name, role] of Object.entries(roles)) {
		const c = await con.account(srv, admin, `m-${name}`, role);
		who[name] = { client: c, username: `m-${name}`, password: c.password, id: c.id };
	}
	who.anonymous = { client: con.client(srv.url) };
	await srv.psql(`UPDATE contests SET owner_id = ${who.owner.id}, screen_key = 'k${'7'.repeat(31)}' WHERE code = '${CODE}'`);
	await srv.psql(`UPDATE contests SET owner_id = ${who.owner.id}, status = 'live', phase = 'question' WHERE code = '${LIVE}'`);
	for (const name of ['judge', 'screen', 'viewer']) {
		await srv.psql(`INSERT INTO contest_grants (contest_id, account_id, role)
			SELECT id, ${who[name].id}, '${name}' FROM contests WHERE code IN ('${CODE}', '${LIVE}')`);
	}
});
after(async () => { if (srv) await srv.stop(); });

describe('every route and message has a row', () => {
	test('skillarena routes: each route is in the HTTP matrix, and each row is a route', () => {
		const routes = table('routes').map((r) => `${r.method} ${r.pattern}`);
		const missing = routes.filter((r) => !(r in ROUTES));
		const gone = Object.keys(ROUTES).filter((r) => !routes.includes(r));
		assert.deepEqual(missing, [], `routes without a row in tests/integration/23-authz-matrix.test.js: ${missing.join(', ')}`);
		assert.deepEqual(gone, [], `rows for routes that do not exist: ${gone.join(', ')}`);
	});

	test('skillarena messages: each message type is in the WebSocket matrix, and each row is a type', () => {
		const types = table('messages').map((m) => m.type);
		const missing = types.filter((t) => !(t in MESSAGES));
		const gone = Object.keys(MESSAGES).filter((t) => !types.includes(t));
		assert.deepEqual(missing, [], `message types without a row in tests/integration/23-authz-matrix.test.js: ${missing.join(', ')}`);
		assert.deepEqual(gone, [], `rows for message types that do not exist: ${gone.join(', ')}`);
	});
});

describe('HTTP', () => {
	for (const [route, row] of Object.entries(ROUTES)) {
		test(route, async () => {
			const method = route.split(' ')[0];
			const got = [];
			for (let i = 0; i < WHO.length; i++) {
				const name = WHO[i];
				let c = who[name].client;
				if (row.fresh && who[name].username) c = await con.login(srv.url, who[name].username, who[name].password);
				const r = await c.req(method, row.path, row.body);
				if (row.expect[i] === 'D') {
					const want = name === 'anonymous' ? 401 : 403;
					assert.equal(r.status, want, `${route} as ${name}: ${r.status} ${r.body.slice(0, 200)}`);
					assert.notEqual(r.json && r.json.error.code, 'csrf_failed', `${route} as ${name}: CSRF, not access`);
				} else {
					assert.ok(r.status !== 401 && r.status !== 403, `${route} as ${name}: ${r.status} ${r.body.slice(0, 200)}`);
				}
				got.push(r.status);
			}
			if (row.fresh) for (const name of WHO) await relogin(name); // logout-all ended them all
		});
	}
});

/* A WebSocket as the principal's browser opens it: with its session cookie. */
function open(name) {
	const c = who[name].client;
	const headers = c && c.session ? { cookie: `sa_session=${c.session}` } : {};
	const ws = new WebSocket(srv.wsUrl, h.SUBPROTOCOL, { headers });
	const got = [];
	let n = 0;
	ws.on('message', (d) => got.push(JSON.parse(d)));
	const ready = new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
	ws.ask = async (msg) => {
		const rid = `r${++n}`;
		ws.send(JSON.stringify({ ...msg, rid }));
		for (let i = 0; i < 400; i++) {
			const m = got.find((x) => x.rid === rid);
			if (m) return m;
			await h.sleep(25);
		}
		throw new Error(`${name}: no reply to ${JSON.stringify(msg)}: ${JSON.stringify(got.slice(-5))}`);
	};
	return ready.then(() => ws);
}

const refused = (m) => m.type === 'error' && (m.code === 'forbidden' || m.code === 'unauthenticated');

describe('WebSocket', () => {
	for (const [type, row] of Object.entries(MESSAGES)) {
		test(type, async () => {
			for (let i = 0; i < WHO.length; i++) {
				const name = WHO[i];
				const ws = await open(name);
				try {
					if (row.host && row.expect[i] === 'A') {
						const hosted = await ws.ask({ type: 'host', code: CODE });
						assert.equal(hosted.type, 'host_ok', `${name} hosts`);
					}
					if (row.join) assert.equal((await ws.ask({ type: 'join', code: CODE, name: `矩阵${name}` })).type, 'joined');
					const m = await ws.ask(row.send);
					if (row.expect[i] === 'D') {
						assert.ok(refused(m), `${type} as ${name} should be refused: ${JSON.stringify(m)}`);
						if (!row.host) assert.equal(m.code, name === 'anonymous' && type === 'host' ? 'unauthenticated' : 'forbidden');
					} else
						assert.ok(!refused(m), `${type} as ${name} should pass: ${JSON.stringify(m)}`);
				} finally {
					ws.close();
				}
			}
		});
	}

	test('watch with the screen key: anyone; with a wrong key and no access: forbidden (key)', async () => {
		for (const name of WHO) {
			const ws = await open(name);
			const m = await ws.ask({ type: 'watch', code: CODE, key: `k${'7'.repeat(31)}` });
			assert.equal(m.type, 'watching', name);
			ws.close();
		}
		const ws = await open('anonymous');
		const m = await ws.ask({ type: 'watch', code: CODE, key: 'k'.repeat(32) });
		assert.equal(m.code, 'forbidden');
		assert.match(m.message, /key/);
		ws.close();
	});

	test('host with a token in the message: the owner\'s API token, the organizer token; another organizer\'s token is refused', async () => {
		const tok = (await who.owner.client.post('/api/tokens', { name: 'host script' })).json.token;
		const other = (await who.organizer.client.post('/api/tokens', { name: 'x' })).json.token;
		for (const [token, want] of [[tok, 'host_ok'], [srv.organizerToken, 'host_ok'], [other, 'error']]) {
			const ws = await open('anonymous');
			const m = await ws.ask({ type: 'host', code: CODE, token });
			assert.equal(m.type, want, JSON.stringify(m));
			ws.close();
		}
	});
});
