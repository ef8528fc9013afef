'use strict';
// 86 invisible names and raw NULs (docs/protocol.md, `join`): a name made only of
// invisible or whitespace characters shows nothing on the board and is refused
// (invalid_name); bidirectional embedding/override/isolate controls are refused anywhere
// in a name or unit (they reorder the board); a raw NUL byte inside a JSON string used to
// cut the name silently at the NUL (cJSON returns C strings): the frame is bad_json now,
// and nothing is stored.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness.js');

const INVISIBLE = ['\u200B', '\u200B\u200C\u200D', '\u200E\u200F', '\uFEFF', '\u3164', '\u3164\u3164\u3164',
	'\u115F\u1160', '\u180E', '\u00AD', '\u2060\u2061\u2062\u2063\u2064', '\u2800', '\uFFA0',
	'\u00A0\u3000', '\u2002\u2003\u2009', ' \u200B\u3000', '\u3000\u3164\u3000'];
const BIDI = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];

describe('names and units players cannot see, or that reorder the board', () => {
	let srv, c;
	before(async () => {
		srv = await h.startServer({ args: ['--ws-msg-rate', '0'] }); // many requests on one connection
		c = await h.connect(srv.wsUrl);
	});
	after(async () => {
		if (c) await c.close();
		if (srv) await srv.stop();
	});

	test('names made only of invisible characters or whitespace: invalid_name', async () => {
		for (const name of INVISIBLE) {
			const r = await c.request({ type: 'join', code: 'SAFE2026', name });
			assert.equal(r.code, 'invalid_name', JSON.stringify(name));
		}
	});

	test('bidi controls anywhere in a name (invalid_name) or a unit (invalid_field)', async () => {
		for (const b of BIDI) {
			assert.equal((await c.request({ type: 'join', code: 'SAFE2026', name: `张${b}三` })).code, 'invalid_name');
			const u = await c.request({ type: 'join', code: 'SAFE2026', name: '张三', unit: `一车间${b}` });
			assert.equal(u.code, 'invalid_field');
			assert.match(u.message, /unit/);
		}
		const u = await c.request({ type: 'join', code: 'SAFE2026', name: '张三', unit: '\u200B\u200B' });
		assert.equal(u.code, 'invalid_field', 'a unit of invisible characters only');
	});

	test('a raw NUL inside a string: bad_json, never a shortened name', async () => {
		for (const text of ['{"type":"join","code":"SAFE2026","name":"张三\u0000李四","rid":"n1"}',
			'{"type":"join","code":"SAFE2026","name":"张三","unit":"一\u0000车间","rid":"n2"}',
			'{"type":"join","code":"SAFE2026","name":"张三\u0001","rid":"n3"}']) {
			c.sendRaw(text);
			const e = await c.next('error');
			assert.equal(e.code, 'bad_json', text);
		}
		const esc = await c.request({ type: 'join', code: 'SAFE2026', name: '张三\u0000李四' }); // JSON.stringify escapes it
		assert.equal(esc.code, 'invalid_name', 'an escaped NUL is a control character');
		const rows = await srv.sql('SELECT count(*)::int AS n FROM participants');
		assert.equal(rows[0].n, 0, 'nothing stored');
	});

	test('visible names with invisible characters inside, and trimmed whitespace of any kind, still join', async () => {
		const j = await c.request({ type: 'join', code: 'SAFE2026', name: '\u00A0\u2003王\u200D五\u3000', unit: '\u2002二车间\u00A0' });
		assert.equal(j.type, 'joined', JSON.stringify(j));
		assert.equal(j.name, '王\u200D五');
		assert.equal(j.unit, '二车间');
		const rows = await srv.sql('SELECT name, unit FROM participants');
		assert.deepEqual(rows, [{ name: '王\u200D五', unit: '二车间' }]);
	});
});
