import { Injectable } from '@nestjs/common';

/** The one source of "now" (injectable, so tests can pin it). */
@Injectable()
export class Clock {
  private readonly formats = new Map<string, Intl.DateTimeFormat>();

  now(): Date {
    return new Date();
  }

  /** Today's calendar date (YYYY-MM-DD) in a business time zone. */
  today(timeZone: string): string {
    let format = this.formats.get(timeZone);
    if (!format) {
      // Building a formatter costs far more than using one: keep one per zone.
      format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
      this.formats.set(timeZone, format);
    }
    return format.format(this.now());
  }
}
