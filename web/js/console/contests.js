/*
 * console/contests.js - the contest list (#contests: one's own and granted,
 * filtered by status, mode and text, in pages) and the contest page
 * (#contest/CODE, #new): the form over the contest definition (title zh/en,
 * mode, code, questions drawn from console banks by category and type ratio,
 * scoring, feedback, the window of exam and mass contests), saved as a draft
 * whatever its problems; each problem the server reports is shown beside the
 * field of its JSON path (the others above the form). Fields the form does
 * not know are kept as they are. Publish, copy, archive, delete (confirmed),
 * and the contest's other cards (contest-extra.js).
 */

import { t, pick } from '../i18n.js';
import { h, toast } from '../dom.js';
import { api } from '../session.js';
import { errText, showError, errorBox, when, field, input, select, checkbox, button, link, table, td, pager, statusBadge, card } from './ui.js';
import { extraCards } from './contest-extra.js';

const STATUSES = ['draft', 'scheduled', 'live', 'finished', 'archived'];
const MODES = ['live', 'exam', 'practice', 'mass'];
const TYPES = ['single_choice', 'multiple_choice', 'true_false', 'fill_in', 'numeric', 'ordering', 'matching'];
const PER_PAGE = 20;

/* ------------------------------------------------------------ the list */

export async function listView(root, ctx, query) {
	const q = new URLSearchParams(query);
	const page = Number(q.get('page')) || 1;
	const status = q.get('status') || '';
	const mode = q.get('mode') || '';
	const text = q.get('q') || '';
	const mine = q.get('mine') === '1';
	const go = (over) => {
		const n = new URLSearchParams({ status, mode, q: text, mine: mine ? '1' : '', page: '1', ...over });
		for (const [k, v] of [...n]) if (!v) n.delete(k);
		location.hash = `#contests?${n}`;
	};
	const filters = h('form', { class: 'filters', attrs: { novalidate: '' } },
		field('console.status', select('status', [['', 'console.all'], ...STATUSES.map((s) => [s, `status.${s}`])], status)),
		field('console.mode', select('mode', [['', 'console.all'], ...MODES.map((m) => [m, `mode.${m}`])], mode)),
		field('console.search', input('q', text, { type: 'search', placeholder: t('console.search_contest_ph') })),
		h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'mine', checked: mine }), h('span', { text: t('console.only_mine') })),
		h('button', { type: 'submit', class: 'btn', text: t('console.filter') }));
	filters.addEventListener('submit', (ev) => {
		ev.preventDefault();
		go({ status: filters.status.value, mode: filters.mode.value, q: filters.q.value.trim(), mine: filters.mine.checked ? '1' : '' });
	});
	filters.status.addEventListener('change', () => filters.requestSubmit());
	filters.mode.addEventListener('change', () => filters.requestSubmit());
	filters.mine.addEventListener('change', () => filters.requestSubmit());
	const head = h('div', { class: 'view-head' }, h('h1', { text: t('console.contests') }),
		ctx.canCreate ? h('a', { class: 'btn primary', href: '#new', id: 'new-contest', text: t('console.new_contest') }) : null);
	root.replaceChildren(head, card(null, filters, h('div', { id: 'contest-list' }, h('p', { class: 'muted', text: t('console.loading') }))));
	const params = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE) });
	if (status) params.set('status', status);
	if (mode) params.set('mode', mode);
	if (text) params.set('q', text);
	if (mine && ctx.account) params.set('owner', String(ctx.account.id));
	let r;
	try {
		r = await api('GET', `/api/console/contests?${params}`);
	} catch (e) {
		return root.querySelector('#contest-list').replaceChildren(h('p', { class: 'form-error', text: errText(e) }));
	}
	const rows = r.contests.map((c) => h('tr', { dataset: { code: c.code } },
		td(h('a', { href: `#contest/${c.code}`, class: 'title-link', text: pick(c.title) || t('console.untitled') }), 'title-cell'),
		td(h('code', { text: c.code })),
		td(statusBadge(c.status)),
		td(c.mode ? t(`mode.${c.mode}`) : '—'),
		td(String(c.players)),
		td(c.owner ? (c.owner.display_name || c.owner.username) : '—'),
		td(t(`myrole.${c.my_role}`)),
		td(when(c.updated_at))));
	root.querySelector('#contest-list').replaceChildren(
		table(['console.title', 'console.code', 'console.status', 'console.mode', 'console.players', 'console.owner', 'console.my_role', 'console.updated'], rows, { id: 'contests', empty: 'console.no_contests' }),
		pager(r.total, r.page, r.per_page, (p) => go({ page: String(p) })));
}

