'use strict';
/*
 * 17 console certificates (#certificates/CODE) in Chromium at 1280x800 and
 * 390x844: a finished contest (tests/integration/data/certs.json, played
 * over WebSocket, its results finalized over the API); the organizer sets
 * the template in the form (a refused member shown beside its field, then
 * saved), uploads a seal PNG (shown), starts bulk issuing and watches the
 * progress bar reach 100 %, sees the list with its count and revokes one
 * certificate with a reason; the PDF downloaded from the list carries the
 * template's title (pdftotext). No text cut; screenshots at both sizes.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launch, open, waitText, h, PHONE, LAPTOP } = require('./browser.js');
const { assertContrast, shot } = require('./measure.js');
const { consoleLogin, cutText, unexpected, con } = require('./console.js');
const { sealPng } = require('../lib/png.js');

const CODE = 'CERT2026';
const NAME64 = '欧阳铁柱'.repeat(16);
const PLAYERS = [[NAME64, 'B-001', { c1: true, c2: 1 }], ['张三', 'B-002', { c1: true, c2: 0 }], ['李四', 'B-003', { c1: false, c2: 0 }]];
let srv, org, br, tmp;
const players = [];

before(async () => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-b17-'));
	fs.mkdirSync(path.join(tmp, 'secrets'), { mode: 0o700 });
	srv = await h.startServer({ contests: [h.DEMO_CONTEST, 'tests/integration/data/certs.json'],
		args: ['--cert-key-file', path.join(tmp, 'secrets', 'key.pem')] });
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	const admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	org = await con.account(srv, admin, 'org17', 'organizer');
	await srv.psql(`UPDATE contests SET owner_id = ${org.id} WHERE code = '${CODE}'`);
	for (const [name, emp] of PLAYERS) players.push(await h.join(srv.wsUrl, name, { code: CODE, employee_no: emp, unit: '第一车间' }));
	const host = await h.host(srv.wsUrl, srv.organizerToken, CODE);
	for (const [i, q] of ['c1', 'c2'].entries()) {
		await h.hostCmd(host, i ? 'next' : 'start');
		for (const p of players) await p.c.waitFor((m) => m.type === 'question' && m.id === q, 10000, 'question');
		for (const [k, p] of players.entries()) await p.c.request({ type: 'answer', question_id: q, response: PLAYERS[k][2][q] });
		await h.hostCmd(host, 'reveal');
	}
	await h.hostCmd(host, 'end');
	await host.close();
	if ((await srv.sql(`SELECT to_regclass('result_releases') IS NOT NULL AS x`))[0].x) {
		assert.ok((await org.post(`/api/console/contests/${CODE}/results/publish`, { notice_days: 0 })).status < 300);
		assert.ok((await org.post(`/api/console/contests/${CODE}/results/finalize`, {})).status < 300);
	}
	br = await launch();
});
after(async () => {
	for (const p of players) await p.c.close();
	if (br) await br.close();
	if (srv) await srv.stop();
	if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('template, seal, bulk issuing to 100 %, the list and a revocation', async () => {
	const page = await consoleLogin(br.ctx, srv, 'org17', org.password, { viewport: LAPTOP, hash: `#contest/${CODE}` });
	await page.click('#certificates-link');
	await page.waitForSelector('#cert-template');
	await waitText(page, '#certs-title', `证书 · ${CODE}`);
	await waitText(page, '#cert-template-facts', '此竞赛使用默认证书模板。');
	assert.equal(await page.getAttribute('#cert-template input[name=title]', 'placeholder'), '荣誉证书');
	assert.equal(await page.getAttribute('#cert-template input[name=issuer]', 'placeholder'), '示范市总工会');

	/* a refused member beside its field; nothing saved */
	await page.fill('#cert-template input[name=title]', '长'.repeat(17));
	await page.click('#cert-template-save');
	await page.waitForSelector('#cert-template [data-path=title].has-problem .problem:not([hidden])');
	assert.match(await page.textContent('#cert-template [data-path=title] .problem'), /证书模板有误：title: 17/);
	assert.deepEqual(await srv.sql('SELECT * FROM cert_templates'), []);

	await page.fill('#cert-template input[name=title]', '劳动竞赛荣誉证书');
	await page.fill('#cert-template input[name=issuer]', '示范市总工会劳动竞赛委员会');
	await page.selectOption('#cert-template select[name=font_title]', 'WenQuanYi Zen Hei');
	await page.click('#cert-template-save');
	await page.waitForSelector('#cert-template-facts:has-text("org17")');
	assert.equal(await page.inputValue('#cert-template input[name=title]'), '劳动竞赛荣誉证书', 'the saved value is shown');
	const stored = (await srv.sql('SELECT v.template FROM cert_templates t JOIN cert_template_versions v ON v.hash = t.hash'))[0];
	assert.deepEqual(JSON.parse(stored.template), { title: '劳动竞赛荣誉证书', issuer: '示范市总工会劳动竞赛委员会', font_title: 'WenQuanYi Zen Hei' },
		'only the members set (colours at their defaults are not sent)');

	/* the seal: uploaded from a file, then shown */
	const sealFile = path.join(tmp, 'seal.png');
	fs.writeFileSync(sealFile, sealPng(240));
	await page.setInputFiles('input[name=seal]', sealFile);
	await page.click('#seal-upload');
	await page.waitForSelector('#seal-image');
	await page.waitForFunction(() => { const i = document.querySelector('#seal-image'); return i && i.complete && i.naturalWidth === 240; });

	/* issuing: the bar to 100 % */
	await page.click('#issue-start');
	await waitText(page, '#issue-pct', '100 %', 30000);
	assert.equal(await page.getAttribute('#issue-progress', 'aria-valuenow'), '100');
	await waitText(page, '#issue-report', /^新颁发 \d+ 张/);
	await page.waitForSelector('#cert-table tbody tr');
	const n = (await srv.sql('SELECT count(*)::int AS n FROM certificates'))[0].n;
	assert.ok(n >= PLAYERS.length + 1, `award and participation certificates: ${n}`);
	assert.equal(await page.$$eval('#cert-table tbody tr', (l) => l.length), n);
	await waitText(page, '#cert-count', `共 ${n} 张，其中已撤销 0 张`);
	assert.deepEqual(await cutText(page), [], 'no text cut at 1280x800');
	await shot(page, 'certificates-1280');
	await assertContrast(assert, page, 'certificates');

	/* revoke one, with a reason asked */
	page.removeAllListeners('dialog');
	page.on('dialog', (d) => (d.type() === 'prompt' ? d.accept('成绩更正') : d.accept()));
	const row = `#cert-table tr:has(td:text-is("李四"))`;
	await page.click(`${row} button`);
	await waitText(page, '#cert-count', `共 ${n} 张，其中已撤销 1 张`);
	assert.equal((await page.textContent(`${row} td.state`)).trim(), '已撤销');
	const rev = await srv.sql(`SELECT revoke_reason FROM certificates WHERE revoked_at IS NOT NULL`);
	assert.deepEqual(rev.map((r) => r.revoke_reason), ['成绩更正']);

	/* the PDF the list links to: the template's title */
	const href = await page.getAttribute(`#cert-table tr:has(td:text-is("${NAME64}")) a`, 'href');
	const pdf = await con.request(srv.url, 'GET', href);
	assert.equal(pdf.status, 200);
	const file = path.join(tmp, 'c.pdf');
	fs.writeFileSync(file, pdf.raw);
	const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
	assert.ok(text.includes('劳动竞赛荣誉证书') && text.includes(NAME64), text);
	assert.deepEqual(unexpected(page), []);

	/* on a phone */
	const phone = await open(br.ctx, `${srv.url}/console.html#certificates/${CODE}`, PHONE);
	await phone.waitForSelector('#cert-table tbody tr');
	await phone.waitForSelector('#seal-image');
	assert.deepEqual(await cutText(phone), [], 'no text cut at 390x844');
	await shot(phone, 'certificates-390', { fullPage: true });
	assert.deepEqual(unexpected(phone), []);
});
