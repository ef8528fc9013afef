'use strict';
/*
 * 13 console contests in Chromium at 1366x768: an organizer builds a contest
 * in the console's form (a 64-character Chinese title, English title, a
 * code, questions from a console bank by type ratio), saves it as a draft
 * asking for more questions than the bank has: the server's problem is shown
 * beside the paper's fields; corrected, the draft is valid and published
 * (its status badge, the screen URL with its key), and hosted from the
 * host page the console links to (the session hosts, no token); grants: a
 * judge added by username shows in the list and in PostgreSQL's grants; the
 * list filters by status. No text of a view is cut; screenshots.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { launch, open, server, text, waitText, h } = require('./browser.js');
const { assertContrast, shot, unpreloaded } = require('./measure.js');
const { DESKTOP, TABLET, consoleLogin, cutText, apiBank, unexpected, con } = require('./console.js');

const TITLE64 = '全国职工安全生产知识竞赛暨班组长技能大比武'.repeat(4).slice(0, 64);
const CODE = 'SAFE13';
let srv, admin, org, viewer, br, br2;

before(async () => {
	srv = await server();
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	org = await con.account(srv, admin, 'org13', 'organizer');
	await con.account(srv, admin, 'judge13', 'judge');
	viewer = await con.account(srv, admin, 'viewer13', 'viewer');
	await apiBank(org, 'safety', '安全生产题库', path.join(h.ROOT, 'contests', 'banks', 'safety.json'));
	[br, br2] = await Promise.all([launch(), launch()]);
});
after(async () => {
	for (const b of [br, br2]) if (b) await b.close();
	if (srv) await srv.stop();
});

test('a contest built in the form: a located problem, corrected, published, hosted; grants', async () => {
	assert.equal([...TITLE64].length, 64);
	const page = await consoleLogin(br.ctx, srv, 'org13', org.password);
	await page.waitForSelector('#contest-list .empty');
	assert.deepEqual(await unpreloaded(page), []);
	await page.click('#new-contest');
	await page.waitForSelector('#contest-form');
	const f = '#contest-form';
	await page.fill(`${f} input[name=title_zh]`, TITLE64);
	await page.fill(`${f} input[name=title_en]`, 'National workplace safety knowledge contest');
	await page.fill(`${f} input[name=code]`, CODE.toLowerCase());
	await page.check(`${f} input[name=bank][value=safety]`);
	await page.fill(`${f} input[name=total]`, '500');
	await page.fill(`${f} input[name=ratio_single_choice]`, '4');
	await page.fill(`${f} input[name=ratio_true_false]`, '2');
	await page.fill(`${f} input[name=points]`, '10');
	await shot(page, 'contest-new-1366');
	await page.click('#save');
	await page.waitForURL(new RegExp(`#contest/${CODE}$`));
	await waitText(page, '#contest-title', TITLE64);
	/* the server's problem beside the paper's fields, in Chinese */
	await page.waitForSelector('#contest-form fieldset .has-problem .problem:not([hidden])');
	const where = await page.$eval('#contest-form .has-problem', (e) => e.dataset.path);
	assert.match(where, /^\$\.paper/, 'placed at the paper');
	const why = await page.$eval('#contest-form .has-problem .problem', (e) => e.textContent);
	assert.match(why, /题/, why);
	assert.match(await text(page, '#valid-line'), /个问题需要修改/);
	assert.deepEqual(await cutText(page), [], 'no text cut');
	await page.$eval('#contest-form .has-problem', (e) => e.scrollIntoView({ block: 'center' }));
	await shot(page, 'contest-problem-1366');
	await assertContrast(assert, page, 'contest with a problem');
	const stored = await srv.sql(`SELECT status, definition->'title'->>'zh-CN' AS title FROM contests WHERE code = '${CODE}'`);
	assert.equal(stored[0].status, 'draft', JSON.stringify(stored));
	assert.equal(stored[0].title, TITLE64, 'saved whatever its problems');

	await page.fill(`${f} input[name=total]`, '6');
	await page.click('#save');
	await waitText(page, '#valid-line', '检查通过，可以发布');
	assert.equal(await page.$$eval('#contest-form .problem:not([hidden])', (l) => l.length), 0);
	await page.click('#publish');
	await page.waitForSelector('.facts-line .badge[data-status="scheduled"]');
	await page.waitForSelector('#screen-url');
	const screenUrl = await page.$eval('#screen-url', (a) => a.href);
	assert.match(screenUrl, new RegExp(`/screen\\.html\\?code=${CODE}&key=[0-9a-f]{16,}`));
	assert.ok(await page.isVisible('#host-link'));
	assert.deepEqual(await cutText(page), [], 'no text cut after publishing');
	await shot(page, 'contest-published-1366');

	/* grants: a judge by username */
	await page.fill('#grant-form input[name=username]', 'judge13');
	await page.selectOption('#grant-form select[name=role]', 'judge');
	await page.click('#grant-form button[type=submit]');
	await page.waitForSelector('#grants tr[data-username="judge13"]');
	assert.match(await text(page, '#grants tr[data-username="judge13"]'), /评委/);
	const g = await srv.sql(`SELECT a.username, g.role FROM contest_grants g JOIN accounts a ON a.id = g.account_id JOIN contests c ON c.id = g.contest_id WHERE c.code = '${CODE}'`);
	assert.deepEqual(g, [{ username: 'judge13', role: 'judge' }]);
	await page.fill('#grant-form input[name=username]', 'viewer13');
	await page.selectOption('#grant-form select[name=role]', 'viewer');
	await page.click('#grant-form button[type=submit]');
	await page.waitForSelector('#grants tr[data-username="viewer13"]');
	/* an unknown account: the server's message beside the form */
	await page.fill('#grant-form input[name=username]', 'nobody13');
	await page.click('#grant-form button[type=submit]');
	await page.waitForSelector('#contest-side .form-error:not([hidden])');

	/* the contest page on a tablet: one column, nothing cut */
	await page.setViewportSize(TABLET);
	await page.evaluate(() => window.scrollTo(0, 0));
	assert.deepEqual(await cutText(page), [], 'no text cut on a tablet');
	assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scrolling');
	await shot(page, 'contest-tablet', { fullPage: true });
	await page.setViewportSize(DESKTOP);

	/* the viewer granted on it: the contest's summary and the views a viewer may open */
	const v = await consoleLogin(br2.ctx, srv, 'viewer13', viewer.password, { viewport: TABLET, hash: `#contest/${CODE}` });
	await waitText(v, '#contest-title', TITLE64);
	assert.match(await text(v, '.facts-line'), /查看者/);
	assert.ok(await v.isVisible('#results-link'));
	assert.equal(await v.isVisible('#contest-form'), false, 'no definition for a viewer');
	assert.equal(await v.isVisible('[data-nav=banks]'), false, 'no banks for a viewer');
	assert.deepEqual(await cutText(v), [], 'no text cut for the viewer');
	await shot(v, 'contest-viewer-tablet');
	assert.deepEqual(unexpected(v, /40[13]/), []);

	/* hosted from the link the console gives: the session hosts */
	const hostHref = await page.$eval('#host-link', (a) => a.href);
	assert.equal(new URL(hostHref).search, `?code=${CODE}`);
	const host = await open(br.ctx, hostHref, DESKTOP);
	await host.waitForSelector('[data-view=auth]:not([hidden])');
	await host.click('#auth-form button[type=submit]');
	await host.waitForSelector('[data-view=control]:not([hidden])');
	await waitText(host, '[data-contest-title]', TITLE64);
	await con.waitAudit(srv, `action = 'host.login' AND actor = 'org13' AND contest_code = '${CODE}'`);
	assert.deepEqual(unexpected(host), []);

	/* copied as an exam: the missing window shown beside the window's fields, then given */
	await page.click('#copy');
	await page.waitForFunction((c) => /^#contest\/[A-Z0-9]{4,16}$/.test(location.hash) && location.hash !== `#contest/${c}`, CODE);
	const copyCode = (await page.evaluate(() => location.hash)).replace('#contest/', '');
	await page.waitForSelector('.facts-line .badge[data-status="draft"]');
	await page.selectOption(`${f} select[name=mode]`, 'exam');
	await page.click('#save');
	await page.waitForSelector('#contest-form .when-window.has-problem, #contest-form .when-window .has-problem');
	assert.match(await text(page, '#contest-form .when-window .problem:not([hidden])'), /window/);
	await shot(page, 'contest-exam-window-problem');
	await page.fill(`${f} input[name=opens_at]`, '2026-12-20T08:00');
	await page.fill(`${f} input[name=closes_at]`, '2026-12-20T20:00');
	await page.fill(`${f} input[name=duration_min]`, '30');
	await page.selectOption(`${f} select[name=show_results]`, 'window');
	await page.click('#save');
	await waitText(page, '#valid-line', '检查通过，可以发布');
	const exam = await srv.sql(`SELECT definition->'window' AS w, definition->'attempts' AS a, definition->>'mode' AS m FROM contests WHERE code = '${copyCode}'`);
	assert.deepEqual(exam[0].w, { opens_at: '2026-12-20T08:00:00+08:00', closes_at: '2026-12-20T20:00:00+08:00', duration_min: 30 });
	assert.equal(exam[0].a.show_results, 'window');
	assert.equal(exam[0].m, 'exam');

	/* the list: the contest under its status filter, not under another */
	await page.evaluate(() => { location.hash = '#contests?status=scheduled'; });
	await page.waitForSelector(`#contests tr[data-code="${CODE}"]`);
	assert.match(await text(page, `#contests tr[data-code="${CODE}"]`), /已发布/);
	assert.deepEqual(await cutText(page), [], 'no text cut in the list');
	await shot(page, 'contest-list-1366');
	await page.evaluate(() => { location.hash = '#contests?status=draft'; });
	await page.waitForSelector(`#contests tr[data-code="${copyCode}"]`);
	assert.equal(await page.$$eval('#contests tbody tr', (l) => l.length), 1, 'only the draft');
	assert.deepEqual(unexpected(page), []);
	await con.waitAudit(srv, `action = 'contest.publish' AND actor = 'org13'`);
});

