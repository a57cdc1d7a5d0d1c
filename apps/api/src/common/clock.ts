import { Injectable } from '@nestjs/common';

/** The one source of "now" (injectable, so tests can pin it). */
@Injectable()
export class Clock {
  private readonly formats = new Map<string, Intl.DateTimeFormat>();

  now(): Date {
    return new Date();
  }

  /** The last answer per zone and the second of `now()` it was for (a date changes on a second boundary). */
  private readonly days = new Map<string, { second: number; day: string }>();

  /** Today's calendar date (YYYY-MM-DD) in a business time zone. */
  today(timeZone: string): string {
    const now = this.now();
    const second = Math.floor(now.getTime() / 1000);
    const known = this.days.get(timeZone);
    if (known && known.second === second) return known.day;
    let format = this.formats.get(timeZone);
    if (!format) {
      // Building a formatter costs far more than using one: keep one per zone.
      format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
      this.formats.set(timeZone, format);
    }
    const day = format.format(now);
    this.days.set(timeZone, { second, day });
    return day;
  }
}
