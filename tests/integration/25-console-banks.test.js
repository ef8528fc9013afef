'use strict';
// 25 console banks: banks in PostgreSQL (create, read, change, delete: every
// organizer reads, the owner and admins change), imports as jobs polled by id
// (CSV in UTF-8 and GBK, XLSX written by openpyxl with Chinese sheet names,
// GIFT, the native JSON), a bad file refused whole with every bad row listed
// and nothing imported, the template workbook (read by openpyxl, importing as
// it is), questions searched in Chinese, edited and checked by the scoring
// engine, and the figures of an import of 5,000 questions (CSV and XLSX).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');
const { writeXlsx: xlsx, readXlsx } = require('../lib/xlsx.js');

const NAME64 = '电工作业安全技术培训考核题库第一分册高压部分'.repeat(4).slice(0, 64);
let srv, admin, owner, other, judge;

/* Imports a file, polls its job to the end; resolves to {job, ms, progress: [values seen]}. */
async function importFile(c, bank, file, query) {
	const t0 = Date.now();
	const r = await c.post(`/api/banks/${bank}/import?${query}`, file);
	assert.equal(r.status, 202, r.body);
	assert.equal(r.json.status, 'queued');
	const seen = [];
	for (let i = 0; i < 1200; i++) {
		const j = await c.get(`/api/jobs/${r.json.id}`);
		assert.equal(j.status, 200, j.body);
		if (!seen.length || seen[seen.length - 1] !== j.json.progress) seen.push(j.json.progress);
		if (j.json.status === 'done' || j.json.status === 'failed') return { job: j.json, ms: Date.now() - t0, progress: seen };
		await h.sleep(25);
	}
	throw new Error('the import did not finish');
}

let LAW; // the questions of contests/samples/labor-law.csv
const count = async (bank) => (await owner.get(`/api/banks/${bank}`)).json.questions;

before(async () => {
	srv = await h.startServer({ args: ['--host-login-failures', '1000'] });
	[admin, owner, other, judge] = await con.staff(srv, [['b-owner', 'organizer'], ['b-other', 'organizer'], ['b-judge', 'judge']]);
});
after(async () => { if (srv) await srv.stop(); });

