'use strict';
/*
 * The player page on two phones, 360x640 and 390x844, through the demo
 * contest: the lobby count follows new players; no rank and no points
 * before the first reveal (the ack only says "submitted"); true/false in
 * blue and violet with ✓ ✗ (red and green only at the reveal, for wrong
 * and right); multiple choice ticks what is chosen and, at the reveal,
 * marks right, wrong and missed options in words; the submit button is in
 * view on a 360x640 screen; every tap target is 44 px or more and every
 * text reaches 4.5:1. Screenshots: $SA_TEST_OUT/80-phone/shots/.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { h, launch, open, server, demo, text, waitText } = require('./browser.js');
const { assertContrast, tapTargets, shot, unpreloaded } = require('./measure.js');

const SMALL = { width: 360, height: 640 };
const MEDIUM = { width: 390, height: 844 };

/* one browser (profile, localStorage) per phone */
let srv, browsers = [];
before(async () => {
	srv = await server();
	browsers = [await launch(), await launch()];
});
after(async () => {
	for (const b of browsers) await b.close();
	if (srv) await srv.stop();
});

/* Tap targets, sideways scrolling and contrast of one phone in one state. */
async function checkPhone(page, label, opts = {}) {
	const small = (await tapTargets(page)).filter((t) => t.w < 44 || t.h < 44);
	assert.deepEqual(small, [], `${label}: tap targets under 44 px`);
	const sw = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(sw <= page.viewportSize().width, `${label}: no sideways scrolling (${sw})`);
	await assertContrast(assert, page, label, opts);
	await shot(page, label);
}

/* Whether the element is entirely on screen, not under the score bar, and the topmost thing at its centre. */
async function inView(page, sel) {
	return page.$eval(sel, (el) => {
		const r = el.getBoundingClientRect();
		const bar = document.querySelector('#me-bar').getBoundingClientRect();
		const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		return r.top >= 0 && r.bottom <= bar.top && (top === el || el.contains(top));
	});
}

const rgb = (page, sel) => page.$eval(sel, (e) => getComputedStyle(e).backgroundColor);