/* ------------------------------------------------------------ the form */

const get = (o, path) => path.reduce((x, k) => (x && typeof x === 'object' ? x[k] : undefined), o);

/* The banks (console) an organizer may draw from: [{code, title, categories, types}]. */
async function allBanks() {
	const out = [];
	for (let page = 1; page < 50; page++) {
		const r = await api('GET', `/api/banks?per_page=200&page=${page}`);
		out.push(...r.banks);
		if (out.length >= r.total || !r.banks.length) break;
	}
	return out;
}

/* An ISO date-time as datetime-local's value (its offset dropped, China time meant) and back. */
const toLocal = (iso) => {
	if (typeof iso !== 'string') return '';
	if (/^\d{4}-\d\d-\d\d$/.test(iso)) return `${iso}T00:00`;
	return iso.replace(/(:\d\d)(\.\d+)?([+-]\d\d:\d\d|Z)?$/, '$1').slice(0, 16);
};
const fromLocal = (v) => (v ? `${v}:00+08:00` : undefined);
/* A time field's value: the definition's own text while the field shows it unchanged. */
const timeOf = (orig, v) => (v && v === toLocal(orig) ? orig : fromLocal(v));

/*
 * The form of a definition. Returns {el, read(), problems(list)}: read() is
 * the definition (a copy of def with the form's fields set), problems() puts
 * each problem beside its field.
 */
