import { describe, expect, it } from 'vitest';
import { compileFormOrThrow } from '@credo/form-engine';
import type { FieldError } from '@credo/form-engine';
import { createRandom } from './demo/random.js';
import type { Random } from './demo/random.js';
import { generateDemoCustomers } from './demo/demo-customers.js';
import { loadTemplate, templateKeys } from './templates.js';

/*
 * Bad input (issue 4): any record payload gets field errors or a success — never a throw.
 * 10,000 random and mutated payloads per seed form, deterministic per seed.
 */

const OWNER = '0f8fad5b-d9cb-469f-a165-70867728950e';
const RUNS = 10_000;

function garbage(r: Random, depth = 0): unknown {
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

function mutate(base: Record<string, unknown>, keys: string[], r: Random): unknown {
  if (r.chance(0.05)) return garbage(r);
  const out: Record<string, unknown> = { ...base };
  const n = r.int(1, 4);
  for (let i = 0; i < n; i++) {
    const key = r.chance(0.9) ? r.pick(keys) : r.pick(['__proto__', 'constructor', 'prototype', 'unknown_field', 'customer_code', 'id', '']);
    if (r.chance(0.2)) delete out[key];
    else if (key === '__proto__') return JSON.parse(JSON.stringify(out).replace(/^\{/, '{"__proto__": {"polluted": true},'));
    else out[key] = garbage(r);
  }
  return out;
}

function wellFormed(errors: FieldError[]): boolean {
  return errors.every(
    (e) =>
      typeof e.path === 'string' &&
      (e.path === '' || e.path.startsWith('/')) &&
      typeof e.keyword === 'string' &&
      e.keyword.length > 0 &&
      typeof e.message === 'string' &&
      e.message.length > 0 &&
      !e.message.includes('{') &&
      typeof e.params === 'object',
  );
}

describe.each(templateKeys)('fuzz: %s form', (key) => {
  const form = compileFormOrThrow(loadTemplate(key));
  const keys = form.definition.fields.map((f) => f.key);
  const seeds = key === 'customer' ? generateDemoCustomers({ seed: 7, count: 50, salesOwnerIds: [OWNER], asOf: '2026-11-25' }) : [{}];

  it(`answers ${RUNS} random and mutated payloads without throwing`, () => {
    const r = createRandom(4242);
    let valid = 0;
    let invalid = 0;
    for (let i = 0; i < RUNS; i++) {
      const payload = mutate(r.pick(seeds), keys, r);
      const locale = r.chance(0.5) ? 'en' : 'zh-CN';
      const result = form.validateInput(payload, locale);
      expect(typeof result.valid).toBe('boolean');
      expect(result.valid).toBe(result.errors.length === 0);
      if (!wellFormed(result.errors)) throw new Error(`malformed errors for ${JSON.stringify(payload).slice(0, 200)}: ${JSON.stringify(result.errors)}`);
      if (result.valid) {
        valid++;
        const stored = form.complete(payload as Record<string, unknown>, { asOf: '2026-11-25' });
        const again = form.validateRecord(stored);
        if (!again.valid) throw new Error(`completed record invalid: ${JSON.stringify(again.errors)}`);
      } else invalid++;
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(valid + invalid).toBe(RUNS);
    expect(invalid).toBeGreaterThan(RUNS / 2);
  });
});
