import type { ErrorObject, ValidateFunction } from 'ajv/dist/types/index.js';
import { getAjv } from '../ajv/ajv-instance.js';
import type { FieldError, FormDefinition, Locale, LocalizedText, ValidationResult } from '../types.js';
import { isValidDate } from '../validators/date.js';
import { AS_OF_FACT, factCatalog, isParamFact, outputOptionValues, PARAM_FACTS } from './facts.js';
import type { FactInfo } from './facts.js';
import { renderRuleSetMessage, type RuleSetNames } from './messages.js';
import { getOperator } from './operators/registry.js';
import { toNumeric } from './operators/operator.js';
import { isFactReference, prepareRuleSet } from './prepare.js';
import { ruleSetSchema } from './rule-set.schema.js';
import type { FactKind, LeafCondition, RuleCondition, RuleSet, RuleSetProblem } from './types.js';

/** Deepest all/any/not nesting accepted (json-rules-engine recurses; hostile depth must not reach it). */
export const MAX_CONDITION_DEPTH = 12;
/** Leaf conditions accepted in one rule set. */
export const MAX_CONDITIONS = 5000;
/** JSON nesting checked before the schema validator recurses into the document. */
const MAX_JSON_DEPTH = 64;
const MAX_PROBLEMS = 100;

let schemaValidator: ValidateFunction | undefined;

function jsonTooDeep(doc: unknown): boolean {
  const stack: Array<[unknown, number]> = [[doc, 0]];
  let nodes = 0;
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (++nodes > 200_000 || d > MAX_JSON_DEPTH) return true;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

function schemaProblems(errors: readonly ErrorObject[]): RuleSetProblem[] {
  // A mismatch inside anyOf reports every branch; keep the anyOf error and what lies deeper.
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  const out: RuleSetProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    const branchNoise = anyOfs.some((a) => a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`) && e.instancePath === a.instancePath);
    if (branchNoise) continue;
    const params: Record<string, unknown> = { ...e.params, keyword: e.keyword };
    let path = e.instancePath;
    if (e.keyword === 'required') path = `${path}/${String(e.params.missingProperty)}`;
    if (e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') {
      const prop = String(e.params.additionalProperty ?? e.params.unevaluatedProperty);
      params.property = prop;
      path = `${path}/${prop}`;
    }
    const code = e.keyword === 'unevaluatedProperties' ? 'schema.additionalProperties' : `schema.${e.keyword}`;
    const id = `${path} ${code}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ path, code, params });
  }
  // a deeper problem explains an anyOf failure above it better than the anyOf itself
  return out.filter((p) => p.code !== 'schema.anyOf' || !out.some((q) => q !== p && q.path.startsWith(`${p.path}/`)));
}

const KIND_NAMES: Record<FactKind, string> = {
  number: 'number',
  decimal: 'decimal',
  text: 'text',
  date: 'date',
  boolean: 'boolean',
  list: 'list',
  object: 'object',
};

function isNumericKind(k: FactKind): boolean {
  return k === 'number' || k === 'decimal';
}

function kindsCompatible(a: FactKind, b: FactKind): boolean {
  return a === b || (isNumericKind(a) && isNumericKind(b));
}