function contestForm(def, banks, { isNew, editable }) {
	const d = JSON.parse(JSON.stringify(def || {}));
	const title = typeof d.title === 'string' ? { 'zh-CN': d.title } : (d.title || {});
	const usedBanks = d.banks && typeof d.banks === 'object' ? Object.values(d.banks) : [];
	const paper = d.paper && typeof d.paper === 'object' ? d.paper : {};
	const from = paper.from || {};
	const ratio = paper.ratio || {};
	const sc = d.scoring || {};
	const win = d.window || {};
	const att = d.attempts || {};
	const rulesPaper = Array.isArray(paper.rules) || Array.isArray(d.stages) || Array.isArray(d.questions);

	const bankBoxes = h('div', { class: 'bank-picks' }, banks.length ? banks.map((b) => h('label', { class: 'check' },
		h('input', { type: 'checkbox', name: 'bank', value: b.code, checked: usedBanks.includes(b.code) }),
		h('span', { text: `${pick(b.title)} (${b.code}, ${t('console.n_questions', { n: b.questions })})` })))
		: h('p', { class: 'muted', text: t('console.no_banks_yet') }));
	const categories = [...new Map(banks.flatMap((b) => (b.categories || []).map((c) => [c.id, pick(c.title) || c.id]))).entries()];
	const ratioInputs = TYPES.map((ty) => h('label', { class: 'ratio' }, h('span', { text: t(`qtype.${ty}`) }),
		h('input', { type: 'number', min: '0', max: '1000', name: `ratio_${ty}`, class: 'field', value: ratio[ty] ?? '' })));
	const f = h('form', { class: 'contest-form', id: 'contest-form', attrs: { novalidate: '' } },
		h('div', { class: 'problems-all', id: 'problems-all', hidden: true }),
		h('fieldset', {}, h('legend', { text: t('console.basics') }),
			h('div', { class: 'grid2' },
				field('console.title_zh', input('title_zh', title['zh-CN'], { maxlength: '200', required: '' }), { path: '$.title', wide: true }),
				field('console.title_en', input('title_en', title.en, { maxlength: '200' }), { path: '$.title.en', wide: true }),
				field('console.code', input('code', d.code, { maxlength: '16', autocapitalize: 'characters', spellcheck: 'false', placeholder: t('console.code_ph'), ...(isNew ? {} : { readonly: '' }) }), { path: '$.code', help: isNew ? 'console.code_help' : null }),
				field('console.mode', select('mode', MODES.map((m) => [m, `mode.${m}`]), d.mode || 'live'), { path: '$.mode' }),
				field('console.time_limit', input('time_limit_s', d.time_limit_s, { type: 'number', min: '1', max: '3600' }), { path: '$.time_limit_s' }),
				field('console.starts_at', input('starts_at', toLocal(d.starts_at), { type: 'datetime-local' }), { path: '$.starts_at' }))),
		h('fieldset', { class: 'when-window' }, h('legend', { text: t('console.window') }),
			h('div', { class: 'grid3' },
				field('console.opens_at', input('opens_at', toLocal(win.opens_at), { type: 'datetime-local' }), { path: '$.window.opens_at' }),
				field('console.closes_at', input('closes_at', toLocal(win.closes_at), { type: 'datetime-local' }), { path: '$.window.closes_at' }),
				field('console.duration_min', input('duration_min', win.duration_min, { type: 'number', min: '1', max: '1440' }), { path: '$.window.duration_min' })),
			h('div', { class: 'problem-slot', dataset: { path: '$.window' } }, h('small', { class: 'problem', hidden: true }))),
		h('fieldset', {}, h('legend', { text: t('console.questions') }),
			rulesPaper ? h('p', { class: 'note', text: t('console.rules_kept') }) : null,
			h('div', { class: 'fld', dataset: { path: '$.banks' } }, h('span', { class: 'lbl', text: t('console.banks') }), bankBoxes,
				h('small', { class: 'problem', hidden: true })),
			h('div', { class: 'grid2' },
				field('console.category', select('category', [['', 'console.any_category'], ...categories.map(([id, tt]) => [id, `=${tt}`])], from.category), { path: '$.paper.from' }),
				field('console.total', input('total', paper.total, { type: 'number', min: '1', max: '1000' }), { path: '$.paper.total' })),
			h('div', { class: 'fld', dataset: { path: '$.paper' } }, h('span', { class: 'lbl', text: t('console.ratio') }),
				h('div', { class: 'ratios' }, ratioInputs), h('small', { class: 'muted help', text: t('console.ratio_help') }),
				h('small', { class: 'problem', hidden: true })),
			checkbox('shuffle_options', paper.shuffle_options, 'console.shuffle_options')),
		h('fieldset', {}, h('legend', { text: t('console.scoring') }),
			h('div', { class: 'grid3' },
				field('console.points', input('points', sc.points, { type: 'number', min: '0', step: 'any' }), { path: '$.scoring.points' }),
				field('console.streak_bonus', input('streak_bonus', sc.streak_bonus, { type: 'number', min: '0', step: 'any' }), { path: '$.scoring.streak_bonus' }),
				field('console.pass_mark', input('pass_mark', d.pass_mark, { type: 'number', min: '0', max: '100' }), { path: '$.pass_mark' })),
			h('div', { class: 'checks', dataset: { path: '$.scoring' } },
				checkbox('time_factor', sc.time_factor, 'console.time_factor'),
				checkbox('negative_marking', sc.negative_marking, 'console.negative_marking'),
				h('small', { class: 'problem', hidden: true }))),
		h('fieldset', { class: 'when-attempts' }, h('legend', { text: t('console.feedback') }),
			h('div', { class: 'grid3' },
				field('console.show_results', select('show_results', [['', 'console.default'], ['submit', 'feedback.submit'], ['window', 'feedback.window'], ['never', 'feedback.never']], att.show_results), { path: '$.attempts.show_results' }),
				field('console.attempts_max', input('attempts_max', att.max, { type: 'number', min: '0', max: '100' }), { path: '$.attempts.max' }),
				field('console.per_day', input('per_day', att.per_day, { type: 'number', min: '0', max: '100' }), { path: '$.attempts.per_day' })),
			h('div', { class: 'checks', dataset: { path: '$.attempts' } },
				checkbox('show_key', att.show_key ?? true, 'console.show_key'),
				checkbox('show_score', att.show_score, 'console.show_score'),
				h('small', { class: 'problem', hidden: true }))));

	const syncMode = () => {
		const m = f.mode.value;
		f.querySelector('.when-window').hidden = m === 'live';
		f.querySelector('.when-attempts').hidden = m !== 'exam' && m !== 'mass';
	};
	f.mode.addEventListener('change', syncMode);
	syncMode();
	if (!editable) for (const el of f.querySelectorAll('input, select')) el.disabled = true;

	const num = (v) => (v === '' || v === undefined ? undefined : Number(v));
	const setOrDrop = (o, k, v) => {
		if (v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v))) delete o[k];
		else o[k] = v;
	};
	function read() {
		const out = JSON.parse(JSON.stringify(d));
		const tz = f.title_zh.value.trim(), te = f.title_en.value.trim();
		if (tz || te) {
			out.title = {};
			if (tz) out.title['zh-CN'] = tz;
			if (te) out.title.en = te;
		} else delete out.title;
		const code = f.code.value.trim().toUpperCase();
		if (code) out.code = code;
		else delete out.code;
		out.mode = f.mode.value;
		setOrDrop(out, 'time_limit_s', num(f.time_limit_s.value));
		setOrDrop(out, 'starts_at', timeOf(d.starts_at, f.starts_at.value));
		setOrDrop(out, 'pass_mark', num(f.pass_mark.value));
		if (out.mode === 'live') delete out.window;
		else {
			const w = { ...(out.window || {}) };
			setOrDrop(w, 'opens_at', timeOf(win.opens_at, f.opens_at.value));
			setOrDrop(w, 'closes_at', timeOf(win.closes_at, f.closes_at.value));
			setOrDrop(w, 'duration_min', num(f.duration_min.value));
			if (Object.keys(w).length) out.window = w;
			else delete out.window;
		}
		if (out.mode === 'exam' || out.mode === 'mass') {
			const a = { ...(out.attempts || {}) };
			setOrDrop(a, 'show_results', f.show_results.value || undefined);
			setOrDrop(a, 'max', num(f.attempts_max.value));
			setOrDrop(a, 'per_day', num(f.per_day.value));
			a.show_key = f.show_key.checked;
			a.show_score = f.show_score.checked;
			out.attempts = a;
		} else delete out.attempts;
		const s = { ...(out.scoring || {}) };
		setOrDrop(s, 'points', num(f.points.value));
		setOrDrop(s, 'streak_bonus', num(f.streak_bonus.value));
		s.time_factor = f.time_factor.checked;
		if (f.negative_marking.checked) s.negative_marking = true;
		else delete s.negative_marking;
		out.scoring = s;
		const picked = [...f.querySelectorAll('input[name=bank]:checked')].map((b) => b.value);
		if (!rulesPaper) {
			if (picked.length) {
				out.banks = Object.fromEntries(picked.map((code) => [code.replace(/[^A-Za-z0-9_]/g, '_'), code]));
			} else delete out.banks;
			const p = { ...(out.paper || {}) };
			setOrDrop(p, 'total', num(f.total.value));
			const r = {};
			for (const ty of TYPES) {
				const v = num(f[`ratio_${ty}`].value);
				if (v) r[ty] = v;
			}
			if (Object.keys(r).length) p.ratio = r;
			else delete p.ratio;
			if (f.category.value) p.from = { ...(p.from || {}), category: f.category.value };
			else if (p.from) {
				delete p.from.category;
				if (!Object.keys(p.from).length) delete p.from;
			}
			if (f.shuffle_options.checked) p.shuffle_options = true;
			else delete p.shuffle_options;
			if (Object.keys(p).length) out.paper = p;
			else delete out.paper;
		}
		return out;
	}

	/* Each problem beside the field with the longest path prefix; the rest above the form. */
	function problems(list) {
		for (const el of f.querySelectorAll('.problem')) {
			el.textContent = '';
			el.hidden = true;
		}
		for (const el of f.querySelectorAll('[data-path]')) el.classList.remove('has-problem');
		const slots = [...f.querySelectorAll('[data-path]')].filter((el) => !el.closest('[hidden]'));
		const loose = [];
		for (const p of list || []) {
			let best = null;
			if (!p.bank && typeof p.path === 'string') {
				/* a missing field is reported at its parent, naming it: its own slot when it has one */
				const names = slots.map((el) => el.dataset.path).filter((sp) => sp.startsWith(`${p.path}.`))
					.map((sp) => sp.slice(p.path.length + 1)).filter((n) => /^[A-Za-z_]+$/.test(n));
				const msg = p.message || '';
				const child = names.find((n) => new RegExp(`[“'"]${n}[”'"]`).test(msg)) ||
					names.find((n) => new RegExp(`(^|[^A-Za-z_'])${n}([^A-Za-z_']|$)`).test(msg));
				const path = child ? `${p.path}.${child}` : p.path;
				for (const el of slots) {
					const sp = el.dataset.path;
					if ((path === sp || path.startsWith(`${sp}.`) || path.startsWith(`${sp}[`)) && (!best || sp.length > best.dataset.path.length)) best = el;
				}
			}
			if (best) {
				const out = best.querySelector('.problem');
				out.textContent = out.textContent ? `${out.textContent}；${p.message}` : p.message;
				out.hidden = false;
				best.classList.add('has-problem');
			} else loose.push(p);
		}
		const all = f.querySelector('#problems-all');
		all.replaceChildren(...(loose.length ? [h('p', { class: 'caption', text: t('console.problems_title') }),
			h('ul', {}, loose.map((p) => h('li', {}, p.bank ? h('code', { text: `${p.bank} ${p.path || ''}` }) : (p.path ? h('code', { text: p.path }) : null), ' ', p.message)))] : []));
		all.hidden = !loose.length;
	}
	return { el: f, read, problems };
}

