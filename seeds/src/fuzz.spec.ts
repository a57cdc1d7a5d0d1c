import { describe, expect, it } from 'vitest';
import { compileFormOrThrow } from '@credo/form-engine';
import type { FieldError } from '@credo/form-engine';
import { createRandom } from './demo/random.js';
import { mutate } from './demo/validation-corpus.js';
import { generateDemoCollectionRecords } from './demo/demo-collections.js';
import { generateDemoCustomers } from './demo/demo-customers.js';
import { generateDemoPayments } from './demo/demo-payments.js';
import { generateDemoReceivables } from './demo/demo-receivables.js';
import { loadTemplate, templateKeys } from './templates.js';

/*
 * Bad input (issue 4): any record payload gets field errors or a success — never a throw.
 * 10,000 random and mutated payloads per seed form, deterministic per seed.
 */

const OWNER = '0f8fad5b-d9cb-469f-a165-70867728950e';
const RUNS = 10_000;
const AS_OF = '2026-11-25';

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

const demoCustomers = generateDemoCustomers({ seed: 7, count: 50, salesOwnerIds: [OWNER], asOf: '2026-11-25' });
const customerRecords = demoCustomers.map((data, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, data }));
const demoReceivables = generateDemoReceivables({ seed: 7, customers: customerRecords, count: 50, asOf: '2026-11-25' });
const receivableRecords = demoReceivables.map((data, i) => ({ id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`, data }));
/* Valid starting points to mutate, so mutations probe the rules rather than only the required fields. */
const seedPayloads: Record<string, Array<Record<string, unknown>>> = {
  customer: demoCustomers,
  receivable: demoReceivables,
  payment: generateDemoPayments({ seed: 7, receivables: receivableRecords, asOf: '2026-11-25' }),
  collection_record: generateDemoCollectionRecords({ seed: 7, receivables: receivableRecords, customers: customerRecords, count: 50, asOf: '2026-11-25' }),
};

describe.each(templateKeys)('fuzz: %s form', (key) => {
  const form = compileFormOrThrow(loadTemplate(key));
  const keys = form.definition.fields.map((f) => f.key);
  const seeds = seedPayloads[key] ?? [{}];

  it(`answers ${RUNS} random and mutated payloads without throwing`, () => {
    const r = createRandom(4242);
    let valid = 0;
    let invalid = 0;
    for (let i = 0; i < RUNS; i++) {
      const payload = mutate(r.pick(seeds), keys, r);
      const locale = r.chance(0.5) ? 'en' : 'zh-CN';
      const result = form.validateInput(payload, locale, { asOf: AS_OF }); // as the server validates
      expect(typeof result.valid).toBe('boolean');
      expect(result.valid).toBe(result.errors.length === 0);
      if (!wellFormed(result.errors)) throw new Error(`malformed errors for ${JSON.stringify(payload).slice(0, 200)}: ${JSON.stringify(result.errors)}`);
      if (result.valid) {
        valid++;
        const stored = form.complete(payload as Record<string, unknown>, { asOf: '2026-11-25' });
        const again = form.validateRecord(stored);
        if (!again.valid) throw new Error(`completed record invalid: ${JSON.stringify(again.errors)} from ${JSON.stringify(payload)}`);
      } else invalid++;
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(valid + invalid).toBe(RUNS);
    expect(invalid).toBeGreaterThan(RUNS / 2);
  }, 60_000);
});