test('the admin reads the contest trail in the audit log and downloads it as CSV', async () => {
	const b = await launch();
	try {
		const page = await consoleLogin(b.ctx, srv, 'admin', 'Admin-pass-1', { hash: `#audit?contest=${CODE}` });
		await page.waitForSelector('#audit tr[data-action="contest.publish"]');
		const actions = await page.$$eval('#audit tbody tr', (l) => l.map((r) => r.dataset.action));
		for (const a of ['contest.create', 'contest.update', 'contest.publish', 'contest.grants', 'host.login']) assert.ok(actions.includes(a), `${a} in ${actions}`);
		assert.equal(await page.inputValue('#audit-filters input[name=contest]'), CODE);
		await page.click('#audit tr[data-action="contest.grants"] summary');
		assert.match(await text(page, '#audit tr[data-action="contest.grants"] pre'), /judge13/);
		assert.deepEqual(await cutText(page), [], 'no text cut in the audit log');
		await shot(page, 'audit-1366');
		const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#audit-csv')]);
		assert.equal(dl.suggestedFilename(), 'audit.csv');
		const csv = require('node:fs').readFileSync(await dl.path(), 'utf8');
		assert.equal(csv.charCodeAt(0), 0xfeff, 'BOM for Excel');
		assert.match(csv.split('\n')[0], /时间/, 'Chinese headers: the page language');
		assert.match(csv, /contest\.publish/);
		assert.deepEqual(unexpected(page), []);
	} finally {
		await b.close();
	}
});
