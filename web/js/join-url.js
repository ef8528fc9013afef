/*
 * join-url.js - where players join a contest, for the host and screen pages.
 *
 * The server knows the address phones can reach (the page may be open on
 * 127.0.0.1 on the hall PC): GET /api/contests/{code} may carry `join_url`,
 * and /api/contests/{code}/qr.svg is its QR code. Without `join_url` the
 * address is this page's origin + /player.html?code=CODE.
 *
 * A join address on localhost or 127.* points each phone at itself: the
 * host and screen pages then warn the organizer (localWarning), since the QR
 * code would lead nowhere.
 */

import { h, tNodes } from './dom.js';

export function localJoinUrl(code) {
	return `${location.origin}/player.html?code=${encodeURIComponent(code)}`;
}

export function qrUrl(code) {
	return `/api/contests/${encodeURIComponent(code)}/qr.svg`;
}

/* The contest's public info ({} when unavailable) and its join URL. */
export async function contestInfo(code) {
	let info = {};
	try {
		const r = await fetch(`/api/contests/${encodeURIComponent(code)}`, { headers: { accept: 'application/json' } });
		if (r.ok) info = await r.json();
	} catch (e) { /* offline: the local URL still helps */ }
	const joinUrl = info && typeof info.join_url === 'string' && /^https?:\/\//.test(info.join_url) ? info.join_url : localJoinUrl(code);
	return { info, joinUrl };
}

/* Shows the join URL as text (without the scheme, easier to type) and link. */
export function showJoinUrl(a, url) {
	a.href = url;
	a.textContent = url.replace(/^https?:\/\//, '');
}

/* Whether url names this computer only (localhost, 127.0.0.0/8, ::1, 0.0.0.0): no phone can open it. */
export function isLocalUrl(url) {
	let host;
	try {
		host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
	} catch (e) {
		return false;
	}
	return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '0.0.0.0';
}

/* The address to type on a phone: the join URL's host and port (the landing page asks for the code). */
export function shortUrl(url) {
	try {
		return new URL(url).host;
	} catch (e) {
		return url.replace(/^https?:\/\//, '');
	}
}

/* Shows the localhost warning in el when url is a local address, hides it otherwise. */
export function localWarning(el, url) {
	const local = isLocalUrl(url);
	el.hidden = !local;
	el.replaceChildren(...(local ? tNodes('join.local_warning', { host: h('b', { text: shortUrl(url) }), flag: h('code', { text: '--public-url' }) }) : []));
	return local;
}
