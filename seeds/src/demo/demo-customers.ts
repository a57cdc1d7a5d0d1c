import { orgCodeCheckChar, usccCheckChar } from '@credo/form-engine';
import type { City } from './demo-data.js';
import {
  BANKS,
  BRAND_CHARS,
  CITIES,
  COMPANY_SUFFIXES,
  FOREIGN,
  GIVEN_CHARS,
  GOVERNMENT_NAMES,
  INDUSTRY_WORDS,
  INSTITUTION_NAMES,
  SHOP_WORDS,
  STREETS,
  SURNAMES,
} from './demo-data.js';
import { createRandom } from './random.js';
import type { Random } from './random.js';

export interface DemoCustomerOptions {
  seed: number;
  count: number;
  /** User ids (uuid) to assign as sales owners and collectors. */
  salesOwnerIds: string[];
  /** Reference date 'YYYY-MM-DD': nothing is established after it. */
  asOf: string;
}

type CustomerType = '企业' | '个体工商户' | '事业单位' | '政府机关' | '境外企业' | '个人';

const TYPE_WEIGHTS: Array<readonly [CustomerType, number]> = [
  ['企业', 80],
  ['个体工商户', 7],
  ['事业单位', 4],
  ['政府机关', 2],
  ['境外企业', 4],
  ['个人', 3],
];

/** USCC positions 1–2 by customer type (registration authority + organisation category). */
const USCC_PREFIX: Record<string, string> = { 企业: '91', 个体工商户: '92', 事业单位: '12', 政府机关: '11' };

/** Characters used in organisation codes issued since 2015 (MA… style), USCC alphabet only. */
const ORG_ALNUM = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function personName(r: Random): string {
  return r.pick(SURNAMES) + r.pick(GIVEN_CHARS) + (r.chance(0.7) ? r.pick(GIVEN_CHARS) : '');
}

function brand(r: Random): string {
  const a = r.pick(BRAND_CHARS);
  let b = r.pick(BRAND_CHARS);
  while (b === a) b = r.pick(BRAND_CHARS);
  return a + b;
}

/** A USCC whose organisation-code part also passes GB 11714 and whose check character is right. */
function uscc(r: Random, prefix: string, city: City): string {
  const org8 = r.chance(0.4)
    ? `MA${Array.from({ length: 6 }, () => r.pick([...ORG_ALNUM])).join('')}`
    : `${r.int(1, 9)}${r.digits(7)}`;
  const body = `${prefix}${city.region}${org8}${orgCodeCheckChar(org8)}`;
  return body + usccCheckChar(body);
}

function mobile(r: Random): string {
  return `1${r.pick(['3', '5', '7', '8', '9'])}${r.digits(9)}`;
}

function landline(r: Random, city: City): string {
  const local = `${r.int(2, 8)}${r.digits(city.area.length === 3 ? 7 : 6)}`;
  return r.chance(0.1) ? `400-${r.digits(3)}-${r.digits(4)}` : `${city.area}-${local}`;
}

