'use strict';
/*
 * tests/browser/measure.js - what the browser tests measure on a page, from
 * computed styles: the contrast ratio of every visible piece of text against
 * the background it is painted on (WCAG 2 relative luminance), the size of
 * every tap target, and screenshots under the test's output directory.
 *
 * Contrast: for each visible element with its own text (or an input with a
 * value), the text colour is composited over the stack of backgrounds of its
 * ancestors (background-color, each layer weighted by the opacity of its
 * element and the elements above it; the text by its own accumulated
 * opacity). Gradients: a linear gradient counts with every colour stop (the
 * worst one decides), a radial one by its first stop (the centre, where text
 * sits), a conic one not at all (rings drawn around text). Text inside a
 * disabled control is left out, as WCAG 1.4.3 allows for inactive
 * components, unless includeDisabled. Text that is not visible (hidden,
 * visibility, opacity 0, zero size, clipped away) is not checked.
 *
 * Sound and wake lock: instrument(page) records, before any page script
 * runs, every AudioContext created and every oscillator started (type,
 * frequency, time) in window.__audio, and every wake lock granted in
 * window.__wakeLocks, without changing what the page does.
 */

const fs = require('node:fs');
const path = require('node:path');
const { h } = require('./browser.js');

/* Runs in the page: every text's contrast ratio. */
function pageContrast({ root = 'body', includeDisabled = false } = {}) {
	const parse = (s) => {
		const m = /rgba?\(([^)]+)\)/.exec(s || '');
		if (!m) return null;
		const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
		return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
	};
	const over = (top, bottom) => {
		const a = top.a + bottom.a * (1 - top.a);
		if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
		const mix = (k) => (top[k] * top.a + bottom[k] * bottom.a * (1 - top.a)) / a;
		return { r: mix('r'), g: mix('g'), b: mix('b'), a };
	};
	const lum = (c) => {
		const ch = (v) => {
			v /= 255;
			return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
		};
		return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
	};
	const ratio = (a, b) => {
		const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
		return (x + 0.05) / (y + 0.05);
	};
	/* the top background-image layer's colours that text may sit on */
	const gradientStops = (img) => {
		if (!img || img === 'none') return null;
		let depth = 0, end = img.length;
		for (let i = 0; i < img.length; i++) {
			if (img[i] === '(') depth++;
			else if (img[i] === ')') depth--;
			else if (img[i] === ',' && depth === 0) { end = i; break; }
		}
		const layer = img.slice(0, end);
		const colours = (layer.match(/rgba?\([^)]*\)/g) || []).map(parse);
		if (/^(repeating-)?linear-gradient/.test(layer)) return colours;
		if (/^(repeating-)?radial-gradient/.test(layer)) return colours.slice(0, 1);
		return null;
	};
	const opacityAbove = (el) => {
		let o = 1;
		for (let e = el; e && e.nodeType === 1; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
		return o;
	};
	/* the backgrounds under el: a list of candidate colours (several for gradients) */
	const backgrounds = (el) => {
		const chain = [];
		for (let e = el; e && e.nodeType === 1; e = e.parentElement) chain.unshift(e);
		let cands = [{ r: 255, g: 255, b: 255, a: 1 }];
		for (const e of chain) {
			const cs = getComputedStyle(e);
			const o = opacityAbove(e);
			const bg = parse(cs.backgroundColor);
			if (bg && bg.a > 0) cands = cands.map((c) => over({ ...bg, a: bg.a * o }, c));
			const stops = gradientStops(cs.backgroundImage);
			if (stops && stops.length) {
				const next = [];
				for (const c of cands) for (const s of stops) next.push(over({ ...s, a: s.a * o }, c));
				cands = next;
			}
		}
		return cands;
	};
	const visible = (el) => {
		if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
		const r = el.getBoundingClientRect();
		if (r.width < 1 || r.height < 1) return false;
		if (r.bottom < 0 || r.right < 0 || r.top > innerHeight + 2000 || r.left > innerWidth) return false;
		return opacityAbove(el) > 0.02;
	};
	const ownText = (el) => {
		if (/^(INPUT|TEXTAREA)$/.test(el.tagName)) return el.value || '';
		if (el.tagName === 'SELECT') return el.selectedOptions[0] ? el.selectedOptions[0].textContent : '';
		let s = '';
		for (const n of el.childNodes) if (n.nodeType === 3) s += n.nodeValue;
		return s.trim();
	};
	const pseudoText = (el, which) => {
		const c = getComputedStyle(el, which).content;
		return c && c !== 'none' && c !== 'normal' && c !== '""' ? c.replace(/^"|"$/g, '') : '';
	};
	const describe = (el) => {
		const parts = [];
		for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
			parts.unshift(e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (e.classList.length ? `.${[...e.classList].join('.')}` : ''));
		}
		return parts.join(' > ');
	};
	const out = [];
	const base = document.querySelector(root);
	if (!base) return out;
	for (const el of [base, ...base.querySelectorAll('*')]) {
		if (/^(SCRIPT|STYLE|OPTION|TITLE|HEAD)$/.test(el.tagName)) continue;
		const texts = [ownText(el), pseudoText(el, '::before'), pseudoText(el, '::after')].filter((s) => s.trim());
		if (!texts.length || !visible(el)) continue;
		if (!includeDisabled && el.closest(':disabled')) continue;
		const cs = getComputedStyle(el);
		const fg0 = parse(cs.color);
		if (!fg0) continue;
		const bgs = backgrounds(el);
		const fg = { ...fg0, a: fg0.a * opacityAbove(el) };
		let worst = Infinity, worstBg = null;
		for (const bg of bgs) {
			const r = ratio(over(fg, bg), bg);
			if (r < worst) { worst = r; worstBg = bg; }
		}
		const hex = (c) => '#' + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
		out.push({ text: texts.join(' ').slice(0, 40), ratio: Math.round(worst * 100) / 100, fg: hex(over(fg, worstBg)), bg: hex(worstBg), px: parseFloat(cs.fontSize), where: describe(el) });
	}
	return out;
}

