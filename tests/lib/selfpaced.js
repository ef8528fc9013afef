'use strict';
/*
 * tests/lib/selfpaced.js - helpers for tests of the self-paced modes (exam,
 * practice, mass; docs/protocol.md "Self-paced modes"), on top of harness.js.
 *
 *   const sp = require('../lib/selfpaced.js');
 *   const dir = sp.tempDir('90');                       // a directory for contest files
 *   const file = sp.writeContest(dir, def, ['safety']);  // def.banks -> copies of contests/banks/*.json
 *   const clock = sp.clockFile(dir);                     // --test-clock-file (see serverArgs)
 *   const srv = await h.startServer({contests: [file], args: sp.serverArgs(clock)});
 *   await sp.setClock(clock, 3600e3);                    // the servers' clock one hour ahead
 *   const key = sp.keyOf(attempt.questions[0], banks);   // the right response in the shown order
 *
 * The key is computed independently of the server: from the bank files, by
 * the option texts the participant was shown.
 */
const fs = require('node:fs');
const path = require('node:path');
const h = require('./harness.js');

const BANKS = path.join(h.ROOT, 'contests', 'banks');

/** tempDir(name) - a fresh directory under the test's output directory. */
function tempDir(name) {
	return fs.mkdtempSync(path.join(h.outDir(), `${name}-`));
}

/** iso(ms) - an ISO 8601 date-time in China time (+08:00), to the second. */
function iso(ms) {
	const d = new Date(ms + 8 * 3600e3);
	return d.toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/** windowAround(fromMs, toMs, durationMin) - a contest "window" object. */
function windowAround(fromMs, toMs, durationMin) {
	return { opens_at: iso(fromMs), closes_at: iso(toMs), duration_min: durationMin };
}

/**
 * writeContest(dir, def, banks) - writes def as dir/<code>.json; each name in
 * banks ("safety", "electrician", "labor-law", or a path) is copied next to
 * it and def.banks gets {name: "./<name>.json"} unless def.banks is given.
 */
function writeContest(dir, def, banks = []) {
	const out = { ...def };
	if (!out.banks && banks.length) out.banks = {};
	for (const b of banks) {
		const src = b.includes('/') ? b : path.join(BANKS, `${b}.json`);
		const name = path.basename(src, '.json');
		fs.copyFileSync(src, path.join(dir, `${name}.json`));
		if (!def.banks) out.banks[name] = `./${name}.json`;
	}
	const file = path.join(dir, `${def.code}.json`);
	fs.writeFileSync(file, JSON.stringify(out, null, 1));
	return file;
}

/**
 * bankQuestions(names) - every question of those banks by drawn id "<alias>.<id>": names is a
 * list of bank names (the alias is the file name) or an object {alias: bank name or path}.
 */
function bankQuestions(names) {
	const out = {};
	const pairs = Array.isArray(names) ? names.map((b) => [null, b]) : Object.entries(names);
	for (const [given, b] of pairs) {
		const src = b.includes('/') ? b : path.join(BANKS, `${b}.json`);
		const alias = given || path.basename(src, '.json');
		for (const q of JSON.parse(fs.readFileSync(src, 'utf8')).questions) out[`${alias}.${q.id}`] = q;
	}
	return out;
}

/** offsetTo(iso) - the test clock offset that puts the servers at this ISO 8601 time. */
function offsetTo(isoTime) {
	return Date.parse(isoTime) - Date.now();
}

const text = (v) => (typeof v === 'string' ? v : v && v['zh-CN']);

/**
 * keyOf(q, bank, wrong) - the right response to served question q (in the
 * option order q shows), from its bank definition; with wrong, a wrong one.
 */
function keyOf(q, bank, wrong = false) {
	const def = bank[q.id];
	if (!def) throw new Error(`question ${q.id} is in no bank given`);
	const shown = (q.options || []).map(text);
	const at = (i) => {
		const k = shown.indexOf(text(def.options[i]));
		if (k < 0) throw new Error(`option ${i} of ${q.id} was not shown`);
		return k;
	};
	switch (def.type) {
	case 'single_choice': {
		const k = at(def.answer);
		return wrong ? (k + 1) % shown.length : k;
	}
	case 'multiple_choice': {
		const ks = def.answer.map(at).sort((a, b) => a - b);
		if (!wrong) return ks;
		return [...Array(shown.length).keys()].filter((i) => !ks.includes(i)).slice(0, 1);
	}
	case 'true_false':
		return wrong ? !def.answer : def.answer;
	case 'numeric': {
		const v = typeof def.answer === 'number' ? def.answer : def.answer.value;
		return wrong ? v + 1000 : v;
	}
	case 'fill_in':
		return def.answer.map((b) => (wrong ? '不对的答案' : Array.isArray(b) ? b[0] : b));
	case 'ordering':
	case 'matching':
		return wrong ? [...def.answer].reverse() : def.answer;
	default:
		throw new Error(`keyOf: type ${def.type} of ${q.id} not handled`);
	}
}

/** clockFile(dir) - the test clock file (offset 0), for --test-clock-file. */
function clockFile(dir) {
	const f = path.join(dir, 'clock');
	fs.writeFileSync(f, '0\n');
	return f;
}

/** serverArgs(clock, extra) - the server options these tests use (a fast sweeper, the test clock,
 * no per-connection rate limits: a test sends faster than a person). */
function serverArgs(clock, extra = []) {
	return ['--test-clock-file', clock, '--sweep-ms', '200', '--attempt-start-rate', '0', '--ws-msg-rate', '0', ...extra];
}

/** setClock(file, offsetMs) - every server reading file runs offsetMs ahead; waits until they read it. */
async function setClock(file, offsetMs) {
	fs.writeFileSync(file, `${Math.round(offsetMs)}\n`);
	await h.sleep(250);
}

/** request(c, obj) - c.request that throws on an `error` reply (with the reply). */
async function ok(c, obj, type) {
	const r = await c.request(obj, 20000);
	if (r.type === 'error' || (type && r.type !== type)) {
		throw new Error(`${obj.type} -> ${JSON.stringify(r)}`);
	}
	return r;
}

/** errorOf(c, obj) - sends obj, resolves to the `error` code it gets (throws on another reply). */
async function errorOf(c, obj) {
	const r = await c.request(obj, 20000);
	if (r.type !== 'error') throw new Error(`${JSON.stringify(obj)} expected an error, got ${JSON.stringify(r)}`);
	return r.code;
}

module.exports = {
	tempDir,
	iso,
	windowAround,
	writeContest,
	bankQuestions,
	offsetTo,
	keyOf,
	clockFile,
	serverArgs,
	setClock,
	ok,
	errorOf,
};
