// Evaluates the corpus that dev.imprint.bench.authz.CedarCorpus wrote (policies.json,
// requests.json) with the Cedar policy engine (cedar-wasm), checks that every decision and its
// determining policies agree with Imprint's, and prints decisions/s and p50/p99 per decision.
//
//   node bench/cedar/cedar-bench.mjs bench/cedar/out [TIMED_REQUESTS]
//
// Every request is checked for agreement (that pass also warms up); the timing then runs over
// the first TIMED_REQUESTS requests (default all), one decision at a time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

const dir = process.argv[2] ?? 'bench/cedar/out';
const timed = Math.min(Number(process.argv[3] ?? Infinity), Infinity);
const INACTIVE = 'imprint-identity-inactive';
const policies = JSON.parse(readFileSync(join(dir, 'policies.json'), 'utf8'));
const requests = JSON.parse(readFileSync(join(dir, 'requests.json'), 'utf8'));
if (requests.length === 0) {
  throw new Error('no request in ' + dir);
}
const parsed = cedar.preparsePolicySet('imprint', { staticPolicies: policies });
if (parsed.type !== 'success') {
  console.error(JSON.stringify(parsed.errors.slice(0, 5), null, 2));
  process.exit(2);
}

function decide(r) {
  const a = cedar.statefulIsAuthorized({
    principal: r.principal, action: r.action, resource: r.resource, context: r.context,
    preparsedPolicySetId: 'imprint', entities: [],
  });
  if (a.type !== 'success') {
    throw new Error('cedar failed on ' + JSON.stringify(r) + ': ' + JSON.stringify(a.errors));
  }
  return a.response;
}

let agree = 0;
const disagreements = [];
for (const r of requests) {
  const res = decide(r);
  const decision = res.decision === 'allow' ? 'allow' : 'deny';
  const grants = res.diagnostics.reason.filter((id) => id !== INACTIVE).sort();
  const expect = (r.grants ?? []).slice().sort();
  const errors = res.diagnostics.errors;
  if (decision === r.expect && JSON.stringify(grants) === JSON.stringify(expect)
      && errors.length === 0) {
    agree++;
  } else if (disagreements.length < 10) {
    disagreements.push({ request: r, cedar: { decision, grants, errors } });
  }
}

const sample = requests.slice(0, Math.min(requests.length, timed));
const nanos = new BigInt64Array(sample.length);
let i = 0;
const start = process.hrtime.bigint();
for (const r of sample) {
  const t = process.hrtime.bigint();
  decide(r);
  nanos[i++] = process.hrtime.bigint() - t;
}
const total = Number(process.hrtime.bigint() - start) / 1e9;
nanos.sort();
const pct = (p) => Number(nanos[Math.min(nanos.length - 1, Math.floor(nanos.length * p))]) / 1e3;
console.log(`cedar ${cedar.getCedarVersion()}: ${Object.keys(policies).length} policies,`
  + ` ${nanos.length} decisions, ${(nanos.length / total).toFixed(0)} decisions/s,`
  + ` p50 ${pct(0.5).toFixed(2)} us, p99 ${pct(0.99).toFixed(2)} us (one thread, timer included)`);
console.log(`agreement: ${agree} of ${requests.length} requests`
  + ` (${(100 * agree / requests.length).toFixed(2)} %): decision and deciding grants`);
if (disagreements.length > 0) {
  console.log(JSON.stringify(disagreements, null, 2));
  process.exit(1);
}
