/*
 * session.js - the console pages' HTTP client (login.html, account.html and
 * the console): JSON requests to /api/... with the session cookie (the
 * browser sends it: HttpOnly, so no script ever reads it), the CSRF token on
 * every state-changing request (from the login, or GET /api/me after a
 * reload), and the page language as Accept-Language, so that the server's
 * error messages come in it. An ended session (401) sends the page to the
 * login, which comes back here afterwards (?next=).
 */

import { currentLang } from './i18n.js';

let csrf = null;

/* An API error: status, code ("invalid_field"), field (what is wrong), message, retryAfter (s). */
export class ApiError extends Error {
	constructor(status, error, retryAfter) {
		super((error && error.message) || `HTTP ${status}`);
		this.status = status;
		this.code = error && error.code;
		this.field = error && error.field;
		this.retryAfter = retryAfter ? Number(retryAfter) : 0;
		this.problems = (error && Array.isArray(error.problems)) ? error.problems : null;
	}
}

/* Only a page of this site, by name ("account.html?x=1"); anything else: the account page. */
export function safeNext(next) {
	return typeof next === 'string' && /^[A-Za-z0-9_-]+\.html(\?[^#\s]*)?$/.test(next) ? next : 'account.html';
}

/* To the login page, which comes back to this page. */
export function toLogin() {
	const here = location.pathname.replace(/^.*\//, '') + location.search;
	location.replace(`login.html?next=${encodeURIComponent(safeNext(here))}`);
}

export function setCsrf(token) {
	csrf = token || null;
}

/*
 * api('POST', '/api/accounts', body) -> the JSON answer; throws ApiError.
 * opts.login === false: a 401 is thrown, not sent to the login page.
 */
export async function api(method, path, body, opts = {}) {
	const headers = { 'Accept-Language': currentLang() };
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
	let r;
	try {
		r = await fetch(path, {
			method, headers, credentials: 'same-origin', cache: 'no-store',
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	} catch (e) {
		throw new ApiError(0, { code: 'network', message: '' });
	}
	let data = null;
	try {
		data = await r.json();
	} catch (e) { /* no JSON body */ }
	if (r.status === 401 && opts.login !== false) toLogin();
	if (!r.ok) throw new ApiError(r.status, data && data.error, r.headers.get('Retry-After'));
	return data;
}

/*
 * upload('POST', '/api/banks/x/import?format=xlsx', file) -> the JSON answer:
 * the body is the file's bytes as they are (imports), with the CSRF token.
 */
export async function upload(method, path, file) {
	const headers = { 'Accept-Language': currentLang(), 'Content-Type': 'application/octet-stream' };
	if (csrf) headers['X-CSRF-Token'] = csrf;
	let r;
	try {
		r = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store', body: file });
	} catch (e) {
		throw new ApiError(0, { code: 'network', message: '' });
	}
	let data = null;
	try {
		data = await r.json();
	} catch (e) { /* no JSON body */ }
	if (r.status === 401) toLogin();
	if (!r.ok) throw new ApiError(r.status, data && data.error, r.headers.get('Retry-After'));
	return data;
}

/* Who is logged in: GET /api/me (keeps its CSRF token). */
export async function me(opts) {
	const m = await api('GET', '/api/me', undefined, opts);
	if (m.csrf) setCsrf(m.csrf);
	return m;
}
