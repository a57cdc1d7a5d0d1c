import { compileFormOrThrow, getAjv } from '@credo/form-engine';
import { generateDemoCustomers, loadTemplate } from '@credo/seeds';
const form = compileFormOrThrow(loadTemplate('customer'));
const cs = generateDemoCustomers({ seed: 4, count: 2000, salesOwnerIds: ['0f8fad5b-d9cb-469f-a165-70867728950e'], asOf: '2026-11-25' }).map(c => JSON.parse(JSON.stringify(c)));
const ajv = getAjv();
function time(name, fn, arr) {
  let s = 0;
  for (let w = 0; w < 3; w++) for (const x of arr) s += fn(x);
  const res = [];
  for (let r = 0; r < 5; r++) {
  const t = performance.now();
  const P = 20;
  for (let p = 0; p < P; p++) for (const x of arr) s += fn(x);
  res.push((performance.now() - t) * 1e6 / (arr.length * P));
  }
  res.sort((a,b)=>a-b);
  console.log(name.padEnd(20), res[2].toFixed(0), 'ns', arr.length);
  return s;
}
const props = form.schema.properties;
for (const [k, p] of Object.entries(props)) {
  const vals = cs.map(c => c[k]).filter(x => x !== undefined);
  if (!vals.length) continue;
  const sch = { ...p }; delete sch.title; delete sch['x-field-type'];
  const v = ajv.compile({ $id: 'x' + k, ...sch });
  time(k + (p.format ? ':' + p.format : p.decimal ? ':decimal' : ''), (x) => v(x) ? 1 : 0, vals);
}
