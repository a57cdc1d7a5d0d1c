import { Injectable } from '@nestjs/common';

/** The one source of "now" (injectable, so tests can pin it). */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  /** Today's calendar date (YYYY-MM-DD) in a business time zone. */
  today(timeZone: string): string {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(this.now());
  }
}
