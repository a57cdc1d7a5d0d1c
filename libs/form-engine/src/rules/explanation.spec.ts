import { describe, expect, it } from 'vitest';
import { seededRng, type Rng } from '../../test/seeded-rng.js';
import {
  compactExplanation,
  compileRuleSet,
  evaluateRuleSet,
  explanationDataMatches,
  explanationOf,
  factsForExplanation,
  isFullExplanation,
  rebuildExplanation,
  ruleSetInputKeys,
} from '../index.js';
import type { CompactExplanation, LeafCondition, Locale, RuleCondition, RuleSet } from '../index.js';

/*
 * Stored rule results keep a compact explanation; the explanation is evaluated again on read.
 * For the seed rule sets (customer, receivable, credit_assessment) and generated records, the
 * rebuilt explanation — from the record's data and the compact part, both through JSON as jsonb
 * stores them — must equal the one the write's evaluation produced (and json-rules-engine's).
 */

const seeds = import.meta.glob<RuleSet>('../../../../seeds/rules/*.rules.json', { eager: true, import: 'default' });
const ruleSets = Object.entries(seeds).map(([path, rs]) => ({ name: path.split('/').pop()!.replace('.rules.json', ''), rs }));


function leaves(c: RuleCondition, out: LeafCondition[] = []): LeafCondition[] {
  if ('all' in c) c.all.forEach((x) => leaves(x, out));
  else if ('any' in c) c.any.forEach((x) => leaves(x, out));
  else if ('not' in c) leaves(c.not, out);
  else out.push(c);
  return out;
}

function allConditions(rs: RuleSet): RuleCondition[] {
  return rs.rules.flatMap((r) => {
    switch (r.kind) {
      case 'validation':
      case 'alert':
        return [r.conditions];
      case 'classification':
        return r.cases.map((c) => c.conditions);
      case 'scoring':
        return [...(r.knockouts ?? []).map((k) => k.conditions), ...r.factors.flatMap((f) => f.bands.map((b) => b.conditions))];
    }
  });
}

const DATES = ['2023-01-31', '2024-02-29', '2026-05-01', '2026-11-18', '2026-11-25', '2026-12-01', '2027-06-30'];

/** Candidate values per fact, from the literals the seed rules compare it with (and dates for date facts). */
function candidates(rs: RuleSet): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const add = (key: string, ...vs: unknown[]) => {
    const list = out.get(key) ?? [];
    list.push(...vs);
    out.set(key, list);
  };
  const around = (v: unknown): unknown[] => {
    if (typeof v === 'number') return [v, v - 1, v + 1, v * 2, String(v), String(v + 0.5)];
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return [v, String(Number(v) - 1), String(Number(v) * 3), `${v}.25`];
    if (Array.isArray(v)) return v.flatMap(around);
    if (typeof v === 'boolean') return [true, false];
    if (v && typeof v === 'object') return [];
    return [v, '其他'];
  };
  for (const c of allConditions(rs)) {
    for (const leaf of leaves(c)) {
      const params = Object.values(leaf.params ?? {}).filter((p): p is string => typeof p === 'string');
      for (const p of params) add(p, ...DATES, '0', '1200000', '350000.50');
      if (leaf.operator === 'dateBefore' || leaf.operator === 'dateAfter') add(leaf.fact, ...DATES);
      else if (leaf.operator === 'isEmpty') add(leaf.fact, '', null, '12', '0');
      else if (!params.length) add(leaf.fact, ...around(leaf.value));
      const ref = leaf.value as { fact?: string } | null;
      if (ref && typeof ref === 'object' && typeof ref.fact === 'string' && ref.fact !== 'asOf') add(ref.fact, '0', '500000', '2000000.00');
    }
  }
  return out;
}

/** A record's data and the related facts (rollups) an evaluation adds to it. */
function generate(rs: RuleSet, r: Rng, values: Map<string, unknown[]>) {
  const rollups = new Set((rs.rollups ?? []).map((x) => x.key));
  const data: Record<string, unknown> = { name: `客户${r.int(1, 999)}`, notes: r.chance(0.5) ? { a: 1, b: [1, 2] } : 'x' };
  const extra: Record<string, unknown> = {};
  for (const key of ruleSetInputKeys(rs)) {
    if (r.chance(0.12)) continue; // empty
    const list = values.get(key) ?? ['0', '1000000', '25000.75', null];
    (rollups.has(key) ? extra : data)[key] = r.pick(list);
  }
  return { data, extra };
}

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const RECORDS = 300;

