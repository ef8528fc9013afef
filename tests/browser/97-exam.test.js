'use strict';
/*
 * The exam view of the player page on a 390x844 phone (and every view at
 * 360x640 too), against the real server: the home card says the window, the
 * time and the one attempt; the paper counts down on the server's clock;
 * answers are saved as they change ("✓ 已保存" only once the server
 * acknowledged the change; "保存中…" while the acknowledgement is held back
 * by the test, then resent after a dropped connection and stored once);
 * flags; the answer card (答题卡) with answered, flagged and current; a
 * reload in the middle keeps the remaining time, the answers, the flags and
 * the question on screen; handing in asks first and lists the unanswered and
 * flagged questions; the result shows the score, the key and the
 * explanations; the one attempt is used up. A second contest whose window
 * closes while the paper is open: the page locks it at 0 and shows
 * "时间到，已自动交卷" with what was saved. A third shows results only
 * after the window. Every view: tap targets ≥ 44 px, no sideways
 * scrolling, text ≥ 4.5:1, no CSP violation.
 * Screenshots: $SA_TEST_OUT/97-exam/shots/.
 */

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { h, launch, open, demo, text, waitText } = require('./browser.js');
const { unpreloaded } = require('./measure.js');
const sp = require('./selfpaced.js');

const HOUR = 3600 * 1000;
/* The demo's questions, and a numeric one (typed answers are saved when the typing stops). */
const QUESTIONS = [...demo().questions.slice(1, 7), {
	id: 'n1', type: 'numeric', text: { 'zh-CN': '单位负责人接到事故报告后，应当于多少小时内向有关部门报告？', en: 'Within how many hours must the head of the unit report an accident?' },
	answer: 1, unit: { 'zh-CN': '小时', en: 'hours' }, explanation: { 'zh-CN': '《生产安全事故报告和调查处理条例》第九条：1 小时内。' },
}];
const SHORT_MS = 45000; /* the second contest's window closes this long after the server starts */
const SOON_OPENS = Math.ceil((Date.now() + 24 * HOUR) / 60000) * 60000; /* the fourth opens tomorrow, on the minute */

function exam(code, title, extra = {}) {
	return {
		code, title, mode: 'exam',
		window: { opens_at: sp.iso(Date.now() - HOUR), closes_at: sp.iso(Date.now() + 24 * HOUR), duration_min: 30 },
		scoring: { points: 1, time_factor: false },
		pass_mark: 60,
		questions: QUESTIONS,
		...extra,
	};
}

let srv, browser, shortCloses;
before(async () => {
	shortCloses = Date.now() + SHORT_MS;
	const files = [
		sp.writeContest('exam', exam('EXAM2026', { 'zh-CN': '2026 年安全生产月全员考试', en: '2026 Safety Month Exam' })),
		sp.writeContest('short', exam('SHORT2026', { 'zh-CN': '即将截止的考试', en: 'An exam about to close' },
			{ window: { opens_at: sp.iso(Date.now() - HOUR), closes_at: sp.iso(shortCloses), duration_min: 30 } })),
		sp.writeContest('later', exam('LATE2026', { 'zh-CN': '结束后公布成绩的考试', en: 'Results after the window' },
			{ attempts: { show_results: 'window', show_key: true } })),
		sp.writeContest('soon', exam('SOON2026', { 'zh-CN': '明天开始的考试', en: 'An exam that opens tomorrow' },
			{ window: { opens_at: sp.iso(SOON_OPENS), closes_at: sp.iso(SOON_OPENS + 2 * HOUR), duration_min: 30 } })),
	];
	srv = await h.startServer({ contests: files });
	browser = await launch();
});
after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});

/* Joins code on a new page; resolves at the exam's home view. */
async function joinExam(code, name, employeeNo) {
	const page = await open(browser.ctx, `${srv.url}/player.html?code=${code}`, sp.MEDIUM);
	await page.waitForSelector('[data-view=join]:not([hidden])');
	await page.fill('input[name=name]', name);
	await page.fill('input[name=employee_no]', employeeNo);
	await page.fill('input[name=unit]', '安全环保部');
	await page.click('#join-form button[type=submit]');
	await page.waitForSelector('[data-view=exam-home]:not([hidden])');
	await page.waitForSelector('#eh-start:not([disabled])');
	return page;
}

const question = (page) => sp.onScreen(page, QUESTIONS, '#p-text');
const cellState = (page) => page.$$eval('#map-grid .cell', (cs) => cs.map((c) => [c.dataset.answered === 'true', c.dataset.flagged === 'true', c.hasAttribute('aria-current')]));

