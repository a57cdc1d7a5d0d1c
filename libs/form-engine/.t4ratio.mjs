import { compileFormOrThrow } from '@credo/form-engine';
import { generateDemoCustomers, loadTemplate } from '@credo/seeds';
const form = compileFormOrThrow(loadTemplate('customer'));
const cs = generateDemoCustomers({ seed: 4, count: 2000, salesOwnerIds: ['0f8fad5b-d9cb-469f-a165-70867728950e'], asOf: '2026-11-25' }).map(c => JSON.parse(JSON.stringify(c)));
const texts = cs.map(c => JSON.stringify(c));
const opts = { asOf: '2026-11-25' };
const fns = {
  validateInput: (o) => form.validateInput(o, 'zh-CN', opts).valid ? 1 : 0,
  fast: (o) => form.fastInput(o) ? 1 : 0,
  extra: (o) => form.extraChecks(o, { valid: true, errors: [] }, 'zh-CN', opts).valid ? 1 : 0,
};
const parse = (t) => JSON.parse(t) ? 1 : 0;
let s = 0;
function sample(arr, fn) { const t = process.cpuUsage(); for (let p = 0; p < 5; p++) for (const x of arr) s += fn(x); const u = process.cpuUsage(t); return (u.user + u.system) * 1e3 / (arr.length * 5); }
for (const name of process.argv.slice(2)) {
  const fn = fns[name];
  for (let w = 0; w < 3; w++) { sample(texts, parse); sample(cs, fn); }
  const r = []; const b = []; const c = [];
  for (let i = 0; i < 15; i++) { const x = sample(texts, parse); const y = sample(cs, fn); b.push(x); c.push(y); r.push(y / x); }
  const med = (a) => a.slice().sort((p, q) => p - q)[a.length >> 1];
  console.log(name.padEnd(14), 'ratio', med(r).toFixed(3), 'cand', med(c).toFixed(0), 'parse', med(b).toFixed(0));
}
