'use strict';
/*
 * The public results page (results.html) on a 390x844 phone: a worker joins
 * the recompute test contest on the player page of this phone, the contest
 * is played and published (provisional, award tiers, names masked); the
 * same phone opens the results page: the state says 公示中 with the notice
 * date, the ranking shows masked names only and fits the screen, the appeal
 * form is there (the participant token of this phone's localStorage), a
 * 64-character Chinese reason about question e2 is filed and acknowledged,
 * PostgreSQL holds it for this participant; a second appeal on the same
 * question is refused with the server's Chinese message; the organizer's
 * answer shows under 我的申诉 on the phone. Another phone
 * (no token) sees the notice instead of the form; the page in English;
 * every tap target 44 px or more, text at 4.5:1, no CSP violation.
 * Screenshots: $SA_TEST_OUT/85-results-appeal/shots/.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { h, launch, open, waitText, text } = require('./browser.js');
const { assertContrast, tapTargets, shot } = require('./measure.js');
const con = require('../lib/console.js');

const CODE = 'RECOMP26';
const PHONE = { width: 390, height: 844 };
const REASON = '我认为第二题的标准答案与现行安全规程不一致，请组织者复核该题答案并重新计算我的成绩，谢谢！'.padEnd(64, '。');
let srv, mine, other, admin;

before(async () => {
	srv = await h.startServer({ contests: [h.DEMO_CONTEST, 'tests/integration/data/recompute.json'] });
	mine = await launch();
	other = await launch();
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
});
after(async () => {
	for (const b of [mine, other]) if (b) await b.close();
	if (srv) await srv.stop();
});

async function checkPhone(page, label) {
	const small = (await tapTargets(page)).filter((t) => t.w < 44 || t.h < 44);
	assert.deepEqual(small, [], `${label}: tap targets under 44 px`);
	const sw = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(sw <= page.viewportSize().width, `${label}: no sideways scrolling (${sw})`);
	await assertContrast(assert, page, label);
	await shot(page, label);
}

test('a worker appeals from the phone they played on', async () => {
	/* this phone joins on the player page: its token goes to localStorage */
	const player = await open(mine.ctx, `${srv.url}/player.html?code=${CODE}`, PHONE);
	await player.waitForSelector('[data-view=join]:not([hidden])');
	await player.fill('input[name=name]', '周班长');
	await player.fill('input[name=unit]', '检修车间');
	await player.click('#join-form button[type=submit]');
	await player.waitForSelector('[data-view=lobby]:not([hidden])');
	const others = [];
	for (const name of ['张三丰', '欧阳娜娜']) others.push((await h.join(srv.wsUrl, name, { code: CODE, employee_no: `E-${others.length + 1}000` })).c);
	const host = await h.host(srv.wsUrl, srv.organizerToken, CODE);
	await h.hostCmd(host, 'start');
	for (const c of others) await c.waitFor((m) => m.type === 'question', 10000, 'question');
	await others[0].request({ type: 'answer', question_id: 'e1', response: 1 });
	await h.hostCmd(host, 'end');
	await host.close();
	for (const c of others) await c.close();
	await player.waitForSelector('[data-view=finished]:not([hidden])');
	assert.equal(await player.getAttribute('#results-link', 'href'), `results.html?code=${CODE}`, 'the finished view links the results');
	const pub = await admin.post(`/api/console/contests/${CODE}/results/publish`, { notice_days: 5 });
	assert.equal(pub.status, 201, pub.body);
	assert.equal(player.errors.length, 0, player.errors.join('\n'));

	const page = await open(mine.ctx, `${srv.url}/results.html?code=${CODE}`, PHONE);
	await page.waitForSelector('#ranking:not([hidden])');
	assert.match(await text(page, '#state'), /^第 1 版 · 公示中，公示期至 /);
	const names = await page.$$eval('#rows tr td:nth-child(2)', (tds) => tds.map((td) => td.firstChild.textContent));
	assert.deepEqual(names.sort(), ['周*长', '张*丰', '欧阳**'].sort());
	assert.equal(await text(page, '#rows tr:first-child .award'), '一等奖');
	const body = await page.textContent('body');
	assert.ok(!body.includes('张三丰') && !body.includes('周班长'), 'no name unmasked');
	await page.waitForSelector('#appeal:not([hidden])');
	assert.equal(await page.isHidden('#no-token'), true);
	await checkPhone(page, 'results-1-provisional');

	await page.selectOption('#appeal-question', 'e2');
	await page.fill('#appeal-form textarea', REASON);
	await waitText(page, '#appeal-count', '64 / 500 字');
	await page.click('#appeal-form button[type=submit]');
	await waitText(page, '#appeal-ok', /^申诉已提交（编号 \d+），请等待组织者答复$/);
	const rows = await srv.sql(`SELECT a.reason, a.question_id, p.name FROM appeals a JOIN participants p ON p.id = a.participant_id`);
	assert.deepEqual(rows, [{ reason: REASON, question_id: 'e2', name: '周班长' }]);
	await waitText(page, '#mine-list li .badge', '待处理');
	await checkPhone(page, 'results-2-appealed');

	await page.selectOption('#appeal-question', 'e2');
	await page.fill('#appeal-form textarea', '再次申诉同一题');
	await page.click('#appeal-form button[type=submit]');
	await waitText(page, '#appeal-error', '该题已有未处理的申诉，请等待答复');
	const errors = page.errors.filter((e) => !/status of 409/.test(e)); /* the refusal itself */
	assert.equal(errors.length, 0, errors.join('\n'));

	/* the organizer answers: the phone shows the answer */
	const [a] = await srv.sql(`SELECT id FROM appeals`);
	const d = await admin.post(`/api/console/contests/${CODE}/appeals/${a.id}/decide`, { decision: 'dismissed', reply: '经复核，第二题答案无误，维持原成绩。' });
	assert.equal(d.status, 200, d.body);
	await page.reload();
	await waitText(page, '#mine-list li .badge', '已驳回');
	assert.equal(await text(page, '#mine-list li .mine-reply'), '答复：经复核，第二题答案无误，维持原成绩。');
	assert.equal(await text(page, '#mine-list li .mine-reason'), REASON);
	await checkPhone(page, 'results-2b-answered');

	/* another phone: no token, the notice instead of the form; then English */
	const bare = await open(other.ctx, `${srv.url}/results.html?code=${CODE}`, PHONE);
	await bare.waitForSelector('#no-token:not([hidden])');
	assert.equal(await bare.isHidden('#appeal'), true);
	await bare.click('[data-lang-switch]');
	await waitText(bare, '#state', /^Revision 1 · provisional, on public notice until /);
	assert.equal(await text(bare, '#ranking th:first-child'), 'Rank');
	assert.equal(await text(bare, '#rows tr:first-child .award'), 'First prize');
	await checkPhone(bare, 'results-3-english');
	assert.equal(bare.errors.length, 0, bare.errors.join('\n'));
});
