/*
 * console/certificates.js - a contest's certificates (#certificates/CODE):
 *
 *   the template   its texts, issuer, date line, fonts (a fixed list) and
 *                  colours (GET/PUT .../certificate-template; a refused
 *                  member is shown beside its field), a sample PDF of each
 *                  kind (.../preview.pdf, a 64-character name)
 *   the seal       the image in force (.../seal), a PNG uploaded (PUT) or
 *                  removed (DELETE)
 *   issuing        every participant of the final results as a job
 *                  (POST .../certificates), its progress polled
 *                  (GET /api/jobs/{id}) into a bar with its percentage
 *   the list       the certificates issued, PDF, revoke with a reason
 *
 * Viewers see the template and the list; the rest is the organizers'.
 */

import { t, num } from '../i18n.js';
import { h, toast } from '../dom.js';
import { api, upload } from '../session.js';
import { errText, showError, errorBox, field, input, select, button, link, table, td, card, when, pager, progressBar, pollJob } from './ui.js';

/* The members of the form: [member, label key, kind]; kind: text, long, font, color. */
const MEMBERS = [
	['title', 'certs.f_title', 'text'],
	['title_participation', 'certs.f_title_participation', 'text'],
	['body', 'certs.f_body', 'long'],
	['body_participation', 'certs.f_body_participation', 'long'],
	['closing', 'certs.f_closing', 'text'],
	['closing_participation', 'certs.f_closing_participation', 'text'],
	['issuer', 'certs.f_issuer', 'text'],
	['date', 'certs.f_date', 'text'],
	['font_title', 'certs.f_font_title', 'font'],
	['font_body', 'certs.f_font_body', 'font'],
	['color', 'certs.f_color', 'color'],
	['text_color', 'certs.f_text_color', 'color'],
	['border_color', 'certs.f_border_color', 'color'],
];
const HELP = { body: 'certs.help_body', body_participation: 'certs.help_body', date: 'certs.help_date', issuer: 'certs.help_issuer' };
const PER_PAGE = 50;

/* The template's form: fields with the defaults as placeholders; read() gives the members set. */
function templateForm(tp, mayEdit) {
	const d = tp.defaults || {};
	const fields = {};
	const rows = MEMBERS.map(([m, key, kind]) => {
		const val = tp.template[m];
		let el;
		if (kind === 'font') {
			el = select(m, [['', 'certs.font_default'], ...tp.fonts.map((f) => [f.family, `=${f.name}`])], val || '');
		} else if (kind === 'color') {
			el = h('input', { type: 'color', name: m, class: 'field color', value: val || d[m] || '#000000' });
		} else if (kind === 'long') {
			el = h('textarea', { name: m, class: 'field', rows: 2, value: val ?? '', attrs: { placeholder: d[m] || '' } });
		} else {
			el = input(m, val ?? '', { placeholder: m === 'issuer' ? (tp.organizer || '') : (d[m] || '') });
		}
		el.disabled = !mayEdit;
		fields[m] = el;
		return field(key, el, { path: m, wide: kind === 'long', help: HELP[m] });
	});
	const form = h('form', { class: 'form cert-form', id: 'cert-template', attrs: { novalidate: '' } }, rows);
	return {
		el: form,
		/* members left empty (or a colour at its default) take the default: not sent */
		read() {
			const out = {};
			for (const [m, , kind] of MEMBERS) {
				const v = fields[m].value;
				if (kind === 'color' ? v.toLowerCase() !== String(d[m] || '').toLowerCase() || tp.template[m] !== undefined : v !== '')
					out[m] = v;
			}
			return out;
		},
		problem(name, message) {
			for (const l of form.querySelectorAll('[data-path]')) {
				const p = l.querySelector('.problem');
				const mine = l.dataset.path === name;
				l.classList.toggle('has-problem', mine);
				p.textContent = mine ? message : '';
				p.hidden = !mine;
				if (mine) l.scrollIntoView({ block: 'center', behavior: 'smooth' });
			}
		},
	};
}

