'use strict';
// 24 console contests: drafts made from a form's JSON or a file (saved whatever
// their problems, each problem with its JSON path in Chinese or English), the
// list an organizer sees (their own and granted ones; an admin all), read,
// saved, copied, published (validated, served, the banks copied), re-published
// while nobody joined and refused after, archived, deleted, grants and the
// screen key; every route's refusals (wrong role, an organizer without a
// grant, no CSRF token, bad input with its field) and the audit entries.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');

const TITLE64 = '全国职工安全生产知识竞赛暨班组长技能大比武'.repeat(4).slice(0, 64);
let srv, admin, owner, other, judge, screen;

/* A contest drawn from the console bank `safety` by type ratio. */
function form(code, extra = {}) {
	return {
		code,
		title: { 'zh-CN': TITLE64, en: 'Safety knowledge contest' },
		mode: 'live',
		time_limit_s: 20,
		scoring: { points: 10, time_factor: false },
		banks: { s: 'safety' },
		paper: { total: 6, ratio: { single_choice: 4, true_false: 2 } },
		...extra,
	};
}

before(async () => {
	srv = await h.startServer({ args: ['--host-login-failures', '1000'] });
	[admin, owner, other, judge, screen] = await con.staff(srv, [['c-owner', 'organizer'], ['c-other', 'organizer'],
		['c-judge', 'judge'], ['c-screen', 'screen']]);
	// the console bank the contests draw from: the sample safety bank, imported as JSON
	let r = await owner.post('/api/banks', { code: 'safety', title: { 'zh-CN': '安全生产题库' } });
	assert.equal(r.status, 201, r.body);
	r = await owner.post('/api/banks/safety/import?format=json&filename=safety.json',
		fs.readFileSync(path.join(h.ROOT, 'contests', 'banks', 'safety.json')));
	assert.equal(r.status, 202, r.body);
	for (let i = 0; i < 200; i++) {
		const j = await owner.get(`/api/jobs/${r.json.id}`);
		if (j.json.status === 'done') break;
		assert.notEqual(j.json.status, 'failed', JSON.stringify(j.json.report));
		await h.sleep(50);
	}
});
after(async () => { if (srv) await srv.stop(); });

