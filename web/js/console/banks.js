/*
 * console/banks.js - question banks: the list (#banks, searched, a new bank
 * made here), a bank (#bank/CODE): import a GIFT, Aiken, CSV or XLSX file as
 * a job (progress, then every refused row with its row, column and reason:
 * nothing is imported while any row is refused), the XLSX template, the
 * questions searched by text, type and category, and one question edited
 * (its JSON, checked by the server; each problem with its path).
 */

import { t, pick } from '../i18n.js';
import { h, toast } from '../dom.js';
import { api } from '../session.js';
import { errText, showError, errorBox, when, field, input, select, button, link, table, td, pager, card, importForm } from './ui.js';

const TYPES = ['single_choice', 'multiple_choice', 'true_false', 'fill_in', 'numeric', 'ordering', 'matching', 'judged'];

export async function banksView(root, ctx, query) {
	const q = new URLSearchParams(query);
	const page = Number(q.get('page')) || 1;
	const text = q.get('q') || '';
	const err = errorBox();
	const form = h('form', { class: 'form inline', id: 'bank-create', attrs: { novalidate: '' } },
		field('console.bank_code', input('code', '', { maxlength: '64', placeholder: 'safety-2026', autocapitalize: 'none', spellcheck: 'false' })),
		field('console.title_zh', input('title', '', { maxlength: '200' })),
		h('button', { type: 'submit', class: 'btn primary', text: t('console.bank_create') }), err);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		showError(err, '');
		try {
			const b = await api('POST', '/api/banks', { code: form.code.value.trim(), title: { 'zh-CN': form.title.value.trim() } });
			location.hash = `#bank/${b.code}`;
		} catch (e) {
			showError(err, e);
		}
	});
	const search = h('form', { class: 'filters', attrs: { novalidate: '' } },
		field('console.search', input('q', text, { type: 'search' })), h('button', { type: 'submit', class: 'btn', text: t('console.filter') }));
	search.addEventListener('submit', (ev) => {
		ev.preventDefault();
		location.hash = `#banks?q=${encodeURIComponent(search.q.value.trim())}`;
	});
	const list = h('div', {}, h('p', { class: 'muted', text: t('console.loading') }));
	root.replaceChildren(h('div', { class: 'view-head' }, h('h1', { text: t('console.banks') }),
		h('a', { class: 'btn link', href: '/api/banks/template.xlsx', text: t('console.bank_template'), attrs: { download: '' } })),
	card('console.bank_new', form), card(null, search, list));
	try {
		const r = await api('GET', `/api/banks?page=${page}&per_page=50${text ? `&q=${encodeURIComponent(text)}` : ''}`);
		list.replaceChildren(table(['console.bank_code', 'console.title', 'console.n_q', 'console.types', 'console.owner', 'console.updated'],
			r.banks.map((b) => h('tr', { dataset: { code: b.code } },
				td(h('a', { href: `#bank/${b.code}`, text: b.code })), td(pick(b.title)), td(String(b.questions)),
				td(Object.entries(b.types || {}).map(([k, n]) => `${t(`qtype.${k}`)} ${n}`).join('、')),
				td(b.owner ? (b.owner.display_name || b.owner.username) : '—'), td(when(b.updated_at)))), { empty: 'console.no_banks' }),
		pager(r.total, r.page, r.per_page, (p) => { location.hash = `#banks?page=${p}${text ? `&q=${encodeURIComponent(text)}` : ''}`; }));
	} catch (e) {
		list.replaceChildren(h('p', { class: 'form-error', text: errText(e) }));
	}
}

/* The report of a bank import: counts, then every refused row and the problems of no row. */
function bankReport(job) {
	const r = job.report || {};
	const refused = (r.rows || []).filter((x) => x.status === 'refused');
	const ok = job.status === 'done' && r.imported;
	const rows = [];
	for (const x of refused) {
		for (const p of x.problems || []) {
			rows.push(h('tr', {}, td(r.filename || ''), td(r.sheet ? `${r.sheet} · ${x.row}` : String(x.row)),
				td(p.column_name || (p.column ? t('console.char_col', { n: p.column }) : (p.path || ''))), td(p.message, 'reason')));
		}
	}
	for (const p of r.problems || []) rows.push(h('tr', {}, td(r.filename || ''), td('—'), td(p.column_name || ''), td(p.message, 'reason')));
	return h('div', { class: 'report', id: 'import-report', dataset: { status: job.status } },
		h('p', { class: ok ? 'ok-line' : 'form-error', id: 'import-summary',
			text: ok ? t('console.import_done', { n: r.accepted ?? 0, total: r.questions ?? 0 })
				: t('console.import_refused', { refused: r.refused ?? 0, rows: r.rows_total ?? 0 }) }),
		rows.length ? table(['console.file', 'console.row', 'console.column', 'console.reason'], rows, { id: 'refused-rows' }) : null);
}