function templateCard(box, code, tp, mayEdit, reload) {
	const base = `/api/console/contests/${code}/certificate-template`;
	const form = templateForm(tp, mayEdit);
	const err = errorBox();
	const facts = h('p', { class: 'muted small', id: 'cert-template-facts',
		text: tp.hash ? t('certs.template_facts', { at: when(tp.updated_at), by: tp.updated_by || '—' }) : t('certs.template_default') });
	const save = button('certs.save_template', async () => {
		showError(err, '');
		form.problem(null);
		save.disabled = true;
		try {
			await api('PUT', base, form.read());
			toast(t('console.saved'), 'info');
			await reload();
		} catch (e) {
			if (e.field && e.field !== 'template') form.problem(e.field, e.message);
			else showError(err, e);
		} finally {
			save.disabled = false;
		}
	}, 'primary', { id: 'cert-template-save' });
	const previews = h('div', { class: 'links' },
		link('certs.preview_award', `${base}/preview.pdf?kind=award`, { id: 'cert-preview', target: '_blank', rel: 'noopener' }),
		link('certs.preview_participation', `${base}/preview.pdf?kind=participation`, { id: 'cert-preview-part', target: '_blank', rel: 'noopener' }));
	box.append(card('certs.template', h('p', { class: 'muted small', text: t('certs.template_help') }), facts, form.el,
		h('div', { class: 'actions' }, mayEdit ? save : null, previews), err));
}

function sealCard(box, code, tp, mayEdit, reload) {
	const url = `/api/console/contests/${code}/certificate-template/seal`;
	const err = errorBox();
	const shown = tp.seal
		? h('img', { class: 'seal-preview', id: 'seal-image', src: `${url}?v=${tp.hash}`, alt: t('certs.seal') })
		: h('p', { class: 'muted', id: 'seal-none', text: t('certs.no_seal') });
	const file = h('input', { type: 'file', name: 'seal', class: 'field', attrs: { accept: 'image/png' } });
	const put = button('certs.seal_upload', async () => {
		showError(err, '');
		const f = file.files && file.files[0];
		if (!f) return showError(err, t('console.err_no_file'));
		if (f.size > 512 * 1024) return showError(err, t('certs.seal_too_big'));
		put.disabled = true;
		try {
			await upload('PUT', url, f);
			toast(t('certs.seal_saved'), 'info');
			await reload();
		} catch (e) {
			showError(err, e);
		} finally {
			put.disabled = false;
		}
	}, 'primary', { id: 'seal-upload' });
	const del = button('certs.seal_remove', async () => {
		showError(err, '');
		if (!confirm(t('certs.seal_remove_confirm'))) return;
		try {
			await api('DELETE', url);
			toast(t('certs.seal_removed'), 'info');
			await reload();
		} catch (e) {
			showError(err, e);
		}
	}, 'danger', { id: 'seal-remove' });
	box.append(card('certs.seal', h('div', { class: 'seal-box' }, shown,
		tp.seal ? h('p', { class: 'muted small', text: t('certs.seal_bytes', { kb: num(Math.ceil(tp.seal.bytes / 1024)) }) }) : null),
	mayEdit ? h('p', { class: 'muted small', text: t('certs.seal_help') }) : null,
	mayEdit ? h('div', { class: 'form inline' }, field('certs.seal_file', file), put, tp.seal ? del : null) : null, err));
}

function issueCard(box, code, onDone) {
	const err = errorBox();
	const bar = progressBar();
	bar.id = 'issue-progress';
	const pct = h('span', { class: 'pct', id: 'issue-pct', text: '' });
	const line = h('div', { class: 'progress-line', hidden: true }, bar, pct);
	const out = h('p', { class: 'small', id: 'issue-report', attrs: { role: 'status' } });
	const kind = select('kind', [['all', 'certs.kind_all'], ['award', 'certs.kind_award'], ['participation', 'certs.kind_participation']], 'all');
	const show = (p) => {
		bar.set(p);
		pct.textContent = `${Math.round((p || 0) * 100)} %`;
	};
	const go = button('certs.issue', async () => {
		showError(err, '');
		out.textContent = '';
		go.disabled = true;
		line.hidden = false;
		show(0);
		try {
			const job = await api('POST', `/api/console/contests/${code}/certificates`, { kind: kind.value });
			const done = await pollJob(job.id, (j) => show(j.progress));
			show(done.status === 'done' ? 1 : done.progress);
			const r = done.report || {};
			if (done.status !== 'done') showError(err, r.message || t('certs.issue_failed'));
			else out.textContent = t('certs.issue_report', { issued: r.issued, existing: r.existing, skipped: r.not_eligible, failed: r.failed });
			await onDone();
		} catch (e) {
			line.hidden = true;
			showError(err, e);
		} finally {
			go.disabled = false;
		}
	}, 'primary', { id: 'issue-start' });
	box.append(card('certs.issue_title', h('p', { class: 'muted small', text: t('certs.issue_help') }),
		h('div', { class: 'form inline' }, field('certs.kind', kind), go), line, out, err));
}

