'use strict';
// 33 posters: a contest's join poster as PDF and PNG, checked by tools that
// share no code with ours: zbarimg decodes the QR code (from the PNG, and
// from the PDF rendered by pdftoppm) and must find the public join URL;
// pdftotext must read the Chinese title (64 characters), the code and a
// unit's path as text. Access: organizers, screen operators and viewers of
// the contest; a judge, another organizer and anonymous are refused.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');

const CODE = 'SAFE2026';
const PUBLIC = 'http://10.20.30.40:8080';
const JOIN_URL = `${PUBLIC}/player.html?code=${CODE}`;
const TITLE64 = '二零二六年度全国电力行业职业技能竞赛暨第十届国家电网公司青年员工安全生产知识竞赛总决赛现场答题环节正式比赛一二三四五六七八九十百';
let srv, admin, owner, screen, judge, other, tmp;

function save(name, raw) {
	const f = path.join(tmp, name);
	fs.writeFileSync(f, raw);
	return f;
}
const zbar = (file) => execFileSync('zbarimg', ['-q', '--raw', file], { encoding: 'utf8' }).trim();
const pdftext = (file) => execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
/* The text without the line breaks pango put into long lines. */
const flat = (s) => s.replace(/\s+/g, '');

before(async () => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-posters-'));
	srv = await h.startServer({ args: ['--public-url', PUBLIC] });
	[admin, owner, other, screen, judge] = await con.staff(srv, [['owner', 'organizer'], ['other', 'organizer'],
		['screen1', 'screen'], ['judge1', 'judge']]);
	await con.crew(srv, CODE, owner, [[screen, 'screen'], [judge, 'judge']]);
	await srv.psql(`UPDATE contests SET title = '{"zh-CN": "${TITLE64}", "en": "Finals"}' WHERE code = '${CODE}'`);
});
after(async () => {
	if (srv) await srv.stop();
	if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('posters', () => {
	test('PDF: the QR code holds the public join URL; title, code and how to join are text', async () => {
		const r = await screen.get(`/api/console/contests/${CODE}/poster.pdf`);
		assert.equal(r.status, 200, r.body.slice(0, 200));
		assert.equal(r.headers['content-type'], 'application/pdf');
		assert.match(r.headers['content-disposition'], /^attachment; filename=".*"; filename\*=UTF-8''.*%E6%B5%B7%E6%8A%A5\.pdf$/);
		const pdf = save('poster.pdf', r.raw);
		const text = pdftext(pdf);
		assert.ok(flat(text).includes(TITLE64), text);
		assert.match(text, /SAFE2026/);
		assert.match(text, /扫码参加竞赛/);
		assert.match(text, /输入姓名即可参加/, 'an open contest');
		assert.ok(text.includes(JOIN_URL));
		execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', pdf, path.join(tmp, 'page')]);
		assert.equal(zbar(path.join(tmp, 'page.png')), JOIN_URL);
	});

	test('PNG: 1240 x 1754, the QR code decodes to the join URL', async () => {
		const r = await owner.get(`/api/console/contests/${CODE}/poster.png`);
		assert.equal(r.status, 200);
		assert.equal(r.headers['content-type'], 'image/png');
		assert.equal(r.raw.subarray(1, 4).toString('latin1'), 'PNG');
		assert.equal(r.raw.readUInt32BE(16), 1240);
		assert.equal(r.raw.readUInt32BE(20), 1754);
		assert.equal(zbar(save('poster.png', r.raw)), JOIN_URL);
	});

	test("a unit's poster shows its path; a roster contest says to give the employee number", async () => {
		const put = await owner.put('/api/roster/workers/1001', { name: '张三', unit: '华电集团/一分厂/机修车间' });
		assert.equal(put.status, 201, put.body);
		const id = put.json.unit.id;
		await owner.put(`/api/console/contests/${CODE}/roster`, { mode: 'roster' });
		const r = await owner.get(`/api/console/contests/${CODE}/poster.pdf?unit=${id}`);
		assert.equal(r.status, 200);
		const text = pdftext(save('unit.pdf', r.raw));
		assert.match(text, /华电集团\/一分厂\/机修车间/);
		assert.match(text, /输入工号和姓名参加/);
		const png = await owner.get(`/api/console/contests/${CODE}/poster.png?unit=${id}`);
		assert.equal(zbar(save('unit.png', png.raw)), JOIN_URL);
	});

	test('refusals: an unknown unit, an unknown contest, a judge, another organizer, anonymous', async () => {
		for (const q of ['?unit=999999', '?unit=abc', '?unit=']) {
			const r = await owner.get(`/api/console/contests/${CODE}/poster.pdf${q}`);
			assert.equal(r.status, 404, q);
			assert.equal(r.json.error.field, 'unit');
		}
		const r = await admin.get('/api/console/contests/NOPE2026/poster.png');
		assert.equal(r.status, 404);
		assert.equal(r.json.error.code, 'unknown_contest');
		assert.equal((await judge.get(`/api/console/contests/${CODE}/poster.pdf`)).status, 403);
		assert.equal((await other.get(`/api/console/contests/${CODE}/poster.pdf`)).status, 403);
		assert.equal((await con.client(srv.url).get(`/api/console/contests/${CODE}/poster.png`)).status, 401);
	});
});
