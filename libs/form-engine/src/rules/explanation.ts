/**
 * Stored rule results without their explanation: the explanation (every condition with the value
 * it saw, the inputs, the outcomes; 2–5 KB a record) is a pure function of the rule-set version,
 * asOf, the locale and the facts the rules read. A record's stored result therefore keeps only
 * what its data cannot give back (a CompactExplanation, tens of bytes to a few hundred), and the
 * explanation is evaluated again from the record's data on read, identical to the one the write's
 * evaluation produced.
 */
import type { Locale } from '../types.js';
import type { CompiledRuleSet } from './compile-rule-set.js';
import { AS_OF_FACT, isParamFact } from './facts.js';
import { prepareRuleSet } from './prepare.js';
import type { RuleOutcome, RuleSet, RuleSetResult } from './types.js';

/** The explanation document of a rule result (what GET …/records/:id?include=rules returns). */
export interface RuleExplanation {
  ruleSet: RuleSetResult['ruleSet'];
  asOf: string;
  inputs: Record<string, unknown>;
  outcomes: RuleOutcome[];
}

/**
 * What a stored rule result keeps of its explanation:
 * - `f`: facts the rules read that the record's data does not hold, or holds with another value
 *   (customer rollups, the customer's credit facts on a receivable, a field an alert's setField
 *   changed after the evaluation);
 * - `n`: facts the rules read as empty that the record's data holds (e.g. an auto-number assigned
 *   by the insert);
 * - `d`: a digest of the other facts the rules read, as taken from the record's data — when the
 *   data has changed since without the rules being evaluated again, the data the evaluation saw
 *   is found among the record's revisions by this digest;
 * - `l`: the locale of the evaluation when not zh-CN (policy terms are localised).
 * Every member is optional: `{}` is a result whose rules read only unchanged record fields.
 */
export interface CompactExplanation {
  f?: Record<string, unknown>;
  n?: string[];
  d?: string;
  l?: Locale;
}

const DEFAULT_LOCALE: Locale = 'zh-CN';
const inputKeyCache = new WeakMap<RuleSet, readonly string[]>();

/**
 * The facts a rule set reads from the facts object it is evaluated on (record fields and
 * rollups; lookups resolved to their input, asOf, outputs and parameterised facts left out), in
 * first-use order.
 */
export function ruleSetInputKeys(ruleSet: RuleSet): readonly string[] {
  let keys = inputKeyCache.get(ruleSet);
  if (keys) return keys;
  const prepared = prepareRuleSet(ruleSet);
  const reads = 'cycle' in prepared ? [] : prepared.reads;
  const outputs = new Set((ruleSet.outputs ?? []).map((o) => o.key));
  const lookups = new Map((ruleSet.lookups ?? []).map((l) => [l.key, l.input]));
  const out = new Set<string>();
  const add = (key: string, seen: Set<string>) => {
    if (key === AS_OF_FACT || outputs.has(key) || isParamFact(key) || seen.has(key)) return;
    const input = lookups.get(key);
    // a lookup reads its input fact (the fact getter's order: outputs, rollups, lookups, fields)
    if (input !== undefined && !(ruleSet.rollups ?? []).some((r) => r.key === key)) add(input, new Set([...seen, key]));
    else out.add(key);
  };
  for (const key of reads) add(key, new Set());
  keys = [...out];
  inputKeyCache.set(ruleSet, keys);
  return keys;
}

/** The explanation part of an evaluation result (evaluated with explain on). */
export function explanationOf(result: RuleSetResult): RuleExplanation {
  return { ruleSet: result.ruleSet, asOf: result.asOf, inputs: result.inputs, outcomes: result.outcomes };
}

/** JSON with object keys sorted (jsonb does not keep key order), for comparisons and digests. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) if (obj[k] !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
  return `{${parts.join(',')}}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** FNV-1a (32 bit) of the read fields taken from the data, in input-key order. */
function digestOf(keys: readonly string[], data: Readonly<Record<string, unknown>>, skip: ReadonlySet<string> | null): string {
  let h = 0x811c9dc5;
  const feed = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  };
  for (const k of keys) {
    if (skip?.has(k)) continue;
    const v = data[k];
    if (v === undefined) continue;
    feed(k);
    feed('\u0001');
    feed(typeof v === 'object' && v !== null ? canonicalJson(v) : (JSON.stringify(v) ?? 'null'));
    feed('\u0002');
  }
  return (h >>> 0).toString(36);
}

/**
 * What to store of an evaluation on `facts` (the record's `data` plus related facts) for the
 * record whose stored data is `data`: see CompactExplanation.
 */
export function compactExplanation(ruleSet: RuleSet, facts: Readonly<Record<string, unknown>>, data: Readonly<Record<string, unknown>>, locale: Locale = DEFAULT_LOCALE): CompactExplanation {
  const keys = ruleSetInputKeys(ruleSet);
  let f: Record<string, unknown> | undefined;
  let n: string[] | undefined;
  for (const k of keys) {
    const seen = facts[k];
    const held = data[k];
    if (seen === undefined) {
      if (held !== undefined) (n ??= []).push(k);
    } else if (held === undefined || !sameValue(seen, held)) (f ??= {})[k] = seen;
  }
  const out: CompactExplanation = {};
  if (f) out.f = f;
  if (n) out.n = n;
  const skip = f || n ? new Set([...Object.keys(f ?? {}), ...(n ?? [])]) : null;
  if (keys.some((k) => !skip?.has(k) && data[k] !== undefined)) out.d = digestOf(keys, data, skip);
  if (locale !== DEFAULT_LOCALE) out.l = locale;
  return out;
}

/** A stored explanation written before results were stored compactly (the whole document). */
export function isFullExplanation(stored: unknown): stored is RuleExplanation {
  return stored !== null && typeof stored === 'object' && Array.isArray((stored as { outcomes?: unknown }).outcomes);
}

/**
 * Whether `data` holds the record facts the evaluation saw (the digest matches). When not, look
 * for the data among the record's earlier revisions.
 */
export function explanationDataMatches(ruleSet: RuleSet, compact: CompactExplanation, data: Readonly<Record<string, unknown>>): boolean {
  const keys = ruleSetInputKeys(ruleSet);
  const skip = new Set([...Object.keys(compact.f ?? {}), ...(compact.n ?? [])]);
  const present = keys.some((k) => !skip.has(k) && data[k] !== undefined);
  if (compact.d === undefined) return !present;
  return present && digestOf(keys, data, skip) === compact.d;
}

/** The facts the evaluation saw: the record's data with the stored facts over it. */
export function factsForExplanation(compact: CompactExplanation, data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const facts: Record<string, unknown> = { ...data };
  for (const k of compact.n ?? []) delete facts[k];
  return compact.f ? Object.assign(facts, compact.f) : facts;
}

/**
 * The explanation the evaluation produced, evaluated again from the record's data (the data the
 * evaluation saw: see explanationDataMatches), the stored compact part and asOf, with the
 * compiled rule-set version the result was stored with.
 */
export function rebuildExplanation(compiled: CompiledRuleSet, compact: CompactExplanation, data: Readonly<Record<string, unknown>>, asOf: string): RuleExplanation {
  const result = compiled.evaluate(factsForExplanation(compact, data), { asOf, locale: compact.l ?? DEFAULT_LOCALE, explain: true });
  return explanationOf(result);
}