function questionEditor(bank, q, onSaved) {
	const area = h('textarea', { class: 'field code', name: 'question', rows: 14, spellcheck: false, value: JSON.stringify(q.question, null, 2) });
	const probs = h('ul', { class: 'problem-list' });
	const err = errorBox();
	const save = button('console.save', async () => {
		showError(err, '');
		probs.replaceChildren();
		let body;
		try {
			body = JSON.parse(area.value);
		} catch (e) {
			return showError(err, t('console.err_json', { why: e.message }));
		}
		try {
			await api('PUT', `/api/banks/${bank}/questions/${encodeURIComponent(q.qid)}`, body);
			toast(t('console.saved'), 'info');
			onSaved();
		} catch (e) {
			showError(err, e);
			if (e.problems) probs.replaceChildren(...e.problems.map((p) => h('li', {}, h('code', { text: p.path || '' }), ' ', p.message)));
		}
	}, 'primary', { id: 'question-save' });
	return h('div', { class: 'q-editor', id: 'question-editor' }, h('h3', { text: t('console.edit_question', { id: q.qid }) }), area, probs, h('div', { class: 'actions' }, save, err));
}

export async function bankView(root, ctx, code, query) {
	let b;
	try {
		b = await api('GET', `/api/banks/${encodeURIComponent(code)}`);
	} catch (e) {
		return root.replaceChildren(h('div', { class: 'view-head' }, h('h1', { text: code }), link('console.back_banks', '#banks')),
			card(null, h('p', { class: 'form-error', text: errText(e) })));
	}
	const q = new URLSearchParams(query);
	const st = { q: q.get('q') || '', type: q.get('type') || '', category: q.get('category') || '', page: Number(q.get('page')) || 1 };
	const qs = h('div', { id: 'questions' });
	const editBox = h('div');
	const loadQuestions = async () => {
		const p = new URLSearchParams({ page: String(st.page), per_page: '20' });
		for (const k of ['q', 'type', 'category']) if (st[k]) p.set(k, st[k]);
		try {
			const r = await api('GET', `/api/banks/${b.code}/questions?${p}`);
			qs.replaceChildren(table(['console.qid', 'console.type', 'console.category', 'console.text', ''],
				r.questions.map((x) => h('tr', { dataset: { qid: x.qid } }, td(h('code', { text: x.qid })), td(t(`qtype.${x.type}`)),
					td(x.category || '—'), td(pick(x.question.text), 'qtext'),
					td(button('console.edit', () => editBox.replaceChildren(questionEditor(b.code, x, loadQuestions))), 'ops'))), { empty: 'console.no_questions' }),
			pager(r.total, r.page, r.per_page, (n) => { st.page = n; loadQuestions(); }));
		} catch (e) {
			qs.replaceChildren(h('p', { class: 'form-error', text: errText(e) }));
		}
	};
	const search = h('form', { class: 'filters', attrs: { novalidate: '' } },
		field('console.search', input('q', st.q, { type: 'search', placeholder: t('console.search_q_ph') })),
		field('console.type', select('type', [['', 'console.all'], ...TYPES.map((x) => [x, `qtype.${x}`])], st.type)),
		field('console.category', select('category', [['', 'console.all'], ...(b.categories || []).map((c) => [c.id, `=${pick(c.title) || c.id}`])], st.category)),
		h('button', { type: 'submit', class: 'btn', text: t('console.filter') }));
	search.addEventListener('submit', (ev) => {
		ev.preventDefault();
		Object.assign(st, { q: search.q.value.trim(), type: search.type.value, category: search.category.value, page: 1 });
		loadQuestions();
	});
	const facts = h('p', { class: 'muted', id: 'bank-facts' });
	const renderFacts = (x) => {
		facts.textContent = t('console.bank_facts', { n: x.questions, owner: x.owner ? (x.owner.display_name || x.owner.username) : '—', updated: when(x.updated_at) });
	};
	renderFacts(b);
	const imp = importForm({
		accept: '.xlsx,.csv,.txt,.gift,.json',
		extra: [field('console.import_mode', select('mode', [['replace', 'console.mode_replace'], ['merge', 'console.mode_merge']], 'replace')),
			field('console.encoding', select('encoding', [['auto', 'console.enc_auto'], ['utf-8', '=UTF-8'], ['gbk', '=GBK']], 'auto'))],
		url: (f, form) => {
			const ext = (f.name.match(/\.([A-Za-z]+)$/) || [])[1] || '';
			const fmt = { xlsx: 'xlsx', csv: 'csv', gift: 'gift', txt: 'gift', json: 'json' }[ext.toLowerCase()];
			const p = new URLSearchParams({ filename: f.name, mode: form.mode.value, encoding: form.encoding.value });
			if (fmt) p.set('format', fmt);
			return `/api/banks/${b.code}/import?${p}`;
		},
		report: bankReport,
		onDone: async () => {
			renderFacts(await api('GET', `/api/banks/${b.code}`));
			await loadQuestions();
		},
	});
	root.replaceChildren(h('div', { class: 'view-head' }, h('h1', { id: 'bank-title', text: `${pick(b.title)} · ${b.code}` }), link('console.back_banks', '#banks')),
		facts,
		card('console.bank_import', h('p', { class: 'muted small', text: t('console.bank_import_help') }),
			h('a', { href: '/api/banks/template.xlsx', text: t('console.bank_template'), attrs: { download: '' } }), imp),
		card('console.questions', search, qs, editBox));
	await loadQuestions();
}