test('two phones play the demo contest', async () => {
	const qs = demo().questions;
	const phones = {};
	for (const [key, size, name, b] of [['s', SMALL, '孙师傅', 0], ['m', MEDIUM, '周班长', 1]]) {
		const page = await open(browsers[b].ctx, `${srv.url}/player.html?code=SAFE2026`, size);
		await page.waitForSelector('[data-view=join]:not([hidden])');
		phones[key] = page;
		await checkPhone(page, `${key}-0-join`);
		await page.fill('input[name=name]', name);
		await page.fill('input[name=unit]', '检修车间');
		await page.click('#join-form button[type=submit]');
		await page.waitForSelector('[data-view=lobby]:not([hidden])');
	}
	const { s, m } = phones;
	assert.deepEqual(await unpreloaded(s), [], 'every module is preloaded');

	/* the lobby count is live: a third player joins, both phones follow */
	await waitText(m, '#lobby-players', '已有 2 人加入');
	const { c: other } = await h.join(srv.wsUrl, '吴工', { unit: '检修车间' });
	await waitText(s, '#lobby-players', '已有 3 人加入', 20000);
	await waitText(m, '#lobby-players', '已有 3 人加入', 20000);
	assert.equal(await text(s, '#me-rank'), '–', 'no rank in the lobby');
	await checkPhone(s, 's-1-lobby');

	/* q1: no rank, no points before the reveal */
	const host = await h.host(srv.wsUrl, srv.organizerToken);
	await h.hostCmd(host, 'start');
	for (const p of [s, m]) await p.waitForSelector('.choice:not([disabled])');
	await checkPhone(s, 's-2-question');
	await checkPhone(m, 'm-2-question');
	await s.click(`.choice[data-index="${qs[0].answer}"]`);
	await m.click(`.choice[data-index="${(qs[0].answer + 1) % 4}"]`);
	for (const p of [s, m]) {
		await p.waitForSelector('#q-status[data-kind=acked]');
		assert.equal(await text(p, '#q-status'), '✓ 已提交，等待公布答案');
		assert.equal(await text(p, '#me-rank'), '–');
		assert.equal(await text(p, '#me-score'), '0');
	}
	await h.hostCmd(host, 'reveal');
	await s.waitForSelector('#q-result[data-result=correct]');
	await m.waitForSelector('#q-result[data-result=wrong]');
	await waitText(s, '#me-rank', '第 1 名');
	await waitText(m, '#me-rank', /^(并列)?第 2 名$/);
	assert.equal(await s.getAttribute(`.choice[data-index="${qs[0].answer}"]`, 'data-mark'), 'right');
	assert.equal(await m.getAttribute(`.choice[data-index="${(qs[0].answer + 1) % 4}"]`, 'data-mark'), 'wrong');
	assert.equal(await m.getAttribute(`.choice[data-index="${qs[0].answer}"]`, 'data-mark'), 'answer');
	await checkPhone(s, 's-3-reveal', { includeDisabled: true });
	await checkPhone(m, 'm-3-reveal', { includeDisabled: true });

	/* q3, true/false: blue and violet, ✓ ✗; red and green only at the reveal */
	await h.hostCmd(host, 'next');
	await h.hostCmd(host, 'next');
	await waitText(s, '#q-index', '第 3 / 10 题');
	await s.waitForSelector('.choices.tf .choice:not([disabled])');
	assert.equal(qs[2].type, 'true_false');
	assert.equal(await text(s, '.choice[data-index="0"] .marker'), '✓');
	assert.equal(await text(s, '.choice[data-index="1"] .marker'), '✗');
	assert.equal(await rgb(s, '.choice[data-index="0"]'), 'rgb(37, 99, 208)', '正确 in blue');
	assert.equal(await rgb(s, '.choice[data-index="1"]'), 'rgb(111, 66, 201)', '错误 in violet');
	await checkPhone(s, 's-4-truefalse');
	await s.click('.choice[data-index="0"]'); /* the answer is true */
	await m.waitForSelector('.choices.tf .choice:not([disabled])');
	await m.click('.choice[data-index="1"]');
	for (const p of [s, m]) await p.waitForSelector('#q-status[data-kind=acked]');
	await h.hostCmd(host, 'reveal');
	await s.waitForSelector('#q-result[data-result=correct]');
	await m.waitForSelector('#q-result[data-result=wrong]');
	assert.equal(await rgb(s, '.choice[data-index="0"]'), 'rgb(21, 128, 61)', 'right: green');
	assert.equal(await rgb(m, '.choice[data-index="1"]'), 'rgb(198, 40, 40)', 'wrong: red');
	await checkPhone(m, 'm-5-truefalse-reveal', { includeDisabled: true });

	/* q5, multiple choice on 360x640: ticks, the submit button in view, right/wrong/missed at the reveal */
	await h.hostCmd(host, 'next');
	await h.hostCmd(host, 'next');
	await waitText(s, '#q-index', '第 5 / 10 题');
	await s.waitForSelector('.multi .choice:not([disabled])');
	assert.deepEqual(qs[4].answer, [0, 1, 2]);
	assert.equal(await inView(s, '.answer .submit'), true, 'submit in view before any choice');
	await s.click('.choice[data-index="0"]');
	await s.click('.choice[data-index="3"]');
	assert.deepEqual(await s.$$eval('.multi .choice', (bs) => bs.map((b) => [b.getAttribute('aria-pressed'), getComputedStyle(b.querySelector('.check'), '::before').content])),
		[['true', '"✓"'], ['false', 'none'], ['false', 'none'], ['true', '"✓"']], 'chosen options carry a tick');
	assert.equal(await inView(s, '.answer .submit'), true, 'submit in view after choosing');
	assert.equal(await s.isEnabled('.answer .submit'), true);
	await checkPhone(s, 's-6-multi');
	await s.click('.answer .submit');
	await m.waitForSelector('.multi .choice:not([disabled])');
	for (const i of qs[4].answer) await m.click(`.choice[data-index="${i}"]`);
	assert.equal(await inView(m, '.answer .submit'), true);
	await m.click('.answer .submit');
	for (const p of [s, m]) await p.waitForSelector('#q-status[data-kind=acked]');
	await h.hostCmd(host, 'reveal');
	await s.waitForSelector('#q-result:not([hidden])');
	const marks = await s.$$eval('.multi .choice', (bs) => bs.map((b) => [b.dataset.mark, b.querySelector('.verdict').textContent]));
	assert.deepEqual(marks, [['right', '✓ 选对'], ['missed', '漏选'], ['missed', '漏选'], ['wrong', '✗ 选错']]);
	await m.waitForSelector('#q-result[data-result=correct]');
	assert.deepEqual(await m.$$eval('.multi .choice', (bs) => bs.map((b) => b.dataset.mark)), ['right', 'right', 'right', 'other']);
	await checkPhone(s, 's-7-multi-reveal', { includeDisabled: true });
	await checkPhone(m, 'm-7-multi-reveal', { includeDisabled: true });

	/* the end */
	await h.hostCmd(host, 'end');
	for (const p of [s, m]) await p.waitForSelector('[data-view=finished]:not([hidden])');
	await checkPhone(s, 's-8-finished');
	await checkPhone(m, 'm-8-finished');

	await other.close();
	await host.close();
	assert.deepEqual(s.errors, []);
	assert.deepEqual(m.errors, []);
});
