import { parseDate } from '../validators/date.js';

/*
 * Auto-number patterns: literal text plus tokens {YYYY} {YY} {MM} {DD} and exactly one
 * sequence token {#…} whose length is the zero-padded width, e.g. 'C{YYYY}{#####}'.
 * The server keeps one counter per (form, field, period); the period is the date part the
 * pattern shows, so a pattern with {YYYY} restarts every year.
 */

const TOKEN_RE = /\{([^{}]*)\}/g;
const DATE_TOKENS = new Set(['YYYY', 'YY', 'MM', 'DD']);

export type AutoNumberPatternProblem = 'empty' | 'noSequence' | 'multipleSequences' | 'unknownToken' | 'unbalancedBraces' | 'invalidLiteral';

export function autoNumberPatternProblem(pattern: string): AutoNumberPatternProblem | null {
  if (!pattern) return 'empty';
  const literal = pattern.replace(TOKEN_RE, '');
  if (literal.includes('{') || literal.includes('}')) return 'unbalancedBraces';
  if (!/^[\p{L}\p{N}_\-./ ]*$/u.test(literal)) return 'invalidLiteral';
  let sequences = 0;
  for (const m of pattern.matchAll(TOKEN_RE)) {
    const token = m[1]!;
    if (/^#{1,12}$/.test(token)) sequences++;
    else if (!DATE_TOKENS.has(token)) return 'unknownToken';
  }
  if (sequences === 0) return 'noSequence';
  if (sequences > 1) return 'multipleSequences';
  return null;
}

function dateParts(date: string): { YYYY: string; YY: string; MM: string; DD: string } {
  const d = parseDate(date);
  if (!d) throw new RangeError(`Invalid date '${date}', expected YYYY-MM-DD`);
  const YYYY = String(d.y).padStart(4, '0');
  return { YYYY, YY: YYYY.slice(2), MM: String(d.m).padStart(2, '0'), DD: String(d.d).padStart(2, '0') };
}

/** Text before the sequence, its width and text after, by pattern and date (a batch formats thousands alike). */
const formatters = new Map<string, { before: string; width: number; after: string }>();

/** 'C{YYYY}{#####}', 7, '2026-11-25' -> 'C202600007'. A sequence wider than the token is not cut. */
export function formatAutoNumber(pattern: string, seq: number, date: string): string {
  const key = `${pattern}\u0000${date}`;
  let f = formatters.get(key);
  if (!f) {
    const problem = autoNumberPatternProblem(pattern);
    if (problem) throw new RangeError(`Invalid auto-number pattern '${pattern}': ${problem}`);
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`Invalid sequence ${seq}`);
    const parts = dateParts(date);
    let width = 0;
    const [before, after] = pattern
      .replace(TOKEN_RE, (_whole, token: string) => {
        if (!token.startsWith('#')) return parts[token as keyof typeof parts];
        width = token.length;
        return '\u0000';
      })
      .split('\u0000') as [string, string];
    if (formatters.size >= 1000) formatters.clear();
    formatters.set(key, (f = { before, width, after }));
  }
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`Invalid sequence ${seq}`);
  return f.before + String(seq).padStart(f.width, '0') + f.after;
}

/**
 * The counter bucket of a date for a pattern: the finest date granularity the pattern shows,
 * '2026' for {YYYY} or {YY}, '202611' with {MM}, '20261125' with {DD}, '' with no date token.
 */
export function autoNumberPeriod(pattern: string, date: string): string {
  const tokens = new Set([...pattern.matchAll(TOKEN_RE)].map((m) => m[1]!));
  const hasYear = tokens.has('YYYY') || tokens.has('YY');
  if (!hasYear && !tokens.has('MM') && !tokens.has('DD')) return '';
  const p = dateParts(date);
  if (tokens.has('DD')) return `${p.YYYY}${p.MM}${p.DD}`;
  if (tokens.has('MM')) return `${p.YYYY}${p.MM}`;
  return p.YYYY;
}
