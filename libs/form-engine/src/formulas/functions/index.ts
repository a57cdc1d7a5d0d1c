import type { FormulaFunction } from './function.js';
import { ABS } from './abs.js';
import { ADDDAYS } from './adddays.js';
import { ADDMONTHS } from './addmonths.js';
import { AND } from './and.js';
import { AVERAGE } from './average.js';
import { COALESCE } from './coalesce.js';
import { CONCAT } from './concat.js';
import { CONTAINS } from './contains.js';
import { COUNT } from './count.js';
import { DATE } from './date.js';
import { DATEDIF } from './datedif.js';
import { DAY } from './day.js';
import { DAYS } from './days.js';
import { EOMONTH } from './eomonth.js';
import { FIXED } from './fixed.js';
import { IF } from './if.js';
import { IFS } from './ifs.js';
import { INT } from './int.js';
import { ISBLANK } from './isblank.js';
import { LEFT } from './left.js';
import { LEN } from './len.js';
import { LOWER } from './lower.js';
import { MAX } from './max.js';
import { MID } from './mid.js';
import { MIN } from './min.js';
import { MOD } from './mod.js';
import { MONTH } from './month.js';
import { NOT } from './not.js';
import { OR } from './or.js';
import { POWER } from './power.js';
import { RIGHT } from './right.js';
import { ROUND } from './round.js';
import { ROUNDDOWN } from './rounddown.js';
import { ROUNDUP } from './roundup.js';
import { SUM } from './sum.js';
import { SWITCH } from './switch.js';
import { TODAY } from './today.js';
import { TRIM } from './trim.js';
import { UPPER } from './upper.js';
import { VALUE } from './value.js';
import { YEAR } from './year.js';

/** The whitelist: a formula can call these functions and nothing else (one file per function). */
export const formulaFunctions: ReadonlyMap<string, FormulaFunction> = new Map(
  [
    IF,
    IFS,
    SWITCH,
    AND,
    OR,
    NOT,
    ISBLANK,
    COALESCE,
    SUM,
    AVERAGE,
    COUNT,
    MAX,
    MIN,
    ROUND,
    ROUNDUP,
    ROUNDDOWN,
    INT,
    ABS,
    MOD,
    POWER,
    CONCAT,
    LEN,
    LEFT,
    RIGHT,
    MID,
    UPPER,
    LOWER,
    TRIM,
    CONTAINS,
    FIXED,
    VALUE,
    TODAY,
    DATE,
    ADDDAYS,
    ADDMONTHS,
    EOMONTH,
    DAYS,
    YEAR,
    MONTH,
    DAY,
    DATEDIF,
  ].map((f) => [f.name, f]),
);

export const TIME_DEPENDENT_FUNCTIONS: ReadonlySet<string> = new Set(
  [...formulaFunctions.values()].filter((f) => f.timeDependent).map((f) => f.name),
);

export type { FormulaContext, FormulaFunction } from './function.js';
