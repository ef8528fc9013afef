'use strict';
/*
 * tests/lib/rawhttp.js - HTTP/1.1 over a raw socket, for requests no HTTP client
 * library would send (two Content-Lengths, a GET with a body, pipelining, oversized
 * headers): the bytes go out exactly as given, and what comes back is split into
 * responses by hand.
 */
const net = require('node:net');

/*
 * Sends bytes on a fresh connection and collects what comes back until the server
 * closes or `ms` pass. Returns {responses: [{status, headers, body, json}], closed, raw}.
 */
function rawRequest(port, bytes, { ms = 3000, localAddress } = {}) {
	return new Promise((resolve) => {
		const sock = net.connect({ host: '127.0.0.1', port, localAddress });
		const chunks = [];
		let closed = false;
		const done = () => {
			clearTimeout(timer);
			sock.destroy();
			const raw = Buffer.concat(chunks);
			resolve({ responses: parseResponses(raw), closed, raw: raw.toString('latin1') });
		};
		const timer = setTimeout(done, ms);
		sock.on('data', (c) => chunks.push(c));
		sock.on('end', () => { closed = true; done(); });
		sock.on('error', () => { closed = true; done(); });
		sock.on('connect', () => sock.write(bytes));
	});
}

/* HTTP/1.1 responses with Content-Length bodies, as many as are complete in raw. */
function parseResponses(raw) {
	const out = [];
	let at = 0;
	while (at < raw.length) {
		const end = raw.indexOf('\r\n\r\n', at);
		if (end < 0) break;
		const lines = raw.subarray(at, end).toString('latin1').split('\r\n');
		const status = Number(lines[0].split(' ')[1]);
		const headers = {};
		for (const l of lines.slice(1)) {
			const i = l.indexOf(':');
			const k = l.slice(0, i).trim().toLowerCase();
			headers[k] = headers[k] ? `${headers[k]}, ${l.slice(i + 1).trim()}` : l.slice(i + 1).trim();
		}
		const len = Number(headers['content-length'] || 0);
		const body = raw.subarray(end + 4, end + 4 + len).toString('utf8');
		let json;
		try { json = JSON.parse(body); } catch { json = undefined; }
		out.push({ status, headers, body, json, line: lines[0] });
		at = end + 4 + len;
	}
	return out;
}

module.exports = { rawRequest, parseResponses };
