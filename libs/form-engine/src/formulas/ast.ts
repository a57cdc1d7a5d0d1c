/** Formula syntax tree. Field references are bound by name at compile time, never spliced into code. */
export type FormulaNode =
  | { kind: 'number'; value: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'boolean'; value: boolean; pos: number }
  | { kind: 'null'; pos: number }
  | { kind: 'ref'; name: string; column?: string; pos: number }
  | { kind: 'unary'; op: '-' | '+' | 'NOT'; arg: FormulaNode; pos: number }
  | { kind: 'binary'; op: BinaryOp; left: FormulaNode; right: FormulaNode; pos: number }
  | { kind: 'call'; name: string; args: FormulaNode[]; pos: number };

export type BinaryOp = '+' | '-' | '*' | '/' | '&' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';

export class FormulaSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
    this.name = 'FormulaSyntaxError';
  }
}