describe('banks', () => {
	test('create, read, list; refusals with their field', async () => {
		let r = await owner.post('/api/banks', { code: 'Labor-Law', title: { 'zh-CN': NAME64, en: 'Labor law' },
			categories: [{ id: 'trial', title: '试用期' }] });
		assert.equal(r.status, 201, r.body);
		assert.equal(r.json.code, 'labor-law', 'folded to lower case');
		assert.equal(r.json.title['zh-CN'], NAME64);
		assert.equal(r.json.questions, 0);
		assert.equal(r.json.owner.username, 'b-owner');
		r = await owner.post('/api/banks', { code: 'labor-law', title: 'x' });
		assert.equal(r.status, 409);
		assert.equal(r.json.error.field, 'code');
		for (const [body, field] of [[{ code: 'a b', title: 'x' }, 'code'], [{ code: 'template.xlsx', title: 'x' }, 'code'],
			[{ code: 'ok1' }, 'title'], [{ code: 'ok1', title: '' }, 'title'],
			[{ code: 'ok1', title: 'x', categories: [{ id: 'c' }] }, 'categories[0]'],
			[{ code: 'ok1', title: { fr: 'x' } }, 'title.fr']]) {
			r = await owner.post('/api/banks', body);
			assert.equal(r.status, 400, JSON.stringify(body));
			assert.equal(r.json.error.field, field, JSON.stringify(r.json));
		}
		assert.equal((await judge.post('/api/banks', { code: 'j1', title: 'x' })).status, 403);
		assert.equal((await judge.get('/api/banks')).status, 403);
		r = await owner.post('/api/banks', { code: 'nocsrf', title: 'x' }, { withCsrf: false });
		assert.equal(r.json.error.code, 'csrf_failed');
		assert.equal((await con.client(srv.url).get('/api/banks')).status, 401);
		r = await other.get('/api/banks');
		assert.equal(r.status, 200);
		assert.deepEqual(r.json.banks.map((b) => b.code), ['labor-law'], 'every organizer reads every bank');
		r = await other.get(`/api/banks?q=${encodeURIComponent('高压部分')}`);
		assert.equal(r.json.total, 1);
		assert.equal((await other.get('/api/banks/nope')).status, 404);
		const audit = await con.waitAudit(srv, "action = 'bank.create' AND target = 'labor-law'");
		assert.equal(audit[0].after.code, 'labor-law');
	});

	test('a UTF-8 CSV imports whole as a job: every row accepted, with its row, progress up to 1', async () => {
		const file = fs.readFileSync(path.join(h.ROOT, 'contests', 'samples', 'labor-law.csv'));
		LAW = file.toString('utf8').trim().split('\n').length - 1;
		const { job, progress } = await importFile(owner, 'labor-law', file, `filename=${encodeURIComponent('劳动法.csv')}`);
		assert.equal(job.status, 'done', JSON.stringify(job.report));
		assert.equal(job.progress, 1);
		assert.ok(progress.every((p, i) => i === 0 || p >= progress[i - 1]), `progress only grows: ${progress}`);
		assert.equal(job.bank, 'labor-law');
		const rep = job.report;
		assert.equal(rep.imported, true);
		assert.equal(rep.format, 'csv');
		assert.equal(rep.filename, '劳动法.csv');
		assert.equal(rep.refused, 0);
		assert.equal(rep.accepted, LAW);
		assert.equal(rep.questions, LAW);
		assert.deepEqual(rep.rows[0], { row: 2, status: 'accepted', id: 'lc-01', type: 'single_choice' });
		assert.equal(await count('labor-law'), LAW);
		const b = (await owner.get('/api/banks/labor-law')).json;
		assert.ok(b.categories.some((c) => c.title === '试用期'));
		assert.equal(b.types.single_choice > 0, true);
		const audit = await con.waitAudit(srv, "action = 'bank.import' AND target = 'labor-law'");
		assert.equal(audit[0].after.accepted, LAW);
		assert.equal(audit[0].after.imported, true);
	});

	test('a bad file is refused whole: every bad row listed with its column and reason, nothing imported', async () => {
		const rows = [
			'题号,题型,题目,选项A,选项B,选项C,选项D,答案,解析,分类,难度',
			'n1,单选题,好的第一题,甲,乙,丙,丁,A,,新分类,易',
			'n2,单选题,答案超出选项,甲,乙,丙,丁,E,,新分类,易',
			'n3,判断题,好的判断题,,,,,对,,新分类,中',
			'n4,问答题,不认识的题型,,,,,随便,,新分类,中',
			'n5,多选题,好的多选题,甲,乙,丙,丁,ABD,,新分类,难',
			'n6,单选题,难度写错,甲,乙,,,B,,新分类,极难',
		];
		const zh = con.client(srv.url, { session: owner.session, csrf: owner.csrf, lang: 'zh-CN' });
		const { job } = await importFile(zh, 'labor-law', Buffer.from(rows.join('\r\n') + '\r\n'), 'filename=bad.csv&mode=merge');
		assert.equal(job.status, 'failed');
		const rep = job.report;
		assert.equal(rep.imported, false);
		assert.equal(rep.refused, 3, JSON.stringify(rep.rows));
		assert.equal(rep.accepted, 3);
		const by = Object.fromEntries(rep.rows.map((r) => [r.row, r]));
		assert.equal(by[2].status, 'accepted');
		assert.equal(by[3].status, 'refused');
		assert.match(by[3].problems[0].message, /答案/);
		assert.ok(by[3].problems[0].column > 0);
		assert.equal(by[5].status, 'refused');
		assert.match(by[5].problems[0].message, /问答题/);
		assert.equal(by[7].status, 'refused');
		assert.match(by[7].problems[0].message, /极难/);
		assert.equal(await count('labor-law'), LAW, 'nothing imported');
	});

	test('a GBK CSV merged in: categories matched by title, ids kept apart', async () => {
		const file = fs.readFileSync(path.join(h.ROOT, 'tests', 'data', 'contests', 'csv', 'bank_gbk.csv'));
		assert.ok(!/消防/.test(file.toString('utf8')), 'the file really is GBK');
		const { job } = await importFile(owner, 'labor-law', file, 'filename=gbk.csv&mode=merge');
		assert.equal(job.status, 'done', JSON.stringify(job.report));
		assert.equal(job.report.questions, LAW + job.report.accepted);
		const q = await owner.get(`/api/banks/labor-law/questions?q=${encodeURIComponent('火灾报警')}`);
		assert.equal(q.json.total, 1, JSON.stringify(q.json));
		const b = (await owner.get('/api/banks/labor-law')).json;
		const cat = b.categories.find((c) => c.title === '消防');
		assert.ok(cat, JSON.stringify(b.categories));
		assert.equal(q.json.questions[0].category, cat.id);
		assert.equal(new Set(b.categories.map((c) => c.id)).size, b.categories.length, 'category ids unique');
	});

	test('an XLSX from openpyxl with Chinese sheet names: the first sheet, rows and columns named', async () => {
		const head = ['题号', '题型', '题目', '选项A', '选项B', '选项C', '答案', '分类', '分值'];
		const good = await xlsx([
			{ name: '安全题库', rows: [head, ['x1', '单选题', '安全电压一般不超过多少伏？', 36, 110, 220, 'A', '用电', 2],
				['x2', '判断题', '可以用湿手触摸开关。', null, null, null, '错', '用电', 1]] },
			{ name: '填写说明', rows: [['这张表不会被导入']] },
		]);
		let r = await owner.post('/api/banks', { code: 'elec', title: '电工题库' });
		assert.equal(r.status, 201);
		let { job } = await importFile(owner, 'elec', good, `filename=${encodeURIComponent('电工.xlsx')}`);
		assert.equal(job.status, 'done', JSON.stringify(job.report));
		assert.equal(job.report.format, 'xlsx');
		assert.equal(job.report.sheet, '安全题库');
		assert.deepEqual(job.report.rows.map((x) => [x.row, x.id, x.status]), [[2, 'x1', 'accepted'], [3, 'x2', 'accepted']]);
		const q = await owner.get('/api/banks/elec/questions/x1');
		assert.deepEqual(q.json.question.options, ['36', '110', '220'], 'numbers typed in Excel read as their digits');
		const bad = await xlsx([{ name: '题目', rows: [head, ['y1', '单选题', '好题', 1, 2, 3, 'C', '', 1], ['y2', '单选题', '坏答案', 1, 2, 3, 'Z', '', 1]] }]);
		({ job } = await importFile(owner, 'elec', bad, 'filename=bad.xlsx'));
		assert.equal(job.status, 'failed');
		const refused = job.report.rows.filter((x) => x.status === 'refused');
		assert.equal(refused.length, 1);
		assert.equal(refused[0].row, 3);
		assert.equal(refused[0].problems[0].column_name, 'G');
		assert.equal(job.report.sheet, '题目');
		assert.equal(await count('elec'), 2, 'the replace did not happen');
		({ job } = await importFile(owner, 'elec', Buffer.from('not a workbook'), 'format=xlsx&filename=x.xlsx'));
		assert.equal(job.status, 'failed');
		assert.ok(job.report.problems.length >= 1, JSON.stringify(job.report));
	});

	test('import refusals: the owner only, a known format, mode and encoding, an empty file; jobs are their starter\'s', async () => {
		const file = Buffer.from('::a:: 1+1=2 {T}\n');
		let r = await other.post('/api/banks/elec/import?format=gift', file);
		assert.equal(r.status, 403);
		r = await owner.post('/api/banks/elec/import?filename=x.doc', file);
		assert.equal(r.json.error.field, 'format');
		r = await owner.post('/api/banks/elec/import?format=gift&mode=append', file);
		assert.equal(r.json.error.field, 'mode');
		r = await owner.post('/api/banks/elec/import?format=gift&encoding=latin1', file);
		assert.equal(r.json.error.field, 'encoding');
		r = await owner.post('/api/banks/elec/import?format=gift', Buffer.alloc(0));
		assert.equal(r.json.error.field, 'file');
		r = await owner.post('/api/banks/nope/import?format=gift', file);
		assert.equal(r.status, 404);
		r = await owner.post('/api/banks/elec/import?format=gift', file, { withCsrf: false });
		assert.equal(r.json.error.code, 'csrf_failed');
		const { job } = await importFile(admin, 'elec', file, 'format=gift&mode=merge');
		assert.equal(job.status, 'done', JSON.stringify(job.report));
		assert.equal((await owner.get(`/api/jobs/${job.id}`)).status, 404, 'another account\'s job');
		assert.equal((await admin.get(`/api/jobs/${job.id}`)).status, 200);
		assert.equal((await admin.get(`/api/jobs/${job.id}/file`)).status, 404, 'an import has no file');
		assert.equal((await admin.get('/api/jobs/999999')).status, 404);
	});
});

