'use strict';
// 85 limits (docs/protocol.md, "Limits"; docs/configuration.md): a connection's message
// rate (token bucket: rate_limited answers, the connection stays), connections and joins
// per client address (a refused connection is closed with 4029; a refused join gets
// rate_limited), the idle timeout of a WebSocket that never joins, hosts or watches (4008),
// and failed host logins per address (rate_limited, logged). The defaults are generous per
// address: a factory's phones share one NAT address (the unit test test_limit counts
// 20,000 from one address at once).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

describe('message rate per connection (defaults: 10 a second, bursts of 20)', () => {
	let srv;
	before(async () => { srv = await h.startServer(); });
	after(async () => { if (srv) await srv.stop(); });

	test('a burst of 40 pings: the first 20 answered, the rest rate_limited with their rid; the connection stays', async () => {
		const c = await h.connect(srv.wsUrl);
		for (let i = 0; i < 40; i++) c.send({ type: 'ping', rid: `p${i}`, t: i });
		const replies = [];
		for (let i = 0; i < 40; i++) replies.push(await c.waitFor((m) => m.rid === `p${i}`, 10000, `reply to p${i}`));
		const pongs = replies.filter((m) => m.type === 'pong').length;
		const limited = replies.filter((m) => m.type === 'error' && m.code === 'rate_limited').length;
		assert.equal(pongs + limited, 40);
		assert.ok(pongs >= 20 && pongs <= 24, `pongs ${pongs}`);
		assert.equal(c.isOpen, true);
		await h.sleep(1200);
		const p = await c.request({ type: 'ping', t: 1 });
		assert.equal(p.type, 'pong', 'the bucket refills');
		/* a steady 5 a second is never limited */
		for (let i = 0; i < 10; i++) {
			assert.equal((await c.request({ type: 'ping', t: i })).type, 'pong');
			await h.sleep(200);
		}
		await c.close();
	});
});

describe('per address, with small limits', () => {
	let srv;
	before(async () => {
		srv = await h.startServer({
			args: ['--addr-conn-rate', '1', '--addr-conn-burst', '4', '--addr-join-rate', '1', '--addr-join-burst', '2'],
		});
	});
	after(async () => { if (srv) await srv.stop(); });

	test('connections beyond the burst are closed with 4029; joins beyond it get rate_limited', async () => {
		/* the harness's health checks used no WebSocket: the address has its full burst */
		const cs = [];
		for (let i = 0; i < 3; i++) cs.push(await h.connect(srv.wsUrl));
		const extra = await h.connect(srv.wsUrl); // the 4th: still within the burst
		const refused = await h.connect(srv.wsUrl);
		const info = await Promise.race([refused.closed, h.sleep(5000, null, { ref: false })]);
		assert.ok(info, 'the connection over the limit is closed');
		assert.equal(info.code, 4029);
		assert.match(info.reason, /too many connections/);
		for (const c of [...cs, extra]) assert.equal(c.isOpen, true, 'the others stay');

		cs[0].send({ type: 'join', code: 'SAFE2026', name: '甲', rid: 'j1' });
		cs[1].send({ type: 'join', code: 'SAFE2026', name: '乙', rid: 'j2' });
		assert.equal((await cs[0].waitFor((m) => m.rid === 'j1')).type, 'joined');
		assert.equal((await cs[1].waitFor((m) => m.rid === 'j2')).type, 'joined');
		cs[2].send({ type: 'join', code: 'SAFE2026', name: '丙', rid: 'j3' });
		const e = await cs[2].waitFor((m) => m.rid === 'j3');
		assert.equal(e.type, 'error');
		assert.equal(e.code, 'rate_limited');
		assert.equal(cs[2].isOpen, true);
		await h.sleep(1100);
		cs[2].send({ type: 'join', code: 'SAFE2026', name: '丙', rid: 'j4' });
		assert.equal((await cs[2].waitFor((m) => m.rid === 'j4')).type, 'joined', 'a join later goes through');
		const rows = await srv.sql('SELECT count(*)::int AS n FROM participants');
		assert.equal(rows[0].n, 3);

		await h.sleep(1100);
		const later = await h.connect(srv.wsUrl);
		assert.equal(await later.none(() => true, 300), true);
		assert.equal(later.isOpen, true, 'a connection a second later is accepted');
		for (const c of [...cs, extra, later]) await c.close();
	});
});

