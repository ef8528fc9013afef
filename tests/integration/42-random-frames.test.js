'use strict';
// 42 random frames: thousands of mutated and hostile frames (seeded, reproducible) against
// every role. Properties: the server never crashes or trips a sanitizer (stop() checks),
// never answers `internal`, every error carries a known code, and the connection stays
// usable (ping -> pong) after each batch. Set SA_SEED to replay a run.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

const SEED = Number(process.env.SA_SEED || Date.now() % 100000);
const KNOWN = new Set(['bad_json', 'bad_message', 'unknown_type', 'too_large', 'not_text', 'unknown_contest',
	'invalid_name', 'invalid_field', 'already_joined', 'contest_finished', 'bad_token', 'not_joined', 'forbidden',
	'not_open', 'question_closed', 'already_answered', 'option_out_of_range', 'invalid_response', 'bad_state',
	'conflict', 'rate_limited', 'unavailable', 'unauthenticated']);

// mulberry32
function rng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6D2B79F5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function generator(seed, token) {
	const r = rng(seed);
	const pick = (a) => a[Math.floor(r() * a.length)];
	const int = (n) => Math.floor(r() * n);
	const strs = ['', ' ', 'SAFE2026', 'safe2026', 'q1', 'q99', '张三', 'a\u0000b', '\u202e', '\ud83d\ude00', 'x'.repeat(65),
		'长'.repeat(64), '\u0007', '%s%n%x', '../../etc/passwd', "'; DROP TABLE answers; --", '\\', '"', token];
	const value = (depth = 0) => {
		switch (int(depth > 2 ? 6 : 9)) {
		case 0: return pick(strs);
		case 1: return pick([0, -1, 1, 3, 4, 1e308, -1e308, 2 ** 53 + 1, 0.5, -0.0, 1e-320]);
		case 2: return pick([true, false]);
		case 3: return null;
		case 4: return int(5);
		case 5: return pick([[], {}, [0, 0], [0, 2], [3, 2, 1, 0], ['0']]);
		case 6: return Array.from({ length: int(5) }, () => value(depth + 1));
		case 7: { const o = {}; for (let i = 0; i < int(4); i++) o[pick(['a', 'type', 'code', 'response', '__proto__'])] = value(depth + 1); return o; }
		default: return pick(strs);
		}
	};
	const TYPES = ['join', 'resume', 'answer', 'host', 'watch', 'start', 'next', 'reveal', 'end', 'ping', 'pong', 'ack', 'error', 'x', '', 'JOIN'];
	let seq = 0;
	const FIELDS = ['code', 'name', 'employee_no', 'unit', 'token', 'question_id', 'response', 'rid', 't', 'lang'];
	return () => {
		const kind = int(10);
		if (kind === 0) {
			// raw text: broken JSON, deep nesting, odd encodings
			return pick(['{', '}', '{"type":', '[' .repeat(2000) + ']'.repeat(2000), '{"a":'.repeat(500) + '1' + '}'.repeat(500),
				'{"type":"ping","t":1,"type":"join"}', '{"type":"ping"}\u0000', '\ufeff{"type":"ping","t":1}', '{"type":"ping","t":1e999}',
				'{"type":"answer","response":' + '9'.repeat(400) + '}', '{"type":"ping","t":"\\ud800"}', 'null', '0', '""']);
		}
		const m = {};
		if (int(8)) m.type = pick(TYPES); else m.type = value();
		for (let i = 0; i < int(6); i++) m[pick(FIELDS)] = int(3) ? value() : pick(strs);
		// half of the objects carry a valid, unique rid: their reply must echo it
		if (int(2)) {
			m.rid = `k${++seq}`;
			const text = JSON.stringify(m);
			// a frame over 16 KiB is discarded unread (too_large): its rid cannot be echoed
			if (Buffer.byteLength(text) <= 16384) return { text, rid: m.rid };
			return text;
		}
		return JSON.stringify(m);
	};
}

