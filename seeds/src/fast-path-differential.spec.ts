import { describe, expect, it } from 'vitest';
import { compileFormOrThrow, getAjv, getFastAjv, isCnapsCode, isCnMobile, isCnPostalCode, usccCheckChar } from '@credo/form-engine';
import type { CompiledForm, FieldDefinition, FormDefinition, Locale, ValidateOptions, ValidationResult } from '@credo/form-engine';
import { generateDemoCustomers } from './demo/demo-customers.js';
import { generateValidationCorpus } from './demo/validation-corpus.js';
import { loadTemplate, templateKeys } from './templates.js';

/*
 * validateInput answers clean, valid payloads from a fail-fast validator (libs/form-engine
 * compile/compile-form.ts, compile/fast-schema.ts)
 * and everything else from the full path. Differential test: for every seed template and for
 * thousands of generated payloads (valid ones, blanks, wrong types and formats, unknown,
 * `__proto__` and computed keys, undefined values, shuffled key order), validateInput must return
 * exactly what the full path returns: valid, every error with path, keyword, params and message
 * (zh-CN and en), and warnings. And the fast path must actually be taken for valid payloads.
 */

const AS_OF = '2026-11-25';

interface Internals {
  runFull(data: unknown, locale: Locale, input: boolean, options?: ValidateOptions): ValidationResult;
  fastInput: ((data: unknown) => boolean) | null;
}

function internals(form: CompiledForm): Internals {
  return form as unknown as Internals;
}

