/*
 * join-url.js - where players join a contest, for the host and screen pages.
 *
 * The server knows the address phones can reach (the page may be open on
 * 127.0.0.1 on the hall PC): GET /api/contests/{code} may carry `join_url`,
 * and /api/contests/{code}/qr.svg is its QR code. Without `join_url` the
 * address is this page's origin + /player.html?code=CODE.
 */

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
