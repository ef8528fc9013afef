/*
 * console/ui.js - what the console's views share: the view container, error
 * text from the server's JSON messages, labelled fields, tables, a pager,
 * file pickers that upload as a job and poll it (GET /api/jobs/{id}) with a
 * progress bar, dates, and the status badge of a contest.
 *
 * Everything is built with dom.js's h() (text through textContent, styles
 * only through custom properties): the CSP allows no inline script or style.
 */

import { t, currentLang } from '../i18n.js';
import { h, toast } from '../dom.js';
import { api, upload } from '../session.js';

/* The text of a failed request: the server's message (in the page language), or why there was none. */
export function errText(e) {
	if (!e) return '';
	if (e.status === 0) return t('console.err_network');
	return e.message || t('error.unknown', { code: e.code || e.status });
}

/* Shows an error in el (a .form-error) or, without one, in the toast. */
export function showError(el, e) {
	const text = typeof e === 'string' ? e : errText(e);
	if (el) {
		el.textContent = text;
		el.hidden = !text;
	} else if (text) toast(text);
}

export function errorBox() {
	return h('p', { class: 'form-error', attrs: { role: 'alert' }, hidden: true });
}

/* A date-time in the page language, or a dash. */
export function when(iso) {
	if (!iso) return '—';
	const d = new Date(iso);
	return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(currentLang(), { hour12: false });
}

/* <label><span>text</span>input<small class=problem></small></label>; field.dataset.path names its JSON path. */
export function field(labelKey, input, opts = {}) {
	const l = h('label', { class: `fld${opts.wide ? ' wide' : ''}`, dataset: opts.path ? { path: opts.path } : undefined },
		h('span', { text: t(labelKey) }), input);
	if (opts.help) l.append(h('small', { class: 'muted help', text: t(opts.help) }));
	l.append(h('small', { class: 'problem', attrs: { role: 'alert' }, hidden: true }));
	return l;
}

export function input(name, value, attrs = {}) {
	return h('input', { name, value: value ?? '', class: 'field', attrs: { autocomplete: 'off', ...attrs } });
}

export function select(name, options, value, onchange) {
	return h('select', { name, class: 'field', onchange },
		options.map(([v, key]) => h('option', { value: v, text: key.startsWith('=') ? key.slice(1) : t(key), selected: String(v) === String(value ?? '') })));
}

export function checkbox(name, checked, labelKey) {
	return h('label', { class: 'check' }, h('input', { type: 'checkbox', name, checked: !!checked }), h('span', { text: t(labelKey) }));
}

export function button(key, onclick, kind = '', attrs = {}) {
	return h('button', { type: 'button', class: `btn ${kind}`, text: t(key), onclick, attrs });
}

export function link(key, href, attrs = {}) {
	return h('a', { class: 'btn link', href, text: t(key), attrs });
}

/* A table: heads (keys) and rows of cells (nodes or text); empty: a line that says so. */
export function table(heads, rows, opts = {}) {
	const tb = h('table', { class: 'list', id: opts.id },
		h('thead', {}, h('tr', {}, heads.map((k) => h('th', { text: k ? t(k) : '' })))),
		h('tbody', {}, rows));
	const wrap = h('div', { class: 'scroll' }, tb);
	if (!rows.length) wrap.append(h('p', { class: 'muted empty', text: t(opts.empty || 'console.empty') }));
	return wrap;
}

export function td(x, cls) {
	return h('td', { class: cls }, x instanceof Node || Array.isArray(x) ? x : String(x ?? ''));
}

/* "1–50 / 120" with previous and next; go(page) reloads. */
export function pager(total, page, perPage, go) {
	const pages = Math.max(1, Math.ceil(total / perPage));
	return h('div', { class: 'pager' },
		h('button', { type: 'button', class: 'btn', text: t('console.prev'), disabled: page <= 1, onclick: () => go(page - 1) }),
		h('span', { class: 'muted', text: t('console.page_of', { page, pages, total }) }),
		h('button', { type: 'button', class: 'btn', text: t('console.next'), disabled: page >= pages, onclick: () => go(page + 1) }));
}

/* The status badge of a contest. */
export function statusBadge(status) {
	return h('span', { class: 'badge', dataset: { status }, text: t(`status.${status}`) });
}

