// certs-check.mjs - certificates checked by tools that share no code with
// ours (run by `make check-certs`, a TEST_STEPS target; no server needed).
//
// sa-certs makes a key, a seal and two certificates (an award with a
// 64-character Chinese name and a long unit, a participation certificate);
// then:
//   poppler  pdftotext finds every name, unit and award in full; pdfinfo
//            shows the JWS in the PDF's Keywords
//   zbar     pdftoppm renders the page, zbarimg decodes the QR code to
//            VERIFY_BASE/ID
//   jose     verifies the JWS and the OB 3.0 VC-JWT with the exported JWK
//            (ES256 only, typ, issuer), and refuses tampered copies
//   ajv      validates each OB 3.0 credential against the OB 3.0 JSON schema
//            (tests/data/certs/, see its $comment), and a broken one fails
//   sa-certs verify: every file valid; a tampered PDF and an unknown key refused
//
// Environment: SA_CERTS_BIN (default build/release/sa-certs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compactVerify, jwtVerify, importJWK, decodeProtectedHeader } from 'jose';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.resolve(ROOT, process.env.SA_CERTS_BIN || 'build/release/sa-certs');
const DIR = mkdtempSync(path.join(tmpdir(), 'sa-certs-check-'));
const VERIFY_BASE = 'https://skills.example.cn/verify';
const ISSUER_ID = 'https://skills.example.cn/issuers/jszgh';
const JWKS_URL = 'https://skills.example.cn/.well-known/jwks.json';
const NAME64 = '欧阳铁柱'.repeat(16);
const UNIT = '国网江苏省电力有限公司南京供电分公司城南运维检修中心变电运维一班第三组技术攻关小组';
const TITLE = '2026年国网江苏省电力有限公司电工技能竞赛';

const run = (args, opts = {}) => execFileSync(BIN, args, { cwd: DIR, encoding: 'utf8', ...opts });
const squeeze = (s) => s.replace(/\s+/g, '');

const records = [
  { name: NAME64, employee_no: 'E1024', unit: UNIT, award: '一等奖', score: 96.5, rank: 1 },
  { name: '张三', employee_no: 'E2048', unit: '国网南京供电公司', award: '参与', kind: 'participation' },
];
let ids = [];
let jwk;

