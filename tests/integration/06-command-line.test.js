'use strict';
// 06 command line: `skillarena COMMAND --help` prints that command's usage and the options
// that concern it (exit 0, nothing else done); the contest tools load the installed
// plugins as the server does, from the plugins directory beside the binary, without an
// environment variable (--plugins still overrides).
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../lib/harness.js');

const BIN = h.serverBinary();
const PLUGIN_CONTEST = path.join(__dirname, 'data', 'keywords.json');

function run(args, env = {}) {
	const e = { ...process.env, ...env };
	delete e.SKILLARENA_PLUGINS;
	return new Promise((resolve) => {
		execFile(BIN, args, { encoding: 'utf8', env: e, timeout: 30000, cwd: h.ROOT },
			(err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
	});
}

// The options a --help lists: "--name" at the start of an indented line (secrets without "--").
const listed = (out) => [...out.matchAll(/^ {2}(?:--)?([a-z][a-z0-9-]+) /gm)].map((m) => m[1]);

describe('skillarena COMMAND --help', () => {
	const cases = [
		{ cmd: 'serve', has: ['port', 'pg', 'redis', 'contests', 'max-contests', 'sync-ms', 'plugins', 'organizer-token-file'], not: [] },
		{ cmd: 'migrate', has: ['pg', 'sql-dir'], not: ['port', 'redis', 'plugins'] },
		{ cmd: 'load', has: ['pg', 'sql-dir', 'plugins'], not: ['port', 'redis'] },
		{ cmd: 'reset', has: ['pg', 'redis', 'redis-password-file', 'redis-prefix'], not: ['port', 'contests', 'plugins'] },
		{ cmd: 'archive', has: ['pg', 'redis', 'redis-password-file'], not: ['port', 'web'] },
		{ cmd: 'delete', has: ['pg', 'redis', 'redis-password-file'], not: ['port', 'web'] },
		{ cmd: 'types', has: ['plugins'], not: ['pg', 'port'] },
		{ cmd: 'config-doc', has: [], not: ['pg', 'port', 'plugins'] },
		{ cmd: 'messages', has: [], not: ['pg', 'port', 'plugins'] },
		{ cmd: 'user', has: ['pg', 'sql-dir'], not: ['port', 'redis', 'plugins'] },
		{ cmd: 'validate', has: ['plugins'], not: ['pg', 'port'] },
		{ cmd: 'import-bank', has: ['plugins'], not: ['pg', 'port'] },
		{ cmd: 'draw', has: ['plugins'], not: ['pg', 'port'] },
	];
	for (const c of cases) {
		test(c.cmd, async () => {
			for (const flag of ['--help', '-h']) {
				const r = await run([c.cmd, flag]);
				assert.equal(r.code, 0, r.stderr);
				assert.match(r.stdout, new RegExp(`^usage: skillarena ${c.cmd}\\b`));
				const opts = listed(r.stdout);
				for (const o of c.has) assert.ok(opts.includes(o), `${c.cmd} --help lists --${o}: ${opts}`);
				for (const o of c.not) assert.ok(!opts.includes(o), `${c.cmd} --help does not list --${o}`);
			}
		});
	}

	test('the --help of a command does not run it', async () => {
		const r = await run(['reset', 'SAFE2026', '--yes', '--help', '--pg', 'host=127.0.0.1 port=1 connect_timeout=1']);
		assert.equal(r.code, 0);
		assert.match(r.stdout, /^usage: skillarena reset CODE --yes\|--if-finished/);
		assert.equal(r.stderr, '');
	});

	test('skillarena --help lists every command', async () => {
		const r = await run(['--help']);
		assert.equal(r.code, 0);
		for (const cmd of ['serve', 'migrate', 'load', 'reset', 'archive', 'delete', 'types', 'messages', 'user', 'config-doc', 'validate', 'import-bank', 'draw'])
			assert.match(r.stdout, new RegExp(`^ {2}${cmd} `, 'm'));
	});
});

describe('plugins without an environment variable', () => {
	test('the contest tools and `types` find the plugins beside the binary', async () => {
		assert.ok(fs.existsSync(path.join(path.dirname(BIN), 'plugins', 'keywords.so')), 'make builds the plugin beside the binary');
		const v = await run(['validate', PLUGIN_CONTEST]);
		assert.equal(v.code, 0, v.stdout + v.stderr);
		const d = await run(['draw', PLUGIN_CONTEST]);
		assert.equal(d.code, 0, d.stderr);
		assert.match(d.stdout, /"keywords"/);
		const t = await run(['types']);
		assert.match(t.stdout, /^ {2}keywords +\S+ +\S*plugins\/keywords\.so$/m);
	});

	test('--plugins overrides the default directory', async () => {
		const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-06-'));
		const v = await run(['validate', '--plugins', empty, PLUGIN_CONTEST]);
		assert.equal(v.code, 1);
		assert.match(v.stderr + v.stdout, /keywords/);
		const v2 = await run(['validate', `--plugins=${path.join(path.dirname(BIN), 'plugins')}`, PLUGIN_CONTEST]);
		assert.equal(v2.code, 0, v2.stderr);
		fs.rmSync(empty, { recursive: true });
	});

	test('a binary without a plugins directory beside it knows only the built-in types', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-06-'));
		const lonely = path.join(dir, 'skillarena');
		fs.copyFileSync(BIN, lonely);
		fs.chmodSync(lonely, 0o755);
		const t = await new Promise((resolve) => execFile(lonely, ['types'], { encoding: 'utf8', cwd: h.ROOT },
			(err, stdout) => resolve({ code: err ? err.code : 0, stdout })));
		assert.equal(t.code, 0);
		assert.match(t.stdout, /single_choice/);
		assert.doesNotMatch(t.stdout, /keywords/);
		fs.rmSync(dir, { recursive: true });
	});
});