/* ------------------------------------------------------------ a contest */

/* #new: an empty form; saving creates the draft and goes to its page. */
export async function newView(root, ctx) {
	const banks = await allBanks().catch(() => []);
	const form = contestForm({ mode: 'live', scoring: { points: 10, time_factor: false }, time_limit_s: 20 }, banks, { isNew: true, editable: true });
	const err = errorBox();
	const save = h('button', { type: 'button', class: 'btn primary', id: 'save', text: t('console.create_draft') });
	save.addEventListener('click', async () => {
		showError(err, '');
		save.disabled = true;
		try {
			const r = await api('POST', '/api/console/contests', form.read());
			location.hash = `#contest/${r.contest.code}`;
		} catch (e) {
			showError(err, e);
			if (e.field) form.problems([{ path: `$.${e.field}`, message: e.message }]);
		} finally {
			save.disabled = false;
		}
	});
	root.replaceChildren(h('div', { class: 'view-head' }, h('h1', { text: t('console.new_contest') }), link('console.back_list', '#contests')),
		card(null, h('p', { class: 'muted', text: t('console.new_help') }), form.el, h('div', { class: 'actions sticky' }, save, err)));
}

function downloadLink(key, href) {
	return h('a', { class: 'btn link', href, text: t(key), attrs: { download: '' } });
}