describe('drafts', () => {
	test('an empty form is a draft with a code of its own and every problem listed', async () => {
		const r = await owner.post('/api/console/contests', {});
		assert.equal(r.status, 201, r.body);
		assert.match(r.json.contest.code, /^[A-Z2-9]{8}$/);
		assert.equal(r.json.contest.status, 'draft');
		assert.equal(r.json.contest.my_role, 'owner');
		assert.equal(r.json.contest.owner.username, 'c-owner');
		assert.equal(r.json.valid, false);
		const paths = r.json.problems.map((p) => p.path);
		assert.ok(paths.includes('$'), JSON.stringify(r.json.problems)); // title, mode missing
		assert.ok(r.json.problems.some((p) => /missing required field/.test(p.message)), 'English without Accept-Language: zh');
		const zh = con.client(srv.url, { session: owner.session, csrf: owner.csrf, lang: 'zh-CN,zh;q=0.9' });
		const again = await zh.get(`/api/console/contests/${r.json.contest.code}?validate=1`);
		assert.ok(again.json.problems.some((p) => /缺少必填字段/.test(p.message)), JSON.stringify(again.json));
	});

	test('a whole form is valid; its problems come in the request\'s language with their paths', async () => {
		let r = await owner.post('/api/console/contests', form('DRAFT24'));
		assert.equal(r.status, 201, r.body);
		assert.equal(r.json.valid, true, JSON.stringify(r.json.problems));
		assert.deepEqual(r.json.problems, []);
		assert.equal(r.json.contest.title['zh-CN'], TITLE64);
		assert.equal(r.json.contest.banks_from, 'console');
		assert.equal(r.json.contest.editable, true);
		// saved with problems: a paper that asks more than the bank has, a bad time limit, an unknown bank
		const en = con.client(srv.url, { session: owner.session, csrf: owner.csrf, lang: 'en' });
		const bad = form('DRAFT24', { time_limit_s: 0, paper: { total: 500, ratio: { single_choice: 1 } }, banks: { s: 'safety', x: 'nope' } });
		r = await en.put('/api/console/contests/DRAFT24', bad);
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.valid, false);
		const by = Object.fromEntries(r.json.problems.map((p) => [p.path, p.message]));
		assert.match(by['$.time_limit_s'], /between 1 and 3600|1/);
		assert.match(by['$.banks.x'], /no question bank is named 'nope'/);
		assert.ok(r.json.problems.some((p) => p.path.startsWith('$.paper')), JSON.stringify(r.json.problems));
		// it was saved: GET gives it back as sent, ?validate=1 the same problems in Chinese
		const zh = con.client(srv.url, { session: owner.session, csrf: owner.csrf, lang: 'zh-CN' });
		r = await zh.get('/api/console/contests/DRAFT24?validate=1');
		assert.equal(r.status, 200);
		assert.equal(r.json.definition.time_limit_s, 0);
		assert.equal(r.json.valid, false);
		assert.ok(r.json.problems.some((p) => p.path === '$.banks.x' && /没有名为“nope”的题库/.test(p.message)));
		r = await owner.put('/api/console/contests/DRAFT24', form('DRAFT24'));
		assert.equal(r.json.valid, true, JSON.stringify(r.json.problems));
	});

	test('refusals: bad code, taken code, code change, not an object, wrong role, no CSRF token, anonymous', async () => {
		let r = await owner.post('/api/console/contests', { code: 'no!' });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.field, 'code');
		r = await owner.post('/api/console/contests', { code: 'draft24' }); // the code is taken, in any case
		assert.equal(r.status, 409);
		assert.equal(r.json.error.field, 'code');
		r = await owner.post('/api/console/contests', { code: 'SAFE2026' }); // the demo file's
		assert.equal(r.status, 409);
		r = await owner.put('/api/console/contests/DRAFT24', form('OTHER24'));
		assert.equal(r.status, 400);
		assert.equal(r.json.error.field, 'code');
		r = await owner.put('/api/console/contests/DRAFT24', [1, 2]);
		assert.equal(r.status, 400);
		r = await judge.post('/api/console/contests', {});
		assert.equal(r.status, 403);
		r = await owner.post('/api/console/contests', {}, { withCsrf: false });
		assert.equal(r.status, 403);
		assert.equal(r.json.error.code, 'csrf_failed');
		r = await owner.put('/api/console/contests/DRAFT24', form('DRAFT24'), { withCsrf: false });
		assert.equal(r.json.error.code, 'csrf_failed');
		r = await con.client(srv.url).get('/api/console/contests');
		assert.equal(r.status, 401);
		r = await other.get('/api/console/contests/DRAFT24');
		assert.equal(r.status, 403, 'an organizer without a grant');
		r = await other.put('/api/console/contests/DRAFT24', form('DRAFT24'));
		assert.equal(r.status, 403);
		r = await admin.get('/api/console/contests/NOSUCH99');
		assert.equal(r.status, 404);
		assert.equal(r.json.error.code, 'unknown_contest');
	});

	test('the list: one\'s own and granted contests, an admin every one; filters and pages', async () => {
		let r = await owner.get('/api/console/contests');
		assert.equal(r.status, 200);
		const mine = r.json.contests.map((c) => c.code);
		assert.ok(mine.includes('DRAFT24'));
		assert.ok(!mine.includes('SAFE2026'), 'a file contest of nobody');
		r = await other.get('/api/console/contests');
		assert.equal(r.json.total, 0);
		r = await admin.get('/api/console/contests?status=scheduled');
		assert.deepEqual(r.json.contests.map((c) => c.code), ['SAFE2026']);
		assert.equal(r.json.contests[0].banks_from, 'files');
		assert.equal(r.json.contests[0].my_role, 'admin');
		r = await owner.get(`/api/console/contests?q=${encodeURIComponent('班组长技能')}`);
		assert.deepEqual(r.json.contests.map((c) => c.code), ['DRAFT24']);
		r = await owner.get('/api/console/contests?per_page=1&page=2&status=draft');
		assert.equal(r.json.total, 2);
		assert.equal(r.json.contests.length, 1);
		for (const bad of ['status=done', 'per_page=0', 'page=x', 'owner=me']) {
			r = await owner.get(`/api/console/contests?${bad}`);
			assert.equal(r.status, 400, bad);
			assert.equal(r.json.error.field, bad.split('=')[0]);
		}
	});
});

