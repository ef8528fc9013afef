/*
 * hostmod.js - the host page's hand on the participants (host.html): the
 * players panel, where the host finds someone by name, employee number or
 * unit and removes them (a bot, someone playing in another's place: a dialog
 * names the person first), releases them (their employee number may join
 * again, from any phone) or renames them (a dialog that says before sending
 * when a name is empty or longer than 64 characters).
 *
 * The list: the console's monitor (GET /api/console/contests/{code}/monitor,
 * docs/api.md "Monitor"), read with the host's credential (the token of the
 * URL fragment as a bearer token, else the console session's cookie), page
 * after page up to MAX_ROWS, only while the panel is open: when it opens,
 * when the number of players changes (at most every REFRESH_MIN_MS) and after
 * each command. Searching filters what was read; at most SHOW_ROWS rows are
 * drawn.
 *
 * The commands (remove, release, rename: docs/protocol.md) go over the host's
 * WebSocket through ctx.send(msg), which resolves with the reply and has
 * already shown a refusal in words; this module says what was done.
 *
 * Who was removed: the monitor does not say, so the page remembers whom it
 * removed (localStorage sa.host.removed.<CODE>, shared by the host pages of
 * this browser, kept until it releases them). A participant removed from
 * another computer shows as present here; a remove sent for them is answered
 * `ok` again by the server.
 */

import { t, onChange } from './i18n.js';
import { $, h, errorText } from './dom.js';
import { store } from './storage.js';

const PER_PAGE = 500;
const MAX_ROWS = 5000;
const SHOW_ROWS = 200;
const REFRESH_MIN_MS = 3000;
const NAME_MAX = 64;

const removedKey = (code) => `sa.host.removed.${code}`;

/* Characters as a person counts them (code points), as the server's 64-character rule does. */
function chars(s) {
	return Array.from(s).length;
}

export class Players {
	/*
	 * ctx: {code(), token(), send(msg) -> Promise<reply>, toast(text, kind)}.
	 * The panel's elements are host.html's (#players-card and the two dialogs).
	 */
	constructor(ctx) {
		this.ctx = ctx;
		this.rows = [];
		this.total = 0;
		this.loaded = false;
		this.loading = null;
		this.error = '';
		this.lastLoad = 0;
		this.timer = null;
		this.players = null; /* the count the list was read at */
		this.target = null;  /* the row a dialog is about */
		this.card = $('#players-card');
		this.list = $('#players-list');
		this.search = $('#players-search');
		this.card.addEventListener('toggle', () => { if (this.card.open) this.refresh(); });
		this.search.addEventListener('input', () => this.render());
		$('#players-refresh').addEventListener('click', () => this.refresh(true));
		this.list.addEventListener('click', (ev) => this.onAction(ev));
		this.setupDialogs();
		onChange(() => this.render());
		/* another host page of this browser removed or released someone */
		window.addEventListener('storage', (ev) => { if (ev.key && ev.key.startsWith('sa.host.removed.')) this.render(); });
	}

	/* ---- who was removed here ---- */

	removed() {
		const m = store.get(removedKey(this.ctx.code()));
		return m && typeof m === 'object' ? m : {};
	}

	markRemoved(row, yes) {
		const m = this.removed();
		if (yes) m[row.participant_id] = { name: row.name, employee_no: row.employee_no || '' };
		else delete m[row.participant_id];
		store.set(removedKey(this.ctx.code()), m);
	}

	/* ---- the list ---- */

