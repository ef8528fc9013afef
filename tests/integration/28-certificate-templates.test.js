'use strict';
// 28 certificate templates (证书模板, issue 14) on two processes: a contest's
// template and seal set on one process, certificates issued on the other;
// pdftotext finds the custom title, the issuer and the 64-character Chinese
// name in the PDF, pdfimages lists the seal, zbarimg still decodes the QR
// code. Bad members are 400 naming the member and change nothing; a bad PNG
// is 400 and keeps the old seal; deleting the seal twice is 200 then 404;
// an organizer without a grant is 403. A certificate issued before a change
// is rendered as issued (its template version), one issued after with the
// new one; the version no certificate names is removed; every change is
// audited with the hashes before and after.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');
const { sealPng } = require('../lib/png.js');

const CODE = 'CERT2026';
const PUBLIC = 'https://skills.example.cn/arena';
const NAME64 = '欧阳铁柱'.repeat(16);
const SAMPLE64 = '司马欧阳诸葛上官'.repeat(8); // the preview's sample name (docs/api.md)
const TPL = `/api/console/contests/${CODE}/certificate-template`;
const RIGHT = { c1: true, c2: 1 };
const WRONG = { c1: false, c2: 0 };
const PLAYERS = [[NAME64, 'C-001', 'rr'], ['张三', 'C-002', 'rw'], ['李四', 'C-003', 'ww']];
let srv, admin, ownerA, ownerB, other, viewer, tmp;
const players = [];
const squeeze = (s) => s.replace(/\s+/g, '');

function pdfText(file) {
	return squeeze(execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }));
}
/* The images pdfimages -list finds (rows under its two header lines). */
function pdfImages(file) {
	return execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').slice(2);
}
function save(name, r) {
	const f = path.join(tmp, name);
	fs.writeFileSync(f, r.raw);
	return f;
}

async function jobDone(c, id) {
	for (let i = 0; i < 600; i++) {
		const j = (await c.get(`/api/jobs/${id}`)).json;
		if (j.status === 'done' || j.status === 'failed') return j;
		await h.sleep(100);
	}
	throw new Error(`job ${id} did not end`);
}

async function certTemplateRows() {
	return srv.sql(`SELECT t.hash, v.template, octet_length(v.seal) AS seal FROM cert_templates t
		JOIN cert_template_versions v ON v.hash = t.hash`);
}

