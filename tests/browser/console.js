'use strict';
/*
 * tests/browser/console.js - what the console's browser tests share (13-16):
 * logging in through the login page onto the console, the console's
 * accounts and banks made over the API, and the check that no text of a
 * view is cut: every visible element with text of its own fits its box (no
 * clipped overflow, no ellipsis), nothing is outside the window sideways,
 * and the page itself does not scroll sideways.
 */
const fs = require('node:fs');
const path = require('node:path');
const { open } = require('./browser.js');
const { h } = require('./browser.js');
const con = require('../lib/console.js');

const DESKTOP = { width: 1366, height: 768 };
const TABLET = { width: 768, height: 1024 };

/* Logs in on the login page and lands on console.html (hash kept); resolves to the page. */
async function consoleLogin(ctx, srv, username, password, { viewport = DESKTOP, hash = '', lang } = {}) {
	const next = encodeURIComponent(`console.html${lang ? `?lang=${lang}` : ''}`);
	const page = await open(ctx, `${srv.url}/login.html?next=${next}${lang ? `&lang=${lang}` : ''}`, viewport);
	await page.fill('input[name=username]', username);
	await page.fill('input[name=password]', password);
	await page.click('#login-form button[type=submit]');
	await page.waitForURL(/\/console\.html/);
	await page.waitForSelector('body:not(.i18n-loading)');
	if (hash) await page.evaluate((x) => { location.hash = x; }, hash);
	page.on('dialog', (d) => d.accept());
	return page;
}

/* Runs in the page: texts that do not fit (clipped, ellipsis, out of the window sideways). */
function pageCutText(root) {
	const out = [];
	const base = document.querySelector(root) || document.body;
	const describe = (el) => {
		const parts = [];
		for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
			parts.unshift(e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (e.classList.length ? `.${[...e.classList].join('.')}` : ''));
		}
		return parts.join(' > ');
	};
	for (const el of [base, ...base.querySelectorAll('*')]) {
		if (/^(SCRIPT|STYLE|OPTION|SELECT|INPUT|TEXTAREA|svg)$/i.test(el.tagName)) continue;
		if (!el.checkVisibility || !el.checkVisibility({ visibilityProperty: true })) continue;
		let own = '';
		for (const n of el.childNodes) if (n.nodeType === 3) own += n.nodeValue;
		if (!own.trim()) continue;
		const cs = getComputedStyle(el);
		const r = el.getBoundingClientRect();
		if (r.width < 1 || r.height < 1) continue;
		/* inside a box that scrolls sideways (wide tables): reachable, not cut */
		let scroller = false;
		for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
			const o = getComputedStyle(e).overflowX;
			if (o === 'auto' || o === 'scroll') { scroller = true; break; }
		}
		const clipped = (cs.overflowX === 'hidden' || cs.overflowX === 'clip' || cs.textOverflow === 'ellipsis') && el.scrollWidth > el.clientWidth + 1;
		const outside = !scroller && (r.right > window.innerWidth + 1 || r.left < -1);
		if (clipped || outside) out.push({ text: own.trim().slice(0, 40), where: describe(el), clipped, outside });
	}
	if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push({ text: '(the page)', where: 'html', scrollWidth: document.documentElement.scrollWidth });
	return out;
}

async function cutText(page, root = '#view') {
	return page.evaluate(pageCutText, root);
}

/* A console bank made over the API from a native bank file of contests/banks; resolves when imported. */
async function apiBank(client, code, title, file) {
	let r = await client.post('/api/banks', { code, title: { 'zh-CN': title } });
	if (r.status !== 201) throw new Error(`bank ${code}: ${r.status} ${r.body}`);
	r = await client.post(`/api/banks/${code}/import?format=json&filename=${path.basename(file)}`, fs.readFileSync(file));
	if (r.status !== 202) throw new Error(`import ${code}: ${r.status} ${r.body}`);
	for (let i = 0; i < 400; i++) {
		const j = await client.get(`/api/jobs/${r.json.id}`);
		if (j.json.status === 'done') return j.json;
		if (j.json.status === 'failed') throw new Error(`import ${code}: ${JSON.stringify(j.json.report)}`);
		await h.sleep(50);
	}
	throw new Error(`import ${code}: too slow`);
}

/* The page's errors but the 4xx answers a test provokes on purpose (Chromium logs each as a console error). */
function unexpected(page, allow = /40[0-9]/) {
	return page.errors.filter((e) => !(new RegExp(`Failed to load resource: the server responded with a status of (${allow.source})`).test(e)));
}

module.exports = { DESKTOP, TABLET, consoleLogin, cutText, apiBank, unexpected, con };