describe(`random frames (SA_SEED=${SEED})`, () => {
	let srv;
	before(async () => {
		// Floods on purpose: the message rate limit would answer most of them rate_limited.
		srv = await h.startServer({ contests: [h.DEMO_CONTEST, require('node:path').join(__dirname, 'data', 'short.json')],
			args: ['--ws-msg-rate', '0'] });
	});
	after(async () => {
		if (srv) await srv.stop();
	});

	async function batch(c, gen, n, label) {
		const before_ = c.messages.length;
		const rids = [];
		const texts = new Map();
		for (let i = 0; i < n; i++) {
			const f = gen();
			if (typeof f === 'string') c.sendRaw(f);
			else {
				rids.push(f.rid);
				texts.set(f.rid, f.text);
				c.sendRaw(f.text);
			}
		}
		const t = Date.now();
		c.send({ type: 'ping', t, rid: 'end-of-batch' });
		await c.waitFor((m) => m.type === 'pong' && m.rid === 'end-of-batch', 30000, `pong after ${label}`);
		// Replies may overtake each other: a ping is answered at once, a host command after
		// its PostgreSQL round trip. Wait (bounded) until every rid has its reply.
		const settle = Date.now() + 10000;
		const answered = () => {
			const seen = new Set(c.messages.slice(before_).map((m) => m.rid));
			return rids.every((r) => seen.has(r));
		};
		while (!answered() && Date.now() < settle) await h.sleep(50);
		const got = c.messages.slice(before_);
		const errors = got.filter((m) => m.type === 'error');
		for (const e of errors) {
			assert.ok(KNOWN.has(e.code), `${label}: unknown error code ${JSON.stringify(e)}`);
			assert.equal(typeof e.message, 'string');
		}
		assert.equal(got.filter((m) => m.type === '__unparsable__').length, 0, `${label}: every server frame is JSON`);
		assert.ok(c.isOpen, `${label}: connection still open`);
		// every request with a valid rid got exactly one reply carrying it
		const byRid = new Map();
		for (const m of got) if (typeof m.rid === 'string') byRid.set(m.rid, (byRid.get(m.rid) || 0) + 1);
		const missing = rids.filter((r) => !byRid.has(r));
		const doubled = rids.filter((r) => byRid.get(r) > 1);
		assert.deepEqual(missing.map((r) => texts.get(r).slice(0, 160)).slice(0, 12), [],
			`${label}: ${missing.length} request(s) without a reply (first 12 shown)`);
		assert.deepEqual(doubled, [], `${label}: requests with more than one reply`);
		const hist = {};
		for (const e of errors) hist[e.code] = (hist[e.code] || 0) + 1;
		console.log(`# ${label}: ${n} frames, ${got.length} replies, errors ${JSON.stringify(hist)}`);
		c.drain();
		return errors.length;
	}

	test('no role: 5000 frames', async () => {
		const c = await h.connect(srv.wsUrl);
		const n = await batch(c, generator(SEED, srv.organizerToken), 5000, 'no role');
		assert.ok(n > 2000, `most random frames are refused (${n} errors)`);
		await c.close();
	});

	test('player, screen and host in a running contest: 3000 frames each', async () => {
		const hostC = await h.host(srv.wsUrl, srv.organizerToken);
		await h.hostCmd(hostC, 'start');
		const { c: p } = await h.join(srv.wsUrl, '随机');
		const s = await h.connect(srv.wsUrl);
		s.send({ type: 'watch', code: 'SAFE2026' });
		await s.next('watching');
		await batch(p, generator(SEED + 1, srv.organizerToken), 3000, 'player');
		await batch(s, generator(SEED + 2, srv.organizerToken), 3000, 'screen');
		await batch(hostC, generator(SEED + 3, 'wrong'), 3000, 'host');
		for (const c of [hostC, p, s]) await c.close();
	});

	test('the server still serves a clean join and its database is consistent', async () => {
		const hz = await srv.get('/healthz');
		assert.equal(hz.status, 200);
		// (the random host frames may well have ended SAFE2026: join the untouched contest)
		const { c, joined } = await h.join(srv.wsUrl, '最后', { code: 'SHORT2S' });
		assert.ok(joined.participant_id > 0);
		await c.close();
		const bad = await srv.sql("SELECT count(*)::int AS n FROM participants WHERE name ~ '[\\x01-\\x1f\\x7f]' OR length(name) > 64 OR length(name) = 0");
		assert.equal(bad[0].n, 0, 'no participant with an invalid name was stored');
	});
});