test('an exam on a phone: save, flag, reload, hand in, result', async () => {
	/* a proxy between the page and the server that can hold `saved` back and drop the connection */
	let holdSaved = false;
	let refuseSaved = 0; /* the next `saved` becomes not_found (a save that overtook `attempts`), this many times */
	const sockets = [];
	await browser.ctx.routeWebSocket(/\/ws$/, (ws) => {
		const server = ws.connectToServer();
		ws.onMessage((m) => server.send(m));
		server.onMessage((m) => {
			if (holdSaved && /"type":"saved"/.test(m)) return;
			if (refuseSaved > 0 && /"type":"saved"/.test(m)) {
				refuseSaved--;
				const { rid } = JSON.parse(m);
				ws.send(JSON.stringify({ type: 'error', rid, code: 'not_found', message: 'attempt_id' }));
				return;
			}
			ws.send(m);
		});
		sockets.push(ws);
	});

	const page = await joinExam('EXAM2026', '钱工程师', 'E1001');
	assert.deepEqual(await unpreloaded(page), [], 'every module is preloaded');
	assert.equal(await text(page, '#eh-mode'), '限时考试');
	const facts = await page.$$eval('#eh-facts dd', (d) => d.map((x) => x.textContent.trim()));
	assert.equal(facts[1], '30 分钟');
	assert.equal(facts[2], `${QUESTIONS.length} 题`);
	assert.equal(facts[3], '共 1 次');
	assert.match(await text(page, '#eh-start-note'), /^开始后计时 30 分钟/);
	await sp.checkView(page, 'exam-1-home', { full: true });

	/* the paper */
	await page.click('#eh-start');
	await page.waitForSelector('[data-view=paper]:not([hidden])');
	await waitText(page, '#p-index', `第 1 / ${QUESTIONS.length} 题`);
	const left0 = await sp.secondsLeft(page);
	assert.ok(left0 > 29 * 60 && left0 <= 30 * 60, `30 minutes on the server's clock (${left0} s)`);
	assert.equal(await text(page, '#p-save'), '本题未作答');
	await sp.checkView(page, 'exam-2-paper');

	/* each question right, except one wrong (the first choice question from the 3rd on) and the next choice question left open; the 1st flagged */
	const seen = [];
	let wrongAt = -1, openAt = -1;
	for (let i = 0; i < QUESTIONS.length; i++) {
		const q = await question(page);
		seen.push(q);
		if (q.type === 'numeric') {
			await page.fill('.answer.numeric .field', String(q.answer));
			await page.press('.answer.numeric .field', 'Tab');
		} else if (i >= 2 && wrongAt < 0) {
			wrongAt = i;
			await sp.answerChoice(page, q, false);
		} else if (wrongAt >= 0 && openAt < 0) {
			openAt = i;
		} else {
			await sp.answerChoice(page, q, true);
		}
		if (i !== openAt) await waitText(page, '#p-save', '✓ 已保存');
		if (i === 0) {
			await page.click('#p-flag');
			await page.waitForSelector('#p-flag[aria-pressed=true]');
			assert.equal(await text(page, '#p-flag'), '已标记');
		}
		if (q.type === 'multiple_choice' && i !== openAt) await sp.checkView(page, 'exam-3-multiple');
		if (i < QUESTIONS.length - 1) await page.click('#p-next');
	}
	assert.ok(wrongAt >= 0 && openAt > wrongAt, 'one wrong, one open');
	assert.equal(new Set(seen.map((q) => q.id)).size, QUESTIONS.length, 'every question once');
	assert.equal(await text(page, '#p-next'), '去交卷', 'the last question leads to handing in');
	await waitText(page, '#exam-done', `已答 ${QUESTIONS.length - 1}/${QUESTIONS.length}`);
	const numericAt = seen.findIndex((q) => q.type === 'numeric');

	/* "保存中…" while the server's acknowledgement is held back; resent after a drop, stored once */
	await page.click('#p-map');
	await page.click(`#map-grid .cell[data-index="${openAt}"]`);
	await waitText(page, '#p-index', `第 ${openAt + 1} / ${QUESTIONS.length} 题`);
	holdSaved = true;
	const taps = (await sp.choicesFor(page, seen[openAt], true)).length; /* a change each */
	await sp.answerChoice(page, seen[openAt], true);
	await waitText(page, '#p-save', '保存中…');
	await page.click('#exam-submit');
	await page.waitForSelector('#confirm-sheet:not([hidden])');
	assert.match(await text(page, '#confirm-body .confirm-wait'), /还有 1 项正在保存/);
	assert.equal(await page.isDisabled('#confirm-submit'), true, 'no handing in before every change is stored');
	await page.click('#confirm-sheet [data-close-sheet]');
	holdSaved = false;
	sockets[sockets.length - 1].close({ code: 4000, reason: 'test: connection dropped' });
	await waitText(page, '#p-save', '✓ 已保存', 15000);
	if (seen[openAt].type === 'multiple_choice') await sp.checkView(page, 'exam-3-multiple');
	const attemptId = await page.evaluate(() => JSON.parse(localStorage.getItem('sa.exam.EXAM2026')).id);
	const changes = await h.sql(srv.db, `SELECT count(*)::int AS n, max(change_no) AS last FROM answer_changes WHERE attempt_id = ${attemptId} AND question_idx = ${openAt}`, srv.pgPort);
	assert.deepEqual(changes, [{ n: taps, last: taps }], 'every change stored once, the last one resent after the drop');
	const current = await h.sql(srv.db, `SELECT change_no AS c FROM attempt_answers WHERE attempt_id = ${attemptId} AND question_idx = ${openAt}`, srv.pgPort);
	assert.deepEqual(current, [{ c: taps }], 'the last change counts');

	/* a save answered not_found (the connection did not hold the attempt yet): the page asks for attempts and sends it again */
	const q4 = seen[openAt];
	const other = (await sp.choicesFor(page, q4, false))[0];
	refuseSaved = 1;
	await page.click(`.choice[data-index="${other}"]`);
	await waitText(page, '#p-save', '✓ 已保存', 15000);
	assert.equal(refuseSaved, 0, 'one save was refused on the way');
	if (q4.type === 'multiple_choice') await page.click(`.choice[data-index="${other}"]`); /* back to the right answer */
	else await sp.answerChoice(page, q4, true);
	await waitText(page, '#p-save', '✓ 已保存');
	const again = await h.sql(srv.db, `SELECT change_no AS c FROM attempt_answers WHERE attempt_id = ${attemptId} AND question_idx = ${openAt}`, srv.pgPort);
	assert.deepEqual(again, [{ c: taps + 2 }], 'both changes stored, the refused one sent again');

	/* the answer card */
	await page.click('#p-map');
	await page.waitForSelector('#map-sheet:not([hidden])');
	const cells = await cellState(page);
	assert.deepEqual(cells.map((c) => c[0]), QUESTIONS.map(() => true), 'all answered');
	assert.deepEqual(cells.map((c) => c[1]), QUESTIONS.map((_, i) => i === 0), 'the 1st flagged');
	assert.deepEqual(cells.map((c) => c[2]), QUESTIONS.map((_, i) => i === openAt), 'the one on screen current');
	await sp.checkView(page, 'exam-4-map');
	await page.click('#map-grid .cell[data-index="1"]');
	await waitText(page, '#p-index', `第 2 / ${QUESTIONS.length} 题`);

	/* a reload in the middle: time continues, answers, flags and the position kept */
	const before = { left: await sp.secondsLeft(page), at: Date.now() };
	const chosen = await page.$$eval('.choice.chosen, .choice[aria-pressed=true]', (bs) => bs.map((b) => b.dataset.index));
	await page.reload();
	await page.waitForSelector('[data-view=paper]:not([hidden])');
	await waitText(page, '#p-index', `第 2 / ${QUESTIONS.length} 题`);
	const leftAfter = await sp.secondsLeft(page);
	const elapsed = (Date.now() - before.at) / 1000;
	assert.ok(leftAfter <= before.left && leftAfter >= before.left - elapsed - 2, `the time continues: ${before.left} s, then ${leftAfter} s ${elapsed.toFixed(1)} s later`);
	assert.deepEqual(await page.$$eval('.choice.chosen, .choice[aria-pressed=true]', (bs) => bs.map((b) => b.dataset.index)), chosen, 'the answer is kept');
	assert.equal(await text(page, '#p-save'), '✓ 已保存');
	await page.click('#p-map');
	assert.deepEqual(await cellState(page), cells.map((c, i) => [c[0], c[1], i === 1]), 'answers and flags kept');
	await page.click('#map-sheet [data-close-sheet]');

	/* English by the switch, in place: the paper and the answer card say nothing in Chinese (the contest has English text) */
	await page.click('[data-lang-switch]');
	await waitText(page, '#p-index', `Question 2 / ${QUESTIONS.length}`);
	assert.equal(await text(page, '#p-save'), '✓ Saved');
	assert.deepEqual(await page.$$eval('.choice.chosen, .choice[aria-pressed=true]', (bs) => bs.map((b) => b.dataset.index)), chosen, 'the answer is kept in English');
	await page.click('#p-map');
	const visible = await page.evaluate(() => document.body.innerText);
	assert.doesNotMatch(visible.replace('中文', ''), /[\u3400-\u9fff]/, 'no Chinese on the English page');
	await sp.checkOne(page, 'exam-en-map-390');
	await page.click('#map-sheet [data-close-sheet]');
	await sp.checkOne(page, 'exam-en-paper-390');
	await page.click('[data-lang-switch]');
	await waitText(page, '#p-index', `第 2 / ${QUESTIONS.length} 题`);

	/* a typed answer cleared is saved as cleared */
	await page.click('#p-map');
	await page.click(`#map-grid .cell[data-index="${numericAt}"]`);
	assert.equal((await question(page)).type, 'numeric');
	await page.fill('.answer.numeric .field', '');
	await page.press('.answer.numeric .field', 'Tab');
	await waitText(page, '#p-save', '已清除答案（已保存）');

	/* hand in: the confirmation lists what is open and flagged; a chip leads to its question */
	await page.click('#exam-submit');
	await page.waitForSelector('#confirm-sheet:not([hidden])');
	await page.waitForSelector('#confirm-submit:not([disabled])');
	assert.equal(await text(page, '#confirm-count'), `已答 ${QUESTIONS.length - 1}/${QUESTIONS.length}`);
	assert.match(await text(page, '#confirm-unanswered .caption'), /还有 1 题未作答/);
	assert.deepEqual(await page.$$eval('#confirm-unanswered .chip', (c) => c.map((x) => x.textContent)), [String(numericAt + 1)]);
	assert.deepEqual(await page.$$eval('#confirm-flagged .chip', (c) => c.map((x) => x.textContent)), ['1']);
	await sp.checkView(page, 'exam-5-confirm');
	await page.click('#confirm-unanswered .chip');
	await page.waitForSelector('#confirm-sheet', { state: 'hidden' });
	await waitText(page, '#p-index', `第 ${numericAt + 1} / ${QUESTIONS.length} 题`);
	await page.fill('.answer.numeric .field', '1');
	await page.press('.answer.numeric .field', 'Enter');
	await waitText(page, '#p-save', '✓ 已保存');
	await page.click('#exam-submit');
	await page.waitForSelector('#confirm-submit:not([disabled])');
	assert.equal(await text(page, '#confirm-body .all-done'), '✓ 全部题目都已作答');
	await page.click('#confirm-submit');

	/* the result: all right but one, the key and explanations */
	await page.waitForSelector('[data-view=exam-result]:not([hidden])');
	assert.equal(await text(page, '#er-head .res-title'), '已交卷');
	const stored = await h.sql(srv.db, `SELECT status, score_milli::int AS score, correct, answered FROM attempts WHERE id = ${attemptId}`, srv.pgPort);
	assert.deepEqual(stored, [{ status: 'submitted', score: (QUESTIONS.length - 1) * 1000, correct: QUESTIONS.length - 1, answered: QUESTIONS.length }]);
	assert.equal(await text(page, '#er-score'), String(QUESTIONS.length - 1), 'the score PostgreSQL holds');
	const verdicts = await page.$$eval('#er-items .r-item', (li) => li.map((x) => x.dataset.verdict));
	assert.deepEqual(verdicts, QUESTIONS.map((_, i) => (i === wrongAt ? 'bad' : 'ok')));
	const wrong = await page.$('#er-items .r-item[data-verdict=bad]');
	assert.ok(await wrong.$('.r-key'), 'a wrong answer shows the key');
	assert.match(await wrong.textContent(), /解析/);
	await sp.checkView(page, 'exam-6-result', { full: true });
	await page.click('#er-wrong-only');
	assert.equal((await page.$$('#er-items .r-item')).length, 1, 'only the mistake');

	/* the one attempt is used: the home says so, the server refuses another */
	await page.click('#er-home');
	await page.waitForSelector('[data-view=exam-home]:not([hidden])');
	await waitText(page, '#eh-start-note', '答题次数已用完');
	assert.equal(await page.isDisabled('#eh-start'), true);
	await waitText(page, '#eh-best-score', `${QUESTIONS.length - 1} 分`);
	await sp.checkView(page, 'exam-7-home-done', { full: true });
	const { c } = await h.join(srv.wsUrl, '钱工程师', { code: 'EXAM2026', employee_no: 'E1001', device_key: await page.evaluate(() => JSON.parse(localStorage.getItem('sa.device'))) });
	const refused = await c.request({ type: 'attempt_start' });
	assert.equal(refused.code, 'no_attempts_left');
	await c.close();

	assert.deepEqual(page.errors, []);
});

