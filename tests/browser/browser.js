'use strict';
/*
 * tests/browser/browser.js - what the browser tests share: Debian's chromium
 * driven by playwright-core (never a downloaded browser), pages that record
 * their script errors, and the server under test.
 *
 * The server comes from tests/lib/harness.js (a fresh PostgreSQL database and
 * a private Redis per file). SA_URL (+ SA_ORGANIZER_TOKEN) points the tests
 * at an already running server instead, for working on the pages; each test
 * file then expects the demo contest to be in its lobby.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const h = require('../lib/harness.js');

const CHROMIUM = process.env.SA_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const TV = { width: 1920, height: 1080 };

/* A fresh browser profile (its own localStorage); close() removes it. */
async function launch() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-browser-'));
	const ctx = await chromium.launchPersistentContext(dir, {
		executablePath: CHROMIUM,
		headless: true,
		args: ARGS,
		viewport: PHONE,
	});
	return {
		ctx,
		async close() {
			await ctx.close().catch(() => {});
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/*
 * Records on page.errors what a clean page never shows: uncaught exceptions,
 * console errors (a missing favicon aside), Content-Security-Policy
 * violations (the server sends a strict CSP: a violation is a page or server
 * bug), and a response of the page's own server without its security headers.
 */
async function watch(page) {
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error' && !/favicon/.test(m.text())) page.errors.push(`console: ${m.text()}`);
	});
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} in ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
		});
	});
	page.on('response', (r) => {
		let same = false;
		try { same = new URL(r.url()).origin === new URL(page.url()).origin; } catch { /* about:blank */ }
		const hd = r.headers();
		if (same && r.status() !== 101 && (hd['x-content-type-options'] !== 'nosniff' || !hd['content-security-policy'] ||
			hd['referrer-policy'] !== 'no-referrer')) {
			page.errors.push(`response without security headers: ${r.status()} ${r.url()}`);
		}
	});
}

/*
 * Opens url in a new page of ctx at the given viewport, watched (page.errors,
 * see watch), so a test can assert the page ran cleanly.
 */
async function open(ctx, url, viewport = PHONE) {
	const page = await ctx.newPage();
	await page.setViewportSize(viewport);
	await watch(page);
	await page.goto(url);
	return page;
}

/* The server under test: the harness's, or SA_URL's. */
async function server() {
	if (process.env.SA_URL) {
		const url = process.env.SA_URL.replace(/\/$/, '');
		return {
			url,
			wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
			organizerToken: process.env.SA_ORGANIZER_TOKEN || 'test-token',
			get: (p) => h.httpGet(url + p),
			async stop() {},
		};
	}
	return h.startServer({});
}

/* Numbers as the pages show them (Intl, up to three decimals). */
function fmt(n, lang = 'zh-CN') {
	return new Intl.NumberFormat(lang, { maximumFractionDigits: 3 }).format(n);
}

/* The demo contest file, parsed. */
function demo() {
	return JSON.parse(fs.readFileSync(h.DEMO_CONTEST, 'utf8'));
}

/* The visible text of a selector, trimmed (waits for it to be visible). */
async function text(page, sel) {
	await page.waitForSelector(sel, { state: 'visible' });
	return (await page.textContent(sel)).trim();
}

/* Waits until the element's trimmed text equals want (or matches it, for a RegExp). */
async function waitText(page, sel, want, timeout = 10000) {
	await page.waitForFunction(([s, w, isRe]) => {
		const el = document.querySelector(s);
		if (!el) return false;
		const t = el.textContent.trim();
		return isRe ? new RegExp(w).test(t) : t === w;
	}, [sel, want instanceof RegExp ? want.source : want, want instanceof RegExp], { timeout });
}

module.exports = { h, launch, open, watch, server, fmt, demo, text, waitText, PHONE, LAPTOP, TV };
