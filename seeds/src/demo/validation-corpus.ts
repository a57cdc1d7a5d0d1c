import { createRandom } from './random.js';
import type { Random } from './random.js';
import { generateDemoCustomers } from './demo-customers.js';

/*
 * Payloads for the fuzz test and the browser/server parity test: valid demo customers, the same
 * records mutated into garbage (wrong types, huge strings, prototype keys, unknown fields), and the
 * DOMAIN §4 worked examples. Deterministic per seed, JSON-serialisable (so a browser can receive
 * it), except that "__proto__" keys only survive when the payload is sent as JSON text.
 */

const OWNER = '0f8fad5b-d9cb-469f-a165-70867728950e';

const DOMAIN_USCC = ['91110000600037341L', '91350100M000100Y43', '91350100M000100Y4Z', '91440300708461136T', '91330100799655058B', '91110108551385082Q', '914403001922038216', '91512081MA62K0260E', '91110000600037341K', '9111000060003734IL', '91110000600037341'];

export function garbage(r: Random, depth = 0): unknown {
  switch (r.int(0, 15)) {
    case 0:
      return null;
    case 1:
      return r.int(-1e9, 1e9) / r.int(1, 1000);
    case 2:
      return r.chance(0.5);
    case 3:
      return '';
    case 4:
      return 'x'.repeat(r.int(0, 20_000));
    case 5:
      return r.pick(['1e309', 'NaN', '-0', '0.1', '00', '1,000.00', ' 12 ', '１２３', '2026-02-30', '9999-12-31', '91110000600037341L', '91350100M000100Y4Z']);
    case 6:
      return String.fromCharCode(...Array.from({ length: r.int(1, 40) }, () => r.int(0, 0xffff)));
    case 7:
      return depth > 3 ? 1 : Array.from({ length: r.int(0, 5) }, () => garbage(r, depth + 1));
    case 8:
      return depth > 3 ? {} : Object.fromEntries(Array.from({ length: r.int(0, 4) }, (_, i) => [`k${i}`, garbage(r, depth + 1)]));
    case 9:
      return JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {}}}');
    case 10:
      return Number.MAX_SAFE_INTEGER * r.int(1, 4);
    case 11:
      return r.pick(['企业', '个人', 'CN', '正常', '月结', OWNER, '7B0A3C5E-1F2D-4A6B-9C8D-0E1F2A3B4C5D']);
    case 12:
      return -r.int(0, 400);
    case 13:
      return '\u0000\u202e<script>alert(1)</script>';
    case 14:
      return r.digits(r.int(1, 40));
    default:
      return depth > 5 ? [] : [[[[[[garbage(r, depth + 6)]]]]]];
  }
}

export function mutate(base: Record<string, unknown>, keys: string[], r: Random): unknown {
  if (r.chance(0.05)) return garbage(r);
  const out: Record<string, unknown> = { ...base };
  const n = r.int(1, 4);
  for (let i = 0; i < n; i++) {
    const key = r.chance(0.9) ? r.pick(keys) : r.pick(['__proto__', 'constructor', 'prototype', 'unknown_field', 'customer_code', 'id', '']);
    if (r.chance(0.2)) delete out[key];
    else if (key === '__proto__') {
      const json = JSON.stringify(out);
      return JSON.parse(json === '{}' ? '{"__proto__": {"polluted": true}}' : json.replace(/^\{/, '{"__proto__": {"polluted": true},'));
    }
    else out[key] = garbage(r);
  }
  return out;
}


export interface CorpusEntry {
  /** Template key the payload is meant for. */
  form: string;
  /** The payload as JSON text (keeps "__proto__" keys intact across JSON.parse). */
  json: string;
}

/** `count` customer payloads (about a quarter valid), deterministic per seed. */
export function generateValidationCorpus(opts: { seed: number; count: number; asOf: string; salesOwnerIds?: string[] }): CorpusEntry[] {
  const r = createRandom(opts.seed);
  const owners = opts.salesOwnerIds?.length ? opts.salesOwnerIds : [OWNER];
  const base = generateDemoCustomers({ seed: opts.seed, count: Math.max(20, Math.ceil(opts.count / 4)), salesOwnerIds: owners, asOf: opts.asOf });
  const keys = Object.keys(base[0] ?? {}).concat(['customer_code', 'foreign_tax_id', 'collector']);
  const out: CorpusEntry[] = [];
  const push = (payload: unknown) => out.push({ form: 'customer', json: JSON.stringify(payload) ?? 'null' });
  for (const uscc of DOMAIN_USCC) push({ ...base[0], uscc });
  for (const rec of base) {
    if (out.length >= opts.count) break;
    push(rec);
  }
  while (out.length < opts.count) {
    const m = mutate(r.pick(base), keys, r);
    push(m);
  }
  return out.slice(0, opts.count);
}
