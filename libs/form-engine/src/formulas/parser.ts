import { FormulaSyntaxError } from './ast.js';
import type { BinaryOp, FormulaNode } from './ast.js';

/*
 * A small recursive-descent parser. Grammar (lowest to highest precedence):
 *   or      := and ( (OR | '||') and )*
 *   and     := not ( (AND | '&&') not )*
 *   not     := NOT not | compare
 *   compare := concat ( ('=' | '==' | '<>' | '!=' | '<' | '<=' | '>' | '>=') concat )?
 *   concat  := add ( '&' add )*
 *   add     := mul ( ('+' | '-') mul )*
 *   mul     := unary ( ('*' | '/') unary )*
 *   unary   := ('-' | '+') unary | primary
 *   primary := number | string | TRUE | FALSE | NULL | NAME '(' args ')' | ref | '(' or ')'
 *   ref     := name ('.' name)? | '{' name ('.' name)? '}'
 * Function names are case-insensitive; field keys are lower snake case.
 */

export const MAX_FORMULA_LENGTH = 4000;
const MAX_DEPTH = 64;

type Token =
  | { t: 'num'; v: string; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'name'; v: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'eof'; pos: number };

const OPS = ['<>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '&', '=', '<', '>', '(', ')', ',', '.', '{', '}'];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(?:\.[0-9]+)?/.exec(src.slice(i))!;
      out.push({ t: 'num', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let v = '';
      for (;;) {
        if (j >= src.length) throw new FormulaSyntaxError('Unterminated string', i);
        const d = src[j]!;
        if (d === '\\' && j + 1 < src.length) {
          v += src[j + 1];
          j += 2;
        } else if (d === c) {
          if (src[j + 1] === c) {
            v += c;
            j += 2;
          } else break;
        } else {
          v += d;
          j++;
        }
      }
      out.push({ t: 'str', v, pos: i });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_\u4e00-\u9fff]/.test(c)) {
      const m = /^[A-Za-z_\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff]*/.exec(src.slice(i))!;
      out.push({ t: 'name', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new FormulaSyntaxError(`Unexpected character '${c}'`, i);
    out.push({ t: 'op', v: op, pos: i });
    i += op.length;
  }
  out.push({ t: 'eof', pos: src.length });
  return out;
}

export function parseFormula(src: string): FormulaNode {
  if (src.length > MAX_FORMULA_LENGTH) throw new FormulaSyntaxError('Formula too long', 0);
  const tokens = tokenize(src);
  let k = 0;
  let depth = 0;
  const peek = () => tokens[k]!;
  const isOp = (v: string) => {
    const t = peek();
    return t.t === 'op' && t.v === v;
  };
  const expect = (v: string) => {
    if (!isOp(v)) throw new FormulaSyntaxError(`Expected '${v}'`, peek().pos);
    k++;
  };
  const enter = () => {
    if (++depth > MAX_DEPTH) throw new FormulaSyntaxError('Formula nested too deeply', peek().pos);
  };

  const binaryLevel = (next: () => FormulaNode, ops: Record<string, BinaryOp>, words: Record<string, BinaryOp> = {}) => {
    let left = next();
    for (;;) {
      const t = peek();
      const op = t.t === 'op' ? ops[t.v] : t.t === 'name' ? words[t.v.toUpperCase()] : undefined;
      if (!op) return left;
      k++;
      left = { kind: 'binary', op, left, right: next(), pos: t.pos };
    }
  };

  const orExpr = (): FormulaNode => {
    enter();
    const n = binaryLevel(andExpr, { '||': 'OR' }, { OR: 'OR' });
    depth--;
    return n;
  };
  const andExpr = (): FormulaNode => binaryLevel(notExpr, { '&&': 'AND' }, { AND: 'AND' });
  const notExpr = (): FormulaNode => {
    const t = peek();
    if (t.t === 'name' && t.v.toUpperCase() === 'NOT' && !(tokens[k + 1]?.t === 'op' && (tokens[k + 1] as { v: string }).v === '(')) {
      k++;
      enter();
      const arg = notExpr();
      depth--;
      return { kind: 'unary', op: 'NOT', arg, pos: t.pos };
    }
    return compareExpr();
  };
  const compareExpr = (): FormulaNode => {
    const left = concatExpr();
    const t = peek();
    const map: Record<string, BinaryOp> = { '=': '=', '==': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
    if (t.t === 'op' && map[t.v]) {
      k++;
      return { kind: 'binary', op: map[t.v]!, left, right: concatExpr(), pos: t.pos };
    }
    return left;
  };
  const concatExpr = () => binaryLevel(addExpr, { '&': '&' });
  const addExpr = () => binaryLevel(mulExpr, { '+': '+', '-': '-' });
  const mulExpr = () => binaryLevel(unaryExpr, { '*': '*', '/': '/' });
  const unaryExpr = (): FormulaNode => {
    const t = peek();
    if (t.t === 'op' && (t.v === '-' || t.v === '+')) {
      k++;
      enter();
      const arg = unaryExpr();
      depth--;
      return { kind: 'unary', op: t.v, arg, pos: t.pos };
    }
    return primary();
  };
  const refTail = (name: string, pos: number): FormulaNode => {
    if (isOp('.')) {
      k++;
      const col = peek();
      if (col.t !== 'name') throw new FormulaSyntaxError('Expected a column name after "."', col.pos);
      k++;
      return { kind: 'ref', name, column: col.v, pos };
    }
    return { kind: 'ref', name, pos };
  };
  const primary = (): FormulaNode => {
    const t = peek();
    if (t.t === 'num') {
      k++;
      return { kind: 'number', value: t.v, pos: t.pos };
    }
    if (t.t === 'str') {
      k++;
      return { kind: 'string', value: t.v, pos: t.pos };
    }
    if (t.t === 'op' && t.v === '(') {
      k++;
      const n = orExpr();
      expect(')');
      return n;
    }
    if (t.t === 'op' && t.v === '{') {
      k++;
      const name = peek();
      if (name.t !== 'name') throw new FormulaSyntaxError('Expected a field key inside {}', name.pos);
      k++;
      const ref = refTail(name.v, t.pos);
      expect('}');
      return ref;
    }
    if (t.t === 'name') {
      k++;
      const upper = t.v.toUpperCase();
      if (isOp('(')) {
        k++;
        const args: FormulaNode[] = [];
        if (!isOp(')')) {
          for (;;) {
            args.push(orExpr());
            if (isOp(',')) {
              k++;
              continue;
            }
            break;
          }
        }
        expect(')');
        return { kind: 'call', name: upper, args, pos: t.pos };
      }
      if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE', pos: t.pos };
      if (upper === 'NULL') return { kind: 'null', pos: t.pos };
      return refTail(t.v, t.pos);
    }
    throw new FormulaSyntaxError(t.t === 'eof' ? 'Unexpected end of formula' : `Unexpected '${(t as { v: string }).v}'`, t.pos);
  };

  const node = orExpr();
  if (peek().t !== 'eof') throw new FormulaSyntaxError(`Unexpected '${(peek() as { v: string }).v}'`, peek().pos);
  return node;
}

/** Field references of a formula: top-level keys and sub-table columns. */
export function formulaReferences(node: FormulaNode, out: Array<{ name: string; column?: string; pos: number }> = []): typeof out {
  switch (node.kind) {
    case 'ref':
      out.push({ name: node.name, column: node.column, pos: node.pos });
      break;
    case 'unary':
      formulaReferences(node.arg, out);
      break;
    case 'binary':
      formulaReferences(node.left, out);
      formulaReferences(node.right, out);
      break;
    case 'call':
      node.args.forEach((a) => formulaReferences(a, out));
      break;
    default:
      break;
  }
  return out;
}

/** Whether the formula calls any of the named functions (e.g. TODAY, which makes it time-dependent). */
export function callsFunction(node: FormulaNode, names: ReadonlySet<string>): boolean {
  switch (node.kind) {
    case 'call':
      return names.has(node.name) || node.args.some((a) => callsFunction(a, names));
    case 'unary':
      return callsFunction(node.arg, names);
    case 'binary':
      return callsFunction(node.left, names) || callsFunction(node.right, names);
    default:
      return false;
  }
}
