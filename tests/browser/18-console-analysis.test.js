'use strict';
/*
 * 18 the console's analysis view in Chromium: a live contest
 * (tests/integration/data/analysis.json) played by four players over
 * WebSocket against a roster with a 64-character Chinese unit, then
 * #analysis/CODE at 1280x800 and on a phone (390x844), in Chinese and in
 * English: the four charts inline as SVG (in the page's language), the item
 * table with its flags (过易, 过难, 负区分) and option shares, KR-20, the PNG
 * download (a real PNG, named in the page's language). No text cut, nothing
 * wider than the phone, contrast 4.5:1; screenshots.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { launch, text, h } = require('./browser.js');
const { assertContrast, shot } = require('./measure.js');
const { consoleLogin, cutText, unexpected, con } = require('./console.js');

const CODE = 'ANALY26';
const LONG = '安全生产劳动竞赛'.repeat(8);
const QIDS = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
/* r right, w wrong, a digit: that option of n2; n5 goes to the weaker players (negative) */
const PLAYERS = [['甲', '测试公司/一车间', 'r0rrwr'], ['乙', '测试公司/一车间', 'r2rrwr'], ['丙', LONG, 'r3wrrw'], ['丁', LONG, 'r0wwrw']];
const DESK = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
let srv, org, br;
const players = [];

before(async () => {
	srv = await h.startServer({ contests: [h.DEMO_CONTEST, 'tests/integration/data/analysis.json'] });
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	const admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	org = await con.account(srv, admin, 'org17', 'organizer');
	await srv.psql(`UPDATE contests SET owner_id = ${org.id} WHERE code = '${CODE}'`);
	let n = 0;
	for (const [unit, count] of [['测试公司/一车间', 5], [LONG, 3], ['测试公司/二车间', 4]]) {
		for (let i = 0; i < count; i++, n++) {
			await srv.psql(`INSERT INTO workers (employee_no, name, unit_id) VALUES ('B-${n}', '职工${n}', units_ensure('${unit}'))`);
		}
	}
	for (const [i, [name, unit]] of PLAYERS.entries()) players.push(await h.join(srv.wsUrl, name, { code: CODE, employee_no: `P-${i}`, unit }));
	const host = await h.host(srv.wsUrl, srv.organizerToken, CODE);
	for (let q = 0; q < QIDS.length; q++) {
		await h.hostCmd(host, q ? 'next' : 'start');
		for (const p of players) await p.c.waitFor((m) => m.type === 'question' && m.id === QIDS[q], 10000, 'question');
		for (const [k, p] of players.entries()) {
			const plan = PLAYERS[k][2][q];
			const ack = await p.c.request({ type: 'answer', question_id: QIDS[q], response: QIDS[q] === 'n2' ? Number(plan) : plan === 'r' });
			assert.equal(ack.type, 'ack', JSON.stringify(ack));
		}
		await h.hostCmd(host, 'reveal');
	}
	await h.hostCmd(host, 'end');
	await host.close();
	br = await launch();
});
after(async () => {
	for (const p of players) await p.c.close();
	if (br) await br.close();
	if (srv) await srv.stop();
});

/* The view is up: four charts drawn, the item table filled. */
async function ready(page) {
	await page.waitForSelector('#items tbody tr[data-qid="n6"]');
	await page.waitForFunction(() => document.querySelectorAll('.chart svg').length === 4, null, { timeout: 15000 });
}

const svgTitles = (page) => page.$$eval('.chart svg', (l) => l.map((s) => s.querySelector('text.chart-title').textContent));

