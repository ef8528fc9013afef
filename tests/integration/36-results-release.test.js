'use strict';
// 36 the publication of results (公示), appeals and the final results, on two
// processes: publishing is refused before the contest ends; a provisional
// revision with award tiers and names and employee numbers masked (the
// public page, no credential, on the other process); appeals filed with the
// participant token (a 64-character Chinese reason; hostile input refused
// with its field, never stored: 501 characters, a bidi control, invisible
// text, a bogus token, an unknown question, a second open appeal on the same
// question; markup stored as text); finalizing refused while an appeal is
// open; an appeal upheld with a key correction goes through recompute: the
// stored answers and totals change, revision 2 is published, and
// `skillarena recompute` agrees with it (answers, board, results, release);
// a dismissed appeal; finalize refused before the notice ends, forced by an
// admin only; the final revision cannot be changed or deleted (PostgreSQL's
// trigger); a later publication is revision 3, two at once on the two
// processes revisions 4 and 5; every step in the audit log; after a reset
// the page is unpublished again, the old revisions kept.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const con = require('../lib/console.js');

const CODE = 'RECOMP26';
const LONG = '安全生产劳动竞赛'.repeat(8);
const REASON = '第二题判断题的标准答案有误根据最新规程应为正确请复核并更正我的得分谢谢组织者的辛苦工作此致敬礼六十四字'.padEnd(64, '。');
const RIGHT = { e1: 1, e2: false, e3: [0, 1, 2], e4: 2, e5: [1, 0, 2], e6: [2, 3, 0, 1], e7: ['30'] };
const OTHER = { e1: 0, e2: true, e3: [0, 1], e4: 5, e5: [0, 1, 2], e6: [2, 3, 1, 0], e7: ['15'] };
const PLAYERS = [
	['张三丰', 'C-0001', 'rrrrrrr'], ['李四', 'C-0002', 'rorrrrr'], [LONG, 'C-0003', 'oorrrrr'], ['欧阳娜娜', 'C-0004', 'ro-----'],
];
const QIDS = Object.keys(RIGHT);
let srv, admin, owner, judge, viewer;
const players = [];

const pub = (i = 0) => con.client(srv.urls[i]);

before(async () => {
	srv = await h.startServer({ processes: 2, contests: [h.DEMO_CONTEST, 'tests/integration/data/recompute.json'] });
	await con.userAdd(srv, 'admin', 'admin', 'Admin-pass-1');
	admin = await con.login(srv.url, 'admin', 'Admin-pass-1');
	const o = await con.account(srv, admin, 'owner', 'organizer');
	owner = Object.assign(await con.login(srv.urls[1], 'owner', o.password, { lang: 'zh-CN' }), { id: o.id });
	const j = await con.account(srv, admin, 'judge1', 'judge');
	judge = await con.login(srv.url, 'judge1', j.password);
	const v = await con.account(srv, admin, 'viewer1', 'viewer');
	viewer = await con.login(srv.url, 'viewer1', v.password);
	await srv.psql(`UPDATE contests SET owner_id = ${o.id} WHERE code = '${CODE}'`);
	for (const [acc, role] of [[j, 'judge'], [v, 'viewer']]) {
		await srv.psql(`INSERT INTO contest_grants (contest_id, account_id, role) SELECT id, ${acc.id}, '${role}' FROM contests WHERE code = '${CODE}'`);
	}
	for (const [i, [name, emp]] of PLAYERS.entries()) {
		const { c, joined } = await h.join(srv.wsUrls[i % 2], name, { code: CODE, employee_no: emp, unit: '一分厂/电工班' });
		players.push({ c, joined, name, emp });
	}
});
after(async () => {
	for (const p of players) await p.c.close();
	if (srv) await srv.stop();
});

const appeal = (body, i = 0) => pub(i).post('/api/appeals', body);