describe('grants, copies and files', () => {
	test('the owner grants; the granted see it; a granted organizer may not change grants', async () => {
		let r = await owner.put('/api/console/contests/DRAFT24/grants',
			{ grants: [{ account: other.id, role: 'organizer' }, { username: 'C-JUDGE', role: 'judge' }, { username: 'c-screen', role: 'screen' }] });
		assert.equal(r.status, 200, r.body);
		assert.deepEqual(r.json.grants.map((g) => `${g.account.username}:${g.role}`), ['c-judge:judge', 'c-other:organizer', 'c-screen:screen']);
		r = await other.get('/api/console/contests/DRAFT24/grants');
		assert.equal(r.status, 200);
		assert.equal(r.json.owner.username, 'c-owner');
		r = await other.get('/api/console/contests');
		assert.equal(r.json.contests[0].my_role, 'organizer');
		r = await judge.get('/api/console/contests');
		assert.equal(r.json.contests[0].my_role, 'judge');
		assert.equal((await judge.get('/api/console/contests/DRAFT24')).status, 403, 'a judge does not edit');
		r = await other.put('/api/console/contests/DRAFT24/grants', { grants: [] });
		assert.equal(r.status, 403);
		r = await owner.put('/api/console/contests/DRAFT24/grants', { grants: [{ account: 999999, role: 'judge' }] });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.field, 'grants[0].account');
		r = await owner.put('/api/console/contests/DRAFT24/grants', { grants: [{ account: other.id, role: 'admin' }] });
		assert.equal(r.json.error.field, 'grants[0].role');
		assert.equal((await owner.get('/api/console/contests/DRAFT24/grants')).json.grants.length, 3, 'nothing changed');
		const audit = await con.waitAudit(srv, "action = 'contest.grants' AND contest_code = 'DRAFT24'");
		assert.equal(audit[0].before.grants.length, 0);
		assert.equal(audit[0].after.grants.length, 3);
	});

	test('copy under a new code and title; definition.json; import a file', async () => {
		let r = await other.post('/api/console/contests/DRAFT24/copy', { code: 'copy24', title: '复制的竞赛' });
		assert.equal(r.status, 201, r.body);
		assert.equal(r.json.contest.code, 'COPY24');
		assert.equal(r.json.contest.owner.username, 'c-other');
		assert.equal(r.json.valid, true, JSON.stringify(r.json.problems));
		r = await owner.post('/api/console/contests/DRAFT24/copy', { code: 'COPY24' });
		assert.equal(r.status, 409);
		r = await judge.post('/api/console/contests/DRAFT24/copy', {});
		assert.equal(r.status, 403);
		r = await owner.get('/api/console/contests/DRAFT24/definition.json');
		assert.equal(r.status, 200);
		assert.match(r.headers['content-disposition'], /DRAFT24\.json/);
		const file = JSON.parse(r.body);
		assert.equal(file.code, 'DRAFT24');
		file.title = '导入的竞赛';
		r = await owner.post('/api/console/contests/import?code=IMPORT24&filename=x.json', Buffer.from(JSON.stringify(file)));
		assert.equal(r.status, 201, r.body);
		assert.equal(r.json.contest.code, 'IMPORT24');
		assert.equal(r.json.valid, true);
		r = await owner.post('/api/console/contests/import', Buffer.from('{"code": "X'));
		assert.equal(r.status, 400);
		assert.equal(r.json.error.code, 'bad_json');
	});
});

