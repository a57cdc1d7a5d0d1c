import { assertDate, fromCents } from '../demo/demo-util.js';
import { AGE_STRATA, TAX_RATES } from '../demo/demo-receivables.js';
import { createRandom, type Random } from '../demo/random.js';

/**
 * Scale mode (issue #8, PERFORMANCE.md T11): N receivables (1,000,000 for the bench) as stored
 * records — the template's computed fields included (outstanding, basis/due date, days overdue,
 * buckets, status as of `asOf`) — for loading straight into `records`, bypassing the API.
 *
 * Streaming: `scaleReceivableBatches` yields batches of `batchSize` records; nothing is kept
 * between batches, so memory stays flat whatever N is. Deterministic: record i depends only on
 * (seed, i) — its own PRNG stream — so any batch can be regenerated alone, in any order, and the
 * same (seed, count, asOf, customers) always gives the same rows.
 *
 * Distributions follow the demo generator (generateDemoReceivables): business dates over the
 * ~6 years before asOf weighted to recent months, invoice 0–10 days later (~10 % without invoice),
 * log-uniform amounts ¥1,000–¥2,000,000, paid / partly paid the likelier the longer past due, old
 * unpaid balances mostly written off, ~13 % of open items near or past due disputed.
 */

/** The customer facts a receivable takes over (as the demo seed does). */
export interface ScaleCustomer {
  id: string;
  salesOwner?: string | null;
  collector?: string | null;
  /** Customer payment term in days (else 30/60/90 at random). */
  termDays?: number | null;
  /** 开票日 / 发货日 / 验收日 / 月结 (else 开票日). */
  termBasis?: string | null;
}

export interface ScaleReceivableOptions {
  seed: number;
  count: number;
  /** 'YYYY-MM-DD': dates are relative to it, computed fields are as of it. */
  asOf: string;
  /** Referenced round-robin by a hash of the index (≈ count / customers.length receivables each). */
  customers: readonly ScaleCustomer[];
  /** Fallback sales owners for customers without one. */
  salesOwnerIds?: readonly string[];
  /** Records per yielded batch (default 5,000). */
  batchSize?: number;
  /** First index (default 1): ar_no is AR9 + the index, zero-padded to 9 digits. */
  start?: number;
}

const DAY = 86_400_000;

const DISPUTE = '对账差异：客户记录的发货数量少于我方';

function epochDay(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
}

function isoDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** Last day of the month of `day`. */
function endOfMonthDay(day: number): number {
  const d = new Date(day * DAY);
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0) / DAY);
}

/** `day` shifted by `months` calendar months (clamped to the month's last day, as ADDMONTHS). */
function addMonthsDay(day: number, months: number): number {
  const d = new Date(day * DAY);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Math.floor(Date.UTC(y, m, Math.min(d.getUTCDate(), last)) / DAY);
}

