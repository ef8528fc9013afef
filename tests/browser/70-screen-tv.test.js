'use strict';
/*
 * The big screen on a 1080p TV, a whole short contest (tests/browser/data/
 * tv.json: 1000 points per right answer, no time factor, so scores tie):
 * the lobby shows the QR code, the address and the contest code large, and
 * warns that 127.0.0.1 is no address for phones; a full-screen button and a
 * wake lock (taken again after the browser released it); names on the board
 * at 36 px or more, two 张伟 told apart, no rank for 0 points; the last five
 * seconds tick, time's up is a moment of its own; ties are 并列; the podium
 * holds only people who scored, everyone tied for third included, and a
 * 64-character name wraps whole. Sounds are synthesized only after a click,
 * and muting is remembered. Every text reaches 4.5:1 in every phase.
 * Screenshots: $SA_TEST_OUT/70-screen-tv/shots/.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { h, launch, open, server, text, waitText, TV } = require('./browser.js');
const { assertContrast, shot, fontPx, instrument, audioLog, unpreloaded } = require('./measure.js');

const CONTEST = path.join(__dirname, 'data', 'tv.json');
const LONG_NAME = '中华人民共和国国家电网有限公司特高压交流输变电工程建设分公司第一项目部电气安装调试班组首席技师欧阳'.slice(0, 64).padEnd(64, '张');
const LONG_UNIT = '第一炼钢厂连铸车间设备维护保障班组二组';

let srv, browser;
before(async () => {
	srv = await h.startServer({ contests: [CONTEST] });
	browser = await launch();
	await instrument(browser.ctx);
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

const isTick = (n) => n.type === 'sine' && (n.f === 1174.7 || n.f === 1760);
const isTimeUp = (n) => n.type === 'sawtooth' && n.f === 261.6;
const isReveal = (n) => n.type === 'triangle' && n.f === 1046.5;
const isFanfare = (n) => n.type === 'sawtooth' && n.f === 523.3;
const isLobby = (n) => n.type === 'sine' && n.f < 70;

/* Shows the controls (the mouse moved), for a screenshot and the contrast check. */
async function wakeControls(page) {
	await page.mouse.move(200, 600);
	await page.mouse.move(210, 610);
}

