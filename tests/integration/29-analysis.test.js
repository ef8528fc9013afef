'use strict';
// 29 the analysis page's API (数据分析), on two processes: a live contest
// (tests/integration/data/analysis.json: six right/wrong questions of 100
// points) against a roster of three units, one named with 64 Chinese
// characters. Before anyone answers: empty charts that say "暂无数据", not
// errors. Then six players answer a known pattern (a question everyone gets
// right, one nobody does, with the options they chose, one that discriminates
// negatively) and a seventh joins without answering: the JSON on the other
// process is checked exactly - participation by unit against the roster's
// headcount, the score distribution, facility, flags, option shares, and the
// point-biserial and KR-20 against a computation of our own; the awards by
// unit once the results are published. The charts: SVG parsed as XML by
// python3 (the long unit whole in its tooltip), PNG read by `file`, PDF by
// pdftotext (the Chinese title, or the English one with ?lang=en). Refusals:
// 403 for an organizer without a grant, 404 for an unknown contest, chart or
// format, 400 for a bad period or a period asked of a live contest. A mass
// contest (self-paced) played by two workers: its analysis over every
// attempt, over the day they were made (the contest's time zone) and over
// another day (nothing: zeros, not an error).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');
const sp = require('../lib/selfpaced.js');

const CODE = 'ANALY26';
const LONG = '安全生产劳动竞赛'.repeat(8); /* 64 characters: a top-level unit */
const U1 = '测试公司/一车间';
const U2 = '测试公司/二车间';
const QIDS = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
// name, employee number, unit, plan per question: r right, w wrong, a digit: that option of n2, - nothing
const PLAYERS = [
	['甲', 'A-001', U1, 'r0wwrw'],
	['乙', 'A-002', U1, 'r0rrrr'],
	['丙', 'A-003', U2, 'r2wrrw'],
	['丁', 'A-004', U2, 'r2wrwr'],
	['戊', 'A-005', LONG, 'r3rrww'],
	['己', 'A-006', LONG, 'r-wwrw'],
	['庚', 'A-007', '外包单位', '------'],
];
const MARKS = PLAYERS.slice(0, 6).map((p) => [...p[3]].map((c) => (c === 'r' ? 1 : 0)));
const MASS = 'MASS29';
const BANKS = ['safety'];
let srv, admin, owner, owner2, viewer, other, tmp, massFile;
const players = [];

const base = `/api/console/contests/${CODE}/analysis`;

/* Pearson's r, and KR-20 as docs/results.md defines them: our own arithmetic, not the server's. */
function pearson(x, y) {
	const n = x.length, mx = x.reduce((a, b) => a + b) / n, my = y.reduce((a, b) => a + b) / n;
	let sxy = 0, sxx = 0, syy = 0;
	for (let i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) ** 2;
		syy += (y[i] - my) ** 2;
	}
	return sxx && syy ? sxy / Math.sqrt(sxx * syy) : null;
}
function kr20(m) {
	const k = m[0].length, n = m.length, tot = m.map((r) => r.reduce((a, b) => a + b));
	const mt = tot.reduce((a, b) => a + b) / n, vt = tot.reduce((a, t) => a + (t - mt) ** 2, 0) / n;
	let pq = 0;
	for (let j = 0; j < k; j++) {
		const p = m.reduce((a, r) => a + r[j], 0) / n;
		pq += p * (1 - p);
	}
	return (k / (k - 1)) * (1 - pq / vt);
}