/* A card with a title (key) and children. */
export function card(titleKey, ...children) {
	return h('section', { class: 'card' }, titleKey ? h('h2', { text: t(titleKey) }) : null, ...children);
}

/* A progress bar whose fill follows --frac (0..1). */
export function progressBar() {
	const bar = h('div', { class: 'progress-bar', attrs: { role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' } }, h('span'));
	bar.set = (p) => {
		bar.style.setProperty('--frac', String(Math.max(0, Math.min(1, p || 0))));
		bar.setAttribute('aria-valuenow', String(Math.round((p || 0) * 100)));
	};
	bar.set(0);
	return bar;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* Polls a job until it is done or failed; onProgress(job) on the way. Resolves to the job. */
export async function pollJob(id, onProgress) {
	for (let wait = 150; ; wait = Math.min(wait * 1.5, 1000)) {
		const j = await api('GET', `/api/jobs/${id}`);
		if (onProgress) onProgress(j);
		if (j.status === 'done' || j.status === 'failed') return j;
		await sleep(wait);
	}
}

/*
 * An import form: a file picker, extra fields, a button; uploads to
 * url(file, form) as a job, shows its progress, then report(job) renders
 * the outcome into the result area. Resolves nothing: onDone(job) after.
 */
export function importForm({ accept, extra = [], url, report, onDone, submitKey = 'console.import' }) {
	const file = h('input', { type: 'file', name: 'file', class: 'field', attrs: { accept } });
	const err = errorBox();
	const bar = progressBar();
	bar.hidden = true;
	const out = h('div', { class: 'import-report' });
	const go = h('button', { type: 'submit', class: 'btn primary', text: t(submitKey) });
	const form = h('form', { class: 'form inline import', attrs: { novalidate: '' } },
		field('console.file', file), ...extra, go, err);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		showError(err, '');
		const f = file.files && file.files[0];
		if (!f) return showError(err, t('console.err_no_file'));
		go.disabled = true;
		bar.hidden = false;
		bar.set(0);
		out.replaceChildren();
		try {
			const r = await upload('POST', url(f, form), f);
			const job = r.job || r;
			const done = await pollJob(job.id, (j) => bar.set(j.progress));
			bar.set(1);
			out.replaceChildren(report(done));
			if (onDone) await onDone(done);
		} catch (e) {
			showError(err, e);
		} finally {
			go.disabled = false;
		}
	});
	return h('div', {}, form, bar, out);
}

/* The file name of a Content-Disposition header (RFC 5987 filename* first). */
function dispositionName(cd, fallback) {
	const star = /filename\*=UTF-8''([^;]+)/i.exec(cd || '');
	if (star) {
		try {
			return decodeURIComponent(star[1]);
		} catch (e) { /* the plain one */ }
	}
	const plain = /filename="([^"]+)"/i.exec(cd || '');
	return plain ? plain[1] : fallback;
}

/*
 * A download in the page language: a plain link would send the browser's
 * Accept-Language, so the file (its headers, its name) could come in the
 * other language. The file is fetched with the page's, then saved.
 */
export function downloadButton(key, url, attrs = {}) {
	const a = h('a', { class: `btn ${attrs.primary ? 'primary' : 'link'}`, id: attrs.id, href: url, text: t(key), attrs: { download: '' } });
	a.addEventListener('click', async (ev) => {
		ev.preventDefault();
		try {
			const r = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept-Language': currentLang() } });
			if (!r.ok) {
				let msg = `HTTP ${r.status}`;
				try {
					const j = await r.json();
					msg = (j.error && j.error.message) || msg;
				} catch (e) { /* not JSON */ }
				return toast(msg);
			}
			const blob = await r.blob();
			const href = URL.createObjectURL(blob);
			const save = h('a', { href, attrs: { download: dispositionName(r.headers.get('Content-Disposition'), url.replace(/^.*\//, '').replace(/\?.*$/, '')) } });
			document.body.append(save);
			save.click();
			save.remove();
			setTimeout(() => URL.revokeObjectURL(href), 60000);
		} catch (e) {
			toast(t('console.err_network'));
		}
	});
	return a;
}
