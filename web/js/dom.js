/*
 * dom.js - small DOM helpers the pages share: element building (text only via
 * textContent, so names typed by players can never inject markup), switching
 * views, the toast line for errors, the connection indicator, and the
 * localized text of protocol error codes.
 */

import { t, has, onChange } from './i18n.js';

/*
 * h('div', {class: 'row', text: 'x', dataset: {id: 1}, vars: {'--w': '.5'}, onclick: fn, attrs: {...}}, ...children)
 * Children are nodes, strings (text) or null/false (skipped). Styles only
 * through custom properties (vars, CSSOM), never a style attribute: the
 * Content-Security-Policy allows no inline styles.
 */
export function h(tag, props = {}, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(props || {})) {
		if (v === undefined || v === null || v === false) continue;
		if (k === 'class') el.className = v;
		else if (k === 'text') el.textContent = v;
		else if (k === 'dataset') Object.assign(el.dataset, v);
		else if (k === 'vars') for (const [name, val] of Object.entries(v)) el.style.setProperty(name, val);
		else if (k === 'attrs') for (const [a, av] of Object.entries(v)) el.setAttribute(a, av);
		else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
		else el[k] = v;
	}
	for (const c of children.flat()) {
		if (c === null || c === undefined || c === false) continue;
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/* Shows the one [data-view=name] section and hides the others. */
export function showView(name) {
	for (const v of $$('[data-view]')) v.hidden = v.dataset.view !== name;
	document.body.dataset.current = name;
}

/*
 * The text of a key as nodes, its {name} placeholders replaced by the nodes
 * (or text) in parts: t('join.local_warning') with the address in <b> and the
 * option in <code> that never breaks, for example.
 */
export function tNodes(key, parts) {
	const text = t(key);
	const out = [];
	let last = 0;
	for (const m of text.matchAll(/\{(\w+)\}/g)) {
		if (!(m[1] in parts)) continue;
		out.push(text.slice(last, m.index));
		const v = parts[m[1]];
		out.push(v instanceof Node ? v : String(v));
		last = m.index + m[0].length;
	}
	out.push(text.slice(last));
	return out.filter((x) => x !== '');
}

/* The localized text of an error reply, by code; the server's message if the code is unknown. */
export function errorText(err) {
	const code = err && err.code;
	if (code && has(`error.${code}`)) return t(`error.${code}`);
	if (err && typeof err.message === 'string' && err.message) return err.message;
	return t('error.unknown', { code: code || '?' });
}

let toastTimer = null;
/* Shows a message in #toast for a few seconds (kind: 'error' or 'info'). */
export function toast(text, kind = 'error', ms = 5000) {
	const el = $('#toast');
	if (!el) return;
	el.textContent = text;
	el.dataset.kind = kind;
	el.hidden = false;
	clearTimeout(toastTimer);
	toastTimer = setTimeout(() => {
		el.hidden = true;
	}, ms);
}

let connClient = null;
let connRender = null;
/* The indicator's words for each status of proto.js's client (its colour is the CSS's, by data-status). */
const CONN_TEXT = {
	open: 'conn.online',
	slow: 'conn.slow',
	connecting: 'conn.connecting',
	reconnecting: 'conn.reconnecting',
	offline: 'conn.offline',
	idle: 'conn.idle',
};
/*
 * Keeps the [data-conn] indicator in step with the client's connection status
 * and the page language. A page that replaces its client binds the new one
 * (the indicator then follows only that one).
 */
export function bindConnIndicator(client, el = $('[data-conn]')) {
	if (!el) return () => {};
	const render = () => {
		if (connClient !== client) return;
		const s = client.status;
		el.dataset.status = s;
		el.textContent = t(CONN_TEXT[s] || 'conn.connecting');
	};
	if (!connRender) onChange(() => connRender && connRender());
	connClient = client;
	connRender = render;
	client.on('status', render);
	render();
	return render;
}

/* "A", "B", ... for option i. */
export function letter(i) {
	return i < 26 ? String.fromCharCode(65 + i) : String(i + 1);
}

/* The contest code from ?code= (upper-case, trimmed), or ''. */
export function codeFromUrl() {
	const c = new URLSearchParams(location.search).get('code');
	return c ? c.trim().toUpperCase() : '';
}
