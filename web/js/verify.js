/*
 * verify.js - the certificate verification page (verify.html), the target of
 * a certificate's QR code (/verify/ID) and a place anyone can check one:
 *
 *   an id (the path's last segment, ?id=, or typed)   GET /api/certificates/ID
 *   a PDF dropped or chosen                          its JWS read here from the
 *        PDF's metadata (/Keywords, as the server wrote it), then POST
 *        /api/certificates/verify; the file never leaves the phone
 *
 * The verdict (valid, revoked, invalid, unknown) and the signed data are
 * shown as text (textContent only); links download the PDF and the Open
 * Badges 3.0 credential. URLs are relative to the site root one level up, so
 * that the page works as /verify.html, /verify/ID and behind a path prefix.
 */

import * as i18n from './i18n.js';
import { t } from './i18n.js';
import { $, h } from './dom.js';

const ID = /^[A-Za-z0-9_-]{22}$/;
const api = (p) => new URL(`../api/${p}`, location.href);
let last = null; /* the last verdict, re-rendered when the language changes */

function idFromUrl() {
	const q = new URLSearchParams(location.search).get('id');
	if (q) return q;
	const m = location.pathname.match(/\/verify\/([^/]+)$/);
	return m ? decodeURIComponent(m[1]) : '';
}

const FIELDS = [
	['name', 'verify.f_name'], ['award', 'verify.f_award'], ['contest_title', 'verify.f_contest'],
	['unit', 'verify.f_unit'], ['employee_no', 'verify.f_employee_no'], ['score', 'verify.f_score'],
	['rank', 'verify.f_rank'], ['issuer', 'verify.f_issuer'], ['issued_at', 'verify.f_issued_at'],
	['id', 'verify.f_id'],
];

function value(c, k) {
	if (k === 'issued_at') return new Date(c.issued_at).toLocaleDateString(i18n.currentLang());
	if (k === 'score') return i18n.num(c.score);
	return String(c[k]);
}

function render(v) {
	last = v;
	const box = $('#verdict');
	box.hidden = false;
	box.className = `card verdict ${v.verdict}`;
	$('#verdict-badge').textContent = t(`verify.v_${v.verdict}`);
	const notes = [];
	if (v.verdict === 'revoked') notes.push(t('verify.revoked_note', { reason: v.revoke_reason || '' }));
	if (v.verdict === 'invalid') notes.push(t('verify.invalid_note', { why: v.message || v.reason || '' }));
	if (v.verdict === 'unknown') notes.push(t('verify.unknown_note'));
	$('#verdict-note').textContent = notes.join(' ');
	const dl = $('#verdict-data');
	dl.replaceChildren();
	const c = v.certificate;
	for (const [k, key] of c ? FIELDS : []) {
		if (c[k] === undefined || c[k] === null || c[k] === '') continue;
		dl.append(h('dt', { text: t(key) }), h('dd', { text: value(c, k), dataset: { field: k } }));
	}
	const links = $('#verdict-links');
	links.replaceChildren();
	if (c && v.verdict !== 'unknown' && ID.test(c.id)) {
		links.append(h('a', { class: 'btn primary', href: api(`certificates/${c.id}.pdf`).href, text: t('verify.pdf') }),
			h('a', { class: 'btn', href: api(`certificates/${c.id}/ob3`).href, text: t('verify.ob3') }));
	}
}

async function ask(url, init) {
	try {
		const r = await fetch(url, { ...init, headers: { 'accept-language': i18n.currentLang(), ...(init?.headers || {}) } });
		const j = await r.json().catch(() => null);
		if (j && j.verdict) return render(j);
		render({ verdict: 'unknown' });
	} catch (e) {
		render({ verdict: 'unknown', message: t('verify.network') });
	}
}

function checkId(id) {
	if (!ID.test(id)) return render({ verdict: 'unknown' });
	return ask(api(`certificates/${encodeURIComponent(id)}`));
}

/* The literal or hex string after /Keywords in a PDF's bytes (as certs_pdf_extract_jws reads it). */
export function jwsOfPdf(bytes) {
	const s = new TextDecoder('latin1').decode(bytes);
	const at = s.lastIndexOf('/Keywords');
	if (at < 0) return null;
	let i = at + 9;
	while (/\s/.test(s[i])) i++;
	let raw = '';
	if (s[i] === '(') {
		for (i++; i < s.length && s[i] !== ')'; i++) raw += s[i] === '\\' ? s[++i] : s[i];
	} else if (s[i] === '<') {
		const hex = s.slice(i + 1, s.indexOf('>', i)).replace(/\s/g, '');
		for (let k = 0; k + 1 < hex.length; k += 2) raw += String.fromCharCode(parseInt(hex.slice(k, k + 2), 16));
	}
	if (raw.startsWith('\xfe\xff')) {
		let u = '';
		for (let k = 2; k + 1 < raw.length; k += 2) u += String.fromCharCode((raw.charCodeAt(k) << 8) | raw.charCodeAt(k + 1));
		raw = u;
	}
	return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(raw) ? raw : null;
}

async function checkFile(file) {
	if (!file) return;
	const bytes = new Uint8Array(await file.arrayBuffer());
	const text = new TextDecoder().decode(bytes.slice(0, 5));
	const jws = text === '%PDF-' ? jwsOfPdf(bytes) : new TextDecoder().decode(bytes).trim();
	if (!jws) return render({ verdict: 'invalid', message: t('verify.no_jws') });
	return ask(api('certificates/verify'), { method: 'POST', body: JSON.stringify({ jws }), headers: { 'content-type': 'application/json' } });
}

async function main() {
	await i18n.init();
	i18n.onChange(() => last && render(last));
	$('#id-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		checkId($('#cert-id').value.trim());
	});
	$('#pdf-file').addEventListener('change', (ev) => checkFile(ev.target.files[0]));
	const drop = $('#drop');
	drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
	drop.addEventListener('dragleave', () => drop.classList.remove('over'));
	drop.addEventListener('drop', (ev) => {
		ev.preventDefault();
		drop.classList.remove('over');
		checkFile(ev.dataTransfer.files[0]);
	});
	const id = idFromUrl();
	if (id) {
		$('#cert-id').value = id;
		await checkId(id);
	}
	document.body.dataset.ready = '1';
}

main();
