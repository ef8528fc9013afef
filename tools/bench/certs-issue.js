'use strict';
// tools/bench/certs-issue.js - a one-off figure: N certificates issued
// through the server's job (POST /api/console/contests/CERT2026/certificates
// {kind: participation}) on one server process with a throwaway database and
// Redis (tests/lib/harness.js). The finished contest's ranking is written
// straight into contest_results (N rows, 64-character Chinese names) and
// marked current, so the job's time is the issuing itself: the final
// ranking read, N records checked, signed twice each (certificate JWS and
// OB 3.0 VC-JWT, two threads) and stored by COPY in one transaction.
//
//   SA_BIN=build/release/skillarena node tools/bench/certs-issue.js [N]
//
// Prints one `bench:` line: N, the job's time (created_at to finished_at,
// from PostgreSQL), certificates per second, the load average before and after.
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../../tests/lib/harness.js');
const con = require('../../tests/lib/console.js');

const N = Number(process.argv[2] || 10000);

(async () => {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-certs-bench-'));
	const srv = await h.startServer({ contests: ['tests/integration/data/certs.json'],
		args: ['--cert-key-file', path.join(tmp, 'key.pem'), '--public-url', 'https://skills.example.cn'] });
	try {
		await srv.psql(`UPDATE contests SET phase = 'finished' WHERE code = 'CERT2026';
			INSERT INTO contest_results_meta (contest_id, epoch, seq, participants, questions, max_milli)
			SELECT id, epoch, seq, ${N}, '[]', 200000 FROM contests WHERE code = 'CERT2026';
			INSERT INTO contest_results (contest_id, place, rank, tied, participant_id, name, employee_no, unit,
				score_milli, correct, wrong, time_ms, points)
			SELECT c.id, g, g, false, g, repeat('欧阳铁柱', 15) || lpad(g::text, 4, '0'), 'E' || g,
				'国网示范供电公司/第' || (g % 50) || '运维班', 200000 - g, 2, 0, 1000, '{}'
			FROM contests c, generate_series(1, ${N}) g WHERE c.code = 'CERT2026'`);
		const api = con.bearer(srv.url, srv.organizerToken);
		if ((await srv.sql(`SELECT to_regclass('result_releases') IS NOT NULL AS x`))[0].x) { // final results first
			for (const [step, body] of [['publish', { notice_days: 0 }], ['finalize', {}]]) {
				const s = await api.post(`/api/console/contests/CERT2026/results/${step}`, body);
				if (s.status >= 300) throw new Error(`${step}: ${s.body}`);
			}
		}
		const load0 = os.loadavg()[0];
		const r = await api.post('/api/console/contests/CERT2026/certificates', { kind: 'participation' });
		if (r.status !== 202) throw new Error(r.body);
		let j;
		for (;;) {
			j = (await api.get(`/api/jobs/${r.json.id}`)).json;
			if (j.status === 'done' || j.status === 'failed') break;
			await new Promise((res) => setTimeout(res, 200));
		}
		const load1 = os.loadavg()[0];
		if (j.status !== 'done' || j.report.issued !== N) throw new Error(JSON.stringify(j));
		const s = (Date.parse(j.finished_at) - Date.parse(j.created_at)) / 1000;
		const stored = (await srv.sql(`SELECT count(*)::int AS n FROM certificates`))[0].n;
		console.log(`bench: certificates issued=${N} stored=${stored} job_s=${s.toFixed(2)} per_s=${Math.round(N / s)} ` +
			`load_before=${load0.toFixed(2)} load_after=${load1.toFixed(2)} cores=${os.cpus().length}`);
	} finally {
		await srv.stop();
		fs.rmSync(tmp, { recursive: true, force: true });
	}
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
