'use strict';
// 92 mass contests over days: N attempts a day with the day beginning at midnight in
// Asia/Shanghai (16:00 UTC, crossed with the test clock while the UTC date stays), the best
// attempt counts (ties: the shorter time) overall and per day, the day board in Redis (rebuilt
// from PostgreSQL after FLUSHALL), unit participation rates and averages against a roster of
// `units` and `workers` rows inserted here, the daily list of who has not taken part, and the
// boards pushed to screens and served over HTTP.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');
const sp = require('../lib/selfpaced.js');

const BANKS = ['safety'];
const bank = sp.bankQuestions(BANKS);
const DAY = 86400e3;

/** The Shanghai date of ms, YYYY-MM-DD. */
const shDate = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
const utcDate = (ms) => new Date(ms).toISOString().slice(0, 10);

/* The roster (docs/contests.md, "Mass contests"): the tables of server/sql/011_roster.sql. */
const ROSTER_SQL = `
INSERT INTO units VALUES (1, NULL, '示范公司', '示范公司'), (2, 1, '一分厂', '示范公司/一分厂'),
  (3, 1, '二分厂', '示范公司/二分厂'), (4, 2, '一车间', '示范公司/一分厂/一车间');
INSERT INTO workers (employee_no, name, unit_id, active) VALUES
  ('W1', '王一', 4, true), ('W2', '王二', 4, true), ('W3', '王三', 4, true), ('W4', '王四', 4, true),
  ('W5', '王五', 2, true), ('W6', '王六', 2, true),
  ('W7', '王七', 3, true), ('W8', '王八', 3, true), ('W9', '王九', 3, true), ('W10', '王十', 3, true),
  ('W11', '王离职', 3, false);`;

