import { addDays, daysBetween, endOfMonth, isValidDate } from '@credo/form-engine';

/** A record as the API returns it: its id and its data. */
export interface DemoRecord {
  id: string;
  data: Record<string, unknown>;
}

export function assertDate(name: string, value: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !isValidDate(value)) throw new RangeError(`${name} must be YYYY-MM-DD, got '${value}'`);
}

export function plusDays(date: string, days: number): string {
  return addDays(date, days)!;
}

/** Calendar days from `a` to `b`. */
export function diffDays(a: string, b: string): number {
  return daysBetween(a, b)!;
}

export function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

export function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

/** The receivable template's due date (DOMAIN §2.1): basis + days, or end of the basis month + days (月结). */
export function dueDate(basis: string, termBasis: string | undefined, termDays: number): string {
  return plusDays(termBasis === '月结' ? endOfMonth(basis)! : basis, termDays);
}

/** Money is handled as integer cents (all amounts stay far below 2^53). */
export function toCents(value: unknown): number {
  if (typeof value !== 'string' || !/^-?\d+(\.\d{1,2})?$/.test(value)) return 0;
  const [whole, frac = ''] = value.replace('-', '').split('.') as [string, string?];
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return value.startsWith('-') ? -cents : cents;
}

export function fromCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value : undefined;
}