/** A per-record PRNG seed from (seed, index): splitmix-style mixing. */
function streamSeed(seed: number, i: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function amountCents(r: Random): number {
  const yuan = Math.exp(Math.log(1000) + Math.log(2000) * Math.pow(r.next(), 1.15));
  const cents = r.chance(0.4) ? Math.round(yuan / 100) * 10_000 : Math.round(yuan * 100);
  return Math.min(200_000_000, Math.max(100_000, cents));
}

/** Record i's data, as the API would have stored it (computed fields as of asOf). */
export function scaleReceivable(opts: ScaleReceivableOptions, i: number, asOfDay = epochDay(opts.asOf)): Record<string, unknown> {
  const r = createRandom(streamSeed(opts.seed, i));
  const customer = opts.customers[streamSeed(opts.seed + 1, i) % opts.customers.length]!;
  const termDays = customer.termDays && customer.termDays > 0 ? customer.termDays : r.pick([30, 60, 90]);
  const termBasis = customer.termBasis || '开票日';
  const [lo, hi] = r.weighted(AGE_STRATA);
  const bizDay = asOfDay - r.int(lo, hi);
  const invoiceDay = Math.min(bizDay + r.int(0, 10), asOfDay);
  const noInvoice = r.chance(0.1);
  const invoiceDate = isoDay(invoiceDay);
  const invoiceType = noInvoice ? '无发票' : invoiceDate >= '2022-01-01' ? r.pick(['数电专票', '数电专票', '数电普票', '增值税专用发票', '增值税普通发票']) : r.pick(['增值税专用发票', '增值税专用发票', '增值税普通发票']);
  const basisDay = noInvoice ? bizDay : invoiceDay;
  const dueDay = (termBasis === '月结' ? endOfMonthDay(basisDay) : basisDay) + termDays;
  const overdue = asOfDay - dueDay;
  const amount = amountCents(r);

  const [pPaid, pPartial] = overdue <= 0 ? [0.05, 0.1] : overdue <= 90 ? [0.25, 0.3] : overdue <= 365 ? [0.5, 0.2] : [0.66, 0.12];
  const u = r.next();
  let received = 0;
  if (u < pPaid) received = amount;
  else if (u < pPaid + pPartial) received = Math.min(amount - 1, Math.max(1, Math.floor((amount * r.int(10, 90)) / 100)));
  let writtenOff = 0;
  if (received < amount && asOfDay - bizDay > 730 && r.chance(0.6)) {
    const rest = amount - received;
    writtenOff = r.chance(0.75) ? rest : Math.max(1, Math.floor(rest / 200) * 100);
  }
  const outstanding = amount - received - writtenOff;
  const disputed = outstanding > 0 && overdue > -15 && r.chance(0.13);
  const daysOverdue = outstanding > 0 ? Math.max(0, overdue) : 0;
  const agingBucket =
    basisDay >= addMonthsDay(asOfDay, -12) ? '1年以内'
    : basisDay >= addMonthsDay(asOfDay, -24) ? '1-2年'
    : basisDay >= addMonthsDay(asOfDay, -36) ? '2-3年'
    : basisDay >= addMonthsDay(asOfDay, -48) ? '3-4年'
    : basisDay >= addMonthsDay(asOfDay, -60) ? '4-5年'
    : '5年以上';
  const status =
    outstanding <= 0 && writtenOff > 0 && received < amount ? '已核销'
    : outstanding <= 0 ? '已结清'
    : disputed ? '争议中'
    : daysOverdue > 0 ? '逾期'
    : received > 0 ? '部分回款'
    : '未到期';

  const bizDate = isoDay(bizDay);
  const data: Record<string, unknown> = { ar_no: `AR9${String(i).padStart(9, '0')}`, customer: customer.id };
  if (r.chance(0.75)) data.contract_no = `HT${bizDate.slice(0, 4)}-${r.digits(4)}`;
  data.biz_date = bizDate;
  data.invoice_type = invoiceType;
  if (!noInvoice) {
    const yy = invoiceDate.slice(2, 4);
    if (invoiceType.startsWith('数电')) data.invoice_no = `${yy}312${String(i).padStart(15, '0')}`;
    else {
      data.invoice_code = `3100${yy}1${invoiceType === '增值税专用发票' ? '130' : '040'}`;
      data.invoice_no = String(i % 100_000_000).padStart(8, '0');
    }
    data.invoice_date = invoiceDate;
    data.tax_rate = r.weighted(TAX_RATES);
  }
  data.currency = 'CNY';
  data.amount = fromCents(amount);
  data.term_basis = termBasis;
  data.term_days = termDays;
  if (received > 0) data.received = fromCents(received);
  if (writtenOff > 0) data.written_off = fromCents(writtenOff);
  data.disputed = disputed;
  if (disputed) data.dispute_reason = DISPUTE;
  data.outstanding = fromCents(outstanding);
  data.basis_date = isoDay(basisDay);
  data.due_date = isoDay(dueDay);
  data.days_overdue = daysOverdue;
  data.overdue_bucket = daysOverdue <= 0 ? '未到期' : daysOverdue <= 30 ? '1-30' : daysOverdue <= 60 ? '31-60' : daysOverdue <= 90 ? '61-90' : '90+';
  data.aging_bucket = agingBucket;
  data.status = status;
  const owner = customer.salesOwner || (opts.salesOwnerIds?.length ? opts.salesOwnerIds[streamSeed(opts.seed + 2, i) % opts.salesOwnerIds.length] : undefined);
  if (owner) data.sales_owner = owner;
  if (customer.collector) data.collector = customer.collector;
  return data;
}

/** Batches of stored receivable data, `batchSize` at a time, for i = start … start + count − 1. */
export function* scaleReceivableBatches(opts: ScaleReceivableOptions): Generator<Array<Record<string, unknown>>, void, undefined> {
  assertDate('asOf', opts.asOf);
  if (!opts.customers.length) throw new RangeError('customers must not be empty');
  if (!Number.isSafeInteger(opts.count) || opts.count < 0) throw new RangeError('count must be a non-negative integer');
  const size = Math.max(1, opts.batchSize ?? 5000);
  const start = opts.start ?? 1;
  const asOfDay = epochDay(opts.asOf);
  for (let from = start; from < start + opts.count; from += size) {
    const to = Math.min(start + opts.count, from + size);
    const batch: Array<Record<string, unknown>> = [];
    for (let i = from; i < to; i++) batch.push(scaleReceivable(opts, i, asOfDay));
    yield batch;
  }
}
