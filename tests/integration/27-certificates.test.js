'use strict';
// 27 certificates (证书) on two processes sharing one signing key that the
// first start makes (both race to make it: one file, one key): a finished
// contest with 64-character Chinese names issues award and participation
// certificates in bulk as a job (progress polled), again (idempotent: none
// new), one by one; the list; PDFs read by pdftotext (the name) and zbarimg
// (the QR code: --public-url/verify/ID); the OB 3.0 VC-JWT verified by the
// npm package jose with the key of /.well-known/jwks.json and validated by
// ajv against the OB 3.0 schema (as make check-certs does); the public
// verdict; revocation (audited; a second one is 409); a PDF's JWS posted to
// /api/certificates/verify; `skillarena verify` offline on a good and a
// tampered PDF, with a JWKS file or the database; a server of another
// machine with its own RS256 key (rotation): both keys served and trusted.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');

const CODE = 'CERT2026';
const PUBLIC = 'https://skills.example.cn/arena';
const ROOT = path.resolve(__dirname, '../..');
const NAME64 = '欧阳铁柱'.repeat(16);
const RIGHT = { c1: true, c2: 1 };
const WRONG = { c1: false, c2: 0 };
// name, employee number, plan per question (r right, w wrong)
const PLAYERS = [
	[NAME64, 'C-001', 'rr'], ['司马'.repeat(32), 'C-002', 'rw'], ['张三', 'C-003', 'rw'],
	['李四', 'C-004', 'ww'], ['王五', null, 'ww'],
];
let srv, admin, owner, other, viewer, tmp, keyFile;
const players = [];
const squeeze = (s) => s.replace(/\s+/g, '');
const get = (base, p) => con.request(base, 'GET', p);
const post = (base, p, body) => con.request(base, 'POST', p, { body });

/*
 * Once the results lifecycle (result_releases, migration 060) is in the tree,
 * certificates come from the final revision: publish with no notice period
 * and finalize, as an organizer does. Resolves to whether it did.
 */
let releases = false;
async function finalResults(c) {
	releases = (await srv.sql(`SELECT to_regclass('result_releases') IS NOT NULL AS x`))[0].x;
	if (!releases) return false;
	const p = await c.post(`/api/console/contests/${CODE}/results/publish`, { notice_days: 0 });
	assert.ok(p.status < 300, p.body);
	const f = await c.post(`/api/console/contests/${CODE}/results/finalize`, {});
	assert.ok(f.status < 300, f.body);
	return true;
}

/* A participant's name where the final ranking is read (certrows.c), bypassing a final revision's guard. */
async function setRankedName(pid, name) {
	await srv.psql(`UPDATE contest_results SET name = '${name}' WHERE participant_id = ${pid}`);
	if (releases) {
		await srv.psql(`ALTER TABLE result_release_rows DISABLE TRIGGER USER;
			UPDATE result_release_rows SET name = '${name}' WHERE participant_id = ${pid};
			ALTER TABLE result_release_rows ENABLE TRIGGER USER`);
	}
}

async function jobDone(c, id, seen = []) {
	for (let i = 0; i < 600; i++) {
		const j = (await c.get(`/api/jobs/${id}`)).json;
		seen.push(j.progress);
		if (j.status === 'done' || j.status === 'failed') return j;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`job ${id} did not end`);
}