before(async () => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-certtpl-'));
	fs.mkdirSync(path.join(tmp, 'secrets'), { mode: 0o700 });
	srv = await h.startServer({ processes: 2, contests: [h.DEMO_CONTEST, 'tests/integration/data/certs.json'],
		args: ['--cert-key-file', path.join(tmp, 'secrets', 'key.pem'), '--public-url', PUBLIC] });
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	const o = await con.account(srv, admin, 'owner', 'organizer');
	ownerA = await con.login(srv.urls[0], 'owner', o.password, { lang: 'zh-CN' });
	ownerB = await con.login(srv.urls[1], 'owner', o.password, { lang: 'zh-CN' });
	other = await con.account(srv, admin, 'other', 'organizer');
	viewer = await con.account(srv, admin, 'viewer1', 'viewer');
	await srv.psql(`UPDATE contests SET owner_id = ${o.id} WHERE code = '${CODE}'`);
	await srv.psql(`INSERT INTO contest_grants (contest_id, account_id, role) SELECT id, ${viewer.id}, 'viewer' FROM contests WHERE code = '${CODE}'`);
	for (const [i, [name, emp]] of PLAYERS.entries()) {
		const { c, joined } = await h.join(srv.wsUrls[i % 2], name, { code: CODE, employee_no: emp, unit: '第一车间' });
		players.push({ c, joined });
	}
});
after(async () => {
	for (const p of players) await p.c.close();
	if (srv) await srv.stop();
	if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('certificate templates', () => {
	const png = sealPng();
	let v1, v2, v3, awardId, partId;

	test('the default: no members set, the defaults, the fixed fonts, no seal', async () => {
		const r = await ownerA.get(TPL);
		assert.equal(r.status, 200, r.body);
		assert.deepEqual(r.json.template, {});
		assert.equal(r.json.hash, null);
		assert.equal(r.json.seal, null);
		assert.equal(r.json.organizer, '示范市总工会');
		assert.equal(r.json.defaults.title, '荣誉证书');
		assert.equal(r.json.defaults.date, '{year}年{month}月{day}日');
		assert.deepEqual(r.json.fonts.map((f) => f.family), ['AR PL UKai CN', 'AR PL UMing CN', 'WenQuanYi Zen Hei']);
		assert.equal((await ownerA.get(`${TPL}/seal`)).status, 404);
	});

	test('a bad member is 400 naming it, in the request\'s language; nothing is stored', async () => {
		const bad = [
			[{ title: '长'.repeat(17) }, 'title', /17/],
			[{ font_body: 'Noto Sans CJK SC' }, 'font_body', /WenQuanYi Zen Hei/],
			[{ color: 'red' }, 'color', /#rrggbb/],
			[{ seal: '/etc/passwd' }, 'seal', /not allowed/],
			[{ body: '在{contst}中' }, 'body', /\{contst\}/],
			[{ date: '{year}年{unit}' }, 'date', /\{unit\}/],
			[{ issuer: 5 }, 'issuer', /string/],
			[{ colour: '#000000' }, 'colour', /unknown member/],
			[[1], 'template', /object/],
		];
		for (const [body, field, msg] of bad) {
			const r = await ownerA.put(TPL, body);
			assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.body}`);
			assert.equal(r.json.error.field, field, r.body);
			assert.match(r.json.error.message, msg);
			assert.match(r.json.error.message, /^证书模板有误/);
		}
		const en = await con.request(srv.url, 'PUT', TPL, { body: { title: '长'.repeat(17) },
			headers: { ...ownerA.headers('PUT'), 'accept-language': 'en' } });
		assert.match(en.json.error.message, /^the certificate template is refused: title: 17 characters/);
		assert.deepEqual(await certTemplateRows(), []);
		assert.deepEqual(await srv.sql(`SELECT hash FROM cert_template_versions`), []);
	});

	test('access: an organizer without a grant 403, a viewer reads only, anonymous 401', async () => {
		for (const [m, p, body] of [['GET', TPL], ['PUT', TPL, { title: '证书' }], ['GET', `${TPL}/seal`],
			['PUT', `${TPL}/seal`, png], ['DELETE', `${TPL}/seal`], ['GET', `${TPL}/preview.pdf`]]) {
			assert.equal((await other.req(m, p, body)).status, 403, `${m} ${p} as another organizer`);
			assert.equal((await con.request(srv.url, m, p, { body })).status, 401, `${m} ${p} anonymous`);
			const write = m !== 'GET';
			assert.equal((await viewer.req(m, p, body)).status === 403, write, `${m} ${p} as a viewer`);
		}
		assert.deepEqual(await certTemplateRows(), []);
	});

	test('the template set on one process: stored as a version, audited', async () => {
		const r = await ownerA.put(TPL, { title: '劳动竞赛荣誉证书', issuer: '示范市总工会劳动竞赛委员会',
			date: '{year}年{month}月{day}日颁发', font_title: 'WenQuanYi Zen Hei', color: '#8b0000' });
		assert.equal(r.status, 200, r.body);
		assert.match(r.json.hash, /^[0-9a-f]{64}$/);
		assert.equal(r.json.template.title, '劳动竞赛荣誉证书');
		assert.equal(r.json.updated_by, 'owner');
		v1 = r.json.hash;
		const b = await ownerB.get(TPL);
		assert.equal(b.json.hash, v1, 'the other process reads the same');
		const [a] = await con.waitAudit(srv, "action = 'certificate.template'", 1);
		assert.equal(a.contest, CODE);
		assert.equal(a.before.hash, null);
		assert.equal(a.after.hash, v1);
		assert.equal(a.after.template.issuer, '示范市总工会劳动竞赛委员会');
	});

	test('the seal: a bad PNG 400, a good one stored and served by the other process, a bad one after keeps it', async () => {
		for (const body of [Buffer.from('not a png at all, not even close to one'), png.subarray(0, png.length >> 1), Buffer.alloc(0)]) {
			const r = await ownerA.put(`${TPL}/seal`, body);
			assert.equal(r.status, 400, r.body);
			assert.equal(r.json.error.field, 'seal');
		}
		const huge = Buffer.from(png);
		huge.writeUInt32BE(5000, 16);
		huge.writeUInt32BE(5000, 20);
		const hr = await ownerA.put(`${TPL}/seal`, huge);
		assert.equal(hr.status, 400);
		assert.match(hr.json.error.message, /5000 x 5000/);
		assert.equal((await ownerA.put(`${TPL}/seal`, Buffer.alloc(512 * 1024 + 1))).status, 413);
		const r = await ownerA.put(`${TPL}/seal`, png);
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.seal.bytes, png.length);
		assert.equal(r.json.template.title, '劳动竞赛荣誉证书', 'the members stay');
		v2 = r.json.hash;
		assert.notEqual(v2, v1);
		const g = await ownerB.get(`${TPL}/seal`);
		assert.equal(g.status, 200);
		assert.equal(g.headers['content-type'], 'image/png');
		assert.ok(g.raw.equals(png), 'the bytes as uploaded');
		const again = await ownerB.put(`${TPL}/seal`, Buffer.from('GIF89a'));
		assert.equal(again.status, 400);
		assert.ok((await ownerA.get(`${TPL}/seal`)).raw.equals(png), 'a refused PNG keeps the old seal');
		assert.equal((await ownerA.get(TPL)).json.hash, v2);
		const [a] = await con.waitAudit(srv, "action = 'certificate.seal'", 1);
		assert.equal(a.before.hash, v1);
		assert.equal(a.after.hash, v2);
		assert.equal(a.after.seal_bytes, png.length);
		assert.equal(a.after.seal_width, 240);
	});

	test('the preview: the custom title, issuer and date, the 64-character sample name, the seal; kinds', async () => {
		const r = await ownerB.get(`${TPL}/preview.pdf`);
		assert.equal(r.status, 200, r.body);
		assert.equal(r.headers['content-type'], 'application/pdf');
		const f = save('preview.pdf', r);
		const text = pdfText(f);
		for (const s of ['劳动竞赛荣誉证书', '示范市总工会劳动竞赛委员会', SAMPLE64, '一等奖', '颁发', 'SAMPLE-PREVIEW-000000A']) assert.ok(text.includes(s), `${s} in ${text}`);
		assert.ok(pdfImages(f).length >= 1, 'the seal is an image');
		const p = await viewer.get(`${TPL}/preview.pdf?kind=participation`);
		assert.equal(p.status, 200);
		assert.ok(pdfText(save('preview-part.pdf', p)).includes('参赛证书'), 'the participation title (a default)');
		assert.equal((await ownerA.get(`${TPL}/preview.pdf?kind=gold`)).status, 400);
	});

	test('the contest is played to its end, its results finalized', async () => {
		const hc = await h.host(srv.wsUrl, srv.organizerToken, CODE);
		for (const [i, q] of ['c1', 'c2'].entries()) {
			await h.hostCmd(hc, i ? 'next' : 'start');
			for (const p of players) await p.c.waitFor((m) => m.type === 'question' && m.id === q, 10000, 'question');
			for (const [k, p] of players.entries()) {
				const ack = await p.c.request({ type: 'answer', question_id: q, response: (PLAYERS[k][2][i] === 'r' ? RIGHT : WRONG)[q] });
				assert.equal(ack.type, 'ack', JSON.stringify(ack));
			}
			await h.hostCmd(hc, 'reveal');
		}
		await h.hostCmd(hc, 'end');
		await hc.close();
		if ((await srv.sql(`SELECT to_regclass('result_releases') IS NOT NULL AS x`))[0].x) {
			assert.ok((await ownerA.post(`/api/console/contests/${CODE}/results/publish`, { notice_days: 0 })).status < 300);
			assert.ok((await ownerA.post(`/api/console/contests/${CODE}/results/finalize`, {})).status < 300);
		}
	});

	test('issued on the other process with the template: title, issuer, name, seal and QR code in the PDF', async () => {
		const r = await ownerB.post(`/api/console/contests/${CODE}/certificates`, { kind: 'all' });
		assert.equal(r.status, 202, r.body);
		const j = await jobDone(ownerB, r.json.id);
		assert.equal(j.status, 'done', JSON.stringify(j));
		assert.equal(j.progress, 1);
		const rows = await srv.sql(`SELECT id, kind, name, template_hash, record FROM certificates ORDER BY kind, name`);
		assert.ok(rows.length >= 4, JSON.stringify(rows));
		assert.ok(rows.every((x) => x.template_hash === v2 && x.record.template === v2), 'the version in force, also in the signed record');
		assert.ok(rows.every((x) => x.record.issuer === '示范市总工会劳动竞赛委员会'), 'the template\'s issuer is signed');
		awardId = rows.find((x) => x.kind === 'award' && x.name === NAME64).id;
		partId = rows.find((x) => x.kind === 'participation' && x.name === '李四').id;
		const pdf = await con.request(srv.urls[0], 'GET', `/api/certificates/${awardId}.pdf`);
		assert.equal(pdf.status, 200);
		const f = save('award.pdf', pdf);
		const text = pdfText(f);
		for (const s of ['劳动竞赛荣誉证书', '示范市总工会劳动竞赛委员会', NAME64, '一等奖', '颁发']) assert.ok(text.includes(s), `${s} in ${text}`);
		assert.ok(pdfImages(f).length >= 1, 'the seal is drawn');
		execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', f, path.join(tmp, 'award')]);
		const qr = execFileSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', path.join(tmp, 'award.png')], { encoding: 'utf8' }).trim();
		assert.equal(qr, `${PUBLIC}/verify/${awardId}`);
		const v = (await con.request(srv.urls[1], 'GET', `/api/certificates/${awardId}`)).json;
		assert.equal(v.verdict, 'valid');
		assert.equal(v.certificate.issuer, '示范市总工会劳动竞赛委员会');
	});

	test('a change: old certificates render as issued, a new one with the new template; the seal deleted twice is 200 then 404', async () => {
		const r = await ownerB.put(TPL, { title: '第二版证书', title_participation: '第二版参赛证书' });
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.template.issuer, undefined, 'a member left out takes the default');
		const d = await ownerA.del(`${TPL}/seal`);
		assert.equal(d.status, 200, d.body);
		assert.equal(d.json.seal, null);
		v3 = d.json.hash;
		const d2 = await ownerB.del(`${TPL}/seal`);
		assert.equal(d2.status, 404, d2.body);
		assert.equal(d2.json.error.field, 'seal');
		assert.equal((await ownerA.get(TPL)).json.hash, v3, 'the second delete changed nothing');
		/* the old certificate: the version it was issued with */
		const old = save('old.pdf', await con.request(srv.urls[1], 'GET', `/api/certificates/${awardId}.pdf`));
		assert.ok(pdfText(old).includes('劳动竞赛荣誉证书'));
		assert.ok(!pdfText(old).includes('第二版'));
		assert.ok(pdfImages(old).length >= 1, 'with its seal');
		/* a new one, one by one on the first process */
		const pid = (await srv.sql(`SELECT participant_id FROM certificates WHERE id = '${partId}'`))[0].participant_id;
		await srv.psql(`DELETE FROM certificates WHERE id = '${partId}'`);
		const n = await ownerA.post(`/api/console/contests/${CODE}/certificates/${pid}`, { kind: 'participation' });
		assert.equal(n.status, 201, n.body);
		const id = n.json.certificates[0].id;
		assert.equal((await srv.sql(`SELECT template_hash FROM certificates WHERE id = '${id}'`))[0].template_hash, v3);
		const now = save('new.pdf', await con.request(srv.urls[0], 'GET', `/api/certificates/${id}.pdf`));
		const text = pdfText(now);
		assert.ok(text.includes('第二版参赛证书'), text);
		assert.ok(text.includes('示范市总工会'), 'the contest\'s organizer without an issuer in the template');
		assert.ok(!text.includes('劳动竞赛委员会'));
		assert.deepEqual(pdfImages(now), [], 'no seal any more');
	});

	test('versions no certificate names are removed; every change audited', async () => {
		let hashes;
		for (let i = 0; i < 50; i++) {
			hashes = (await srv.sql(`SELECT hash FROM cert_template_versions ORDER BY created_at`)).map((x) => x.hash);
			if (hashes.length === 2) break;
			await h.sleep(100);
		}
		assert.deepEqual(hashes, [v2, v3], 'v1 (no certificate) and the version between the two changes are gone');
		const audit = await con.waitAudit(srv, "action LIKE 'certificate.%' AND action <> 'certificate.issue'", 4);
		assert.deepEqual(audit.map((a) => a.action), ['certificate.template', 'certificate.seal', 'certificate.template', 'certificate.seal']);
		assert.equal(audit[3].after.hash, v3);
		assert.equal(audit[3].after.seal_bytes, null);
	});
});