/*
 * A contest one holds a judge, screen or viewer grant on (its definition is
 * the organizers'): its summary from the list, and what the role may open.
 */
async function grantedView(root, ctx, code, err) {
	let c = null;
	try {
		const r = await api('GET', `/api/console/contests?q=${encodeURIComponent(code)}`);
		c = r.contests.find((x) => x.code === code);
	} catch (e) { /* the first error says it */ }
	const head = h('div', { class: 'view-head' }, h('h1', { class: 'contest-title', id: 'contest-title', text: c ? (pick(c.title) || code) : code }), link('console.back_list', '#contests'));
	if (!c) return root.replaceChildren(head, card(null, h('p', { class: 'form-error', text: errText(err) })));
	const links = h('div', { class: 'links' },
		c.my_role === 'viewer' && c.status !== 'draft' ? link('console.monitor', `#monitor/${c.code}`, { id: 'monitor-link' }) : null,
		c.my_role === 'viewer' && c.status !== 'draft' ? link('console.results', `#results/${c.code}`, { id: 'results-link' }) : null,
		c.my_role === 'viewer' ? link('console.certificates', `#certificates/${c.code}`, { id: 'certificates-link' }) : null,
		c.my_role === 'viewer' && c.status !== 'draft' ? link('analysis.link', `#analysis/${c.code}`, { id: 'analysis-link' }) : null,
		['screen', 'viewer'].includes(c.my_role) ? downloadLink('console.poster_pdf', `/api/console/contests/${c.code}/poster.pdf`) : null);
	root.replaceChildren(head,
		h('p', { class: 'facts-line' }, h('code', { text: c.code }), ' ', statusBadge(c.status), ' ', h('span', { class: 'muted', text: t(`myrole.${c.my_role}`) })),
		links, h('div', { class: 'col-side', id: 'contest-side' }));
	await extraCards(root.querySelector('#contest-side'), ctx, c);
}

