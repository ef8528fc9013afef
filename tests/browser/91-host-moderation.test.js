'use strict';
/*
 * 91 the host's moderation controls (issue 10, item 7) in Chromium, on two
 * server processes: the host page on A, the big screen on B, three phones
 * (王建国 and 李娜 on A, a 64-character Chinese name on B; three origins, so
 * each phone keeps its own token). Pause: the phones' countdown stands
 * still with "paused" and the screen shows 暂停; resume with the P key; +15 s
 * (a button, then the E key) moves the phones' and the screen's deadline;
 * the "not answered" panel lists the two who have not answered (the long
 * name wrapped, never cut, with its employee-number tail) and marks one
 * offline once its page is closed; the players panel finds a player, the
 * dialog names the person, the removed phone is back on its join form with
 * the reason and is refused again until the release; a second host page,
 * whose list was read before, tries to remove the same player again (the
 * server refuses it as removed already, the page marks him removed); rename refuses 65 characters in the dialog and shows the
 * server's refusal of a direction character in words, then the screen's
 * board shows the new name; hide board: the screen's board goes, and comes
 * back. The host page at 1280x800, 768x1024 and 390x844 (no sideways
 * scrolling, tap targets >= 44 px), contrast, zh-CN and English.
 * Screenshots: $SA_TEST_OUT/91-host-moderation/shots/.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { h, launch, open, text, waitText, PHONE, LAPTOP, TV } = require('./browser.js');
const { assertContrast, tapTargets, shot, unpreloaded } = require('./measure.js');

const TABLET = { width: 768, height: 1024 };
/* 64 characters: a worker's name as an HR system may hold it (a minority name with its transliteration) */
const LONG = '阿卜杜热合曼·买买提依明·艾合麦提江·吐尔逊托合提·热依木江·阿不都克热木·努尔麦麦提·玉素甫江·库尔班·阿布都热西提·艾力江木';
const ANSWERS = h.contestAnswers();

