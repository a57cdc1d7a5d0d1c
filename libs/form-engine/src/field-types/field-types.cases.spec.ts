import { describe, expect, it } from 'vitest';
import { compileFormOrThrow, fieldTypeRegistry } from '../index.js';
import type { FieldDefinition, FieldType, Locale } from '../index.js';

/*
 * Data-driven field-type tests (ajv's spec/extras style): one case file per type in
 * libs/form-engine/test/cases/<type>.cases.json. Each case defines a field of that type and a list
 * of values with the expected outcome, error keyword, message and normalised value.
 */

declare global {
  interface ImportMeta {
    glob<T>(pattern: string, options: { eager: true; import: 'default' }): Record<string, T>;
  }
}

interface CaseTest {
  description: string;
  value?: unknown;
  /** The value as JSON text, for keys like __proto__ that an object literal cannot carry. */
  valueJson?: string;
  valid: boolean;
  keyword?: string;
  message?: string;
  locale?: Locale;
  normalized?: unknown;
}

interface CaseFile {
  type: FieldType;
  cases: Array<{ description: string; field: Partial<FieldDefinition>; tests: CaseTest[] }>;
}

const files = import.meta.glob<CaseFile>('../../test/cases/*.cases.json', { eager: true, import: 'default' });
const byType = new Map(Object.values(files).map((f) => [f.type, f]));

describe('field-type case files', () => {
  it('every registered type has a case file', () => {
    expect([...byType.keys()].sort()).toEqual(Object.keys(fieldTypeRegistry).sort());
  });
});

for (const file of byType.values()) {
  describe(`${file.type} field type`, () => {
    for (const c of file.cases) {
      describe(c.description, () => {
        const form = compileFormOrThrow({
          key: 'cases',
          title: 'Cases',
          fields: [{ key: 'v', type: file.type, label: { 'zh-CN': '值', en: 'Value' }, ...c.field } as FieldDefinition],
        });
        for (const t of c.tests) {
          it(t.description, () => {
            const data = t.valueJson !== undefined ? { v: JSON.parse(t.valueJson) as unknown } : 'value' in t ? { v: t.value } : {};
            const r = form.validateInput(data, t.locale);
            expect(r.valid, JSON.stringify(r.errors)).toBe(t.valid);
            if (t.keyword) expect(r.errors.map((e) => e.keyword)).toContain(t.keyword);
            if (t.message) expect(r.errors.map((e) => e.message)).toContain(t.message);
            if ('normalized' in t) expect(form.complete(data, { asOf: '2026-11-25' }).v).toEqual(t.normalized);
          });
        }
      });
    }
  });
}
