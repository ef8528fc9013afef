'use strict';
/*
 * 12 console login in Chromium: the first admin (made by `skillarena user
 * add`) logs in on the login page (zh-CN first, 1366x768), is refused with a
 * wrong password first, creates an organizer account on the account page;
 * the organizer logs in on two phones, and "log out everywhere" on one ends
 * the other too. The cookie is HttpOnly (no script reads it), the pages run
 * without script errors or CSP violations, their text reaches 4.5:1, and the
 * login page fits a phone without sideways scrolling. Screenshots in the
 * test's output directory.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, open, server, text, waitText, PHONE } = require('./browser.js');
const { assertContrast, shot, unpreloaded } = require('./measure.js');
const con = require('../lib/console.js');

const DESKTOP = { width: 1366, height: 768 };
let srv, admin, phone1, phone2;

before(async () => {
	srv = await server();
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1', { display: '系统管理员' });
	[admin, phone1, phone2] = await Promise.all([launch(), launch(), launch()]);
});
after(async () => {
	for (const b of [admin, phone1, phone2]) if (b) await b.close();
	if (srv) await srv.stop();
});

/* The page's errors but the 400/401 answers the test asked for (Chromium logs each as a console error). */
const unexpected = (page) => page.errors.filter((e) => !/Failed to load resource: the server responded with a status of 40[01]/.test(e));

async function login(page, username, password) {
	await page.fill('input[name=username]', username);
	await page.fill('input[name=password]', password);
	await page.click('#login-form button[type=submit]');
}

test('the admin logs in (a wrong password first) and creates an organizer', async () => {
	const page = await open(admin.ctx, `${srv.url}/login.html`, DESKTOP);
	await waitText(page, '.login-card h1', '组织者登录');
	assert.deepEqual(await unpreloaded(page), []);
	await assertContrast(assert, page, 'login');
	await shot(page, 'login-1366');
	await login(page, 'admin', 'Wrong-pass-1');
	await waitText(page, '#login-error', '用户名或密码错误');
	assert.equal(await page.inputValue('input[name=password]'), '', 'the password field is cleared');
	await shot(page, 'login-wrong');
	await login(page, 'admin', 'Admin-pass-1');
	await page.waitForURL(/\/account\.html$/);
	await waitText(page, '#me-role', '管理员');
	assert.equal(await text(page, '#me-display'), '系统管理员');
	assert.equal(await page.evaluate(() => document.cookie.includes('sa_session')), false, 'HttpOnly');
	await page.waitForSelector('#accounts-card', { state: 'visible' });
	const f = '#create-form';
	await page.fill(`${f} input[name=username]`, 'zhangsan');
	await page.fill(`${f} input[name=display_name]`, '张三（组织者）');
	await page.selectOption(`${f} select[name=role]`, 'organizer');
	await page.fill(`${f} input[name=password]`, 'zhangsan');
	await page.click(`${f} button[type=submit]`);
	await waitText(page, `${f} .form-error`, '密码不能与用户名相同');
	await page.fill(`${f} input[name=password]`, 'Zhang-san-2026');
	await page.click(`${f} button[type=submit]`);
	await page.waitForSelector('#accounts tr[data-username="zhangsan"]');
	assert.match(await text(page, '#accounts tr[data-username="zhangsan"]'), /张三（组织者）/);
	assert.equal(await page.$eval('#accounts tr[data-username="zhangsan"] select', (s) => s.value), 'organizer');
	await assertContrast(assert, page, 'account (admin)');
	await shot(page, 'account-admin-1366');
	await page.$eval('#accounts-card', (e) => e.scrollIntoView());
	await shot(page, 'account-admin-accounts-1366');
	assert.deepEqual(unexpected(page), []);
	const rows = await con.waitAudit(srv, "action = 'account.create' AND target = 'zhangsan' AND actor = 'admin'");
	assert.equal(rows[0].after.role, 'organizer');
});

test('the organizer logs in on two phones and logs out everywhere from one', async () => {
	const a = await open(phone1.ctx, `${srv.url}/login.html?next=account.html`, PHONE);
	await login(a, 'zhangsan', 'Zhang-san-2026');
	await a.waitForURL(/\/account\.html$/);
	await waitText(a, '#me-role', '组织者');
	assert.equal(await a.isVisible('#accounts-card'), false, 'no account management for organizers');
	const b = await open(phone2.ctx, `${srv.url}/login.html`, PHONE);
	assert.equal(await b.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scrolling');
	await shot(b, 'login-phone');
	await login(b, 'zhangsan', 'Zhang-san-2026');
	await b.waitForURL(/\/account\.html$/);
	await shot(b, 'account-organizer-phone');
	assert.equal((await srv.sql("SELECT count(*)::int AS n FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = 'zhangsan'"))[0].n, 2);
	await a.click('#logout-all');
	await a.waitForURL(/\/login\.html/);
	await b.reload();
	await b.waitForURL(/\/login\.html\?next=account\.html$/);
	assert.equal((await srv.sql("SELECT count(*)::int AS n FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = 'zhangsan'"))[0].n, 0);
	await b.click('[data-lang-switch]');
	await waitText(b, '.login-card h1', 'Organizer login');
	await login(b, 'zhangsan', 'wrong-password');
	await waitText(b, '#login-error', 'wrong username or password');
	assert.deepEqual(unexpected(a), []);
	assert.deepEqual(unexpected(b), []);
	await con.waitAudit(srv, "action = 'logout.all' AND actor = 'zhangsan'");
});

test('logged in, the admin hosts from the host page with no token; a screen URL with the screen key watches', async () => {
	/* still logged in from the first test: the login page goes straight on to ?next= */
	const page = await open(admin.ctx, `${srv.url}/login.html?next=host.html%3Fcode%3DSAFE2026`, DESKTOP);
	await page.waitForURL(/\/host\.html\?code=SAFE2026$/);
	await page.waitForSelector('[data-view=auth]:not([hidden])');
	await page.click('#auth-form button[type=submit]'); /* the token left empty: the session hosts */
	await page.waitForSelector('[data-view=control]:not([hidden])');
	assert.equal(new URL(page.url()).hash, '', 'no token in the address');
	const rows = await con.waitAudit(srv, "action = 'host.login' AND actor = 'admin'");
	assert.equal(rows[0].contest, 'SAFE2026');
	assert.deepEqual(unexpected(page), []);

	await srv.psql(`UPDATE contests SET screen_key = '${'5'.repeat(32)}' WHERE code = 'SAFE2026'`);
	const tv = await open(phone2.ctx, `${srv.url}/screen.html?code=SAFE2026&key=${'5'.repeat(32)}`, { width: 1920, height: 1080 });
	await tv.waitForSelector('[data-view=live]:not([hidden])');
	assert.deepEqual(unexpected(tv), []);
});
