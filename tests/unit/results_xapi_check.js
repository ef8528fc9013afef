#!/usr/bin/env node
// results_xapi_check.js - validates xAPI statements with Learning Locker's
// validator (@learninglocker/xapi-validation, from tests/node_modules), an
// implementation independent of results/xapi.c.
//
// usage: node tests/unit/results_xapi_check.js FILE.json
// FILE holds a JSON array of statements. Prints one line per problem and
// exits 1 when any statement has one. As a check on the check, a copy of
// the first statement with a broken actor and a broken score must be refused.
'use strict';
const fs = require('fs');
const validate = require('@learninglocker/xapi-validation').default;

const statements = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
if (!Array.isArray(statements) || statements.length === 0) {
  console.error('no statements');
  process.exit(1);
}
let problems = 0;
statements.forEach((s, i) => {
  for (const w of validate(s)) {
    problems++;
    console.log(`statement ${i} (${s.verb && s.verb.id}): ${w.path.join('.')}: ${w.constructor.name}`);
  }
});
const broken = JSON.parse(JSON.stringify(statements[0]));
broken.actor.mbox = 'mailto:x@example.com'; // two identifiers
broken.result = { score: { scaled: 1.5 } };
const caught = validate(broken).length;
if (caught < 2) {
  console.log(`the validator accepted a broken statement (${caught} warnings)`);
  problems++;
}
console.log(`${statements.length} statements, ${problems} problems`);
process.exit(problems ? 1 : 0);