describe('the defaults let a crowd from one address in', () => {
	let srv;
	before(async () => { srv = await h.startServer(); });
	after(async () => { if (srv) await srv.stop(); });

	test('300 connections and joins from 127.0.0.1 at once', async () => {
		const N = 300;
		const conns = await Promise.all(Array.from({ length: N }, () => h.connect(srv.wsUrl)));
		conns.forEach((c, i) => c.send({ type: 'join', code: 'SAFE2026', name: `工人${i}`, rid: `j${i}` }));
		const replies = await Promise.all(conns.map((c, i) => c.waitFor((m) => m.rid === `j${i}`, 30000, `join ${i}`)));
		assert.equal(replies.filter((m) => m.type === 'joined').length, N);
		assert.equal(conns.filter((c) => c.isOpen).length, N);
		await Promise.all(conns.map((c) => c.close()));
	});
});

describe('idle timeout (--ws-idle-s 1)', () => {
	let srv;
	before(async () => { srv = await h.startServer({ args: ['--ws-idle-s', '1'] }); });
	after(async () => { if (srv) await srv.stop(); });

	test('a WebSocket that never takes a role is closed with 4008; players, hosts and screens stay', async () => {
		const idle = await h.connect(srv.wsUrl);
		idle.send({ type: 'ping', t: 1 }); // pings do not count as a role
		const { c: player } = await h.join(srv.wsUrl, '孙师傅');
		const hostC = await h.host(srv.wsUrl, srv.organizerToken);
		const screen = await h.connect(srv.wsUrl);
		screen.send({ type: 'watch', code: 'SAFE2026' });
		await screen.next('watching');
		const info = await Promise.race([idle.closed, h.sleep(8000, null, { ref: false })]);
		assert.ok(info, 'closed');
		assert.equal(info.code, 4008);
		assert.equal(info.reason, 'idle');
		await h.sleep(1500);
		for (const c of [player, hostC, screen]) {
			assert.equal(c.isOpen, true);
			assert.equal((await c.request({ type: 'ping', t: 2 })).type, 'pong');
			await c.close();
		}
	});
});

describe('failed host logins per address (--host-login-failures 3)', () => {
	let srv;
	before(async () => { srv = await h.startServer({ args: ['--host-login-failures', '3'] }); });
	after(async () => { if (srv) await srv.stop(); });

	test('three wrong tokens are forbidden, then even the right one is rate_limited; each failure is logged', async () => {
		const c = await h.connect(srv.wsUrl);
		for (let i = 0; i < 3; i++) {
			const r = await c.request({ type: 'host', code: 'SAFE2026', token: `guess-${i}-0123456789abcdef0123456789` });
			assert.equal(r.code, 'forbidden');
		}
		const r = await c.request({ type: 'host', code: 'SAFE2026', token: 'guess-4-0123456789abcdef0123456789' });
		assert.equal(r.code, 'rate_limited');
		const ok = await c.request({ type: 'host', code: 'SAFE2026', token: srv.organizerToken });
		assert.equal(ok.code, 'rate_limited', 'no more guesses from this address for now');
		const log = srv.log(0);
		assert.equal((log.match(/host login to contest SAFE2026 from 127\.0\.0\.1 failed/g) || []).length, 3);
		assert.match(log, /host logins from 127\.0\.0\.1 refused for now/);
		assert.ok(!log.includes(srv.organizerToken), 'the token is never logged');
		await c.close(); // (the bucket refills at 3 a minute: tests/unit/test_limit.c)
	});
});
