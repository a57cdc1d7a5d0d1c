import { compileFormOrThrow, getAjv } from '@credo/form-engine';
import { generateDemoCustomers, loadTemplate } from '@credo/seeds';
const form = compileFormOrThrow(loadTemplate('customer'));
const cs = generateDemoCustomers({ seed: 4, count: 2000, salesOwnerIds: ['0f8fad5b-d9cb-469f-a165-70867728950e'], asOf: '2026-11-25' }).map(c => JSON.parse(JSON.stringify(c)));
const texts = cs.map(c => JSON.stringify(c));
const opts = { asOf: '2026-11-25' };
const v = getAjv().compile(form.schema);
function time(name, fn, arr) {
  let s = 0;
  for (let w = 0; w < 3; w++) for (const x of arr) s += fn(x);
  const res = [];
  for (let r = 0; r < 5; r++) {
  const t = performance.now();
  const P = 10;
  for (let p = 0; p < P; p++) for (const x of arr) s += fn(x);
  res.push((performance.now() - t) * 1e6 / (arr.length * P));
  }
  res.sort((a,b)=>a-b);
  console.log(name.padEnd(20), res[2].toFixed(0), 'ns');
  return s;
}
const which = process.argv.slice(2);
const all = {
  parse: [(t) => JSON.parse(t) ? 1 : 0, texts],
  validateInput: [(o) => form.validateInput(o, 'zh-CN', opts).valid ? 1 : 0, cs],
  ajv: [(o) => v(o) ? 1 : 0, cs],
  isClean: [(o) => form.isClean(o, true) ? 1 : 0, cs],
  extra: [(o) => form.extraChecks(o, { valid: true, errors: [] }, 'zh-CN', opts).valid ? 1 : 0, cs],
  forin: [(o) => { let n = 0; for (const k in o) { if (o[k] === null) n++; } return n; }, cs],
  keys: [(o) => { let n = 0; const ks = Object.keys(o); for (let i = 0; i < ks.length; i++) { if (o[ks[i]] === null) n++; } return n; }, cs],
};
for (const k of which.length ? which : Object.keys(all)) time(k, ...all[k]);