/** Does a literal fit a fact of this kind? */
function literalFits(value: unknown, kind: FactKind): boolean {
  switch (kind) {
    case 'number':
    case 'decimal':
      return toNumeric(value) !== null;
    case 'date':
      return typeof value === 'string' && isValidDate(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'text':
      return typeof value === 'string';
    default:
      return false;
  }
}

interface Ctx {
  facts: Map<string, FactInfo>;
  /** Without a form, field facts are unknown: only structure is checked. */
  withForm: boolean;
  out: RuleSetProblem[];
  leaves: number;
}

function factInfo(ctx: Ctx, fact: string, path: string, params: Record<string, unknown> | undefined, hasPath: boolean): FactInfo | null {
  if (isParamFact(fact)) {
    const def = PARAM_FACTS[fact]!;
    for (const [name, kinds] of Object.entries(def.params)) {
      const ref = params?.[name];
      const info = typeof ref === 'string' ? ctx.facts.get(ref) : undefined;
      if (typeof ref !== 'string' || ref === AS_OF_FACT || isParamFact(ref) || (ctx.withForm && (!info || !kinds.includes(info.kind)))) {
        ctx.out.push({ path: `${path}/params/${name}`, code: 'paramsRequired', params: { fact, param: name, expected: kinds.map((k) => KIND_NAMES[k]) } });
      }
    }
    if (hasPath) ctx.out.push({ path: `${path}/path`, code: 'pathNotAllowed', params: { fact } });
    return { key: fact, kind: def.kind, source: 'param' };
  }
  if (params !== undefined) ctx.out.push({ path: `${path}/params`, code: 'paramsNotAllowed', params: { fact } });
  const info = ctx.facts.get(fact);
  if (!info) {
    if (ctx.withForm) ctx.out.push({ path: `${path}/fact`, code: 'unknownFact', params: { fact } });
    return null;
  }
  if (hasPath) {
    if (info.kind !== 'object' && info.kind !== 'list') ctx.out.push({ path: `${path}/path`, code: 'pathNotAllowed', params: { fact } });
    // the value at a path has no declared kind
    return null;
  }
  return info;
}

function checkLeaf(leaf: LeafCondition, path: string, ctx: Ctx): void {
  ctx.leaves += 1;
  const op = getOperator(leaf.operator);
  if (!op) ctx.out.push({ path: `${path}/operator`, code: 'unknownOperator', params: { operator: leaf.operator } });
  const info = factInfo(ctx, leaf.fact, path, leaf.params, leaf.path !== undefined);
  if (!op || !info) return;
  if (!op.factKinds.includes(info.kind)) {
    ctx.out.push({ path: `${path}/operator`, code: 'operatorFactType', params: { operator: op.name, fact: leaf.fact, kind: KIND_NAMES[info.kind] } });
    return;
  }
  const value = leaf.value;
  const valuePath = `${path}/value`;
  const bad = (expected: string): void => void ctx.out.push({ path: valuePath, code: 'valueType', params: { operator: op.name, expected } });
  const checkOption = (v: unknown, p: string) => {
    if (info.options && typeof v === 'string' && !info.options.includes(v)) ctx.out.push({ path: p, code: 'unknownOption', params: { fact: leaf.fact, value: v } });
  };
  if (isFactReference(value)) {
    if (op.value !== 'same') return bad(op.value === 'boolean' ? 'true/false' : 'a literal');
    const ref = factInfo(ctx, value.fact, valuePath, value.params, value.path !== undefined);
    if (ref && !kindsCompatible(ref.kind, info.kind)) bad(KIND_NAMES[info.kind]);
    return;
  }
  switch (op.value) {
    case 'boolean':
      if (typeof value !== 'boolean') bad('true/false');
      return;
    case 'same':
      if (!literalFits(value, info.kind)) return bad(KIND_NAMES[info.kind]);
      checkOption(value, valuePath);
      return;
    case 'element':
      if (info.kind === 'text' ? typeof value !== 'string' : typeof value !== 'string' && typeof value !== 'number') return bad('text');
      if (info.kind === 'list') checkOption(value, valuePath);
      return;
    case 'list':
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => literalFits(v, info.kind))) return bad(`[${KIND_NAMES[info.kind]}, …]`);
      value.forEach((v, i) => checkOption(v, `${valuePath}/${i}`));
      return;
    case 'range':
      if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => literalFits(v, info.kind))) bad(`[low, high] (${KIND_NAMES[info.kind]})`);
      return;
  }
}

function checkCondition(c: RuleCondition, path: string, depth: number, ctx: Ctx): void {
  if (depth > MAX_CONDITION_DEPTH) {
    ctx.out.push({ path, code: 'tooDeep', params: { max: MAX_CONDITION_DEPTH } });
    return;
  }
  if ('all' in c) c.all.forEach((x, i) => checkCondition(x, `${path}/all/${i}`, depth + 1, ctx));
  else if ('any' in c) c.any.forEach((x, i) => checkCondition(x, `${path}/any/${i}`, depth + 1, ctx));
  else if ('not' in c) checkCondition(c.not, `${path}/not`, depth + 1, ctx);
  else checkLeaf(c, path, ctx);
}