async function listCard(box, code, mayEdit) {
	const body = h('div', { id: 'cert-list' }, h('p', { class: 'muted', text: t('console.loading') }));
	const facts = h('p', { class: 'muted small', id: 'cert-count' });
	const err = errorBox();
	box.append(card('certs.issued', facts, body, err));
	const load = async (page = 1) => {
		let r;
		try {
			r = await api('GET', `/api/console/contests/${code}/certificates?page=${page}&per_page=${PER_PAGE}`);
		} catch (e) {
			return body.replaceChildren(h('p', { class: 'form-error', text: errText(e) }));
		}
		facts.textContent = t('certs.count', { total: r.total, revoked: r.revoked });
		const revoke = async (c) => {
			const reason = prompt(t('certs.revoke_reason', { name: c.name }));
			if (reason === null) return;
			showError(err, '');
			try {
				await api('POST', `/api/certificates/${encodeURIComponent(c.id)}/revoke`, { reason });
				toast(t('certs.revoked_ok'), 'info');
				await load(page);
			} catch (e) {
				showError(err, e);
			}
		};
		body.replaceChildren(table(['console.name', 'console.employee_no', 'console.unit', 'certs.kind', 'certs.award', 'certs.issued_at', 'certs.state', ''],
			r.certificates.map((c) => h('tr', { dataset: { id: c.id } },
				td(c.name), td(c.employee_no || ''), td(c.unit || ''), td(t(`certs.kind_${c.kind}`)), td(c.award),
				td(when(c.issued_at)), td(c.revoked ? t('certs.revoked') : t('certs.valid'), 'state'),
				td([h('a', { class: 'btn link', href: `/api/certificates/${c.id}.pdf`, target: '_blank', rel: 'noopener', text: 'PDF' }),
					mayEdit && !c.revoked ? button('certs.revoke', () => revoke(c), 'danger') : null], 'ops'))),
			{ id: 'cert-table', empty: 'certs.none' }),
		pager(r.total, r.page, r.per_page, load));
	};
	await load();
	return load;
}

/* #certificates/CODE */
export async function certificatesView(root, ctx, code) {
	const base = `/api/console/contests/${code}/certificate-template`;
	const head = h('div', { class: 'view-head' }, h('h1', { id: 'certs-title', text: t('certs.title_of', { code }) }),
		h('div', { class: 'links' }, link('console.results', `#results/${code}`), link('console.back_contest', `#contest/${code}`)));
	root.replaceChildren(head, h('p', { class: 'muted', text: t('console.loading') }));
	let tp, role = null;
	try {
		const [x, l] = await Promise.all([api('GET', base), api('GET', `/api/console/contests?q=${encodeURIComponent(code)}`).catch(() => null)]);
		tp = x;
		const c = l && l.contests.find((y) => y.code === code);
		role = c ? c.my_role : null;
	} catch (e) {
		return root.replaceChildren(head, card(null, h('p', { class: 'form-error', id: 'certs-error', text: errText(e) })));
	}
	const mayEdit = ['admin', 'owner', 'organizer'].includes(role);
	const main = h('div', { class: 'col-main' });
	const side = h('div', { class: 'col-side' });
	const below = h('div', { class: 'cert-below' });
	root.replaceChildren(head, h('div', { class: 'contest-grid' }, main, side), below);
	const reload = () => certificatesView(root, ctx, code);
	templateCard(main, code, tp, mayEdit, reload);
	sealCard(side, code, tp, mayEdit, reload);
	let list = null;
	if (mayEdit) issueCard(side, code, () => (list ? list() : null));
	list = await listCard(below, code, mayEdit);
}
