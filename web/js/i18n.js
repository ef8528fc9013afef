/*
 * i18n.js - the pages' strings and languages.
 *
 * Every piece of UI text comes from web/i18n/<lang>.json (zh-CN by default,
 * en). The language is chosen by `?lang=en` in the URL, else the one
 * remembered in localStorage, else zh-CN; a [data-lang-switch] button toggles
 * it in place. Elements carry their keys: data-i18n (text), data-i18n-
 * placeholder, data-i18n-title, data-i18n-aria-label; apply() fills them and
 * pages re-render their dynamic parts from onChange().
 *
 * Contest text from the server (title, question text, options, explanation)
 * is a language map {"zh-CN": ..., "en": ...}: pick() chooses this page's
 * language and falls back to zh-CN.
 *
 * Strings may hold plurals in the ICU manner, chosen by Intl.PluralRules:
 * "{n, plural, one {# player} other {# players}}" (# is n, formatted).
 * Numbers given to t() are formatted by num() (Intl.NumberFormat of the page
 * language), so every page writes numbers alike.
 */

export const LANGS = ['zh-CN', 'en'];
export const DEFAULT_LANG = 'zh-CN';
const STORE_KEY = 'sa.lang';

let lang = DEFAULT_LANG;
let strings = {};
let fallback = {};
const listeners = new Set();
const cache = new Map();

/* "en", "en-US", "EN" -> "en"; "zh", "zh-cn" -> "zh-CN"; anything else -> null. */
export function normalize(tag) {
	if (typeof tag !== 'string') return null;
	const t = tag.trim().toLowerCase();
	if (t.startsWith('en')) return 'en';
	if (t.startsWith('zh')) return 'zh-CN';
	return null;
}

function storedLang() {
	try {
		return normalize(localStorage.getItem(STORE_KEY));
	} catch (e) {
		return null;
	}
}

function remember(l) {
	try {
		localStorage.setItem(STORE_KEY, l);
	} catch (e) { /* private mode: the URL still works */ }
}

function detect() {
	const fromUrl = normalize(new URLSearchParams(location.search).get('lang'));
	if (fromUrl) {
		remember(fromUrl);
		return fromUrl;
	}
	return storedLang() || DEFAULT_LANG;
}

async function load(l) {
	if (!cache.has(l)) {
		const url = new URL(`../i18n/${l}.json`, import.meta.url);
		cache.set(l, fetch(url).then((r) => {
			if (!r.ok) throw new Error(`i18n ${l}: HTTP ${r.status}`);
			return r.json();
		}));
	}
	try {
		return await cache.get(l);
	} catch (e) {
		cache.delete(l);
		throw e;
	}
}

/* Loads the strings, fills the document and wires the language switches. */
export async function init() {
	lang = detect();
	let base, own;
	/* the page shows nothing without its strings: on a flaky network keep trying */
	for (let wait = 500; ; wait = Math.min(wait * 2, 5000)) {
		try {
			[base, own] = await Promise.all([load(DEFAULT_LANG), lang === DEFAULT_LANG ? null : load(lang)]);
			break;
		} catch (e) {
			await new Promise((r) => setTimeout(r, wait));
		}
	}
	fallback = base;
	strings = own || base;
	apply(document);
	for (const b of document.querySelectorAll('[data-lang-switch]')) {
		b.addEventListener('click', () => setLang(lang === 'en' ? 'zh-CN' : 'en'));
	}
	document.body.classList.remove('i18n-loading');
}

export function currentLang() {
	return lang;
}

/* A var as text: numbers through num(), the rest as given. */
function varText(v) {
	return typeof v === 'number' ? num(v) : String(v);
}

/*
 * "{n, plural, one {...} other {...}}" -> the branch for vars.n (=0, =1 exact
 * matches first, then the Intl.PluralRules category, then other), with # the
 * formatted number. Branches may not nest braces other than {name}.
 */
const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{(?:[^{}]|\{\w+\})*\})+)\s*\}/g;
const BRANCH = /\s*(=\d+|zero|one|two|few|many|other)\s*\{((?:[^{}]|\{\w+\})*)\}/g;

function plural(s, vars) {
	return s.replace(PLURAL, (m, k, body) => {
		const n = vars[k];
		if (typeof n !== 'number') return m;
		const branches = {};
		for (const [, sel, text] of body.matchAll(BRANCH)) branches[sel] = text;
		const cat = new Intl.PluralRules(lang).select(n);
		const text = branches[`=${n}`] ?? branches[cat] ?? branches.other ?? '';
		return text.replace(/#/g, num(n));
	});
}

/* The text of a key, with {name} placeholders filled from vars (numbers formatted). */
export function t(key, vars) {
	let s = strings[key] ?? fallback[key];
	if (s === undefined) return key;
	if (vars) {
		s = plural(s, vars);
		s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? varText(vars[k]) : m));
	}
	return s;
}

