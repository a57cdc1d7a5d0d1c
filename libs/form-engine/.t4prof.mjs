import { compileFormOrThrow, getAjv } from '@credo/form-engine';
import { generateDemoCustomers, loadTemplate } from '@credo/seeds';
const form = compileFormOrThrow(loadTemplate('customer'));
const cs = generateDemoCustomers({ seed: 4, count: 2000, salesOwnerIds: ['0f8fad5b-d9cb-469f-a165-70867728950e'], asOf: '2026-11-25' }).map(c => JSON.parse(JSON.stringify(c)));
const texts = cs.map(c => JSON.stringify(c));
const opts = { asOf: '2026-11-25' };
const v = getAjv().compile(form.schema);
const mode = process.argv[2] || 'all';
function time(name, fn, arr) {
  let s = 0;
  for (let w = 0; w < 3; w++) for (const x of arr) s += fn(x);
  const t = performance.now();
  const P = 20;
  for (let p = 0; p < P; p++) for (const x of arr) s += fn(x);
  console.log(name, ((performance.now() - t) * 1e6 / (arr.length * P)).toFixed(0), 'ns');
  return s;
}
const N = mode === "prof" ? 60 : 1;
for (let i = 0; i < N; i++) {
  if (mode !== 'prof' || i === 0) time('parse', (t) => JSON.parse(t) ? 1 : 0, texts);
  time('validateInput', (o) => form.validateInput(o, 'zh-CN', opts).valid ? 1 : 0, cs);
  if (mode !== 'prof') time('ajv', (o) => v(o) ? 1 : 0, cs);
}
