/** Calendar dates as 'YYYY-MM-DD' strings, computed on day numbers (no Date, no time zones). */
import { NOT_DIGIT } from './char-formats.js';

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

/** Parses 'YYYY-MM-DD' by character codes (it runs for every date value in validation). */
export function parseDate(value: string): Ymd | null {
  if (typeof value !== 'string' || value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return null;
  let y = 0;
  let m = 0;
  let d = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    if (i < 4) y = y * 10 + c;
    else if (i < 7) m = m * 10 + c;
    else d = d * 10 + c;
  }
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isValidDate(value: string): boolean {
  return !Number.isNaN(dayNumberOf(value));
}

let memoValue: string | undefined;
let memoDay = NaN;

/**
 * toDayNumber(parseDate(value)), or NaN when parseDate refuses the value; allocates nothing. The
 * last answer is remembered: validation asks about the same date value several times in a row
 * (format, absolute and relative bounds).
 */
export function dayNumberOf(value: string): number {
  if (value === memoValue) return memoDay;
  const day = dayNumberOrNaN(value);
  if (typeof value === 'string') {
    memoValue = value;
    memoDay = day;
  }
  return day;
}

/** dayNumberOf without the memo (for callers that ask once per value): the day of dateKeyOrNaN's key. */
export function dayNumberOrNaN(value: string): number {
  if (typeof value !== 'string') return NaN;
  const key = dateKeyOrNaN(value);
  if (key !== key) return NaN;
  const m = Math.floor(key / 100) % 100;
  return toDayNumber({ y: Math.floor(key / 10000), m, d: key % 100 });
}

/**
 * y * 10000 + m * 100 + d for a well-formed 'YYYY-MM-DD' calendar date, NaN otherwise: the value
 * read as eight digit codes whose table entries are ORed with the two hyphens' differences, so a
 * well-formed value takes no branch until the month and day range checks. Calendar order is the
 * order of these keys, so the fail-fast validator compares a date with its bounds on them without
 * a day number's floored divisions.
 */
export function dateKeyOrNaN(value: string): number {
  if (value.length !== 10) return NaN;
  const D = NOT_DIGIT;
  const y0 = value.charCodeAt(0);
  const y1 = value.charCodeAt(1);
  const y2 = value.charCodeAt(2);
  const y3 = value.charCodeAt(3);
  const m0 = value.charCodeAt(5);
  const m1 = value.charCodeAt(6);
  const d0 = value.charCodeAt(8);
  const d1 = value.charCodeAt(9);
  if ((D[y0]! | D[y1]! | D[y2]! | D[y3]! | D[m0]! | D[m1]! | D[d0]! | D[d1]! | (value.charCodeAt(4) ^ 45) | (value.charCodeAt(7) ^ 45)) !== 0) return NaN;
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3 - 53328;
  const m = m0 * 10 + m1 - 528;
  const d = d0 * 10 + d1 - 528;
  if (y < 1 || m < 1 || m > 12 || d < 1 || (d > DAYS_IN_MONTH[m - 1]! && !(m === 2 && d === 29 && isLeapYear(y)))) return NaN;
  return y * 10000 + m * 100 + d;
}

/** Days since 1970-01-01 (proleptic Gregorian), from Howard Hinnant's days_from_civil. */
export function toDayNumber({ y, m, d }: Ymd): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function fromDayNumber(n: number): Ymd {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

export function formatYmd({ y, m, d }: Ymd): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function addDays(date: string, days: number): string | null {
  const p = parseDate(date);
  return p ? formatYmd(fromDayNumber(toDayNumber(p) + days)) : null;
}

/** Adds calendar months, clamping the day to the target month's length (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: string, months: number): string | null {
  const p = parseDate(date);
  if (!p) return null;
  const idx = p.y * 12 + (p.m - 1) + months;
  const y = Math.floor(idx / 12);
  const m = idx - y * 12 + 1;
  return formatYmd({ y, m, d: Math.min(p.d, daysInMonth(y, m)) });
}

/** Last day of the month `months` after the date's month (Excel EOMONTH). */
export function endOfMonth(date: string, months = 0): string | null {
  const p = parseDate(date);
  if (!p) return null;
  const idx = p.y * 12 + (p.m - 1) + months;
  const y = Math.floor(idx / 12);
  const m = idx - y * 12 + 1;
  return formatYmd({ y, m, d: daysInMonth(y, m) });
}

/** Calendar days from `start` to `end` (negative when end is earlier). */
export function daysBetween(start: string, end: string): number | null {
  const a = parseDate(start);
  const b = parseDate(end);
  return a && b ? toDayNumber(b) - toDayNumber(a) : null;
}

const DATETIME_RE = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339 date-time with an explicit offset. */
export function isValidDateTime(value: string): boolean {
  const m = DATETIME_RE.exec(value);
  if (!m || !isValidDate(m[1]!)) return false;
  return Number(m[2]) <= 23 && Number(m[3]) <= 59 && Number(m[4]) <= 60;
}

const RELATIVE_RE = /^today(?:([+-])(\d{1,5}))?$/;

/** Whether a date bound is relative to the evaluation date ('today', 'today+30', 'today-365'). */
export function isRelativeDate(bound: string): boolean {
  return RELATIVE_RE.test(bound);
}

/** Resolves a date bound against asOf: 'today+30' -> asOf + 30 days; absolute dates pass through. */
export function resolveRelativeDate(bound: string, asOf: string): string | null {
  const m = RELATIVE_RE.exec(bound);
  if (!m) return parseDate(bound) ? bound : null;
  const offset = m[2] ? Number(m[2]) * (m[1] === '-' ? -1 : 1) : 0;
  return addDays(asOf, offset);
}