describe('results release', () => {
	test('publishing before the end is refused (409), then the contest is played', async () => {
		const r = await owner.post(`/api/console/contests/${CODE}/results/publish`, { notice_days: 7 });
		assert.equal(r.status, 409, r.body);
		assert.match(r.json.error.message, /尚未结束/);
		await h.playPlans(srv, CODE, players, QIDS, PLAYERS.map((p) => p[2]), RIGHT, OTHER);
		const none = await pub().get(`/api/results/${CODE}`);
		assert.equal(none.status, 200, none.body);
		assert.equal(none.json.status, 'unpublished', 'nothing published yet');
		assert.deepEqual(none.json.rows, []);
		assert.equal(none.json.appeals_open, false);
		assert.equal((await pub().get('/api/results/NOSUCH1')).json.error.code, 'unknown_contest');
	});

	test('bad publications refused with their field; a viewer may not publish', async () => {
		for (const [body, field] of [[{}, 'notice_days'], [{ notice_days: -1 }, 'notice_days'], [{ notice_days: 2.5 }, 'notice_days'],
			[{ notice_days: 91 }, 'notice_days'], [{ notice_days: 3, mask: 'x' }, 'mask']]) {
			const r = await owner.post(`/api/console/contests/${CODE}/results/publish`, body);
			assert.equal(r.status, 400, JSON.stringify(body));
			assert.equal(r.json.error.field, field);
		}
		assert.equal((await viewer.post(`/api/console/contests/${CODE}/results/publish`, { notice_days: 3 })).status, 403);
		assert.equal((await admin.post('/api/console/contests/NOSUCH1/results/publish', { notice_days: 3 })).status, 404);
	});

	test('revision 1: provisional, awards, masked names on the public page of the other process', async () => {
		const r = await owner.post(`/api/console/contests/${CODE}/results/publish`, { notice_days: 7, mask: { keep_last: true, id_keep: 2 } });
		assert.equal(r.status, 201, r.body);
		assert.equal(r.json.revision, 1);
		assert.equal(r.json.status, 'provisional');
		assert.equal(r.json.participants, 4);
		const days = (Date.parse(r.json.notice_until) - Date.now()) / 86400000;
		assert.ok(days > 6.9 && days < 7.1, r.json.notice_until);
		const p = await pub(1).get(`/api/results/${CODE}`);
		assert.equal(p.status, 200, p.body);
		assert.equal(p.json.status, 'provisional');
		assert.equal(p.json.revision, 1);
		assert.equal(p.json.appeals_open, true);
		assert.deepEqual(p.json.questions.map((q) => q.id), QIDS);
		const rows = p.json.rows;
		assert.equal(rows.length, 4);
		assert.equal(rows[0].name, '张*丰');
		assert.equal(rows[0].employee_no, '****01');
		assert.equal(rows[0].award, '一等奖');
		assert.equal(rows[1].award, '二等奖');
		assert.equal(rows[3].award, null);
		assert.ok(rows.some((x) => x.name === '欧阳**'), JSON.stringify(rows));
		const long = rows.find((x) => x.name.startsWith('安'));
		assert.equal([...long.name].length, 64, 'one mask character per character');
		assert.ok(!p.body.includes('张三丰') && !p.body.includes('C-0001') && !p.body.includes('participant_id'), 'nothing unmasked');
	});

	test('appeals by participant token: a 64-character Chinese reason; hostile input refused, nothing stored', async () => {
		const tok = players[1].joined.token;
		const ok = await appeal({ token: tok, question_id: 'e2', reason: REASON }, 1);
		assert.equal(ok.status, 201, ok.body);
		assert.equal(ok.json.status, 'open');
		const again = await appeal({ token: tok, question_id: 'e2', reason: '再次申诉' });
		assert.equal(again.status, 409);
		assert.equal(again.json.error.field, 'question_id');
		const bad = [
			[{ token: tok, question_id: 'e3', reason: '长'.repeat(501) }, 400, 'reason'],
			[{ token: tok, question_id: 'e3', reason: '理由\u202e反转' }, 400, 'reason'],
			[{ token: tok, question_id: 'e3', reason: '\u200b\u3000 ' }, 400, 'reason'],
			[{ token: tok, question_id: 'e3' }, 400, 'reason'],
			[{ token: tok, question_id: 'e3', reason: 7 }, 400, 'reason'],
			[{ token: tok, question_id: 'nope', reason: '没有这道题' }, 400, 'question_id'],
			[{ token: tok, question_id: 5, reason: '题号不是文本' }, 400, 'question_id'],
			[{ token: 'f'.repeat(32), question_id: 'e3', reason: '伪造的凭证' }, 401, 'token'],
			[{ token: 'short', reason: '短凭证' }, 400, 'token'],
			[{ reason: '没有凭证' }, 400, 'token'],
		];
		for (const [body, status, field] of bad) {
			const r = await appeal(body);
			assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)}: ${r.body}`);
			assert.equal(r.json.error.field, field);
		}
		const markup = await appeal({ token: players[2].joined.token, question_id: null, reason: '<script>alert(1)</script>\n第二行' });
		assert.equal(markup.status, 201, markup.body);
		const rows = await srv.sql(`SELECT reason FROM appeals ORDER BY id`);
		assert.deepEqual(rows.map((x) => x.reason), [REASON, '<script>alert(1)</script> 第二行']);
	});

	test('finalizing is refused while appeals are open, even forced', async () => {
		const r = await owner.post(`/api/console/contests/${CODE}/results/finalize`, {});
		assert.equal(r.status, 409, r.body);
		assert.match(r.json.error.message, /申诉/);
		assert.equal((await admin.post(`/api/console/contests/${CODE}/results/finalize`, { force: true })).status, 409);
	});

	test('the judge lists the appeals; one is upheld with a key correction: recomputed, revision 2', async () => {
		const l = await judge.get(`/api/console/contests/${CODE}/appeals`);
		assert.equal(l.status, 200, l.body);
		assert.equal(l.json.appeals.length, 2);
		const a = l.json.appeals[0];
		assert.equal(a.reason, REASON);
		assert.equal(a.name, '李四');
		assert.equal(a.question_id, 'e2');
		assert.equal((await judge.get(`/api/console/contests/${CODE}/appeals?status=open`)).json.appeals.length, 2);
		const before = await srv.sql(`SELECT p.employee_no, p.score_milli::text AS s FROM participants p ORDER BY p.id`);
		for (const [body, field] of [[{ decision: 'maybe', reply: '否' }, 'decision'], [{ decision: 'upheld' }, 'reply'],
			[{ decision: 'dismissed', reply: '否', correction: { question_id: 'e2', answer: true } }, 'correction'],
			[{ decision: 'upheld', reply: '更正', correction: { question_id: 'zz', answer: true } }, 'correction'],
			[{ decision: 'upheld', reply: '更正', correction: { question_id: 'e2', participant_id: 999999, points: 1 } }, 'correction']]) {
			const r = await judge.post(`/api/console/contests/${CODE}/appeals/${a.id}/decide`, body);
			assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.body}`);
			assert.equal(r.json.error.field, field);
		}
		assert.equal((await srv.sql(`SELECT status FROM appeals WHERE id = ${a.id}`))[0].status, 'open', 'a refused decision changes nothing');
		assert.equal((await viewer.post(`/api/console/contests/${CODE}/appeals/${a.id}/decide`, { decision: 'dismissed', reply: '否' })).status, 403);
		const d = await judge.post(`/api/console/contests/${CODE}/appeals/${a.id}/decide`,
			{ decision: 'upheld', reply: '经复核，第二题答案更正为“正确”。', correction: { question_id: 'e2', answer: true } });
		assert.equal(d.status, 200, d.body);
		assert.equal(d.json.revision, 2);
		const e2 = await srv.sql(`SELECT correctness FROM answers WHERE question_id = 'e2' ORDER BY participant_id`);
		assert.deepEqual(e2.map((x) => x.correctness), [0, 2, 2, 2], 'every answer of e2 judged by the new key');
		assert.ok(d.json.changed_answers > 4, 'and the streak bonuses after it');
		const mine = await pub(1).post('/api/appeals/mine', { token: players[1].joined.token });
		assert.equal(mine.status, 200, mine.body);
		assert.deepEqual(mine.json.appeals.map((x) => [x.question_id, x.status, x.reply, x.revision]), [['e2', 'upheld', '经复核，第二题答案更正为“正确”。', 2]]);
		assert.equal((await pub().post('/api/appeals/mine', { token: 'f'.repeat(32) })).status, 401);
		assert.equal((await pub().post('/api/appeals/mine', {})).json.error.field, 'token');
		const again = await judge.post(`/api/console/contests/${CODE}/appeals/${a.id}/decide`, { decision: 'dismissed', reply: '否' });
		assert.equal(again.status, 409);
		const after = await srv.sql(`SELECT p.employee_no, p.score_milli::text AS s FROM participants p ORDER BY p.id`);
		assert.notDeepEqual(after, before, 'the totals changed');
		const p = await pub().get(`/api/results/${CODE}`);
		assert.equal(p.json.revision, 2);
		assert.equal(p.json.status, 'provisional');
		const rc = await srv.cli(['recompute', CODE]);
		assert.equal(rc.code, 0, rc.stdout + rc.stderr);
		assert.match(rc.stdout, /4 result rows, 4 release rows compared: 0 differences/);
		// The Redis board follows the correction.
		const lb = await srv.redis('ZRANGE', `sa:${CODE}:lb`, '0', '-1', 'WITHSCORES');
		assert.equal(lb.length, 8);
	});

	test('the other appeal dismissed; finalize: refused before the notice ends, forced by an admin only', async () => {
		const [b] = await srv.sql(`SELECT id FROM appeals WHERE status = 'open'`);
		const d = await owner.post(`/api/console/contests/${CODE}/appeals/${b.id}/decide`, { decision: 'dismissed', reply: '理由不成立。' });
		assert.equal(d.status, 200, d.body);
		assert.equal(d.json.revision, undefined, 'a dismissal publishes nothing');
		const early = await owner.post(`/api/console/contests/${CODE}/results/finalize`, {});
		assert.equal(early.status, 409);
		assert.match(early.json.error.message, /公示期/);
		const forced = await owner.post(`/api/console/contests/${CODE}/results/finalize`, { force: true });
		assert.equal(forced.status, 403);
		assert.equal(forced.json.error.field, 'force');
		const f = await admin.post(`/api/console/contests/${CODE}/results/finalize`, { force: true });
		assert.equal(f.status, 200, f.body);
		assert.equal(f.json.revision, 2);
		assert.equal(f.json.status, 'final');
		const p = await pub(1).get(`/api/results/${CODE}`);
		assert.equal(p.json.status, 'final');
		assert.equal(p.json.appeals_open, false);
		assert.ok(p.json.finalized_at);
		const late = await appeal({ token: players[0].joined.token, question_id: 'e1', reason: '公示期后申诉' });
		assert.equal(late.status, 409);
		assert.match(late.json.error.message, /notice period is over/);
		assert.equal((await owner.post(`/api/console/contests/${CODE}/results/finalize`, {})).status, 409, 'final already');
	});

	test('a final revision is immutable; a later publication is revision 3; all of it audited', async () => {
		for (const q of [`UPDATE result_releases SET note = 'x' WHERE revision = 2`, `DELETE FROM result_releases WHERE revision = 2`,
			`UPDATE result_release_rows SET score_milli = 0 WHERE revision = 2`, `DELETE FROM result_release_rows WHERE revision = 2`]) {
			await assert.rejects(srv.psql(q), /final/, q);
		}
		const r = await owner.post(`/api/console/contests/${CODE}/results/publish`, { notice_days: 0 });
		assert.equal(r.status, 201, r.body);
		assert.equal(r.json.revision, 3);
		const revs = await srv.sql(`SELECT revision, status FROM result_releases ORDER BY revision`);
		assert.deepEqual(revs.map((x) => `${x.revision}:${x.status}`), ['1:provisional', '2:final', '3:provisional']);
		// two organizers publish at once on the two processes: two revisions, one after the other
		const both = await Promise.all([owner.post(`/api/console/contests/${CODE}/results/publish`, { notice_days: 1 }),
			admin.post(`/api/console/contests/${CODE}/results/publish`, { notice_days: 1 })]);
		assert.deepEqual(both.map((x) => x.status), [201, 201]);
		assert.deepEqual(both.map((x) => x.json.revision).sort(), [4, 5]);
		const rows = await srv.sql(`SELECT revision, count(*)::int AS n FROM result_release_rows GROUP BY revision ORDER BY revision`);
		assert.deepEqual(rows.map((x) => x.n), [4, 4, 4, 4, 4], 'every revision whole');
		const audit = await con.waitAudit(srv, `contest_code = '${CODE}' AND action IN ('results.publish', 'appeal.file', 'appeal.decide', 'results.finalize')`, 9);
		const actions = audit.map((x) => x.action);
		for (const a of ['results.publish', 'appeal.file', 'appeal.decide', 'results.finalize']) assert.ok(actions.includes(a), `${a} in ${actions}`);
		assert.equal(actions.filter((x) => x === 'results.publish').length, 4, 'revision 2 is the decision\'s');
		assert.equal(audit.find((x) => x.action === 'appeal.decide' && x.after.status === 'upheld').after.revision, 2);
		assert.equal(actions.filter((x) => x === 'appeal.file').length, 2);
	});

	test('a reset starts a new run: its page is unpublished again, the old revisions stay for the record', async () => {
		const r = await srv.cli(['reset', CODE, '--if-finished']);
		assert.equal(r.code, 0, r.stdout + r.stderr);
		const p = await pub(1).get(`/api/results/${CODE}`);
		assert.equal(p.json.status, 'unpublished');
		assert.deepEqual(p.json.rows, []);
		assert.equal((await srv.sql('SELECT count(*)::int AS n FROM result_releases'))[0].n, 5);
		assert.equal((await srv.sql("SELECT count(*)::int AS n FROM result_releases WHERE status = 'final'"))[0].n, 1);
		const f = await owner.post(`/api/console/contests/${CODE}/results/finalize`, {});
		assert.equal(f.status, 409);
		assert.match(f.json.error.message, /尚未公示/);
	});
});