describe('the template', () => {
	test('two sheets read by openpyxl: 题目 with an example of every type, 填写说明 in Chinese; it imports as it is', async () => {
		const r = await judge.get('/api/banks/template.xlsx');
		assert.equal(r.status, 403);
		const t = await owner.get('/api/banks/template.xlsx');
		assert.equal(t.status, 200);
		assert.match(t.headers['content-disposition'], /filename\*=UTF-8''%E9%A2%98%E5%BA%93/);
		const book = await readXlsx(t.raw);
		assert.deepEqual(book.map((s) => s.name), ['题目', '填写说明']);
		assert.equal(book[0].rows[0][0], '题号');
		const types = book[0].rows.slice(1).map((row) => row[1]);
		assert.deepEqual(types, ['单选题', '多选题', '判断题', '填空题', '数值题', '排序题', '匹配题']);
		assert.ok(book[1].rows.length > 10);
		assert.ok(book[1].rows.some((row) => /什么都不导入/.test(row[1] || '')));
		await owner.post('/api/banks', { code: 'tmpl', title: '模板' });
		const { job } = await importFile(owner, 'tmpl', t.raw, 'filename=template.xlsx');
		assert.equal(job.status, 'done', JSON.stringify(job.report));
		assert.equal(job.report.accepted, 7);
		const got = (await owner.get('/api/banks/tmpl')).json.types;
		assert.deepEqual(Object.keys(got).sort(), ['fill_in', 'matching', 'multiple_choice', 'numeric', 'ordering', 'single_choice', 'true_false']);
	});
});