test('the big screen through a whole contest', async () => {
	assert.equal(LONG_NAME.length, 64);
	const page = await open(browser.ctx, `${srv.url}/screen.html?code=TV2026`, TV);
	await page.waitForSelector('#s-lobby:not([hidden])');
	await page.waitForSelector('#s-qr-big:not([hidden])');

	assert.deepEqual(await unpreloaded(page), [], 'every module is preloaded');
	/* the lobby: address, contest code as a PIN, the localhost warning */
	assert.equal(await text(page, '#s-pin'), 'TV2026');
	const pinPx = await fontPx(page, '#s-pin');
	assert.ok(pinPx >= 80, `PIN at ${pinPx} px`);
	await waitText(page, '#s-url-big', `localhost:${srv.port}`);
	await page.waitForSelector('#s-warning:not([hidden])');
	assert.match(await text(page, '#s-warning'), new RegExp(`^手机无法打开此地址：localhost:${srv.port} 只指向这台电脑。请用 --public-url`));
	const qr = await page.$eval('#s-qr-big', (e) => e.getBoundingClientRect().width);
	assert.ok(qr >= 400, `QR code ${qr} px wide`);

	/* nothing sounds before a gesture; the sound switch asks for a click */
	await page.waitForSelector('#s-sound[data-state=locked]');
	assert.equal(await text(page, '#s-sound'), '点击开启声音');
	assert.equal((await page.evaluate(() => window.__audio.contexts.length)), 0, 'no AudioContext before a gesture');

	/* wake lock: taken at start; taken again when the page is visible after the browser released it */
	await page.waitForFunction(() => document.body.dataset.wakelock === 'on');
	await page.evaluate(() => window.__wakeLocks[0].release());
	await page.waitForFunction(() => document.body.dataset.wakelock === 'released');
	await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
	await page.waitForFunction(() => document.body.dataset.wakelock === 'on' && window.__wakeLocks.length === 2);

	/* full screen, and back; the click also starts the sound (a user gesture) */
	assert.equal(await text(page, '#s-fullscreen'), '全屏');
	await page.click('#s-fullscreen');
	await page.waitForFunction(() => !!document.fullscreenElement);
	await waitText(page, '#s-fullscreen', '退出全屏');
	await page.waitForSelector('#s-sound[data-state=on]');
	assert.equal(await text(page, '#s-sound'), '声音：开');
	await page.waitForFunction(() => window.__audio.notes.some((n) => n.type === 'sine' && n.f < 70), null, { timeout: 5000 });
	assert.deepEqual((await audioLog(page)).states, ['running']);
	await page.click('#s-fullscreen');
	await page.waitForFunction(() => !document.fullscreenElement);

	/* players: two 张伟, a 64-character name, one who never answers */
	const players = {};
	for (const [key, name, unit] of [['a', '张伟', '一车间'], ['b', '张伟', '二车间'], ['c', LONG_NAME, LONG_UNIT], ['d', '李四', '三车间'], ['e', '王五', '三车间']]) {
		players[key] = await h.join(srv.wsUrl, name, { code: 'TV2026', unit });
	}
	await waitText(page, '#s-players', '5');
	await page.waitForFunction(() => document.querySelectorAll('#s-board .row').length === 5);
	const row = (k) => `#s-board .row[data-pid="${players[k].joined.participant_id}"]`;
	await waitText(page, `${row('a')} .dup`, '（一车间）');
	await waitText(page, `${row('b')} .dup`, '（二车间）');
	assert.equal(await text(page, `${row('d')} .rank`), '–', 'no rank with 0 points');
	const namePx = await fontPx(page, '#s-board .row .name');
	assert.ok(namePx >= 36, `board names at ${namePx} px`);
	await page.waitForTimeout(700); /* rows fade in */
	await wakeControls(page);
	await assertContrast(assert, page, 'lobby');
	await shot(page, 'tv-1-lobby');

	/* q1 runs out: ticks in the last seconds, then time's up */
	const host = await h.host(srv.wsUrl, srv.organizerToken, 'TV2026');
	const answer = async (k, qid, response) => {
		const r = await players[k].c.request({ type: 'answer', question_id: qid, response });
		assert.equal(r.type, 'ack', `${k} ${qid}: ${JSON.stringify(r)}`);
	};
	await h.hostCmd(host, 'start');
	await page.waitForSelector('#s-question:not([hidden])');
	await waitText(page, '#s-clock', /^\d$/);
	await answer('a', 't1', 1);
	await answer('b', 't1', 1);
	await answer('c', 't1', 1);
	await answer('d', 't1', 0);
	await shot(page, 'tv-2-question');
	await page.waitForSelector('#s-timeup:not([hidden])', { timeout: 15000 });
	assert.equal(await text(page, '#s-timeup .s-timeup-t'), '时间到！');
	await waitText(page, '#s-timeup-n', '4 / 5 人作答');
	assert.equal(await page.isVisible('#s-clock'), false);
	const ticks = (await audioLog(page)).notes.filter(isTick);
	assert.ok(ticks.length >= 3 && ticks.length <= 5, `${ticks.length} ticks in the last five seconds`);
	assert.equal(ticks[ticks.length - 1].f, 1760, 'the last second ticks higher');
	await page.waitForFunction(() => window.__audio.notes.some((n) => n.type === 'sawtooth' && n.f === 261.6));
	await page.waitForTimeout(600); /* the banner pops in */
	await assertContrast(assert, page, "time's up");
	await shot(page, 'tv-3-timeup');

	/* reveal: a chime, bars, no text below 4.5:1 */
	await h.hostCmd(host, 'reveal');
	await page.waitForSelector('#s-reveal:not([hidden])');
	assert.equal(await page.isVisible('#s-timeup'), false);
	await page.waitForFunction(() => window.__audio.notes.some((n) => n.type === 'triangle' && n.f === 1046.5));
	await page.waitForTimeout(900);
	await assertContrast(assert, page, 'reveal');
	await shot(page, 'tv-4-reveal');

	/* q2 (true/false): a, b, d right; then q3 and the end before anyone answers */
	await h.hostCmd(host, 'next');
	await waitText(page, '#s-qindex', '第 2 / 3 题');
	assert.equal(await page.$eval('#s-qbody .opt[class*=tf-0] .marker', (e) => getComputedStyle(e).backgroundColor), 'rgb(37, 99, 208)', 'true in blue, not red');
	await answer('a', 't2', false);
	await answer('b', 't2', false);
	await answer('d', 't2', false);
	await answer('c', 't2', true);
	await h.hostCmd(host, 'reveal');
	await page.waitForSelector('#s-reveal:not([hidden])');
	/* 2000 2000 1000 1000 0: ties share the rank and say 并列 */
	await waitText(page, `${row('a')} .rank`, '1并列');
	await waitText(page, `${row('b')} .rank`, '1并列');
	await waitText(page, `${row('c')} .rank`, '3并列');
	await waitText(page, `${row('d')} .rank`, '3并列');
	await waitText(page, `${row('e')} .rank`, '–');
	await page.waitForTimeout(900);
	await shot(page, 'tv-5-ties');
	await h.hostCmd(host, 'next');
	await h.hostCmd(host, 'end');

	/* the podium: the four who scored (two tied first, two tied third), not the one with 0 */
	await page.waitForSelector('#s-podium:not([hidden])');
	await page.waitForFunction(() => window.__audio.notes.some((n) => n.type === 'sawtooth' && n.f === 523.3));
	await page.waitForTimeout(2000); /* the steps rise */
	const steps = await page.$$eval('#podium .step:not(.empty)', (els) => els.map((e) => ({
		pid: Number(e.dataset.pid), rank: e.dataset.rank, tier: [...e.classList].find((c) => c.startsWith('tier-')),
		tie: e.querySelector('.p-tie') ? e.querySelector('.p-tie').textContent : '',
	})));
	const pid = (k) => players[k].joined.participant_id;
	assert.deepEqual(steps.map((s) => s.pid).sort(), ['a', 'b', 'c', 'd'].map(pid).sort());
	for (const s of steps) {
		const first = s.pid === pid('a') || s.pid === pid('b');
		assert.deepEqual([s.rank, s.tier, s.tie], first ? ['1', 'tier-1', '并列'] : ['3', 'tier-3', '并列']);
	}
	/* the long name is whole: not cut, not scrolled, inside the stage, 36 px or more; the unit wraps */
	const long = await page.$eval(`#podium .step[data-pid="${pid('c')}"]`, (step) => {
		const name = step.querySelector('.p-name .name');
		const box = step.querySelector('.p-name');
		const unit = step.querySelector('.p-unit');
		const range = document.createRange();
		range.selectNodeContents(name);
		const r = range.getBoundingClientRect(); /* where the glyphs are */
		const stage = document.querySelector('.s-stage').getBoundingClientRect();
		const hidden = (e) => ['overflowX', 'overflowY'].some((k) => getComputedStyle(e)[k] !== 'visible');
		const cs = getComputedStyle(box);
		return {
			text: name.textContent, px: parseFloat(cs.fontSize), lines: Math.round(box.clientHeight / parseFloat(cs.lineHeight)),
			cut: hidden(box) || hidden(step) || cs.textOverflow === 'ellipsis' || box.scrollWidth > box.clientWidth + 1,
			inside: r.top >= stage.top - 1 && r.bottom <= stage.bottom + 1 && r.left >= stage.left - 1 && r.right <= stage.right + 1,
			clear: r.bottom <= unit.getBoundingClientRect().top + 2,
			unit: unit.textContent, unitLines: Math.round(unit.clientHeight / parseFloat(getComputedStyle(unit).lineHeight)),
			blocks: [...document.querySelectorAll('#podium .p-block')].map((b) => b.getBoundingClientRect().bottom <= stage.bottom + 1 && b.scrollHeight <= b.clientHeight + 1),
		};
	});
	assert.equal(long.text, LONG_NAME);
	assert.equal(long.cut, false, 'the long name is not cut');
	assert.equal(long.inside, true, 'the long name is inside the stage');
	assert.equal(long.clear, true, 'the long name does not run into the unit');
	assert.deepEqual(long.blocks, [true, true, true, true], 'every step shows its rank whole');
	assert.ok(long.px >= 36, `podium name at ${long.px} px`);
	assert.ok(long.lines >= 2, `the long name wraps (${long.lines} lines)`);
	assert.equal(long.unit, LONG_UNIT);
	assert.ok(long.unitLines >= 2, `the unit wraps (${long.unitLines} lines)`);
	/* the board beside it: only who is not on the podium */
	assert.deepEqual(await page.$$eval('#s-board .row:not(.leaving) .name', (els) => els.map((e) => e.textContent)), ['王五']);
	await wakeControls(page);
	await assertContrast(assert, page, 'podium');
	await shot(page, 'tv-6-podium');

	/* mute: remembered over a reload; muted, a click makes no sound at all */
	await page.click('#s-sound');
	await page.waitForSelector('#s-sound[data-state=off]');
	assert.equal(await text(page, '#s-sound'), '声音：关');
	assert.equal(await page.evaluate(() => localStorage.getItem('sa.sound')), 'off');
	await page.reload();
	await page.waitForSelector('#s-podium:not([hidden])');
	await page.waitForSelector('#s-sound[data-state=off]');
	await page.mouse.click(900, 500);
	await page.waitForTimeout(2500);
	const muted = await audioLog(page);
	assert.deepEqual([muted.states, muted.notes.length], [[], 0], 'muted: no audio context, no note');
	/* unmuting is a click on the switch: the fanfare does not replay, the switch says on */
	await page.click('#s-sound');
	await page.waitForSelector('#s-sound[data-state=on]');

	for (const p of Object.values(players)) await p.c.close();
	await host.close();
	assert.deepEqual(page.errors, []);
});

test('English: plural labels, the same number format on the board and the podium', async () => {
	const page = await open(browser.ctx, `${srv.url}/screen.html?code=TV2026&lang=en`, TV);
	await page.waitForSelector('#s-podium:not([hidden])');
	await waitText(page, '#s-players-label', 'players');
	await waitText(page, '#s-sound', /^Sound (on|off)$|^Click to enable sound$/);
	await waitText(page, '#podium .p-tie', 'tied');
	assert.equal(await text(page, '#podium .step.tier-1 .p-score'), '2,000');
	assert.deepEqual(page.errors, []);
	await page.close();
});