let srv, browser;
before(async () => {
	srv = await h.startServer({ processes: 2, contests: [h.contestWith(h.DEMO_CONTEST, { time_limit_s: 90 }, 'long-time')] });
	browser = await launch();
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

/* A phone joins through the player page's form. */
async function joinPhone(base, name, emp, unit) {
	const p = await open(browser.ctx, `${base}/player.html?code=SAFE2026`, PHONE);
	await p.waitForSelector('[data-view=join]:not([hidden])');
	await p.fill('input[name=name]', name);
	await p.fill('input[name=employee_no]', emp);
	await p.fill('input[name=unit]', unit);
	await p.click('#join-form button[type=submit]');
	await p.waitForSelector('[data-view=lobby]:not([hidden])');
	return p;
}

/* The whole seconds a page's countdown shows. */
async function secs(page, sel) {
	const s = (await page.textContent(sel)).trim();
	assert.match(s, /^\d+$/, `${sel} shows seconds`);
	return Number(s);
}

/* Waits until a countdown shows at least n seconds. */
async function countdownAtLeast(page, sel, n, timeout = 10000) {
	await page.waitForFunction(([s, min]) => Number(document.querySelector(s).textContent) >= min, [sel, n], { timeout });
}

/* The players panel's row of the one player a search finds. */
async function findRow(host, query) {
	await host.fill('#players-search', query);
	await host.waitForFunction(() => document.querySelectorAll('#players-list li').length === 1);
	return '#players-list li';
}

async function noSideways(page, size, what) {
	const w = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(w <= size.width, `${what}: no sideways scrolling (scrollWidth ${w} at ${size.width})`);
}

async function tapsAtLeast(page, root, what) {
	const small = (await tapTargets(page, root)).filter((t) => t.h < 44 || t.w < 44);
	assert.deepEqual(small, [], `${what}: tap targets >= 44 px`);
}

test('pause, extend, who has not answered, remove, release, rename, hide the board', async () => {
	const [A, B] = srv.urls;
	const A2 = A.replace('127.0.0.1', 'localhost'); /* another origin of process A: its own localStorage */

	const host = await open(browser.ctx, `${A}/host.html?code=SAFE2026#token=${srv.organizerToken}`, LAPTOP);
	await host.waitForSelector('[data-view=control]:not([hidden])');
	const screen = await open(browser.ctx, `${B}/screen.html?code=SAFE2026`, TV);
	await screen.waitForSelector('#s-lobby:not([hidden])');
	const p1 = await joinPhone(A, '王建国', 'E-1001', '一车间');
	const p2 = await joinPhone(B, LONG, 'E-1002', '二车间');
	const p3 = await joinPhone(A2, '李娜', 'E-1003', '三车间');
	await waitText(host, '#st-players', '3');
	await host.waitForFunction(() => document.querySelectorAll('#players-list li').length === 3, null, { timeout: 15000 });
	assert.equal(await text(host, '#players-n'), '（3 人）');
	assert.deepEqual(await unpreloaded(host), [], 'every module of the host page is preloaded');
	assert.equal(await text(host, '#keys-mod'), 'P 暂停 / 继续；E 延长 15 秒');
	/* nothing to pause in the lobby; the board can be hidden in any phase */
	assert.deepEqual(await host.$$eval('[data-mod]', (bs) => bs.map((b) => [b.dataset.mod, b.disabled, b.textContent])),
		[['pause', true, '暂停'], ['extend15', true, '+15 秒'], ['extend30', true, '+30 秒'], ['board', false, '隐藏榜单']]);
	await assertContrast(assert, host, 'host lobby');
	await shot(host, 'host-1-lobby-1280');

	/* start; 王建国 answers; the two others are listed, the long name wrapped with its tail */
	await host.click('[data-cmd=start]');
	for (const p of [p1, p2, p3]) await p.waitForSelector('[data-view=question]:not([hidden])');
	await p1.click(`.choice[data-index="${ANSWERS.q1}"]`);
	await p1.waitForSelector('#q-status[data-kind=acked]');
	await waitText(host, '#pending-n', '2 人', 15000);
	const pending = () => host.$$eval('#pending-list li', (ls) => ls.map((l) => [l.querySelector('.name').textContent,
		(l.querySelector('.tail') || {}).textContent || '', (l.querySelector('.unit') || {}).textContent || '',
		(l.querySelector('.offline') || {}).textContent || '']).sort());
	assert.deepEqual(await pending(), [['李娜', '工号尾号 1003', '三车间', ''], [LONG, '工号尾号 1002', '二车间', '']].sort());
	const longName = await host.$eval('#pending-list li .name', (_, long) => {
		const el = [...document.querySelectorAll('#pending-list .name')].find((e) => e.textContent === long);
		const r = el.getBoundingClientRect();
		const card = document.querySelector('#pending-card').getBoundingClientRect();
		return { lines: Math.round(r.height / parseFloat(getComputedStyle(el).lineHeight)), cut: el.scrollWidth > el.clientWidth + 1,
			inside: r.left >= card.left && r.right <= card.right + 0.5 };
	}, LONG);
	assert.deepEqual({ cut: longName.cut, inside: longName.inside }, { cut: false, inside: true }, 'the long name is never cut');
	assert.ok(longName.lines >= 2, `the long name wraps (${longName.lines} lines)`);
	assert.equal([...LONG].length, 64);
	await assertContrast(assert, host, 'host pending');
	await shot(host, 'host-2-pending');

	/* pause: the phones' countdown stands still with "paused", the screen shows 暂停 */
	await host.click('[data-mod=pause]');
	await host.waitForSelector('#paused-tag:not([hidden])');
	assert.equal(await text(host, '#paused-tag'), '已暂停');
	assert.equal(await text(host, '[data-mod=pause]'), '继续');
	for (const p of [p2, p3]) await waitText(p, '#q-status[data-kind=paused]', '主持人已暂停，请稍候');
	await screen.waitForSelector('#s-paused:not([hidden])');
	assert.equal(await text(screen, '#s-paused'), '暂停');
	assert.equal(await screen.isVisible('#s-timeup'), false, 'a pause is no "time\'s up"');
	const frozen = { p2: await secs(p2, '#q-countdown'), screen: await secs(screen, '#s-clock'), host: await secs(host, '#countdown') };
	assert.ok(frozen.p2 > 30, `the phone shows the time left (${frozen.p2} s)`);
	await host.waitForTimeout(2500);
	assert.deepEqual({ p2: await secs(p2, '#q-countdown'), screen: await secs(screen, '#s-clock'), host: await secs(host, '#countdown') },
		frozen, 'the countdowns stand still while paused');
	assert.equal(await p3.isEnabled(`.choice[data-index="${ANSWERS.q1}"]`), false, 'no answering while paused');
	await assertContrast(assert, p2, 'phone paused');
	await assertContrast(assert, screen, 'screen paused');
	await shot(p2, 'phone-1-paused');
	await shot(screen, 'screen-1-paused');
	await shot(host, 'host-3-paused');

	/* P resumes: the countdowns run again */
	await host.keyboard.press('p');
	await host.waitForSelector('#paused-tag', { state: 'hidden' });
	await p2.waitForSelector('#q-status[data-kind=paused]', { state: 'hidden' });
	await p2.waitForFunction((n) => Number(document.querySelector('#q-countdown').textContent) < n, frozen.p2, { timeout: 5000 });
	assert.equal(await screen.isVisible('#s-paused'), false);

	/* +15 s, then E: the phones' and the screen's deadline move */
	let before = await secs(p2, '#q-countdown');
	await host.click('[data-mod=extend15]');
	await waitText(host, '#toast', '已延长 15 秒');
	await countdownAtLeast(p2, '#q-countdown', before + 12);
	await countdownAtLeast(screen, '#s-clock', before + 12);
	before = await secs(p3, '#q-countdown');
	await host.keyboard.press('e');
	await countdownAtLeast(p3, '#q-countdown', before + 12);

	/* 李娜's page closes: offline in the list, and counted */
	await p3.close();
	await host.waitForFunction(() => [...document.querySelectorAll('#pending-list li')].some((l) =>
		l.querySelector('.name').textContent === '李娜' && l.dataset.online === 'false'), null, { timeout: 20000 });
	assert.deepEqual(await pending(), [['李娜', '工号尾号 1003', '三车间', '离线'], [LONG, '工号尾号 1002', '二车间', '']].sort());
	assert.equal(await text(host, '#pending-offline'), '其中 1 人离线');
	await assertContrast(assert, host, 'host pending offline');
	await shot(host, 'host-4-offline');

	/* remove 王建国: the dialog names him; his phone is back on the join form with the reason */
	const row = await findRow(host, '王建国');
	await host.click(`${row} [data-act=remove]`);
	await host.waitForSelector('#dlg-remove[open]');
	assert.equal(await text(host, '#dlg-remove-text'), '确定将王建国（一车间 · 工号 E-1001）移出本场竞赛吗？');
	await assertContrast(assert, host, 'remove dialog');
	await shot(host, 'host-5-remove-dialog');
	await host.click('#dlg-remove-ok');
	await waitText(host, '#toast', '已将 王建国 移出本场竞赛');
	await host.waitForSelector('#dlg-remove', { state: 'hidden' });
	await waitText(host, `${row} .p-tag`, '已移出');
	assert.deepEqual(await host.$$eval(`${row} [data-act]`, (bs) => bs.map((b) => b.dataset.act)), ['release'], 'no second remove from this page');
	const removedText = '主持人已将你移出本场竞赛。如有疑问请联系组织者；组织者放行后，可用原工号和姓名重新加入。';
	await p1.waitForSelector('[data-view=join]:not([hidden])');
	await waitText(p1, '#join-error', removedText);
	const pid1 = Number(await host.getAttribute(row, 'data-pid'));
	assert.deepEqual(await srv.sql(`SELECT removed FROM participants WHERE id = ${pid1}`), [{ removed: true }]);
	await waitText(host, '#st-players', '2');
	for (const u of srv.urls) {
		const lb = await h.httpGet(`${u}/api/contests/SAFE2026/leaderboard`);
		assert.ok(!lb.json.top.some((e) => e.participant_id === pid1), `${u}: off the board`);
	}
	/* his phone tries again: refused, still on the form */
	assert.equal(await p1.inputValue('input[name=employee_no]'), 'E-1001', 'the form keeps his details');
	await p1.click('#join-form button[type=submit]');
	await p1.waitForSelector('#join-form button[type=submit]:not([disabled])');
	await waitText(p1, '#join-error', removedText);
	await p1.waitForTimeout(500);
	assert.equal(await p1.isVisible('[data-view=join]'), true, 'not let in');
	await assertContrast(assert, p1, 'phone removed');
	await shot(p1, 'phone-2-removed');

	/* a second host page (process B) whose list was read before: removing him again is refused, he shows removed */
	const host2 = await open(browser.ctx, `${B}/host.html?code=SAFE2026#token=${srv.organizerToken}`, LAPTOP);
	await host2.waitForSelector('[data-view=control]:not([hidden])');
	const row2 = await findRow(host2, 'E-1001');
	await host2.click(`${row2} [data-act=remove]`);
	await host2.click('#dlg-remove-ok');
	await waitText(host2, '#toast', /^此人已被移出/);
	await waitText(host2, `${row2} .p-tag`, '已移出');
	assert.deepEqual(await srv.sql(`SELECT removed FROM participants WHERE id = ${pid1}`), [{ removed: true }]);
	assert.deepEqual(host2.errors, []);
	await host2.close();

	/* release: he joins again with his employee number and name, back on the board */
	await host.click(`${row} [data-act=release]`);
	await waitText(host, '#toast', '已放行 王建国：可用工号 E-1001 和姓名重新加入');
	await host.waitForSelector(`${row} .p-tag`, { state: 'detached' });
	await p1.click('#join-form button[type=submit]');
	await p1.waitForSelector('[data-view=question]:not([hidden])');
	await waitText(host, '#st-players', '3');
	assert.deepEqual(await srv.sql(`SELECT removed FROM participants WHERE id = ${pid1}`), [{ removed: false }]);

	/* rename the long name: 65 characters refused in the dialog, a direction character by the server, then 张晓明 */
	const row3 = await findRow(host, 'E-1002');
	await host.click(`${row3} [data-act=rename]`);
	await host.waitForSelector('#dlg-rename[open]');
	assert.equal(await host.inputValue('#dlg-rename input[name=name]'), LONG);
	assert.equal(await text(host, '#dlg-rename-count'), '64 / 64 个字');
	await host.fill('#dlg-rename input[name=name]', `${LONG}江`);
	await waitText(host, '#dlg-rename-count', '65 / 64 个字');
	await host.click('#dlg-rename-ok');
	await waitText(host, '#dlg-rename-error', '姓名最多 64 个字，现在是 65 个');
	await assertContrast(assert, host, 'rename dialog');
	await shot(host, 'host-6-rename-too-long');
	await host.fill('#dlg-rename input[name=name]', '张\u202e晓明');
	await host.click('#dlg-rename-ok');
	await waitText(host, '#dlg-rename-error', '姓名不能为空，最多 64 个字，不能含控制字符、方向控制符或只有不可见字符');
	assert.equal(await host.isVisible('#dlg-rename'), true, 'the dialog stays for a correction');
	const [{ name: stored }] = await srv.sql(`SELECT name FROM participants WHERE employee_no = 'E-1002'`);
	assert.equal(stored, LONG, 'nothing renamed yet');
	await host.fill('#dlg-rename input[name=name]', '张晓明');
	await host.click('#dlg-rename-ok');
	await waitText(host, '#toast', '已改名为 张晓明');
	await host.waitForSelector('#dlg-rename', { state: 'hidden' });
	await waitText(p2, '#me-name', '张晓明');
	await waitText(host, '[data-conn]', '已连接');

	/* reveal: the screen's board has the new name */
	await host.click('[data-cmd=reveal]');
	await screen.waitForSelector('#s-board .row .name:text-is("张晓明")', { timeout: 10000 });

	/* hide the board: the screen's top 10 goes; shown again, it comes back */
	await host.click('[data-mod=board]');
	await screen.waitForSelector('.s-side', { state: 'hidden' });
	await host.waitForSelector('#board-hidden-note:not([hidden])');
	assert.equal(await text(host, '[data-mod=board]'), '显示榜单');
	await assertContrast(assert, screen, 'screen board hidden');
	await shot(screen, 'screen-2-board-hidden');
	await host.click('[data-cmd=next]');
	await screen.waitForSelector('#s-question:not([hidden])');
	await host.waitForTimeout(800);
	assert.equal(await screen.isVisible('.s-side'), false, 'still hidden on the next question');
	await host.click('[data-mod=board]');
	await screen.waitForSelector('.s-side', { state: 'visible' });
	await screen.waitForSelector('#s-board .row .name:text-is("张晓明")');

	/* the host page on a tablet and a phone */
	for (const [size, name] of [[TABLET, 'host-7-tablet-768'], [PHONE, 'host-8-phone-390']]) {
		await host.setViewportSize(size);
		await host.waitForTimeout(300);
		await noSideways(host, size, name);
		for (const root of ['.controls', '#players-card']) await tapsAtLeast(host, root, `${name} ${root}`);
		await shot(host, name, { fullPage: true });
	}
	await host.setViewportSize(LAPTOP);

	/* English: the host, the screen and a phone, paused */
	await screen.mouse.move(200, 200); /* the screen's controls step aside when the mouse is idle */
	for (const p of [host, screen, p2]) await p.click('[data-lang-switch]');
	assert.deepEqual(await host.$$eval('[data-mod]', (bs) => bs.map((b) => b.textContent)), ['Pause', '+15 s', '+30 s', 'Hide board']);
	assert.equal(await text(host, '#keys-mod'), 'P pauses / resumes; E adds 15 s');
	await host.click('[data-mod=pause]');
	await waitText(screen, '#s-paused', 'Paused');
	await waitText(p2, '#q-status[data-kind=paused]', 'Paused by the host: please wait');
	await waitText(host, '#paused-tag', 'Paused');
	await assertContrast(assert, host, 'host English paused');
	await shot(host, 'host-9-en-paused');
	await shot(screen, 'screen-3-en-paused');
	await shot(p2, 'phone-3-en-paused');
	await host.click('[data-mod=pause]');
	await waitText(host, '#toast', 'Resumed');

	for (const p of [host, screen, p1, p2]) assert.deepEqual(p.errors, [], `${p.url()}: no script errors`);
});