function daysToDate(base: string, minusDays: number): string {
  const [y, m, d] = base.split('-').map(Number) as [number, number, number];
  const t = Date.UTC(y, m - 1, d) - minusDays * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

function money(n: number): string {
  return n.toFixed(2);
}

/**
 * Deterministic demo customers for the customer template: the same options give identical
 * output. Names and USCCs are unique; every record passes the template's validator. Server
 * fields (customer_code) are not included.
 */
export function generateDemoCustomers(opts: DemoCustomerOptions): Record<string, unknown>[] {
  if (!opts.salesOwnerIds.length) throw new RangeError('salesOwnerIds must not be empty');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.asOf)) throw new RangeError(`asOf must be YYYY-MM-DD, got '${opts.asOf}'`);
  const r = createRandom(opts.seed);
  const names = new Set<string>();
  const codes = new Set<string>();
  const out: Record<string, unknown>[] = [];

  const unique = (make: () => string, seen: Set<string>): string => {
    for (let i = 0; i < 1000; i++) {
      const v = make();
      if (!seen.has(v)) {
        seen.add(v);
        return v;
      }
    }
    throw new Error('demo data space exhausted');
  };

  for (let n = 0; n < opts.count; n++) {
    const type = r.weighted(TYPE_WEIGHTS);
    const city = r.pick(CITIES);
    const district = r.pick(city.districts);
    const iw = r.pick(INDUSTRY_WORDS);
    const rec: Record<string, unknown> = { customer_type: type, country: 'CN' };

    switch (type) {
      case '企业':
        rec.name = unique(() => `${r.chance(0.8) ? city.name : ''}${brand(r)}${iw.word}${r.weighted(COMPANY_SUFFIXES)}`, names);
        rec.industry = iw.industry;
        break;
      case '个体工商户':
        rec.name = unique(() => `${city.name}${district}${brand(r)}${r.pick(SHOP_WORDS)}`, names);
        rec.industry = '批发和零售业';
        break;
      case '事业单位':
        rec.name = unique(() => `${city.name}${r.chance(0.5) ? district : '市'}${r.pick(INSTITUTION_NAMES)}`, names);
        rec.industry = r.pick(['医药卫生', '教育', '公共管理']);
        break;
      case '政府机关':
        rec.name = unique(() => `${city.name}${r.chance(0.6) ? district : '市'}${r.pick(GOVERNMENT_NAMES)}`, names);
        rec.industry = '公共管理';
        break;
      case '境外企业': {
        const f = r.pick(FOREIGN);
        rec.country = f.country;
        rec.name = unique(() => `${f.prefix}${brand(r)}${f.suffix}`, names);
        rec.foreign_tax_id = `${f.country}${r.digits(9)}`;
        rec.industry = r.pick(['批发和零售业', '制造业', '信息技术服务业']);
        break;
      }
      case '个人':
        rec.name = unique(() => personName(r), names);
        break;
    }

    const prefix = USCC_PREFIX[type];
    if (prefix) rec.uscc = unique(() => uscc(r, prefix, city), codes);

    if (type !== '个人') {
      rec.established_on = daysToDate(opts.asOf, r.int(60, 365 * 35));
      if (type === '企业' || type === '境外企业') {
        const capital = r.weighted([
          [r.int(10, 500), 40],
          [r.int(500, 5000), 40],
          [r.int(5000, 100000), 20],
        ] as const);
        rec.registered_capital = r.chance(0.2) ? `${capital}.5` : String(capital);
      }
      if (type === '企业' || type === '个体工商户') rec.legal_rep = personName(r);
    }
    if (rec.country === 'CN') {
      rec.address = `${city.name}市${district}${r.pick(STREETS)}${r.int(1, 999)}号`;
      if (r.chance(0.8)) rec.postal_code = `${city.postal}${r.digits(3)}`;
    }

    rec.contact_name = personName(r);
    if (r.chance(0.9)) rec.mobile = mobile(r);
    if (rec.country === 'CN' && type !== '个人' && r.chance(0.8)) rec.phone = landline(r, city);
    if (r.chance(0.7)) {
      const user = `${String.fromCharCode(97 + r.int(0, 25))}${String.fromCharCode(97 + r.int(0, 25))}${r.digits(3)}`;
      rec.email = type === '个人' ? `${user}@${r.pick(['163.com', '126.com', 'qq.com'])}` : `${user}@c${r.digits(5)}.com.cn`;
    }

    if (type !== '个人' && r.chance(0.85)) {
      const bank = r.pick(BANKS);
      rec.bank_name = `${bank.name}${rec.country === 'CN' ? city.name : ''}${r.pick(['分行营业部', '支行', '科技支行', '高新支行'])}`;
      rec.bank_account = r.digits(1).replace('0', '6') + r.digits(r.int(15, 18));
      rec.bank_cnaps = `${bank.code}${r.digits(9)}`;
    }

    rec.is_sme = type === '企业' ? r.chance(0.6) : false;

    const cashOnly = type === '个人' || r.chance(0.1);
    if (cashOnly) {
      rec.credit_limit = '0.00';
      rec.payment_term_days = 0;
      rec.settlement = r.pick(['现款', '预付']);
      rec.term_basis = '开票日';
    } else {
      const limit = r.weighted([
        [r.int(1, 20) * 10_000, 45],
        [r.int(2, 10) * 100_000, 35],
        [r.int(1, 5) * 1_000_000, 15],
        [r.int(10, 30) * 1_000_000, 5],
      ] as const);
      rec.credit_limit = money(limit);
      const monthly = r.chance(0.25);
      rec.settlement = monthly ? '月结' : '账期';
      rec.term_basis = monthly ? '月结' : r.weighted([['开票日', 70], ['发货日', 15], ['验收日', 15]] as const);
      rec.payment_term_days = r.weighted([[15, 10], [30, 40], [45, 15], [60, 25], [90, 10]] as const);
    }
    rec.credit_status = r.weighted([['正常', 85], ['预警', 8], ['冻结', 5], ['黑名单', 2]] as const);
    rec.sales_owner = r.pick(opts.salesOwnerIds);
    if (r.chance(0.5)) rec.collector = r.pick(opts.salesOwnerIds);
    out.push(rec);
  }
  return out;
}
