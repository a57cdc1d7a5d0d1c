import type { FormulaNode } from './ast.js';
import { formulaFunctions } from './functions/index.js';
import type { FormulaContext } from './functions/index.js';
import { FDecimal, FDate, FormulaRuntimeError, compareValues, isBlank, toNumber, toText, truthy } from './values.js';
import type { FValue } from './values.js';

/** Resolves a field reference (and optional sub-table column) to a value. */
export type Resolver = (name: string, column?: string) => FValue;

function arithmetic(op: '+' | '-' | '*' | '/', a: FValue, b: FValue): FValue {
  // Dates: date ± days -> date; date − date -> days.
  if (a instanceof FDate || b instanceof FDate) {
    if (a === null || b === null) return null;
    if (op === '+' && a instanceof FDate && b instanceof FDecimal && b.isInteger()) return new FDate(a.day + b.toNumber());
    if (op === '+' && b instanceof FDate && a instanceof FDecimal && a.isInteger()) return new FDate(b.day + a.toNumber());
    if (op === '-' && a instanceof FDate && b instanceof FDecimal && b.isInteger()) return new FDate(a.day - b.toNumber());
    if (op === '-' && a instanceof FDate && b instanceof FDate) return new FDecimal(a.day - b.day);
    throw new FormulaRuntimeError('type', `Cannot apply '${op}' to these dates`);
  }
  // Blank counts as 0 next to a number (as in spreadsheets); two blanks stay blank.
  if (a === null && b === null) return null;
  const x = toNumber(a, op) ?? new FDecimal(0);
  if (op === '/') {
    const y = toNumber(b, op);
    return y === null || y.isZero() ? null : x.div(y);
  }
  const y = toNumber(b, op) ?? new FDecimal(0);
  return op === '+' ? x.plus(y) : op === '-' ? x.minus(y) : x.times(y);
}

function compare(op: '=' | '<>' | '<' | '<=' | '>' | '>=', a: FValue, b: FValue): boolean {
  if (isBlank(a) || isBlank(b)) {
    const same = isBlank(a) && isBlank(b);
    return op === '=' ? same : op === '<>' ? !same : false;
  }
  const c = compareValues(a, b);
  if (c === null) {
    if (op === '=') return false;
    if (op === '<>') return true;
    throw new FormulaRuntimeError('type', `Cannot compare these values with '${op}'`);
  }
  switch (op) {
    case '=':
      return c === 0;
    case '<>':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

/** Evaluates a parsed formula. Throws FormulaRuntimeError on type errors; never runs user code. */
export function evaluateFormula(node: FormulaNode, resolve: Resolver, ctx: FormulaContext): FValue {
  const ev = (n: FormulaNode): FValue => {
    switch (n.kind) {
      case 'number':
        return new FDecimal(n.value);
      case 'string':
        return n.value;
      case 'boolean':
        return n.value;
      case 'null':
        return null;
      case 'ref':
        return resolve(n.name, n.column);
      case 'unary': {
        const v = ev(n.arg);
        if (n.op === 'NOT') return !truthy(v);
        const num = toNumber(v, n.op);
        return num === null ? null : n.op === '-' ? num.neg() : num;
      }
      case 'binary': {
        if (n.op === 'AND') return truthy(ev(n.left)) && truthy(ev(n.right));
        if (n.op === 'OR') return truthy(ev(n.left)) || truthy(ev(n.right));
        const a = ev(n.left);
        const b = ev(n.right);
        if (n.op === '&') return toText(a) + toText(b);
        if (n.op === '+' || n.op === '-' || n.op === '*' || n.op === '/') return arithmetic(n.op, a, b);
        return compare(n.op, a, b);
      }
      case 'call': {
        const fn = formulaFunctions.get(n.name);
        if (!fn) throw new FormulaRuntimeError('unknownFunction', `Unknown function ${n.name}`);
        if (fn.lazy && fn.callLazy) return fn.callLazy(n.args.map((a) => () => ev(a)), ctx);
        return fn.call(n.args.map(ev), ctx);
      }
    }
  };
  return ev(node);
}