/* Whether a key exists (to fall back to a server message for unknown error codes). */
export function has(key) {
	return key in strings || key in fallback;
}

/* The page language's text of a language map (or a plain string) from the server. */
export function pick(map) {
	if (map === null || map === undefined) return '';
	if (typeof map !== 'object') return String(map);
	if (typeof map[lang] === 'string') return map[lang];
	if (typeof map[DEFAULT_LANG] === 'string') return map[DEFAULT_LANG];
	const first = Object.values(map).find((v) => typeof v === 'string');
	return first ?? '';
}

const formats = new Map();
/*
 * A number in the page language (Intl.NumberFormat): with exactly `decimals`
 * fraction digits when given (0-3), else up to three (scores carry at most
 * thousandths). Boards pass the decimals of their whole list (decimalsOf) so
 * that every row, the podium and the player's own score look alike.
 */
export function num(x, decimals) {
	if (typeof x !== 'number' || !Number.isFinite(x)) return '–';
	const d = Number.isInteger(decimals) ? Math.max(0, Math.min(3, decimals)) : -1;
	const key = `${lang}|${d}`;
	let f = formats.get(key);
	if (!f) {
		f = new Intl.NumberFormat(lang, d < 0 ? { maximumFractionDigits: 3 } : { minimumFractionDigits: d, maximumFractionDigits: d });
		formats.set(key, f);
	}
	return f.format(x);
}

/* The fraction digits (0-3) the most precise of values needs, rounded to thousandths. */
export function decimalsOf(values) {
	let d = 0;
	for (const v of values) {
		if (typeof v !== 'number' || !Number.isFinite(v)) continue;
		const milli = Math.round(Math.abs(v) * 1000) % 1000;
		const need = milli === 0 ? 0 : milli % 100 === 0 ? 1 : milli % 10 === 0 ? 2 : 3;
		if (need > d) d = need;
	}
	return d;
}

/* A time left or taken on a clock face: "4:05", "59:59", "1:00:00" (never negative). */
export function clock(ms) {
	const total = Math.max(0, Math.ceil((Number(ms) || 0) / 1000));
	const hh = Math.floor(total / 3600);
	const mm = Math.floor((total % 3600) / 60);
	const ss = total % 60;
	const two = (n) => String(n).padStart(2, '0');
	return hh > 0 ? `${hh}:${two(mm)}:${two(ss)}` : `${mm}:${two(ss)}`;
}

const dateFormats = new Map();
/*
 * A moment (epoch ms) as the contest's people read it: in the contest's time
 * zone (Asia/Shanghai unless it says otherwise), never the phone's, so a
 * phone set to another zone still shows when the window opens there.
 * withDate false: the time of day only.
 */
export function when(ms, timeZone = 'Asia/Shanghai', withDate = true) {
	if (typeof ms !== 'number' || !Number.isFinite(ms)) return '–';
	const key = `${lang}|${timeZone}|${withDate}`;
	let f = dateFormats.get(key);
	if (!f) {
		const opts = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
		if (withDate) Object.assign(opts, { month: 'short', day: 'numeric' }); /* 6月15日 08:30, Jun 15, 08:30 */
		try {
			f = new Intl.DateTimeFormat(lang, { ...opts, timeZone });
		} catch (e) { /* a zone this browser does not know */
			f = new Intl.DateTimeFormat(lang, { ...opts, timeZone: 'Asia/Shanghai' });
		}
		dateFormats.set(key, f);
	}
	return f.format(ms);
}

/* Fills every element under root that names a key. */
export function apply(root) {
	document.documentElement.lang = lang;
	for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
	for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
	for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
	for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
}

/* Switches language in place, remembers it, keeps a ?lang= in the URL in step. */
export async function setLang(l) {
	const next = normalize(l);
	if (!next || next === lang) return;
	strings = next === DEFAULT_LANG ? fallback : await load(next);
	lang = next;
	remember(next);
	const u = new URL(location.href);
	if (u.searchParams.has('lang')) {
		u.searchParams.set('lang', next);
		history.replaceState(history.state, '', u);
	}
	apply(document);
	for (const fn of listeners) fn(lang);
}

export function onChange(fn) {
	listeners.add(fn);
}