function checkPlaceholders(message: unknown, path: string, ctx: Ctx): void {
  const texts = typeof message === 'string' ? [message] : message && typeof message === 'object' ? Object.values(message as Record<string, string>) : [];
  for (const t of texts) {
    for (const m of String(t).matchAll(/\{([A-Za-z][A-Za-z0-9_]{0,62})\}/g)) {
      if (ctx.withForm && !ctx.facts.has(m[1]!)) ctx.out.push({ path, code: 'unknownFact', params: { fact: m[1] } });
    }
  }
}

function checkSemantics(rs: RuleSet, form: FormDefinition | undefined, ctx: Ctx): void {
  const { out } = ctx;
  if (form && rs.form !== form.key) out.push({ path: '/form', code: 'formMismatch', params: { form: rs.form, expected: form.key } });
  const fieldKeys = new Map((form?.fields ?? []).map((f) => [f.key, f]));
  const declared = new Set<string>();
  const declare = (key: string, path: string, mayBeField: boolean) => {
    if (declared.has(key)) out.push({ path, code: 'duplicateKey', params: { key } });
    else if (key === AS_OF_FACT || isParamFact(key) || (!mayBeField && fieldKeys.has(key))) out.push({ path, code: 'keyConflict', params: { key } });
    declared.add(key);
  };
  (rs.rollups ?? []).forEach((r, i) => declare(r.key, `/rollups/${i}/key`, false));
  (rs.lookups ?? []).forEach((l, i) => {
    declare(l.key, `/lookups/${i}/key`, false);
    const input = ctx.facts.get(l.input);
    if (ctx.withForm && (!input || (input.source !== 'field' && input.source !== 'rollup'))) out.push({ path: `/lookups/${i}/input`, code: 'lookupInput', params: { input: l.input } });
  });
  (rs.outputs ?? []).forEach((o, i) => declare(o.key, `/outputs/${i}/key`, true));
  const outputs = new Map((rs.outputs ?? []).map((o) => [o.key, o]));
  const needOutput = (key: string, path: string, types?: string[]) => {
    const o = outputs.get(key);
    if (!o) out.push({ path, code: 'unknownOutput', params: { key } });
    else if (types && !types.includes(o.type)) out.push({ path, code: 'outputType', params: { key, expected: types } });
    return o;
  };

  const ids = new Set<string>();
  const codes = new Set<string>();
  rs.rules.forEach((rule, ri) => {
    const rp = `/rules/${ri}`;
    if (ids.has(rule.id)) out.push({ path: `${rp}/id`, code: 'duplicateRuleId', params: { id: rule.id } });
    ids.add(rule.id);
    switch (rule.kind) {
      case 'validation':
        if (form && !fieldKeys.has(rule.field)) out.push({ path: `${rp}/field`, code: 'unknownField', params: { field: rule.field } });
        checkCondition(rule.conditions, `${rp}/conditions`, 1, ctx);
        checkPlaceholders(rule.message, `${rp}/message`, ctx);
        break;
      case 'alert':
        if (codes.has(rule.code)) out.push({ path: `${rp}/code`, code: 'duplicateCode', params: { code: rule.code } });
        codes.add(rule.code);
        checkCondition(rule.conditions, `${rp}/conditions`, 1, ctx);
        checkPlaceholders(rule.message, `${rp}/message`, ctx);
        rule.actions.forEach((a, ai) => {
          if (a.type !== 'setField' || !form) return;
          const f = fieldKeys.get(a.field);
          if (!f) out.push({ path: `${rp}/actions/${ai}/field`, code: 'unknownField', params: { field: a.field } });
          else if (f.options && !f.options.some((o) => o.value === a.value)) {
            out.push({ path: `${rp}/actions/${ai}/value`, code: 'setFieldValue', params: { field: a.field, value: a.value } });
          }
        });
        break;
      case 'classification': {
        const target = needOutput(rule.target, `${rp}/target`);
        const caseIds = new Set<string>();
        const checkValue = (v: string | number, p: string) => {
          if (target?.options && !outputOptionValues(target).includes(String(v))) out.push({ path: p, code: 'unknownOption', params: { fact: rule.target, value: v } });
        };
        rule.cases.forEach((c, ci) => {
          const cp = `${rp}/cases/${ci}`;
          if (caseIds.has(c.id)) out.push({ path: `${cp}/id`, code: 'duplicateCase', params: { id: c.id } });
          caseIds.add(c.id);
          if (c.priority !== undefined && rule.strategy === 'firstMatch') out.push({ path: `${cp}/priority`, code: 'priorityWithFirstMatch', params: {} });
          checkValue(c.value, `${cp}/value`);
          checkCondition(c.conditions, `${cp}/conditions`, 1, ctx);
        });
        if (rule.default !== undefined) checkValue(rule.default, `${rp}/default`);
        break;
      }
      case 'scoring': {
        const grades = rule.grades.map((g) => g.grade);
        rule.grades.forEach((g, gi) => {
          if (gi > 0 && g.minScore >= rule.grades[gi - 1]!.minScore) out.push({ path: `${rp}/grades/${gi}/minScore`, code: 'gradeOrder', params: {} });
          if (grades.indexOf(g.grade) !== gi) out.push({ path: `${rp}/grades/${gi}/grade`, code: 'duplicateKey', params: { key: g.grade } });
        });
        if (rule.grades[rule.grades.length - 1]!.minScore !== 0) out.push({ path: `${rp}/grades/${rule.grades.length - 1}/minScore`, code: 'lastGradeMinScore', params: {} });
        const factorKeys = new Set<string>();
        rule.factors.forEach((f, fi) => {
          const fp = `${rp}/factors/${fi}`;
          if (factorKeys.has(f.key)) out.push({ path: `${fp}/key`, code: 'duplicateKey', params: { key: f.key } });
          factorKeys.add(f.key);
          f.bands.forEach((b, bi) => {
            if (b.points > f.weight) out.push({ path: `${fp}/bands/${bi}/points`, code: 'bandPoints', params: { points: b.points, weight: f.weight } });
            checkCondition(b.conditions, `${fp}/bands/${bi}/conditions`, 1, ctx);
          });
          if ((f.otherwise ?? 0) > f.weight) out.push({ path: `${fp}/otherwise`, code: 'bandPoints', params: { points: f.otherwise, weight: f.weight } });
        });
        (rule.knockouts ?? []).forEach((k, ki) => {
          const kp = `${rp}/knockouts/${ki}`;
          for (const prop of ['grade', 'maxGrade'] as const) {
            const g = k[prop];
            if (g !== undefined && !grades.includes(g)) out.push({ path: `${kp}/${prop}`, code: 'unknownGrade', params: { grade: g } });
          }
          (k.zeroFactors ?? []).forEach((z, zi) => {
            if (!factorKeys.has(z)) out.push({ path: `${kp}/zeroFactors/${zi}`, code: 'unknownFactor', params: { factor: z } });
          });
          checkCondition(k.conditions, `${kp}/conditions`, 1, ctx);
        });
        const outTypes: Record<string, string[]> = {
          score: ['integer', 'decimal'],
          grade: ['text'],
          limit: ['decimal'],
          termDays: ['integer', 'decimal'],
          terms: ['text'],
          reviewMonths: ['integer', 'decimal'],
          validUntil: ['date'],
        };
        for (const [role, key] of Object.entries(rule.outputs)) {
          const o = needOutput(key, `${rp}/outputs/${role}`, outTypes[role]);
          if (role === 'grade' && o?.options) {
            const allowed = outputOptionValues(o);
            grades.filter((g) => !allowed.includes(g)).forEach((g) => out.push({ path: `${rp}/outputs/grade`, code: 'unknownOption', params: { fact: key, value: g } }));
          }
        }
        const p = rule.policyInputs ?? {};
        const want: Array<[string | undefined, string, FactKind[]]> = [
          [p.netWorth, 'netWorth', ['number', 'decimal']],
          [p.annualSales, 'annualSales', ['number', 'decimal']],
          [p.cap, 'cap', ['number', 'decimal']],
          [p.basisDate, 'basisDate', ['date']],
        ];
        for (const [key, role, kinds] of want) {
          if (key === undefined || !ctx.withForm) continue;
          const info = ctx.facts.get(key);
          if (!info) out.push({ path: `${rp}/policyInputs/${role}`, code: 'unknownFact', params: { fact: key } });
          else if (!kinds.includes(info.kind)) out.push({ path: `${rp}/policyInputs/${role}`, code: 'valueType', params: { operator: role, expected: kinds } });
        }
        break;
      }
    }
  });
  if (ctx.leaves > MAX_CONDITIONS) out.push({ path: '/rules', code: 'tooManyConditions', params: { max: MAX_CONDITIONS } });
  if (!out.length) {
    const prepared = prepareRuleSet(rs);
    if ('cycle' in prepared) out.push({ path: '/rules', code: 'ruleCycle', params: { cycle: prepared.cycle, cycleText: prepared.cycle.join(' → ') } });
  }
}

