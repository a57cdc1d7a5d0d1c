import pg from 'pg';

const parseTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;

/**
 * Date#toISOString of a timestamptz in PostgreSQL's text (DateStyle ISO). In UTC
 * ('YYYY-MM-DD HH:MM:SS[.ffffff]+00') by its characters, milliseconds cut from the microseconds as
 * pg's own parsing does; anything else (another session time zone, a year beyond 9999, BC)
 * through that parsing.
 */
const PLAIN = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?\+00$/;

export function isoOfUtc(text: string): string {
  if (PLAIN.test(text)) {
    const fraction = text.length > 23 ? text.slice(20, Math.min(23, text.length - 3)).padEnd(3, '0') : '000';
    return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction}Z`;
  }
  return parseTimestamptz(text).toISOString();
}
