'use strict';
/*
 * The mass contest's flow on the player page, a 390x844 phone (every view
 * at 360x640 too), against the real server: short random papers from
 * contests/banks/safety.json (5 questions in 5 minutes), two attempts a
 * day. The home says the rule and today's attempts left; an attempt is the
 * exam's paper with the short time; its result has the score and the rank,
 * and offers another attempt while today has one; the best attempt counts
 * (the home's "my result"; the boards of the day, overall and of the units,
 * asked for again once an attempt ended, as GET …/board has them); once today's attempts
 * are used, the start is refused in words ("明天再来") by the page and by
 * the server. Tap targets ≥ 44 px, no sideways scrolling, text ≥ 4.5:1,
 * no CSP violation. The player's name and the contest's title are 64
 * characters long (the most the server takes): the title wraps, the name
 * stays on its board row's line, cut with an ellipsis before the score.
 * Screenshots: $SA_TEST_OUT/99-mass/shots/.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { h, launch, open, text, waitText } = require('./browser.js');
const sp = require('./selfpaced.js');

const DAY = 24 * 3600 * 1000;
const SAFETY = sp.bank('safety');
const COUNT = 5;
/* 64 characters each (the server's longest name) */
const long = (s) => s.repeat(Math.ceil(64 / s.length)).slice(0, 64);
const NAME = long('冯班长欧阳中华劳动模范');
const TITLE = long('全国职工安全生产知识竞答');
/* A roster (docs/contests.md, "Mass contests"; the tables of server/sql/011_roster.sql, as test 92 fills them): two workshops. */
const ROSTER_SQL = `
INSERT INTO units VALUES (1, NULL, '示范公司', '示范公司'), (2, 1, '一车间', '示范公司/一车间'), (3, 1, '二车间', '示范公司/二车间');
INSERT INTO workers (employee_no, name, unit_id) VALUES ('M7788', '${NAME}', 2), ('M7789', '陈工', 2), ('M7790', '林工', 2), ('M7791', '黄工', 2),
  ('M0001', '郑工', 3), ('M0002', '谢工', 3);`;