describe('questions', () => {
	test('search in Chinese, filters and pages', async () => {
		let r = await other.get(`/api/banks/labor-law/questions?q=${encodeURIComponent('试用期')}&per_page=2`);
		assert.equal(r.status, 200);
		assert.ok(r.json.total >= 3, JSON.stringify(r.json));
		assert.equal(r.json.questions.length, 2);
		r = await other.get('/api/banks/labor-law/questions?type=true_false&difficulty=medium');
		assert.ok(r.json.questions.every((q) => q.type === 'true_false' && q.difficulty === 'medium'));
		r = await other.get('/api/banks/labor-law/questions?q=%25%25%25%25');
		assert.equal(r.json.total, 0, 'a % is a character, not a wildcard');
		r = await other.get('/api/banks/labor-law/questions?q=__');
		assert.ok(r.json.total >= 1 && r.json.questions.every((q) => q.question.text.includes('__')), 'and so is _');
		r = await other.get('/api/banks/labor-law/questions?difficulty=extreme');
		assert.equal(r.json.error.field, 'difficulty');
		assert.equal((await other.get('/api/banks/nope/questions')).status, 404);
	});

	test('edit one question, checked by the scoring engine; add one; delete one; owner only', async () => {
		let r = await owner.get('/api/banks/labor-law/questions/lc-01');
		assert.equal(r.status, 200);
		const q = r.json.question;
		q.text = '修改后的题目：试用期最长多久？';
		r = await owner.put('/api/banks/labor-law/questions/lc-01', q);
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.question.text, q.text);
		r = await owner.put('/api/banks/labor-law/questions/lc-01', { ...q, answer: 9 });
		assert.equal(r.status, 400);
		assert.ok(r.json.error.problems.some((p) => p.path.startsWith('$.answer') || p.path === '$'), r.body);
		r = await owner.put('/api/banks/labor-law/questions/lc-01', { ...q, category: 'no-such-category' });
		assert.equal(r.status, 400);
		assert.ok(r.json.error.problems.some((p) => p.path === '$.category'), r.body);
		r = await owner.put('/api/banks/labor-law/questions/lc-01', { ...q, id: 'other' });
		assert.equal(r.json.error.field, 'id');
		r = await other.put('/api/banks/labor-law/questions/lc-01', q);
		assert.equal(r.status, 403);
		r = await owner.put('/api/banks/labor-law/questions/new-1', { type: 'true_false', text: '新加的判断题', answer: true });
		assert.equal(r.status, 201, r.body);
		assert.equal(r.json.qid, 'new-1');
		r = await owner.get(`/api/banks/labor-law/questions?q=${encodeURIComponent('新加的')}`);
		assert.equal(r.json.questions[0].qid, 'new-1');
		r = await other.del('/api/banks/labor-law/questions/new-1');
		assert.equal(r.status, 403);
		r = await owner.del('/api/banks/labor-law/questions/new-1');
		assert.equal(r.status, 200);
		assert.equal((await owner.get('/api/banks/labor-law/questions/new-1')).status, 404);
		const audit = await con.waitAudit(srv, "action = 'bank.question.update' AND target = 'labor-law'");
		assert.equal(audit[0].after.text, q.text);
	});

	test('change a bank: a category still in use cannot go; bank.json validates; delete', async () => {
		let r = await owner.put('/api/banks/labor-law', { categories: [] });
		assert.equal(r.status, 409);
		assert.equal(r.json.error.field, 'categories');
		r = await owner.put('/api/banks/labor-law', { title: { 'zh-CN': '劳动法题库', en: 'Labor law' }, description: '说明' });
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.title.en, 'Labor law');
		r = await other.put('/api/banks/labor-law', { title: 'x' });
		assert.equal(r.status, 403);
		r = await owner.put('/api/banks/labor-law', { code: 'x' });
		assert.equal(r.json.error.field, 'code');
		r = await other.get('/api/banks/labor-law/bank.json');
		assert.equal(r.status, 200);
		const file = path.join(srv.dir, 'labor-law.json');
		fs.writeFileSync(file, r.raw);
		execFileSync(srv.bin, ['validate', file], { cwd: h.ROOT }); // throws unless it exits 0
		assert.equal((await other.del('/api/banks/elec')).status, 403);
		assert.equal((await owner.del('/api/banks/elec')).status, 200);
		assert.equal((await owner.get('/api/banks/elec')).status, 404);
	});
});