describe('mass: days in Asia/Shanghai, best of, boards, units', () => {
	let srv, dir, clock, midnight, d1, d2;
	const ps = {};
	before(async () => {
		dir = sp.tempDir('92');
		clock = sp.clockFile(dir);
		const now = Date.now();
		const file = sp.writeContest(dir, {
			code: 'MASS92',
			title: { 'zh-CN': '全员知识竞答（测试）', en: 'Mass quiz (test)' },
			mode: 'mass',
			window: sp.windowAround(now - 10 * DAY, now + 20 * DAY, 5),
			scoring: { points: 1, time_factor: false },
			attempts: { per_day: 2 },
			leaderboards: { individual: true, unit: true },
			paper: { rules: [{ bank: 'safety', type: 'single_choice', count: 4 }], shuffle_questions: true, shuffle_options: true },
		}, BANKS);
		srv = await h.startServer({ processes: 2, contests: [file], args: sp.serverArgs(clock) });
		await srv.psql(ROSTER_SQL);
		// The next midnight in Shanghai at least a minute away: 16:00 UTC.
		midnight = Math.ceil((now + 60e3 + 8 * 3600e3) / DAY) * DAY - 8 * 3600e3;
		d1 = shDate(midnight - 1000);
		d2 = shDate(midnight);
		await sp.setClock(clock, midnight - 40e3 - Date.now());
		for (const [emp, name, unit, i] of [['W1', '王一', '', 0], ['W2', '王二', '', 1], ['W7', '王七', '', 0], ['X1', '外协甲', '外协队', 1]]) {
			const { c, joined } = await h.join(srv.wsUrls[i], name, { code: 'MASS92', employee_no: emp, unit });
			await c.next('attempts');
			ps[emp] = { c, joined };
		}
	});
	after(async () => {
		for (const k of Object.keys(ps)) await ps[k].c.close();
		if (srv) await srv.stop();
	});

	/** One attempt with `right` questions answered right; resolves to its result. */
	async function play(emp, right, waitMs = 0) {
		const c = ps[emp].c;
		const a = await sp.ok(c, { type: 'attempt_start' }, 'attempt');
		for (let i = 0; i < a.count; i++) {
			await sp.ok(c, { type: 'save', attempt_id: a.attempt_id, index: i, response: sp.keyOf(a.questions[i], bank, i >= right), change: 1 }, 'saved');
		}
		if (waitMs) await h.sleep(waitMs);
		return sp.ok(c, { type: 'submit', attempt_id: a.attempt_id }, 'result');
	}

	test('two attempts on day 1 (just before midnight in Shanghai), the third refused', async () => {
		const r1 = await play('W1', 1);
		const r2 = await play('W1', 3);
		assert.equal(r1.score, 1);
		assert.equal(r2.score, 3);
		assert.equal(r2.counted.score, 3, 'the best counts');
		const c = ps.W1.c;
		const e = await c.request({ type: 'attempt_start' });
		assert.equal(e.code, 'no_attempts_left');
		const list = await sp.ok(c, { type: 'attempts' }, 'attempts');
		assert.deepEqual(list.today, { day: d1, used: 2, per_day: 2 });
		assert.equal(list.left, 0);
	});

	test('after midnight in Shanghai (the UTC date unchanged) two more attempts are allowed', async () => {
		await sp.setClock(clock, midnight + 5e3 - Date.now());
		assert.equal(utcDate(midnight + 5e3), d1, 'still day 1 in UTC');
		const list = await sp.ok(ps.W1.c, { type: 'attempts' }, 'attempts');
		assert.deepEqual(list.today, { day: d2, used: 0, per_day: 2 });
		assert.equal(list.left, 2);
		const r3 = await play('W1', 2);
		assert.equal(r3.score, 2);
		assert.equal(r3.counted.score, 3, 'the best of every day counts overall');
		const days = await srv.sql("SELECT attempt_no, day::text FROM attempts ORDER BY attempt_no");
		assert.deepEqual(days.map((d) => d.day), [d1, d1, d2]);
	});

	test('ties: the shorter time ranks first on the day board (Redis) and overall', async () => {
		const fast = await play('W2', 2);
		const slow = await play('W7', 2, 600);
		assert.ok(slow.duration_ms > fast.duration_ms);
		await play('X1', 4);
		const host = await h.host(srv.wsUrls[1], srv.organizerToken, 'MASS92');
		const b = await sp.ok(host, { type: 'board', day: d2 }, 'mass_board');
		assert.equal(b.day, d2);
		assert.equal(b.time_zone, 'Asia/Shanghai');
		const d2top = b.today.top;
		assert.equal(d2top[0].name, '外协甲');
		const twos = d2top.filter((e) => e.score === 2);
		assert.equal(twos.length, 3);
		for (let i = 1; i < twos.length; i++) assert.ok(twos[i - 1].duration_ms <= twos[i].duration_ms, 'shorter time first');
		assert.ok(twos.findIndex((e) => e.name === '王二') < twos.findIndex((e) => e.name === '王七'));
		assert.equal(b.today.players, 4);
		assert.equal(b.today.attempts, 4);
		assert.deepEqual(b.overall.top.slice(0, 2).map((e) => [e.name, e.score]), [['外协甲', 4], ['王一', 3]]);
		assert.equal(b.overall.players, 4);
		assert.equal(b.overall.attempts, 6);
		const z = await srv.redis('ZRANGE', `sa:MASS92:lbd:${d2}`, '0', '-1', 'WITHSCORES');
		assert.equal(z.length, 8, 'four participants on the day board');
		await host.close();
	});

	test('units: participation rate and average against the roster, rolled up, today and overall', async () => {
		const res = await srv.get(`/api/contests/MASS92/board?day=${d2}`);
		assert.equal(res.status, 200, res.body);
		const u = res.json.units;
		assert.equal(u.roster, true);
		const byPath = (list) => Object.fromEntries(list.map((e) => [e.path, e]));
		const today = byPath(u.today), all = byPath(u.overall);
		// Independently: headcounts from the inserted workers (active, subtree); participants from who played.
		const expect = {
			'示范公司': { headcount: 10, participants: 3 },
			'示范公司/一分厂': { headcount: 6, participants: 2 },
			'示范公司/一分厂/一车间': { headcount: 4, participants: 2 },
			'示范公司/二分厂': { headcount: 4, participants: 1 },
		};
		for (const [path, e] of Object.entries(expect)) {
			assert.equal(all[path].headcount, e.headcount, path);
			assert.equal(all[path].participants, e.participants, path);
			assert.equal(all[path].rate, Math.round((e.participants / e.headcount) * 1e4) / 1e4, path);
		}
		assert.equal(all['外协队'].headcount, 0);
		assert.equal(all['外协队'].rate, null, 'no roster headcount: no rate');
		assert.equal(all['示范公司/一分厂/一车间'].average, 2.5, 'W1 best 3, W2 best 2');
		assert.equal(all['示范公司'].average, Math.round(((3 + 2 + 2) / 3) * 1000) / 1000);
		assert.equal(today['示范公司/一分厂/一车间'].average, 2, 'today W1 and W2 scored 2');
		assert.equal(all['示范公司/一分厂/一车间'].rank_rate, 1);
		assert.equal(all['示范公司/二分厂'].rank_rate, 2);
		const prev = await srv.get(`/api/contests/MASS92/board?day=${d1}`);
		const p1 = byPath(prev.json.units.today);
		assert.equal(p1['示范公司'].participants, 1, 'on day 1 only W1 played');
		assert.equal(prev.json.today.players, 1);
	});

	test('who has not taken part: per unit and day, organizers only', async () => {
		const url = `/api/contests/MASS92/absent?unit=${encodeURIComponent('示范公司/一分厂')}&day=${d1}`;
		assert.equal((await srv.get(url)).status, 401);
		const res = await srv.get(url, { headers: { Authorization: `Bearer ${srv.organizerToken}` } });
		assert.equal(res.status, 200, res.body);
		assert.equal(res.json.headcount, 6);
		assert.equal(res.json.participants, 1);
		assert.deepEqual(res.json.absent.map((w) => w.employee_no), ['W5', 'W6', 'W2', 'W3', 'W4']);
		const all = await srv.get(`/api/contests/MASS92/absent?unit=${encodeURIComponent('示范公司')}`, { headers: { Authorization: `Bearer ${srv.organizerToken}` } });
		assert.equal(all.status, 200, all.body);
		assert.deepEqual(all.json.absent.map((w) => w.employee_no).sort(), ['W10', 'W3', 'W4', 'W5', 'W6', 'W8', 'W9']);
		assert.equal((await srv.get('/api/contests/MASS92/board?day=2026-13-01')).status, 400);
	});

	test('the day board after FLUSHALL: answered from PostgreSQL, rebuilt in Redis the same', async () => {
		const before = await srv.redis('ZRANGE', `sa:MASS92:lbd:${d2}`, '0', '-1', 'WITHSCORES');
		await srv.redis('FLUSHALL');
		const b = await srv.get(`/api/contests/MASS92/board?day=${d2}`);
		assert.equal(b.json.today.top[0].name, '外协甲');
		let after = [];
		for (let i = 0; i < 100 && after.length !== before.length; i++) {
			await h.sleep(100);
			after = await srv.redis('ZRANGE', `sa:MASS92:lbd:${d2}`, '0', '-1', 'WITHSCORES');
		}
		assert.deepEqual(after, before);
		assert.equal(await srv.redis('GET', `sa:MASS92:attd:${d2}`), '4');
	});

	test('screens get mass_board pushed when they watch', async () => {
		const s = await h.connect(srv.wsUrls[0]);
		s.send({ type: 'watch', code: 'MASS92' });
		await s.next('watching');
		const b = await s.next('mass_board', 15000);
		assert.equal(b.day, d2);
		assert.equal(b.units.roster, true);
		assert.ok(b.today.top.length >= 4);
		await s.close();
	});
});