test('the window closes while the paper is open: locked at 0, handed in by the server', async () => {
	const page = await joinExam('SHORT2026', '孙技术员', 'E2002');
	await page.click('#eh-start');
	await page.waitForSelector('[data-view=paper]:not([hidden])');
	const left = await sp.secondsLeft(page);
	const expect = Math.ceil((shortCloses - Date.now()) / 1000);
	assert.ok(left <= 30 * 60 && Math.abs(left - expect) <= 3, `the deadline is the window's close: ${left} s, about ${expect} s`);
	const q = await question(page);
	if (q.type === 'numeric') await page.fill('.answer.numeric .field', '1');
	else await sp.answerChoice(page, q, true);
	await waitText(page, '#p-save', '✓ 已保存');
	await page.waitForSelector('#exam-remaining[data-urgent]');

	/* time's up: the page locks the paper and waits for the server's submission */
	await page.waitForSelector('#timeup-sheet:not([hidden])', { timeout: SHORT_MS + 10000 });
	assert.equal(await text(page, '#timeup-title'), '时间到');
	await sp.checkOne(page, 'exam-8-timeup-390');
	await page.waitForSelector('[data-view=exam-result]:not([hidden])', { timeout: 20000 });
	assert.equal(await text(page, '#er-head .res-title'), '时间到，已自动交卷');
	assert.equal(await text(page, '#er-score'), '1', 'the saved answer counts');
	const rows = await h.sql(srv.db, "SELECT a.status FROM attempts a JOIN participants p ON p.id = a.participant_id WHERE p.name = '孙技术员'", srv.pgPort);
	assert.deepEqual(rows, [{ status: 'expired' }]);
	await sp.checkView(page, 'exam-9-expired', { full: true });
	await page.click('#er-home');
	await waitText(page, '#eh-start-note', '答题时间已结束，不能再开始');
	assert.equal(await page.isDisabled('#eh-start'), true);
	assert.deepEqual(page.errors, []);
});