before(async () => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-certs-'));
	fs.mkdirSync(path.join(tmp, 'secrets'), { mode: 0o700 });
	keyFile = path.join(tmp, 'secrets', 'cert-signing-key.pem');
	srv = await h.startServer({ processes: 2, contests: [h.DEMO_CONTEST, 'tests/integration/data/certs.json'],
		args: ['--cert-key-file', keyFile, '--public-url', PUBLIC] });
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	const o = await con.account(srv, admin, 'owner', 'organizer');
	owner = Object.assign(await con.login(srv.urls[1], 'owner', o.password || 'owner-Pass-123', { lang: 'zh-CN' }), { id: o.id });
	other = await con.account(srv, admin, 'other', 'organizer');
	const v = await con.account(srv, admin, 'viewer1', 'viewer');
	viewer = v;
	await srv.psql(`UPDATE contests SET owner_id = ${o.id} WHERE code = '${CODE}'`);
	await srv.psql(`INSERT INTO contest_grants (contest_id, account_id, role) SELECT id, ${v.id}, 'viewer' FROM contests WHERE code = '${CODE}'`);
	for (const [i, [name, emp]] of PLAYERS.entries()) {
		const extra = { code: CODE, unit: `第${i % 2 + 1}车间` };
		if (emp) extra.employee_no = emp;
		const { c, joined } = await h.join(srv.wsUrls[i % 2], name, extra);
		players.push({ c, joined, name, emp });
	}
});
after(async () => {
	for (const p of players) await p.c.close();
	if (srv) await srv.stop();
	if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('certificates', () => {
	let awardId, partId, awardPdf;

	test('one key, made at the first start by one of the two processes, mode 0600, in signing_keys', async () => {
		const st = fs.statSync(keyFile);
		assert.equal(st.mode & 0o777, 0o600);
		const rows = await srv.sql('SELECT kid, alg, public_jwk FROM signing_keys');
		assert.equal(rows.length, 1, 'both processes sign with the same key');
		assert.equal(rows[0].alg, 'ES256');
		assert.equal(rows[0].public_jwk.d, undefined);
		const r = await get(srv.urls[1], `/.well-known/jwks.json`);
		assert.equal(r.status, 200);
		assert.match(r.headers['cache-control'], /public, max-age=\d+/);
		const jwks = JSON.parse(r.body);
		assert.deepEqual(jwks.keys.map((k) => k.kid), [rows[0].kid]);
		assert.ok(fs.readdirSync(path.dirname(keyFile)).every((f) => !f.endsWith('.tmp')), 'no temporary file left');
	});

	test('refused before the contest ends (409), for a viewer (403), with a bad kind (400)', async () => {
		const r = await owner.post(`/api/console/contests/${CODE}/certificates`, { kind: 'all' });
		assert.equal(r.status, 409, r.body);
		assert.match(r.json.error.message, /尚未结束/);
		const vc = await con.login(srv.url, 'viewer1', viewer.password || 'viewer1-Pass-123');
		assert.equal((await vc.post(`/api/console/contests/${CODE}/certificates`, { kind: 'all' })).status, 403);
		const b = await owner.post(`/api/console/contests/${CODE}/certificates`, { kind: 'gold' });
		assert.equal(b.status, 400);
		assert.equal(b.json.error.field, 'kind');
	});

	test('the contest is played to its end', async () => {
		const hc = await h.host(srv.wsUrl, srv.organizerToken, CODE);
		const qids = ['c1', 'c2'];
		for (let i = 0; i < qids.length; i++) {
			await h.hostCmd(hc, i ? 'next' : 'start');
			for (const p of players) await p.c.waitFor((m) => m.type === 'question' && m.id === qids[i], 10000, 'question');
			for (const [k, p] of players.entries()) {
				const plan = PLAYERS[k][2][i];
				const ack = await p.c.request({ type: 'answer', question_id: qids[i], response: (plan === 'r' ? RIGHT : WRONG)[qids[i]] });
				assert.equal(ack.type, 'ack', JSON.stringify(ack));
			}
			await h.hostCmd(hc, 'reveal');
		}
		await h.hostCmd(hc, 'end');
		await hc.close();
	});

	test('bulk issue as a job: progress, award and participation certificates, then idempotent', async () => {
		await finalResults(owner);
		const r = await owner.post(`/api/console/contests/${CODE}/certificates`, { kind: 'all' });
		assert.equal(r.status, 202, r.body);
		assert.equal(r.json.kind, 'certificates');
		const seen = [];
		const j = await jobDone(admin, r.json.id, seen);
		assert.equal(j.status, 'done', JSON.stringify(j));
		assert.equal(j.progress, 1);
		assert.ok(seen.every((p, i) => i === 0 || p >= seen[i - 1]), `progress never goes back: ${seen}`);
		// 一等奖 1 (C-001), 二等奖 2 (C-002, C-003 tied on total and wrong: both), everyone takes part
		assert.equal(j.report.issued, 3 + PLAYERS.length, JSON.stringify(j.report));
		assert.equal(j.report.failed, 0);
		assert.equal(j.report.revision, releases ? 1 : 0, 'the final revision, or the ranking cache before releases exist');
		const again = await owner.post(`/api/console/contests/${CODE}/certificates`, { kind: 'all' });
		const j2 = await jobDone(owner, again.json.id);
		assert.equal(j2.status, 'done');
		assert.equal(j2.report.issued, 0);
		assert.equal(j2.report.existing, 3 + PLAYERS.length);
		const rows = await srv.sql(`SELECT kind, name, award, id FROM certificates ORDER BY kind, name`);
		assert.equal(rows.length, 3 + PLAYERS.length);
		awardId = rows.find((x) => x.kind === 'award' && x.name === NAME64).id;
		partId = rows.find((x) => x.kind === 'participation' && x.name === '张三').id;
		assert.equal(rows.find((x) => x.id === awardId).award, '一等奖');
		assert.match(awardId, /^[A-Za-z0-9_-]{22}$/);
		const queued = await srv.sql(`SELECT ref FROM xapi_outbox WHERE kind = 'certificate' ORDER BY ref COLLATE "C"`);
		assert.deepEqual(queued.map((x) => x.ref), rows.map((x) => x.id).sort(), 'one xAPI statement queued per certificate, once');
		await con.waitAudit(srv, "action = 'certificate.issue'", 2);
	});

	test('one by one: an existing one is 200, a participant without an award gets no award certificate', async () => {
		const pid = players[3].joined.participant_id ?? (await srv.sql(`SELECT id FROM participants WHERE name = '李四'`))[0].id;
		const r = await owner.post(`/api/console/contests/${CODE}/certificates/${pid}`, {});
		assert.equal(r.status, 200, r.body);
		assert.deepEqual(r.json.certificates.map((c) => c.kind), ['participation']);
		const a = await owner.post(`/api/console/contests/${CODE}/certificates/${pid}`, { kind: 'award' });
		assert.equal(a.status, 400, a.body);
		assert.equal((await owner.post(`/api/console/contests/${CODE}/certificates/999999`, {})).status, 404);
		await srv.psql(`DELETE FROM certificates WHERE participant_id = ${pid}`);
		await setRankedName(pid, '长'.repeat(129));
		const long = await owner.post(`/api/console/contests/${CODE}/certificates/${pid}`, {});
		assert.equal(long.status, 400, long.body);
		assert.equal(long.json.error.field, 'name');
		assert.match(long.json.error.message, /129/);
		assert.equal((await srv.sql(`SELECT count(*)::int AS n FROM certificates WHERE participant_id = ${pid}`))[0].n, 0);
		await setRankedName(pid, '李四');
		const n = await owner.post(`/api/console/contests/${CODE}/certificates/${pid}`, {});
		assert.equal(n.status, 201, n.body);
		assert.equal(n.json.issued, 1);
	});

	test('the list, with kinds and pages; viewers may read it', async () => {
		const vc = await con.login(srv.url, 'viewer1', viewer.password || 'viewer1-Pass-123');
		const r = await vc.get(`/api/console/contests/${CODE}/certificates?kind=award`);
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.total, 3);
		assert.deepEqual(r.json.certificates.map((c) => c.award).sort(), ['一等奖', '二等奖', '二等奖']);
		const p = await owner.get(`/api/console/contests/${CODE}/certificates?per_page=2&page=2`);
		assert.equal(p.json.certificates.length, 2);
		assert.equal(p.json.total, 3 + PLAYERS.length);
		assert.equal((await owner.get(`/api/console/contests/${CODE}/certificates?kind=x`)).status, 400);
	});

	test('the PDF: pdftotext finds the 64-character name, zbarimg the verify URL of --public-url', async () => {
		const r = await get(srv.urls[0], `/api/certificates/${awardId}.pdf`);
		assert.equal(r.status, 200);
		assert.equal(r.headers['content-type'], 'application/pdf');
		awardPdf = path.join(tmp, 'award.pdf');
		fs.writeFileSync(awardPdf, r.raw);
		const text = squeeze(execFileSync('pdftotext', ['-enc', 'UTF-8', awardPdf, '-'], { encoding: 'utf8' }));
		assert.ok(text.includes(NAME64), text);
		assert.ok(text.includes('一等奖'));
		assert.ok(text.includes('示范市总工会'));
		execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', awardPdf, path.join(tmp, 'page')]);
		const qr = execFileSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', path.join(tmp, 'page.png')],
			{ encoding: 'utf8' }).trim();
		assert.equal(qr, `${PUBLIC}/verify/${awardId}`);
	});

	test('the OB 3.0 VC-JWT: jose verifies it with the key of /.well-known/jwks.json; ajv validates the schema', async () => {
		const { jwtVerify, importJWK, decodeProtectedHeader } = await import('jose');
		const Ajv2019 = (await import('ajv/dist/2019.js')).default;
		const addFormats = (await import('ajv-formats')).default;
		const r = await get(srv.urls[1], `/api/certificates/${awardId}/ob3`);
		assert.equal(r.status, 200);
		const jwt = r.body.trim();
		const jwks = JSON.parse((await get(srv.url, `/.well-known/jwks.json`)).body);
		const header = decodeProtectedHeader(jwt);
		assert.equal(header.kid, `${PUBLIC}/.well-known/jwks.json#${jwks.keys[0].kid}`);
		const jwk = jwks.keys.find((k) => k.kid === header.kid.split('#')[1]);
		const { payload } = await jwtVerify(jwt, await importJWK(jwk, jwk.alg), { algorithms: ['ES256', 'RS256'], issuer: PUBLIC });
		assert.equal(payload.issuer.id, PUBLIC);
		const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/data/certs/ob_v3p0_achievementcredential_schema.json'), 'utf8'));
		const ajv = new Ajv2019({ allErrors: true, strict: false });
		addFormats(ajv);
		const validate = ajv.compile(schema);
		assert.ok(validate(payload), JSON.stringify(validate.errors));
		const broken = structuredClone(payload);
		delete broken.credentialSubject.achievement;
		assert.equal(validate(broken), false, 'the schema check can fail');
	});

	test('the public verdict: valid with its data; unknown and malformed ids', async () => {
		const r = await get(srv.url, `/api/certificates/${awardId}`);
		assert.equal(r.status, 200, r.body);
		const j = JSON.parse(r.body);
		assert.equal(j.verdict, 'valid');
		assert.equal(j.certificate.name, NAME64);
		assert.equal(j.certificate.award, '一等奖');
		assert.equal(j.certificate.contest_code, CODE);
		const u = await get(srv.url, `/api/certificates/AAAAAAAAAAAAAAAAAAAAAA`);
		assert.equal(u.status, 404);
		assert.equal(u.json.verdict, 'unknown');
		assert.equal(u.json.error.code, 'not_found');
		assert.equal((await get(srv.url, `/api/certificates/short`)).status, 404);
	});

	test('revoke: another organizer 403, the owner 200 (audited), again 409; the verdict says revoked', async () => {
		const o = await other.post(`/api/certificates/${partId}/revoke`, { reason: '成绩更正' });
		assert.equal(o.status, 403, o.body);
		const empty = await owner.post(`/api/certificates/${partId}/revoke`, { reason: ' ' });
		assert.equal(empty.status, 400);
		assert.equal(empty.json.error.field, 'reason');
		const r = await owner.post(`/api/certificates/${partId}/revoke`, { reason: '成绩更正' });
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.verdict, 'revoked');
		const again = await admin.post(`/api/certificates/${partId}/revoke`, { reason: '再次撤销' });
		assert.equal(again.status, 409, again.body);
		assert.equal(again.json.error.code, 'conflict');
		assert.match(again.json.error.message, /revoked already|已被撤销/);
		const v = JSON.parse((await get(srv.urls[1], `/api/certificates/${partId}`)).body);
		assert.equal(v.verdict, 'revoked');
		assert.equal(v.revoke_reason, '成绩更正');
		const audit = await con.waitAudit(srv, "action = 'certificate.revoke'", 1);
		assert.equal(audit.length, 1);
		const l = await owner.get(`/api/console/contests/${CODE}/certificates?kind=participation`);
		assert.equal(l.json.revoked, 1);
		assert.equal(l.json.certificates.find((c) => c.id === partId).revoke_reason, '成绩更正');
		assert.equal((await owner.post('/api/certificates/AAAAAAAAAAAAAAAAAAAAAA/revoke', { reason: 'x' })).status, 404);
	});

	test('POST /api/certificates/verify: the JWS of a PDF is valid; a tampered one is invalid', async () => {
		const jws = execFileSync('pdfinfo', [awardPdf], { encoding: 'utf8' }).match(/^Keywords:\s+(\S+)$/m)[1];
		const r = await post(srv.url, '/api/certificates/verify', { jws });
		assert.equal(r.status, 200, r.body);
		const j = JSON.parse(r.body);
		assert.equal(j.verdict, 'valid');
		assert.equal(j.id, awardId);
		const [hd, p, s] = jws.split('.');
		const forged = Buffer.from(Buffer.from(p, 'base64url').toString().replace('一等奖', '特等奖')).toString('base64url');
		const t = (await post(srv.url, '/api/certificates/verify', { jws: `${hd}.${forged}.${s}` })).json;
		assert.equal(t.verdict, 'invalid');
		assert.equal(t.reason, 'bad_signature');
	});
	test('skillarena verify: a good PDF (0), a tampered one (1), with --jwks offline, by id (revoked: 1)', async () => {
		const ok = await srv.cli(['verify', awardPdf, '--lang', 'en']);
		assert.equal(ok.code, 0, ok.stdout + ok.stderr);
		assert.match(ok.stdout, new RegExp(`award\\.pdf: valid ${awardId} ${NAME64} / 一等奖 / `));
		const pdf = fs.readFileSync(awardPdf);
		const jws = execFileSync('pdfinfo', [awardPdf], { encoding: 'utf8' }).match(/^Keywords:\s+(\S+)$/m)[1];
		const at = pdf.indexOf(jws.split('.')[1].slice(30, 50));
		assert.ok(at > 0);
		pdf[at] = pdf[at] === 0x51 ? 0x52 : 0x51;
		const bad = path.join(tmp, 'tampered.pdf');
		fs.writeFileSync(bad, pdf);
		const t = await srv.cli(['verify', bad, awardPdf, '--lang', 'en']);
		assert.equal(t.code, 1, t.stdout + t.stderr);
		assert.match(t.stdout, /tampered\.pdf: invalid: bad_signature/);
		assert.match(t.stdout, /award\.pdf: valid/, 'every argument is checked');
		const jwksFile = path.join(tmp, 'jwks.json');
		fs.writeFileSync(jwksFile, (await get(srv.url, '/.well-known/jwks.json')).body);
		const off = await srv.cli(['verify', '--jwks', jwksFile, awardPdf]);
		assert.equal(off.code, 0, off.stdout + off.stderr);
		assert.match(off.stdout, /revocation not checked/);
		const jwtFile = path.join(tmp, 'award.ob3.jwt');
		fs.writeFileSync(jwtFile, (await get(srv.url, `/api/certificates/${awardId}/ob3`)).body);
		const ob3 = await srv.cli(['verify', jwtFile]);
		assert.equal(ob3.code, 0, ob3.stdout + ob3.stderr);
		assert.match(ob3.stdout, /award\.ob3\.jwt: valid OB 3\.0 credential/);
		const r = await srv.cli(['verify', partId]);
		assert.equal(r.code, 1, r.stdout + r.stderr);
		assert.match(r.stdout, new RegExp(`${partId}: revoked ${partId}: .*成绩更正`));
		const u = await srv.cli(['verify', 'AAAAAAAAAAAAAAAAAAAAAA']);
		assert.equal(u.code, 1);
		assert.match(u.stdout, /unknown/);
		const dash = await srv.cli(['verify', '-AAAAAAAAAAAAAAAAAAAAA']);
		assert.equal(dash.code, 1, 'an id may begin with - (base64url): not an option');
		assert.match(dash.stdout, /-A{21}: unknown/);
		assert.equal((await srv.cli(['verify'])).code, 2);
		assert.equal((await srv.cli(['verify', '--bogus', awardPdf])).code, 2);
	});
	test('another machine with its own RS256 key: both keys served, its OB 3.0 VC-JWT verifies with RS256, the first key\'s certificates stay valid', async () => {
		const { jwtVerify, importJWK, decodeProtectedHeader } = await import('jose');
		const srv2 = await h.startServer({ db: srv.db, contests: [h.DEMO_CONTEST],
			args: ['--cert-key-file', path.join(tmp, 'secrets', 'other-key.pem'), '--cert-alg', 'RS256', '--public-url', PUBLIC] });
		try {
			const jwks = (await get(srv2.url, '/.well-known/jwks.json')).json;
			assert.deepEqual(jwks.keys.map((k) => k.alg).sort(), ['ES256', 'RS256']);
			assert.ok(jwks.keys.every((k) => k.d === undefined && k.p === undefined), 'public members only');
			const pid = (await srv.sql(`SELECT id FROM participants WHERE name = '李四'`))[0].id;
			await srv.psql(`DELETE FROM certificates WHERE participant_id = ${pid}`);
			const api = con.bearer(srv2.url, srv2.organizerToken);
			const r = await api.post(`/api/console/contests/${CODE}/certificates/${pid}`, { kind: 'participation' });
			assert.equal(r.status, 201, r.body);
			const id = r.json.certificates[0].id;
			const jwt = (await get(srv2.url, `/api/certificates/${id}/ob3`)).body.trim();
			const header = decodeProtectedHeader(jwt);
			assert.equal(header.alg, 'RS256');
			const jwk = jwks.keys.find((k) => k.kid === header.kid.split('#')[1]);
			assert.equal(jwk.kty, 'RSA');
			await jwtVerify(jwt, await importJWK(jwk, 'RS256'), { algorithms: ['RS256'], issuer: PUBLIC });
			assert.equal((await get(srv.url, `/api/certificates/${id}`)).json.verdict, 'valid', 'the first process verifies the new key');
			assert.equal((await get(srv2.url, `/api/certificates/${awardId}`)).json.verdict, 'valid', 'and the second the first key');
		} finally {
			await srv2.stop();
		}
	});
});
