import { FDecimal, FDate, FormulaRuntimeError, toDate, toInteger, toText } from '../values.js';
import { addMonths, daysInMonth, endOfMonth, formatYmd, fromDayNumber } from '../../validators/date.js';
import type { FormulaFunction } from './function.js';

function fromString(s: string | null): FDate | null {
  return s === null ? null : FDate.parse(s);
}

/** TODAY(): the evaluation date passed in (asOf); the engine never reads a clock. */
export const TODAY: FormulaFunction = {
  name: 'TODAY',
  minArgs: 0,
  maxArgs: 0,
  timeDependent: true,
  returns: () => 'date',
  call: (_args, ctx) => {
    const d = FDate.parse(ctx.asOf);
    if (!d) throw new FormulaRuntimeError('asOf', `Invalid asOf '${ctx.asOf}'`);
    return d;
  },
};

/** DATE("2026-01-31") or DATE(2026, 1, 31). */
export const DATE: FormulaFunction = {
  name: 'DATE',
  minArgs: 1,
  maxArgs: 3,
  returns: () => 'date',
  call: (args) => {
    if (args.length === 1) {
      const d = FDate.parse(toText(args[0]!));
      if (!d) throw new FormulaRuntimeError('type', `DATE: '${toText(args[0]!)}' is not a date`);
      return d;
    }
    if (args.length !== 3) throw new FormulaRuntimeError('arity', 'DATE takes a text date or year, month, day');
    const [y, m, d] = args.map((a) => toInteger(a, 'DATE'));
    if (y == null || m == null || d == null) return null;
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) || y < 1 || y > 9999) throw new FormulaRuntimeError('range', 'DATE: no such date');
    return FDate.parse(formatYmd({ y, m, d }));
  },
};

export const ADDDAYS: FormulaFunction = {
  name: 'ADDDAYS',
  minArgs: 2,
  maxArgs: 2,
  returns: () => 'date',
  call: ([d, n]) => {
    const date = toDate(d!, 'ADDDAYS');
    const days = toInteger(n!, 'ADDDAYS');
    return date === null || days === null ? null : new FDate(date.day + days);
  },
};

/** ADDMONTHS(date, n): the same day n months later, clamped to the month's end. */
export const ADDMONTHS: FormulaFunction = {
  name: 'ADDMONTHS',
  minArgs: 2,
  maxArgs: 2,
  returns: () => 'date',
  call: ([d, n]) => {
    const date = toDate(d!, 'ADDMONTHS');
    const months = toInteger(n!, 'ADDMONTHS');
    return date === null || months === null ? null : fromString(addMonths(date.toString(), months));
  },
};

/** EOMONTH(date, months=0): last day of the month `months` after the date's month (月结). */
export const EOMONTH: FormulaFunction = {
  name: 'EOMONTH',
  minArgs: 1,
  maxArgs: 2,
  returns: () => 'date',
  call: ([d, n]) => {
    const date = toDate(d!, 'EOMONTH');
    const months = n === undefined ? 0 : toInteger(n, 'EOMONTH');
    return date === null || months === null ? null : fromString(endOfMonth(date.toString(), months));
  },
};

/** DAYS(end, start): calendar days from start to end (Excel argument order). */
export const DAYS: FormulaFunction = {
  name: 'DAYS',
  minArgs: 2,
  maxArgs: 2,
  returns: () => 'number',
  call: ([e, s]) => {
    const end = toDate(e!, 'DAYS');
    const start = toDate(s!, 'DAYS');
    return end === null || start === null ? null : new FDecimal(end.day - start.day);
  },
};

function part(name: string, pick: (y: number, m: number, d: number) => number): FormulaFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    returns: () => 'number',
    call: ([d]) => {
      const date = toDate(d!, name);
      if (date === null) return null;
      const p = fromDayNumber(date.day);
      return new FDecimal(pick(p.y, p.m, p.d));
    },
  };
}

export const YEAR = part('YEAR', (y) => y);
export const MONTH = part('MONTH', (_y, m) => m);
export const DAY = part('DAY', (_y, _m, d) => d);

/** DATEDIF(start, end, "Y" | "M" | "D"): whole years, months or days between two dates. */
export const DATEDIF: FormulaFunction = {
  name: 'DATEDIF',
  minArgs: 3,
  maxArgs: 3,
  returns: () => 'number',
  call: ([s, e, u]) => {
    const start = toDate(s!, 'DATEDIF');
    const end = toDate(e!, 'DATEDIF');
    if (start === null || end === null) return null;
    const unit = toText(u!).toUpperCase();
    if (unit === 'D') return new FDecimal(end.day - start.day);
    const a = fromDayNumber(start.day);
    const b = fromDayNumber(end.day);
    let months = (b.y - a.y) * 12 + (b.m - a.m);
    if (end.day >= start.day ? b.d < a.d : b.d > a.d) months += end.day >= start.day ? -1 : 1;
    if (unit === 'M') return new FDecimal(months);
    if (unit === 'Y') return new FDecimal(Math.trunc(months / 12));
    throw new FormulaRuntimeError('type', `DATEDIF: unit must be "Y", "M" or "D"`);
  },
};

export const dateFunctions = [TODAY, DATE, ADDDAYS, ADDMONTHS, EOMONTH, DAYS, YEAR, MONTH, DAY, DATEDIF];
