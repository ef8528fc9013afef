'use strict';
// tests/lib/netproxy.js - a TCP proxy between a client and a server for tests of
// bad networks: every byte is delayed by a known amount each way (a client far
// away: the round trip grows by twice the delay), and the link can be cut (the
// sockets stay open, nothing gets through either way and what was sent meanwhile
// is lost, as on Wi-Fi that has gone) and restored.
//
//   const px = await netProxy(srv.port, { delayMs: 200, port: await h.freePort() });
//   const c = await h.connect(`ws://127.0.0.1:${px.port}/ws`);
//   px.cut(true); ...; px.cut(false); px.setDelay(0); await px.close();
//
// Bytes keep their order: each chunk waits delayMs after it arrived, and Node's
// timers of equal delay fire in the order they were set.
const net = require('node:net');

function netProxy(targetPort, { delayMs = 0, host = '127.0.0.1', port = 0 } = {}) {
	const pairs = new Set();
	let delay = delayMs;
	let cut = false;
	const server = net.createServer((client) => {
		const upstream = net.connect(targetPort, host);
		const pair = { client, upstream };
		pairs.add(pair);
		const pipe = (from, to) => {
			from.on('data', (chunk) => {
				if (cut) return; // lost, as on a dead link
				const send = () => { if (!to.destroyed && !cut) to.write(chunk); };
				if (delay > 0) setTimeout(send, delay);
				else send();
			});
			from.on('end', () => setTimeout(() => to.end(), delay));
			from.on('error', () => to.destroy());
			from.on('close', () => { to.destroy(); pairs.delete(pair); });
		};
		pipe(client, upstream);
		pipe(upstream, client);
	});
	return new Promise((resolve, reject) => {
		server.on('error', reject);
		server.listen(port, '127.0.0.1', () => {
			resolve({
				port: server.address().port,
				url: `http://127.0.0.1:${server.address().port}`,
				wsUrl: `ws://127.0.0.1:${server.address().port}/ws`,
				setDelay(ms) { delay = ms; },
				/* true: nothing gets through, new connections hang; false: the link is back */
				cut(on) { cut = !!on; },
				connections() { return pairs.size; },
				close() {
					for (const p of pairs) { p.client.destroy(); p.upstream.destroy(); }
					return new Promise((r) => server.close(() => r()));
				},
			});
		});
	});
}

module.exports = { netProxy };
