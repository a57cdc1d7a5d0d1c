import type { FieldDefinition, FormulaResultType } from '../types.js';
import { FormulaSyntaxError } from './ast.js';
import type { FormulaNode } from './ast.js';
import { formulaFunctions, TIME_DEPENDENT_FUNCTIONS } from './functions/index.js';
import { callsFunction, formulaReferences, parseFormula } from './parser.js';
import type { StaticType } from './values.js';

/*
 * The computed-field plan of a form: each formula parsed once, references bound to fields,
 * statically type-checked, and ordered so every formula runs after the formulas it reads.
 * Sub-table column formulas run per row first (they may read their row and the parent's input
 * fields); then top-level formulas in dependency order.
 */

export interface FormulaStep {
  /** Field key; for a sub-table column, the column key. */
  key: string;
  /** Sub-table key when this is a column formula. */
  table?: string;
  ast: FormulaNode;
  resultType: FormulaResultType;
  scale: number;
  /** Field keys read (top-level; for columns also "table.column"). */
  dependsOn: string[];
  /** Reads TODAY() directly or through another formula: re-evaluate when the date changes. */
  timeDependent: boolean;
}

export interface FormulaPlanProblem {
  /** JSON Pointer into the form definition. */
  path: string;
  keyword: 'formulaSyntax' | 'formulaReference' | 'formulaFunction' | 'formulaArity' | 'formulaType' | 'formulaCycle';
  params: Record<string, unknown>;
}

export interface FormulaPlan {
  /** Column formulas grouped by sub-table, each list in evaluation order. */
  rowSteps: ReadonlyMap<string, FormulaStep[]>;
  /** Top-level formulas in evaluation order. */
  steps: FormulaStep[];
}

export function staticTypeOfField(f: FieldDefinition): StaticType {
  switch (f.type) {
    case 'number':
    case 'integer':
    case 'decimal':
    case 'money':
    case 'percent':
      return 'number';
    case 'date':
      return 'date';
    case 'boolean':
      return 'boolean';
    case 'multiselect':
    case 'subtable':
    case 'attachment':
      return 'list';
    case 'formula':
      return f.resultType === 'decimal' || f.resultType === 'integer' ? 'number' : f.resultType === 'date' ? 'date' : f.resultType === 'boolean' ? 'boolean' : 'text';
    default:
      return 'text';
  }
}

interface Scope {
  /** Fields visible by bare name, in lookup order (row first, then parent). */
  lookup(name: string): { field: FieldDefinition; table?: string } | undefined;
}

function inferType(
  node: FormulaNode,
  scope: Scope,
  fieldsByKey: ReadonlyMap<string, FieldDefinition>,
  path: string,
  problems: FormulaPlanProblem[],
): StaticType {
  const infer = (n: FormulaNode): StaticType => inferType(n, scope, fieldsByKey, path, problems);
  switch (node.kind) {
    case 'number':
      return 'number';
    case 'string':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'any';
    default:
      break;
  }
  if (node.kind === 'ref') {
    if (node.column !== undefined) {
      const table = fieldsByKey.get(node.name);
      const col = table?.type === 'subtable' ? table.fields?.find((c) => c.key === node.column) : undefined;
      if (!col) {
        problems.push({ path, keyword: 'formulaReference', params: { field: `${node.name}.${node.column}`, pos: node.pos } });
        return 'any';
      }
      return 'list';
    }
    const hit = scope.lookup(node.name);
    if (!hit) {
      problems.push({ path, keyword: 'formulaReference', params: { field: node.name, pos: node.pos } });
      return 'any';
    }
    return staticTypeOfField(hit.field);
  }
  if (node.kind === 'unary') {
    const t = infer(node.arg);
    if (node.op === 'NOT') return 'boolean';
    if (t === 'text' || t === 'date' || t === 'list') problems.push({ path, keyword: 'formulaType', params: { op: node.op, type: t, pos: node.pos } });
    return 'number';
  }
  if (node.kind === 'binary') {
    const a = infer(node.left);
    const b = infer(node.right);
    switch (node.op) {
      case '&':
        return 'text';
      case 'AND':
      case 'OR':
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return 'boolean';
      default: {
        const bad = [a, b].find((t) => t === 'text' || t === 'list' || t === 'boolean');
        if (bad) {
          problems.push({ path, keyword: 'formulaType', params: { op: node.op, type: bad, pos: node.pos } });
          return 'any';
        }
        if ((node.op === '+' || node.op === '-') && (a === 'date' || b === 'date')) {
          if (node.op === '-' && a === 'date' && b === 'date') return 'number';
          if (a === 'date' && b === 'date') problems.push({ path, keyword: 'formulaType', params: { op: node.op, type: 'date', pos: node.pos } });
          return 'date';
        }
        if ((node.op === '*' || node.op === '/') && (a === 'date' || b === 'date')) {
          problems.push({ path, keyword: 'formulaType', params: { op: node.op, type: 'date', pos: node.pos } });
        }
        return a === 'any' && b === 'any' ? 'any' : 'number';
      }
    }
  }
  if (node.kind === 'call') {
    const fn = formulaFunctions.get(node.name);
    const argTypes = node.args.map(infer);
    if (!fn) {
      problems.push({ path, keyword: 'formulaFunction', params: { name: node.name, pos: node.pos } });
      return 'any';
    }
    if (node.args.length < fn.minArgs || node.args.length > fn.maxArgs) {
      problems.push({ path, keyword: 'formulaArity', params: { name: node.name, min: fn.minArgs, max: fn.maxArgs, pos: node.pos } });
      return 'any';
    }
    return fn.returns(argTypes);
  }
  return 'any';
}