test('results shown only after the window: the page says when', async () => {
	const page = await joinExam('LATE2026', '周班长', 'E3003');
	await page.click('#eh-start');
	await page.waitForSelector('[data-view=paper]:not([hidden])');
	await page.click('#exam-submit');
	await page.waitForSelector('#confirm-submit:not([disabled])');
	assert.match(await text(page, '#confirm-unanswered .caption'), new RegExp(`还有 ${QUESTIONS.length} 题未作答`));
	await page.click('#confirm-submit');
	await page.waitForSelector('[data-view=exam-result]:not([hidden])');
	assert.match(await text(page, '#er-later'), /^成绩和答案将在 .+ 答题时间结束后公布$/);
	assert.equal(await page.$('#er-items'), null, 'no key before the window closes');
	await sp.checkView(page, 'exam-10-later', { full: true });
	assert.deepEqual(page.errors, []);
});

test('before the window opens: the start waits, with the time in China', async () => {
	const page = await open(browser.ctx, `${srv.url}/player.html?code=SOON2026`, sp.MEDIUM);
	await page.waitForSelector('[data-view=join]:not([hidden])');
	await page.fill('input[name=name]', '郑主任');
	await page.click('#join-form button[type=submit]');
	await page.waitForSelector('[data-view=exam-home]:not([hidden])');
	const opens = new Intl.DateTimeFormat('zh-CN', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Shanghai' }).format(SOON_OPENS);
	await waitText(page, '#eh-start-note', `还没到开始时间：${opens} 开始`);
	assert.equal(await page.isDisabled('#eh-start'), true);
	await sp.checkView(page, 'exam-11-soon', { full: true });
	/* the server says the same */
	const { c } = await h.join(srv.wsUrl, '郑主任', { code: 'SOON2026', device_key: await page.evaluate(() => JSON.parse(localStorage.getItem('sa.device'))) });
	assert.equal((await c.request({ type: 'attempt_start' })).code, 'outside_window');
	await c.close();
	assert.deepEqual(page.errors, []);
});