describe('figures', () => {
	/* n questions of every common type, as rows of the template's columns. */
	function rows(n) {
		const out = [['题号', '题型', '题目', '选项A', '选项B', '选项C', '选项D', '答案', '解析', '分类', '难度']];
		const kinds = [['单选题', 'B'], ['多选题', 'ACD'], ['判断题', '对']];
		for (let i = 1; i <= n; i++) {
			const [t, a] = kinds[i % 3];
			const opts = t === '判断题' ? ['', '', '', ''] : [`选项甲${i}`, `选项乙${i}`, `选项丙${i}`, `选项丁${i}`];
			out.push([`g${i}`, t, `第 ${i} 题：安全生产法规定的从业人员权利与义务，正确的是？`, ...opts, a, `解析 ${i}`,
				`分类${i % 12}`, ['易', '中', '难'][i % 3]]);
		}
		return out;
	}

	test('5,000 questions: CSV and XLSX, seconds and the job\'s progress', async () => {
		const data = rows(5000);
		const csv = Buffer.from('\ufeff' + data.map((r) => r.join(',')).join('\r\n') + '\r\n');
		const book = await xlsx([{ name: '题目', rows: data }]);
		await owner.post('/api/banks', { code: 'big', title: '五千题' });
		const a = await importFile(owner, 'big', csv, 'filename=big.csv');
		assert.equal(a.job.status, 'done', JSON.stringify(a.job.report.problems));
		assert.equal(a.job.report.questions, 5000);
		const b = await importFile(owner, 'big', book, 'filename=big.xlsx');
		assert.equal(b.job.status, 'done');
		assert.equal(b.job.report.questions, 5000);
		assert.equal(b.job.report.rows.length, 5000);
		const s = (x) => (x / 1000).toFixed(2);
		console.log(`# figures: 5000-question import: CSV ${csv.length} bytes ${s(a.ms)} s (progress seen ${a.progress.join(' ')}), ` +
			`XLSX ${book.length} bytes ${s(b.ms)} s (progress seen ${b.progress.join(' ')})`);
		const q = await owner.get(`/api/banks/big/questions?q=${encodeURIComponent('第 4999 题')}`);
		assert.equal(q.json.total, 1);
	});
});
