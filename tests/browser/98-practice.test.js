'use strict';
/*
 * The practice view of the player page on a 390x844 phone (every view at
 * 360x640 too), against the real server, with questions drawn from
 * contests/banks/safety.json (fire and electrical safety): the home shows
 * the chapters with their questions and progress, and the empty notebook;
 * a chapter session gives feedback at once (right or wrong in words, the
 * key marked, the explanation); a wrong answer enters the notebook (错题本),
 * which lists it with how often it was wrong; "review my mistakes" serves
 * it again, and two right answers in a row take it out; the review then
 * says the notebook is empty. Progress per chapter (answered, right rate)
 * follows; a session of every question goes on as long as the worker
 * likes. PostgreSQL holds every practice answer and the notebook's rows.
 * Tap targets ≥ 44 px, no sideways scrolling, text ≥ 4.5:1, no CSP
 * violation. Screenshots: $SA_TEST_OUT/98-practice/shots/.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { h, launch, open, text, waitText } = require('./browser.js');
const sp = require('./selfpaced.js');

const SAFETY = sp.bank('safety');
/* fire safety's choice questions (11: more than the server's "not served again right away" list of 10), electrical true/false */
const CHOICE = new Set(['single_choice', 'true_false', 'multiple_choice']);
const POOL = SAFETY.def.questions.filter((q) => (q.category === 'fire' && CHOICE.has(q.type)) || (q.category === 'elec' && q.type === 'true_false'));
const FIRE = POOL.filter((q) => q.category === 'fire').length;
const UNLIMITED = POOL.length + 3; /* more answers in one session than the pool has questions */