/* #contest/CODE: the form, its problems, the actions and the contest's cards. */
export async function contestView(root, ctx, code) {
	let r, banks;
	try {
		[r, banks] = await Promise.all([api('GET', `/api/console/contests/${encodeURIComponent(code)}?validate=1`), allBanks().catch(() => [])]);
	} catch (e) {
		if (e.status === 403) return grantedView(root, ctx, code, e);
		return root.replaceChildren(h('div', { class: 'view-head' }, h('h1', { text: code }), link('console.back_list', '#contests')),
			card(null, h('p', { class: 'form-error', text: errText(e) })));
	}
	const c = r.contest;
	const form = contestForm(r.definition, banks, { isNew: false, editable: c.editable });
	const err = errorBox();
	const state = h('p', { class: 'valid-line', id: 'valid-line' });
	const showValid = (valid, problems) => {
		form.problems(problems);
		state.dataset.valid = valid ? 'true' : 'false';
		state.textContent = valid ? t(c.status === 'draft' ? 'console.valid' : 'console.valid_published') : t('console.n_problems', { n: (problems || []).length });
	};
	showValid(r.valid, r.problems);
	const act = async (btn, fn) => {
		showError(err, '');
		btn.disabled = true;
		try {
			await fn();
		} catch (e) {
			showError(err, e);
			if (e.problems) showValid(false, e.problems);
		} finally {
			btn.disabled = false;
		}
	};
	const save = button('console.save', () => act(save, async () => {
		const s = await api('PUT', `/api/console/contests/${c.code}`, form.read());
		showValid(s.valid, s.problems);
		toast(t('console.saved'), 'info');
		/* the first problem into view: the organizer sees what to fix */
		const first = form.el.querySelector('#problems-all:not([hidden]), .has-problem');
		if (first) first.scrollIntoView({ block: 'center', behavior: 'smooth' });
	}), 'primary', { id: 'save' });
	const publish = button('console.publish', () => act(publish, async () => {
		await api('PUT', `/api/console/contests/${c.code}`, form.read());
		const p = await api('POST', `/api/console/contests/${c.code}/publish`);
		toast(t('console.published', { n: p.questions }), 'info');
		await contestView(root, ctx, c.code);
	}), '', { id: 'publish' });
	const copy = button('console.copy', () => act(copy, async () => {
		const n = await api('POST', `/api/console/contests/${c.code}/copy`, {});
		location.hash = `#contest/${n.contest.code}`;
	}), '', { id: 'copy' });
	const archive = button('console.archive', () => act(archive, async () => {
		if (!confirm(t('console.archive_confirm', { code: c.code }))) return;
		await api('POST', `/api/console/contests/${c.code}/archive`);
		await contestView(root, ctx, c.code);
	}), '', { id: 'archive' });
	const del = button('console.delete', () => act(del, async () => {
		if (!confirm(t('console.delete_confirm', { code: c.code, title: pick(c.title) }))) return;
		await api('DELETE', `/api/console/contests/${c.code}`);
		toast(t('console.deleted', { code: c.code }), 'info');
		location.hash = '#contests';
	}), 'danger', { id: 'delete' });
	const isOrg = ['admin', 'owner', 'organizer'].includes(c.my_role);
	const live = c.status !== 'draft';
	const actions = h('div', { class: 'actions sticky' },
		c.editable && isOrg ? save : null,
		c.status === 'draft' && isOrg ? publish : null,
		isOrg && ctx.canCreate ? copy : null,
		live && c.status !== 'archived' && isOrg ? archive : null,
		isOrg ? del : null,
		state, err);
	const links = h('div', { class: 'links' },
		live && isOrg ? link('console.host', `host.html?code=${c.code}`, { id: 'host-link', target: '_blank', rel: 'noopener' }) : null,
		live ? link('console.monitor', `#monitor/${c.code}`, { id: 'monitor-link' }) : null,
		live ? link('console.results', `#results/${c.code}`, { id: 'results-link' }) : null,
		link('console.certificates', `#certificates/${c.code}`, { id: 'certificates-link' }),
		live ? link('analysis.link', `#analysis/${c.code}`, { id: 'analysis-link' }) : null,
		downloadLink('console.poster_pdf', `/api/console/contests/${c.code}/poster.pdf`),
		downloadLink('console.poster_png', `/api/console/contests/${c.code}/poster.png`),
		isOrg ? downloadLink('console.definition_json', `/api/console/contests/${c.code}/definition.json`) : null);
	const head = h('div', { class: 'view-head' },
		h('h1', { class: 'contest-title', id: 'contest-title', text: pick(c.title) || t('console.untitled') }),
		link('console.back_list', '#contests'));
	const facts = h('p', { class: 'facts-line' }, h('code', { text: c.code }), ' ', statusBadge(c.status), ' ',
		h('span', { class: 'muted', text: t('console.facts', { players: c.players, owner: c.owner ? (c.owner.display_name || c.owner.username) : '—', updated: when(c.updated_at) }) }));
	const note = !c.editable && c.status !== 'draft' ? h('p', { class: 'note', text: t(c.players ? 'console.locked_joined' : 'console.locked') }) : null;
	root.replaceChildren(head, facts, links,
		h('div', { class: 'contest-grid' },
			h('div', { class: 'col-main' }, card('console.definition', note, form.el, actions)),
			h('div', { class: 'col-side', id: 'contest-side' })));
	await extraCards(root.querySelector('#contest-side'), ctx, c);
}