let srv, browser;
before(async () => {
	const file = sp.writeContest('mass', {
		code: 'MASS2026',
		title: { 'zh-CN': TITLE, en: 'National Workers\' Safety Knowledge Contest' },
		mode: 'mass',
		window: { opens_at: sp.iso(Date.now() - DAY), closes_at: sp.iso(Date.now() + 7 * DAY), duration_min: 5 },
		scoring: { points: 1, time_factor: false },
		banks: { s: path.relative(h.outDir(), SAFETY.file) },
		paper: {
			rules: [{ bank: 's', type: 'single_choice', count: 3 }, { bank: 's', type: 'true_false', count: 2 }],
			shuffle_questions: true,
			shuffle_options: true,
		},
		attempts: { per_day: 2, counts: 'best' },
		leaderboards: { individual: true, unit: true },
	});
	srv = await h.startServer({ contests: [file] });
	await srv.psql(ROSTER_SQL);
	browser = await launch();
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

const question = (page) => sp.onScreen(page, SAFETY.def.questions, '#p-text');

/* One attempt on the page, started by the button start: `right` of the COUNT questions answered right, the rest wrong; handed in. */
async function attempt(page, start, right, label) {
	await page.click(start);
	await page.waitForSelector('[data-view=paper]:not([hidden])');
	await waitText(page, '#p-index', `第 1 / ${COUNT} 题`);
	const left = await sp.secondsLeft(page);
	assert.ok(left > 4 * 60 + 40 && left <= 5 * 60, `five minutes (${left} s)`);
	if (label) await sp.checkView(page, label);
	for (let i = 0; i < COUNT; i++) {
		await sp.answerChoice(page, await question(page), i < right);
		await waitText(page, '#p-save', '✓ 已保存');
		await page.click('#p-next');
	}
	await page.waitForSelector('#confirm-submit:not([disabled])');
	await page.click('#confirm-submit');
	await page.waitForSelector('[data-view=exam-result]:not([hidden])');
	assert.equal(await text(page, '#er-score'), String(right));
}

test('a mass contest: attempts a day, the best counts, the rank', async () => {
	/* someone else first, on the server directly: one attempt, nothing right */
	const { c: other } = await h.join(srv.wsUrl, '郑工', { code: 'MASS2026', employee_no: 'M0001', unit: '二车间' });
	await other.next('attempts');
	const paper = await other.request({ type: 'attempt_start' });
	assert.equal(paper.type, 'attempt');
	assert.equal(paper.count, COUNT);
	const done = await other.request({ type: 'submit', attempt_id: paper.attempt_id });
	assert.equal(done.type, 'result');
	await other.close();

	const page = await open(browser.ctx, `${srv.url}/player.html?code=MASS2026`, sp.MEDIUM);
	await page.waitForSelector('[data-view=join]:not([hidden])');
	await page.fill('input[name=name]', NAME);
	await page.fill('input[name=employee_no]', 'M7788');
	await page.fill('input[name=unit]', '一车间');
	await page.click('#join-form button[type=submit]');
	await page.waitForSelector('[data-view=exam-home]:not([hidden])');
	await page.waitForSelector('#eh-start:not([disabled])');
	assert.equal(await text(page, '#eh-mode'), '知识竞答');
	const facts = await page.$$eval('#eh-facts dd', (d) => d.map((x) => x.textContent.trim()));
	assert.deepEqual(facts.slice(1), ['5 分钟', `${COUNT} 题`, '每天 2 次 · 取最好成绩']);
	assert.equal(await text(page, '#eh-left'), '今天还剩 2 次');
	assert.equal(await text(page, '#eh-start'), '开始答题');
	await sp.checkView(page, 'mass-1-home', { full: true });

	/* two attempts: 2 right, then all right; each result with its rank */
	await attempt(page, '#eh-start', 2, 'mass-2-paper');
	assert.equal(await text(page, '#er-again'), '再答一次（今天还剩 1 次）');
	await sp.checkView(page, 'mass-3-result', { full: true });
	await attempt(page, '#er-again', COUNT);
	assert.equal(await page.isVisible('#er-again'), false, 'no attempt left today');
	assert.match(await text(page, '#er-top .tiles'), /排名\s*第 1 名/);

	/* the home: today's attempts used, the best counts */
	await page.click('#er-home');
	await waitText(page, '#eh-start-note', '今天的 2 次机会已用完，明天再来');
	assert.equal(await page.isDisabled('#eh-start'), true);
	await waitText(page, '#eh-best-score', `${COUNT} 分`);
	assert.deepEqual(await page.$$eval('#eh-history .hist-score', (e) => e.map((x) => x.textContent)), [`${COUNT} 分`, '2 分'], 'newest first');
	const rows = await h.sql(srv.db, `SELECT a.attempt_no AS no, a.status, a.score_milli::int AS score,
		a.day::text = to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS today
		FROM attempts a JOIN participants p ON p.id = a.participant_id WHERE p.employee_no = 'M7788' ORDER BY 1`, srv.pgPort);
	assert.deepEqual(rows, [{ no: 1, status: 'submitted', score: 2000, today: true }, { no: 2, status: 'submitted', score: COUNT * 1000, today: true }]);

	/* the boards, asked for again once the attempt ended (GET …/board): today's, overall, units */
	await page.waitForSelector('#eh-board .mini-row.me');
	const boardRows = async () => page.$$eval('#eh-board .mini-row', (r) => r.map((x) => [x.querySelector('.name').textContent, x.querySelector('.score').firstChild.textContent, x.classList.contains('me')]));
	assert.equal(await page.getAttribute('[data-tab=today]', 'aria-selected'), 'true');
	assert.equal(await text(page, '#eh-board-caption'), '今日 2 人参加，共 3 次');
	assert.deepEqual((await boardRows())[0], [NAME, String(COUNT), true], 'the best attempt of the day first');
	/* the other's 0-point attempt, handed in at once, is on the board too (its time was
	   once taken for "joined, nothing ended" and it was left out) */
	assert.deepEqual((await boardRows()).map((r) => r[0]), [NAME, '郑工']);
	/* the 64-character name on one line of its row, cut before the score */
	const fit = await page.$eval('#eh-board .mini-row.me', (row) => {
		const n = row.querySelector('.name');
		const box = (e) => e.getBoundingClientRect();
		return { lineH: parseFloat(getComputedStyle(n).lineHeight), h: box(n).height, right: box(n).right, score: box(row.querySelector('.score')).left, cut: n.scrollWidth > n.clientWidth };
	});
	assert.ok(fit.h < 1.5 * fit.lineH && fit.right <= fit.score && fit.cut, `the name on one line before the score, with an ellipsis: ${JSON.stringify(fit)}`);
	assert.equal(await page.$eval('#eh-title', (e, t) => e.textContent === t && e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().height > 40, TITLE), true, 'the 64-character title wraps');
	assert.match(await text(page, '#eh-board .mini-row.me .time'), /^0:\d\d$/, 'with its time');
	assert.match(await text(page, '#eh-best-line'), /第 1 名$/);
	await sp.checkView(page, 'mass-4-home-used', { full: true });
	await page.click('[data-tab=overall]');
	await waitText(page, '#eh-board-caption', /^累计 \d+ 人参加，共 \d+ 次$/);
	assert.deepEqual((await boardRows())[0], [NAME, String(COUNT), true], 'the best attempt overall first');
	const api = (await srv.get('/api/contests/MASS2026/board')).json;
	assert.deepEqual(api.overall.top[0], { rank: 1, participant_id: api.overall.top[0].participant_id, name: NAME, unit: '一车间', emp_tail: '7788', score: COUNT, duration_ms: api.overall.top[0].duration_ms });
	/* units against the roster (the server recomputes them at most every 30 s: the workshop that took part first is there) */
	await page.click('[data-tab=units]');
	await waitText(page, '#eh-board-caption', '各单位参与率（参加人数 ÷ 职工人数）');
	const units = await page.$$eval('#eh-board .unit-row', (r) => r.map((x) => [x.querySelector('.name').textContent, x.querySelector('.score').textContent, x.classList.contains('me')]));
	assert.ok(units.length > 0 && units.every(([n, , me]) => ['一车间', '二车间'].includes(n) && me === (n === '一车间')), `units, mine marked: ${JSON.stringify(units)}`);
	const second = units.find(([n]) => n === '二车间');
	assert.ok(second, '二车间 took part first');
	assert.equal(second[1], '50%1/2', 'one of two workers: 50 %');
	await sp.checkView(page, 'mass-5-units', { full: true });

	/* a reload: the same boards */
	await page.reload();
	await page.waitForSelector('[data-view=exam-home]:not([hidden])');
	await page.waitForSelector('#eh-board .mini-row.me');

	/* the server refuses a third start today */
	const { c } = await h.join(srv.wsUrl, NAME, { code: 'MASS2026', employee_no: 'M7788', device_key: await page.evaluate(() => JSON.parse(localStorage.getItem('sa.device'))) });
	const refused = await c.request({ type: 'attempt_start' });
	assert.equal(refused.code, 'no_attempts_left');
	await c.close();

	assert.deepEqual(page.errors, []);
});