/**
 * Problems of a rule-set document: its JSON Schema first, then (when a form is given) that every
 * fact is the form's field, a computed field, a declared rollup / lookup / output or asOf, that
 * operators exist and fit the facts' types, select values are options, and rules form no cycle.
 * Never throws.
 */
export function checkRuleSet(doc: unknown, form?: FormDefinition): RuleSetProblem[] {
  if (jsonTooDeep(doc)) return [{ path: '', code: 'tooLarge', params: {} }];
  schemaValidator ??= getAjv().compile(ruleSetSchema);
  if (!schemaValidator(doc)) return schemaProblems(schemaValidator.errors ?? []).slice(0, MAX_PROBLEMS);
  const rs = doc as RuleSet;
  const ctx: Ctx = { facts: factCatalog(rs, form), withForm: form !== undefined, out: [], leaves: 0 };
  checkSemantics(rs, form, ctx);
  return ctx.out.slice(0, MAX_PROBLEMS);
}

/**
 * Labels of the facts a rule-set document can name: the form's fields, then the document's
 * rollups, lookups and outputs (read defensively: the document may be invalid).
 */
export function ruleSetNames(doc: unknown, form?: FormDefinition): RuleSetNames {
  const facts = new Map<string, LocalizedText>();
  for (const f of form?.fields ?? []) if (f.label !== undefined) facts.set(f.key, f.label);
  if (doc && typeof doc === 'object') {
    for (const list of ['rollups', 'lookups', 'outputs'] as const) {
      const items = (doc as Record<string, unknown>)[list];
      if (!Array.isArray(items)) continue;
      for (const d of items) {
        if (!d || typeof d !== 'object') continue;
        const { key, label } = d as { key?: unknown; label?: unknown };
        const usable = typeof label === 'string' || (label !== null && typeof label === 'object' && typeof (label as Record<string, unknown>)['zh-CN'] === 'string');
        if (typeof key === 'string' && usable && !facts.has(key)) facts.set(key, label as LocalizedText);
      }
    }
  }
  return { facts };
}