describe('compact stored explanations (rebuilt on read)', () => {
  it('covers the three seed rule sets', () => {
    expect(ruleSets.map((x) => x.name).sort()).toEqual(['credit-assessment', 'customer', 'receivable']);
  });

  it.each(ruleSets)('$name: the rebuilt explanation equals the evaluation’s on generated records', async ({ rs }) => {
    const compiled = compileRuleSet(rs);
    const values = candidates(rs);
    const r = seededRng(rs.key.length * 7919);
    let full = 0;
    let compact = 0;
    let alerts = 0;
    for (let i = 0; i < RECORDS; i++) {
      const { data, extra } = generate(rs, r, values);
      const facts = { ...data, ...extra };
      const asOf = r.pick(['2026-11-25', '2028-02-29', '2026-01-01']);
      const locale = r.pick<Locale>(['zh-CN', 'en']);
      const written = compiled.evaluate(facts, { asOf, locale });
      const expected = json(explanationOf(written));
      // what the write stores: evaluated without explanation trees, plus the compact part
      const bulk = compiled.evaluate(facts, { asOf, locale, explain: false });
      expect(bulk.values).toEqual(written.values);
      expect(bulk.alerts).toEqual(written.alerts);
      const stored = json(compactExplanation(rs, facts, data, locale));
      const storedData = json(data);
      expect(explanationDataMatches(rs, stored, storedData)).toBe(true);
      const rebuilt = json(rebuildExplanation(compiled, stored, storedData, asOf));
      expect(rebuilt).toEqual(expected);
      // json-rules-engine (the engine of record) explains the same (every 5th record: it is slow)
      if (i % 5 === 0) expect(json(explanationOf(await evaluateRuleSet(rs, factsForExplanation(stored, storedData), { asOf, locale })))).toEqual(expected);
      full += JSON.stringify(expected).length;
      compact += JSON.stringify(stored).length;
      alerts += written.alerts.length;
    }
    expect(alerts).toBeGreaterThan(RECORDS / 4); // the generated records do raise alerts
    // the stored part is a small fraction of the explanation
    expect(compact / full).toBeLessThan(0.15);
  }, 120_000);

  it('a field changed after the evaluation (an alert’s setField) is kept in the compact part', () => {
    const rs = ruleSets.find((x) => x.name === 'receivable')!.rs;
    const compiled = compileRuleSet(rs);
    const data = { outstanding: '150000.00', term_days: 90, due_date: '2026-10-01', last_evidence_on: '2024-01-05' };
    const extra = { customer_credit_status: '冻结', customer_credit_limit: '0', customer_type: '企业', customer_is_sme: false };
    const facts = { ...data, ...extra };
    const asOf = '2026-11-25';
    const expected = json(explanationOf(compiled.evaluate(facts, { asOf })));
    // the record is stored with term_days changed by the write that stores this result
    const after = { ...data, term_days: 30 };
    const stored = json(compactExplanation(rs, facts, after));
    expect(stored.f).toMatchObject({ term_days: 90, customer_credit_status: '冻结' });
    expect(explanationDataMatches(rs, stored, after)).toBe(true);
    expect(json(rebuildExplanation(compiled, stored, after, asOf))).toEqual(expected);
  });

  it('data changed later without a new evaluation is detected (the revision it was evaluated on is found by digest)', () => {
    const rs = ruleSets.find((x) => x.name === 'receivable')!.rs;
    const compiled = compileRuleSet(rs);
    const data = { outstanding: '150000.00', term_days: 90, due_date: '2026-10-01' };
    const facts = { ...data, customer_credit_status: '正常' };
    const stored = json(compactExplanation(rs, facts, data));
    const expected = json(explanationOf(compiled.evaluate(facts, { asOf: '2026-11-25' })));
    const later = { ...data, outstanding: '0.00' };
    expect(explanationDataMatches(rs, stored, later)).toBe(false);
    // an unrelated field does not matter; key order does not either (jsonb reorders keys)
    expect(explanationDataMatches(rs, stored, { memo: 'x', due_date: '2026-10-01', term_days: 90, outstanding: '150000.00' })).toBe(true);
    const revisions = [later, data];
    const seen = revisions.find((d) => explanationDataMatches(rs, stored, d))!;
    expect(json(rebuildExplanation(compiled, stored, seen, '2026-11-25'))).toEqual(expected);
  });

  it('a read field empty at evaluation but present in the stored data (an auto-number) is listed in n', () => {
    const rs = ruleSets.find((x) => x.name === 'receivable')!.rs;
    const compiled = compileRuleSet(rs);
    const facts = { outstanding: '150000.00', due_date: '2026-10-01' };
    const stored: CompactExplanation = json(compactExplanation(rs, facts, { ...facts, term_days: 45 }, 'en'));
    expect(stored).toMatchObject({ n: ['term_days'], l: 'en' });
    expect(json(rebuildExplanation(compiled, stored, { ...facts, term_days: 45 }, '2026-11-25'))).toEqual(
      json(explanationOf(compiled.evaluate(facts, { asOf: '2026-11-25', locale: 'en' }))),
    );
  });

  it('input keys: lookups read their input fact, outputs and asOf are not stored', () => {
    const rs = ruleSets.find((x) => x.name === 'credit-assessment')!.rs;
    const keys = ruleSetInputKeys(rs);
    expect(keys).toContain('customer_industry');
    expect(keys).not.toContain('industry_risk_by_industry');
    expect(keys).not.toContain('asOf');
    for (const o of rs.outputs ?? []) expect(keys).not.toContain(o.key);
  });

  it('tells a whole stored explanation (written before) from a compact one', () => {
    expect(isFullExplanation({ ruleSet: {}, asOf: '2026-11-25', inputs: {}, outcomes: [] })).toBe(true);
    expect(isFullExplanation({ f: { ar_balance: '0.00' }, d: 'abc' })).toBe(false);
    expect(isFullExplanation({})).toBe(false);
    expect(isFullExplanation(null)).toBe(false);
  });
});
