'use strict';
// tests/lib/netproxy.js - a TCP proxy between a client and a server for tests of
// bad networks: every byte is delayed by a known amount each way (a client far
// away: the round trip grows by twice the delay), and the link can go bad in
// three ways:
//   cut(true)       nothing gets through either way and what was sent meanwhile
//                   is lost (the sockets stay open); cut(false) restores the link;
//   blackhole(true) nothing gets through either way, new connections included,
//                   but nothing is lost either: what was sent waits, and
//                   blackhole(false) delivers it in order (Wi-Fi that stalled
//                   for a few seconds while TCP kept retransmitting; the
//                   sockets stay open, neither end hears of it);
//   reset()         every connection is closed at both ends (the access point
//                   dropped its clients); new ones are taken as before.
//
//   const px = await netProxy(srv.port, { delayMs: 200, port: await h.freePort() });
//   const c = await h.connect(`ws://127.0.0.1:${px.port}/ws`);
//   px.cut(true); ...; px.cut(false); px.setDelay(0); await px.close();
//
// The target may be a list of ports (server processes): each new WebSocket
// connection (told by its first bytes, an HTTP upgrade) goes to the next one in
// turn, so a reconnect lands on the other process; other connections go to the
// first.
//
// Bytes keep their order: each chunk waits delayMs after it arrived, and Node's
// timers of equal delay fire in the order they were set.
const net = require('node:net');

const END = Symbol('end');

function netProxy(target, { delayMs = 0, host = '127.0.0.1', port = 0 } = {}) {
	const targets = Array.isArray(target) ? target : [target];
	const pairs = new Set();
	const held = new Set(); // pipes holding what came while black-holed
	let delay = delayMs;
	let cut = false;
	let hole = false;
	let next = 0;
	let accepted = 0;
	const upgrades = []; // the target of each WebSocket connection, in order

	// One direction of a connection: what comes from `from` goes to `to`.
	const pipe = (pair, from, to) => {
		const p = { queue: [], deliver: null };
		const send = (item) => {
			if (to.destroyed) return;
			if (item === END) to.end();
			else if (!cut) to.write(item);
		};
		p.deliver = (item) => {
			if (delay > 0) setTimeout(() => send(item), delay);
			else send(item);
		};
		const arrive = (item) => {
			if (hole || p.queue.length) {
				p.queue.push(item);
				held.add(p);
			} else if (item !== END && cut) {
				// lost, as on a dead link
			} else {
				p.deliver(item);
			}
		};
		p.arrive = arrive;
		from.on('data', arrive);
		from.on('end', () => arrive(END));
		from.on('error', () => arrive(END));
		from.on('close', () => {
			arrive(END);
			pairs.delete(pair);
		});
		return p;
	};

	// The target is chosen by the connection's first bytes (the client speaks first in HTTP).
	const server = net.createServer((client) => {
		accepted += 1;
		client.on('error', () => {});
		client.once('end', () => { if (!client.upstream) client.destroy(); });
		client.once('data', (first) => {
			const ws = /^GET [^\r\n]*\r\n/.test(first.toString('latin1')) && /\r\nupgrade:\s*websocket/i.test(first.toString('latin1'));
			const port = ws ? targets[next++ % targets.length] : targets[0];
			if (ws) upgrades.push(port);
			const upstream = net.connect(port, host);
			client.upstream = upstream;
			const pair = { client, upstream };
			pairs.add(pair);
			pipe(pair, client, upstream).arrive(first);
			pipe(pair, upstream, client);
		});
	});

	const release = () => {
		for (const p of held) {
			const items = p.queue.splice(0);
			for (const item of items) p.deliver(item);
		}
		held.clear();
	};

	return new Promise((resolve, reject) => {
		server.on('error', reject);
		server.listen(port, '127.0.0.1', () => {
			resolve({
				port: server.address().port,
				url: `http://127.0.0.1:${server.address().port}`,
				wsUrl: `ws://127.0.0.1:${server.address().port}/ws`,
				setDelay(ms) { delay = ms; },
				/* true: nothing gets through and it is lost, new connections hang; false: the link is back */
				cut(on) { cut = !!on; },
				/* true: nothing gets through and it waits; false: it is delivered, in order */
				blackhole(on) {
					hole = !!on;
					if (!hole) release();
				},
				/* closes every connection at both ends (what waits in a black hole is dropped) */
				reset() {
					for (const p of held) p.queue.length = 0;
					held.clear();
					for (const p of pairs) { p.client.destroy(); p.upstream.destroy(); }
				},
				connections() { return pairs.size; },
				/* connections accepted so far */
				accepted() { return accepted; },
				/* the target port of each WebSocket connection so far, in order */
				upgrades() { return upgrades.slice(); },
				close() {
					hole = false;
					held.clear();
					for (const p of pairs) { p.client.destroy(); p.upstream.destroy(); }
					return new Promise((r) => server.close(() => r()));
				},
			});
		});
	});
}

module.exports = { netProxy };