/** Problems as field errors with messages in `locale`; `names` lets them name facts by their labels. */
export function renderRuleSetProblems(problems: readonly RuleSetProblem[], locale: Locale = 'zh-CN', names?: RuleSetNames): FieldError[] {
  return problems.map((p) => ({ path: p.path, keyword: p.code, params: p.params, message: renderRuleSetMessage(p.code, locale, p.params, names) }));
}

/** Validates a rule set against its schema and the form; errors carry JSON Pointer paths and zh-CN / en messages naming facts by their labels. */
export function validateRuleSet(doc: unknown, form?: FormDefinition, locale: Locale = 'zh-CN'): ValidationResult {
  const errors = renderRuleSetProblems(checkRuleSet(doc, form), locale, ruleSetNames(doc, form));
  return { valid: errors.length === 0, errors };
}

/** Thrown by compileRuleSet / evaluateRuleSet for a rule set that does not validate. */
export class RuleSetError extends Error {
  constructor(
    readonly problems: RuleSetProblem[],
    /** Labels of the document's facts, to render the problems in any locale (renderRuleSetProblems). */
    readonly names?: RuleSetNames,
    readonly errors: FieldError[] = renderRuleSetProblems(problems, 'en', names),
  ) {
    super(`Invalid rule set: ${errors.slice(0, 5).map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
    this.name = 'RuleSetError';
  }
}
