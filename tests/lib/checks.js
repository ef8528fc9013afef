'use strict';
/*
 * tests/lib/checks.js - cross-checks of the three views of a leaderboard:
 * the HTTP API, the Redis sorted set and the PostgreSQL rows.
 *
 * Redis layout (server/lb.c): sorted set <prefix><CODE>:lb, member =
 * 999999999999 - participant id, zero-padded to 12 digits (so that on equal
 * scores ZREVRANGE puts the earlier participant first), score = score_milli * 2^22 +
 * (2^22 - 1 - reached_ds); hash <prefix><CODE>:who, member -> "name\tunit\temp_tail".
 * Participants the host removed are on no board (participants.removed).
 * PostgreSQL (server/sql): participants.score_milli, reached_ds; answers.points_milli.
 * Ranking: score desc, then earlier reached_ds, then (equal sorted-set score)
 * lower participant id first.
 */
const assert = require('node:assert/strict');

const SLOTS = 4194304; // 2^22
const MEMBER_MAX = 999999999999;

/** Redis view: [{id, score_milli, reached_ds}] in ZREVRANGE order. */
async function redisBoard(srv, code, prefix = 'sa:') {
	const flat = await srv.redis('ZREVRANGE', `${prefix}${code}:lb`, 0, -1, 'WITHSCORES');
	const list = Array.isArray(flat) ? flat : [flat];
	const out = [];
	for (let i = 0; i + 1 < list.length; i += 2) {
		const z = Number(list[i + 1]);
		out.push({ id: MEMBER_MAX - Number(list[i]), score_milli: Math.floor(z / SLOTS), reached_ds: SLOTS - 1 - (z % SLOTS) });
	}
	return out;
}

/** PostgreSQL view, ranked like the sorted set. */
async function pgBoard(srv, code) {
	const rows = await srv.sql(`SELECT p.id::bigint AS id, p.name, p.unit, p.score_milli::bigint AS score_milli,
		p.reached_ds::bigint AS reached_ds,
		(SELECT coalesce(sum(a.points_milli), 0)::bigint FROM answers a WHERE a.participant_id = p.id) AS answers_milli
		FROM participants p JOIN contests c ON c.id = p.contest_id
		WHERE upper(c.code) = upper('${code.replace(/'/g, "''")}') AND NOT p.removed
		ORDER BY p.score_milli DESC, p.reached_ds ASC, p.id ASC`);
	return rows.map((r) => ({ ...r, id: Number(r.id), score_milli: Number(r.score_milli), reached_ds: Number(r.reached_ds), answers_milli: Number(r.answers_milli) }));
}

/** API view: GET /api/contests/CODE/leaderboard?limit=N. */
async function apiBoard(srv, code, limit = 1000, i = 0) {
	const r = await (i ? require('./harness.js').httpGet(`${srv.urls[i]}/api/contests/${code}/leaderboard?limit=${limit}`) : srv.get(`/api/contests/${code}/leaderboard?limit=${limit}`));
	assert.equal(r.status, 200, `leaderboard API: ${r.status} ${r.body}`);
	return r.json;
}

/**
 * agree(srv, code, players) - asserts the API, Redis and PostgreSQL show the
 * same participants in the same order with the same scores, that every
 * participant's score is the sum of its stored answers, and that there are
 * `players` participants. Returns the three views.
 */
async function agree(srv, code, players) {
	const pg = await pgBoard(srv, code);
	const rd = await redisBoard(srv, code);
	const api = await apiBoard(srv, code);
	if (players !== undefined) {
		assert.equal(pg.length, players, 'participants in PostgreSQL');
		assert.equal(api.players, players, 'players in the API');
	}
	for (const p of pg) assert.equal(p.score_milli, p.answers_milli, `participant ${p.id}: score_milli is the sum of its answers`);
	assert.deepEqual(rd.map((e) => [e.id, e.score_milli, e.reached_ds]), pg.map((e) => [e.id, e.score_milli, e.reached_ds]),
		'Redis sorted set == PostgreSQL participants (id, score, time reached), in rank order');
	assert.equal(api.top.length, Math.min(pg.length, 1000));
	assert.deepEqual(api.top.map((e) => [e.participant_id, Math.round(e.score * 1000)]),
		pg.map((e) => [e.id, e.score_milli]), 'API == PostgreSQL (id, score) in rank order');
	api.top.forEach((e, k) => {
		assert.equal(e.name, pg[k].name);
		assert.equal(e.unit, pg[k].unit);
		// shared ranks (competition ranking): equal scores share the first one's
		assert.equal(e.rank, k > 0 && e.score === api.top[k - 1].score ? api.top[k - 1].rank : k + 1,
			`rank ${e.rank} at position ${k + 1}`);
	});
	return { pg, redis: rd, api };
}

module.exports = { agree, redisBoard, pgBoard, apiBoard, SLOTS };
