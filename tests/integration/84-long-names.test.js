'use strict';
// 84 long names: names and units at the documented limits (64 Chinese characters each,
// 192 bytes) reach every board whole. The leaderboard used to copy "name<TAB>unit" from
// Redis into a 256-byte buffer (server/live/board.c), cutting a character in half: the
// frames and /leaderboard bodies were not valid UTF-8, browsers dropped the socket and
// every screen reconnected in a loop. Two processes; players, hosts and screens on each;
// the Redis path and the PostgreSQL fallback. (The test build also asserts, in the send
// path, that every frame is valid UTF-8: net/frame.h FRAME_CHECK.)
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const h = require('../lib/harness.js');

const ANSWERS = h.contestAnswers();
const CJK = '安全生产标准化班组长焊接电工钳工车工铣工刨工磨工装配检验仓储运输机修维修保全设备动力能源环保质量计量工艺技术研发';

function longText(offset, n = 64) {
	let s = '';
	for (let i = 0; i < n; i++) s += CJK[(offset + i * 7) % CJK.length];
	return s;
}

/* GET path on url: the raw body must be valid UTF-8 (decoded strictly), then JSON. */
function getStrict(url) {
	return new Promise((resolve, reject) => {
		http.get(url, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				try {
					const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
					resolve({ status: res.statusCode, json: JSON.parse(text) });
				} catch (e) {
					reject(new Error(`${url}: ${e.message}`));
				}
			});
		}).on('error', reject);
	});
}

function checkTop(top, people, where) {
	assert.ok(top.length >= people.length, `${where}: ${top.length} entries`);
	for (const p of people) {
		const e = top.find((x) => x.participant_id === p.joined.participant_id);
		assert.ok(e, `${where}: ${p.name.slice(0, 4)}… on the board`);
		assert.equal(e.name, p.name, `${where}: the whole name`);
		assert.equal(e.unit, p.unit, `${where}: the whole unit`);
		assert.equal([...e.name].length, 64);
	}
}

describe('64-character Chinese names and units on every board', () => {
	let srv;
	const people = []; // {c, joined, name, unit, proc}
	const viewers = []; // [who, client]
	before(async () => {
		srv = await h.startServer({ processes: 2 });
	});
	after(async () => {
		for (const c of [...people.map((p) => p.c), ...viewers.map((v) => v[1])]) if (c) await c.close().catch(() => {});
		if (srv) await srv.stop();
	});

	test('players join on both processes with names and units of 64 characters', async () => {
		for (let i = 0; i < 4; i++) {
			const name = longText(i * 3), unit = longText(i * 5 + 1);
			assert.equal(Buffer.byteLength(name) + 1 + Buffer.byteLength(unit), 385, 'more than 256 bytes together');
			const proc = i % 2;
			const { c, joined } = await h.join(srv.wsUrls[proc], name, { unit });
			assert.equal(joined.name, name);
			assert.equal(joined.unit, unit);
			people.push({ c, joined, name, unit, proc });
		}
		for (const proc of [0, 1]) {
			viewers.push([`host ${proc + 1}`, await h.host(srv.wsUrls[proc], srv.organizerToken)]);
			const s = await h.connect(srv.wsUrls[proc]);
			s.send({ type: 'watch', code: 'SAFE2026' });
			await s.next('watching');
			viewers.push([`screen ${proc + 1}`, s]);
		}
	});

	test('after answers and a reveal, every leaderboard frame carries them whole', async () => {
		await h.hostCmd(viewers[0][1], 'start');
		for (const p of people) {
			await p.c.waitFor((m) => m.type === 'question' && m.id === 'q1', 10000, 'q1');
			const ack = await p.c.request({ type: 'answer', question_id: 'q1', response: ANSWERS.q1 });
			assert.equal(ack.type, 'ack', JSON.stringify(ack));
		}
		for (const [who, v] of viewers) {
			const lb = await v.waitFor((m) => m.type === 'leaderboard' && m.top.length === people.length, 10000,
				`a leaderboard of ${people.length} to ${who}`);
			checkTop(lb.top, people, who);
		}
		await h.hostCmd(viewers[0][1], 'reveal');
		for (const p of people) {
			const lb = await p.c.waitFor((m) => m.type === 'leaderboard' && m.me && m.top.length === people.length,
				10000, 'the player board');
			checkTop(lb.top, people, `player on process ${p.proc + 1}`);
		}
		for (const c of [...people.map((p) => p.c), ...viewers.map((v) => v[1])]) {
			assert.equal(c.isOpen, true, 'no connection dropped (a client drops on invalid UTF-8: 1007)');
			assert.equal(c.messages.filter((m) => m.type === '__unparsable__').length, 0);
		}
	});

	test('GET /api/contests/SAFE2026/leaderboard on both processes: valid UTF-8, whole names', async () => {
		for (const u of srv.urls) {
			const r = await getStrict(`${u}/api/contests/SAFE2026/leaderboard`);
			assert.equal(r.status, 200);
			checkTop(r.json.top, people, u);
		}
	});

	test('the PostgreSQL fallback (Redis keys incomplete) gives the same whole names', async () => {
		await srv.redis('DEL', 'sa:SAFE2026:ok');
		const r = await getStrict(`${srv.urls[1]}/api/contests/SAFE2026/leaderboard`);
		assert.equal(r.status, 200);
		checkTop(r.json.top, people, 'from PostgreSQL');
	});

	test('a name in Redis that is not valid UTF-8 (written by anyone) is repaired, not sent broken', async () => {
		const p = people[0];
		const member = String(999999999999 - p.joined.participant_id).padStart(12, '0');
		// HSET with a cut character: the first 100 bytes of the name, then the unit
		const broken = Buffer.concat([Buffer.from(p.name).subarray(0, 100), Buffer.from('\t' + p.unit)]);
		for (let i = 0; i < 100 && !(await srv.redis('EXISTS', 'sa:SAFE2026:ok')); i++) await h.sleep(50); // rebuilt
		await srv.redis('HSET', 'sa:SAFE2026:who', member, broken);
		for (const u of srv.urls) {
			const r = await getStrict(`${u}/api/contests/SAFE2026/leaderboard`);
			const e = r.json.top.find((x) => x.participant_id === p.joined.participant_id);
			assert.equal(e.name, p.name.slice(0, 33) + '\uFFFD', 'the cut character shows as U+FFFD');
			assert.equal(e.unit, p.unit);
		}
		for (const [, v] of viewers) assert.equal(v.isOpen, true);
	});
});
