'use strict';
/*
 * tests/browser/selfpaced.js - what the self-paced browser tests (97-exam,
 * 98-practice, 99-mass) share: contest files written at run time (windows
 * relative to now), a view checked on both phone sizes (tap targets,
 * sideways scrolling, contrast, a screenshot each), and answering a question
 * on the page by its option texts (papers are shuffled per participant: the
 * test finds the question by its text and the key by the option texts).
 * The pages run under the server's Content-Security-Policy; browser.js's
 * watch reports every violation in page.errors.
 */

const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');
const { h } = require('./browser.js');
const { assertContrast, tapTargets, shot } = require('./measure.js');

const SMALL = { width: 360, height: 640 };
const MEDIUM = { width: 390, height: 844 };

/* A moment as ISO 8601 in China time, to the second ("2026-06-15T08:30:05+08:00"). */
function iso(ms) {
	const d = new Date(ms + 8 * 3600 * 1000);
	return `${d.toISOString().slice(0, 19)}+08:00`;
}

/* Writes a contest definition into this test file's output directory; returns its path. */
function writeContest(name, def) {
	const file = path.join(h.outDir(), `${name}.json`);
	fs.writeFileSync(file, JSON.stringify(def, null, 1));
	return file;
}

/* The bank under contests/banks/, parsed; and its path relative to a contest file in dir. */
function bank(name) {
	const file = path.join(h.ROOT, 'contests', 'banks', `${name}.json`);
	return { file, def: JSON.parse(fs.readFileSync(file, 'utf8')) };
}

/* Tap targets, sideways scrolling, contrast and a screenshot (opts.full: of the whole page) of one view at one size. */
async function checkOne(page, label, opts = {}) {
	const small = (await tapTargets(page)).filter((t) => t.w < 44 || t.h < 44);
	assert.deepEqual(small, [], `${label}: tap targets under 44 px`);
	const sw = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(sw <= page.viewportSize().width, `${label}: no sideways scrolling (${sw})`);
	const min = await assertContrast(assert, page, label, opts);
	await shot(page, label, opts.full ? { fullPage: true } : {});
	return min;
}

/*
 * The view on screen, at 390x844 and at 360x640 (then back to the size the
 * page had): every check of checkOne at each; screenshots <label>-390 and
 * <label>-360. Returns the lowest contrast seen.
 */
async function checkView(page, label, opts = {}) {
	const size = page.viewportSize();
	let min = Infinity;
	for (const [vp, tag] of [[MEDIUM, '390'], [SMALL, '360']]) {
		await page.setViewportSize(vp);
		await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
		min = Math.min(min, await checkOne(page, `${label}-${tag}`, opts));
	}
	await page.setViewportSize(size);
	return min;
}

const zh = (x) => (x && typeof x === 'object' ? x['zh-CN'] : x);

/* The question of questions whose text the page shows in sel. */
async function onScreen(page, questions, sel) {
	const text = (await page.textContent(sel)).trim();
	const q = questions.find((x) => zh(x.text) === text);
	assert.ok(q, `the question on screen is one of the contest's: ${text}`);
	return q;
}

/*
 * The choice buttons (data-index) that answer q right (or wrong) on the
 * page, found by their labels: the page may show the options in any order.
 * A multiple choice question whose every option is right has no wrong
 * option: its "wrong" answer is the first option alone (partly right).
 */
async function choicesFor(page, q, right = true) {
	if (q.type === 'true_false') return [q.answer === right ? 0 : 1];
	const labels = await page.$$eval('.choice .label', (els) => els.map((e) => e.textContent.trim()));
	const key = (Array.isArray(q.answer) ? q.answer : [q.answer]).map((i) => zh(q.options[i]));
	const keyIdx = labels.map((l, i) => (key.includes(l) ? i : -1)).filter((i) => i >= 0);
	assert.equal(keyIdx.length, key.length, `every key option of ${q.id} is on the page`);
	if (right) return keyIdx;
	const wrong = labels.findIndex((l) => !key.includes(l));
	return [wrong >= 0 ? wrong : keyIdx[0]];
}

/* Taps the choices that answer q right or wrong. */
async function answerChoice(page, q, right = true) {
	for (const i of await choicesFor(page, q, right)) await page.click(`.choice[data-index="${i}"]`);
}

/* The countdown on the page in seconds ("29:41" -> 1781). */
async function secondsLeft(page, sel = '#exam-remaining') {
	const t = (await page.textContent(sel)).trim();
	const parts = t.split(':').map(Number);
	assert.ok(parts.length >= 2 && parts.every(Number.isFinite), `a clock face: ${t}`);
	return parts.reduce((a, b) => a * 60 + b, 0);
}

module.exports = { SMALL, MEDIUM, iso, writeContest, bank, checkOne, checkView, zh, onScreen, choicesFor, answerChoice, secondsLeft };
