import { Decimal } from '@credo/form-engine';

/*
 * Receivables KPIs of DOMAIN §2.3, on exact decimals. Amounts are decimal strings; results are
 * rounded for display only at the end (days to 1 place, percentages to 1 place).
 */

export interface MonthSales {
  /** YYYY-MM */
  month: string;
  /** credit sales of the month */
  sales: string;
  /** calendar days of the month */
  days: number;
}

/** Simple DSO = ending AR ÷ credit sales of the period × days of the period. */
export function simpleDso(endingAr: string, sales: string, days: number): string | null {
  const s = new Decimal(sales);
  if (s.lte(0)) return null;
  return new Decimal(endingAr).div(s).mul(days).toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toFixed(1);
}

/**
 * Countback (exhaustion) DSO: walk back month by month, using up the AR with each month's
 * sales; the first month that is not used up adds its share of days. `months` newest first.
 */
export function countbackDso(endingAr: string, months: MonthSales[]): string | null {
  let remaining = new Decimal(endingAr);
  if (remaining.lte(0)) return '0.0';
  let days = new Decimal(0);
  for (const month of months) {
    const sales = new Decimal(month.sales);
    if (sales.lte(0)) {
      days = days.add(month.days);
      continue;
    }
    if (remaining.gte(sales)) {
      remaining = remaining.sub(sales);
      days = days.add(month.days);
      if (remaining.isZero()) return days.toFixed(1);
    } else {
      return days.add(remaining.div(sales).mul(month.days)).toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toFixed(1);
    }
  }
  // AR older than the whole window: the window's days are a lower bound.
  return days.toFixed(1);
}

/** Best possible DSO = current (not yet due) AR ÷ credit sales × days. */
export function bestPossibleDso(currentAr: string, sales: string, days: number): string | null {
  return simpleDso(currentAr, sales, days);
}

/** ADD = DSO − BPDSO. */
export function averageDaysDelinquent(dso: string | null, bpdso: string | null): string | null {
  if (dso === null || bpdso === null) return null;
  return new Decimal(dso).sub(bpdso).toFixed(1);
}

/** CEI = (begin AR + sales/N − end total AR) ÷ (begin AR + sales/N − end current AR) × 100. */
export function collectionEffectivenessIndex(beginAr: string, sales: string, months: number, endTotalAr: string, endCurrentAr: string): string | null {
  const perMonth = new Decimal(sales).div(months);
  const base = new Decimal(beginAr).add(perMonth);
  const denominator = base.sub(endCurrentAr);
  if (denominator.lte(0)) return null;
  return base.sub(endTotalAr).div(denominator).mul(100).toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toFixed(1);
}

/** Bad-debt provision of one bracket: balance × rate %, to the cent (half up). */
export function provisionOf(balance: string, ratePercent: string): string {
  return new Decimal(balance).mul(ratePercent).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

export function sumDecimals(values: string[]): string {
  return values.reduce((acc, v) => acc.add(v), new Decimal(0)).toFixed(2);
}