function compatible(result: FormulaResultType, t: StaticType): boolean {
  if (t === 'any' || result === 'text' || result === 'boolean') return t !== 'list' || result === 'text';
  if (result === 'date') return t === 'date';
  return t === 'number';
}

export function buildFormulaPlan(fields: FieldDefinition[], basePath = ''): { plan: FormulaPlan; problems: FormulaPlanProblem[] } {
  const problems: FormulaPlanProblem[] = [];
  const fieldsByKey = new Map(fields.map((f) => [f.key, f]));
  const rowSteps = new Map<string, FormulaStep[]>();

  const prepare = (f: FieldDefinition, path: string, scope: Scope, table?: string): FormulaStep | null => {
    let ast: FormulaNode;
    try {
      ast = parseFormula(f.formula ?? '');
    } catch (e) {
      if (!(e instanceof FormulaSyntaxError)) throw e;
      problems.push({ path, keyword: 'formulaSyntax', params: { detail: e.message, pos: e.pos } });
      return null;
    }
    const before = problems.length;
    const t = inferType(ast, scope, fieldsByKey, path, problems);
    const resultType = f.resultType ?? 'decimal';
    if (problems.length === before && !compatible(resultType, t)) {
      problems.push({ path, keyword: 'formulaType', params: { resultType, type: t } });
    }
    const deps = new Set<string>();
    for (const r of formulaReferences(ast)) {
      if (r.column !== undefined) deps.add(r.name);
      else {
        const hit = scope.lookup(r.name);
        if (hit) deps.add(hit.table ? `${hit.table}.${r.name}` : r.name);
      }
    }
    return {
      key: f.key,
      ...(table ? { table } : {}),
      ast,
      resultType,
      scale: f.scale ?? (resultType === 'integer' ? 0 : 2),
      dependsOn: [...deps],
      timeDependent: callsFunction(ast, TIME_DEPENDENT_FUNCTIONS),
    };
  };

  // Column formulas: scope = row fields, then parent non-formula fields.
  fields.forEach((table, ti) => {
    if (table.type !== 'subtable' || !table.fields) return;
    const cols = new Map(table.fields.map((c) => [c.key, c]));
    const scope: Scope = {
      lookup: (name) => {
        const col = cols.get(name);
        if (col) return { field: col, table: table.key };
        const parent = fieldsByKey.get(name);
        return parent && parent.type !== 'formula' && parent.type !== 'subtable' ? { field: parent } : undefined;
      },
    };
    const steps: FormulaStep[] = [];
    table.fields.forEach((c, ci) => {
      if (c.type !== 'formula') return;
      const s = prepare(c, `${basePath}/fields/${ti}/fields/${ci}/formula`, scope, table.key);
      if (s) steps.push(s);
    });
    const ordered = order(steps, (s) => `${table.key}.${s.key}`, `${basePath}/fields/${ti}/fields`, table.fields, problems);
    if (ordered.length) rowSteps.set(table.key, ordered);
  });

  const topScope: Scope = { lookup: (name) => {
    const f = fieldsByKey.get(name);
    return f ? { field: f } : undefined;
  } };
  const steps: FormulaStep[] = [];
  fields.forEach((f, i) => {
    if (f.type !== 'formula') return;
    const s = prepare(f, `${basePath}/fields/${i}/formula`, topScope);
    if (s) steps.push(s);
  });
  const ordered = order(steps, (s) => s.key, `${basePath}/fields`, fields, problems);
  // A formula reading a time-dependent formula is time-dependent too.
  const td = new Set<string>();
  for (const s of ordered) {
    if (s.timeDependent || s.dependsOn.some((d) => td.has(d))) {
      s.timeDependent = true;
      td.add(s.key);
    }
  }
  return { plan: { rowSteps, steps: ordered }, problems };
}

/** Topological order of formula steps; cycles are reported naming every field on the cycle. */
function order(
  steps: FormulaStep[],
  id: (s: FormulaStep) => string,
  fieldsPath: string,
  fields: FieldDefinition[],
  problems: FormulaPlanProblem[],
): FormulaStep[] {
  const byId = new Map(steps.map((s) => [id(s), s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const out: FormulaStep[] = [];
  const reported = new Set<string>();
  const visit = (sid: string, stack: string[]): void => {
    const st = state.get(sid);
    if (st === 'done') return;
    if (st === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(sid)), sid];
      const keyOf = (x: string) => x.slice(x.lastIndexOf('.') + 1);
      const signature = [...new Set(cycle)].sort().join('|');
      if (!reported.has(signature)) {
        reported.add(signature);
        const first = byId.get(sid)!;
        const index = fields.findIndex((f) => f.key === first.key);
        problems.push({ path: `${fieldsPath}/${index}/formula`, keyword: 'formulaCycle', params: { cycle: cycle.map(keyOf) } });
      }
      return;
    }
    state.set(sid, 'visiting');
    const s = byId.get(sid)!;
    for (const d of s.dependsOn) if (byId.has(d)) visit(d, [...stack, sid]);
    state.set(sid, 'done');
    out.push(s);
  };
  for (const s of steps) visit(id(s), []);
  return out;
}