test.before(() => {
  run(['keygen', 'issuer.pem', 'issuer.pub.pem']);
  jwk = JSON.parse(run(['jwks', 'issuer.pub.pem'])).keys[0];
  writeFileSync(path.join(DIR, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
  run(['seal', 'seal.png']);
  writeFileSync(path.join(DIR, 'template.json'), JSON.stringify({ id: 'check', seal: 'seal.png' }));
  writeFileSync(path.join(DIR, 'records.json'), JSON.stringify({
    defaults: { contest_code: 'DEMO-2026', contest_title: TITLE, issuer: '江苏省总工会',
      verify_base: VERIFY_BASE, template: 'check', issued_at: 1796428800 },
    records,
  }));
  const out = run(['issue', '--key', 'issuer.pem', '--records', 'records.json', '--out', 'out',
    '--template', 'template.json', '--threads', '2', '--issuer-id', ISSUER_ID, '--jwks-url', JWKS_URL],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  ids = out.trim().split('\n').map((l) => l.split(' ')[1]);
  assert.equal(ids.length, records.length);
});

test.after(() => rmSync(DIR, { recursive: true, force: true }));

const file = (i, ext) => path.join(DIR, 'out', ids[i] + ext);

test('pdftotext reads every name, unit and award in full', () => {
  records.forEach((r, i) => {
    const text = squeeze(execFileSync('pdftotext', ['-enc', 'UTF-8', file(i, '.pdf'), '-'], { encoding: 'utf8' }));
    assert.ok(text.includes(squeeze(r.name)), `name ${i} in ${text}`);
    assert.ok(text.includes(squeeze(r.unit)), `unit ${i}`);
    assert.ok(text.includes(squeeze(TITLE)), `contest title ${i}`);
    assert.ok(text.includes(ids[i]), `certificate number ${i}`);
    if (r.kind !== 'participation') assert.ok(text.includes(r.award), `award ${i}`);
  });
});

test('zbarimg decodes the QR code to VERIFY_BASE/ID', () => {
  records.forEach((r, i) => {
    const png = path.join(DIR, `page${i}`);
    execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', file(i, '.pdf'), png]);
    const qr = execFileSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', png + '.png'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    assert.equal(qr, `${VERIFY_BASE}/${ids[i]}`);
  });
});

test('pdfinfo shows the JWS in the Keywords; jose verifies it with the JWK', async () => {
  const key = await importJWK(jwk, 'ES256');
  for (let i = 0; i < records.length; i++) {
    const jws = readFileSync(file(i, '.jws'), 'utf8').trim();
    const info = execFileSync('pdfinfo', [file(i, '.pdf')], { encoding: 'utf8' });
    assert.equal(info.match(/^Keywords:\s+(\S+)$/m)?.[1], jws);
    const { payload, protectedHeader } = await compactVerify(jws, key, { algorithms: ['ES256'] });
    assert.deepEqual(protectedHeader, { alg: 'ES256', kid: jwk.kid, typ: 'skillarena-cert+jws' });
    const rec = JSON.parse(new TextDecoder().decode(payload));
    assert.equal(rec.id, ids[i]);
    assert.equal(rec.name, records[i].name);
    assert.equal(rec.verify_base, VERIFY_BASE);
    assert.equal(rec.score, records[i].score);
    // the payload is canonical: sorted keys, no whitespace
    const keys = Object.keys(rec);
    assert.deepEqual(keys, [...keys].sort());
    assert.ok(!/[\n ]"|": /.test(new TextDecoder().decode(payload)));
    // the signature is raw R||S (64 bytes), and a changed payload fails
    assert.equal(Buffer.from(jws.split('.')[2], 'base64url').length, 64);
    const [h, p, s] = jws.split('.');
    const forged = JSON.stringify({ ...rec, award: '特等奖' });
    await assert.rejects(compactVerify(`${h}.${Buffer.from(forged).toString('base64url')}.${s}`, key));
  }
});

test('jose verifies the OB 3.0 VC-JWT; ajv validates it against the OB 3.0 schema', async () => {
  const key = await importJWK(jwk, 'ES256');
  const schema = JSON.parse(readFileSync(path.join(ROOT, 'tests/data/certs/ob_v3p0_achievementcredential_schema.json'), 'utf8'));
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  for (let i = 0; i < records.length; i++) {
    const jwt = readFileSync(file(i, '.ob3.jwt'), 'utf8').trim();
    const header = decodeProtectedHeader(jwt);
    assert.deepEqual(header, { alg: 'ES256', kid: `${JWKS_URL}#${jwk.kid}`, typ: 'JWT' });
    const { payload } = await jwtVerify(jwt, key, { algorithms: ['ES256'], typ: 'JWT', issuer: ISSUER_ID,
      currentDate: new Date(1796428800 * 1000 + 60000) });
    assert.equal(payload.jti, payload.id);
    assert.equal(payload.sub, payload.credentialSubject.id);
    assert.equal(payload.nbf, Date.parse(payload.validFrom) / 1000);
    assert.equal(payload.issuer.id, ISSUER_ID);
    assert.equal(payload.vc, undefined);
    assert.ok(validate(payload), JSON.stringify(validate.errors));
    const names = payload.credentialSubject.identifier.filter((x) => x.identityType === 'name');
    assert.equal(names[0].identityHash, records[i].name);
    // the schema check can fail: no achievement, or a bad context
    const broken = structuredClone(payload);
    delete broken.credentialSubject.achievement;
    assert.equal(validate(broken), false);
    const wrongCtx = { ...structuredClone(payload), '@context': ['https://www.w3.org/2018/credentials/v1'] };
    assert.equal(validate(wrongCtx), false);
  }
});

test('sa-certs verify: all valid; tampered PDF, unknown key and alg none refused', () => {
  const all = ids.flatMap((id, i) => [file(i, '.pdf'), file(i, '.jws'), file(i, '.ob3.jwt')]);
  const ok = spawnSync(BIN, ['verify', '--keys', 'jwks.json', '--lang', 'en', ...all], { cwd: DIR, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.equal(ok.stdout.trim().split('\n').filter((l) => l.includes(': valid ')).length, all.length);

  const pdf = readFileSync(file(0, '.pdf'));
  const jws = readFileSync(file(0, '.jws'), 'utf8').trim();
  const at = pdf.indexOf(jws.split('.')[1].slice(30, 50));
  assert.ok(at > 0);
  pdf[at] = pdf[at] === 0x51 ? 0x52 : 0x51;
  writeFileSync(path.join(DIR, 'tampered.pdf'), pdf);
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: jwk.kid, typ: 'skillarena-cert+jws' })).toString('base64url')}.${jws.split('.')[1]}.`;
  writeFileSync(path.join(DIR, 'none.jwt'), none);
  run(['keygen', 'other.pem', 'other.pub.pem']);
  const bad = spawnSync(BIN, ['verify', '--keys', 'other.pub.pem', '--lang', 'en', file(0, '.pdf')], { cwd: DIR, encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /invalid: unknown_kid/);
  const t = spawnSync(BIN, ['verify', '--keys', 'jwks.json', 'tampered.pdf', 'none.jwt'], { cwd: DIR, encoding: 'utf8' });
  assert.equal(t.status, 1);
  assert.match(t.stdout, /tampered\.pdf: invalid: bad_signature: 签名无效/);
  assert.match(t.stdout, /none\.jwt: invalid: wrong_alg/);
  writeFileSync(path.join(DIR, 'revoked.txt'), `${ids[1]} 成绩更正\n`);
  const r = spawnSync(BIN, ['verify', '--keys', 'jwks.json', '--revoked', 'revoked.txt', file(1, '.pdf'), file(0, '.pdf')],
    { cwd: DIR, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stdout, new RegExp(`${ids[1]}\\.pdf: invalid: revoked: .*成绩更正`));
  assert.match(r.stdout, new RegExp(`${ids[0]}\\.pdf: valid`));
});