/*
 * Waits until no finite transition or animation of opacity or colour runs
 * (a fade would be measured half-way); movements (bars, countdowns) and
 * endless animations do not count.
 */
async function settle(page, timeout = 5000) {
	await page.waitForFunction(() => {
		const colour = (p) => /^(opacity|color|background|background-?[cC]olor|all)$/.test(p);
		return document.getAnimations().every((a) => {
			if (a.playState !== 'running' || a.effect.getComputedTiming().iterations === Infinity) return true;
			if (a.transitionProperty) return !colour(a.transitionProperty);
			return !a.effect.getKeyframes().some((k) => Object.keys(k).some(colour));
		});
	}, null, { timeout });
}

/*
 * contrast(page, opts) - every visible text of the page with its ratio, once
 * transitions have settled; resolves to {min, items, failures} (failures:
 * ratio below opts.min, 4.5).
 */
async function contrast(page, opts = {}) {
	const min = opts.min ?? 4.5;
	await settle(page);
	const items = await page.evaluate(pageContrast, { root: opts.root || 'body', includeDisabled: !!opts.includeDisabled });
	const failures = items.filter((i) => i.ratio < min);
	const lowest = items.reduce((m, i) => Math.min(m, i.ratio), Infinity);
	return { min: lowest, items, failures };
}

/* Asserts every visible text of the page reaches 4.5:1; returns the lowest ratio. */
async function assertContrast(assert, page, label, opts = {}) {
	const r = await contrast(page, opts);
	assert.ok(r.items.length > 0, `${label}: some text was checked`);
	assert.deepEqual(r.failures, [], `${label}: text below ${opts.min ?? 4.5}:1`);
	return r.min;
}

/* Every visible tap target (buttons, links, fields, selects) with its size. */
async function tapTargets(page, root = 'body') {
	return page.$$eval(`${root} :is(button, a[href], input:not([type=hidden]), select, textarea, [role=button], summary)`, (els) => els
		.filter((e) => e.checkVisibility({ opacityProperty: true, visibilityProperty: true }))
		.map((e) => {
			const r = e.getBoundingClientRect();
			return { what: e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (e.className ? `.${String(e.className).split(' ').join('.')}` : ''), w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10 };
		})
		.filter((t) => t.w > 0 && t.h > 0));
}

/* Screenshot into $SA_TEST_OUT/<test file>/shots/<name>.png, once fades have settled; returns the path. */
async function shot(page, name, opts = {}) {
	await settle(page).catch(() => {}); /* a picture mid-fade is still a picture */
	const dir = path.join(h.outDir(), 'shots');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${name}.png`);
	await page.screenshot({ path: file, ...opts });
	return file;
}

/*
 * Every module the page loaded is named by a <link rel=modulepreload> (or is
 * the page's entry script), so a weak phone fetches them in parallel
 * instead of one import level per round trip. Returns the missing ones.
 */
async function unpreloaded(page) {
	return page.evaluate(() => {
		const named = new Set([...document.querySelectorAll('link[rel=modulepreload], script[type=module][src]')]
			.map((l) => new URL(l.href || l.src, location.href).href));
		return performance.getEntriesByType('resource').map((e) => e.name)
			.filter((n) => n.endsWith('.js') && !named.has(n));
	});
}

/* The computed font size in px of the first element matching sel. */
async function fontPx(page, sel) {
	return page.$eval(sel, (e) => parseFloat(getComputedStyle(e).fontSize));
}

/* Records audio contexts, oscillators and wake locks of every page of ctx (see above). */
async function instrument(ctx) {
	await ctx.addInitScript(() => {
		const log = { contexts: [], notes: [] };
		window.__audio = log;
		const AC = window.AudioContext;
		if (AC) {
			window.AudioContext = class extends AC {
				constructor(...args) {
					super(...args);
					log.contexts.push(this);
				}
			};
			const start = OscillatorNode.prototype.start;
			OscillatorNode.prototype.start = function (...args) {
				log.notes.push({ type: this.type, f: Math.round(this.frequency.value * 10) / 10, at: performance.now() });
				return start.apply(this, args);
			};
		}
		window.__wakeLocks = [];
		if (navigator.wakeLock) {
			const request = navigator.wakeLock.request.bind(navigator.wakeLock);
			navigator.wakeLock.request = async (...args) => {
				const s = await request(...args);
				window.__wakeLocks.push(s);
				return s;
			};
		}
	});
}

/* The notes played so far: [{type, f, at}] and the states of the audio contexts. */
async function audioLog(page) {
	return page.evaluate(() => ({ notes: window.__audio.notes.slice(), states: window.__audio.contexts.map((c) => c.state) }));
}

module.exports = { contrast, assertContrast, tapTargets, shot, fontPx, pageContrast, instrument, audioLog, settle, unpreloaded };
