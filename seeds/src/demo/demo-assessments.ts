import { createRandom } from './random.js';
import type { DemoRecord } from './demo-util.js';

export interface DemoAssessmentOptions {
  seed: number;
  /** Installed customers; about `share` of them get one assessment. */
  customers: DemoRecord[];
  asOf: string;
  share?: number;
}

const BEHAVIOUR = ['按时', '按时', '按时', '迟付1-15天', '迟付16-30天', '迟付31-60天', '迟付60天以上', '无历史'];
const PUBLIC = ['无不良', '无不良', '无不良', '无不良', '无不良', '无不良', '一般诉讼', '被执行人', '经营异常名录', '失信被执行人'];

function cents(value: number): string {
  return (Math.round(value * 100) / 100).toFixed(2);
}

/**
 * Credit assessments (信用评估, DOMAIN §6.2) for a share of the demo customers: balance sheets from
 * healthy to strained, so the scorecard spreads grades from AAA to C. Deterministic per seed.
 * Payloads are input only (no assessment number, no formula fields).
 */
export function generateDemoAssessments(opts: DemoAssessmentOptions): Record<string, unknown>[] {
  const r = createRandom(opts.seed + 17);
  const share = opts.share ?? 0.6;
  const [y, m, d] = opts.asOf.split('-').map(Number) as [number, number, number];
  return opts.customers
    .filter(() => r.chance(share))
    .map((customer) => {
      const totalAssets = 1_000_000 * (1 + r.int(0, 400));
      const debtRatio = r.int(15, 95) / 100;
      const totalLiabilities = totalAssets * debtRatio;
      const currentAssets = totalAssets * (r.int(20, 70) / 100);
      const currentLiabilities = Math.min(totalLiabilities, totalLiabilities * (r.int(30, 90) / 100));
      const revenue = totalAssets * (r.int(30, 250) / 100);
      const margin = r.int(-8, 18) / 100;
      const daysAgo = r.int(5, 150);
      const assessed = new Date(Date.UTC(y, m - 1, d) - daysAgo * 86_400_000).toISOString().slice(0, 10);
      return {
        customer: customer.id,
        assessed_on: assessed,
        fiscal_year: Number(assessed.slice(0, 4)) - 1,
        total_assets: cents(totalAssets),
        total_liabilities: cents(totalLiabilities),
        current_assets: cents(currentAssets),
        current_liabilities: cents(currentLiabilities),
        revenue: cents(revenue),
        net_profit: cents(revenue * margin),
        employees: r.int(5, 3000),
        industry_risk: ['低', '中', '中', '高'][r.int(0, 3)]!,
        payment_behaviour: BEHAVIOUR[r.int(0, BEHAVIOUR.length - 1)]!,
        public_record: PUBLIC[r.int(0, PUBLIC.length - 1)]!,
        guarantee: r.chance(0.2),
      };
    });
}