describe('publish, change, archive, delete', () => {
	test('an invalid draft is not published; a valid one is served with a screen key', async () => {
		let r = await owner.post('/api/console/contests', form('PUB24', { paper: { total: 900, ratio: { true_false: 1 } } }));
		r = await owner.post('/api/console/contests/PUB24/publish');
		assert.equal(r.status, 400);
		assert.ok(r.json.error.problems.some((p) => p.path.startsWith('$.paper')), r.body);
		assert.equal((await srv.get('/api/contests/PUB24')).status, 404, 'not served');
		r = await owner.put('/api/console/contests/PUB24', form('PUB24'));
		r = await owner.post('/api/console/contests/PUB24/publish');
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.questions, 6);
		assert.equal(r.json.contest.status, 'scheduled');
		const info = await srv.get('/api/contests/PUB24');
		assert.equal(info.status, 200);
		assert.equal(info.json.question_count, 6);
		r = await owner.post('/api/console/contests/PUB24/publish');
		assert.equal(r.status, 409);
		assert.equal(r.json.error.code, 'bad_state');
		const rows = await srv.sql("SELECT b.name, length(b.source) > 1000 AS big FROM contest_banks b JOIN contests c ON c.id = b.contest_id WHERE c.code = 'PUB24'");
		assert.deepEqual(rows, [{ name: 'safety', big: true }]);
		await con.waitAudit(srv, "action = 'contest.publish' AND contest_code = 'PUB24'");
	});

	test('the screen key: read by organizers and screen operators, rotated by organizers', async () => {
		await owner.put('/api/console/contests/PUB24/grants', { grants: [{ account: screen.id, role: 'screen' }] });
		let r = await screen.get('/api/console/contests/PUB24/screen-key');
		assert.equal(r.status, 200, r.body);
		assert.match(r.json.screen_key, /^[0-9a-f]{32}$/);
		assert.ok(r.json.screen_url.endsWith(`/screen.html?code=PUB24&key=${r.json.screen_key}`));
		const old = r.json.screen_key;
		assert.equal((await screen.post('/api/console/contests/PUB24/screen-key')).status, 403);
		r = await owner.post('/api/console/contests/PUB24/screen-key');
		assert.equal(r.status, 200);
		assert.notEqual(r.json.screen_key, old);
		const c = await h.connect(srv.wsUrl);
		c.send({ type: 'watch', code: 'PUB24', key: old, rid: 'w1' });
		assert.equal((await c.next('error')).code, 'forbidden');
		c.send({ type: 'watch', code: 'PUB24', key: r.json.screen_key, rid: 'w2' });
		await c.next('watching');
		c.close();
		const audit = await con.waitAudit(srv, "action = 'contest.screen_key' AND contest_code = 'PUB24'");
		assert.ok(!JSON.stringify(audit).includes(r.json.screen_key), 'the key is not in the log');
	});

	test('changed while nobody joined (every process reloads it); refused once someone joined', async () => {
		let r = await owner.put('/api/console/contests/PUB24', form('PUB24', { paper: { total: 4, ratio: { single_choice: 1 } } }));
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.valid, true);
		for (let i = 0; i < 100; i++) {
			if ((await srv.get('/api/contests/PUB24')).json.question_count === 4) break;
			await h.sleep(50);
		}
		assert.equal((await srv.get('/api/contests/PUB24')).json.question_count, 4);
		r = await owner.put('/api/console/contests/PUB24', form('PUB24', { time_limit_s: 0 }));
		assert.equal(r.status, 400, 'a published contest must stay valid');
		const { c } = await h.join(srv.wsUrl, '王师傅', { code: 'PUB24' });
		c.close();
		r = await owner.put('/api/console/contests/PUB24', form('PUB24'));
		assert.equal(r.status, 409);
		assert.equal(r.json.error.code, 'bad_state');
		r = await owner.get('/api/console/contests/PUB24');
		assert.equal(r.json.contest.editable, false);
		assert.equal(r.json.contest.players, 1);
	});

	test('archive, then delete; a draft is deleted at once; the audit log has each', async () => {
		let r = await other.post('/api/console/contests/PUB24/archive');
		assert.equal(r.status, 403, 'not granted');
		r = await owner.post('/api/console/contests/PUB24/archive');
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.contest.status, 'archived');
		for (let i = 0; i < 100 && (await srv.get('/api/contests/PUB24')).status === 200; i++) await h.sleep(50);
		assert.equal((await srv.get('/api/contests/PUB24')).status, 404, 'no longer served');
		r = await owner.put('/api/console/contests/PUB24', form('PUB24'));
		assert.equal(r.status, 409);
		r = await owner.del('/api/console/contests/PUB24', { withCsrf: false });
		assert.equal(r.status, 403);
		r = await owner.del('/api/console/contests/PUB24');
		assert.equal(r.status, 200, r.body);
		r = await owner.del('/api/console/contests/IMPORT24');
		assert.equal(r.status, 200);
		assert.equal((await admin.get('/api/console/contests/IMPORT24')).status, 404);
		assert.equal((await owner.get('/api/console/contests/IMPORT24')).status, 403, 'gone: no relation, as one not granted');
		await con.waitAudit(srv, "action = 'contest.delete' AND contest_code = 'IMPORT24'"); // group-committed
		const rows = await con.auditRows(srv, "contest_code IN ('PUB24', 'IMPORT24') AND action IN ('contest.archive', 'contest.delete')");
		assert.ok(rows.length >= 2);
		const del = (await con.auditRows(srv, "action = 'contest.delete' AND contest_code = 'PUB24'"))[0];
		assert.equal(del.before.players, 1);
		assert.equal(del.actor, 'c-owner');
	});
});