	/* The number of players changed (a `stats` push): read the list again, not too often. */
	playersChanged(n) {
		if (n === this.players) return;
		this.players = n;
		if (!this.card.open || !this.loaded) return;
		const wait = Math.max(0, this.lastLoad + REFRESH_MIN_MS - Date.now());
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.refresh(), wait);
	}

	/* Reads the list (unless it is being read; force: also when read a moment ago). */
	refresh(force = false) {
		if (!this.card.open || !this.ctx.code()) return this.loading;
		if (this.loading) return this.loading;
		if (!force && this.loaded && Date.now() - this.lastLoad < REFRESH_MIN_MS) return null;
		clearTimeout(this.timer);
		const at = this.players;
		this.loading = this.load().finally(() => {
			this.loading = null;
			this.lastLoad = Date.now();
			this.render();
			if (this.players !== at) this.timer = setTimeout(() => this.refresh(), REFRESH_MIN_MS); /* joined meanwhile */
		});
		this.render();
		return this.loading;
	}

	async fetchPage(page) {
		const headers = { accept: 'application/json', 'accept-language': document.documentElement.lang || 'zh-CN' };
		const token = this.ctx.token();
		if (token) headers.authorization = `Bearer ${token}`;
		const url = `/api/console/contests/${encodeURIComponent(this.ctx.code())}/monitor?per_page=${PER_PAGE}&page=${page}`;
		const r = await fetch(url, { headers, credentials: 'same-origin', cache: 'no-store' });
		let body = null;
		try {
			body = await r.json();
		} catch (e) { /* not JSON */ }
		if (!r.ok || !body || !body.participants || !Array.isArray(body.participants.rows)) {
			const e = body && body.error ? body.error : { code: `http_${r.status}` };
			throw Object.assign(new Error('monitor'), { reply: e });
		}
		return body.participants;
	}

	async load() {
		try {
			const rows = [];
			let total = 0;
			for (let page = 1; rows.length < MAX_ROWS; page++) {
				const p = await this.fetchPage(page);
				total = typeof p.total === 'number' ? p.total : rows.length + p.rows.length;
				rows.push(...p.rows.filter((r) => r && Number.isInteger(r.participant_id)));
				if (p.rows.length < PER_PAGE || rows.length >= total) break;
			}
			this.rows = rows;
			this.total = total;
			this.loaded = true;
			this.error = '';
		} catch (e) {
			this.error = t('host.players_error', { reason: e.reply ? errorText(e.reply) : t('error.no_reply') });
		}
	}

	matches(row, q) {
		if (!q) return true;
		const hay = [row.name, row.unit, row.employee_no, `#${row.participant_id}`].filter(Boolean).join('\n').toLowerCase();
		return hay.includes(q);
	}

	render() {
		const q = this.search.value.trim().toLowerCase();
		const gone = this.removed();
		const hits = this.rows.filter((r) => this.matches(r, q));
		$('#players-n').textContent = this.loaded ? t('host.players_n', { n: this.total }) : '';
		let status = '';
		if (this.error) status = this.error;
		else if (!this.loaded) status = t('host.players_loading');
		else if (!this.rows.length) status = t('host.players_none');
		else if (!hits.length) status = t('host.players_nomatch', { q: this.search.value.trim() });
		else if (hits.length > SHOW_ROWS) status = t('host.players_more', { shown: SHOW_ROWS, n: hits.length });
		if (!status && this.total > this.rows.length) status = t('host.players_capped', { n: this.rows.length });
		const st = $('#players-status');
		st.textContent = status;
		st.dataset.kind = this.error ? 'error' : '';
		this.list.replaceChildren(...hits.slice(0, SHOW_ROWS).map((r) => this.rowEl(r, !!gone[r.participant_id])));
	}

	rowEl(r, removed) {
		const meta = [
			r.unit ? h('span', { class: 'p-unit', text: r.unit }) : null,
			r.employee_no ? h('span', { class: 'p-emp', text: t('host.emp', { emp: r.employee_no }) }) : null,
		];
		const act = (name, cls) => h('button', { type: 'button', class: `btn small ${cls || ''}`, dataset: { act: name }, text: t(`host.${name}`) });
		return h('li', { class: 'player', dataset: { pid: String(r.participant_id), removed: String(removed) } },
			h('div', { class: 'p-who' },
				h('span', { class: 'p-name', text: r.name ?? '' }),
				removed ? h('span', { class: 'p-tag', text: t('host.removed_tag') }) : null),
			h('div', { class: 'p-meta' }, ...meta),
			h('div', { class: 'p-actions' },
				removed ? null : act('rename'),
				r.employee_no ? act('release', removed ? 'primary' : '') : null,
				removed ? null : act('remove', 'danger-outline')));
	}

	onAction(ev) {
		const b = ev.target.closest('button[data-act]');
		const li = b && b.closest('li[data-pid]');
		const row = li && this.rows.find((r) => String(r.participant_id) === li.dataset.pid);
		if (!row) return;
		if (b.dataset.act === 'remove') this.askRemove(row);
		else if (b.dataset.act === 'rename') this.askRename(row);
		else if (b.dataset.act === 'release') this.release(row, b);
	}

	/* "张三（一车间 · 工号 A1024）": the person as the dialogs name them. */
	who(row) {
		const details = [row.unit, row.employee_no ? t('host.emp', { emp: row.employee_no }) : ''].filter(Boolean).join(' · ');
		return details ? t('host.who', { name: row.name ?? '', details }) : row.name ?? '';
	}

	/* ---- commands ---- */

	async remove(row) {
		const wasRemoved = !!this.removed()[row.participant_id];
		const reply = await this.ctx.send({ type: 'remove', participant_id: row.participant_id });
		if (reply.type === 'error' && reply.code === 'conflict') { /* removed already (another host): show it so */
			this.markRemoved(row, true);
			this.render();
			return false;
		}
		if (reply.type !== 'ok') return false;
		this.markRemoved(row, true);
		this.ctx.toast(t(wasRemoved ? 'host.done_remove_again' : 'host.done_remove', { name: reply.name || row.name }), 'info');
		this.render();
		this.refresh(true);
		return true;
	}

	async release(row, button) {
		button.disabled = true;
		const reply = await this.ctx.send({ type: 'release', participant_id: row.participant_id });
		button.disabled = false;
		if (reply.type !== 'ok') return;
		this.markRemoved(row, false);
		this.ctx.toast(t('host.done_release', { name: reply.name || row.name, emp: reply.employee_no || row.employee_no }), 'info');
		this.render();
	}

	async rename(row, name) {
		const reply = await this.ctx.send({ type: 'rename', participant_id: row.participant_id, name }, { quiet: true });
		if (reply.type !== 'ok') return reply;
		row.name = reply.name || name;
		this.ctx.toast(t('host.done_rename', { name: row.name }), 'info');
		this.render();
		this.refresh(true);
		return reply;
	}

	/* ---- dialogs ---- */

	setupDialogs() {
		for (const d of [$('#dlg-remove'), $('#dlg-rename')]) {
			for (const b of d.querySelectorAll('[data-close]')) b.addEventListener('click', () => d.close());
			d.addEventListener('close', () => { this.target = null; });
		}
		$('#dlg-remove form').addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const row = this.target;
			if (!row) return;
			const ok = $('#dlg-remove-ok');
			ok.disabled = true;
			const done = await this.remove(row);
			ok.disabled = false;
			if (done) $('#dlg-remove').close();
		});
		const input = $('#dlg-rename input[name=name]');
		input.addEventListener('input', () => this.renameCheck(false));
		$('#dlg-rename form').addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const row = this.target;
			const name = this.renameCheck(true);
			if (!row || name === null) return;
			const ok = $('#dlg-rename-ok');
			ok.disabled = true;
			const reply = await this.rename(row, name);
			ok.disabled = false;
			if (reply.type === 'ok') $('#dlg-rename').close();
			else this.renameError(this.ctx.errorText('rename', reply));
		});
	}

	askRemove(row) {
		this.target = row;
		$('#dlg-remove-text').textContent = t('host.remove_text', { who: this.who(row) });
		$('#dlg-remove-ok').disabled = false;
		$('#dlg-remove').showModal();
	}

	askRename(row) {
		this.target = row;
		const input = $('#dlg-rename input[name=name]');
		$('#dlg-rename-text').textContent = t('host.rename_text', { who: this.who(row) });
		input.value = row.name ?? '';
		this.renameError('');
		this.renameCheck(false);
		$('#dlg-rename-ok').disabled = false;
		$('#dlg-rename').showModal();
		input.select();
	}

	renameError(text) {
		const e = $('#dlg-rename-error');
		e.hidden = !text;
		e.textContent = text || '';
	}

	/* The typed name, trimmed, or null with the reason shown (at submit; while typing only the length). */
	renameCheck(submit) {
		const input = $('#dlg-rename input[name=name]');
		const name = input.value.trim();
		const n = chars(name);
		const count = $('#dlg-rename-count');
		count.textContent = t('host.rename_count', { n, max: NAME_MAX });
		count.dataset.over = String(n > NAME_MAX);
		let problem = '';
		if (n > NAME_MAX) problem = t('host.rename_err_long', { n, max: NAME_MAX });
		else if (submit && !n) problem = t('host.rename_err_empty');
		else if (submit && this.target && name === this.target.name) problem = t('host.rename_err_same');
		input.setAttribute('aria-invalid', String(!!problem));
		if (problem || submit) this.renameError(problem);
		else if (!$('#dlg-rename-error').hidden && n <= NAME_MAX) this.renameError('');
		return problem ? null : name;
	}
}
