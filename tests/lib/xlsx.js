'use strict';
/*
 * tests/lib/xlsx.js - workbooks made and read by an independent tool:
 * openpyxl, run by Debian's python3 (python3-openpyxl).
 *
 *   const { writeXlsx, readXlsx } = require('../lib/xlsx.js');
 *   const buf = await writeXlsx([{ name: '题目', rows: [['a', 1], ['b', null]] }]);
 *   const sheets = await readXlsx(buf);   // [{name, rows}]
 *
 * Asynchronous on purpose: a synchronous child blocks the event loop, so that
 * a kept-alive socket the server closed meanwhile (idle) would be reused and
 * hang up.
 */
const { spawn } = require('node:child_process');

const PY = '/usr/bin/python3'; // Debian's, with python3-openpyxl

/** py(args, input) - python3 with input on stdin: resolves to its stdout (rejects unless it exits 0). */
function py(args, input) {
	return new Promise((resolve, reject) => {
		const p = spawn(PY, args, { stdio: ['pipe', 'pipe', 'pipe'] });
		const out = [], err = [];
		p.stdout.on('data', (c) => out.push(c));
		p.stderr.on('data', (c) => err.push(c));
		p.on('error', reject);
		p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out))
			: reject(new Error(`python3 exited with ${code}: ${Buffer.concat(err)}`))));
		p.stdin.end(input);
	});
}

/** writeXlsx(sheets) - an XLSX written by openpyxl: sheets [{name, rows}] (numbers stay numbers, null no cell). */
function writeXlsx(sheets) {
	const script = `
import json, sys, io, openpyxl
wb = openpyxl.Workbook()
wb.remove(wb.active)
for s in json.load(sys.stdin):
    ws = wb.create_sheet(s['name'])
    for r in s['rows']:
        ws.append(r)
out = io.BytesIO()
wb.save(out)
sys.stdout.buffer.write(out.getvalue())
`;
	return py(['-c', script], JSON.stringify(sheets));
}

/** readXlsx(buf) - a workbook's sheets as openpyxl reads them: [{name, rows}]. */
async function readXlsx(buf) {
	const script = `
import json, sys, io, openpyxl
wb = openpyxl.load_workbook(io.BytesIO(sys.stdin.buffer.read()))
print(json.dumps([{'name': ws.title, 'rows': [[c for c in r] for r in ws.iter_rows(values_only=True)]} for ws in wb.worksheets], ensure_ascii=False))
`;
	return JSON.parse((await py(['-c', script], buf)).toString('utf8'));
}

module.exports = { py, writeXlsx, readXlsx };