test('the analysis view in Chinese at 1280x800 and on a phone, then in English', async () => {
	const page = await consoleLogin(br.ctx, srv, 'org17', org.password, { viewport: DESK, hash: `#contest/${CODE}` });
	await page.click('#analysis-link');
	await page.waitForURL(new RegExp(`#analysis/${CODE}$`));
	await ready(page);
	assert.match(await text(page, '#analysis-title'), /数据分析测试竞赛 · 数据分析/);
	assert.ok(!(await text(page, '#view')).includes('null'), 'no "null" where nothing was to be shown');
	const titles = await svgTitles(page);
	assert.deepEqual(titles.map((t) => t.split(' · ')[0]), ['各单位参与率', '得分分布', '各单位获奖人数', '试题分析：难度与区分度']);
	/* the long unit: shortened on its bar's label, whole in its tooltip */
	const tips = await page.$$eval('[data-chart="participation"] g.unit > title', (l) => l.map((t) => t.textContent));
	assert.ok(tips.includes(`${LONG}: 66.7% (2/3)`), JSON.stringify(tips));
	assert.ok(await page.$eval('[data-chart="awards"] svg', (s) => s.textContent.includes('暂无数据')), 'no results published: the awards chart says so');
	const flags = await page.$$eval('#items tbody tr', (l) => l.map((r) => [r.dataset.qid, r.querySelector('.flags').textContent.trim()]));
	assert.deepEqual(flags, [['n1', '过易'], ['n2', '过难'], ['n3', '正常'], ['n4', '正常'], ['n5', '负区分'], ['n6', '正常']]);
	assert.equal(await text(page, '#items tr[data-qid="n2"] .options'), 'A 50.0% · B 0.0% · C 25.0% · D 25.0%');
	assert.equal(await text(page, '#items tr[data-qid="n3"] .facility'), '0.50');
	assert.notEqual(await text(page, '#paper-kr20'), '—', 'KR-20 of a right/wrong paper');
	assert.match(await text(page, '#awards-note'), /尚未公示/);
	assert.deepEqual(await cutText(page), [], 'no text cut at 1280x800');
	await shot(page, 'analysis-1280-zh', { fullPage: true });
	await assertContrast(assert, page, 'analysis 1280');

	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-participation-png')]);
	assert.equal(dl.suggestedFilename(), `${CODE} 各单位参与率.png`);
	const file = path.join(h.outDir(), 'participation.png');
	await dl.saveAs(file);
	assert.match(execFileSync('file', [file], { encoding: 'utf8' }), /PNG image data, \d+ x \d+/);

	await page.setViewportSize(PHONE);
	await ready(page);
	assert.deepEqual(await cutText(page), [], 'no text cut on a phone, nothing wider than it');
	/* readable on a phone: the charts keep their size and scroll sideways inside their card */
	const boxes = await page.$$eval('.chart', (l) => l.map((b) => [b.clientWidth, b.scrollWidth, b.querySelector('svg').getBoundingClientRect().width]));
	assert.ok(boxes.every(([client, scroll, svg]) => client <= 390 && svg >= 500 && scroll >= svg), `charts on the phone: ${JSON.stringify(boxes)}`);
	await shot(page, 'analysis-390-zh', { fullPage: true });

	await page.click('[data-lang-switch]');
	await page.waitForFunction(() => document.querySelector('#analysis-title') && /Analysis/.test(document.querySelector('#analysis-title').textContent));
	await ready(page);
	await page.waitForFunction(() => [...document.querySelectorAll('.chart svg text.chart-title')].every((t) => /^[A-Z]/.test(t.textContent)));
	assert.deepEqual((await svgTitles(page)).map((t) => t.split(' · ')[0]),
		['Participation by unit', 'Score distribution', 'Awards by unit', 'Item analysis: facility and discrimination']);
	assert.equal(await text(page, '#items tr[data-qid="n5"] .flags'), 'negative');
	assert.deepEqual(await cutText(page), [], 'no text cut on a phone in English');
	await shot(page, 'analysis-390-en', { fullPage: true });
	await page.setViewportSize(DESK);
	await ready(page);
	assert.deepEqual(await cutText(page), [], 'no text cut at 1280x800 in English');
	await shot(page, 'analysis-1280-en', { fullPage: true });
	await assertContrast(assert, page, 'analysis 1280 en');
	assert.deepEqual(unexpected(page), []);
});