/* An SVG through python3's XML parser: the root's tag and every text of <text> and <title>. */
function parseSvg(svg) {
	const file = path.join(tmp, `chart-${Date.now()}-${Math.random()}.svg`);
	fs.writeFileSync(file, svg);
	const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = '{http://www.w3.org/2000/svg}'
texts = [''.join(e.itertext()) for e in root.iter() if e.tag in (ns + 'text', ns + 'title')]
print(json.dumps({'tag': root.tag, 'texts': texts, 'bars': sum(1 for e in root.iter(ns + 'rect') if e.get('class') == 'bar')}, ensure_ascii=False))`;
	return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' }));
}

async function svgOf(client, chart, query = '') {
	const r = await client.get(`${base}/${chart}.svg${query}`);
	assert.equal(r.status, 200, r.body.slice(0, 300));
	assert.match(r.headers['content-type'], /^image\/svg\+xml/);
	const x = parseSvg(r.body);
	assert.equal(x.tag, '{http://www.w3.org/2000/svg}svg');
	return x;
}

before(async () => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-analysis-'));
	const now = Date.now();
	massFile = sp.writeContest(sp.tempDir('29'), {
		code: MASS,
		title: { 'zh-CN': '全员安全知识竞答', en: 'Safety quiz for all' },
		mode: 'mass',
		window: sp.windowAround(now - 86400e3, now + 86400e3, 5),
		scoring: { points: 10, time_factor: false },
		attempts: { per_day: 3 },
		paper: { rules: [{ bank: 'safety', type: 'single_choice', count: 4 }], shuffle_questions: true, shuffle_options: true },
	}, BANKS);
	srv = await h.startServer({ processes: 2, contests: [h.DEMO_CONTEST, 'tests/integration/data/analysis.json', massFile] });
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	const o = await con.account(srv, admin, 'owner', 'organizer');
	owner = Object.assign(await con.login(srv.url, 'owner', o.password, { lang: 'zh-CN' }), { id: o.id });
	owner2 = await con.login(srv.urls[1], 'owner', o.password, { lang: 'zh-CN' }); /* the second process */
	const x = await con.account(srv, admin, 'other', 'organizer');
	other = await con.login(srv.url, 'other', x.password);
	const v = await con.account(srv, admin, 'viewer1', 'viewer');
	viewer = await con.login(srv.urls[1], 'viewer1', v.password, { lang: 'zh-CN' });
	await srv.psql(`UPDATE contests SET owner_id = ${o.id} WHERE code IN ('${CODE}', '${MASS}')`);
	await srv.psql(`INSERT INTO contest_grants (contest_id, account_id, role) SELECT id, ${v.id}, 'viewer' FROM contests WHERE code = '${CODE}'`);
	/* the roster: 一车间 4 active workers and one who left, 二车间 5, the long unit 2 */
	const workers = [[U1, 4, true], [U1, 1, false], [U2, 5, true], [LONG, 2, true]];
	let n = 0;
	for (const [unit, count, active] of workers) {
		for (let i = 0; i < count; i++) {
			n++;
			await srv.psql(`INSERT INTO workers (employee_no, name, unit_id, active) VALUES ('W-${n}', '职工${n}', units_ensure('${unit}'), ${active})`);
		}
	}
});
after(async () => {
	for (const p of players) await p.c.close();
	if (srv) await srv.stop();
	if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('analysis', () => {
	test('before anyone answers: zeros and empty charts that say so', async () => {
		const r = await owner2.get(base);
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.code, CODE);
		assert.equal(r.json.title, '数据分析测试竞赛');
		assert.equal(r.json.mode, 'live');
		assert.equal(r.json.participation.participants, 0);
		assert.equal(r.json.participation.headcount, 11);
		assert.equal(r.json.scores.participants, 0);
		assert.equal(r.json.scores.mean, null);
		assert.deepEqual(r.json.items.items, [], 'no question opened yet');
		assert.equal(r.json.items.paper.attempts, 0);
		assert.equal(r.json.awards, null, 'nothing published');
		for (const [chart, bars] of [['scores', 10], ['items', 0], ['awards', 0]]) {
			const s = await svgOf(owner, chart);
			assert.ok(s.texts.includes('暂无数据'), `${chart}: ${JSON.stringify(s.texts)}`);
			assert.equal(s.bars, bars, `${chart}: bars of no height, or none`);
		}
		const p = await svgOf(owner, 'participation');
		assert.ok(p.texts.includes('0.0% (0/4)'), JSON.stringify(p.texts));
	});

	test('six players answer a known pattern, a seventh only joins', async () => {
		for (const [i, [name, emp, unit]] of PLAYERS.entries()) {
			const { c, joined } = await h.join(srv.wsUrls[i % 2], name, { code: CODE, employee_no: emp, unit });
			players.push({ c, joined });
		}
		const host = await h.host(srv.wsUrl, srv.organizerToken, CODE);
		for (let q = 0; q < QIDS.length; q++) {
			await h.hostCmd(host, q ? 'next' : 'start');
			for (const p of players) await p.c.waitFor((m) => m.type === 'question' && m.id === QIDS[q], 10000, 'question');
			for (const [k, p] of players.entries()) {
				const plan = PLAYERS[k][3][q];
				if (plan === '-') continue;
				const response = QIDS[q] === 'n2' ? Number(plan) : plan === 'r';
				const ack = await p.c.request({ type: 'answer', question_id: QIDS[q], response });
				assert.equal(ack.type, 'ack', JSON.stringify(ack));
			}
			await h.hostCmd(host, 'reveal');
		}
		await h.hostCmd(host, 'end');
		await host.close();
	});

	test('the JSON on the other process: participation, scores, items exactly', async () => {
		const r = await viewer.get(base);
		assert.equal(r.status, 200, r.body);
		const j = r.json;
		/* participation by unit against the roster's active workers */
		assert.equal(j.participation.participants, 7);
		assert.equal(j.participation.headcount, 11);
		assert.equal(j.participation.unassigned, 0);
		const unit = (p) => j.participation.units.find((u) => u.path === p);
		assert.deepEqual(['测试公司', U1, U2, LONG, '外包单位'].map((p) => [unit(p).headcount, unit(p).participants]),
			[[9, 4], [4, 2], [5, 2], [2, 2], [0, 1]]);
		assert.equal(unit(U1).rate, 0.5);
		assert.equal(unit(U2).rate, 0.4);
		assert.equal(unit(LONG).rate, 1);
		assert.equal(unit('外包单位').rate, null);
		assert.equal(unit('外包单位').unlisted, true);
		assert.equal(unit(U1).depth, 1);
		/* scores: 500, 300 x3, 200 x2, 0 over 0-600 in ten bins */
		assert.equal(j.scores.participants, 7);
		assert.equal(j.scores.max, 600);
		assert.ok(Math.abs(j.scores.mean - 1800 / 7) < 1e-9, String(j.scores.mean));
		assert.deepEqual(j.scores.bins.map((b) => b.count), [1, 0, 0, 2, 0, 3, 0, 0, 1, 0]);
		assert.deepEqual(j.scores.bins.map((b) => b.from), [0, 60, 120, 180, 240, 300, 360, 420, 480, 540]);
		/* items */
		const it = j.items.items;
		assert.deepEqual(it.map((x) => x.id), QIDS);
		assert.deepEqual(it.map((x) => x.n), [6, 6, 6, 6, 6, 6], 'six attempts: the seventh answered nothing');
		const fac = [1, 0, 1 / 3, 2 / 3, 2 / 3, 1 / 3];
		it.forEach((x, q) => assert.ok(Math.abs(x.facility - fac[q]) < 1e-9, `${x.id} facility ${x.facility}`));
		assert.deepEqual(it.map((x) => x.flags), [['easy'], ['hard'], [], [], ['negative'], []]);
		for (const [q, x] of it.entries()) {
			const xs = MARKS.map((m) => m[q]), rest = MARKS.map((m) => m.reduce((a, b) => a + b) - m[q]);
			const r2 = pearson(xs, rest);
			if (r2 === null) assert.equal(x.r_pbis, null, x.id);
			else assert.ok(Math.abs(x.r_pbis - r2) < 1e-9, `${x.id}: r ${x.r_pbis}, ours ${r2}`);
		}
		assert.ok(it[4].r_pbis < 0);
		assert.equal(it[1].answered, 5);
		assert.deepEqual(it[1].options.map((s) => Math.round(s * 6)), [2, 0, 2, 1], 'n2: who chose which option');
		assert.ok(Math.abs(it[1].blank - 1 / 6) < 1e-9);
		assert.deepEqual(it[0].options, [], 'true/false: no options');
		assert.deepEqual(it[1].text, { 'zh-CN': '灭火器压力表指针在哪个区域表示正常？', en: "Where does a fire extinguisher's gauge read normal?" });
		assert.equal(j.items.paper.attempts, 6);
		assert.equal(j.items.paper.complete, 6);
		assert.equal(j.items.paper.dichotomous, true);
		assert.ok(Math.abs(j.items.paper.kr20 - kr20(MARKS)) < 1e-9, `kr20 ${j.items.paper.kr20}, ours ${kr20(MARKS)}`);
		assert.equal(j.awards, null);
	});

	test('the charts: SVG with the 64-character unit whole in its tooltip, PNG, PDF in Chinese and English', async () => {
		const p = await svgOf(owner, 'participation');
		assert.ok(p.texts.some((t) => t === `${LONG}: 100.0% (2/2)`), 'the long unit whole in its tooltip');
		assert.ok(p.texts.some((t) => t.endsWith('…') && LONG.startsWith(t.slice(0, -1))), 'shortened on its label');
		assert.ok(p.texts.includes('50.0% (2/4)'));
		assert.ok(p.texts[0].startsWith('各单位参与率'), p.texts[0]);
		const s = await svgOf(owner, 'scores');
		assert.equal(s.bars, 10);
		assert.ok(!s.texts.includes('暂无数据'));
		const items = await svgOf(owner, 'items', '?lang=en');
		assert.ok(items.texts.some((t) => t.startsWith('Item analysis')), JSON.stringify(items.texts.slice(0, 3)));
		assert.ok(items.texts.includes('n5'), 'the negative question labelled');
		const top = await svgOf(owner, 'participation', '?depth=0');
		assert.equal(top.bars, 2, 'top level only: 测试公司 and the long unit (外包单位 has no headcount)');

		const png = await owner.get(`${base}/participation.png`);
		assert.equal(png.status, 200);
		assert.equal(png.headers['content-type'], 'image/png');
		fs.writeFileSync(path.join(tmp, 'p.png'), png.raw);
		const m = /PNG image data, (\d+) x (\d+)/.exec(execFileSync('file', [path.join(tmp, 'p.png')], { encoding: 'utf8' }));
		assert.ok(m, 'file says PNG');
		const width = Number(/<svg[^>]* width="(\d+)"/.exec((await owner.get(`${base}/participation.svg`)).body)[1]);
		assert.equal(Number(m[1]), width * 2, 'twice the SVG width');
		assert.ok(Number(m[2]) > 100);

		for (const [lang, title, unitName] of [['', '各单位参与率', '一车间'], ['?lang=en', 'Participation by unit', '一车间']]) {
			const pdf = await owner2.get(`${base}/participation.pdf${lang}`);
			assert.equal(pdf.status, 200, pdf.body.slice(0, 200));
			assert.equal(pdf.headers['content-type'], 'application/pdf');
			assert.match(pdf.headers['content-disposition'], /filename\*=UTF-8''ANALY26%20/);
			const file = path.join(tmp, `p${lang ? '-en' : ''}.pdf`);
			fs.writeFileSync(file, pdf.raw);
			const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
			assert.ok(text.includes(title), text.slice(0, 300));
			assert.ok(text.includes(unitName), 'Chinese unit names are drawn');
		}
		const spdf = await owner.get(`${base}/scores.pdf`);
		fs.writeFileSync(path.join(tmp, 's.pdf'), spdf.raw);
		assert.ok(execFileSync('pdftotext', [path.join(tmp, 's.pdf'), '-'], { encoding: 'utf8' }).includes('得分分布'));
	});

	test('awards by unit from the published results', async () => {
		const pub = await owner.post(`/api/console/contests/${CODE}/results/publish`, { notice_days: 3 });
		assert.equal(pub.status, 201, pub.body);
		const j = (await viewer.get(base)).json;
		assert.equal(j.awards.revision, 1);
		assert.equal(j.awards.status, 'provisional');
		assert.deepEqual(j.awards.tiers, ['一等奖', '二等奖', '三等奖']);
		assert.equal(j.awards.participation, null, 'the contest gives no participation award');
		const counts = (p) => j.awards.units.find((u) => u.path === p).counts;
		/* 乙 500 first; 丙 丁 戊 300 tied across the boundary: all second (ties "higher"); 甲 己 200 third; 庚 0 nothing */
		assert.deepEqual(counts('测试公司'), [1, 2, 1]);
		assert.deepEqual(counts(U1), [1, 0, 1]);
		assert.deepEqual(counts(U2), [0, 2, 0]);
		assert.deepEqual(counts(LONG), [0, 1, 1]);
		assert.deepEqual(counts('外包单位'), [0, 0, 0]);
		/* the same counts as the release's own rows say */
		const rows = await srv.sql(`SELECT unit, award_tier FROM result_release_rows r JOIN contests c ON c.id = r.contest_id WHERE c.code = '${CODE}' AND award_tier IS NOT NULL`);
		assert.equal(rows.length, 6);
		const en = await owner.get(`${base}?lang=en`);
		assert.deepEqual(en.json.awards.tiers, ['First prize', 'Second prize', 'Third prize']);
		const a = await svgOf(owner, 'awards');
		assert.ok(!a.texts.includes('暂无数据'));
		assert.ok(a.texts.includes('三等奖'));
		assert.ok(a.texts.some((t) => t === `${LONG}: 一等奖 0, 二等奖 1, 三等奖 1`), JSON.stringify(a.texts.filter((t) => t.includes(':'))));
	});

	test('refusals: 403 without a grant, 404 unknown contest, chart or format, 400 bad periods', async () => {
		const f = await other.get(base);
		assert.equal(f.status, 403, f.body);
		assert.equal(f.json.error.code, 'forbidden');
		assert.equal((await other.get(`${base}/scores.svg`)).status, 403);
		const u = await admin.get('/api/console/contests/NOSUCH9/analysis');
		assert.equal(u.status, 404, u.body);
		assert.equal(u.json.error.code, 'unknown_contest');
		assert.equal((await admin.get('/api/console/contests/NOSUCH9/analysis/scores.png')).status, 404);
		for (const bad of ['histogram.svg', 'scores.gif', 'scores', 'scores.svg.png', '.svg']) {
			const r = await owner.get(`${base}/${bad}`);
			assert.equal(r.status, 404, bad);
			assert.equal(r.json.error.field, 'chart', bad);
		}
		for (const [q, field] of [['from=2026-02-30', 'from'], ['to=20260101', 'to'], ['from=2026-03-02&to=2026-03-01', 'to'],
			['lang=fr', 'lang'], ['depth=10', 'depth'], ['depth=x', 'depth'], ['from=2026-03-01', 'from']]) {
			const r = await owner.get(`${base}?${q}`);
			assert.equal(r.status, 400, q);
			assert.equal(r.json.error.code, 'invalid_field', q);
			assert.equal(r.json.error.field, field, q);
		}
		const live = await owner.get(`${base}/scores.svg?from=2026-03-01&to=2026-03-31`);
		assert.match(live.json.error.message, /考试和大型知识竞赛/, 'a period is for self-paced contests');
	});

	test('a mass contest: every attempt, the day they were made, another day', async () => {
		const bank = sp.bankQuestions(BANKS);
		const ws = [];
		for (const [i, [emp, name, unit, rights]] of [['A-001', '甲', U1, [4, 2]], ['A-003', '丙', U2, [1]]].entries()) {
			const { c } = await h.join(srv.wsUrls[i], name, { code: MASS, employee_no: emp, unit });
			ws.push(c);
			await c.next('attempts');
			for (const right of rights) {
				const a = await sp.ok(c, { type: 'attempt_start' }, 'attempt');
				for (let q = 0; q < a.count; q++) {
					await sp.ok(c, { type: 'save', attempt_id: a.attempt_id, index: q, response: sp.keyOf(a.questions[q], bank, q >= right), change: 1 }, 'saved');
				}
				await sp.ok(c, { type: 'submit', attempt_id: a.attempt_id }, 'result');
			}
		}
		for (const c of ws) await c.close();
		const mbase = `/api/console/contests/${MASS}/analysis`;
		const all = await owner2.get(mbase);
		assert.equal(all.status, 200, all.body);
		assert.equal(all.json.mode, 'mass');
		assert.equal(all.json.participation.participants, 2);
		assert.deepEqual(all.json.scores.bins.reduce((a, b) => a + b.count, 0), 2);
		assert.equal(all.json.scores.max, 40);
		assert.equal(all.json.scores.mean, 25, 'the best attempt counts: 40 and 10');
		assert.equal(all.json.items.available, true);
		assert.equal(all.json.items.paper.attempts, 3, 'every finished attempt');
		const given = all.json.items.items.reduce((a, x) => a + x.n, 0);
		assert.equal(given, 12, 'four questions on each of three papers');
		const right = all.json.items.items.reduce((a, x) => a + x.facility * x.n, 0);
		assert.ok(Math.abs(right - 7) < 1e-9, `7 right answers in all, ${right}`);
		const [{ day }] = await srv.sql(`SELECT DISTINCT day::text AS day FROM attempts t JOIN contests c ON c.id = t.contest_id WHERE c.code = '${MASS}'`);
		const same = await owner.get(`${mbase}?from=${day}&to=${day}`);
		assert.equal(same.status, 200, same.body);
		assert.deepEqual(same.json.period, { from: day, to: day });
		assert.equal(same.json.participation.participants, 2);
		assert.equal(same.json.items.paper.attempts, 3);
		const other = new Date(Date.parse(`${day}T00:00:00Z`) - 86400e3).toISOString().slice(0, 10);
		const none = await owner.get(`${mbase}?from=${other}&to=${other}`);
		assert.equal(none.status, 200, none.body);
		assert.equal(none.json.participation.participants, 0);
		assert.equal(none.json.scores.participants, 0);
		assert.deepEqual(none.json.items.items, []);
		const svg = await owner.get(`${mbase}/scores.svg?from=${other}&to=${other}`);
		const x = parseSvg(svg.body);
		assert.ok(x.texts.includes('暂无数据'));
		assert.ok(x.texts.some((t) => t.includes(other)), 'the period in the title');
	});
});
