import { compileFormOrThrow } from '@credo/form-engine';
import { generateDemoCustomers, loadTemplate } from '@credo/seeds';
const form = compileFormOrThrow(loadTemplate('customer'));
const cs = generateDemoCustomers({ seed: 4, count: 2000, salesOwnerIds: ['0f8fad5b-d9cb-469f-a165-70867728950e'], asOf: '2026-11-25' }).map(c => JSON.parse(JSON.stringify(c)));
const texts = cs.map(c => JSON.stringify(c));
const keys = Object.keys(form.schema.properties);
const loads = new Function('d', 'let n=0;' + keys.map(k => `if(d.${k}!==undefined)n++;`).join('') + 'return n;');
const kset = new Map(keys.map((k, i) => [k, i]));
const forin = (d) => { let n = 0; for (const k in d) { const i = kset.get(k); if (i === undefined) return 0; const v = d[k]; if (typeof v === 'string' && v.length > 100) return 0; n++; } return n; };
const sw = new Function('d', 'let n=0; for (const k in d) { const v = d[k]; switch(k){' + keys.map(k => `case ${JSON.stringify(k)}: if (typeof v === 'string' && v.length > 100) return 0; n++; break;`).join('') + 'default: return 0;} } return n;');
const fns = { loads, forin, sw, fast: (o) => form.fastInput(o) ? 1 : 0 };
const parse = (t) => JSON.parse(t) ? 1 : 0;
let s = 0;
function sample(arr, fn) { const t = performance.now(); for (let p = 0; p < 5; p++) for (const x of arr) s += fn(x); return (performance.now() - t) * 1e6 / (arr.length * 5); }
const maps = new Set(cs.map(c => Object.keys(c).join(','))); console.log('distinct key orders', maps.size);
for (const name of process.argv.slice(2)) {
  const fn = fns[name];
  for (let w = 0; w < 3; w++) { sample(texts, parse); sample(cs, fn); }
  const r = []; const b = []; const c = [];
  for (let i = 0; i < 15; i++) { const x = sample(texts, parse); const y = sample(cs, fn); b.push(x); c.push(y); r.push(y / x); }
  const med = (a) => a.slice().sort((p, q) => p - q)[a.length >> 1];
  console.log(name.padEnd(14), 'ratio', med(r).toFixed(3), 'cand', med(c).toFixed(0), 'parse', med(b).toFixed(0));
}