let srv, browser;
before(async () => {
	const rel = path.relative(h.outDir(), SAFETY.file); /* banks are named relative to the contest file */
	const file = sp.writeContest('practice', {
		code: 'PRACT2026',
		title: { 'zh-CN': '安全生产应知应会练习', en: 'Work Safety Practice' },
		mode: 'practice',
		scoring: { points: 1, time_factor: false },
		banks: { s: rel },
		paper: {
			rules: [
				{ bank: 's', category: 'fire', type: 'single_choice', count: 1 },
				{ bank: 's', category: 'fire', type: 'true_false', count: 1 },
				{ bank: 's', category: 'fire', type: 'multiple_choice', count: 1 },
				{ bank: 's', category: 'elec', type: 'true_false', count: 1 },
			],
		},
		notebook: { leave_after: 2 },
	});
	srv = await h.startServer({ contests: [file] });
	browser = await launch();
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

const shown = (page) => sp.onScreen(page, POOL, '#pq-text');

/*
 * Answers the question on screen right or wrong (partly right when a multiple
 * choice question has no wrong option); resolves to it once the feedback is shown.
 */
async function answer(page, right) {
	const q = await shown(page);
	await sp.answerChoice(page, q, right);
	if (q.type === 'multiple_choice') await page.click('.answer .submit');
	await page.waitForSelector('#pq-next:not([hidden])');
	await page.waitForSelector(right ? '#pq-result[data-result=correct]' : '#pq-result:is([data-result=wrong], [data-result=partial])');
	return q;
}

async function next(page) {
	const before = await page.textContent('#pq-tally');
	await page.click('#pq-next');
	await page.waitForSelector('#pq-next', { state: 'hidden' });
	return before;
}

test('practice: feedback, the notebook, review until it is empty, progress', async () => {
	const page = await open(browser.ctx, `${srv.url}/player.html?code=PRACT2026`, sp.MEDIUM);
	await page.waitForSelector('[data-view=join]:not([hidden])');
	await page.fill('input[name=name]', '吴师傅');
	await page.fill('input[name=employee_no]', 'P0420');
	await page.click('#join-form button[type=submit]');
	await page.waitForSelector('[data-view=practice-home]:not([hidden])');
	await waitText(page, '#ph-answered', '0');
	assert.equal(await text(page, '#ph-rate'), '–');
	assert.equal(await text(page, '#ph-nb-count'), '0 题');
	assert.equal(await page.isDisabled('#ph-review'), true, 'nothing to review yet');
	const cats = await page.$$eval('#ph-cats .cat', (bs) => bs.map((b) => [b.dataset.category, b.querySelector('.cat-title').textContent, b.querySelector('.cat-line').textContent]));
	assert.deepEqual(cats.map((c) => c[1]), ['全部题目', '消防安全', '用电安全']);
	assert.equal(cats[1][2], `${FIRE} 题 · 还没练过`);
	await sp.checkView(page, 'practice-1-home', { full: true });

	/* a chapter: wrong first (into the notebook), then right */
	await page.click('#ph-cats .cat[data-category=fire]');
	await page.waitForSelector('[data-view=practice-question]:not([hidden])');
	assert.equal(await text(page, '#pq-session'), '消防安全');
	await sp.checkView(page, 'practice-2-question');
	const missed = await answer(page, false);
	assert.equal(missed.category, 'fire');
	assert.match(await text(page, '#pq-result .res-title'), /^(回答错误|部分正确)$/);
	assert.equal(await text(page, '#pq-nb'), '已记入错题本：连续答对 2 次后移出');
	assert.equal(await text(page, '#pq-expl-text'), missed.explanation);
	const key = await sp.choicesFor(page, missed, true);
	assert.equal(await page.getAttribute(`.choice[data-index="${key[key.length - 1]}"]`, 'data-mark'), missed.type === 'multiple_choice' ? 'missed' : 'answer', 'the key is marked');
	await sp.checkView(page, 'practice-3-wrong', { includeDisabled: true });
	await next(page);
	const second = await answer(page, true);
	assert.notEqual(second.id, missed.id, 'not the same question right away');
	assert.equal(await text(page, '#pq-result .res-title'), '回答正确');
	assert.equal(await text(page, '#pq-tally'), '本次 2 题 · 答对 1');
	await sp.checkView(page, 'practice-4-right', { includeDisabled: true });

	/* progress and the notebook */
	await page.click('#pq-end');
	await page.waitForSelector('[data-view=practice-home]:not([hidden])');
	await waitText(page, '#ph-answered', '2');
	assert.equal(await text(page, '#ph-rate'), '50%');
	assert.equal(await text(page, '#ph-nb-count'), '1 题');
	await waitText(page, '#ph-cats .cat[data-category=fire] .cat-line', `${FIRE} 题 · 已练 2 次 · 正确率 50%`);
	await sp.checkView(page, 'practice-5-home', { full: true });
	await page.click('#ph-nb-open');
	await page.waitForSelector('#nb-list .nb-item');
	assert.deepEqual(await page.$$eval('#nb-list .nb-text', (e) => e.map((x) => x.textContent)), [missed.text]);
	assert.match(await text(page, '#nb-list .nb-meta'), /消防安全\s*答错 1 次\s*连续答对 0\/2/);
	await sp.checkView(page, 'practice-6-notebook', { full: true });

	/* review: the mistake again, right twice in a row: it leaves */
	await page.click('#nb-review');
	await page.waitForSelector('[data-view=practice-question]:not([hidden])');
	assert.equal(await text(page, '#pq-session'), '错题复习');
	assert.equal(await page.isVisible('#pq-in-nb'), true, 'marked as a mistake');
	assert.equal((await answer(page, true)).id, missed.id);
	assert.equal(await text(page, '#pq-nb'), '错题本：已连续答对 1 次，再答对 1 次移出');
	await sp.checkView(page, 'practice-7-review', { includeDisabled: true });
	await next(page);
	assert.equal((await answer(page, true)).id, missed.id);
	assert.equal(await text(page, '#pq-nb'), '✓ 已移出错题本（连续答对 2 次）');
	await page.click('#pq-next');
	await page.waitForSelector('[data-view=practice-done]:not([hidden])');
	assert.equal(await text(page, '#pd-title'), '错题本已清空');
	await sp.checkView(page, 'practice-8-done');
	await page.click('#pd-home');
	await waitText(page, '#ph-nb-count', '0 题');
	await waitText(page, '#ph-answered', '4');
	assert.equal(await text(page, '#ph-rate'), '75%');

	/* what PostgreSQL holds: four answers, an empty notebook */
	const rows = await h.sql(srv.db, 'SELECT count(*)::int AS n, count(*) FILTER (WHERE correctness = 2)::int AS right FROM practice_answers', srv.pgPort);
	assert.deepEqual(rows, [{ n: 4, right: 3 }]);
	assert.deepEqual(await h.sql(srv.db, 'SELECT * FROM wrong_book', srv.pgPort), []);

	/* a session of every question, longer than the pool */
	await page.click('#ph-cats .cat[data-category="*"]');
	await page.waitForSelector('[data-view=practice-question]:not([hidden])');
	assert.equal(await text(page, '#pq-session'), '全部题目');
	for (let i = 0; i < UNLIMITED; i++) {
		await answer(page, true);
		if (i < UNLIMITED - 1) await next(page);
	}
	assert.ok(UNLIMITED > POOL.length);
	assert.equal(await text(page, '#pq-tally'), `本次 ${UNLIMITED} 题 · 答对 ${UNLIMITED}`);
	await page.click('#pq-end');
	await waitText(page, '#ph-answered', String(4 + UNLIMITED));

	assert.deepEqual(page.errors, []);
});

test('practice in English: feedback and the notebook in words', async () => {
	const other = await launch(); /* a phone of its own */
	const page = await open(other.ctx, `${srv.url}/player.html?code=PRACT2026&lang=en`, sp.MEDIUM);
	await page.waitForSelector('[data-view=join]:not([hidden])');
	await page.fill('input[name=name]', 'Li Ming');
	await page.click('#join-form button[type=submit]');
	await page.waitForSelector('[data-view=practice-home]:not([hidden])');
	assert.equal(await text(page, '.notebook-card .caption'), 'Mistakes notebook');
	await page.click('#ph-cats .cat[data-category=fire]');
	await page.waitForSelector('[data-view=practice-question]:not([hidden])');
	await answer(page, false);
	assert.match(await text(page, '#pq-result .res-title'), /^(Wrong|Partly correct)$/);
	assert.equal(await text(page, '#pq-nb'), 'Added to your mistakes notebook: it leaves after 2 right answers in a row');
	await sp.checkOne(page, 'practice-9-english-390', { includeDisabled: true });
	assert.deepEqual(page.errors, []);
	await other.close();
});
