'use strict';
/*
 * 37 the certificate verify page in Chromium (a phone, zh-CN first): a
 * contest played to its end, its certificates issued through the API with
 * the server's key; /verify/ID (the QR code's target) shows "valid" with the
 * signed data, in English after the language switch; a PDF chosen on the page
 * is verified through its embedded JWS (POST /api/certificates/verify), a
 * tampered copy is invalid; a revoked certificate shows its reason; an
 * unknown id says so. No script errors or CSP violations (no inline script),
 * no sideways scroll, contrast checked; screenshots.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { h, launch, open, waitText, PHONE } = require('./browser.js');
const { assertContrast, shot, unpreloaded } = require('./measure.js');
const con = require('../lib/console.js');

const CODE = 'CERT2026';
const NAME64 = '欧阳铁柱'.repeat(16);
let srv, browser, tmp, id, pdf;

async function jobDone(c, jobId) {
	for (let i = 0; i < 300; i++) {
		const j = (await c.get(`/api/jobs/${jobId}`)).json;
		if (j.status === 'done' || j.status === 'failed') return j;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error('the job did not end');
}

before(async () => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-verify-'));
	srv = await h.startServer({ contests: [h.DEMO_CONTEST, 'tests/integration/data/certs.json'],
		args: ['--cert-key-file', path.join(tmp, 'key.pem')] });
	const { c } = await h.join(srv.wsUrl, NAME64, { code: CODE, employee_no: 'V-001', unit: '第一车间' });
	const hc = await h.host(srv.wsUrl, srv.organizerToken, CODE);
	for (const [i, q] of [['start', 'c1'], ['next', 'c2']]) {
		await h.hostCmd(hc, i);
		await c.waitFor((m) => m.type === 'question' && m.id === q, 10000, 'question');
		await c.request({ type: 'answer', question_id: q, response: q === 'c1' ? true : 1 });
		await h.hostCmd(hc, 'reveal');
	}
	await h.hostCmd(hc, 'end');
	await hc.close();
	await c.close();
	const api = con.bearer(srv.url, srv.organizerToken);
	if ((await srv.sql(`SELECT to_regclass('result_releases') IS NOT NULL AS x`))[0].x) { // the results lifecycle: final results first
		assert.ok((await api.post(`/api/console/contests/${CODE}/results/publish`, { notice_days: 0 })).status < 300);
		assert.ok((await api.post(`/api/console/contests/${CODE}/results/finalize`, {})).status < 300);
	}
	const r = await api.post(`/api/console/contests/${CODE}/certificates`, { kind: 'award' });
	assert.equal(r.status, 202, r.body);
	assert.equal((await jobDone(api, r.json.id)).report.issued, 1);
	id = (await srv.sql(`SELECT id FROM certificates`))[0].id;
	pdf = path.join(tmp, 'cert.pdf');
	fs.writeFileSync(pdf, (await con.request(srv.url, 'GET', `/api/certificates/${id}.pdf`)).raw);
	browser = await launch();
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
	if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const noScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('the QR code target /verify/ID: valid, with the signed data, on a phone; then in English', async () => {
	const page = await open(browser.ctx, `${srv.url}/verify/${id}`, PHONE);
	await waitText(page, '#verdict-badge', '✓ 证书有效');
	assert.equal(await page.textContent('[data-field=name]'), NAME64);
	assert.equal(await page.textContent('[data-field=award]'), '一等奖');
	assert.equal(await page.textContent('[data-field=issuer]'), '示范市总工会');
	assert.ok(await noScroll(page), 'no sideways scroll with a 64-character name');
	assert.deepEqual(await unpreloaded(page), []);
	await assertContrast(assert, page, 'verify');
	await shot(page, 'verify-valid');
	await page.click('[data-lang-switch]');
	await waitText(page, '#verdict-badge', '✓ Valid certificate');
	assert.equal(await page.textContent('dt:first-of-type'), 'Name');
	const href = await page.getAttribute('#verdict-links a.primary', 'href');
	assert.equal(href, `${srv.url}/api/certificates/${id}.pdf`);
	assert.deepEqual(page.errors, []);
	await page.close();
});

test('a PDF chosen on the page is verified by its embedded JWS; a tampered copy is invalid', async () => {
	const page = await open(browser.ctx, `${srv.url}/verify.html?lang=zh-CN`, PHONE);
	await page.waitForSelector('body[data-ready="1"]');
	await page.setInputFiles('#pdf-file', pdf);
	await waitText(page, '#verdict-badge', '✓ 证书有效');
	assert.equal(await page.textContent('[data-field=id]'), id);
	const bytes = fs.readFileSync(pdf);
	const text = bytes.toString('latin1');
	const at = text.indexOf('/Keywords');
	const p = text.indexOf('.', at) + 40; /* a character of the payload */
	bytes[p] = bytes[p] === 0x51 ? 0x52 : 0x51;
	const bad = path.join(tmp, 'tampered.pdf');
	fs.writeFileSync(bad, bytes);
	await page.setInputFiles('#pdf-file', bad);
	await waitText(page, '#verdict-badge', '✗ 证书无效');
	await shot(page, 'verify-tampered');
	assert.deepEqual(page.errors, []);
	await page.close();
});

test('revoked: the reason; an unknown id: no such certificate', async () => {
	const api = con.bearer(srv.url, srv.organizerToken);
	assert.equal((await api.post(`/api/certificates/${id}/revoke`, { reason: '成绩复核后更正' })).status, 200);
	const page = await open(browser.ctx, `${srv.url}/verify/${id}?lang=zh-CN`, PHONE);
	await waitText(page, '#verdict-badge', '✗ 证书已撤销');
	assert.match(await page.textContent('#verdict-note'), /成绩复核后更正/);
	await shot(page, 'verify-revoked');
	await page.goto(`${srv.url}/verify/AAAAAAAAAAAAAAAAAAAAAA`);
	await waitText(page, '#verdict-badge', '？ 查无此证书');
	assert.deepEqual(page.errors.filter((e) => !/status of 404/.test(e)), []);
	await page.close();
});