function createRandom(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

const uscc = (body: string) => body + usccCheckChar(body);
/** Valid USCCs, one whose organisation-code part fails GB 11714 (a warning), and legacy ids. */
const USCCS = ['91350100M000100Y43', '91440300708461136T', uscc('91110000600037341'), uscc('92350100MA2Y0B7X1'), uscc('11420106MAYKMPBN3'), uscc('91350100123456780')];
const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';

const BAD: unknown[] = [null, '', '  ', '\u3000', [], 0, -1, 1.5, true, {}, 'x'.repeat(300), '<b>', '２０２６', { a: 1 }, [1, 2]];

function goodValues(f: FieldDefinition): unknown[] {
  const options = (f.options ?? []).map((o) => o.value);
  switch (f.type) {
    case 'text':
    case 'textarea':
      if (f.pattern) return ['13800138000', '0591-87654321', '福州测试科技有限公司', 'ab'];
      return ['福州测试科技有限公司', 'ab', ' 前后有空格 ', 'Acme Ltd.', 'x'.repeat(50)];
    case 'select':
      return [...options, '不存在的选项'];
    case 'multiselect':
      return [options.slice(0, 1), options.slice(0, 2), [options[0], options[0]], ['nope']];
    case 'uscc':
      return [...USCCS, USCCS[0]!.toLowerCase(), '9135 0100 M000 100Y 43', '91350100M000100Y4Z', '110108000000016', '12345678-5', '91350100M000100Y4'];
    case 'date':
      return ['2026-11-25', '2026-11-26', '2026-12-31', '2027-01-30', '1800-01-01', '1799-12-31', '2024-02-29', '2026-02-30', '20261125', '2026-1-5'];
    case 'datetime':
      return ['2026-11-25T10:00:00+08:00', '2026-11-25T10:00:00Z', '2026-11-25 10:00:00', '2026-11-25T25:00:00Z'];
    case 'money':
    case 'decimal':
    case 'percent':
      return ['100.50', '0', '0.00', '-0', '1', '100.5', '160000.00', '100.555', '-1', '1e5', '01.5', '12345678901234567890', '99999999999999.99', 12.5];
    case 'integer':
    case 'number':
      return [Math.min(Math.max(30, Number(f.minimum ?? 0)), Number(f.maximum ?? 30)), 0, 1, 30, 90, 365, 366, 2025, -1, 1.5, 2147483648, '30'];
    case 'boolean':
      return [true, false, 'true'];
    case 'mobile':
      return ['13800138000', '+86 13800138000', '12800138000', '1380013800'];
    case 'phone':
      return ['027-45062519', '0591-87654321-123', '400-123-4567', '4001234567', '12345'];
    case 'email':
      return ['a@b.cn', 'finance@example.com', 'a@b', 'a b@c.cn'];
    case 'postal_code':
      return ['350001', '430479', '950001', '35000'];
    case 'bank_account':
      return ['4790496592734702', '6222 0202 0000 1234', '1234567', '62220202000012345678901234567890123'];
    case 'cnaps':
      return ['103578046962', '10357804696'];
    case 'fapiao_code':
      return ['3500201130', '035002011300', '350020113'];
    case 'fapiao_number':
      return ['12345678', '24352000000012345678', '1234567'];
    case 'url':
      return ['https://example.com/a', 'ftp://example.com', 'http://'];
    case 'user':
    case 'reference':
      return [UUID, UUID.toUpperCase(), `urn:uuid:${UUID}`, 'not-a-uuid'];
    case 'subtable':
      return [[{ receivable: UUID, amount: '10.00' }], [{ receivable: UUID, amount: '10.00', __proto__: 1 }], [{ amount: '' }]];
    case 'attachment':
      return [[{ id: 'f1', name: 'a.pdf', size: 10, mime: 'application/pdf' }], [{ name: 'a.pdf', key: 'k' }]];
    default:
      return ['x', 1];
  }
}

function shuffle<T>(xs: T[], r: ReturnType<typeof createRandom>): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** A payload as the API receives it: parsed from JSON text (own `__proto__` keys included). */
function payload(def: FormDefinition, form: CompiledForm, r: ReturnType<typeof createRandom>): unknown {
  const base: Record<string, unknown> = {};
  const mutations = r.chance(0.4) ? 0 : 1 + r.int(3);
  for (const f of def.fields) {
    const computed = f.type === 'formula' || f.type === 'autonumber';
    if (computed ? !r.chance(0.03) : !r.chance(f.required ? 0.97 : 0.7)) continue;
    const good = goodValues(f);
    base[f.key] = r.chance(0.85) ? good[0] : r.pick(good);
  }
  // Mostly consistent with the form's conditions: hidden fields out, required visible ones in.
  if (r.chance(0.9)) {
    for (let pass = 0; pass < 2; pass++) {
      const states = form.fieldStates(base);
      for (const f of def.fields) {
        const st = states[f.key];
        if (!st) continue;
        if (!st.visible) delete base[f.key];
        else if (st.required && base[f.key] === undefined) base[f.key] = goodValues(f)[0];
      }
    }
  }
  const entries: Array<[string, unknown]> = Object.entries(base);
  for (let m = 0; m < mutations; m++) {
    const kind = r.int(8);
    if (kind === 0) entries.push(['unknown_field', 'x']);
    else if (kind === 1 && entries.length) entries.splice(r.int(entries.length), 1);
    else if (kind === 2) entries.push([r.pick(['__proto__', 'constructor', 'prototype']), r.pick([{ polluted: true }, 'x', null])]);
    else if (entries.length) entries[r.int(entries.length)]![1] = kind < 5 ? r.pick(BAD) : r.pick(goodValues(r.pick(def.fields)));
  }
  const text = `{${shuffle(entries, r)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`)
    .join(',')}}`;
  const parsed = JSON.parse(text) as Record<string, unknown>;
  // Values JSON cannot carry: undefined on a field (clients spreading objects do this).
  if (r.chance(0.03)) parsed[r.pick(def.fields).key] = undefined;
  return r.chance(0.01) ? r.pick([null, [], 'text', 42]) : parsed;
}

const templates = [...templateKeys];

describe('validateInput fast path = full path', () => {
  it('finds the seed templates', () => {
    expect(templates.length).toBeGreaterThanOrEqual(5);
  });

  for (const file of templates) {
    it(`gives identical results on 3,000 generated payloads of ${file}`, () => {
      const def = loadTemplate(file);
      const form = compileFormOrThrow(def);
      const { runFull, fastInput } = internals(form);
      const r = createRandom(file.length * 7919);
      let fastAccepted = 0;
      let valid = 0;
      for (let i = 0; i < 3000; i++) {
        const p = payload(def, form, r);
        const locale: Locale = i % 2 ? 'en' : 'zh-CN';
        const options = i % 7 === 0 ? undefined : { asOf: i % 11 === 0 ? '2026-13-01' : AS_OF };
        const full = runFull.call(form, p, locale, true, options);
        const got = form.validateInput(p, locale, options);
        expect(got, JSON.stringify(p)).toEqual(full);
        if (fastInput !== null && fastInput(p)) {
          fastAccepted++;
          // Soundness, stated directly: the fast validator accepts only what the full one accepts.
          expect(runFull.call(form, p, locale, true, undefined).valid, JSON.stringify(p)).toBe(true);
        }
        if (full.valid) valid++;
      }
      // Not vacuous: many payloads are valid, and valid clean payloads take the fast path.
      expect(valid).toBeGreaterThan(100);
      if (!def.fields.some((f) => f.type === 'subtable' || f.type === 'attachment')) expect(fastAccepted).toBeGreaterThan(50);
    }, 120_000);
  }

  it('gives identical results on the validation corpus (generateValidationCorpus, 4,000 customer payloads)', () => {
    const form = compileFormOrThrow(loadTemplate('customer'));
    const { runFull, fastInput } = internals(form);
    let fastAccepted = 0;
    for (const [i, entry] of generateValidationCorpus({ seed: 11, count: 4000, asOf: AS_OF }).entries()) {
      const p = JSON.parse(entry.json) as unknown;
      for (const locale of ['zh-CN', 'en'] as const) {
        expect(form.validateInput(p, locale, { asOf: AS_OF }), entry.json).toEqual(runFull.call(form, p, locale, true, { asOf: AS_OF }));
      }
      if (i % 3 === 0) expect(form.validateInput(p), entry.json).toEqual(runFull.call(form, p, 'zh-CN', true));
      if (fastInput!(p)) fastAccepted++;
    }
    expect(fastAccepted).toBeGreaterThan(500);
  }, 120_000);

  it('sends payloads with sub-tables, computed, blank or forbidden keys to the full path', () => {
    const def = loadTemplate('customer');
    const form = compileFormOrThrow(def);
    const { fastInput } = internals(form);
    const ok = { name: '福州测试科技有限公司', customer_type: '个人', contact_name: '王五', sales_owner: UUID, country: 'US' };
    expect(fastInput!(ok)).toBe(true);
    expect(form.validateInput(ok, 'zh-CN', { asOf: AS_OF })).toEqual({ valid: true, errors: [] });
    for (const extra of [{ customer_code: 'C202600001' }, { legal_rep: '' }, { legal_rep: '  ' }, { legal_rep: null }, { legal_rep: undefined }, { nope: 1 }]) {
      expect(fastInput!({ ...ok, ...extra }), JSON.stringify(extra)).toBe(false);
    }
    expect(fastInput!(JSON.parse('{"__proto__":{"x":1},"name":"福州测试科技有限公司","customer_type":"个人","contact_name":"王五","sales_owner":"' + UUID + '"}'))).toBe(false);
    expect(form.validateInput({ ...ok, customer_code: 'C202600001' }).errors.map((e) => e.keyword)).toEqual(['readOnly']);
    expect(form.validateInput({ ...ok, legal_rep: '  ' })).toEqual({ valid: true, errors: [] });
  });

  it('translates the equality conditions (x-fast-when / x-fast-if) into predicates that answer exactly like ajv', () => {
    let translated = 0;
    let checked = 0;
    for (const file of templates) {
      const def = loadTemplate(file);
      const form = compileFormOrThrow(def);
      const { fastInputSchema } = form as unknown as { fastInputSchema: Record<string, unknown> | null };
      // Translated items: under x-fast-when (checked by x-fast-fields after its loop) or x-fast-if items of the root allOf.
      const fastItems = [
        ...((fastInputSchema?.['x-fast-when'] ?? []) as Array<Record<string, unknown>>),
        ...((fastInputSchema?.allOf ?? []) as Array<Record<string, unknown>>).filter((i) => 'x-fast-if' in i).map((i) => i['x-fast-if'] as Record<string, unknown>),
      ];
      const r = createRandom(file.length * 31);
      for (const item of fastItems) {
        translated++;
        const viaPredicate = getFastAjv().compile({ 'x-fast-if': item });
        const viaAjv = getAjv().compile({ allOf: [item] });
        // As the fast validator runs it: after x-fast-fields' loop, on the values the loop read (unknown keys refused).
        const known = new Set(def.fields.map((f) => f.key));
        const viaLoop = getFastAjv().compile({ 'x-fast-fields': Object.fromEntries([...known].map((k) => [k, true])), 'x-fast-when': [item] });
        // Every field the item mentions, with each value any const / enum in the form could take.
        const text = JSON.stringify(item);
        const keys = def.fields.map((f) => f.key).filter((k) => text.includes(JSON.stringify(k)));
        const values = (k: string): unknown[] => {
          const f = def.fields.find((x) => x.key === k)!;
          return [undefined, ...(f.options ?? []).map((o) => o.value), ...goodValues(f).slice(0, 3), 'CN', '个人', '', null, 0, 1, true, false, ['x']];
        };
        for (let n = 0; n < 3000; n++) {
          const data: Record<string, unknown> = n % 5 === 0 ? (payload(def, form, r) as Record<string, unknown>) : {};
          if (typeof data !== 'object' || data === null || Array.isArray(data)) continue;
          for (const k of keys) {
            if (r.chance(0.8)) {
              const v = r.pick(values(k));
              if (v === undefined) delete data[k];
              else data[k] = v;
            }
          }
          expect(viaPredicate(data), `${file} ${text} on ${JSON.stringify(data)}`).toBe(viaAjv(data));
          expect(viaLoop(data), `${file} ${text} (x-fast-when) on ${JSON.stringify(data)}`).toBe(Object.keys(data).every((k) => known.has(k)) && viaAjv(data));
          checked++;
        }
      }
    }
    expect(translated).toBeGreaterThanOrEqual(3); // the customer form's uscc / foreign_tax_id / postal_code rules at least
    expect(checked).toBeGreaterThan(9000);
  }, 120_000);

  it('checks cross-field comparisons (x-fast-compare) after the loop exactly as the compareFields keyword does', () => {
    // Every kind and operator, on fields of each type a comparison may name: money (decimal strings),
    // integer and number (JSON numbers), date. Values: canonical and non-canonical decimals, signs,
    // zeros, numbers, invalid dates, wrong types; each pair on each rule, through the whole form.
    const def: FormDefinition = {
      key: 'cmp',
      title: { 'zh-CN': '比较', en: 'Compare' },
      fields: [
        { key: 'a', type: 'money', label: { 'zh-CN': 'A', en: 'A' } },
        { key: 'b', type: 'money', label: { 'zh-CN': 'B', en: 'B' }, compare: [{ op: 'lte', field: 'a' }] },
        { key: 'c', type: 'money', label: { 'zh-CN': 'C', en: 'C' }, compare: [{ op: 'gt', field: 'a' }, { op: 'ne', field: 'b' }] },
        { key: 'n', type: 'number', label: { 'zh-CN': 'N', en: 'N' }, compare: [{ op: 'gte', field: 'i' }] },
        { key: 'i', type: 'integer', label: { 'zh-CN': 'I', en: 'I' }, compare: [{ op: 'eq', field: 'a' }] },
        { key: 'd1', type: 'date', label: { 'zh-CN': 'D1', en: 'D1' } },
        { key: 'd2', type: 'date', label: { 'zh-CN': 'D2', en: 'D2' }, compare: [{ op: 'gte', field: 'd1' }] },
        { key: 'd3', type: 'date', label: { 'zh-CN': 'D3', en: 'D3' }, compare: [{ op: 'lt', field: 'd1' }, { op: 'eq', field: 'd2' }] },
      ],
    } as unknown as FormDefinition;
    const form = compileFormOrThrow(def);
    const { runFull, fastInput, fastInputSchema } = form as unknown as Internals & { fastInputSchema: Record<string, unknown> | null };
    expect(fastInputSchema?.['x-fast-compare']).toBeDefined();
    expect(fastInputSchema?.compareFields).toBeUndefined();
    const money = ['0', '-0', '0.00', '1', '1.5', '1.50', '10', '9.99', '-1', '-0.5', '100000000000000000', '01', '1e2', '', 'x', 1, 0.5, null];
    const numbers = [0, 1, 1.5, -1, 10, 1e21, '1', null];
    const dates = ['2026-01-31', '2026-02-01', '2024-02-29', '2026-02-29', '2026-1-5', '', 5];
    const values: Record<string, unknown[]> = { a: money, b: money, c: money, n: numbers, i: numbers, d1: dates, d2: dates, d3: dates };
    const r = createRandom(99);
    let fastAccepted = 0;
    let refusedByCompare = 0;
    for (let k = 0; k < 12000; k++) {
      const data: Record<string, unknown> = {};
      for (const key of Object.keys(values)) if (r.chance(0.6)) data[key] = r.pick(values[key]!);
      const full = runFull.call(form, data, 'en', true, { asOf: AS_OF });
      expect(form.validateInput(data, 'en', { asOf: AS_OF }), JSON.stringify(data)).toEqual(full);
      const accepted = fastInput!(data);
      // Complete as well as sound on this form: a clean payload takes the fast path exactly when valid.
      if (!Object.values(data).some((v) => v === '' || v === null)) expect(accepted, JSON.stringify(data)).toBe(full.valid);
      if (accepted) {
        fastAccepted++;
        expect(full.valid, JSON.stringify(data)).toBe(true);
      } else if (full.errors.length > 0 && full.errors.every((e) => e.keyword === 'compare')) {
        refusedByCompare++;
      }
    }
    // Not vacuous: the fast path accepts some payloads and refuses others on comparisons alone.
    expect(fastAccepted).toBeGreaterThan(50);
    expect(refusedByCompare).toBeGreaterThan(50);
  });

  it('checks date bounds (x-fast-date) exactly as the full path: none, one relative, static and mixed', () => {
    const label = (k: string) => ({ 'zh-CN': k, en: k });
    const def: FormDefinition = {
      key: 'dates',
      title: label('Dates'),
      fields: [
        { key: 'plain', type: 'date', label: label('plain') },
        { key: 'mx', type: 'date', label: label('mx'), maxDate: 'today' },
        { key: 'mn', type: 'date', label: label('mn'), minDate: 'today-30' },
        { key: 'both', type: 'date', label: label('both'), minDate: 'today-365', maxDate: 'today+30' },
        { key: 'st', type: 'date', label: label('st'), minDate: '2026-01-01' },
        { key: 'mixed', type: 'date', label: label('mixed'), minDate: 'today-10', maxDate: '2026-12-31' },
      ],
    } as unknown as FormDefinition;
    const form = compileFormOrThrow(def);
    const { runFull, fastInput } = internals(form);
    const dates = ['2026-11-25', '2026-11-26', '2026-11-15', '2026-11-14', '2026-10-26', '2026-10-25', '2025-11-25', '2025-11-24', '2026-12-25', '2026-12-26', '2026-12-31', '2027-01-01', '2025-12-31', '2026-01-01', '2026-01-05', '2026-02-29', '2026-1-5', '', 5];
    const r = createRandom(7);
    let fastAccepted = 0;
    let refusedByBound = 0;
    for (let k = 0; k < 12000; k++) {
      const data: Record<string, unknown> = {};
      for (const f of def.fields) if (r.chance(0.5)) data[f.key] = r.pick(dates);
      const options = r.pick([{ asOf: AS_OF }, { asOf: '2026-01-15' }, { asOf: '2026-13-01' }, undefined]);
      const full = runFull.call(form, data, 'en', true, options);
      expect(form.validateInput(data, 'en', options), JSON.stringify([data, options])).toEqual(full);
      // Complete as well as sound on this form: a clean payload (no blank value) takes the fast
      // path exactly when it is valid (validateInput has just set FAST_STATE for these options).
      const accepted = fastInput!(data);
      if (!Object.values(data).includes('')) expect(accepted, JSON.stringify([data, options])).toBe(full.valid);
      if (accepted) fastAccepted++;
      else if (full.errors.length > 0 && full.errors.every((e) => e.keyword === 'minDate' || e.keyword === 'maxDate')) refusedByBound++;
    }
    // Not vacuous: some payloads pass the fast path, others are refused by the bounds alone.
    expect(fastAccepted).toBeGreaterThan(50);
    expect(refusedByBound).toBeGreaterThan(50);
  });

  it('character-code formats agree with their regexes on 5,000 generated customers', () => {
    const customers = generateDemoCustomers({ seed: 17, count: 5000, salesOwnerIds: [UUID], asOf: AS_OF }) as Array<Record<string, unknown>>;
    const pairs: Array<[string, (v: string) => boolean, RegExp]> = [
      ['mobile', isCnMobile, /^(?:\+?86[- ]?)?1[3-9]\d{9}$/],
      ['postal_code', isCnPostalCode, /^[0-8]\d{5}$/],
      ['bank_cnaps', isCnapsCode, /^\d{12}$/],
    ];
    for (const [key, fast, re] of pairs) {
      let n = 0;
      for (const c of customers) {
        const v = c[key];
        if (typeof v !== 'string') continue;
        n++;
        for (const s of [v, ` ${v}`, `${v}0`, v.slice(1), v.replace(/\d/, '\uff10'), v.replace(/\d$/, 'x')]) expect(fast(s), `${key} ${JSON.stringify(s)}`).toBe(re.test(s));
      }
      expect(n).toBeGreaterThan(1000);
    }
  });
});
